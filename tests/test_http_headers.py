"""What every HTTP response carries, and HEAD wherever GET answers.

The browser test tests/browser/test_csp.py shows the policy breaks no page;
here: the headers are on every kind of response (pages, JSON, errors,
static files, page images, socket.io), and each GET route of the API and
the pages answers HEAD with GET's status and headers and no body.
"""

from __future__ import annotations

import re

import httpx
import pytest

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def _urls(world) -> list[str]:
    """Every GET path of the API (ids filled in from the world) and the pages a person opens."""
    spec = world.secretary.ok("GET", "/openapi.json")
    fill = {
        "meeting": world.meeting_id,
        "document": world.document["id"],
        "item": world.item["id"],
        "user": world.member.id,
    }

    def value(match: re.Match) -> str:
        name = match.group(1)
        return str(next((v for k, v in fill.items() if k in name), 1))

    api = [re.sub(r"\{(\w+)\}", value, path) for path, ops in spec["paths"].items() if "get" in ops]
    pages = ["/login", "/", f"/meetings/{world.meeting_id}", f"/meetings/{world.meeting_id}/console", "/archive"]
    return api + pages + ["/docs", "/static/js/common.js", "/vendor/socket.io/socket.io.esm.min.js", "/no-such-page"]


def test_every_get_answers_head_with_the_same_status_and_headers_and_no_body(world):
    client = world.secretary.http
    urls = _urls(world)
    assert len(urls) > 25
    for url in urls:
        got = client.get(url)
        head = client.head(url)
        assert head.status_code == got.status_code, url
        assert head.content == b"", url
        assert head.headers.get("content-type") == got.headers.get("content-type"), url
        if "content-length" in got.headers and got.status_code == 200:
            assert head.headers["content-length"] == got.headers["content-length"], url


def test_head_never_opens_a_socketio_session(server):
    assert httpx.head(f"{server.base_url}/socket.io/?EIO=4&transport=polling", timeout=10).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/login",  # a page
        "/api/me",  # JSON, 401
        "/api/meetings/999999",  # an error
        "/static/js/common.js",  # a static file
        "/socket.io/?EIO=4&transport=polling",  # socket.io's own endpoint
    ],
)
def test_security_headers_on_every_kind_of_response(server, path):
    response = httpx.get(server.base_url + path, timeout=10)
    for header in SECURITY_HEADERS:
        assert header in response.headers, (path, header)
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in response.headers  # plain HTTP here; see tests/test_tls.py


def test_page_images_carry_the_headers_too(world):
    image = world.member.http.get(f"/api/documents/{world.document['id']}/pages/1?width=400")
    assert image.status_code == 200
    assert image.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in image.headers
