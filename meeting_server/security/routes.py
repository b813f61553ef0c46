"""The security events over HTTP (admin only): docs/api.md, "Security events"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from meeting_server.deps import AdminUser, Ctx
from meeting_server.ids import Id
from meeting_server.security import service
from meeting_server.security.models import SecurityEventPage, SecurityKind

router = APIRouter(tags=["security"])


def _utc(value: datetime | None) -> datetime | None:
    """A date-time without a zone is UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@router.get("/api/security-events", response_model=SecurityEventPage)
async def security_events(
    ctx: Ctx,
    admin: AdminUser,
    kind: Annotated[SecurityKind | None, Query(description="only this kind")] = None,
    user_id: Annotated[Id | None, Query(description="only events by or about this account")] = None,
    since: Annotated[
        datetime | None, Query(description="only events at or after this date-time (UTC if no zone)")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="only events at or before this date-time (UTC if no zone)")
    ] = None,
    cursor: Annotated[Id | None, Query(description="the `next_cursor` of the page before")] = None,
    limit: Annotated[int, Query(ge=1, le=service.PAGE_MAX, description="events per page")] = 50,
) -> SecurityEventPage:
    """Security events, newest first, in pages (admin)."""
    return await ctx.intents.read(
        service.list_events,
        kind=kind,
        user_id=user_id,
        since=_utc(since),
        until=_utc(until),
        cursor=cursor,
        limit=limit,
    )
