"""The meetings domain's own server events: page turns, attendance, status, agenda, the hall screen."""

from __future__ import annotations

from meeting_server.eventlog.events import ServerEvent
from meeting_server.meetings.models import AttendanceCounts, AttendanceEntry, MeetingStatus, QuorumFraction
from meeting_server.meetings.screen import ScreenMode


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


class MeetingChanged(ServerEvent):
    """Title, time, place, body, chair, secretary or invitees changed: clients fetch the meeting again.
    Also sent to each invitee's inbox (`inbox:{user_id}`) when it is published, so lists refresh."""

    name = "meeting:changed"


class ScreenChanged(ServerEvent):
    """The hall screen's mode or its shared-ink gate changed (PUT /api/meetings/{id}/screen;
    closing the meeting also turns the screen to `closing`)."""

    name = "screen:changed"
    mode: ScreenMode
    show_shared_ink: bool
    by: int
