"""Annotation events from the tablets: put, delete, and the live stroke.

Rates are checked here, first: a refused write costs a look-up in memory, not
a place in the meeting's queue behind which the secretary's page turn would
wait (a flood of 10,000 notes once held page turns up for half a minute).
"""

from __future__ import annotations

import math

import socketio

from meeting_server.annotations import service
from meeting_server.annotations.events import AnnotationDrawing
from meeting_server.annotations.limits import configure
from meeting_server.annotations.models import DeleteIn, DrawingIn, PutIn
from meeting_server.annotations.throttle import TokenBuckets
from meeting_server.auth.models import UserPublic
from meeting_server.context import AppContext
from meeting_server.errors import Invalid, RateLimited
from meeting_server.eventlog.events import meeting_room


def register(sio: socketio.AsyncServer, ctx: AppContext, handler) -> None:
    intents = ctx.intents
    limits = configure(ctx.settings)
    # Puts and deletes share one budget: each is a write and an event in the log.
    writes = TokenBuckets(limits.puts_per_s, limits.put_burst)
    # A live stroke sends a piece every 50 ms; a second's worth may come at once.
    pieces = TokenBuckets(limits.drawing_per_s, max(1, math.ceil(limits.drawing_per_s)))

    def budget_key(sid: str, user: UserPublic, meeting_id: int) -> tuple[int | None, int]:
        # Per (meeting, user) for a meeting this socket joined (one it may see);
        # every other meeting id shares one bucket per user, so naming random
        # meeting ids mints no fresh budgets (and no memory).
        joined = meeting_room(meeting_id) in sio.rooms(sid)
        return (meeting_id if joined else None, user.id)

    def ensure_write_budget(sid: str, user: UserPublic, meeting_id: int) -> None:
        wait = writes.take(budget_key(sid, user, meeting_id))
        if wait:
            raise RateLimited(
                "Too many annotation changes: at most {rate} a second ({burst} at once) per participant. "
                "Send again in {wait} s.",
                params={"rate": f"{limits.puts_per_s:g}", "burst": limits.put_burst, "wait": f"{wait:.1f}"},
                details={"limit_name": "changes_per_second", "retry_after_ms": math.ceil(wait * 1000)},
            )

    @handler("annotation:put", PutIn)
    async def on_put(sid: str, user: UserPublic, body: PutIn) -> dict:
        ensure_write_budget(sid, user, body.meeting_id)
        result = await intents.run(
            body.meeting_id,
            service.put_annotation,
            user=user,
            meeting_id=body.meeting_id,
            annotation=body.annotation,
            client_time=body.client_time,
            limits=limits,
        )
        return {"ok": True, "seq": result.seq, "annotation": result.annotation.model_dump(mode="json")}

    @handler("annotation:delete", DeleteIn)
    async def on_delete(sid: str, user: UserPublic, body: DeleteIn) -> dict:
        ensure_write_budget(sid, user, body.meeting_id)
        seq = await intents.run(
            body.meeting_id,
            service.delete_annotation,
            user=user,
            meeting_id=body.meeting_id,
            annotation_id=body.id,
            client_time=body.client_time,
            limits=limits,
        )
        return {"ok": True, "seq": seq}

    @handler("annotation:drawing", DrawingIn)
    async def on_drawing(sid: str, user: UserPublic, body: DrawingIn) -> dict:
        # Relayed, not logged: no transaction, no seq of its own, no meeting lock.
        # The socket's rooms say whether it joined (join and leave keep them);
        # one read by primary keys says whether the user may draw there now.
        room = meeting_room(body.meeting_id)
        if room not in sio.rooms(sid):
            raise Invalid("Join the meeting before drawing in it.")
        wait = pieces.take((body.meeting_id, user.id))
        if wait:
            # The piece is dropped; receivers drop what follows a gap, and the final put draws the stroke.
            raise RateLimited(
                "Too many live-stroke pieces: at most {rate} a second per participant.",
                params={"rate": f"{limits.drawing_per_s:g}"},
                details={"limit_name": "pieces_per_second", "retry_after_ms": math.ceil(wait * 1000)},
            )
        check = await intents.read(
            service.drawing_seq, user=user, meeting_id=body.meeting_id, document_id=body.document_id, page=body.page
        )
        event = AnnotationDrawing(
            meeting_id=body.meeting_id,
            seq=check.seq,
            id=body.id,
            owner_id=user.id,
            document_id=body.document_id,
            page=body.page,
            start=body.start,
            points=body.points,
            color=body.color,
            width=body.width,
        )
        # The hall screen sees a member's stroke only when the presenter lets shared ink through.
        await intents.sender.relay(event, skip_sid=sid, screen=check.to_screen)
        return {"ok": True}
