"""The security log as a request sees it: `security: Security` in a route's
signature gives a `SecurityLog` with the client's address (security/service.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from meeting_server.auth.login import client_address
from meeting_server.security.service import SecurityLog

# http_head.HEAD_AS_GET (an edge, so named here again): a HEAD asked again as a GET.
HEAD_AS_GET = "meeting_server.head_as_get"


def security_log(request: Request) -> SecurityLog:
    ctx = request.app.state.ctx
    return SecurityLog(
        address=client_address(request),
        per_kind=ctx.settings.security_events_per_kind,
        intents=ctx.intents,
        method="HEAD" if request.scope.get(HEAD_AS_GET) else request.method,
        follow_up=_later_range(request.headers.get("range")),
    )


def _later_range(header: str | None) -> bool:
    """A `Range` that does not start at byte 0: a PDF viewer fetching more of a
    file it opened (the open was noted)."""
    return header is not None and not header.replace(" ", "").lower().startswith("bytes=0-")


Security = Annotated[SecurityLog, Depends(security_log)]
