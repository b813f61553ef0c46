"""The tablet follows the annotation listing page by page (issue 9: the
listing comes in pages, so one page of a document with many marks is more
than one request). A server of its own with a listing page of two."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.annotation_support import ink, put
from tests.browser.conftest import device_options, login_in_browser
from tests.conftest import new_user, start_server
from tests.support import make_pdf


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    process, admin = start_server(tmp_path_factory.mktemp("paged"), env={"MEETING_ANNOTATION_LIST_PAGE_SIZE": "2"})
    people = {
        role: new_user(admin, role if role != "member2" else "member") for role in ("secretary", "member", "member2")
    }
    yield process, people
    process.stop()


class Room:
    def __init__(self, meeting_id: int, document: dict):
        self.meeting_id, self.document = meeting_id, document


def make_room(people, tmp_path: Path) -> Room:
    secretary = people["secretary"]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Phiên họp nhiều ghi chú",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "Hội trường",
            "participants": [{"user_id": people["member"].id}, {"user_id": people["member2"].id}],
        },
    )
    item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Tài liệu"})
    with open(make_pdf(tmp_path / "tai-lieu.pdf", pages=2), "rb") as handle:
        document = secretary.ok(
            "POST",
            f"/api/agenda/{item['id']}/documents",
            201,
            files={"file": ("tai-lieu.pdf", handle, "application/pdf")},
        )
    return Room(meeting["id"], document)


def test_the_tablet_shows_every_mark_of_a_page_listed_in_pages(paged, playwright_instance, chromium, tmp_path):
    process, people = paged
    room = make_room(people, tmp_path)
    writer = people["member2"].socket()
    try:
        writer.join(room.meeting_id)
        made = [ink(room, points=[[0.1 + 0.1 * i, 0.2, 0.5], [0.15 + 0.1 * i, 0.3, 0.5]]) for i in range(5)]
        for annotation in made:
            assert put(writer, room, annotation)["ok"]
    finally:
        writer.close()
    assert (
        len(people["member"].ok("GET", f"/api/documents/{room.document['id']}/annotations")) == 2
    )  # a listing page of two
    console = people["secretary"].socket()
    try:
        assert console.call(
            "page:turn", {"meeting_id": room.meeting_id, "document_id": room.document["id"], "page": 1}
        )["ok"]
    finally:
        console.close()

    context = chromium.new_context(**device_options(playwright_instance), base_url=process.base_url)
    try:
        tablet = context.new_page()
        errors = []
        tablet.on("pageerror", lambda exc: errors.append(str(exc)))
        listed = []
        tablet.on("request", lambda r: listed.append(r.url) if "/annotations?" in r.url else None)
        login_in_browser(tablet, people["member"].user["username"], f"/meetings/{room.meeting_id}")
        tablet.locator('[data-testid="page-image"][data-page="1"]').wait_for()
        tablet.locator('[data-testid="ink-layer"][data-page="1"]').wait_for(state="attached")
        for annotation in made:
            tablet.locator(f'[data-testid="annotation"][data-annotation-id="{annotation["id"]}"]').wait_for(
                state="attached"
            )
        assert tablet.locator('[data-testid="annotation"]').count() == len(made)
        assert len(listed) == 3 and "after=" in listed[-1], listed  # pages of 2, 2 and 1
        assert errors == []
    finally:
        context.close()
