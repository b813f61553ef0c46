"""Bodies: the committees that meet (a Party committee, its standing committee, a chi bộ), with their members."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel
from pydantic import Field as PField
from pydantic_core import PydanticCustomError
from sqlmodel import Column, Field, SQLModel

from meeting_server.auth.models import Position
from meeting_server.ids import Id
from meeting_server.inputs import TrimmedInput
from meeting_server.text import one_line
from meeting_server.timeutil import UTCDateTime, utcnow

NAME_MAX = 300


def _body_name(value: str) -> str:
    text = one_line(value)
    if not text:
        raise ValueError("must say something: spaces and control characters alone do not count")
    if len(text) > NAME_MAX:
        # pydantic's own type for it: the error handlers say it in the person's language.
        raise PydanticCustomError(
            "string_too_long", "String should have at most {max_length} characters", {"max_length": NAME_MAX}
        )
    return text


class Body(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    name: str = Field(max_length=NAME_MAX, unique=True)
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


# ---- API shapes -------------------------------------------------------------

# A body's name as people type it: one line, cleaned (text.py), at most the column's 300 characters.
BodyName = Annotated[str, PField(min_length=1, max_length=300), AfterValidator(_body_name)]


class BodyMemberIn(TrimmedInput):
    user_id: Id
    # "Bí thư", "Phó Bí thư", "Ủy viên", or any other office; empty for none.
    position: Position = ""


class BodyCreate(TrimmedInput):
    name: BodyName
    rank: int = PField(default=0, ge=-1000, le=1000)
    # In the body's own order: the first listed comes first in the minutes.
    members: list[BodyMemberIn] = PField(default_factory=list, max_length=2000)


class BodyUpdate(TrimmedInput):
    """What `PATCH /api/bodies/{id}` changes: only the fields sent. `members` replaces the whole list."""

    name: BodyName | None = None
    rank: int | None = PField(default=None, ge=-1000, le=1000)
    members: list[BodyMemberIn] | None = PField(default=None, max_length=2000)


class BodyMemberPublic(BaseModel):
    user_id: int
    full_name: str
    username: str
    position: str
    rank: int


class BodyListItem(BaseModel):
    id: int
    name: str
    rank: int
    member_count: int


class BodyPublic(BaseModel):
    id: int
    name: str
    rank: int
    member_count: int
    # Ordered by rank: the order the body lists its members in.
    members: list[BodyMemberPublic]
