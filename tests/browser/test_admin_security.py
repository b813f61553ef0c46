"""/admin/security in a real browser: a wrong password typed on the login
page shows up in the admin's security log, in Vietnamese, with the username
as typed; the admin filters by kind (kept in the address) and clears the
filters; a member is refused the page. Screenshots (iPad landscape and a
laptop) go to /tmp/shots/audit/."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.browser.conftest import login_in_browser
from tests.support import ADMIN, unique

ROOT = Path(__file__).parents[2]
SHOTS = Path(os.environ.get("SECURITY_SHOTS", "/tmp/shots/audit"))
VI = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
EN = json.loads((ROOT / "web_client/i18n/en.json").read_text(encoding="utf-8"))
IPAD_LANDSCAPE = {
    "viewport": {"width": 1180, "height": 820},
    "device_scale_factor": 2,
    "has_touch": True,
    "locale": "vi-VN",
}
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1, "locale": "vi-VN"}
# Recorded from the start of every document: a page that broke the CSP fails here.
COLLECT_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def _wrong_login(chromium, base_url: str, username: str) -> None:
    """Someone types a wrong password on the login page of another tablet."""
    context = chromium.new_context(base_url=base_url)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_test_id("login-username").fill(username)
        page.get_by_test_id("login-password").fill("mat-khau-sai-123")
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("login-error").wait_for()
    finally:
        context.close()


def test_admin_reads_the_security_log(chromium, server, admin, cast):
    typed = unique("nguoi-la")
    _wrong_login(chromium, server.base_url, typed)
    # An account change by the admin, so there is more than one kind to filter.
    cast["member"].ok("GET", "/api/me")
    admin.ok("PATCH", f"/api/users/{cast['member2'].id}", json={"position": "Ủy viên Ban Kiểm tra"})

    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, options in (("ipad", IPAD_LANDSCAPE), ("laptop", LAPTOP)):
        context = chromium.new_context(**options, base_url=server.base_url)
        context.add_init_script(COLLECT_CSP)
        try:
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
            login_in_browser(page, ADMIN[0], "/admin/security", password=ADMIN[1])
            assert page.get_by_test_id("nav-admin-security").get_attribute("aria-current") == "page"
            assert page.locator("h1").inner_text() == VI["admin.security.title"]

            # The failed login, newest first, in Vietnamese, with the username as typed.
            failed = page.locator("[data-testid=security-row][data-kind=login_failed]").filter(has_text=typed)
            failed.wait_for()
            assert VI["admin.security.kind.login_failed"] in failed.inner_text()
            assert VI["admin.security.typed_label"] in failed.inner_text()
            assert failed.get_by_test_id("security-typed").inner_text() == typed
            assert VI["admin.security.detail.reason.unauthorized"] in failed.inner_text()
            assert failed.get_by_test_id("security-address").inner_text() == "127.0.0.1"
            assert "mat-khau-sai" not in page.content()
            page.screenshot(path=SHOTS / f"security-log-{name}.png")

            # Filter by kind: only failed logins; the filter is kept in the address.
            page.get_by_test_id("security-kind").select_option("login_failed")
            page.wait_for_url("**/admin/security?kind=login_failed")
            rows = page.get_by_test_id("security-row")
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=security-row]')]"
                ".every((r) => r.dataset.kind === 'login_failed')"
            )
            assert rows.count() >= 1
            assert rows.first.filter(has_text=typed).count() == 1
            page.screenshot(path=SHOTS / f"security-filtered-{name}.png")

            # A reload keeps the filter; another kind shows only that kind.
            page.reload()
            assert page.get_by_test_id("security-kind").input_value() == "login_failed"
            page.get_by_test_id("security-kind").select_option("user_created")
            page.wait_for_function(
                "() => { const rows = [...document.querySelectorAll('[data-testid=security-row]')];"
                " return rows.length > 0 && rows.every((r) => r.dataset.kind === 'user_created'); }"
            )
            assert VI["admin.security.kind.user_created"] in rows.first.inner_text()

            # A day long past: nothing; the dates the wrong way round: said so.
            page.get_by_test_id("security-until").fill("2001-01-01")
            page.get_by_test_id("security-until").dispatch_event("change")
            page.locator(".admin-empty", has_text=VI["admin.security.none_found"]).wait_for()
            page.get_by_test_id("security-since").fill("2001-01-02")
            page.get_by_test_id("security-since").dispatch_event("change")
            assert page.get_by_test_id("security-error").inner_text() == VI["admin.security.error.range"]

            # Clear the filters: every kind again.
            page.get_by_test_id("security-reset").click()
            page.wait_for_url("**/admin/security")
            failed.wait_for()
            assert page.get_by_test_id("security-error").is_hidden()
            assert page.evaluate("window.__csp") == []
            assert errors == []
        finally:
            context.close()


def test_english_and_refused_to_members(chromium, server, admin, cast):
    context = chromium.new_context(**LAPTOP, base_url=server.base_url)
    try:
        page = context.new_page()
        login_in_browser(page, ADMIN[0], "/admin/security", password=ADMIN[1])
        page.goto("/lang/en?next=/admin/security")
        page.get_by_test_id("security-row").first.wait_for()
        assert page.locator("h1").inner_text() == EN["admin.security.title"]
        assert page.get_by_test_id("nav-admin-security").inner_text() == EN["admin.security.nav"]
        page.get_by_test_id("security-kind").select_option("login")
        page.get_by_test_id("security-row").first.wait_for()
        assert EN["admin.security.kind.login"] in page.get_by_test_id("security-row").first.inner_text()
    finally:
        context.close()

    member = chromium.new_context(**LAPTOP, base_url=server.base_url)
    try:
        page = member.new_page()
        login_in_browser(page, cast["member"].user["username"], "/")
        assert page.get_by_test_id("nav-admin-security").count() == 0
        response = page.goto("/admin/security")
        assert response is not None and response.status == 403
        assert page.get_by_test_id("error-page").get_attribute("data-code") == "forbidden"
    finally:
        member.close()
