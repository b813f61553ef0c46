"""Bodies over HTTP: the committees that meet, and their members in order."""

from __future__ import annotations

from fastapi import APIRouter, status

from meeting_server.bodies import service
from meeting_server.bodies.models import BodyCreate, BodyListItem, BodyPublic, BodyUpdate
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.ids import Id

router = APIRouter(tags=["bodies"])


@router.get("/api/bodies", response_model=list[BodyListItem])
def list_bodies(user: CurrentUser, ctx: Ctx) -> list[BodyListItem]:
    """Every body with its number of members, by rank then name (any logged-in user)."""
    with ctx.db.read() as session:
        return service.list_bodies(session, user)


@router.get("/api/bodies/{body_id}", response_model=BodyPublic)
def get_body(body_id: Id, user: CurrentUser, ctx: Ctx) -> BodyPublic:
    """A body with its members in order (admin, secretary, chair, or one of its members)."""
    with ctx.db.read() as session:
        return service.get_body(session, user, body_id)


@router.post("/api/bodies", response_model=BodyPublic, status_code=status.HTTP_201_CREATED)
async def create_body(body: BodyCreate, user: CurrentUser, ctx: Ctx) -> BodyPublic:
    """Create a body, optionally with its members in order (admin)."""
    return await ctx.intents.run(None, service.create_body, user=user, data=body)


@router.patch("/api/bodies/{body_id}", response_model=BodyPublic)
async def update_body(body_id: Id, body: BodyUpdate, user: CurrentUser, ctx: Ctx) -> BodyPublic:
    """Rename, re-rank, or replace the members of a body (admin): `members` is the whole list, in order."""
    return await ctx.intents.run(None, service.update_body, user=user, body_id=body_id, data=body)
