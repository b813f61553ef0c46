"""The one confirm dialog (web_client/static/js/components/confirm-dialog.js) in
a real browser, iPad Pro 11 profile. Every "are you sure?" on the console asks
through it: closing the meeting, deleting and closing a vote, opening one
without a quorum, finalizing and confirming the minutes, discarding unsaved
text. It opens modal with the focus on Cancel, is named by its title, Escape
and Cancel change nothing, and only the confirm button acts. The screenshots
(the demo meeting, in Vietnamese) are for people to look at; the one of
closing the meeting is docs/screenshots/console-confirm.png."""

from __future__ import annotations

from playwright.sync_api import expect
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.conftest import IPAD, device_options, login_in_browser, webkit_login
from tests.support import ROOT
from tests.votes_support import attend, draft, open_meeting

SHOT = ROOT / "docs" / "screenshots" / "console-confirm.png"


def console_page(ipad, api, meeting_id: int):
    page = ipad(api, f"/meetings/{meeting_id}/console")
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    return page


def asked(page, testid: str, title: str, cancel: str):
    """The dialog is open, modal (the page behind is inert), named by `title`, with Cancel focused."""
    dialog = page.get_by_test_id(testid)
    dialog.wait_for()
    facts = dialog.evaluate(
        """d => ({
            modal: d.open && d.matches(':modal'),
            role: d.getAttribute('role'),
            name: document.getElementById(d.getAttribute('aria-labelledby')).textContent,
            described: Boolean(document.getElementById(d.getAttribute('aria-describedby'))),
            focused: document.activeElement.dataset.testid,
        })"""
    )
    assert facts == {
        "modal": True,
        "role": "alertdialog",
        "name": title,
        "described": True,
        "focused": cancel,
    }
    return dialog


def vote_item(page, vote_id: int):
    return page.locator(f'[data-testid="vote-item"][data-vote-id="{vote_id}"]')


def test_each_confirmation_cancels_safely_and_acts_only_on_confirm(world, ipad):
    w = world
    mid = w.meeting_id
    open_meeting(w.secretary, mid)
    doomed = draft(w.secretary, mid, title="Biểu quyết nhập nhầm")
    page = console_page(ipad, w.secretary, mid)

    # Deleting a draft vote: Escape keeps it, the confirm button deletes it.
    vote_item(page, doomed["id"]).get_by_test_id("vote-delete").click()
    dialog = asked(page, "vote-delete-dialog", "Xoá biểu quyết chưa mở?", "vote-dialog-cancel")
    expect(dialog.get_by_test_id("vote-delete-dialog-message")).to_have_text(
        "Biểu quyết “Biểu quyết nhập nhầm” sẽ bị xoá."
    )
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert [v["id"] for v in w.secretary.ok("GET", f"/api/meetings/{mid}/votes")] == [doomed["id"]]
    vote_item(page, doomed["id"]).get_by_test_id("vote-delete").click()
    page.get_by_test_id("vote-delete-dialog").get_by_test_id("vote-delete-confirm").click()
    expect(vote_item(page, doomed["id"])).to_have_count(0)
    assert w.secretary.ok("GET", f"/api/meetings/{mid}/votes") == []

    # Closing the meeting: Cancel keeps it open, the confirm button closes it.
    page.get_by_test_id("close-meeting").click()
    dialog = asked(page, "confirm-dialog", "Kết thúc cuộc họp?", "confirm-cancel")
    dialog.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_have_count(0)
    assert w.secretary.ok("GET", f"/api/meetings/{mid}")["status"] == "open"
    page.get_by_test_id("close-meeting").click()
    page.get_by_test_id("confirm-dialog").get_by_test_id("confirm-close").click()
    page.locator('[data-testid="meeting-status"][data-status="closed"]').wait_for()
    assert w.secretary.ok("GET", f"/api/meetings/{mid}")["status"] == "closed"

    # Finalizing the minutes, then the secretary's confirmation.
    page.get_by_test_id("view-minutes").click()
    page.get_by_test_id("minutes-finalize").click()
    dialog = asked(
        page,
        "minutes-finalize-dialog",
        "Hoàn tất biên bản?",
        "minutes-finalize-dialog-cancel",
    )
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert w.secretary.ok("GET", f"/api/meetings/{mid}/minutes")["status"] == "draft"
    page.get_by_test_id("minutes-finalize").click()
    page.get_by_test_id("minutes-finalize-dialog").get_by_test_id("minutes-finalize-confirm").click()
    page.locator('[data-testid="minutes-final"][data-state="final"]').wait_for()
    assert w.secretary.ok("GET", f"/api/meetings/{mid}/minutes")["status"] == "final"

    page.locator('[data-testid="minutes-confirm"][data-role="secretary"]').click()
    asked(
        page,
        "minutes-confirm-dialog",
        "Xác nhận biên bản?",
        "minutes-confirm-dialog-cancel",
    )
    page.get_by_test_id("minutes-confirm-dialog").get_by_test_id("minutes-confirm-ok").click()
    page.locator('[data-testid="minutes-confirmation"][data-role="secretary"][data-confirmed="true"]').wait_for()
    roles = [c["role"] for c in w.secretary.ok("GET", f"/api/meetings/{mid}/minutes")["confirmations"]]
    assert roles == ["secretary"]
    assert page.errors == []


def test_discarding_text_the_server_refused_asks_first(world, ipad, tmp_path):
    w = world
    mid, item = w.meeting_id, w.item["id"]
    open_meeting(w.secretary, mid)
    page = console_page(ipad, w.secretary, mid)
    page.get_by_test_id("view-minutes").click()
    page.locator('[data-testid="minutes-panel"][data-editable="true"]').wait_for()
    # Typed with the Wi-Fi gone while the meeting was closed elsewhere: the server refuses the text.
    page.context.set_offline(True)
    area = page.locator(f'[data-testid="minutes-item"][data-item-id="{item}"] [data-testid="minutes-discussion"]')
    area.fill("Đoạn gõ sau khi cuộc họp đã kết thúc.")
    area.press("Tab")
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "offline")
    w.secretary.ok("POST", f"/api/meetings/{mid}/close")
    page.context.set_offline(False)
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "error")

    page.get_by_test_id("minutes-discard").click()
    dialog = asked(
        page,
        "minutes-discard-dialog",
        "Bỏ nội dung chưa lưu?",
        "minutes-discard-dialog-cancel",
    )
    page.screenshot(path=tmp_path / "minutes-discard.png")
    dialog.get_by_test_id("minutes-discard-dialog-cancel").click()
    expect(dialog).to_have_count(0)
    expect(area).to_have_value("Đoạn gõ sau khi cuộc họp đã kết thúc.")
    page.get_by_test_id("minutes-discard").click()
    page.get_by_test_id("minutes-discard-dialog").get_by_test_id("minutes-discard-confirm").click()
    expect(area).to_have_value("")
    expect(page.get_by_test_id("minutes-state")).to_have_attribute("data-state", "saved")
    assert page.errors == []


def test_webkit_asks_the_same_way(world, webkit, server):
    """Closing the meeting in WebKit, iPad Safari's engine: a modal <dialog>, Cancel focused, Escape keeps it open."""
    mid = world.meeting_id
    open_meeting(world.secretary, mid)
    wait = webkit_login(
        webkit,
        server.base_url,
        world.secretary.user["username"],
        f"/meetings/{mid}/console",
    )
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="connection-state"][data-state="connected"]'))
    dialog = '[data-testid="confirm-dialog"]'

    def ask():
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="close-meeting"]').is_displayed())
        webkit.find_element(By.CSS_SELECTOR, '[data-testid="close-meeting"]').click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{dialog}[open]"))
        return webkit.execute_script(
            "const d = document.querySelector(arguments[0]);"
            "return [d.matches(':modal'), document.activeElement.dataset.testid];",
            dialog,
        )

    assert ask() == [True, "confirm-cancel"]
    webkit.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, dialog))
    assert world.secretary.ok("GET", f"/api/meetings/{mid}")["status"] == "open"
    assert ask() == [True, "confirm-cancel"]
    webkit.find_element(By.CSS_SELECTOR, '[data-testid="confirm-close"]').click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="meeting-status"][data-status="closed"]'))
    assert world.secretary.ok("GET", f"/api/meetings/{mid}")["status"] == "closed"


# ---- screenshots ---------------------------------------------------------------------------


def test_screenshots_of_the_confirm_dialogs(playwright_instance, chromium, demo, tmp_path):
    """Each confirmation on the demo meeting's console in the iPad profile, in Vietnamese:
    in tmp_path for a look (pytest --basetemp), closing the meeting also in docs/screenshots/."""
    people = demo.participants()
    secretary = people["thuky"]
    mid = secretary.ok("GET", "/api/meetings")[0]["id"]
    open_meeting(secretary, mid)
    items = secretary.ok("GET", f"/api/meetings/{mid}")["agenda"]
    title = "Thông qua Báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027"
    first = draft(secretary, mid, title=title, agenda_item_id=items[0]["id"])
    second = draft(
        secretary,
        mid,
        title="Thông qua Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028",
        agenda_item_id=items[2]["id"],
    )

    context = chromium.new_context(**device_options(playwright_instance, IPAD), base_url=demo.base_url)
    try:
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        login_in_browser(page, "thuky", f"/meetings/{mid}/console", demo.password("thuky"))
        page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
        page.evaluate("document.fonts.ready")

        def shot(testid: str, name: str):
            page.get_by_test_id(testid).wait_for()
            page.wait_for_timeout(300)  # the backdrop's fade, for the picture only
            page.screenshot(path=tmp_path / f"{name}.png")

        page.get_by_test_id("close-meeting").click()
        shot("confirm-dialog", "meeting-close")
        SHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOT)
        page.keyboard.press("Escape")

        # Only the secretary has checked in: opening a vote warns about the quorum.
        vote_item(page, first["id"]).get_by_test_id("vote-open").click()
        shot("vote-quorum-dialog", "vote-quorum")
        page.keyboard.press("Escape")

        attend(
            secretary,
            mid,
            *(people[n] for n in ("bithu", "chutich", "kiemtra", "mttq", "phochutich")),
        )
        page.locator('[data-testid="quorum-status"][data-met="true"]').wait_for()
        vote_item(page, first["id"]).get_by_test_id("vote-open").click()
        vote_item(page, first["id"]).and_(page.locator('[data-status="open"]')).wait_for()
        vote_item(page, first["id"]).get_by_test_id("vote-close").click()
        shot("vote-close-dialog", "vote-close")
        page.get_by_test_id("vote-close-confirm").click()
        vote_item(page, first["id"]).and_(page.locator('[data-status="closed"]')).wait_for()

        vote_item(page, second["id"]).get_by_test_id("vote-delete").click()
        shot("vote-delete-dialog", "vote-delete")
        page.get_by_test_id("vote-delete-confirm").click()
        expect(vote_item(page, second["id"])).to_have_count(0)

        page.get_by_test_id("close-meeting").click()
        page.get_by_test_id("confirm-close").click()
        page.locator('[data-testid="meeting-status"][data-status="closed"]').wait_for()

        page.get_by_test_id("view-minutes").click()
        page.get_by_test_id("minutes-finalize").click()
        shot("minutes-finalize-dialog", "minutes-finalize")
        page.get_by_test_id("minutes-finalize-confirm").click()
        page.locator('[data-testid="minutes-final"][data-state="final"]').wait_for()
        page.locator('[data-testid="minutes-confirm"][data-role="secretary"]').click()
        shot("minutes-confirm-dialog", "minutes-confirm")
        page.keyboard.press("Escape")
        assert page.errors == []
    finally:
        context.close()
