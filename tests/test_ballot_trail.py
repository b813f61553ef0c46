"""A copy of the database taken in the middle of a secret vote links no more
ballots to their voters than chance (issue 14; docs/secret-ballots.md).

The attacker here holds what a careless backup holds: on SQLite the database
file with its write-ahead log, copied while the server runs; on PostgreSQL a
direct look at the tables with the row metadata a DBA sees (`xmin`, `ctid`).
Each way of pairing that such a copy offers is tried, and each must do no
better than pairing at random: a random pairing of n voters gets one right on
average, and more than five of 24 about once in two thousand runs.

Ways tried:
- WAL replay (SQLite): every commit still in the log is a snapshot; two
  snapshots one ballot apart name the new voter and the new ballot.
- Storage order (SQLite): a page's cells are written from its end downwards as
  rows arrive, so reading cell offsets gives the order of arrival in each table,
  whatever the key order.
- Same transaction (PostgreSQL): rows written together share their `xmin`.
- Heap order (PostgreSQL): new row versions go where there is room, in the
  order they are written.
"""

from __future__ import annotations

import itertools
import random
import shutil
import sqlite3
from pathlib import Path

import psycopg

from tests.support import PASSWORD, ServerProcess, add_admin, postgres_database
from tests.votes_support import ballot, new_receipt, open_meeting_of_voters

VOTERS = 24
OPTIONS = ["Tán thành", "Không tán thành", "Không biểu quyết"]
# More right than this is not chance (see the module's docstring).
CHANCE_AT_MOST = 5
# What an unfilled slot's choice reads (meeting_server/votes/models.py); before slots, no row had it.
EMPTY = "--"


def _secret_vote_in_progress(server: ServerProcess) -> dict[int, str]:
    """An open secret vote of 24 members in which every member has voted and the vote is
    not closed yet; returns the truth: each voter's receipt hash."""
    secretary, voters, meeting_id = open_meeting_of_voters(server.base_url, "trail", VOTERS, PASSWORD, "Bầu cử")
    vote = secretary.ok(
        "POST",
        f"/api/meetings/{meeting_id}/votes",
        201,
        json={"title": "Phiếu kín", "secret": True, "options": OPTIONS},
    )
    secretary.ok("POST", f"/api/votes/{vote['id']}/open")
    arrival = voters[:]
    random.shuffle(arrival)
    truth = {}
    for index, voter in enumerate(arrival):
        _, receipt_hash = new_receipt()
        assert ballot(voter, vote["id"], OPTIONS[index % 3], receipt_hash=receipt_hash).status_code == 201
        truth[voter.id] = receipt_hash
    return truth


def _right(links: dict[int, str], truth: dict[int, str]) -> int:
    return sum(truth.get(voter) == receipt for voter, receipt in links.items())


# ---- SQLite: the file and its log --------------------------------------------------


def _copy_while_running(data_dir: Path, into: Path) -> Path:
    """meeting.db with its -wal and -shm, copied as a file backup tool would."""
    into.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = data_dir / f"meeting.db{suffix}"
        if source.exists():
            shutil.copyfile(source, into / source.name)
    return into / "meeting.db"


def _state(db_path: Path) -> tuple[set[int], set[str]]:
    """Who has voted and which ballots are in, as this copy says."""
    with sqlite3.connect(db_path) as db:
        voters = {row[0] for row in db.execute("SELECT user_id FROM vote_voter")}
        ballots = {row[0] for row in db.execute("SELECT receipt_hash FROM secret_ballot WHERE choice != ?", (EMPTY,))}
    return voters, ballots


def _commits_in_wal(wal: bytes) -> list[int]:
    """Byte lengths of the log at each commit frame (a frame whose header gives the database size)."""
    if len(wal) < 32:
        return []
    page_size = int.from_bytes(wal[8:12], "big")
    frame = 24 + page_size
    ends = []
    for start in range(32, len(wal) - frame + 1, frame):
        if int.from_bytes(wal[start + 4 : start + 8], "big"):
            ends.append(start + frame)
    return ends


def _wal_replay_links(copy: Path, work: Path) -> dict[int, str]:
    wal = copy.with_name("meeting.db-wal").read_bytes() if copy.with_name("meeting.db-wal").exists() else b""
    snapshots = []
    for number, end in enumerate([32, *_commits_in_wal(wal)]):
        folder = work / f"commit-{number}"
        folder.mkdir()
        shutil.copyfile(copy, folder / "meeting.db")
        if end > 32:
            (folder / "meeting.db-wal").write_bytes(wal[:end])
        snapshots.append(_state(folder / "meeting.db"))
    links = {}
    for (voters_before, ballots_before), (voters_after, ballots_after) in itertools.pairwise(snapshots):
        new_voters, new_ballots = voters_after - voters_before, ballots_after - ballots_before
        if len(new_voters) == 1 and len(new_ballots) == 1:
            links[next(iter(new_voters))] = next(iter(new_ballots))
    return links


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def _record(data: bytes, at: int) -> list:
    """The values of a record (SQLite's file format, section 2.1)."""
    header_size, cursor = _varint(data, at)
    types = []
    while cursor < at + header_size:
        serial, cursor = _varint(data, cursor)
        types.append(serial)
    values, body = [], at + header_size
    for serial in types:
        size = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}.get(serial, (serial - 12) // 2)
        raw = data[body : body + size]
        if serial in (8, 9):
            values.append(serial - 8)
        elif 1 <= serial <= 6:
            values.append(int.from_bytes(raw, "big", signed=True))
        elif serial >= 13 and serial % 2:
            values.append(raw.decode())
        else:
            values.append(raw)
        body += size
    return values


def _cells_by_arrival(db_path: Path, table: str) -> list[list]:
    """A WITHOUT ROWID table's rows in the order their cells were written: within a page,
    from the page's end towards its start (SQLite's index b-tree pages, section 1.6)."""
    with sqlite3.connect(db_path) as db:
        (root,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    data = db_path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    rows: list[tuple[int, int, list]] = []

    def walk(number: int) -> None:
        base = (number - 1) * page_size
        header = base + (100 if number == 1 else 0)
        kind, count = data[header], int.from_bytes(data[header + 3 : header + 5], "big")
        interior = kind == 2
        pointers = header + (12 if interior else 8)
        for i in range(count):
            offset = int.from_bytes(data[pointers + 2 * i : pointers + 2 * i + 2], "big")
            cell = base + offset
            if interior:
                walk(int.from_bytes(data[cell : cell + 4], "big"))
                cell += 4
            _, payload = _varint(data, cell)
            rows.append((number, offset, _record(data, payload)))
        if interior:
            walk(int.from_bytes(data[header + 8 : header + 12], "big"))

    walk(root)
    return [values for _, _, values in sorted(rows, key=lambda row: (row[0], -row[1]))]


def _storage_order_links(copy: Path) -> dict[int, str]:
    with sqlite3.connect(copy) as db:  # the attacker folds the log into the file first
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        columns = [row[1] for row in db.execute("PRAGMA table_info(secret_ballot)")]
    choice, receipt = columns.index("choice"), columns.index("receipt_hash")
    voters = [row[1] for row in _cells_by_arrival(copy, "vote_voter")]
    ballots = [row[receipt] for row in _cells_by_arrival(copy, "secret_ballot") if row[choice] != EMPTY]
    return dict(zip(voters, ballots))


def test_a_sqlite_copy_taken_mid_vote_links_no_more_than_chance(tmp_path):
    data_dir = tmp_path / "data"
    add_admin(data_dir)
    server = ServerProcess(data_dir).start()
    try:
        truth = _secret_vote_in_progress(server)
        copy = _copy_while_running(data_dir, tmp_path / "copy")
    finally:
        server.stop()
    replayed = _wal_replay_links(copy, tmp_path)
    stored = _storage_order_links(copy)
    print(
        f"\nof {VOTERS} secret ballots, linked to their voters: {_right(replayed, truth)} by replaying the WAL, "
        f"{_right(stored, truth)} by storage order"
    )
    assert len(stored) == VOTERS, "the copy holds every ballot"
    assert _right(replayed, truth) <= CHANCE_AT_MOST
    assert _right(stored, truth) <= CHANCE_AT_MOST


# ---- PostgreSQL: what a DBA sees --------------------------------------------------


def test_a_postgresql_look_mid_vote_links_no_more_than_chance(tmp_path):
    data_dir = tmp_path / "data"
    with postgres_database("trail") as url:
        env = {"MEETING_DATABASE_URL": url}
        add_admin(data_dir, env=env)
        server = ServerProcess(data_dir, env=env).start()
        try:
            truth = _secret_vote_in_progress(server)
            with psycopg.connect(url.replace("+psycopg", "")) as db:
                voters = db.execute("SELECT user_id, xmin::text FROM vote_voter ORDER BY ctid").fetchall()
                ballots = db.execute(
                    "SELECT receipt_hash, xmin::text FROM secret_ballot WHERE choice != %s ORDER BY ctid", (EMPTY,)
                ).fetchall()
        finally:
            server.stop()
    by_xmin: dict[str, list[str]] = {}
    for receipt, xmin in ballots:
        by_xmin.setdefault(xmin, []).append(receipt)
    # Only a transaction id shared with exactly one ballot singles that ballot out.
    same_transaction = {v: by_xmin[x][0] for v, x in voters if len(by_xmin.get(x, [])) == 1}
    heap_order = dict(zip([v for v, _ in voters], [r for r, _ in ballots]))
    print(
        f"\nof {VOTERS} secret ballots, linked to their voters: {_right(same_transaction, truth)} by xmin, "
        f"{_right(heap_order, truth)} by heap order"
    )
    assert len(ballots) == VOTERS
    assert _right(same_transaction, truth) <= CHANCE_AT_MOST
    assert _right(heap_order, truth) <= CHANCE_AT_MOST
