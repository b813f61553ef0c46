"""Minutes: tables, and the API shapes kept apart from them.

One `minutes` row per meeting, made on the first save (until then the
minutes are an empty draft at version 0), and one `minutes_item` row per
agenda item the secretary has written under. What the server knows itself
(attendance, documents, votes, times) is never stored here: it is read from
its own tables whenever the minutes are shown, and frozen into `record_json`
when they are finalized.

Versions: `minutes.version` counts every change of the minutes (the header
or any item), `minutes_item.version` the changes of one item. A whole-document
save (PUT /minutes) is checked against the first, a one-item save against the
second, so two people writing under different items never conflict.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, field_validator, model_validator
from pydantic import Field as PField
from sqlmodel import Column, Field, SQLModel, Text

from meeting_server.ids import Id
from meeting_server.inputs import StrictInput
from meeting_server.text import one_line
from meeting_server.timeutil import UTCDateTime, utcnow

# The minutes PDF's own limits (minutes/document.py), so what is saved always prints.
TEXT_MAX = 100_000
LINE_MAX = 200


class MinutesStatus(str, Enum):
    draft = "draft"
    final = "final"


class SignerRole(str, Enum):
    chair = "chair"
    secretary = "secretary"


class Minutes(SQLModel, table=True):
    __tablename__ = "minutes"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    status: MinutesStatus = MinutesStatus.draft
    version: int = 0
    # The header the secretary may change; empty means "the default" (see record.py).
    issuer_parent: str = Field(default="", max_length=LINE_MAX)
    issuer_name: str = Field(default="", max_length=LINE_MAX)
    issuer_number: str = Field(default="", max_length=60)
    locality: str = Field(default="", max_length=LINE_MAX)
    subject: str = Field(default="", max_length=500)
    # Who chairs and who takes the minutes: participants; None means the default.
    chair_id: int | None = Field(default=None, foreign_key="user.id")
    chair_position: str = Field(default="", max_length=LINE_MAX)
    secretary_id: int | None = Field(default=None, foreign_key="user.id")
    secretary_position: str = Field(default="", max_length=LINE_MAX)
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    # Set once, by finalize: the frozen record (its canonical JSON, exactly as
    # hashed, so Text and not a JSON column), its SHA-256, and the SHA-256 of the PDF kept in the blob store.
    finalized_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    finalized_by: int | None = Field(default=None, foreign_key="user.id")
    record_json: str | None = Field(default=None, sa_column=Column(Text))
    sha256: str | None = Field(default=None, max_length=64)
    pdf_sha256: str | None = Field(default=None, max_length=64)


class MinutesItem(SQLModel, table=True):
    """What the secretary wrote under one agenda item. An agenda item whose
    minutes hold text cannot be deleted (meetings/service.py); an empty row
    goes with its item (ON DELETE CASCADE)."""

    __tablename__ = "minutes_item"

    agenda_item_id: int = Field(sa_column=Column(sa.ForeignKey("agenda_item.id", ondelete="CASCADE"), primary_key=True))
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    discussion: str = Field(default="", sa_column=Column(Text, nullable=False))
    conclusion: str = Field(default="", sa_column=Column(Text, nullable=False))
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_by: int | None = Field(default=None, foreign_key="user.id")

    @property
    def has_text(self) -> bool:
        return bool(self.discussion.strip() or self.conclusion.strip())


class MinutesConfirmation(SQLModel, table=True):
    """The chair's or the secretary's confirmation of the final minutes (also in the audit log)."""

    __tablename__ = "minutes_confirmation"

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    role: SignerRole = Field(primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# ---- text as stored ----------------------------------------------------------------


def clean_text(value: str) -> str:
    """Free text as stored: NFC (an iPad keyboard may send Vietnamese decomposed),
    one kind of line break. Everything else is kept as typed."""
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")


def clean_line(value: str) -> str:
    """One line as stored and printed: NFC, no control characters, whitespace collapsed."""
    return one_line(value)


# ---- API shapes: input -----------------------------------------------------------------


class HeaderIn(StrictInput):
    """The header fields a secretary may set; each one left out stays as it is.
    An empty string puts a field back to its default."""

    issuer_parent: str | None = PField(default=None, max_length=LINE_MAX)
    issuer_name: str | None = PField(default=None, max_length=LINE_MAX)
    issuer_number: str | None = PField(default=None, max_length=60)
    locality: str | None = PField(default=None, max_length=LINE_MAX)
    subject: str | None = PField(default=None, max_length=500)
    chair_id: Id | None = None
    chair_position: str | None = PField(default=None, max_length=LINE_MAX)
    secretary_id: Id | None = None
    secretary_position: str | None = PField(default=None, max_length=LINE_MAX)

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        # GET's header also says the date and time zone, which follow from the meeting.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in ("date", "timezone")}
        return data

    @field_validator(
        "issuer_parent",
        "issuer_name",
        "issuer_number",
        "locality",
        "subject",
        "chair_position",
        "secretary_position",
        mode="before",
    )
    @classmethod
    def _line(cls, value: Any) -> Any:
        # Before the length check: the limit is the cleaned text's, as the minutes print it.
        return clean_line(value) if isinstance(value, str) else value


class ItemTextIn(StrictInput):
    """One item's texts; a field left out stays as it is."""

    discussion: str | None = PField(default=None, max_length=TEXT_MAX)
    conclusion: str | None = PField(default=None, max_length=TEXT_MAX)

    @field_validator("discussion", "conclusion", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # Before the length check, as for the header's lines.
        return clean_text(value) if isinstance(value, str) else value


class ItemSaveIn(ItemTextIn):
    """PUT /minutes/items/{agenda_item_id}: the item's version the writer started from."""

    base_version: int = PField(ge=0)


class WholeItemIn(ItemTextIn):
    agenda_item_id: Id
    # What GET gives per item, so a client may send an item back as it got it; ignored.
    title: Any = None
    position: Any = None
    version: Any = None
    updated_at: Any = None
    updated_by: Any = None
    documents: Any = None
    votes: Any = None


# What GET answers besides the header and items: a client may PUT the document
# back as it got it, and these are not the client's to set.
READ_ONLY_FIELDS = frozenset(
    {
        "meeting_id",
        "status",
        "sha256",
        "pdf_sha256",
        "finalized_at",
        "finalized_by",
        "meeting",
        "chair",
        "secretary",
        "attendance",
        "other_votes",
        "confirmations",
        "can_edit",
        "can_finalize",
        "can_confirm",
        "updated_at",
        "updated_by",
        "format",
        "date",
    }
)


class MinutesUpdate(StrictInput):
    """PUT /minutes: the whole document (or any part of it) against `version`."""

    version: int = PField(ge=0)
    header: HeaderIn | None = None
    items: list[WholeItemIn] | None = PField(default=None, max_length=1000)

    @model_validator(mode="before")
    @classmethod
    def _drop_read_only(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if key not in READ_ONLY_FIELDS}
        return data

    @field_validator("items")
    @classmethod
    def _distinct(cls, items: list[WholeItemIn] | None) -> list[WholeItemIn] | None:
        if items is not None:
            ids = [item.agenda_item_id for item in items]
            if len(set(ids)) != len(ids):
                raise ValueError("each agenda item at most once")
        return items


# ---- API shapes: output -------------------------------------------------------------------


class Signer(BaseModel):
    user_id: int
    name: str
    position: str


class HeaderPublic(BaseModel):
    """The header as it prints: what the secretary set, or the defaults (record.py)."""

    issuer_parent: str
    issuer_name: str
    issuer_number: str
    locality: str
    subject: str
    date: str
    timezone: str
    chair_id: int | None
    chair_position: str
    secretary_id: int | None
    secretary_position: str


class MinutesItemPublic(BaseModel):
    agenda_item_id: int
    position: int
    title: str
    discussion: str
    conclusion: str
    version: int
    updated_at: str | None
    updated_by: int | None
    documents: list[dict]
    votes: list[dict]


class Confirmation(BaseModel):
    role: SignerRole
    user_id: int
    full_name: str
    at: str


class MinutesPublic(BaseModel):
    """GET /minutes. Server-filled parts (meeting, attendance, documents, votes)
    are the record's (record.py); final minutes show their frozen record."""

    meeting_id: int
    status: MinutesStatus
    version: int
    sha256: str | None
    pdf_sha256: str | None
    finalized_at: str | None
    finalized_by: int | None
    updated_at: str | None
    updated_by: int | None
    meeting: dict
    header: HeaderPublic
    chair: Signer | None
    secretary: Signer | None
    attendance: dict
    items: list[MinutesItemPublic]
    other_votes: list[dict]
    confirmations: list[Confirmation]
    # For the caller: may they write, finalize, and which roles may they confirm now.
    can_edit: bool
    can_finalize: bool
    can_confirm: list[SignerRole]


class ItemSaveResult(BaseModel):
    minutes_version: int
    item: MinutesItemPublic


class FinalizeResult(BaseModel):
    status: MinutesStatus
    sha256: str
    pdf_sha256: str
    version: int
    finalized_at: str
