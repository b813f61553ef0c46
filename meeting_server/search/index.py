"""Keeping the search index: documents when ingested, minutes when saved.

Called inside the write transaction of the change it indexes, so the index
never disagrees with what was committed.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, delete

from meeting_server.search.fold import fold, nfc
from meeting_server.search.models import HitKind, SearchEntry

# External-content FTS5: the text lives once, in search_entry; triggers keep
# the index in step. unicode61 splits words; `fold` already removed diacritics.
_FTS5 = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    " folded, content='search_entry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN"
    " INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_entry BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, folded) VALUES ('delete', old.id, old.folded);"
    " INSERT INTO search_fts(rowid, folded) VALUES (new.id, new.folded); END",
]


def install_fts(engine: sa.Engine) -> None:
    """Create the FTS5 index on SQLite (idempotent); other databases scan `folded`."""
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        for statement in _FTS5:
            connection.exec_driver_sql(statement)


def index_document(session: Session, meeting_id: int, document_id: int, title: str, pages: list[str], first: int = 1) -> None:
    """One entry per page, numbered from `first` (a large text layer comes in
    chunks); the title rides along on every page so it is found too."""
    for number, text in enumerate(pages, start=first):
        _add(session, meeting_id, HitKind.document, document_id, number, title, text)


def index_minutes(session: Session, meeting_id: int, title: str, text: str) -> None:
    """Replace the meeting's minutes entry with the current text."""
    session.exec(
        delete(SearchEntry).where(SearchEntry.meeting_id == meeting_id, SearchEntry.kind == HitKind.minutes)
    )
    _add(session, meeting_id, HitKind.minutes, meeting_id, None, title, text)


def _add(session: Session, meeting_id: int, kind: HitKind, ref_id: int, page: int | None, title: str, text: str) -> None:
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
