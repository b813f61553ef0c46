"""The one path for every change of meeting state.

A service runs inside `Intents.run`: in one write transaction it changes the
tables and appends its events to the meeting's log (`Tx.notify_after_commit`, which takes
the next `seq`). Only after the commit are the events sent to the rooms, by
the `Sender`, one meeting's in the order they were committed; no lock is
held while sending. A client that missed something replays from the log
with `since_seq`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Concatenate, ParamSpec, TypeAlias, TypeVar

import anyio
import socketio
import sqlalchemy as sa
from sqlmodel import Session

from meeting_server import observability
from meeting_server.db import Database
from meeting_server.eventlog.events import ServerEvent, inbox_room, meeting_room, screen_room, user_room
from meeting_server.eventlog.models import Event

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")


# What a user's inbox hears (Tx.notify_inboxes).
INBOX_EVENT = "inbox:meeting"


@dataclass
class Outgoing:
    name: str
    payload: dict
    room: str
    # One emit per event counts as sent (meeting_events_sent_total): the event's own room's.
    # Its copy to the hall screens' room, and the notices to inboxes, are the same event again.
    counted: bool = True


# The meeting row's counter, named here rather than imported: the event log is
# ground that every domain uses, so it may not import the meetings domain.
_meeting = sa.table("meeting", sa.column("id", sa.Integer), sa.column("last_seq", sa.Integer))


@dataclass
class Tx:
    """A write transaction and the events it will send once committed."""

    session: Session
    outgoing: list[Outgoing] = field(default_factory=list)
    # Work that must wait for the commit, run in the same worker thread before the events
    # go out (votes/service.py has the database forget the order its secret ballots came in).
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def notify_after_commit(self, event: ServerEvent, *, only_user: int | None = None, screen: bool = True) -> int:
        """Append the event to its meeting's log now, with the next seq (the
        meeting row's counter, which also serialises the meeting's writers),
        and send it once the transaction commits; returns that seq. Rolled
        back, it is neither logged nor sent. An event for the whole meeting also
        goes to its hall screens unless `screen` is False (withheld ink)."""
        event.seq = self.session.execute(
            sa.update(_meeting)
            .where(_meeting.c.id == event.meeting_id)
            .values(last_seq=_meeting.c.last_seq + 1)
            .returning(_meeting.c.last_seq)
        ).scalar_one()
        payload = event.model_dump(mode="json")
        self.session.add(
            Event(
                meeting_id=event.meeting_id,
                seq=event.seq,
                name=event.name,
                payload=_dumps(payload),
                audience_user_id=only_user,
            )
        )
        room = user_room(event.meeting_id, only_user) if only_user else meeting_room(event.meeting_id)
        self.outgoing.append(Outgoing(event.name, payload, room))
        if not only_user and screen:
            self.outgoing.append(Outgoing(event.name, payload, screen_room(event.meeting_id), counted=False))
        return event.seq

    def notify_inboxes(self, event: ServerEvent, user_ids: Iterable[int]) -> None:
        """Tell these users' inboxes (every socket of theirs, joined or not: their meeting list),
        once committed, that the meeting changed: `inbox:meeting` {meeting_id, seq, event}, a name
        of its own so a tablet in the meeting's room does not get the event twice. Not logged:
        a list that missed it reloads anyway. `seq` is the event's (its log position, if logged)."""
        payload = {"meeting_id": event.meeting_id, "seq": event.seq, "event": event.name}
        for user_id in sorted(set(user_ids)):
            self.outgoing.append(Outgoing(INBOX_EVENT, payload, inbox_room(user_id), counted=False))


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


# What sends: the socket.io server, or for a command-line process a write-only
# client manager of the nodes' broker (python-socketio's way to emit from outside).
Emitter: TypeAlias = socketio.AsyncServer | socketio.AsyncManager

# A committed event that has not reached socket.io within this long is given
# up on (it stays in the log, so tablets replay it): one stuck send must not
# hold back the meeting's later events for good.
SEND_TIMEOUT_S = 10.0
# To this node's sockets only, after a broker outage: rejoin with since_seq (realtime/broker.py).
RESYNC_EVENT = "server:resync"


class _KeyedLocks:
    """One asyncio.Lock per meeting, kept only while someone holds or waits
    for it: a client naming 20,000 meeting ids leaves nothing behind."""

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class Sender:
    """Sends committed events to their rooms, one meeting's in commit order.

    Nothing here runs under a meeting's lock. That matters: python-socketio
    may notice a dead client in the middle of an emit (its ping timed out) and
    run our `disconnect` handler right there, inside the emit; had the emit
    held the meeting's lock, that handler's departure would wait for the
    lock forever and freeze the meeting. `post` only queues (no await), so an
    intent calls it under the lock, which is what keeps the queue in seq
    order; a task per meeting with something to send drains it.
    """

    def __init__(self, sio: Emitter | None):
        # None: no transport (a command-line import with one node): the events
        # are in the log, and tablets get them when they next join.
        self.sio = sio
        self._queues: dict[int | None, deque[tuple[list[Outgoing], asyncio.Future[None]]]] = {}
        self._tasks: dict[int | None, asyncio.Task[None]] = {}

    def post(self, key: int | None, outgoing: list[Outgoing]) -> asyncio.Future[None]:
        """Queue the events of one commit; the future is done once they are sent."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if not outgoing:
            done.set_result(None)
            return done
        self._queues.setdefault(key, deque()).append((outgoing, done))
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._drain(key))
        return done

    async def _drain(self, key: int | None) -> None:
        queue = self._queues[key]
        try:
            while queue:
                outgoing, done = queue.popleft()
                for item in outgoing:
                    await self._emit(item)
                if not done.done():
                    done.set_result(None)
        finally:
            # No await between the empty check and here: a post cannot slip in.
            del self._queues[key], self._tasks[key]

    async def _emit(self, item: Outgoing) -> None:
        if self.sio is None:
            return
        try:
            # Latency of every emit, and one count per event (its own room's emit), /metrics.
            with observability.emitting(item.payload.get("meeting_id"), counted=item.counted):
                await asyncio.wait_for(self.sio.emit(item.name, item.payload, room=item.room), SEND_TIMEOUT_S)
        except Exception:  # the event is committed: clients replay it from the log
            log.exception("emit of %s failed", item.name)

    async def resync_local(self) -> None:
        """Ask this node's own sockets to rejoin (`server:resync`): the broker was down, so
        events other nodes sent meanwhile never came; a rejoin replays them from the log."""
        if self.sio is None:
            return
        try:
            await self.sio.emit(RESYNC_EVENT, {}, ignore_queue=True)
        except Exception:
            log.exception("resync of this node's sockets failed")

    async def relay(self, event: ServerEvent, *, skip_sid: str | None = None, screen: bool = True) -> None:
        """Send a transient event (a stroke being drawn) to its meeting's room
        at once: not logged, not queued behind the meeting's committed events.
        Also to the hall screens, unless `screen` is False."""
        if self.sio is None:
            return
        rooms = [meeting_room(event.meeting_id)] + ([screen_room(event.meeting_id)] if screen else [])
        payload = event.model_dump(mode="json")
        try:
            for room in rooms:
                await asyncio.wait_for(self.sio.emit(event.name, payload, room=room, skip_sid=skip_sid), SEND_TIMEOUT_S)
        except Exception:  # worth nothing a moment later: the final put replaces it
            log.exception("relay of %s failed", event.name)

    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())


class Intents:
    """The write path (`run`) and its read twin (`read`), in worker threads."""

    def __init__(self, db: Database, sio: Emitter | None):
        self.db = db
        self.sender = Sender(sio)
        self._locks = _KeyedLocks()
        self._limiter: anyio.CapacityLimiter | None = None

    def limited(self, limiter: anyio.CapacityLimiter) -> Intents:
        """The same write path on threads counted by `limiter` rather than
        anyio's shared pool: logins use it, so a flood of them never takes
        the threads that page turns and ballots need."""
        twin = copy.copy(self)
        twin._limiter = limiter
        return twin

    async def run(
        self,
        meeting_id: int | None,
        service: Callable[Concatenate[Tx, P], T],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `service(tx, ...)` in a worker thread, commit, then send its events.

        `meeting_id` names the lock, None for work across meetings (the
        presence sweep) or none (auth). The meeting's lock covers the
        transaction and the queueing of its events, never the sending: the
        queue is in commit order, so in seq order. Returns once the events
        have gone out (or were given up on).
        """

        def bound(tx: Tx) -> T:
            return service(tx, *args, **kwargs)

        work = functools.partial(self._transact, bound)
        guard = self._locks.hold(meeting_id) if meeting_id is not None else contextlib.nullcontext()
        async with guard:
            result, outgoing = await anyio.to_thread.run_sync(work, limiter=self._limiter)
            sent = self.sender.post(meeting_id, outgoing)
        await sent
        return result

    def _transact(self, service: Callable[[Tx], T]) -> tuple[T, list[Outgoing]]:
        with self.db.write() as session:
            tx = Tx(session)
            result = service(tx)
        for task in tx.after_commit:
            task()
        return result, tx.outgoing

    async def read(self, reader: Callable[Concatenate[Session, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `reader(session, ...)` in a read transaction in a worker thread."""

        def bound(session: Session) -> T:
            return reader(session, *args, **kwargs)

        work = functools.partial(self._read, bound)
        return await anyio.to_thread.run_sync(work, limiter=self._limiter)

    def _read(self, reader: Callable[[Session], T]) -> T:
        with self.db.read() as session:
            return reader(session)
