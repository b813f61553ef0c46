"""The site's settings: read by every domain that writes a time or a minutes header, changed by an admin.

`current(session, config)` is the settings as they apply: the row's values,
else the server's configuration (MEETING_MINUTES_ISSUER, …), else the
defaults (the time zone Asia/Ho_Chi_Minh). `zone(session)` is the meeting's
time zone alone. `update_settings` is the admin's intent.
"""

from __future__ import annotations

from sqlmodel import Session

from meeting_server.auth.models import Role, UserPublic
from meeting_server.config import Settings
from meeting_server.errors import Forbidden
from meeting_server.eventlog.outbox import Tx
from meeting_server.settings.models import LINE_MAX, SettingsPublic, SettingsUpdate, SiteSettings
from meeting_server.text import one_line
from meeting_server.timeutil import DEFAULT_ZONE, iso, known_zone, utcnow


def _row(session: Session) -> SiteSettings | None:
    return session.get(SiteSettings, 1)


def _configured(config: Settings | None, name: str) -> str:
    return one_line(getattr(config, name, "") or "")[:LINE_MAX] if config is not None else ""


def current(session: Session, config: Settings | None = None) -> SettingsPublic:
    row = _row(session)
    return SettingsPublic(
        timezone=zone(session),
        issuer_name=(row.issuer_name if row else "") or _configured(config, "minutes_issuer"),
        issuer_parent=(row.issuer_parent if row else "") or _configured(config, "minutes_issuer_parent"),
        locality=(row.locality if row else "") or _configured(config, "minutes_locality"),
        updated_at=iso(row.updated_at) if row else None,
    )


def zone(session: Session) -> str:
    """The meeting's time zone: every time a person reads is in it."""
    row = _row(session)
    if row is None or not row.timezone:
        return DEFAULT_ZONE
    try:
        return known_zone(row.timezone)
    except ValueError:  # a zone this system's tzdata no longer has
        return DEFAULT_ZONE


def update_settings(tx: Tx, user: UserPublic, data: SettingsUpdate, config: Settings | None = None) -> SettingsPublic:
    """Change the fields sent (admin). The next minutes, archive and pages use them;
    final minutes keep what they were finalized with."""
    if user.role != Role.admin:
        raise Forbidden("Only an admin may change the settings.")
    row = _row(tx.session) or SiteSettings(id=1)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(row, name, value)
    row.updated_at = utcnow()
    row.updated_by = user.id
    tx.session.add(row)
    tx.session.flush()
    return current(tx.session, config)
