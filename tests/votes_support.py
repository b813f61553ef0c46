"""Helpers shared by the vote tests: a vote taken the way the console takes it."""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from tests.support import ADMIN, Api, login


def open_meeting(secretary: Api, meeting_id: int) -> dict:
    return secretary.ok("POST", f"/api/meetings/{meeting_id}/open")


def attend(secretary: Api, meeting_id: int, *people: Api | int, status: str = "present") -> None:
    """The secretary records people as attending (what a join does by itself)."""
    for person in people:
        user_id = person if isinstance(person, int) else person.id
        secretary.ok("PUT", f"/api/meetings/{meeting_id}/attendance/{user_id}", json={"status": status})


def draft(secretary: Api, meeting_id: int, **fields) -> dict:
    body = {"title": "Thông qua Nghị quyết", "secret": False, "rule": "majority_of_members", **fields}
    return secretary.ok("POST", f"/api/meetings/{meeting_id}/votes", 201, json=body)


def start(secretary: Api, meeting_id: int, **fields) -> dict:
    """A drafted and opened vote (the meeting open, its quorum met beforehand)."""
    override = fields.pop("override_quorum", False)
    vote = draft(secretary, meeting_id, **fields)
    return secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": override})


def close(secretary: Api, vote_id: int) -> dict:
    return secretary.ok("POST", f"/api/votes/{vote_id}/close")


def ballot(voter: Api, vote_id: int, choice: str, **extra):
    return voter.post(f"/api/votes/{vote_id}/ballot", json={"choice": choice, **extra})


def new_receipt() -> tuple[str, str]:
    """(nonce, hash) as a tablet makes them: hex SHA-256 of the nonce's text."""
    nonce = secrets.token_hex(32)
    return nonce, hashlib.sha256(nonce.encode()).hexdigest()


def batch_users(admin: Api, prefix: str, count: int, password: str, role: str = "member") -> list[dict]:
    """Many accounts in one request (one password hash for all of them)."""
    users = [{"username": f"{prefix}{i}", "full_name": f"Đảng viên {prefix} {i}", "role": role} for i in range(count)]
    return admin.ok("POST", "/api/users/batch", 201, json={"password": password, "users": users})


def open_meeting_of_voters(base_url: str, prefix: str, count: int, password: str, title: str):
    """On a server of its own (with ADMIN): a secretary and `count` members, all logged in, and an
    open meeting of the secretary's with the members attending. Returns (secretary, voters, meeting_id)."""
    admin = login(base_url, *ADMIN)
    secretary_user, *members = batch_users(admin, prefix, count + 1, password)
    admin.ok("PATCH", f"/api/users/{secretary_user['id']}", json={"role": "secretary"})
    secretary = login(base_url, secretary_user["username"], password)
    with ThreadPoolExecutor(4) as pool:
        voters = list(pool.map(lambda m: login(base_url, m["username"], password), members))
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": title,
            "starts_at": "2026-12-05T08:00:00+07:00",
            "participants": [{"user_id": v.id} for v in voters],
        },
    )
    open_meeting(secretary, meeting["id"])
    attend(secretary, meeting["id"], *voters)
    return secretary, voters, meeting["id"]
