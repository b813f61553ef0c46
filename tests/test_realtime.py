"""The socket.io contract: auth on connect, join with replay, page turns, attendance, status."""

from __future__ import annotations

import pytest
import socketio
import websocket

from tests.support import Socket


def _turn(sock: Socket, world, page: int) -> dict:
    return sock.call("page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": page})


def test_socket_without_credentials_is_refused(server):
    with pytest.raises(socketio.exceptions.ConnectionError):
        Socket.connect(server.base_url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        Socket.connect(server.base_url, token="forged-token")


def _engineio_connect(server, cookie_token: str, origin: str) -> str:
    """A raw Engine.IO handshake (websocket-client lets us set Origin exactly as a browser would)."""
    url = server.base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    try:
        ws = websocket.create_connection(
            url, header=[f"Cookie: meeting_session={cookie_token}"], origin=origin, timeout=10
        )
    except websocket.WebSocketBadStatusException as exc:
        return f"refused {exc.status_code}"
    try:
        ws.recv()  # Engine.IO open packet
        ws.send("40")  # Socket.IO connect to "/"
        return ws.recv()
    finally:
        ws.close()


def test_cookie_socket_must_come_from_our_own_origin(server, world):
    """Cross-site WebSocket hijacking: a page elsewhere cannot ride the member's cookie."""
    assert _engineio_connect(server, world.member.token, "http://evil.example").startswith("refused")
    assert _engineio_connect(server, world.member.token, server.base_url).startswith("40{")
    # Token auth from a non-browser client (no Origin) still works.
    sock = world.member.socket()
    assert sock.join(world.meeting_id)["ok"]
    sock.close()


def test_join_answers_state_and_marks_present(world):
    secretary, member = world.secretary.socket(), world.member.socket()
    try:
        first = secretary.join(world.meeting_id)
        assert first["state"]["status"] == "scheduled"
        assert first["state"]["present"] == [world.secretary.id]
        assert first["state"]["open_votes"] == []
        assert first["missed"] == []
        ack = member.join(world.meeting_id)
        assert sorted(ack["state"]["present"]) == sorted([world.secretary.id, world.member.id])
        _, changed = secretary.next_event("attendance:changed", where=lambda d: world.member.id in d["present"])
        assert sorted(changed["present"]) == sorted([world.secretary.id, world.member.id])
        assert changed["meeting_id"] == world.meeting_id and changed["seq"] == ack["seq"]
        # Leaving, and disconnecting, both take a member out of the room's count.
        assert member.call("meeting:leave", {"meeting_id": world.meeting_id}) == {"ok": True}
        _, left = secretary.next_event("attendance:changed")
        assert left["present"] == [world.secretary.id]
        member.join(world.meeting_id)
        secretary.next_event("attendance:changed", where=lambda d: world.member.id in d["present"])
        member.close()
        _, gone = secretary.next_event("attendance:changed")
        assert gone["present"] == [world.secretary.id]
    finally:
        secretary.close()
        member.close()


def test_two_devices_of_one_user_count_once(world):
    tablet, phone, watcher = world.member.socket(), world.member.socket(), world.secretary.socket()
    try:
        watcher.join(world.meeting_id)
        tablet.join(world.meeting_id)
        phone.join(world.meeting_id)
        tablet.close()
        watcher.drain()
        # Still present on the phone: no attendance change when one device drops.
        assert world.member.id in watcher.call("meeting:join", {"meeting_id": world.meeting_id})["state"]["present"]
    finally:
        for s in (tablet, phone, watcher):
            s.close()


def test_non_participant_cannot_join(world):
    outsider = world.outsider.socket()
    try:
        ack = outsider.call("meeting:join", {"meeting_id": world.meeting_id})
        assert ack == {"ok": False, "error": {"code": "not_found", "message": "No such meeting."}}
        # Not joined means not in the room: a page turn does not reach the outsider.
        secretary = world.secretary.socket()
        assert _turn(secretary, world, 2)["ok"]
        assert outsider.drain() == []
        secretary.close()
    finally:
        outsider.close()


def test_page_turn_reaches_everyone_with_seq(world):
    secretary, member, member2 = world.secretary.socket(), world.member.socket(), world.member2.socket()
    try:
        for s in (secretary, member, member2):
            s.join(world.meeting_id)
        ack = _turn(secretary, world, 3)
        assert ack["ok"] and isinstance(ack["seq"], int)
        for s in (member, member2, secretary):
            _, turned = s.next_event("page:turned")
            assert turned == {
                "meeting_id": world.meeting_id,
                "seq": ack["seq"],
                "document_id": world.document["id"],
                "page": 3,
                "by": world.secretary.id,
            }
        again = _turn(world.chair.socket(), world, 4)
        assert again["seq"] > ack["seq"]
        state = member.call("meeting:join", {"meeting_id": world.meeting_id})["state"]
        assert state["presenter"] == {"document_id": world.document["id"], "page": 4}
    finally:
        for s in (secretary, member, member2):
            s.close()


def test_page_turn_refusals(world, tmp_path):
    member, secretary = world.member.socket(), world.secretary.socket()
    try:
        assert _turn(member, world, 2)["error"]["code"] == "forbidden"
        assert _turn(secretary, world, 6)["error"]["code"] == "invalid"
        assert _turn(secretary, world, 0)["error"]["code"] == "invalid"
        wrong_doc = secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": 999999, "page": 1})
        assert wrong_doc["error"]["code"] == "not_found"
        world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
        assert _turn(secretary, world, 2)["error"]["code"] == "meeting_closed"
    finally:
        member.close()
        secretary.close()


@pytest.mark.parametrize(
    "event,payload",
    [
        ("page:turn", None),
        ("page:turn", "page 3"),
        ("page:turn", [1, 2]),
        ("page:turn", {"meeting_id": "one", "document_id": 1, "page": 1}),
        ("page:turn", {"meeting_id": 1, "document_id": 1}),
        ("page:turn", {"meeting_id": 1, "document_id": 1, "page": 1, "extra": True}),
        ("meeting:join", {"meeting_id": 1, "since_seq": -5}),
        ("meeting:join", {}),
        ("meeting:leave", 42),
    ],
)
def test_malformed_events_get_invalid_ack(world, event, payload):
    sock = world.secretary.socket()
    try:
        ack = sock.call(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
        # The server is still fine afterwards.
        assert sock.join(world.meeting_id)["ok"]
    finally:
        sock.close()


def test_open_and_close_emit_meeting_status(world):
    member = world.member.socket()
    try:
        member.join(world.meeting_id)
        world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
        _, opened = member.next_event("meeting:status")
        assert opened["status"] == "open" and opened["meeting_id"] == world.meeting_id
        world.chair.ok("POST", f"/api/meetings/{world.meeting_id}/close")
        _, closed = member.next_event("meeting:status")
        assert closed["status"] == "closed" and closed["seq"] > opened["seq"]
    finally:
        member.close()


def test_replay_gives_exactly_the_missed_events_in_order(world):
    secretary, member = world.secretary.socket(), world.member.socket()
    try:
        secretary.join(world.meeting_id)
        seen = member.join(world.meeting_id)["seq"]
        member.close()  # Wi-Fi drops
        live = world.member2.socket()
        live.join(world.meeting_id)
        live.drain()
        for page in (2, 3, 4):
            assert _turn(secretary, world, page)["ok"]
        world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
        emitted = [e for e in live.drain() if e[0] != "attendance:changed"]
        assert [e[0] for e in emitted] == ["page:turned"] * 3 + ["meeting:status"]

        back = world.member.socket()
        ack = back.join(world.meeting_id, since_seq=seen)
        missed = ack["missed"]
        seqs = [m["data"]["seq"] for m in missed]
        assert seqs == sorted(seqs) and all(s > seen for s in seqs)
        # Exactly what was emitted live, payload for payload.
        replayed = [(m["event"], m["data"]) for m in missed if m["event"] != "attendance:changed"]
        assert replayed == emitted
        assert ack["state"]["presenter"]["page"] == 4 and ack["state"]["status"] == "open"
        # Nothing is missed twice: joining again from the newest seq replays nothing.
        assert back.join(world.meeting_id, since_seq=ack["seq"])["missed"] == []
        back.close()
        live.close()
    finally:
        secretary.close()


def test_events_applied_to_an_old_snapshot_equal_a_fresh_one(world):
    """The realtime guard: snapshot + replayed events == new snapshot."""
    member, secretary = world.member.socket(), world.secretary.socket()
    try:
        old = member.join(world.meeting_id)
        secretary.join(world.meeting_id)
        _turn(secretary, world, 2)
        world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
        member.close()
        _turn(secretary, world, 5)
        again = world.member.socket()
        ack = again.join(world.meeting_id, since_seq=old["seq"])
        state = dict(old["state"])
        for item in ack["missed"]:
            data = item["data"]
            if item["event"] == "page:turned":
                state["presenter"] = {"document_id": data["document_id"], "page": data["page"]}
            elif item["event"] == "attendance:changed":
                state.update(present=data["present"], attendance=data["attendance"], counts=data["counts"])
            elif item["event"] == "meeting:status":
                state["status"] = data["status"]
        # The rejoin's own arrival is in the fresh snapshot, not in what was missed before it.
        fresh = ack["state"]
        assert {k: v for k, v in state.items() if k != "present"} == {k: v for k, v in fresh.items() if k != "present"}
        again.close()
    finally:
        secretary.close()


def test_resync_when_the_client_is_from_another_life(world):
    sock = world.member.socket()
    try:
        ack = sock.call("meeting:join", {"meeting_id": world.meeting_id, "since_seq": 10_000_000})
        assert ack["ok"] and ack["resync"] is True and ack["missed"] is None
        assert ack["state"]["status"] == "scheduled"
    finally:
        sock.close()


def test_a_watching_screen_does_not_count_as_present(world):
    screen, watcher = world.chair.socket(), world.secretary.socket()
    try:
        watcher.join(world.meeting_id)
        ack = screen.call("meeting:join", {"meeting_id": world.meeting_id, "watch": True})
        assert ack["ok"] and world.chair.id not in ack["state"]["present"]
        # It still sees everything that happens.
        assert watcher.call(
            "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": 2}
        )["ok"]
        assert screen.next_event("page:turned")[1]["page"] == 2
        assert all(
            world.chair.id not in data["present"] for name, data in watcher.drain() if name == "attendance:changed"
        )
    finally:
        screen.close()
        watcher.close()
