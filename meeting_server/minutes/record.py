"""The minutes as data (`minutes.json`) and as a PDF, built from what the server knows.

`minutes_record(session, meeting_id)` gathers one dict: the meeting and its
times, the header, chair and secretary, attendance with its counts, and per
agenda item the documents, the secretary's discussion and conclusion and
every closed vote with its rule and full result. That dict is the minutes'
content: GET /minutes shows it, the PDF prints it (`document_from_record`),
and at finalize its canonical JSON (`archive.canonical`) is hashed and
frozen, so for final minutes `minutes_record` returns exactly what was
hashed, whatever changes later (a renamed user, say).

Only JSON strings, integers, booleans and null: the same record hashes the
same in any language. Times are ISO 8601 (UTC, as the server stores them).

    {"format": "meeting-minutes/1", "status": "draft"|"final", "finalized_at": str|null,
     "meeting": {"id", "title", "starts_at", "location", "opened_at", "closed_at"},
     "header": {"issuer_parent", "issuer_name", "issuer_number", "locality", "subject", "date", "timezone"},
     "chair": {"user_id", "name", "position"}|null, "secretary": (the same)|null,
     "attendance": {"members", "present", "online", "absent", "excused", "guests",
                    "body": {"id", "name", "members"},   # only for a meeting of a body
                    "people": [{"user_id", "name", "role", "voting", "status", "reason", "position"}]},
     "items": [{"agenda_item_id", "position", "title", "discussion", "conclusion",
                "documents": [{"id", "title", "pages", "sha256"}], "votes": [vote]}],
     "other_votes": [vote]}          # closed votes under no agenda item
    vote = {"id", "title", "secret", "rule", "eligible", "cast", "passed", "opened_at", "closed_at",
            "members",                                   # only in a meeting of a body: the rule's base
            "results": [{"option", "label", "count"}],      # in the vote's option order
            "quorum": {"required", "present", "met", "overridden"}|null}

Attendance: a participant never checked in is absent (without a reason);
guests (non-voting) are listed but not counted. Nothing of a secret ballot
but its totals is in it. In a meeting of a body, `attendance.body.members` is
the body's whole membership (frozen when the meeting opened), invited or not:
the minutes print "Tổng số ủy viên: 9, có mặt 6"; each person carries their
position in the body, and the body's members come first, in its order.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from meeting_server.auth.models import Role, User
from meeting_server.bodies import service as bodies
from meeting_server.bodies.models import Body
from meeting_server.config import Settings
from meeting_server.documents.models import Document
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import NotFound
from meeting_server.meetings import attendance
from meeting_server.meetings.models import AgendaItem, AttendanceStatus, Meeting, Participant
from meeting_server.minutes.document import (
    AgendaEntry,
    Attendee,
    DocumentRef,
    Issuer,
    MinutesDocument,
    OptionCount,
    Person,
    VoteQuorum,
    VoteRecord,
    option_label,
)
from meeting_server.minutes.models import LINE_MAX, Minutes, MinutesItem, MinutesStatus, clean_line
from meeting_server.minutes.pdf import render_minutes_pdf
from meeting_server.timeutil import iso
from meeting_server.votes.models import Vote, VoteStatus
from meeting_server.votes.rules import VoteRule

FORMAT = "meeting-minutes/1"
VIETNAM_ZONE = "Asia/Ho_Chi_Minh"
# Printed where a signer is not chosen yet: the dotted line of a paper form.
NOBODY = "……"
OTHER_VOTES_TITLE = "Các nội dung biểu quyết khác"


def minutes_record(session: Session, meeting_id: int, settings: Settings | None = None) -> dict:
    """The meeting's minutes as data: for final minutes the frozen record whose
    canonical JSON SHA-256 was recorded at finalize, for a draft the record as
    it stands now. `settings` give the header's defaults (MEETING_MINUTES_*).
    NotFound for no such meeting; permissions are the caller's business."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("No such meeting.")
    minutes = session.get(Minutes, meeting_id)
    if minutes is not None and minutes.status == MinutesStatus.final and minutes.record_json is not None:
        return json.loads(minutes.record_json)
    return build_record(session, meeting, minutes, settings)


def minutes_pdf_bytes(session: Session, store: BlobStore, meeting_id: int, settings: Settings | None = None) -> bytes:
    """The minutes PDF: for final minutes the stored file, byte for byte the one
    whose SHA-256 was recorded; for a draft, rendered now from the current
    record (about 50 ms: call this from a worker thread, never the event loop)."""
    stored = final_pdf_path(session, store, meeting_id)
    if stored is not None:
        return stored.read_bytes()
    return render_pdf(minutes_record(session, meeting_id, settings))


def final_pdf_path(session: Session, store: BlobStore, meeting_id: int) -> Path | None:
    """Where the final minutes' PDF is kept (content-addressed by its SHA-256), or None for a draft."""
    minutes = session.get(Minutes, meeting_id)
    if minutes is None or minutes.status != MinutesStatus.final or minutes.pdf_sha256 is None:
        return None
    return store.path(minutes.pdf_sha256)


def render_pdf(record: dict, fingerprint: str = "") -> bytes:
    """The record printed. Final minutes carry their SHA-256 as `fingerprint`."""
    return render_minutes_pdf(document_from_record(record, fingerprint))


# ---- building the record ------------------------------------------------------------


def build_record(
    session: Session,
    meeting: Meeting,
    minutes: Minutes | None,
    settings: Settings | None = None,
    *,
    status: MinutesStatus = MinutesStatus.draft,
    finalized_at: datetime | None = None,
) -> dict:
    minutes = minutes or Minutes(meeting_id=meeting.id)
    people = _people(session, meeting)
    zone = zone_for(meeting.starts_at)
    return {
        "format": FORMAT,
        "status": status.value,
        "finalized_at": iso(finalized_at),
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "location": meeting.location,
            "opened_at": iso(meeting.opened_at),
            "closed_at": iso(meeting.closed_at),
        },
        "header": printed_header(meeting, minutes, settings, zone),
        "chair": _signer(people, minutes.chair_id, minutes.chair_position, Role.chair, meeting.created_by),
        "secretary": _signer(
            people, minutes.secretary_id, minutes.secretary_position, Role.secretary, meeting.created_by
        ),
        "attendance": _attendance(people, _body(session, meeting)),
        **_items_and_votes(session, meeting.id),
    }


def printed_header(meeting: Meeting, minutes: Minutes, settings: Settings | None, zone: str) -> dict:
    """The header as it prints: what the secretary set, else the server's
    settings (MEETING_MINUTES_ISSUER, …), else what the meeting itself says."""
    issuer_name = minutes.issuer_name or _setting(settings, "minutes_issuer") or clean_line(meeting.title)[:LINE_MAX]
    return {
        "issuer_parent": minutes.issuer_parent or _setting(settings, "minutes_issuer_parent"),
        "issuer_name": issuer_name,
        "issuer_number": minutes.issuer_number,
        "locality": minutes.locality
        or _setting(settings, "minutes_locality")
        or clean_line(meeting.location)[:LINE_MAX]
        or issuer_name,
        "subject": minutes.subject or default_subject(meeting.title),
        "date": _meeting_day(meeting, zone).isoformat(),
        "timezone": zone,
    }


def _setting(settings: Settings | None, name: str) -> str:
    return clean_line(getattr(settings, name, "") or "")[:LINE_MAX] if settings else ""


def default_subject(title: str) -> str:
    """What reads after "BIÊN BẢN": the meeting's title, its first letter made
    small ("Hội nghị Chi bộ…" -> "hội nghị Chi bộ…"), unless it starts with an
    abbreviation ("UBND phường…")."""
    title = title.strip()
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def zone_for(starts_at: str) -> str:
    """The time zone the minutes print times in, from the meeting's own UTC offset:
    +07:00 is Vietnam; another whole-hour offset a fixed Etc/GMT zone; else UTC."""
    try:
        offset = datetime.fromisoformat(starts_at).utcoffset()
    except ValueError:
        offset = None
    if offset is None or offset == timedelta(hours=7):
        return VIETNAM_ZONE
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or not -12 <= hours <= 14:
        return "UTC"
    # POSIX sign convention: Etc/GMT-7 is UTC+7.
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _meeting_day(meeting: Meeting, zone: str) -> date:
    when = meeting.opened_at or datetime.fromisoformat(meeting.starts_at)
    return when.astimezone(ZoneInfo(zone)).date()


def _people(session: Session, meeting: Meeting) -> list[dict]:
    """Every participant with how they attended, by name (a body's members
    first, in its order, with their position in it). The attendance
    record is attendance.entries' (the one owner of that question); the
    minutes add one rule of their own: never recorded means absent, with no
    reason given."""
    meeting_id = meeting.id
    positions = bodies.positions(session, meeting.body_id) if meeting.body_id is not None else {}
    order = bodies.ranks(session, meeting.body_id) if meeting.body_id is not None else {}
    listed = {e.user_id: e for e in attendance.entries(session, meeting_id)}
    rows = session.exec(
        select(Participant, User)
        .join(User, col(User.id) == col(Participant.user_id))
        .where(Participant.meeting_id == meeting_id)
    ).all()
    people = []
    for participant, user in rows:
        recorded = listed[user.id]
        status = recorded.status or AttendanceStatus.absent
        people.append(
            {
                "user_id": user.id,
                "name": user.full_name,
                "role": user.role.value,
                "voting": participant.voting,
                "status": status.value,
                "reason": recorded.reason if status == AttendanceStatus.absent else "",
                "position": positions.get(user.id, ""),
            }
        )
    return sorted(people, key=lambda p: (order.get(p["user_id"], len(order)), p["name"].casefold(), p["user_id"]))


def _body(session: Session, meeting: Meeting) -> dict | None:
    """The body that met, with its whole membership (attendance.member_base: frozen at opening)."""
    if meeting.body_id is None:
        return None
    body = session.get(Body, meeting.body_id)
    members = attendance.member_base(session, meeting)
    if body is None or members is None:
        return None
    return {"id": body.id, "name": body.name, "members": members}


def _signer(people: list[dict], chosen: int | None, position: str, role: Role, creator: int | None) -> dict | None:
    """The chosen participant; else the meeting's creator if they have the role;
    else the first participant with it (by user id); else nobody yet."""
    by_id = {p["user_id"]: p for p in people}
    person = by_id.get(chosen) if chosen is not None else None
    if person is None:
        holders = sorted((p for p in people if p["role"] == role.value), key=lambda p: p["user_id"])
        person = by_id.get(creator) if creator in {p["user_id"] for p in holders} else (holders[0] if holders else None)
    if person is None:
        return None
    return {"user_id": person["user_id"], "name": person["name"], "position": position}


def _attendance(people: list[dict], body: dict | None = None) -> dict:
    members = [p for p in people if p["voting"]]
    absent = [p for p in members if p["status"] == AttendanceStatus.absent.value]
    counted: dict[str, object] = {
        "members": len(members),
        "present": sum(1 for p in members if p["status"] == AttendanceStatus.present.value),
        "online": sum(1 for p in members if p["status"] == AttendanceStatus.online.value),
        "absent": len(absent),
        "excused": sum(1 for p in absent if p["reason"]),
        "guests": sum(1 for p in people if not p["voting"] and p["status"] != AttendanceStatus.absent.value),
    }
    if body is not None:
        counted["body"] = body
    return {**counted, "people": people}


def _items_and_votes(session: Session, meeting_id: int) -> dict:
    items = session.exec(
        select(AgendaItem).where(col(AgendaItem.meeting_id) == meeting_id).order_by(col(AgendaItem.position))
    ).all()
    ids = [item.id for item in items]
    texts = {
        row.agenda_item_id: row for row in session.exec(select(MinutesItem).where(MinutesItem.meeting_id == meeting_id))
    }
    documents: dict[int, list[dict]] = {item_id: [] for item_id in ids}
    if ids:
        for doc in session.exec(
            select(Document).where(col(Document.agenda_item_id).in_(ids)).order_by(col(Document.id))
        ):
            documents[doc.agenda_item_id].append(
                {"id": doc.id, "title": doc.title, "pages": doc.page_count, "sha256": doc.sha256}
            )
    votes: dict[int | None, list[dict]] = {}
    closed = session.exec(
        select(Vote)
        .where(Vote.meeting_id == meeting_id, Vote.status == VoteStatus.closed)
        .order_by(col(Vote.closed_at), col(Vote.id))
    )
    for vote in closed:
        votes.setdefault(vote.agenda_item_id, []).append(vote_entry(vote))
    return {
        "items": [
            {
                "agenda_item_id": item.id,
                "position": item.position,
                "title": item.title,
                "discussion": texts[item.id].discussion if item.id in texts else "",
                "conclusion": texts[item.id].conclusion if item.id in texts else "",
                "documents": documents[item.id],
                "votes": votes.get(item.id, []),
            }
            for item in items
        ],
        "other_votes": votes.get(None, []),
    }


def vote_entry(vote: Vote) -> dict:
    """A closed vote as the minutes record it: totals only, never who chose what."""
    options = vote.options
    tally = vote.tally or {}
    result = vote.result or {}
    quorum = None
    if vote.quorum_required is not None:
        quorum = {
            "required": vote.quorum_required,
            "present": vote.quorum_present,
            "met": bool(vote.quorum_met),
            "overridden": bool(vote.quorum_overridden),
        }
    entry = {
        "id": vote.id,
        "title": vote.title,
        "secret": vote.secret,
        "rule": VoteRule(vote.rule).value,
        "eligible": vote.eligible or 0,
        "cast": int(result.get("cast", sum(tally.values()))),
        "passed": bool(result.get("passed", False)),
        "results": [{"option": o, "label": option_label(o), "count": int(tally.get(o, 0))} for o in options],
        "quorum": quorum,
        "opened_at": iso(vote.opened_at),
        "closed_at": iso(vote.closed_at),
    }
    if result.get("members") is not None:
        # A meeting of a body: the base the rule counted, the body's whole membership.
        entry["members"] = int(result["members"])
    return entry


# ---- printing the record -----------------------------------------------------------------


def document_from_record(record: dict, fingerprint: str = "") -> MinutesDocument:
    """The MinutesDocument that prints this record (minutes/pdf.py)."""
    meeting, head = record["meeting"], record["header"]
    opened = meeting["opened_at"] or meeting["starts_at"]
    items = [
        AgendaEntry(
            title=item["title"],
            documents=[DocumentRef(title=d["title"], pages=d["pages"] or None) for d in item["documents"]],
            discussion=item["discussion"],
            conclusion=item["conclusion"],
            votes=[_vote_record(v) for v in item["votes"]],
        )
        for item in record["items"]
    ]
    if record["other_votes"]:
        items.append(AgendaEntry(title=OTHER_VOTES_TITLE, votes=[_vote_record(v) for v in record["other_votes"]]))
    return MinutesDocument(
        status=record["status"],
        issuer=Issuer(parent=head["issuer_parent"], name=head["issuer_name"], number=head["issuer_number"]),
        locality=head["locality"],
        date=date.fromisoformat(head["date"]),
        title=head["subject"],
        location=meeting["location"],
        opened_at=datetime.fromisoformat(opened),
        closed_at=datetime.fromisoformat(meeting["closed_at"]) if meeting["closed_at"] else None,
        timezone=head["timezone"],
        chair=_person(record["chair"]),
        secretary=_person(record["secretary"]),
        attendees=[
            Attendee(
                name=p["name"],
                position=p.get("position", ""),
                voting=p["voting"],
                status=p["status"],
                reason=p["reason"],
            )
            for p in record["attendance"]["people"]
        ],
        body_members=(record["attendance"].get("body") or {}).get("members"),
        items=items,
        fingerprint=fingerprint,
    )


def _person(signer: dict | None) -> Person:
    if signer is None:
        return Person(name=NOBODY)
    return Person(name=signer["name"], position=signer["position"])


def _vote_record(vote: dict) -> VoteRecord:
    quorum = vote["quorum"]
    return VoteRecord(
        title=vote["title"],
        rule=vote["rule"],
        secret=vote["secret"],
        eligible=vote["eligible"],
        members=vote.get("members"),
        cast=vote["cast"],
        results=[OptionCount(label=r["label"], count=r["count"]) for r in vote["results"]],
        passed=vote["passed"],
        quorum=VoteQuorum(**quorum) if quorum else None,
    )
