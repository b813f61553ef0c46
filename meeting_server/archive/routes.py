"""The archive over HTTP: a closed meeting's archive ZIP, and the OParl-shaped export."""

from __future__ import annotations

import shutil
from pathlib import Path

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from meeting_server.annotations.pdf_export import annotated_copy
from meeting_server.archive import oparl
from meeting_server.archive.export import ArchiveContent, gather, write_archive
from meeting_server.context import AppContext
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.filenames import portable_name
from meeting_server.ids import Id
from meeting_server.meetings import service as meetings
from meeting_server.minutes.models import Minutes, MinutesStatus
from meeting_server.minutes.printing import draft_pdf

router = APIRouter(tags=["archive"])


@router.get(
    "/api/meetings/{meeting_id}/archive.zip",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
async def archive_zip(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> FileResponse:
    """The closed meeting's whole record as a ZIP with a manifest of SHA-256s
    (archivist, admin, or the meeting's secretary)."""
    content = await ctx.intents.read(gather, store=ctx.store, settings=ctx.settings, user=user, meeting_id=meeting_id)
    if content.final_minutes_pdf is not None:
        content.minutes_pdf = await anyio.to_thread.run_sync(content.final_minutes_pdf.read_bytes)
    else:
        content.minutes_pdf = await draft_pdf(
            ctx.print_pool, ctx.store, content.minutes, timeout=ctx.settings.render_timeout_s
        )
    folder = ctx.store.temp_path(".archive")
    folder.mkdir(parents=True)
    try:
        annotated = await _annotated_pdfs(ctx, content, folder)
        target = folder / "archive.zip"
        await anyio.to_thread.run_sync(write_archive, target, content, annotated)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"{content.meeting.starts_at[:10]}-{portable_name(content.meeting.title, max_length=80)}.zip"
    return FileResponse(
        target,
        media_type="application/zip",
        filename=name,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


async def _annotated_pdfs(ctx: AppContext, content: ArchiveContent, folder: Path) -> dict[str, Path]:
    """The shared annotations written into copies of the originals; documents without any are skipped."""
    made = {}
    for number, (stem, source) in enumerate(content.annotations):
        if source.annotations:
            out = folder / f"annotated-{number}.pdf"
            await annotated_copy(ctx.render_pool, ctx.store, source, out, timeout=ctx.settings.render_timeout_s)
            made[stem + ".pdf"] = out
    return made


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/api/oparl/v1/meetings")
def oparl_meetings(request: Request, user: CurrentUser, ctx: Ctx) -> dict:
    """The meetings the caller may see, as an OParl list of Meeting objects."""
    with ctx.db.read() as session:
        listed = meetings.list_meetings(session, user)
        full = [(meetings.get_meeting(session, user, m.id), _minutes_final(session, m.id)) for m in listed]
    return oparl.meeting_list(_base(request), [oparl.meeting(_base(request), m, final) for m, final in full])


@router.get("/api/oparl/v1/meetings/{meeting_id}")
def oparl_meeting(meeting_id: Id, request: Request, user: CurrentUser, ctx: Ctx) -> dict:
    """One meeting as an OParl Meeting with its AgendaItems and Files."""
    with ctx.db.read() as session:
        meeting = meetings.get_meeting(session, user, meeting_id)
        return oparl.meeting(_base(request), meeting, _minutes_final(session, meeting_id))


def _minutes_final(session, meeting_id: int) -> bool:
    minutes = session.get(Minutes, meeting_id)
    return minutes is not None and minutes.status == MinutesStatus.final
