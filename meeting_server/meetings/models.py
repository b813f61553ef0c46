"""Meetings, participants, agenda items and live presence."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import AfterValidator, AwareDatetime, BaseModel
from pydantic import Field as PField
from sqlmodel import Column, Field, SQLModel

from meeting_server.auth.models import Role

# meeting.body_id points at its table: the metadata must hold it wherever a meeting is loaded.
from meeting_server.bodies.models import Body  # noqa: F401
from meeting_server.ids import Id
from meeting_server.inputs import StrictInput, TrimmedInput
from meeting_server.text import Line, Title, one_line
from meeting_server.timeutil import UTCDateTime, utcnow


class MeetingStatus(str, Enum):
    draft = "draft"  # being prepared: only those who control it see it
    # Published: the invitees see it, read ahead and answer. PROTOCOL.md's name for it,
    # and what a meeting made without asking for a draft starts as.
    scheduled = "scheduled"
    open = "open"
    closed = "closed"


class Rsvp(str, Enum):
    """An invitee's answer to the invitation."""

    attending = "attending"
    absent = "absent"


# How many of the voting participants must attend, as a fraction, unless the meeting sets its own.
DEFAULT_QUORUM = (2, 3)


class Meeting(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    title: str = Field(max_length=500)
    # Kept as given, with the organiser's own UTC offset, for display and minutes.
    starts_at: str = Field(max_length=40)
    location: str = Field(default="", max_length=500)
    status: MeetingStatus = MeetingStatus.scheduled
    # The body that meets (None: an ad-hoc meeting of its invitees).
    body_id: int | None = Field(default=None, foreign_key="body.id", index=True)
    # The body's whole membership, counted when the meeting opens: the base of the
    # "of the members" rules and the quorum, whoever was invited.
    member_count: int | None = None
    chair_id: int | None = Field(default=None, foreign_key="user.id")
    secretary_id: int | None = Field(default=None, foreign_key="user.id")
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # The meeting's event log position: the seq of its newest event.
    last_seq: int = 0
    presenter_document_id: int | None = None
    presenter_page: int | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    opened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    quorum_numerator: int = Field(
        default=DEFAULT_QUORUM[0], sa_column_kwargs={"server_default": str(DEFAULT_QUORUM[0])}
    )
    quorum_denominator: int = Field(
        default=DEFAULT_QUORUM[1], sa_column_kwargs={"server_default": str(DEFAULT_QUORUM[1])}
    )
    # "Mật": its content is kept by no cache, not even the tablets' (meetings/confidential.py),
    # and every download and export of it is a security event marked confidential.
    confidential: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Participant(SQLModel, table=True):
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    voting: bool = True
    rsvp: Rsvp | None = None
    rsvp_reason: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    rsvp_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # When the invitee first opened the published meeting: until then it is "new" in their list.
    seen_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class AttendanceStatus(str, Enum):
    present = "present"  # in the hall
    online = "online"  # taking part from elsewhere, counted as attending
    absent = "absent"


class Attendance(SQLModel, table=True):
    """The formal record of who attended, apart from live presence (sockets):
    a tablet losing Wi-Fi does not make its owner absent. No row: not known yet."""

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    status: AttendanceStatus
    reason: str = Field(default="", max_length=500)
    checked_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # An early departure, recorded by the secretary: no longer attending from then on.
    left_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # None: the participant checked in by joining; otherwise who recorded it.
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    position: int
    title: str = Field(max_length=500)
    # Who presents the item: a name as the minutes write it, a guest's as well as a member's.
    presenter: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class Presence(SQLModel, table=True):
    """One live socket that joined a meeting. A user is present while they have one."""

    sid: str = Field(primary_key=True, max_length=64)
    meeting_id: int = Field(primary_key=True, foreign_key="meeting.id")
    user_id: int = Field(foreign_key="user.id")
    node_id: str = Field(index=True, max_length=64)
    joined_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class Node(SQLModel, table=True):
    """A server process, with its heartbeat: presence on a node that stopped beating is stale."""

    id: str = Field(primary_key=True, max_length=64)
    heartbeat_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# ---- API shapes -------------------------------------------------------------


class PageTurnIn(TrimmedInput):
    """`page:turn`: the presenter moves the room to a page."""

    meeting_id: Id
    document_id: Id
    page: int


class ParticipantIn(TrimmedInput):
    user_id: Id
    voting: bool | None = None


# Who presents an agenda item: a name as the minutes write it.
PresenterName = Annotated[str, PField(max_length=200), AfterValidator(lambda v: one_line(v)[:200])]


class MeetingCreate(TrimmedInput):
    title: Title
    starts_at: AwareDatetime
    location: Line = ""
    participants: list[ParticipantIn] = PField(default_factory=list, max_length=2000)
    # "draft": prepared first and published later; "scheduled" (PROTOCOL.md's name): published at once.
    status: Literal[MeetingStatus.draft, MeetingStatus.scheduled] = MeetingStatus.scheduled
    # With a body and no voting participants named, its members are invited to vote.
    body_id: Id | None = None
    chair_id: Id | None = None
    secretary_id: Id | None = None
    # "Mật": nothing of it is kept on the tablets (meetings/confidential.py).
    confidential: bool = False


class MeetingUpdate(TrimmedInput):
    """What `PATCH /api/meetings/{id}` changes: only the fields sent (null clears body, chair, secretary)."""

    title: Title | None = None
    starts_at: AwareDatetime | None = None
    location: Line | None = None
    body_id: Id | None = None
    chair_id: Id | None = None
    secretary_id: Id | None = None
    confidential: bool | None = None
    # The whole list of invitees: those left out are uninvited.
    participants: list[ParticipantIn] | None = PField(default=None, max_length=2000)


class RsvpIn(TrimmedInput):
    """An invitee's answer: attending, or absent with a reason."""

    status: Rsvp
    reason: Line = ""


class AgendaItemCreate(TrimmedInput):
    title: Title
    presenter: PresenterName = ""


class AgendaItemUpdate(TrimmedInput):
    title: Title | None = None
    position: int | None = PField(default=None, ge=1)
    presenter: PresenterName | None = None


class ParticipantPublic(BaseModel):
    user_id: int
    full_name: str
    role: Role
    voting: bool


class PageSize(BaseModel):
    width: float
    height: float


class DocumentVersionSummary(BaseModel):
    """An older version of a document on the agenda: readable, off the agenda."""

    id: int
    version: int
    title: str


class DocumentSummary(BaseModel):
    id: int
    title: str
    page_count: int
    sha256: str
    pages: list[PageSize]
    version: int = 1
    # The versions it replaced, newest first.
    versions: list[DocumentVersionSummary] = []


class AgendaItemPublic(BaseModel):
    id: int
    position: int
    title: str
    presenter: str = ""
    documents: list[DocumentSummary] = []


class Presenter(BaseModel):
    document_id: int
    page: int


class AttendanceIn(TrimmedInput):
    # None: not known (undoes a mistaken entry).
    status: AttendanceStatus | None
    reason: Line = ""
    # With an attending status: the participant left the meeting early (now); false undoes it.
    left: bool = False


class QuorumIn(TrimmedInput):
    numerator: int = PField(ge=1, le=1000)
    denominator: int = PField(ge=1, le=1000)


class AttendanceEntry(BaseModel):
    user_id: int
    status: AttendanceStatus | None
    reason: str
    checked_in_at: str | None
    # When they left early; left out while they are still here.
    left_at: str | None = PField(default=None, exclude_if=lambda v: v is None)


class QuorumFraction(BaseModel):
    numerator: int
    denominator: int


class AttendanceCounts(BaseModel):
    """Over the voting participants only: guests attend but do not count."""

    voting: int
    # A body's meeting: the body's whole membership, the quorum's base (invited or not); left out without a body.
    members: int | None = PField(default=None, exclude_if=lambda v: v is None)
    present: int
    online: int
    absent: int
    unknown: int
    # Recorded present or online, then left early: no longer attending (left out while nobody left).
    left: int = PField(default=0, exclude_if=lambda v: not v)
    quorum_required: int
    quorum_met: bool


class MeetingPublic(BaseModel):
    id: int
    title: str
    starts_at: str
    location: str
    status: MeetingStatus
    seq: int
    opened_at: str | None
    closed_at: str | None
    presenter: Presenter | None
    participants: list[ParticipantPublic]
    agenda: list[AgendaItemPublic]
    attendance: list[AttendanceEntry]
    quorum: QuorumFraction
    counts: AttendanceCounts
    body_id: int | None = None
    body_name: str | None = None
    chair_id: int | None = None
    secretary_id: int | None = None
    published_at: str | None = None
    confidential: bool = False
    # The meeting's time zone (the site setting): clients show every time in it, never the device's.
    timezone: str = "Asia/Ho_Chi_Minh"
    # The day it was held (opened), in that zone; null until it opens.
    held_on: str | None = None


class MeetingOpenIn(StrictInput):
    """`POST /api/meetings/{id}/open`'s optional body. `confirm_date: false`: open only on the
    scheduled day (in the meeting's time zone), else 409 `date_far`; `true`: open on any day,
    confirmed by the person at the console. Without it (the protocol's call), the meeting opens."""

    confirm_date: bool | None = None


class MeetingListItem(BaseModel):
    id: int
    title: str
    starts_at: str
    location: str
    status: MeetingStatus
    closed_at: str | None = None
    can_control: bool
    # The caller is invited to it.
    invited: bool = False
    # Published, the caller is invited and has not opened it yet.
    is_new: bool = False
    # The caller's answer to the invitation, if any.
    rsvp: Rsvp | None = None
    rsvp_reason: str = ""
    body_name: str | None = None
    confidential: bool = False
    # As in MeetingPublic: the zone every time is shown in, and the day it was held (null until it opens).
    timezone: str = "Asia/Ho_Chi_Minh"
    held_on: str | None = None


def normalize_starts_at(value: AwareDatetime) -> str:
    return value.isoformat()
