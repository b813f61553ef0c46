"""No English reaches the Vietnamese interface, errors included (issue 12).

A browser whose own language is English (Accept-Language: en-US) opens the
Vietnamese interface and provokes refusals: a wrong login, a blank title on
/meetings/new, a refused ballot, a page past the end of a document, a
payload the server's validation refuses. The client asks for the page's
language; every message it would show, and the visible text of every page
visited, is checked against the English catalogues: the client's
(web_client/i18n/en.json) and the server's (meeting_server/i18n/en.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from meeting_server import i18n
from tests.browser.conftest import device_options, login_in_browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path("/tmp/shots/error-language")


def english_phrases() -> set[str]:
    """Whole English phrases of both catalogues that no Vietnamese text contains:
    the parts of each message between its {params}, of two words or more."""
    client_en = json.loads((ROOT / "web_client/i18n/en.json").read_text(encoding="utf-8"))
    client_vi = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
    texts = [*client_en.values(), *i18n.catalogues()["en"].values()]
    vietnamese = "\n".join([*client_vi.values(), *i18n.catalogues()["vi"].values()])
    phrases = set()
    for text in texts:
        for part in re.split(r"\{\w+\}", text):
            part = part.strip(" .,:;()“”'\"")
            if len(part) >= 12 and " " in part and part not in vietnamese:
                phrases.add(part)
    return phrases


ENGLISH = english_phrases()


def assert_no_english(text: str, where: str) -> None:
    found = sorted(phrase for phrase in ENGLISH if phrase in text)
    assert not found, f"{where}: English in the Vietnamese interface: {found}\n---\n{text}"


# The message the interface shows for a refusal: what lib/api.js's ApiError carries.
CALL_API = """async ([method, url, body]) => {
  const { api } = await import("/static/js/lib/api.js");
  try { await api(method, url, body, { redirectOn401: false }); return null; }
  catch (err) { return { code: err.code, message: err.message }; }
}"""


def test_the_errors_a_vietnamese_interface_provokes_read_in_vietnamese(playwright_instance, chromium, server, world):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # The iPad's own language is English; the interface is Vietnamese (the default, no cookie).
    context = chromium.new_context(**device_options(playwright_instance), locale="en-US", base_url=server.base_url)
    try:
        page = context.new_page()
        shown: list[tuple[str, str]] = []

        # A wrong login.
        page.goto("/login")
        assert page.evaluate("document.documentElement.lang") == "vi"
        page.get_by_test_id("login-username").fill(world.secretary.user["username"])
        page.get_by_test_id("login-password").fill("not the password")
        page.get_by_test_id("login-submit").click()
        error = page.get_by_test_id("login-error")
        error.wait_for(state="visible")
        shown.append(("login", error.inner_text()))
        assert error.inner_text().strip(), "the login error is empty"
        shown.append(("login page", page.inner_text("body")))
        page.screenshot(path=str(SHOTS / "login.png"))

        # A blank title on /meetings/new.
        login_in_browser(page, world.secretary.user["username"], "/meetings/new")
        page.get_by_test_id("meeting-title").fill("   ")
        page.get_by_test_id("meeting-save").click()
        title_error = page.locator('[data-error-for="title"]')
        title_error.wait_for(state="visible")
        shown.append(("blank title", title_error.inner_text()))
        shown.append(("new meeting page", page.inner_text("body")))
        page.screenshot(path=str(SHOTS / "blank-title.png"))

        # Refusals from the server, as the interface receives them: a ballot in a vote that is not
        # open, a page past the end, a validation error, the framework's 404 and 405.
        vote = world.secretary.ok(
            "POST",
            f"/api/meetings/{world.meeting_id}/votes",
            201,
            json={"title": "Thông qua Nghị quyết", "secret": False, "rule": "majority_of_members"},
        )
        document = world.document
        refusals = {
            "ballot": ("POST", f"/api/votes/{vote['id']}/ballot", {"choice": "yes"}),
            "page": ("GET", f"/api/documents/{document['id']}/pages/999/text", None),
            "validation": ("POST", "/api/meetings", {"title": "", "starts_at": "2026-11-27T08:00:00+07:00"}),
            "no route": ("GET", "/api/no/such/thing", None),
            "method": ("DELETE", "/api/me", None),
        }
        for name, (method, url, body) in refusals.items():
            refusal = page.evaluate(CALL_API, [method, url, body])
            assert refusal and refusal["message"], (name, refusal)
            shown.append((name, refusal["message"]))
        # The ballot's refusal is the server's own sentence, in Vietnamese.
        ballot = dict(shown)["ballot"]
        assert ballot == i18n.translate("vi", "The vote is not open yet."), ballot

        for where, text in shown:
            assert_no_english(text, where)
            # Each message has Vietnamese letters: none is a bare code or an English sentence the
            # catalogues do not know.
            if where not in ("login page", "new meeting page"):
                assert re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", text, re.I), (where, text)
    finally:
        context.close()
