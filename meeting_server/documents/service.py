"""Document intents and reads. Who may: see a document = see its meeting;
upload = control a meeting that is not closed."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from meeting_server.auth.models import UserPublic
from meeting_server.documents.models import Document, DocumentPage, DocumentPublic, PageText, Word
from meeting_server.documents.pdf import PdfInfo
from meeting_server.errors import NotFound
from meeting_server.meetings.access import controlled_meeting, visible_meeting
from meeting_server.meetings.models import AgendaItem, PageSize
from meeting_server.realtime.events import AgendaChanged
from meeting_server.realtime.outbox import Tx
from meeting_server.search.index import index_document


def upload_target(session: Session, user: UserPublic, item_id: int) -> int:
    """The meeting an upload to this agenda item goes to, if the user may upload there."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound("No such agenda item.")
    controlled_meeting(session, user, item.meeting_id)
    return item.meeting_id


def add_document(
    tx: Tx, user: UserPublic, item_id: int, title: str, sha256: str, size: int, info: PdfInfo
) -> DocumentPublic:
    meeting_id = upload_target(tx.session, user, item_id)
    document = Document(
        agenda_item_id=item_id,
        title=title,
        sha256=sha256,
        size_bytes=size,
        page_count=info.page_count,
        uploaded_by=user.id,
    )
    tx.session.add(document)
    tx.session.flush()
    for number, page in enumerate(info.pages, start=1):
        tx.session.add(
            DocumentPage(
                document_id=document.id,
                number=number,
                width=page.width,
                height=page.height,
                words=json.dumps(page.words, ensure_ascii=False, separators=(",", ":")),
                text=page.text,
            )
        )
    index_document(tx.session, meeting_id, document.id, title, [page.text for page in info.pages])
    tx.session.flush()
    tx.emit(AgendaChanged(meeting_id=meeting_id))
    return _public(tx.session, document, meeting_id)


def readable_document(session: Session, user: UserPublic, document_id: int) -> tuple[Document, int]:
    """The document and its meeting id, or not_found when the user may not see the meeting."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("No such document.")
    item = session.get(AgendaItem, document.agenda_item_id)
    try:
        visible_meeting(session, user, item.meeting_id)
    except NotFound:
        raise NotFound("No such document.") from None
    return document, item.meeting_id


def get_document(session: Session, user: UserPublic, document_id: int) -> DocumentPublic:
    document, meeting_id = readable_document(session, user, document_id)
    return _public(session, document, meeting_id)


def page_text(session: Session, user: UserPublic, document_id: int, number: int) -> PageText:
    document, _ = readable_document(session, user, document_id)
    page = session.get(DocumentPage, (document.id, number)) if 1 <= number <= document.page_count else None
    if page is None:
        raise NotFound(f"The document has {document.page_count} pages.")
    words = json.loads(page.words)
    return PageText(words=[Word(text=t, x0=a, y0=b, x1=c, y1=d) for t, a, b, c, d in words])


def _public(session: Session, document: Document, meeting_id: int) -> DocumentPublic:
    sizes = session.exec(
        select(DocumentPage.width, DocumentPage.height)
        .where(DocumentPage.document_id == document.id)
        .order_by(DocumentPage.number)
    ).all()
    return DocumentPublic(
        id=document.id,
        agenda_item_id=document.agenda_item_id,
        meeting_id=meeting_id,
        title=document.title,
        page_count=document.page_count,
        sha256=document.sha256,
        size_bytes=document.size_bytes,
        pages=[PageSize(width=w, height=h) for w, h in sizes],
    )
