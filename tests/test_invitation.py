"""The invitation as an iCalendar file (RFC 5545), read back by a real iCalendar parser."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar


def test_the_invitation_parses_as_rfc_5545(world):
    mid = world.meeting_id
    long_title = "Báo cáo kết quả thực hiện nhiệm vụ chính trị, quốc phòng; an ninh năm 2026 và phương hướng 2027"
    world.secretary.ok("POST", f"/api/meetings/{mid}/agenda", 201, json={"title": long_title})
    world.secretary.ok("PATCH", f"/api/meetings/{mid}", json={"location": "Hội trường A, tầng 2; phường Bến Nghé"})
    response = world.member.get(f"/api/meetings/{mid}/invitation.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "attachment" in response.headers["content-disposition"]
    raw = response.content
    # CRLF line ends, no line over 75 octets, continuations begin with a space.
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    raw.decode("utf-8")  # folding never splits a character

    calendar = Calendar.from_ical(raw)
    [event] = calendar.walk("VEVENT")
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Ho_Chi_Minh"
    assert str(event["SUMMARY"]) == "Hội nghị Ban Chấp hành tháng 11"
    assert str(event["LOCATION"]) == "Hội trường A, tầng 2; phường Bến Nghé"
    assert str(event["UID"]).startswith(f"meeting-{mid}@")
    assert event["DTSTAMP"].dt.tzinfo is not None
    start = event["DTSTART"]
    assert start.params["TZID"] == "Asia/Ho_Chi_Minh"
    assert start.dt.replace(tzinfo=None) == datetime(2026, 11, 27, 8, 0)
    assert start.dt.utcoffset() == timedelta(hours=7)
    description = str(event["DESCRIPTION"])
    assert "1. Báo cáo tình hình" in description and f"2. {long_title}" in description
    assert f"/meetings/{mid}" in description


def test_only_those_who_see_the_meeting_get_it(world):
    assert world.outsider.get(f"/api/meetings/{world.meeting_id}/invitation.ics").status_code == 404
    assert world.admin.get(f"/api/meetings/{world.meeting_id}/invitation.ics").status_code == 200
