"""The HTTP gate: before any route runs, its entry in the authorization table
(auth/policy.py) decides, and a refusal answers 401, 403 or (a meeting one may
not see) 404 with the usual error body, in the reader's language."""

from __future__ import annotations

from fastapi import Request
from fastapi.routing import APIRoute
from sqlmodel import Session, col, select

from meeting_server.auth import policy
from meeting_server.auth.models import UserPublic
from meeting_server.deps import Ctx, optional_user
from meeting_server.documents.models import Document
from meeting_server.errors import Forbidden
from meeting_server.ids import DB_INT_MAX
from meeting_server.meetings.access import standing
from meeting_server.meetings.models import AgendaItem
from meeting_server.votes.models import Vote


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
    """How the user stands to the meeting the path names, directly or through a thing in it.
    None where the path names nothing that exists: the route answers (404, or 422 for a non-id)."""
    if rule.meeting is None or user is None:
        return None
    raw = str(request.path_params.get(rule.through, ""))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or not 1 <= int(raw) <= DB_INT_MAX:
        return None  # not an id: the route's validation answers
    with ctx.db.read() as session:
        meeting_id = _meeting_of(session, rule.through, int(raw))
        return standing(session, user, meeting_id) if meeting_id is not None else None


def _meeting_of(session: Session, through: str, thing_id: int) -> int | None:
    """The meeting of the thing a path parameter names (itself for `meeting_id`), or None."""
    if through == "meeting_id":
        return thing_id
    return session.exec(_MEETING_OF[through](thing_id)).first()


_MEETING_OF = {
    "item_id": lambda item_id: select(AgendaItem.meeting_id).where(AgendaItem.id == item_id),
    "document_id": lambda document_id: (
        select(AgendaItem.meeting_id)
        .join(Document, col(Document.agenda_item_id) == col(AgendaItem.id))
        .where(Document.id == document_id)
    ),
    "vote_id": lambda vote_id: select(Vote.meeting_id).where(Vote.id == vote_id),
}
