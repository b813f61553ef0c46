"""Keeping the search index: documents when ingested, minutes when saved.

Called inside the write transaction of the change it indexes, so the index
never disagrees with what was committed. On SQLite the FTS5 table and the
triggers that keep it in step with search_entry are made by migration 0001.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete

from meeting_server.search.fold import fold, nfc
from meeting_server.search.models import HitKind, SearchEntry


def index_document(
    session: Session, meeting_id: int, document_id: int, title: str, pages: list[str], first: int = 1
) -> None:
    """One entry per page, numbered from `first` (a large text layer comes in
    chunks); the title rides along on every page so it is found too."""
    for number, text in enumerate(pages, start=first):
        _add(session, meeting_id, HitKind.document, document_id, number, title, text)


def index_minutes(session: Session, meeting_id: int, title: str, text: str) -> None:
    """Replace the meeting's minutes entry with the current text."""
    session.exec(
        delete(SearchEntry).where(col(SearchEntry.meeting_id) == meeting_id, col(SearchEntry.kind) == HitKind.minutes)
    )
    _add(session, meeting_id, HitKind.minutes, meeting_id, None, title, text)


def _add(
    session: Session, meeting_id: int, kind: HitKind, ref_id: int, page: int | None, title: str, text: str
) -> None:
    text = nfc(text)
    session.add(
        SearchEntry(
            meeting_id=meeting_id,
            kind=kind,
            ref_id=ref_id,
            page=page,
            title=title,
            text=text,
            folded=fold(f"{title}\n{text}"),
        )
    )
