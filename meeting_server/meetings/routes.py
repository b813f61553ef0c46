"""Meetings and their agendas over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response, status

from meeting_server.deps import Ctx, CurrentUser
from meeting_server.ids import Id
from meeting_server.meetings import preparation, service
from meeting_server.meetings.confidential import content_cache_headers
from meeting_server.meetings.invitation import invitation_ics
from meeting_server.meetings.models import (
    AgendaItemCreate,
    AgendaItemPublic,
    AgendaItemUpdate,
    AttendanceEntry,
    AttendanceIn,
    MeetingCreate,
    MeetingListItem,
    MeetingOpenIn,
    MeetingPublic,
    MeetingStatus,
    MeetingUpdate,
    QuorumIn,
    RsvpIn,
)
from meeting_server.meetings.screen import ScreenPublic, ScreenUpdate
from meeting_server.timeutil import utcnow

router = APIRouter(tags=["meetings"])


@router.post("/api/meetings", response_model=MeetingPublic, status_code=status.HTTP_201_CREATED)
async def create_meeting(body: MeetingCreate, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """Create a meeting with its participants (admin, secretary, chair)."""
    return await ctx.intents.run(None, service.create_meeting, user=user, data=body)


@router.get("/api/meetings", response_model=list[MeetingListItem])
def list_meetings(
    user: CurrentUser,
    ctx: Ctx,
    response: Response,
    status: MeetingStatus | None = None,
    year: Annotated[int | None, Query(ge=1900, le=9999)] = None,
    title: Annotated[str, Query(max_length=200)] = "",
) -> list[MeetingListItem]:
    """The meetings the caller may see, newest first; optionally only those of a
    status, of a year, or whose title holds `title` (diacritics ignored)."""
    with ctx.db.read() as session:
        meetings = service.list_meetings(session, user, status=status, year=year, title=title)
    response.headers.update(content_cache_headers(any(m.confidential for m in meetings)))
    return meetings


@router.get("/api/meetings/{meeting_id}", response_model=MeetingPublic)
def get_meeting(meeting_id: Id, response: Response, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """A meeting with participants, agenda and documents."""
    with ctx.db.read() as session:
        meeting = service.get_meeting(session, user, meeting_id)
    response.headers.update(content_cache_headers(meeting.confidential))
    return meeting


@router.post("/api/meetings/{meeting_id}/agenda", response_model=AgendaItemPublic, status_code=status.HTTP_201_CREATED)
async def add_agenda_item(meeting_id: Id, body: AgendaItemCreate, user: CurrentUser, ctx: Ctx) -> AgendaItemPublic:
    """Append an item to the agenda (secretary, chair)."""
    return await ctx.intents.run(meeting_id, service.add_agenda_item, user=user, meeting_id=meeting_id, data=body)


@router.patch("/api/agenda/{item_id}", response_model=AgendaItemPublic)
async def update_agenda_item(item_id: Id, body: AgendaItemUpdate, user: CurrentUser, ctx: Ctx) -> AgendaItemPublic:
    """Rename or move an agenda item (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.agenda_item_meeting_id, item_id=item_id)
    return await ctx.intents.run(meeting_id, service.update_agenda_item, user=user, item_id=item_id, data=body)


@router.delete("/api/agenda/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_agenda_item(item_id: Id, user: CurrentUser, ctx: Ctx) -> Response:
    """Remove an agenda item that has no documents (secretary, chair)."""
    meeting_id = await ctx.intents.read(service.agenda_item_meeting_id, item_id=item_id)
    await ctx.intents.run(meeting_id, service.delete_agenda_item, user=user, item_id=item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/api/meetings/{meeting_id}/open", response_model=MeetingPublic)
async def open_meeting(meeting_id: Id, user: CurrentUser, ctx: Ctx, body: MeetingOpenIn | None = None) -> MeetingPublic:
    """Open the meeting (secretary, chair); everyone gets meeting:status. With `{confirm_date: false}`,
    a day other than the scheduled one answers 409 `date_far` (the console then asks, and sends `true`)."""
    return await ctx.intents.run(
        meeting_id,
        service.open_meeting,
        user=user,
        meeting_id=meeting_id,
        confirm_date=body.confirm_date if body is not None else None,
    )


@router.post("/api/meetings/{meeting_id}/close", response_model=MeetingPublic)
async def close_meeting(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """Close the meeting for good (secretary, chair); it becomes read-only."""
    return await ctx.intents.run(meeting_id, service.close_meeting, user=user, meeting_id=meeting_id)


@router.get("/api/meetings/{meeting_id}/screen", response_model=ScreenPublic)
def get_screen(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> ScreenPublic:
    """What the hall screen shows now: its mode, and whether members' shared ink reaches it."""
    with ctx.db.read() as session:
        return service.get_screen(session, user, meeting_id)


@router.put("/api/meetings/{meeting_id}/screen", response_model=ScreenPublic)
async def set_screen(meeting_id: Id, body: ScreenUpdate, user: CurrentUser, ctx: Ctx) -> ScreenPublic:
    """Choose the hall screen's mode (page, agenda, blank, result, closing) and whether members'
    shared ink reaches it (secretary, chair); everyone gets screen:changed. Kept across reloads."""
    return await ctx.intents.run(meeting_id, service.set_screen, user=user, meeting_id=meeting_id, data=body)


@router.put("/api/meetings/{meeting_id}/attendance/{user_id}", response_model=AttendanceEntry)
async def set_attendance(
    meeting_id: Id, user_id: Id, body: AttendanceIn, user: CurrentUser, ctx: Ctx
) -> AttendanceEntry:
    """Record a participant present, online or absent (secretary, chair); everyone gets attendance:changed."""
    return await ctx.intents.run(
        meeting_id, service.set_attendance, user=user, meeting_id=meeting_id, user_id=user_id, data=body
    )


@router.patch("/api/meetings/{meeting_id}/quorum", response_model=MeetingPublic)
async def set_quorum(meeting_id: Id, body: QuorumIn, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """Set the share of voting participants that must attend (secretary, chair); default 2/3."""
    return await ctx.intents.run(meeting_id, service.set_quorum, user=user, meeting_id=meeting_id, data=body)


# ---- preparing a meeting -------------------------------------------------------


@router.patch("/api/meetings/{meeting_id}", response_model=MeetingPublic)
async def update_meeting(meeting_id: Id, body: MeetingUpdate, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """Change title, time, place, body, chair, secretary, `confidential` or invitees (secretary, chair);
    not once closed."""
    return await ctx.intents.run(meeting_id, preparation.update_meeting, user=user, meeting_id=meeting_id, data=body)


@router.post("/api/meetings/{meeting_id}/publish", response_model=MeetingPublic)
async def publish_meeting(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """Publish a draft (secretary, chair): its invitees see it and may answer."""
    return await ctx.intents.run(meeting_id, preparation.publish_meeting, user=user, meeting_id=meeting_id)


@router.post("/api/meetings/{meeting_id}/copy", response_model=MeetingPublic, status_code=status.HTTP_201_CREATED)
async def copy_meeting(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """A new draft with this meeting's body, place, invitees, confidentiality and agenda titles (secretary, chair)."""
    return await ctx.intents.run(None, preparation.copy_meeting, user=user, meeting_id=meeting_id)


@router.put("/api/meetings/{meeting_id}/agenda/order", response_model=list[AgendaItemPublic])
async def reorder_agenda(
    meeting_id: Id, user: CurrentUser, ctx: Ctx, order: Annotated[list[Id], Body(max_length=1000)]
) -> list[AgendaItemPublic]:
    """Put the agenda in this order: every item's id exactly once (secretary, chair)."""
    return await ctx.intents.run(meeting_id, preparation.reorder_agenda, user=user, meeting_id=meeting_id, order=order)


@router.put("/api/meetings/{meeting_id}/rsvp", response_model=MeetingPublic)
async def answer_invitation(meeting_id: Id, body: RsvpIn, user: CurrentUser, ctx: Ctx) -> MeetingPublic:
    """An invitee answers: attending, or absent with a reason (recorded as their attendance)."""
    return await ctx.intents.run(meeting_id, preparation.answer_invitation, user=user, meeting_id=meeting_id, data=body)


@router.post("/api/meetings/{meeting_id}/seen", status_code=status.HTTP_204_NO_CONTENT)
async def mark_seen(meeting_id: Id, user: CurrentUser, ctx: Ctx) -> Response:
    """The caller opened the meeting: it is no longer "new" in their list."""
    await ctx.intents.run(meeting_id, preparation.mark_seen, user=user, meeting_id=meeting_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/meetings/{meeting_id}/invitation.ics", response_class=Response)
def invitation(meeting_id: Id, request: Request, user: CurrentUser, ctx: Ctx) -> Response:
    """The invitation as an iCalendar file (RFC 5545, Asia/Ho_Chi_Minh)."""
    with ctx.db.read() as session:
        meeting = service.get_meeting(session, user, meeting_id)
    url = str(request.url_for("tablet_page", meeting_id=meeting_id))
    content = invitation_ics(meeting, host=request.url.hostname or "meeting-server", url=url, now=utcnow())
    return Response(
        content,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"',
            **content_cache_headers(meeting.confidential),
        },
    )
