"""Printing the minutes in the print pool: seconds for a long meeting, so
never in the server's own process (the minutes page, finalize and the
archive all print through here)."""

from __future__ import annotations

from pathlib import Path

import anyio

from meeting_server.documents.pool import WorkerFailed, WorkerPool
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import MeetingError
from meeting_server.minutes.pdf import write_minutes_pdf


async def print_minutes(pool: WorkerPool, record: dict, fingerprint: str, out: Path, *, timeout: float) -> str:
    """Print the record to `out`; its SHA-256. A busy or failing printer is a 503 to try again."""
    try:
        return await pool.run(write_minutes_pdf, record, fingerprint, str(out), timeout=timeout)
    except WorkerFailed as failed:
        raise MeetingError(
            "The minutes could not be printed just now ({reason}). Please try again in a moment.",
            params={"reason": failed.reason},
            code="server_busy",
            status=503,
        ) from None


async def draft_pdf(pool: WorkerPool, store: BlobStore, record: dict, *, timeout: float) -> bytes:
    """The draft record printed, as bytes (no fingerprint: drafts carry none)."""
    temp = store.temp_path(".draft.pdf")
    try:
        await print_minutes(pool, record, "", temp, timeout=timeout)
        return await anyio.to_thread.run_sync(temp.read_bytes)
    finally:
        temp.unlink(missing_ok=True)
