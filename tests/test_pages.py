"""The pages a person opens, over plain HTTP: login redirects, roles, language, nothing from the internet."""

from __future__ import annotations

import re

import httpx

from tests.support import PASSWORD


def browser(server, api=None, lang: str | None = None) -> httpx.Client:
    cookies = {}
    if api:
        cookies["meeting_session"] = api.token
    if lang:
        cookies["lang"] = lang
    return httpx.Client(base_url=server.base_url, cookies=cookies, headers={"Accept": "text/html"}, timeout=30)


def test_pages_ask_for_login_first(server, world):
    anonymous = browser(server)
    for path in (
        "/",
        f"/meetings/{world.meeting_id}",
        f"/meetings/{world.meeting_id}/console",
        f"/meetings/{world.meeting_id}/screen",
    ):
        response = anonymous.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    assert anonymous.get("/login").status_code == 200


def test_each_view_for_who_may_see_it(server, world):
    member, secretary, outsider = (
        browser(server, world.member),
        browser(server, world.secretary),
        browser(server, world.outsider),
    )
    assert member.get(f"/meetings/{world.meeting_id}").status_code == 200
    assert member.get(f"/meetings/{world.meeting_id}/screen").status_code == 200
    console = member.get(f"/meetings/{world.meeting_id}/console")
    assert console.status_code == 403 and "text/html" in console.headers["content-type"]
    assert secretary.get(f"/meetings/{world.meeting_id}/console").status_code == 200
    assert outsider.get(f"/meetings/{world.meeting_id}").status_code == 404


def test_vietnamese_by_default_english_on_request(server, world):
    page = browser(server, world.member).get(f"/meetings/{world.meeting_id}")
    assert '<html lang="vi"' in page.text and 'charset="utf-8"' in page.text.lower()
    switched = browser(server, world.member).get("/lang/en", params={"next": f"/meetings/{world.meeting_id}"})
    assert switched.status_code == 303 and switched.headers["location"] == f"/meetings/{world.meeting_id}"
    assert "lang=en" in switched.headers["set-cookie"]
    english = browser(server, world.member, lang="en").get(f"/meetings/{world.meeting_id}")
    assert '<html lang="en"' in english.text
    # No open redirect to another site.
    assert browser(server).get("/lang/en", params={"next": "//evil.example"}).headers["location"] == "/"


def test_nothing_is_loaded_from_the_internet(server, world):
    client = browser(server, world.secretary)
    pages = [
        "/login",
        "/",
        f"/meetings/{world.meeting_id}",
        f"/meetings/{world.meeting_id}/console",
        f"/meetings/{world.meeting_id}/screen",
        "/docs",
    ]
    for path in pages:
        html = client.get(path).text
        external = re.findall(r'(?:src|href)=["\'](https?:)?//', html)
        assert not external, (path, external)
        for asset in re.findall(r'(?:src|href)=["\'](/(?:static|vendor)/[^"\'?]+)', html):
            assert client.get(asset).status_code == 200, (path, asset)
    assert client.get("/vendor/socket.io/socket.io.esm.min.js").status_code == 200


def test_login_page_logs_in_through_the_api(server, world):
    response = httpx.post(
        f"{server.base_url}/api/auth/login", json={"username": world.member.user["username"], "password": PASSWORD}
    )
    cookie = response.cookies["meeting_session"]
    assert httpx.get(f"{server.base_url}/", cookies={"meeting_session": cookie}).status_code == 200
