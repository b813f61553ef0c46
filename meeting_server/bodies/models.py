"""Bodies: the committees that meet (a Party committee, its standing committee, a chi bộ), with their members."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Column, Field, SQLModel

from meeting_server.timeutil import UTCDateTime, utcnow


class Body(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=300, unique=True)
    # Where the body comes in lists: the committee before its standing committee before its chi bộ.
    rank: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class BodyMember(SQLModel, table=True):
    """A member of a body. Their position here ("Bí thư", "Phó Bí thư", "Ủy viên") is what the minutes
    write; `rank` orders the members as the body lists them (the secretary first)."""

    __tablename__ = "body_member"
    body_id: int = Field(foreign_key="body.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    position: str = Field(default="", max_length=200)
    rank: int = 0
