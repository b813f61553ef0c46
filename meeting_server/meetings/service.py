"""Meeting intents: create, agenda, open, close, turn a page.

Each write intent takes a `Tx` (see realtime/outbox.py) and appends the
events it causes; nothing is sent before commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server import i18n
from meeting_server.archive import audit
from meeting_server.auth.models import CONTROLLING_ROLES, VOTING_ROLES, Role, User, UserPublic
from meeting_server.bodies import service as bodies
from meeting_server.bodies.models import Body, BodyMember
from meeting_server.documents.models import Document
from meeting_server.documents.service import agenda_documents, document_in_meeting
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.events import ServerEvent
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings import attendance, screen
from meeting_server.meetings.access import (
    controlled_meeting,
    visible_meeting,
    visible_to,
)
from meeting_server.meetings.events import (
    AgendaChanged,
    MeetingChanged,
    MeetingStatusChanged,
    PageTurned,
    ScreenChanged,
)
from meeting_server.meetings.models import (
    AgendaItem,
    AgendaItemCreate,
    AgendaItemPublic,
    AgendaItemUpdate,
    AttendanceEntry,
    AttendanceIn,
    Meeting,
    MeetingCreate,
    MeetingListItem,
    MeetingPublic,
    MeetingStatus,
    Participant,
    ParticipantIn,
    ParticipantPublic,
    Presenter,
    QuorumIn,
    normalize_starts_at,
)
from meeting_server.meetings.presence import present_user_ids
from meeting_server.meetings.screen import ScreenMode, ScreenPublic, ScreenUpdate
from meeting_server.minutes.service import item_has_text
from meeting_server.search.fold import fold, query_terms
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import held_day, iso, local_day, utcnow
from meeting_server.votes.service import has_open_vote

MEETING_CREATORS = frozenset({Role.admin, Role.secretary, Role.chair})


# ---- reading ---------------------------------------------------------------


def ids_held_in(session: Session, user: UserPublic, year: int) -> list[int]:
    """The meetings the user may see that were held in `year` (scheduled for it, until opened),
    by the day in the site's time zone: the year the archive files them under."""
    zone = site_settings.zone(session)
    rows = session.exec(select(Meeting.id, Meeting.starts_at, Meeting.opened_at).where(visible_to(user)))
    return [
        meeting_id for meeting_id, starts_at, opened_at in rows if held_day(starts_at, opened_at, zone).year == year
    ]


def list_meetings(
    session: Session,
    user: UserPublic,
    *,
    status: MeetingStatus | None = None,
    year: int | None = None,
    title: str = "",
) -> list[MeetingListItem]:
    query = select(Meeting).where(visible_to(user)).order_by(col(Meeting.starts_at).desc(), col(Meeting.id).desc())
    if status is not None:
        query = query.where(Meeting.status == status)
    wanted = query_terms(title)
    zone = site_settings.zone(session)
    meetings = [
        m
        for m in session.exec(query)
        # Titles are short and lists small: fold in Python, same rule as search; and the
        # year is the one the meeting was held in (scheduled for, until it opens).
        if all(term in fold(m.title) for term in wanted)
        and (year is None or held_day(m.starts_at, m.opened_at, zone).year == year)
    ]
    mine = {
        p.meeting_id: p
        for p in session.exec(
            select(Participant).where(
                col(Participant.user_id) == user.id, col(Participant.meeting_id).in_([m.id for m in meetings])
            )
        )
    }
    body_ids = {m.body_id for m in meetings if m.body_id is not None}
    body_names = (
        {b.id: b.name for b in session.exec(select(Body).where(col(Body.id).in_(list(body_ids))))} if body_ids else {}
    )
    items = []
    for m in meetings:
        invitation = mine.get(m.id)
        items.append(
            MeetingListItem(
                id=m.id,
                title=m.title,
                starts_at=m.starts_at,
                location=m.location,
                status=m.status,
                closed_at=iso(m.closed_at),
                can_control=_controls(user, m, invitation),
                invited=invitation is not None,
                # Not for those who prepare it: they know it already.
                is_new=invitation is not None
                and m.status != MeetingStatus.draft
                and invitation.seen_at is None
                and not _controls(user, m, invitation),
                rsvp=invitation.rsvp if invitation else None,
                rsvp_reason=invitation.rsvp_reason if invitation else "",
                body_name=body_names.get(m.body_id) if m.body_id is not None else None,
                confidential=m.confidential,
                timezone=zone,
                held_on=local_day(m.opened_at, zone).isoformat() if m.opened_at else None,
            )
        )
    return items


def _controls(user: UserPublic, meeting: Meeting, invitation: Participant | None) -> bool:
    """can_control, from the caller's invitation already at hand."""
    return user.role == Role.admin or (user.role in CONTROLLING_ROLES and invitation is not None)


def get_meeting(session: Session, user: UserPublic, meeting_id: int) -> MeetingPublic:
    return describe(session, visible_meeting(session, user, meeting_id))


def describe(session: Session, meeting: Meeting) -> MeetingPublic:
    participants = session.exec(
        select(Participant, User)
        .join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting.id)
        .order_by(User.full_name)
    ).all()
    items = session.exec(
        select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting.id).order_by(col(AgendaItem.position))
    ).all()
    # Current documents only (not replaced, not withdrawn), each with its older versions.
    docs_by_item = agenda_documents(session, [item.id for item in items])
    presenter = None
    if meeting.presenter_document_id is not None:
        presenter = Presenter(document_id=meeting.presenter_document_id, page=meeting.presenter_page)
    roll = attendance.entries(session, meeting.id)
    body = session.get(Body, meeting.body_id) if meeting.body_id is not None else None
    zone = site_settings.zone(session)
    return MeetingPublic(
        id=meeting.id,
        title=meeting.title,
        starts_at=meeting.starts_at,
        location=meeting.location,
        status=meeting.status,
        seq=meeting.last_seq,
        opened_at=iso(meeting.opened_at),
        closed_at=iso(meeting.closed_at),
        presenter=presenter,
        participants=[
            ParticipantPublic(user_id=u.id, full_name=u.full_name, role=u.role, voting=p.voting)
            for p, u in participants
        ],
        agenda=[
            AgendaItemPublic(
                id=i.id, position=i.position, title=i.title, presenter=i.presenter, documents=docs_by_item[i.id]
            )
            for i in items
        ],
        attendance=roll,
        quorum=attendance.quorum_of(session, meeting.id),
        counts=attendance.counts(session, meeting.id, roll),
        body_id=meeting.body_id,
        body_name=body.name if body else None,
        chair_id=meeting.chair_id,
        secretary_id=meeting.secretary_id,
        published_at=iso(meeting.published_at),
        confidential=meeting.confidential,
        timezone=zone,
        held_on=local_day(meeting.opened_at, zone).isoformat() if meeting.opened_at else None,
    )


# ---- writing ---------------------------------------------------------------


def create_meeting(tx: Tx, user: UserPublic, data: MeetingCreate) -> MeetingPublic:
    """Admins, secretaries and chairs create meetings; a secretary or chair
    who creates one is invited to it, so they can run it. With a body and no
    voting participants named, the body's members are invited to vote (guests
    named with `voting: false` come on top). A draft is seen only by those who
    control it until it is published; a meeting made "scheduled" is published at once."""
    if user.role not in MEETING_CREATORS:
        raise Forbidden("Only an admin, a secretary or a chair may create meetings.")
    session = tx.session
    wanted: dict[int, ParticipantIn | None] = {p.user_id: p for p in data.participants}
    if data.body_id is not None:
        if session.get(Body, data.body_id) is None:
            raise Invalid("No such body.", details={"field": "body_id"})
        if not any(p.voting is not False for p in data.participants):
            for member_id in body_member_ids(session, data.body_id):
                wanted.setdefault(member_id, None)
    for officer in (data.chair_id, data.secretary_id):
        if officer is not None:
            wanted.setdefault(officer, None)
    if user.role in (Role.secretary, Role.chair):
        wanted.setdefault(user.id, None)
    users = _known_users(session, wanted)
    published = data.status == MeetingStatus.scheduled
    meeting = Meeting(
        title=data.title,
        starts_at=normalize_starts_at(data.starts_at),
        location=data.location,
        created_by=user.id,
        status=MeetingStatus(data.status),
        body_id=data.body_id,
        chair_id=data.chair_id,
        secretary_id=data.secretary_id,
        published_at=utcnow() if published else None,
        confidential=data.confidential,
    )
    session.add(meeting)
    session.flush()
    for user_id, spec in wanted.items():
        session.add(Participant(meeting_id=meeting.id, user_id=user_id, voting=_voting(users[user_id], spec)))
    session.flush()
    if published:
        # Their lists show it at once (not logged: nobody has joined a meeting made this instant).
        tx.notify_inboxes(MeetingChanged(meeting_id=meeting.id, seq=meeting.last_seq), wanted)
    return describe(session, meeting)


def body_member_ids(session: Session, body_id: int) -> list[int]:
    """The body's members, in the body's own order."""
    return list(
        session.exec(
            select(BodyMember.user_id)
            .join(User, col(User.id) == col(BodyMember.user_id))
            .where(BodyMember.body_id == body_id)
            .order_by(col(BodyMember.rank), col(User.full_name))
        )
    )


def _known_users(session: Session, wanted: Mapping[int, object]) -> dict[int, User]:
    users = {u.id: u for u in session.exec(select(User).where(col(User.id).in_(list(wanted))))}
    missing = sorted(set(wanted) - set(users))
    if missing:
        raise Invalid(
            "Unknown participant user ids: {ids}.", params={"ids": missing}, details={"field": "participants"}
        )
    return users


def _voting(invited: User, spec: ParticipantIn | None) -> bool:
    may_vote = invited.role in VOTING_ROLES
    voting = may_vote if spec is None or spec.voting is None else spec.voting
    if voting and not may_vote:
        raise Invalid(
            "{name} ({role}) cannot hold a vote; invite as a guest.",
            params={"name": invited.full_name, "role": i18n.Text(invited.role.value)},
            details={"field": "participants"},
        )
    return voting


def add_agenda_item(tx: Tx, user: UserPublic, meeting_id: int, data: AgendaItemCreate) -> AgendaItemPublic:
    meeting = controlled_meeting(tx.session, user, meeting_id)
    last = tx.session.exec(select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)).one()
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, title=data.title, presenter=data.presenter)
    tx.session.add(item)
    tx.session.flush()
    announce(tx, meeting, AgendaChanged(meeting_id=meeting.id))
    return _item_public(item)


def _item_public(item: AgendaItem) -> AgendaItemPublic:
    return AgendaItemPublic(id=item.id, position=item.position, title=item.title, presenter=item.presenter)


def invitee_ids(session: Session, meeting_id: int) -> list[int]:
    return list(session.exec(select(Participant.user_id).where(Participant.meeting_id == meeting_id)))


def announce(tx: Tx, meeting: Meeting, event: ServerEvent, also: Iterable[int] = ()) -> int:
    """Log and send the event to the meeting's room and, once the meeting is published,
    to its invitees' inboxes (their meeting lists); `also`: more users to tell (the uninvited)."""
    seq = tx.notify_after_commit(event)
    if meeting.status != MeetingStatus.draft:
        tx.notify_inboxes(event, [*invitee_ids(tx.session, meeting.id), *also])
    return seq


def agenda_item_meeting_id(session: Session, item_id: int) -> int:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("No such agenda item.")
    return item.meeting_id


def update_agenda_item(tx: Tx, user: UserPublic, item_id: int, data: AgendaItemUpdate) -> AgendaItemPublic:
    """Rename an item, or move it to another position (the others shift)."""
    item = _controlled_item(tx, user, item_id)
    if data.title is not None:
        item.title = data.title
    if data.presenter is not None:
        item.presenter = data.presenter
    if data.position is not None and data.position != item.position:
        items = tx.session.exec(
            select(AgendaItem).where(col(AgendaItem.meeting_id) == item.meeting_id).order_by(col(AgendaItem.position))
        ).all()
        ordered = [i for i in items if i.id != item.id]
        ordered.insert(min(data.position, len(items)) - 1, item)
        for position, each in enumerate(ordered, start=1):
            each.position = position
            tx.session.add(each)
    tx.session.add(item)
    tx.session.flush()
    announce(tx, _meeting_of(tx, item), AgendaChanged(meeting_id=item.meeting_id))
    return _item_public(item)


def _meeting_of(tx: Tx, item: AgendaItem) -> Meeting:
    meeting = tx.session.get(Meeting, item.meeting_id)
    assert meeting is not None
    return meeting


def delete_agenda_item(tx: Tx, user: UserPublic, item_id: int) -> None:
    """Only an item without documents can go, and only before the meeting opens:
    a document once shown stays on record, as does the agenda of a session."""
    item = _controlled_item(tx, user, item_id)
    meeting = _meeting_of(tx, item)
    if meeting.status not in (MeetingStatus.draft, MeetingStatus.scheduled):
        raise Conflict("The meeting has opened: its agenda items can no longer be deleted.")
    if tx.session.exec(select(Document.id).where(Document.agenda_item_id == item.id)).first():
        raise Invalid("Remove the item's documents first.", code="conflict", status=409)
    if item_has_text(tx.session, item.id):
        raise Conflict("The minutes have text under this item: move or clear it first.")
    tx.session.delete(item)
    tx.session.flush()
    rest = tx.session.exec(
        select(AgendaItem).where(col(AgendaItem.meeting_id) == item.meeting_id).order_by(col(AgendaItem.position))
    ).all()
    for position, each in enumerate(rest, start=1):
        each.position = position
        tx.session.add(each)
    announce(tx, meeting, AgendaChanged(meeting_id=item.meeting_id))


def _controlled_item(tx: Tx, user: UserPublic, item_id: int) -> AgendaItem:
    item = tx.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("No such agenda item.")
    controlled_meeting(tx.session, user, item.meeting_id)
    return item


def open_meeting(tx: Tx, user: UserPublic, meeting_id: int, confirm_date: bool | None = None) -> MeetingPublic:
    """draft or scheduled (published) -> open, emitting meeting:status; whoever has a tablet in the
    room then is checked in (attendance:changed). Opening an open meeting changes nothing.
    `confirm_date=False` (the console's first try): on another day than the scheduled one, in the
    meeting's time zone, refused with `date_far` so the console asks first; True opens anyway."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    if meeting.status in (MeetingStatus.draft, MeetingStatus.scheduled) and confirm_date is False:
        zone = site_settings.zone(tx.session)
        today, scheduled = local_day(utcnow(), zone), local_day(meeting.starts_at, zone)
        if today != scheduled:
            raise Conflict(
                "This meeting is scheduled for {scheduled}, not today ({today}): confirm to open it anyway.",
                params={"scheduled": scheduled.isoformat(), "today": today.isoformat()},
                code="date_far",
                details={"scheduled_on": scheduled.isoformat(), "today": today.isoformat(), "timezone": zone},
            )
    if meeting.status in (MeetingStatus.draft, MeetingStatus.scheduled):
        meeting.status = MeetingStatus.open
        meeting.opened_at = utcnow()
        # The body's whole membership, frozen: the base of its "of the members" rules and quorum from now on.
        meeting.member_count = bodies.member_count(tx.session, meeting.body_id) if meeting.body_id is not None else None
        tx.session.add(meeting)
        tx.session.flush()
        tx.notify_after_commit(MeetingStatusChanged(meeting_id=meeting.id, status=meeting.status))
        audit.record(tx.session, meeting.id, user.id, "meeting.opened", {"opened_at": iso(meeting.opened_at)})
        _show_cover(tx, user, meeting)
        present = present_user_ids(tx.session, meeting.id)
        checked_in = [attendance.check_in(tx.session, meeting.id, user_id) for user_id in present]
        if any(checked_in):
            tx.notify_after_commit(attendance.changed_event(tx.session, meeting.id, present))
        tx.session.refresh(meeting)
    return describe(tx.session, meeting)


def close_meeting(tx: Tx, user: UserPublic, meeting_id: int) -> MeetingPublic:
    """draft, scheduled or open -> closed, for good. Closing a closed meeting changes nothing."""
    meeting = controlled_meeting(tx.session, user, meeting_id, writable=False)
    if meeting.status != MeetingStatus.closed and has_open_vote(tx.session, meeting.id):
        raise Conflict("A vote is still open: close it before closing the meeting.")
    if meeting.status != MeetingStatus.closed:
        meeting.status = MeetingStatus.closed
        meeting.closed_at = utcnow()
        tx.session.add(meeting)
        tx.session.flush()
        tx.notify_after_commit(MeetingStatusChanged(meeting_id=meeting.id, status=meeting.status))
        audit.record(tx.session, meeting.id, user.id, "meeting.closed", {"closed_at": iso(meeting.closed_at)})
        # Every hall screen says it is over, and says so again after a reload.
        _set_screen(tx, user, meeting, ScreenUpdate(mode=ScreenMode.closing))
        tx.session.refresh(meeting)
    return describe(tx.session, meeting)


def _show_cover(tx: Tx, user: UserPublic, meeting: Meeting) -> None:
    """On opening, with nothing presented yet: the first page of the first document, to everyone."""
    if meeting.presenter_document_id is not None:
        return
    items = tx.session.exec(
        select(AgendaItem.id).where(col(AgendaItem.meeting_id) == meeting.id).order_by(col(AgendaItem.position))
    ).all()
    docs_by_item = agenda_documents(tx.session, list(items))
    first = next((docs[0] for item_id in items if (docs := docs_by_item.get(item_id))), None)
    if first is None:
        return
    meeting.presenter_document_id, meeting.presenter_page = first.id, 1
    tx.session.add(meeting)
    tx.session.flush()
    tx.notify_after_commit(PageTurned(meeting_id=meeting.id, document_id=first.id, page=1, by=user.id))


def set_screen(tx: Tx, user: UserPublic, meeting_id: int, data: ScreenUpdate) -> ScreenPublic:
    """The presenter chooses what the hall screen shows (`mode`) and whether members'
    shared ink reaches it (`show_shared_ink`); everyone gets screen:changed. Kept, so a
    reloaded screen comes back the same. A closed meeting's screen stays on `closing`."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    return _set_screen(tx, user, meeting, data)


def _set_screen(tx: Tx, user: UserPublic, meeting: Meeting, data: ScreenUpdate) -> ScreenPublic:
    shown, changed = screen.store(tx.session, meeting.id, user.id, data)
    if changed:
        tx.notify_after_commit(
            ScreenChanged(meeting_id=meeting.id, mode=shown.mode, show_shared_ink=shown.show_shared_ink, by=user.id)
        )
    return shown


def get_screen(session: Session, user: UserPublic, meeting_id: int) -> ScreenPublic:
    return screen.screen_of(session, visible_meeting(session, user, meeting_id).id)


def turn_page(tx: Tx, user: UserPublic, meeting_id: int, document_id: int, page: int) -> int:
    """The presenter moves to (document, page); every tablet follows. Returns the seq."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    document = document_in_meeting(tx.session, meeting.id, document_id)
    if not 1 <= page <= document.page_count:
        raise Invalid(
            "Page {page} is outside the document (1–{count}).", params={"page": page, "count": document.page_count}
        )
    meeting.presenter_document_id = document.id
    meeting.presenter_page = page
    tx.session.add(meeting)
    tx.session.flush()
    return tx.notify_after_commit(PageTurned(meeting_id=meeting.id, document_id=document.id, page=page, by=user.id))


def set_attendance(tx: Tx, user: UserPublic, meeting_id: int, user_id: int, data: AttendanceIn) -> AttendanceEntry:
    """The secretary or chair records a participant present, online or absent
    (with a reason), or unknown again; everyone gets attendance:changed."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    if tx.session.get(Participant, (meeting.id, user_id)) is None:
        raise NotFound("No such participant in this meeting.")
    entry = attendance.record(tx.session, meeting.id, user_id, data.status, data.reason, by=user.id, left=data.left)
    tx.notify_after_commit(attendance.changed_event(tx.session, meeting.id, present_user_ids(tx.session, meeting.id)))
    return entry


def set_quorum(tx: Tx, user: UserPublic, meeting_id: int, data: QuorumIn) -> MeetingPublic:
    """How many of the voting participants must attend, as a fraction in (0, 1]
    (default 2/3). The counts change, so everyone gets attendance:changed."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    if data.numerator > data.denominator:
        raise Invalid("The quorum is a fraction of the voting participants: at most 1 (for example 2/3).")
    attendance.lock_meeting(tx.session, meeting.id)
    meeting.quorum_numerator, meeting.quorum_denominator = data.numerator, data.denominator
    tx.session.add(meeting)
    tx.session.flush()
    tx.notify_after_commit(attendance.changed_event(tx.session, meeting.id, present_user_ids(tx.session, meeting.id)))
    tx.session.refresh(meeting)
    return describe(tx.session, meeting)
