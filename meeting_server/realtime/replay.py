"""Joining a meeting: the state snapshot and the events the client missed."""

from __future__ import annotations

import json

from pydantic import BaseModel
from sqlmodel import Session, col, select

from meeting_server.annotations.events import AnnotationPut
from meeting_server.annotations.service import taken_back
from meeting_server.auth.models import UserPublic
from meeting_server.eventlog.models import Event
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings import attendance
from meeting_server.meetings.access import is_participant, visible_meeting
from meeting_server.meetings.models import (
    AttendanceCounts,
    AttendanceEntry,
    Meeting,
    MeetingStatus,
    Presenter,
    QuorumFraction,
)
from meeting_server.meetings.presence import arrive, present_user_ids
from meeting_server.meetings.screen import ScreenPublic, screen_of, withheld_owners
from meeting_server.votes.service import open_votes as open_votes_for

# Past this many missed events a client is better served by a fresh state.
MAX_REPLAY = 1000
# One answer carries at most this many missed events, or this many bytes of
# them (the first event always goes, and annotation limits bound its size);
# `more: true` says to ask `meeting:replay` for the rest. A tablet back from a
# weekend of shared ink never gets one huge message.
REPLAY_PAGE_EVENTS = 200
REPLAY_PAGE_BYTES = 256 * 1024


class MissedEvent(BaseModel):
    event: str
    data: dict


class MeetingState(BaseModel):
    status: MeetingStatus
    presenter: Presenter | None
    present: list[int]
    open_votes: list[dict]
    # (added) What attendance:changed carries, so a client starts from it.
    attendance: list[AttendanceEntry]
    counts: AttendanceCounts
    quorum: QuorumFraction
    # (added) The hall screen's mode and shared-ink gate (meetings/screen.py).
    screen: ScreenPublic


class JoinResult(BaseModel):
    ok: bool = True
    seq: int
    state: MeetingState
    missed: list[MissedEvent] | None
    resync: bool = False
    # More missed events than one answer carries: ask meeting:replay for the
    # events after `until`, the last seq this answer looked at.
    more: bool = False
    until: int | None = None


class ReplayPage(BaseModel):
    ok: bool = True
    missed: list[MissedEvent] | None
    resync: bool = False
    more: bool = False
    until: int | None = None


def join(
    tx: Tx, user: UserPublic, meeting_id: int, since_seq: int | None, sid: str, node_id: str, watch: bool = False
) -> JoinResult:
    """Marks a participant present unless they only watch (emitting
    attendance:changed when that changes anything) and answers with the state and the events after `since_seq` that
    this user may see, oldest first."""
    meeting = visible_meeting(tx.session, user, meeting_id)
    if not watch and meeting.status != MeetingStatus.closed and is_participant(tx.session, meeting_id, user.id):
        arrive(tx, meeting_id, user.id, sid, node_id)
    tx.session.refresh(meeting)
    return JoinResult(
        seq=meeting.last_seq,
        state=snapshot(tx.session, meeting, user.id),
        **replay(tx.session, meeting, user.id, since_seq, watch=watch),
    )


def snapshot(session: Session, meeting: Meeting, user_id: int) -> MeetingState:
    presenter = None
    if meeting.presenter_document_id is not None:
        presenter = Presenter(document_id=meeting.presenter_document_id, page=meeting.presenter_page)
    listed = attendance.entries(session, meeting.id)
    return MeetingState(
        status=meeting.status,
        presenter=presenter,
        present=present_user_ids(session, meeting.id),
        # Each with `voted` for this user: their tablet shows the ballot or "voted".
        open_votes=open_votes_for(session, meeting.id, user_id),
        attendance=listed,
        counts=attendance.counts(session, meeting.id, listed),
        quorum=attendance.quorum_of(session, meeting.id),
        screen=screen_of(session, meeting.id),
    )


def replay(session: Session, meeting: Meeting, user_id: int, since_seq: int | None, watch: bool = False) -> dict:
    """The first page of the events after `since_seq` this user may see:
    `{missed, more}`, or `{missed: None, resync: True}` when a fresh state serves better.
    A hall screen (`watch`) gets only the meeting's own events, without withheld ink."""
    if since_seq is None or since_seq == meeting.last_seq:
        return {"missed": []}
    if since_seq > meeting.last_seq or meeting.last_seq - since_seq > MAX_REPLAY:
        # A seq from the future means the client knew another database: start over.
        return {"missed": None, "resync": True}
    rows = session.exec(
        select(Event.seq, Event.name, Event.payload)
        .where(
            Event.meeting_id == meeting.id,
            Event.seq > since_seq,
            col(Event.audience_user_id).is_(None)
            if watch
            else (col(Event.audience_user_id).is_(None)) | (col(Event.audience_user_id) == user_id),
        )
        .order_by(col(Event.seq))
        .limit(REPLAY_PAGE_EVENTS + 1)
    ).all()
    page: list[MissedEvent] = []
    size, until = 0, since_seq
    for seq, name, payload in rows[:REPLAY_PAGE_EVENTS]:
        size += len(payload)
        if page and size > REPLAY_PAGE_BYTES:
            break
        page.append(MissedEvent(event=name, data=json.loads(payload)))
        until = seq
    # `until`, not the last event's seq: the page may end in events left out below.
    more = len(page) < len(rows)
    missed = _without_taken_back(session, user_id, page)
    if watch:
        missed = _without_withheld(session, meeting.id, missed)
    return {"missed": missed, "more": more, "until": until}


def replay_page(session: Session, user: UserPublic, meeting_id: int, since_seq: int, watch: bool = False) -> ReplayPage:
    """The next page of a join's missed events (`meeting:replay`): the same
    rules as the join's own, read without the meeting's lock."""
    meeting = visible_meeting(session, user, meeting_id)
    return ReplayPage(**replay(session, meeting, user.id, since_seq, watch=watch))


def _without_withheld(session: Session, meeting_id: int, missed: list[MissedEvent]) -> list[MissedEvent]:
    """Leaves out, for a hall screen, the puts of shared ink whose owners the presenter holds back now."""
    owners = {m.data["annotation"]["owner_id"] for m in missed if m.event == AnnotationPut.name}
    held = withheld_owners(session, meeting_id, owners)
    return [m for m in missed if not (m.event == AnnotationPut.name and m.data["annotation"]["owner_id"] in held)]


def _without_taken_back(session: Session, user_id: int, missed: list[MissedEvent]) -> list[MissedEvent]:
    """Leaves out the puts of annotations the user may no longer see (made
    private by their owner, or deleted); the `annotation:deleted` that
    followed each still comes, so a client that had one drops it."""
    puts = {m.data["annotation"]["id"] for m in missed if m.event == AnnotationPut.name}
    hidden = taken_back(session, user_id, puts)
    return [m for m in missed if not (m.event == AnnotationPut.name and m.data["annotation"]["id"] in hidden)]
