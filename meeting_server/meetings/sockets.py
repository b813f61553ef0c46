"""The meetings domain's client event: `page:turn`, the presenter moving the room."""

from __future__ import annotations

import socketio

from meeting_server.auth.models import UserPublic
from meeting_server.context import AppContext
from meeting_server.meetings.models import PageTurnIn
from meeting_server.meetings.service import turn_page


def register(sio: socketio.AsyncServer, ctx: AppContext, handler) -> None:
    @handler("page:turn", PageTurnIn)
    async def on_page_turn(sid: str, user: UserPublic, body: PageTurnIn) -> dict:
        seq = await ctx.intents.run(
            body.meeting_id,
            turn_page,
            user=user,
            meeting_id=body.meeting_id,
            document_id=body.document_id,
            page=body.page,
        )
        return {"ok": True, "seq": seq}
