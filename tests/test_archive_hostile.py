"""`meeting-server verify-archive` on hostile ZIPs (issue 14): every trick is named,
never called intact, always in one line per failing file and exit 1, within
small memory and time.

Each hostile archive starts from a real one (ArchiveWriter, as
tests/test_archive_format.py builds it) and is rewritten byte by byte by
`zip_bytes` below, a ZIP writer small enough to lie: about sizes, offsets,
names, file types. Its manifest is kept consistent with what the ZIP holds
(every listed SHA-256 and size true), so only the hostile trick itself can
make the check fail — as it would for a careful forger.
"""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from meeting_server.archive.bundle import manifest_bytes
from meeting_server.archive.canonical import sha256_hex
from meeting_server.archive.verify import JSON_MAX_DEPTH, MAX_MEMBERS, json_too_deep, verify_archive
from meeting_server.config import Settings
from meeting_server.db import Database
from tests.test_archive_format import Built, build_archive, make_meeting

DOCUMENT = "documents/2 - Dự thảo Nghị quyết.pdf"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "data").mkdir()
    database = Database(Settings(data_dir=folder / "data", database_url=None))
    database.create_schema()
    try:
        return build_archive(database, make_meeting(database), folder)
    finally:
        database.dispose()


# ---- a ZIP writer that can lie ----------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    stored: bool = False
    mode: int = 0o100644  # st_mode in the upper half of external_attr, as Unix zip writes it
    comment: bytes = b""
    declared: int | None = None  # the uncompressed size the headers give (the truth when None)
    packed: bytes | None = None  # the compressed bytes as given (computed from data when None)
    crc: int | None = None
    packed_size: int | None = None  # the compressed size the headers give (the truth when None)
    method: int | None = None  # the compression method the headers give (stored or deflated when None)


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def zip_bytes(
    members: list[Member],
    *,
    comment: bytes = b"",
    prefix: bytes = b"",
    offsets_include_prefix: bool = False,
    after: dict[str, bytes] | None = None,
) -> bytes:
    """A ZIP of `members`: local header and data one after the other, then the central directory.

    prefix: bytes before the ZIP (another archive); with offsets_include_prefix the
    offsets count them (as `zip -A` fixes them), else they do not (as `cat` leaves them).
    after: bytes written right after a member's data, hidden between members.
    """
    body, directory = bytearray(), bytearray()
    base = len(prefix) if offsets_include_prefix else 0
    for member in members:
        name = member.name.encode("utf-8")
        flags = 0 if member.name.isascii() else 0x800
        method = (0 if member.stored else 8) if member.method is None else member.method
        packed = member.packed if member.packed is not None else member.data if member.stored else deflate(member.data)
        crc = zlib.crc32(member.data) if member.crc is None else member.crc
        size = len(member.data) if member.declared is None else member.declared
        packed_size = len(packed) if member.packed_size is None else member.packed_size
        offset = base + len(body)
        times = (0x4A00, 0x5D85)  # 2026-12-05 09:16
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, *times, crc, packed_size, size, len(name), 0)
        body += name + packed + (after or {}).get(member.name, b"")
        directory += struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            0x0314,  # made on Unix: the mode bits count
            20,
            flags,
            method,
            *times,
            crc,
            packed_size,
            size,
            len(name),
            0,
            len(member.comment),
            0,
            0,
            member.mode << 16,
            offset,
        )
        directory += name + member.comment
    count = min(len(members), 0xFFFF)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), base + len(body), len(comment))
    return prefix + bytes(body) + bytes(directory) + end + comment


def real_members(built: Built) -> list[Member]:
    with zipfile.ZipFile(built.path) as z:
        return [Member(info.filename, z.read(info)) for info in z.infolist()]


def resealed(built: Built, *, add: list[Member] = (), change: Callable[[Member], Member] | None = None) -> list[Member]:
    """The real archive's members plus `add`, with a manifest listing each one truly."""
    members = [m for m in real_members(built) if m.name != "manifest.json"]
    if change:
        members = [change(m) for m in members]
    members += list(add)
    manifest = json.loads(dict((m.name, m.data) for m in real_members(built))["manifest.json"])
    sizes = {m.name: (sha256_hex(m.data), m.declared if m.declared is not None else len(m.data)) for m in members}
    manifest["files"] = [{"path": n, "sha256": h, "size": s} for n, (h, s) in sorted(sizes.items())]
    return [*members, Member("manifest.json", manifest_bytes(manifest))]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- running the command ------------------------------------------------------------


def verify_cli(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "meeting_server", "verify-archive", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def refused(path: Path, **expected: str) -> dict[str, str]:
    """Exit 1, nothing on stdout, one line per failing file; each file in `expected`
    (keyword: a name below, or "zip" for the archive itself) named with its phrase."""
    result = verify_cli(path)
    assert result.returncode == 1, result
    assert result.stdout == "" and "intact" not in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("meeting-server: ") for line in lines), result.stderr
    failing: dict[str, str] = {}
    for key, phrase in expected.items():
        name = str(path) if key == "zip" else NAMES[key]
        start = f"meeting-server: {name}: "
        shown = [line.removeprefix(start) for line in lines if line.startswith(start)]
        assert len(shown) == 1, (name, result.stderr)
        assert phrase in shown[0], (name, phrase, result.stderr)
        failing[name] = shown[0]
    report = verify_archive(path)
    assert not report.ok
    assert len(lines) == (len(report.by_file()) if report.readable else 1)  # one line per failing file
    return failing


NAMES = {
    "up": "../etc/passwd",
    "deep_up": "documents/../../.bashrc",
    "absolute": "/etc/cron.d/evil",
    "drive": "C:/Windows/evil.bat",
    "backslash": "documents\\..\\..\\evil.bat",
    "link": "documents/3 - Phụ lục.pdf",
    "case": "Votes.csv",
    "nfd": unicodedata.normalize("NFD", DOCUMENT),
    "document": DOCUMENT,
    "votes": "votes.csv",
    "bomb": "documents/9 - zeros.pdf",
    "manifest": "manifest.json",
    "audit": "audit.jsonl",
}


# ---- the real archive, and the writer of the tests ---------------------------------


def test_the_real_archive_verifies_and_so_does_its_faithful_rewrite(built, tmp_path):
    """The hostile cases below differ from an intact archive only by their trick."""
    for path in (built.path, write(tmp_path, "same.zip", zip_bytes(resealed(built)))):
        result = verify_cli(path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"intact: {path}: {len(built.originals)} files")
        assert verify_archive(path).ok


# ---- names, types and duplicates -------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "phrase"),
    [
        ("up", "path leaves the archive"),
        ("deep_up", "path leaves the archive"),
        ("absolute", "absolute path"),
        ("drive", "absolute path with a drive letter"),
        ("backslash", "backslash in the path"),
    ],
)
def test_a_path_that_leaves_the_folder_is_named(built, tmp_path, key, phrase):
    path = write(tmp_path, "a.zip", zip_bytes(resealed(built, add=[Member(NAMES[key], b"pwned\n")])))
    refused(path, **{key: phrase})


def test_a_symlink_member_is_named(built, tmp_path):
    link = Member(NAMES["link"], b"/etc/passwd", stored=True, mode=0o120777)
    refused(write(tmp_path, "a.zip", zip_bytes(resealed(built, add=[link]))), link="is a symbolic link")
    # A folder, a device: no file either.
    for mode, phrase in ((0o040755, "folder entry"), (0o020644, "not a regular file")):
        odd = replace(link, mode=mode, data=b"")
        refused(write(tmp_path, "b.zip", zip_bytes(resealed(built, add=[odd]))), link=phrase)


def test_names_that_differ_only_in_case_or_normalisation_are_named(built, tmp_path):
    with zipfile.ZipFile(built.path) as z:
        votes, document = z.read(NAMES["votes"]), z.read(DOCUMENT)
    case = resealed(built, add=[Member(NAMES["case"], b"vote_id,title\r\n1,forged\r\n")])
    refused(write(tmp_path, "case.zip", zip_bytes(case)), case=f"same name as {NAMES['votes']!r}")
    # The same bytes under the other name: still two files where one extracts over the other.
    refused(write(tmp_path, "case2.zip", zip_bytes(resealed(built, add=[Member(NAMES["case"], votes)]))), case="same")
    nfd = resealed(built, add=[Member(NAMES["nfd"], document + b"%forged")])
    failing = refused(write(tmp_path, "nfd.zip", zip_bytes(nfd)), nfd=f"same name as {DOCUMENT!r}")
    assert "not in Unicode NFC" in failing[NAMES["nfd"]]
    # And the same name twice, exactly.
    twice = resealed(built)
    twice.insert(0, Member(NAMES["votes"], b"forged\r\n"))
    refused(write(tmp_path, "twice.zip", zip_bytes(twice)), votes="appears twice")


# ---- data outside every file ------------------------------------------------------------------


def test_data_hidden_in_the_zip_comment_or_around_the_files_is_named(built, tmp_path):
    members = resealed(built)
    secret = b"Danh sach bo phieu kin: ..." * 10
    refused(write(tmp_path, "comment.zip", zip_bytes(members, comment=secret)), zip="the ZIP comment holds 270 bytes")
    # zipfile itself adds the comment the same way: the real archive, commented.
    with zipfile.ZipFile(write(tmp_path, "commented.zip", built.path.read_bytes()), "a") as z:
        z.comment = b"x"
    refused(tmp_path / "commented.zip", zip="the ZIP comment holds 1 bytes")
    member_comment = [replace(m, comment=secret) if m.name == NAMES["votes"] else m for m in members]
    refused(write(tmp_path, "member.zip", zip_bytes(member_comment)), votes="carries a comment of 270 bytes")
    between = zip_bytes(members, after={NAMES["votes"]: secret})
    refused(write(tmp_path, "between.zip", between), votes="270 bytes follow it that belong to no file")
    refused(write(tmp_path, "trailing.zip", zip_bytes(members) + secret), zip="270 bytes follow the end of the ZIP")


def test_another_archive_prepended_is_named(built, tmp_path):
    other = write(tmp_path, "other.zip", b"")
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("setup.exe", b"MZ" + b"\0" * 200)
    prefix = other.read_bytes()
    # As `cat other.zip archive.zip` makes it: zipfile reads it anyway, correcting every offset.
    cat = write(tmp_path, "cat.zip", prefix + built.path.read_bytes())
    with zipfile.ZipFile(cat) as z:
        assert z.testzip() is None  # what made the old check call it intact
    refused(cat, zip=f"{len(prefix)} bytes come before the ZIP itself")
    # With the offsets fixed to count the prefix (`zip -A`): the first member starts late.
    fixed = zip_bytes(resealed(built), prefix=prefix, offsets_include_prefix=True)
    refused(write(tmp_path, "fixed.zip", fixed), zip=f"{len(prefix)} bytes come before the first member")
    # Not even a ZIP in front: an executable stub.
    stub = zip_bytes(resealed(built), prefix=b"MZ" + b"\x90" * 64, offsets_include_prefix=True)
    refused(write(tmp_path, "stub.zip", stub), zip="66 bytes come before the first member: another file or archive")


# ---- zip bombs: sizes that lie, members that share bytes, too many members ----------


def measured(path: Path) -> dict:
    """The command run by a fresh Python whose only child it is: exit code, stderr, peak memory, time."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.monotonic()\n"
        "done = subprocess.run([sys.executable, '-m', 'meeting_server', 'verify-archive', sys.argv[1]],"
        " capture_output=True, text=True, timeout=120)\n"
        "print(json.dumps({'code': done.returncode, 'out': done.stdout, 'err': done.stderr,"
        " 'seconds': time.monotonic() - start,"
        " 'rss_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_small_and_fast(path: Path, phrase: str) -> dict:
    run = measured(path)
    print(f"{path.name}: {path.stat().st_size} bytes, {run['seconds']:.2f} s, {run['rss_mb']:.0f} MB peak")
    assert run["code"] == 1 and run["out"] == "", run
    assert "Traceback" not in run["err"] and phrase in run["err"], run["err"]
    assert all(line.startswith("meeting-server: ") for line in run["err"].splitlines())
    # Guards against a hang or a blow-up, not benchmarks: the old check took 15 GB and 300 s.
    assert run["rss_mb"] < 200, run
    assert run["seconds"] < 10, run
    return run


@pytest.fixture(scope="module")
def two_gb_of_zeros(tmp_path_factory) -> tuple[Path, dict]:
    """A real zip bomb: the real archive plus 2 GiB of zeros streamed through zipfile (about 2 MB
    deflated), listed in the manifest with its true SHA-256 and size, so only its size betrays it."""
    folder = tmp_path_factory.mktemp("bomb")
    path = folder / "bomb.zip"
    size, zeros, digest = 2 * 1024 * MB, bytes(MB), hashlib.sha256()
    info = zipfile.ZipInfo(NAMES["bomb"])
    info.compress_type = zipfile.ZIP_DEFLATED
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
        z.open(info, "w", force_zip64=True) as member,
    ):
        for _ in range(size // MB):
            member.write(zeros)
            digest.update(zeros)
    return path, {"path": NAMES["bomb"], "sha256": digest.hexdigest(), "size": size}


def test_a_real_zip_bomb_is_refused_fast_and_small(built, two_gb_of_zeros, tmp_path):
    bomb_only, listed = two_gb_of_zeros
    # The real archive's members and manifest moved over, the bomb listed as a document.
    with zipfile.ZipFile(built.path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    manifest["files"] = sorted([*manifest["files"], listed], key=lambda item: item["path"])
    path = tmp_path / "bomb.zip"
    path.write_bytes(bomb_only.read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        z.writestr("manifest.json", manifest_bytes(manifest))
    assert path.stat().st_size < 4 * MB
    assert_small_and_fast(path, f"meeting-server: {NAMES['bomb']}: unpacks to 2 GiB")
    refused(path, bomb="a zip bomb, not read")


def test_a_header_lying_about_sizes_is_refused_unread(built, tmp_path):
    kernel = deflate(bytes(64 * 1024))
    # 4 GB declared from 64 bytes: no deflate stream can do that.
    liar = Member(NAMES["bomb"], bytes(64 * 1024), declared=4_000_000_000, packed=kernel)
    path = write(tmp_path, "liar.zip", zip_bytes(resealed(built, add=[liar])))
    assert_small_and_fast(path, "more than deflate can produce")
    # Stored, yet larger unpacked than packed.
    stored = Member(NAMES["bomb"], b"x" * 100, stored=True, declared=3_000_000_000)
    refused(write(tmp_path, "stored.zip", zip_bytes(resealed(built, add=[stored]))), bomb="the header lies")
    # A compression method an archive never uses (bzip2 reaches ratios deflate cannot).
    bzip = Member(NAMES["bomb"], b"BZh9", stored=True, method=12)
    refused(write(tmp_path, "bzip.zip", zip_bytes(resealed(built, add=[bzip]))), bomb="compressed with method 12")


def test_members_sharing_bytes_are_refused_unread(built, tmp_path):
    """The overlapping zip bomb: a member whose compressed size reaches into the next one.
    zipfile reads both, and the old check called them intact."""
    members = resealed(built)
    votes = next(m for m in members if m.name == NAMES["votes"])
    index = members.index(votes)
    following = members[index + 1]
    reach = 30 + len(following.name.encode()) + len(deflate(following.data))
    members[index] = replace(votes, packed_size=len(deflate(votes.data)) + reach)
    path = write(tmp_path, "overlap.zip", zip_bytes(members))
    with zipfile.ZipFile(path) as z:
        assert z.read(NAMES["votes"]) == votes.data  # a reader that trusts the directory sees nothing wrong
    refused(path, votes="shares bytes with the member")

    # Many directory entries on one local header (each read would inflate the same 100 MB again).
    zeros = bytes(100 * MB)
    kernel = Member("documents/zeros.pdf", zeros, packed=deflate(zeros))
    real = resealed(built)
    body = zip_bytes([*real, kernel])
    assert len(body) < 400 * 1024
    shared = _many_entries_on_one(body, "documents/zeros.pdf", copies=200)
    path = write(tmp_path, "shared.zip", shared)
    run = assert_small_and_fast(path, "zip bomb")
    assert run["err"].count("shares bytes") >= 200


def _many_entries_on_one(data: bytes, name: str, *, copies: int) -> bytes:
    """`data`'s central directory with `copies` more entries, all pointing at the member `name`."""
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HLL", data, end + 10)
    directory = data[offset : offset + size]
    at = directory.find(b"PK\x01\x02" + b"\x14\x03")
    entries = []
    while at >= 0:
        length = 46 + sum(struct.unpack_from("<3H", directory, at + 28))
        entries.append(directory[at : at + length])
        at = directory.find(b"PK\x01\x02", at + length)
    target = next(e for e in entries if e[46:].startswith(name.encode()))
    extra = b"".join(
        target[:28] + struct.pack("<H", len(f"z/{n}.pdf")) + target[30:46] + f"z/{n}.pdf".encode()
        for n in range(copies)
    )
    directory += extra
    end_record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count + copies, count + copies, len(directory), offset, 0)
    return data[:offset] + directory + end_record


def test_too_many_members_are_refused_before_reading_them(built, tmp_path):
    members = [Member(f"f/{n}", b"", stored=True) for n in range(MAX_MEMBERS + 1)]
    path = write(tmp_path, "many.zip", zip_bytes(members))
    assert_small_and_fast(path, f"more than {MAX_MEMBERS} members")


# ---- JSON that nests too deep, lines too long -------------------------------------------


def test_a_deeply_nested_audit_line_is_named_not_a_traceback(built, tmp_path):
    def nest(member: Member) -> Member:
        if member.name != "audit.jsonl":
            return member
        deep = b'{"details":' * 50_000 + b"1" + b"}" * 50_000  # 600 KB, 50,000 levels
        return replace(member, data=member.data + deep + b"\n")

    path = write(tmp_path, "deep.zip", zip_bytes(resealed(built, change=nest)))
    failing = refused(path, audit=f"line 7: nested deeper than {JSON_MAX_DEPTH} levels")
    assert "RecursionError" not in failing["audit.jsonl"]
    assert_small_and_fast(path, "nested deeper")

    def long_line(member: Member) -> Member:
        if member.name != "audit.jsonl":
            return member
        return replace(member, data=member.data + b'{"a":"' + b"x" * (2 * MB) + b'"}\n' + b"[]\n")

    failing = refused(
        write(tmp_path, "long.zip", zip_bytes(resealed(built, change=long_line))), audit="line 7: longer than 1024 KiB"
    )
    assert "not a JSON object" in failing["audit.jsonl"]  # the line after it is read again


def test_a_deeply_nested_or_oversized_manifest_is_named(built, tmp_path):
    members = resealed(built)
    doc = json.loads(members[-1].data)
    doc["meeting"]["notes"] = 0
    nested = manifest_bytes(doc).replace(b'"notes":0', b'"notes":' + b"[" * 5000 + b"0" + b"]" * 5000)
    deep = [*members[:-1], Member("manifest.json", nested)]
    refused(write(tmp_path, "deep.zip", zip_bytes(deep)), manifest="nested deeper than")
    padded = [*members[:-1], Member("manifest.json", members[-1].data[:-1] + b" " * (4 * MB) + b"\n")]
    refused(write(tmp_path, "big.zip", zip_bytes(padded)), manifest="larger than")


def test_the_depth_check_counts_only_structure():
    assert not json_too_deep(b'{"a":"' + b"[" * 1000 + b'"}')  # brackets inside a string
    assert not json_too_deep(b'["\\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 1]')
    assert not json_too_deep(b"[" * JSON_MAX_DEPTH + b"]" * JSON_MAX_DEPTH)
    assert json_too_deep(b"[" * (JSON_MAX_DEPTH + 1) + b"]" * (JSON_MAX_DEPTH + 1))
    assert json_too_deep(b"[" * 100_000)  # never closed
    assert not json_too_deep(b"[" + b"[]," * 10_000 + b"[]]")  # wide, not deep
    # An unclosed string of escaped quotes: one pass, never a quadratic search.
    started = time.monotonic()
    assert json_too_deep(b"[" * 40 + b'"' + b'\\"' * 500_000)
    assert time.monotonic() - started < 2


# ---- many problems at once --------------------------------------------------------------


def test_everything_at_once_gives_one_line_per_failing_file(built, tmp_path):
    keys = ("up", "absolute", "backslash", "case")
    added = [Member(NAMES[key], b"x") for key in keys] + [
        Member(NAMES["link"], b"/etc/shadow", stored=True, mode=0o120777)
    ]
    prefix = b"PK\x03\x04" + b"\0" * 60
    path = write(tmp_path, "all.zip", zip_bytes(resealed(built, add=added), comment=b"hidden", prefix=prefix))
    failing = refused(
        path,
        zip="prepended",
        up="leaves the archive",
        absolute="absolute path",
        backslash="backslash",
        case="same name as",
        link="symbolic link",
    )
    assert "the ZIP comment holds 6 bytes" in failing[str(path)]


def test_a_real_file_that_compresses_like_a_bomb_still_verifies_within_the_budget(built, tmp_path):
    """64 MiB of blank uncompressed scan deflate 1000:1, like a bomb; an archive may hold 1 GiB of such."""
    scan = Member("documents/4 - Bản quét trắng.pdf", b"%PDF-1.4\n" + bytes(64 * MB))
    path = write(tmp_path, "scan.zip", zip_bytes(resealed(built, add=[scan])))
    result = verify_cli(path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"intact: {path}: {len(built.originals) + 1} files")


def test_a_flood_of_problems_is_cut_to_a_thousand_lines_and_a_count(built, tmp_path):
    flood = [Member(f"x/{n}.txt", b"", stored=True) for n in range(1500)]
    members = [*resealed(built), *flood]  # after the manifest: none of them listed
    path = write(tmp_path, "flood.zip", zip_bytes(members))
    report = verify_archive(path)
    assert len(report.problems) == 1001
    assert report.problems[-1] == type(report.problems[0])(str(path), "and 500 more problems, not listed one by one")
    result = verify_cli(path)
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1001
