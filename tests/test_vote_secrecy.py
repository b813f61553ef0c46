"""Secret ballots stay secret: in the schema, in the order rows are stored, in
every event and answer, and in the event log. Read from the real server's
real SQLite file while it runs."""

from __future__ import annotations

import json
import os
import random
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from tests.support import PASSWORD, Api, unique
from tests.votes_support import attend, ballot, batch_users, close, new_receipt, open_meeting

# Person-identifying column names, besides any foreign key to user.id.
PERSON_COLUMNS = {
    "user_id",
    "owner_id",
    "voter_id",
    "audience_user_id",
    "by",
    "created_by",
    "updated_by",
    "opened_by",
    "closed_by",
}
# Options no other test uses, so finding them anywhere means finding this vote's choices.
OPTIONS = ["Tán thành Sen7Q", "Không tán thành Cuc4Z", "Không biểu quyết Lan2X"]
# What these tests read is the SQLite file itself (its tables' DDL, rowids, pages).
pytestmark = pytest.mark.skipif(
    os.environ.get("MEETING_TEST_BACKEND") == "postgresql",
    reason="reads the shared server's SQLite file; with MEETING_TEST_BACKEND=postgresql the server has none",
)


def _db(server) -> sqlite3.Connection:
    return sqlite3.connect(server.data_dir / "meeting.db")


def _voters(server, admin, count: int) -> list[Api]:
    users = batch_users(admin, unique("s"), count, PASSWORD)
    with ThreadPoolExecutor(8) as pool:

        def log_in(user):
            response = httpx.post(
                f"{server.base_url}/api/auth/login",
                json={"username": user["username"], "password": PASSWORD},
                timeout=60,
            )
            body = response.json()
            return Api(server.base_url, body["token"], body["user"])

        return list(pool.map(log_in, users))


@pytest.fixture
def secret_vote(server, admin, cast):
    """An open meeting of a secretary and 30 members, all attending, and an open
    secret vote with unusual options."""
    secretary = cast["secretary"]
    voters = _voters(server, admin, 30)
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Bầu Ban Thường vụ",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "participants": [{"user_id": v.id} for v in voters],
        },
    )
    open_meeting(secretary, meeting["id"])
    attend(secretary, meeting["id"], secretary, *voters)
    vote = secretary.ok(
        "POST",
        f"/api/meetings/{meeting['id']}/votes",
        201,
        json={"title": "Bỏ phiếu kín", "secret": True, "options": OPTIONS},
    )
    return secretary, voters, meeting["id"], vote["id"]


def _person_columns(inspector, table: str) -> set[str]:
    by_fk = {
        c
        for fk in inspector.get_foreign_keys(table)
        if fk["referred_table"] == "user"
        for c in fk["constrained_columns"]
    }
    return by_fk | {c["name"] for c in inspector.get_columns(table) if c["name"] in PERSON_COLUMNS}


def test_no_table_holds_a_person_beside_a_secret_choice(server, secret_vote):
    secretary, voters, _, vote_id = secret_vote
    opened = secretary.ok("POST", f"/api/votes/{vote_id}/open")
    for voter in voters[:5]:
        assert ballot(voter, vote_id, OPTIONS[0]).status_code == 201
    engine = sa.create_engine(f"sqlite:///{server.data_dir / 'meeting.db'}")
    try:
        inspector = sa.inspect(engine)
        tables = inspector.get_table_names()
        assert {"vote", "vote_voter", "secret_ballot", "named_ballot", "vote_roll"} <= set(tables)
        holding_choices = {t for t in tables if "choice" in {c["name"] for c in inspector.get_columns(t)}}
        # Only a named vote's ballot may say who chose what.
        assert {t for t in holding_choices if _person_columns(inspector, t)} == {"named_ballot"}
        columns = {c["name"]: c for c in inspector.get_columns("secret_ballot")}
        assert set(columns) == {"id", "vote_id", "choice", "receipt_hash"}
        assert not _person_columns(inspector, "secret_ballot")
        assert not any(
            isinstance(c["type"], (sa.DateTime, sa.Date, sa.Integer)) for n, c in columns.items() if n != "vote_id"
        )
        # Who voted, apart: no choice, no time.
        assert {c["name"] for c in inspector.get_columns("vote_voter")} == {"vote_id", "user_id"}
    finally:
        engine.dispose()
    with _db(server) as db:
        ddl = {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")}
        assert ddl["secret_ballot"].rstrip().upper().endswith("WITHOUT ROWID")
        assert ddl["vote_voter"].rstrip().upper().endswith("WITHOUT ROWID")
        with pytest.raises(sqlite3.OperationalError, match="rowid"):
            db.execute("SELECT rowid FROM secret_ballot").fetchall()
        secret_ids = [row[0] for row in db.execute("SELECT id FROM vote WHERE secret")]
        marks = ",".join("?" * len(secret_ids))
        assert db.execute(f"SELECT count(*) FROM named_ballot WHERE vote_id IN ({marks})", secret_ids).fetchone() == (
            0,
        )
        # One slot per entitled voter (votes/slots.py), five of them filled.
        slots = db.execute("SELECT count(*) FROM secret_ballot WHERE vote_id = ?", (vote_id,)).fetchone()
        assert slots == (opened["eligible"],)
        filled = "SELECT count(*) FROM secret_ballot WHERE vote_id = ? AND choice != '--'"
        assert db.execute(filled, (vote_id,)).fetchone() == (5,)


def test_stored_order_is_not_arrival_order(server, secret_vote):
    secretary, voters, _, vote_id = secret_vote
    secretary.ok("POST", f"/api/votes/{vote_id}/open")
    arrival = voters[:]
    random.Random(7).shuffle(arrival)
    hashes = []
    for index, voter in enumerate(arrival):
        _, receipt_hash = new_receipt()
        assert ballot(voter, vote_id, OPTIONS[index % 3], receipt_hash=receipt_hash).status_code == 201
        hashes.append(receipt_hash)
    with _db(server) as db:
        stored = list(
            db.execute("SELECT id, receipt_hash FROM secret_ballot WHERE vote_id = ? AND choice != '--'", (vote_id,))
        )
        voted = [row[0] for row in db.execute("SELECT user_id FROM vote_voter WHERE vote_id = ?", (vote_id,))]
    arrival_index = {h: i for i, h in enumerate(hashes)}
    stored_order = [arrival_index[h] for _, h in stored]
    assert sorted(stored_order) == list(range(len(arrival)))
    # Read back in storage order, the ballots are not in the order they came in...
    assert stored_order != sorted(stored_order)
    # ...because they are kept in the order of their random 128-bit ids.
    ids = [i for i, _ in stored]
    assert ids == sorted(ids) and all(len(i) == 32 and int(i, 16) >= 0 for i in ids) and len(set(ids)) == len(ids)
    # Who voted is kept by user id, not by when.
    assert voted == sorted(voted) and sorted(voted) == sorted(v.id for v in voters)


def _holds_choice_beside_person(payload, options=OPTIONS) -> list:
    """Every object in `payload` that names a person and also carries a choice."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            names_person = any(key in PERSON_COLUMNS for key in node)
            says_choice = "choice" in node or any(value in options for value in node.values() if isinstance(value, str))
            if names_person and says_choice:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(payload)
    return found


def test_nothing_said_or_logged_ties_a_choice_to_a_voter(server, secret_vote):
    secretary, voters, meeting_id, vote_id = secret_vote
    voters = voters[:6]
    console = secretary.socket()
    tablets = [v.socket() for v in voters]
    said: list = []
    try:
        console.join(meeting_id)
        for tablet in tablets:
            tablet.join(meeting_id)
        for sock in (console, *tablets):
            sock.drain(0.2)
        said.append(secretary.ok("POST", f"/api/votes/{vote_id}/open"))
        for index, (voter, tablet) in enumerate(zip(voters, tablets)):
            _, receipt_hash = new_receipt()
            ack = tablet.call(
                "vote:cast",
                {
                    "meeting_id": meeting_id,
                    "vote_id": vote_id,
                    "choice": OPTIONS[index % 3],
                    "receipt_hash": receipt_hash,
                },
            )
            # The voter's own answer: that it counted, and the receipt; not even the choice echoed.
            assert ack == {"ok": True, "vote_id": vote_id, "receipt": {"hash": receipt_hash}}
            said.append(voter.ok("GET", f"/api/votes/{vote_id}"))
            said.append(secretary.ok("GET", f"/api/meetings/{meeting_id}/votes"))
            said.append(tablet.call("meeting:join", {"meeting_id": meeting_id}))
        said.append(close(secretary, vote_id))
        said.append(secretary.ok("GET", f"/api/votes/{vote_id}/receipts"))
        said.append(secretary.ok("GET", f"/api/meetings/{meeting_id}"))
        heard = {sock: [] for sock in (console, *tablets)}
        for sock in heard:
            while (event := sock.next_event())[0] != "vote:closed":
                heard[sock].append(event)
            heard[sock].append(event)
    finally:
        for sock in (console, *tablets):
            sock.close()
    for events in heard.values():
        # While the vote ran, casting made the room hear counts only: nothing that names anyone.
        during = [(name, data) for name, data in events if name not in ("vote:opened", "vote:closed")]
        assert {name for name, _ in during} == {"vote:progress"}, {name for name, _ in during}
        assert all(set(data) == {"meeting_id", "seq", "vote_id", "cast", "eligible"} for _, data in during)
        assert [data["cast"] for _, data in during] == [1, 2, 3, 4, 5, 6]
        said.extend(events)
    assert _holds_choice_beside_person(said) == []
    name, data = heard[console][-1]
    assert name == "vote:closed" and data["vote"]["ballots"] is None
    assert data["vote"]["tally"] == {OPTIONS[0]: 2, OPTIONS[1]: 2, OPTIONS[2]: 2}

    # The event log, as stored: no choice outside the vote's options and tally, no vote event for one person.
    with _db(server) as db:
        rows = list(
            db.execute(
                "SELECT name, payload, audience_user_id FROM event WHERE meeting_id = ? ORDER BY seq", (meeting_id,)
            )
        )
    for name, payload, audience in rows:
        data = json.loads(payload)
        assert _holds_choice_beside_person(data) == []
        if name.startswith("vote:"):
            assert audience is None
        mentions = [option for option in OPTIONS if option in payload]
        assert not mentions or name in ("vote:opened", "vote:closed"), (name, payload)
    # Nor does the server's log mention a choice.
    assert not any(option in server.output() for option in OPTIONS)
