"""Votes over real HTTP and real sockets: draft, open with quorum, cast, close,
who sees what, and every refusal."""

from __future__ import annotations

import hashlib

import pytest

from tests.conftest import new_user
from tests.votes_support import attend, ballot, close, draft, new_receipt, open_meeting, start


@pytest.fixture
def hall(world):
    """The world's meeting open, all four voting participants attending."""
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.secretary, world.chair, world.member, world.member2)
    return world


def test_a_named_vote_from_draft_to_result(hall):
    w = hall
    made = draft(w.secretary, w.meeting_id, agenda_item_id=w.item["id"])
    assert made["status"] == "draft" and made["options"] == ["yes", "no", "abstain"]
    assert made["rule"] == "majority_of_members" and made["secret"] is False
    assert made["agenda_item_id"] == w.item["id"] and made["eligible"] == 4
    assert (made["cast"], made["tally"], made["result"], made["ballots"], made["quorum"]) == (0, None, None, None, None)
    assert made["voted"] is False and made["receipts_published"] is False
    # A draft is the console's: members neither see nor reach it.
    assert w.member.get(f"/api/votes/{made['id']}").status_code == 404
    assert w.member.ok("GET", f"/api/meetings/{w.meeting_id}/votes") == []
    edited = w.chair.ok("PATCH", f"/api/votes/{made['id']}", json={"title": "Thông qua Nghị quyết số 12"})
    assert edited["title"] == "Thông qua Nghị quyết số 12"

    opened = w.secretary.ok("POST", f"/api/votes/{made['id']}/open")
    assert opened["status"] == "open" and opened["opened_at"]
    assert opened["quorum"] == {"required": 3, "present": 4, "met": True, "overridden": False}
    vote_id = opened["id"]
    for method in ("PATCH", "DELETE"):
        assert (
            w.secretary.http.request(method, f"/api/votes/{vote_id}", json={"title": "x"}).json()["error"]["code"]
            == "conflict"
        )
    assert w.secretary.post(f"/api/votes/{vote_id}/open").json()["error"]["code"] == "conflict"

    assert ballot(w.member, vote_id, "yes").json() == {"ok": True, "vote_id": vote_id}
    seen = w.member.ok("GET", f"/api/votes/{vote_id}")
    assert seen["voted"] is True and seen["cast"] == 1 and seen["tally"] is None and seen["ballots"] is None
    assert w.member2.ok("GET", f"/api/votes/{vote_id}")["voted"] is False

    sock = w.chair.socket()
    try:
        ack = sock.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote_id, "choice": "no"})
        assert ack == {"ok": True, "vote_id": vote_id}
    finally:
        sock.close()
    ballot(w.member2, vote_id, "yes")

    closed = close(w.secretary, vote_id)
    assert closed["status"] == "closed" and closed["closed_at"]
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0}
    # Two of four members is not MORE than half of all members: the motion fails.
    assert closed["result"] == {
        "passed": False,
        "approvals": 2,
        "required": 3,
        "base": 4,
        "base_kind": "members",
        "rule": "majority_of_members",
        "cast": 3,
        "eligible": 4,
        "tie": False,
    }
    assert closed["ballots"] == sorted(
        [
            {"user_id": w.member.id, "full_name": w.member.user["full_name"], "choice": "yes"},
            {"user_id": w.chair.id, "full_name": w.chair.user["full_name"], "choice": "no"},
            {"user_id": w.member2.id, "full_name": w.member2.user["full_name"], "choice": "yes"},
        ],
        key=lambda b: b["user_id"],
    )
    assert w.member.ok("GET", f"/api/votes/{vote_id}")["ballots"] == closed["ballots"]
    assert w.secretary.post(f"/api/votes/{vote_id}/close").json()["error"]["code"] == "conflict"
    late = ballot(w.secretary, vote_id, "yes")
    assert late.status_code == 409 and late.json()["error"]["code"] == "conflict"


def test_one_ballot_per_voter_over_http_and_socket(hall):
    w = hall
    vote_id = start(w.secretary, w.meeting_id)["id"]
    assert ballot(w.member, vote_id, "abstain").status_code == 201
    again = ballot(w.member, vote_id, "no")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_voted"
    sock = w.member.socket()
    try:
        ack = sock.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote_id, "choice": "yes"})
        assert ack["ok"] is False and ack["error"]["code"] == "already_voted"
    finally:
        sock.close()
    # The first ballot is the one that counts.
    assert close(w.secretary, vote_id)["tally"] == {"yes": 0, "no": 0, "abstain": 1}


def test_a_secret_vote_never_shows_who_chose_what(hall):
    w = hall
    vote_id = start(w.secretary, w.meeting_id, secret=True, rule="majority_of_cast")["id"]
    for voter, choice in ((w.member, "yes"), (w.member2, "yes"), (w.chair, "no")):
        assert ballot(voter, vote_id, choice).status_code == 201
    open_view = w.member.ok("GET", f"/api/votes/{vote_id}")
    assert open_view["voted"] is True and open_view["cast"] == 3 and open_view["tally"] is None
    closed = close(w.secretary, vote_id)
    assert closed["tally"] == {"yes": 2, "no": 1, "abstain": 0}
    assert closed["result"]["passed"] is True and closed["result"]["base"] == 3
    assert closed["ballots"] is None and closed["receipts_published"] is True
    for viewer in (w.member, w.secretary, w.admin):
        view = viewer.ok("GET", f"/api/votes/{vote_id}")
        assert view["ballots"] is None and view["tally"] == closed["tally"]


def test_who_may_do_what(world, admin):
    w = world
    guest = new_user(admin, "member", "Khách mời")
    meeting = w.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Hội nghị mở rộng",
            "starts_at": "2026-12-01T08:00:00+07:00",
            "participants": [{"user_id": w.member.id}, {"user_id": guest.id, "voting": False}],
        },
    )
    mid = meeting["id"]
    assert w.member.post(f"/api/meetings/{mid}/votes", json={"title": "X"}).json()["error"]["code"] == "forbidden"
    assert w.outsider.post(f"/api/meetings/{mid}/votes", json={"title": "X"}).json()["error"]["code"] == "not_found"
    vote = draft(w.secretary, mid)
    # Not open yet: the meeting must be open first.
    refused = w.secretary.post(f"/api/votes/{vote['id']}/open")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    assert ballot(w.member, vote["id"], "yes").json()["error"]["code"] == "conflict"
    open_meeting(w.secretary, mid)
    attend(w.secretary, mid, w.secretary, w.member)
    assert w.member.post(f"/api/votes/{vote['id']}/open").json()["error"]["code"] == "forbidden"
    assert w.member.post(f"/api/votes/{vote['id']}/close").json()["error"]["code"] == "forbidden"
    w.secretary.ok("POST", f"/api/votes/{vote['id']}/open")
    # The guest attends but does not vote; the outsider does not even see the vote.
    guest_try = ballot(guest, vote["id"], "yes")
    assert guest_try.status_code == 403 and guest_try.json()["error"]["code"] == "forbidden"
    assert guest.ok("GET", f"/api/votes/{vote['id']}")["status"] == "open"
    assert ballot(w.outsider, vote["id"], "yes").json()["error"]["code"] == "not_found"
    assert w.outsider.get(f"/api/votes/{vote['id']}").status_code == 404
    assert ballot(admin, vote["id"], "yes").json()["error"]["code"] == "forbidden"
    # Bad ballots change nothing.
    assert ballot(w.member, vote["id"], "maybe").json()["error"]["code"] == "invalid"
    assert ballot(w.member, vote["id"], "").status_code == 422
    assert w.member.post(f"/api/votes/{vote['id']}/ballot", json={"choice": "yes", "extra": 1}).status_code == 422
    assert ballot(w.member, vote["id"], "yes", receipt_hash="not-a-hash").status_code == 422
    assert w.member.post("/api/votes/99999999/ballot", json={"choice": "yes"}).status_code == 404
    assert w.member.ok("GET", f"/api/votes/{vote['id']}")["cast"] == 0
    assert ballot(w.member, vote["id"], "yes").status_code == 201


def test_a_closed_meeting_takes_no_more_votes(hall):
    w = hall
    vote_id = start(w.secretary, w.meeting_id)["id"]
    pending = draft(w.secretary, w.meeting_id)
    # A meeting does not close over an open vote: the chair closes the vote first.
    refused = w.secretary.post(f"/api/meetings/{w.meeting_id}/close")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conflict"
    close(w.secretary, vote_id)
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    for response in (
        ballot(w.member, vote_id, "yes"),
        w.secretary.post(f"/api/votes/{pending['id']}/open"),
        w.secretary.post(f"/api/meetings/{w.meeting_id}/votes", json={"title": "Sau bế mạc"}),
        w.secretary.delete(f"/api/votes/{pending['id']}"),
    ):
        assert response.status_code == 409 and response.json()["error"]["code"] == "meeting_closed", response.text
    sock = w.member.socket()
    try:
        ack = sock.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote_id, "choice": "yes"})
        assert ack["error"]["code"] == "meeting_closed"
    finally:
        sock.close()


def test_quorum_warning_and_recorded_override(world):
    w = world
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.secretary)
    vote = draft(w.secretary, w.meeting_id)
    refused = w.secretary.post(f"/api/votes/{vote['id']}/open")
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "quorum_not_met"
    assert "1 of 4" in error["message"] and "3 are required" in error["message"]
    assert error["details"] == {"present": 1, "required": 3, "voting": 4}
    assert w.secretary.ok("GET", f"/api/votes/{vote['id']}")["status"] == "draft"
    forced = w.chair.ok("POST", f"/api/votes/{vote['id']}/open", json={"override_quorum": True})
    assert forced["status"] == "open"
    assert forced["quorum"] == {"required": 3, "present": 1, "met": False, "overridden": True}
    # With the quorum there is nothing to override.
    attend(w.secretary, w.meeting_id, w.chair, w.member)
    fine = start(w.secretary, w.meeting_id, override_quorum=True)
    assert fine["quorum"] == {"required": 3, "present": 3, "met": True, "overridden": False}


def test_live_progress_without_tally_and_the_exact_result(hall):
    w = hall
    watcher, voter = w.member2.socket(), w.member.socket()
    try:
        watcher.join(w.meeting_id)
        voter.join(w.meeting_id)
        opened = start(w.secretary, w.meeting_id, rule="two_thirds_of_members", options=["Đồng ý", "Không đồng ý"])
        _, event = watcher.next_event("vote:opened")
        assert event["vote"]["id"] == opened["id"] and event["vote"]["status"] == "open"
        assert "voted" not in event["vote"] and event["vote"]["tally"] is None
        ack = voter.call("vote:cast", {"meeting_id": w.meeting_id, "vote_id": opened["id"], "choice": "Đồng ý"})
        assert ack["ok"]
        _, progress = watcher.next_event("vote:progress")
        assert set(progress) == {"meeting_id", "seq", "vote_id", "cast", "eligible"}
        assert (progress["vote_id"], progress["cast"], progress["eligible"]) == (opened["id"], 1, 4)
        for voter_api, choice in ((w.chair, "Đồng ý"), (w.secretary, "Đồng ý"), (w.member2, "Không đồng ý")):
            assert ballot(voter_api, opened["id"], choice).status_code == 201
        casts = [watcher.next_event("vote:progress")[1]["cast"] for _ in range(3)]
        assert casts == [2, 3, 4]
        closed = close(w.secretary, opened["id"])
        _, ended = watcher.next_event("vote:closed")
        assert "voted" not in ended["vote"]
        assert ended["vote"]["tally"] == {"Đồng ý": 3, "Không đồng ý": 1}
        # Three of four is at least two thirds.
        assert ended["vote"]["result"]["passed"] is True and ended["vote"]["result"]["required"] == 3
        assert ended["vote"]["ballots"] == closed["ballots"] and len(closed["ballots"]) == 4
        assert {k: v for k, v in closed.items() if k not in ("voted", "may_vote")} == ended["vote"]
    finally:
        watcher.close()
        voter.close()


def test_joining_during_a_vote_shows_it_with_my_voted_flag(hall):
    w = hall
    vote_id = start(w.secretary, w.meeting_id, secret=True)["id"]
    ballot(w.member, vote_id, "no")
    later = draft(w.secretary, w.meeting_id, title="Chưa mở")
    first, second = w.member.socket(), w.member2.socket()
    try:
        [mine] = first.join(w.meeting_id)["state"]["open_votes"]
        assert mine["id"] == vote_id and mine["voted"] is True and mine["cast"] == 1 and mine["tally"] is None
        [theirs] = second.join(w.meeting_id)["state"]["open_votes"]
        assert theirs["voted"] is False and theirs["id"] != later["id"]
        close(w.secretary, vote_id)
        assert first.join(w.meeting_id)["state"]["open_votes"] == []
    finally:
        first.close()
        second.close()


def test_receipts_prove_inclusion(hall):
    w = hall
    vote_id = start(w.secretary, w.meeting_id, secret=True)["id"]
    nonce, mine = new_receipt()
    sock = w.member.socket()
    try:
        ack = sock.call(
            "vote:cast", {"meeting_id": w.meeting_id, "vote_id": vote_id, "choice": "yes", "receipt_hash": mine.upper()}
        )
        assert ack == {"ok": True, "vote_id": vote_id, "receipt": {"hash": mine}}
    finally:
        sock.close()
    # Without a hash of its own, the tablet gets a nonce made by the server, this once.
    made = ballot(w.chair, vote_id, "no").json()
    server_nonce, server_hash = made["receipt"]["nonce"], made["receipt"]["hash"]
    assert hashlib.sha256(server_nonce.encode()).hexdigest() == server_hash
    taken = ballot(w.member2, vote_id, "yes", receipt_hash=mine)
    assert taken.status_code == 422 and w.member2.ok("GET", f"/api/votes/{vote_id}")["voted"] is False
    assert w.member.get(f"/api/votes/{vote_id}/receipts").json()["error"]["code"] == "conflict"
    close(w.secretary, vote_id)
    published = w.member.ok("GET", f"/api/votes/{vote_id}/receipts")
    assert published == {"vote_id": vote_id, "receipts": sorted([mine, server_hash])}
    assert hashlib.sha256(nonce.encode()).hexdigest() in published["receipts"]
    # Named votes have no receipts: their ballots are the record.
    named = start(w.secretary, w.meeting_id)["id"]
    assert ballot(w.member, named, "yes", receipt_hash=new_receipt()[1]).json() == {"ok": True, "vote_id": named}
    close(w.secretary, named)
    assert w.member.get(f"/api/votes/{named}/receipts").status_code == 404


def test_drafts_are_edited_validated_and_deleted(hall):
    w = hall
    vote = draft(
        w.secretary, w.meeting_id, options=["Phương án A", "Phương án B", "Phương án C"], rule="majority_of_cast"
    )
    assert vote["options"] == ["Phương án A", "Phương án B", "Phương án C"]
    changed = w.secretary.ok(
        "PATCH",
        f"/api/votes/{vote['id']}",
        json={
            "secret": True,
            "rule": "two_thirds_of_members",
            "options": ["Tán thành", "Không tán thành"],
            "agenda_item_id": w.item["id"],
        },
    )
    assert (changed["secret"], changed["rule"], changed["options"], changed["agenda_item_id"]) == (
        True,
        "two_thirds_of_members",
        ["Tán thành", "Không tán thành"],
        w.item["id"],
    )
    for bad in (
        {"options": ["Có"]},
        {"options": ["Có", "Có"]},
        {"options": ["Có", "  "]},
        {"rule": "unanimous"},
        {"title": ""},
        {"title": None},
        {"agenda_item_id": 99999999},
        {"colour": "red"},
    ):
        response = w.secretary.patch(f"/api/votes/{vote['id']}", json=bad)
        assert response.status_code == 422 and response.json()["error"]["code"] == "invalid", bad
    other = w.secretary.ok(
        "POST", "/api/meetings", 201, json={"title": "Khác", "starts_at": "2026-12-01T08:00:00+07:00"}
    )
    foreign_item = w.secretary.ok("POST", f"/api/meetings/{other['id']}/agenda", 201, json={"title": "Mục khác"})
    assert (
        w.secretary.post(
            f"/api/meetings/{w.meeting_id}/votes", json={"title": "X", "agenda_item_id": foreign_item["id"]}
        ).status_code
        == 422
    )
    assert w.secretary.ok("GET", f"/api/votes/{vote['id']}")["secret"] is True
    # Removing an (empty) agenda item, before its meeting opens, leaves its votes standing, unattached.
    attached = draft(w.secretary, other["id"], agenda_item_id=foreign_item["id"])
    assert w.secretary.delete(f"/api/agenda/{foreign_item['id']}").status_code == 204
    assert w.secretary.ok("GET", f"/api/votes/{attached['id']}")["agenda_item_id"] is None
    assert w.member.delete(f"/api/votes/{vote['id']}").json()["error"]["code"] == "forbidden"
    assert w.secretary.delete(f"/api/votes/{vote['id']}").status_code == 204
    assert w.secretary.get(f"/api/votes/{vote['id']}").status_code == 404


def test_the_meetings_vote_list_is_per_user(hall):
    w = hall
    first = start(w.secretary, w.meeting_id)
    second = start(w.secretary, w.meeting_id, secret=True)
    hidden = draft(w.secretary, w.meeting_id)
    ballot(w.member, second["id"], "yes")
    mine = w.member.ok("GET", f"/api/meetings/{w.meeting_id}/votes")
    assert [(v["id"], v["voted"]) for v in mine] == [(first["id"], False), (second["id"], True)]
    console = w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}/votes")
    assert [v["id"] for v in console] == [first["id"], second["id"], hidden["id"]]
    assert w.outsider.get(f"/api/meetings/{w.meeting_id}/votes").status_code == 404


def test_vote_events_applied_to_an_old_snapshot_equal_a_fresh_one(hall):
    """The realtime guard, for votes: open_votes + the replayed vote events == a fresh open_votes."""
    w = hall
    tablet = w.member.socket()
    try:
        old = tablet.join(w.meeting_id)
    finally:
        tablet.close()  # the tablet sleeps through what follows
    first = start(w.secretary, w.meeting_id)
    ballot(w.member2, first["id"], "yes")
    second = start(w.secretary, w.meeting_id, secret=True)
    ballot(w.chair, second["id"], "no")
    ballot(w.secretary, first["id"], "no")
    close(w.secretary, first["id"])
    back = w.member.socket()
    try:
        ack = back.join(w.meeting_id, since_seq=old["seq"])
    finally:
        back.close()
    votes = {v["id"]: v for v in old["state"]["open_votes"]}
    for item in ack["missed"]:
        data = item["data"]
        if item["event"] == "vote:opened":
            # may_vote is the caller's own (the tablet decides it from its attendance when the vote opens).
            votes[data["vote"]["id"]] = {**data["vote"], "voted": False, "may_vote": True}
        elif item["event"] == "vote:progress":
            votes[data["vote_id"]]["cast"] = data["cast"]
        elif item["event"] == "vote:closed":
            del votes[data["vote"]["id"]]
    assert list(votes.values()) == ack["state"]["open_votes"]
    assert [v["id"] for v in ack["state"]["open_votes"]] == [second["id"]]
