"""Checking a meeting archive: every file against the manifest, and the audit chain.

`verify_archive(path)` reads the ZIP without extracting anything and returns
a `Report` whose problems each name the member they concern: a file the
manifest lists but the ZIP lacks, a file the ZIP holds but the manifest does
not list, a size or SHA-256 that differs, a member the ZIP cannot give back
(bad CRC, damaged deflate stream), an unreadable manifest, a broken audit
chain, or an audit chain that ends elsewhere than the manifest says.

What an intact report proves: the archive is exactly as its manifest
describes, and its audit log is one unbroken chain ending at the manifest's
head hash. What it cannot prove on its own: that the manifest is the one the
server wrote — someone who rewrites a file, the manifest and the whole chain
together makes a consistent fake. Compare `audit_head` with the database
(`archive.audit.head`) and the minutes' SHA-256 with the signed paper
minutes for that (docs/archive.md).

Another kind of sealed ZIP (`bundle.ManifestKind`, e.g. a server backup) is
checked the same way with `verify_archive(path, kind)`, less the audit chain
it does not have.

A hostile ZIP gets the same one report, within bounded memory and time:
before anything is inflated, the structure of the file is read on its own
(`_Structure`): how many members, where each one lies, whether bytes sit
outside every member (prepended, between members, after the end, in a
comment), whether two members share bytes (the overlapping zip bomb), each
member's name (leaving the folder, absolute, backslashes, a name twice once
case and Unicode normalisation are ignored), its type (a symlink) and the
sizes it declares (a ratio no real file reaches, a header that lies). A
member that could not be read safely is named and never inflated. Members
that are read are read in chunks up to their declared size, JSON is parsed
only below a nesting depth, and audit.jsonl is checked line by line as it
streams, so neither a manifest nor an audit log is ever held as a whole
tree of objects. docs/archive.md lists every refusal.
"""

from __future__ import annotations

import hashlib
import json
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from meeting_server.archive import chain
from meeting_server.archive.bundle import AUDIT_PATH, MANIFEST_PATH, MEETING_ARCHIVE, ManifestKind
from meeting_server.archive.canonical import canonical_json, is_sha256_hex, sha256_hex

# ---- the bounds ----------------------------------------------------------------
# Generous for any real archive or backup; a hostile ZIP meets them long before
# it costs more than a few hundred megabytes of memory or seconds of time.
MAX_MEMBERS = 200_000
MAX_DIRECTORY_BYTES = 128 * 1024 * 1024  # the central directory, read whole by zipfile
MAX_MEMBER_BYTES = 64 * 1024**3
MAX_TOTAL_BYTES = 256 * 1024**3
# A real file (PDF, JSON, CSV, a database) rarely compresses more than this; a
# zip bomb (a gigabyte of zeros is 1 MB deflated) does. Members over
# RATIO_FROM_BYTES that do are read only up to HIGH_RATIO_BUDGET in all (an odd
# PDF of blank uncompressed images may be one); beyond it, they are refused
# unread. Smaller members stay small anyway: deflate cannot exceed about 1032:1.
MAX_RATIO = 200
RATIO_FROM_BYTES = 16 * 1024 * 1024
HIGH_RATIO_BUDGET = 1024**3
DEFLATE_MAX_RATIO = 1032
# manifest.json: one line per file of at most a 1000-byte path, so its size follows the member count.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
MANIFEST_BYTES_BASE = 64 * 1024
MANIFEST_BYTES_PER_MEMBER = 2 * 1024
AUDIT_MAX_BYTES = 64 * 1024 * 1024
AUDIT_LINE_MAX_BYTES = 1024 * 1024
JSON_MAX_DEPTH = 32
MAX_NAME_BYTES = 1000
MAX_PROBLEMS = 1000  # reported one by one; beyond them, one line counts the rest
MAX_REASON_CHARS = 500
CHUNK = 1024 * 1024

_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
_LOCAL_HEADER = b"PK\x03\x04"
_CENTRAL_HEADER = b"PK\x01\x02"
_END = b"PK\x05\x06"
_END64 = b"PK\x06\x06"
_END64_LOCATOR = b"PK\x06\x07"
_DESCRIPTOR = b"PK\x07\x08"
# Extra fields that carry metadata only, with their largest size: ZIP64 sizes,
# Unix times (0x5455), Unix owner (0x7875), NTFS times (0x000a). Anything else
# is data outside every file, or a second name (0x7075) that other tools show.
_HARMLESS_EXTRA = {0x0001: 28, 0x5455: 13, 0x7875: 20, 0x000A: 32}
_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass(frozen=True)
class Problem:
    file: str  # the member's path in the ZIP, or the archive itself when it cannot be opened
    reason: str


@dataclass
class Report:
    path: Path
    problems: list[Problem] = field(default_factory=list)
    # False when the file could not be opened as a ZIP at all: nothing inside was checked.
    readable: bool = True
    manifest: dict | None = None
    manifest_sha256: str | None = None
    files_checked: int = 0
    # The chain as found in audit.jsonl (None when it could not be read).
    audit_head: chain.ChainHead | None = None
    # Problems found beyond MAX_PROBLEMS: counted, not kept.
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return self.readable and not self.problems

    def by_file(self) -> dict[str, list[str]]:
        """The reasons per failing file, files in the order they were first found failing."""
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.file, []).append(problem.reason)
        return grouped

    def add(self, file: str, reason: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.omitted += 1
            return
        self.problems.append(Problem(_clip(file, MAX_NAME_BYTES + 20), _clip(reason, MAX_REASON_CHARS)))

    @property
    def name(self) -> str:
        """How problems of the archive as a whole are filed: under its own path."""
        return str(self.path)


class _ManifestError(Exception):
    pass


class _TooDeep(ValueError):
    pass


def verify_archive(path: str | Path, kind: ManifestKind = MEETING_ARCHIVE) -> Report:
    path = Path(path)
    report = Report(path)
    if not path.exists():
        return _unreadable(report, "no such file")
    if path.is_dir():
        return _unreadable(report, "is a directory, not a ZIP archive")
    try:
        _check(path, report, kind)
    except RecursionError:
        report.add(report.name, f"nested deeper than {JSON_MAX_DEPTH} levels somewhere: not checked to the end")
    except Exception as exc:  # the last guard: one line about the archive, never a traceback
        report.add(report.name, f"could not be checked to the end ({type(exc).__name__}: {exc})")
    if report.omitted:
        report.problems.append(Problem(report.name, f"and {report.omitted} more problems, not listed one by one"))
    return report


def _unreadable(report: Report, reason: str) -> Report:
    report.readable = False
    report.add(report.name, reason)
    return report


def _check(path: Path, report: Report, kind: ManifestKind) -> None:
    try:
        with path.open("rb") as handle:
            size = path.stat().st_size
            end = _read_end(handle, size)
            refusal = _directory_refusal(handle, end) if end is not None else None
    except OSError as exc:
        _unreadable(report, f"cannot be read ({exc.strerror or exc})")
        return
    if refusal:
        _unreadable(report, refusal)
        return
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        _unreadable(report, "not a ZIP archive")
        return
    except (OSError, EOFError, ValueError, NotImplementedError, struct.error) as exc:
        _unreadable(report, f"cannot be read as a ZIP archive ({exc})")
        return
    with archive:
        if end is None:  # zipfile found an end record where we did not: read nothing
            _unreadable(report, "not a ZIP archive")
            return
        with path.open("rb") as handle:
            unsafe = _Structure(archive, handle, end, size, report).check()
        if unsafe is None:
            return
        _verify(archive, report, kind, unsafe)


# ---- the ZIP's structure, before anything is inflated ---------------------------


@dataclass(frozen=True)
class _End:
    """The end of central directory record, found as zipfile finds it."""

    position: int  # of the end record
    directory_end: int  # where the central directory ends: the ZIP64 end record, or the end record
    directory_size: int
    directory_offset: int  # as written; zipfile corrects it by what was prepended
    entries: int
    comment_length: int


def _read_end(handle: IO[bytes], size: int) -> _End | None:
    if size < 22:
        return None
    handle.seek(size - 22)
    record = handle.read(22)
    position = size - 22
    if record[:4] != _END or record[20:22] != b"\0\0":
        start = max(size - 65536 - 22, 0)
        handle.seek(start)
        tail = handle.read()
        found = tail.rfind(_END)
        if found < 0 or len(tail) - found < 22:
            return None
        position, record = start + found, tail[found : found + 22]
    _, _, _, _, entries, directory_size, directory_offset, comment_length = struct.unpack("<4s4H2LH", record)
    directory_end = position
    if position >= 20 + 56:
        handle.seek(position - 20 - 56)
        record64 = handle.read(56 + 20)
        if record64[56:60] == _END64_LOCATOR and record64[:4] == _END64:
            entries, _, directory_size, directory_offset = struct.unpack("<4Q", record64[24:56])
            directory_end = position - 20 - 56
    return _End(position, directory_end, directory_size, directory_offset, entries, comment_length)


def _directory_refusal(handle: IO[bytes], end: _End) -> str | None:
    """Too many members or too large a directory, known before zipfile builds an object per member."""
    if end.entries > MAX_MEMBERS:
        return f"declares {end.entries} members, more than the {MAX_MEMBERS} an archive may hold: nothing was read"
    if end.directory_size > MAX_DIRECTORY_BYTES:
        return (
            f"its central directory is {end.directory_size} bytes, more than {_size(MAX_DIRECTORY_BYTES)}: "
            "nothing was read"
        )
    start = end.directory_end - end.directory_size
    if start < 0:
        return None  # zipfile says what is wrong
    handle.seek(start)
    directory = handle.read(end.directory_size)
    # Count the entries as zipfile will read them: the count in the end record may lie.
    count, at = 0, 0
    while at + 46 <= len(directory) and directory[at : at + 4] == _CENTRAL_HEADER:
        name, extra, comment = struct.unpack_from("<3H", directory, at + 28)
        at += 46 + name + extra + comment
        count += 1
        if count > MAX_MEMBERS:
            return f"holds more than {MAX_MEMBERS} members, the most an archive may hold: nothing was read"
    return None


class _Structure:
    """Everything about the ZIP that can be known without inflating a byte.

    `check()` reports each problem and returns the names of the members that
    must not be inflated (None: nothing may be, the archive is too large).
    """

    def __init__(self, archive: zipfile.ZipFile, handle: IO[bytes], end: _End, size: int, report: Report):
        self.archive = archive
        self.handle = handle
        self.end = end
        self.size = size
        self.report = report
        self.unsafe: set[str] = set()
        self.high_ratio_bytes = 0  # declared by members over MAX_RATIO that will be read

    def check(self) -> set[str] | None:
        infos = self.archive.infolist()
        self._bytes_outside(infos)
        self._layout(infos)
        self._names(infos)
        total = 0
        for info in infos:
            self._kind(info)
            self._sizes(info)
            if info.comment:
                self._refuse(info, f"carries a comment of {len(info.comment)} bytes: data hidden outside the file")
            extra = _extra_problem(info.extra)
            if extra:
                self._refuse(info, f"{extra} in its central directory entry", unsafe=False)
            if info.filename not in self.unsafe:
                total += info.file_size
        if total > MAX_TOTAL_BYTES:
            self.report.add(
                self.report.name,
                f"its members unpack to {_size(total)}, more than the {_size(MAX_TOTAL_BYTES)} "
                "an archive may hold: nothing was read",
            )
            return None
        return self.unsafe

    def _refuse(self, info: zipfile.ZipInfo, reason: str, *, unsafe: bool = False) -> None:
        self.report.add(info.orig_filename, reason)  # the name as stored, a NUL byte and all
        if unsafe:
            self.unsafe.add(info.filename)

    def _bytes_outside(self, infos: list[zipfile.ZipInfo]) -> None:
        """Another file before the ZIP, bytes after its end, data in its comment."""
        report, end = self.report, self.end
        prepended = self.archive.start_dir - end.directory_offset
        first = min((info.header_offset for info in infos), default=self.archive.start_dir)
        if prepended:
            report.add(
                report.name,
                f"{prepended} bytes come before the ZIP itself (its offsets are off by as many): "
                "another file or archive was prepended",
            )
        elif first > 0:
            report.add(
                report.name,
                f"{first} bytes come before the first member: another file or archive was prepended",
            )
        after = self.size - (end.position + 22 + end.comment_length)
        if after > 0:
            report.add(report.name, f"{after} bytes follow the end of the ZIP: data hidden outside the files")
        if self.archive.comment:
            report.add(
                report.name,
                f"the ZIP comment holds {len(self.archive.comment)} bytes: data hidden outside the files "
                "(an archive has no comment)",
            )

    def _layout(self, infos: list[zipfile.ZipInfo]) -> None:
        """Each member where the directory says, one after the other: no gap, no shared bytes."""
        spans: list[tuple[int, int, zipfile.ZipInfo]] = []
        directory = self.archive.start_dir
        for info in sorted(infos, key=lambda i: i.header_offset):
            stop = self._local_header(info, directory)
            if stop is not None:
                spans.append((info.header_offset, stop, info))
        for index, (_, stop, info) in enumerate(spans):
            following = spans[index + 1][2] if index + 1 < len(spans) else None
            start_of_next = spans[index + 1][0] if following is not None else directory
            if stop > start_of_next:
                what = f"the member {following.filename!r}" if following is not None else "the central directory"
                self._refuse(
                    info,
                    f"shares bytes with {what}: overlapping members are how a zip bomb multiplies itself, not read",
                    unsafe=True,
                )
                if following is not None:
                    self.unsafe.add(following.filename)
            elif stop < start_of_next:
                self._refuse(info, f"{start_of_next - stop} bytes follow it that belong to no file: data hidden")

    def _local_header(self, info: zipfile.ZipInfo, directory: int) -> int | None:
        """Where the member's bytes end (local header, data, data descriptor), or None when unreadable."""
        handle = self.handle
        handle.seek(info.header_offset)
        header = handle.read(30)
        if len(header) < 30 or header[:4] != _LOCAL_HEADER:
            self._refuse(info, "has no local header where the central directory puts it: not read", unsafe=True)
            return None
        method = struct.unpack_from("<H", header, 8)[0]
        name_length, extra_length = struct.unpack_from("<2H", header, 26)
        name = handle.read(name_length)
        extra = handle.read(extra_length)
        if name != _raw_name(info):
            self._refuse(
                info,
                f"its local header names another file ({name.decode('utf-8', 'replace')!r}): "
                "other tools would extract that one, not read",
                unsafe=True,
            )
        if method != info.compress_type:
            self._refuse(
                info, "its local header gives another compression method than the central directory", unsafe=True
            )
        problem = _extra_problem(extra)
        if problem:
            self._refuse(info, f"{problem} in its local header")
        data_end = info.header_offset + 30 + name_length + extra_length + info.compress_size
        if data_end > directory:
            self._refuse(info, "its data runs past the start of the central directory: not read", unsafe=True)
            return data_end
        if info.flag_bits & 0x08:
            data_end += self._descriptor(info, data_end)
        return data_end

    def _descriptor(self, info: zipfile.ZipInfo, at: int) -> int:
        """The length of the data descriptor after a member written to a stream (0 if none matches)."""
        self.handle.seek(at)
        raw = self.handle.read(24)
        crc = struct.pack("<L", info.CRC)
        candidates = []
        for signed in (True, False):
            body = raw[4:] if signed and raw[:4] == _DESCRIPTOR else raw if not signed else None
            if body is None or body[:4] != crc:
                continue
            for fmt in ("<2L", "<2Q"):
                width = struct.calcsize(fmt)
                if len(body) >= 4 + width and struct.unpack_from(fmt, body, 4) == (info.compress_size, info.file_size):
                    candidates.append(4 * signed + 4 + width)
        return candidates[0] if candidates else 0

    def _names(self, infos: list[zipfile.ZipInfo]) -> None:
        seen: dict[str, str] = {}  # the name as a case-insensitive, normalising file system sees it
        files: set[str] = set()
        folders: dict[str, str] = {}
        for info in infos:
            name = info.orig_filename
            for problem in _name_problems(name, info.flag_bits):
                self._refuse(info, problem)
            key = _folded(name)
            other = seen.get(key)
            if other is not None and other != name:
                self._refuse(
                    info,
                    f"has the same name as {other!r} once case and Unicode normalisation (NFC/NFD) are ignored: "
                    "extracted, one overwrites the other",
                )
            seen.setdefault(key, name)
            files.add(key)
            parts = key.split("/")
            for depth in range(1, len(parts)):
                folders.setdefault("/".join(parts[:depth]), name)
        for info in infos:
            key = _folded(info.orig_filename)
            if key in folders and not key.endswith("/"):
                self._refuse(info, f"is a file, and also the folder of {folders[key]!r}: one cannot be extracted")

    def _kind(self, info: zipfile.ZipInfo) -> None:
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if kind == stat.S_IFLNK:
            self._refuse(info, "is a symbolic link, not a file: extracted, it would point outside the archive's folder")
        elif kind == stat.S_IFDIR or info.orig_filename.endswith("/") or info.external_attr & 0x10:
            self._refuse(info, "is a folder entry: an archive holds only files")
        elif kind not in (0, stat.S_IFREG):
            self._refuse(info, f"is not a regular file (file type {oct(kind)}): a device, pipe or socket")

    def _sizes(self, info: zipfile.ZipInfo) -> None:
        declared, packed = info.file_size, info.compress_size
        if info.flag_bits & 0x01:
            self._refuse(info, "is encrypted: its content cannot be checked", unsafe=True)
        elif info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            self._refuse(
                info,
                f"is compressed with method {info.compress_type}, which an archive never uses "
                "(only stored or deflated): not read",
                unsafe=True,
            )
        elif declared > MAX_MEMBER_BYTES:
            self._refuse(
                info,
                f"declares {_size(declared)}, more than the {_size(MAX_MEMBER_BYTES)} a file may have: not read",
                unsafe=True,
            )
        elif info.compress_type == zipfile.ZIP_STORED and declared != packed:
            self._refuse(
                info,
                f"is stored uncompressed, yet its header declares {declared} bytes from {packed}: "
                "the header lies, not read",
                unsafe=True,
            )
        elif declared > DEFLATE_MAX_RATIO * packed + 1024:
            self._refuse(
                info,
                f"declares {_size(declared)} from {packed} compressed bytes, more than deflate can produce: "
                "the header lies (a zip bomb), not read",
                unsafe=True,
            )
        elif declared > RATIO_FROM_BYTES and declared > MAX_RATIO * packed:
            if self.high_ratio_bytes + declared <= HIGH_RATIO_BUDGET:
                self.high_ratio_bytes += declared
                return
            self._refuse(
                info,
                f"unpacks to {_size(declared)} from {_size(packed)} (ratio {declared // max(packed, 1)}:1; "
                f"beyond {MAX_RATIO}:1 an archive may hold {_size(HIGH_RATIO_BUDGET)} in all): a zip bomb, not read",
                unsafe=True,
            )


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def _folded(name: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


def _name_problems(name: str, flag_bits: int) -> list[str]:
    """What makes a member's name unsafe or ambiguous to extract, each named."""
    problems = []
    parts = name.replace("\\", "/").split("/")
    if "\0" in name:
        problems.append("its name holds a NUL byte: tools disagree on where it ends")
    if name.startswith(("/", "\\")):
        problems.append("absolute path: extracted, it leaves the archive's folder")
    elif _DRIVE.match(name):
        problems.append("absolute path with a drive letter: extracted, it leaves the archive's folder")
    if ".." in parts:
        problems.append("path leaves the archive (it goes up with ..)")
    if "\\" in name:
        problems.append("backslash in the path: Windows reads it as a folder separator, other systems do not")
    if any(part == "." for part in parts) or any(part == "" for part in parts[1:-1]):
        problems.append("an empty or '.' segment in the path")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\0" for ch in name):
        problems.append("a control character in its name")
    if len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES:
        problems.append(f"its name is longer than {MAX_NAME_BYTES} bytes")
    if unicodedata.normalize("NFC", name) != name:
        problems.append("its name is not in Unicode NFC, as the archive writes every name")
    if not name.isascii() and not flag_bits & 0x800:
        problems.append("its name is not marked as UTF-8: other tools show another name")
    return problems


def _extra_problem(extra: bytes) -> str | None:
    at = 0
    while at < len(extra):
        if at + 4 > len(extra):
            return f"a damaged extra field ({len(extra) - at} stray bytes)"
        kind, length = struct.unpack_from("<2H", extra, at)
        if at + 4 + length > len(extra):
            return f"a damaged extra field 0x{kind:04x}"
        if kind not in _HARMLESS_EXTRA or length > _HARMLESS_EXTRA[kind]:
            return f"an extra field 0x{kind:04x} of {length} bytes (data hidden outside the file, or a second name)"
        at += 4 + length
    return None


# ---- the content ---------------------------------------------------------------


def _verify(archive: zipfile.ZipFile, report: Report, kind: ManifestKind, unsafe: set[str]) -> None:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in members:
            report.add(info.filename, "appears twice in the ZIP")
        members[info.filename] = info

    manifest_info = members.pop(MANIFEST_PATH, None)
    if manifest_info is None:
        report.add(MANIFEST_PATH, "missing, so nothing in the archive can be checked")
        return
    if MANIFEST_PATH in unsafe:
        report.add(MANIFEST_PATH, "unreadable: not read (above), so nothing in the archive can be checked")
        return
    limit = min(MANIFEST_MAX_BYTES, MANIFEST_BYTES_BASE + MANIFEST_BYTES_PER_MEMBER * len(members))
    try:
        data = _read(archive, manifest_info, limit)
        if len(data) >= limit:
            raise _ManifestError(f"larger than {_size(limit)}, the most a manifest of {len(members)} files needs")
        report.manifest = manifest = _parse_manifest(data, kind)
    except _MEMBER_ERRORS as exc:
        report.add(MANIFEST_PATH, f"unreadable: cannot be extracted from the ZIP ({exc})")
        return
    except _ManifestError as exc:
        report.add(MANIFEST_PATH, f"unreadable: {exc}")
        return
    report.manifest_sha256 = sha256_hex(data)

    listed = {item["path"]: item for item in manifest["files"]}
    audit: _AuditScan | None = None
    for name, item in listed.items():
        found = members.get(name)
        if found is None:
            report.add(name, "missing from the ZIP")
            continue
        if name in unsafe:
            continue  # named above, with why it was not read
        is_audit = kind.audit and name == AUDIT_PATH
        digest = _Digest()
        try:
            if is_audit:
                audit = _AuditScan(manifest["meeting"]["id"])
                audit.run(_chunks(archive, found, AUDIT_MAX_BYTES, digest))
            else:
                _drain(_chunks(archive, found, item["size"] + 1, digest))
        except _MEMBER_ERRORS as exc:
            report.add(name, f"cannot be extracted from the ZIP ({exc})")
            audit = None
            continue
        report.files_checked += 1
        if digest.size != item["size"]:
            more = " or more" if digest.size > item["size"] else ""
            report.add(name, f"size is {digest.size} bytes{more}, the manifest says {item['size']}")
        if digest.hexdigest() != item["sha256"]:
            report.add(name, "content changed: its SHA-256 differs from the manifest")
        if is_audit and digest.size >= AUDIT_MAX_BYTES:
            report.add(name, f"larger than {AUDIT_MAX_BYTES // (1024 * 1024)} MiB: its chain was not checked")
            audit = None
    for name in members:
        if name not in listed:
            report.add(name, "not listed in the manifest")

    if not kind.audit:
        return
    if AUDIT_PATH not in listed:
        if AUDIT_PATH not in members:
            report.add(AUDIT_PATH, "missing: the archive has no audit log")
    elif audit is not None:
        _report_audit(audit, manifest, report)


def _report_audit(audit: _AuditScan, manifest: dict, report: Report) -> None:
    for problem in audit.problems:
        report.add(AUDIT_PATH, str(problem))
    meeting_id = manifest["meeting"]["id"]
    if audit.foreign is not None:
        seq, other = audit.foreign
        report.add(
            AUDIT_PATH, f"seq {_brief(seq)} belongs to meeting {_brief(other)}, the archive to meeting {meeting_id}"
        )
    if not audit.complete:
        return
    head_hash: Any = chain.ZERO_HASH if audit.entries == 0 else audit.last_hash
    report.audit_head = chain.ChainHead(audit.entries, head_hash if isinstance(head_hash, str) else "")
    expected = manifest["audit"]
    if (audit.entries, head_hash) != (expected["entries"], expected["head_hash"]):
        report.add(
            AUDIT_PATH,
            f"the chain has {audit.entries} entries ending in {_short(head_hash)}, "
            f"the manifest says {expected['entries']} ending in {_short(expected['head_hash'])}",
        )


class _AuditScan:
    """audit.jsonl checked as it streams: one line parsed at a time, nothing kept but the chain's end."""

    def __init__(self, meeting_id: int):
        self.meeting_id = meeting_id
        self.entries = 0
        self.last_hash: Any = None
        self.foreign: tuple[Any, Any] | None = None  # (seq, meeting) of the first entry of another meeting
        self.problems: list[chain.ChainProblem] = []
        self._parse_problems: list[chain.ChainProblem] = []
        self.complete = True  # False when the check stopped early: the count and head are unknown

    def run(self, chunks: Iterator[bytes]) -> None:
        chain_problems = chain.verify_chain(self._entries(chunks), max_problems=MAX_PROBLEMS)
        self.problems = self._parse_problems + chain_problems
        if len(self._parse_problems) >= MAX_PROBLEMS or len(chain_problems) >= MAX_PROBLEMS:
            # Enough said: the rest is hashed (below), not parsed line by line.
            self.complete = False
            self.problems.append(chain.ChainProblem(f"more than {MAX_PROBLEMS} problems: the rest was not read"))
        _drain(chunks)

    def _entries(self, chunks: Iterator[bytes]) -> Iterator[Any]:
        for number, line in _lines(chunks, self._parse_problems):
            if len(self._parse_problems) >= MAX_PROBLEMS:
                return
            entry = self._parse(number, line)
            if entry is _BAD:
                continue
            self.entries += 1
            if isinstance(entry, Mapping):
                self.last_hash = entry.get("hash")
                if self.foreign is None and entry.get("meeting_id") != self.meeting_id:
                    self.foreign = (entry.get("seq"), entry.get("meeting_id"))
            else:
                self.last_hash = None
            yield entry

    def _parse(self, number: int, line: bytes | None) -> Any:
        if line is None:
            self._problem(number, f"longer than {AUDIT_LINE_MAX_BYTES // 1024} KiB: not read")
            return _BAD
        try:
            value = bounded_json(line)
        except _TooDeep:
            self._problem(number, f"nested deeper than {JSON_MAX_DEPTH} levels: not read")
            return _BAD
        except (UnicodeDecodeError, ValueError):
            self._problem(number, "not a JSON line (the entry was damaged or removed)")
            return _BAD
        try:
            canonical = canonical_json(value) == line
        except (TypeError, ValueError, RecursionError):
            canonical = False
        if not canonical:
            # Also catches a repeated key, which json.loads would silently resolve.
            self._problem(number, "not written in canonical form")
        return value

    def _problem(self, number: int, reason: str) -> None:
        self._parse_problems.append(chain.ChainProblem(reason, line=number))


_BAD = object()


def _lines(chunks: Iterator[bytes], problems: list[chain.ChainProblem]) -> Iterator[tuple[int, bytes | None]]:
    """The numbered lines of a stream; None for a line longer than AUDIT_LINE_MAX_BYTES (never kept whole)."""
    pending = bytearray()
    too_long = False
    number = 0
    for chunk in chunks:
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            piece = chunk[start:] if newline < 0 else chunk[start:newline]
            if not too_long:
                pending += piece
                if len(pending) > AUDIT_LINE_MAX_BYTES:
                    too_long = True
                    pending.clear()
            if newline < 0:
                break
            number += 1
            yield number, None if too_long else bytes(pending)
            pending.clear()
            too_long = False
            start = newline + 1
    if pending or too_long:
        number += 1
        problems.append(chain.ChainProblem("the last line does not end with a newline", line=number))
        yield number, None if too_long else bytes(pending)


# ---- reading members ---------------------------------------------------------------


class _Digest:
    def __init__(self) -> None:
        self.size = 0
        self._sha = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        self.size += len(chunk)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, digest: _Digest) -> Iterator[bytes]:
    """The member's bytes in chunks, at most `limit` of them (zipfile stops at its declared size anyway)."""
    with archive.open(info) as member:
        while digest.size < limit:
            chunk = member.read(min(CHUNK, limit - digest.size))
            if not chunk:
                return
            digest.update(chunk)
            yield chunk


def _drain(chunks: Iterator[bytes]) -> None:
    for _ in chunks:
        pass


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """The member's first `limit` bytes (all of it when shorter)."""
    return b"".join(_chunks(archive, info, limit, _Digest()))


# ---- JSON within bounds ---------------------------------------------------------------

# A JSON string, or the rest of the text when it is never closed: never a quadratic search.
_JSON_STRING = re.compile(rb'"(?:[^"\\]+|\\.)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_BRACKET_PAIR = re.compile(rb"\[\]|\{\}")


def json_too_deep(data: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` levels deep, found without parsing it."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", data))
    for _ in range(limit):
        brackets, removed = _BRACKET_PAIR.subn(b"", brackets)
        if not brackets:
            return False
        if not removed:  # unbalanced, so not JSON: too deep when its openings alone go too far
            return brackets.count(b"[") + brackets.count(b"{") > limit
    return True


def bounded_json(data: bytes, **options: Any) -> Any:
    """json.loads of UTF-8 bytes, refusing nesting deeper than JSON_MAX_DEPTH with `_TooDeep` (a ValueError)."""
    if json_too_deep(data):
        raise _TooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels")
    text = data.decode("utf-8")
    try:
        return json.loads(text, **options)
    except RecursionError:
        raise _TooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels") from None


# ---- the manifest ----------------------------------------------------------


def _parse_manifest(data: bytes, kind: ManifestKind) -> dict:
    try:
        manifest = bounded_json(data, object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise _ManifestError("not UTF-8") from None
    except _TooDeep as exc:
        raise _ManifestError(str(exc)) from None
    except ValueError as exc:
        raise _ManifestError(f"not JSON ({exc})") from None
    _expect(isinstance(manifest, dict), "not a JSON object")
    _expect(manifest.get("format") == kind.format, f"format is {_brief(manifest.get('format'))}, not {kind.format!r}")
    subject = manifest.get(kind.subject)
    if kind.audit:
        _expect(isinstance(subject, dict) and _is_int(subject.get("id")), "meeting.id is missing or not an integer")
    else:
        _expect(isinstance(subject, dict), f"{kind.subject} is missing or not a JSON object")
    files = manifest.get("files")
    _expect(isinstance(files, list), "files is missing or not a list")
    seen = set()
    for index, item in enumerate(files):
        where = f"files[{index}]"
        _expect(
            isinstance(item, dict) and set(item) == {"path", "sha256", "size"},
            f"{where} must hold exactly path, sha256 and size",
        )
        _expect(isinstance(item["path"], str) and item["path"] != "", f"{where}.path is not a path")
        _expect(item["path"] != MANIFEST_PATH, f"{where} lists the manifest itself")
        _expect(item["path"] not in seen, f"{_brief(item['path'], 200)} is listed twice")
        _expect(is_sha256_hex(item["sha256"]), f"{where}.sha256 is not a SHA-256 in lowercase hex")
        _expect(_is_int(item["size"]) and item["size"] >= 0, f"{where}.size is not a size")
        seen.add(item["path"])
    if not kind.audit:
        return manifest
    head = manifest.get("audit")
    _expect(
        isinstance(head, dict)
        and _is_int(head.get("entries"))
        and head["entries"] >= 0
        and is_sha256_hex(head.get("head_hash")),
        "audit must hold entries (a count) and head_hash (a SHA-256)",
    )
    return manifest


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    result = {}
    for key, value in pairs:
        if key in result:
            raise _ManifestError(f"the key {_brief(key, 100)} appears twice in one object")
        result[key] = value
    return result


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _ManifestError(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---- words -------------------------------------------------------------------------


def _short(value: Any) -> str:
    """A hash as the report shows it: its first 12 digits."""
    return f"{value[:12]}…" if isinstance(value, str) and len(value) > 12 else _brief(value)


def _brief(value: Any, width: int = 60) -> str:
    """A value from the archive as repr, cut short: a hostile one cannot fill the report."""
    return _clip(repr(value), width)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{count} bytes"
