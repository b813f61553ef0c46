"""No English anywhere under the Vietnamese interface (issue 12).

Everyone opens the pages they use in the iPad profile, with the interface in
its default language (Vietnamese), and provokes a handful of refusals
through the interface itself: a wrong password, a file that is no PDF, a
body's name that is taken, a username refused, a quorum above the whole, a
minutes edit overtaken by the chair's, closing a meeting with a vote open.
What a person reads on each (the visible text, the document's title, the
placeholder, title, aria-label and alt of what is shown, open dialogs
included) is checked against the English of both catalogues: the client's
(web_client/i18n/en.json) and the server's (meeting_server/i18n/en.json),
each sentence and label that differs from its Vietnamese, and against a few
English words that no catalogue holds but that leak when a code is shown
as it is (a status, a role, `undefined`).

tests/browser/test_error_language.py checks the refusals that the API gives
a Vietnamese page; this module checks the pages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from meeting_server import i18n
from tests.browser.conftest import login_in_browser
from tests.browser.test_error_language import english_phrases
from tests.conftest import new_user
from tests.support import ADMIN, PASSWORD, unique
from tests.votes_support import attend, close, open_meeting, start

ROOT = Path(__file__).resolve().parents[2]
CLIENT_EN = json.loads((ROOT / "web_client/i18n/en.json").read_text(encoding="utf-8"))
CLIENT_VI = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
SERVER_EN, SERVER_VI = i18n.catalogues()["en"], i18n.catalogues()["vi"]
VIETNAMESE = "\n".join([*CLIENT_VI.values(), *SERVER_VI.values()])

# English that may stand in Vietnamese text: names of things, formats, units.
ALLOWED = {"PDF", "JSON", "JSON-LD", "OParl", "ZIP", "CSV", "Wi-Fi", "iPad"}

# Words that leak when a code is shown as it is, or when a value is missing; no catalogue
# holds them as a label of their own.
LEAKS = {
    "undefined", "null", "NaN", "Invalid Date", "[object Object]", "HTTP",
    "draft", "scheduled", "open", "closed", "final", "present", "absent", "excused",
    "yes", "abstain", "majority_of_members", "majority_of_present", "two_thirds",
    "secretary", "chair", "member", "admin", "archivist", "guest",
    "Loading", "Error", "Save", "Cancel", "Close", "Delete", "Edit", "Search", "Next", "Previous", "Page",
}  # fmt: skip


def words_of(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]{4,}", text)


def english_labels() -> set[str]:
    """The short English of both catalogues (a label of a word or few) whose Vietnamese differs:
    english_phrases() has the long sentences."""
    labels = set()
    pairs = [(CLIENT_EN[k], CLIENT_VI.get(k, "")) for k in CLIENT_EN]
    pairs += [(SERVER_EN[k], SERVER_VI.get(k, "")) for k in SERVER_EN]
    pairs += [(k, SERVER_VI.get(k, "")) for k in SERVER_EN]
    for english, vietnamese in pairs:
        if english == vietnamese:
            continue
        for part in re.split(r"\{\w+\}", english):
            part = part.strip(" .,:;()“”'\"…?!·/–-")
            if part in ALLOWED or not words_of(part) or (len(part) >= 12 and " " in part):
                continue
            # A real word: letters, not a code (snake_case, dotted keys, file names).
            if not re.fullmatch(r"[A-Za-z][A-Za-z ’'-]*[A-Za-z]", part):
                continue
            if re.search(rf"(?<![\w-]){re.escape(part)}(?![\w-])", VIETNAMESE):
                continue
            labels.add(part)
    return labels


VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)
PHRASES = english_phrases()
LABELS = english_labels() | LEAKS

# Everything a person reads on the page: its title, the rendered text (open dialogs are in the
# body), and the words that a screen reader or a tap-and-hold shows, of what is shown.
COLLECT = """() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("[placeholder], [title], [aria-label], [alt], input[type=button], input[type=submit]")) {
    const shown = el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
    if (!shown && !el.closest("dialog[open]")) continue;
    for (const name of ["placeholder", "title", "aria-label", "alt"]) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
    if (el.matches("input[type=button], input[type=submit]")) out.push(el.value);
  }
  return out.join("\\n");
}"""


def english_in(text: str) -> list[str]:
    english = sorted(p for p in PHRASES if p in text)
    english += sorted(
        w for w in LABELS if re.search(rf"(?<![\w.@/-]){re.escape(w)}(?![\w@/-])", text) and w not in english
    )
    return english


class Reader:
    """What each page shows, and what in it is English."""

    def __init__(self, data: list[str]):
        # What people typed (names, titles, file names) is theirs, in whatever language.
        self.data = sorted((d for d in data if d), key=len, reverse=True)
        self.found: dict[str, list[str]] = {}
        self.context: dict[str, list[str]] = {}

    def read(self, page, where: str) -> str:
        page.wait_for_load_state("load")
        text = page.evaluate(COLLECT)
        for datum in self.data:
            text = text.replace(datum, " ")
        # The page has been drawn, in Vietnamese.
        assert re.search(VIETNAMESE_LETTERS, text), f"{where}: no Vietnamese on the page\n{text}"
        english = english_in(text)
        if english:
            self.found[where] = english
            # Where each one stands, for the report.
            self.context[where] = [
                text[max(0, m.start() - 60) : m.end() + 30]
                for word in english
                for m in [re.search(re.escape(word), text)]
                if m
            ]
        return text

    def check(self) -> None:
        report = "\n".join(f"  {where}: {english} in {self.context[where]}" for where, english in self.found.items())
        assert not self.found, f"English in the Vietnamese interface:\n{report}"


def ready(page) -> None:
    """The page's own script has drawn it (no spinner waits for the network)."""
    page.wait_for_load_state("networkidle")


def test_no_english_on_any_page_or_refusal(blank_ipad, server, world, admin, tmp_path):
    w = world
    archivist = new_user(admin, "archivist", "Võ Thị Lưu Trữ")
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.secretary, w.chair, w.member, w.member2)
    # A named vote, taken and closed: its result is on the console and the tablets.
    vote = start(w.secretary, w.meeting_id, title="Thông qua chương trình công tác")
    for voter, choice in ((w.member, "yes"), (w.member2, "no")):
        sock = voter.socket()
        try:
            ack = sock.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote["id"], "choice": choice})
            assert ack == {"ok": True, "vote_id": vote["id"]}, ack
        finally:
            sock.close()
    close(w.secretary, vote["id"])
    # A meeting held and closed: the archive has it.
    held_title = f"Hội nghị chi bộ lưu trữ {unique('m')}"
    held = w.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": held_title, "starts_at": "2026-10-20T08:00:00+07:00", "location": "Phòng họp",
              "participants": [{"user_id": w.member.id}]},
    )  # fmt: skip
    w.secretary.ok("POST", f"/api/meetings/{held['id']}/agenda", 201, json={"title": "Tổng kết công tác"})
    open_meeting(w.secretary, held["id"])
    w.secretary.ok("POST", f"/api/meetings/{held['id']}/close")

    people = [w.secretary, w.chair, w.member, w.member2, archivist]
    data = [p.user["full_name"] for p in people] + [p.user["username"] for p in people]
    data += [w.meeting["title"], w.item["title"], w.document.get("title", ""), "bao-cao.pdf", held_title, "admin"]
    data += ["Thông qua chương trình công tác", "Bầu Ban kiểm tra", "Tổng kết công tác", "Hội trường", "Phòng họp"]
    reader = Reader(data)

    # --- A member: the login page, a wrong password, the list, the tablet, the refusals.
    member = blank_ipad()
    member.goto("/")
    member.wait_for_url("**/login**")
    reader.read(member, "login page")
    member.get_by_test_id("login-username").fill(w.member.user["username"])
    member.get_by_test_id("login-password").fill("not the password")
    member.get_by_test_id("login-submit").click()
    member.get_by_test_id("login-error").wait_for(state="visible")
    reader.read(member, "login error")
    member.get_by_test_id("login-password").fill(PASSWORD)
    member.get_by_test_id("login-submit").click()
    member.wait_for_url(re.compile(r"/$"))
    ready(member)
    reader.read(member, "index (member)")
    member.goto(f"/meetings/{w.meeting_id}")
    member.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    member.get_by_test_id("page-image").first.wait_for()
    ready(member)
    reader.read(member, "tablet (a closed vote's result)")
    # A secret vote opens: the ballot sheet on the tablet, the console's list of who has not voted.
    second = start(w.secretary, w.meeting_id, title="Bầu Ban kiểm tra", secret=True)
    sheet = member.locator(f'[data-testid="vote-sheet"][data-vote-id="{second["id"]}"]')
    sheet.locator('[data-testid="vote-option"]').first.wait_for()
    reader.read(member, "tablet: the ballot sheet")
    member.goto("/account")
    ready(member)
    reader.read(member, "/account")
    member.get_by_test_id("logout").click()
    member.get_by_test_id("logout-dialog").wait_for()
    reader.read(member, "/account: the logout dialog")
    member.keyboard.press("Escape")
    expect(member.get_by_test_id("logout-dialog")).to_have_count(0)
    assert member.goto(f"/meetings/{w.meeting_id}/console").status == 403
    reader.read(member, "error page: forbidden")
    assert member.goto("/meetings/987654321").status == 404
    reader.read(member, "error page: missing meeting")

    # --- The secretary: the list, the console and its views, the hall screen, preparing.
    secretary = blank_ipad()
    login_in_browser(secretary, w.secretary.user["username"], "/")
    ready(secretary)
    reader.read(secretary, "index (secretary)")
    secretary.goto(f"/meetings/{w.meeting_id}/console")
    secretary.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    secretary.get_by_test_id("screen-controls").wait_for()
    secretary.get_by_test_id("vote-result").first.wait_for()
    ready(secretary)
    secretary.get_by_test_id("vote-not-voted").first.wait_for()
    reader.read(secretary, "console (a closed vote's result, an open vote, the screen controls)")
    # Closing asks first, and warns about the open vote.
    secretary.get_by_test_id("close-meeting").click()
    closing = secretary.get_by_test_id("confirm-dialog")
    closing.wait_for()
    reader.read(secretary, "console: closing the meeting, asked")
    closing.get_by_test_id("confirm-cancel").click()
    expect(closing).to_have_count(0)
    # A quorum above the whole is refused in its dialog.
    secretary.get_by_test_id("quorum-edit").click()
    quorum = secretary.get_by_test_id("quorum-dialog")
    quorum.get_by_test_id("quorum-numerator").fill("5")
    quorum.get_by_test_id("quorum-denominator").fill("3")
    quorum.get_by_test_id("quorum-save").click()
    quorum.get_by_test_id("quorum-error").wait_for()
    reader.read(secretary, "console: the quorum dialog, a fraction refused")
    secretary.keyboard.press("Escape")
    expect(quorum).to_have_count(0)
    secretary.get_by_test_id("vote-new").click()
    secretary.get_by_test_id("vote-form").wait_for()
    reader.read(secretary, "console: the vote form")
    secretary.keyboard.press("Escape")
    expect(secretary.get_by_test_id("vote-form")).to_have_count(0)
    secretary.get_by_test_id("screen-mode-agenda").click()
    secretary.locator('[data-testid="screen-mode-agenda"][aria-checked="true"]').wait_for()
    reader.read(secretary, "console: screen mode agenda")

    secretary.get_by_test_id("view-minutes").click()
    secretary.locator('[data-testid="minutes-panel"][data-editable="true"]').wait_for()
    ready(secretary)
    reader.read(secretary, "console: minutes")
    # A stale minutes edit: typed offline while the chair saved the same item.
    area = secretary.locator(
        f'[data-testid="minutes-item"][data-item-id="{w.item["id"]}"] [data-testid="minutes-discussion"]'
    )
    secretary.context.set_offline(True)
    area.fill("Thư ký ghi khi mất mạng.")
    area.press("Tab")
    expect(secretary.get_by_test_id("minutes-state")).to_have_attribute("data-state", "offline")
    reader.read(secretary, "console: minutes offline")
    w.chair.ok(
        "PUT",
        f"/api/meetings/{w.meeting_id}/minutes/items/{w.item['id']}",
        json={"discussion": "Chủ trì ghi cùng lúc.", "conclusion": "", "base_version": 0},
    )
    secretary.context.set_offline(False)
    dialog = secretary.get_by_test_id("minutes-conflict-dialog")
    dialog.wait_for()
    reader.read(secretary, "console: minutes conflict dialog")
    dialog.get_by_test_id("minutes-conflict-merge").click()
    dialog.get_by_test_id("minutes-conflict-save").wait_for()
    reader.read(secretary, "console: minutes conflict dialog, merging")
    dialog.get_by_test_id("minutes-conflict-save").click()
    expect(dialog).to_have_count(0)

    screen = blank_ipad()
    login_in_browser(screen, w.secretary.user["username"], f"/meetings/{w.meeting_id}/screen")
    screen.locator('body[data-screen-mode="agenda"]').wait_for()
    ready(screen)
    reader.read(screen, "hall screen (agenda)")
    for mode in ("result", "page", "closing"):
        secretary.get_by_test_id(f"screen-mode-{mode}").click()
        screen.locator(f'body[data-screen-mode="{mode}"]').wait_for()
        ready(screen)
        reader.read(screen, f"hall screen ({mode})")

    secretary.goto("/meetings/new")
    ready(secretary)
    reader.read(secretary, "/meetings/new")
    secretary.goto(f"/meetings/{w.meeting_id}/prepare")
    manager = secretary.get_by_test_id("document-manager").first
    manager.wait_for()
    ready(secretary)
    reader.read(secretary, "prepare")
    fake = tmp_path / "ghi-chu.pdf"
    fake.write_text("Đây không phải là PDF.", encoding="utf-8")
    manager.get_by_test_id("document-file-input").set_input_files(str(fake))
    manager.locator('[data-testid="upload-row"][data-state="error"]').wait_for(timeout=30_000)
    reader.read(secretary, "prepare: a file that is no PDF")

    # --- The archivist: the list and the archive, searched.
    keeper = blank_ipad()
    login_in_browser(keeper, archivist.user["username"], "/")
    ready(keeper)
    reader.read(keeper, "index (archivist)")
    keeper.goto("/archive")
    card = keeper.locator(f'[data-testid="archive-meeting"][data-meeting-id="{held["id"]}"]')
    card.get_by_test_id("archive-toggle").click()
    card.get_by_test_id("archive-details").locator("h3").first.wait_for()
    reader.read(keeper, "archive, a meeting opened")
    keeper.get_by_test_id("archive-search").fill("tổng kết")
    keeper.get_by_test_id("archive-search-submit").click()
    keeper.locator('[data-testid="hit-list"][aria-busy="false"]').wait_for()
    reader.read(keeper, "archive: search")

    # --- The admin: the list and the administration pages, a body's name taken.
    boss = blank_ipad()
    login_in_browser(boss, ADMIN[0], "/", password=ADMIN[1])
    ready(boss)
    reader.read(boss, "index (admin)")
    for path in ("/admin/users", "/admin/settings", "/admin/security", "/admin/bodies"):
        boss.goto(path)
        ready(boss)
        reader.read(boss, path)
    body_name = f"Chi bộ {unique('b')}"
    admin.ok("POST", "/api/bodies", 201, json={"name": body_name})
    reader.data.insert(0, body_name)
    boss.reload()
    ready(boss)
    boss.get_by_test_id("body-new").click()
    new_body = boss.get_by_test_id("new-body-dialog")
    new_body.get_by_test_id("new-body-name").fill(body_name)
    new_body.get_by_test_id("new-body-submit").click()
    new_body.get_by_test_id("new-body-name-error").wait_for(state="visible")
    reader.read(boss, "admin/bodies: a name taken")
    boss.goto("/admin/users")
    boss.get_by_test_id("users-add").click()
    add = boss.get_by_test_id("user-add-dialog")
    add.get_by_test_id("add-submit").wait_for()
    reader.read(boss, "admin/users: the new account dialog")
    reader.data.insert(0, "bad name")
    add.locator("input").first.fill("bad name")
    add.get_by_test_id("add-submit").click()
    add.locator('[data-error-for="username"]').wait_for(state="visible")
    reader.read(boss, "admin/users: a username refused")

    reader.check()
    # The check sees English where there is some: the same page in the English interface.
    boss.goto("/lang/en?next=/admin/bodies")
    boss.get_by_test_id("body-new").wait_for()
    assert boss.evaluate("document.documentElement.lang") == "en"
    assert len(english_in(boss.evaluate(COLLECT))) >= 5
    for page in (member, secretary, screen, keeper, boss):
        assert page.errors == [], page.errors
