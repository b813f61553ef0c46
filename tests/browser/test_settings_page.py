"""/admin/settings in a real browser (iPad Pro 11 profile), and the console asking before it
opens a meeting on another day than scheduled (issue 12, "Time and dates").

A server of this module's own: the settings are the whole server's. The screenshots
(/tmp/shots/settings/) are for people to look at; the saved page is also
docs/screenshots/admin-settings.png.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pymupdf
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import device_options, login_in_browser
from tests.conftest import make_cast, make_world, start_server
from tests.support import ADMIN, PASSWORD

SHOTS = Path("/tmp/shots/settings")
DOCS_SHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    process, admin = start_server(tmp_path_factory.mktemp("settings-page"))
    yield process, admin, make_cast(admin)
    process.stop()


@pytest.fixture
def browse(playwright_instance, chromium, own):
    """`browse(api, path)`: a logged-in iPad page on this module's server."""
    process = own[0]
    contexts = []

    def open_as(api, path: str):
        context = chromium.new_context(**device_options(playwright_instance), base_url=process.base_url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        username = api.user["username"]
        login_in_browser(page, username, path, password=ADMIN[1] if username == ADMIN[0] else PASSWORD)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_a_setting_changed_in_the_browser_shows_in_the_next_minutes(own, browse, tmp_path):
    _, admin, cast = own
    w = make_world(admin, cast, tmp_path)
    page = browse(admin, "/admin/settings")
    form = page.get_by_test_id("settings-form")
    expect(form).to_have_attribute("aria-busy", "false")
    expect(page.get_by_test_id("nav-admin-settings")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("settings-timezone")).to_have_value("Asia/Ho_Chi_Minh")
    page.get_by_test_id("settings-issuer-parent").fill("Đảng bộ phường Bến Thành")
    page.get_by_test_id("settings-issuer-name").fill("Chi bộ Khu phố 3")
    page.get_by_test_id("settings-locality").fill("Phường Bến Thành")
    preview = page.get_by_test_id("settings-preview")
    expect(preview).to_contain_text("CHI BỘ KHU PHỐ 3")
    expect(preview).to_contain_text("Phường Bến Thành, ngày")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "settings-ipad.png"), full_page=True)
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-saved")).to_have_text("Đã lưu cài đặt.")
    expect(page.get_by_test_id("toast")).to_have_count(0, timeout=10_000)  # nothing over the fields
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(DOCS_SHOTS / "admin-settings.png"))
    try:
        # The next minutes: the header from the settings, in the PDF too.
        head = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")["header"]
        assert (head["issuer_parent"], head["issuer_name"], head["locality"]) == (
            "Đảng bộ phường Bến Thành",
            "Chi bộ Khu phố 3",
            "Phường Bến Thành",
        )
        pdf = w.secretary.get(f"/api/meetings/{w.meeting_id}/minutes.pdf").content
        with pymupdf.open("pdf", pdf) as doc:
            text = " ".join(doc[0].get_text().split())
        assert "CHI BỘ KHU PHỐ 3" in text and "Phường Bến Thành, ngày" in text
        # A reload shows what was saved; an unknown zone is refused where it was typed.
        page.reload()
        expect(page.get_by_test_id("settings-locality")).to_have_value("Phường Bến Thành")
        page.get_by_test_id("settings-timezone").select_option("Asia/Tokyo")
        expect(page.get_by_test_id("settings-now")).to_contain_text("UTC+09:00")
        page.get_by_test_id("settings-save").click()
        expect(page.get_by_test_id("settings-saved")).not_to_be_empty()
        assert admin.ok("GET", "/api/settings")["timezone"] == "Asia/Tokyo"
        assert w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")["header"]["timezone"] == "Asia/Tokyo"
        page.screenshot(path=str(SHOTS / "settings-ipad-saved.png"), full_page=True)
        assert page.errors == []
    finally:
        admin.ok(
            "PUT",
            "/api/settings",
            json={"timezone": "Asia/Ho_Chi_Minh", "issuer_parent": "", "issuer_name": "", "locality": ""},
        )


def test_only_an_admin_sees_the_settings_page(own, browse):
    _, _, cast = own
    page = browse(cast["secretary"], "/")
    expect(page.get_by_test_id("meeting-list")).to_be_visible()
    assert page.get_by_test_id("nav-admin-settings").count() == 0
    response = page.goto("/admin/settings")
    assert response is not None and response.status == 403


def test_the_console_asks_before_opening_on_another_day(own, browse, tmp_path):
    _, admin, cast = own
    w = make_world(admin, cast, tmp_path)  # scheduled for 27 November 2026
    if datetime.now(UTC).date().isoformat() == "2026-11-27":
        pytest.skip("run on the scheduled day itself")
    page = browse(w.secretary, f"/meetings/{w.meeting_id}/console")
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    page.get_by_test_id("open-meeting").click()
    dialog = page.get_by_test_id("confirm-open-date")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("27/11/2026")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-open-date.png"))
    # Cancel changes nothing.
    page.get_by_test_id("confirm-open-date-cancel").click()
    expect(dialog).to_be_hidden()
    assert w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["status"] == "scheduled"
    # Confirmed: it opens, and its day is today's.
    page.get_by_test_id("open-meeting").click()
    page.get_by_test_id("confirm-open-date-ok").click()
    expect(page.get_by_test_id("open-meeting")).to_be_hidden()
    opened = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")
    assert opened["status"] == "open" and opened["held_on"] != "2026-11-27"
    assert page.errors == []


def test_a_past_meeting_never_opened_is_not_upcoming(own, browse, tmp_path):
    _, admin, cast = own
    w = make_world(admin, cast, tmp_path)

    def meeting(title: str, starts_at: str) -> dict:
        body = {
            "title": title,
            "starts_at": starts_at,
            "location": "Phòng họp 2",
            "participants": [{"user_id": w.member.id}],
        }
        return w.secretary.ok("POST", "/api/meetings", 201, json=body)

    past = meeting("Họp giao ban đã lỡ", "2020-01-06T08:00:00+07:00")
    coming = meeting("Họp giao ban sắp tới", "2099-01-05T08:00:00+07:00")
    page = browse(w.secretary, "/")
    card = page.locator(f'[data-testid="meeting"][data-meeting-id="{past["id"]}"]')
    expect(card).to_have_attribute("data-past", "true")
    expect(card.get_by_test_id("status-badge")).to_have_text("Chưa họp")
    upcoming = page.locator(f'[data-testid="meeting"][data-meeting-id="{coming["id"]}"]')
    expect(upcoming).to_have_attribute("data-past", "false")
    expect(upcoming.get_by_test_id("status-badge")).not_to_have_text("Chưa họp")
    # Listed apart, under its own heading, after the upcoming ones.
    order = page.evaluate(
        """() => [...document.querySelectorAll('[data-meeting-list] > li')]
            .map(li => li.dataset.testid === 'meeting' ? li.dataset.meetingId : li.dataset.testid)"""
    )
    assert order.index(str(coming["id"])) < order.index("missed-heading") < order.index(str(past["id"]))
    page.screenshot(path=str(SHOTS / "index-missed.png"), full_page=True)
