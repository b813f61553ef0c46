"""Attendance and quorum over real HTTP and sockets: check-in by joining,
what the secretary records, the counts, and who may change them."""

from __future__ import annotations

from tests.conftest import new_user
from tests.votes_support import open_meeting


def _roll(api, meeting_id) -> dict[int, dict]:
    return {e["user_id"]: e for e in api.ok("GET", f"/api/meetings/{meeting_id}")["attendance"]}


def _put(api, meeting_id, user_id, **body):
    return api.put(f"/api/meetings/{meeting_id}/attendance/{user_id}", json=body)


def test_joining_an_open_meeting_checks_in(world):
    w = world
    early, watcher, screen = w.member.socket(), w.secretary.socket(), w.chair.socket()
    try:
        watcher.join(w.meeting_id)
        early.join(w.meeting_id)
        # Reading the papers before the meeting opens is not attending it.
        assert _roll(w.secretary, w.meeting_id)[w.member.id]["status"] is None
        screen.call("meeting:join", {"meeting_id": w.meeting_id, "watch": True})
        watcher.drain()
        open_meeting(w.secretary, w.meeting_id)
        # Opening checks in everyone whose tablet is in the room; a hall screen is nobody.
        _, changed = watcher.next_event("attendance:changed")
        statuses = {e["user_id"]: e["status"] for e in changed["attendance"]}
        assert statuses == {w.secretary.id: "present", w.member.id: "present", w.chair.id: None, w.member2.id: None}
        assert changed["counts"] == {
            "voting": 4,
            "present": 2,
            "online": 0,
            "absent": 0,
            "unknown": 2,
            "quorum_required": 3,
            "quorum_met": False,
        }
        assert sorted(changed["present"]) == sorted([w.secretary.id, w.member.id])
        late = w.member2.socket()
        late.join(w.meeting_id)
        _, arrived = watcher.next_event("attendance:changed", where=lambda d: w.member2.id in d["present"])
        entry = next(e for e in arrived["attendance"] if e["user_id"] == w.member2.id)
        assert entry["status"] == "present" and entry["checked_in_at"] and entry["reason"] == ""
        assert arrived["counts"]["present"] == 3 and arrived["counts"]["quorum_met"] is True
        # A dropped tablet leaves the room, not the record.
        late.close()
        _, left = watcher.next_event("attendance:changed", where=lambda d: w.member2.id not in d["present"])
        assert next(e for e in left["attendance"] if e["user_id"] == w.member2.id)["status"] == "present"
        detail = w.member.ok("GET", f"/api/meetings/{w.meeting_id}")
        assert detail["counts"]["present"] == 3 and detail["quorum"] == {"numerator": 2, "denominator": 3}
    finally:
        for s in (early, watcher, screen):
            s.close()


def test_the_secretary_records_online_absent_and_unknown(world):
    w = world
    open_meeting(w.secretary, w.meeting_id)
    listener = w.secretary.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        online = _put(w.secretary, w.meeting_id, w.chair.id, status="online")
        assert online.status_code == 200
        assert online.json()["status"] == "online" and online.json()["checked_in_at"]
        _, event = listener.next_event("attendance:changed")
        assert event["counts"]["online"] == 1 and event["counts"]["present"] == 1
        absent = _put(w.chair, w.meeting_id, w.member2.id, status="absent", reason="Đi công tác tỉnh").json()
        assert absent == {
            "user_id": w.member2.id,
            "status": "absent",
            "reason": "Đi công tác tỉnh",
            "checked_in_at": None,
        }
        counts = w.member.ok("GET", f"/api/meetings/{w.meeting_id}")["counts"]
        assert counts == {
            "voting": 4,
            "present": 1,
            "online": 1,
            "absent": 1,
            "unknown": 1,
            "quorum_required": 3,
            "quorum_met": False,
        }
        # An absence the console recorded stands against a tablet joining anyway (issue 12: an
        # absent member with her tablet open got a ballot); an explicit "online" stays online.
        for api in (w.member2, w.chair):
            sock = api.socket()
            sock.join(w.meeting_id)
            sock.close()
        roll = _roll(w.secretary, w.meeting_id)
        assert roll[w.member2.id]["status"] == "absent" and roll[w.member2.id]["reason"] == "Đi công tác tỉnh"
        assert roll[w.chair.id]["status"] == "online"
        # The console records her arrival.
        assert _put(w.secretary, w.meeting_id, w.member2.id, status="present").json()["status"] == "present"
        # A mistake is undone by recording "not known".
        assert _put(w.secretary, w.meeting_id, w.member2.id, status=None).json()["status"] is None
        assert _roll(w.secretary, w.meeting_id)[w.member2.id] == {
            "user_id": w.member2.id,
            "status": None,
            "reason": "",
            "checked_in_at": None,
        }
    finally:
        listener.close()


def test_guests_attend_but_do_not_count(world, admin):
    guest = new_user(admin, "member", "Khách mời")
    meeting = world.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Mở rộng",
            "starts_at": "2026-12-01T08:00:00+07:00",
            "participants": [{"user_id": world.member.id}, {"user_id": guest.id, "voting": False}],
        },
    )
    open_meeting(world.secretary, meeting["id"])
    assert _put(world.secretary, meeting["id"], guest.id, status="present").status_code == 200
    counts = world.secretary.ok("GET", f"/api/meetings/{meeting['id']}")["counts"]
    assert counts == {
        "voting": 2,
        "present": 0,
        "online": 0,
        "absent": 0,
        "unknown": 2,
        "quorum_required": 2,
        "quorum_met": False,
    }


def test_only_the_console_records_attendance(world):
    w = world
    assert _put(w.member, w.meeting_id, w.member.id, status="present").json()["error"]["code"] == "forbidden"
    assert _put(w.outsider, w.meeting_id, w.member.id, status="present").json()["error"]["code"] == "not_found"
    assert _put(w.secretary, w.meeting_id, w.outsider.id, status="present").json()["error"]["code"] == "not_found"
    for bad in (
        {"status": "late"},
        {"status": "absent", "reason": "x" * 501},
        {"reason": "no status"},
        {"status": "present", "by": 1},
    ):
        response = _put(w.secretary, w.meeting_id, w.member.id, **bad)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid", bad
    assert _roll(w.secretary, w.meeting_id)[w.member.id]["status"] is None
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    assert _put(w.secretary, w.meeting_id, w.member.id, status="absent").json()["error"]["code"] == "meeting_closed"
    assert (
        w.secretary.patch(f"/api/meetings/{w.meeting_id}/quorum", json={"numerator": 1, "denominator": 2}).json()[
            "error"
        ]["code"]
        == "meeting_closed"
    )


def test_the_quorum_setting(world):
    w = world
    url = f"/api/meetings/{w.meeting_id}/quorum"
    open_meeting(w.secretary, w.meeting_id)
    for person in (w.secretary, w.member):
        _put(w.secretary, w.meeting_id, person.id, status="present")
    before = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")
    assert before["quorum"] == {"numerator": 2, "denominator": 3}
    assert (before["counts"]["quorum_required"], before["counts"]["quorum_met"]) == (3, False)
    listener = w.member.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        half = w.chair.ok("PATCH", url, json={"numerator": 1, "denominator": 2})
        assert half["quorum"] == {"numerator": 1, "denominator": 2}
        assert (half["counts"]["quorum_required"], half["counts"]["quorum_met"]) == (2, True)
        _, event = listener.next_event("attendance:changed")
        assert event["counts"]["quorum_required"] == 2 and event["counts"]["quorum_met"] is True
        assert event["quorum"] == {"numerator": 1, "denominator": 2}  # other consoles show the new rule
    finally:
        listener.close()
    # With half required, a vote opens without an override.
    vote = w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/votes", 201, json={"title": "Biểu quyết"})
    assert w.secretary.ok("POST", f"/api/votes/{vote['id']}/open")["quorum"]["required"] == 2
    for bad in (
        {"numerator": 0, "denominator": 3},
        {"numerator": 4, "denominator": 3},
        {"numerator": 1, "denominator": 0},
        {"numerator": 1},
    ):
        response = w.secretary.patch(url, json=bad)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid", bad
    assert w.member.patch(url, json={"numerator": 1, "denominator": 1}).json()["error"]["code"] == "forbidden"
    everyone = w.secretary.ok("PATCH", url, json={"numerator": 1, "denominator": 1})
    assert everyone["counts"]["quorum_required"] == 4 and everyone["quorum"] == {"numerator": 1, "denominator": 1}
