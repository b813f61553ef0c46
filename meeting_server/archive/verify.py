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
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meeting_server.archive import chain
from meeting_server.archive.bundle import AUDIT_PATH, FORMAT, MANIFEST_PATH
from meeting_server.archive.canonical import is_sha256_hex, sha256_hex

# Reading stops here: a hostile ZIP cannot make the check inflate without end.
MANIFEST_MAX_BYTES = 64 * 1024 * 1024
AUDIT_MAX_BYTES = 256 * 1024 * 1024
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


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
        self.problems.append(Problem(file, reason))


class _ManifestError(Exception):
    pass


def verify_archive(path: str | Path) -> Report:
    path = Path(path)
    report = Report(path)
    if not path.exists():
        return _unreadable(report, "no such file")
    if path.is_dir():
        return _unreadable(report, "is a directory, not a ZIP archive")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return _unreadable(report, "not a ZIP archive")
    except (OSError, EOFError, ValueError, NotImplementedError) as exc:
        return _unreadable(report, f"cannot be read as a ZIP archive ({exc})")
    with archive:
        _verify(archive, report)
    return report


def _unreadable(report: Report, reason: str) -> Report:
    report.readable = False
    report.add(str(report.path), reason)
    return report


def _verify(archive: zipfile.ZipFile, report: Report) -> None:
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        if info.filename in members:
            report.add(info.filename, "appears twice in the ZIP")
        members[info.filename] = info

    manifest_info = members.pop(MANIFEST_PATH, None)
    if manifest_info is None:
        report.add(MANIFEST_PATH, "missing, so nothing in the archive can be checked")
        return
    try:
        data = _read(archive, manifest_info, MANIFEST_MAX_BYTES)
        report.manifest = manifest = _parse_manifest(data)
    except _MEMBER_ERRORS as exc:
        report.add(MANIFEST_PATH, f"unreadable: cannot be extracted from the ZIP ({exc})")
        return
    except _ManifestError as exc:
        report.add(MANIFEST_PATH, f"unreadable: {exc}")
        return
    report.manifest_sha256 = sha256_hex(data)

    listed = {item["path"]: item for item in manifest["files"]}
    audit_data = None
    for name, item in listed.items():
        found = members.get(name)
        if found is None:
            report.add(name, "missing from the ZIP")
            continue
        is_audit = name == AUDIT_PATH
        try:
            digest, size, content = _hash(
                archive, found, AUDIT_MAX_BYTES if is_audit else item["size"] + 1, keep=is_audit
            )
        except _MEMBER_ERRORS as exc:
            report.add(name, f"cannot be extracted from the ZIP ({exc})")
            continue
        report.files_checked += 1
        if size != item["size"]:
            report.add(
                name,
                f"size is {size} bytes{' or more' if size > item['size'] else ''}, the manifest says {item['size']}",
            )
        if digest != item["sha256"]:
            report.add(name, "content changed: its SHA-256 differs from the manifest")
        if is_audit and size < AUDIT_MAX_BYTES:
            audit_data = content
        elif is_audit:
            report.add(name, f"larger than {AUDIT_MAX_BYTES // (1024 * 1024)} MiB: its chain was not checked")
    for name in members:
        if name not in listed:
            report.add(name, "not listed in the manifest")

    if AUDIT_PATH not in listed:
        if AUDIT_PATH not in members:
            report.add(AUDIT_PATH, "missing: the archive has no audit log")
    elif audit_data is not None:
        _verify_audit(audit_data, manifest, report)


def _verify_audit(data: bytes, manifest: dict, report: Report) -> None:
    entries, problems = chain.parse_jsonl(data)
    for problem in problems + chain.verify_chain(entries):
        report.add(AUDIT_PATH, str(problem))
    meeting_id = manifest["meeting"]["id"]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("meeting_id") != meeting_id:
            report.add(
                AUDIT_PATH,
                f"seq {entry.get('seq')} belongs to meeting {entry.get('meeting_id')}, the archive to meeting {meeting_id}",
            )
            break
    head_hash: Any
    if not entries:
        head_hash = chain.ZERO_HASH
    else:
        head_hash = entries[-1].get("hash") if isinstance(entries[-1], Mapping) else None
    report.audit_head = chain.ChainHead(len(entries), head_hash if isinstance(head_hash, str) else "")
    expected = manifest["audit"]
    if (len(entries), head_hash) != (expected["entries"], expected["head_hash"]):
        report.add(
            AUDIT_PATH,
            f"the chain has {len(entries)} entries ending in {_short(head_hash)}, "
            f"the manifest says {expected['entries']} ending in {_short(expected['head_hash'])}",
        )


def _short(value: Any) -> str:
    return f"{value[:12]}…" if isinstance(value, str) and len(value) > 12 else repr(value)


# ---- reading members -------------------------------------------------------


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    _, _, content = _hash(archive, info, limit, keep=True)
    assert content is not None, "kept on request"
    if len(content) >= limit:
        raise _ManifestError(f"larger than {limit // (1024 * 1024)} MiB")
    return content


def _hash(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, *, keep: bool) -> tuple[str, int, bytes | None]:
    """SHA-256 and size of a member, reading at most `limit` bytes (and keeping them if asked)."""
    sha = hashlib.sha256()
    size = 0
    kept = bytearray() if keep else None
    with archive.open(info) as member:
        while size < limit:
            chunk = member.read(min(1024 * 1024, limit - size))
            if not chunk:
                break
            sha.update(chunk)
            size += len(chunk)
            if kept is not None:
                kept += chunk
    return sha.hexdigest(), size, bytes(kept) if kept is not None else None


# ---- the manifest ----------------------------------------------------------


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError:
        raise _ManifestError("not UTF-8") from None
    except ValueError as exc:
        raise _ManifestError(f"not JSON ({exc})") from None
    _expect(isinstance(manifest, dict), "not a JSON object")
    _expect(manifest.get("format") == FORMAT, f"format is {manifest.get('format')!r}, not {FORMAT!r}")
    meeting = manifest.get("meeting")
    _expect(isinstance(meeting, dict) and _is_int(meeting.get("id")), "meeting.id is missing or not an integer")
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
        _expect(item["path"] not in seen, f"{item['path']} is listed twice")
        _expect(is_sha256_hex(item["sha256"]), f"{where}.sha256 is not a SHA-256 in lowercase hex")
        _expect(_is_int(item["size"]) and item["size"] >= 0, f"{where}.size is not a size")
        seen.add(item["path"])
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
            raise _ManifestError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise _ManifestError(message)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
