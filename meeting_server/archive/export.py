"""The archive of one closed meeting: everything the record needs, in one ZIP.

Who may: the archivist, an admin, or that meeting's secretary; only once the
meeting is closed, so the record no longer moves. What goes in (docs/archive.md):

    manifest.json            SHA-256 of every other file (ArchiveWriter)
    minutes.pdf, minutes.json
    agenda.json              the meeting, participants, agenda and documents
    documents/…pdf           the originals, byte for byte; older versions and withdrawn
                             documents too, marked in their names ("-v1-replaced-", "-withdrawn-")
    documents-off-agenda.json  those older versions and withdrawn documents, what became of each
    annotations/…pdf, …jsonld  shared annotations, as annotated PDFs and W3C JSON-LD
    votes.csv                every vote that was opened, its rule and full result
    ballots/vote-N.csv       named votes: who chose what (and who recorded a ballot at the console);
                             secret votes: receipt hashes only, and the paper ballots' counts per choice
    attendance.csv           who attended, how, or why not
    audit.jsonl              the meeting's hash-chained audit log (UTC, as hashed)
    audit.csv                the same entries as people read them: the time in the meeting's
                             time zone, who did it, what

Every time written for people (the CSV files, minutes.json, agenda.json, the
manifest's meeting) is in the meeting's time zone (the site setting,
meeting_server/settings/), with its offset: a meeting that closed at 21:00 in
Hanoi says 21:00 everywhere, as its minutes do. The archive's name and the
manifest's `held_on` are the day the meeting was held.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from meeting_server.annotations import jsonld
from meeting_server.annotations.service import ExportSource, export_source
from meeting_server.archive import audit
from meeting_server.archive.bundle import ArchiveWriter
from meeting_server.archive.canonical import canonical_json
from meeting_server.auth.models import Role, User, UserPublic
from meeting_server.config import Settings
from meeting_server.documents.service import off_agenda
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import Conflict, Forbidden
from meeting_server.filenames import portable_name
from meeting_server.meetings import attendance
from meeting_server.meetings.access import is_participant, visible_meeting
from meeting_server.meetings.models import Meeting, MeetingPublic, MeetingStatus
from meeting_server.meetings.service import describe
from meeting_server.minutes.record import final_pdf_path, minutes_record
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import held_day, local_iso
from meeting_server.votes.models import Vote, VoteStatus
from meeting_server.votes.service import broadcast, secret_receipts

VOTE_COLUMNS = [
    "vote_id",
    "agenda_item",
    "title",
    "kind",
    "rule",
    "opened_at",
    "closed_at",
    "eligible",
    "quorum_required",
    "quorum_present",
    "quorum_overridden",
    "cast",
    "tally",
    "passed",
]


def archived_meeting(session: Session, user: UserPublic, meeting_id: int) -> Meeting:
    """The meeting, if this user may take its archive now."""
    meeting = visible_meeting(session, user, meeting_id)
    allowed = user.role in (Role.admin, Role.archivist) or (
        user.role == Role.secretary and is_participant(session, meeting.id, user.id)
    )
    if not allowed:
        raise Forbidden("Only an archivist, an admin or the meeting's secretary may export its archive.")
    if meeting.status != MeetingStatus.closed:
        raise Conflict("The archive is made once the meeting is closed.")
    return meeting


@dataclass
class ArchiveContent:
    """Everything read from the database in one transaction; writing the ZIP comes after."""

    meeting: MeetingPublic
    minutes: dict
    # The final minutes' stored PDF; None for a draft, which the route prints
    # in the print pool (minutes/printing.py) into `minutes_pdf`.
    final_minutes_pdf: Path | None
    documents: list[tuple[str, Path]]  # (path in the ZIP, original file)
    annotations: list[tuple[str, ExportSource]]  # (path stem in the ZIP, shared annotations)
    votes: list[dict]
    ballots: dict[str, tuple[list[str], list[list]]]  # path -> (header, rows)
    attendance: list[list]
    audit: list[dict]
    names: dict[int, str] = field(default_factory=dict)
    # Older versions and withdrawn documents: off the agenda, on the record.
    off_agenda: list[dict] = field(default_factory=list)
    minutes_pdf: bytes = b""
    # The meeting's time zone, and the day it was held in it.
    zone: str = "Asia/Ho_Chi_Minh"
    held_on: str = ""


def gather(session: Session, store: BlobStore, settings: Settings, user: UserPublic, meeting_id: int) -> ArchiveContent:
    meeting = archived_meeting(session, user, meeting_id)
    zone = site_settings.zone(session)
    described = describe(session, meeting)
    names = dict(
        session.exec(
            select(col(User.id), col(User.full_name)).where(
                col(User.id).in_([p.user_id for p in described.participants])
            )
        ).all()
    )
    documents, annotations = [], []
    for item in described.agenda:
        for doc in item.documents:
            stem = f"{item.position:02d}-{doc.id}-{portable_name(doc.title, max_length=80)}"
            documents.append((f"documents/{stem}.pdf", store.path(doc.sha256)))
            annotations.append((f"annotations/{stem}", export_source(session, user, doc.id, "shared")))
    positions = {item.id: item.position for item in described.agenda}
    off = []
    for old in off_agenda(session, meeting.id):
        mark = "withdrawn" if old.withdrawn_at is not None else f"v{old.version}-replaced"
        stem = f"{positions.get(old.agenda_item_id, 0):02d}-{old.id}-{mark}-{portable_name(old.title, max_length=80)}"
        documents.append((f"documents/{stem}.pdf", store.path(old.sha256)))
        annotations.append((f"annotations/{stem}", export_source(session, user, old.id, "shared")))
        off.append(
            {
                "id": old.id,
                "agenda_item_id": old.agenda_item_id,
                "title": old.title,
                "version": old.version,
                "status": "withdrawn" if old.withdrawn_at is not None else "replaced",
                "replaced_by_id": old.replaced_by_id,
                "withdrawn_at": local_iso(old.withdrawn_at, zone),
                "withdrawn_by": old.withdrawn_by,
                "sha256": old.sha256,
                "path": f"documents/{stem}.pdf",
            }
        )
    votes, ballots = _votes(session, meeting.id, names)
    for vote in votes:
        vote["opened_at"], vote["closed_at"] = local_iso(vote["opened_at"], zone), local_iso(vote["closed_at"], zone)
    return ArchiveContent(
        meeting=described,
        minutes=minutes_record(session, meeting.id, settings),
        final_minutes_pdf=final_pdf_path(session, store, meeting.id),
        documents=documents,
        annotations=annotations,
        votes=votes,
        ballots=ballots,
        attendance=_attendance_rows(session, described, names, zone),
        audit=audit.export_chain(session, meeting.id),
        names=names,
        off_agenda=off,
        zone=zone,
        held_on=held_day(meeting.starts_at, meeting.opened_at, zone).isoformat(),
    )


def archive_name(content: ArchiveContent) -> str:
    """The ZIP's file name: the day the meeting was held, then its title."""
    return f"{content.held_on}-{portable_name(content.meeting.title, max_length=80)}.zip"


def _votes(session: Session, meeting_id: int, names: dict[int, str]) -> tuple[list[dict], dict]:
    rows = session.exec(
        select(Vote)
        .where(col(Vote.meeting_id) == meeting_id, col(Vote.status) != VoteStatus.draft)
        .order_by(col(Vote.id))
    ).all()
    votes, ballots = [], {}
    for row in rows:
        vote = broadcast(session, row).model_dump(mode="json")
        votes.append(vote)
        if vote["status"] != "closed":
            continue
        if vote["secret"]:
            # Receipts only: the choices stay in the tally, tied to nobody.
            hashes = secret_receipts(session, row.id)
            ballots[f"ballots/vote-{row.id}-receipts.csv"] = (["receipt_sha256"], [[h] for h in hashes])
            if vote["paper"]:
                # Paper ballots counted at the console: per option, never per person.
                ballots[f"ballots/vote-{row.id}-paper.csv"] = (
                    ["choice", "count"],
                    [[option, vote["paper"].get(option, 0)] for option in vote["options"]],
                )
        else:
            # recorded_by: the secretary or chair who recorded the ballot at the console; empty for the voter's own.
            ballots[f"ballots/vote-{row.id}.csv"] = (
                ["user_id", "full_name", "choice", "recorded_by_user_id", "recorded_by"],
                [
                    [
                        b["user_id"],
                        names.get(b["user_id"], b["full_name"]),
                        b["choice"],
                        (b.get("recorded_by") or {}).get("user_id", ""),
                        (b.get("recorded_by") or {}).get("full_name", ""),
                    ]
                    for b in vote["ballots"] or []
                ],
            )
    return votes, ballots


def _vote_row(vote: dict, items: dict[int, str]) -> list:
    quorum = vote["quorum"] or {}
    tally = vote["tally"] or {}
    return [
        vote["id"],
        items.get(vote["agenda_item_id"], ""),
        vote["title"],
        "secret" if vote["secret"] else "named",
        vote["rule"],
        vote["opened_at"],
        vote["closed_at"],
        vote["eligible"],
        quorum.get("required"),
        quorum.get("present"),
        quorum.get("overridden"),
        vote["cast"],
        "; ".join(f"{option}: {tally.get(option, 0)}" for option in vote["options"]) if vote["tally"] else "",
        (vote["result"] or {}).get("passed"),
    ]


def _attendance_rows(session: Session, meeting: MeetingPublic, names: dict[int, str], zone: str) -> list[list]:
    people = {p.user_id: p for p in meeting.participants}
    return [
        [
            e.user_id,
            names.get(e.user_id, ""),
            people[e.user_id].role.value,
            people[e.user_id].voting,
            e.status.value if e.status else "",
            e.reason,
            local_iso(e.checked_in_at, zone),
            local_iso(e.left_at, zone) or "",
        ]
        for e in attendance.entries(session, meeting.id)
    ]


def write_archive(target: Path, content: ArchiveContent, annotated: dict[str, Path]) -> str:
    """Write the ZIP; `annotated` maps ZIP paths to annotated PDFs made beforehand.
    Returns the manifest's SHA-256."""
    m = content.meeting
    items = {item.id: f"{item.position}. {item.title}" for item in m.agenda}
    zone = content.zone
    info = {
        "id": m.id,
        "title": m.title,
        "starts_at": m.starts_at,
        "location": m.location,
        "opened_at": local_iso(m.opened_at, zone),
        "closed_at": local_iso(m.closed_at, zone),
        "held_on": content.held_on,
        "timezone": zone,
        "minutes_status": content.minutes.get("status"),
    }
    agenda = json.loads(m.model_dump_json())
    for key in ("opened_at", "closed_at", "published_at"):
        agenda[key] = local_iso(agenda.get(key), zone)
    for entry in agenda.get("attendance") or []:
        for key in ("checked_in_at", "left_at"):
            if entry.get(key):
                entry[key] = local_iso(entry[key], zone)
    agenda["timezone"] = zone
    with ArchiveWriter(target, info) as writer:
        writer.add_bytes("minutes.pdf", content.minutes_pdf)
        # Canonical bytes: for final minutes their SHA-256 is the one recorded at finalize.
        writer.add_bytes("minutes.json", canonical_json(content.minutes))
        writer.add_json("agenda.json", agenda)
        if content.off_agenda:
            writer.add_json("documents-off-agenda.json", content.off_agenda)
        for path, source in content.documents:
            writer.add_file(path, source)
        for stem, shared in content.annotations:
            if stem + ".pdf" in annotated:
                writer.add_file(stem + ".pdf", annotated[stem + ".pdf"])
            writer.add_json(stem + ".jsonld", jsonld.collection(shared, f"urn:sha256:{shared.document.sha256}#shared"))
        writer.add_csv("votes.csv", VOTE_COLUMNS, [_vote_row(v, items) for v in content.votes])
        for path, (header, rows) in content.ballots.items():
            writer.add_csv(path, header, rows)
        writer.add_csv(
            "attendance.csv",
            ["user_id", "full_name", "role", "voting", "status", "reason", "checked_in_at", "left_at"],
            content.attendance,
        )
        writer.add_audit(content.audit)
        # The audit log as people read it: audit.jsonl keeps UTC, as its hashes were made.
        writer.add_csv(
            "audit.csv",
            ["seq", "at", "actor_id", "actor", "action", "details"],
            [
                [
                    entry["seq"],
                    local_iso(entry["at"], zone),
                    entry["actor_id"] if entry["actor_id"] is not None else "",
                    content.names.get(entry["actor_id"], "") if entry["actor_id"] is not None else "",
                    entry["action"],
                    json.dumps(entry["details"], ensure_ascii=False, sort_keys=True),
                ]
                for entry in content.audit
            ],
        )
    assert writer.summary is not None, "finished when the with block ended"
    return writer.summary.manifest_sha256
