"""Time in one place: aware UTC datetimes everywhere, ISO 8601 with offset on the wire."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores UTC (naive on SQLite, which has no zones) and always returns an aware datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to UTCDateTime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# ---- the meeting's time zone (a setting, meeting_server/settings/) ----------------
# What people read is wall-clock time where the meeting is held, never UTC: a
# meeting that closed at 21:00 in Hanoi says 21:00 in the minutes, the archive,
# its CSV files and OParl alike. Stored times stay UTC.

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def known_zone(name: str) -> str:
    """The IANA zone name if zoneinfo knows it; ValueError otherwise."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def local(value: datetime, zone: str) -> datetime:
    """An aware time as wall-clock time in `zone` (a naive one is taken as UTC, as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(zone))


def local_iso(value: datetime | str | None, zone: str) -> str | None:
    """ISO 8601 with the zone's offset ("2026-11-27T21:00:00+07:00"): the same moment, as read there."""
    if value is None or value == "":
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return local(when, zone).isoformat()


def local_day(value: datetime | str, zone: str) -> date:
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return local(when, zone).date()


def held_day(starts_at: str, opened_at: datetime | None, zone: str) -> date:
    """The day a meeting is on: the day it was held (opened) once it was, else the day it is scheduled for."""
    return local_day(opened_at if opened_at is not None else starts_at, zone)
