"""The console's minutes in a real browser (Chromium, iPad Pro 11 profile):
autosave, two consoles writing the same item, typing while offline, and the
screenshot docs/screenshots/console-minutes.png from the demo meeting."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import device_options, login_in_browser
from tests.support import ROOT
from tests.votes_support import attend, open_meeting

SHOT = ROOT / "docs" / "screenshots" / "console-minutes.png"


def open_minutes(ipad, api, meeting_id: int):
    page = ipad(api, f"/meetings/{meeting_id}/console")
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    page.get_by_test_id("view-minutes").click()
    page.get_by_test_id("minutes-panel").wait_for()
    page.locator('[data-testid="minutes-panel"][data-editable="true"]').wait_for()
    return page


def field(page, item_id: int, name: str = "discussion"):
    return page.locator(f'[data-testid="minutes-item"][data-item-id="{item_id}"] [data-testid="minutes-{name}"]')


def server_item(api, meeting_id: int, item_id: int) -> dict:
    items = api.ok("GET", f"/api/meetings/{meeting_id}/minutes")["items"]
    return next(i for i in items if i["agenda_item_id"] == item_id)


@pytest.fixture
def meeting(world):
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.secretary, world.chair, world.member)
    return world


def test_typing_saves_by_itself(ipad, meeting):
    w = meeting
    page = open_minutes(ipad, w.secretary, w.meeting_id)
    area = field(page, w.item["id"])
    area.click()
    area.press_sequentially("Đồng chí Ủy Viên đề nghị bổ sung số liệu.")
    # Saved while the secretary is still in the field: the debounce, not a blur.
    page.locator('[data-testid="minutes-panel"][data-version="1"]').wait_for()
    assert page.evaluate("document.activeElement.dataset.testid") == "minutes-discussion"
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "saved")
    assert (
        server_item(w.member, w.meeting_id, w.item["id"])["discussion"] == "Đồng chí Ủy Viên đề nghị bổ sung số liệu."
    )
    # Leaving a field saves at once.
    conclusion = field(page, w.item["id"], "conclusion")
    conclusion.fill("Thống nhất thông qua.")
    conclusion.press("Tab")
    page.locator('[data-testid="minutes-panel"][data-version="2"]').wait_for()
    assert server_item(w.member, w.meeting_id, w.item["id"])["conclusion"] == "Thống nhất thông qua."
    # Nothing is left waiting on the device.
    drafts = page.evaluate("Object.entries(localStorage).filter(([k]) => k.startsWith('minutes.drafts'))")
    assert [json.loads(v) for _, v in drafts] == [{}]
    # The server-filled parts are there, read-only.
    expect(page.get_by_test_id("minutes-counts")).to_have_attribute("data-present", "3")
    assert page.errors == []


def test_header_fields_typed_in_quick_succession_are_all_saved(ipad, meeting):
    """Three header fields filled one after another, with a discussion typed between them, and
    the last left with the cursor in it: each saved (one after the other, never two based on the
    same version), the last a second after its last key, as the item texts are."""
    w = meeting
    page = open_minutes(ipad, w.secretary, w.meeting_id)
    page.get_by_test_id("minutes-header").locator("summary").click()  # "Thông tin chung", folded
    typed = {"issuer-number": "07-BB/ĐU", "locality": "Phường Bến Thành", "secretary-position": "Chánh Văn phòng"}
    header = {"issuer-number": "issuer_number", "locality": "locality", "secretary-position": "secretary_position"}
    for n, (name, value) in enumerate(typed.items()):
        box = page.get_by_test_id(f"minutes-{name}")
        box.fill(value)
        if n < len(typed) - 1:
            box.press("Tab")
            field(page, w.item["id"]).fill(f"Ý kiến {n}")  # an item text saved between, moving the version on
    # The cursor stays in the last field: saved without leaving it.
    expect(page.get_by_test_id("minutes-secretary-position")).to_be_focused()

    wanted = {header[k]: v for k, v in typed.items()}
    for _ in range(50):  # up to 10 s
        saved = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")["header"]
        if {f: saved[f] for f in wanted} == wanted:
            break
        page.wait_for_timeout(200)
    assert {f: saved[f] for f in wanted} == wanted
    page.reload()
    page.get_by_test_id("view-minutes").click()
    page.get_by_test_id("minutes-header").locator("summary").click()
    for name, value in typed.items():
        expect(page.get_by_test_id(f"minutes-{name}")).to_have_value(value)
    assert page.errors == []


def test_two_consoles_on_one_item_meet_in_the_conflict_dialog_and_lose_nothing(ipad, meeting):
    w = meeting
    item = w.item["id"]
    secretary = open_minutes(ipad, w.secretary, w.meeting_id)
    chair = open_minutes(ipad, w.chair, w.meeting_id)
    # The chair types (saved a second later) while the secretary writes the same field and leaves it (saved now).
    field(chair, item).fill("Bản của chủ trì: cần bổ sung kinh phí.")
    field(secretary, item).fill("Bản của thư ký: thống nhất với báo cáo.")
    field(secretary, item).press("Tab")

    dialog = chair.get_by_test_id("minutes-conflict-dialog")
    dialog.wait_for()
    expect(dialog.get_by_test_id("minutes-conflict-mine")).to_have_text("Bản của chủ trì: cần bổ sung kinh phí.")
    expect(dialog.get_by_test_id("minutes-conflict-theirs")).to_have_text("Bản của thư ký: thống nhất với báo cáo.")
    expect(chair.get_by_test_id("minutes-state")).to_have_attribute("data-state", "conflict")
    assert server_item(w.member, w.meeting_id, item)["discussion"] == "Bản của thư ký: thống nhất với báo cáo."

    dialog.get_by_test_id("minutes-conflict-merge").click()
    merged = dialog.locator('[data-testid="minutes-conflict-merged"][data-field="discussion"]')
    expect(merged).to_have_value("Bản của thư ký: thống nhất với báo cáo.\nBản của chủ trì: cần bổ sung kinh phí.")
    merged.fill("Bản của thư ký: thống nhất với báo cáo.\nBản của chủ trì: cần bổ sung kinh phí.\nĐã thống nhất.")
    dialog.get_by_test_id("minutes-conflict-save").click()
    expect(dialog).to_have_count(0)

    both = "Bản của thư ký: thống nhất với báo cáo.\nBản của chủ trì: cần bổ sung kinh phí.\nĐã thống nhất."
    chair.locator('[data-testid="minutes-panel"][data-version="2"]').wait_for()
    assert server_item(w.member, w.meeting_id, item)["discussion"] == both
    # The other console follows.
    expect(field(secretary, item)).to_have_value(both)
    expect(secretary.get_by_test_id("minutes-state")).to_have_attribute("data-state", "saved")
    assert secretary.errors == [] and chair.errors == []


def test_text_typed_offline_is_kept_and_saved_when_back_online(ipad, meeting):
    w = meeting
    item = w.item["id"]
    page = open_minutes(ipad, w.secretary, w.meeting_id)
    page.context.set_offline(True)
    area = field(page, item)
    area.fill("Gõ khi mất mạng Wi-Fi trong hội trường.")
    area.press("Tab")
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "offline")
    kept = page.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.startsWith('minutes.drafts')).map(([, v]) => v)"
    )
    assert json.loads(kept[0])[str(item)]["local"]["discussion"] == "Gõ khi mất mạng Wi-Fi trong hội trường."
    field(page, item, "conclusion").fill("Kết luận cũng gõ khi mất mạng.")
    assert server_item(w.member, w.meeting_id, item)["version"] == 0

    page.context.set_offline(False)
    page.locator('[data-testid="minutes-panel"][data-version="1"]').wait_for()
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "saved")
    saved = server_item(w.member, w.meeting_id, item)
    assert (saved["discussion"], saved["conclusion"]) == (
        "Gõ khi mất mạng Wi-Fi trong hội trường.",
        "Kết luận cũng gõ khi mất mạng.",
    )
    assert page.errors == []


# ---- the screenshot ------------------------------------------------------------------------


def test_screenshot_of_the_minutes_being_written(playwright_instance, chromium, demo):
    people = demo.participants()
    secretary = people["thuky"]
    mid = secretary.ok("GET", "/api/meetings")[0]["id"]
    secretary.ok("POST", f"/api/meetings/{mid}/open")
    items = secretary.ok("GET", f"/api/meetings/{mid}")["agenda"]
    # Everyone who votes below is recorded in the hall before the vote opens (a ballot needs it).
    for name in ("thuky", "bithu", "phobithu", "chutich", "kiemtra", "mttq", "phochutich", "vanhoa"):
        attend(secretary, mid, people[name])
    attend(secretary, mid, people["congan"], status="online")
    secretary.ok(
        "PUT",
        f"/api/meetings/{mid}/attendance/{people['quansu'].id}",
        json={"status": "absent", "reason": "Đi công tác tại Thành phố Hồ Chí Minh"},
    )
    vote = secretary.ok(
        "POST",
        f"/api/meetings/{mid}/votes",
        201,
        json={
            "title": "Thông qua Báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027",
            "agenda_item_id": items[0]["id"],
            "secret": False,
        },
    )
    secretary.ok("POST", f"/api/votes/{vote['id']}/open")
    for name in ("thuky", "bithu", "phobithu", "chutich", "mttq", "phochutich", "congan"):
        people[name].ok("POST", f"/api/votes/{vote['id']}/ballot", 201, json={"choice": "yes"})
    people["kiemtra"].ok("POST", f"/api/votes/{vote['id']}/ballot", 201, json={"choice": "abstain"})
    secretary.ok("POST", f"/api/votes/{vote['id']}/close")
    secretary.ok(
        "PUT",
        f"/api/meetings/{mid}/minutes",
        json={
            "version": 0,
            "header": {
                "issuer_parent": "Đảng bộ phường Phan Đình Phùng",
                "issuer_name": "Ban Chấp hành Đảng bộ phường",
                "issuer_number": "45-BB/ĐU",
                "locality": "Phan Đình Phùng",
                "chair_position": "Bí thư Đảng ủy phường",
                "secretary_position": "Chánh Văn phòng Đảng ủy",
            },
        },
    )
    secretary.ok(
        "PUT",
        f"/api/meetings/{mid}/minutes/items/{items[0]['id']}",
        json={
            "base_version": 0,
            "discussion": "Đồng chí Chủ tịch UBND phường trình bày tóm tắt Báo cáo: 18/20 chỉ tiêu đạt và vượt kế hoạch.\n"
            "Đồng chí Chủ nhiệm Ủy ban Kiểm tra đề nghị bổ sung đánh giá công tác kiểm tra, giám sát.\n"
            "Đồng chí Chủ tịch Ủy ban MTTQ đề nghị làm rõ kết quả chuyển đổi số ở khu dân cư.",
            "conclusion": "Hội nghị thống nhất thông qua Báo cáo; giao Văn phòng Đảng ủy tiếp thu ý kiến, "
            "hoàn chỉnh trước ngày 05/12/2026.",
        },
    )

    device = device_options(playwright_instance)
    context = chromium.new_context(**device, base_url=demo.base_url)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login_in_browser(page, "thuky", f"/meetings/{mid}/console", demo.password("thuky"))
        page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
        page.get_by_test_id("view-minutes").click()
        second = field(page, items[1]["id"])
        second.fill("Các đồng chí thống nhất cao với dự thảo Nghị quyết; đề nghị bổ sung chỉ tiêu")
        page.locator('[data-testid="minutes-panel"][data-version="3"]').wait_for()
        expect(page.get_by_test_id("minutes-vote-result")).to_have_text(
            "Đồng ý: 7 · Không đồng ý: 0 · Không biểu quyết: 1"
        )
        page.evaluate("document.activeElement.blur()")
        # The first item, as the secretary writes it: the server's part above her text.
        page.locator(".minutes-body").evaluate(
            "e => e.scrollTop = e.querySelector('[data-testid=minutes-item]').offsetTop - e.offsetTop - 18"
        )
        page.evaluate("document.fonts.ready")
        page.wait_for_function(
            "() => !document.getAnimations().some(a => a.playState === 'running' && a.effect.getTiming().iterations !== Infinity)"
        )
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOT))
        assert errors == []
    finally:
        context.close()
