"""The one path for every change of meeting state.

A service runs inside `Intents.run`: in one write transaction it changes the
tables and appends its events to the meeting's log (`Tx.emit`, which takes
the next `seq`). Only after the commit are the events sent to the rooms, by
the `Sender`, one meeting's in the order they were committed; no lock is
held while sending. A client that missed something replays from the log
with `since_seq`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import sqlalchemy as sa
import socketio
from sqlmodel import Session

from meeting_server.db import Database
from meeting_server.meetings.models import Meeting
from meeting_server.realtime.events import ServerEvent, meeting_room, user_room
from meeting_server.realtime.models import Event

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Outgoing:
    name: str
    payload: dict
    room: str


@dataclass
class Tx:
    """A write transaction and the events it will send once committed."""

    session: Session
    outgoing: list[Outgoing] = field(default_factory=list)

    def emit(self, event: ServerEvent, *, only_user: int | None = None) -> int:
        """Append the event to its meeting's log with the next seq; returns that seq."""
        event.seq = self.session.execute(
            sa.update(Meeting)
            .where(Meeting.id == event.meeting_id)
            .values(last_seq=Meeting.last_seq + 1)
            .returning(Meeting.last_seq)
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
        return event.seq


def _dumps(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


# A committed event that has not reached socket.io within this long is given
# up on (it stays in the log, so tablets replay it): one stuck send must not
# hold back the meeting's later events for good.
SEND_TIMEOUT_S = 10.0


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

    def __init__(self, sio: socketio.AsyncServer):
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
        try:
            await asyncio.wait_for(self.sio.emit(item.name, item.payload, room=item.room), SEND_TIMEOUT_S)
        except Exception:  # the event is committed: clients replay it from the log
            log.exception("emit of %s failed", item.name)

    def pending(self) -> int:
        return sum(len(queue) for queue in self._queues.values())


class Intents:
    def __init__(self, db: Database, sio: socketio.AsyncServer):
        self.db = db
        self.sender = Sender(sio)
        self._locks = _KeyedLocks()

    async def run(self, meeting_id: int | None, service: Callable[..., T], *args: Any) -> T:
        """Run `service(tx, *args)` in a worker thread, commit, then send its events.

        The meeting's lock covers the transaction and the queueing of its
        events, never the sending: the queue is in commit order, so in seq
        order. Returns once the events have gone out (or were given up on).
        """
        guard = self._locks.hold(meeting_id) if meeting_id is not None else contextlib.nullcontext()
        async with guard:
            result, outgoing = await anyio.to_thread.run_sync(self._transact, service, args)
            sent = self.sender.post(meeting_id, outgoing)
        await sent
        return result

    def _transact(self, service: Callable[..., T], args: tuple) -> tuple[T, list[Outgoing]]:
        with self.db.write() as session:
            tx = Tx(session)
            result = service(tx, *args)
        return result, tx.outgoing

    async def read(self, reader: Callable[..., T], *args: Any) -> T:
        """Run `reader(session, *args)` in a read transaction in a worker thread."""
        return await anyio.to_thread.run_sync(self._read, reader, args)

    def _read(self, reader: Callable[..., T], args: tuple) -> T:
        with self.db.read() as session:
            return reader(session, *args)
