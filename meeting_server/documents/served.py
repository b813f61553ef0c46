"""Which file the server hands out for a document: the original when it
carries no active content, else a sanitized copy (documents/sanitize.py) in
cache/served, made once in the render pool and made again whenever missing.
The original itself stays as uploaded, for the archive.

The copy is made when the document is uploaded (`check_at_upload`), so that
what describes the file handed out (OParl's `size` and checksum: `served_facts`)
is known from the start, not only after a first download."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from pathlib import Path

import anyio

from meeting_server.documents.pool import WorkerPool
from meeting_server.documents.sanitize import sanitized_copy
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import DISK_FULL, DiskFull, Invalid, is_disk_full

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
        if is_disk_full(exc):  # no room for the copy: not the file's fault
            raise DiskFull(DISK_FULL) from None
        # Not handed out unchecked: a file that cannot be checked may carry anything.
        log.warning("sanitized copy of %s failed: %r", sha256, exc)
        raise Invalid(
            "This document cannot be handed out: its file could not be checked for scripts and attachments. "
            "Ask the secretary to upload a new copy."
        ) from None
    if written:
        await anyio.to_thread.run_sync(_digest, copy)
        return copy, True
    await anyio.to_thread.run_sync(inert.touch)
    return store.path(sha256), False


async def check_at_upload(pool: WorkerPool, store: BlobStore, sha256: str, *, timeout: float) -> None:
    """Make the copy to hand out now, for a document just stored, in the ingest pool (`pool`): the
    render pool draws the pages the room is waiting for, and a hostile upload must not hold it up.
    One that cannot be checked
    is kept (the archive wants it) and refused at each download, as `served_file` says."""
    # Logged by served_file; a disk too full for the copy refuses the document's row next.
    with contextlib.suppress(Invalid, DiskFull, OSError):
        await served_file(pool, store, sha256, timeout=timeout)


def served_facts(store: BlobStore, sha256: str, size: int) -> tuple[int, str]:
    """Size in bytes and SHA-256 of the file handed out for an original of this `sha256`
    and `size`: its sanitized copy's where there is one, else the original's own."""
    copy = store.served_path(sha256)
    try:
        return copy.stat().st_size, _digest(copy)
    except FileNotFoundError:
        return size, sha256


def _digest(copy: Path) -> str:
    """The copy's SHA-256, kept beside it once computed."""
    kept = copy.with_suffix(".sha256")
    try:
        return kept.read_text().strip()
    except FileNotFoundError:
        digest = hashlib.sha256(copy.read_bytes()).hexdigest()
        kept.write_text(digest)
        return digest
