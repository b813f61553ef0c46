"""The audit log's table: one row per link of a meeting's hash chain."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel, Text

from meeting_server.timeutil import UTCDateTime


class AuditEntry(SQLModel, table=True):
    """One link of a meeting's hash chain. Written once by `archive.audit.record`, never changed."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "seq"),)

    id: int = Field(default=None, primary_key=True)
    # The unique (meeting_id, seq) index also serves lookups by meeting.
    meeting_id: int = Field(foreign_key="meeting.id")
    seq: int
    at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # None: the server itself acted (a timer, the importer).
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    action: str = Field(max_length=64)
    # The canonical JSON of the details object, exactly as hashed (so Text, not a JSON column).
    details: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
