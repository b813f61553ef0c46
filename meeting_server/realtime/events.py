"""Every server-to-client event, as a typed model.

`extra="forbid"`: an event cannot grow a field by accident (say, a voter's
id on a secret ballot). Each carries `meeting_id` and `seq`; `seq` is filled
in by the outbox when the event is appended to the meeting's log.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from meeting_server.meetings.models import AttendanceCounts, AttendanceEntry, MeetingStatus, QuorumFraction


class ServerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: ClassVar[str]

    meeting_id: int
    seq: int = 0


class PageTurned(ServerEvent):
    name = "page:turned"
    document_id: int
    page: int
    by: int


class AttendanceChanged(ServerEvent):
    """`present`: who has a device in the room now. `attendance` and `counts`:
    the formal record (checked in, online, absent) and the quorum it gives.
    `quorum`: the rule those counts were made with, so a console shows a new
    rule set on another one."""

    name = "attendance:changed"
    present: list[int]
    attendance: list[AttendanceEntry]
    counts: AttendanceCounts
    quorum: QuorumFraction


class MeetingStatusChanged(ServerEvent):
    name = "meeting:status"
    status: MeetingStatus


class AgendaChanged(ServerEvent):
    """The agenda or its documents changed: clients fetch the meeting again."""

    name = "agenda:changed"


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def user_room(meeting_id: int, user_id: int) -> str:
    """The devices of one user in one meeting: where their private events go."""
    return f"meeting:{meeting_id}:user:{user_id}"
