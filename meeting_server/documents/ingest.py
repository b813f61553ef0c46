"""From an uploaded body to a checked PDF on disk.

The body streams to a temp file while it is hashed; a file that does not
start like a PDF is refused (415) before PyMuPDF sees it; PyMuPDF then
opens it in the ingest pool, where a hostile file can only hurt a worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import anyio
from fastapi import Request
from starlette.datastructures import UploadFile

from meeting_server.context import AppContext
from meeting_server.documents.pdf import IngestFailure, PdfInfo, inspect_pdf
from meeting_server.documents.pool import WorkerFailed
from meeting_server.errors import Invalid, MeetingError, TooLarge, UnsupportedMedia
from meeting_server.text import one_line

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


async def receive_upload(request: Request, ctx: AppContext) -> ReceivedFile:
    async with request.form(max_files=1, max_fields=8) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("Attach the PDF in the form field 'file'.")
        title = form.get("title")
        title = title.strip()[:500] if isinstance(title, str) else ""
        filename = (upload.filename or "").strip()
        received = await anyio.to_thread.run_sync(_copy_hashing, upload, ctx.store.temp_path(), ctx.settings.max_upload_bytes)
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
                    raise TooLarge(f"The file is larger than the limit of {limit // (1024 * 1024)} MB.")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise Invalid("The file is empty: it has no pages to show.")
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest(), size


async def inspect(ctx: AppContext, received: ReceivedFile) -> PdfInfo:
    try:
        return await ctx.ingest_pool.run(
            inspect_pdf, str(received.temp), ctx.settings.max_pages, timeout=ctx.settings.ingest_timeout_s
        )
    except IngestFailure as failure:
        raise failure_error(failure, ctx.settings.max_pages) from None
    except WorkerFailed as failed:
        raise Invalid(
            "This PDF could not be opened: it seems damaged"
            + (" (opening it took too long)." if failed.reason == "timeout" else ".")
            + " Export or scan it again and upload the new file."
        ) from None
    except MemoryError:
        raise Invalid("This PDF needs too much memory to open; it may be damaged.") from None


def failure_error(failure: IngestFailure, max_pages: int) -> MeetingError:
    if failure.kind == "encrypted":
        return Invalid(
            "This PDF is protected by a password. Save or print it again as a PDF without a password, and upload that."
        )
    if failure.kind == "empty":
        return Invalid("This PDF has no pages.")
    if failure.kind == "too_many_pages":
        return TooLarge(f"The document has {failure.detail} pages; the limit is {max_pages}.")
    return Invalid("This file is damaged and cannot be opened as a PDF. Export or scan it again and upload the new file.")


def document_title(received: ReceivedFile, info: PdfInfo) -> str:
    """The title given, else the file's name, else the PDF's own title: the first
    that says something once cleaned as the minutes print it (text.py)."""
    stem = Path(received.filename).stem if received.filename else ""
    for candidate in (received.title, stem, info.title or ""):
        if title := one_line(candidate)[:500]:
            return title
    return "Document"
