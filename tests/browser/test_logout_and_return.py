"""Logging out asks first, and after a login a person is back where they were
(issue 12, "the tablet in the hand"), in a real browser, iPad Pro 11 profile.

- The header's logout button opens the one confirm dialog
  (web_client/static/js/components/confirm-dialog.js): Cancel or Escape keep
  the person logged in on the page they were reading; only the confirm button
  logs out. The screenshot (in Vietnamese) is docs/screenshots/logout-confirm.png.
- A page that finds the session gone, whether the server sees it first (a page
  load) or the page's own API call gets 401, sends the person to the login page
  with `next` = where they were, path and query; after the login they are there
  again. Hostile `next` values are tests/browser/test_hostile_pages.py's.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import device_options
from tests.support import PASSWORD, ROOT
from tests.votes_support import open_meeting

SHOT = ROOT / "docs" / "screenshots" / "logout-confirm.png"


def session_alive(page) -> bool:
    status = page.evaluate("() => fetch('/api/me', { credentials: 'same-origin' }).then((r) => r.status)")
    return status == 200


def log_in_here(page, username: str) -> None:
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_logging_out_asks_first_and_cancel_keeps_the_session(world, ipad):
    open_meeting(world.secretary, world.meeting_id)
    path = f"/meetings/{world.meeting_id}"
    page = ipad(world.member, path)
    page.locator('[data-testid="page-image"][data-page="1"]').first.wait_for()

    # A tap on logout only asks: modal, named by its question, Cancel focused, both buttons named.
    page.get_by_test_id("logout").click()
    dialog = page.get_by_test_id("logout-dialog")
    dialog.wait_for()
    facts = dialog.evaluate(
        """d => ({
            modal: d.open && d.matches(':modal'),
            role: d.getAttribute('role'),
            name: document.getElementById(d.getAttribute('aria-labelledby')).textContent,
            focused: document.activeElement.dataset.testid,
        })"""
    )
    assert facts == {
        "modal": True,
        "role": "alertdialog",
        "name": "Đăng xuất khỏi phòng họp?",
        "focused": "logout-dialog-cancel",
    }
    expect(dialog.get_by_test_id("logout-dialog-message")).to_have_text(
        "Bạn sẽ cần đăng nhập lại để tiếp tục xem tài liệu và tham gia cuộc họp."
    )
    expect(dialog.get_by_test_id("logout-dialog-cancel")).to_have_text("Huỷ")
    expect(dialog.get_by_test_id("logout-confirm")).to_have_text("Đăng xuất")
    page.wait_for_timeout(300)
    SHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOT)

    # Cancel: still logged in, still on the page, the focus back on the button.
    dialog.get_by_test_id("logout-dialog-cancel").click()
    expect(dialog).to_have_count(0)
    assert page.url.endswith(path)
    assert session_alive(page)
    expect(page.get_by_test_id("logout")).to_be_focused()
    expect(page.get_by_test_id("logout")).to_be_enabled()

    # Escape answers the same.
    page.get_by_test_id("logout").click()
    page.get_by_test_id("logout-dialog").wait_for()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("logout-dialog")).to_have_count(0)
    assert session_alive(page)

    # Only the confirm button logs out.
    page.get_by_test_id("logout").click()
    page.get_by_test_id("logout-dialog").get_by_test_id("logout-confirm").click()
    page.wait_for_url("**/login")
    assert not session_alive(page)
    assert page.errors == []


def test_logout_asks_in_english_too(world, ipad):
    page = ipad(world.member, "/")
    page.goto("/lang/en?next=/")
    page.get_by_test_id("logout").click()
    dialog = page.get_by_test_id("logout-dialog")
    expect(dialog.locator("h2")).to_have_text("Log out of the meeting room?")
    expect(dialog.get_by_test_id("logout-dialog-message")).to_have_text(
        "You will need to log in again to go on reading the documents and taking part in the meeting."
    )
    expect(dialog.get_by_test_id("logout-dialog-cancel")).to_have_text("Cancel")
    expect(dialog.get_by_test_id("logout-confirm")).to_have_text("Log out")
    dialog.get_by_test_id("logout-dialog-cancel").click()
    assert session_alive(page)


def test_after_login_a_person_is_back_on_the_page_they_were_on(world, playwright_instance, chromium, server):
    open_meeting(world.secretary, world.meeting_id)
    context = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    try:
        page = context.new_page()
        username = world.member.user["username"]

        # The server finds no session for a page with a query: login, then that very address.
        here = "/archive?q=b%C3%A1o+c%C3%A1o"
        page.goto(here)
        page.wait_for_url("**/login?**")
        assert parse_qs(urlsplit(page.url).query)["next"] == [here]
        log_in_here(page, username)
        page.wait_for_url(f"{server.base_url}{here}")

        # The session ends while the tablet is open; its next API call gets 401 and asks for a
        # login that comes back to the tablet.
        tablet = f"/meetings/{world.meeting_id}?from=agenda"
        page.goto(tablet)
        page.locator('[data-testid="page-image"][data-page="1"]').first.wait_for()
        context.clear_cookies()
        page.evaluate(
            "() => import('/static/js/lib/api.js').then((m) => m.api('GET', '/api/meetings')).catch(() => {})"
        )
        page.wait_for_url("**/login?**")
        assert parse_qs(urlsplit(page.url).query)["next"] == [tablet]
        log_in_here(page, username)
        page.wait_for_url(f"{server.base_url}{tablet}")
        page.locator('[data-testid="page-image"][data-page="1"]').first.wait_for()
    finally:
        context.close()
