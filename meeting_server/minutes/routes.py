"""Minutes over HTTP: read, save (whole or one item), finalize, confirm, the PDF."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Query, Response
from fastapi.responses import FileResponse
from sqlmodel import Session

from meeting_server.archive.canonical import canonical_json, sha256_hex
from meeting_server.context import AppContext
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import MeetingError
from meeting_server.ids import Id
from meeting_server.meetings.access import visible_meeting
from meeting_server.meetings.confidential import NO_STORE, PRIVATE_FOR_A_DAY, content_cache_headers, is_confidential
from meeting_server.minutes import service
from meeting_server.minutes.models import FinalizeResult, ItemSaveIn, ItemSaveResult, MinutesPublic, MinutesUpdate
from meeting_server.minutes.printing import draft_pdf, print_minutes
from meeting_server.minutes.record import final_pdf_path, minutes_record
from meeting_server.security.http import Security
from meeting_server.security.models import SecurityKind

router = APIRouter(tags=["minutes"])

CONFLICT_DOC: dict[int | str, dict[str, Any]] = {
    409: {
        "description": "`conflict` (stale version, or final minutes; the body's `error.current` holds the server's text) or `meeting_closed`"
    }
}


@router.get("/api/meetings/{meeting_id}/minutes", response_model=MinutesPublic)
async def get_minutes(meeting_id: Id, response: Response, user: CurrentUser, ctx: Ctx) -> MinutesPublic:
    """The minutes: what the server knows filled in, the secretary's text per agenda item."""

    def reading(session: Session) -> tuple[MinutesPublic, bool]:
        minutes = service.get_minutes(session, user, meeting_id, ctx.settings)
        return minutes, is_confidential(session, meeting_id)

    minutes, confidential = await ctx.intents.read(reading)
    response.headers.update(content_cache_headers(confidential))
    return minutes


@router.put("/api/meetings/{meeting_id}/minutes", response_model=MinutesPublic, responses=CONFLICT_DOC)
async def put_minutes(meeting_id: Id, body: MinutesUpdate, user: CurrentUser, ctx: Ctx) -> MinutesPublic:
    """Save the header and any items against the minutes' `version` (secretary, chair)."""
    return await ctx.intents.run(
        meeting_id, service.put_minutes, user=user, meeting_id=meeting_id, body=body, settings=ctx.settings
    )


@router.put(
    "/api/meetings/{meeting_id}/minutes/items/{agenda_item_id}", response_model=ItemSaveResult, responses=CONFLICT_DOC
)
async def save_item(
    meeting_id: Id, agenda_item_id: Id, body: ItemSaveIn, user: CurrentUser, ctx: Ctx
) -> ItemSaveResult:
    """Save one item's discussion and conclusion against that item's version (secretary, chair)."""
    return await ctx.intents.run(
        meeting_id, service.save_item, user=user, meeting_id=meeting_id, agenda_item_id=agenda_item_id, body=body
    )


@router.post("/api/meetings/{meeting_id}/minutes/finalize", response_model=FinalizeResult, responses=CONFLICT_DOC)
async def finalize(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> FinalizeResult:
    """Lock the minutes of a closed meeting; record the SHA-256 of their canonical JSON and of their PDF."""
    draft = await ctx.intents.read(service.prepare_final, user=user, meeting_id=meeting_id, settings=ctx.settings)
    temp = ctx.store.temp_path(".minutes.pdf")
    try:
        pdf_sha256 = await _print(ctx, draft.record, draft.sha256, temp)
        stored = await anyio.to_thread.run_sync(_store, ctx.store, temp, pdf_sha256)
    finally:
        temp.unlink(missing_ok=True)
    try:
        return await ctx.intents.run(
            meeting_id, service.finalize, user=user, draft=draft, pdf_sha256=pdf_sha256, settings=ctx.settings
        )
    except MeetingError:
        # Refused: the file is this attempt's alone (finalized_at is in it), nothing refers to it.
        if stored:
            await anyio.to_thread.run_sync(lambda: ctx.store.path(pdf_sha256).unlink(missing_ok=True))
        raise


@router.post("/api/meetings/{meeting_id}/minutes/confirm", response_model=MinutesPublic, responses=CONFLICT_DOC)
async def confirm(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> MinutesPublic:
    """The chair or the secretary named in the final minutes confirms them (time in the audit log)."""
    return await ctx.intents.run(meeting_id, service.confirm, user=user, meeting_id=meeting_id, settings=ctx.settings)


@router.get(
    "/api/meetings/{meeting_id}/minutes.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def minutes_pdf(
    meeting_id: Id,
    user: CurrentUser,
    ctx: Ctx,
    security: Security,
    download: bool = Query(False, description="save it (Content-Disposition: attachment) rather than show it"),
) -> Response:
    """The minutes as a PDF: final ones exactly as stored (SHA-256 = `pdf_sha256`), drafts rendered now;
    `download=1` for OParl's `downloadUrl`."""
    path, record, confidential = await ctx.intents.read(_pdf_source, user=user, meeting_id=meeting_id, ctx=ctx)
    await security.note(
        SecurityKind.export_minutes,
        user,
        meeting_id=meeting_id,
        details={"final": path is not None, "format": "pdf"},
        confidential=confidential,
    )
    name = f"bien-ban-hop-{meeting_id}.pdf"
    disposition = "attachment" if download else "inline"
    if path is not None:
        # Final minutes never change: kept for a day, like a page image.
        return FileResponse(
            path,
            media_type="application/pdf",
            filename=name,
            content_disposition_type=disposition,
            headers={"ETag": f'"{path.stem}"', **content_cache_headers(confidential, PRIVATE_FOR_A_DAY)},
        )
    assert record is not None  # no final PDF: the draft's record
    pdf = await _draft_pdf(ctx, record)
    return Response(
        pdf,
        media_type="application/pdf",
        # A draft changes with every word the secretary writes.
        headers={
            "Content-Disposition": f'{disposition}; filename="{name}"',
            **content_cache_headers(confidential, NO_STORE),
        },
    )


@router.get(
    "/api/meetings/{meeting_id}/minutes.json",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
async def minutes_json(meeting_id: Id, user: CurrentUser, ctx: Ctx, security: Security) -> Response:
    """The minutes as data (`minutes.json`) in canonical JSON: for final minutes
    exactly the bytes whose SHA-256 is `sha256`."""
    record, confidential = await ctx.intents.read(
        _readable_record, user=user, meeting_id=meeting_id, settings=ctx.settings
    )
    await security.note(
        SecurityKind.export_minutes,
        user,
        meeting_id=meeting_id,
        details={"final": record["status"] == "final", "format": "json"},
        confidential=confidential,
    )
    return Response(canonical_json(record), media_type="application/json", headers=content_cache_headers(confidential))


def _readable_record(session, user, meeting_id: int, settings) -> tuple[dict, bool]:
    """The record, and whether the meeting is confidential."""
    meeting = visible_meeting(session, user, meeting_id)
    return minutes_record(session, meeting_id, settings), meeting.confidential


def _pdf_source(session, user, meeting_id: int, ctx) -> tuple[Path | None, dict | None, bool]:
    """The stored final PDF's path, or the draft record to render; and whether the meeting is confidential."""
    meeting = visible_meeting(session, user, meeting_id)
    path = final_pdf_path(session, ctx.store, meeting_id)
    record = minutes_record(session, meeting_id, ctx.settings) if path is None else None
    return path, record, meeting.confidential


def _store(store: BlobStore, temp: Path, sha256: str) -> bool:
    """Put the printed PDF in the blob store; False when that exact file was there already."""
    if store.path(sha256).exists():
        return False
    store.put(temp, sha256)
    return True


async def _draft_pdf(ctx: AppContext, record: dict) -> bytes:
    """The draft printed; tablets asking for the same draft at once share one print."""
    key = f"minutes:{sha256_hex(canonical_json(record))}"
    pending = ctx.rendering.get(key)
    if pending is None:
        pending = asyncio.ensure_future(_print_draft(ctx, record))
        ctx.rendering[key] = pending
        pending.add_done_callback(lambda _: ctx.rendering.pop(key, None))
    return await asyncio.shield(pending)


async def _print_draft(ctx: AppContext, record: dict) -> bytes:
    return await draft_pdf(ctx.print_pool, ctx.store, record, timeout=ctx.settings.render_timeout_s)


async def _print(ctx: AppContext, record: dict, fingerprint: str, out: Path) -> str:
    return await print_minutes(ctx.print_pool, record, fingerprint, out, timeout=ctx.settings.render_timeout_s)
