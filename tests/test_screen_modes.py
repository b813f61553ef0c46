"""The presenter in control of the hall screen (issue 12): its modes, kept across a
restart; opening shows the cover; closing turns the screen to "closing"; members'
shared ink reaches the screen's socket only when the presenter lets it through.

"Did not receive" is shown by order, never by waiting: events reach a socket in
seq order, so once a later marker has arrived, anything before it has too."""

from __future__ import annotations

import pytest

from tests.annotation_support import ink, new_id, put
from tests.conftest import start_server
from tests.support import Socket, make_pdf


def screen_socket(api, meeting_id: int, since_seq: int | None = None) -> tuple[Socket, dict]:
    sock = api.socket()
    payload = {"meeting_id": meeting_id, "watch": True}
    if since_seq is not None:
        payload["since_seq"] = since_seq
    ack = sock.call("meeting:join", payload)
    assert ack["ok"], ack
    return sock, ack


def until(sock: Socket, name: str, where) -> list[tuple[str, dict]]:
    """Every event up to and including the first `name` matching `where`."""
    seen = []
    while True:
        event, data = sock.next_event()
        seen.append((event, data))
        if event == name and where(data):
            return seen


def puts_of(events) -> list[str]:
    return [data["annotation"]["id"] for event, data in events if event == "annotation:put"]


def test_screen_mode_is_set_announced_and_joined(world):
    url = f"/api/meetings/{world.meeting_id}/screen"
    assert world.member.ok("GET", url) == {"mode": "page", "show_shared_ink": False}
    tablet = world.member.socket()
    assert tablet.join(world.meeting_id)["state"]["screen"] == {"mode": "page", "show_shared_ink": False}
    screen, _ = screen_socket(world.secretary, world.meeting_id)

    for mode in ("agenda", "blank", "result", "closing", "page"):
        assert world.chair.ok("PUT", url, json={"mode": mode}) == {"mode": mode, "show_shared_ink": False}
        for sock in (tablet, screen):
            _, data = sock.next_event("screen:changed")
            assert (data["mode"], data["show_shared_ink"], data["by"]) == (mode, False, world.chair.id)
    # The gate alone; the mode stays.
    assert world.secretary.ok("PUT", url, json={"show_shared_ink": True}) == {"mode": "page", "show_shared_ink": True}
    assert world.secretary.socket().join(world.meeting_id)["state"]["screen"] == {
        "mode": "page",
        "show_shared_ink": True,
    }

    # Only the secretary and the chair choose; nonsense is refused.
    response = world.member.put(url, json={"mode": "blank"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    response = world.secretary.put(url, json={"mode": "cinema"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid"
    assert world.outsider.get(url).status_code == 404
    tablet.close()
    screen.close()


def test_opening_shows_the_cover_and_closing_shows_the_end(world):
    tablet = world.member.socket()
    tablet.join(world.meeting_id)
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    _, turned = tablet.next_event("page:turned")
    assert (turned["document_id"], turned["page"]) == (world.document["id"], 1)
    assert world.member.ok("GET", f"/api/meetings/{world.meeting_id}")["presenter"] == {
        "document_id": world.document["id"],
        "page": 1,
    }

    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    _, changed = tablet.next_event("screen:changed")
    assert changed["mode"] == "closing"
    assert world.member.ok("GET", f"/api/meetings/{world.meeting_id}/screen")["mode"] == "closing"
    # A closed meeting's screen stays at its end.
    response = world.secretary.put(f"/api/meetings/{world.meeting_id}/screen", json={"mode": "page"})
    assert response.json()["error"]["code"] == "meeting_closed"
    tablet.close()


def test_opening_keeps_a_page_already_presented(world):
    doc = world.document["id"]
    world.secretary.socket().call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 3})
    meeting = world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    assert meeting["presenter"] == {"document_id": doc, "page": 3}


def test_members_shared_ink_reaches_the_screen_only_when_let_through(world):
    url = f"/api/meetings/{world.meeting_id}/screen"
    member, secretary = world.member.socket(), world.secretary.socket()
    member.join(world.meeting_id)
    secretary.join(world.meeting_id)
    screen, _ = screen_socket(world.chair, world.meeting_id)
    doc = world.document["id"]

    # Off by default: the member's shared stroke (live and final) does not reach the screen;
    # the presenter's does. The presenter's put comes after, in seq order.
    stroke = new_id()
    piece = {
        "meeting_id": world.meeting_id,
        "id": stroke,
        "document_id": doc,
        "page": 1,
        "start": 0,
        "points": [[0.4, 0.4, 0.5], [0.42, 0.41, 0.55]],
        "color": "#D32F2F",
        "width": 0.004,
    }
    assert member.call("annotation:drawing", piece) == {"ok": True}
    members = ink(world, id=stroke)
    assert put(member, world, members)["ok"]
    presenters = ink(world, color="#1565C0")
    assert put(secretary, world, presenters)["ok"]
    seen = until(screen, "annotation:put", lambda d: d["annotation"]["id"] == presenters["id"])
    assert stroke not in puts_of(seen)
    assert "annotation:drawing" not in [event for event, _ in seen]
    # The room still gets it (the other tablet, the console).
    _, got = secretary.next_event("annotation:put", where=lambda d: d["annotation"]["id"] == stroke)
    assert got["annotation"]["owner_id"] == world.member.id

    # Nor does the listing for the screen, nor a replay to the screen.
    listing = world.chair.ok("GET", f"/api/documents/{doc}/annotations?page=1&for_screen=true")
    assert [a["id"] for a in listing] == [presenters["id"]]
    everything = world.chair.ok("GET", f"/api/documents/{doc}/annotations?page=1")
    assert {a["id"] for a in everything} == {stroke, presenters["id"]}
    _, replayed = screen_socket(world.chair, world.meeting_id, since_seq=0)
    assert stroke not in puts_of((m["event"], m["data"]) for m in replayed["missed"])
    assert presenters["id"] in puts_of((m["event"], m["data"]) for m in replayed["missed"])

    # Let through: the screen hears of it, and gets the next ones, live and listed.
    world.secretary.ok("PUT", url, json={"show_shared_ink": True})
    _, changed = screen.next_event("screen:changed")
    assert changed["show_shared_ink"] is True
    listing = world.chair.ok("GET", f"/api/documents/{doc}/annotations?page=1&for_screen=true")
    assert {a["id"] for a in listing} == {stroke, presenters["id"]}
    second = ink(world)
    assert member.call("annotation:drawing", {**piece, "id": second["id"]}) == {"ok": True}
    assert put(member, world, second)["ok"]
    seen = until(screen, "annotation:put", lambda d: d["annotation"]["id"] == second["id"])
    assert second["id"] in [d["id"] for e, d in seen if e == "annotation:drawing"]

    # Held back again.
    world.secretary.ok("PUT", url, json={"show_shared_ink": False})
    screen.next_event("screen:changed")
    listing = world.chair.ok("GET", f"/api/documents/{doc}/annotations?page=1&for_screen=true")
    assert [a["id"] for a in listing] == [presenters["id"]]
    for sock in (member, secretary, screen):
        sock.close()


def test_the_screen_never_gets_private_events(world):
    """A screen logged in as the secretary does not hear the secretary's private ink."""
    secretary = world.secretary.socket()
    secretary.join(world.meeting_id)
    screen, _ = screen_socket(world.secretary, world.meeting_id)
    private = ink(world, visibility="private")
    shared = ink(world)
    assert put(secretary, world, private)["ok"]
    assert put(secretary, world, shared)["ok"]
    seen = until(screen, "annotation:put", lambda d: d["annotation"]["id"] == shared["id"])
    assert private["id"] not in puts_of(seen)
    _, replayed = screen_socket(world.secretary, world.meeting_id, since_seq=0)
    assert private["id"] not in puts_of((m["event"], m["data"]) for m in replayed["missed"])
    secretary.close()
    screen.close()


@pytest.fixture
def own_server(tmp_path):
    process, admin = start_server(tmp_path / "data")
    yield process, admin
    process.stop()


def test_the_screen_mode_survives_a_killed_server(own_server, tmp_path):
    process, admin = own_server
    meeting = admin.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": "Phiên họp", "starts_at": "2026-11-27T08:00:00+07:00", "participants": []},
    )
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Mục 1"})
    with open(make_pdf(tmp_path / "a.pdf", pages=2), "rb") as handle:
        admin.post(f"/api/agenda/{item['id']}/documents", files={"file": ("a.pdf", handle, "application/pdf")})
    url = f"/api/meetings/{meeting['id']}/screen"
    admin.ok("PUT", url, json={"mode": "agenda", "show_shared_ink": True})
    process.kill()
    process.start()
    assert admin.ok("GET", url) == {"mode": "agenda", "show_shared_ink": True}
