"""Preparing a meeting over real HTTP: drafts, bodies, edits, publishing, copies,
the agenda's order, invitees' answers and the "new" badge, and who may do each."""

from __future__ import annotations

import pytest

from tests.conftest import new_user
from tests.support import make_body, make_pdf, unique

STARTS = "2026-12-10T08:00:00+07:00"


def draft(api, **extra) -> dict:
    body = {"title": "Họp chuẩn bị", "starts_at": STARTS, "location": "Phòng họp 2", "status": "draft", **extra}
    return api.ok("POST", "/api/meetings", 201, json=body)


def ids(meetings) -> list[int]:
    return [m["id"] for m in meetings]


@pytest.fixture
def people(cast, admin):
    guest = new_user(admin, "archivist", "Khách Mời")
    return {**cast, "guest": guest}


def test_a_draft_is_seen_only_by_those_who_control_it(people, admin, tmp_path):
    secretary, member = people["secretary"], people["member"]
    meeting = draft(secretary, participants=[{"user_id": member.id}, {"user_id": people["chair"].id}])
    assert meeting["status"] == "draft" and meeting["published_at"] is None
    mid = meeting["id"]
    item = secretary.ok("POST", f"/api/meetings/{mid}/agenda", 201, json={"title": "Dự thảo"})
    word = unique("tuyetmat")
    with open(make_pdf(tmp_path / "du-thao.pdf", pages=1, text=f"Du thao {word}"), "rb") as handle:
        upload = secretary.post(
            f"/api/agenda/{item['id']}/documents", files={"file": ("du-thao.pdf", handle, "application/pdf")}
        )
    assert upload.status_code == 201, upload.text
    assert member.get(f"/api/documents/{upload.json()['id']}").status_code == 404
    # The member is invited, but a draft is not theirs to see: not in the list, not by id, not to join, not in search.
    assert mid not in ids(member.ok("GET", "/api/meetings"))
    assert member.get(f"/api/meetings/{mid}").status_code == 404
    assert member.get(f"/api/meetings/{mid}/invitation.ics").status_code == 404
    assert member.put(f"/api/meetings/{mid}/rsvp", json={"status": "absent"}).status_code == 404
    socket = member.socket()
    try:
        ack = socket.call("meeting:join", {"meeting_id": mid})
        assert not ack["ok"] and ack["error"]["code"] == "not_found"
    finally:
        socket.close()
    assert mid in [h["meeting_id"] for h in secretary.ok("GET", "/api/search", params={"q": word})["hits"]]
    assert mid not in [h["meeting_id"] for h in member.ok("GET", "/api/search", params={"q": word})["hits"]]
    # Its secretary, the chair invited with her, and admins see it, marked as a draft they may prepare.
    for controller in (secretary, people["chair"], admin):
        row = next(m for m in controller.ok("GET", "/api/meetings") if m["id"] == mid)
        assert row["status"] == "draft" and row["can_control"] and not row["is_new"]
    assert secretary.ok("GET", f"/api/meetings/{mid}")["status"] == "draft"


def test_publish_makes_it_new_for_the_invitees(people):
    secretary, member = people["secretary"], people["member"]
    mid = draft(secretary, participants=[{"user_id": member.id}])["id"]
    inbox = member.socket()
    try:
        assert member.post(f"/api/meetings/{mid}/publish").json()["error"]["code"] == "not_found"
        published = secretary.ok("POST", f"/api/meetings/{mid}/publish")
        assert published["status"] == "scheduled" and published["published_at"]
        # The member's list hears of it, joined to no meeting.
        _, data = inbox.next_event("inbox:meeting", where=lambda d: d["meeting_id"] == mid)
        assert data["event"] == "meeting:status" and data["seq"] >= 1
    finally:
        inbox.close()
    row = next(m for m in member.ok("GET", "/api/meetings") if m["id"] == mid)
    assert row["is_new"] and row["invited"] and row["rsvp"] is None and not row["can_control"]
    # Not "new" for the secretary who prepared it.
    assert not next(m for m in secretary.ok("GET", "/api/meetings") if m["id"] == mid)["is_new"]
    # Publishing twice changes nothing; the audit trail has it once.
    assert secretary.ok("POST", f"/api/meetings/{mid}/publish")["status"] == "scheduled"
    # Opening it (the tablet page calls /seen) clears the badge.
    member.ok("POST", f"/api/meetings/{mid}/seen", 204)
    assert not next(m for m in member.ok("GET", "/api/meetings") if m["id"] == mid)["is_new"]
    # An open meeting is no draft.
    secretary.ok("POST", f"/api/meetings/{mid}/open")
    assert secretary.post(f"/api/meetings/{mid}/publish").json()["error"]["code"] == "conflict"


def test_a_meeting_made_scheduled_is_published_at_once(world):
    assert world.meeting["status"] == "scheduled" and world.meeting["published_at"]
    row = next(m for m in world.member.ok("GET", "/api/meetings") if m["id"] == world.meeting_id)
    assert row["is_new"] and row["invited"]


def test_a_body_invites_its_members_and_guests_come_apart(people, admin, server):
    secretary, chair, member, member2, guest = (people[k] for k in ("secretary", "chair", "member", "member2", "guest"))
    body_id = make_body(admin, [chair, member, member2])["id"]
    meeting = draft(
        secretary,
        body_id=body_id,
        chair_id=chair.id,
        secretary_id=secretary.id,
        participants=[{"user_id": guest.id, "voting": False}],
    )
    by_user = {p["user_id"]: p["voting"] for p in meeting["participants"]}
    assert by_user == {chair.id: True, member.id: True, member2.id: True, guest.id: False, secretary.id: True}
    assert meeting["body_id"] == body_id and meeting["body_name"]
    assert meeting["chair_id"] == chair.id and meeting["secretary_id"] == secretary.id
    # Naming voting participants overrides the body's list.
    named = draft(secretary, body_id=body_id, participants=[{"user_id": member.id}])
    assert {p["user_id"] for p in named["participants"]} == {member.id, secretary.id}
    assert (
        secretary.post("/api/meetings", json={"title": "x", "starts_at": STARTS, "body_id": 999999}).status_code == 422
    )
    # Choosing a body later, without a list, invites its members too.
    later = draft(secretary, participants=[{"user_id": guest.id, "voting": False}])
    moved = secretary.ok("PATCH", f"/api/meetings/{later['id']}", json={"body_id": body_id})
    assert {p["user_id"]: p["voting"] for p in moved["participants"]} == {
        chair.id: True,
        member.id: True,
        member2.id: True,
        guest.id: False,
        secretary.id: True,
    }
    # The list names the body.
    row = next(m for m in secretary.ok("GET", "/api/meetings") if m["id"] == meeting["id"])
    assert row["body_name"] == meeting["body_name"]


def test_edit_a_meeting(people):
    secretary, chair, member, member2, outsider = (
        people[k] for k in ("secretary", "chair", "member", "member2", "outsider")
    )
    mid = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": "Họp", "starts_at": STARTS, "participants": [{"user_id": member.id}]},
    )["id"]
    room = secretary.socket()
    inbox = member2.socket()
    try:
        room.join(mid)
        changed = secretary.ok(
            "PATCH",
            f"/api/meetings/{mid}",
            json={
                "title": "Họp định kỳ",
                "starts_at": "2026-12-11T14:00:00+07:00",
                "location": "Hội trường",
                "chair_id": chair.id,
                "participants": [{"user_id": member2.id}],
            },
        )
        room.next_event("meeting:changed", where=lambda d: d["meeting_id"] == mid)
        # A newly invited member's list hears of it.
        _, poke = inbox.next_event("inbox:meeting", where=lambda d: d["meeting_id"] == mid)
        assert poke["event"] == "meeting:changed"
    finally:
        room.close()
        inbox.close()
    assert changed["title"] == "Họp định kỳ" and changed["location"] == "Hội trường"
    assert changed["starts_at"] == "2026-12-11T14:00:00+07:00" and changed["chair_id"] == chair.id
    # Replaced: member out; the chair and the editing secretary stay in.
    assert {p["user_id"] for p in changed["participants"]} == {member2.id, chair.id, secretary.id}
    assert member.get(f"/api/meetings/{mid}").status_code == 404
    # Only sent fields change.
    again = secretary.ok("PATCH", f"/api/meetings/{mid}", json={"location": "Phòng 3"})
    assert again["title"] == "Họp định kỳ" and again["chair_id"] == chair.id
    # Refusals: a member, an outsider, a guest who cannot vote, a blank title, a closed meeting.
    assert member2.patch(f"/api/meetings/{mid}", json={"title": "x"}).json()["error"]["code"] == "forbidden"
    assert outsider.patch(f"/api/meetings/{mid}", json={"title": "x"}).status_code == 404
    guest = people["guest"]
    bad = secretary.patch(f"/api/meetings/{mid}", json={"participants": [{"user_id": guest.id, "voting": True}]})
    assert bad.status_code == 422
    assert secretary.patch(f"/api/meetings/{mid}", json={"title": "  "}).status_code == 422
    # An unknown chair or secretary is refused by name of the field, and nothing changes.
    for field in ("chair_id", "secretary_id"):
        unknown = secretary.patch(f"/api/meetings/{mid}", json={field: 10**9, "location": "Nơi khác"})
        assert unknown.status_code == 422 and unknown.json()["error"]["details"]["field"] == field
    assert secretary.ok("GET", f"/api/meetings/{mid}")["location"] == "Phòng 3"
    secretary.ok("POST", f"/api/meetings/{mid}/open")
    removing = secretary.patch(f"/api/meetings/{mid}", json={"participants": [{"user_id": chair.id}]})
    assert removing.json()["error"]["code"] == "conflict"
    secretary.ok("POST", f"/api/meetings/{mid}/close")
    assert secretary.patch(f"/api/meetings/{mid}", json={"title": "x"}).json()["error"]["code"] == "meeting_closed"


def test_copy_makes_a_draft_without_documents(world):
    world.secretary.ok(
        "POST", f"/api/meetings/{world.meeting_id}/agenda", 201, json={"title": "Kế hoạch", "presenter": "Đ/c Lan"}
    )
    copy = world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/copy", 201)
    assert copy["id"] != world.meeting_id and copy["status"] == "draft"
    assert copy["title"] == world.meeting["title"] and copy["location"] == world.meeting["location"]
    assert [(i["title"], i["presenter"], i["documents"]) for i in copy["agenda"]] == [
        ("Báo cáo tình hình", "", []),
        ("Kế hoạch", "Đ/c Lan", []),
    ]
    assert {p["user_id"] for p in copy["participants"]} == {p["user_id"] for p in world.meeting["participants"]}
    assert world.member.post(f"/api/meetings/{world.meeting_id}/copy").json()["error"]["code"] == "forbidden"
    assert world.member.get(f"/api/meetings/{copy['id']}").status_code == 404


def test_agenda_order_presenter_and_delete(world):
    mid = world.meeting_id
    second = world.secretary.ok("POST", f"/api/meetings/{mid}/agenda", 201, json={"title": "Hai", "presenter": "A"})
    third = world.secretary.ok("POST", f"/api/meetings/{mid}/agenda", 201, json={"title": "Ba"})
    assert second["presenter"] == "A"
    renamed = world.secretary.ok("PATCH", f"/api/agenda/{third['id']}", json={"presenter": "Đ/c Bình"})
    assert renamed["presenter"] == "Đ/c Bình" and renamed["title"] == "Ba"
    room = world.member.socket()
    try:
        room.join(mid)
        order = [third["id"], world.item["id"], second["id"]]
        result = world.secretary.ok("PUT", f"/api/meetings/{mid}/agenda/order", json=order)
        assert [(i["id"], i["position"]) for i in result] == [(order[0], 1), (order[1], 2), (order[2], 3)]
        room.next_event("agenda:changed")
    finally:
        room.close()
    assert [i["id"] for i in world.member.ok("GET", f"/api/meetings/{mid}")["agenda"]] == order
    for wrong in ([third["id"], second["id"]], [*order, order[0]], [*order, 999999]):
        assert world.secretary.put(f"/api/meetings/{mid}/agenda/order", json=wrong).status_code == 422
    assert world.member.put(f"/api/meetings/{mid}/agenda/order", json=order).json()["error"]["code"] == "forbidden"
    # Deleting: only before the session opens.
    world.secretary.ok("DELETE", f"/api/agenda/{second['id']}", 204)
    world.secretary.ok("POST", f"/api/meetings/{mid}/open")
    refused = world.secretary.delete(f"/api/agenda/{third['id']}")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"


def test_rsvp_becomes_the_attendance_before_the_session(world):
    mid = world.meeting_id
    answered = world.member.ok("PUT", f"/api/meetings/{mid}/rsvp", json={"status": "absent", "reason": "đi công tác"})
    entry = next(a for a in answered["attendance"] if a["user_id"] == world.member.id)
    assert entry == {"user_id": world.member.id, "status": "absent", "reason": "đi công tác", "checked_in_at": None}
    row = next(m for m in world.member.ok("GET", "/api/meetings") if m["id"] == mid)
    assert row["rsvp"] == "absent" and row["rsvp_reason"] == "đi công tác" and not row["is_new"]
    # Changing their mind clears the absence they recorded.
    world.member.ok("PUT", f"/api/meetings/{mid}/rsvp", json={"status": "attending"})
    entry = next(
        a for a in world.member.ok("GET", f"/api/meetings/{mid}")["attendance"] if a["user_id"] == world.member.id
    )
    assert entry["status"] is None
    # ...but not one the secretary recorded.
    world.secretary.ok(
        "PUT", f"/api/meetings/{mid}/attendance/{world.member2.id}", json={"status": "absent", "reason": "ốm"}
    )
    world.member2.ok("PUT", f"/api/meetings/{mid}/rsvp", json={"status": "attending"})
    entry = next(
        a for a in world.member.ok("GET", f"/api/meetings/{mid}")["attendance"] if a["user_id"] == world.member2.id
    )
    assert entry["status"] == "absent" and entry["reason"] == "ốm"
    # The session opens with the absence recorded; the secretary can still change it.
    world.member.ok("PUT", f"/api/meetings/{mid}/rsvp", json={"status": "absent", "reason": "đi công tác"})
    opened = world.secretary.ok("POST", f"/api/meetings/{mid}/open")
    entry = next(a for a in opened["attendance"] if a["user_id"] == world.member.id)
    assert entry["status"] == "absent" and entry["reason"] == "đi công tác"
    assert opened["counts"]["absent"] == 2
    world.secretary.ok("PUT", f"/api/meetings/{mid}/attendance/{world.member.id}", json={"status": "present"})
    # Refusals: not invited, a bad status, a closed meeting.
    assert world.outsider.put(f"/api/meetings/{mid}/rsvp", json={"status": "absent"}).status_code == 404
    assert (
        world.admin.put(f"/api/meetings/{mid}/rsvp", json={"status": "absent"}).json()["error"]["code"] == "forbidden"
    )
    assert world.member.put(f"/api/meetings/{mid}/rsvp", json={"status": "maybe"}).status_code == 422
    world.secretary.ok("POST", f"/api/meetings/{mid}/close")
    closed = world.member.put(f"/api/meetings/{mid}/rsvp", json={"status": "attending"})
    assert closed.json()["error"]["code"] == "meeting_closed"


def test_who_may_create_and_the_default_status(people):
    body = {"title": "Họp", "starts_at": STARTS}
    assert people["member"].post("/api/meetings", json={**body, "status": "draft"}).status_code == 403
    assert people["secretary"].post("/api/meetings", json={**body, "status": "open"}).status_code == 422
    assert people["secretary"].ok("POST", "/api/meetings", 201, json=body)["status"] == "scheduled"
    assert people["member"].post("/api/meetings/1/seen").status_code in (204, 404)


def test_the_preparation_pages_are_for_those_who_control(world):
    draft_id = draft(world.secretary, participants=[{"user_id": world.member.id}])["id"]
    pages = [
        ("/meetings/new", [(world.secretary, 200), (world.chair, 200), (world.admin, 200), (world.member, 403)]),
        (f"/meetings/{draft_id}/prepare", [(world.secretary, 200), (world.admin, 200), (world.member, 404)]),
        (f"/meetings/{world.meeting_id}/prepare", [(world.chair, 200), (world.member, 403), (world.outsider, 404)]),
    ]
    checked = 0
    for path, expected in pages:
        for api, status in expected:
            response = api.get(path, follow_redirects=False)
            if response.status_code == 303:  # an account that must change its password first
                continue
            checked += 1
            assert response.status_code == status, (path, api.user["role"], response.status_code)
            if status == 200:
                assert 'src="/static/js/prepare.js"' in response.text
    assert checked >= 6
