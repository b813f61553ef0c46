"""From an uploaded body to a checked PDF on disk.

The body streams to a temp file while it is hashed; a file that does not
start like a PDF is refused (415) before PyMuPDF sees it; PyMuPDF then
opens it in the ingest pool, where a hostile file can only hurt a worker,
and draws every page once there, within a CPU budget per page.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import anyio
from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect

from meeting_server.documents import service
from meeting_server.documents.pdf import IngestFailure, IngestSummary, ingest_pdf
from meeting_server.documents.pool import WorkerFailed
from meeting_server.documents.runtime import DocumentRuntime
from meeting_server.documents.titles import default_title
from meeting_server.errors import (
    DISK_FULL,
    DiskFull,
    Invalid,
    MeetingError,
    TooComplex,
    TooLarge,
    UnsupportedMedia,
    is_disk_full,
)

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# The PDF header may follow some junk; readers accept it within the first 1 KiB.
HEADER_WINDOW = 1024


@dataclass
class ReceivedFile:
    temp: Path
    sha256: str
    size: int
    filename: str
    title: str


async def receive_upload(request: Request, ctx: DocumentRuntime) -> ReceivedFile:
    try:
        return await _receive(request, ctx)
    except ClientDisconnect:
        # The tablet left the Wi-Fi half-way. Starlette has closed (and so deleted) its
        # spooled parts, and nothing of ours was written yet. An answer no one reads,
        # rather than a traceback in the log for what is not a bug.
        log.warning("an upload to %s was cut off before its end; nothing was kept", request.url.path)
        raise Invalid("The upload was cut off before the whole file arrived. Upload it again.", status=400) from None


async def _receive(request: Request, ctx: DocumentRuntime) -> ReceivedFile:
    async with request.form(max_files=1, max_fields=8) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("Attach the PDF in the form field 'file'.")
        title = form.get("title")
        title = title.strip()[:500] if isinstance(title, str) else ""
        filename = (upload.filename or "").strip()
        received = await anyio.to_thread.run_sync(
            _copy_hashing, upload, ctx.store.temp_path(), ctx.settings.max_upload_bytes
        )
    return ReceivedFile(received[0], received[1], received[2], filename, title)


def _copy_hashing(upload: UploadFile, temp: Path, limit: int) -> tuple[Path, str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with open(temp, "wb") as out:
            upload.file.seek(0)
            while chunk := upload.file.read(CHUNK):
                if size == 0 and b"%PDF-" not in chunk[:HEADER_WINDOW]:
                    raise UnsupportedMedia(
                        "This file is not a PDF. Save the document as PDF (in Word: File → Save As → PDF) and upload that."
                    )
                size += len(chunk)
                if size > limit:
                    raise TooLarge(
                        "The file is larger than the limit of {mb} MB.", params={"mb": limit // (1024 * 1024)}
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid("The file is empty: it has no pages to show.")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest(), size


async def ingest(ctx: DocumentRuntime, received: ReceivedFile, layer: Path) -> IngestSummary:
    """Check the PDF, draw every page's thumbnail into the page cache and write
    its text layer to `layer`, all in the ingest worker, within the budgets."""
    try:
        summary = await ctx.ingest_pool.run(
            ingest_pdf,
            str(received.temp),
            ctx.settings.max_pages,
            str(layer),
            ctx.store,
            received.sha256,
            ctx.settings.ingest_page_budget_s,
            timeout=ctx.settings.ingest_timeout_s,
        )
    except Exception as exc:
        await anyio.to_thread.run_sync(_discard_thumbnails, ctx, received.sha256)
        if is_disk_full(exc):  # the worker's text layer or thumbnails found no room: not the file's fault
            raise DiskFull(DISK_FULL) from exc
        raise _refusal(exc, ctx) from None
    await anyio.to_thread.run_sync(ctx.page_cache.add_folder, ctx.store.page_folder(received.sha256))
    return summary


def _refusal(exc: Exception, ctx: DocumentRuntime) -> MeetingError:
    if isinstance(exc, IngestFailure):
        return failure_error(exc, ctx.settings.max_pages)
    if isinstance(exc, WorkerFailed) and exc.reason == "over_budget":
        return TooComplex(
            "Page {page} of this PDF takes too long to draw (more than {seconds} s): it would stall every "
            "tablet that opens it. Print it to a new PDF, or export it with flattened layers, and upload that.",
            params={"page": exc.progress, "seconds": f"{ctx.settings.ingest_page_budget_s:g}"},
        )
    if isinstance(exc, WorkerFailed) and exc.reason == "timeout":
        return TooComplex(
            "This PDF takes too long to prepare (more than {seconds} s in all, stopped at page {page}). "
            "Split it, or print it to a new PDF, and upload that."
            if exc.progress
            else "This PDF takes too long to prepare (more than {seconds} s in all). "
            "Split it, or print it to a new PDF, and upload that.",
            params={"seconds": f"{ctx.settings.ingest_timeout_s:g}", "page": exc.progress},
        )
    if isinstance(exc, WorkerFailed):
        return Invalid(
            "This PDF could not be opened: it seems damaged. Export or scan it again and upload the new file."
        )
    if isinstance(exc, MemoryError):
        return Invalid("This PDF needs too much memory to open; it may be damaged.")
    log.warning("ingest failed: %r", exc)  # MuPDF failing in a way not foreseen: the file, not the server
    return failure_error(IngestFailure("corrupt"), ctx.settings.max_pages)


def _discard_thumbnails(ctx: DocumentRuntime, sha256: str) -> None:
    """A refused PDF leaves nothing in the cache, unless a document already has this content."""
    with ctx.db.read() as session:
        if service.sha_in_use(session, sha256):
            return
    shutil.rmtree(ctx.store.page_folder(sha256), ignore_errors=True)


def failure_error(failure: IngestFailure, max_pages: int) -> MeetingError:
    if failure.kind == "encrypted":
        return Invalid(
            "This PDF is protected by a password. Save or print it again as a PDF without a password, and upload that."
        )
    if failure.kind == "page_count":
        return Invalid(
            "This PDF claims a number of pages that cannot be: its page list is damaged. "
            "Print it to a new PDF, and upload that."
        )
    if failure.kind == "empty":
        return Invalid("This PDF has no pages.")
    if failure.kind == "too_many_pages":
        return TooLarge(
            "The document has {pages} pages; the limit is {limit}.",
            params={"pages": failure.detail, "limit": max_pages},
        )
    return Invalid(
        "This file is damaged and cannot be opened as a PDF. Export or scan it again and upload the new file."
    )


def document_title(received: ReceivedFile, info: IngestSummary) -> str:
    """The title given, else the PDF's own title, its first heading, or its
    file name made readable (titles.py): never a file-name slug."""
    return default_title(received.title, info.title, info.heading, received.filename)
