"""Documents attached to agenda items, and their pages' sizes and text."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Column, Field, SQLModel, Text

from meeting_server.inputs import TrimmedInput
from meeting_server.meetings.models import PageSize
from meeting_server.text import Title
from meeting_server.timeutil import UTCDateTime, utcnow


class Document(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="agenda_item.id", index=True)
    title: str = Field(max_length=500)
    # The original file lives content-addressed at files/<sha[:2]>/<sha>.pdf.
    sha256: str = Field(index=True, max_length=64)
    size_bytes: int
    page_count: int
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    # 1 for the first upload; a new version is a new row, and the one it replaces points at it.
    # Only a document with neither `replaced_by_id` nor `withdrawn_at` is on the agenda; the
    # others stay readable (their annotations with them) and in the archive.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    replaced_by_id: int | None = Field(default=None, foreign_key="document.id")
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    withdrawn_by: int | None = Field(default=None, foreign_key="user.id")


class DocumentPage(SQLModel, table=True):
    __tablename__ = "document_page"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    number: int = Field(primary_key=True)
    # Size as displayed (after /Rotate), in PDF points.
    width: float
    height: float
    # The text layer: JSON list of [text, x0, y0, x1, y1], normalised to the displayed page. JSON text,
    # not a JSON column: it comes from the ingest worker's file as text and is stored unparsed (layer_file.py).
    words: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    text: str = Field(default="", sa_column=Column(Text, nullable=False))


class DocumentPublic(BaseModel):
    id: int
    agenda_item_id: int
    meeting_id: int
    title: str
    page_count: int
    sha256: str
    size_bytes: int
    pages: list[PageSize]
    # 1 for the first upload. A replaced version names its successor; a withdrawn
    # document says when. Either way it is off the agenda, still readable.
    version: int = 1
    replaced_by_id: int | None = None
    withdrawn_at: str | None = None


class DocumentUpdate(TrimmedInput):
    title: Title


class Word(BaseModel):
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


class PageText(BaseModel):
    words: list[Word]
