"""The archive over HTTP: a closed meeting's archive ZIP, and the OParl-shaped export."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import FileResponse
from sqlmodel import Session
from starlette.background import BackgroundTask

from meeting_server.annotations.pdf_export import annotated_copy
from meeting_server.archive import oparl
from meeting_server.archive.export import ArchiveContent, archive_name, gather, write_archive
from meeting_server.auth.models import UserPublic
from meeting_server.context import AppContext
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.documents.served import served_facts
from meeting_server.ids import Id
from meeting_server.meetings.confidential import NO_STORE, content_cache_headers
from meeting_server.minutes.printing import draft_pdf
from meeting_server.security.http import Security
from meeting_server.security.models import SecurityKind
from meeting_server.security.service import SecurityLog
from meeting_server.settings import service as site_settings

router = APIRouter(tags=["archive"])


@router.get(
    "/api/meetings/{meeting_id}/archive.zip",
    response_class=FileResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
async def archive_zip(meeting_id: Id, user: CurrentUser, ctx: Ctx, security: Security) -> FileResponse:
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
        await security.note(
            SecurityKind.export_archive, user, meeting_id=meeting_id, confidential=content.meeting.confidential
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = archive_name(content)  # the day it was held, in the meeting's time zone
    return FileResponse(
        target,
        media_type="application/zip",
        filename=name,
        # The whole record: kept by no cache, whatever the meeting.
        headers=content_cache_headers(content.meeting.confidential, NO_STORE),
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


def _shown(
    answer: oparl.Answer, response: Response, security: SecurityLog, user: UserPublic, document_id: int | None = None
) -> dict:
    """An OParl answer: no cache keeps a confidential meeting's content, and each confidential
    meeting it shows is noted as an export (a list names them all)."""
    response.headers.update(content_cache_headers(bool(answer.confidential)))
    for meeting_id in answer.confidential:
        security.note_from_thread(
            SecurityKind.export_oparl, user, meeting_id=meeting_id, document_id=document_id, confidential=True
        )
    return answer.body


# ---- OParl 1.1 (meeting_server/archive/oparl.py): System -> bodies -> Body -> meetings -> ... ----


def _filters(
    created_since: str | None = Query(None, description="only objects created at or after this date-time"),
    created_until: str | None = Query(None, description="only objects created at or before this date-time"),
    modified_since: str | None = Query(None, description="only objects modified at or after this date-time"),
    modified_until: str | None = Query(None, description="only objects modified at or before this date-time"),
) -> oparl.Filters:
    return oparl.Filters.parse(
        {
            "created_since": created_since,
            "created_until": created_until,
            "modified_since": modified_since,
            "modified_until": modified_until,
        }
    )


OParlFilters = Annotated[oparl.Filters, Depends(_filters)]


def _served(ctx: AppContext) -> oparl.ServedFacts:
    return lambda doc: served_facts(ctx.store, doc.sha256, doc.size_bytes)


def _name(ctx: AppContext, session: Session) -> str:
    """What the System and the Body are called: the minutes' issuing body (/admin/settings), when it is set."""
    return site_settings.current(session, ctx.settings).issuer_name or "Meeting server"


@router.get("/api/oparl/v1/system")
def oparl_system(request: Request, user: CurrentUser, ctx: Ctx) -> dict:
    """The OParl entry point: the System, which names the list of bodies."""
    with ctx.db.read() as session:
        return oparl.system(_base(request), session, _name(ctx, session))


@router.get("/api/oparl/v1/bodies")
def oparl_bodies(request: Request, user: CurrentUser, ctx: Ctx, filters: OParlFilters) -> dict:
    """The list of bodies: this server, as one OParl Body."""
    with ctx.db.read() as session:
        return oparl.body_list(_base(request), session, _name(ctx, session), filters)


@router.get("/api/oparl/v1/body")
def oparl_body(request: Request, user: CurrentUser, ctx: Ctx) -> dict:
    """The Body, whose `meeting` list is /api/oparl/v1/meetings."""
    with ctx.db.read() as session:
        return oparl.body(_base(request), session, _name(ctx, session))


@router.get("/api/oparl/v1/body/organizations")
def oparl_organizations(request: Request, user: CurrentUser, filters: OParlFilters) -> dict:
    """The Body's organizations: none are modelled (an empty list, as OParl requires one)."""
    return oparl.empty_list(_base(request), "body/organizations", filters)


@router.get("/api/oparl/v1/body/people")
def oparl_people(request: Request, user: CurrentUser, filters: OParlFilters) -> dict:
    """The Body's people: none are published (an empty list, as OParl requires one)."""
    return oparl.empty_list(_base(request), "body/people", filters)


@router.get("/api/oparl/v1/body/papers")
def oparl_papers(request: Request, user: CurrentUser, filters: OParlFilters) -> dict:
    """The Body's papers: none are modelled (an empty list, as OParl requires one)."""
    return oparl.empty_list(_base(request), "body/papers", filters)


@router.get("/api/oparl/v1/meetings")
def oparl_meetings(
    request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security, filters: OParlFilters
) -> dict:
    """The meetings the caller may see, as an OParl list of Meeting objects, by id;
    `created_since`, `created_until`, `modified_since`, `modified_until` filter it."""
    with ctx.db.read() as session:
        found = oparl.read_meeting_list(session, user, _base(request), filters, _served(ctx))
    return _shown(found, response, security, user)


@router.get("/api/oparl/v1/meetings/{meeting_id}")
def oparl_meeting(
    meeting_id: Id, request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security
) -> dict:
    """One meeting as an OParl Meeting with its AgendaItems, Files and Location."""
    with ctx.db.read() as session:
        found = oparl.read_meeting(session, user, _base(request), meeting_id, _served(ctx))
    if not found.confidential:  # a confidential one is noted as every answer that shows it is
        security.note_from_thread(SecurityKind.export_oparl, user, meeting_id=meeting_id)
    return _shown(found, response, security, user)


@router.get("/api/oparl/v1/agenda-items/{item_id}")
def oparl_agenda_item(
    item_id: Id, request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security
) -> dict:
    """One agenda item as an OParl AgendaItem, with its Files."""
    with ctx.db.read() as session:
        found = oparl.read_agenda_item(session, user, _base(request), item_id, _served(ctx))
    return _shown(found, response, security, user)


@router.get("/api/oparl/v1/files/{document_id}")
def oparl_file(
    document_id: Id, request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security
) -> dict:
    """One document as an OParl File (older versions and withdrawn documents too)."""
    with ctx.db.read() as session:
        found = oparl.read_file(session, user, _base(request), document_id, _served(ctx))
    return _shown(found, response, security, user, document_id=document_id)


@router.get("/api/oparl/v1/locations/{meeting_id}")
def oparl_location(
    meeting_id: Id, request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security
) -> dict:
    """A meeting's place as an OParl Location."""
    with ctx.db.read() as session:
        found = oparl.read_location(session, user, _base(request), meeting_id)
    return _shown(found, response, security, user)


@router.get("/api/oparl/v1/minutes/{meeting_id}")
def oparl_minutes(
    meeting_id: Id, request: Request, response: Response, user: CurrentUser, ctx: Ctx, security: Security
) -> dict:
    """A meeting's final minutes as an OParl File (its `resultsProtocol`)."""
    with ctx.db.read() as session:
        found = oparl.read_minutes_file(session, user, _base(request), meeting_id)
    return _shown(found, response, security, user)
