"""A storm of ballots: double taps and resends from many tablets at the same
moment, over real sockets, and 1,000 voters at once over HTTP. The database
must keep exactly one ballot per voter and the tally must be exact."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from argon2 import PasswordHasher

from tests.conftest import new_user
from tests.support import ADMIN, PASSWORD, ServerProcess, Socket, add_admin, login, two_nodes_on_postgresql, unique
from tests.votes_support import attend, batch_users, close, open_meeting

SOCKET_VOTERS = 150
HTTP_VOTERS = 1000
PG_VOTERS = 60
CHOICES = ["yes", "no", "abstain"]


@pytest.fixture(scope="module")
def storm(tmp_path_factory):
    """A server of its own (so a thousand accounts stay out of the shared one)."""
    data_dir = tmp_path_factory.mktemp("storm")
    add_admin(data_dir)
    server = ServerProcess(data_dir).start()
    try:
        admin = login(server.base_url, *ADMIN)
        secretary = new_user(admin, "secretary", "Thư ký")
        yield server, admin, secretary
    finally:
        server.stop()


# The storm is about ballots, not logins: its voters' passwords are hashed with
# argon2id's cheapest parameters, written straight into the server's own SQLite
# file. argon2 reads the cost from the hash itself, so the server's login checks
# them in microseconds, unchanged, instead of ~0.1 s of CPU each.
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)


def _voters(server, admin, count: int) -> list[tuple[int, str]]:
    """`count` members, logged in: (user id, token). One batch request creates them."""
    users = batch_users(admin, unique("v"), count, PASSWORD)
    database = server.data_dir / "meeting.db"
    if database.exists():  # a node on PostgreSQL keeps the server's hashes
        with sqlite3.connect(database, timeout=30) as db:
            db.executemany('UPDATE "user" SET password_hash = ? WHERE id = ?', [(CHEAP_HASH, u["id"]) for u in users])
    with httpx.Client(base_url=server.base_url, timeout=120) as http, ThreadPoolExecutor(8) as pool:

        def token(user):
            response = http.post("/api/auth/login", json={"username": user["username"], "password": PASSWORD})
            assert response.status_code == 200, response.text
            return user["id"], response.json()["token"]

        return list(pool.map(token, users))


def _meeting(secretary, voter_ids) -> int:
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Đại hội",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "participants": [{"user_id": i} for i in voter_ids],
        },
    )
    open_meeting(secretary, meeting["id"])
    # Who may vote follows attendance (issue 12): the secretary records the voters present, as a
    # roll call would (their tablets only cast here, without joining).
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda user_id: attend(secretary, meeting["id"], user_id), voter_ids))
    return meeting["id"]


def test_double_taps_on_150_sockets_leave_one_ballot_each(storm):
    server, admin, secretary = storm
    voters = _voters(server, admin, SOCKET_VOTERS)
    meeting_id = _meeting(secretary, [uid for uid, _ in voters])
    with ThreadPoolExecutor(16) as pool:
        sockets = list(pool.map(lambda v: Socket.connect(server.base_url, token=v[1]), voters))
    console = secretary.socket()
    try:
        # The console follows the room; the tablets only cast (had they all joined,
        # each would receive every other's attendance:changed, which is not under test here).
        console.join(meeting_id)
        vote = secretary.ok("POST", f"/api/meetings/{meeting_id}/votes", 201, json={"title": "Bầu cử", "secret": True})
        opened = secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
        assert opened["eligible"] == SOCKET_VOTERS + 1
        console.drain()

        # Every tablet sends two different ballots at the very same moment.
        barrier = threading.Barrier(2 * SOCKET_VOTERS)
        acks: list[tuple[int, str, dict]] = []
        lock = threading.Lock()

        def tap(index: int, attempt: int) -> None:
            choice = CHOICES[(index + attempt) % 3]
            barrier.wait()
            ack = sockets[index].call(
                "vote:cast", {"meeting_id": meeting_id, "vote_id": vote["id"], "choice": choice}, timeout=120
            )
            with lock:
                acks.append((index, choice, ack))

        threads = [threading.Thread(target=tap, args=(i, a)) for i in range(SOCKET_VOTERS) for a in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert len(acks) == 2 * SOCKET_VOTERS
        by_voter: dict[int, list[dict]] = {}
        for index, _, ack in acks:
            by_voter.setdefault(index, []).append(ack)
        for index, pair in by_voter.items():
            outcomes = sorted("ok" if a["ok"] else a["error"]["code"] for a in pair)
            assert outcomes == ["already_voted", "ok"], (index, pair)
        counted = Counter(choice for _, choice, ack in acks if ack["ok"])
        closed = close(secretary, vote["id"])
        assert closed["cast"] == SOCKET_VOTERS
        assert closed["tally"] == {c: counted[c] for c in CHOICES}
        receipts = secretary.ok("GET", f"/api/votes/{vote['id']}/receipts")["receipts"]
        assert sorted(ack["receipt"]["hash"] for _, _, ack in acks if ack["ok"]) == receipts
        # The room saw one vote:progress per accepted ballot, counting up without a gap.
        progress = []
        while (event := console.next_event(timeout=60))[0] != "vote:closed":
            if event[0] == "vote:progress":
                progress.append(event[1]["cast"])
        assert progress == list(range(1, SOCKET_VOTERS + 1))
    finally:
        for sock in (*sockets, console):
            sock.close()


@pytest.mark.slow
def test_1000_voters_at_once_over_http(storm):
    server, admin, secretary = storm
    voters = _voters(server, admin, HTTP_VOTERS)
    meeting_id = _meeting(secretary, [uid for uid, _ in voters])
    vote = secretary.ok("POST", f"/api/meetings/{meeting_id}/votes", 201, json={"title": "Thông qua Báo cáo chính trị"})
    # Nobody's tablet is in the room, but the secretary recorded everyone present (roll call).
    opened = secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
    assert opened["quorum"]["met"] is True and opened["eligible"] == HTTP_VOTERS + 1
    url = f"/api/votes/{vote['id']}/ballot"

    def cast(job):
        index, attempt = job
        user_id, token = voters[index]
        choice = CHOICES[(index * 7 + attempt) % 3]
        response = http.post(url, json={"choice": choice}, headers={"Authorization": f"Bearer {token}"})
        return user_id, choice, response.status_code, response.json()

    # Every voter twice (a resend racing the first), both in flight together.
    jobs = [(i, a) for i in range(HTTP_VOTERS) for a in (0, 1)]
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    with httpx.Client(base_url=server.base_url, timeout=120, limits=limits) as http, ThreadPoolExecutor(64) as pool:
        results = list(pool.map(cast, jobs))

    accepted = [(uid, choice) for uid, choice, status, _ in results if status == 201]
    refused = [body["error"]["code"] for _, _, status, body in results if status != 201]
    assert len(accepted) == HTTP_VOTERS and len({uid for uid, _ in accepted}) == HTTP_VOTERS
    assert refused == ["already_voted"] * HTTP_VOTERS
    closed = close(secretary, vote["id"])
    counted = Counter(choice for _, choice in accepted)
    assert closed["cast"] == HTTP_VOTERS and closed["tally"] == {c: counted[c] for c in CHOICES}
    # A named vote: the published ballots are exactly the accepted ones.
    assert sorted((b["user_id"], b["choice"]) for b in closed["ballots"]) == sorted(accepted)
    # More than half of ALL 1,001 members (the secretary did not vote) must approve.
    assert closed["result"]["required"] == 501
    assert closed["result"]["passed"] == (counted["yes"] >= 501)


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory):
    """Two server nodes on one fresh PostgreSQL database, fanned out through Redis."""
    with two_nodes_on_postgresql(tmp_path_factory.mktemp("pg-votes"), "meeting_votes") as nodes:
        yield nodes


@pytest.mark.scaleout
def test_double_taps_split_across_two_nodes_on_postgresql(two_nodes):
    """The tablet's socket is on one node, its resend arrives over HTTP at the
    other: no lock in either process can see both, only the database's key."""
    node_a, node_b = two_nodes
    admin = login(node_a.base_url, *ADMIN)
    secretary = new_user(admin, "secretary", "Thư ký")
    voters = _voters(node_a, admin, PG_VOTERS)
    meeting_id = _meeting(secretary, [uid for uid, _ in voters])
    sockets = [Socket.connect(node_a.base_url, token=token) for _, token in voters]
    console = Socket.connect(node_b.base_url, token=secretary.token)
    http = httpx.Client(base_url=node_b.base_url, timeout=120)
    try:
        console.join(meeting_id)
        for sock in sockets:
            sock.join(meeting_id)  # checked in: the quorum is met for real
        vote = secretary.ok(
            "POST", f"/api/meetings/{meeting_id}/votes", 201, json={"title": "Bỏ phiếu kín", "secret": True}
        )
        opened = secretary.ok("POST", f"/api/votes/{vote['id']}/open")
        assert opened["quorum"]["met"] and opened["quorum"]["overridden"] is False
        barrier = threading.Barrier(2 * PG_VOTERS)
        outcomes: list[tuple[int, str, bool, str | None]] = []
        lock = threading.Lock()

        def by_socket(index):
            barrier.wait()
            ack = sockets[index].call(
                "vote:cast",
                {"meeting_id": meeting_id, "vote_id": vote["id"], "choice": CHOICES[index % 3]},
                timeout=120,
            )
            with lock:
                outcomes.append((index, CHOICES[index % 3], ack["ok"], None if ack["ok"] else ack["error"]["code"]))

        def by_http(index):
            choice = CHOICES[(index + 1) % 3]
            barrier.wait()
            response = http.post(
                f"/api/votes/{vote['id']}/ballot",
                json={"choice": choice},
                headers={"Authorization": f"Bearer {voters[index][1]}"},
            )
            with lock:
                outcomes.append(
                    (index, choice, response.status_code == 201, response.json().get("error", {}).get("code"))
                )

        threads = [threading.Thread(target=f, args=(i,)) for i in range(PG_VOTERS) for f in (by_socket, by_http)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 2 * PG_VOTERS
        for index in range(PG_VOTERS):
            mine = sorted("ok" if ok else code for i, _, ok, code in outcomes if i == index)
            assert mine == ["already_voted", "ok"], (index, mine)
        counted = Counter(choice for _, choice, ok, _ in outcomes if ok)
        closed = close(secretary, vote["id"])
        assert closed["cast"] == PG_VOTERS and closed["tally"] == {c: counted[c] for c in CHOICES}
        # Across nodes events may arrive out of order: by seq they count 1..N.
        progress = []
        while (event := console.next_event(timeout=60))[0] != "vote:closed":
            if event[0] == "vote:progress":
                progress.append((event[1]["seq"], event[1]["cast"]))
        assert [cast for _, cast in sorted(progress)] == list(range(1, PG_VOTERS + 1))
    finally:
        http.close()
        for sock in (*sockets, console):
            sock.close()
