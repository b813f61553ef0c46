"""GET /api/search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from meeting_server.deps import Ctx, CurrentUser
from meeting_server.ids import Id
from meeting_server.search.models import SearchResult
from meeting_server.search.service import search

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchResult)
async def search_route(
    ctx: Ctx,
    user: CurrentUser,
    q: Annotated[str, Query(max_length=200)] = "",
    meeting_id: Id | None = None,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    closed: bool = False,
):
    """Document text and minutes of the meetings the caller may see; blind to diacritics."""
    return await ctx.intents.read(
        lambda session: search(session, user, q, meeting_id=meeting_id, year=year, closed_only=closed)
    )
