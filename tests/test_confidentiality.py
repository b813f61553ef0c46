"""Who may see and touch what, and what never leaks, across the whole server.

Each test plays the intruder against the real server over real HTTP and
sockets: outsiders, archivists before the close, a participant of one meeting
reaching into another by id, members and guests trying the controllers'
actions, a socket that is refused or logged out, another user's private
annotation by every path, a secret ballot through every error and export,
cross-site writes with a member's cookie, and hostile titles in file names.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import uuid
import zipfile
from urllib.parse import unquote

import httpx
import pymupdf
import pytest
import socketio

from tests.conftest import new_user
from tests.support import PASSWORD, Api, login, make_pdf, unique
from tests.votes_support import attend, ballot, close, draft, open_meeting, start

SCOPES = ("visible", "shared", "mine")


@pytest.fixture(scope="module")
def people(admin) -> dict[str, Api]:
    return {"archivist": new_user(admin, "archivist", "Lưu Trữ Viên"), "guest": new_user(admin, "member", "Khách Mời")}


def code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def refused(ack: dict) -> str:
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


def upload(api: Api, item_id: int, path, title: str | None = None) -> httpx.Response:
    with open(path, "rb") as handle:
        return api.post(
            f"/api/agenda/{item_id}/documents",
            files={"file": (path.name, handle, "application/pdf")},
            data={"title": title} if title else None,
        )


def note(document_id: int, text: str, visibility: str, annotation_id: str | None = None) -> dict:
    return {
        "id": annotation_id or str(uuid.uuid4()),
        "document_id": document_id,
        "page": 1,
        "kind": "note",
        "visibility": visibility,
        "data": {"x": 0.4, "y": 0.3, "text": text},
    }


def pdf_texts(data: bytes) -> str:
    """Every annotation's content and the page text of a PDF, as one string."""
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        return "\n".join(
            part
            for page in doc
            for part in [page.get_text(), *(annot.info.get("content", "") for annot in page.annots())]
        )


def archive_members(response: httpx.Response) -> dict[str, bytes]:
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# ---- another meeting, by any id ------------------------------------------------------------


@pytest.fixture
def other(world, people, tmp_path):
    """Meeting B, open, beside the world's meeting A: the world's chair and member2
    and a guest take part; the world's secretary, member and outsider do not.
    It holds an agenda item with a document, a shared annotation, minutes text,
    an open vote and a draft."""
    admin, guest, marker = world.admin, people["guest"], unique("Kinphong")
    meeting = admin.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp Ban Thường vụ (mật)",
            "starts_at": "2026-11-28T08:00:00+07:00",
            "location": "Phòng họp 2",
            "participants": [
                {"user_id": world.chair.id},
                {"user_id": world.member2.id},
                {"user_id": guest.id, "voting": False},
            ],
        },
    )
    mid = meeting["id"]
    item = admin.ok("POST", f"/api/meetings/{mid}/agenda", 201, json={"title": "Nhân sự"})
    response = upload(admin, item["id"], make_pdf(tmp_path / "mat.pdf", pages=2, text=f"Tai lieu {marker}"))
    assert response.status_code == 201, response.text
    document = response.json()
    open_meeting(admin, mid)
    attend(admin, mid, world.chair, world.member2)
    saved = world.chair.ok(
        "PUT",
        f"/api/meetings/{mid}/minutes/items/{item['id']}",
        json={"base_version": 0, "discussion": f"Thảo luận {marker}"},
    )
    vote = start(admin, mid, title="Bỏ phiếu kín", secret=True)
    pending = draft(admin, mid, title="Dự thảo chưa mở")
    tablet = world.member2.socket()
    try:
        tablet.join(mid)
        annotation = note(document["id"], f"Ghi chú {marker}", "shared")
        assert tablet.call("annotation:put", {"meeting_id": mid, "annotation": annotation})["ok"]
    finally:
        tablet.close()
    return {
        "id": mid,
        "item": item,
        "document": document,
        "vote": vote,
        "draft": pending,
        "annotation": annotation,
        "marker": marker,
        "minutes_version": saved["minutes_version"],
        "guest": guest,
    }


def reads_of(b: dict) -> list[str]:
    mid, doc, vote = b["id"], b["document"]["id"], b["vote"]["id"]
    return [
        f"/api/meetings/{mid}",
        f"/api/meetings/{mid}/votes",
        f"/api/votes/{vote}",
        f"/api/votes/{b['draft']['id']}",
        f"/api/votes/{vote}/receipts",
        f"/api/meetings/{mid}/minutes",
        f"/api/meetings/{mid}/minutes.pdf",
        f"/api/meetings/{mid}/minutes.json",
        f"/api/meetings/{mid}/archive.zip",
        f"/api/oparl/v1/meetings/{mid}",
        f"/api/documents/{doc}",
        f"/api/documents/{doc}/pages/1",
        f"/api/documents/{doc}/pages/1/text",
        f"/api/documents/{doc}/file",
        f"/api/documents/{doc}/annotations",
        *(f"/api/documents/{doc}/annotated.pdf?scope={s}" for s in SCOPES),
        *(f"/api/documents/{doc}/annotations.jsonld?scope={s}" for s in SCOPES),
    ]


def writes_of(b: dict) -> list[tuple[str, str, dict]]:
    mid, item, vote, pending = b["id"], b["item"]["id"], b["vote"]["id"], b["draft"]["id"]
    return [
        ("POST", f"/api/meetings/{mid}/agenda", {"json": {"title": "Chen vao"}}),
        ("PATCH", f"/api/agenda/{item}", {"json": {"title": "Doi ten"}}),
        ("DELETE", f"/api/agenda/{item}", {}),
        ("POST", f"/api/meetings/{mid}/open", {}),
        ("POST", f"/api/meetings/{mid}/close", {}),
        ("PUT", f"/api/meetings/{mid}/attendance/{b['guest'].id}", {"json": {"status": "absent", "reason": "x"}}),
        ("PATCH", f"/api/meetings/{mid}/quorum", {"json": {"numerator": 1, "denominator": 2}}),
        ("POST", f"/api/meetings/{mid}/votes", {"json": {"title": "Chen vao"}}),
        ("PATCH", f"/api/votes/{pending}", {"json": {"title": "Doi ten"}}),
        ("DELETE", f"/api/votes/{pending}", {}),
        ("POST", f"/api/votes/{pending}/open", {"json": {"override_quorum": True}}),
        ("POST", f"/api/votes/{vote}/close", {}),
        ("POST", f"/api/votes/{vote}/ballot", {"json": {"choice": "yes"}}),
        (
            "PUT",
            f"/api/meetings/{mid}/minutes",
            {"json": {"version": b["minutes_version"], "header": {"subject": "x"}}},
        ),
        ("PUT", f"/api/meetings/{mid}/minutes/items/{item}", {"json": {"base_version": 1, "discussion": "x"}}),
        ("POST", f"/api/meetings/{mid}/minutes/finalize", {}),
        ("POST", f"/api/meetings/{mid}/minutes/confirm", {}),
    ]


def socket_pokes(b: dict) -> list[tuple[str, dict]]:
    mid = b["id"]
    return [
        ("meeting:join", {"meeting_id": mid}),
        ("meeting:join", {"meeting_id": mid, "since_seq": 0, "watch": True}),
        ("page:turn", {"meeting_id": mid, "document_id": b["document"]["id"], "page": 2}),
        ("annotation:put", {"meeting_id": mid, "annotation": note(b["document"]["id"], "x", "shared")}),
        (
            "annotation:put",
            {"meeting_id": mid, "annotation": {**b["annotation"], "data": {"x": 0.1, "y": 0.1, "text": "x"}}},
        ),
        ("annotation:delete", {"meeting_id": mid, "id": b["annotation"]["id"]}),
        ("vote:cast", {"meeting_id": mid, "vote_id": b["vote"]["id"], "choice": "yes"}),
    ]


def test_a_meeting_one_may_not_see_does_not_exist_by_any_path(world, other, people, tmp_path):
    """Outsiders, an archivist while the meeting is open, and participants of
    another meeting get 404 from every endpoint and socket event of meeting B."""
    b = other
    before = world.admin.ok("GET", f"/api/meetings/{b['id']}")
    intruders = {
        "outsider": world.outsider,
        "archivist": people["archivist"],
        "member of A": world.member,
        "secretary of A": world.secretary,
    }
    spare = make_pdf(tmp_path / "chen.pdf", pages=1)
    for who, api in intruders.items():
        for url in reads_of(b):
            response = api.get(url)
            assert response.status_code == 404 and code(response) == "not_found", (who, url, response.text)
        for method, url, kw in writes_of(b):
            response = api.http.request(method, url, **kw)
            assert response.status_code == 404 and code(response) == "not_found", (who, method, url, response.text)
        assert upload(api, b["item"]["id"], spare).status_code == 404, who
        # Lists and search leave it out as if it did not exist.
        assert b["id"] not in {m["id"] for m in api.ok("GET", "/api/meetings")}, who
        assert b["id"] not in {m["id"] for m in api.ok("GET", "/api/oparl/v1/meetings")["data"]}, who
        assert api.ok("GET", "/api/search", params={"q": b["marker"]})["hits"] == [], who
        sock = api.socket()
        try:
            for event, payload in socket_pokes(b):
                assert refused(sock.call(event, payload)) == "not_found", (who, event, payload)
            drawing = {
                "meeting_id": b["id"],
                "id": str(uuid.uuid4()),
                "document_id": b["document"]["id"],
                "page": 1,
                "start": 0,
                "points": [[0.1, 0.1, 0.5]],
                "color": "#D32F2F",
                "width": 0.004,
            }
            assert refused(sock.call("annotation:drawing", drawing)) in ("invalid", "not_found")
        finally:
            sock.close()
    # The search finds B's words for those who may see it: the refusals above are not vacuous.
    assert {hit["kind"] for hit in world.admin.ok("GET", "/api/search", params={"q": b["marker"]})["hits"]} == {
        "document",
        "minutes",
    }

    # From inside meeting A, B's objects are not A's to use.
    a, sec, mem = world.meeting_id, world.secretary, world.member
    console, tablet = sec.socket(), mem.socket()
    try:
        console.join(a)
        tablet.join(a)
        assert (
            refused(console.call("page:turn", {"meeting_id": a, "document_id": b["document"]["id"], "page": 1}))
            == "not_found"
        )
        assert (
            refused(
                tablet.call("annotation:put", {"meeting_id": a, "annotation": note(b["document"]["id"], "x", "shared")})
            )
            == "not_found"
        )
        assert refused(tablet.call("annotation:delete", {"meeting_id": a, "id": b["annotation"]["id"]})) == "not_found"
        assert (
            refused(tablet.call("vote:cast", {"meeting_id": a, "vote_id": b["vote"]["id"], "choice": "yes"}))
            == "not_found"
        )
    finally:
        console.close()
        tablet.close()
    assert (
        sec.put(
            f"/api/meetings/{a}/minutes/items/{b['item']['id']}", json={"base_version": 0, "discussion": "x"}
        ).status_code
        == 404
    )
    assert sec.put(f"/api/meetings/{a}/attendance/{b['guest'].id}", json={"status": "present"}).status_code == 404
    assert (
        code(sec.post(f"/api/meetings/{a}/votes", json={"title": "x", "agenda_item_id": b["item"]["id"]})) == "invalid"
    )
    version = sec.ok("GET", f"/api/meetings/{a}/minutes")["version"]
    foreign_item = {"version": version, "items": [{"agenda_item_id": b["item"]["id"], "discussion": "x"}]}
    assert code(sec.put(f"/api/meetings/{a}/minutes", json=foreign_item)) == "invalid"
    assert (
        code(sec.put(f"/api/meetings/{a}/minutes", json={"version": version, "header": {"chair_id": b["guest"].id}}))
        == "invalid"
    )

    # And nothing of B changed.
    after = world.admin.ok("GET", f"/api/meetings/{b['id']}")
    for key in ("status", "agenda", "attendance", "quorum", "presenter"):
        assert after[key] == before[key], key
    votes = {v["id"]: v for v in world.admin.ok("GET", f"/api/meetings/{b['id']}/votes")}
    assert (votes[b["vote"]["id"]]["status"], votes[b["vote"]["id"]]["cast"]) == ("open", 0)
    assert (votes[b["draft"]["id"]]["status"], votes[b["draft"]["id"]]["title"]) == ("draft", "Dự thảo chưa mở")
    minutes = world.admin.ok("GET", f"/api/meetings/{b['id']}/minutes")
    assert minutes["version"] == b["minutes_version"] and minutes["items"][0]["discussion"].startswith("Thảo luận")
    assert [a["id"] for a in world.admin.ok("GET", f"/api/documents/{b['document']['id']}/annotations")] == [
        b["annotation"]["id"]
    ]


def test_members_guests_and_archivists_may_look_but_not_steer(world, other, people, tmp_path):
    """Participants without control get 403 for the controllers' actions; a guest
    gets 403 for a ballot; an archivist reads a closed meeting and changes nothing."""
    b, member = other, world.member2  # member2 takes part in B without controlling it
    for method, url, kw in writes_of(b):
        if url.endswith(("/ballot", "/confirm")):
            continue
        response = member.http.request(method, url, **kw)
        assert response.status_code == 403 and code(response) == "forbidden", (method, url, response.text)
    assert code(upload(member, b["item"]["id"], make_pdf(tmp_path / "x.pdf", pages=1))) == "forbidden"
    assert code(member.get(f"/api/meetings/{b['id']}/archive.zip")) == "forbidden"
    # A draft stays the controllers': members neither see it nor its receipts.
    assert member.get(f"/api/votes/{b['draft']['id']}").status_code == 404
    assert member.get(f"/api/votes/{b['draft']['id']}/receipts").status_code == 404
    assert [v["id"] for v in member.ok("GET", f"/api/meetings/{b['id']}/votes")] == [b["vote"]["id"]]
    guest = b["guest"]
    assert code(ballot(guest, b["vote"]["id"], "yes")) == "forbidden"
    sockets = {who: api.socket() for who, api in (("member", member), ("guest", guest))}
    try:
        for sock in sockets.values():
            sock.join(b["id"])
        assert (
            refused(
                sockets["member"].call(
                    "page:turn", {"meeting_id": b["id"], "document_id": b["document"]["id"], "page": 2}
                )
            )
            == "forbidden"
        )
        assert (
            refused(
                sockets["guest"].call("vote:cast", {"meeting_id": b["id"], "vote_id": b["vote"]["id"], "choice": "yes"})
            )
            == "forbidden"
        )
        # Someone else's shared annotation stays theirs.
        taken = {**b["annotation"], "data": {"x": 0.1, "y": 0.1, "text": "sửa trộm"}}
        assert (
            refused(sockets["guest"].call("annotation:put", {"meeting_id": b["id"], "annotation": taken}))
            == "forbidden"
        )
        assert (
            refused(sockets["guest"].call("annotation:delete", {"meeting_id": b["id"], "id": b["annotation"]["id"]}))
            == "forbidden"
        )
    finally:
        for sock in sockets.values():
            sock.close()
    assert world.admin.ok("GET", f"/api/votes/{b['vote']['id']}")["cast"] == 0

    # Closed: the archivist reads the record, and only reads it.
    close(world.admin, b["vote"]["id"])
    world.admin.ok("POST", f"/api/meetings/{b['id']}/close")
    archivist = people["archivist"]
    for url in reads_of(b):
        # Everything of the record; the draft that never opened stays the controllers'.
        expected = 404 if url.endswith(f"/votes/{b['draft']['id']}") else 200
        assert archivist.get(url).status_code == expected, url
    for method, url, kw in writes_of(b):
        # Not a voter, and the minutes are not final: those two say so; the rest is forbidden.
        expected = {"/ballot": "meeting_closed", "/confirm": "conflict"}.get(url[url.rfind("/") :], "forbidden")
        response = archivist.http.request(method, url, **kw)
        assert code(response) == expected, (method, url, response.text)
    assert world.admin.ok("GET", f"/api/meetings/{b['id']}/minutes")["version"] == b["minutes_version"]


# ---- sockets and their rooms ---------------------------------------------------------------


def test_a_refused_join_hears_nothing_even_while_the_meeting_is_busy(world, people):
    """A refused meeting:join used to enter the room before the check, and
    heard everything sent while it waited for the meeting's lock."""
    w = world
    open_meeting(w.secretary, w.meeting_id)
    console = w.secretary.socket()
    intruders = [w.outsider.socket(), people["archivist"].socket()]
    turns = 40
    try:
        console.join(w.meeting_id)

        def turn_pages():
            for number in range(turns):
                ack = console.call(
                    "page:turn", {"meeting_id": w.meeting_id, "document_id": w.document["id"], "page": 1 + number % 5}
                )
                assert ack["ok"], ack

        turner = threading.Thread(target=turn_pages)
        turner.start()
        attempts = 0
        while turner.is_alive():
            for sock in intruders:
                assert (
                    refused(sock.call("meeting:join", {"meeting_id": w.meeting_id, "watch": attempts % 2 == 1}))
                    == "not_found"
                )
            attempts += 1
        turner.join()
        # The last turn is committed and sent: whatever reached an intruder has arrived.
        console.call("page:turn", {"meeting_id": w.meeting_id, "document_id": w.document["id"], "page": 1})
        for sock in intruders:
            heard = [event for event, _ in sock.drain(0.3)]
            assert heard == [], heard
    finally:
        console.close()
        for sock in intruders:
            sock.close()


def test_leaving_or_logging_out_ends_what_a_socket_hears(world):
    w = world
    open_meeting(w.secretary, w.meeting_id)
    fresh = login(w.member.base_url, w.member.user["username"], PASSWORD)  # its own session, to log out
    console, leaver, tablet = w.secretary.socket(), w.member2.socket(), fresh.socket()
    try:
        console.join(w.meeting_id)
        leaver.join(w.meeting_id)
        tablet.join(w.meeting_id)
        assert leaver.call("meeting:leave", {"meeting_id": w.meeting_id}) == {"ok": True}
        fresh.ok("POST", "/api/auth/logout", 204)
        # The logout disconnects the session's socket before it answers.
        disconnected = threading.Event()
        threading.Thread(target=lambda: (tablet.client.wait(), disconnected.set()), daemon=True).start()
        assert disconnected.wait(10), "the logged-out socket is still connected"
        console.call("page:turn", {"meeting_id": w.meeting_id, "document_id": w.document["id"], "page": 3})
        console.next_event("page:turned", where=lambda e: e["page"] == 3)
        assert [e for e, _ in leaver.drain(0.3) if e == "page:turned"] == []
        assert [e for e, _ in tablet.drain(0.1) if e == "page:turned"] == []
        assert fresh.get("/api/me").status_code == 401
        with pytest.raises(socketio.exceptions.ConnectionError):
            fresh.socket()
        # Other sessions of the same user live on.
        assert w.member.ok("GET", "/api/me")["id"] == w.member.id
    finally:
        for sock in (console, leaver, tablet):
            sock.close()


# ---- private annotations -------------------------------------------------------------------


def test_another_users_private_annotation_never_shows_by_any_path(world, people):
    w = world
    mid, doc = w.meeting_id, w.document["id"]
    marks = {name: unique(name) for name in ("unshared", "private", "deleted")}
    open_meeting(w.secretary, mid)
    owner, other = w.member.socket(), w.member2.socket()
    try:
        owner.join(mid)
        other.join(mid)
        unshared = note(doc, f"Lúc đầu chia sẻ {marks['unshared']}", "shared")
        assert owner.call("annotation:put", {"meeting_id": mid, "annotation": unshared})["ok"]
        taken_back = {
            **unshared,
            "visibility": "private",
            "data": {**unshared["data"], "text": f"Riêng {marks['unshared']}"},
        }
        assert owner.call("annotation:put", {"meeting_id": mid, "annotation": taken_back})["ok"]
        private = note(doc, f"Riêng tư {marks['private']}", "private")
        assert owner.call("annotation:put", {"meeting_id": mid, "annotation": private})["ok"]
        erased = note(doc, f"Sẽ xoá {marks['deleted']}", "shared")
        assert owner.call("annotation:put", {"meeting_id": mid, "annotation": erased})["ok"]
        assert owner.call("annotation:delete", {"meeting_id": mid, "id": erased["id"]})["ok"]
        # Live: the other tablet saw the shared ones come and go, and nothing private.
        live = []
        while (event := other.next_event())[1].get("id") != erased["id"]:
            live.append(event)
        assert ("annotation:deleted", unshared["id"]) in [(name, data.get("id")) for name, data in live]
        assert marks["private"] not in json.dumps(live)
    finally:
        owner.close()
        other.close()

    def leaks(text: str) -> list[str]:
        return [mark for mark in marks.values() if mark in text]

    def replayed(api: Api, watch: bool) -> str:
        sock = api.socket()
        try:
            ack = sock.call("meeting:join", {"meeting_id": mid, "since_seq": 0, "watch": watch})
        finally:
            sock.close()
        assert ack["ok"] and {"annotation:deleted"} <= {m["event"] for m in ack["missed"]}, ack
        return json.dumps(ack, ensure_ascii=False)

    # Replay from the start, on a tablet and on a hall screen (`watch`): what was shared and
    # taken back (or deleted) is not handed out again.
    for api in (w.member2, w.secretary, w.admin):
        for watch in (False, True):
            assert leaks(replayed(api, watch)) == [], (api.user["username"], watch)
    # The owner's own tablet gets their private notes back; a hall screen, even one logged in
    # as the owner, gets nobody's private events.
    own = replayed(w.member, watch=False)
    assert marks["private"] in own and marks["deleted"] not in own
    assert leaks(replayed(w.member, watch=True)) == []

    for api in (w.member2, w.secretary, w.admin):
        assert leaks(json.dumps(api.ok("GET", f"/api/documents/{doc}/annotations"), ensure_ascii=False)) == []
        for scope in SCOPES:
            assert leaks(pdf_texts(api.get(f"/api/documents/{doc}/annotated.pdf?scope={scope}").content)) == [], scope
            exported = api.get(f"/api/documents/{doc}/annotations.jsonld?scope={scope}")
            assert leaks(exported.text) == [] and exported.headers["cache-control"] == "no-store", scope
        for mark in marks.values():
            assert api.ok("GET", "/api/search", params={"q": mark})["hits"] == []
    # The owner's own exports do hold them: the checks above look in the right place.
    assert marks["private"] in pdf_texts(w.member.get(f"/api/documents/{doc}/annotated.pdf?scope=mine").content)
    assert marks["unshared"] in w.member.get(f"/api/documents/{doc}/annotations.jsonld?scope=mine").text

    w.secretary.ok("POST", f"/api/meetings/{mid}/close")
    for api in (w.secretary, w.admin, people["archivist"]):
        members = archive_members(api.get(f"/api/meetings/{mid}/archive.zip"))
        for name, data in members.items():
            text = pdf_texts(data) if name.endswith(".pdf") else data.decode("utf-8", errors="replace")
            assert leaks(text) == [], name
    archivist = people["archivist"]
    assert leaks(json.dumps(archivist.ok("GET", f"/api/documents/{doc}/annotations"), ensure_ascii=False)) == []


# ---- secret ballots ------------------------------------------------------------------------


def test_no_answer_error_log_or_export_ties_a_secret_choice_to_a_voter(world, server, people):
    w = world
    mid = w.meeting_id
    options = [unique("TanThanh"), unique("PhanDoi"), unique("KhongBQ")]
    open_meeting(w.secretary, mid)
    attend(w.secretary, mid, w.secretary, w.chair, w.member, w.member2)
    vote_id = start(w.secretary, mid, title="Bầu kín", secret=True, options=options)["id"]
    stray = unique("LuaChonLa")
    tablet = w.member2.socket()
    said = []
    try:
        tablet.join(mid)
        said.append(ballot(w.member, vote_id, options[1]))
        # A second ballot, a choice that is no option, one too long: none echoes what was chosen.
        said.append(ballot(w.member, vote_id, options[0]))
        said.append(ballot(w.chair, vote_id, stray))
        said.append(ballot(w.chair, vote_id, stray * 20))
        said.append(ballot(w.chair, vote_id, options[2], receipt_hash=stray))
        acks = [
            tablet.call("vote:cast", {"meeting_id": mid, "vote_id": vote_id, "choice": options[2]}),
            tablet.call("vote:cast", {"meeting_id": mid, "vote_id": vote_id, "choice": options[0]}),
            tablet.call("vote:cast", {"meeting_id": mid, "vote_id": vote_id, "choice": stray}),
            tablet.call("vote:cast", {"meeting_id": mid, "vote_id": vote_id, "choice": stray * 20}),
        ]
        assert ballot(w.chair, vote_id, options[0]).status_code == 201
        heard_before_close = tablet.drain(0.3)
    finally:
        tablet.close()
    assert [r.status_code for r in said] == [201, 409, 422, 422, 422]
    assert code(said[1]) == "already_voted"
    assert [a["ok"] for a in acks] == [True, False, False, False] and refused(acks[1]) == "already_voted"
    errors = json.dumps([r.json() for r in said[1:]] + acks[1:], ensure_ascii=False)
    assert [x for x in (*options, stray) if x in errors] == []
    assert [x for x in (*options, stray) if x in json.dumps(heard_before_close, ensure_ascii=False)] == []
    # The voter's own view says that they voted, never what.
    own = w.member.ok("GET", f"/api/votes/{vote_id}")
    assert own["voted"] is True and own["tally"] is None and own["ballots"] is None

    closed = close(w.secretary, vote_id)
    assert closed["tally"] == {options[0]: 1, options[1]: 1, options[2]: 1} and closed["ballots"] is None
    minutes = w.member.ok("GET", f"/api/meetings/{mid}/minutes")
    [entry] = [v for v in minutes["other_votes"] if v["id"] == vote_id]
    assert set(entry) == {
        "id",
        "title",
        "secret",
        "rule",
        "eligible",
        "cast",
        "passed",
        "opened_at",
        "closed_at",
        "results",
        "quorum",
        "attending",  # how many attended when it opened (issue 12): a count, no voter
    }
    w.secretary.ok("POST", f"/api/meetings/{mid}/close")
    members = archive_members(w.admin.get(f"/api/meetings/{mid}/archive.zip"))
    assert f"ballots/vote-{vote_id}.csv" not in members
    receipts = members[f"ballots/vote-{vote_id}-receipts.csv"].decode("utf-8-sig").split()
    assert receipts[0] == "receipt_sha256" and len(receipts) == 4 and all(len(r) == 64 for r in receipts[1:])
    for name, data in members.items():
        text = data.decode("utf-8", errors="replace")
        if name in ("votes.csv", "minutes.json", "audit.jsonl", "audit.csv"):
            continue  # the tally names every option; checked below
        if name.endswith(".pdf"):
            continue
        assert [x for x in (*options, stray) if x in text] == [], name
    audit = [json.loads(line) for line in members["audit.jsonl"].decode().splitlines()]
    vote_entries = [e for e in audit if e["details"].get("vote_id") == vote_id]
    assert [e["action"] for e in vote_entries] == ["vote.opened", "vote.closed"]
    assert all("choice" not in json.dumps(e) and "user_id" not in e["details"] for e in vote_entries)
    # audit.csv is the same entries for people (local time, the actor's name): the same
    # tally, and no row ties a voter to a choice either.
    audit_rows = list(csv.DictReader(io.StringIO(members["audit.csv"].decode("utf-8-sig"))))
    assert [(int(r["seq"]), r["action"], json.loads(r["details"])) for r in audit_rows] == [
        (e["seq"], e["action"], e["details"]) for e in audit
    ]
    vote_rows = [r for r in audit_rows if json.loads(r["details"]).get("vote_id") == vote_id]
    assert [r["action"] for r in vote_rows] == ["vote.opened", "vote.closed"]
    assert all("choice" not in json.dumps(r) and "user_id" not in json.loads(r["details"]) for r in vote_rows)
    assert stray not in members["audit.csv"].decode("utf-8-sig")
    assert stray not in members["minutes.json"].decode() and stray not in members["votes.csv"].decode("utf-8-sig")
    record = json.loads(members["minutes.json"])
    assert "ballots" not in json.dumps(record)
    # Nor did the server write a choice (or the stray one) into its log.
    log = server.output()
    assert [x for x in (*options, stray) if x in log] == []


# ---- minutes -------------------------------------------------------------------------------


def test_members_cannot_write_minutes_and_final_ones_never_change(world):
    w = world
    mid, item = w.meeting_id, w.item["id"]
    w.secretary.ok(
        "PUT", f"/api/meetings/{mid}/minutes/items/{item}", json={"base_version": 0, "discussion": "Nội dung"}
    )
    version = w.member.ok("GET", f"/api/meetings/{mid}/minutes")["version"]
    for method, url, body in (
        ("PUT", f"/api/meetings/{mid}/minutes", {"version": version, "header": {"subject": "sửa"}}),
        ("PUT", f"/api/meetings/{mid}/minutes/items/{item}", {"base_version": 1, "discussion": "sửa"}),
        ("POST", f"/api/meetings/{mid}/minutes/finalize", None),
    ):
        response = w.member.http.request(method, url, json=body)
        assert response.status_code == 403 and code(response) == "forbidden", (url, response.text)
    w.secretary.ok("POST", f"/api/meetings/{mid}/close")
    final = w.chair.ok("POST", f"/api/meetings/{mid}/minutes/finalize")
    for api in (w.secretary, w.chair, w.admin):
        for method, url, body in (
            ("PUT", f"/api/meetings/{mid}/minutes", {"version": final["version"], "header": {"subject": "sửa"}}),
            ("PUT", f"/api/meetings/{mid}/minutes/items/{item}", {"base_version": 1, "discussion": "sửa"}),
            ("POST", f"/api/meetings/{mid}/minutes/finalize", None),
        ):
            response = api.http.request(method, url, json=body)
            assert response.status_code == 409 and code(response) == "conflict", (url, response.text)
    served = w.member.ok("GET", f"/api/meetings/{mid}/minutes")
    assert (served["status"], served["sha256"], served["pdf_sha256"]) == ("final", final["sha256"], final["pdf_sha256"])
    assert hashlib.sha256(w.member.get(f"/api/meetings/{mid}/minutes.json").content).hexdigest() == final["sha256"]
    assert hashlib.sha256(w.member.get(f"/api/meetings/{mid}/minutes.pdf").content).hexdigest() == final["pdf_sha256"]
    assert served["items"][0]["discussion"] == "Nội dung"


# ---- cross-site writes ---------------------------------------------------------------------


def test_cookie_writes_from_another_origin_are_refused(world, server):
    """SameSite=Lax keeps the cookie off cross-site requests, but not off another
    port or subdomain of the same site: the server checks the origin itself."""
    w = world
    base = server.base_url
    host = base.split("://", 1)[1]
    session = httpx.post(
        f"{base}/api/auth/login", json={"username": w.secretary.user["username"], "password": PASSWORD}
    )
    cookie = {"Cookie": f"meeting_session={session.cookies['meeting_session']}"}
    assert (
        "samesite=lax" in session.headers["set-cookie"].lower() and "httponly" in session.headers["set-cookie"].lower()
    )
    url = f"{base}/api/meetings/{w.meeting_id}/agenda"
    agenda_before = len(w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["agenda"])
    elsewhere = [
        {"Origin": "http://evil.example"},
        {"Origin": f"http://{host.split(':')[0]}:1"},  # same site, another port
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ]
    for headers in elsewhere:
        response = httpx.post(url, json={"title": "Giả mạo"}, headers={**cookie, **headers})
        assert response.status_code == 403 and code(response) == "forbidden", (headers, response.text)
        response = httpx.request("DELETE", f"{base}/api/agenda/{w.item['id']}", headers={**cookie, **headers})
        assert response.status_code == 403, headers
    # Nor can another page log a tablet into an account of its choosing.
    forged_login = httpx.post(
        f"{base}/api/auth/login",
        json={"username": w.member.user["username"], "password": PASSWORD},
        headers={"Origin": "http://evil.example"},
    )
    assert forged_login.status_code == 403 and "set-cookie" not in forged_login.headers
    assert len(w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["agenda"]) == agenda_before
    # Our own pages, programs without a browser, bearer tokens and plain reads pass.
    assert (
        httpx.post(
            url,
            json={"title": "Từ trang của mình"},
            headers={**cookie, "Origin": base, "Sec-Fetch-Site": "same-origin"},
        ).status_code
        == 201
    )
    assert httpx.post(url, json={"title": "Từ chương trình"}, headers=cookie).status_code == 201
    assert (
        httpx.post(
            url,
            json={"title": "Bằng token"},
            headers={"Authorization": f"Bearer {w.secretary.token}", "Origin": "http://evil.example"},
        ).status_code
        == 201
    )
    assert (
        httpx.get(
            f"{base}/api/meetings/{w.meeting_id}", headers={**cookie, "Origin": "http://evil.example"}
        ).status_code
        == 200
    )
    assert len(w.secretary.ok("GET", f"/api/meetings/{w.meeting_id}")["agenda"]) == agenda_before + 3


# ---- file names ----------------------------------------------------------------------------


def test_downloads_have_safe_names_and_no_shared_cache_keeps_them(world, tmp_path):
    """Titles with quotes, line breaks, slashes and Vietnamese make one clean
    Content-Disposition; no download is left for a shared proxy to keep (and an
    annotated PDF, which holds the caller's private notes, for no cache at all)."""
    w = world
    title = 'Báo "cáo"\r\nX-Injected: 1; filename=../../etc/passwd\\x'
    meeting = w.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": title, "starts_at": "2026-11-27T08:00:00+07:00", "location": "x", "participants": []},
    )
    item = w.secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": title})
    response = upload(w.secretary, item["id"], make_pdf(tmp_path / "x.pdf", pages=1), title=title)
    assert response.status_code == 201, response.text
    doc = response.json()["id"]
    urls = [
        f"/api/documents/{doc}/file",
        *(f"/api/documents/{doc}/annotated.pdf?scope={s}" for s in SCOPES),
        f"/api/meetings/{meeting['id']}/minutes.pdf",
    ]
    w.secretary.ok("POST", f"/api/meetings/{meeting['id']}/close")
    urls.append(f"/api/meetings/{meeting['id']}/archive.zip")
    for url in urls:
        response = w.secretary.get(url)
        assert response.status_code == 200, (url, response.text)
        assert not any(name.lower().startswith("x-injected") for name in response.headers), url
        wanted = "private" if url.endswith("/file") else "no-store"
        assert response.headers.get("cache-control") == wanted, url
        disposition = response.headers["content-disposition"]
        assert "\r" not in disposition and "\n" not in disposition, url
        kind, _, params = disposition.partition(";")
        assert kind in ("inline", "attachment"), disposition
        name = params.strip()
        if name.startswith("filename*=utf-8''"):
            name = unquote(name[len("filename*=utf-8''") :])
        else:
            assert name.startswith('filename="') and name.endswith('"') and name.count('"') == 2, disposition
            name = name[len('filename="') : -1]
        assert not any(ch in name for ch in '/\\"\r\n'), (url, name)
        if "/minutes.pdf" not in url:
            assert name.startswith(("Báo", "2026-11-27-Báo")), (url, name)
