"""Who may do what: one table for every HTTP route and every socket event.

`HTTP` is keyed by (method, path template) exactly as FastAPI registers the
route; `SOCKET` by the client event's name. Each entry is a `Rule`: anyone,
anyone signed in, or a set of roles; and, for an operation on a meeting (a
`{meeting_id}` in the path, a `meeting_id` in the socket payload), how the
caller must stand to that meeting (named in the path by its id, or by the id
of an agenda item, a document or a vote in it, whose meeting the gate finds):

- `visible`: may see it (`meetings/access.py`, `can_view`); else it answers
  like no meeting (no item, document, vote) at all, `not_found`;
- `participant`: is invited to it;
- `controller`: steers it (its secretary or chair, or an admin).

The gates read the table before any handler runs: `meeting_server/gate.py`
for HTTP (a dependency of every route) and the socket transport's event
decorator (`realtime/server.py`). The services keep their own, finer checks
(the state of the meeting, whose ballot, which document). The completeness
test (tests/test_authorization.py) fails when a route or an event has no
entry here, or an entry names one that no longer exists; the walk tries every
entry as every kind of person. `python -m meeting_server.auth.policy` prints
the table (docs/api.md, "Who may call what").
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from meeting_server.auth.models import CONTROLLING_ROLES, Role
from meeting_server.errors import Forbidden, MeetingError, NotFound, Unauthorized


class Relation(str, Enum):
    visible = "visible"
    participant = "participant"
    controller = "controller"


@dataclass(frozen=True)
class Standing:
    """How one user stands to one meeting (found by `meetings.access.standing`)."""

    visible: bool
    participant: bool
    controller: bool


NOT_ALLOWED = Forbidden("This is not allowed.")
NOT_CONTROLLER = Forbidden("Only the meeting's secretary or chair may do this.")
NO_MEETING = NotFound("No such meeting.")


@dataclass(frozen=True)
class Rule:
    anyone: bool = False
    # None: every role (once signed in).
    roles: frozenset[Role] | None = None
    meeting: Relation | None = None
    # What a refused role or relation is told (copied for each refusal).
    refusal: MeetingError = NOT_ALLOWED
    meeting_refusal: MeetingError = NOT_CONTROLLER
    # Not empty: the service checks more than the table says (it names what), so someone
    # the table lets through may still be refused there.
    finer: str = ""
    # A meeting one may not see is not found before the role is asked (else the role first).
    visible_first: bool = False
    # The path parameter that names the meeting, or the thing in it whose meeting is meant
    # (an agenda item, a document, a vote: the gate finds its meeting), and what one who may
    # not see that meeting is told: as if the thing did not exist.
    through: str = "meeting_id"
    hidden: MeetingError = NO_MEETING

    def decide(self, role: Role | None, standing: Standing | None = None) -> MeetingError | None:
        """None when allowed; else the refusal (401, 403, or 404 for a meeting one may not see).
        `standing` None: the meeting is not known yet (the service checks it)."""
        if self.anyone:
            return None
        if role is None:
            return Unauthorized("Log in first.")
        hidden = self.meeting is not None and standing is not None and not standing.visible
        if hidden and self.visible_first:
            return _fresh(self.hidden)
        if self.roles is not None and role not in self.roles:
            return _fresh(self.refusal)
        if self.meeting is None or standing is None:
            return None
        if hidden:
            return _fresh(self.hidden)
        if self.meeting == Relation.participant and not standing.participant:
            return _fresh(self.meeting_refusal)
        if self.meeting == Relation.controller and not standing.controller:
            return _fresh(self.meeting_refusal)
        return None

    def describe(self) -> str:
        if self.anyone:
            return "anyone"
        who = "signed in" if self.roles is None else ", ".join(r.value for r in Role if r in self.roles)
        if self.meeting:
            whose = {"item_id": "the item's ", "document_id": "the document's ", "vote_id": "the vote's "}
            who = f"{who}; {self.meeting.value} of {whose.get(self.through, 'the ')}meeting"
        return f"{who} ({self.finer})" if self.finer else who


def _fresh(template: MeetingError) -> MeetingError:
    """A new error like the table's, raised without the tracebacks of the last ones."""
    error = copy.copy(template)
    error.__traceback__ = None
    return error


ANYONE = Rule(anyone=True)
SIGNED_IN = Rule()
VISIBLE = Rule(meeting=Relation.visible)
CONTROLLER = Rule(meeting=Relation.controller)
ADMIN = Rule(roles=frozenset({Role.admin}), refusal=Forbidden("Only an admin may manage users."))
STAFF = frozenset({Role.admin, *CONTROLLING_ROLES})
MEETING_CREATORS = Rule(roles=STAFF, refusal=Forbidden("Only an admin, a secretary or a chair may create meetings."))
BODY_ADMIN = Rule(roles=frozenset({Role.admin}), refusal=Forbidden("Only an admin may create or change bodies."))
# A web page answers anyone: without a session it sends the browser to /login, and a page
# for some roles only shows its refusal as a page (web/routes.py).
PAGE = Rule(anyone=True, finer="the page itself: log in, role, the meeting")


# Addressed by an agenda item, a document or a vote: the gate finds its meeting and asks
# the same of it as of a meeting, answering one who may not see it as if the thing did not exist.
def _addressed_by(through: str, hidden: MeetingError) -> Callable[..., Rule]:
    def rule(relation: Relation, finer: str = "", meeting_refusal: MeetingError = NOT_CONTROLLER) -> Rule:
        return Rule(
            meeting=relation,
            finer=finer,
            meeting_refusal=meeting_refusal,
            through=through,
            hidden=hidden,
            visible_first=True,
        )

    return rule


_by_item = _addressed_by("item_id", NotFound("No such agenda item."))
_by_document = _addressed_by("document_id", NotFound("No such document."))
_by_vote = _addressed_by("vote_id", NotFound("No such vote."))
BY_ITEM = _by_item(Relation.controller, "the meeting's state")
DOCUMENT_READ = _by_document(Relation.visible)
DOCUMENT_WRITE = _by_document(Relation.controller, "the meeting's state")
# Members see a vote once it is open: the service hides drafts.
VOTE_READ = _by_vote(Relation.visible, "a draft is its controller's")
VOTE_CONTROL = _by_vote(Relation.controller, "the vote's state")
# A voter's own ballot, or one recorded by the controller for a voter without a tablet.
VOTE_BALLOT = _by_vote(Relation.visible, "an entitled voter present, or its controller for one")
VOTE_TURNOUT = _by_vote(
    Relation.controller,
    "the vote's state",
    meeting_refusal=Forbidden("Only the secretary or the chair follows who has voted."),
)
# Its controller writes the minutes (checked after the meeting's state, so by the service).
MINUTES_WRITE = Rule(meeting=Relation.visible, finer="its controller")
OPARL_MEETING = Rule(meeting=Relation.visible, finer="the object's own", visible_first=True)
OPARL_ITEM = _by_item(Relation.visible)
OPARL_FILE = _by_document(Relation.visible)

# Mounted folders of static files, open to anyone: not routes of the table.
ASSET_MOUNTS = ("/static", "/vendor")

HTTP: dict[tuple[str, str], Rule] = {
    # Health, metrics, pages and the CA certificate.
    ("GET", "/healthz"): ANYONE,
    ("GET", "/readyz"): ANYONE,
    ("GET", "/metrics"): ANYONE,
    ("GET", "/openapi.json"): ANYONE,
    ("GET", "/docs"): ANYONE,
    ("GET", "/ca.crt"): ANYONE,
    ("GET", "/ca.mobileconfig"): ANYONE,
    ("GET", "/lang/{code}"): ANYONE,
    ("GET", "/login"): PAGE,
    ("GET", "/"): PAGE,
    ("GET", "/meetings/new"): PAGE,
    ("GET", "/meetings/{meeting_id}/prepare"): PAGE,
    ("GET", "/meetings/{meeting_id}"): PAGE,
    ("GET", "/meetings/{meeting_id}/console"): PAGE,
    ("GET", "/meetings/{meeting_id}/screen"): PAGE,
    ("GET", "/archive"): PAGE,
    ("GET", "/admin/users"): PAGE,
    ("GET", "/admin/bodies"): PAGE,
    ("GET", "/admin/settings"): PAGE,
    ("GET", "/admin/security"): PAGE,
    ("GET", "/account"): PAGE,
    # Sessions and accounts.
    ("POST", "/api/auth/login"): ANYONE,
    ("POST", "/api/auth/logout"): SIGNED_IN,
    ("POST", "/api/auth/password"): SIGNED_IN,
    ("GET", "/api/me"): SIGNED_IN,
    ("POST", "/api/users"): ADMIN,
    ("POST", "/api/users/batch"): ADMIN,
    ("GET", "/api/users"): Rule(
        roles=STAFF, refusal=Forbidden("Only an admin, a secretary or a chair may list users.")
    ),
    ("PATCH", "/api/users/{user_id}"): ADMIN,
    ("POST", "/api/users/{user_id}/password-reset"): ADMIN,
    ("GET", "/api/security-events"): ADMIN,
    # Bodies and the site's settings.
    ("GET", "/api/bodies"): SIGNED_IN,
    ("GET", "/api/bodies/{body_id}"): Rule(finer="a member of the body, or admin, secretary, chair"),
    ("POST", "/api/bodies"): BODY_ADMIN,
    ("PATCH", "/api/bodies/{body_id}"): BODY_ADMIN,
    ("GET", "/api/settings"): SIGNED_IN,
    ("PUT", "/api/settings"): Rule(
        roles=frozenset({Role.admin}), refusal=Forbidden("Only an admin may change the settings.")
    ),
    # Meetings.
    ("POST", "/api/meetings"): MEETING_CREATORS,
    ("GET", "/api/meetings"): SIGNED_IN,
    ("GET", "/api/meetings/{meeting_id}"): VISIBLE,
    ("PATCH", "/api/meetings/{meeting_id}"): CONTROLLER,
    ("POST", "/api/meetings/{meeting_id}/agenda"): CONTROLLER,
    ("PUT", "/api/meetings/{meeting_id}/agenda/order"): CONTROLLER,
    ("PATCH", "/api/agenda/{item_id}"): BY_ITEM,
    ("DELETE", "/api/agenda/{item_id}"): BY_ITEM,
    ("POST", "/api/meetings/{meeting_id}/open"): CONTROLLER,
    ("POST", "/api/meetings/{meeting_id}/close"): CONTROLLER,
    ("POST", "/api/meetings/{meeting_id}/publish"): CONTROLLER,
    ("POST", "/api/meetings/{meeting_id}/copy"): Rule(
        roles=MEETING_CREATORS.roles, refusal=MEETING_CREATORS.refusal, meeting=Relation.controller
    ),
    ("GET", "/api/meetings/{meeting_id}/screen"): VISIBLE,
    ("PUT", "/api/meetings/{meeting_id}/screen"): CONTROLLER,
    ("PUT", "/api/meetings/{meeting_id}/attendance/{user_id}"): CONTROLLER,
    ("PATCH", "/api/meetings/{meeting_id}/quorum"): CONTROLLER,
    ("PUT", "/api/meetings/{meeting_id}/rsvp"): Rule(
        meeting=Relation.participant, meeting_refusal=Forbidden("Only an invitee can answer the invitation.")
    ),
    ("POST", "/api/meetings/{meeting_id}/seen"): VISIBLE,
    ("GET", "/api/meetings/{meeting_id}/invitation.ics"): VISIBLE,
    # Documents and annotations (the service finds the meeting from the document or item).
    ("POST", "/api/agenda/{item_id}/documents"): BY_ITEM,
    ("GET", "/api/documents/{document_id}"): DOCUMENT_READ,
    ("PATCH", "/api/documents/{document_id}"): DOCUMENT_WRITE,
    ("DELETE", "/api/documents/{document_id}"): DOCUMENT_WRITE,
    ("POST", "/api/documents/{document_id}/versions"): DOCUMENT_WRITE,
    ("GET", "/api/documents/{document_id}/pages/{number}"): DOCUMENT_READ,
    ("GET", "/api/documents/{document_id}/pages/{number}/text"): DOCUMENT_READ,
    ("GET", "/api/documents/{document_id}/file"): DOCUMENT_READ,
    ("GET", "/api/documents/{document_id}/annotations"): DOCUMENT_READ,
    ("GET", "/api/documents/{document_id}/annotated.pdf"): DOCUMENT_READ,
    ("GET", "/api/documents/{document_id}/annotations.jsonld"): DOCUMENT_READ,
    ("GET", "/api/search"): SIGNED_IN,
    # Votes.
    ("POST", "/api/meetings/{meeting_id}/votes"): CONTROLLER,
    ("GET", "/api/meetings/{meeting_id}/votes"): VISIBLE,
    ("GET", "/api/votes/{vote_id}"): VOTE_READ,
    ("PATCH", "/api/votes/{vote_id}"): VOTE_CONTROL,
    ("DELETE", "/api/votes/{vote_id}"): VOTE_CONTROL,
    ("POST", "/api/votes/{vote_id}/open"): VOTE_CONTROL,
    ("POST", "/api/votes/{vote_id}/close"): VOTE_CONTROL,
    ("POST", "/api/votes/{vote_id}/ballot"): VOTE_BALLOT,
    ("POST", "/api/votes/{vote_id}/paper"): VOTE_CONTROL,
    ("GET", "/api/votes/{vote_id}/turnout"): VOTE_TURNOUT,
    ("GET", "/api/votes/{vote_id}/receipts"): VOTE_READ,
    # Minutes.
    ("GET", "/api/meetings/{meeting_id}/minutes"): VISIBLE,
    ("PUT", "/api/meetings/{meeting_id}/minutes"): MINUTES_WRITE,
    ("PUT", "/api/meetings/{meeting_id}/minutes/items/{agenda_item_id}"): MINUTES_WRITE,
    ("POST", "/api/meetings/{meeting_id}/minutes/finalize"): MINUTES_WRITE,
    ("POST", "/api/meetings/{meeting_id}/minutes/confirm"): Rule(
        meeting=Relation.visible, finer="the chair and the secretary named in the minutes"
    ),
    ("GET", "/api/meetings/{meeting_id}/minutes.pdf"): VISIBLE,
    ("GET", "/api/meetings/{meeting_id}/minutes.json"): VISIBLE,
    # Archive and OParl.
    ("GET", "/api/meetings/{meeting_id}/archive.zip"): Rule(
        roles=frozenset({Role.admin, Role.archivist, Role.secretary}),
        refusal=Forbidden("Only an archivist, an admin or the meeting's secretary may export its archive."),
        meeting=Relation.visible,
        visible_first=True,
        finer="a secretary: of this meeting",
    ),
    ("GET", "/api/oparl/v1/system"): SIGNED_IN,
    ("GET", "/api/oparl/v1/bodies"): SIGNED_IN,
    ("GET", "/api/oparl/v1/body"): SIGNED_IN,
    ("GET", "/api/oparl/v1/body/organizations"): SIGNED_IN,
    ("GET", "/api/oparl/v1/body/people"): SIGNED_IN,
    ("GET", "/api/oparl/v1/body/papers"): SIGNED_IN,
    ("GET", "/api/oparl/v1/meetings"): SIGNED_IN,
    ("GET", "/api/oparl/v1/meetings/{meeting_id}"): OPARL_MEETING,
    ("GET", "/api/oparl/v1/agenda-items/{item_id}"): OPARL_ITEM,
    ("GET", "/api/oparl/v1/files/{document_id}"): OPARL_FILE,
    ("GET", "/api/oparl/v1/locations/{meeting_id}"): OPARL_MEETING,
    ("GET", "/api/oparl/v1/minutes/{meeting_id}"): OPARL_MEETING,
}

# Every socket comes from a signed-in user (the connect handler refuses the others).
SOCKET: dict[str, Rule] = {
    "meeting:join": VISIBLE,
    "meeting:replay": VISIBLE,
    "meeting:leave": SIGNED_IN,
    "page:turn": CONTROLLER,
    "annotation:put": VISIBLE,
    "annotation:delete": VISIBLE,
    "annotation:drawing": VISIBLE,
    "vote:cast": VISIBLE,
}
# The transport's own handlers, not events of the table: `connect` signs the socket in
# (else `unauthorized`), `disconnect` is the server's, and `*` answers unknown events.
SOCKET_TRANSPORT = frozenset({"connect", "disconnect", "*"})


def table() -> str:
    """The table as Markdown (docs/api.md)."""
    lines = ["| Operation | Who |", "|---|---|"]
    for (method, path), rule in HTTP.items():
        lines.append(f"| `{method} {path}` | {rule.describe()} |")
    for event, rule in SOCKET.items():
        lines.append(f"| socket `{event}` | {rule.describe()} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table())
