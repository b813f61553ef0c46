"""The site's settings, kept in the database and changed by an admin in the browser (/admin/settings).

One row (`id` 1): the meeting's time zone, in which every time a person reads
is shown and written (the minutes, the archive, OParl, the pages), and the
minutes' header defaults: the issuing body when a meeting has no body, the
body above it, and the place-name of the date line (địa danh). An empty text
falls back to the server's configuration (MEETING_MINUTES_ISSUER, …).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, field_validator
from pydantic import Field as PField
from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from meeting_server.inputs import TrimmedInput
from meeting_server.text import one_line
from meeting_server.timeutil import DEFAULT_ZONE, UTCDateTime, known_zone

LINE_MAX = 200


class SiteSettings(SQLModel, table=True):
    __tablename__ = "site_settings"

    id: int = Field(default=1, primary_key=True)
    timezone: str = Field(default=DEFAULT_ZONE, max_length=64)
    issuer_name: str = Field(default="", max_length=LINE_MAX)
    issuer_parent: str = Field(default="", max_length=LINE_MAX)
    locality: str = Field(default="", max_length=LINE_MAX)
    updated_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    updated_by: int | None = None


class SettingsPublic(BaseModel):
    """What `GET /api/settings` answers: the settings as they apply (defaults filled in)."""

    timezone: str
    issuer_name: str
    issuer_parent: str
    locality: str
    updated_at: str | None = None


class SettingsUpdate(TrimmedInput):
    """What `PUT /api/settings` changes: only the fields sent. An empty text clears it."""

    timezone: str | None = PField(default=None, min_length=1, max_length=64)
    issuer_name: str | None = PField(default=None, max_length=LINE_MAX)
    issuer_parent: str | None = PField(default=None, max_length=LINE_MAX)
    locality: str | None = PField(default=None, max_length=LINE_MAX)

    @field_validator("issuer_name", "issuer_parent", "locality")
    @classmethod
    def _line(cls, value: str | None) -> str | None:
        return None if value is None else one_line(value)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)
