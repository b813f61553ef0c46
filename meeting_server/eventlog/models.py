"""The per-meeting event log: one order (seq), one source of replay."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel, Text

from meeting_server.timeutil import UTCDateTime, utcnow


class Event(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("meeting_id", "seq"),)

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    seq: int
    name: str = Field(max_length=64)
    # Exactly the payload emitted live (it carries meeting_id and seq too). JSON text, not a JSON
    # column: replay budgets its pages by this text's length, which a JSON column would make it re-serialize.
    payload: str = Field(sa_column=Column(Text, nullable=False))
    # None: everyone in the meeting may see it. Otherwise only this user's devices.
    audience_user_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
