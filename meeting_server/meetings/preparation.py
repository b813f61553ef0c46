"""Preparing a meeting before its session: edit, publish, copy, order the agenda,
and the invitees' side: their answer to the invitation and "seen".

Each write intent takes a `Tx`; a published meeting's changes are announced to
its room and to its invitees' inboxes (`service.announce`), and changes to its
record are audited.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from meeting_server.archive import audit
from meeting_server.auth.models import Role, User, UserPublic
from meeting_server.bodies.models import Body
from meeting_server.errors import Conflict, Forbidden, Invalid
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings import attendance
from meeting_server.meetings.access import controlled_meeting, ensure_not_closed, visible_meeting
from meeting_server.meetings.events import AgendaChanged, MeetingChanged, MeetingStatusChanged
from meeting_server.meetings.models import (
    AgendaItem,
    AgendaItemPublic,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingPublic,
    MeetingStatus,
    MeetingUpdate,
    Participant,
    ParticipantIn,
    Rsvp,
    RsvpIn,
    normalize_starts_at,
)
from meeting_server.meetings.presence import present_user_ids
from meeting_server.meetings.service import (
    MEETING_CREATORS,
    _known_users,
    _voting,
    announce,
    body_member_ids,
    describe,
    invitee_ids,
)
from meeting_server.timeutil import iso, utcnow

BEFORE_SESSION = (MeetingStatus.draft, MeetingStatus.scheduled)


def update_meeting(tx: Tx, user: UserPublic, meeting_id: int, data: MeetingUpdate) -> MeetingPublic:
    """Change what was sent of title, time, place, body, chair, secretary, confidentiality and
    invitees (the whole list). Refused once closed; once open, nobody can be uninvited."""
    session = tx.session
    meeting = controlled_meeting(session, user, meeting_id)
    sent = data.model_fields_set
    changed: dict[str, object] = {}
    if data.title is not None and data.title != meeting.title:
        meeting.title = changed["title"] = data.title
    if data.starts_at is not None:
        starts_at = normalize_starts_at(data.starts_at)
        if starts_at != meeting.starts_at:
            meeting.starts_at = changed["starts_at"] = starts_at
    if data.location is not None and data.location != meeting.location:
        meeting.location = changed["location"] = data.location
    if data.confidential is not None and data.confidential != meeting.confidential:
        meeting.confidential = changed["confidential"] = data.confidential
    if "body_id" in sent and data.body_id != meeting.body_id:
        if data.body_id is not None and session.get(Body, data.body_id) is None:
            raise Invalid("No such body.", details={"field": "body_id"})
        meeting.body_id = changed["body_id"] = data.body_id
    for field in ("chair_id", "secretary_id"):
        value = getattr(data, field)
        if field in sent and value != getattr(meeting, field):
            # Checked before the change: the next query would flush a dangling key.
            if value is not None and session.get(User, value) is None:
                raise Invalid("No such user.", details={"field": field})
            setattr(meeting, field, value)
            changed[field] = value
    before = set(invitee_ids(session, meeting.id))
    # A body chosen without a list of invitees: its members are invited to vote, as on creation.
    members = body_member_ids(session, meeting.body_id) if "body_id" in changed and meeting.body_id else []
    if data.participants is not None or members or "chair_id" in changed or "secretary_id" in changed:
        after = _replace_participants(session, user, meeting, data.participants, members)
        if after != before:
            changed["participants"] = sorted(after)
    if not changed:
        return describe(session, meeting)
    session.add(meeting)
    session.flush()
    announce(tx, meeting, MeetingChanged(meeting_id=meeting.id), also=before)
    if "participants" in changed or "body_id" in changed:
        # Quorum counts follow the invitees.
        tx.notify_after_commit(attendance.changed_event(session, meeting.id, present_user_ids(session, meeting.id)))
    if meeting.status != MeetingStatus.draft:
        audit.record(session, meeting.id, user.id, "meeting.changed", changed)
    session.refresh(meeting)
    return describe(session, meeting)


def _replace_participants(
    session: Session, user: UserPublic, meeting: Meeting, given: list[ParticipantIn] | None, members: list[int]
) -> set[int]:
    """The invitees become `given` (None: as they are), plus the chair, the secretary and a
    secretary or chair who edits (they would lose the meeting otherwise). Answers are kept."""
    current = {p.user_id: p for p in session.exec(select(Participant).where(Participant.meeting_id == meeting.id))}
    wanted: dict[int, ParticipantIn | None] = (
        {p.user_id: p for p in given} if given is not None else dict.fromkeys(current)
    )
    if given is None:
        for member_id in members:
            wanted.setdefault(member_id, None)
    for officer in (meeting.chair_id, meeting.secretary_id):
        if officer is not None:
            wanted.setdefault(officer, None)
    if user.role != Role.admin:
        wanted.setdefault(user.id, None)
    users = _known_users(session, wanted)
    leaving = set(current) - set(wanted)
    if leaving and meeting.status not in BEFORE_SESSION:
        raise Conflict("The session has opened: invitees can be added but no longer removed.")
    for user_id in leaving:
        record = session.get(Attendance, (meeting.id, user_id))
        if record is not None:
            session.delete(record)
        session.delete(current[user_id])
    for user_id, spec in wanted.items():
        existing = current.get(user_id)
        if existing is None:
            session.add(Participant(meeting_id=meeting.id, user_id=user_id, voting=_voting(users[user_id], spec)))
        elif spec is not None and spec.voting is not None and spec.voting != existing.voting:
            existing.voting = _voting(users[user_id], spec)
            session.add(existing)
    session.flush()
    return set(wanted)


def publish_meeting(tx: Tx, user: UserPublic, meeting_id: int) -> MeetingPublic:
    """draft -> scheduled: the invitees see it, with a "new" badge, and may answer.
    Publishing a published meeting changes nothing; an open or closed one is refused."""
    session = tx.session
    meeting = controlled_meeting(session, user, meeting_id)
    if meeting.status == MeetingStatus.scheduled:
        return describe(session, meeting)
    if meeting.status != MeetingStatus.draft:
        raise Conflict("Only a draft can be published.")
    meeting.status = MeetingStatus.scheduled
    meeting.published_at = utcnow()
    session.add(meeting)
    session.flush()
    announce(tx, meeting, MeetingStatusChanged(meeting_id=meeting.id, status=meeting.status))
    audit.record(
        session,
        meeting.id,
        user.id,
        "meeting.published",
        {"published_at": iso(meeting.published_at), "participants": sorted(invitee_ids(session, meeting.id))},
    )
    session.refresh(meeting)
    return describe(session, meeting)


def copy_meeting(tx: Tx, user: UserPublic, meeting_id: int) -> MeetingPublic:
    """A new draft like this meeting: its title, time, place, body, chair, secretary, invitees,
    confidentiality and agenda (titles and presenters; no documents, no answers)."""
    if user.role not in MEETING_CREATORS:
        raise Forbidden("Only an admin, a secretary or a chair may create meetings.")
    session = tx.session
    source = visible_meeting(session, user, meeting_id)
    controlled_meeting(session, user, meeting_id, writable=False)
    copy = Meeting(
        title=source.title,
        starts_at=source.starts_at,
        location=source.location,
        status=MeetingStatus.draft,
        body_id=source.body_id,
        chair_id=source.chair_id,
        secretary_id=source.secretary_id,
        created_by=user.id,
        quorum_numerator=source.quorum_numerator,
        quorum_denominator=source.quorum_denominator,
        confidential=source.confidential,
    )
    session.add(copy)
    session.flush()
    invited = {
        p.user_id: p.voting for p in session.exec(select(Participant).where(Participant.meeting_id == source.id))
    }
    if user.role != Role.admin:
        invited.setdefault(user.id, True)
    for user_id, voting in invited.items():
        session.add(Participant(meeting_id=copy.id, user_id=user_id, voting=voting))
    items = session.exec(
        select(AgendaItem).where(col(AgendaItem.meeting_id) == source.id).order_by(col(AgendaItem.position))
    )
    for position, item in enumerate(items, start=1):
        session.add(AgendaItem(meeting_id=copy.id, position=position, title=item.title, presenter=item.presenter))
    session.flush()
    return describe(session, copy)


def reorder_agenda(tx: Tx, user: UserPublic, meeting_id: int, order: list[int]) -> list[AgendaItemPublic]:
    """The agenda in this order: every item's id, each once."""
    session = tx.session
    meeting = controlled_meeting(session, user, meeting_id)
    items = {i.id: i for i in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    if len(order) != len(set(order)) or set(order) != set(items):
        raise Invalid("Name every agenda item of the meeting exactly once.", details={"field": "order"})
    for position, item_id in enumerate(order, start=1):
        item = items[item_id]
        if item.position != position:
            item.position = position
            session.add(item)
    session.flush()
    announce(tx, meeting, AgendaChanged(meeting_id=meeting.id))
    return [
        AgendaItemPublic(id=i.id, position=i.position, title=i.title, presenter=i.presenter)
        for i in (items[item_id] for item_id in order)
    ]


def answer_invitation(tx: Tx, user: UserPublic, meeting_id: int, data: RsvpIn) -> MeetingPublic:
    """An invitee answers before the meeting closes. "absent" records them absent with the
    reason (by themselves), so the session opens with it; "attending" undoes an absence they
    recorded themselves. The secretary can still change either at the session."""
    session = tx.session
    meeting = visible_meeting(session, user, meeting_id)
    invitation = session.get(Participant, (meeting.id, user.id))
    if invitation is None:
        raise Forbidden("Only an invitee can answer the invitation.")
    ensure_not_closed(meeting)
    invitation.rsvp = data.status
    invitation.rsvp_reason = data.reason if data.status == Rsvp.absent else ""
    invitation.rsvp_at = utcnow()
    invitation.seen_at = invitation.seen_at or invitation.rsvp_at
    session.add(invitation)
    record = session.get(Attendance, (meeting.id, user.id))
    if data.status == Rsvp.absent:
        attendance.record(session, meeting.id, user.id, AttendanceStatus.absent, data.reason, by=user.id)
    elif record is not None and record.status == AttendanceStatus.absent and record.updated_by == user.id:
        attendance.record(session, meeting.id, user.id, None, "", by=user.id)
    session.flush()
    tx.notify_after_commit(attendance.changed_event(session, meeting.id, present_user_ids(session, meeting.id)))
    audit.record(
        session,
        meeting.id,
        user.id,
        "invitation.answered",
        {"user_id": user.id, "rsvp": data.status.value, "reason": invitation.rsvp_reason},
    )
    session.refresh(meeting)
    return describe(session, meeting)


def mark_seen(tx: Tx, user: UserPublic, meeting_id: int) -> None:
    """The invitee opened the meeting: it is no longer "new" in their list."""
    meeting = visible_meeting(tx.session, user, meeting_id)
    invitation = tx.session.get(Participant, (meeting.id, user.id))
    if invitation is None or invitation.seen_at is not None:
        return
    invitation.seen_at = utcnow()
    tx.session.add(invitation)
