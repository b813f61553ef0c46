"""Meetings, agenda items and files as OParl 1.1 (https://oparl.org/spezifikation/), for the
council information systems and crawlers that speak it.

A crawler starts at `System` (`/api/oparl/v1/system`), follows `body` to the list of bodies,
the one `Body` (this server), its `meeting` list, and each meeting's embedded agenda items,
files and location. Every object has an `id` that answers with that object, embedded ones
too; every object carries `created` and `modified`; times are `yyyy-mm-ddThh:mm:ss±hh:mm`
(no fractions of a second, as the spec writes them), in the meeting's time zone (the site
setting, meeting_server/settings/: `+07:00` for Asia/Ho_Chi_Minh). A meeting that was held
starts and ends when it was opened and closed, on the day it was held; before that, its
`start` is the scheduled time. The external lists honour the filters
`created_since`, `created_until`, `modified_since` and `modified_until`.

What this product does not model is left out rather than invented: the organization, person
and paper lists that a Body must name are served, empty. The OParl endpoints see what the
caller sees elsewhere (a member only their meetings), through the same access rules.

Our tables have no `modified` column (the schema is frozen for this issue), so it is derived:
a meeting's is the newest of its own times and of the logged events that change what OParl
shows (its status, its details, its agenda and documents, its minutes). An agenda item and a
location have no times of their own: theirs are the meeting's, which moves with every change
to them, so a client that syncs by `modified_since` misses none. See docs/api.md.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy import func
from sqlmodel import Session, col, select

from meeting_server.auth.models import User, UserPublic
from meeting_server.documents.models import Document
from meeting_server.documents.service import readable_document
from meeting_server.errors import Invalid, NotFound
from meeting_server.eventlog.models import Event
from meeting_server.filenames import portable_name
from meeting_server.meetings.access import visible_meeting, visible_to
from meeting_server.meetings.models import AgendaItem, AgendaItemPublic, Meeting, MeetingPublic, MeetingStatus
from meeting_server.meetings.service import describe
from meeting_server.minutes.models import Minutes, MinutesStatus
from meeting_server.settings import service as site_settings
from meeting_server.timeutil import DEFAULT_ZONE, local, utcnow

SCHEMA = "https://schema.oparl.org/1.1"
VERSION = "https://schema.oparl.org/1.1/"
API = "/api/oparl/v1"
# OParl's meetingState is free text; these say what our status means.
STATES = {
    MeetingStatus.draft: "scheduled",
    MeetingStatus.scheduled: "scheduled",
    MeetingStatus.open: "running",
    MeetingStatus.closed: "completed",
}
# The logged events that change what the OParl objects of a meeting show.
SHOWN_EVENTS = ("meeting:status", "meeting:changed", "agenda:changed", "minutes:changed")
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


# ---- times and filters ---------------------------------------------------------


def moment(value: datetime | str) -> datetime:
    """An aware time to the second (what OParl writes, and what the filters compare)."""
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    if parsed.tzinfo is None:
        raise ValueError("a naive time has no place in an export")
    return parsed.replace(microsecond=0)


# The meeting's time zone for this request's times (set by each read below; the default otherwise).
_ZONE: ContextVar[str] = ContextVar("oparl_zone", default=DEFAULT_ZONE)
# A File's size and SHA-256: of the file its URLs hand out (archive/routes.py asks documents/served.py).
ServedFacts = Callable[[Document], tuple[int, str]]


def oparl_time(value: datetime | str) -> str:
    """`yyyy-mm-ddThh:mm:ss±hh:mm`, in the meeting's time zone."""
    return local(moment(value), _ZONE.get()).isoformat(timespec="seconds")


def use_zone(session: Session) -> None:
    """Times written from here on in this context are in the site's time zone."""
    _ZONE.set(site_settings.zone(session))


@dataclass(frozen=True)
class Stamps:
    created: datetime
    modified: datetime

    def fields(self) -> dict[str, str]:
        return {"created": oparl_time(self.created), "modified": oparl_time(self.modified)}


@dataclass(frozen=True)
class Filters:
    """OParl's list filters (spec 2.5, "Filter"): bounds on `created` and `modified`, inclusive."""

    created_since: datetime | None = None
    created_until: datetime | None = None
    modified_since: datetime | None = None
    modified_until: datetime | None = None

    @classmethod
    def parse(cls, params: dict[str, str | None]) -> Filters:
        bounds: dict[str, datetime] = {}
        for name in FILTERS:
            text = params.get(name)
            if text is None:
                continue
            try:
                bounds[name] = moment(text.strip())
            except ValueError:
                raise Invalid(
                    "{name} must be a date-time with its offset, like 2026-11-27T08:00:00+07:00.",
                    params={"name": name},
                    details={"field": name},
                ) from None
        return cls(**bounds)

    def admit(self, stamps: Stamps) -> bool:
        return (
            (self.created_since is None or stamps.created >= self.created_since)
            and (self.created_until is None or stamps.created <= self.created_until)
            and (self.modified_since is None or stamps.modified >= self.modified_since)
            and (self.modified_until is None or stamps.modified <= self.modified_until)
        )

    def query(self) -> str:
        """The filters as the query string that keeps them on every page's links."""
        given = [(name, getattr(self, name)) for name in FILTERS if getattr(self, name) is not None]
        if not given:
            return ""
        return "?" + urlencode([(name, oparl_time(value)) for name, value in given])


def external_list(url: str, objects: list[dict], filters: Filters) -> dict:
    """An OParl external list in one page (a committee has hundreds of meetings, not millions)."""
    self_url = url + filters.query()
    return {
        "data": objects,
        "pagination": {
            "totalElements": len(objects),
            "elementsPerPage": len(objects) or 1,
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {"first": self_url, "self": self_url, "last": self_url},
    }


# ---- System and Body: where a crawler starts ------------------------------------


def installed(session: Session) -> Stamps:
    """The server's own objects (System, Body) never change: both are as old as the first account."""
    first = session.exec(select(func.min(col(User.created_at)))).one()
    when = moment(first if first is not None else utcnow())
    return Stamps(when, when)


def system(base: str, session: Session, name: str) -> dict:
    use_zone(session)
    return {
        "id": f"{base}{API}/system",
        "type": f"{SCHEMA}/System",
        "oparlVersion": VERSION,
        "body": f"{base}{API}/bodies",
        "name": name,
        "website": f"{base}/",
        **installed(session).fields(),
        "web": f"{base}/",
    }


def body(base: str, session: Session, name: str) -> dict:
    """This server as the one OParl Body (`name`: the issuing body of the minutes, when set);
    its committees' meetings are its `meeting` list."""
    use_zone(session)
    url = f"{base}{API}/body"
    return {
        "id": url,
        "type": f"{SCHEMA}/Body",
        "system": f"{base}{API}/system",
        "name": name,
        "website": f"{base}/",
        "organization": f"{url}/organizations",
        "person": f"{url}/people",
        "meeting": f"{base}{API}/meetings",
        "paper": f"{url}/papers",
        "legislativeTerm": [],
        **installed(session).fields(),
        "web": f"{base}/",
    }


def body_list(base: str, session: Session, name: str, filters: Filters) -> dict:
    stamps = installed(session)
    bodies = [body(base, session, name)] if filters.admit(stamps) else []
    return external_list(f"{base}{API}/bodies", bodies, filters)


# ---- meetings and what they hold ---------------------------------------------------


def meeting_stamps(session: Session, meeting: Meeting) -> Stamps:
    last_event = session.exec(
        select(func.max(col(Event.created_at))).where(
            Event.meeting_id == meeting.id, col(Event.name).in_(SHOWN_EVENTS), col(Event.audience_user_id).is_(None)
        )
    ).one()
    minutes = session.get(Minutes, meeting.id)
    times = [meeting.created_at, meeting.published_at, meeting.opened_at, meeting.closed_at, last_event]
    if minutes is not None:
        times.append(minutes.finalized_at)
    return Stamps(moment(meeting.created_at), max(moment(t) for t in times if t is not None))


def _final_minutes(session: Session, meeting_id: int) -> Minutes | None:
    minutes = session.get(Minutes, meeting_id)
    if minutes is None or minutes.status != MinutesStatus.final or minutes.finalized_at is None:
        return None
    return minutes


def meeting(base: str, session: Session, row: Meeting, public: MeetingPublic, files: ServedFacts) -> dict:
    url = f"{base}{API}/meetings/{row.id}"
    stamps = meeting_stamps(session, row)
    body_ = {
        "id": url,
        "type": f"{SCHEMA}/Meeting",
        "name": public.title,
        "meetingState": STATES[public.status],
        "cancelled": False,
        # Held: when it was opened (the day it was held); before that, when it is scheduled.
        "start": oparl_time(row.opened_at or public.starts_at),
    }
    if public.closed_at:
        body_["end"] = oparl_time(public.closed_at)
    if public.location:
        body_["location"] = location(base, row, public, stamps)
    minutes = _final_minutes(session, row.id)
    if minutes is not None:
        body_["resultsProtocol"] = minutes_file(base, row.id, minutes)
    if public.agenda:
        body_["agendaItem"] = [agenda_item(base, session, row.id, item, stamps, files) for item in public.agenda]
    return body_ | {**stamps.fields(), "web": f"{base}/meetings/{row.id}"}


def location(base: str, row: Meeting, public: MeetingPublic, stamps: Stamps) -> dict:
    """A meeting's place, as given (free text): its own Location, served at its id."""
    return {
        "id": f"{base}{API}/locations/{row.id}",
        "type": f"{SCHEMA}/Location",
        "description": public.location,
        "meetings": [f"{base}{API}/meetings/{row.id}"],
        **stamps.fields(),
    }


def agenda_item(
    base: str, session: Session, meeting_id: int, item: AgendaItemPublic, stamps: Stamps, files: ServedFacts
) -> dict:
    url = f"{base}{API}/agenda-items/{item.id}"
    body_: dict = {
        "id": url,
        "type": f"{SCHEMA}/AgendaItem",
        "meeting": f"{base}{API}/meetings/{meeting_id}",
        "number": str(item.position),
        "order": item.position,
        "name": item.title,
        "public": False,
    }
    documents = [session.get(Document, doc.id) for doc in item.documents]
    if documents:
        body_["auxiliaryFile"] = [
            document_file(base, doc, meeting_id, item.id, stamps, files) for doc in documents if doc
        ]
    return body_ | stamps.fields()


def document_file(
    base: str, doc: Document, meeting_id: int, item_id: int, meeting_stamps: Stamps, files: ServedFacts
) -> dict:
    """A document as an OParl File: `accessUrl` shows it (inline), `downloadUrl` saves it (attachment).
    Its size and checksum are those of the file these hand out (`files`): the original's, or its copy
    without active content (documents/served.py)."""
    size, sha256 = files(doc)
    access = f"{base}/api/documents/{doc.id}/file"
    times = [doc.created_at, doc.withdrawn_at, meeting_stamps.modified]
    return {
        "id": f"{base}{API}/files/{doc.id}",
        "type": f"{SCHEMA}/File",
        "name": doc.title,
        # As the download names it: no "/", ":", quotes or control characters.
        "fileName": f"{portable_name(doc.title)}.pdf",
        "mimeType": "application/pdf",
        "size": size,
        "accessUrl": access,
        "downloadUrl": f"{access}?download=1",
        "meeting": [f"{base}{API}/meetings/{meeting_id}"],
        "agendaItem": [f"{base}{API}/agenda-items/{item_id}"],
        # OParl names sha1/sha512 checksums only; ours is SHA-256, under a vendor key.
        "meeting:sha256Checksum": sha256,
        "created": oparl_time(doc.created_at),
        "modified": oparl_time(max(moment(t) for t in times if t is not None)),
    }


def minutes_file(base: str, meeting_id: int, minutes: Minutes) -> dict:
    """The final minutes PDF as the meeting's `resultsProtocol`: fixed once finalized."""
    assert minutes.finalized_at is not None
    access = f"{base}/api/meetings/{meeting_id}/minutes.pdf"
    body_ = {
        "id": f"{base}{API}/minutes/{meeting_id}",
        "type": f"{SCHEMA}/File",
        "name": "Biên bản",
        "fileName": f"bien-ban-hop-{meeting_id}.pdf",
        "mimeType": "application/pdf",
        "accessUrl": access,
        "downloadUrl": f"{access}?download=1",
        "meeting": [f"{base}{API}/meetings/{meeting_id}"],
        "created": oparl_time(minutes.finalized_at),
        "modified": oparl_time(minutes.finalized_at),
    }
    if minutes.pdf_sha256:
        body_["meeting:sha256Checksum"] = minutes.pdf_sha256
    return body_


# ---- reads for the routes: each sees what the caller may see ----------------------


@dataclass(frozen=True)
class Answer:
    """An OParl object or list, and the confidential meetings whose content it shows: the
    route lets no cache keep it and notes each as an export (meetings/confidential.py)."""

    body: dict
    confidential: list[int] = field(default_factory=list)


def _of(row: Meeting, body: dict) -> Answer:
    return Answer(body, [row.id] if row.confidential else [])


def read_meeting_list(session: Session, user: UserPublic, base: str, filters: Filters, files: ServedFacts) -> Answer:
    """The meetings the caller may see, oldest first by id (a stable order, as OParl asks)."""
    use_zone(session)
    rows = session.exec(select(Meeting).where(visible_to(user)).order_by(col(Meeting.id))).all()
    admitted = [row for row in rows if filters.admit(meeting_stamps(session, row))]
    objects = [meeting(base, session, row, describe(session, row), files) for row in admitted]
    listed = external_list(f"{base}{API}/meetings", objects, filters)
    return Answer(listed, [row.id for row in admitted if row.confidential])


def read_meeting(session: Session, user: UserPublic, base: str, meeting_id: int, files: ServedFacts) -> Answer:
    use_zone(session)
    row = visible_meeting(session, user, meeting_id)
    return _of(row, meeting(base, session, row, describe(session, row), files))


def read_agenda_item(session: Session, user: UserPublic, base: str, item_id: int, files: ServedFacts) -> Answer:
    use_zone(session)
    item = session.get(AgendaItem, item_id)
    try:
        row = visible_meeting(session, user, item.meeting_id if item else 0)
    except NotFound:
        raise NotFound("No such agenda item.") from None
    public = describe(session, row)
    [shown] = [a for a in public.agenda if a.id == item_id]
    return _of(row, agenda_item(base, session, row.id, shown, meeting_stamps(session, row), files))


def read_file(session: Session, user: UserPublic, base: str, document_id: int, files: ServedFacts) -> Answer:
    """Any document the caller may read, older versions and withdrawn ones too."""
    use_zone(session)
    doc, meeting_id = readable_document(session, user, document_id)
    row = visible_meeting(session, user, meeting_id)
    return _of(row, document_file(base, doc, meeting_id, doc.agenda_item_id, meeting_stamps(session, row), files))


def read_location(session: Session, user: UserPublic, base: str, meeting_id: int) -> Answer:
    use_zone(session)
    row = visible_meeting(session, user, meeting_id)
    if not row.location:
        raise NotFound("This meeting has no location.")
    return _of(row, location(base, row, describe(session, row), meeting_stamps(session, row)))


def read_minutes_file(session: Session, user: UserPublic, base: str, meeting_id: int) -> Answer:
    use_zone(session)
    row = visible_meeting(session, user, meeting_id)
    minutes = _final_minutes(session, meeting_id)
    if minutes is None:
        raise NotFound("These minutes are not final.")
    return _of(row, minutes_file(base, meeting_id, minutes))


def empty_list(base: str, path: str, filters: Filters) -> dict:
    """A list this product has nothing for (organizations, people, papers), filters and all."""
    return external_list(f"{base}{API}/{path}", [], filters)
