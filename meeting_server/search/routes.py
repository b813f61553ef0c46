"""GET /api/search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from meeting_server.deps import Ctx, CurrentUser
from meeting_server.ids import Id
from meeting_server.meetings.confidential import content_cache_headers
from meeting_server.search.models import SearchResult
from meeting_server.search.service import search

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchResult)
async def search_route(
    ctx: Ctx,
    user: CurrentUser,
    response: Response,
    q: Annotated[str, Query(max_length=200)] = "",
    meeting_id: Id | None = None,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    closed: bool = False,
):
    """Document text and minutes of the meetings the caller may see; blind to diacritics."""
    found = await ctx.intents.read(
        lambda session: search(session, user, q, meeting_id=meeting_id, year=year, closed_only=closed)
    )
    response.headers.update(content_cache_headers(any(hit.confidential for hit in found.hits)))
    return found
