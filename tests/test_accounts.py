"""The administration of accounts (issue 11): edit, disable, reset, one's own
password, and the must-change flag, against a real server."""

from __future__ import annotations

import time

import httpx

from tests.conftest import new_user
from tests.support import ADMIN, PASSWORD, Api, Socket, login, unique


def _raw_login(base_url: str, username: str, password: str) -> httpx.Response:
    return httpx.post(f"{base_url}/api/auth/login", json={"username": username, "password": password}, timeout=30)


def _made_by_api(admin: Api, role: str = "member", **extra) -> dict:
    username = unique("acc")
    body = {"username": username, "password": PASSWORD, "full_name": "Nguyễn Thị Hoà", "role": role, **extra}
    return admin.ok("POST", "/api/users", 201, json=body)


def _row(admin: Api, user_id: int) -> dict:
    return next(u for u in admin.ok("GET", "/api/users") if u["id"] == user_id)


def test_created_accounts_must_change_their_password(server, admin):
    created = _made_by_api(admin, position="Ủy viên")
    assert created["must_change_password"] is True and created["position"] == "Ủy viên"
    row = _row(admin, created["id"])
    assert row["disabled"] is False and row["must_change_password"] is True and row["position"] == "Ủy viên"
    person = login(server.base_url, created["username"], PASSWORD)
    # The API keeps working; every page but /account sends the person there.
    assert person.get("/api/meetings").status_code == 200
    for path in ("/", "/archive", "/admin/users"):
        page = person.get(path, follow_redirects=False, headers={"accept": "text/html"})
        assert page.status_code == 303 and page.headers["location"] == "/account", path
    assert person.get("/account", headers={"accept": "text/html"}).status_code == 200
    assert person.get("/login", headers={"accept": "text/html"}).status_code == 200
    # A batch too.
    name = unique("bat")
    batch = admin.ok(
        "POST",
        "/api/users/batch",
        201,
        json={"password": PASSWORD, "users": [{"username": name, "full_name": "Lê Văn Bình", "role": "member"}]},
    )
    assert batch[0]["must_change_password"] is True


def test_changing_ones_own_password(server, admin):
    created = _made_by_api(admin)
    person = login(server.base_url, created["username"], PASSWORD)
    change = "/api/auth/password"
    wrong = person.post(change, json={"current": "not-my-password", "new": "a-new-password"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "wrong_password"
    same = person.post(change, json={"current": PASSWORD, "new": PASSWORD})
    assert same.json()["error"]["code"] == "password_unchanged"
    for bad in ("short", "x" * 257):
        assert person.post(change, json={"current": PASSWORD, "new": bad}).json()["error"]["code"] == "invalid"
    assert httpx.post(f"{server.base_url}{change}", json={"current": PASSWORD, "new": "whatever-1"}).status_code == 401
    done = person.ok("POST", change, json={"current": PASSWORD, "new": "mật-khẩu-mới-2026"})
    assert done["must_change_password"] is False
    assert person.get("/", follow_redirects=False, headers={"accept": "text/html"}).status_code == 200
    assert _raw_login(server.base_url, created["username"], PASSWORD).status_code == 401
    again = login(server.base_url, created["username"], "mật-khẩu-mới-2026")
    assert again.user["must_change_password"] is False


def test_admin_edits_name_role_and_position(server, admin):
    created = _made_by_api(admin)
    changed = admin.ok(
        "PATCH",
        f"/api/users/{created['id']}",
        json={"full_name": "Trần Văn Đức", "role": "secretary", "position": "Phó Bí thư"},
    )
    assert (changed["full_name"], changed["role"], changed["position"]) == ("Trần Văn Đức", "secretary", "Phó Bí thư")
    assert _row(admin, created["id"])["position"] == "Phó Bí thư"
    # Absent fields stay; unknown fields and bad values are refused.
    assert admin.ok("PATCH", f"/api/users/{created['id']}", json={"position": ""})["full_name"] == "Trần Văn Đức"
    assert admin.patch(f"/api/users/{created['id']}", json={"role": "king"}).status_code == 422
    assert admin.patch(f"/api/users/{created['id']}", json={"password": "x"}).status_code == 422
    assert admin.patch("/api/users/999999", json={"position": "x"}).json()["error"]["code"] == "not_found"


def test_an_admin_cannot_disable_or_demote_themself(admin):
    for body in ({"disabled": True}, {"role": "member"}):
        refused = admin.patch(f"/api/users/{admin.id}", json=body)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "own_account", body
    assert admin.post(f"/api/users/{admin.id}/password-reset").json()["error"]["code"] == "own_account"
    assert admin.ok("PATCH", f"/api/users/{admin.id}", json={"role": "admin"})["role"] == "admin"
    assert admin.get("/api/me").status_code == 200


def test_non_admins_get_403(server, admin):
    target = _made_by_api(admin)
    for role in ("secretary", "chair", "member", "archivist"):
        someone = new_user(admin, role)
        calls = (
            someone.patch(f"/api/users/{target['id']}", json={"disabled": True}),
            someone.patch(f"/api/users/{target['id']}", json={"role": "admin"}),
            someone.post(f"/api/users/{target['id']}/password-reset"),
            someone.post("/api/users", json={**target, "username": unique("n"), "password": PASSWORD}),
        )
        for response in calls:
            assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden", role
        page = someone.get("/admin/users", headers={"accept": "text/html"})
        assert page.status_code == 403 and 'data-testid="error-page"' in page.text
    assert _row(admin, target["id"])["disabled"] is False and _row(admin, target["id"])["role"] == "member"
    anonymous = httpx.patch(f"{server.base_url}/api/users/{target['id']}", json={"disabled": True})
    assert anonymous.status_code == 401


def test_disabling_ends_sessions_and_sockets_at_once_and_keeps_history(server, admin, world):
    # A person of this test's own: the world's cast is shared by the whole session, and
    # disabling ends every login of theirs for good.
    person = new_user(admin, "member", "Người Sẽ Bị Khoá")
    meeting = world.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": "Họp", "starts_at": "2026-11-27T08:00:00+07:00", "participants": [{"user_id": person.id}]},
    )
    sock = person.socket()
    other_device = login(server.base_url, person.user["username"], PASSWORD)
    try:
        sock.join(meeting["id"])
        assert sock.client.connected
        started = time.monotonic()
        disabled = admin.ok("PATCH", f"/api/users/{person.id}", json={"disabled": True})
        assert disabled["disabled"] is True
        while sock.client.connected and time.monotonic() - started < 1.0:
            time.sleep(0.02)
        assert not sock.client.connected, "the socket was still open a second after disabling"
        for api in (person, other_device):
            assert api.get("/api/me").status_code == 401
        # The right password is refused with its own code; a wrong one like any wrong password.
        right = _raw_login(server.base_url, person.user["username"], PASSWORD)
        assert right.status_code == 403 and right.json()["error"]["code"] == "account_disabled"
        wrong = _raw_login(server.base_url, person.user["username"], "wrong-password-1")
        assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "unauthorized"
        # A new socket with the old token is refused.
        try:
            Socket.connect(server.base_url, token=person.token).close()
            reconnected = True
        except Exception:
            reconnected = False
        assert not reconnected
        # Their history stays: still a participant of the meeting.
        kept = world.secretary.ok("GET", f"/api/meetings/{meeting['id']}")
        assert person.id in {p["user_id"] for p in kept["participants"]}
    finally:
        sock.close()
        admin.ok("PATCH", f"/api/users/{person.id}", json={"disabled": False})
    # Enabled again: the same password works.
    assert _raw_login(server.base_url, person.user["username"], PASSWORD).status_code == 200


def test_password_reset_gives_a_one_time_password(server, admin, world):
    created = _made_by_api(admin)
    person = login(server.base_url, created["username"], PASSWORD)
    person.ok("POST", "/api/auth/password", json={"current": PASSWORD, "new": "my-own-password"})
    sock = person.socket()
    try:
        started = time.monotonic()
        reset = admin.ok("POST", f"/api/users/{created['id']}/password-reset")
        password = reset["password"]
        assert len(password) == 10 and not set(password) & set("0Oo1lI5S2Z8B")
        while sock.client.connected and time.monotonic() - started < 1.0:
            time.sleep(0.02)
        assert not sock.client.connected
    finally:
        sock.close()
    assert person.get("/api/me").status_code == 401
    assert _raw_login(server.base_url, created["username"], "my-own-password").status_code == 401
    again = login(server.base_url, created["username"], password)
    assert again.user["must_change_password"] is True
    assert _row(admin, created["id"])["must_change_password"] is True
    again.ok("POST", "/api/auth/password", json={"current": password, "new": "my-next-password"})
    assert login(server.base_url, created["username"], "my-next-password").user["must_change_password"] is False
    assert admin.post("/api/users/999999/password-reset").json()["error"]["code"] == "not_found"


def test_the_admin_made_by_the_command_line_need_not_change(server):
    assert login(server.base_url, *ADMIN).user["must_change_password"] is False
