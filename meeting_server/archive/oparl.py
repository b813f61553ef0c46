"""Meetings and agenda items shaped after OParl 1.1 (Meeting, AgendaItem, File),
for council information systems that speak it.

Only what this product knows is given; OParl's Body, Organization and Person
are not modelled here, so those links are left out rather than invented.
See https://oparl.org/spezifikation/ for the object types.
"""

from __future__ import annotations

from meeting_server.meetings.models import MeetingPublic, MeetingStatus

SCHEMA = "https://schema.oparl.org/1.1"
# OParl's meetingState is free text; these say what our status means.
STATES = {
    MeetingStatus.draft: "scheduled",
    MeetingStatus.scheduled: "scheduled",
    MeetingStatus.open: "running",
    MeetingStatus.closed: "completed",
}


def meeting(base: str, m: MeetingPublic, minutes_final: bool = False) -> dict:
    url = f"{base}/api/oparl/v1/meetings/{m.id}"
    body = {
        "id": url,
        "type": f"{SCHEMA}/Meeting",
        "name": m.title,
        "meetingState": STATES[m.status],
        "cancelled": False,
        "start": m.starts_at,
        "location": {"id": f"{url}#location", "type": f"{SCHEMA}/Location", "description": m.location},
        "agendaItem": [agenda_item(base, url, item) for item in m.agenda],
        "web": f"{base}/meetings/{m.id}",
    }
    if m.closed_at:
        body["end"] = m.closed_at
    if minutes_final:
        body["resultsProtocol"] = file_object(
            f"{url}/minutes", "Biên bản", f"meeting-{m.id}-minutes.pdf", f"{base}/api/meetings/{m.id}/minutes.pdf"
        )
    return body


def agenda_item(base: str, meeting_url: str, item) -> dict:
    return {
        "id": f"{base}/api/oparl/v1/agenda-items/{item.id}",
        "type": f"{SCHEMA}/AgendaItem",
        "meeting": meeting_url,
        "number": str(item.position),
        "order": item.position,
        "name": item.title,
        "public": False,
        "auxiliaryFile": [
            file_object(
                f"{base}/api/oparl/v1/files/{doc.id}",
                doc.title,
                f"{doc.title}.pdf",
                f"{base}/api/documents/{doc.id}/file",
                sha256=doc.sha256,
            )
            for doc in item.documents
        ],
    }


def file_object(id_: str, name: str, file_name: str, url: str, sha256: str | None = None) -> dict:
    body = {
        "id": id_,
        "type": f"{SCHEMA}/File",
        "name": name,
        "fileName": file_name,
        "mimeType": "application/pdf",
        "accessUrl": url,
        "downloadUrl": url,
    }
    if sha256:
        # OParl names sha1/sha512 checksums only; ours is SHA-256, under a vendor key.
        body["meeting:sha256Checksum"] = sha256
    return body


def meeting_list(base: str, meetings: list[dict]) -> dict:
    """An OParl external list, in one page (a committee has hundreds of meetings, not millions)."""
    return {
        "data": meetings,
        "pagination": {
            "totalElements": len(meetings),
            "elementsPerPage": len(meetings) or 1,
            "currentPage": 1,
            "totalPages": 1,
        },
        "links": {},
    }
