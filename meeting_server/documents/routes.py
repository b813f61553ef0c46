"""Documents over HTTP: upload, metadata, page images, text, the original."""

from __future__ import annotations

import asyncio
from pathlib import Path

import anyio

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import FileResponse

from meeting_server.archive.bundle import portable_name
from meeting_server.context import AppContext
from meeting_server.deps import CurrentUser, Ctx
from meeting_server.documents import service
from meeting_server.documents.ingest import document_title, inspect, receive_upload
from meeting_server.documents.models import DocumentPublic, PageText
from meeting_server.documents.pdf import render_page
from meeting_server.errors import Invalid, NotFound
from meeting_server.ids import Id

router = APIRouter(tags=["documents"])

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
    responses={413: {"description": "too large"}, 415: {"description": "not a PDF"}, 422: {"description": "damaged, encrypted or empty PDF"}},
)
async def upload_document(item_id: Id, request: Request, user: CurrentUser, ctx: Ctx) -> DocumentPublic:
    """Attach a PDF to an agenda item (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.upload_target, user, item_id)
    received = await receive_upload(request, ctx)
    try:
        info = await inspect(ctx, received)
        # put() fsyncs: disk waits belong in a thread, not on the event loop.
        await anyio.to_thread.run_sync(ctx.store.put, received.temp, received.sha256)
    finally:
        received.temp.unlink(missing_ok=True)
    return await ctx.intents.run(
        meeting_id,
        service.add_document,
        user,
        item_id,
        document_title(received, info),
        received.sha256,
        received.size,
        info,
    )


@router.get("/api/documents/{document_id}", response_model=DocumentPublic)
def get_document(document_id: Id, user: CurrentUser, ctx: Ctx) -> DocumentPublic:
    """A document's metadata and page sizes."""
    with ctx.db.read() as session:
        return service.get_document(session, user, document_id)


@router.get(
    "/api/documents/{document_id}/pages/{number}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}}, 304: {"description": "not modified"}},
)
async def page_image(
    document_id: Id,
    number: int,
    request: Request,
    user: CurrentUser,
    ctx: Ctx,
    width: int = Query(1024, ge=16, le=4096, description="image width in pixels"),
) -> Response:
    """Page `number` as a JPEG `width` pixels wide, with an ETag."""
    document, _ = await ctx.intents.read(service.readable_document, user, document_id)
    if not 1 <= number <= document.page_count:
        raise NotFound(f"The document has {document.page_count} pages.")
    headers = {
        "ETag": f'"{document.sha256[:24]}-{number}-{width}"',
        "Cache-Control": "private, max-age=86400",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    path = ctx.store.page_image(document.sha256, number, width)
    if not path.exists():
        await _render_once(ctx, str(ctx.store.path(document.sha256)), number, width, path)
    return FileResponse(path, media_type="image/jpeg", headers=headers)


async def _render_once(ctx: AppContext, pdf: str, number: int, width: int, out: Path) -> None:
    """Render unless the same image is already being rendered, then wait for that one."""
    key = str(out)
    pending = ctx.rendering.get(key)
    if pending is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        pending = asyncio.ensure_future(
            ctx.render_pool.run(render_page, pdf, number, width, key, timeout=ctx.settings.render_timeout_s)
        )
        ctx.rendering[key] = pending
        pending.add_done_callback(lambda _: ctx.rendering.pop(key, None))
    try:
        await asyncio.shield(pending)
    except Exception:  # WorkerFailed, or MuPDF giving up on a damaged page
        raise Invalid("This page cannot be shown: the PDF is damaged here.") from None


@router.get("/api/documents/{document_id}/pages/{number}/text", response_model=PageText)
def page_text(document_id: Id, number: int, user: CurrentUser, ctx: Ctx) -> PageText:
    """The words of a page with their boxes, normalised to the page as displayed."""
    with ctx.db.read() as session:
        return service.page_text(session, user, document_id, number)


@router.get("/api/documents/{document_id}/file", response_class=FileResponse)
async def original_file(document_id: Id, user: CurrentUser, ctx: Ctx) -> FileResponse:
    """The original PDF, byte for byte."""
    document, _ = await ctx.intents.read(service.readable_document, user, document_id)
    return FileResponse(
        ctx.store.path(document.sha256),
        media_type="application/pdf",
        # A portable name: a title may hold "/", quotes or line breaks.
        filename=f"{portable_name(document.title)}.pdf",
        content_disposition_type="inline",
        # "private": no shared proxy keeps it for whoever asks next.
        headers={"ETag": f'"{document.sha256}"', "Cache-Control": "private"},
    )
