"""What a hostile page or link tries against a logged-in member, in a real browser:
a login link that would send them to another site afterwards, and another
site (another port of the same host counts) framing the console to make them
click its controls."""

from __future__ import annotations

import http.server
import threading

import pytest

from tests.browser.conftest import device_options, login_in_browser
from tests.support import ADMIN, free_port


@pytest.fixture
def page(playwright_instance, chromium, server):
    context = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("trick", ["/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "/%5C/evil.example"])
def test_login_never_redirects_to_another_site(page, server, trick):
    page.goto(f"/login?next={trick}")
    page.get_by_test_id("login-username").fill(ADMIN[0])
    page.get_by_test_id("login-password").fill(ADMIN[1])
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(f"{server.base_url}/")
    assert page.url == f"{server.base_url}/"


@pytest.fixture
def other_site(tmp_path, server):
    """A page on another port of the same host that frames the console."""
    (tmp_path / "index.html").write_text(
        f'<!doctype html><iframe id="victim" src="{server.base_url}/meetings/1/console" width="800" height="600"></iframe>'
    )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_another_site_cannot_frame_the_console(page, server, other_site):
    login_in_browser(page, ADMIN[0], "/", password=ADMIN[1])
    refused = []
    page.on("console", lambda message: "frame-ancestors" in message.text and refused.append(message.text))
    page.goto(other_site)
    page.wait_for_load_state("networkidle")
    framed = next(frame for frame in page.frames if frame != page.main_frame)
    # Chromium replaces a refused frame with its error page: nothing of ours is drawn in it.
    assert not framed.url.startswith(server.base_url)
    assert refused, "the browser did not report the refusal"
