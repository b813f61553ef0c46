"""The Content Security Policy holds on every page a person opens: no inline
script or style, nothing from another origin. Chromium reports each refusal
as a `securitypolicyviolation` event (and on the console); a page that
needed an exception would show it here, and the feature it broke would not
work in the field.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import device_options, login_in_browser

# Recorded from the very start of every document, before any of our scripts runs.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def admin_page(playwright_instance, chromium, demo):
    context = chromium.new_context(**device_options(playwright_instance), base_url=demo.base_url)
    context.add_init_script(COLLECT)
    page = context.new_page()
    page.console_csp = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and page.console_csp.append(message.text),
    )
    yield page
    context.close()


def test_no_page_breaks_the_content_security_policy(admin_page, demo):
    page = admin_page
    login = page.goto("/login")
    assert "script-src 'self'" in login.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in login.headers["content-security-policy"]
    assert login.headers["x-content-type-options"] == "nosniff"
    login_in_browser(page, "admin", "/", password=demo.password("admin"))
    meeting_id = demo.login("admin").ok("GET", "/api/meetings")[0]["id"]

    pages = [
        "/",
        f"/meetings/{meeting_id}",
        f"/meetings/{meeting_id}/console",
        f"/meetings/{meeting_id}/screen",
        f"/meetings/{meeting_id}/prepare",
        "/meetings/new",
        "/archive",
        "/account",
        "/admin/users",
        "/admin/bodies",
        "/admin/security",
        "/admin/settings",
        "/meetings/999999",  # the error page
        "/docs",
    ]
    seen = {}
    for path in pages:
        response = page.goto(path)
        assert response is not None and "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        seen[path] = page.evaluate("window.__csp")
    # Swagger UI drew the API: its script ran under the policy.
    page.goto("/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    seen["/docs (drawn)"] = page.evaluate("window.__csp")

    assert {path: found for path, found in seen.items() if found} == {}
    assert page.console_csp == []
