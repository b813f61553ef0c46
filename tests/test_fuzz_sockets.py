"""Malformed payloads on every client event: each gets an ack that refuses it
cleanly, `{ok: false, error: {code, message}}` with a 4xx-style code (never
"internal"), and the server stays up.

Hypothesis mutates well-formed payloads of a real, open meeting (so some
mutants reach the services, not only the parser) and throws plain garbage.
"""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import Socket, make_pdf

EVENTS = (
    "meeting:join",
    "meeting:leave",
    "page:turn",
    "annotation:put",
    "annotation:delete",
    "annotation:drawing",
    "vote:cast",
)
# The codes a refusal may carry: all of them the client's doing, none "internal".
CLIENT_CODES = {
    "invalid",
    "not_found",
    "forbidden",
    "conflict",
    "meeting_closed",
    "already_voted",
    "absent",  # a ballot from someone not recorded present when the vote opened
    "unauthorized",
    "quorum_not_met",
    "rate_limited",
    "too_large",
}
NASTY_NUMBERS = (2**63, 2**64, -(2**63) - 1, -1, 0, 1e308, -1e308, float("nan"), float("inf"), float("-inf"), 0.5, True)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(NASTY_NUMBERS)
    | st.text(max_size=40)
    | st.just("x" * 20_000),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


class Room:
    """An open meeting with a document and an open vote. Each event is sent on a
    socket of its own, joined afresh for each test (a mutant may leave the meeting):
    page turns by the secretary, everything else by a member."""

    def __init__(self, meeting_id: int, document_id: int, vote_id: int, secretary, member):
        self.meeting_id, self.document_id, self.vote_id = meeting_id, document_id, vote_id
        self.secretary, self.member = secretary, member
        self.sockets: dict[str, Socket] = {}

    def socket(self, event: str) -> Socket:
        if event not in self.sockets:
            self.sockets[event] = (self.secretary if event == "page:turn" else self.member).socket()
        self.sockets[event].join(self.meeting_id)
        return self.sockets[event]

    def payload(self, event: str) -> dict:
        stroke = [[0.1, 0.2, 0.5], [0.3, 0.4, 0.6]]
        annotation_id = str(uuid.uuid4())
        return {
            "meeting:join": {"meeting_id": self.meeting_id, "since_seq": 0},
            "meeting:leave": {"meeting_id": self.meeting_id},
            "page:turn": {"meeting_id": self.meeting_id, "document_id": self.document_id, "page": 2},
            "annotation:put": {
                "meeting_id": self.meeting_id,
                "client_time": int(time.time() * 1000),
                "annotation": {
                    "id": annotation_id,
                    "document_id": self.document_id,
                    "page": 1,
                    "kind": "ink",
                    "visibility": "private",
                    "data": {"points": stroke, "color": "#D32F2F", "width": 0.004},
                },
            },
            "annotation:delete": {"meeting_id": self.meeting_id, "id": annotation_id},
            "annotation:drawing": {
                "meeting_id": self.meeting_id,
                "id": annotation_id,
                "document_id": self.document_id,
                "page": 1,
                "start": 0,
                "points": stroke,
                "color": "#D32F2F",
                "width": 0.004,
            },
            "vote:cast": {"meeting_id": self.meeting_id, "vote_id": self.vote_id, "choice": "yes"},
        }[event]


@pytest.fixture(scope="module")
def room(cast, tmp_path_factory):
    secretary, member = cast["secretary"], cast["member"]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Phiên thử dữ liệu hỏng",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "Hội trường",
            "participants": [{"user_id": member.id}],
        },
    )
    item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Tài liệu"})
    with open(make_pdf(tmp_path_factory.mktemp("fuzz") / "tai-lieu.pdf", pages=3), "rb") as handle:
        document = secretary.ok(
            "POST",
            f"/api/agenda/{item['id']}/documents",
            201,
            files={"file": ("tai-lieu.pdf", handle, "application/pdf")},
        )
    secretary.ok("POST", f"/api/meetings/{meeting['id']}/open")
    # A vote that stays open whatever is cast: the voter's ballot is only ever "yes" once.
    vote = secretary.ok("POST", f"/api/meetings/{meeting['id']}/votes", 201, json={"title": "Thông qua"})
    secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
    room = Room(meeting["id"], document["id"], vote["id"], secretary, member)
    yield room
    for sock in room.sockets.values():
        sock.close()


def assert_clean_ack(ack, event: str, payload) -> None:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (event, payload, ack)
    if not ack["ok"]:
        error = ack["error"]
        assert error["code"] in CLIENT_CODES, (event, payload, ack)
        assert isinstance(error["message"], str) and error["message"], (event, payload, ack)


def _paths(value, prefix=()):
    """Every place in a payload a mutation may hit: (path to it)."""
    yield prefix
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


_DROP = object()


def _replace(value, path, new):
    """A copy of `value` with the place at `path` set to `new`, or removed for _DROP."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    if rest or new is not _DROP:
        copy[head] = _replace(value[head], rest, new)
    else:
        del copy[head]
    return copy


@st.composite
def mutants(draw, payload: dict):
    """The well-formed payload with one to three places replaced by garbage, dropped, or given an unknown neighbour."""
    for _ in range(draw(st.integers(1, 3))):
        places = list(_paths(payload))[1:]
        if not places:
            break
        garbage = st.just(_DROP) | st.sampled_from(NASTY_NUMBERS) | json_values
        payload = _replace(payload, draw(st.sampled_from(places)), draw(garbage))
    if draw(st.booleans()):
        payload = {**payload, draw(st.text(min_size=1, max_size=8)): draw(json_values)}
    return payload


FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_refuses_mutated_payloads_cleanly(room, event):
    sock = room.socket(event)

    @FUZZ
    @given(data=st.data())
    def run(data):
        payload = data.draw(mutants(room.payload(event)))
        assert_clean_ack(sock.call(event, payload), event, payload)

    run()


@pytest.mark.parametrize("event", EVENTS)
def test_every_event_refuses_garbage_cleanly(room, event):
    sock = room.socket(event)

    @FUZZ
    @given(payload=json_values)
    def run(payload):
        ack = sock.call(event, payload)
        assert_clean_ack(ack, event, payload)
        if not isinstance(payload, dict):
            assert ack["error"]["code"] == "invalid", ack

    run()


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("huge", [2**63, 2**64, -1, 0])
def test_ids_out_of_range_are_invalid(room, event, huge):
    """Was: 2**63 reached SQLite, which raised OverflowError: an "internal" ack."""
    sock, payload = room.socket(event), room.payload(event)
    for field in ("meeting_id", "document_id", "vote_id"):
        if field in payload:
            ack = sock.call(event, {**payload, field: huge})
            assert ack["ok"] is False and ack["error"]["code"] == "invalid", (field, ack)
            assert field in ack["error"]["message"], ack


@pytest.mark.parametrize("event", EVENTS)
def test_no_payload_or_several_arguments_are_answered(room, event):
    """Was: several arguments raised TypeError inside python-socketio, so no ack ever came."""
    sock = room.socket(event)
    for args in ((), (room.payload(event), 2), ("a", "b", "c")):
        ack = sock.client.call(event, args, timeout=10)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", (args, ack)


def test_an_unknown_event_is_answered(room):
    ack = room.socket("meeting:join").call("meeting:jion", {"meeting_id": room.meeting_id})
    assert ack == {"ok": False, "error": {"code": "invalid", "message": "There is no event 'meeting:jion'."}}


def test_the_server_stays_up_and_the_meeting_works(room, server):
    """After everything above (the module's last test): the sockets used and a new one still work."""
    for event in room.sockets:
        assert room.socket(event).client.connected
    fresh = room.member.socket()
    try:
        ack = fresh.join(room.meeting_id)
        assert ack["state"]["status"] == "open"
    finally:
        fresh.close()
    assert room.member.get("/api/me").status_code == 200
    assert server.process.poll() is None
