"""Named dependencies, so routes read like sentences:
`def get_meeting(meeting_id: int, user: CurrentUser, ctx: Ctx)`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from meeting_server.auth.models import Role, UserPublic
from meeting_server.auth.service import user_for_token
from meeting_server.context import AppContext
from meeting_server.errors import Forbidden, Unauthorized

SESSION_COOKIE = "meeting_session"


def get_ctx(request: Request) -> AppContext:
    return request.app.state.ctx


Ctx = Annotated[AppContext, Depends(get_ctx)]


def request_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE)


_UNREAD = object()


def optional_user(request: Request, ctx: Ctx) -> UserPublic | None:
    # Read once per request: the gate (gate.py) and the route both ask.
    known = getattr(request.state, "user", _UNREAD)
    if known is None or isinstance(known, UserPublic):
        return known
    token = request_token(request)
    user = None
    if token:
        with ctx.db.read() as session:
            user = user_for_token(session, token)
    request.state.user = user
    return user


def current_user(user: Annotated[UserPublic | None, Depends(optional_user)]) -> UserPublic:
    if user is None:
        raise Unauthorized("Log in first.")
    return user


CurrentUser = Annotated[UserPublic, Depends(current_user)]
OptionalUser = Annotated[UserPublic | None, Depends(optional_user)]


def admin_user(user: CurrentUser) -> UserPublic:
    if user.role != Role.admin:
        raise Forbidden("Only an admin may manage users.")
    return user


AdminUser = Annotated[UserPublic, Depends(admin_user)]
