"""The meeting archive's format: the audit chain, safe CSV, the ZIP and its manifest,
and `meeting-server verify-archive` finding every kind of tampering.

The audit chain is recorded in a real database (SQLite, and PostgreSQL for the
concurrency test); archives are checked by running the real command.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import subprocess
import sys
import threading
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select

from meeting_server.archive import audit, chain
from meeting_server.archive.bundle import ArchiveError, ArchiveSummary, ArchiveWriter, manifest_bytes
from meeting_server.archive.canonical import canonical_json, sha256_hex
from meeting_server.archive.csvsafe import csv_bytes, escape_cell
from meeting_server.archive.models import AuditEntry
from meeting_server.archive.verify import verify_archive
from meeting_server.auth.models import Role, User
from meeting_server.config import Settings
from meeting_server.db import Database
from meeting_server.errors import NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.filenames import portable_name
from meeting_server.meetings.events import MeetingStatusChanged
from meeting_server.meetings.models import Meeting, MeetingStatus
from tests.support import ROOT, make_pdf, postgres_database

DEMO = ROOT / "agendas" / "demo"
CREATED_AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
MINUTES_SHA = sha256_hex(b"minutes")
STORY = [  # (action, who, details): a meeting as its audit log tells it
    ("meeting.opened", "chair", {}),
    ("vote.opened", "secretary", {"vote_id": 1, "title": "Thông qua Nghị quyết chuyển đổi số"}),
    (
        "vote.quorum_overridden",
        "chair",
        {"vote_id": 1, "present": 6, "required": 7, "reason": "Đồng chí Hùng vắng, đã ủy quyền"},
    ),
    ("vote.closed", "secretary", {"vote_id": 1, "tally": {"yes": 5, "no": 0, "abstain": 1}, "passed": True}),
    ("minutes.finalized", "secretary", {"sha256": MINUTES_SHA, "version": 4}),
    ("minutes.confirmed", "chair", {"sha256": MINUTES_SHA}),
]


# ---- the database --------------------------------------------------------------


@pytest.fixture
def db(tmp_path) -> Database:
    data = tmp_path / "data"
    data.mkdir()
    database = Database(Settings(data_dir=data, database_url=None))
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def pg_db() -> Database:
    with postgres_database("archive_test") as url:
        database = Database(Settings(database_url=url))
        database.create_schema()
        yield database
        database.dispose()


@dataclass
class World:
    meeting_id: int
    users: dict[str, int]


def make_meeting(db: Database, title: str = "Họp Chi bộ tháng 12 năm 2026") -> World:
    with db.write() as session:
        users = {}
        for name, role in (("chair", Role.chair), ("secretary", Role.secretary)):
            user = User(
                username=f"{name}-{uuid.uuid4().hex[:6]}", full_name=f"Đồng chí {name}", role=role, password_hash="-"
            )
            session.add(user)
            session.flush()
            users[name] = user.id
        meeting = Meeting(
            title=title,
            starts_at="2026-12-05T14:00:00+07:00",
            location="Phòng họp tầng 2",
            created_by=users["secretary"],
        )
        session.add(meeting)
        session.flush()
        return World(meeting.id, users)


def tell_story(db: Database, world: World) -> list[dict]:
    for action, who, details in STORY:
        with db.write() as session:  # one transaction per action, as the services will do
            audit.record(session, world.meeting_id, world.users[who], action, details)
    with db.read() as session:
        return audit.export_chain(session, world.meeting_id)


# ---- building an archive ---------------------------------------------------


@dataclass
class Built:
    path: Path
    originals: dict[str, bytes]  # every member but the manifest, as it went in
    summary: ArchiveSummary
    chain: list[dict]


def build_archive(db: Database, world: World, folder: Path, name: str = "archive.zip") -> Built:
    entries = tell_story(db, world)
    minutes_pdf = make_pdf(folder / "minutes.pdf", pages=2, text="Bien ban hop Chi bo").read_bytes()
    annotated = make_pdf(folder / "annotated.pdf", pages=1, text="Ghi chu").read_bytes()
    report = DEMO / "bao-cao-ket-qua-nhiem-vu-2026.pdf"
    resolution = DEMO / "du-thao-nghi-quyet-cchc-chuyen-doi-so.pdf"
    attendance = [
        ["user_id", "full_name", "role", "present"],
        [1, "Nguyễn Đức Thành", "chair", True],
        [2, '=HYPERLINK("http://evil.example","Bấm vào đây")', "member", True],
        [3, "-Trần Thị Mai", "member", False],
        [4, "@SUM(A1:A9)", "member", True],
    ]
    votes = [
        ["vote_id", "title", "yes", "no", "abstain", "passed"],
        [1, "Thông qua Nghị quyết chuyển đổi số", 5, 0, 1, True],
    ]
    w3c = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Đề nghị sửa mục 3"},
    }
    path = folder / name
    with ArchiveWriter(
        path,
        {"id": world.meeting_id, "title": "Họp Chi bộ tháng 12 năm 2026", "minutes_sha256": MINUTES_SHA},
        created_at=CREATED_AT,
    ) as archive:
        archive.add_bytes("minutes.pdf", minutes_pdf)
        archive.add_json(
            "minutes.json",
            {"status": "final", "sha256": MINUTES_SHA, "items": [{"title": "Báo cáo", "conclusion": "Thông qua"}]},
        )
        archive.add_json("agenda.json", [{"position": 1, "title": "Báo cáo kết quả nhiệm vụ năm 2026"}])
        archive.add_file("documents/1 - Báo cáo kết quả nhiệm vụ 2026.pdf", report)
        archive.add_file("documents/2 - Dự thảo Nghị quyết.pdf", resolution)
        archive.add_bytes("annotations/1 - Báo cáo kết quả nhiệm vụ 2026.annotated.pdf", annotated)
        archive.add_json("annotations/1 - Báo cáo kết quả nhiệm vụ 2026.w3c.json", [w3c])
        archive.add_csv("votes.csv", votes[0], votes[1:])
        archive.add_csv("ballots/vote-1.csv", ["user_id", "choice"], [[1, "yes"], [2, "abstain"]])
        archive.add_csv("attendance.csv", attendance[0], attendance[1:])
        archive.add_audit(entries)
    with zipfile.ZipFile(path) as z:
        originals = {name: z.read(name) for name in z.namelist() if name != "manifest.json"}
    assert originals["documents/1 - Báo cáo kết quả nhiệm vụ 2026.pdf"] == report.read_bytes()
    return Built(path, originals, archive.summary, entries)


@pytest.fixture
def built(db, tmp_path) -> Built:
    return build_archive(db, make_meeting(db), tmp_path)


# ---- the command line and forging ------------------------------------------


def verify_cli(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "meeting_server", "verify-archive", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def named(result: subprocess.CompletedProcess) -> dict[str, str]:
    """The failing files on stderr, each with its line: `meeting-server: FILE: reasons`."""
    lines = result.stderr.splitlines()
    assert all(line.startswith("meeting-server: ") for line in lines), result.stderr
    return {line.split(": ", 2)[1]: line.split(": ", 2)[2] for line in lines}


def fails_naming(path: Path, *files: str) -> dict[str, str]:
    result = verify_cli(path)
    assert result.returncode == 1, result
    assert result.stdout == ""
    failing = named(result)
    assert set(failing) == set(files), result.stderr
    return failing


def forge(built: Built, target: Path, *, change=None, drop=(), add=None, fix_manifest=False, manifest=None) -> Path:
    """Rewrite the archive member by member as a forger with zipfile would (every CRC fits).

    change: {name: fn(bytes) -> bytes}; fix_manifest: also update the changed
    files' sha256 and size in the manifest; manifest: fn(dict) for anything else.
    """
    change, add = change or {}, add or {}
    with zipfile.ZipFile(built.path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    for name, fn in change.items():
        members[name] = fn(members[name])
    if fix_manifest or manifest:
        doc = json.loads(members["manifest.json"])
        if fix_manifest:
            for item in doc["files"]:
                if item["path"] in change:
                    item["sha256"], item["size"] = sha256_hex(members[item["path"]]), len(members[item["path"]])
        if manifest:
            manifest(doc)
        members["manifest.json"] = manifest_bytes(doc)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in {**members, **add}.items():
            if name not in drop:
                new.writestr(name, data)
    return target


def flip_middle(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def audit_lines(fn):
    """A change to audit.jsonl expressed on its list of entries."""

    def change(data: bytes) -> bytes:
        return chain.to_jsonl(fn([json.loads(line) for line in data.splitlines()]))

    return change


# ---- an intact archive ------------------------------------------------------


def test_an_intact_archive_verifies_and_holds_everything_as_given(db, built, tmp_path):
    result = verify_cli(built.path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [line] = result.stdout.splitlines()
    with db.read() as session:
        head = audit.head(session, built.chain[0]["meeting_id"])
    assert head == chain.ChainHead(len(STORY), built.chain[-1]["hash"])
    assert line.startswith("intact: ") and f"{len(built.originals)} files" in line
    # What to compare with the database and with the record of the export:
    assert f"audit head {head.hash}" in line and f"manifest sha256 {built.summary.manifest_sha256}" in line

    with zipfile.ZipFile(built.path) as z:
        names = z.namelist()
        manifest_data = z.read("manifest.json")
        info = z.getinfo("documents/2 - Dự thảo Nghị quyết.pdf")
    assert names[-1] == "manifest.json"
    assert info.flag_bits & 0x800  # the name is marked UTF-8, so every unzip shows "Dự thảo"
    assert info.compress_type == zipfile.ZIP_DEFLATED
    assert (
        built.originals["documents/2 - Dự thảo Nghị quyết.pdf"]
        == (DEMO / "du-thao-nghi-quyet-cchc-chuyen-doi-so.pdf").read_bytes()
    )
    assert sha256_hex(manifest_data) == built.summary.manifest_sha256
    manifest = json.loads(manifest_data)
    assert manifest_data == canonical_json(manifest) + b"\n"
    assert manifest == built.summary.manifest
    assert manifest["format"] == "meeting-archive/1"
    assert manifest["meeting"] == {
        "id": built.chain[0]["meeting_id"],
        "title": "Họp Chi bộ tháng 12 năm 2026",
        "minutes_sha256": MINUTES_SHA,
    }
    assert manifest["created_at"] == "2026-12-05T09:30:00+00:00"
    assert manifest["files"] == [
        {"path": name, "sha256": sha256_hex(data), "size": len(data)} for name, data in sorted(built.originals.items())
    ]
    assert manifest["audit"] == {"entries": len(STORY), "head_hash": head.hash}

    # audit.jsonl: one canonical entry per line, exactly the database's chain.
    lines = built.originals["audit.jsonl"].decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == built.chain
    assert [e["action"] for e in built.chain] == [a for a, _, _ in STORY]
    assert "Đồng chí Hùng vắng" in lines[2]  # UTF-8 as is, not \u escapes

    attendance = built.originals["attendance.csv"]
    assert attendance.startswith(b"\xef\xbb\xbf") and b"\r\n" in attendance
    rows = list(csv.reader(io.StringIO(attendance.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [
        "Nguyễn Đức Thành",
        '\'=HYPERLINK("http://evil.example","Bấm vào đây")',
        "'-Trần Thị Mai",
        "'@SUM(A1:A9)",
    ]


def test_the_same_inputs_make_the_same_archive_bit_for_bit(db, tmp_path):
    world = make_meeting(db)
    entries = tell_story(db, world)

    def build(name):
        with ArchiveWriter(tmp_path / name, {"id": world.meeting_id, "title": "Họp"}, created_at=CREATED_AT) as archive:
            archive.add_bytes("a.txt", "Biên bản".encode())
            archive.add_audit(entries)
        return (tmp_path / name).read_bytes()

    assert build("one.zip") == build("two.zip")


def test_an_archive_streamed_to_an_unseekable_target_verifies(db, tmp_path):
    class Pipe(io.RawIOBase):  # like an HTTP response body: write only, no seek, no tell
        def __init__(self):
            self.data = bytearray()

        def writable(self):
            return True

        def write(self, chunk):
            self.data += chunk
            return len(chunk)

    world = make_meeting(db)
    entries = tell_story(db, world)
    pipe = Pipe()
    with ArchiveWriter(pipe, {"id": world.meeting_id, "title": "Họp"}) as archive:
        archive.add_stream(
            "documents/Tờ trình.pdf", open(DEMO / "to-trinh-trang-thiet-bi-phong-hop-ban-scan.pdf", "rb")
        )
        archive.add_audit(entries)
    (tmp_path / "streamed.zip").write_bytes(pipe.data)
    result = verify_cli(tmp_path / "streamed.zip")
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "streamed.zip") as z:
        assert (
            z.read("documents/Tờ trình.pdf") == (DEMO / "to-trinh-trang-thiet-bi-phong-hop-ban-scan.pdf").read_bytes()
        )


# ---- tampering, file by file ------------------------------------------------


def test_one_changed_byte_in_any_file_is_named(built, tmp_path):
    for name in built.originals:
        forged = forge(built, tmp_path / "forged.zip", change={name: flip_middle})
        failing = fails_naming(forged, name)
        if name != "audit.jsonl":
            assert "SHA-256 differs" in failing[name]
        else:  # named twice over: the file's hash, and where its chain breaks
            assert "SHA-256 differs" in failing[name] and ("seq " in failing[name] or "line " in failing[name])


def test_one_flipped_byte_inside_the_zip_itself_is_named(built, tmp_path):
    """Damage to the stored bytes (disk, transfer) rather than a rewrite: every member, manifest included."""
    raw = built.path.read_bytes()
    with zipfile.ZipFile(built.path) as z:
        infos = z.infolist()
    for info in infos:
        header = raw[info.header_offset : info.header_offset + 30]
        start = (
            info.header_offset + 30 + int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
        )
        damaged = bytearray(raw)
        damaged[start + info.compress_size // 2] ^= 0x01
        (tmp_path / "damaged.zip").write_bytes(damaged)
        failing = fails_naming(tmp_path / "damaged.zip", info.filename)
        assert "cannot be extracted" in failing[info.filename] or "size is" in failing[info.filename]


def test_a_changed_manifest_is_named_or_shows_in_its_digest(built, tmp_path):
    # A digit of one file's recorded hash: the file and its record disagree, and the file is named.
    target = "documents/2 - Dự thảo Nghị quyết.pdf"

    def bump_hash(doc):
        item = next(i for i in doc["files"] if i["path"] == target)
        item["sha256"] = ("1" if item["sha256"][0] == "0" else "0") + item["sha256"][1:]

    fails_naming(forge(built, tmp_path / "a.zip", manifest=bump_hash), target)
    fails_naming(forge(built, tmp_path / "b.zip", change={"manifest.json": lambda d: d[:-3] + b"\n"}), "manifest.json")
    fails_naming(
        forge(
            built,
            tmp_path / "c.zip",
            change={
                "manifest.json": lambda d: d.replace(b'"format":"meeting-archive/1"', b'"format":"meeting-archive/9"')
            },
        ),
        "manifest.json",
    )
    fails_naming(
        forge(
            built,
            tmp_path / "d.zip",
            change={
                "manifest.json": lambda d: d.replace(b'"files":[', b'"files":[{"path":"x","sha256":"00","size":1},')
            },
        ),
        "manifest.json",
    )
    fails_naming(forge(built, tmp_path / "e.zip", drop={"manifest.json"}), "manifest.json")

    # A duplicated key, which a lenient reader would resolve silently, is refused.
    def duplicate(d):
        return d.replace(b'"format":"meeting-archive/1"', b'"format":"meeting-archive/1","format":"meeting-archive/1"')

    fails_naming(forge(built, tmp_path / "f.zip", change={"manifest.json": duplicate}), "manifest.json")

    # The title is not covered by anything inside the archive: the archive still
    # checks out, and only the manifest digest, compared with the one recorded
    # at export, shows the change. docs/archive.md says so.
    retitled = forge(built, tmp_path / "g.zip", manifest=lambda doc: doc["meeting"].update(title="Họp khác"))
    result = verify_cli(retitled)
    assert result.returncode == 0
    assert built.summary.manifest_sha256 not in result.stdout


def test_removed_and_added_files_are_named(built, tmp_path):
    gone = "documents/1 - Báo cáo kết quả nhiệm vụ 2026.pdf"
    failing = fails_naming(forge(built, tmp_path / "a.zip", drop={gone}), gone)
    assert "missing" in failing[gone]
    failing = fails_naming(
        forge(built, tmp_path / "b.zip", add={"documents/3 - Phụ lục.pdf": b"%PDF-1.7\n"}), "documents/3 - Phụ lục.pdf"
    )
    assert "not listed in the manifest" in failing["documents/3 - Phụ lục.pdf"]
    # Both at once, and a file swapped in under another's name together with its manifest line.
    fails_naming(
        forge(built, tmp_path / "c.zip", drop={"votes.csv"}, add={"votes2.csv": b"x"}), "votes.csv", "votes2.csv"
    )
    fails_naming(forge(built, tmp_path / "d.zip", drop={"audit.jsonl"}), "audit.jsonl")


# ---- tampering with the audit chain ------------------------------------------


def test_an_edited_audit_entry_is_named_even_with_a_consistent_manifest(built, tmp_path):
    def soften(entries):
        entries[2]["details"]["reason"] = "Đủ số lượng"
        return entries

    # The forger also fixes audit.jsonl's line in the manifest: only the chain tells.
    failing = fails_naming(
        forge(built, tmp_path / "a.zip", change={"audit.jsonl": audit_lines(soften)}, fix_manifest=True), "audit.jsonl"
    )
    assert failing["audit.jsonl"] == "seq 3: hash mismatch: the entry was changed after it was written"

    # A forger who also recomputes that entry's hash breaks the next link instead.
    def soften_and_rehash(entries):
        entries = soften(entries)
        entries[2]["hash"] = chain.entry_hash(entries[2])
        return entries

    failing = fails_naming(
        forge(built, tmp_path / "b.zip", change={"audit.jsonl": audit_lines(soften_and_rehash)}, fix_manifest=True),
        "audit.jsonl",
    )
    assert failing["audit.jsonl"].startswith("seq 4: broken link: prev_hash is not the hash of seq 3")


def test_a_dropped_or_truncated_audit_entry_is_named(built, tmp_path):
    failing = fails_naming(
        forge(
            built, tmp_path / "a.zip", change={"audit.jsonl": audit_lines(lambda e: e[:2] + e[3:])}, fix_manifest=True
        ),
        "audit.jsonl",
    )
    assert failing["audit.jsonl"].startswith("seq 4: gap in seq: expected 3 (an entry is missing)")
    # Dropping the newest entry leaves a sound chain: the manifest's head gives it away.
    failing = fails_naming(
        forge(built, tmp_path / "b.zip", change={"audit.jsonl": audit_lines(lambda e: e[:-1])}, fix_manifest=True),
        "audit.jsonl",
    )
    assert failing["audit.jsonl"].startswith(
        f"the chain has {len(STORY) - 1} entries ending in {built.chain[-2]['hash'][:12]}"
    )
    # Reordered lines.
    failing = fails_naming(
        forge(
            built,
            tmp_path / "c.zip",
            change={"audit.jsonl": audit_lines(lambda e: [e[0], e[2], e[1], *e[3:]])},
            fix_manifest=True,
        ),
        "audit.jsonl",
    )
    assert failing["audit.jsonl"].startswith("seq 3: gap in seq: expected 2")


def test_a_whole_forged_chain_passes_alone_but_not_against_the_database(db, built, tmp_path):
    """What verify-archive cannot prove by itself: a forger who rewrites every hash from
    seq 3 on and the manifest makes a consistent archive. The head hash it prints differs
    from the database's, which is the comparison docs/archive.md asks for."""

    def rewrite_history(entries):
        entries[2]["details"]["reason"] = "Đủ số lượng"
        for before, entry in itertools.pairwise(entries):
            entry["prev_hash"] = before["hash"]
            entry["hash"] = chain.entry_hash(entry)
        return entries

    history = audit_lines(rewrite_history)(built.originals["audit.jsonl"])
    new_head = json.loads(history.splitlines()[-1])["hash"]
    forged = forge(
        built,
        tmp_path / "forged.zip",
        change={"audit.jsonl": lambda _: history},
        fix_manifest=True,
        manifest=lambda doc: doc["audit"].update(head_hash=new_head),
    )
    result = verify_cli(forged)
    assert result.returncode == 0, result.stderr
    with db.read() as session:
        truth = audit.head(session, built.chain[0]["meeting_id"])
    assert f"audit head {truth.hash}" not in result.stdout
    assert verify_archive(forged).audit_head != truth
    assert verify_archive(built.path).audit_head == truth


def test_what_is_not_an_archive_gets_one_clear_line(built, tmp_path):
    cases = {
        tmp_path / "nowhere.zip": "no such file",
        tmp_path / "notes.zip": "not a ZIP archive",
        tmp_path / "empty.zip": "not a ZIP archive",
        tmp_path / "half.zip": "not a ZIP archive",
        tmp_path: "is a directory, not a ZIP archive",
    }
    (tmp_path / "notes.zip").write_text("Biên bản cuộc họp", encoding="utf-8")
    (tmp_path / "empty.zip").write_bytes(b"")
    (tmp_path / "half.zip").write_bytes(built.path.read_bytes()[: built.path.stat().st_size // 2])
    for path, message in cases.items():
        result = verify_cli(path)
        assert result.returncode == 1 and result.stdout == ""
        assert result.stderr == f"meeting-server: {path}: {message}\n"
    # A valid ZIP that is no meeting archive names what it lacks.
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("readme.txt", "xin chào")
    failing = fails_naming(tmp_path / "other.zip", "manifest.json")
    assert "missing" in failing["manifest.json"]


def test_names_from_a_hostile_zip_stay_on_one_line(built, tmp_path):
    forged = forge(built, tmp_path / "forged.zip", add={"evil\n\x1b[2Jname.txt": b"x"})
    result = verify_cli(forged)
    assert result.returncode == 1
    assert result.stderr == (
        "meeting-server: evil\\n\\x1b[2Jname.txt: a control character in its name; not listed in the manifest\n"
    )


# ---- the audit log itself ----------------------------------------------------


def test_record_chains_entries_and_exports_them(db):
    world = make_meeting(db)
    entries = tell_story(db, world)
    assert [e["seq"] for e in entries] == list(range(1, len(STORY) + 1))
    assert entries[0]["prev_hash"] == "0" * 64
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in itertools.pairwise(entries))
    assert chain.verify_chain(entries) == [] and audit.verify_chain is chain.verify_chain
    first = entries[0]
    assert first["at"].endswith("+00:00") and len(first["at"]) == len("2026-12-05T09:30:00.123456+00:00")
    # The hash is the SHA-256 of the documented canonical form, recomputable by anyone.
    hashed = {k: first[k] for k in ("action", "actor_id", "at", "details", "meeting_id", "prev_hash", "seq")}
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert first["hash"] == sha256_hex(text.encode("utf-8"))
    # A second meeting has a chain of its own.
    other = make_meeting(db, "Họp khác")
    with db.write() as session:
        entry = audit.record(session, other.meeting_id, None, "meeting.opened")
    assert (entry.seq, entry.prev_hash, entry.actor_id) == (1, "0" * 64, None)
    with db.read() as session:
        assert audit.head(session, world.meeting_id) == chain.ChainHead(len(STORY), entries[-1]["hash"])


def test_record_commits_and_rolls_back_with_the_change_it_records(db):
    world = make_meeting(db)
    with pytest.raises(RuntimeError), db.write() as session:
        audit.record(session, world.meeting_id, None, "meeting.opened")
        raise RuntimeError("the service failed after recording")
    with db.write() as session:
        entry = audit.record(session, world.meeting_id, None, "meeting.opened")
    assert entry.seq == 1


def test_record_refuses_what_cannot_be_recorded(db):
    world = make_meeting(db)
    refused = [
        ({"action": "Vote Opened"}, ValueError),
        ({"action": "vote"}, ValueError),
        ({"action": "vote." + "x" * 64}, ValueError),
        ({"details": ["not", "an", "object"]}, TypeError),
        ({"details": {"when": datetime.now()}}, TypeError),
        ({"details": {"ratio": float("nan")}}, ValueError),
        ({"meeting_id": 999_999}, NotFound),
    ]
    for change, error in refused:
        args = {"meeting_id": world.meeting_id, "action": "vote.opened", "details": {}, **change}
        with pytest.raises(error), db.write() as session:
            audit.record(session, args["meeting_id"], None, args["action"], args["details"])
    with db.read() as session:
        assert session.exec(select(AuditEntry)).all() == []


def test_verify_chain_names_the_first_broken_entry(db):
    entries = tell_story(db, make_meeting(db))

    def problems(fn):
        return [str(p) for p in chain.verify_chain(fn(json.loads(json.dumps(entries))))]

    assert chain.verify_chain([]) == []
    assert problems(lambda e: e) == []

    def edit(e):
        e[1]["action"] = "vote.cancelled"
        return e

    assert problems(edit) == ["seq 2: hash mismatch: the entry was changed after it was written"]
    assert problems(lambda e: e[1:]) == [
        "seq 2: gap in seq: expected 1 (an entry is missing)",
    ]
    assert problems(lambda e: e[:3] + e[2:]) == ["seq 3: gap in seq: expected 4 (entries are repeated or out of order)"]

    def zero_prev(e):
        e[0]["prev_hash"] = "1" * 64
        e[0]["hash"] = chain.entry_hash(e[0])
        return e

    assert problems(zero_prev)[0] == "seq 1: broken link: prev_hash is not 64 zeros, as the first entry"

    def extra_field(e):
        e[3]["note"] = "added later"
        return e

    assert problems(extra_field) == ["seq 4: unexpected field(s) note, which the hash does not cover"]
    assert problems(lambda e: [*e[:2], "garbage", *e[3:]]) == ["line 3: not a JSON object"]

    def other_meeting(e):
        e[4]["meeting_id"] += 1
        e[4]["hash"] = chain.entry_hash(e[4])
        e[5]["prev_hash"] = e[4]["hash"]
        e[5]["hash"] = chain.entry_hash(e[5])
        return e

    assert problems(other_meeting) == [
        f"seq 5: belongs to meeting {entries[0]['meeting_id'] + 1}, the chain to meeting {entries[0]['meeting_id']}"
    ]


def test_parse_jsonl_refuses_non_canonical_lines():
    entries, problems = chain.parse_jsonl(b'{"a":1}\n{"a": 1}\nnot json\n{"a":1,"a":2}\n{"b":2}')
    assert entries == [{"a": 1}, {"a": 1}, {"a": 2}, {"b": 2}]
    assert [str(p) for p in problems] == [
        "line 5: the last line does not end with a newline",
        "line 2: not written in canonical form",
        "line 3: not a JSON line (the entry was damaged or removed)",
        "line 4: not written in canonical form",
    ]
    assert chain.parse_jsonl(b"") == ([], [])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.scaleout)])
def any_db(request) -> Database:
    return request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")


def test_concurrent_writers_get_every_seq_once_and_one_valid_chain(any_db):
    """Threads record into one meeting, half of them also appending to the event log
    before, half after: seqs 1..N without gaps or repeats, one sound chain, no deadlock."""
    db = any_db
    world = make_meeting(db)
    threads, each = 8, 12
    start = threading.Barrier(threads)
    failures = []

    def writer(n):
        start.wait()
        try:
            for i in range(each):
                with db.write() as session:
                    tx = Tx(session)
                    event = MeetingStatusChanged(meeting_id=world.meeting_id, status=MeetingStatus.open)
                    if (n + i) % 2:
                        tx.notify_after_commit(event)
                    audit.record(
                        session, world.meeting_id, world.users["chair"], "test.recorded", {"thread": n, "i": i}
                    )
                    if not (n + i) % 2:
                        tx.notify_after_commit(event)
        except Exception as exc:  # reported below, with the thread that failed
            failures.append((n, repr(exc)))

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    with db.read() as session:
        entries = audit.export_chain(session, world.meeting_id)
        meeting = session.get(Meeting, world.meeting_id)
    assert [e["seq"] for e in entries] == list(range(1, threads * each + 1))
    assert chain.verify_chain(entries) == []
    assert sorted((e["details"]["thread"], e["details"]["i"]) for e in entries) == [
        (n, i) for n in range(threads) for i in range(each)
    ]
    assert meeting.last_seq == threads * each


# ---- the writer's rules --------------------------------------------------------


def test_the_writer_refuses_paths_that_would_not_extract_cleanly(db, tmp_path):
    world = make_meeting(db)
    archive = ArchiveWriter(tmp_path / "a.zip", {"id": world.meeting_id, "title": "Họp"})
    archive.add_bytes("documents/Báo cáo.pdf", b"x")
    for bad in (
        "/etc/passwd",
        "../x",
        "a//b",
        "a\\b",
        "C:/x",
        "a/./b",
        "dir/",
        "tên.",
        "x\ny",
        "manifest.json",
        "Audit.JSONL",
        "documents/báo cáo.PDF",
        "documents/Báo cáo.pdf/x",
        "documents",
    ):
        with pytest.raises(ArchiveError):
            archive.add_bytes(bad, b"x")
    # The same name in decomposed form (as macOS writes it) is the same file.
    with pytest.raises(ArchiveError):
        archive.add_bytes("documents/Ba\u0301o ca\u0301o.pdf", b"x")
    with pytest.raises(ArchiveError, match="audit"):
        archive.finish()
    archive.abort()
    assert not (tmp_path / "a.zip").exists()
    assert portable_name('Nghị quyết: số 12/NQ-CB "mới"') == "Nghị quyết- số 12-NQ-CB -mới-"
    assert portable_name(" ... ") == "untitled"


def test_the_writer_seals_only_a_sound_chain_and_cleans_up_on_error(db, tmp_path):
    world = make_meeting(db)
    entries = tell_story(db, world)
    broken = json.loads(json.dumps(entries))
    broken[1]["details"]["title"] = "khác"
    for meeting_id, given, refusal in ((world.meeting_id, broken, "seq 2"), (world.meeting_id + 1, entries, "meeting")):
        archive = ArchiveWriter(tmp_path / "b.zip", {"id": meeting_id, "title": "Họp"})
        with pytest.raises(ArchiveError, match=refusal):
            archive.add_audit(given)
        archive.abort()
    with pytest.raises(ArchiveError):
        ArchiveWriter(tmp_path / "d.zip", {"title": "Họp"})
    with (
        pytest.raises(RuntimeError),
        ArchiveWriter(tmp_path / "e.zip", {"id": world.meeting_id, "title": "Họp"}) as archive,
    ):
        archive.add_bytes("a.txt", b"x")
        raise RuntimeError("the minutes PDF failed to render")
    assert not (tmp_path / "e.zip").exists()
    with ArchiveWriter(tmp_path / "f.zip", {"id": world.meeting_id, "title": "Họp"}) as archive:
        archive.add_audit(entries)
    with pytest.raises(ArchiveError, match="finished"):
        archive.add_bytes("late.txt", b"x")
    assert verify_archive(tmp_path / "f.zip").ok


# ---- CSV -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["=1+1", "+84 912 345 678", "-2+3", "@SUM(A1)", "\tx", "\r=1", '=HYPERLINK("http://x","y")']
)
def test_a_formula_like_text_cell_is_escaped(cell):
    assert escape_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Nguyễn Thị Hà", "", "a=b", "1+1", "'=already quoted", " =leading space", "Đ"])
def test_plain_text_is_left_alone(cell):
    assert escape_cell(cell) == cell


def test_non_text_cells():
    assert [escape_cell(v) for v in (None, -3, 2.5, Decimal("-1.50"), True, False, date(2026, 12, 5))] == [
        "",
        "-3",
        "2.5",
        "-1.50",
        "true",
        "false",
        "2026-12-05",
    ]
    with pytest.raises(TypeError):
        escape_cell(object())


def test_csv_bytes_open_in_excel_as_vietnamese_and_round_trip():
    rows = [["=cmd|' /C calc'!A0", "Trần, Văn An", 'nói "đồng ý"\nrồi về', -5], ["-", "@", "+", None]]
    data = csv_bytes(["Họ và tên", "=bad header", "ghi chú", "số"], rows)
    assert data.startswith(b"\xef\xbb\xbfH\xe1\xbb\x8d")  # BOM, then UTF-8 "Họ"
    assert data.endswith(b"\r\n")
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert back == [
        ["Họ và tên", "'=bad header", "ghi chú", "số"],
        ["'=cmd|' /C calc'!A0", "Trần, Văn An", 'nói "đồng ý"\nrồi về', "-5"],
        ["'-", "'@", "'+", ""],
    ]
    semicolons = csv_bytes(["a", "b"], [["x;y", 1]], delimiter=";")
    assert semicolons.decode("utf-8-sig") == 'a;b\r\n"x;y";1\r\n'
