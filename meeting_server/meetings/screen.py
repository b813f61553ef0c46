"""The hall screen's state, chosen at the console: what it shows (`mode`) and
whether members' shared ink reaches it (`show_shared_ink`, off by default).

Kept in a table of its own (one row per meeting, none until first set), so a
screen reloaded, or a server restarted, comes back in the same mode.

Whose ink the screen gets: the presenters' (the meeting's secretary and chair,
and admins: those who control it) always; another participant's shared ink only
while `show_shared_ink` is on. The server withholds the rest from the screen
itself (the screen room, the replay, the listing), not only from its drawing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum

from pydantic import BaseModel
from sqlmodel import Column, Field, Session, SQLModel, col, select

from meeting_server.auth.models import CONTROLLING_ROLES, Role, User
from meeting_server.inputs import StrictInput
from meeting_server.meetings.models import Participant
from meeting_server.timeutil import UTCDateTime, utcnow


class ScreenMode(str, Enum):
    page = "page"  # the presenter's page, fitted for the hall
    agenda = "agenda"  # the agenda, the current item marked
    blank = "blank"  # the meeting's mark on a dark screen, nothing else
    result = "result"  # the latest vote's result (screen-votes.js draws it)
    closing = "closing"  # the meeting is over


class ScreenState(SQLModel, table=True):
    __tablename__ = "screen_state"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    mode: str = Field(default=ScreenMode.page.value, max_length=16)
    show_shared_ink: bool = False
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class ScreenUpdate(StrictInput):
    """`PUT /api/meetings/{id}/screen`: either or both; what is left out stays."""

    mode: ScreenMode | None = None
    show_shared_ink: bool | None = None


class ScreenPublic(BaseModel):
    mode: ScreenMode = ScreenMode.page
    show_shared_ink: bool = False


def screen_of(session: Session, meeting_id: int) -> ScreenPublic:
    row = session.get(ScreenState, meeting_id)
    if row is None:
        return ScreenPublic()
    return ScreenPublic(mode=ScreenMode(row.mode), show_shared_ink=row.show_shared_ink)


def store(session: Session, meeting_id: int, user_id: int | None, data: ScreenUpdate) -> tuple[ScreenPublic, bool]:
    """Write the change; answers the new state and whether anything changed."""
    row = session.get(ScreenState, meeting_id) or ScreenState(meeting_id=meeting_id)
    before = (row.mode, row.show_shared_ink)
    if data.mode is not None:
        row.mode = data.mode.value
    if data.show_shared_ink is not None:
        row.show_shared_ink = data.show_shared_ink
    if (row.mode, row.show_shared_ink) == before:
        return ScreenPublic(mode=ScreenMode(row.mode), show_shared_ink=row.show_shared_ink), False
    row.updated_by = user_id
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return ScreenPublic(mode=ScreenMode(row.mode), show_shared_ink=row.show_shared_ink), True


def presenter_ids(session: Session, meeting_id: int, among: Iterable[int]) -> set[int]:
    """Of these users, those whose ink the screen always shows: the meeting's
    controllers (secretary or chair invited to it, and admins)."""
    wanted = set(among)
    if not wanted:
        return set()
    rows = session.exec(
        select(User.id, User.role, Participant.user_id)
        .select_from(User)
        .outerjoin(
            Participant, (col(Participant.user_id) == col(User.id)) & (col(Participant.meeting_id) == meeting_id)
        )
        .where(col(User.id).in_(wanted))
    ).all()
    return {
        user_id
        for user_id, role, invited in rows
        if role == Role.admin or (role in CONTROLLING_ROLES and invited is not None)
    }


def withheld_owners(session: Session, meeting_id: int, owners: Iterable[int]) -> set[int]:
    """Of these annotation owners, those whose shared ink the screen must not get now."""
    owners = set(owners)
    if not owners or screen_of(session, meeting_id).show_shared_ink:
        return set()
    return owners - presenter_ids(session, meeting_id, owners)
