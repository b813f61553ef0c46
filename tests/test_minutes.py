"""Minutes over real HTTP and sockets: the draft that fills itself in, saves
and their conflicts, who may do what, finalize with its hashes, the chair's
and the secretary's confirmations in the audit chain, the PDF as poppler
reads it, and search."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from meeting_server.archive.audit import export_chain, verify_chain
from meeting_server.archive.canonical import canonical_json
from meeting_server.documents.storage import BlobStore
from meeting_server.minutes.record import minutes_pdf_bytes, minutes_record
from tests.conftest import new_user
from tests.votes_support import attend, ballot, close, open_meeting, start

CONCLUSION = "Hội nghị thống nhất thông qua Báo cáo; giao đồng chí Chủ Trì hoàn chỉnh trước ngày 05/12/2026."
DISCUSSION = "Các đồng chí phát biểu, đề nghị bổ sung số liệu chuyển đổi số.\nĐồng chí Ủy Viên đề nghị làm rõ kinh phí."


def minutes_url(w) -> str:
    return f"/api/meetings/{w.meeting_id}/minutes"


def item_url(w, item_id: int | None = None) -> str:
    return f"{minutes_url(w)}/items/{item_id or w.item['id']}"


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def held(world):
    """The world's meeting open: secretary, chair and member present, member2
    absent with a reason; a named vote on the item closed at 2 yes, 1 no."""
    w = world
    open_meeting(w.secretary, w.meeting_id)
    attend(w.secretary, w.meeting_id, w.secretary, w.chair, w.member)
    w.secretary.ok(
        "PUT",
        f"/api/meetings/{w.meeting_id}/attendance/{w.member2.id}",
        json={"status": "absent", "reason": "Đi công tác"},
    )
    vote = start(w.secretary, w.meeting_id, agenda_item_id=w.item["id"], title="Thông qua Báo cáo tình hình")
    for voter, choice in ((w.secretary, "yes"), (w.chair, "yes"), (w.member, "no")):
        assert ballot(voter, vote["id"], choice).status_code == 201
    w.vote = close(w.secretary, vote["id"])
    return w


@pytest.fixture(scope="module")
def server_db(server):
    """The server's own database, read from the test (what an exporter would do)."""
    database = server.database()
    yield database
    database.dispose()


def write(w, discussion=DISCUSSION, conclusion=CONCLUSION, base_version=0, as_user=None):
    body = {"base_version": base_version, "discussion": discussion, "conclusion": conclusion}
    return (as_user or w.secretary).put(item_url(w), json=body)


def finalized(w) -> dict:
    write(w)
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    return w.chair.ok("POST", f"{minutes_url(w)}/finalize")


def pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ---- the draft fills itself in ----------------------------------------------------------


def test_the_draft_fills_in_attendance_documents_and_votes_by_itself(held):
    w = held
    m = w.member.ok("GET", minutes_url(w))
    assert (m["status"], m["version"], m["sha256"], m["pdf_sha256"]) == ("draft", 0, None, None)
    assert m["meeting"]["opened_at"] and m["meeting"]["closed_at"] is None and m["meeting"]["status"] == "open"
    today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    assert m["header"] == {
        "issuer_parent": "",
        "issuer_name": "……",  # no body, nothing set: never the title
        "issuer_number": "",
        "locality": "……",  # nothing set: never the room
        "subject": "hội nghị Ban Chấp hành tháng 11",
        "date": today,
        "timezone": "Asia/Ho_Chi_Minh",
        "chair_id": None,
        "chair_position": "",
        "secretary_id": None,
        "secretary_position": "",
    }
    assert m["chair"] == {"user_id": w.chair.id, "name": "Nguyễn Văn Chủ Trì", "position": ""}
    assert m["secretary"] == {"user_id": w.secretary.id, "name": "Trần Thị Thư Ký", "position": ""}

    counts = {k: v for k, v in m["attendance"].items() if k != "people"}
    assert counts == {"members": 4, "present": 3, "online": 0, "absent": 1, "excused": 1, "guests": 0}
    people = {p["user_id"]: (p["name"], p["status"], p["reason"]) for p in m["attendance"]["people"]}
    assert people[w.member2.id] == ("Phạm Thị Đảng Viên", "absent", "Đi công tác")
    assert people[w.member.id] == ("Lê Văn Ủy Viên", "present", "")

    [item] = m["items"]
    assert (item["agenda_item_id"], item["title"], item["discussion"], item["conclusion"], item["version"]) == (
        w.item["id"],
        "Báo cáo tình hình",
        "",
        "",
        0,
    )
    assert item["documents"] == [
        {"id": w.document["id"], "title": w.document["title"], "pages": 5, "sha256": w.document["sha256"]}
    ]
    [vote] = item["votes"]
    assert vote["title"] == "Thông qua Báo cáo tình hình" and vote["rule"] == "majority_of_members"
    assert vote["results"] == [
        {"option": "yes", "label": "Đồng ý", "count": 2},
        {"option": "no", "label": "Không đồng ý", "count": 1},
        {"option": "abstain", "label": "Không biểu quyết", "count": 0},
    ]
    # Two of four members is not more than half of all members.
    assert (vote["eligible"], vote["cast"], vote["passed"]) == (4, 3, False)
    assert vote["quorum"] == {"required": 3, "present": 3, "met": True, "overridden": False}
    assert m["other_votes"] == [] and m["confirmations"] == []
    assert (m["can_edit"], m["can_finalize"], m["can_confirm"]) == (False, False, [])
    assert w.secretary.ok("GET", minutes_url(w))["can_edit"] is True


def test_guests_are_listed_but_not_counted_and_a_quorum_override_is_recorded(admin, cast):
    secretary, chair, member, guest = cast["secretary"], cast["chair"], cast["member"], cast["member2"]
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "UBND phường họp giao ban",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "",
            "participants": [{"user_id": chair.id}, {"user_id": member.id}, {"user_id": guest.id, "voting": False}],
        },
    )
    mid = meeting["id"]
    open_meeting(secretary, mid)
    attend(secretary, mid, secretary, guest)
    vote = start(secretary, mid, title="Biểu quyết khi thiếu người", override_quorum=True)
    ballot(secretary, vote["id"], "yes")
    close(secretary, vote["id"])
    m = secretary.ok("GET", f"/api/meetings/{mid}/minutes")
    assert {k: v for k, v in m["attendance"].items() if k != "people"} == {
        "members": 3,
        "present": 1,
        "online": 0,
        "absent": 2,
        "excused": 0,
        "guests": 1,
    }
    assert {p["user_id"]: p["voting"] for p in m["attendance"]["people"]}[guest.id] is False
    # An abbreviation keeps its capitals. No body, nothing set: the issuer and the place-name
    # are the dotted line of a paper form, never the meeting's title or its room.
    assert m["header"]["subject"] == "UBND phường họp giao ban"
    assert m["header"]["locality"] == m["header"]["issuer_name"] == "……"
    [other] = m["other_votes"]
    overrider = {"user_id": secretary.id, "name": secretary.user["full_name"], "role": "secretary"}
    assert other["quorum"] == {
        "required": 2,
        "present": 1,
        "met": False,
        "overridden": True,
        "overridden_by": overrider,
    }


# ---- saving ---------------------------------------------------------------------------------


def test_an_item_save_is_seen_by_everyone_and_in_the_document(held):
    w = held
    listener = w.member.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        saved = write(w)
        assert saved.status_code == 200, saved.text
        body = saved.json()
        assert body["minutes_version"] == 1
        assert (body["item"]["version"], body["item"]["discussion"], body["item"]["conclusion"]) == (
            1,
            DISCUSSION,
            CONCLUSION,
        )
        assert body["item"]["updated_by"] == w.secretary.id and body["item"]["votes"]
        _, event = listener.next_event("minutes:changed")
        assert event == {
            "meeting_id": w.meeting_id,
            "seq": event["seq"],
            "version": 1,
            "status": "draft",
            "agenda_item_id": w.item["id"],
            "item_version": 1,
        }
    finally:
        listener.close()
    m = w.member.ok("GET", minutes_url(w))
    assert m["version"] == 1 and m["items"][0]["discussion"] == DISCUSSION and m["updated_by"] == w.secretary.id
    # Only one field: the other stays.
    w.chair.ok("PUT", item_url(w), json={"base_version": 1, "conclusion": "Kết luận mới."})
    item = w.member.ok("GET", minutes_url(w))["items"][0]
    assert (item["discussion"], item["conclusion"], item["version"]) == (DISCUSSION, "Kết luận mới.", 2)


def test_different_items_never_conflict(held):
    w = held
    second = w.secretary.ok(
        "POST", f"/api/meetings/{w.meeting_id}/agenda", 201, json={"title": "Công tác phát triển đảng viên"}
    )
    assert write(w).status_code == 200
    # Started from version 0 of its own item while the minutes moved on: fine.
    other = w.chair.put(
        item_url(w, second["id"]), json={"base_version": 0, "discussion": "Kết nạp 2 quần chúng ưu tú."}
    )
    assert other.status_code == 200, other.text
    assert other.json()["minutes_version"] == 2 and other.json()["item"]["version"] == 1
    items = {i["agenda_item_id"]: i for i in w.member.ok("GET", minutes_url(w))["items"]}
    assert items[w.item["id"]]["conclusion"] == CONCLUSION
    assert items[second["id"]]["discussion"] == "Kết nạp 2 quần chúng ưu tú."


def test_the_whole_document_saves_against_its_version(held):
    w = held
    write(w)
    listener = w.member.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        put = w.secretary.ok(
            "PUT",
            minutes_url(w),
            json={
                "version": 1,
                "header": {
                    "issuer_parent": "Đảng bộ phường Phan Đình Phùng",
                    "issuer_name": "  Chi bộ   Khu phố 3 ",
                    "issuer_number": "12-BB/CB",
                    "locality": "Phường Phan Đình Phùng",
                    "chair_position": "Bí thư Chi bộ",
                    "secretary_id": w.member.id,
                },
                "items": [{"agenda_item_id": w.item["id"], "discussion": "Thảo luận đã sửa."}],
            },
        )
        _, event = listener.next_event("minutes:changed")
        assert (event["version"], event["agenda_item_id"]) == (2, None)
    finally:
        listener.close()
    assert put["version"] == 2
    assert put["header"]["issuer_name"] == "Chi bộ Khu phố 3" and put["header"]["issuer_number"] == "12-BB/CB"
    assert put["chair"]["position"] == "Bí thư Chi bộ"
    assert put["secretary"] == {"user_id": w.member.id, "name": "Lê Văn Ủy Viên", "position": ""}
    assert (put["items"][0]["discussion"], put["items"][0]["conclusion"], put["items"][0]["version"]) == (
        "Thảo luận đã sửa.",
        CONCLUSION,
        2,
    )
    # A document sent back as it was read is taken (read-only parts ignored); an empty field is the default again.
    again = dict(put, header={"issuer_name": "", "secretary_id": None})
    back = w.secretary.ok("PUT", minutes_url(w), json=again)
    assert back["version"] == 3 and back["header"]["issuer_name"] == "……"
    assert back["secretary"]["user_id"] == w.secretary.id
    # Nothing to change: no new version. The whole document sent back as GET gave it changes nothing either.
    assert w.secretary.ok("PUT", minutes_url(w), json={"version": 3, "items": []})["version"] == 3
    as_read = w.secretary.ok("GET", minutes_url(w))
    assert w.secretary.ok("PUT", minutes_url(w), json=as_read) == as_read


def test_a_stale_version_is_a_conflict_that_changes_nothing(held):
    w = held
    assert write(w).status_code == 200
    listener = w.member.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        stale = write(w, discussion="Bản của người đến sau.", base_version=0, as_user=w.chair)
        assert stale.status_code == 409 and error_code(stale) == "conflict"
        current = stale.json()["error"]["current"]
        assert current["minutes_version"] == 1
        assert (current["item"]["discussion"], current["item"]["version"]) == (DISCUSSION, 1)
        whole = w.chair.put(minutes_url(w), json={"version": 0, "header": {"issuer_number": "99"}})
        assert whole.status_code == 409 and error_code(whole) == "conflict"
        assert whole.json()["error"]["current"]["version"] == 1
        assert whole.json()["error"]["current"]["items"][0]["discussion"] == DISCUSSION
        # The same text again (an answer lost on the way back) is no conflict and no change.
        resent = write(w, base_version=0)
        assert resent.status_code == 200 and resent.json()["item"]["version"] == 1
        assert [e for e, _ in listener.drain()] == []
    finally:
        listener.close()
    m = w.member.ok("GET", minutes_url(w))
    assert (m["version"], m["header"]["issuer_number"], m["items"][0]["discussion"]) == (1, "", DISCUSSION)


def test_bad_input_changes_nothing(held, admin, cast):
    w = held
    elsewhere = w.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": "Cuộc họp khác", "starts_at": "2026-12-01T08:00:00+07:00", "participants": []},
    )
    foreign = w.secretary.ok("POST", f"/api/meetings/{elsewhere['id']}/agenda", 201, json={"title": "Mục khác"})
    cases = [
        (item_url(w, foreign["id"]), {"base_version": 0, "discussion": "x"}, 404, "not_found"),
        (item_url(w, 999999), {"base_version": 0, "discussion": "x"}, 404, "not_found"),
        (item_url(w), {"base_version": -1, "discussion": "x"}, 422, "invalid"),
        (item_url(w), {"discussion": "x"}, 422, "invalid"),
        (item_url(w), {"base_version": 0, "discussion": 7}, 422, "invalid"),
        (item_url(w), {"base_version": 0, "discussion": "x" * 100_001}, 422, "invalid"),
        (item_url(w), {"base_version": 0, "summary": "x"}, 422, "invalid"),
        (
            minutes_url(w),
            {"version": 0, "items": [{"agenda_item_id": foreign["id"], "discussion": "x"}]},
            422,
            "invalid",
        ),
        (
            minutes_url(w),
            {"version": 0, "items": [{"agenda_item_id": w.item["id"]}, {"agenda_item_id": w.item["id"]}]},
            422,
            "invalid",
        ),
        (minutes_url(w), {"version": 0, "header": {"chair_id": w.outsider.id}}, 422, "invalid"),
        (minutes_url(w), {"version": 0, "header": {"issuer_name": None}}, 422, "invalid"),
        (minutes_url(w), {"version": 0, "header": {"issuer_name": "x" * 201}}, 422, "invalid"),
        (minutes_url(w), {"version": 0, "bogus": 1}, 422, "invalid"),
        (minutes_url(w), [1, 2], 422, "invalid"),
    ]
    for url, body, status, code in cases:
        response = w.secretary.put(url, json=body)
        assert (response.status_code, error_code(response)) == (status, code), (url, body, response.text)
    assert (
        w.secretary.put(item_url(w), content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    m = w.secretary.ok("GET", minutes_url(w))
    assert m["version"] == 0 and m["items"][0]["discussion"] == "" and m["header"]["issuer_name"] == "……"
    assert w.secretary.get("/api/meetings/999999/minutes").status_code == 404


def test_an_agenda_item_with_minutes_text_stays(held):
    w = held
    empty = w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/agenda", 201, json={"title": "Mục sẽ bỏ"})
    w.secretary.ok("PUT", item_url(w, empty["id"]), json={"base_version": 0, "discussion": "Ghi tạm"})
    refused = w.secretary.delete(f"/api/agenda/{empty['id']}")
    assert refused.status_code == 409 and error_code(refused) == "conflict"
    # Cleared, it still stays: once the session has opened, the agenda is the record's.
    w.secretary.ok("PUT", item_url(w, empty["id"]), json={"base_version": 1, "discussion": "  "})
    assert w.secretary.delete(f"/api/agenda/{empty['id']}").status_code == 409
    assert [i["agenda_item_id"] for i in w.secretary.ok("GET", minutes_url(w))["items"]] == [w.item["id"], empty["id"]]


# ---- who may --------------------------------------------------------------------------------


def test_members_read_but_only_controllers_write(held, admin):
    w = held
    for reader in (w.member, w.member2, w.chair, admin):
        assert reader.get(minutes_url(w)).status_code == 200
        assert reader.get(f"{minutes_url(w)}.pdf").headers["content-type"] == "application/pdf"
    for writer in (w.member, w.member2):
        for response in (
            writer.put(item_url(w), json={"base_version": 0, "discussion": "Tôi sửa"}),
            writer.put(minutes_url(w), json={"version": 0, "header": {"issuer_number": "1"}}),
            writer.post(f"{minutes_url(w)}/finalize"),
        ):
            assert (response.status_code, error_code(response)) == (403, "forbidden")
    for path in ("", ".pdf", ".json"):
        assert w.outsider.get(minutes_url(w) + path).status_code == 404
    archivist = new_user(admin, "archivist")
    assert archivist.get(minutes_url(w)).status_code == 404  # not until the meeting is closed
    assert admin.put(item_url(w), json={"base_version": 0, "discussion": "Quản trị ghi"}).status_code == 200
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    assert archivist.ok("GET", minutes_url(w))["items"][0]["discussion"] == "Quản trị ghi"
    assert error_code(archivist.post(f"{minutes_url(w)}/finalize")) == "forbidden"
    assert w.secretary.ok("GET", minutes_url(w))["items"][0]["discussion"] == "Quản trị ghi"


def test_a_closed_meeting_refuses_edits_and_finalize_waits_for_the_close(held):
    w = held
    write(w)
    early = w.chair.post(f"{minutes_url(w)}/finalize")
    assert (early.status_code, error_code(early)) == (409, "conflict")
    assert w.chair.post(f"{minutes_url(w)}/confirm").status_code == 409  # nothing final to confirm
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    for response in (
        write(w, discussion="Sau giờ họp", base_version=1),
        w.secretary.put(minutes_url(w), json={"version": 1, "header": {"issuer_number": "2"}}),
    ):
        assert (response.status_code, error_code(response)) == (409, "meeting_closed")
    m = w.secretary.ok("GET", minutes_url(w))
    assert (m["version"], m["can_edit"], m["can_finalize"], m["meeting"]["closed_at"] is not None) == (
        1,
        False,
        True,
        True,
    )
    assert w.member.ok("GET", minutes_url(w))["can_finalize"] is False

    done = w.secretary.ok("POST", f"{minutes_url(w)}/finalize")
    assert done["status"] == "final" and len(done["sha256"]) == 64 and done["version"] == 2
    again = w.chair.post(f"{minutes_url(w)}/finalize")
    assert (again.status_code, error_code(again)) == (409, "conflict")
    for response in (
        write(w, discussion="Sửa sau khi hoàn tất", base_version=1),
        w.secretary.put(minutes_url(w), json={"version": 2, "header": {"issuer_number": "3"}}),
    ):
        assert (response.status_code, error_code(response)) == (409, "conflict")
    assert w.member.ok("GET", minutes_url(w))["items"][0]["discussion"] == DISCUSSION


# ---- final minutes: hashes, PDF, confirmations ------------------------------------------------


def test_the_recorded_hashes_match_what_is_served_and_what_the_archive_gets(held, server, server_db):
    w = held
    done = finalized(w)
    m = w.member.ok("GET", minutes_url(w))
    assert (m["status"], m["sha256"], m["finalized_by"]) == ("final", done["sha256"], w.chair.id)
    assert m["pdf_sha256"] == done["pdf_sha256"] and m["finalized_at"] == done["finalized_at"]

    data = w.member.get(f"{minutes_url(w)}.json")
    assert data.headers["content-type"] == "application/json"
    assert hashlib.sha256(data.content).hexdigest() == m["sha256"]
    record = json.loads(data.content)
    assert canonical_json(record) == data.content
    assert record["status"] == "final" and record["finalized_at"] == m["finalized_at"]
    assert record["items"][0]["conclusion"] == CONCLUSION and record["meeting"]["closed_at"]

    pdf = w.member.get(f"{minutes_url(w)}.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == m["pdf_sha256"]
    assert pdf.headers["etag"] == f'"{m["pdf_sha256"]}"'
    # What the archive exporter calls gives the very same bytes.
    with server_db.read() as session:
        assert canonical_json(minutes_record(session, w.meeting_id)) == data.content
        assert minutes_pdf_bytes(session, BlobStore(server.data_dir), w.meeting_id) == pdf.content


def test_the_pdf_reads_back_the_names_the_conclusion_and_the_vote(held, tmp_path):
    w = held
    write(w)
    draft = pdftotext(w.member.get(f"{minutes_url(w)}.pdf").content, tmp_path)
    assert "DỰ THẢO" in draft
    w.secretary.ok("POST", f"/api/meetings/{w.meeting_id}/close")
    done = w.secretary.ok("POST", f"{minutes_url(w)}/finalize")
    text = pdftotext(w.member.get(f"{minutes_url(w)}.pdf").content, tmp_path)
    flat = " ".join(text.split())
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN",
        "hội nghị Ban Chấp hành tháng 11",
        "Nguyễn Văn Chủ Trì",
        "Trần Thị Thư Ký",
        "Lê Văn Ủy Viên",
        "Phạm Thị Đảng Viên (Đi công tác)",
        "Có mặt 3/4 đồng chí",
        "Báo cáo tình hình",
        "Thông qua Báo cáo tình hình",
        "Đồng ý: 2; Không đồng ý: 1; Không biểu quyết: 0",
        "Nội dung không được thông qua",
        "giao đồng chí Chủ Trì hoàn chỉnh trước ngày 05/12/2026",
        "Đồng chí Ủy Viên đề nghị làm rõ kinh phí",
        f"Mã kiểm tra (SHA-256): {done['sha256']}",
    ):
        assert expected in flat, expected
    assert "DỰ THẢO" not in text


def test_the_chair_and_the_secretary_confirm_in_the_audit_chain(held, server_db):
    w = held
    done = finalized(w)
    assert w.member.post(f"{minutes_url(w)}/confirm").status_code == 403
    assert w.secretary.ok("GET", minutes_url(w))["can_confirm"] == ["secretary"]
    listener = w.member.socket()
    try:
        listener.join(w.meeting_id)
        listener.drain()
        by_chair = w.chair.ok("POST", f"{minutes_url(w)}/confirm")
        listener.next_event("minutes:changed", where=lambda d: d["status"] == "final")
    finally:
        listener.close()
    [chair] = by_chair["confirmations"]
    assert (chair["role"], chair["user_id"], chair["full_name"]) == ("chair", w.chair.id, "Nguyễn Văn Chủ Trì")
    again = w.chair.post(f"{minutes_url(w)}/confirm")
    assert (again.status_code, error_code(again)) == (409, "conflict")
    w.secretary.ok("POST", f"{minutes_url(w)}/confirm")
    m = w.member.ok("GET", minutes_url(w))
    assert [(c["role"], c["user_id"]) for c in m["confirmations"]] == [
        ("chair", w.chair.id),
        ("secretary", w.secretary.id),
    ]
    assert m["sha256"] == done["sha256"]  # confirming changes nothing of the record

    with server_db.read() as session:
        chain = export_chain(session, w.meeting_id)
    assert verify_chain(chain) == []
    actions = [(e["action"], e["actor_id"]) for e in chain]
    assert actions == [
        ("meeting.opened", w.secretary.id),
        ("vote.opened", w.secretary.id),
        ("vote.closed", w.secretary.id),
        ("meeting.closed", w.secretary.id),
        ("minutes.finalized", w.chair.id),
        ("minutes.confirmed", w.chair.id),
        ("minutes.confirmed", w.secretary.id),
    ]
    by_action = {(e["action"], e["actor_id"]): e for e in chain}
    final = by_action[("minutes.finalized", w.chair.id)]["details"]
    assert final == {"sha256": done["sha256"], "pdf_sha256": done["pdf_sha256"], "version": done["version"]}
    confirmed = by_action[("minutes.confirmed", w.secretary.id)]
    assert confirmed["details"] == {"role": "secretary", "sha256": done["sha256"]}
    assert m["confirmations"][1]["at"] == confirmed["at"]
    assert by_action[("vote.closed", w.secretary.id)]["details"]["tally"] == {"yes": 2, "no": 1, "abstain": 0}


def test_a_secret_vote_leaves_only_totals_in_the_audit_log(held, server_db):
    w = held
    vote = start(w.secretary, w.meeting_id, title="Bỏ phiếu kín", secret=True)
    for voter, choice in ((w.secretary, "yes"), (w.member, "no")):
        assert ballot(voter, vote["id"], choice).status_code == 201
    close(w.secretary, vote["id"])
    with server_db.read() as session:
        chain = export_chain(session, w.meeting_id)
    secret = [e for e in chain if e["details"].get("vote_id") == vote["id"]]
    assert [e["action"] for e in secret] == ["vote.opened", "vote.closed"]
    assert secret[1]["details"]["tally"] == {"yes": 1, "no": 1, "abstain": 0}
    # Nothing that could name a voter: the details hold these keys and no others.
    assert set(secret[0]["details"]) == {"vote_id", "title", "secret", "rule", "eligible"}
    assert set(secret[1]["details"]) == {"vote_id", "tally", "cast", "eligible", "passed"}
    assert {e["actor_id"] for e in secret} == {w.secretary.id}


# ---- search -----------------------------------------------------------------------------------


def test_search_finds_minutes_text_without_diacritics(held):
    w = held
    write(w, conclusion="Thống nhất đầu tư hệ thống camera giám sát khu phố.")
    hits = w.member.ok("GET", "/api/search", params={"q": "camera giam sat"})["hits"]
    minutes_hits = [h for h in hits if h["kind"] == "minutes"]
    assert [(h["meeting_id"], h["id"]) for h in minutes_hits] == [(w.meeting_id, w.meeting_id)]
    assert "camera giám sát" in minutes_hits[0]["snippet"]
    assert minutes_hits[0]["title"] == "Biên bản Hội nghị Ban Chấp hành tháng 11"
    assert w.outsider.ok("GET", "/api/search", params={"q": "camera giam sat"})["hits"] == []
    # The text that replaced it is what is found.
    write(w, conclusion="Tạm hoãn việc lắp đặt.", base_version=1)
    assert not [
        h for h in w.member.ok("GET", "/api/search", params={"q": "camera giam sat"})["hits"] if h["kind"] == "minutes"
    ]
    assert [h["kind"] for h in w.member.ok("GET", "/api/search", params={"q": "tam hoan lap dat"})["hits"]] == [
        "minutes"
    ]
