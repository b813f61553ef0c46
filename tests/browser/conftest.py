"""Real browsers against the real server.

Chromium through Playwright in the iPad Pro 11 profile, and WebKit (iPad
Safari's engine) through WebKitGTK's WebDriver under Xvfb. Every person logs
in through the real login page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import PASSWORD

CHROMIUM = "/usr/bin/chromium"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IPAD = "iPad Pro 11 landscape"


def pytest_configure(config):
    from playwright.sync_api import expect

    # expect() waits 5 s by default. On CI's two cores, with two test processes each driving
    # a browser and a server, a page may take longer than that to answer: the wait ends as soon
    # as the condition holds, so a longer one costs a passing test nothing.
    expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def device_options(playwright, device: str | None = IPAD) -> dict:
    """A Playwright device profile as context options (the browser is always Debian's Chromium)."""
    if device is None:
        return {}
    return {k: v for k, v in playwright.devices[device].items() if k != "default_browser_type"}


@pytest.fixture
def ipad(playwright_instance, chromium, server):
    """Make an iPad: `ipad(user)` gives a logged-in page in its own browser context."""
    device = device_options(playwright_instance)
    contexts = []

    def open_as(api, path: str = "/"):
        context = chromium.new_context(**device, base_url=server.base_url)
        contexts.append(context)
        page = context.new_page()
        page.errors, page.requested = [], []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.on("request", lambda request: page.requested.append(request.url))
        login_in_browser(page, api.user["username"], path)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def blank_ipad(playwright_instance, chromium, server):
    """Make an iPad page that nobody has logged in on yet: `blank_ipad()`; its script errors in `page.errors`."""
    contexts = []

    def new_page():
        context = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield new_page
    for context in contexts:
        context.close()


def login_in_browser(page, username: str, path: str, password: str = PASSWORD) -> None:
    """Open `path` in a Playwright page, be sent to the login page, log in, land on `path`.
    The tests' own users share PASSWORD; a demo account's is `demo.password(username)`."""
    page.goto(path)
    page.wait_for_url("**/login**")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"**{path}")


def webkit_login(driver, base_url: str, username: str, path: str, password: str = PASSWORD):
    """The same in WebKit: open `path`, be sent to the login page, log in; returns a 60 s wait
    (WebKitGTK draws in software under Xvfb: on a busy machine its first page takes long)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 60)
    driver.get(f"{base_url}{path}")
    wait.until(lambda d: "/login" in d.current_url)
    # The button is enabled once the page's script handles the form (a busy machine loads it late).
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').is_enabled())
    driver.find_element(By.CSS_SELECTOR, '[data-testid="login-username"]').send_keys(username)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="login-password"]').send_keys(password)
    driver.find_element(By.CSS_SELECTOR, '[data-testid="login-submit"]').click()
    return wait


@pytest.fixture(scope="session")
def xvfb():
    if not shutil.which("Xvfb"):
        pytest.fail("Xvfb is missing: `make test` installs it")
    # Xvfb picks a free display itself and writes its number to the pipe, so that
    # parallel test processes never share or fight over one.
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        display = f":{announced.readline().strip()}"
    yield display
    process.terminate()
    process.wait(5)


@pytest.fixture
def webkit(xvfb):
    """A WebKit browser (MiniBrowser, WebKitGTK) driven by Selenium."""
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service

    if not Path(WEBKIT_DRIVER).exists():
        pytest.fail("webkit2gtk-driver is missing: `make test` installs it")
    os.environ["DISPLAY"] = xvfb
    options = Options()
    options.binary_location = MINIBROWSER
    options.add_argument("--automation")
    driver = webdriver.WebKitGTK(options=options, service=Service(executable_path=WEBKIT_DRIVER))
    driver.set_window_size(1194, 834)
    yield driver
    driver.quit()


@pytest.fixture
def hall_screen(chromium, server):
    """The hall screen: a 16:9 wall at 1920x1080, logged in as `api`'s user."""
    contexts = []

    def open_as(api, path: str):
        context = chromium.new_context(viewport={"width": 1920, "height": 1080}, base_url=server.base_url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        login_in_browser(page, api.user["username"], path)
        return page

    yield open_as
    for context in contexts:
        context.close()


def connected(page):
    """Wait until the page's socket is connected (its badge says so)."""
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30000)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed WebKit test tells where its browser was and what it showed: Selenium's
    timeouts say nothing, and a run under load is hard to reproduce."""
    outcome = yield
    report = outcome.get_result()
    driver = item.funcargs.get("webkit") if report.when == "call" and report.failed else None
    if driver is None:
        return
    try:
        shown = driver.execute_script("return document.body ? document.body.innerText : ''")
        report.sections.append(("WebKit at failure", f"{driver.current_url}\n{shown[:2000]}"))
    except Exception as exc:  # the browser itself may be what failed
        report.sections.append(("WebKit at failure", f"unreachable: {exc!r}"))
