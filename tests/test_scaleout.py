"""Scale-out mode: two server nodes on one PostgreSQL database, fanned out through Redis."""

from __future__ import annotations

import pytest

from tests.support import ADMIN, PASSWORD, Socket, login, make_pdf, two_nodes_on_postgresql

pytestmark = pytest.mark.scaleout


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with two_nodes_on_postgresql(tmp_path_factory.mktemp("node-a"), "meeting_test") as nodes:
        yield nodes


def test_a_page_turn_on_one_node_reaches_a_tablet_on_the_other(cluster, tmp_path):
    node_a, node_b = cluster
    admin = login(node_a.base_url, *ADMIN)
    for name, role in (("thuky", "secretary"), ("uyvien", "member")):
        admin.ok(
            "POST", "/api/users", 201, json={"username": name, "password": PASSWORD, "full_name": name, "role": role}
        )
    secretary_b = login(node_b.base_url, "thuky", PASSWORD)
    member_a = login(node_a.base_url, "uyvien", PASSWORD)
    meeting = secretary_b.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp liên nút",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "participants": [{"user_id": member_a.id}],
        },
    )
    item = secretary_b.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Mục 1"})
    with open(make_pdf(tmp_path / "d.pdf", pages=3), "rb") as handle:
        doc = secretary_b.ok(
            "POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("d.pdf", handle, "application/pdf")}
        )
    # The page image renders on either node from the shared files.
    assert member_a.get(f"/api/documents/{doc['id']}/pages/2", params={"width": 200}).status_code == 200

    tablet = Socket.connect(node_a.base_url, token=member_a.token)
    console = Socket.connect(node_b.base_url, token=secretary_b.token)
    try:
        tablet.join(meeting["id"])
        joined = console.join(meeting["id"])
        assert sorted(joined["state"]["present"]) == sorted([member_a.id, secretary_b.id])
        # Node A's tablet hears that the secretary on node B arrived.
        tablet.next_event("attendance:changed", where=lambda d: secretary_b.id in d["present"])
        ack = console.call("page:turn", {"meeting_id": meeting["id"], "document_id": doc["id"], "page": 2})
        assert ack["ok"]
        _, turned = tablet.next_event("page:turned")
        assert turned["seq"] == ack["seq"] and turned["page"] == 2
        # Opening through node A's HTTP reaches the console on node B.
        secretary_a = login(node_a.base_url, "thuky", PASSWORD)
        secretary_a.ok("POST", f"/api/meetings/{meeting['id']}/open")
        _, status = console.next_event("meeting:status")
        assert status["status"] == "open"
    finally:
        tablet.close()
        console.close()
