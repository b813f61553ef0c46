"""Votes over HTTP: draft, open, close, cast, read, receipts."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from meeting_server.deps import Ctx, CurrentUser
from meeting_server.ids import Id
from meeting_server.meetings.confidential import content_cache_headers, is_confidential
from meeting_server.votes import service
from meeting_server.votes.models import (
    BallotIn,
    CastResult,
    MyVotePublic,
    PaperTallyIn,
    Receipts,
    TurnoutPublic,
    VoteCreate,
    VoteOpenIn,
    VoteUpdate,
)

router = APIRouter(tags=["votes"])


async def _keep_as_its_meeting(ctx: Ctx, response: Response, meeting_id: int) -> None:
    """Votes name the meeting's resolutions and people: a confidential meeting's are not stored."""
    confidential = await ctx.intents.read(is_confidential, meeting_id=meeting_id)
    response.headers.update(content_cache_headers(confidential))


@router.post("/api/meetings/{meeting_id}/votes", response_model=MyVotePublic, status_code=status.HTTP_201_CREATED)
async def create_vote(meeting_id: Id, body: VoteCreate, user: CurrentUser, ctx: Ctx) -> MyVotePublic:
    """Draft a vote (secretary, chair); nobody else sees it until it opens."""
    return await ctx.intents.run(meeting_id, service.create_vote, user=user, meeting_id=meeting_id, data=body)


@router.get("/api/meetings/{meeting_id}/votes", response_model=list[MyVotePublic])
async def list_votes(meeting_id: Id, user: CurrentUser, ctx: Ctx, response: Response) -> list[MyVotePublic]:
    """The meeting's votes as the caller may see them, with whether the caller voted."""
    votes = await ctx.intents.read(service.list_votes, user=user, meeting_id=meeting_id)
    await _keep_as_its_meeting(ctx, response, meeting_id)
    return votes


@router.get("/api/votes/{vote_id}", response_model=MyVotePublic)
async def get_vote(vote_id: Id, user: CurrentUser, ctx: Ctx, response: Response) -> MyVotePublic:
    """One vote; tally and result once closed, ballots only for a closed named vote."""
    vote = await ctx.intents.read(service.get_vote, user=user, vote_id=vote_id)
    await _keep_as_its_meeting(ctx, response, vote.meeting_id)
    return vote


@router.patch("/api/votes/{vote_id}", response_model=MyVotePublic)
async def update_vote(vote_id: Id, body: VoteUpdate, user: CurrentUser, ctx: Ctx) -> MyVotePublic:
    """Change a draft vote (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    return await ctx.intents.run(meeting_id, service.update_vote, user=user, vote_id=vote_id, data=body)


@router.delete("/api/votes/{vote_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_vote(vote_id: Id, user: CurrentUser, ctx: Ctx) -> Response:
    """Delete a draft vote (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    await ctx.intents.run(meeting_id, service.delete_vote, user=user, vote_id=vote_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api/votes/{vote_id}/open", response_model=MyVotePublic)
async def open_vote(vote_id: Id, user: CurrentUser, ctx: Ctx, body: VoteOpenIn | None = None) -> MyVotePublic:
    """Open a draft vote (secretary, chair); 409 quorum_not_met unless override_quorum."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    override = body.override_quorum if body else False
    return await ctx.intents.run(meeting_id, service.open_vote, user=user, vote_id=vote_id, override_quorum=override)


@router.post("/api/votes/{vote_id}/close", response_model=MyVotePublic)
async def close_vote(vote_id: Id, user: CurrentUser, ctx: Ctx) -> MyVotePublic:
    """Close an open vote (secretary, chair): tally and result go to everyone."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    return await ctx.intents.run(meeting_id, service.close_vote, user=user, vote_id=vote_id)


@router.post(
    "/api/votes/{vote_id}/ballot",
    response_model=CastResult,
    response_model_exclude_none=True,
    status_code=status.HTTP_201_CREATED,
)
async def cast_ballot(vote_id: Id, body: BallotIn, user: CurrentUser, ctx: Ctx) -> CastResult:
    """Cast the caller's one ballot; a second gets 409 already_voted, one from a
    participant not attending when the vote opened 409 absent. With
    `on_behalf_of`, the secretary or chair records a present participant's
    ballot (named votes only: 409 secret_vote)."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    return await ctx.intents.run(
        meeting_id,
        service.cast_ballot,
        user=user,
        vote_id=vote_id,
        choice=body.choice,
        receipt_hash=body.receipt_hash,
        on_behalf_of=body.on_behalf_of,
    )


@router.post("/api/votes/{vote_id}/paper", response_model=MyVotePublic)
async def record_paper(vote_id: Id, body: PaperTallyIn, user: CurrentUser, ctx: Ctx) -> MyVotePublic:
    """A secret vote's paper ballots counted per option (secretary, chair): replaces the
    count before, adds to the tally at close; 409 not_secret for a named vote."""
    meeting_id = await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id)
    return await ctx.intents.run(meeting_id, service.record_paper, user=user, vote_id=vote_id, tally=body.tally)


@router.get("/api/votes/{vote_id}/turnout", response_model=TurnoutPublic)
async def turnout(vote_id: Id, user: CurrentUser, ctx: Ctx, response: Response) -> TurnoutPublic:
    """Who has not voted yet, and who may not, by name (secretary, chair); never a choice."""
    answer = await ctx.intents.read(service.turnout, user=user, vote_id=vote_id)
    await _keep_as_its_meeting(ctx, response, await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id))
    return answer


@router.get("/api/votes/{vote_id}/receipts", response_model=Receipts)
async def receipts(vote_id: Id, user: CurrentUser, ctx: Ctx, response: Response) -> Receipts:
    """A closed secret vote's receipt hashes, sorted, without choices."""
    answer = await ctx.intents.read(service.receipts, user=user, vote_id=vote_id)
    await _keep_as_its_meeting(ctx, response, await ctx.intents.read(service.vote_meeting_id, vote_id=vote_id))
    return answer
