"""The search index: one entry per document page and one per meeting's minutes.

`folded` is the text as `fold` makes it; on SQLite an FTS5 table indexes it
(external content, kept in step by triggers, revision 0001), on PostgreSQL a
GIN index over its words (revision 0004); both answer the same questions.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel
from sqlmodel import Column, Field, SQLModel, Text


class HitKind(str, Enum):
    document = "document"
    minutes = "minutes"


class SearchEntry(SQLModel, table=True):
    __tablename__ = "search_entry"
    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    kind: HitKind
    # The document's id, or the meeting's id for its minutes.
    ref_id: int = Field(index=True)
    page: int | None = None
    title: str = Field(max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))
    folded: str = Field(sa_column=Column(Text, nullable=False))


class SearchHit(BaseModel):
    meeting_id: int
    meeting_title: str
    meeting_starts_at: str
    # The day it was held, in the meeting's time zone (None if it never opened): the archive's date.
    meeting_held_on: str | None = None
    meeting_timezone: str
    kind: HitKind
    id: int
    title: str
    page: int | None = None
    snippet: str
    # The meeting is confidential ("Mật"): its text is quoted, so no cache keeps the answer.
    confidential: bool = False


class SearchResult(BaseModel):
    hits: list[SearchHit]
