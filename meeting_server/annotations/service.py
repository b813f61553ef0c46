"""Annotation intents and reads.

Who may: a participant of a meeting that is not closed annotates the
documents on its agenda; only the owner changes or deletes an annotation.
Who sees: everyone who sees the meeting sees its shared annotations; a
private one only ever reaches its owner. Private events are emitted with
`only_user=owner_id`, so the log's replay filter keeps them from everyone else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from meeting_server.annotations.events import AnnotationDeleted, AnnotationPut
from meeting_server.annotations.limits import AnnotationLimits
from meeting_server.annotations.listing import Cursor, ListingPage, listing_page
from meeting_server.annotations.models import (
    Annotation,
    AnnotationData,
    AnnotationIn,
    AnnotationKind,
    AnnotationPublic,
    AnnotationVisibility,
)
from meeting_server.annotations.usage import charge, stored_bytes
from meeting_server.auth.models import User, UserPublic
from meeting_server.documents.models import Document
from meeting_server.documents.service import document_in_meeting, page_sizes, readable_content, readable_document
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import ensure_not_closed, is_participant, visible_meeting
from meeting_server.meetings.models import AgendaItem, Meeting, Participant
from meeting_server.meetings.screen import withheld_owners
from meeting_server.timeutil import utcnow

Scope = Literal["visible", "shared", "mine"]

# A device clock this far ahead of the server's would win every later edit: refuse it.
MAX_CLOCK_AHEAD_MS = 24 * 3600 * 1000


@dataclass
class PutResult:
    seq: int
    annotation: AnnotationPublic


# ---- writing -----------------------------------------------------------------


def put_annotation(
    tx: Tx,
    user: UserPublic,
    meeting_id: int,
    annotation: AnnotationIn,
    client_time: int | None,
    limits: AnnotationLimits,
) -> PutResult:
    """Create or update one annotation (by its client-made id) and tell whoever may see it.
    Past the participant's count or bytes limit: TooLarge, and nothing changes."""
    session = tx.session
    meeting = _writable_meeting(session, user, meeting_id)
    document = document_in_meeting(session, meeting.id, annotation.document_id)
    if not 1 <= annotation.page <= document.page_count:
        raise Invalid(
            "Page {page} is outside the document (1–{count}).",
            params={"page": annotation.page, "count": document.page_count},
        )
    when = _change_time(client_time)
    data = annotation.data.model_dump(mode="json")
    row = session.get(Annotation, annotation.id)
    if row is None:
        return _create(tx, user, meeting.id, annotation, data, when, limits)
    return _update(tx, user, meeting, row, annotation, data, when, limits)


def _create(
    tx: Tx, user: UserPublic, meeting_id: int, annotation: AnnotationIn, data: dict, when: int, limits: AnnotationLimits
) -> PutResult:
    row = Annotation(
        id=annotation.id,
        document_id=annotation.document_id,
        meeting_id=meeting_id,
        page=annotation.page,
        kind=AnnotationKind(annotation.kind),
        visibility=AnnotationVisibility(annotation.visibility),
        owner_id=user.id,
        data=data,
        client_time=when,
    )
    # Charged before the row is added: the first charge may count the owner's rows from the table.
    charge(tx.session, limits, row, count=1, size=stored_bytes(data))
    tx.session.add(row)
    tx.session.flush()
    shown = public(row, annotation.data)
    return PutResult(_announce(tx, meeting_id, shown, was_shared=False), shown)


def _update(
    tx: Tx,
    user: UserPublic,
    meeting: Meeting,
    row: Annotation,
    annotation: AnnotationIn,
    data: dict,
    when: int,
    limits: AnnotationLimits,
) -> PutResult:
    _ensure_owner(row, user)
    if row.deleted_at is not None:
        raise Conflict("This annotation was deleted; a delete wins over a later update.")
    if (row.kind, row.document_id, row.page) != (annotation.kind, annotation.document_id, annotation.page):
        raise Invalid("An annotation's kind, document and page cannot change; make a new annotation instead.")
    _ensure_fresh(row, when)
    row.client_time = when
    tx.session.add(row)
    if (row.visibility, row.data) == (annotation.visibility, data):
        # A resend (its ack was lost): nothing changed, nothing to tell anyone.
        return PutResult(meeting.last_seq, public(row, annotation.data))
    if data != row.data:
        charge(tx.session, limits, row, count=0, size=stored_bytes(data) - stored_bytes(row.data))
    was_shared = row.visibility == "shared"
    row.visibility = AnnotationVisibility(annotation.visibility)
    row.data = data
    row.updated_at = utcnow()
    tx.session.flush()
    shown = public(row, annotation.data)
    return PutResult(_announce(tx, meeting.id, shown, was_shared), shown)


def delete_annotation(
    tx: Tx, user: UserPublic, meeting_id: int, annotation_id: str, client_time: int | None, limits: AnnotationLimits
) -> int:
    """Delete (the owner only), keeping a tombstone; returns the seq. Deleting twice is fine."""
    session = tx.session
    meeting = _writable_meeting(session, user, meeting_id)
    row = session.get(Annotation, annotation_id)
    if row is None or row.meeting_id != meeting.id:
        raise NotFound("No such annotation in this meeting.")
    _ensure_owner(row, user)
    if row.deleted_at is not None:
        return meeting.last_seq
    when = _change_time(client_time)
    _ensure_fresh(row, when)
    charge(session, limits, row, count=-1, size=-stored_bytes(row.data))
    row.client_time = when
    row.deleted_at = row.updated_at = utcnow()
    row.data = {}
    session.add(row)
    session.flush()
    audience = None if row.visibility == "shared" else row.owner_id
    return tx.notify_after_commit(AnnotationDeleted(meeting_id=meeting.id, id=row.id), only_user=audience)


def _announce(tx: Tx, meeting_id: int, annotation: AnnotationPublic, was_shared: bool) -> int:
    """Emit the put to its audience; returns its seq."""
    put = AnnotationPut(meeting_id=meeting_id, annotation=annotation)
    if annotation.visibility == "shared":
        # A member's shared ink reaches the hall screen only when the presenter lets it through.
        held = withheld_owners(tx.session, meeting_id, {annotation.owner_id})
        return tx.notify_after_commit(put, screen=not held)
    if was_shared:
        # Everyone had it: the room drops it, then the owner's devices get it back as private.
        tx.notify_after_commit(AnnotationDeleted(meeting_id=meeting_id, id=annotation.id))
    return tx.notify_after_commit(put, only_user=annotation.owner_id)


def _writable_meeting(session: Session, user: UserPublic, meeting_id: int) -> Meeting:
    meeting = visible_meeting(session, user, meeting_id)
    ensure_not_closed(meeting)
    if not is_participant(session, meeting.id, user.id):
        raise Forbidden("Only the meeting's participants may annotate its documents.")
    return meeting


def _ensure_owner(row: Annotation, user: UserPublic) -> None:
    if row.owner_id != user.id:
        raise Forbidden("Only the author of an annotation may change or delete it.")


def _ensure_fresh(row: Annotation, when: int) -> None:
    if when < row.client_time:
        raise Conflict("This change is stale: the annotation was changed later on another device.")


def _change_time(client_time: int | None) -> int:
    now = int(time.time() * 1000)
    if client_time is None:
        return now
    if client_time > now + MAX_CLOCK_AHEAD_MS:
        raise Invalid("client_time is more than a day ahead of the server's clock; check the device's date and time.")
    return client_time


def public(row: Annotation, data: AnnotationData | None = None) -> AnnotationPublic:
    """The row as the API shows it. `data`: the already validated content, when
    at hand (a 20,000-point stroke costs tens of milliseconds to validate again)."""
    return AnnotationPublic(
        id=row.id,
        document_id=row.document_id,
        page=row.page,
        kind=row.kind,
        visibility=row.visibility,
        owner_id=row.owner_id,
        updated_at=row.updated_at.isoformat(),
        data=data if data is not None else row.data,
    )


# ---- the live stroke -----------------------------------------------------------


@dataclass
class DrawingCheck:
    seq: int  # the meeting's last seq
    to_screen: bool  # the hall screen may see this user's stroke


def drawing_seq(session: Session, user: UserPublic, meeting_id: int, document_id: int, page: int) -> DrawingCheck:
    """May this user draw on (document, page) in this meeting now? Answers the
    meeting's last seq, and whether the hall screen gets the stroke. One small
    read by primary keys: it runs up to 20 times a second per drawing tablet."""
    row = session.exec(
        select(Meeting, Participant.user_id, Document.page_count, AgendaItem.id)
        .select_from(Meeting)
        .outerjoin(
            Participant, (col(Participant.meeting_id) == col(Meeting.id)) & (col(Participant.user_id) == user.id)
        )
        .outerjoin(Document, col(Document.id) == document_id)
        .outerjoin(
            AgendaItem,
            (col(AgendaItem.id) == col(Document.agenda_item_id)) & (col(AgendaItem.meeting_id) == col(Meeting.id)),
        )
        .where(Meeting.id == meeting_id)
    ).first()
    if row is None:
        raise NotFound("No such meeting.")
    meeting, participant, page_count, item_id = row
    ensure_not_closed(meeting)
    if participant is None:
        raise Forbidden("Only the meeting's participants may annotate its documents.")
    if item_id is None:
        raise NotFound("No such document in this meeting.")
    if not 1 <= page <= page_count:
        raise Invalid("Page {page} is outside the document (1–{count}).", params={"page": page, "count": page_count})
    to_screen = not withheld_owners(session, meeting.id, {user.id})
    return DrawingCheck(meeting.last_seq, to_screen)


# ---- reading -------------------------------------------------------------------


def list_annotations(
    session: Session,
    user: UserPublic,
    document_id: int,
    page: int | None,
    after: Cursor | None,
    size: int,
    max_bytes: int,
    for_screen: bool = False,
) -> ListingPage:
    """One listing page of the caller's own annotations (private too) and every
    shared one, without deleted ones (annotations/listing.py). `for_screen`: what
    the hall screen shows, the shared ones of the presenters, and of the others only
    while the presenter lets them through (meetings/screen.py)."""
    document, meeting_id = readable_document(session, user, document_id)
    if page is not None and not 1 <= page <= document.page_count:
        raise Invalid(
            "Page {page} is outside the document (1–{count}).", params={"page": page, "count": document.page_count}
        )
    if not for_screen:
        return listing_page(session, _where(user, document.id, "visible", page), after, size, max_bytes, public)
    where = _where(user, document.id, "shared", page)
    owners = set(session.exec(select(Annotation.owner_id).where(*where).distinct()))
    held = withheld_owners(session, meeting_id, owners)
    if held:
        where.append(col(Annotation.owner_id).not_in(held))
    return listing_page(session, where, after, size, max_bytes, public)


def _where(user: UserPublic, document_id: int, scope: Scope, page: int | None = None) -> list:
    where = [col(Annotation.document_id) == document_id, col(Annotation.deleted_at).is_(None)]
    if scope == "shared":
        where.append(col(Annotation.visibility) == AnnotationVisibility.shared)
    elif scope == "mine":
        where.append(col(Annotation.owner_id) == user.id)
    else:
        where.append(
            (col(Annotation.visibility) == AnnotationVisibility.shared) | (col(Annotation.owner_id) == user.id)
        )
    if page is not None:
        where.append(col(Annotation.page) == page)
    return where


def _rows(session: Session, user: UserPublic, document_id: int, scope: Scope):
    query = select(Annotation).where(*_where(user, document_id, scope))
    return session.exec(query.order_by(col(Annotation.page), col(Annotation.created_at), col(Annotation.id))).all()


def taken_back(session: Session, user_id: int, annotation_ids: set[str]) -> set[str]:
    """Of these annotations, those the user may no longer see: deleted ones
    (their content is erased), and another's that are private now. Replay
    leaves out their earlier puts, so what was shared and then taken back is
    not handed out again to whoever asks for an old `since_seq`."""
    if not annotation_ids:
        return set()
    rows = session.exec(
        select(Annotation.id, Annotation.visibility, Annotation.owner_id, Annotation.deleted_at).where(
            col(Annotation.id).in_(annotation_ids)
        )
    )
    return {
        annotation_id
        for annotation_id, visibility, owner_id, deleted_at in rows
        if deleted_at is not None or (visibility != "shared" and owner_id != user_id)
    }


@dataclass
class ExportSource:
    """What an export needs, read in one transaction."""

    document: Document
    annotations: list[AnnotationPublic]
    authors: dict[int, str]  # owner id -> full name
    page_sizes: dict[int, tuple[float, float]]  # page -> (width, height) as displayed, in points
    meeting_id: int
    confidential: bool  # the meeting's (meetings/confidential.py)
    created: dict[str, datetime] = field(default_factory=dict)  # annotation id -> when it was made


def export_source(session: Session, user: UserPublic, document_id: int, scope: Scope) -> ExportSource:
    document, meeting_id, confidential = readable_content(session, user, document_id)
    rows = _rows(session, user, document.id, scope)
    annotations = [public(row) for row in rows]
    owners = sorted({a.owner_id for a in annotations})
    authors = (
        dict(session.exec(select(col(User.id), col(User.full_name)).where(col(User.id).in_(owners))).all())
        if owners
        else {}
    )
    sizes = page_sizes(session, [document.id])[document.id]
    return ExportSource(
        document,
        annotations,
        authors,
        {n: (p.width, p.height) for n, p in enumerate(sizes, start=1)},
        meeting_id,
        confidential,
        {row.id: row.created_at for row in rows},
    )
