"""Document intents and reads. Who may: see a document = see its meeting
(old versions and withdrawn documents too); upload, rename, withdraw and
replace = control a meeting that is not closed.

Only a document with neither `replaced_by_id` nor `withdrawn_at` is on the
agenda (`current`); the others stay readable and go to the archive."""

from __future__ import annotations

import json
from typing import NamedTuple

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from meeting_server.archive import audit
from meeting_server.auth.models import UserPublic
from meeting_server.documents.layer_file import PageLayer
from meeting_server.documents.models import Document, DocumentPage, DocumentPublic, PageText, Word
from meeting_server.documents.pdf import PdfInfo
from meeting_server.errors import Conflict, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import controlled_meeting, visible_meeting
from meeting_server.meetings.confidential import is_confidential
from meeting_server.meetings.events import AgendaChanged
from meeting_server.meetings.models import (
    AgendaItem,
    DocumentSummary,
    DocumentVersionSummary,
    Meeting,
    MeetingStatus,
    PageSize,
)
from meeting_server.search.fold import fold
from meeting_server.search.index import index_document
from meeting_server.search.models import HitKind, SearchEntry
from meeting_server.timeutil import iso, utcnow

# ---- the questions about documents that others ask too -----------------------


def meeting_of(session: Session, document: Document) -> int:
    """The meeting a document belongs to (through its agenda item)."""
    item = session.get(AgendaItem, document.agenda_item_id)
    assert item is not None, "a document's agenda item is never deleted while it has documents"
    return item.meeting_id


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
        .where(col(DocumentPage.document_id).in_(document_ids))
        .order_by(col(DocumentPage.document_id), col(DocumentPage.number))
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
    document = insert_document(tx.session, user, meeting_id, item_id, title, sha256, size, sizes, first)
    tx.notify_after_commit(AgendaChanged(meeting_id=meeting_id))
    return _public(tx.session, document, meeting_id)


def insert_document(
    session: Session,
    user: UserPublic,
    meeting_id: int,
    item_id: int,
    title: str,
    sha256: str,
    size: int,
    sizes: list[tuple[float, float]],
    first: list[PageLayer],
    version: int = 1,
) -> Document:
    """The document row, its pages and the search entries of its first text chunk."""
    document = Document(
        agenda_item_id=item_id,
        title=title,
        sha256=sha256,
        size_bytes=size,
        page_count=len(sizes),
        uploaded_by=user.id,
        version=version,
    )
    session.add(document)
    session.flush()
    layers = {page.number: page for page in first}
    session.execute(
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
    index_document(session, meeting_id, document.id, title, [page.text for page in first])
    session.flush()
    return document


def public(session: Session, document: Document, meeting_id: int) -> DocumentPublic:
    """The document as the API shows it."""
    return _public(session, document, meeting_id)


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
            col(SearchEntry.kind) == HitKind.document,
            col(SearchEntry.ref_id) == document_id,
            col(SearchEntry.page) >= chunk[0].number,
            col(SearchEntry.page) <= chunk[-1].number,
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


class ReadableContent(NamedTuple):
    document: Document
    meeting_id: int
    # The meeting's: how far what is served of the document may be kept (meetings/confidential.py).
    confidential: bool


def readable_content(session: Session, user: UserPublic, document_id: int) -> ReadableContent:
    """`readable_document`, and whether its meeting is confidential."""
    document, meeting_id = readable_document(session, user, document_id)
    return ReadableContent(document, meeting_id, is_confidential(session, meeting_id))


def get_document(session: Session, user: UserPublic, document_id: int) -> DocumentPublic:
    document, meeting_id = readable_document(session, user, document_id)
    return _public(session, document, meeting_id)


def page_text(session: Session, user: UserPublic, document_id: int, number: int) -> PageText:
    document, _ = readable_document(session, user, document_id)
    page = session.get(DocumentPage, (document.id, number)) if 1 <= number <= document.page_count else None
    if page is None:
        raise NotFound("The document has {count} pages.", params={"count": document.page_count})
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
        version=document.version,
        replaced_by_id=document.replaced_by_id,
        withdrawn_at=iso(document.withdrawn_at),
    )


# ---- the agenda's documents and their versions ----------------------------------


def is_current(document: Document) -> bool:
    """On the agenda: neither replaced by a newer version nor withdrawn."""
    return document.replaced_by_id is None and document.withdrawn_at is None


def agenda_documents(session: Session, item_ids: list[int]) -> dict[int, list[DocumentSummary]]:
    """Each agenda item's current documents in upload order (a new version takes
    the place of the one it replaces), each with its older versions, newest first."""
    by_item: dict[int, list[DocumentSummary]] = {item_id: [] for item_id in item_ids}
    if not item_ids:
        return by_item
    documents = session.exec(
        select(Document).where(col(Document.agenda_item_id).in_(item_ids)).order_by(col(Document.id))
    ).all()
    replaced: dict[int, Document] = {doc.replaced_by_id: doc for doc in documents if doc.replaced_by_id is not None}
    current = [doc for doc in documents if is_current(doc)]
    chains = {doc.id: _older_versions(doc, replaced) for doc in current}
    sizes = page_sizes(session, [doc.id for doc in current])
    # Where the first version was: replacing a document does not move it to the end of its item.
    for doc in sorted(current, key=lambda d: chains[d.id][-1].id if chains[d.id] else d.id):
        by_item[doc.agenda_item_id].append(
            DocumentSummary(
                id=doc.id,
                title=doc.title,
                page_count=doc.page_count,
                sha256=doc.sha256,
                pages=sizes.get(doc.id, []),
                version=doc.version,
                versions=[DocumentVersionSummary(id=o.id, version=o.version, title=o.title) for o in chains[doc.id]],
            )
        )
    return by_item


def _older_versions(document: Document, replaced: dict[int, Document]) -> list[Document]:
    older: list[Document] = []
    seen = {document.id}
    while (previous := replaced.get(older[-1].id if older else document.id)) is not None and previous.id not in seen:
        seen.add(previous.id)
        older.append(previous)
    return older


def off_agenda(session: Session, meeting_id: int) -> list[Document]:
    """The meeting's replaced and withdrawn documents, for the archive."""
    return list(
        session.exec(
            select(Document)
            .join(AgendaItem, col(AgendaItem.id) == col(Document.agenda_item_id))
            .where(
                col(AgendaItem.meeting_id) == meeting_id,
                col(Document.replaced_by_id).is_not(None) | col(Document.withdrawn_at).is_not(None),
            )
            .order_by(col(Document.id))
        ).all()
    )


# ---- rename, withdraw ---------------------------------------------------------------


def editable_document(session: Session, user: UserPublic, document_id: int) -> tuple[Document, Meeting]:
    """A current document of a meeting this user controls and that is not closed."""
    document, meeting_id = readable_document(session, user, document_id)
    meeting = controlled_meeting(session, user, meeting_id)
    if document.replaced_by_id is not None:
        raise Conflict(
            "This is an older version of the document; change the newest version instead.",
            code="document_replaced",
            details={"replaced_by_id": document.replaced_by_id},
        )
    if document.withdrawn_at is not None:
        raise Conflict("This document was withdrawn from the agenda.", code="document_withdrawn")
    return document, meeting


def rename_document(tx: Tx, user: UserPublic, document_id: int, title: str) -> DocumentPublic:
    """A new title for a document on the agenda (secretary, chair, admin)."""
    document, meeting = editable_document(tx.session, user, document_id)
    previous = document.title
    if title != previous:
        document.title = title
        tx.session.add(document)
        _retitle_search(tx.session, document)
        tx.session.flush()
        audit.record(
            tx.session,
            meeting.id,
            user.id,
            "document.renamed",
            {"document_id": document.id, "title": title, "previous_title": previous},
        )
        tx.notify_after_commit(AgendaChanged(meeting_id=meeting.id))
    return _public(tx.session, document, meeting.id)


def _retitle_search(session: Session, document: Document) -> None:
    """The title rides on every page's search entry, folded in with its text."""
    entries = session.exec(
        select(SearchEntry.id, SearchEntry.text).where(
            col(SearchEntry.kind) == HitKind.document, col(SearchEntry.ref_id) == document.id
        )
    ).all()
    if entries:
        session.execute(
            update(SearchEntry),
            [
                {"id": entry_id, "title": document.title, "folded": fold(f"{document.title}\n{text}")}
                for entry_id, text in entries
            ],
        )


def withdraw_document(tx: Tx, user: UserPublic, document_id: int) -> None:
    """Take a document off the agenda. It stays on record: readable by those who
    see the meeting, with its annotations, and in the archive.

    Refused while the presenter shows it in an open meeting: every tablet that
    follows would lose the page under discussion. The presenter turns to
    another document first. Outside a session a leftover presenter position
    on it is simply cleared."""
    document, meeting = editable_document(tx.session, user, document_id)
    if meeting.presenter_document_id == document.id:
        if meeting.status == MeetingStatus.open:
            raise Conflict(
                "The presenter is showing this document: turn to another document before withdrawing it.",
                code="document_presented",
            )
        meeting.presenter_document_id = None
        meeting.presenter_page = None
        tx.session.add(meeting)
    document.withdrawn_at = utcnow()
    document.withdrawn_by = user.id
    tx.session.add(document)
    tx.session.flush()
    audit.record(
        tx.session,
        meeting.id,
        user.id,
        "document.withdrawn",
        {"document_id": document.id, "title": document.title, "version": document.version},
    )
    tx.notify_after_commit(AgendaChanged(meeting_id=meeting.id))


def sha_in_use(session: Session, sha256: str) -> bool:
    """Whether a document has this content (then its cached page images are its own)."""
    return session.exec(select(Document.id).where(Document.sha256 == sha256)).first() is not None
