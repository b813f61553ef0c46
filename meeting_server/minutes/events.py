"""The minutes event: everyone in the meeting (who may all read the minutes)
learns that they changed, and fetches them again. No text rides along."""

from __future__ import annotations

from meeting_server.eventlog.events import ServerEvent
from meeting_server.minutes.models import MinutesStatus


class MinutesChanged(ServerEvent):
    """The minutes are now at `version`. `agenda_item_id`: the one item whose
    text changed (its new `item_version`), or null for the header, several
    items, finalizing or a confirmation."""

    name = "minutes:changed"
    version: int
    status: MinutesStatus
    agenda_item_id: int | None = None
    item_version: int | None = None
