"""Meeting intents: create, agenda, open, close, turn a page.

Each write intent takes a `Tx` (see realtime/outbox.py) and appends the
events it causes; nothing is sent before commit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from meeting_server.archive import audit
from meeting_server.auth.models import VOTING_ROLES, Role, User, UserPublic
from meeting_server.documents.models import Document
from meeting_server.documents.service import document_in_meeting, page_sizes
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings import attendance
from meeting_server.meetings.access import (
    can_control,
    controlled_meeting,
    visible_meeting,
    visible_to,
)
from meeting_server.meetings.events import AgendaChanged, MeetingStatusChanged, PageTurned
from meeting_server.meetings.models import (
    AgendaItem,
    AgendaItemCreate,
    AgendaItemPublic,
    AgendaItemUpdate,
    AttendanceEntry,
    AttendanceIn,
    DocumentSummary,
    Meeting,
    MeetingCreate,
    MeetingListItem,
    MeetingPublic,
    MeetingStatus,
    Participant,
    ParticipantPublic,
    Presenter,
    QuorumIn,
    normalize_starts_at,
)
from meeting_server.meetings.presence import present_user_ids
from meeting_server.minutes.service import item_has_text
from meeting_server.search.fold import fold, query_terms
from meeting_server.timeutil import iso, utcnow
from meeting_server.votes.service import has_open_vote

MEETING_CREATORS = frozenset({Role.admin, Role.secretary, Role.chair})


# ---- reading ---------------------------------------------------------------


def list_meetings(
    session: Session,
    user: UserPublic,
    *,
    status: MeetingStatus | None = None,
    year: int | None = None,
    title: str = "",
) -> list[MeetingListItem]:
    query = select(Meeting).where(visible_to(user)).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if status is not None:
        query = query.where(Meeting.status == status)
    if year is not None:
        query = query.where(Meeting.starts_at.like(f"{year:04d}-%"))
    wanted = query_terms(title)
    return [
        MeetingListItem(
            id=m.id,
            title=m.title,
            starts_at=m.starts_at,
            location=m.location,
            status=m.status,
            closed_at=iso(m.closed_at),
            can_control=can_control(session, user, m),
        )
        for m in session.exec(query)
        # Titles are short and lists small: fold in Python, same rule as search.
        if all(term in fold(m.title) for term in wanted)
    ]


def get_meeting(session: Session, user: UserPublic, meeting_id: int) -> MeetingPublic:
    return describe(session, visible_meeting(session, user, meeting_id))


def describe(session: Session, meeting: Meeting) -> MeetingPublic:
    participants = session.exec(
        select(Participant, User)
        .join(User, User.id == Participant.user_id)
        .where(Participant.meeting_id == meeting.id)
        .order_by(User.full_name)
    ).all()
    items = session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    ).all()
    docs_by_item: dict[int, list[DocumentSummary]] = {item.id: [] for item in items}
    if items:
        documents = session.exec(
            select(Document).where(Document.agenda_item_id.in_(list(docs_by_item))).order_by(Document.id)
        ).all()
        sizes = page_sizes(session, [d.id for d in documents])
        for doc in documents:
            docs_by_item[doc.agenda_item_id].append(
                DocumentSummary(
                    id=doc.id,
                    title=doc.title,
                    page_count=doc.page_count,
                    sha256=doc.sha256,
                    pages=sizes.get(doc.id, []),
                )
            )
    presenter = None
    if meeting.presenter_document_id is not None:
        presenter = Presenter(document_id=meeting.presenter_document_id, page=meeting.presenter_page)
    roll = attendance.entries(session, meeting.id)
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
            AgendaItemPublic(id=i.id, position=i.position, title=i.title, documents=docs_by_item[i.id]) for i in items
        ],
        attendance=roll,
        quorum=attendance.quorum_of(session, meeting.id),
        counts=attendance.counts(session, meeting.id, roll),
    )


# ---- writing ---------------------------------------------------------------


def create_meeting(tx: Tx, user: UserPublic, data: MeetingCreate) -> MeetingPublic:
    """Admins, secretaries and chairs create meetings; a secretary or chair
    who creates one is invited to it, so they can run it."""
    if user.role not in MEETING_CREATORS:
        raise Forbidden("Only an admin, a secretary or a chair may create meetings.")
    session = tx.session
    wanted = {p.user_id: p for p in data.participants}
    if user.role in (Role.secretary, Role.chair):
        wanted.setdefault(user.id, None)
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(list(wanted))))}
    missing = sorted(set(wanted) - set(users))
    if missing:
        raise Invalid(f"Unknown participant user ids: {missing}.")
    meeting = Meeting(
        title=data.title,
        starts_at=normalize_starts_at(data.starts_at),
        location=data.location,
        created_by=user.id,
    )
    session.add(meeting)
    session.flush()
    for user_id, spec in wanted.items():
        invited = users[user_id]
        may_vote = invited.role in VOTING_ROLES
        voting = may_vote if spec is None or spec.voting is None else spec.voting
        if voting and not may_vote:
            raise Invalid(f"{invited.full_name} ({invited.role.value}) cannot hold a vote; invite as a guest.")
        session.add(Participant(meeting_id=meeting.id, user_id=user_id, voting=voting))
    session.flush()
    return describe(session, meeting)


def add_agenda_item(tx: Tx, user: UserPublic, meeting_id: int, data: AgendaItemCreate) -> AgendaItemPublic:
    meeting = controlled_meeting(tx.session, user, meeting_id)
    last = tx.session.exec(select(sa.func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)).one()
    item = AgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, title=data.title)
    tx.session.add(item)
    tx.session.flush()
    tx.notify_after_commit(AgendaChanged(meeting_id=meeting.id))
    return AgendaItemPublic(id=item.id, position=item.position, title=item.title)


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
    if data.position is not None and data.position != item.position:
        items = tx.session.exec(
            select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id).order_by(AgendaItem.position)
        ).all()
        ordered = [i for i in items if i.id != item.id]
        ordered.insert(min(data.position, len(items)) - 1, item)
        for position, each in enumerate(ordered, start=1):
            each.position = position
            tx.session.add(each)
    tx.session.add(item)
    tx.session.flush()
    tx.notify_after_commit(AgendaChanged(meeting_id=item.meeting_id))
    return AgendaItemPublic(id=item.id, position=item.position, title=item.title)


def delete_agenda_item(tx: Tx, user: UserPublic, item_id: int) -> None:
    """Only an item without documents can go: a document once shown stays on record."""
    item = _controlled_item(tx, user, item_id)
    if tx.session.exec(select(Document.id).where(Document.agenda_item_id == item.id)).first():
        raise Invalid("Remove the item's documents first.", code="conflict", status=409)
    if item_has_text(tx.session, item.id):
        raise Conflict("The minutes have text under this item: move or clear it first.")
    tx.session.delete(item)
    tx.session.flush()
    rest = tx.session.exec(
        select(AgendaItem).where(AgendaItem.meeting_id == item.meeting_id).order_by(AgendaItem.position)
    ).all()
    for position, each in enumerate(rest, start=1):
        each.position = position
        tx.session.add(each)
    tx.notify_after_commit(AgendaChanged(meeting_id=item.meeting_id))


def _controlled_item(tx: Tx, user: UserPublic, item_id: int) -> AgendaItem:
    item = tx.session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("No such agenda item.")
    controlled_meeting(tx.session, user, item.meeting_id)
    return item


def open_meeting(tx: Tx, user: UserPublic, meeting_id: int) -> MeetingPublic:
    """draft or scheduled (published) -> open, emitting meeting:status; whoever has a tablet in the
    room then is checked in (attendance:changed). Opening an open meeting changes nothing."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    if meeting.status in (MeetingStatus.draft, MeetingStatus.scheduled):
        meeting.status = MeetingStatus.open
        meeting.opened_at = utcnow()
        tx.session.add(meeting)
        tx.session.flush()
        tx.notify_after_commit(MeetingStatusChanged(meeting_id=meeting.id, status=meeting.status))
        audit.record(tx.session, meeting.id, user.id, "meeting.opened", {"opened_at": iso(meeting.opened_at)})
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
        tx.session.refresh(meeting)
    return describe(tx.session, meeting)


def turn_page(tx: Tx, user: UserPublic, meeting_id: int, document_id: int, page: int) -> int:
    """The presenter moves to (document, page); every tablet follows. Returns the seq."""
    meeting = controlled_meeting(tx.session, user, meeting_id)
    document = document_in_meeting(tx.session, meeting.id, document_id)
    if not 1 <= page <= document.page_count:
        raise Invalid(f"Page {page} is outside the document (1–{document.page_count}).")
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
    entry = attendance.record(tx.session, meeting.id, user_id, data.status, data.reason, by=user.id)
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
