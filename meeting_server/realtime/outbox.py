"""The one path for every change of meeting state.

A service runs inside `Intents.run`: in one write transaction it changes the
tables and appends its events to the meeting's log (`Tx.emit`, which takes
the next `seq`). Only after the commit are the events sent to the rooms. A
per-meeting lock keeps this process's emits in seq order; a client that
missed something replays from the log with `since_seq`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext
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


class Intents:
    def __init__(self, db: Database, sio: socketio.AsyncServer):
        self.db = db
        self.sio = sio
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def run(self, meeting_id: int | None, service: Callable[..., T], *args: Any) -> T:
        """Run `service(tx, *args)` in a worker thread, commit, then emit its events."""
        guard = self._locks[meeting_id] if meeting_id is not None else nullcontext()
        async with guard:
            result, outgoing = await anyio.to_thread.run_sync(self._transact, service, args)
            await self.send(outgoing)
        return result

    def _transact(self, service: Callable[..., T], args: tuple) -> tuple[T, list[Outgoing]]:
        with self.db.write() as session:
            tx = Tx(session)
            result = service(tx, *args)
        return result, tx.outgoing

    async def send(self, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            try:
                await self.sio.emit(item.name, item.payload, room=item.room)
            except Exception:  # the event is committed: clients replay it from the log
                log.exception("emit of %s failed", item.name)

    async def read(self, reader: Callable[..., T], *args: Any) -> T:
        """Run `reader(session, *args)` in a read transaction in a worker thread."""
        return await anyio.to_thread.run_sync(self._read, reader, args)

    def _read(self, reader: Callable[..., T], args: tuple) -> T:
        with self.db.read() as session:
            return reader(session, *args)
