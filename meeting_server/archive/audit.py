"""A meeting's audit log in the database: append-only and hash-chained.

What matters for the record — the meeting opened, a vote opened, a quorum
overridden, the minutes finalized — is appended with `record` in the same
transaction as the change itself. Each entry carries the hash of the one
before (the format is `archive.chain`'s), so changing, removing or
reordering an entry breaks the chain from there on, and `verify_chain` says
where.

Append-only: this module offers no way to change or delete an entry. A
database trigger refusing UPDATE and DELETE on `audit_entry` would harden
that against someone with write access to the database; nothing inside the
database stops someone who can rewrite the whole chain, which is why the
head hash (`head`) is worth writing down outside it (on the signed minutes).

Never put what a secret ballot chose next to who cast it: `details` go into
the archive as they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from meeting_server.archive.canonical import canonical_json
from meeting_server.archive.chain import ZERO_HASH, ChainHead, ChainProblem, entry_hash, verify_chain
from meeting_server.archive.models import AuditEntry
from meeting_server.errors import NotFound
from meeting_server.meetings.models import Meeting
from meeting_server.timeutil import utcnow

# "meeting.opened", "vote.quorum_overridden": lowercase dotted words.
_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
ACTION_MAX_LENGTH = 64

# Re-exported: the chain's verification belongs with the log for callers.
__all__ = ["ChainHead", "ChainProblem", "export_chain", "format_at", "head", "record", "to_dict", "verify_chain"]


def record(
    session: Session,
    meeting_id: int,
    actor_id: int | None,
    action: str,
    details: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the meeting's chain, inside the caller's write transaction.

    Call it in the transaction that makes the change it records (in a
    service: `record(tx.session, …)`), so the two commit or roll back
    together. Concurrent writers are safe: the meeting row is locked first
    (`SELECT … FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already
    serialises writers) — the row `Tx.notify_after_commit` locks too, so the two never wait
    for each other in opposite orders — and the next seq and the previous
    hash are read under that lock. The unique (meeting_id, seq) index is the
    backstop. `details` must be a JSON object; it is stored, hashed and
    exported in canonical form.
    """
    if not (isinstance(action, str) and len(action) <= ACTION_MAX_LENGTH and _ACTION.fullmatch(action)):
        raise ValueError(f"an audit action is lowercase dotted words like 'vote.opened', not {action!r}")
    if details is None:
        details = {}
    if not isinstance(details, Mapping):
        raise TypeError("audit details must be a JSON object")
    details_json = canonical_json(dict(details)).decode("utf-8")

    if session.execute(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()).first() is None:
        raise NotFound("There is no meeting {id}.", params={"id": meeting_id})
    last = _last(session, meeting_id)
    entry = AuditEntry(
        meeting_id=meeting_id,
        seq=last.entries + 1,
        at=utcnow(),
        actor_id=actor_id,
        action=action,
        details=details_json,
        prev_hash=last.hash,
        hash="",
    )
    entry.hash = entry_hash(to_dict(entry))
    session.add(entry)
    session.flush()
    return entry


def export_chain(session: Session, meeting_id: int) -> list[dict]:
    """The meeting's entries in seq order, as exported dicts (`archive.chain`), ready for `add_audit`."""
    rows = session.exec(
        select(AuditEntry).where(col(AuditEntry.meeting_id) == meeting_id).order_by(col(AuditEntry.seq))
    )
    return [to_dict(row) for row in rows]


def head(session: Session, meeting_id: int) -> ChainHead:
    """The chain's head as the database has it: what an archive's manifest must agree with."""
    return _last(session, meeting_id)


def to_dict(entry: AuditEntry) -> dict:
    """An entry as exported: the seven hashed fields plus `hash`."""
    return {
        "action": entry.action,
        "actor_id": entry.actor_id,
        "at": format_at(entry.at),
        "details": json.loads(entry.details),
        "hash": entry.hash,
        "meeting_id": entry.meeting_id,
        "prev_hash": entry.prev_hash,
        "seq": entry.seq,
    }


def format_at(at: datetime) -> str:
    """`at` as hashed: UTC, six digits of microseconds, `+00:00`."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _last(session: Session, meeting_id: int) -> ChainHead:
    row = session.execute(
        select(AuditEntry.seq, AuditEntry.hash)
        .where(AuditEntry.meeting_id == meeting_id)
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    ).first()
    return ChainHead(row.seq, row.hash) if row else ChainHead(0, ZERO_HASH)
