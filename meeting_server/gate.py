"""The HTTP gate: before any route runs, its entry in the authorization table
(auth/policy.py) decides, and a refusal answers 401, 403 or (a meeting one may
not see) 404 with the usual error body, in the reader's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute

from meeting_server.auth import policy
from meeting_server.auth.models import UserPublic
from meeting_server.deps import Ctx, optional_user
from meeting_server.errors import Forbidden
from meeting_server.ids import DB_INT_MAX
from meeting_server.meetings.access import standing


def rule_for(request: Request) -> policy.Rule | None:
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else None
    return policy.HTTP.get((request.method, path)) if path is not None else None


def authorize(request: Request, ctx: Ctx) -> None:
    """A dependency of every route (create_app). A route open to anyone reads no session
    (the health probes, the login); `optional_user` keeps the one it read for the route."""
    rule = rule_for(request)
    if rule is None:
        # A route the table forgot is closed (the completeness test names it).
        raise Forbidden("This is not allowed.")
    if rule.anyone:
        return
    user = optional_user(request, ctx)
    refusal = rule.decide(user.role if user else None, _standing(request, ctx, user, rule))
    if refusal is not None:
        raise refusal


def _standing(request: Request, ctx: Ctx, user: UserPublic | None, rule: policy.Rule) -> policy.Standing | None:
    if rule.meeting is None or user is None:
        return None
    raw = str(request.path_params.get("meeting_id", ""))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or not 1 <= int(raw) <= DB_INT_MAX:
        return None  # not an id: the route's validation answers
    meeting_id = int(raw)
    with ctx.db.read() as session:
        return standing(session, user, meeting_id)
