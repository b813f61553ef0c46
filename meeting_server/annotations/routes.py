"""Annotations over HTTP: the list, and two exports (the annotated PDF, W3C JSON-LD).

Reading works on closed meetings too: the record can be read, not changed.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, JSONResponse
from sqlmodel import Session
from starlette.background import BackgroundTask

from meeting_server.annotations import jsonld, service
from meeting_server.annotations.limits import AnnotationLimits
from meeting_server.annotations.listing import Cursor, ListingPage
from meeting_server.annotations.models import AnnotationPublic
from meeting_server.annotations.pdf_export import annotated_copy
from meeting_server.annotations.service import Scope
from meeting_server.deps import Ctx, CurrentUser
from meeting_server.documents.service import readable_content
from meeting_server.filenames import portable_name
from meeting_server.ids import Id
from meeting_server.meetings.confidential import NO_STORE, content_cache_headers
from meeting_server.security.http import Security
from meeting_server.security.models import SecurityKind

router = APIRouter(tags=["annotations"])

SCOPE = Query(
    "visible",
    description="visible: the caller's own and every shared one; shared: every shared one; mine: the caller's own",
)


@router.get("/api/documents/{document_id}/annotations", response_model=list[AnnotationPublic])
async def list_annotations(
    document_id: Id,
    request: Request,
    response: Response,
    user: CurrentUser,
    ctx: Ctx,
    page: int | None = Query(None, ge=1),
    after: str | None = Query(None, max_length=100, description="The X-Next-Cursor of the listing page before"),
    limit: int | None = Query(None, ge=1, description="At most this many (never more than the server's page size)"),
    for_screen: bool = Query(
        False,
        description="What the hall screen shows: shared ones only, and members' only while the presenter "
        "lets them through (PUT /api/meetings/{id}/screen, show_shared_ink)",
    ),
) -> list[AnnotationPublic]:
    """The caller's own annotations (private ones too) and every shared one; `page` narrows to one page.

    In listing pages: while there are more, the response carries `X-Next-Cursor`
    and a `Link: <…>; rel="next"` to the next page (the same query with `after`)."""
    limits = AnnotationLimits.from_settings(ctx.settings)
    size = min(limit or limits.list_page_size, limits.list_page_size)
    cursor = Cursor.parse(after) if after is not None else None

    def listing(session: Session) -> tuple[ListingPage, bool]:
        found = service.list_annotations(
            session, user, document_id, page, cursor, size, limits.list_page_bytes, for_screen=for_screen
        )
        return found, readable_content(session, user, document_id).confidential

    result, confidential = await ctx.intents.read(listing)
    response.headers.update(content_cache_headers(confidential))
    if result.next_cursor is not None:
        following = request.url.include_query_params(after=str(result.next_cursor))
        response.headers["X-Next-Cursor"] = str(result.next_cursor)
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return result.annotations


@router.get(
    "/api/documents/{document_id}/annotated.pdf",
    response_class=FileResponse,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def annotated_pdf(
    document_id: Id, user: CurrentUser, ctx: Ctx, security: Security, scope: Scope = SCOPE
) -> FileResponse:
    """The original PDF with the annotations in `scope` written in as real PDF annotations."""
    source = await ctx.intents.read(service.export_source, user=user, document_id=document_id, scope=scope)
    out = ctx.store.temp_path(".pdf")
    try:
        await annotated_copy(ctx.render_pool, ctx.store, source, out, timeout=ctx.settings.render_timeout_s)
    except BaseException:
        out.unlink(missing_ok=True)
        raise
    await security.note(
        SecurityKind.export_annotations,
        user,
        meeting_id=source.meeting_id,
        document_id=document_id,
        details={"scope": scope, "format": "pdf"},
        confidential=source.confidential,
    )
    return FileResponse(
        out,
        media_type="application/pdf",
        filename=f"{portable_name(source.document.title)} ({scope}).pdf",
        content_disposition_type="inline",
        # Per user (their private annotations): kept by no cache, not even a shared tablet's browser.
        headers=content_cache_headers(source.confidential, NO_STORE),
        background=BackgroundTask(out.unlink, missing_ok=True),
    )


@router.get(
    "/api/documents/{document_id}/annotations.jsonld",
    responses={200: {"content": {"application/ld+json": {}}}},
)
async def annotations_jsonld(
    document_id: Id, request: Request, user: CurrentUser, ctx: Ctx, security: Security, scope: Scope = SCOPE
) -> JSONResponse:
    """The annotations in `scope` as a W3C Web Annotation collection (JSON-LD)."""
    source = await ctx.intents.read(service.export_source, user=user, document_id=document_id, scope=scope)
    await security.note(
        SecurityKind.export_annotations,
        user,
        meeting_id=source.meeting_id,
        document_id=document_id,
        details={"scope": scope, "format": "jsonld"},
        confidential=source.confidential,
    )
    collection_id = str(request.url.replace(query=f"scope={scope}"))
    return JSONResponse(
        jsonld.collection(source, collection_id),
        media_type='application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
        # Per user, as the PDF.
        headers=content_cache_headers(source.confidential, NO_STORE),
    )
