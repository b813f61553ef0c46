"""The secretary prepares a meeting in the browser, on a 1366x768 laptop: details, an
agenda of three items reordered by dragging and by keyboard, publish. A member sees
it as new, opens it, answers "absent, đi công tác"; the session opens with it recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, device_options, login_in_browser
from tests.conftest import new_user
from tests.support import PASSWORD, keep_password, make_body, unique

SHOTS = Path("/tmp/shots/prepare")
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


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


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def agenda_titles(page) -> list[str]:
    return page.get_by_test_id("item-title").evaluate_all("els => els.map(e => e.value)")


def test_prepare_publish_answer_and_open(playwright_instance, chromium, server, office):
    secretary, member, chair = office["secretary"], office["member"], office["chair"]
    body_id, body_name = office["body"]
    context = chromium.new_context(**LAPTOP, base_url=server.base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login_in_browser(page, secretary.user["username"], "/")

    # The list offers a new meeting; the form's labels are visible, here in English.
    page.get_by_test_id("new-meeting").click()
    page.wait_for_url("**/meetings/new")
    page.goto("/lang/en?next=/meetings/new")
    page.wait_for_url("**/meetings/new")
    for label in ("Title", "Body", "Starts at", "Location", "Participants"):
        assert page.get_by_label(label, exact=True).is_visible(), label
    # The secretary creating it is invited and keeps the minutes.
    page.locator(f'[data-testid="participant"][data-user-id="{secretary.id}"]').wait_for()
    assert page.get_by_test_id("meeting-secretary").input_value() == str(secretary.id)

    # Errors beside the field, in the interface's language.
    page.get_by_test_id("meeting-save").click()
    error = page.locator('[data-error-for="title"]')
    error.wait_for()
    assert error.inner_text() == "Enter the meeting's title."
    assert page.get_by_test_id("meeting-title").get_attribute("aria-invalid") is not None
    page.goto("/lang/vi?next=/meetings/new")
    page.wait_for_url("**/meetings/new")
    page.get_by_test_id("meeting-save").click()
    assert page.locator('[data-error-for="title"]').inner_text() == "Hãy nhập tiêu đề cuộc họp."

    page.get_by_test_id("meeting-title").fill("Hội nghị Ban Thường vụ tháng 12")
    page.get_by_test_id("meeting-starts-at").fill("2026-12-15T08:00")
    page.get_by_test_id("meeting-location").fill("Phòng họp tầng 2")
    # Choosing the body invites its members to vote (the secretary, not a member, stays as invited).
    page.get_by_test_id("meeting-body").select_option(str(body_id))
    page.locator(f'[data-testid="participant"][data-user-id="{member.id}"][data-voting="true"]').wait_for()
    assert page.get_by_test_id("participant").count() == 5
    # Chosen by name, with search that ignores diacritics; a guest does not vote.
    page.get_by_test_id("participant-remove").last.wait_for()
    page.get_by_test_id("people-search").fill("vo minh")
    assert page.get_by_test_id("people-result").count() == 0  # already invited
    page.get_by_test_id("people-search").fill("")
    guest = page.locator(f'[data-testid="participant"][data-user-id="{office["others"][1].id}"]')
    guest.get_by_test_id("participant-voting").click()
    assert guest.get_attribute("data-voting") == "false"
    page.get_by_test_id("meeting-chair").select_option(str(chair.id))
    shoot(page, "new-meeting-laptop")
    page.get_by_test_id("meeting-save").click()
    page.wait_for_url("**/meetings/*/prepare")
    meeting_id = int(page.url.rstrip("/").split("/")[-2])
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="draft"]')).wait_for()
    assert page.get_by_test_id("prepare-status").inner_text() == "Bản nháp"

    # An agenda of three items.
    items = (("Báo cáo tình hình", "Đ/c Bí thư"), ("Kế hoạch năm 2027", ""), ("Công tác cán bộ", ""))
    for n, (title, presenter) in enumerate(items):
        page.get_by_test_id("agenda-new-title").fill(title)
        page.get_by_test_id("agenda-new-presenter").fill(presenter)
        page.get_by_test_id("agenda-add").click()
        page.get_by_test_id("prepare-item").nth(n).wait_for()
    assert agenda_titles(page) == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]

    def server_order() -> list[str]:
        return [i["title"] for i in secretary.ok("GET", f"/api/meetings/{meeting_id}")["agenda"]]

    # Drag the third item to the top by its handle (pointer events, as a finger would).
    handle = page.get_by_test_id("item-drag").nth(2).bounding_box()
    first = page.get_by_test_id("prepare-item").nth(0).bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        y = handle["y"] + (first["y"] + 5 - handle["y"]) * step / 10
        page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.up()
    assert agenda_titles(page) == ["Công tác cán bộ", "Báo cáo tình hình", "Kế hoạch năm 2027"]
    page.wait_for_function("() => document.querySelector('[data-testid=agenda-announce]').textContent.length > 0")
    for _ in range(50):
        if server_order()[0] == "Công tác cán bộ":
            break
        page.wait_for_timeout(100)
    assert server_order() == ["Công tác cán bộ", "Báo cáo tình hình", "Kế hoạch năm 2027"]

    # And by keyboard: Alt+ArrowDown on the first item's title, announced.
    page.get_by_test_id("item-title").nth(0).focus()
    page.keyboard.press("Alt+ArrowDown")
    assert agenda_titles(page) == ["Báo cáo tình hình", "Công tác cán bộ", "Kế hoạch năm 2027"]
    page.wait_for_function(
        "() => document.querySelector('[data-testid=agenda-announce]').textContent.includes('mục 2 trên 3')"
    )
    # The move buttons do the same.
    page.get_by_test_id("item-up").nth(2).click()
    assert agenda_titles(page) == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]
    for _ in range(50):
        if server_order() == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]:
            break
        page.wait_for_timeout(100)
    assert server_order() == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]
    shoot(page, "prepare-laptop")

    # The member does not see the draft yet.
    assert meeting_id not in [m["id"] for m in member.ok("GET", "/api/meetings")]

    # The member's list is open while the secretary publishes: it updates by itself.
    member_context = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    tablet = member_context.new_page()
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    login_in_browser(tablet, member.user["username"], "/")
    tablet.get_by_test_id("meeting-list").and_(tablet.locator('[aria-busy="false"]')).wait_for()
    page.wait_for_timeout(500)  # the list's socket joins its inbox

    page.get_by_test_id("prepare-publish").click()
    page.get_by_test_id("publish-confirm").click()
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="scheduled"]')).wait_for()

    card = tablet.locator(f'[data-testid="meeting"][data-meeting-id="{meeting_id}"]')
    card.wait_for(timeout=10_000)
    card.get_by_test_id("new-badge").wait_for()
    assert body_name in card.inner_text()
    shoot(tablet, "index-new-ipad")

    # Opening it clears the badge.
    card.get_by_test_id("meeting-link").click()
    tablet.wait_for_url(f"**/meetings/{meeting_id}")
    tablet.get_by_test_id("connection-state").and_(tablet.locator('[data-state="connected"]')).wait_for()
    for _ in range(50):
        row = next(m for m in member.ok("GET", "/api/meetings") if m["id"] == meeting_id)
        if not row["is_new"]:
            break
        tablet.wait_for_timeout(100)
    assert not row["is_new"]
    tablet.goto("/")
    card = tablet.locator(f'[data-testid="meeting"][data-meeting-id="{meeting_id}"]')
    card.wait_for()
    assert card.get_by_test_id("new-badge").count() == 0
    # The invitation's calendar file is offered.
    assert card.get_by_test_id("ics-link").get_attribute("href") == f"/api/meetings/{meeting_id}/invitation.ics"

    # Absent, with a reason; a blank reason is refused beside the field.
    card.get_by_test_id("rsvp-absent").click()
    card.get_by_test_id("rsvp-send").click()
    assert card.get_by_test_id("rsvp-error").inner_text() == "Hãy cho biết lý do vắng mặt."
    card.get_by_test_id("rsvp-reason").fill("đi công tác")
    card.get_by_test_id("rsvp-send").click()
    card.get_by_test_id("rsvp-answer").wait_for()
    assert "đi công tác" in card.get_by_test_id("rsvp-answer").inner_text()
    shoot(tablet, "index-answered-ipad")

    # The secretary opens the session: the absence is already recorded.
    page.goto(f"/meetings/{meeting_id}/console")
    page.get_by_test_id("open-meeting").click()
    row = page.locator(f'[data-testid="participant"][data-user-id="{member.id}"]')
    row.and_(page.locator('[data-status="absent"]')).wait_for()
    assert row.get_by_test_id("attendance-reason").input_value() == "đi công tác"
    shoot(page, "console-absence-laptop")
    # The secretary's list: a new meeting button, the copy as a draft to prepare.
    page.goto(f"/meetings/{meeting_id}/prepare")
    page.get_by_test_id("prepare-copy").click()
    page.wait_for_url(lambda url: url.endswith("/prepare") and f"/meetings/{meeting_id}/" not in url)
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="draft"]')).wait_for()
    assert agenda_titles(page) == ["Báo cáo tình hình", "Kế hoạch năm 2027", "Công tác cán bộ"]
    page.goto("/")
    draft_card = page.locator('[data-testid="meeting"][data-status="draft"]')
    draft_card.get_by_test_id("prepare-link").wait_for()
    assert draft_card.get_by_test_id("status-badge").inner_text() == "Bản nháp"
    assert page.get_by_test_id("new-meeting").is_visible()
    shoot(page, "index-secretary-laptop")
    assert errors == []
    member_context.close()
    context.close()


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
