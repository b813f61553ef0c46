"""`meeting-server backup` while 20 tablets write, and `meeting-server restore`.

The backup is taken from a real server under load (annotations and ballots
over real sockets, each acknowledgement timed); restored into an empty data
dir, a new server on it must hold every write acknowledged before the backup
started, and a database that is consistent with itself (tallies equal
ballots, the event log's seq equals the meeting's). A damaged backup, a
data dir in use or full, and the operator's usual mistakes are refused with
one line, changing nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
import uuid
import zipfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from alembic import command

from meeting_server.archive.verify import verify_archive
from meeting_server.backup import BACKUP, PG_MEMBER, SQLITE_MEMBER
from meeting_server.config import Settings
from tests.conftest import new_user, start_server
from tests.support import (
    ADMIN,
    PASSWORD,
    Api,
    ServerProcess,
    Socket,
    add_admin,
    login,
    make_pdf,
    postgres_database,
    run_cli,
    unique,
)
from tests.test_migrations import Backend, alembic, seed, served
from tests.votes_support import attend, batch_users, open_meeting

CLIENTS = 20
CHOICES = ["yes", "no", "abstain"]


@dataclass
class Storm:
    """What the writers were told was stored, with when (time.monotonic()) they were told."""

    backup: Path
    started: float  # the backup command was launched
    finished: float
    meeting_id: int
    document: dict
    secretary: tuple[str, str]
    annotations: list[tuple[str, float]] = field(default_factory=list)  # (id, acked at)
    ballots: list[tuple[int, int, str, float]] = field(default_factory=list)  # (vote, user, choice, acked at)
    refused: Counter = field(default_factory=Counter)


def cli(*args: str, data_dir: Path, env: dict | None = None):
    return run_cli(*args, data_dir=data_dir, env=env, check=False)


def one_line_error(result) -> str:
    """A refusal: exit 1 and a single `meeting-server: …` line, never a traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("meeting-server: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` and the SHA-256 of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# ---- the storm ---------------------------------------------------------------


@pytest.fixture(scope="module")
def storm(tmp_path_factory) -> Storm:
    data_dir = tmp_path_factory.mktemp("live")
    server, admin = start_server(data_dir)
    sockets: list[Socket] = []
    try:
        secretary = new_user(admin, "secretary", "Thư ký")
        members = batch_users(admin, unique("bk"), CLIENTS, PASSWORD)
        with ThreadPoolExecutor(8) as pool:
            voters = list(pool.map(lambda m: login(server.base_url, m["username"], PASSWORD), members))
        meeting = secretary.ok(
            "POST",
            "/api/meetings",
            201,
            json={
                "title": "Họp trong lúc sao lưu",
                "starts_at": "2026-12-04T08:00:00+07:00",
                "participants": [{"user_id": v.id} for v in voters],
            },
        )
        item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Báo cáo"})
        pdf = make_pdf(tmp_path_factory.mktemp("pdf") / "bao-cao.pdf", pages=3)
        with open(pdf, "rb") as handle:
            response = secretary.post(
                f"/api/agenda/{item['id']}/documents", files={"file": ("bao-cao.pdf", handle, "application/pdf")}
            )
        assert response.status_code == 201, response.text
        document = response.json()
        open_meeting(secretary, meeting["id"])
        # In the hall before any vote opens: a ballot needs the voter recorded present.
        attend(secretary, meeting["id"], *voters)
        with ThreadPoolExecutor(8) as pool:
            sockets = list(pool.map(lambda v: v.socket(), voters))

        result = Storm(
            backup=tmp_path_factory.mktemp("backups") / "backup.zip",
            started=0.0,
            finished=0.0,
            meeting_id=meeting["id"],
            document=document,
            secretary=(secretary.user["username"], PASSWORD),
        )
        _write_through_a_backup(server, data_dir, secretary, voters, sockets, result)
        return result
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


def _write_through_a_backup(
    server: ServerProcess, data_dir: Path, secretary: Api, voters: list[Api], sockets: list[Socket], storm: Storm
) -> None:
    """20 tablets draw and vote; the secretary opens and closes vote after vote; the backup runs in the middle."""
    stop = threading.Event()
    lock = threading.Lock()
    current: dict[str, int | None] = {"vote": None}
    meeting_id, document_id = storm.meeting_id, storm.document["id"]

    def tablet(index: int) -> None:
        sock, user_id, voted = sockets[index], voters[index].id, set()
        while not stop.is_set():
            annotation_id = str(uuid.uuid4())
            ack = sock.call(
                "annotation:put",
                {
                    "meeting_id": meeting_id,
                    "annotation": {
                        "id": annotation_id,
                        "document_id": document_id,
                        "page": 1 + index % 3,
                        "kind": "ink",
                        "visibility": "shared",
                        "data": {"points": [[0.1, 0.1, 0.5], [0.2, 0.3, 0.6]], "color": "#D32F2F", "width": 0.004},
                    },
                },
            )
            at = time.monotonic()
            with lock:
                if ack["ok"]:
                    storm.annotations.append((annotation_id, at))
                else:
                    storm.refused[ack["error"]["code"]] += 1
            vote_id = current["vote"]
            if vote_id is not None and vote_id not in voted:
                choice = CHOICES[(index + vote_id) % 3]
                ack = sock.call("vote:cast", {"meeting_id": meeting_id, "vote_id": vote_id, "choice": choice})
                at = time.monotonic()
                voted.add(vote_id)  # accepted, or closed meanwhile: either way not again
                with lock:
                    if ack["ok"]:
                        storm.ballots.append((vote_id, user_id, choice, at))
                    else:
                        storm.refused[ack["error"]["code"]] += 1
            stop.wait(0.12)  # about 6 strokes a second: under the per-person limit of 10

    def chair() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            vote = secretary.ok(
                "POST",
                f"/api/meetings/{meeting_id}/votes",
                201,
                json={"title": f"Biểu quyết {number}", "secret": False, "rule": "majority_of_members"},
            )
            secretary.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
            current["vote"] = vote["id"]
            stop.wait(0.7)
            secretary.ok("POST", f"/api/votes/{vote['id']}/close")

    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(CLIENTS)] + [threading.Thread(target=chair)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2.5)
        storm.started = time.monotonic()
        done = run_cli("backup", str(storm.backup), data_dir=data_dir)
        storm.finished = time.monotonic()
        assert "backed up the sqlite database" in done.stdout, done.stdout
        time.sleep(0.5)  # and on, after the backup
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)


def test_every_write_acknowledged_before_the_backup_is_restored(storm, tmp_path):
    before = [a for a in storm.annotations if a[1] < storm.started]
    ballots_before = [b for b in storm.ballots if b[3] < storm.started]
    after = [a for a in storm.annotations if a[1] > storm.finished]
    # The storm was a storm: writes before, during and after the backup.
    assert len(before) >= 3 * CLIENTS and len(ballots_before) >= CLIENTS and after, (len(before), len(ballots_before))

    report = verify_archive(storm.backup, BACKUP)
    assert report.ok, report.problems
    assert report.manifest is not None
    sha = storm.document["sha256"]
    assert {f["path"] for f in report.manifest["files"]} == {SQLITE_MEMBER, f"files/{sha[:2]}/{sha}.pdf"}
    assert report.manifest["backup"]["database"] == "sqlite"
    checked = run_cli("restore", str(storm.backup), "--check", data_dir=tmp_path / "unused")
    assert checked.stdout.startswith(f"intact: {storm.backup}: sqlite database") and "1 file," in checked.stdout
    assert f"manifest sha256 {report.manifest_sha256}" in checked.stdout

    target = tmp_path / "restored"
    restored = run_cli("restore", str(storm.backup), data_dir=target)
    assert "restored the sqlite database" in restored.stdout, restored.stdout

    # Consistent with itself: SQLite's checks, and the event log's seq is the meeting's.
    with sqlite3.connect(target / "meeting.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        last_seq, top = db.execute(
            "SELECT last_seq, (SELECT max(seq) FROM event WHERE meeting_id = meeting.id) FROM meeting WHERE id = ?",
            (storm.meeting_id,),
        ).fetchone()
        assert last_seq == top

    server = ServerProcess(target).start()
    try:
        secretary = login(server.base_url, *storm.secretary)
        stored = _annotation_ids(secretary, storm.document["id"])
        missing = [a for a, _ in before if a not in stored]
        assert not missing, f"{len(missing)} of {len(before)} acknowledged strokes lost"
        # Nothing appears that nobody wrote.
        assert stored <= {a for a, _ in storm.annotations}

        votes = secretary.ok("GET", f"/api/meetings/{storm.meeting_id}/votes")
        for vote in votes:
            if vote["status"] == "open":  # open at the instant of the backup: close it here
                secretary.ok("POST", f"/api/votes/{vote['id']}/close")
        closed = {v["id"]: v for v in secretary.ok("GET", f"/api/meetings/{storm.meeting_id}/votes")}
        assert [v["status"] for v in closed.values()].count("closed") >= 2
        for vote in closed.values():
            if vote["status"] == "draft":  # made, not yet opened, at the instant of the backup
                continue
            assert vote["status"] == "closed", vote
            counted = Counter(b["choice"] for b in vote["ballots"])
            assert vote["cast"] == len(vote["ballots"]) == sum(vote["tally"].values()), vote
            assert vote["tally"] == {c: counted[c] for c in CHOICES}, vote
        kept = {
            (v, b["user_id"], b["choice"])
            for v, vote in closed.items()
            if vote["status"] == "closed"
            for b in vote["ballots"]
        }
        lost = [b for b in ballots_before if b[:3] not in kept]
        assert not lost, f"{len(lost)} of {len(ballots_before)} acknowledged ballots lost"

        # The original comes back byte for byte, and its pages draw.
        original = secretary.get(f"/api/documents/{storm.document['id']}/file")
        assert original.status_code == 200 and hashlib.sha256(original.content).hexdigest() == sha
        page = secretary.get(f"/api/documents/{storm.document['id']}/pages/1", params={"width": 256})
        assert page.status_code == 200 and page.headers["content-type"] == "image/jpeg"
    finally:
        server.stop()


def _annotation_ids(api: Api, document_id: int) -> set[str]:
    ids: set[str] = set()
    params: dict = {}
    while True:
        response = api.get(f"/api/documents/{document_id}/annotations", params=params)
        assert response.status_code == 200, response.text
        ids |= {a["id"] for a in response.json()}
        if "X-Next-Cursor" not in response.headers:
            return ids
        params = {"after": response.headers["X-Next-Cursor"]}


# ---- refusals ------------------------------------------------------------------


def _flip_a_byte(source: Path, target: Path, member: str) -> None:
    """A copy of the ZIP with one byte of `member`'s stored data inverted."""
    shutil.copyfile(source, target)
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    with open(target, "r+b") as handle:
        handle.seek(info.header_offset + 26)
        name_length, extra_length = (int.from_bytes(handle.read(2), "little") for _ in range(2))
        offset = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize("member", ["database", "blob"])
def test_a_flipped_byte_is_refused_naming_the_member_and_changes_nothing(storm, tmp_path, member):
    sha = storm.document["sha256"]
    name = SQLITE_MEMBER if member == "database" else f"files/{sha[:2]}/{sha}.pdf"
    damaged = tmp_path / "damaged.zip"
    _flip_a_byte(storm.backup, damaged, name)
    target = tmp_path / "new"
    line = one_line_error(cli("restore", str(damaged), data_dir=target))
    assert name in line and "nothing was restored" in line, line
    assert name in one_line_error(cli("restore", str(damaged), "--check", data_dir=target))
    assert not target.exists()  # not even the data dir was made


def test_a_store_in_use_is_refused_without_force_and_replaced_with_it(storm, tmp_path):
    target = tmp_path / "other"
    run_cli(
        "user",
        "add",
        "someone",
        "--role",
        "admin",
        "--full-name",
        "Người khác",
        "--password",
        "x" * 12,
        data_dir=target,
    )
    make_pdf(tmp_path / "x.pdf")
    blob = hashlib.sha256((tmp_path / "x.pdf").read_bytes()).hexdigest()
    (target / "files" / blob[:2]).mkdir(parents=True)
    shutil.copyfile(tmp_path / "x.pdf", target / "files" / blob[:2] / f"{blob}.pdf")
    before = tree(target)

    line = one_line_error(cli("restore", str(storm.backup), data_dir=target))
    assert "already holds 1 user and 1 file" in line and "--force" in line, line
    assert tree(target) == before

    # A server running on it: refused even with --force.
    server = ServerProcess(target).start()
    try:
        login(server.base_url, "someone", "x" * 12)
        line = one_line_error(cli("restore", str(storm.backup), "--force", data_dir=target))
        assert "in use" in line and "stop the server" in line, line
    finally:
        server.stop()

    done = cli("restore", str(storm.backup), "--force", data_dir=target)
    assert done.returncode == 0, done.stderr
    assert "over what was there" in done.stdout
    with sqlite3.connect(target / "meeting.db") as db:
        users = {row[0] for row in db.execute('SELECT username FROM "user"')}
        assert "someone" not in users and storm.secretary[0] in users
    sha = storm.document["sha256"]
    assert sorted(p.name for p in (target / "files").rglob("*.pdf")) == [f"{sha}.pdf"]
    assert not [p for p in target.iterdir() if p.name.startswith(".restore")]


def test_clear_one_line_errors(storm, tmp_path):
    data_dir = tmp_path / "data"
    run_cli(
        "user", "add", "ad", "--role", "admin", "--full-name", "Quản trị", "--password", "x" * 12, data_dir=data_dir
    )

    # The file exists already: never overwritten.
    existing = tmp_path / "taken.zip"
    existing.write_bytes(b"keep me")
    line = one_line_error(cli("backup", str(existing), data_dir=data_dir))
    assert "exists already" in line and existing.read_bytes() == b"keep me"
    # No such data dir: nothing is made.
    line = one_line_error(cli("backup", str(tmp_path / "b.zip"), data_dir=tmp_path / "nowhere"))
    assert "no data dir" in line and not (tmp_path / "nowhere").exists()
    # A folder that holds no database.
    (tmp_path / "bare").mkdir()
    line = one_line_error(cli("backup", str(tmp_path / "b.zip"), data_dir=tmp_path / "bare"))
    assert "no database" in line
    # Nowhere to write.
    line = one_line_error(cli("backup", str(tmp_path / "no" / "b.zip"), data_dir=data_dir))
    assert "no folder" in line
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".meeting-backup")]  # no leftovers

    # Restore: missing, a folder, not a ZIP, an archive of another kind, unreadable.
    empty = tmp_path / "empty"
    for source, says in (
        (tmp_path / "missing.zip", "no such file"),
        (tmp_path, "is a folder"),
        (existing, "not a ZIP archive"),
    ):
        assert says in one_line_error(cli("restore", str(source), data_dir=empty))
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("manifest.json", '{"format": "meeting-archive/1"}\n')
    assert "format is 'meeting-archive/1'" in one_line_error(cli("restore", str(foreign), data_dir=empty))
    if os.geteuid() != 0:  # root reads everything
        locked = tmp_path / "locked.zip"
        shutil.copyfile(storm.backup, locked)
        locked.chmod(0)
        assert "cannot be read" in one_line_error(cli("restore", str(locked), data_dir=empty))
    assert not (empty / "meeting.db").exists()


# ---- an older schema ---------------------------------------------------------


def test_a_backup_of_an_older_schema_restores_and_migrates(tmp_path):
    old = Backend(tmp_path / "old", Settings(data_dir=tmp_path / "old", database_url=None))
    old.data_dir.mkdir()
    alembic(old, command.upgrade, "0001")
    seeded = seed(old.engine())

    backup = tmp_path / "old.zip"
    done = run_cli("backup", str(backup), data_dir=old.data_dir)
    assert "revision 0001" in done.stdout
    # The seeded document's file was never in the store: said, not hidden.
    assert "names a file the data dir lacks" in done.stderr

    new = Backend(tmp_path / "new", Settings(data_dir=tmp_path / "new", database_url=None))
    restored = run_cli("restore", str(backup), data_dir=new.data_dir)
    assert "run `meeting-server migrate" in restored.stdout
    # As any database of an older schema: the server refuses it until migrated.
    assert "needs migrating" in one_line_error(cli("serve", data_dir=new.data_dir))
    new.cli("migrate")
    served(new, seeded)


# ---- PostgreSQL ------------------------------------------------------------------


@pytest.fixture
def two_databases():
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore not installed: the PostgreSQL backup is not tried")
    with postgres_database("backup_live") as live, postgres_database("backup_restored") as restored:
        yield [{"MEETING_DATABASE_URL": url} for url in (live, restored)]


@pytest.mark.scaleout
def test_postgresql_through_pg_dump(two_databases, tmp_path):
    live_env, restored_env = two_databases
    live_dir, restored_dir = tmp_path / "live", tmp_path / "restored"
    # start_server adds its admin to the data dir's SQLite file: here, to PostgreSQL.
    add_admin(live_dir, env=live_env)
    server = ServerProcess(live_dir, env=live_env).start()
    admin = login(server.base_url, *ADMIN)
    try:
        secretary = new_user(admin, "secretary", "Thư ký")
        meeting = secretary.ok(
            "POST", "/api/meetings", 201, json={"title": "Họp", "starts_at": "2026-12-04T08:00:00+07:00"}
        )
        item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Báo cáo"})
        with open(make_pdf(tmp_path / "a.pdf"), "rb") as handle:
            response = secretary.post(
                f"/api/agenda/{item['id']}/documents", files={"file": ("a.pdf", handle, "application/pdf")}
            )
        document = response.json()
        backup = tmp_path / "pg.zip"
        done = run_cli("backup", str(backup), data_dir=live_dir, env=live_env)  # while it serves
        assert "backed up the postgresql database" in done.stdout
    finally:
        server.stop()
    report = verify_archive(backup, BACKUP)
    assert report.ok and report.manifest is not None
    assert PG_MEMBER in {f["path"] for f in report.manifest["files"]}

    # Into SQLite: refused, saying how.
    assert "MEETING_DATABASE_URL" in one_line_error(cli("restore", str(backup), data_dir=tmp_path / "sqlite"))
    restored = run_cli("restore", str(backup), data_dir=restored_dir, env=restored_env)
    assert "restored the postgresql database" in restored.stdout
    again = one_line_error(cli("restore", str(backup), data_dir=restored_dir, env=restored_env))
    assert "already holds" in again

    server = ServerProcess(restored_dir, env=restored_env).start()
    try:
        secretary = login(server.base_url, secretary.user["username"], PASSWORD)
        original = secretary.get(f"/api/documents/{document['id']}/file")
        assert hashlib.sha256(original.content).hexdigest() == document["sha256"]
        assert httpx.get(f"{server.base_url}/login", timeout=10).status_code == 200
    finally:
        server.stop()
