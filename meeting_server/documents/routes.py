"""Documents over HTTP: upload, metadata, rename, withdraw, new versions, page images, text, the original."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anyio
from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse

from meeting_server.context import AppContext
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.documents import service, text_layer, versions
from meeting_server.documents.ingest import document_title, ingest, receive_upload
from meeting_server.documents.models import DocumentPublic, DocumentUpdate, PageText
from meeting_server.documents.pdf import render_page
from meeting_server.documents.pool import WorkerFailed
from meeting_server.documents.served import check_at_upload, served_file
from meeting_server.documents.widths import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, PAGE_WIDTHS, snap_width
from meeting_server.errors import DiskFull, Invalid, NotFound, is_disk_full
from meeting_server.filenames import portable_name
from meeting_server.ids import Id
from meeting_server.meetings.confidential import PRIVATE, PRIVATE_FOR_A_DAY, content_cache_headers, is_confidential
from meeting_server.security.http import Security
from meeting_server.security.models import SecurityKind

router = APIRouter(tags=["documents"])

WIDTH_DOC = f"image width in pixels, rounded up to the first of {', '.join(map(str, PAGE_WIDTHS))}"

UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/api/agenda/{item_id}/documents",
    response_model=DocumentPublic,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={
        413: {"description": "too large"},
        415: {"description": "not a PDF"},
        422: {"description": "damaged, encrypted or empty PDF; `too_complex`: a page takes too long to draw"},
    },
)
async def upload_document(item_id: Id, request: Request, user: CurrentUser, ctx: Ctx) -> DocumentPublic:
    """Attach a PDF to an agenda item (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.upload_target, user=user, item_id=item_id)
    received = await receive_upload(request, ctx)
    layer = ctx.store.temp_path(".layer")
    try:
        summary = await ingest(ctx, received, layer)
        # put() fsyncs: disk waits belong in a thread, not on the event loop.
        await anyio.to_thread.run_sync(ctx.store.put, received.temp, received.sha256)
        await check_at_upload(ctx.ingest_pool, ctx.store, received.sha256, timeout=ctx.settings.render_timeout_s)
        return await text_layer.add_document(
            ctx,
            meeting_id,
            user,
            item_id,
            document_title(received, summary),
            received.sha256,
            received.size,
            summary,
            layer,
        )
    finally:
        received.temp.unlink(missing_ok=True)
        layer.unlink(missing_ok=True)


@router.get("/api/documents/{document_id}", response_model=DocumentPublic)
def get_document(document_id: Id, response: Response, user: CurrentUser, ctx: Ctx) -> DocumentPublic:
    """A document's metadata and page sizes; older versions and withdrawn documents too."""
    with ctx.db.read() as session:
        document = service.get_document(session, user, document_id)
        response.headers.update(content_cache_headers(is_confidential(session, document.meeting_id)))
    return document


@router.patch(
    "/api/documents/{document_id}",
    response_model=DocumentPublic,
    responses={409: {"description": "`meeting_closed`, `document_replaced` or `document_withdrawn`"}},
)
async def rename_document(document_id: Id, body: DocumentUpdate, user: CurrentUser, ctx: Ctx) -> DocumentPublic:
    """Rename a document on the agenda (secretary, chair; not once the meeting is closed)."""
    _, meeting_id = await ctx.intents.read(service.readable_document, user=user, document_id=document_id)
    return await ctx.intents.run(
        meeting_id, service.rename_document, user=user, document_id=document_id, title=body.title
    )


@router.delete(
    "/api/documents/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={409: {"description": "`document_presented`: the presenter shows it in the open meeting; or closed"}},
)
async def withdraw_document(document_id: Id, user: CurrentUser, ctx: Ctx) -> Response:
    """Withdraw a document from the agenda (secretary, chair). It stays readable and in the archive."""
    _, meeting_id = await ctx.intents.read(service.readable_document, user=user, document_id=document_id)
    await ctx.intents.run(meeting_id, service.withdraw_document, user=user, document_id=document_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api/documents/{document_id}/versions",
    response_model=versions.NewVersionPublic,
    status_code=status.HTTP_201_CREATED,
    openapi_extra=UPLOAD_BODY,
    responses={
        409: {"description": "`document_replaced`, `document_withdrawn`, `meeting_closed`"},
        413: {"description": "too large"},
        415: {"description": "not a PDF"},
        422: {"description": "damaged, encrypted or empty PDF; `too_complex`: a page takes too long to draw"},
    },
)
async def new_version(document_id: Id, request: Request, user: CurrentUser, ctx: Ctx) -> versions.NewVersionPublic:
    """Replace a document with a new version (secretary, chair): `file`, and `title`
    (default: the old title). Annotations of unchanged pages move to it."""
    target = await ctx.intents.read(versions.version_target, user=user, document_id=document_id)
    received = await receive_upload(request, ctx)
    layer = ctx.store.temp_path(".layer")
    try:
        summary = await ingest(ctx, received, layer)
        await anyio.to_thread.run_sync(ctx.store.put, received.temp, received.sha256)
        await check_at_upload(ctx.ingest_pool, ctx.store, received.sha256, timeout=ctx.settings.render_timeout_s)
        return await versions.store_version(ctx, target, user, received, summary, layer)
    finally:
        received.temp.unlink(missing_ok=True)
        layer.unlink(missing_ok=True)


@router.get(
    "/api/documents/{document_id}/pages/{number}",
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}},
        304: {"description": "not modified"},
        422: {"description": "the page cannot be drawn (damaged, or it takes too long)"},
    },
)
async def page_image(
    document_id: Id,
    number: int,
    request: Request,
    user: CurrentUser,
    ctx: Ctx,
    width: int = Query(DEFAULT_WIDTH, ge=MIN_WIDTH, le=MAX_WIDTH, description=WIDTH_DOC),
) -> Response:
    """Page `number` as a JPEG, as wide as the first of the widths at least `width`, with an ETag;
    kept by the tablet for a day, by nobody when the meeting is confidential."""
    document, _, confidential = await ctx.intents.read(service.readable_content, user=user, document_id=document_id)
    if not 1 <= number <= document.page_count:
        raise NotFound("The document has {count} pages.", params={"count": document.page_count})
    width = snap_width(width)
    headers = {
        # The bytes depend on the content, the page and the bucket, and nothing else.
        "ETag": f'"{document.sha256[:24]}-{number}-{width}"',
        **content_cache_headers(confidential, PRIVATE_FOR_A_DAY),
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    path = ctx.store.page_image(document.sha256, number, width)
    # Read whole, not streamed from the path: the cache may evict it a moment later.
    image = await anyio.to_thread.run_sync(ctx.page_cache.read, path)
    if image is None:
        image = await _render_once(ctx, str(ctx.store.path(document.sha256)), number, width, path)
    return Response(image, media_type="image/jpeg", headers=headers)


async def _render_once(ctx: AppContext, pdf: str, number: int, width: int, out: Path) -> bytes:
    """Render unless the same image is already being rendered, then share that one."""
    key = str(out)
    pending = ctx.rendering.get(key)
    if pending is None:
        pending = asyncio.ensure_future(_render(ctx, pdf, number, width, out))
        ctx.rendering[key] = pending
        pending.add_done_callback(lambda _: ctx.rendering.pop(key, None))
    return await asyncio.shield(pending)


async def _render(ctx: AppContext, pdf: str, number: int, width: int, out: Path) -> bytes:
    await anyio.to_thread.run_sync(lambda: out.parent.mkdir(parents=True, exist_ok=True))
    try:
        await ctx.render_pool.run(render_page, pdf, number, width, str(out), timeout=ctx.settings.render_timeout_s)
    except WorkerFailed as failed:
        if failed.reason == "timeout":
            raise Invalid(
                "This page takes too long to draw (more than {seconds} s at this size). "
                "Try a smaller view, or ask the secretary for a simpler copy of the document.",
                params={"seconds": f"{ctx.settings.render_timeout_s:g}"},
            ) from None
        raise Invalid("This page cannot be shown: the PDF is damaged here.") from None
    except Exception as exc:  # MuPDF giving up on a damaged page, in the worker; or no room for the image
        if is_disk_full(exc):
            raise DiskFull(
                "The server's disk is full, so this page cannot be drawn at this size now. "
                "Ask the administrator to free some space."
            ) from exc
        raise Invalid("This page cannot be shown: the PDF is damaged here.") from None
    # Read before registering: registering may evict it at once if the cache is full.
    image = await anyio.to_thread.run_sync(out.read_bytes)
    await anyio.to_thread.run_sync(ctx.page_cache.add, out)
    return image


@router.get("/api/documents/{document_id}/pages/{number}/text", response_model=PageText)
def page_text(document_id: Id, number: int, response: Response, user: CurrentUser, ctx: Ctx) -> PageText:
    """The words of a page with their boxes, normalised to the page as displayed."""
    with ctx.db.read() as session:
        words = service.page_text(session, user, document_id, number)
        confidential = service.readable_content(session, user, document_id).confidential
    response.headers.update(content_cache_headers(confidential))
    return words


@router.get("/api/documents/{document_id}/file", response_class=FileResponse)
async def original_file(
    document_id: Id,
    user: CurrentUser,
    ctx: Ctx,
    security: Security,
    download: bool = Query(False, description="save it (Content-Disposition: attachment) rather than show it"),
) -> FileResponse:
    """The PDF: the original, or where that carries JavaScript, automatic actions or
    embedded files, a copy without them (documents/served.py; the archive keeps the
    original byte for byte); `download=1` for OParl's `downloadUrl`."""
    document, meeting_id, confidential = await ctx.intents.read(
        service.readable_content, user=user, document_id=document_id
    )
    path, sanitized = await served_file(
        ctx.render_pool, ctx.store, document.sha256, timeout=ctx.settings.render_timeout_s
    )
    await security.note(
        SecurityKind.document_download, user, meeting_id=meeting_id, document_id=document_id, confidential=confidential
    )
    return FileResponse(
        path,
        media_type="application/pdf",
        # A portable name: a title may hold "/", quotes or line breaks.
        filename=f"{portable_name(document.title)}.pdf",
        content_disposition_type="attachment" if download else "inline",
        headers={
            "ETag": f'"{document.sha256}{"-sanitized" if sanitized else ""}"',
            **content_cache_headers(confidential, PRIVATE),
        },
    )
