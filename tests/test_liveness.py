"""Nothing one tablet does on its socket can stall its meeting (issue 9).

These run a server of their own with a short socket.io ping (every 1 s,
3 s to answer), so a tablet that goes silent is found out in seconds rather
than twenty.
"""

from __future__ import annotations

import json
import time

import pytest
import websocket

from tests.conftest import make_cast, make_world, start_server

PING_INTERVAL_S, PING_TIMEOUT_S = 1.0, 3.0


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    process, admin = start_server(
        tmp_path_factory.mktemp("liveness"),
        env={"MEETING_PING_INTERVAL_S": str(PING_INTERVAL_S), "MEETING_PING_TIMEOUT_S": str(PING_TIMEOUT_S)},
    )
    yield process, admin, make_cast(admin)
    process.stop()


@pytest.fixture
def world(quick, tmp_path):
    _, admin, cast = quick
    return make_world(admin, cast, tmp_path)


class RawSocket:
    """A Socket.IO client spoken by hand over one WebSocket, so a test can
    answer pings or not, send what a library would refuse, and fall silent
    without closing, as an iPad does when it locks or leaves the Wi-Fi."""

    def __init__(self, base_url: str, token: str):
        url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, timeout=10)
        assert self.ws.recv().startswith("0{")  # Engine.IO open
        self.ws.send("40" + json.dumps({"token": token}))
        assert self.recv_until(lambda m: m.startswith("40")).startswith("40{")
        self._ids = iter(range(1, 10**6))

    def recv_until(self, wanted, timeout: float = 10) -> str:
        """Read messages (answering no ping) until one is `wanted`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.ws.recv()
            if wanted(message):
                return message
        raise AssertionError("no such message")

    def call(self, event: str, data) -> dict:
        ack_id = next(self._ids)
        self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        reply = self.recv_until(lambda m: m.startswith(f"43{ack_id}["))
        return json.loads(reply[len(f"43{ack_id}") :])[0]

    def answer_one_ping(self) -> None:
        self.recv_until(lambda m: m == "2")
        self.ws.send("3")

    def close(self) -> None:
        self.ws.close()


def test_a_silent_tablet_does_not_freeze_its_meeting(quick, world):
    """The tablet joins, answers one ping, sends one more message and goes
    silent without closing. The server finds its ping overdue in the middle
    of a broadcast to the meeting and runs its departure right there; the
    meeting must go on."""
    server = quick[0]
    console = world.secretary.socket()
    tablet = RawSocket(server.base_url, world.member.token)
    try:
        console.join(world.meeting_id)
        assert tablet.call("meeting:join", {"meeting_id": world.meeting_id})["ok"]
        tablet.answer_one_ping()
        # The last message comes just before the next ping is due, so engine.io's
        # read timeout (interval + timeout after the last message) falls after
        # the ping's: a broadcast, not the reader, is what notices the silence.
        time.sleep(0.8 * PING_INTERVAL_S)
        tablet.ws.send("42" + json.dumps(["still-here", {}]))
        slowest = 0.0
        deadline = time.monotonic() + PING_INTERVAL_S + PING_TIMEOUT_S + 3
        page = 1
        while time.monotonic() < deadline:
            page = page % 5 + 1
            started = time.monotonic()
            ack = console.call(
                "page:turn",
                {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": page},
                timeout=15,
            )
            slowest = max(slowest, time.monotonic() - started)
            assert ack["ok"], ack
            # No pause: a broadcast should be the first to find the ping overdue
            # (engine.io's own sweep visits each socket once per ping timeout).
        assert slowest < 1.0, f"a page turn took {slowest:.1f} s"
        # The server noticed the silent tablet and took it out of the room...
        _, gone = console.next_event("attendance:changed", where=lambda d: world.member.id not in d["present"])
        assert world.secretary.id in gone["present"]
        # ...and the meeting still takes new joins.
        fresh = world.member2.socket()
        try:
            started = time.monotonic()
            assert fresh.join(world.meeting_id)["ok"]
            assert time.monotonic() - started < 1.0
        finally:
            fresh.close()
    finally:
        console.close()
        tablet.close()


def test_a_client_cannot_send_the_events_the_server_raises(quick, world):
    """A `connect` sent as an event would have switched the socket to another
    token's user; a `disconnect` would have taken the member out of the room."""
    server = quick[0]
    console = world.secretary.socket()
    tablet = RawSocket(server.base_url, world.member.token)
    try:
        console.join(world.meeting_id)
        assert tablet.call("meeting:join", {"meeting_id": world.meeting_id})["ok"]
        refused = tablet.call("connect", {"token": world.secretary.token})
        assert refused["ok"] is False and refused["error"]["code"] == "invalid"
        # Still the member: turning the room's pages is the secretary's.
        turn = tablet.call(
            "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": 2}
        )
        assert turn["ok"] is False and turn["error"]["code"] == "forbidden"
        refused = tablet.call("disconnect", {})
        assert refused["ok"] is False and refused["error"]["code"] == "invalid"
        again = console.call("meeting:join", {"meeting_id": world.meeting_id})
        assert world.member.id in again["state"]["present"]
    finally:
        console.close()
        tablet.close()


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("meeting:join", {"meeting_id": "{meeting}"}),
        ("meeting:join", {"meeting_id": "{meeting_int}", "since_seq": "3"}),
        ("meeting:join", {"meeting_id": "{meeting_float}"}),
        ("page:turn", {"meeting_id": "{meeting_int}", "document_id": "{document}", "page": 2}),
        ("page:turn", {"meeting_id": "{meeting_int}", "document_id": "{document_int}", "page": "2"}),
        ("page:turn", {"meeting_id": "{meeting_int}", "document_id": "{document_int}", "page": True}),
    ],
)
def test_ids_and_numbers_must_be_json_numbers(world, event, payload):
    """The docs say a wrong type is refused: "1" is not the meeting 1."""
    values = {
        "{meeting}": str(world.meeting_id),
        "{meeting_int}": world.meeting_id,
        "{meeting_float}": float(world.meeting_id),
        "{document}": str(world.document["id"]),
        "{document_int}": world.document["id"],
    }
    body = {key: values.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    console = world.secretary.socket()
    try:
        ack = console.call(event, body)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
    finally:
        console.close()


def test_a_long_absence_is_replayed_in_pages(world):
    """A tablet back after hundreds of events gets them in bounded answers."""
    console, tablet = world.secretary.socket(), world.member.socket()
    try:
        since = console.join(world.meeting_id)["seq"]
        turned = []
        for n in range(450):
            ack = console.call(
                "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": n % 5 + 1}
            )
            turned.append(ack["seq"])
        answer = tablet.call("meeting:join", {"meeting_id": world.meeting_id, "since_seq": since})
        pages = [answer]
        while pages[-1]["more"]:
            pages.append(
                tablet.call("meeting:replay", {"meeting_id": world.meeting_id, "since_seq": pages[-1]["until"]})
            )
            assert pages[-1]["ok"], pages[-1]
        assert len(pages) >= 3
        seen = [item["data"]["seq"] for page in pages for item in page["missed"]]
        assert seen == sorted(set(seen)), "in order, each once"
        assert [s for s in seen if s in set(turned)] == turned
        for page in pages:
            assert len(page["missed"]) <= 200
            assert len(json.dumps(page)) < 300_000
        outsider = world.outsider.socket()
        try:
            refused = outsider.call("meeting:replay", {"meeting_id": world.meeting_id, "since_seq": since})
            assert refused["ok"] is False and refused["error"]["code"] == "not_found"
        finally:
            outsider.close()
    finally:
        console.close()
        tablet.close()


def test_an_oversized_message_closes_only_its_own_socket(quick, world):
    server = quick[0]
    console = world.secretary.socket()
    flooder = RawSocket(server.base_url, world.member.token)
    try:
        console.join(world.meeting_id)
        flooder.ws.send("42" + json.dumps(["annotation:put", {"blob": "x" * (2 * 1024 * 1024)}]))
        with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError, OSError)):
            flooder.recv_until(lambda m: False, timeout=10)
        ack = console.call(
            "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": 3}
        )
        assert ack["ok"], ack
    finally:
        console.close()
        flooder.close()
