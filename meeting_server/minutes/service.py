"""Minutes intents: read, save one item, save the whole document, finalize, confirm.

Who may: everyone who sees the meeting reads the minutes (members follow the
draft as it is written; archivists read them once the meeting is closed).
The meeting's controllers (its secretary and chair, and admins) write them
while the meeting is not closed — a closed meeting refuses with
`meeting_closed` — and finalize them once it is closed, so its closing time
is in the record. Final minutes refuse every edit with `conflict`. The chair
and the secretary named in the minutes then each confirm them.

A save names the version it started from; a stale one is refused with
`conflict`, changing nothing, and the error carries the server's current
text (`current`), so the console can show both and let the secretary merge.
The same text sent again (a resend after a lost answer) is not a conflict.

Every write locks the meeting row first — the lock `Tx.notify_after_commit` and
`archive.audit.record` take as well — so versions never interleave, across
server nodes too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from meeting_server.archive import audit
from meeting_server.archive.canonical import canonical_json, sha256_hex
from meeting_server.auth.models import User, UserPublic
from meeting_server.config import Settings
from meeting_server.errors import Conflict, Forbidden, Invalid, NotFound
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.access import can_control, ensure_not_closed, visible_meeting
from meeting_server.meetings.models import AgendaItem, Meeting, MeetingStatus, Participant
from meeting_server.minutes.events import MinutesChanged
from meeting_server.minutes.models import (
    Confirmation,
    FinalizeResult,
    HeaderIn,
    HeaderPublic,
    ItemSaveIn,
    ItemSaveResult,
    ItemTextIn,
    Minutes,
    MinutesConfirmation,
    MinutesItem,
    MinutesItemPublic,
    MinutesPublic,
    MinutesStatus,
    MinutesUpdate,
    Signer,
    SignerRole,
)
from meeting_server.minutes.record import build_record, printed_header
from meeting_server.search.index import index_minutes
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import iso, utcnow

SEARCH_TITLE = "Biên bản {title}"


class MinutesConflict(Conflict):
    """A stale save: the error body also carries what the server has now."""

    def __init__(self, message: str, current: dict):
        super().__init__(message)
        self.current = current

    def body(self, lang: str | None = None) -> dict:
        return {**super().body(lang), "current": self.current}


# ---- reading ------------------------------------------------------------------------


def get_minutes(session: Session, user: UserPublic, meeting_id: int, settings: Settings | None = None) -> MinutesPublic:
    meeting = visible_meeting(session, user, meeting_id)
    return describe(session, user, meeting, session.get(Minutes, meeting.id), settings)


def describe(
    session: Session, user: UserPublic, meeting: Meeting, minutes: Minutes | None, settings: Settings | None
) -> MinutesPublic:
    """The minutes as the caller sees them: the record (frozen once final) plus
    what editing needs (versions) and what the caller may do."""
    row = minutes or Minutes(meeting_id=meeting.id)
    final = row.status == MinutesStatus.final
    record = (
        json.loads(row.record_json) if final and row.record_json else build_record(session, meeting, minutes, settings)
    )
    controls = can_control(session, user, meeting)
    closed = meeting.status == MeetingStatus.closed
    confirmations = _confirmations(session, meeting.id)
    confirmed = {c.role for c in confirmations}
    return MinutesPublic(
        meeting_id=meeting.id,
        status=row.status,
        version=row.version,
        sha256=row.sha256,
        pdf_sha256=row.pdf_sha256,
        finalized_at=iso(row.finalized_at),
        finalized_by=row.finalized_by,
        updated_at=iso(row.updated_at),
        updated_by=row.updated_by,
        meeting={**record["meeting"], "status": meeting.status.value},
        header=HeaderPublic(
            **record["header"],
            chair_id=row.chair_id,
            chair_position=row.chair_position,
            secretary_id=row.secretary_id,
            secretary_position=row.secretary_position,
        ),
        chair=Signer(**record["chair"]) if record["chair"] else None,
        secretary=Signer(**record["secretary"]) if record["secretary"] else None,
        attendance=record["attendance"],
        items=_items_out(session, meeting.id, record["items"]),
        other_votes=record["other_votes"],
        confirmations=confirmations,
        can_edit=controls and not final and not closed,
        can_finalize=controls and not final and closed,
        can_confirm=[role for role in _roles_of(record, user.id) if role not in confirmed] if final else [],
    )


def _items_out(session: Session, meeting_id: int, items: list[dict]) -> list[MinutesItemPublic]:
    rows = {r.agenda_item_id: r for r in session.exec(select(MinutesItem).where(MinutesItem.meeting_id == meeting_id))}
    return [_item_out(item, rows.get(item["agenda_item_id"])) for item in items]


def _item_out(item: dict, row: MinutesItem | None) -> MinutesItemPublic:
    return MinutesItemPublic(
        **item,
        version=row.version if row else 0,
        updated_at=iso(row.updated_at) if row else None,
        updated_by=row.updated_by if row else None,
    )


def _confirmations(session: Session, meeting_id: int) -> list[Confirmation]:
    rows = session.exec(
        select(MinutesConfirmation, User)
        .join(User, col(User.id) == col(MinutesConfirmation.user_id))
        .where(MinutesConfirmation.meeting_id == meeting_id)
        .order_by(col(MinutesConfirmation.at))
    )
    return [Confirmation(role=c.role, user_id=u.id, full_name=u.full_name, at=iso(c.at)) for c, u in rows]


def _roles_of(record: dict, user_id: int) -> list[SignerRole]:
    return [role for role in SignerRole if (record[role.value] or {}).get("user_id") == user_id]


# ---- writing ------------------------------------------------------------------------


def save_item(tx: Tx, user: UserPublic, meeting_id: int, agenda_item_id: int, body: ItemSaveIn) -> ItemSaveResult:
    """One item's discussion and conclusion, against the item's version."""
    session = tx.session
    meeting, minutes = _writable(session, user, meeting_id)
    item = session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFound("No such agenda item in this meeting.")
    row = session.get(MinutesItem, item.id)
    current = row or MinutesItem(agenda_item_id=item.id, meeting_id=meeting.id)
    wanted = _texts(current, body)
    if body.base_version != current.version:
        if wanted == (current.discussion, current.conclusion):
            return ItemSaveResult(minutes_version=minutes.version, item=_item_view(session, meeting, item.id, row))
        raise MinutesConflict(
            "Someone else changed this item meanwhile: compare the two texts and keep what should stay.",
            {
                "minutes_version": minutes.version,
                "item": _item_view(session, meeting, item.id, row).model_dump(mode="json"),
            },
        )
    if _write_item(session, user, current, wanted):
        _touch(session, user, minutes)
        _reindex(session, meeting)
        tx.notify_after_commit(
            MinutesChanged(
                meeting_id=meeting.id,
                version=minutes.version,
                status=minutes.status,
                agenda_item_id=item.id,
                item_version=current.version,
            )
        )
        row = current
    return ItemSaveResult(minutes_version=minutes.version, item=_item_view(session, meeting, item.id, row))


def put_minutes(
    tx: Tx, user: UserPublic, meeting_id: int, body: MinutesUpdate, settings: Settings | None = None
) -> MinutesPublic:
    """The whole document (header and any items) against the minutes' version."""
    session = tx.session
    meeting, minutes = _writable(session, user, meeting_id)
    if body.version != minutes.version:
        raise MinutesConflict(
            "The minutes changed meanwhile: load them again and reapply your changes.",
            describe(session, user, meeting, minutes, settings).model_dump(mode="json"),
        )
    changed_items = []
    items = {i.id: i for i in session.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id))}
    for given in body.items or []:
        if given.agenda_item_id not in items:
            raise Invalid("Agenda item {id} is not on this meeting's agenda.", params={"id": given.agenda_item_id})
        row = session.get(MinutesItem, given.agenda_item_id) or MinutesItem(
            agenda_item_id=given.agenda_item_id, meeting_id=meeting.id
        )
        if _write_item(session, user, row, _texts(row, given)):
            changed_items.append(row)
    header_changed = _write_header(session, meeting, minutes, body.header, settings) if body.header else False
    if changed_items or header_changed:
        _touch(session, user, minutes)
        if changed_items:
            _reindex(session, meeting)
        one = changed_items[0] if len(changed_items) == 1 and not header_changed else None
        tx.notify_after_commit(
            MinutesChanged(
                meeting_id=meeting.id,
                version=minutes.version,
                status=minutes.status,
                agenda_item_id=one.agenda_item_id if one else None,
                item_version=one.version if one else None,
            )
        )
    return describe(session, user, meeting, minutes, settings)


def _writable(session: Session, user: UserPublic, meeting_id: int) -> tuple[Meeting, Minutes]:
    """The meeting locked for writing and its minutes row (made on first write)."""
    meeting = _locked_meeting(session, user, meeting_id)
    if not can_control(session, user, meeting):
        raise Forbidden("Only the meeting's secretary or chair may write the minutes.")
    minutes = _minutes_row(session, meeting.id)
    if minutes.status == MinutesStatus.final:
        raise Conflict("The minutes are final: they can no longer change.")
    ensure_not_closed(meeting)
    return meeting, minutes


def _locked_meeting(session: Session, user: UserPublic, meeting_id: int) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.id == meeting_id).with_for_update()).first()
    if meeting is None:
        raise NotFound("No such meeting.")
    return visible_meeting(session, user, meeting.id)


def _minutes_row(session: Session, meeting_id: int) -> Minutes:
    minutes = session.get(Minutes, meeting_id)
    if minutes is None:
        minutes = Minutes(meeting_id=meeting_id)
        session.add(minutes)
        session.flush()
    return minutes


def _texts(current: MinutesItem, given: ItemTextIn) -> tuple[str, str]:
    return (
        current.discussion if given.discussion is None else given.discussion,
        current.conclusion if given.conclusion is None else given.conclusion,
    )


def _write_item(session: Session, user: UserPublic, row: MinutesItem, texts: tuple[str, str]) -> bool:
    if texts == (row.discussion, row.conclusion):
        return False
    row.discussion, row.conclusion = texts
    row.version += 1
    row.updated_at = utcnow()
    row.updated_by = user.id
    session.add(row)
    session.flush()
    return True


def _write_header(
    session: Session, meeting: Meeting, minutes: Minutes, header: HeaderIn, settings: Settings | None
) -> bool:
    given = header.model_fields_set
    for field in ("chair_id", "secretary_id"):
        user_id = getattr(header, field)
        if field in given and user_id is not None and session.get(Participant, (meeting.id, user_id)) is None:
            raise Invalid(
                "{field}: user {id} is not a participant of this meeting.", params={"field": field, "id": user_id}
            )
    # What prints now: a value sent back as GET showed it keeps its default, and is no change.
    shown = printed_header(session, meeting, minutes, settings, site_settings.zone(session))
    changed = False
    for field in given:
        value = getattr(header, field)
        if value is None and field not in ("chair_id", "secretary_id"):
            raise Invalid("{field} cannot be null; send an empty string for the default.", params={"field": field})
        if getattr(minutes, field) == "" and shown.get(field) == value:
            continue
        if getattr(minutes, field) != value:
            setattr(minutes, field, value)
            changed = True
    return changed


def _touch(session: Session, user: UserPublic, minutes: Minutes) -> None:
    minutes.version += 1
    minutes.updated_at = utcnow()
    minutes.updated_by = user.id
    session.add(minutes)
    session.flush()


def _item_view(session: Session, meeting: Meeting, item_id: int, row: MinutesItem | None) -> MinutesItemPublic:
    record = build_record(session, meeting, session.get(Minutes, meeting.id))
    item = next(i for i in record["items"] if i["agenda_item_id"] == item_id)
    return _item_out(item, row)


def _reindex(session: Session, meeting: Meeting, record: dict | None = None) -> None:
    """The search entry of the minutes: every item's title, discussion and conclusion."""
    items = (
        record["items"]
        if record
        else [
            {
                "title": item.title,
                "discussion": text.discussion if text else "",
                "conclusion": text.conclusion if text else "",
            }
            for item, text in session.exec(
                select(AgendaItem, MinutesItem)
                .outerjoin(MinutesItem, col(MinutesItem.agenda_item_id) == col(AgendaItem.id))
                .where(AgendaItem.meeting_id == meeting.id)
                .order_by(col(AgendaItem.position))
            )
        ]
    )
    text = "\n".join(part for i in items for part in (i["title"], i["discussion"], i["conclusion"]) if part)
    index_minutes(session, meeting.id, SEARCH_TITLE.format(title=meeting.title), text)


# ---- finalizing ----------------------------------------------------------------------


@dataclass(frozen=True)
class FinalDraft:
    """The record finalize will freeze, prepared outside the write transaction
    so its PDF can be printed (in the print pool, seconds for a long meeting)
    without holding the meeting's lock."""

    meeting_id: int
    version: int
    finalized_at: datetime
    record: dict
    canonical: bytes
    sha256: str


def prepare_final(session: Session, user: UserPublic, meeting_id: int, settings: Settings | None = None) -> FinalDraft:
    meeting = visible_meeting(session, user, meeting_id)
    minutes = session.get(Minutes, meeting.id) or Minutes(meeting_id=meeting.id)
    _check_finalizable(session, user, meeting, minutes)
    finalized_at = utcnow()
    record = build_record(session, meeting, minutes, settings, status=MinutesStatus.final, finalized_at=finalized_at)
    if record["chair"] is None or record["secretary"] is None:
        raise Conflict("Choose who chaired the meeting and who took the minutes before finalizing.")
    canonical = canonical_json(record)
    return FinalDraft(meeting.id, minutes.version, finalized_at, record, canonical, sha256_hex(canonical))


def finalize(
    tx: Tx, user: UserPublic, draft: FinalDraft, pdf_sha256: str, settings: Settings | None = None
) -> FinalizeResult:
    """Lock the minutes: store the frozen record and its SHA-256, the PDF's
    SHA-256 (the file is already in the blob store), and log it."""
    session = tx.session
    meeting = _locked_meeting(session, user, draft.meeting_id)
    minutes = _minutes_row(session, meeting.id)
    _check_finalizable(session, user, meeting, minutes)
    again = build_record(
        session, meeting, minutes, settings, status=MinutesStatus.final, finalized_at=draft.finalized_at
    )
    if minutes.version != draft.version or canonical_json(again) != draft.canonical:
        raise Conflict("The minutes changed while they were being finalized; finalize them again.")
    minutes.status = MinutesStatus.final
    minutes.finalized_at = draft.finalized_at
    minutes.finalized_by = user.id
    minutes.record_json = draft.canonical.decode("utf-8")
    minutes.sha256 = draft.sha256
    minutes.pdf_sha256 = pdf_sha256
    _touch(session, user, minutes)
    audit.record(
        session,
        meeting.id,
        user.id,
        "minutes.finalized",
        {"sha256": draft.sha256, "pdf_sha256": pdf_sha256, "version": minutes.version},
    )
    _reindex(session, meeting, draft.record)
    tx.notify_after_commit(MinutesChanged(meeting_id=meeting.id, version=minutes.version, status=minutes.status))
    return FinalizeResult(
        status=minutes.status,
        sha256=draft.sha256,
        pdf_sha256=pdf_sha256,
        version=minutes.version,
        finalized_at=iso(draft.finalized_at),
    )


def _check_finalizable(session: Session, user: UserPublic, meeting: Meeting, minutes: Minutes) -> None:
    if not can_control(session, user, meeting):
        raise Forbidden("Only the meeting's secretary or chair may finalize the minutes.")
    if minutes.status == MinutesStatus.final:
        raise Conflict("The minutes are already final.")
    if meeting.status != MeetingStatus.closed:
        raise Conflict("Close the meeting first: the minutes record when it ended.")


def confirm(tx: Tx, user: UserPublic, meeting_id: int, settings: Settings | None = None) -> MinutesPublic:
    """The chair or the secretary named in the final minutes confirms them; the
    time is the audit entry's. Someone who is both confirms both at once."""
    session = tx.session
    meeting = _locked_meeting(session, user, meeting_id)
    minutes = session.get(Minutes, meeting.id)
    if minutes is None or minutes.status != MinutesStatus.final or minutes.record_json is None:
        raise Conflict("The minutes are not final yet: finalize them first.")
    record = json.loads(minutes.record_json)
    roles = _roles_of(record, user.id)
    if not roles:
        raise Forbidden("Only the chair and the secretary named in the minutes confirm them.")
    done = {
        c.role for c in session.exec(select(MinutesConfirmation).where(MinutesConfirmation.meeting_id == meeting.id))
    }
    pending = [role for role in roles if role not in done]
    if not pending:
        raise Conflict("You have already confirmed these minutes.")
    for role in pending:
        entry = audit.record(
            session, meeting.id, user.id, "minutes.confirmed", {"role": role.value, "sha256": minutes.sha256}
        )
        session.add(MinutesConfirmation(meeting_id=meeting.id, role=role, user_id=user.id, at=entry.at))
    session.flush()
    tx.notify_after_commit(MinutesChanged(meeting_id=meeting.id, version=minutes.version, status=minutes.status))
    return describe(session, user, meeting, minutes, settings)


def item_has_text(session: Session, agenda_item_id: int) -> bool:
    """Whether the minutes hold text under this agenda item (it must then stay)."""
    row = session.get(MinutesItem, agenda_item_id)
    return row is not None and row.has_text
