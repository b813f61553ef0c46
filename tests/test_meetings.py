"""Meetings, participants, agenda, open and close, over real HTTP."""

from __future__ import annotations

from tests.conftest import new_user


def test_meeting_detail_as_the_protocol_says(world):
    detail = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    assert detail["title"] == "Hội nghị Ban Chấp hành tháng 11"
    assert detail["starts_at"] == "2026-11-27T08:00:00+07:00"
    assert detail["status"] == "scheduled"
    people = {p["user_id"]: p for p in detail["participants"]}
    # The creating secretary is invited so she can run the meeting.
    assert set(people) == {world.secretary.id, world.chair.id, world.member.id, world.member2.id}
    assert people[world.member.id] == {
        "user_id": world.member.id,
        "full_name": "Lê Văn Ủy Viên",
        "role": "member",
        "voting": True,
    }
    [item] = detail["agenda"]
    assert item["position"] == 1 and item["title"] == "Báo cáo tình hình"
    [doc] = item["documents"]
    assert doc["page_count"] == 5 and len(doc["sha256"]) == 64
    assert doc["pages"][0] == {"width": 595.0, "height": 842.0}


def test_nobody_sees_a_meeting_they_are_not_in(world):
    assert world.outsider.get(f"/api/meetings/{world.meeting_id}").json()["error"]["code"] == "not_found"
    assert world.meeting_id not in [m["id"] for m in world.outsider.ok("GET", "/api/meetings")]
    assert world.meeting_id in [m["id"] for m in world.member.ok("GET", "/api/meetings")]
    # Its documents stay hidden too.
    doc = world.document["id"]
    for url in (
        f"/api/documents/{doc}",
        f"/api/documents/{doc}/pages/1",
        f"/api/documents/{doc}/pages/1/text",
        f"/api/documents/{doc}/file",
    ):
        assert world.outsider.get(url).status_code == 404, url
    # Admins see everything.
    assert world.admin.get(f"/api/meetings/{world.meeting_id}").status_code == 200


def test_archivist_sees_closed_meetings_only(world, admin):
    archivist = new_user(admin, "archivist")
    assert archivist.get(f"/api/meetings/{world.meeting_id}").status_code == 404
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    assert archivist.ok("GET", f"/api/meetings/{world.meeting_id}")["status"] == "closed"
    assert world.meeting_id in [m["id"] for m in archivist.ok("GET", "/api/meetings")]


def test_who_may_create_meetings(world):
    body = {"title": "Họp", "starts_at": "2026-12-01T08:00:00+07:00", "location": "P1", "participants": []}
    assert world.member.post("/api/meetings", json=body).json()["error"]["code"] == "forbidden"
    assert world.chair.post("/api/meetings", json=body).status_code == 201
    bad = world.secretary.post("/api/meetings", json={**body, "participants": [{"user_id": 999999}]})
    assert bad.status_code == 422 and "999999" in bad.json()["error"]["message"]
    naive = world.secretary.post("/api/meetings", json={**body, "starts_at": "2026-12-01T08:00:00"})
    assert naive.status_code == 422


def test_guests_do_not_vote_and_archivists_cannot(world, admin):
    archivist = new_user(admin, "archivist")
    body = {
        "title": "Họp mở rộng",
        "starts_at": "2026-12-01T08:00:00+07:00",
        "participants": [{"user_id": world.member.id, "voting": False}, {"user_id": archivist.id}],
    }
    meeting = world.secretary.ok("POST", "/api/meetings", 201, json=body)
    voting = {p["user_id"]: p["voting"] for p in meeting["participants"]}
    assert voting[world.member.id] is False and voting[archivist.id] is False
    refused = world.secretary.post(
        "/api/meetings", json={**body, "participants": [{"user_id": archivist.id, "voting": True}]}
    )
    assert refused.status_code == 422


def test_agenda_items_by_controllers_only(world):
    url = f"/api/meetings/{world.meeting_id}/agenda"
    assert world.member.post(url, json={"title": "X"}).json()["error"]["code"] == "forbidden"
    assert world.outsider.post(url, json={"title": "X"}).json()["error"]["code"] == "not_found"
    second = world.chair.ok("POST", url, 201, json={"title": "Dự thảo nghị quyết"})
    third = world.secretary.ok("POST", url, 201, json={"title": "Kế hoạch năm 2027"})
    assert (second["position"], third["position"]) == (2, 3)
    assert world.secretary.post(url, json={"title": ""}).status_code == 422
    moved = world.secretary.ok("PATCH", f"/api/agenda/{third['id']}", json={"position": 1, "title": "Kế hoạch 2027"})
    assert moved == {"id": third["id"], "position": 1, "title": "Kế hoạch 2027", "presenter": "", "documents": []}
    titles = [i["title"] for i in world.member.ok("GET", f"/api/meetings/{world.meeting_id}")["agenda"]]
    assert titles == ["Kế hoạch 2027", "Báo cáo tình hình", "Dự thảo nghị quyết"]
    # An item with a document stays; an empty one can go.
    assert world.secretary.delete(f"/api/agenda/{world.item['id']}").status_code == 409
    assert world.secretary.delete(f"/api/agenda/{second['id']}").status_code == 204
    positions = [
        (i["title"], i["position"]) for i in world.member.ok("GET", f"/api/meetings/{world.meeting_id}")["agenda"]
    ]
    assert positions == [("Kế hoạch 2027", 1), ("Báo cáo tình hình", 2)]


def test_open_then_close_makes_the_meeting_read_only(world):
    assert world.member.post(f"/api/meetings/{world.meeting_id}/open").status_code == 403
    opened = world.chair.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    assert opened["status"] == "open" and opened["opened_at"]
    closed = world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    assert closed["status"] == "closed" and closed["closed_at"]
    refused = world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda", json={"title": "Late"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "meeting_closed"
    assert world.secretary.post(f"/api/meetings/{world.meeting_id}/open").json()["error"]["code"] == "meeting_closed"
    assert (
        world.secretary.patch(f"/api/agenda/{world.item['id']}", json={"title": "Y"}).json()["error"]["code"]
        == "meeting_closed"
    )


def test_unknown_things_are_404_with_error_body(world):
    for url in ("/api/meetings/999999", "/api/documents/999999", "/api/no-such-endpoint"):
        response = world.admin.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert world.admin.get("/api/meetings/not-a-number").status_code == 422
