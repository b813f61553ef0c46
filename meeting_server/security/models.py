"""The security log's table, its kinds, and the API shapes of `GET /api/security-events`.

Apart from the meetings' hash-chained audit log (archive/audit.py): a login
belongs to no meeting. What a row never holds: a password, a token, a hash of
either, or anything about a secret ballot.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Column, Field, SQLModel

from meeting_server.timeutil import UTCDateTime, utcnow


class SecurityKind(str, Enum):
    """What happened. Stored as a short string, not a database enum: a new kind
    needs no migration (PostgreSQL cannot add an enum value in the transaction
    that uses it, see migration 0003)."""

    login = "login"
    login_failed = "login_failed"  # wrong password, unknown user, or a disabled account's right password
    login_throttled = "login_throttled"  # refused before any check; sampled (security/service.py)
    logout = "logout"
    password_changed = "password_changed"  # by the person, with the current one
    password_change_failed = "password_change_failed"  # the current password was wrong
    password_reset = "password_reset"  # by an admin, to a one-time password
    role_changed = "role_changed"
    user_disabled = "user_disabled"
    user_enabled = "user_enabled"
    user_created = "user_created"
    export_archive = "export_archive"  # a meeting's archive ZIP
    export_oparl = "export_oparl"  # a meeting read through OParl
    export_annotations = "export_annotations"  # an annotated PDF or the annotations as JSON-LD
    export_minutes = "export_minutes"  # the minutes as a PDF
    document_download = "document_download"  # an original PDF (GET of /api/documents/{id}/file)


class SecurityEvent(SQLModel, table=True):
    """One security event. Written once, never changed; the oldest of a kind go
    past `security_events_per_kind` rows (security/service.py).

    No foreign keys: the log outlives what it names, and never stops a delete."""

    __tablename__ = "security_event"
    __table_args__ = (sa.Index("ix_security_event_kind_id", "kind", "id"),)

    id: int = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False, index=True))
    kind: str = Field(max_length=32)
    # Who acted: None for a failed or throttled login, and for the command line.
    actor_id: int | None = Field(default=None, index=True)
    # The username as typed, for logins (the account may not exist); else the actor's.
    username: str = Field(default="", max_length=64)
    # The client's address (auth/login.py client_address); None from the command line.
    address: str | None = Field(default=None, max_length=64)
    target_user_id: int | None = Field(default=None, index=True)
    meeting_id: int | None = Field(default=None)
    document_id: int | None = Field(default=None)
    # Small facts by kind: {"from": "member", "to": "chair"}, {"reason": "account_disabled"}.
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(sa.JSON, nullable=False))


class SecurityEventPublic(BaseModel):
    id: int
    at: datetime
    kind: SecurityKind
    actor_id: int | None
    # The actor's name now, when there is an actor.
    actor_name: str | None = None
    username: str
    address: str | None
    target_user_id: int | None
    target_username: str | None = None
    target_name: str | None = None
    meeting_id: int | None
    document_id: int | None
    details: dict[str, Any]


class SecurityEventPage(BaseModel):
    """Newest first; `next_cursor` asks for the page after this one (None: the last)."""

    events: list[SecurityEventPublic]
    next_cursor: int | None = None
