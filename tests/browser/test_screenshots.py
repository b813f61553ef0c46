"""Screenshots of the demo meeting in the iPad profile, kept in docs/screenshots/.

They are looked at by people (README, reviews); the test also checks that
each view rendered its real content without a script error.
"""

from __future__ import annotations

from tests.browser.conftest import IPAD, device_options, login_in_browser
from tests.support import ROOT

SHOTS = ROOT / "docs" / "screenshots"


def _context(playwright_instance, chromium, demo, device: str | None = IPAD, **extra):
    options = device_options(playwright_instance, device)
    return chromium.new_context(**options, **extra, base_url=demo.base_url)


def _ready(page, n: int = 1):
    page.locator(f'[data-testid="page-image"][data-page="{n}"]').first.wait_for()
    # Lazy thumbnails far off screen never load: wait only for the eager images.
    page.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
    page.wait_for_timeout(400)


def test_screenshots_of_the_demo_meeting(playwright_instance, chromium, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    secretary = demo.login("thuky")
    meeting = secretary.ok("GET", "/api/meetings")[0]
    path = f"/meetings/{meeting['id']}"
    secretary.ok("POST", f"{path.replace('/meetings', '/api/meetings')}/open")

    login_ctx = _context(playwright_instance, chromium, demo)
    page = login_ctx.new_page()
    page.goto("/login")
    page.get_by_test_id("login-username").wait_for()
    page.screenshot(path=SHOTS / "login.png")
    login_ctx.close()

    console_ctx = _context(playwright_instance, chromium, demo)
    console = console_ctx.new_page()
    login_in_browser(console, "thuky", f"{path}/console", demo.password("thuky"))
    _ready(console)
    console.get_by_test_id("next-page").click()
    _ready(console, 2)

    tablet_ctx = _context(playwright_instance, chromium, demo)
    tablet = tablet_ctx.new_page()
    errors = []
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    login_in_browser(tablet, "phobithu", path, demo.password("phobithu"))
    _ready(tablet, 2)
    tablet.screenshot(path=SHOTS / "tablet.png")
    _ready(console, 2)
    console.screenshot(path=SHOTS / "console.png")

    tablet.get_by_test_id("next-page").click()
    tablet.get_by_test_id("follow-presenter").wait_for(state="visible")
    _ready(tablet, 3)
    tablet.screenshot(path=SHOTS / "tablet-leafing.png")

    portrait_ctx = _context(playwright_instance, chromium, demo, device="iPad Pro 11")
    portrait = portrait_ctx.new_page()
    login_in_browser(portrait, "kiemtra", path, demo.password("kiemtra"))
    _ready(portrait, 2)
    portrait.screenshot(path=SHOTS / "tablet-portrait.png")

    screen_ctx = _context(playwright_instance, chromium, demo, device=None, viewport={"width": 1920, "height": 1080})
    screen = screen_ctx.new_page()
    login_in_browser(screen, "thuky", f"{path}/screen", demo.password("thuky"))
    _ready(screen, 2)
    screen.screenshot(path=SHOTS / "screen.png")

    index_ctx = _context(playwright_instance, chromium, demo)
    index = index_ctx.new_page()
    login_in_browser(index, "thuky", "/", demo.password("thuky"))
    index.get_by_text(meeting["title"]).first.wait_for()
    index.screenshot(path=SHOTS / "index.png")

    for ctx in (console_ctx, tablet_ctx, portrait_ctx, screen_ctx, index_ctx):
        ctx.close()
    assert errors == []
