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
same in any language. Times are ISO 8601 with the offset of the meeting's time zone
(the site setting, meeting_server/settings/: "2026-11-27T21:00:00+07:00"), so
what a person reads in minutes.json is the clock time the minutes print.

    {"format": "meeting-minutes/1", "status": "draft"|"final", "finalized_at": str|null,
     "meeting": {"id", "title", "starts_at", "location", "opened_at", "closed_at"},
     "header": {"issuer_parent", "issuer_name", "issuer_number", "locality", "subject", "date", "timezone"},
     "chair": {"user_id", "name", "position"}|null, "secretary": (the same)|null,
     "attendance": {"members", "present", "online", "absent", "excused", "guests",
                    "body": {"id", "name", "members"},   # only for a meeting of a body
                    "people": [{"user_id", "name", "role", "voting", "status", "reason", "position",
                                "arrived_at"?, "left_at"?}]},   # a late arrival, an early departure
     "items": [{"agenda_item_id", "position", "title", "discussion", "conclusion",
                "documents": [{"id", "title", "pages", "sha256"}], "votes": [vote]}],
     "other_votes": [vote]}          # closed votes under no agenda item
    vote = {"id", "title", "secret", "rule", "eligible", "cast", "passed", "opened_at", "closed_at",
            "members",                                   # only in a meeting of a body: the rule's base
            "results": [{"option", "label", "count"}],      # in the vote's option order
            "quorum": {"required", "present", "met", "overridden",
                       "overridden_by": {"user_id", "name", "role"}|null}|null,   # who opened it without quorum
            "attending",                                 # voting participants attending when it opened
            "ballots": [{"user_id", "name", "choice", "label", "recorded_by": {"user_id", "name", "role"}|null}],
                                                         # named votes only: who chose what
            "paper": [{"option", "label", "count"}]|null, # secret votes: paper ballots counted, part of results
            "paper_counted_by": {"user_id", "name", "role"}|null}  # with `paper`: who recorded the count

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

from sqlmodel import Session, col, select

from meeting_server.archive.models import AuditEntry
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
    Actor,
    AgendaEntry,
    Attendee,
    BallotLine,
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
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import held_day, iso, local_iso
from meeting_server.votes.models import Vote, VoteStatus
from meeting_server.votes.rules import VoteRule
from meeting_server.votes.service import broadcast

FORMAT = "meeting-minutes/1"
# Checked in later than this after the meeting opened: a late arrival, printed with its time.
LATE_AFTER = timedelta(minutes=10)
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
    zone = site_settings.zone(session)
    people = _people(session, meeting, zone)
    return {
        "format": FORMAT,
        "status": status.value,
        "finalized_at": iso(finalized_at),
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "location": meeting.location,
            "opened_at": local_iso(meeting.opened_at, zone),
            "closed_at": local_iso(meeting.closed_at, zone),
        },
        "header": printed_header(session, meeting, minutes, settings, zone),
        "chair": _signer(people, minutes.chair_id, minutes.chair_position, Role.chair, meeting.created_by),
        "secretary": _signer(
            people, minutes.secretary_id, minutes.secretary_position, Role.secretary, meeting.created_by
        ),
        "attendance": _attendance(people, _body(session, meeting)),
        **_items_and_votes(session, meeting.id, zone),
    }


def printed_header(session: Session, meeting: Meeting, minutes: Minutes, settings: Settings | None, zone: str) -> dict:
    """The header as it prints: what the secretary set; else the issuing body is
    the meeting's body, else the site setting (/admin/settings, then
    MEETING_MINUTES_ISSUER); the place-name (địa danh) is the site setting.
    Never the meeting's title or its room: where nothing is set, the dotted
    line of a paper form ("……") says it is still to be filled in."""
    site = site_settings.current(session, settings)
    body = session.get(Body, meeting.body_id) if meeting.body_id is not None else None
    body_name = clean_line(body.name)[:LINE_MAX] if body is not None else ""
    return {
        "issuer_parent": minutes.issuer_parent or site.issuer_parent,
        "issuer_name": minutes.issuer_name or body_name or site.issuer_name or NOBODY,
        "issuer_number": minutes.issuer_number,
        "locality": minutes.locality or site.locality or NOBODY,
        "subject": minutes.subject or default_subject(meeting.title),
        "date": _meeting_day(meeting, zone).isoformat(),
        "timezone": zone,
    }


def default_subject(title: str) -> str:
    """What reads after "BIÊN BẢN": the meeting's title, its first letter made
    small ("Hội nghị Chi bộ…" -> "hội nghị Chi bộ…"), unless it starts with an
    abbreviation ("UBND phường…")."""
    title = title.strip()
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


def _meeting_day(meeting: Meeting, zone: str) -> date:
    """The day it was held, else the day it is scheduled for."""
    return held_day(meeting.starts_at, meeting.opened_at, zone)


def _people(session: Session, meeting: Meeting, zone: str) -> list[dict]:
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
        person = {
            "user_id": user.id,
            "name": user.full_name,
            "role": user.role.value,
            "voting": participant.voting,
            "status": status.value,
            "reason": recorded.reason if status == AttendanceStatus.absent else "",
            "position": positions.get(user.id, ""),
        }
        # A late arrival and an early departure, with their times (only when there was one). The roll
        # call right after opening is no late arrival: late is past LATE_AFTER from the opening.
        arrived = recorded.checked_in_at if status != AttendanceStatus.absent else None
        if arrived and meeting.opened_at and datetime.fromisoformat(arrived) > meeting.opened_at + LATE_AFTER:
            person["arrived_at"] = local_iso(arrived, zone)
        if recorded.left_at:
            person["left_at"] = local_iso(recorded.left_at, zone)
        people.append(person)
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


def _items_and_votes(session: Session, meeting_id: int, zone: str) -> dict:
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
        votes.setdefault(vote.agenda_item_id, []).append(vote_entry(vote, session, zone))
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


def vote_entry(vote: Vote, session: Session | None = None, zone: str = VIETNAM_ZONE) -> dict:
    """A closed vote as the minutes record it: its totals, how many attended when it
    opened, and for a named vote who chose what (a ballot the secretary recorded
    marked so); a secret vote never says who chose what, only its paper count."""
    options = vote.options
    tally = vote.tally or {}
    result = vote.result or {}
    quorum: dict | None = None
    if vote.quorum_required is not None:
        quorum = {
            "required": vote.quorum_required,
            "present": vote.quorum_present,
            "met": bool(vote.quorum_met),
            "overridden": bool(vote.quorum_overridden),
        }
        if session is not None and vote.quorum_overridden:
            # Who opened it without quorum, as the audit log has it: the chair or the secretary.
            quorum["overridden_by"] = _actor(session, _quorum_overrider(session, vote), vote.meeting_id)
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
        "opened_at": local_iso(vote.opened_at, zone),
        "closed_at": local_iso(vote.closed_at, zone),
    }
    if result.get("members") is not None:
        # A meeting of a body: the base the rule counted, the body's whole membership.
        entry["members"] = int(result["members"])
    entry["attending"] = vote.quorum_present
    if session is not None and not vote.secret:
        ballots = broadcast(session, vote).ballots or []
        entry["ballots"] = [
            {
                "user_id": b.user_id,
                "name": b.full_name,
                "choice": b.choice,
                "label": option_label(b.choice),
                "recorded_by": _actor(session, b.recorded_by.user_id, vote.meeting_id) if b.recorded_by else None,
            }
            for b in ballots
        ]
    if vote.secret and vote.paper_tally:
        paper = vote.paper_tally
        entry["paper"] = [{"option": o, "label": option_label(o), "count": int(paper.get(o, 0))} for o in options]
        if session is not None:
            entry["paper_counted_by"] = _actor(session, vote.paper_recorded_by, vote.meeting_id)
    return entry


def _quorum_overrider(session: Session, vote: Vote) -> int | None:
    for actor_id, details in session.exec(
        select(AuditEntry.actor_id, AuditEntry.details).where(
            col(AuditEntry.meeting_id) == vote.meeting_id, col(AuditEntry.action) == "vote.quorum_overridden"
        )
    ):
        if json.loads(details).get("vote_id") == vote.id:
            return actor_id
    return None


def _actor(session: Session, user_id: int | None, meeting_id: int) -> dict | None:
    """Who did something the minutes name: {user_id, name, role}, the role being the
    one they held in this meeting (its chair or its secretary), else their account's."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None:
        return None
    meeting = session.get(Meeting, meeting_id)
    role = user.role.value
    if meeting is not None and user.id == meeting.chair_id:
        role = Role.chair.value
    elif meeting is not None and user.id == meeting.secretary_id:
        role = Role.secretary.value
    return {"user_id": user.id, "name": user.full_name, "role": role}


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
                arrived_at=p.get("arrived_at"),
                left_at=p.get("left_at"),
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
        quorum=_quorum(quorum) if quorum else None,
        attending=vote.get("attending"),
        ballots=[
            BallotLine(
                name=b["name"],
                label=b["label"],
                recorded_by=_by(b["recorded_by"]),
            )
            for b in vote.get("ballots") or []
        ],
        paper=[OptionCount(label=r["label"], count=r["count"]) for r in vote["paper"]] if vote.get("paper") else None,
        paper_counted_by=_by(vote.get("paper_counted_by")),
    )


def _quorum(quorum: dict) -> VoteQuorum:
    return VoteQuorum(**{**quorum, "overridden_by": _by(quorum.get("overridden_by"))})


def _by(actor: dict | None) -> Actor | None:
    return Actor(name=actor["name"], role=actor["role"]) if actor else None
