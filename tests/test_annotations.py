"""Annotations over real sockets: who gets what live and on replay, who may
change what, idempotent and stale writes, tombstones, refusals, closed
meetings, and the transient live stroke."""

from __future__ import annotations

import queue
import time

import pytest

from tests.annotation_support import RED, delete, highlight, ink, new_id, note, put
from tests.conftest import new_user
from tests.support import Socket, make_pdf


def until(sock: Socket, name: str, where=lambda data: True, timeout: float = 10) -> list[tuple[str, dict]]:
    """Every event received up to and including the first `name` matching `where`.

    Events of one meeting leave a node in seq order, so a later event arriving
    proves an earlier one would have arrived before it: no waiting for silence."""
    got, deadline = [], time.monotonic() + timeout
    while True:
        try:
            event, data = sock.events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no {name} within {timeout}s; got {[e for e, _ in got]}") from None
        got.append((event, data))
        if event == name and where(data):
            return got


def put_ids(events) -> list[str]:
    return [data["annotation"]["id"] for event, data in events if event == "annotation:put"]


def annotation_events(events) -> list[tuple[str, dict]]:
    return [(event, data) for event, data in events if event.startswith("annotation:")]


def listing(api, world, **params) -> list[dict]:
    return api.ok("GET", f"/api/documents/{world.document['id']}/annotations", params=params)


def meeting_seq(world) -> int:
    return world.secretary.ok("GET", f"/api/meetings/{world.meeting_id}")["seq"]


def assert_refused(ack: dict, code: str) -> None:
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"], ack


@pytest.fixture
def sockets(world):
    """open(api, join=True): a joined socket, closed after the test."""
    opened: list[Socket] = []

    def open_(api, join: bool = True) -> Socket:
        sock = api.socket()
        opened.append(sock)
        if join:
            sock.join(world.meeting_id)
        return sock

    yield open_
    for sock in opened:
        sock.close()


def test_shared_goes_to_the_room_private_only_to_the_owners_devices(world, sockets):
    tablet, phone = sockets(world.member), sockets(world.member)
    other, secretary = sockets(world.member2), sockets(world.secretary)

    shared = ink(world)
    ack = put(tablet, world, shared)
    assert ack["ok"] and isinstance(ack["seq"], int), ack
    stored = ack["annotation"]
    assert stored["owner_id"] == world.member.id and stored["updated_at"]
    assert {k: stored[k] for k in shared} == shared
    for sock in (phone, other, secretary, tablet):
        _, event = sock.next_event("annotation:put", where=lambda d: d["annotation"]["id"] == shared["id"])
        assert event == {"meeting_id": world.meeting_id, "seq": ack["seq"], "annotation": stored}

    private = note(world)
    private_ack = put(tablet, world, private)
    assert private_ack["ok"] and private_ack["seq"] > ack["seq"]
    _, on_phone = phone.next_event("annotation:put", where=lambda d: d["annotation"]["id"] == private["id"])
    assert on_phone["annotation"]["visibility"] == "private" and on_phone["seq"] == private_ack["seq"]

    # A later shared event reaching the others proves the private one never went to them.
    sentinel = ink(world)
    assert put(tablet, world, sentinel)["ok"]
    for sock in (other, secretary):
        seen = until(sock, "annotation:put", lambda d: d["annotation"]["id"] == sentinel["id"])
        assert private["id"] not in put_ids(seen)

    assert {a["id"] for a in listing(world.member, world)} == {shared["id"], private["id"], sentinel["id"]}
    assert {a["id"] for a in listing(world.member2, world)} == {shared["id"], sentinel["id"]}
    assert {a["id"] for a in listing(world.member, world, page=1)} == {shared["id"], private["id"], sentinel["id"]}
    assert listing(world.member, world, page=2) == []
    assert world.outsider.get(f"/api/documents/{world.document['id']}/annotations").status_code == 404


def test_only_the_owner_may_change_or_delete(world, sockets):
    owner, other, secretary = sockets(world.member), sockets(world.member2), sockets(world.secretary)
    mine = ink(world)
    assert put(owner, world, mine)["ok"]
    seq = meeting_seq(world)

    for sock in (other, secretary):  # controlling the meeting gives no right over a member's ink
        assert_refused(put(sock, world, {**mine, "data": {**mine["data"], "color": "#000000"}}), "forbidden")
        assert_refused(delete(sock, world, mine["id"]), "forbidden")
    assert meeting_seq(world) == seq
    assert [a["data"]["color"] for a in listing(world.member, world)] == [RED]

    changed = put(owner, world, {**mine, "data": {**mine["data"], "color": "#1565C0"}})
    assert changed["ok"] and changed["annotation"]["data"]["color"] == "#1565C0"
    deleted = delete(owner, world, mine["id"])
    assert deleted["ok"] and deleted["seq"] > changed["seq"]
    _, gone = other.next_event("annotation:deleted")
    assert gone == {"meeting_id": world.meeting_id, "seq": deleted["seq"], "id": mine["id"]}
    assert listing(world.member, world) == []
    assert_refused(delete(owner, world, new_id()), "not_found")


def test_a_resent_put_is_one_row_and_one_event(world, sockets):
    tablet, watcher = sockets(world.member), sockets(world.member2)
    annotation = ink(world)
    first = put(tablet, world, annotation, client_time=1_700_000_000_000)
    again = put(tablet, world, annotation, client_time=1_700_000_000_000)  # the first ack was lost
    assert again["ok"] and again["seq"] == first["seq"] and again["annotation"] == first["annotation"]
    # The same without client_time, and with the id in capitals: still the same annotation.
    assert put(tablet, world, {**annotation, "id": annotation["id"].upper()})["seq"] == first["seq"]
    sentinel = ink(world)
    put(tablet, world, sentinel)
    seen = until(watcher, "annotation:put", lambda d: d["annotation"]["id"] == sentinel["id"])
    assert put_ids(seen).count(annotation["id"]) == 1
    assert [a["id"] for a in listing(world.member, world)].count(annotation["id"]) == 1


def test_a_stale_change_is_refused_and_changes_nothing(world, sockets):
    tablet = sockets(world.member)
    annotation = ink(world)
    assert put(tablet, world, annotation, client_time=2_000)["ok"]
    newer = {**annotation, "data": {**annotation["data"], "color": "#2E7D32"}}
    assert put(tablet, world, newer, client_time=3_000)["ok"]
    seq = meeting_seq(world)

    # The iPad that was offline comes back with an edit it made before the phone's.
    stale = put(tablet, world, {**annotation, "data": {**annotation["data"], "color": "#000000"}}, client_time=2_500)
    assert_refused(stale, "conflict")
    assert "stale" in stale["error"]["message"]
    # client_time may also ride inside the annotation object.
    assert_refused(put(tablet, world, {**annotation, "client_time": 2_999}), "conflict")
    assert_refused(delete(tablet, world, annotation["id"], client_time=2_999), "conflict")
    assert meeting_seq(world) == seq
    assert [a["data"]["color"] for a in listing(world.member, world)] == ["#2E7D32"]
    assert delete(tablet, world, annotation["id"], client_time=3_001)["ok"]


def test_a_delete_wins_over_a_later_stale_put(world, sockets):
    tablet, watcher = sockets(world.member), sockets(world.member2)
    annotation = ink(world)
    assert put(tablet, world, annotation, client_time=1_000)["ok"]
    deleted = delete(tablet, world, annotation["id"], client_time=2_000)
    assert deleted["ok"]
    for client_time in (1_500, 3_000, None):  # older, newer, server clock: deleted is deleted
        refused = put(tablet, world, annotation, client_time=client_time)
        assert_refused(refused, "conflict")
        assert "deleted" in refused["error"]["message"]
    resent = delete(tablet, world, annotation["id"], client_time=2_000)
    assert resent == {"ok": True, "seq": deleted["seq"]}
    assert meeting_seq(world) == deleted["seq"]
    assert listing(world.member, world) == []
    sentinel = ink(world)
    put(tablet, world, sentinel)
    seen = until(watcher, "annotation:put", lambda d: d["annotation"]["id"] == sentinel["id"])
    about_it = [
        e for e, d in annotation_events(seen) if annotation["id"] in (d.get("id"), d.get("annotation", {}).get("id"))
    ]
    assert about_it == ["annotation:put", "annotation:deleted"]  # nothing after the delete


def test_replay_after_reconnect_shows_shared_and_own_private_only(world, sockets):
    member, phone = sockets(world.member), sockets(world.member2)
    away = sockets(world.member2, join=False)
    seen = away.join(world.meeting_id)["seq"]
    away.close()  # member2's tablet loses Wi-Fi; the phone stays

    shared, theirs, own = ink(world), note(world), note(world, text="Ghi chú của tôi")
    gone = highlight(world)
    assert put(member, world, shared)["ok"]
    assert put(member, world, theirs)["ok"]  # member's private note
    assert put(phone, world, own)["ok"]  # member2's own private, from the phone
    assert put(member, world, {**shared, "visibility": "private"})["ok"]  # shared -> private
    assert put(member, world, gone)["ok"]
    assert delete(member, world, gone["id"])["ok"]
    last = put(member, world, note(world, text="riêng tư"))  # private again, the newest event
    assert last["ok"]
    sentinel = ink(world)
    assert put(member, world, sentinel)["ok"]
    live = annotation_events(until(phone, "annotation:put", lambda d: d["annotation"]["id"] == sentinel["id"]))

    back = sockets(world.member2, join=False)
    ack = back.join(world.meeting_id, since_seq=seen)
    missed = [(m["event"], m["data"]) for m in ack["missed"]]
    seqs = [data["seq"] for _, data in missed]
    assert seqs == sorted(set(seqs)) and all(s > seen for s in seqs)
    # Every missed event checked: nobody else's private annotation, ever.
    for event, data in missed:
        if event == "annotation:put":
            assert data["annotation"]["visibility"] == "shared" or data["annotation"]["owner_id"] == world.member2.id
    replayed = annotation_events(missed)
    # What was shared and then taken back (made private, deleted) is not handed
    # out again: its puts are left out, the deletes that followed still come.
    assert [(e, d.get("id") or d["annotation"]["id"]) for e, d in replayed] == [
        ("annotation:put", own["id"]),
        ("annotation:deleted", shared["id"]),
        ("annotation:deleted", gone["id"]),
        ("annotation:put", sentinel["id"]),
    ]
    # Otherwise exactly what member2's phone saw live, payload for payload.
    taken_back = {shared["id"], gone["id"]}
    assert replayed == [(e, d) for e, d in live if not (e == "annotation:put" and d["annotation"]["id"] in taken_back)]


def test_visibility_change_both_ways(world, sockets):
    owner, phone, other = sockets(world.member), sockets(world.member), sockets(world.member2)
    annotation = highlight(world)
    assert put(owner, world, annotation)["ok"]
    hidden = put(owner, world, {**annotation, "visibility": "private"})
    assert hidden["ok"] and hidden["annotation"]["visibility"] == "private"

    on_phone = annotation_events(until(phone, "annotation:put", lambda d: d["seq"] == hidden["seq"]))
    assert [(e, d["seq"]) for e, d in on_phone[-2:]] == [
        ("annotation:deleted", hidden["seq"] - 1),
        ("annotation:put", hidden["seq"]),
    ]
    _, dropped = other.next_event("annotation:deleted")
    assert dropped == {"meeting_id": world.meeting_id, "seq": hidden["seq"] - 1, "id": annotation["id"]}
    assert listing(world.member2, world) == []

    shown = put(owner, world, annotation)  # private -> shared
    assert shown["ok"]
    seen = until(other, "annotation:put", lambda d: d["annotation"]["id"] == annotation["id"])
    assert seen[-1][1]["seq"] == shown["seq"] and seen[-1][1]["annotation"]["visibility"] == "shared"
    assert [e for e, _ in annotation_events(seen)] == ["annotation:put"]  # the private put never came
    assert [a["id"] for a in listing(world.member2, world)] == [annotation["id"]]


def _second_meeting_document(world, tmp_path) -> dict:
    other = world.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp khác",
            "starts_at": "2026-12-01T08:00:00+07:00",
            "participants": [{"user_id": world.member.id}],
        },
    )
    item = world.secretary.ok("POST", f"/api/meetings/{other['id']}/agenda", 201, json={"title": "Mục khác"})
    response = world.upload(make_pdf(tmp_path / "khac.pdf", pages=2), item_id=item["id"])
    assert response.status_code == 201, response.text
    return response.json()


def test_refusals_are_clear_and_change_nothing(world, sockets, tmp_path):
    tablet = sockets(world.member)
    foreign = _second_meeting_document(world, tmp_path)
    good = ink(world)
    seq = meeting_seq(world)

    def with_data(**data):
        return {**good, "data": {**good["data"], **data}}

    cases = [
        ({**good, "page": 6}, "invalid", "outside"),
        ({**good, "page": 0}, "invalid", "page"),
        ({**good, "document_id": foreign["id"]}, "not_found", "document"),
        ({**good, "document_id": 99_999_999}, "not_found", "document"),
        ({**good, "kind": "circle"}, "invalid", "kind"),
        ({**good, "visibility": "public"}, "invalid", "visibility"),
        ({**good, "id": "stroke-1"}, "invalid", "UUID"),
        ({**good, "owner": 1}, "invalid", "owner"),
        ({**good, "data": {"x": 0.5, "y": 0.5, "text": "ink with note data"}}, "invalid", "points"),
        (with_data(color="red"), "invalid", "color"),
        (with_data(width=0.5), "invalid", "width"),
        (with_data(width=0), "invalid", "width"),
        (with_data(points=[]), "invalid", "points"),
        (with_data(points=[[1.5, 0.2, 0.5]]), "invalid", "points"),
        (with_data(points=[[0.5, 0.2]]), "invalid", "points"),
        (with_data(points=[["0.5", 0.2, 0.5]]), "invalid", "points"),
        (with_data(points=[[0.5, 0.5, 0.5]] * 5_001), "invalid", "5000"),
        (with_data(pressure=True), "invalid", "pressure"),
        (highlight(world) | {"data": {"rects": [[0.5, 0.2, 0.1, 0.3]], "color": "#FFEB3B"}}, "invalid", "x0 <= x1"),
        (note(world, text="x" * 10_001), "invalid", "10000"),
    ]
    for annotation, code, hint in cases:
        ack = put(tablet, world, annotation)
        assert_refused(ack, code)
        assert hint.lower() in ack["error"]["message"].lower(), (hint, ack)
    for payload in (
        None,
        "ink",
        [good],
        {"meeting_id": world.meeting_id},
        {"meeting_id": str(world.meeting_id), "annotation": good},
    ):
        assert_refused(tablet.call("annotation:put", payload), "invalid")
    assert_refused(put(tablet, world, good, client_time=-1), "invalid")
    assert_refused(put(tablet, world, {**good, "client_time": 5}, client_time=6), "invalid")
    far_future = int(time.time() * 1000) + 3 * 24 * 3600 * 1000
    assert_refused(put(tablet, world, good, client_time=far_future), "invalid")
    assert_refused(tablet.call("annotation:delete", {"meeting_id": world.meeting_id, "id": 7}), "invalid")

    # Not the caller's meeting: it does not exist for them. An admin sees it but is no participant.
    outsider, admin = sockets(world.outsider, join=False), sockets(world.admin)
    assert_refused(put(outsider, world, good), "not_found")
    assert_refused(put(admin, world, good), "forbidden")

    assert meeting_seq(world) == seq
    assert listing(world.member, world) == []
    assert put(tablet, world, good)["ok"]  # and the socket still works


def test_a_closed_meeting_refuses_changes_but_can_be_read(world, sockets, admin):
    tablet = sockets(world.member)
    shared, private = ink(world), note(world)
    assert put(tablet, world, shared)["ok"] and put(tablet, world, private)["ok"]
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    seq = meeting_seq(world)

    assert_refused(put(tablet, world, ink(world)), "meeting_closed")
    assert_refused(put(tablet, world, {**shared, "data": {**shared["data"], "color": "#000000"}}), "meeting_closed")
    assert_refused(delete(tablet, world, shared["id"]), "meeting_closed")
    assert_refused(tablet.call("annotation:drawing", _stroke_piece(world, shared["id"])), "meeting_closed")
    assert meeting_seq(world) == seq

    assert {a["id"] for a in listing(world.member, world)} == {shared["id"], private["id"]}
    archivist = new_user(admin, "archivist")
    assert [a["id"] for a in listing(archivist, world)] == [shared["id"]]


def _stroke_piece(world, stroke_id: str, *, start: int = 0, page: int = 1) -> dict:
    return {
        "meeting_id": world.meeting_id,
        "id": stroke_id,
        "document_id": world.document["id"],
        "page": page,
        "start": start,
        "points": [[0.4, 0.4, 0.5], [0.42, 0.41, 0.55]],
        "color": RED,
        "width": 0.004,
    }


def test_a_live_stroke_is_relayed_to_the_others_and_never_logged(world, sockets, admin):
    drawer, phone, other = sockets(world.member), sockets(world.member), sockets(world.member2)
    seq = meeting_seq(world)
    stroke = new_id()

    assert drawer.call("annotation:drawing", _stroke_piece(world, stroke)) == {"ok": True}
    assert drawer.call("annotation:drawing", _stroke_piece(world, stroke, start=2)) == {"ok": True}
    for sock in (other, phone):  # the drawer's other device is a receiver like any other
        got = [sock.next_event("annotation:drawing")[1] for _ in range(2)]
        assert [g["start"] for g in got] == [0, 2]
        assert got[0] == {
            **_stroke_piece(world, stroke),
            "seq": seq,  # the last logged seq: not a new one
            "owner_id": world.member.id,
        }
    assert meeting_seq(world) == seq

    final = put(drawer, world, ink(world, id=stroke))
    assert final["ok"] and final["seq"] == seq + 1
    # Not echoed to the sender's own socket.
    mine = until(drawer, "annotation:put", lambda d: d["annotation"]["id"] == stroke)
    assert "annotation:drawing" not in [e for e, _ in mine]

    # Not in the log: a rejoin from before the stroke replays only the put.
    back = sockets(world.member2, join=False)
    missed = back.join(world.meeting_id, since_seq=seq)["missed"]
    assert [m["event"] for m in missed if m["event"].startswith("annotation:")] == ["annotation:put"]

    assert_refused(drawer.call("annotation:drawing", _stroke_piece(world, stroke, page=6)), "invalid")
    assert_refused(drawer.call("annotation:drawing", {**_stroke_piece(world, stroke), "start": -1}), "invalid")
    assert_refused(
        drawer.call("annotation:drawing", {**_stroke_piece(world, stroke), "document_id": 99_999_999}), "not_found"
    )
    assert_refused(
        sockets(world.member2, join=False).call("annotation:drawing", _stroke_piece(world, stroke)), "invalid"
    )
    assert_refused(sockets(admin).call("annotation:drawing", _stroke_piece(world, stroke)), "forbidden")
    # After leaving, the socket is no longer in the room: refused.
    assert drawer.call("meeting:leave", {"meeting_id": world.meeting_id})["ok"]
    assert_refused(drawer.call("annotation:drawing", _stroke_piece(world, stroke)), "invalid")
