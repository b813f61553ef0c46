"""Users, sessions and login throttling: tables, and the API shapes kept apart from them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel
from pydantic import Field as PField
from sqlmodel import Column, Field, SQLModel

from meeting_server.inputs import TrimmedInput
from meeting_server.text import Name, one_line
from meeting_server.timeutil import UTCDateTime, utcnow


class Role(str, Enum):
    admin = "admin"
    secretary = "secretary"
    chair = "chair"
    member = "member"
    archivist = "archivist"


VOTING_ROLES = frozenset({Role.member, Role.chair, Role.secretary})
CONTROLLING_ROLES = frozenset({Role.chair, Role.secretary})


class User(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=64)
    full_name: str = Field(max_length=200)
    role: Role
    # What the person is, for lists and the minutes ("Bí thư Đảng ủy phường"); a body may give its own.
    position: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    password_hash: str
    # False: disabled. The account's history stays; it can no longer log in.
    active: bool = True
    # A new account, or a password an admin reset: the next login must choose a new one.
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


class AuthSession(SQLModel, table=True):
    """A login. Only the SHA-256 of the token is stored, so a database dump logs nobody in."""

    id: int = Field(default=None, primary_key=True)
    token_hash: str = Field(index=True, unique=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class LoginThrottle(SQLModel, table=True):
    """Failed logins of one account from one address (auth/attempts.py).

    An attempt is counted here before its password is checked, so parallel
    attempts cannot slip past the limit; a success deletes the row. One row
    per pair, so a locking read serialises the pair across nodes."""

    __tablename__ = "login_throttle"
    __table_args__ = (sa.UniqueConstraint("username", "address", name="login_throttle_pair"),)

    id: int = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    address: str = Field(max_length=64)
    # Attempts counted since the pair was last forgiven, those being checked included.
    failures: int = 0
    last_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    # No attempt of this pair is checked before this time.
    blocked_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


# What a person is ("Bí thư Đảng ủy phường"): one clean line, empty allowed.
Position = Annotated[str, PField(max_length=200), AfterValidator(one_line)]


class UserCreate(TrimmedInput):
    username: str = PField(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = PField(min_length=8, max_length=256)
    full_name: Name
    role: Role
    position: Position = ""


class UserBatchItemIn(TrimmedInput):
    username: str = PField(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    full_name: Name
    role: Role
    position: Position = ""


class UserBatchCreate(TrimmedInput):
    """Many accounts sharing one initial password, e.g. a whole committee before
    its first meeting. The password is hashed once: each argon2id hash costs
    about 0.1 s of CPU on purpose, so 1,000 separate hashes would take minutes."""

    password: str = PField(min_length=8, max_length=256)
    users: list[UserBatchItemIn] = PField(min_length=1, max_length=2000)


class UserPublic(BaseModel):
    id: int
    username: str
    full_name: str
    role: Role
    position: str = ""
    # Set for a new account or a reset password: the pages send the person to /account first.
    must_change_password: bool = False


class UserAccountPublic(UserPublic):
    """A row of the admin's account list (`GET /api/users`)."""

    disabled: bool = False


class UserUpdate(TrimmedInput):
    """What an admin changes on an account; absent fields stay as they are."""

    full_name: Name | None = None
    role: Role | None = None
    position: Position | None = None
    # True: the account can no longer log in, its sessions and sockets end at once; its history stays.
    disabled: bool | None = None


class PasswordChangeIn(TrimmedInput):
    """A person changes their own password (trimmed like the login form's)."""

    current: str = PField(min_length=1, max_length=256)
    new: str = PField(min_length=8, max_length=256)


class PasswordResetResult(BaseModel):
    """The one-time password an admin hands over; the next login must replace it."""

    password: str


class LoginIn(TrimmedInput):
    username: str = PField(min_length=1, max_length=64)
    password: str = PField(min_length=1, max_length=256)


class LoginResult(BaseModel):
    token: str
    user: UserPublic
