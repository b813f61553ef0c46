"""The office prepares a meeting in the browser, from nothing but the admin's account
(issue 11, "Tests must show"): the admin makes a body of 9 members from a CSV and the
secretary's account; the secretary, on a 1366x768 laptop, creates the meeting, builds an
agenda of three items, uploads three PDFs at once, renames one, reorders the items by
dragging and by keyboard, publishes. A member on an iPad sees it as new, reads a document,
answers "absent, đi công tác"; the session opens with it recorded. No API call is made:
what the server keeps is read back from the pages.

Also writes docs/screenshots/new-meeting.png, prepare.png, index-new.png and rsvp.png."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.browser.conftest import CHROMIUM, device_options, login_in_browser, webkit_login
from tests.browser.office_steps import (
    COMMITTEE,
    DOCS_SHOTS,
    LAPTOP,
    add_account,
    add_agenda_items,
    agenda_titles,
    drag_item,
    first_login,
    import_body_members,
    new_body,
    open_session,
    pdf,
    publish,
    spreadsheet_csv,
)
from tests.conftest import new_user
from tests.support import ADMIN, PASSWORD, keep_password, make_body, unique

SHOTS = Path("/tmp/shots/prepare")
INITIAL = "Khoi-tao-2026"
CHOSEN = "mat-khau-rieng-2026"


@pytest.fixture
def office(admin, server):
    """A secretary and a body of four members (one of them the chair), set up over the API."""
    secretary = keep_password(new_user(admin, "secretary", "Trần Thị Thư Ký"), PASSWORD)
    chair = keep_password(new_user(admin, "chair", "Nguyễn Văn Bí Thư"), PASSWORD)
    member = keep_password(new_user(admin, "member", "Lê Văn Đảng Viên"), PASSWORD)
    others = [new_user(admin, "member", name) for name in ("Phạm Thị Hoa", "Võ Minh Tâm")]
    body_name = unique("Ban Thường vụ ")
    body_id = make_body(admin, [chair, member, *others], name=body_name)["id"]
    return {
        "secretary": secretary,
        "chair": chair,
        "member": member,
        "others": others,
        "body": (body_id, body_name),
    }


def shoot(page, name: str, docs: str | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if docs:
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(DOCS_SHOTS / docs))


def test_prepare_publish_answer_and_open(playwright_instance, chromium, server, tmp_path):
    errors: list[str] = []
    contexts = []

    def new_page(options: dict):
        # Devices whose clocks say UTC: the 08:00 typed in the form is still 08:00 in the
        # meeting's time zone (the site's, Asia/Ho_Chi_Minh), as the member's list shows.
        context = chromium.new_context(**options, locale="vi-VN", timezone_id="UTC", base_url=server.base_url)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    try:
        _flow(new_page, device_options(playwright_instance), tmp_path)
    finally:
        for context in contexts:
            context.close()
    assert errors == []


def _flow(new_page, ipad: dict, tmp_path: Path) -> None:
    # ---- (1) the admin: the secretary's account, a body of 9 from a CSV -----------------------
    prefix = unique("bch")
    usernames = [f"{prefix}{i}" for i in range(len(COMMITTEE))]
    secretary_username = unique("thuky")
    body_name = unique("Ban Thường vụ Đảng ủy phường ")
    admin = new_page(LAPTOP)
    login_in_browser(admin, ADMIN[0], "/admin/users", password=ADMIN[1])
    admin.get_by_test_id("user-row").first.wait_for()
    add_account(admin, secretary_username, "Trần Thị Thư Ký", "secretary", "Chánh Văn phòng Đảng ủy", INITIAL)
    admin.goto("/admin/bodies")
    admin.get_by_test_id("bodies-list").wait_for()
    new_body(admin, body_name)
    csv = spreadsheet_csv(
        tmp_path / "ban-thuong-vu.csv",
        "username,full_name,position",
        [(u, n, p) for u, (n, p) in zip(usernames, COMMITTEE, strict=True)],
    )
    import_body_members(admin, csv, INITIAL, 9)
    assert admin.get_by_test_id("body-member-count").inner_text() == "9 thành viên"
    admin.close()
    member_name, member_username = COMMITTEE[2][0], usernames[2]

    # ---- (2) the secretary, on a laptop: first login, then a new meeting -----------------------
    page = new_page(LAPTOP)
    first_login(page, secretary_username, INITIAL, CHOSEN)
    page.get_by_test_id("new-meeting").click()
    page.wait_for_url("**/meetings/new")
    # The form's labels are visible, here in English; errors are beside the field.
    page.goto("/lang/en?next=/meetings/new")
    page.wait_for_url("**/meetings/new")
    for label in ("Title", "Body", "Starts at", "Location", "Participants"):
        assert page.get_by_label(label, exact=True).is_visible(), label
    page.locator('[data-testid="participant"]').first.wait_for()
    page.get_by_test_id("meeting-save").click()
    error = page.locator('[data-error-for="title"]')
    error.wait_for()
    assert error.inner_text() == "Enter the meeting's title."
    assert page.get_by_test_id("meeting-title").get_attribute("aria-invalid") is not None
    page.goto("/lang/vi?next=/meetings/new")
    page.wait_for_url("**/meetings/new")
    # The secretary creating it is invited and keeps the minutes.
    me = page.get_by_test_id("participant").filter(has_text="Trần Thị Thư Ký")
    me.wait_for()
    assert page.get_by_test_id("meeting-secretary").input_value() == me.get_attribute("data-user-id")
    page.get_by_test_id("meeting-save").click()
    assert page.locator('[data-error-for="title"]').inner_text() == "Hãy nhập tiêu đề cuộc họp."

    # Tomorrow, so that opening it today asks first.
    tomorrow = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date() + timedelta(days=1)
    page.get_by_test_id("meeting-title").fill("Hội nghị Ban Thường vụ tháng 12")
    page.get_by_test_id("meeting-starts-at").fill(f"{tomorrow.isoformat()}T08:00")
    page.get_by_test_id("meeting-location").fill("Phòng họp tầng 2")
    # Choosing the body invites its 9 members to vote, besides the secretary.
    page.get_by_test_id("meeting-body").select_option(label=body_name)
    page.locator('[data-testid="participant"][data-voting="true"]').nth(8).wait_for()
    assert page.get_by_test_id("participant").count() == 10
    member_id = page.get_by_test_id("participant").filter(has_text=member_name).get_attribute("data-user-id")
    chair_id = page.get_by_test_id("participant").filter(has_text=COMMITTEE[0][0]).get_attribute("data-user-id")
    # Chosen by name, with search that ignores diacritics: the invited are not offered again.
    invited = set(page.get_by_test_id("participant").evaluate_all("els => els.map(e => e.dataset.userId)"))
    page.get_by_test_id("people-search").fill("quan tri he")
    page.get_by_test_id("people-result").filter(has_text="Quản trị").first.wait_for()
    page.get_by_test_id("people-search").fill("ngo minh tuan")
    page.get_by_test_id("people-result").filter(has_text="Quản trị").wait_for(state="detached")
    offered = set(page.get_by_test_id("people-result").evaluate_all("els => els.map(e => e.dataset.userId)"))
    assert not offered & invited
    page.get_by_test_id("people-search").fill("")
    page.get_by_test_id("meeting-chair").select_option(chair_id)
    shoot(page, "new-meeting-laptop", docs="new-meeting.png")
    page.get_by_test_id("meeting-save").click()
    page.wait_for_url("**/meetings/*/prepare")
    meeting_id = int(page.url.rstrip("/").split("/")[-2])
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="draft"]')).wait_for()
    assert page.get_by_test_id("prepare-status").inner_text() == "Bản nháp"

    # An agenda of three items.
    add_agenda_items(page, [("Báo cáo tình hình", "Đ/c Bí thư"), ("Kế hoạch năm 2027", ""), ("Công tác cán bộ", "")])
    assert agenda_titles(page) == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]

    # Reorder: drag the third item to the top by its handle (pointer events, as a finger would)...
    drag_item(page, 2, 0)
    assert agenda_titles(page) == ["Công tác cán bộ", "Báo cáo tình hình", "Kế hoạch năm 2027"]
    page.wait_for_function("() => document.querySelector('[data-testid=agenda-announce]').textContent.length > 0")
    # Three PDFs chosen at once for "Báo cáo tình hình": a progress row each, titles from the PDFs.
    manager = page.get_by_test_id("prepare-item").nth(1).get_by_test_id("document-manager")
    files = [
        pdf(tmp_path / "bao-cao-ket-qua-nhiem-vu-2026.pdf"),
        pdf(tmp_path / "scan0001.pdf", title="Microsoft Word - tt.doc", heading="To trinh ve cong tac can bo"),
        pdf(tmp_path / "du-thao.pdf", title="Du thao Nghi quyet Dai hoi", pages=3),
    ]
    manager.get_by_test_id("document-file-input").set_input_files([str(f) for f in files])
    manager.get_by_test_id("upload-row").nth(2).wait_for()
    assert manager.get_by_test_id("upload-row").count() == 3
    manager.locator('[data-testid="upload-row"][data-state="done"]').nth(2).wait_for(timeout=30_000)
    titles = manager.get_by_test_id("document-title")
    titles.nth(2).wait_for()
    assert sorted(titles.all_inner_texts()) == [
        "Bao cao ket qua nhiem vu 2026",
        "Du thao Nghi quyet Dai hoi",
        "To trinh ve cong tac can bo",
    ]
    # Rename the one titled from its file name.
    row = manager.get_by_test_id("document-row").filter(has_text="Bao cao ket qua nhiem vu 2026")
    row.get_by_test_id("document-rename").click()
    manager.get_by_test_id("document-title-input").fill("Báo cáo kết quả thực hiện nhiệm vụ năm 2026")
    manager.get_by_test_id("document-title-input").press("Enter")
    renamed = "Báo cáo kết quả thực hiện nhiệm vụ năm 2026"
    manager.get_by_test_id("document-title").filter(has_text=renamed).wait_for()

    # Reorder again: Alt+ArrowDown on the first item's title, announced once saved...
    page.get_by_test_id("item-title").nth(0).focus()
    page.keyboard.press("Alt+ArrowDown")
    assert agenda_titles(page) == ["Báo cáo tình hình", "Công tác cán bộ", "Kế hoạch năm 2027"]
    page.wait_for_function(
        "() => document.querySelector('[data-testid=agenda-announce]').textContent.includes('mục 2 trên 3')"
    )
    # ...and the move buttons.
    page.get_by_test_id("item-up").nth(1).click()
    order = ["Công tác cán bộ", "Báo cáo tình hình", "Kế hoạch năm 2027"]
    assert agenda_titles(page) == order
    page.wait_for_function(
        "() => document.querySelector('[data-testid=agenda-announce]').textContent.includes('mục 1 trên 3')"
    )
    # What the server keeps: a reload shows the same order, the documents and the new title.
    page.reload()
    page.get_by_test_id("prepare-item").nth(2).wait_for()
    assert agenda_titles(page) == order
    manager = page.get_by_test_id("prepare-item").nth(1).get_by_test_id("document-manager")
    manager.get_by_test_id("document-title").nth(2).wait_for()
    assert renamed in manager.get_by_test_id("document-title").all_inner_texts()
    shoot(page, "prepare-laptop", docs="prepare.png")

    # ---- (3) a member on an iPad, list open while the secretary publishes ----------------------
    tablet = new_page(ipad)
    # The list's socket has joined its inbox once the server acknowledged it (socket.io "40").
    acknowledged: list[str] = []
    tablet.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda frame: acknowledged.append(frame) if frame[:2] == "40" else None),
    )
    first_login(tablet, member_username, INITIAL, CHOSEN)
    card = tablet.locator(f'[data-testid="meeting"][data-meeting-id="{meeting_id}"]')
    assert card.count() == 0  # a draft is not shown to the invitees
    for _ in range(100):
        if acknowledged:
            break
        tablet.wait_for_timeout(100)
    assert acknowledged, "the list's socket never connected"
    publish(page)
    card.wait_for(timeout=10_000)
    card.get_by_test_id("new-badge").wait_for()
    assert body_name in card.inner_text() and f"{tomorrow:%d/%m/%Y} · 08:00" in card.inner_text()
    shoot(tablet, "index-new-ipad", docs="index-new.png")

    # Reads a document before the session: the agenda in the secretary's order, a page shown.
    card.get_by_test_id("meeting-link").click()
    tablet.wait_for_url(f"**/meetings/{meeting_id}")
    tablet.get_by_test_id("connection-state").and_(tablet.locator('[data-state="connected"]')).wait_for()
    agenda = tablet.get_by_test_id("agenda-item")
    agenda.nth(2).wait_for()
    assert [agenda.nth(i).locator(".agenda-title").inner_text() for i in range(3)] == order
    tablet.get_by_test_id("document-link").filter(has_text=renamed).click()
    tablet.locator('[data-testid="page-image"][data-page="1"]').wait_for()
    # Back on the list, the badge is gone; the calendar file is offered.
    tablet.goto("/")
    card.wait_for()
    assert card.get_by_test_id("new-badge").count() == 0
    assert card.get_by_test_id("ics-link").get_attribute("href") == f"/api/meetings/{meeting_id}/invitation.ics"

    # Absent, with a reason; a blank reason is refused beside the field.
    card.get_by_test_id("rsvp-absent").click()
    card.get_by_test_id("rsvp-reason").fill("đi công tác")
    shoot(tablet, "rsvp-ipad", docs="rsvp.png")
    card.get_by_test_id("rsvp-reason").fill("")
    card.get_by_test_id("rsvp-send").click()
    assert card.get_by_test_id("rsvp-error").inner_text() == "Hãy cho biết lý do vắng mặt."
    card.get_by_test_id("rsvp-reason").fill("đi công tác")
    card.get_by_test_id("rsvp-send").click()
    card.get_by_test_id("rsvp-answer").wait_for()
    assert "đi công tác" in card.get_by_test_id("rsvp-answer").inner_text()

    # ---- (4) the secretary opens the session: the absence is already recorded ------------------
    open_session(page, meeting_id)
    row = page.locator(f'[data-testid="participant"][data-user-id="{member_id}"]')
    row.and_(page.locator('[data-status="absent"]')).wait_for()
    assert row.get_by_test_id("attendance-reason").input_value() == "đi công tác"
    shoot(page, "console-absence-laptop")

    # The secretary's list: a new meeting button; a copy is a draft to prepare.
    page.goto(f"/meetings/{meeting_id}/prepare")
    page.get_by_test_id("prepare-copy").click()
    page.wait_for_url(lambda url: url.endswith("/prepare") and f"/meetings/{meeting_id}/" not in url)
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="draft"]')).wait_for()
    assert agenda_titles(page) == order
    page.goto("/")
    draft_card = page.locator('[data-testid="meeting"][data-status="draft"]')
    draft_card.get_by_test_id("prepare-link").wait_for()
    assert draft_card.get_by_test_id("status-badge").inner_text() == "Bản nháp"
    assert page.get_by_test_id("new-meeting").is_visible()
    shoot(page, "index-secretary-laptop")


def test_ipad_landscape_layout(chromium, server, office):
    """The prepare page on an iPad in landscape (1180x820): nothing spills sideways."""
    secretary = office["secretary"]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp chi bộ",
            "starts_at": "2026-12-20T14:00:00+07:00",
            "status": "draft",
            "body_id": office["body"][0],
        },
    )
    for title in ("Báo cáo", "Nghị quyết", "Khác"):
        secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": title})
    assert Path(CHROMIUM).exists()
    context = chromium.new_context(viewport={"width": 1180, "height": 820}, has_touch=True, base_url=server.base_url)
    page = context.new_page()
    login_in_browser(page, secretary.user["username"], f"/meetings/{meeting['id']}/prepare")
    page.get_by_test_id("prepare-item").nth(2).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "prepare-ipad")
    context.close()


def test_webkit_secretary_prepares_and_publishes(webkit, server, office, tmp_path):
    """The same preparation in WebKit (iPad Safari's engine), as far as dragging goes there:
    a meeting made on /meetings/new, three items reordered with the move buttons and the
    keyboard, a PDF uploaded, published. Asserted on the page, then on the API."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    secretary = office["secretary"]
    body_id, _ = office["body"]
    wait = webkit_login(webkit, server.base_url, secretary.user["username"], "/meetings/new")

    def one(selector: str):
        return wait.until(
            lambda d: next(iter(e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()), False)
        )

    def titles() -> list[str]:
        return webkit.execute_script(
            "return [...document.querySelectorAll('[data-testid=item-title]')].map(e => e.value)"
        )

    one('[data-testid="meeting-title"]').send_keys("Họp Ban Thường vụ (WebKit)")
    # A date-and-time field is typed differently by each engine: set it as the picker would.
    webkit.execute_script(
        "const f = document.querySelector('[data-testid=meeting-starts-at]');"
        "f.value = '2026-12-21T08:00'; f.dispatchEvent(new Event('input', {bubbles: true}));"
        "f.dispatchEvent(new Event('change', {bubbles: true}));"
    )
    one('[data-testid="meeting-location"]').send_keys("Phòng họp tầng 2")
    one(f'[data-testid="meeting-body"] option[value="{body_id}"]').click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="participant"]')) == 5)
    one('[data-testid="meeting-save"]').click()
    wait.until(lambda d: d.current_url.endswith("/prepare"))
    meeting_id = int(webkit.current_url.rstrip("/").split("/")[-2])
    one('[data-testid="prepare-status"][data-status="draft"]')

    for n, title in enumerate(("Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ")):
        field = one('[data-testid="agenda-new-title"]')
        field.clear()
        field.send_keys(title)
        one('[data-testid="agenda-add"]').click()
        wait.until(lambda d, n=n: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="prepare-item"]')) == n + 1)
    assert titles() == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]

    def announced(text: str):
        # The announcement is for screen readers, out of sight: read its text, not what shows.
        script = "return document.querySelector('[data-testid=agenda-announce]').textContent"
        wait.until(lambda d: text in d.execute_script(script))

    # The move button: the third item up (saved, then announced).
    webkit.find_elements(By.CSS_SELECTOR, '[data-testid="item-up"]')[2].click()
    wait.until(lambda d: titles() == ["Báo cáo tình hình", "Công tác cán bộ", "Kế hoạch năm 2027"])
    announced("mục 2 trên 3")
    # The keyboard: Alt+ArrowDown on the first item's title.
    webkit.find_elements(By.CSS_SELECTOR, '[data-testid="item-title"]')[0].send_keys(Keys.ALT + Keys.ARROW_DOWN)
    order = ["Công tác cán bộ", "Báo cáo tình hình", "Kế hoạch năm 2027"]
    wait.until(lambda d: titles() == order)
    announced("Báo cáo tình hình")

    # A PDF for the item now second, through its file field.
    path = pdf(tmp_path / "du-thao.pdf", title="Du thao Nghi quyet Dai hoi")
    item = webkit.find_elements(By.CSS_SELECTOR, '[data-testid="prepare-item"]')[1]
    file_input = item.find_element(By.CSS_SELECTOR, '[data-testid="document-file-input"]')
    webkit.execute_script("arguments[0].classList.remove('visually-hidden')", file_input)
    file_input.send_keys(str(path))
    one('[data-testid="upload-row"][data-state="done"]')
    wait.until(
        lambda d: (
            "Du thao Nghi quyet Dai hoi"
            in [e.text for e in d.find_elements(By.CSS_SELECTOR, '[data-testid="document-title"]')]
        )
    )

    webkit.execute_script("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    webkit.save_screenshot(str(SHOTS / "prepare-webkit.png"))
    one('[data-testid="prepare-publish"]').click()
    one('[data-testid="publish-confirm"]').click()
    one('[data-testid="prepare-status"][data-status="scheduled"]')

    # What the server keeps.
    meeting = secretary.ok("GET", f"/api/meetings/{meeting_id}")
    assert meeting["status"] == "scheduled" and meeting["body_id"] == body_id
    assert meeting["title"] == "Họp Ban Thường vụ (WebKit)" and meeting["location"] == "Phòng họp tầng 2"
    assert [i["title"] for i in meeting["agenda"]] == order
    assert [d["title"] for d in meeting["agenda"][1]["documents"]] == ["Du thao Nghi quyet Dai hoi"]
    assert meeting_id in [m["id"] for m in office["member"].ok("GET", "/api/meetings")]
