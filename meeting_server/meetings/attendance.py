"""Attendance: the formal record of who took part, and the quorum it gives.

Apart from live presence (presence.py, one row per joined socket): presence
says whose tablet is in the room right now, attendance says who attended the
meeting. A participant is checked in ("present") by joining an open meeting,
or when the meeting opens while their tablet is in the room; the secretary
records "online" or "absent" (with a reason) and corrects mistakes. A tablet
that drops off the Wi-Fi leaves attendance alone.

Arrival and departure keep their times: `checked_in_at` is when the
participant arrived (a late arrival is one after the meeting opened), and
`left_at` when the secretary recorded them leaving early; from then on they
no longer attend (a vote opened after counts them out). An absence the
console recorded stands against a tablet that joins anyway (so an absent
member with her tablet open is still absent, and gets no ballot); only the
console, or the participant's own "I will attend", changes it. A departure
stands the same way.

Counts and quorum are over the voting participants only: guests attend but
do not count. "online" counts as attending. A meeting of a body counts its
quorum on the body's whole membership instead, invited or not
(`member_base`): frozen into `meeting.member_count` when the meeting opens,
the live count before.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.bodies import service as bodies
from meeting_server.errors import Invalid
from meeting_server.meetings.events import AttendanceChanged
from meeting_server.meetings.models import (
    Attendance,
    AttendanceCounts,
    AttendanceEntry,
    AttendanceStatus,
    Meeting,
    Participant,
    QuorumFraction,
)
from meeting_server.timeutil import iso, utcnow
from meeting_server.votes.rules import quorum as quorum_rule

ATTENDING = frozenset({AttendanceStatus.present, AttendanceStatus.online})


def entries(session: Session, meeting_id: int) -> list[AttendanceEntry]:
    """One entry per participant, by user id; status None where nothing is known yet."""
    rows = session.exec(
        select(Participant.user_id, Attendance)
        .outerjoin(
            Attendance,
            (col(Attendance.meeting_id) == col(Participant.meeting_id))
            & (col(Attendance.user_id) == col(Participant.user_id)),
        )
        .where(Participant.meeting_id == meeting_id)
        .order_by(col(Participant.user_id))
    )
    return [entry(user_id, record) for user_id, record in rows]


def entry(user_id: int, record: Attendance | None) -> AttendanceEntry:
    if record is None:
        return AttendanceEntry(user_id=user_id, status=None, reason="", checked_in_at=None)
    return AttendanceEntry(
        user_id=user_id,
        status=record.status,
        reason=record.reason,
        checked_in_at=iso(record.checked_in_at),
        left_at=iso(record.left_at),
    )


def attends(record: Attendance | None) -> bool:
    """Recorded present or online, and not left since."""
    return record is not None and record.status in ATTENDING and record.left_at is None


def quorum_of(session: Session, meeting_id: int) -> QuorumFraction:
    meeting = session.get_one(Meeting, meeting_id)
    return QuorumFraction(numerator=meeting.quorum_numerator, denominator=meeting.quorum_denominator)


def member_base(session: Session, meeting: Meeting) -> int | None:
    """The base of the Party Charter's "of the members" rules and of the quorum
    for a meeting of a body: the body's whole membership, invited or not. Frozen
    when the meeting opens (`meeting.member_count`), the body's live count before.
    None for a meeting without a body (or of a body without members): then the
    voting participants count, as they always did."""
    if meeting.body_id is None:
        return None
    if meeting.member_count is not None:
        return meeting.member_count or None
    return bodies.member_count(session, meeting.body_id) or None


def voting_user_ids(session: Session, meeting_id: int) -> list[int]:
    return sorted(
        session.exec(select(Participant.user_id).where(Participant.meeting_id == meeting_id, Participant.voting))
    )


def attending_voter_ids(session: Session, meeting_id: int) -> list[int]:
    """The voting participants recorded present or online, and not left."""
    return sorted(
        session.exec(
            select(Attendance.user_id)
            .join(
                Participant,
                (col(Participant.meeting_id) == col(Attendance.meeting_id))
                & (col(Participant.user_id) == col(Attendance.user_id)),
            )
            .where(
                Attendance.meeting_id == meeting_id,
                Participant.voting,
                col(Attendance.status).in_(ATTENDING),
                col(Attendance.left_at).is_(None),
            )
        )
    )


def counts(session: Session, meeting_id: int, listed: list[AttendanceEntry] | None = None) -> AttendanceCounts:
    listed = entries(session, meeting_id) if listed is None else listed
    voting = set(voting_user_ids(session, meeting_id))
    statuses = [e.status for e in listed if e.user_id in voting and e.left_at is None]
    left = sum(1 for e in listed if e.user_id in voting and e.left_at is not None)
    fraction = quorum_of(session, meeting_id)
    present = statuses.count(AttendanceStatus.present)
    online = statuses.count(AttendanceStatus.online)
    members = member_base(session, session.get_one(Meeting, meeting_id))
    base = len(voting) if members is None else members
    state = quorum_rule(present + online, base, fraction.numerator, fraction.denominator)
    return AttendanceCounts(
        voting=len(voting),
        members=members,
        present=present,
        online=online,
        absent=statuses.count(AttendanceStatus.absent),
        unknown=statuses.count(None),
        left=left,
        quorum_required=state.required,
        quorum_met=state.met,
    )


def changed_event(session: Session, meeting_id: int, present: list[int]) -> AttendanceChanged:
    listed = entries(session, meeting_id)
    return AttendanceChanged(
        meeting_id=meeting_id,
        present=present,
        attendance=listed,
        counts=counts(session, meeting_id, listed),
        quorum=quorum_of(session, meeting_id),
    )


def lock_meeting(session: Session, meeting_id: int) -> None:
    """Take the meeting's row lock (PostgreSQL; SQLite writers queue anyway):
    a tablet on one node and a phone on another checking the same person in at
    once must not both insert their attendance row."""
    session.execute(sa.select(col(Meeting.id)).where(col(Meeting.id) == meeting_id).with_for_update())


def check_in(session: Session, meeting_id: int, user_id: int) -> bool:
    """The participant is here: unknown, or absent by their own answer to the
    invitation, becomes present; online stays online (an explicit choice of the
    secretary). An absence or a departure the console recorded stands: the
    console changes it, not a tablet. True when anything changed."""
    lock_meeting(session, meeting_id)
    record = session.get(Attendance, (meeting_id, user_id))
    if record is not None and (record.status in ATTENDING or record.left_at is not None):
        return False
    if record is not None and record.updated_by not in (None, user_id):
        return False
    now = utcnow()
    if record is None:
        record = Attendance(meeting_id=meeting_id, user_id=user_id, status=AttendanceStatus.present)
    record.status = AttendanceStatus.present
    record.reason = ""
    record.checked_in_at = now
    record.updated_by = None
    record.updated_at = now
    session.add(record)
    session.flush()
    return True


def record(
    session: Session,
    meeting_id: int,
    user_id: int,
    status: AttendanceStatus | None,
    reason: str,
    by: int,
    left: bool = False,
) -> AttendanceEntry:
    """What the secretary records. Arriving (from unknown or absent) stamps the
    check-in time; absent or unknown clears it. A reason is kept for absence only.
    `left` with an attending status: they left early, now (the first time is
    kept); an attending status without it: they are here (back, if they had left)."""
    if left and status not in ATTENDING:
        raise Invalid("Only someone present or online can leave early.")
    lock_meeting(session, meeting_id)
    current = session.get(Attendance, (meeting_id, user_id))
    if status is None:
        if current is not None:
            session.delete(current)
            session.flush()
        return entry(user_id, None)
    now = utcnow()
    if current is None:
        current = Attendance(meeting_id=meeting_id, user_id=user_id, status=status)
    arriving = status in ATTENDING and (current.checked_in_at is None or current.status not in ATTENDING)
    if arriving:
        current.checked_in_at = now
    elif status not in ATTENDING:
        current.checked_in_at = None
    if status in ATTENDING and left:
        current.left_at = current.left_at or now
    else:
        current.left_at = None
    current.status = status
    current.reason = reason if status == AttendanceStatus.absent else ""
    current.updated_by = by
    current.updated_at = now
    session.add(current)
    session.flush()
    return entry(user_id, current)
