"""A full meeting held through the API, for the tests of what the exports hand out
(tests/test_oparl.py, tests/test_web_annotation.py)."""

from __future__ import annotations

from pathlib import Path

from tests.annotation_support import highlight, ink, note, put
from tests.support import make_pdf
from tests.votes_support import attend, ballot, close, open_meeting, start

# A title with every character a file name must not hold.
AWKWARD_TITLE = 'Nghị quyết: 12/2026 "dự thảo" \\ bản <1>'


def hold_full_meeting(world, tmp_path: Path) -> dict:
    """Two agenda items with documents, shared ink, highlight and note and a private note,
    a named vote, the meeting closed and its minutes finalized."""
    second = world.secretary.ok(
        "POST", f"/api/meetings/{world.meeting_id}/agenda", 201, json={"title": "Nghị quyết năm 2026"}
    )
    response = world.upload(make_pdf(tmp_path / "nghi-quyet.pdf", pages=2), item_id=second["id"], title=AWKWARD_TITLE)
    assert response.status_code == 201, response.text
    resolution = response.json()
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.chair, world.member, world.member2)
    sock = world.member.socket()
    try:
        made = [
            put(sock, world, ink(world, visibility="shared")),
            put(sock, world, highlight(world, visibility="shared")),
            put(sock, world, note(world, visibility="shared", text='Số liệu "quý III" <cần> kiểm tra & bổ sung')),
            put(sock, world, note(world, visibility="private", text="Ghi chú riêng")),
        ]
    finally:
        sock.close()
    assert all(m["ok"] for m in made), made
    vote = start(world.secretary, world.meeting_id, title="Thông qua Nghị quyết")
    for voter, choice in ((world.chair, "yes"), (world.member, "yes"), (world.member2, "no")):
        assert ballot(voter, vote["id"], choice).status_code == 201
    close(world.secretary, vote["id"])
    world.secretary.ok(
        "PUT",
        f"/api/meetings/{world.meeting_id}/minutes/items/{world.item['id']}",
        json={"base_version": 0, "discussion": "Thảo luận.", "conclusion": "Thông qua."},
    )
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/minutes/finalize")
    return {
        "second_item": second,
        "resolution": resolution,
        "shared": [m["annotation"] for m in made[:3]],
        "private": made[3]["annotation"],
    }
