"""Who may vote follows attendance (issue 12), over real HTTP and sockets: an
absent participant's ballot is refused (`absent`), the vote keeps the
attendance as it stood when it opened, the secretary or the chair records the
ballot of a present participant without a tablet (named votes, marked and
audited), paper ballots are counted in a secret vote (counts only), and the
console sees who has not voted yet."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

import pytest

from tests.votes_support import attend, ballot, close, open_meeting, start


@pytest.fixture
def hall(world):
    """The world's meeting open; the secretary, the chair and member attending, member2 marked absent."""
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.secretary, world.chair, world.member)
    absent(world, world.member2, "Đi công tác")
    return world


def absent(w, person, reason=""):
    w.secretary.ok(
        "PUT", f"/api/meetings/{w.meeting_id}/attendance/{person.id}", json={"status": "absent", "reason": reason}
    )


def error(response, status: int) -> str:
    assert response.status_code == status, response.text
    return response.json()["error"]["code"]


def audit_entries(w, tmp_path, action: str) -> list[dict]:
    """The meeting's audit chain as the archive exports it (the meeting closed first)."""
    with zipfile.ZipFile(archive(w, tmp_path)) as z:
        chain = [json.loads(line) for line in z.read("audit.jsonl").decode().splitlines()]
    return [entry for entry in chain if entry["action"] == action]


def archive(w, tmp_path):
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    response = w.secretary.get(f"/api/meetings/{w.meeting_id}/archive.zip")
    assert response.status_code == 200, response.text
    path = tmp_path / "archive.zip"
    path.write_bytes(response.content)
    return path


def read_csv(z: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(z.read(name).decode("utf-8-sig"))))


def test_an_absent_participants_ballot_is_refused_over_http_and_socket(hall):
    w = hall
    vote = start(w.secretary, w.meeting_id)
    assert vote["attending"] == 3 and vote["eligible"] == 4
    assert error(ballot(w.member2, vote["id"], "yes"), 409) == "absent"
    # Her tablet open in the meeting changes nothing: the console's "absent" stands.
    tablet = w.member2.socket()
    try:
        joined = tablet.join(w.meeting_id)
        [mine] = joined["state"]["open_votes"]
        assert mine["may_vote"] is False and mine["voted"] is False
        ack = tablet.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote["id"], "choice": "yes"})
        assert ack["ok"] is False and ack["error"]["code"] == "absent"
    finally:
        tablet.close()
    roll = {e["user_id"]: e for e in w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["attendance"]}
    assert roll[w.member2.id]["status"] == "absent"
    assert w.member.ok("GET", f"/api/votes/{vote['id']}")["may_vote"] is True
    assert ballot(w.member, vote["id"], "yes").status_code == 201
    closed = close(w.secretary, vote["id"])
    assert closed["cast"] == 1 and [b["user_id"] for b in closed["ballots"]] == [w.member.id]


def test_the_vote_keeps_the_attendance_of_its_opening(world):
    """Snapshot at opening: a late arrival does not vote in the vote already open; someone who
    left is counted out of the next one; the minutes say how many attended the vote."""
    w = world
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.secretary, w.chair, w.member)
    first = start(w.secretary, w.meeting_id, title="Biểu quyết thứ nhất")
    assert (first["attending"], first["quorum"]["present"]) == (3, 3)
    # member2 arrives after the vote opened: present now, but not when it opened.
    attend(w.secretary, w.meeting_id, w.member2)
    assert error(ballot(w.member2, first["id"], "yes"), 409) == "absent"
    assert w.member2.ok("GET", f"/api/votes/{first['id']}")["may_vote"] is False
    # The member leaves early, during the vote: no ballot from the corridor.
    left = w.secretary.ok(
        "PUT", f"/api/meetings/{w.meeting_id}/attendance/{w.member.id}", json={"status": "present", "left": True}
    )
    assert left["status"] == "present" and left["left_at"] and left["checked_in_at"]
    assert error(ballot(w.member, first["id"], "yes"), 409) == "absent"
    for voter in (w.secretary, w.chair):
        assert ballot(voter, first["id"], "yes").status_code == 201
    close(w.secretary, first["id"])
    counts = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["counts"]
    assert (counts["present"], counts["left"]) == (3, 1)
    # The next vote opens with member2 here and the member gone.
    second = start(w.secretary, w.meeting_id, title="Biểu quyết thứ hai")
    assert second["attending"] == 3
    assert ballot(w.member2, second["id"], "no").status_code == 201
    assert error(ballot(w.member, second["id"], "no"), 409) == "absent"
    close(w.secretary, second["id"])
    # "left" needs someone attending.
    bad = w.secretary.put(
        f"/api/meetings/{w.meeting_id}/attendance/{w.member.id}", json={"status": "absent", "left": True}
    )
    assert error(bad, 422) == "invalid"
    minutes = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")
    votes = [v for item in minutes["items"] for v in item["votes"]] + minutes["other_votes"]
    assert sorted((v["title"], v["attending"], v["eligible"]) for v in votes) == [
        ("Biểu quyết thứ hai", 3, 4),
        ("Biểu quyết thứ nhất", 3, 4),
    ]
    people = {p["user_id"]: p for p in minutes["attendance"]["people"]}
    # The same instant (the minutes write it in the meeting's time zone).
    assert datetime.fromisoformat(people[w.member.id]["left_at"]) == datetime.fromisoformat(left["left_at"])
    # Recorded present right after the opening (the roll call): no late arrival; no departure.
    assert "arrived_at" not in people[w.chair.id] and "left_at" not in people[w.chair.id]


def test_the_secretary_records_a_present_members_ballot(hall, tmp_path):
    w = hall
    vote = start(w.secretary, w.meeting_id)
    for_member = {"choice": "no", "on_behalf_of": w.member.id}
    # Only the secretary or the chair records for someone else.
    assert (
        error(w.member.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "on_behalf_of": w.chair.id}), 403)
        == "forbidden"
    )
    # Only for a voting participant present: not the absent member2, not someone outside the meeting.
    assert (
        error(
            w.secretary.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "on_behalf_of": w.member2.id}),
            409,
        )
        == "absent"
    )
    assert (
        error(
            w.secretary.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "on_behalf_of": w.outsider.id}),
            403,
        )
        == "forbidden"
    )
    recorded = w.secretary.post(f"/api/votes/{vote['id']}/ballot", json=for_member)
    assert recorded.status_code == 201, recorded.text
    # One ballot per voter, whoever records it.
    assert error(ballot(w.member, vote["id"], "yes"), 409) == "already_voted"
    assert error(w.chair.post(f"/api/votes/{vote['id']}/ballot", json=for_member), 409) == "already_voted"
    # The chair records too; the secretary votes for herself from the console.
    assert (
        w.chair.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "on_behalf_of": w.chair.id}).status_code
        == 201
    )
    assert ballot(w.secretary, vote["id"], "yes").status_code == 201
    closed = close(w.secretary, vote["id"])
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0} and closed["cast"] == 3
    by_voter = {b["user_id"]: b for b in closed["ballots"]}
    assert by_voter[w.member.id] == {
        "user_id": w.member.id,
        "full_name": w.member.user["full_name"],
        "choice": "no",
        "recorded_by": {"user_id": w.secretary.id, "full_name": w.secretary.user["full_name"]},
    }
    assert "recorded_by" not in by_voter[w.chair.id] and "recorded_by" not in by_voter[w.secretary.id]
    # Every participant sees the names, the absent one too.
    assert w.member2.ok("GET", f"/api/votes/{vote['id']}")["ballots"] == closed["ballots"]
    # The minutes mark it.
    minutes = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")
    [entry] = [v for item in minutes["items"] for v in item["votes"]] + minutes["other_votes"]
    lines = {b["user_id"]: b for b in entry["ballots"]}
    assert lines[w.member.id]["recorded_by"] == {
        "user_id": w.secretary.id,
        "name": w.secretary.user["full_name"],
        "role": "secretary",
    }
    assert lines[w.chair.id]["recorded_by"] is None and lines[w.member.id]["label"]
    # The ballots file of the archive marks it, and the audit names who recorded it.
    path = archive(w, tmp_path)
    with zipfile.ZipFile(path) as z:
        rows = read_csv(z, f"ballots/vote-{vote['id']}.csv")
        chain = [json.loads(line) for line in z.read("audit.jsonl").decode().splitlines()]
    assert rows[0] == ["user_id", "full_name", "choice", "recorded_by_user_id", "recorded_by"]
    assert [
        str(w.member.id),
        w.member.user["full_name"],
        "no",
        str(w.secretary.id),
        w.secretary.user["full_name"],
    ] in rows
    assert [str(w.chair.id), w.chair.user["full_name"], "yes", "", ""] in rows
    [entry] = [e for e in chain if e["action"] == "vote.ballot_recorded"]
    assert entry["actor_id"] == w.secretary.id
    assert entry["details"]["user_id"] == w.member.id
    assert entry["details"]["recorded_by"] == {"user_id": w.secretary.id, "full_name": w.secretary.user["full_name"]}


def test_a_secret_vote_takes_paper_counts_never_a_ballot_for_someone(hall, tmp_path):
    w = hall
    named = start(w.secretary, w.meeting_id, title="Biểu quyết công khai")
    assert error(w.secretary.post(f"/api/votes/{named['id']}/paper", json={"tally": {"yes": 1}}), 409) == "not_secret"
    close(w.secretary, named["id"])
    vote = start(w.secretary, w.meeting_id, title="Bầu Ban Kiểm tra", secret=True)
    refused = w.secretary.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "on_behalf_of": w.member.id})
    assert error(refused, 409) == "secret_vote"
    assert error(w.member.post(f"/api/votes/{vote['id']}/paper", json={"tally": {"yes": 1}}), 403) == "forbidden"
    assert error(w.secretary.post(f"/api/votes/{vote['id']}/paper", json={"tally": {"maybe": 1}}), 422) == "invalid"
    assert error(w.secretary.post(f"/api/votes/{vote['id']}/paper", json={"tally": {"yes": -1}}), 422) == "invalid"
    # The chair voted on her tablet; three attend, so at most two paper ballots.
    assert ballot(w.chair, vote["id"], "no").status_code == 201
    assert (
        error(w.secretary.post(f"/api/votes/{vote['id']}/paper", json={"tally": {"yes": 2, "no": 1}}), 409)
        == "conflict"
    )
    counted = w.secretary.ok("POST", f"/api/votes/{vote['id']}/paper", json={"tally": {"yes": 1}})
    assert counted["paper"] == {"yes": 1, "no": 0, "abstain": 0} and counted["cast"] == 2
    # A recount replaces the count.
    counted = w.chair.ok("POST", f"/api/votes/{vote['id']}/paper", json={"tally": {"yes": 1, "abstain": 1}})
    assert counted["paper"] == {"yes": 1, "no": 0, "abstain": 1} and counted["cast"] == 3
    # Everyone present has voted now: a tablet ballot beyond that is refused.
    assert error(ballot(w.member, vote["id"], "yes"), 409) == "conflict"
    closed = close(w.secretary, vote["id"])
    assert closed["tally"] == {"yes": 1, "no": 1, "abstain": 1} and closed["cast"] == 3
    assert closed["ballots"] is None and closed["paper"] == {"yes": 1, "no": 0, "abstain": 1}
    minutes = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/minutes")
    [entry] = [v for v in [*minutes["other_votes"], *(v for i in minutes["items"] for v in i["votes"])] if v["secret"]]
    assert "ballots" not in entry and [r["count"] for r in entry["paper"]] == [1, 0, 1]
    path = archive(w, tmp_path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        paper = read_csv(z, f"ballots/vote-{vote['id']}-paper.csv")
        chain = [json.loads(line) for line in z.read("audit.jsonl").decode().splitlines()]
        everything = "\n".join(z.read(n).decode("utf-8", "ignore") for n in names if not n.endswith(".pdf"))
    assert paper == [["choice", "count"], ["yes", "1"], ["no", "0"], ["abstain", "1"]]
    assert f"ballots/vote-{vote['id']}.csv" not in names
    counts = [e for e in chain if e["action"] == "vote.paper_counted"]
    assert [e["actor_id"] for e in counts] == [w.secretary.id, w.chair.id]
    # Counts only: no voter in a paper count, and no secret ballot tied to anyone anywhere.
    assert set(counts[-1]["details"]) == {"vote_id", "paper", "total", "recorded_by"}
    assert not [e for e in chain if e["action"] == "vote.ballot_recorded"]
    assert json.dumps({"user_id": w.chair.id, "choice": "no"}) not in everything


def test_the_console_sees_who_has_not_voted_even_in_a_secret_vote(hall):
    w = hall
    for secret in (False, True):
        vote = start(w.secretary, w.meeting_id, secret=secret)
        assert ballot(w.chair, vote["id"], "yes").status_code == 201
        seen = w.secretary.ok("GET", f"/api/votes/{vote['id']}/turnout")
        assert seen["cast"] == 1 and seen["eligible"] == 4
        assert [p["user_id"] for p in seen["not_voted"]] == sorted([w.secretary.id, w.member.id])
        assert seen["absent"] == [{"user_id": w.member2.id, "full_name": w.member2.user["full_name"]}]
        assert "choice" not in json.dumps(seen)
        assert error(w.member.get(f"/api/votes/{vote['id']}/turnout"), 403) == "forbidden"
        close(w.secretary, vote["id"])
