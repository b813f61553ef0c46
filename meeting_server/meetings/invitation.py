"""A meeting's invitation as an iCalendar file (RFC 5545), in Vietnam's time zone.

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character);
TEXT values escape backslash, semicolon, comma and newlines. The start is given
in Asia/Ho_Chi_Minh with that zone's VTIMEZONE (+07:00 all year, no summer time
since 1975), so calendars show it at the hall's clock whatever the device's zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from meeting_server.meetings.models import MeetingPublic

TZID = "Asia/Ho_Chi_Minh"
VIETNAM = timezone(timedelta(hours=7))
PRODID = "-//Meeting server//Invitation//VI"

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19750613T000000",
    "TZOFFSETFROM:+0700",
    "TZOFFSETTO:+0700",
    "TZNAME:ICT",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: backslash, semicolon, comma escaped; a newline as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, each continuation starting with a space."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def local_stamp(value: datetime) -> str:
    return value.astimezone(VIETNAM).strftime("%Y%m%dT%H%M%S")


def utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation_ics(meeting: MeetingPublic, *, host: str, url: str, now: datetime) -> bytes:
    starts_at = datetime.fromisoformat(meeting.starts_at)
    agenda = [f"{item.position}. {item.title}" for item in meeting.agenda]
    description = "\n".join([*([meeting.body_name] if meeting.body_name else []), *agenda, url])
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE,
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{host}",
        f"DTSTAMP:{utc_stamp(now)}",
        # Later changes of the same meeting replace the calendar's copy.
        f"SEQUENCE:{meeting.seq}",
        f"DTSTART;TZID={TZID}:{local_stamp(starts_at)}",
        f"SUMMARY:{escape_text(meeting.title)}",
        *([f"LOCATION:{escape_text(meeting.location)}"] if meeting.location else []),
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("".join(fold(line) + "\r\n" for line in lines)).encode("utf-8")
