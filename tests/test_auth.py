"""Accounts, logins, sessions and the admin's user management."""

from __future__ import annotations

import httpx

from tests.conftest import new_user
from tests.support import PASSWORD, login, unique


def test_login_gives_token_and_httponly_cookie(server, admin):
    user = new_user(admin, "member")
    response = httpx.post(
        f"{server.base_url}/api/auth/login", json={"username": user.user["username"], "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {**user.user}
    cookie = response.headers["set-cookie"]
    assert "meeting_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # The cookie alone, as a browser sends it, is a session.
    me = httpx.get(f"{server.base_url}/api/me", cookies={"meeting_session": body["token"]})
    assert me.json()["username"] == user.user["username"]


def test_bad_credentials_are_401_with_error_body(server, admin):
    user = new_user(admin, "member")
    for username, password in ((user.user["username"], "wrong-password"), ("nobody-at-all", PASSWORD)):
        response = httpx.post(f"{server.base_url}/api/auth/login", json={"username": username, "password": password})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


def test_ten_failures_make_this_address_wait_for_that_account(server, admin):
    """Per (account, address): from here even the right password waits; the
    owner's other devices are not stopped (tests/test_login_flood.py)."""
    user = new_user(admin, "member")
    name = user.user["username"]
    for _ in range(10):
        assert (
            httpx.post(
                f"{server.base_url}/api/auth/login", json={"username": name, "password": "nope-nope"}
            ).status_code
            == 401
        )
    locked = httpx.post(f"{server.base_url}/api/auth/login", json={"username": name, "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "rate_limited"
    assert locked.json()["error"]["details"]["limit_name"] == "account_failures"
    # Another user is not affected, from this same address.
    assert login(server.base_url, admin.user["username"], "admin-password-1")


def test_logout_ends_token_and_cookie(server, admin):
    user = new_user(admin, "member")
    assert user.get("/api/me").status_code == 200
    assert user.post("/api/auth/logout").status_code == 204
    assert user.get("/api/me").status_code == 401
    assert httpx.get(f"{server.base_url}/api/me", cookies={"meeting_session": user.token}).status_code == 401


def test_no_or_forged_credentials_are_401(server):
    assert httpx.get(f"{server.base_url}/api/me").json()["error"]["code"] == "unauthorized"
    forged = httpx.get(f"{server.base_url}/api/me", headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401


def test_only_admin_creates_users(admin):
    member = new_user(admin, "member")
    secretary = new_user(admin, "secretary")
    body = {"username": unique("x"), "password": PASSWORD, "full_name": "X", "role": "member"}
    assert member.post("/api/users", json=body).status_code == 403
    assert secretary.post("/api/users", json=body).json()["error"]["code"] == "forbidden"
    created = admin.ok("POST", "/api/users", 201, json=body)
    assert created["role"] == "member" and "password" not in created and "password_hash" not in created
    # The same username twice is a conflict, not a crash.
    assert admin.post("/api/users", json=body).json()["error"]["code"] == "conflict"


def test_user_list_for_admin_and_meeting_organisers(admin):
    member = new_user(admin, "member")
    secretary = new_user(admin, "secretary")
    names = {u["username"] for u in admin.ok("GET", "/api/users")}
    assert member.user["username"] in names
    assert secretary.get("/api/users").status_code == 200
    assert member.get("/api/users").status_code == 403


def test_bad_input_is_422_never_500(server, admin):
    for body in ({"username": "a"}, {"username": "x", "password": 5}, [], "text"):
        response = httpx.post(f"{server.base_url}/api/auth/login", json=body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid"
    response = admin.post(
        "/api/users", json={"username": "bad name!", "password": "short", "full_name": "", "role": "king"}
    )
    assert response.status_code == 422
    raw = httpx.post(
        f"{server.base_url}/api/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert raw.status_code == 422
