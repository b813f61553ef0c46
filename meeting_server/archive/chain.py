"""The audit chain's format: how an entry is hashed, written to audit.jsonl and verified.

Pure, without the database, so `meeting-server verify-archive` (and anyone
re-implementing it) needs nothing but this and `archive.canonical`.

An exported entry is a JSON object of exactly eight fields:

    {"action": str,            e.g. "vote.opened"
     "actor_id": int | null,   null: the server itself acted
     "at": str,                UTC, "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"
     "details": object,
     "hash": str,              see below
     "meeting_id": int,
     "prev_hash": str,         the hash of the entry before; 64 zeros for seq 1
     "seq": int}               1, 2, 3, … per meeting, no gaps

`hash` is the lowercase hex SHA-256 of the canonical JSON
(`archive.canonical`: sorted keys, no spaces, UTF-8) of the seven other
fields. In `audit.jsonl` each line is the canonical JSON of one exported
entry followed by "\\n", in seq order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meeting_server.archive.canonical import canonical_json, is_sha256_hex, sha256_hex

ZERO_HASH = "0" * 64
HASHED_FIELDS = ("action", "actor_id", "at", "details", "meeting_id", "prev_hash", "seq")
EXPORTED_FIELDS = frozenset(HASHED_FIELDS) | {"hash"}


@dataclass(frozen=True)
class ChainHead:
    """Where a chain ends: its number of entries and the hash of the last one (64 zeros when empty)."""

    entries: int
    hash: str


@dataclass(frozen=True)
class ChainProblem:
    """What is wrong at one place of a chain: `seq` when the entry has a readable one, else its line."""

    reason: str
    seq: int | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.seq is not None:
            return f"seq {self.seq}: {self.reason}"
        if self.line is not None:
            return f"line {self.line}: {self.reason}"
        return self.reason


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of the canonical JSON of the entry's hashed fields."""
    return sha256_hex(canonical_json({name: entry[name] for name in HASHED_FIELDS}))


def chain_head(entries: Sequence[Mapping[str, Any]]) -> ChainHead:
    return ChainHead(len(entries), entries[-1]["hash"] if entries else ZERO_HASH)


def to_jsonl(entries: Sequence[Mapping[str, Any]]) -> bytes:
    """audit.jsonl: one canonical JSON entry per line, each ending in "\\n"."""
    return b"".join(canonical_json(dict(entry)) + b"\n" for entry in entries)


def parse_jsonl(data: bytes) -> tuple[list[Any], list[ChainProblem]]:
    """The entries of an audit.jsonl, and its lines that are not canonical JSON."""
    entries: list[Any] = []
    problems: list[ChainProblem] = []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    else:
        problems.append(ChainProblem("the last line does not end with a newline", line=len(lines)))
    for number, line in enumerate(lines, start=1):
        try:
            value = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested too deep
            problems.append(ChainProblem("not a JSON line (the entry was damaged or removed)", line=number))
            continue
        try:
            canonical = canonical_json(value) == line
        except (TypeError, ValueError):
            canonical = False
        if not canonical:
            # Also catches a repeated key, which json.loads would silently resolve.
            problems.append(ChainProblem("not written in canonical form", line=number))
        entries.append(value)
    return entries, problems


def verify_chain(entries: Iterable[Any], *, max_problems: int | None = None) -> list[ChainProblem]:
    """Every break in the chain, in chain order: problems[0] names the first broken entry.

    Pure: give it exported entries (from `audit.export_chain` or
    `parse_jsonl`), as a list or as an iterator read once, in order
    (`verify-archive` streams them). Each entry is checked for its shape,
    its seq following the one before (1 first; a jump means an entry is missing), its
    `prev_hash` being the previous entry's hash (64 zeros for seq 1), its
    meeting being the chain's, and its `hash` matching its content.

    With `max_problems`, it stops reading once it has found that many.
    """
    problems: list[ChainProblem] = []
    expected_seq, meeting_id = 1, None
    expected_prev: str | None = ZERO_HASH
    for line, entry in enumerate(entries, start=1):
        if max_problems is not None and len(problems) >= max_problems:
            break
        shape = _shape_problem(entry)
        if shape:
            seq = entry.get("seq") if isinstance(entry, Mapping) else None
            seq = seq if _is_int(seq) else None
            problems.append(ChainProblem(shape, seq=seq, line=line))
            # Carry on from whatever can still be read, so later entries are judged fairly.
            expected_seq = seq + 1 if seq is not None else expected_seq + 1
            expected_prev = (
                entry.get("hash") if isinstance(entry, Mapping) and is_sha256_hex(entry.get("hash")) else None
            )
            continue
        seq = entry["seq"]
        if seq != expected_seq:
            why = "an entry is missing" if seq > expected_seq else "entries are repeated or out of order"
            problems.append(ChainProblem(f"gap in seq: expected {expected_seq} ({why})", seq=seq, line=line))
        elif expected_prev is not None and entry["prev_hash"] != expected_prev:
            before = "64 zeros, as the first entry" if seq == 1 else f"the hash of seq {seq - 1}"
            problems.append(ChainProblem(f"broken link: prev_hash is not {before}", seq=seq, line=line))
        if meeting_id is None:
            meeting_id = entry["meeting_id"]
        elif entry["meeting_id"] != meeting_id:
            problems.append(
                ChainProblem(
                    f"belongs to meeting {entry['meeting_id']}, the chain to meeting {meeting_id}", seq=seq, line=line
                )
            )
        if entry_hash(entry) != entry["hash"]:
            problems.append(
                ChainProblem("hash mismatch: the entry was changed after it was written", seq=seq, line=line)
            )
        expected_seq, expected_prev = seq + 1, entry["hash"]
    return problems


def _shape_problem(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return "not a JSON object"
    missing = sorted(EXPORTED_FIELDS - entry.keys())
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    extra = sorted(map(str, entry.keys() - EXPORTED_FIELDS))
    if extra:
        return f"unexpected field(s) {', '.join(extra)}, which the hash does not cover"
    checks = {
        "seq": _is_int(entry["seq"]) and entry["seq"] >= 1,
        "meeting_id": _is_int(entry["meeting_id"]),
        "actor_id": entry["actor_id"] is None or _is_int(entry["actor_id"]),
        "action": isinstance(entry["action"], str) and bool(entry["action"]),
        "at": isinstance(entry["at"], str),
        "details": isinstance(entry["details"], Mapping),
        "prev_hash": is_sha256_hex(entry["prev_hash"]),
        "hash": is_sha256_hex(entry["hash"]),
    }
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        return f"malformed field(s) {', '.join(bad)}"
    try:
        canonical_json(dict(entry))
    except (TypeError, ValueError):
        return "holds a value JSON cannot represent"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
