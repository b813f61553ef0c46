"""Security events: who logged in, failed to, changed whose role, exported or
downloaded what, from which address (docs/api.md, "Security events").

Rules:
- An event is written in the same write transaction as its action when there
  is one (a role change, a login's session, a logout): `SecurityLog.record`,
  called by the service. A read (a download, an export) writes its own small
  transaction, before the file is handed out: `SecurityLog.note`, called by the
  route. A HEAD asks for nothing and is not noted.
- Never stored: a password, a token, a hash of either, anything about a
  secret ballot. A failed login keeps the username as typed (at most 64
  characters, as LoginIn allows), never the password.
- The cap: each kind keeps its newest `security_events_per_kind` rows
  (MEETING_SECURITY_EVENTS_PER_KIND, 50,000 by default). By count, not by
  age: an age limit bounds nothing during a flood, while a count bounds the
  table whatever the rate (16 kinds at most). Per kind, not overall: a flood
  of failed logins, which anyone can cause, pushes out only failed logins,
  never the role changes and exports an admin looks for. The prune runs
  every PRUNE_EVERY rows (so a kind may hold PRUNE_EVERY - 1 more for a
  while), each kind by its (kind, id) index.
- Throttled logins are refused before anything costs, so writing each would
  hand a flood the disk and the write lock it was refused: one is noted per
  address per THROTTLE_NOTE_S (ThrottleNotes, in memory, per node).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import anyio.from_thread
import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth.models import User
from meeting_server.eventlog.outbox import Tx
from meeting_server.security.models import SecurityEvent, SecurityEventPage, SecurityEventPublic, SecurityKind
from meeting_server.timeutil import utcnow

if TYPE_CHECKING:
    from meeting_server.auth.models import UserPublic
    from meeting_server.eventlog.outbox import Intents

# Rows between two prunes, at most (fewer when the cap is small).
PRUNE_EVERY = 64
# One throttled login noted per address in this many seconds; addresses remembered.
THROTTLE_NOTE_S = 60.0
THROTTLE_TRACKED = 10000
# Events per page of the API, at most.
PAGE_MAX = 200


def record(
    tx: Tx,
    kind: SecurityKind,
    *,
    per_kind: int,
    actor_id: int | None = None,
    username: str = "",
    address: str | None = None,
    target_user_id: int | None = None,
    meeting_id: int | None = None,
    document_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one event in `tx`, and now and then prune each kind to its newest `per_kind`."""
    event = SecurityEvent(
        at=utcnow(),
        kind=kind.value,
        actor_id=actor_id,
        username=username[:64],
        address=address[:64] if address is not None else None,
        target_user_id=target_user_id,
        meeting_id=meeting_id,
        document_id=document_id,
        details=details or {},
    )
    tx.session.add(event)
    tx.session.flush()
    if event.id % max(1, min(PRUNE_EVERY, per_kind // 100)) == 0:
        prune(tx.session, per_kind)


def prune(session: Session, per_kind: int) -> int:
    """Delete every kind's rows older than its newest `per_kind`; returns how many went."""
    deleted = 0
    for kind in SecurityKind:
        cutoff = session.exec(
            select(SecurityEvent.id)
            .where(SecurityEvent.kind == kind.value)
            .order_by(col(SecurityEvent.id).desc())
            .offset(per_kind)
            .limit(1)
        ).first()
        if cutoff is not None:
            result = session.exec(
                sa.delete(SecurityEvent).where(col(SecurityEvent.kind) == kind.value, col(SecurityEvent.id) <= cutoff)
            )
            deleted += result.rowcount or 0
    return deleted


@dataclass(frozen=True)
class SecurityLog:
    """Where a request came from and how many rows to keep: what a service
    needs to record an event of its own (`record`), and a route to note a read
    (`note`). Made per request by `security/http.py`."""

    address: str | None
    per_kind: int
    intents: Intents | None = None
    method: str = "GET"
    # A range request for a later part of a file the same reader already has the start of.
    follow_up: bool = False

    def record(
        self,
        tx: Tx,
        kind: SecurityKind,
        actor: UserPublic | None = None,
        *,
        username: str | None = None,
        target_user_id: int | None = None,
        meeting_id: int | None = None,
        document_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        record(
            tx,
            kind,
            per_kind=self.per_kind,
            actor_id=actor.id if actor else None,
            username=username if username is not None else (actor.username if actor else ""),
            address=self.address,
            target_user_id=target_user_id,
            meeting_id=meeting_id,
            document_id=document_id,
            details=details,
        )

    async def note(
        self,
        kind: SecurityKind,
        actor: UserPublic | None = None,
        *,
        username: str | None = None,
        meeting_id: int | None = None,
        document_id: int | None = None,
        details: dict[str, Any] | None = None,
        confidential: bool = False,
    ) -> None:
        """An event of its own small write transaction (a read has none). `confidential`: the
        meeting is (meetings/confidential.py); its details then say so, `confidential: true`."""
        if self.method == "HEAD" or self.follow_up or self.intents is None:
            return
        if confidential:
            details = {**(details or {}), "confidential": True}
        await self.intents.run(
            None,
            self.record,
            kind,
            actor,
            username=username,
            meeting_id=meeting_id,
            document_id=document_id,
            details=details,
        )

    def note_from_thread(
        self,
        kind: SecurityKind,
        actor: UserPublic | None = None,
        *,
        meeting_id: int | None = None,
        document_id: int | None = None,
        confidential: bool = False,
    ) -> None:
        """`note` from a sync route (it runs on a worker thread of the event loop)."""
        call: Callable[[], Any] = lambda: self.note(  # noqa: E731
            kind, actor, meeting_id=meeting_id, document_id=document_id, confidential=confidential
        )
        anyio.from_thread.run(call)


class ThrottleNotes:
    """Which throttled logins to note: the first from an address, then one per
    `window_s`. An LRU of `tracked` addresses, so a churn of addresses costs
    bounded memory (each new one is noted, and the per-kind cap bounds those)."""

    def __init__(
        self,
        window_s: float = THROTTLE_NOTE_S,
        tracked: int = THROTTLE_TRACKED,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.window_s = window_s
        self.tracked = tracked
        self.clock = clock
        self._last: OrderedDict[str, float] = OrderedDict()

    def due(self, address: str) -> bool:
        now = self.clock()
        last = self._last.get(address)
        if last is not None and now - last < self.window_s:
            return False
        self._last[address] = now
        self._last.move_to_end(address)
        while len(self._last) > self.tracked:
            self._last.popitem(last=False)
        return True


def list_events(
    session: Session,
    *,
    kind: SecurityKind | None = None,
    user_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: int | None = None,
    limit: int = 50,
) -> SecurityEventPage:
    """Newest first. `user_id`: events by or about that account; `since`/`until`
    bound `at` (both included); `cursor`: the `next_cursor` of the page before."""
    limit = max(1, min(limit, PAGE_MAX))
    query = select(SecurityEvent)
    if kind is not None:
        query = query.where(SecurityEvent.kind == kind.value)
    if user_id is not None:
        query = query.where(
            sa.or_(col(SecurityEvent.actor_id) == user_id, col(SecurityEvent.target_user_id) == user_id)
        )
    if since is not None:
        query = query.where(col(SecurityEvent.at) >= since)
    if until is not None:
        query = query.where(col(SecurityEvent.at) <= until)
    if cursor is not None:
        query = query.where(col(SecurityEvent.id) < cursor)
    rows = list(session.exec(query.order_by(col(SecurityEvent.id).desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    ids = {i for row in rows for i in (row.actor_id, row.target_user_id) if i is not None}
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(ids)))} if ids else {}
    events = []
    for row in rows:
        actor = users.get(row.actor_id) if row.actor_id is not None else None
        target = users.get(row.target_user_id) if row.target_user_id is not None else None
        events.append(
            SecurityEventPublic(
                id=row.id,
                at=row.at,
                kind=SecurityKind(row.kind),
                actor_id=row.actor_id,
                actor_name=actor.full_name if actor else None,
                username=row.username,
                address=row.address,
                target_user_id=row.target_user_id,
                target_username=target.username if target else None,
                target_name=target.full_name if target else None,
                meeting_id=row.meeting_id,
                document_id=row.document_id,
                details=row.details,
            )
        )
    return SecurityEventPage(events=events, next_cursor=rows[-1].id if more and rows else None)
