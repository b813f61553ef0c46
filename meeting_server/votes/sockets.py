"""The one vote event a client sends: `vote:cast`, same rules as the HTTP ballot."""

from __future__ import annotations

import socketio

from meeting_server.auth.models import UserPublic
from meeting_server.context import AppContext
from meeting_server.ids import Id
from meeting_server.votes.models import BallotIn
from meeting_server.votes.service import cast_ballot


class VoteCastIn(BallotIn):
    meeting_id: Id
    vote_id: Id


def register(sio: socketio.AsyncServer, ctx: AppContext, handler) -> None:
    @handler("vote:cast", VoteCastIn)
    async def on_cast(sid: str, user: UserPublic, body: VoteCastIn) -> dict:
        result = await ctx.intents.run(
            body.meeting_id,
            cast_ballot,
            user=user,
            vote_id=body.vote_id,
            choice=body.choice,
            receipt_hash=body.receipt_hash,
            meeting_id=body.meeting_id,
            on_behalf_of=body.on_behalf_of,
        )
        return result.model_dump(mode="json", exclude_none=True)
