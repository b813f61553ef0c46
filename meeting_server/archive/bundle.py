"""Writing a meeting archive: a ZIP of files, its audit chain, and a manifest of them all.

    with ArchiveWriter(path, {"id": 7, "title": "Họp Chi bộ tháng 12"}) as archive:
        archive.add_file("documents/1-bao-cao.pdf", blob_path)   # streamed, byte for byte
        archive.add_json("agenda.json", agenda)
        archive.add_csv("attendance.csv", ["user_id", "full_name"], rows)
        archive.add_audit(export_chain(session, 7))
    archive.summary.manifest_sha256   # write it down: see below

Files are streamed into the ZIP (deflate) while their SHA-256 and size are
counted, so an original of hundreds of megabytes never sits in memory; what
comes out of the ZIP is byte for byte what went in. `finish()` (or leaving
the `with` block without an error) writes `manifest.json` last:

    {"format": "meeting-archive/1",
     "meeting": {"id": int, "title": str, ...whatever else the caller gave},
     "created_at": "2026-12-05T09:30:00+00:00",
     "files": [{"path": str, "sha256": hex, "size": int}, ...],   # by path
     "audit": {"entries": int, "head_hash": hex}}

covering every other member, `audit.jsonl` included. Its bytes are the
canonical JSON of that object (`archive.canonical`) followed by "\\n" — one
line, so the same archive always has the same manifest and the same
manifest SHA-256. Every member carries the archive's `created_at` as its ZIP
timestamp, so the same inputs give the same ZIP, bit for bit.

The same seal serves other ZIPs of the server (`meeting-server backup`): a
`ManifestKind` names their format and the key that describes them, and has
no audit chain; `verify.verify_archive(path, kind)` checks them the same way.

There is no `manifest.sha256` beside the manifest. Inside the ZIP it would
prove nothing: whoever can change a file and fix its line in the manifest
can recompute that digest too, and accidental damage is already caught by
each member's CRC-32 and by the hashes in the manifest. What does prove an
archive genuine is comparing it with something kept elsewhere: the audit
head hash in the manifest against the database's (`archive.audit.head`), the
finalized minutes' SHA-256 against the one printed on the signed paper
minutes, and the manifest SHA-256 (returned here, printed by
`meeting-server verify-archive`) against the one recorded when the archive
was exported.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from meeting_server.archive import chain
from meeting_server.archive.canonical import canonical_json, sha256_hex
from meeting_server.archive.csvsafe import csv_bytes
from meeting_server.filenames import FORBIDDEN, is_control

FORMAT = "meeting-archive/1"
MANIFEST_PATH = "manifest.json"
AUDIT_PATH = "audit.jsonl"
RESERVED_PATHS = frozenset({MANIFEST_PATH, AUDIT_PATH})
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ManifestKind:
    """What a sealed ZIP is. A meeting's archive (`MEETING_ARCHIVE`) is described
    under "meeting" (an integer id and a title) and carries its audit chain;
    another kind is described under its own `subject` key, any JSON object, and
    has no audit chain."""

    format: str
    subject: str
    audit: bool


MEETING_ARCHIVE = ManifestKind(FORMAT, "meeting", audit=True)


class ArchiveError(Exception):
    """A misuse of the writer: a bad or repeated path, a write after finish, no audit chain."""


@dataclass(frozen=True)
class FileEntry:
    path: str
    sha256: str
    size: int

    def as_json(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class ArchiveSummary:
    """What `finish()` wrote: the manifest and its digest, worth recording outside the archive."""

    manifest: dict
    manifest_sha256: str
    audit_head: chain.ChainHead | None  # None for a kind without an audit chain


class ArchiveWriter:
    """Streams files into a ZIP, then seals it with manifest.json. Use once.

    `target` is a path (written in place; removed again if the writer is
    aborted) or a writable binary stream, which may be unseekable (an HTTP
    response): zipfile then writes data descriptors. `meeting` must hold an
    int `id` and a str `title`; its other JSON values go into the manifest
    as given (starts_at, location, closed_at, the finalized minutes' sha256…).
    With another `kind`, `meeting` is that kind's description, any JSON object.
    """

    def __init__(
        self,
        target: str | Path | BinaryIO,
        meeting: Mapping[str, Any],
        *,
        created_at: datetime | None = None,
        kind: ManifestKind = MEETING_ARCHIVE,
    ):
        if kind.audit and (not isinstance(meeting.get("id"), int) or isinstance(meeting.get("id"), bool)):
            raise ArchiveError("meeting needs an integer id")
        if kind.audit and not isinstance(meeting.get("title"), str):
            raise ArchiveError("meeting needs a title")
        canonical_json(dict(meeting))  # refuse what JSON cannot hold now, not at finish
        if created_at is not None and created_at.tzinfo is None:
            raise ArchiveError("created_at must carry its time zone")
        self.meeting = dict(meeting)
        self.kind = kind
        self.created_at = (created_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self._owned_path = Path(target) if isinstance(target, (str, Path)) else None
        self._zip: zipfile.ZipFile | None = zipfile.ZipFile(
            target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6
        )
        self._files: dict[str, FileEntry] = {}
        # Paths as a case-insensitive file system sees them, and the folders they make:
        # what would overwrite something else when the archive is extracted.
        self._taken: set[str] = {MANIFEST_PATH}
        self._folders: set[str] = set()
        self._audit: chain.ChainHead | None = None
        self.summary: ArchiveSummary | None = None

    # ---- adding files --------------------------------------------------------

    def add_stream(self, path: str, source: BinaryIO, *, size: int | None = None) -> FileEntry:
        """Copy a binary stream into the archive as `path`. `size`, when known, saves ZIP64 headers."""
        return self._write(_check_path(path), lambda out: shutil.copyfileobj(source, out, CHUNK), size)

    def add_file(self, path: str, source: str | Path) -> FileEntry:
        """Copy a file from disk, e.g. an original document from the blob store."""
        with open(source, "rb") as handle:
            return self.add_stream(path, handle, size=Path(source).stat().st_size)

    def add_bytes(self, path: str, data: bytes) -> FileEntry:
        return self._write(_check_path(path), lambda out: out.write(data), len(data))

    def add_json(self, path: str, value: Any) -> FileEntry:
        """A JSON file for people as well as programs: UTF-8, indented, keys sorted."""
        text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
        return self.add_bytes(path, text.encode("utf-8"))

    def add_csv(self, path: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> FileEntry:
        """A spreadsheet-safe CSV (`archive.csvsafe`): formula cells escaped, UTF-8 with BOM."""
        return self.add_bytes(path, csv_bytes(header, rows))

    def add_audit(self, entries: Sequence[Mapping[str, Any]]) -> FileEntry:
        """The meeting's audit chain (`archive.audit.export_chain`) as audit.jsonl. Required, once.

        The chain is checked first: an archive is never sealed around a broken one.
        """
        if not self.kind.audit:
            raise ArchiveError(f"a {self.kind.format} has no audit chain")
        if self._audit is not None:
            raise ArchiveError("the audit chain was already added")
        problems = chain.verify_chain(entries)
        if problems:
            raise ArchiveError(f"the audit chain is broken at {problems[0]}")
        foreign = {entry["meeting_id"] for entry in entries} - {self.meeting["id"]}
        if foreign:
            raise ArchiveError(f"the audit chain holds entries of meeting {sorted(foreign)[0]}")
        data = chain.to_jsonl(entries)
        entry = self._write(AUDIT_PATH, lambda out: out.write(data), len(data))
        self._audit = chain.chain_head(entries)
        return entry

    # ---- sealing -------------------------------------------------------------

    def finish(self) -> ArchiveSummary:
        """Write manifest.json and close the ZIP."""
        if self.summary is not None:
            return self.summary
        archive = self._ensure_open()
        if self.kind.audit and self._audit is None:
            raise ArchiveError("add the audit chain (add_audit) before finishing")
        manifest = {
            "format": self.kind.format,
            self.kind.subject: self.meeting,
            "created_at": self.created_at.isoformat(),
            "files": [self._files[path].as_json() for path in sorted(self._files)],
        }
        if self._audit is not None:
            manifest["audit"] = {"entries": self._audit.entries, "head_hash": self._audit.hash}
        data = manifest_bytes(manifest)
        with archive.open(self._info(MANIFEST_PATH), "w") as out:
            out.write(data)
        archive.close()
        self.summary = ArchiveSummary(manifest, sha256_hex(data), self._audit)
        return self.summary

    def abort(self) -> None:
        """Give up: close the ZIP and remove a file this writer created. Nothing once finished."""
        if self.summary is not None or self._zip is None:
            return
        with contextlib.suppress(Exception):  # a half-written ZIP is being thrown away anyway
            self._zip.close()
        self._zip = None
        if self._owned_path is not None:
            self._owned_path.unlink(missing_ok=True)

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
            return
        try:
            self.finish()
        except BaseException:
            self.abort()
            raise

    # ---- inside --------------------------------------------------------------

    def _write(self, path: str, write, size: int | None) -> FileEntry:
        archive = self._ensure_open()
        self._claim(path)
        with archive.open(self._info(path, size), "w", force_zip64=size is None) as member:
            counter = _Counting(member)
            write(counter)
        entry = FileEntry(path, counter.hexdigest(), counter.size)
        self._files[path] = entry
        return entry

    def _info(self, path: str, size: int | None = 0) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(path, date_time=self.created_at.timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        # zipfile decides from the announced size whether the member needs ZIP64 headers.
        info.file_size = size or 0
        return info

    def _claim(self, path: str) -> None:
        key = path.casefold()
        parents = {key.rsplit("/", n)[0] for n in range(1, key.count("/") + 1)}
        if key in self._taken or key in self._folders or parents & self._taken:
            raise ArchiveError(f"{path} collides with a path already in the archive")
        self._taken.add(key)
        self._folders |= parents

    def _ensure_open(self) -> zipfile.ZipFile:
        if self._zip is None or self.summary is not None:
            raise ArchiveError("the archive is already finished")
        return self._zip


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The manifest as stored: its canonical JSON and a newline."""
    return canonical_json(dict(manifest)) + b"\n"


class _Counting(io.RawIOBase):
    """A write-only stream that hashes and counts what passes through to the ZIP member."""

    def __init__(self, target: IO[bytes]):
        super().__init__()
        self.target = target
        self.size = 0
        self._sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()


def _check_path(path: str) -> str:
    """A member path as stored: NFC, relative, `/`-separated, each part a portable file name."""
    if not isinstance(path, str):
        raise ArchiveError("a path must be a string")
    path = unicodedata.normalize("NFC", path)
    parts = path.split("/")
    if (
        not path
        or len(path.encode("utf-8")) > 1000
        or any(part in ("", ".", "..") or part != part.rstrip(" .") for part in parts)
        or any(ch in FORBIDDEN - {"/"} or is_control(ch) for ch in path)
    ):
        raise ArchiveError(f"not a usable path inside the archive: {path!r} (see portable_name)")
    if path.casefold() in RESERVED_PATHS:
        raise ArchiveError(f"{path} is written by the archive itself")
    return path
