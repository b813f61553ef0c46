"""Who may see and who may steer a meeting (PROTOCOL.md, Roles).

See: its participants; admins; archivists once it is closed. A draft (being
prepared, not published) is seen only by those who control it.
Control (open/close, page turns, agenda, documents): participants whose
role is secretary or chair, and admins.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.auth.models import CONTROLLING_ROLES, Role, UserPublic
from meeting_server.auth.policy import Standing
from meeting_server.errors import Forbidden, MeetingClosed, NotFound
from meeting_server.meetings.models import Meeting, MeetingStatus, Participant


def is_participant(session: Session, meeting_id: int, user_id: int) -> bool:
    return session.get(Participant, (meeting_id, user_id)) is not None


def visible_to(user: UserPublic):
    """The same rule as `can_view`, as a SQL condition on Meeting, for lists and search."""
    mine = col(Meeting.id).in_(select(col(Participant.meeting_id)).where(col(Participant.user_id) == user.id))
    if user.role == Role.admin:
        return sa.true()
    if user.role in CONTROLLING_ROLES:
        # A draft they are invited to, they control (can_control).
        return mine
    published_and_mine = mine & (col(Meeting.status) != MeetingStatus.draft)
    if user.role == Role.archivist:
        return (col(Meeting.status) == MeetingStatus.closed) | published_and_mine
    return published_and_mine


def can_view(session: Session, user: UserPublic, meeting: Meeting) -> bool:
    if user.role == Role.admin:
        return True
    if meeting.status == MeetingStatus.draft:
        return can_control(session, user, meeting)
    if user.role == Role.archivist and meeting.status == MeetingStatus.closed:
        return True
    return is_participant(session, meeting.id, user.id)


def can_control(session: Session, user: UserPublic, meeting: Meeting) -> bool:
    if user.role == Role.admin:
        return True
    return user.role in CONTROLLING_ROLES and is_participant(session, meeting.id, user.id)


def visible_meeting(session: Session, user: UserPublic, meeting_id: int) -> Meeting:
    """The meeting, or not_found: a meeting you may not see looks like no meeting."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not can_view(session, user, meeting):
        raise NotFound("No such meeting.")
    return meeting


def controlled_meeting(session: Session, user: UserPublic, meeting_id: int, *, writable: bool = True) -> Meeting:
    meeting = visible_meeting(session, user, meeting_id)
    if not can_control(session, user, meeting):
        raise Forbidden("Only the meeting's secretary or chair may do this.")
    if writable:
        ensure_not_closed(meeting)
    return meeting


def ensure_not_closed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.closed:
        raise MeetingClosed("The meeting is closed; its record can no longer change.")


def standing(session: Session, user: UserPublic, meeting_id: int) -> Standing:
    """How the user stands to the meeting, for the authorization table (auth/policy.py)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        return Standing(visible=False, participant=False, controller=False)
    return Standing(
        visible=can_view(session, user, meeting),
        participant=is_participant(session, meeting.id, user.id),
        controller=can_control(session, user, meeting),
    )
