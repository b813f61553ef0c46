"""Annotation events from the tablets: put, delete, and the live stroke."""

from __future__ import annotations

import socketio

from meeting_server.annotations import service
from meeting_server.annotations.events import AnnotationDrawing
from meeting_server.annotations.models import DeleteIn, DrawingIn, PutIn
from meeting_server.auth.models import UserPublic
from meeting_server.context import AppContext
from meeting_server.errors import Invalid
from meeting_server.realtime.events import meeting_room


def register(sio: socketio.AsyncServer, ctx: AppContext, handler) -> None:
    intents = ctx.intents

    @handler("annotation:put", PutIn)
    async def on_put(sid: str, user: UserPublic, body: PutIn) -> dict:
        result = await intents.run(
            body.meeting_id, service.put_annotation, user, body.meeting_id, body.annotation, body.client_time
        )
        return {"ok": True, "seq": result.seq, "annotation": result.annotation.model_dump(mode="json")}

    @handler("annotation:delete", DeleteIn)
    async def on_delete(sid: str, user: UserPublic, body: DeleteIn) -> dict:
        seq = await intents.run(
            body.meeting_id, service.delete_annotation, user, body.meeting_id, body.id, body.client_time
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
        seq = await intents.read(service.drawing_seq, user, body.meeting_id, body.document_id, body.page)
        event = AnnotationDrawing(
            meeting_id=body.meeting_id,
            seq=seq,
            id=body.id,
            owner_id=user.id,
            document_id=body.document_id,
            page=body.page,
            start=body.start,
            points=body.points,
            color=body.color,
            width=body.width,
        )
        await sio.emit(event.name, event.model_dump(mode="json"), room=room, skip_sid=sid)
        return {"ok": True}
