"""The meeting's time zone and the day it was held (issue 12, "Time and dates"), and the
minutes' header defaults that come from the site's settings (/api/settings).

A server of this module's own: the settings are the whole server's, and changing them
on the session's shared server would change every other test's minutes.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pymupdf
import pytest
from sqlmodel import col, update

from meeting_server.meetings.models import Meeting
from tests.conftest import make_cast, make_world, new_user, start_server
from tests.votes_support import attend, open_meeting

HANOI = "Asia/Ho_Chi_Minh"
# Scheduled for 27 November at 08:00, held the next evening: opened 19:30, closed 21:00 in Hanoi.
OPENED = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
CLOSED = datetime(2026, 11, 28, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    process, admin = start_server(tmp_path_factory.mktemp("meeting-time"))
    database = process.database()
    yield process, admin, make_cast(admin), database
    database.dispose()
    process.stop()


def held_meeting(own, tmp_path):
    """A meeting held on another day than scheduled, closed at 21:00 Hanoi time (14:00 UTC)."""
    _, admin, cast, database = own
    w = make_world(admin, cast, tmp_path)
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.chair, w.member)
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    # The clock cannot be moved for a test: the times it recorded are set as that evening's.
    with database.write() as session:
        session.exec(update(Meeting).where(col(Meeting.id) == w.meeting_id).values(opened_at=OPENED, closed_at=CLOSED))
    return w


def test_settings_are_read_by_all_and_changed_by_an_admin_only(own):
    _, admin, cast, _ = own
    assert cast["member"].ok("GET", "/api/settings")["timezone"] == HANOI
    refused = cast["secretary"].put("/api/settings", json={"locality": "Phường Bến Thành"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    bad = admin.put("/api/settings", json={"timezone": "Asia/Hanoi_Nowhere"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert admin.put("/api/settings", json={"nonsense": 1}).status_code == 422
    assert admin.ok("GET", "/api/settings")["timezone"] == HANOI  # nothing changed
    assert admin.get("/api/settings").json()["locality"] == ""
    assert admin.put("/api/settings", json={}).status_code == 200  # nothing sent, nothing changed


def test_times_in_the_archive_equal_those_in_the_minutes_and_use_the_day_it_was_held(own, tmp_path):
    w = held_meeting(own, tmp_path)
    # The minutes: 21:00, on the 28th (the day it was held, not the 27th it was scheduled for).
    minutes = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")
    assert minutes["meeting"]["opened_at"] == "2026-11-28T19:30:00+07:00"
    assert minutes["meeting"]["closed_at"] == "2026-11-28T21:00:00+07:00"
    assert minutes["header"]["date"] == "2026-11-28" and minutes["header"]["timezone"] == HANOI
    pdf = w.secretary.get(f"/api/meetings/{w.meeting_id}/minutes.pdf").content
    with pymupdf.open("pdf", pdf) as doc:
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "bắt đầu lúc 19 giờ 30 phút, ngày 28 tháng 11 năm 2026" in text
    assert "kết thúc lúc 21 giờ 00 phút cùng ngày" in text and "Hà Nội" not in text
    assert "ngày 28 tháng 11 năm 2026" in text

    # The archive: the same times, written as they were read in Hanoi, and named for the 28th.
    response = w.secretary.get(f"/api/meetings/{w.meeting_id}/archive.zip")
    assert response.status_code == 200, response.text
    assert "''2026-11-28-" in response.headers["content-disposition"]  # held on the 28th, not the 27th
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        record = json.loads(archive.read("minutes.json"))
        agenda = json.loads(archive.read("agenda.json"))
        attendance = list(csv.DictReader(io.StringIO(archive.read("attendance.csv").decode("utf-8-sig"))))
        audit_rows = list(csv.DictReader(io.StringIO(archive.read("audit.csv").decode("utf-8-sig"))))
        assert "audit.jsonl" in archive.namelist()
    assert record["meeting"]["closed_at"] == minutes["meeting"]["closed_at"] == "2026-11-28T21:00:00+07:00"
    assert manifest["meeting"]["closed_at"] == agenda["closed_at"] == "2026-11-28T21:00:00+07:00"
    assert manifest["meeting"]["opened_at"] == agenda["opened_at"] == "2026-11-28T19:30:00+07:00"
    assert manifest["meeting"]["held_on"] == "2026-11-28" and manifest["meeting"]["timezone"] == HANOI
    arrived = [row["checked_in_at"] for row in attendance if row["checked_in_at"]]
    assert arrived and all(value.endswith("+07:00") for value in arrived)
    assert [row["action"] for row in audit_rows][:1] == ["meeting.opened"]
    assert all(row["at"].endswith("+07:00") for row in audit_rows)
    assert {row["actor"] for row in audit_rows if row["action"] == "meeting.opened"} == {w.secretary.user["full_name"]}

    # OParl: held, so it starts and ends when it was opened and closed, on the 28th, in Hanoi's time.
    oparl = w.secretary.ok("GET", f"/api/oparl/v1/meetings/{w.meeting_id}")
    assert (oparl["start"], oparl["end"]) == ("2026-11-28T19:30:00+07:00", "2026-11-28T21:00:00+07:00")
    assert oparl["created"].endswith("+07:00") and oparl["modified"].endswith("+07:00")

    # The lists the pages show: the zone to show times in and the day it was held.
    listed = next(m for m in w.secretary.ok("GET", "/api/meetings?status=closed") if m["id"] == w.meeting_id)
    assert (listed["timezone"], listed["held_on"]) == (HANOI, "2026-11-28")
    one = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")
    assert (one["timezone"], one["held_on"]) == (HANOI, "2026-11-28")


def test_another_time_zone_changes_every_time_written(own, tmp_path):
    _, admin, _, _ = own
    w = held_meeting(own, tmp_path)
    admin.ok("PUT", "/api/settings", json={"timezone": "Asia/Tokyo"})
    try:
        minutes = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")
        assert minutes["meeting"]["closed_at"] == "2026-11-28T23:00:00+09:00"
        oparl = w.secretary.ok("GET", f"/api/oparl/v1/meetings/{w.meeting_id}")
        assert oparl["end"] == "2026-11-28T23:00:00+09:00"
        response = w.secretary.get(f"/api/meetings/{w.meeting_id}/archive.zip")
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert json.loads(archive.read("minutes.json"))["meeting"]["closed_at"] == "2026-11-28T23:00:00+09:00"
    finally:
        admin.ok("PUT", "/api/settings", json={"timezone": HANOI})


def test_opening_on_another_day_than_scheduled_asks_first(own, tmp_path):
    _, admin, cast, _ = own
    w = make_world(admin, cast, tmp_path)  # scheduled for 27 November 2026, 08:00
    url = f"/api/meetings/{w.meeting_id}/open"
    today = datetime.now(UTC).date().isoformat()
    if today == "2026-11-27":
        pytest.skip("run on the scheduled day itself")
    refused = w.secretary.post(url, json={"confirm_date": False})
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "date_far" and error["details"]["scheduled_on"] == "2026-11-27"
    assert w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["status"] == "scheduled"  # nothing changed
    opened = w.secretary.ok("POST", url, json={"confirm_date": True})
    assert opened["status"] == "open" and opened["held_on"] and opened["held_on"] != "2026-11-27"
    # The protocol's call, without a body, opens as it always did.
    other = make_world(admin, cast, tmp_path)
    assert w.secretary.ok("POST", f"/api/meetings/{other.meeting_id}/open")["status"] == "open"


def test_header_defaults_come_from_the_body_or_the_settings_never_the_title_or_room(own, tmp_path):
    _, admin, cast, _ = own
    w = make_world(admin, cast, tmp_path)  # title "Hội nghị Ban Chấp hành tháng 11", room "Hội trường"
    url = f"/api/meetings/{w.meeting_id}/minutes"
    head = w.secretary.ok("GET", url)["header"]
    assert (head["issuer_name"], head["locality"], head["issuer_parent"]) == ("……", "……", "")
    admin.ok(
        "PUT",
        "/api/settings",
        json={
            "issuer_name": "Chi bộ Khu phố 3",
            "issuer_parent": "Đảng bộ phường Bến Thành",
            "locality": "Phường Bến Thành",
        },
    )
    try:
        head = w.secretary.ok("GET", url)["header"]
        assert (head["issuer_name"], head["locality"], head["issuer_parent"]) == (
            "Chi bộ Khu phố 3",
            "Phường Bến Thành",
            "Đảng bộ phường Bến Thành",
        )
        # A meeting of a body: the issuer is that body; the place-name is still the setting's.
        body = admin.ok("POST", "/api/bodies", 201, json={"name": "Chi bộ Khu phố 7 phường Bến Thành"})
        of_body = w.secretary.ok(
            "POST",
            "/api/meetings",
            201,
            json={
                "title": "Hội nghị Chi bộ tháng 12",
                "starts_at": "2026-12-10T19:00:00+07:00",
                "location": "Nhà văn hóa khu phố",
                "body_id": body["id"],
                "participants": [{"user_id": w.member.id}],
            },
        )
        head = w.secretary.ok("GET", f"/api/meetings/{of_body['id']}/minutes")["header"]
        assert (head["issuer_name"], head["locality"]) == ("Chi bộ Khu phố 7 phường Bến Thành", "Phường Bến Thành")
        pdf = w.secretary.get(f"/api/meetings/{of_body['id']}/minutes.pdf").content
        with pymupdf.open("pdf", pdf) as doc:
            lines = [line.strip() for line in doc[0].get_text().splitlines()]
        # The issuer wraps by words, a phrase a line: the place-name is never torn in two.
        assert "CHI BỘ KHU PHỐ 7" in lines and "PHƯỜNG BẾN THÀNH" in lines, lines[:12]
        assert "Phường Bến Thành, ngày 10 tháng 12 năm 2026" in " ".join(lines)
        assert "Nhà văn hóa khu phố," not in " ".join(lines)  # the room is where it met, not the place-name
        # What the secretary sets for one meeting still wins.
        w.secretary.ok("PUT", url, json={"version": 0, "header": {"locality": "Xã Tân Phú"}})
        assert w.secretary.ok("GET", url)["header"]["locality"] == "Xã Tân Phú"
    finally:
        admin.ok("PUT", "/api/settings", json={"issuer_name": "", "issuer_parent": "", "locality": ""})
    # Cleared: the server's configuration (none here), then the dotted line again.
    assert new_user(admin, "member").ok("GET", "/api/settings")["issuer_name"] == ""


def test_the_archive_files_a_meeting_under_the_year_it_was_held(own, tmp_path):
    _, admin, cast, _ = own
    w = make_world(admin, cast, tmp_path)
    w.secretary.ok("PATCH", f"/api/meetings/{w.meeting_id}", json={"starts_at": "2025-12-31T08:00:00+07:00"})
    held = w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/open", json={"confirm_date": True})["held_on"]
    year = int(held[:4])
    assert year != 2025
    listed = {m["id"] for m in w.secretary.ok("GET", "/api/meetings", params={"year": year})}
    scheduled = {m["id"] for m in w.secretary.ok("GET", "/api/meetings", params={"year": 2025})}
    assert w.meeting_id in listed and w.meeting_id not in scheduled

    # The archive's search filters by the same year.
    def found(year: int) -> set[int]:
        hits = w.secretary.ok("GET", "/api/search", params={"q": "bien ban", "year": year})["hits"]
        return {hit["meeting_id"] for hit in hits}

    assert w.meeting_id in found(year) and w.meeting_id not in found(2025)
