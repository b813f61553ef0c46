"""Bodies over real HTTP: the committees that meet, their members in order, who may
do what, and the point of them: in a meeting of a body the Party Charter's
"more than half of the members" and the quorum count the body's WHOLE
membership, invited or not, frozen when the meeting opens."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from tests.conftest import new_user
from tests.support import POSITIONS, Api, make_body, unique
from tests.votes_support import attend, ballot, close, open_meeting, start

STARTS = "2026-12-10T08:00:00+07:00"
NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hùng",
    "Bùi Thị Lan",
    "Đỗ Văn Minh",
]


@pytest.fixture(scope="module")
def nine(admin) -> list[Api]:
    """Nine members of a committee, each logged in (they cast their own ballots)."""
    return [new_user(admin, "member", name) for name in NAMES]


def body_meeting(admin: Api, body_id: int, invited: list[Api]) -> dict:
    """A meeting of the body to which only `invited` are invited (to vote)."""
    return admin.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Hội nghị Ban Chấp hành tháng 12",
            "starts_at": STARTS,
            "location": "Hội trường",
            "body_id": body_id,
            "participants": [{"user_id": m.id, "voting": True} for m in invited],
        },
    )


def take_vote(admin: Api, meeting_id: int, voters: list[Api], yes: int) -> dict:
    """A "more than half of the members" vote: `yes` of the voters approve, the others say no."""
    vote = start(admin, meeting_id, title=unique("Thông qua Nghị quyết "), rule="majority_of_members")
    for i, voter in enumerate(voters):
        assert ballot(voter, vote["id"], "yes" if i < yes else "no").status_code == 201
    return close(admin, vote["id"])


def error(response) -> str:
    return response.json()["error"]["code"]


# ---- the API -------------------------------------------------------------------------


def test_a_body_is_made_listed_read_and_changed_in_order(admin, nine):
    name = unique("Ban Thường vụ ")
    made = make_body(admin, nine[:3], name=name)
    assert made["name"] == name and made["member_count"] == 3
    assert [(m["user_id"], m["full_name"], m["position"], m["rank"]) for m in made["members"]] == [
        (nine[0].id, NAMES[0], "Bí thư", 0),
        (nine[1].id, NAMES[1], "Phó Bí thư", 1),
        (nine[2].id, NAMES[2], "Ủy viên", 2),
    ]
    assert made["members"][0]["username"] == nine[0].user["username"]
    listed = {b["id"]: b for b in admin.ok("GET", "/api/bodies")}
    assert listed[made["id"]] == {"id": made["id"], "name": name, "rank": 0, "member_count": 3}

    # `members` replaces the whole list; the order sent is the order kept.
    changed = admin.ok(
        "PATCH",
        f"/api/bodies/{made['id']}",
        json={
            "name": name + " (khóa mới)",
            "rank": 2,
            "members": [
                {"user_id": nine[2].id, "position": "Bí thư"},
                {"user_id": nine[0].id},
                {"user_id": nine[3].id, "position": "  Ủy viên  "},
            ],
        },
    )
    assert changed["name"] == name + " (khóa mới)" and changed["rank"] == 2
    assert [(m["user_id"], m["position"], m["rank"]) for m in changed["members"]] == [
        (nine[2].id, "Bí thư", 0),
        (nine[0].id, "", 1),
        (nine[3].id, "Ủy viên", 2),
    ]
    assert admin.ok("GET", f"/api/bodies/{made['id']}") == changed
    # Only what is sent changes.
    renamed = admin.ok("PATCH", f"/api/bodies/{made['id']}", json={"name": name})
    assert renamed["name"] == name and renamed["members"] == changed["members"]
    emptied = admin.ok("PATCH", f"/api/bodies/{made['id']}", json={"members": []})
    assert emptied["member_count"] == 0 and emptied["members"] == []


def test_names_are_unique_and_members_must_exist(admin, nine):
    name = unique("Chi bộ Khu phố ")
    made = make_body(admin, nine[:2], name=name)
    for taken in (name, name.upper(), f"  {name} "):
        again = admin.post("/api/bodies", json={"name": taken})
        assert again.status_code == 409 and error(again) == "body_name_taken", taken
        assert name in again.json()["error"]["message"]
    other = make_body(admin, [], name=unique("Chi bộ Khu phố "))
    clash = admin.patch(f"/api/bodies/{other['id']}", json={"name": name})
    assert clash.status_code == 409 and error(clash) == "body_name_taken"
    # Renaming a body to its own name (another case) is no clash.
    assert admin.ok("PATCH", f"/api/bodies/{made['id']}", json={"name": name.lower()})["name"] == name.lower()

    unknown = admin.post("/api/bodies", json={"name": unique("Ban "), "members": [{"user_id": 987654321}]})
    assert unknown.status_code == 422 and error(unknown) == "invalid"
    assert unknown.json()["error"]["details"]["user_ids"] == [987654321]
    twice = admin.patch(
        f"/api/bodies/{made['id']}", json={"members": [{"user_id": nine[0].id}, {"user_id": nine[0].id}]}
    )
    assert twice.status_code == 422 and error(twice) == "invalid"
    for bad in ({"name": "   "}, {"name": "x" * 301}, {"name": "Ban", "colour": "red"}, {"name": None}):
        response = admin.post("/api/bodies", json=bad)
        assert response.status_code == 422 and error(response) == "invalid", bad
    assert admin.patch(f"/api/bodies/{made['id']}", json={"members": None}).status_code == 422
    # Nothing of the refused changes stuck.
    assert [m["user_id"] for m in admin.ok("GET", f"/api/bodies/{made['id']}")["members"]] == [nine[0].id, nine[1].id]
    missing = admin.get("/api/bodies/987654321")
    assert missing.status_code == 404 and error(missing) == "not_found"
    assert admin.patch("/api/bodies/987654321", json={"name": "Ban"}).status_code == 404


def test_who_may_do_what(admin, nine):
    made = make_body(admin, nine[:2])
    secretary = new_user(admin, "secretary", "Trần Thị Thư Ký")
    chair = new_user(admin, "chair", "Nguyễn Văn Chủ Trì")
    outsider = nine[5]
    for reader in (secretary, chair, nine[0]):
        assert reader.ok("GET", f"/api/bodies/{made['id']}")["member_count"] == 2
    refused = outsider.get(f"/api/bodies/{made['id']}")
    assert refused.status_code == 403 and error(refused) == "forbidden"
    # Everyone may list the names (a meeting's page names its body).
    assert made["id"] in [b["id"] for b in outsider.ok("GET", "/api/bodies")]
    for writer in (secretary, chair, nine[0]):
        assert writer.post("/api/bodies", json={"name": unique("Ban ")}).status_code == 403
        assert writer.patch(f"/api/bodies/{made['id']}", json={"name": unique("Ban ")}).status_code == 403
    assert httpx.get(f"{admin.base_url}/api/bodies").status_code == 401


# ---- the counting rule -------------------------------------------------------------------


def test_more_than_half_of_the_whole_body_when_only_six_attend(admin, nine):
    """9 members, 6 invited and attending: "more than half of the members" is 5 of 9,
    so 5 yes passes and 4 yes fails (4 of the 6 present would have passed)."""
    body = make_body(admin, nine)
    attending = nine[:6]
    meeting = body_meeting(admin, body["id"], attending)
    meeting_id = meeting["id"]
    # Before it opens, the base is the body's live membership.
    assert meeting["body_id"] == body["id"] and meeting["counts"]["voting"] == 6
    assert meeting["counts"]["members"] == 9
    opened = open_meeting(admin, meeting_id)
    attend(admin, meeting_id, *attending)
    counts = admin.ok("GET", f"/api/meetings/{meeting_id}")["counts"]
    # The quorum (2/3) is of the 9 members: 6 required, 6 present.
    assert (counts["members"], counts["present"], counts["quorum_required"], counts["quorum_met"]) == (9, 6, 6, True)
    assert opened["status"] == "open"

    passed = take_vote(admin, meeting_id, attending, yes=5)
    assert passed["result"]["passed"] is True
    assert (passed["result"]["base"], passed["result"]["required"], passed["result"]["members"]) == (9, 5, 9)
    assert (passed["eligible"], passed["members"]) == (6, 9)
    failed = take_vote(admin, meeting_id, attending, yes=4)
    assert failed["result"]["passed"] is False
    assert (failed["result"]["approvals"], failed["result"]["base"], failed["result"]["required"]) == (4, 9, 5)
    # Members see the base on the vote too.
    seen = nine[0].ok("GET", f"/api/votes/{failed['id']}")
    assert seen["members"] == 9 and seen["result"]["members"] == 9

    # Two thirds of the members: 6 of 9.
    vote = start(admin, meeting_id, title="Kết nạp đảng viên", rule="two_thirds_of_members")
    for i, voter in enumerate(attending):
        ballot(voter, vote["id"], "yes" if i < 5 else "no")
    two_thirds = close(admin, vote["id"])
    assert (two_thirds["result"]["required"], two_thirds["result"]["passed"]) == (6, False)


def test_the_count_is_frozen_when_the_meeting_opens(admin, nine):
    body = make_body(admin, nine)
    attending = nine[:6]
    meeting_id = body_meeting(admin, body["id"], attending)["id"]
    # Before opening, the count follows the body.
    admin.ok("PATCH", f"/api/bodies/{body['id']}", json={"members": [{"user_id": m.id} for m in nine[:8]]})
    assert admin.ok("GET", f"/api/meetings/{meeting_id}")["counts"]["members"] == 8
    admin.ok("PATCH", f"/api/bodies/{body['id']}", json={"members": [{"user_id": m.id} for m in nine]})
    open_meeting(admin, meeting_id)
    attend(admin, meeting_id, *attending)
    # After opening, a change to the body changes nothing for this meeting.
    admin.ok("PATCH", f"/api/bodies/{body['id']}", json={"members": [{"user_id": m.id} for m in attending]})
    assert admin.ok("GET", f"/api/bodies/{body['id']}")["member_count"] == 6
    counts = admin.ok("GET", f"/api/meetings/{meeting_id}")["counts"]
    assert (counts["members"], counts["quorum_required"]) == (9, 6)
    # With the live count (6), 4 yes would pass; with the frozen 9 it fails.
    failed = take_vote(admin, meeting_id, attending, yes=4)
    assert (failed["result"]["passed"], failed["result"]["base"], failed["members"]) == (False, 9, 9)


def test_the_quorum_counts_members_who_were_not_invited(admin, nine):
    """Five of nine invited and attending: 5 is less than 2/3 of 9, so no quorum."""
    body = make_body(admin, nine)
    meeting_id = body_meeting(admin, body["id"], nine[:5])["id"]
    open_meeting(admin, meeting_id)
    attend(admin, meeting_id, *nine[:5])
    counts = admin.ok("GET", f"/api/meetings/{meeting_id}")["counts"]
    assert (counts["voting"], counts["present"], counts["quorum_required"], counts["quorum_met"]) == (5, 5, 6, False)
    vote = admin.ok("POST", f"/api/meetings/{meeting_id}/votes", 201, json={"title": "Thông qua"})
    refused = admin.post(f"/api/votes/{vote['id']}/open", json={})
    assert refused.status_code == 409 and error(refused) == "quorum_not_met"
    assert refused.json()["error"]["details"] == {"present": 5, "required": 6, "voting": 9}


def test_a_meeting_without_a_body_counts_as_before(world):
    w = world
    counts = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["counts"]
    assert "members" not in counts
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.secretary, w.chair, w.member, w.member2)
    vote = start(w.secretary, w.meeting_id)
    for voter in (w.secretary, w.chair, w.member):
        ballot(voter, vote["id"], "yes")
    closed = close(w.secretary, vote["id"])
    assert closed["result"]["base"] == 4 and "members" not in closed["result"] and "members" not in closed


# ---- the minutes -----------------------------------------------------------------------


def test_the_minutes_count_the_whole_body_and_write_positions(admin, nine, tmp_path):
    body = make_body(admin, nine)
    attending = nine[:6]
    meeting_id = body_meeting(admin, body["id"], attending)["id"]
    open_meeting(admin, meeting_id)
    attend(admin, meeting_id, *attending)
    take_vote(admin, meeting_id, attending, yes=5)

    m = admin.ok("GET", f"/api/meetings/{meeting_id}/minutes")
    assert m["attendance"]["body"] == {"id": body["id"], "name": body["name"], "members": 9}
    people = m["attendance"]["people"]
    # The body's members in its order, each with their position in it.
    assert [(p["name"], p["position"]) for p in people] == list(zip(NAMES[:6], POSITIONS[:6], strict=True))
    vote = m["other_votes"][0]
    assert (vote["members"], vote["eligible"], vote["passed"]) == (9, 6, True)

    pdf = tmp_path / "minutes.pdf"
    response = admin.get(f"/api/meetings/{meeting_id}/minutes.pdf")
    assert response.status_code == 200
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Tổng số ủy viên: 9, có mặt 6 đồng chí; vắng 3" in flat
    assert f"đồng chí {NAMES[0]}, Bí thư; đồng chí {NAMES[1]}, Phó Bí thư" in flat
    assert "Tổng số ủy viên: 9." in flat and "Đồng ý: 5/9, đạt 55,6%" in flat
