"""Which file the server hands out for a document: the original when it
carries no active content, else a sanitized copy (documents/sanitize.py) in
cache/served, made once in the render pool and made again whenever missing.
The original itself stays as uploaded, for the archive."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio

from meeting_server.documents.pool import WorkerPool
from meeting_server.documents.sanitize import sanitized_copy
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import Invalid

log = logging.getLogger(__name__)


async def served_file(pool: WorkerPool, store: BlobStore, sha256: str, *, timeout: float) -> tuple[Path, bool]:
    """The path to hand out for this content, and whether it is a sanitized copy."""
    copy, inert = store.served_path(sha256), store.inert_marker(sha256)
    if await anyio.to_thread.run_sync(copy.exists):
        return copy, True
    if await anyio.to_thread.run_sync(inert.exists):
        return store.path(sha256), False
    await anyio.to_thread.run_sync(lambda: copy.parent.mkdir(parents=True, exist_ok=True))
    try:
        written = await pool.run(sanitized_copy, str(store.path(sha256)), str(copy), timeout=timeout)
    except Exception as exc:
        # Not handed out unchecked: a file that cannot be checked may carry anything.
        log.warning("sanitized copy of %s failed: %r", sha256, exc)
        raise Invalid(
            "This document cannot be handed out: its file could not be checked for scripts and attachments. "
            "Ask the secretary to upload a new copy."
        ) from None
    if written:
        return copy, True
    await anyio.to_thread.run_sync(inert.touch)
    return store.path(sha256), False
