"""The archive's listing: closed meetings by year and title, the /archive page, and OParl."""

from __future__ import annotations

from tests.conftest import new_user


def test_meetings_filter_by_status_year_and_title_without_diacritics(world):
    member = world.member
    mine = lambda **params: {m["id"] for m in member.ok("GET", "/api/meetings", params=params)}  # noqa: E731
    assert world.meeting_id in mine(title="hoi nghi ban chap hanh")
    assert world.meeting_id in mine(title="Hội nghị", year=2026)
    assert world.meeting_id not in mine(title="hoi nghi", year=2025)
    assert world.meeting_id not in mine(title="khong co cuoc hop nay")
    assert world.meeting_id not in mine(status="closed")
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    closed = member.ok("GET", "/api/meetings", params={"status": "closed", "title": "ban chap hanh"})
    entry = next(m for m in closed if m["id"] == world.meeting_id)
    assert entry["status"] == "closed" and entry["closed_at"]


def test_a_bad_filter_is_a_clear_error(world):
    response = world.member.get("/api/meetings", params={"status": "archived"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_archivist_lists_only_closed_meetings_they_may_see(world, admin):
    archivist = new_user(admin, "archivist")
    ids = lambda: {m["id"] for m in archivist.ok("GET", "/api/meetings")}  # noqa: E731
    assert world.meeting_id not in ids()
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    assert world.meeting_id in ids()


def test_archive_page_is_served_to_a_logged_in_user(world):
    page = world.member.get("/archive", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="archive-search"' in page.text
    assert "/static/js/archive.js" in page.text


def test_oparl_meeting_has_agenda_items_and_files(world):
    body = world.member.ok("GET", f"/api/oparl/v1/meetings/{world.meeting_id}")
    assert body["type"] == "https://schema.oparl.org/1.1/Meeting"
    assert body["name"] == world.meeting["title"]
    assert body["meetingState"] == "scheduled"
    [item] = body["agendaItem"]
    assert item["type"] == "https://schema.oparl.org/1.1/AgendaItem"
    assert item["name"] == world.item["title"] and item["meeting"] == body["id"]
    [file] = item["auxiliaryFile"]
    assert file["type"] == "https://schema.oparl.org/1.1/File"
    assert file["mimeType"] == "application/pdf"
    assert file["meeting:sha256Checksum"] == world.document["sha256"]
    # The accessUrl really serves the original.
    path = file["accessUrl"].split("://", 1)[1].split("/", 1)[1]
    response = world.member.get("/" + path)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_oparl_list_holds_only_visible_meetings(world):
    listed = world.outsider.ok("GET", "/api/oparl/v1/meetings")
    assert world.meeting_id not in {int(m["id"].rsplit("/", 1)[1]) for m in listed["data"]}
    assert listed["pagination"]["totalElements"] == len(listed["data"])
    assert world.outsider.get(f"/api/oparl/v1/meetings/{world.meeting_id}").status_code == 404
