"""Confidential meetings ("Mật"): how far a response that carries a meeting's content may be kept.

The one place that decides. Every route that answers with a meeting's content (page images,
the PDFs, the annotated exports, the minutes, the archive, OParl, search hits, and the JSON
that shows its titles and text, the votes) asks `content_cache_headers` with the caching it
would use for an ordinary meeting. A confidential meeting's content
gets `Cache-Control: no-store`: no browser cache keeps it, not the tablets' (an iPad handed
back after the meeting holds no page of it), not a proxy's. An ordinary meeting keeps what
its route chose: page images stay in the tablets' private cache for a day, for fast page turns.

The tablets keep nothing of it themselves either: the web client has no service worker and
no Cache Storage, and holds page images in memory only (components/page-view.js).
Downloads and exports of a confidential meeting are security events with
`confidential: true` in their details (security/service.py, `SecurityLog.note`).
"""

from __future__ import annotations

from sqlmodel import Session

from meeting_server.meetings.models import Meeting

NO_STORE = "no-store"
# What an ordinary meeting's content may do. What never changes under its URL (a page image, named
# by its ETag; the final minutes) stays on the tablet for a day: page turns need no request.
PRIVATE_FOR_A_DAY = "private, max-age=86400"
# Kept by the browser that asked, never by a shared proxy for whoever asks next.
PRIVATE = "private"


def content_cache_headers(confidential: bool, usual: str | None = None) -> dict[str, str]:
    """The `Cache-Control` of a response carrying a meeting's content: `no-store` when the
    meeting is confidential, else `usual` (None: no header, as for any JSON)."""
    if confidential:
        return {"Cache-Control": NO_STORE}
    return {"Cache-Control": usual} if usual else {}


def is_confidential(session: Session, meeting_id: int) -> bool:
    meeting = session.get(Meeting, meeting_id)
    return meeting is not None and meeting.confidential
