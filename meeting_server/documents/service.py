"""Document intents and reads. Who may: see a document = see its meeting;
upload = control a meeting that is not closed."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, update
from sqlmodel import Session, select

from meeting_server.auth.models import UserPublic
from meeting_server.documents.layer_file import PageLayer
from meeting_server.documents.models import Document, DocumentPage, DocumentPublic, PageText, Word
from meeting_server.documents.pdf import PdfInfo
from meeting_server.errors import NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import controlled_meeting, visible_meeting
from meeting_server.meetings.events import AgendaChanged
from meeting_server.meetings.models import AgendaItem, PageSize
from meeting_server.search.index import index_document
from meeting_server.search.models import HitKind, SearchEntry

# ---- the questions about documents that others ask too -----------------------


def meeting_of(session: Session, document: Document) -> int:
    """The meeting a document belongs to (through its agenda item)."""
    return session.get(AgendaItem, document.agenda_item_id).meeting_id


def document_in_meeting(session: Session, meeting_id: int, document_id: int) -> Document:
    """The document, if it belongs to this meeting; otherwise not_found."""
    document = session.get(Document, document_id)
    if document is None or meeting_of(session, document) != meeting_id:
        raise NotFound("No such document in this meeting.")
    return document


def page_sizes(session: Session, document_ids: list[int]) -> dict[int, list[PageSize]]:
    """Each document's page sizes as displayed (after /Rotate), page 1 first."""
    sizes: dict[int, list[PageSize]] = {document_id: [] for document_id in document_ids}
    if not document_ids:
        return sizes
    rows = session.exec(
        select(DocumentPage.document_id, DocumentPage.width, DocumentPage.height)
        .where(DocumentPage.document_id.in_(document_ids))
        .order_by(DocumentPage.document_id, DocumentPage.number)
    )
    for document_id, width, height in rows:
        sizes[document_id].append(PageSize(width=width, height=height))
    return sizes


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
    """A document whose whole text layer is in memory (the offline import)."""
    layers = [
        PageLayer(number, json.dumps(page.words, ensure_ascii=False, separators=(",", ":")), page.text)
        for number, page in enumerate(info.pages, start=1)
    ]
    sizes = [(page.width, page.height) for page in info.pages]
    return add_ingested(tx, user, item_id, title, sha256, size, sizes, layers)


def add_ingested(
    tx: Tx,
    user: UserPublic,
    item_id: int,
    title: str,
    sha256: str,
    size: int,
    sizes: list[tuple[float, float]],
    first: list[PageLayer],
) -> DocumentPublic:
    """The document with every page's size, and the text layer of its first
    pages: all of them for most documents; the rest of a large one follows in
    short transactions of its own (write_text_layer), after this commit."""
    meeting_id = upload_target(tx.session, user, item_id)
    document = Document(
        agenda_item_id=item_id,
        title=title,
        sha256=sha256,
        size_bytes=size,
        page_count=len(sizes),
        uploaded_by=user.id,
    )
    tx.session.add(document)
    tx.session.flush()
    layers = {page.number: page for page in first}
    tx.session.execute(
        insert(DocumentPage),
        [
            {
                "document_id": document.id,
                "number": number,
                "width": width,
                "height": height,
                "words": layers[number].words if number in layers else "[]",
                "text": layers[number].text if number in layers else "",
            }
            for number, (width, height) in enumerate(sizes, start=1)
        ],
    )
    index_document(tx.session, meeting_id, document.id, title, [page.text for page in first])
    tx.session.flush()
    tx.notify_after_commit(AgendaChanged(meeting_id=meeting_id))
    return _public(tx.session, document, meeting_id)


def write_text_layer(tx: Tx, document_id: int, chunk: list[PageLayer]) -> bool:
    """One chunk of a document's text layer and its search entries, replacing
    whatever those pages had (a restart may load a chunk twice).
    False when the document is gone."""
    session = tx.session
    document = session.get(Document, document_id)
    if document is None:
        return False
    meeting_id = meeting_of(session, document)
    session.execute(
        update(DocumentPage),
        [{"document_id": document_id, "number": p.number, "words": p.words, "text": p.text} for p in chunk],
    )
    session.execute(
        delete(SearchEntry).where(
            SearchEntry.kind == HitKind.document,
            SearchEntry.ref_id == document_id,
            SearchEntry.page >= chunk[0].number,
            SearchEntry.page <= chunk[-1].number,
        )
    )
    index_document(session, meeting_id, document_id, document.title, [p.text for p in chunk], first=chunk[0].number)
    return True


def readable_document(session: Session, user: UserPublic, document_id: int) -> tuple[Document, int]:
    """The document and its meeting id, or not_found when the user may not see the meeting."""
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("No such document.")
    meeting_id = meeting_of(session, document)
    try:
        visible_meeting(session, user, meeting_id)
    except NotFound:
        raise NotFound("No such document.") from None
    return document, meeting_id


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
    return DocumentPublic(
        id=document.id,
        agenda_item_id=document.agenda_item_id,
        meeting_id=meeting_id,
        title=document.title,
        page_count=document.page_count,
        sha256=document.sha256,
        size_bytes=document.size_bytes,
        pages=page_sizes(session, [document.id])[document.id],
    )


def sha_in_use(session: Session, sha256: str) -> bool:
    """Whether a document has this content (then its cached page images are its own)."""
    return session.exec(select(Document.id).where(Document.sha256 == sha256)).first() is not None
