"""Security events (security/service.py, docs/api.md "Security events"): each
kind recorded with its actor, target and address after the real action over
HTTP; a failed login keeps the username as typed and never the password; only
an admin reads them; filters and paging; the per-kind cap; throttled logins
noted once per address."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from tests.conftest import new_user, start_server
from tests.support import ADMIN, PASSWORD, Api, login, unique

ADDRESS = "127.0.0.1"  # the tests' client, as the server sees it


def events(admin: Api, **params) -> list[dict]:
    page = admin.ok("GET", "/api/security-events", params={"limit": 200, **params})
    assert isinstance(page, dict)
    return page["events"]


def newest(admin: Api, kind: str, **params) -> dict:
    found = events(admin, kind=kind, **params)
    assert found, f"no {kind} event"
    return found[0]


def login_status(base_url: str, username: str, password: str) -> int:
    return httpx.post(f"{base_url}/api/auth/login", json={"username": username, "password": password}).status_code


def test_logins_failures_and_logouts(server, admin):
    person = new_user(admin, "member")
    typed = person.user["username"]
    wrong = "sai-mat-khau-" + unique("p")
    assert login_status(server.base_url, typed, wrong) == 401
    failed = newest(admin, "login_failed")
    assert failed["username"] == typed
    assert failed["actor_id"] is None
    assert failed["address"] == ADDRESS
    assert failed["details"] == {"reason": "unauthorized"}

    ghost = unique("khong-co-ai")
    assert login_status(server.base_url, ghost, wrong) == 401
    assert newest(admin, "login_failed")["username"] == ghost

    # No password, no token, no hash anywhere in what the log holds.
    again = login(server.base_url, typed, PASSWORD)
    everything = json.dumps(events(admin))
    for secret in (wrong, PASSWORD, again.token, person.token):
        assert secret not in everything
    assert "argon2" not in everything

    success = newest(admin, "login", user_id=person.id)
    assert (success["actor_id"], success["username"], success["address"]) == (person.id, typed, ADDRESS)
    assert success["actor_name"] == person.user["full_name"]

    assert again.post("/api/auth/logout").status_code == 204
    out = newest(admin, "logout", user_id=person.id)
    assert (out["actor_id"], out["address"]) == (person.id, ADDRESS)
    assert out["id"] > success["id"]


def test_account_changes_by_the_admin_and_by_the_person(server, admin):
    username = unique("sec")
    made = admin.ok(
        "POST",
        "/api/users",
        201,
        json={"username": username, "password": PASSWORD, "full_name": "Đồng chí Bảo Mật", "role": "member"},
    )
    created = newest(admin, "user_created", user_id=made["id"])
    assert (created["actor_id"], created["target_user_id"], created["address"]) == (admin.id, made["id"], ADDRESS)
    assert created["target_username"] == username
    assert created["details"] == {"role": "member"}

    batch = admin.ok(
        "POST",
        "/api/users/batch",
        201,
        json={
            "password": PASSWORD,
            "users": [{"username": unique("lo"), "full_name": f"Người {i}", "role": "member"} for i in range(2)],
        },
    )
    for account in batch:
        assert newest(admin, "user_created", user_id=account["id"])["actor_id"] == admin.id

    admin.ok("PATCH", f"/api/users/{made['id']}", json={"role": "chair"})
    role = newest(admin, "role_changed", user_id=made["id"])
    assert (role["actor_id"], role["target_user_id"], role["address"]) == (admin.id, made["id"], ADDRESS)
    assert role["details"] == {"from": "member", "to": "chair"}
    # A change that leaves the role as it was is no role change.
    admin.ok("PATCH", f"/api/users/{made['id']}", json={"role": "chair", "position": "Ủy viên"})
    assert [e["id"] for e in events(admin, kind="role_changed", user_id=made["id"])] == [role["id"]]

    admin.ok("PATCH", f"/api/users/{made['id']}", json={"disabled": True})
    disabled = newest(admin, "user_disabled", user_id=made["id"])
    assert (disabled["actor_id"], disabled["target_user_id"]) == (admin.id, made["id"])
    # The right password of a disabled account: a failed login, saying why.
    assert login_status(server.base_url, username, PASSWORD) == 403
    refused = newest(admin, "login_failed")
    assert (refused["username"], refused["details"]) == (username, {"reason": "account_disabled"})

    admin.ok("PATCH", f"/api/users/{made['id']}", json={"disabled": False})
    enabled = newest(admin, "user_enabled", user_id=made["id"])
    assert (enabled["actor_id"], enabled["target_user_id"]) == (admin.id, made["id"])

    one_time = admin.ok("POST", f"/api/users/{made['id']}/password-reset")
    assert isinstance(one_time, dict)
    reset = newest(admin, "password_reset", user_id=made["id"])
    assert (reset["actor_id"], reset["target_user_id"], reset["address"]) == (admin.id, made["id"], ADDRESS)
    assert one_time["password"] not in json.dumps(reset)

    person = login(server.base_url, username, one_time["password"])
    wrong = person.post("/api/auth/password", json={"current": "khong-phai-" + unique("x"), "new": PASSWORD + "!"})
    assert wrong.status_code == 422
    failed = newest(admin, "password_change_failed", user_id=made["id"])
    assert (failed["actor_id"], failed["address"]) == (made["id"], ADDRESS)
    person.ok("POST", "/api/auth/password", json={"current": one_time["password"], "new": PASSWORD + "!"})
    changed = newest(admin, "password_changed", user_id=made["id"])
    assert (changed["actor_id"], changed["target_user_id"], changed["address"]) == (made["id"], made["id"], ADDRESS)
    assert PASSWORD not in json.dumps(events(admin, user_id=made["id"]))


def test_exports_and_downloads(world):
    admin, secretary, member = world.admin, world.secretary, world.member
    document_id, meeting_id = world.document["id"], world.meeting_id

    assert member.get(f"/api/documents/{document_id}/file").status_code == 200
    download = newest(admin, "document_download", user_id=member.id)
    assert (download["actor_id"], download["document_id"], download["meeting_id"], download["address"]) == (
        member.id,
        document_id,
        meeting_id,
        ADDRESS,
    )
    # A HEAD asks for nothing, and a viewer's later range fetches the same file: neither is a download.
    assert member.http.head(f"/api/documents/{document_id}/file").status_code == 200
    assert member.get(f"/api/documents/{document_id}/file", headers={"Range": "bytes=100-199"}).status_code == 206
    assert newest(admin, "document_download", user_id=member.id)["id"] == download["id"]
    # Refused: nothing noted.
    assert world.outsider.get(f"/api/documents/{document_id}/file").status_code == 404
    assert not events(admin, kind="document_download", user_id=world.outsider.id)

    assert member.get(f"/api/documents/{document_id}/annotated.pdf?scope=mine").status_code == 200
    annotated = newest(admin, "export_annotations", user_id=member.id)
    assert (annotated["meeting_id"], annotated["document_id"]) == (meeting_id, document_id)
    assert annotated["details"] == {"scope": "mine", "format": "pdf"}
    assert member.get(f"/api/documents/{document_id}/annotations.jsonld").status_code == 200
    assert newest(admin, "export_annotations", user_id=member.id)["details"]["format"] == "jsonld"

    assert member.get(f"/api/meetings/{meeting_id}/minutes.pdf").status_code == 200
    minutes = newest(admin, "export_minutes", user_id=member.id)
    assert (minutes["meeting_id"], minutes["details"]) == (meeting_id, {"final": False, "format": "pdf"})

    assert member.get(f"/api/meetings/{meeting_id}/minutes.json").status_code == 200
    assert newest(admin, "export_minutes", user_id=member.id)["details"] == {"final": False, "format": "json"}

    assert member.get(f"/api/oparl/v1/meetings/{meeting_id}").status_code == 200
    oparl = newest(admin, "export_oparl", user_id=member.id)
    assert (oparl["meeting_id"], oparl["address"]) == (meeting_id, ADDRESS)

    secretary.ok("POST", f"/api/meetings/{meeting_id}/close")
    assert secretary.get(f"/api/meetings/{meeting_id}/archive.zip").status_code == 200
    archive = newest(admin, "export_archive", user_id=secretary.id)
    assert (archive["actor_id"], archive["meeting_id"], archive["address"]) == (secretary.id, meeting_id, ADDRESS)


def test_only_an_admin_reads_them(server, admin, cast):
    for api in (cast["secretary"], cast["chair"], cast["member"]):
        response = api.get("/api/security-events")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
        page = api.get("/admin/security", follow_redirects=False)
        assert page.status_code == 403
    assert httpx.get(f"{server.base_url}/api/security-events").status_code == 401
    assert httpx.get(f"{server.base_url}/admin/security", follow_redirects=False).status_code in (302, 303, 307)
    assert admin.get("/admin/security").status_code == 200


def test_filters_and_paging(server, admin):
    person = new_user(admin, "member")
    since = datetime.now(UTC) - timedelta(seconds=1)
    for _ in range(5):
        assert login_status(server.base_url, person.user["username"], "sai-" + unique("p")) == 401
    for _ in range(3):
        login(server.base_url, person.user["username"], PASSWORD).post("/api/auth/logout")

    by_kind = events(admin, kind="logout", user_id=person.id)
    assert len(by_kind) == 3 and {e["kind"] for e in by_kind} == {"logout"}
    mine = events(admin, user_id=person.id)
    assert all(person.id in (e["actor_id"], e["target_user_id"]) for e in mine)
    assert [e["id"] for e in mine] == sorted((e["id"] for e in mine), reverse=True)  # newest first

    recent = events(admin, since=since.isoformat())
    assert sum(e["kind"] == "login_failed" and e["username"] == person.user["username"] for e in recent) == 5
    assert all(datetime.fromisoformat(e["at"]) >= since for e in recent)
    assert not events(admin, until=(since - timedelta(days=3650)).isoformat())
    assert events(admin, until=datetime.now(UTC).isoformat())

    # Pages of 2 with the cursor: every event once, in order.
    walked, cursor = [], None
    while True:
        params = {"user_id": person.id, "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = admin.ok("GET", "/api/security-events", params=params)
        assert isinstance(page, dict)
        assert len(page["events"]) <= 2
        walked += [e["id"] for e in page["events"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == [e["id"] for e in mine]

    for bad in ({"kind": "nope"}, {"since": "hôm qua"}, {"limit": 0}, {"cursor": -1}):
        assert admin.get("/api/security-events", params=bad).status_code == 422


def test_the_cap_and_throttled_logins(tmp_path):
    """Each kind keeps its newest N (here 5): a flood of failed logins pushes out
    older failed logins only. Throttled logins: one noted per address a minute."""
    process, admin = start_server(
        tmp_path / "data",
        env={"MEETING_SECURITY_EVENTS_PER_KIND": "5", "MEETING_LOGIN_ADDRESS_FAILURES": "12"},
    )
    try:
        # The admin was made by `meeting-server user add`: an account created on the command line.
        made = events(admin, kind="user_created")
        assert [(e["actor_id"], e["address"], e["target_user_id"]) for e in made] == [(None, None, admin.id)]

        names = [unique(f"flood{i}-") for i in range(12)]
        for name in names:
            assert login_status(process.base_url, name, "x" * 12) == 401
        failed = events(admin, kind="login_failed")
        assert [e["username"] for e in failed] == names[::-1][:5]
        # The admin's own login, another kind, is still there.
        assert [e["actor_id"] for e in events(admin, kind="login")] == [admin.id]

        for _ in range(4):
            assert login_status(process.base_url, ADMIN[0], ADMIN[1]) == 429
        throttled = events(admin, kind="login_throttled")
        assert len(throttled) == 1
        assert (throttled[0]["username"], throttled[0]["address"]) == (ADMIN[0], ADDRESS)
        assert throttled[0]["details"] == {"limit": "address_failures"}
        assert ADMIN[1] not in json.dumps(events(admin))
    finally:
        process.stop()
