"""Documents while preparing a meeting: rename, withdraw, replace with a new
version (annotations of unchanged pages move to it), all over real HTTP and
sockets against the real server."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pymupdf
from PIL import Image

from tests.annotation_support import ink, note, put
from tests.conftest import World

# ---- PDFs ----------------------------------------------------------------------------


def text_pdf(path: Path, pages: list[str]) -> Path:
    """One page per text (ASCII: the built-in font has no Vietnamese); "" makes a blank page."""
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        for n, line in enumerate(text.split("\n")):
            if line:
                page.insert_text((72, 100 + 18 * n), line, fontname="helv", fontsize=12)
    doc.save(path)
    doc.close()
    return path


def scan_pdf(path: Path, colors: list[tuple[int, int, int]]) -> Path:
    """Image-only pages, as a scanner makes them: no text at all."""
    doc = pymupdf.open()
    for color in colors:
        image = Image.new("RGB", (300, 420), color)
        for x in range(40, 260):  # a "line of writing" so the page is not one flat colour
            image.putpixel((x, 60), (20, 20, 20))
        data = io.BytesIO()
        image.save(data, "PNG")
        page = doc.new_page(width=595, height=842)
        page.insert_image(page.rect, stream=data.getvalue())
    doc.save(path)
    doc.close()
    return path


A = "Bao cao ket qua\nPhan I: tinh hinh chung"
B = "Phan II: nhiem vu\nKet qua dat duoc trong nam"
C = "Phan III: phuong huong\nNam 2027 tap trung"
NEW = "Trang bo sung\nSo lieu moi cap nhat"


# ---- helpers --------------------------------------------------------------------------


def upload(world: World, path: Path, title: str | None = None) -> dict:
    response = world.upload(path, title=title)
    assert response.status_code == 201, response.text
    return response.json()


def new_version(api, document_id: int, path: Path, title: str | None = None):
    with open(path, "rb") as handle:
        return api.post(
            f"/api/documents/{document_id}/versions",
            files={"file": (path.name, handle, "application/pdf")},
            data={"title": title} if title else None,
        )


def on(annotation: dict, document_id: int) -> dict:
    return {**annotation, "document_id": document_id}


def listed(api, document_id: int, page: int) -> set[str]:
    return {a["id"] for a in api.ok("GET", f"/api/documents/{document_id}/annotations", params={"page": page})}


def agenda_documents(api, world: World) -> list[dict]:
    meeting = api.ok("GET", f"/api/meetings/{world.meeting_id}")
    return [doc for item in meeting["agenda"] for doc in item["documents"]]


# ---- rename -----------------------------------------------------------------------------


def test_rename_shows_on_the_agenda_and_is_audited(world: World):
    doc_id = world.document["id"]
    sock = world.member.socket()
    try:
        sock.join(world.meeting_id)
        renamed = world.secretary.ok("PATCH", f"/api/documents/{doc_id}", json={"title": "  Báo cáo   chính trị  "})
        sock.next_event("agenda:changed")
    finally:
        sock.close()
    assert renamed["title"] == "Báo cáo chính trị"
    assert [d["title"] for d in agenda_documents(world.member, world)] == ["Báo cáo chính trị"]
    assert world.member.ok("GET", f"/api/documents/{doc_id}")["title"] == "Báo cáo chính trị"
    # The chair controls the meeting too.
    world.chair.ok("PATCH", f"/api/documents/{doc_id}", json={"title": "Báo cáo của Ban Chấp hành"})
    # Found by its new title.
    hits = world.member.ok("GET", "/api/search", params={"q": "Ban Chấp hành"})
    assert any(hit["id"] == doc_id and hit["title"] == "Báo cáo của Ban Chấp hành" for hit in hits["hits"])


def test_rename_refusals(world: World):
    doc_id = world.document["id"]
    assert world.member.patch(f"/api/documents/{doc_id}", json={"title": "X"}).status_code == 403
    assert world.outsider.patch(f"/api/documents/{doc_id}", json={"title": "X"}).status_code == 404
    blank = world.secretary.patch(f"/api/documents/{doc_id}", json={"title": "   "})
    assert blank.status_code == 422
    assert world.secretary.patch(f"/api/documents/{doc_id}", json={"title": "x" * 501}).status_code == 422
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    closed = world.secretary.patch(f"/api/documents/{doc_id}", json={"title": "Muộn rồi"})
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "meeting_closed"
    assert world.member.ok("GET", f"/api/documents/{doc_id}")["title"] == world.document["title"]


# ---- withdraw ---------------------------------------------------------------------------


def test_withdrawn_document_leaves_the_agenda_stays_readable_and_in_the_archive(world: World, tmp_path):
    kept = upload(world, text_pdf(tmp_path / "giu-lai.pdf", [A]), title="Tờ trình giữ lại")
    doc_id = world.document["id"]
    sock = world.member.socket()
    try:
        shared = put(sock, world, ink(world, page=2, visibility="shared"))
        assert shared["ok"], shared
        sock.join(world.meeting_id)
        assert world.member.delete(f"/api/documents/{doc_id}").status_code == 403
        response = world.secretary.delete(f"/api/documents/{doc_id}")
        assert response.status_code == 204, response.text
        sock.next_event("agenda:changed")
    finally:
        sock.close()
    assert [d["id"] for d in agenda_documents(world.member, world)] == [kept["id"]]
    # Still readable, with its annotations, by whoever sees the meeting.
    doc = world.member.ok("GET", f"/api/documents/{doc_id}")
    assert doc["withdrawn_at"] and doc["replaced_by_id"] is None
    assert world.member.get(f"/api/documents/{doc_id}/pages/1").status_code == 200
    assert world.member.get(f"/api/documents/{doc_id}/file").status_code == 200
    assert listed(world.member, doc_id, 2) == {shared["annotation"]["id"]}
    assert world.outsider.get(f"/api/documents/{doc_id}").status_code == 404
    # Withdrawn is final: no rename, no new version, no second withdrawal.
    again = world.secretary.delete(f"/api/documents/{doc_id}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "document_withdrawn"
    assert world.secretary.patch(f"/api/documents/{doc_id}", json={"title": "X"}).status_code == 409
    # On the record: the archive has it, marked, with its shared annotations.
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    archive = world.secretary.get(f"/api/meetings/{world.meeting_id}/archive.zip")
    assert archive.status_code == 200, archive.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = z.namelist()
        withdrawn = [n for n in names if n.startswith("documents/") and "-withdrawn-" in n]
        assert len(withdrawn) == 1 and withdrawn[0].startswith(f"documents/01-{doc_id}-withdrawn-")
        assert any(n.startswith(f"documents/01-{kept['id']}-") for n in names)
        off = json.loads(z.read("documents-off-agenda.json"))
        assert [(d["id"], d["status"], d["path"]) for d in off] == [(doc_id, "withdrawn", withdrawn[0])]
        assert any(n.startswith(f"annotations/01-{doc_id}-withdrawn-") for n in names)
        audit = [json.loads(line) for line in z.read("audit.jsonl").decode().splitlines()]
        assert any(e["action"] == "document.withdrawn" and e["details"]["document_id"] == doc_id for e in audit)


def test_withdrawing_what_the_presenter_shows_is_refused_in_session(world: World):
    doc_id = world.document["id"]
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    sock = world.secretary.socket()
    try:
        sock.join(world.meeting_id)
        ack = sock.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc_id, "page": 2})
        assert ack["ok"], ack
    finally:
        sock.close()
    refused = world.secretary.delete(f"/api/documents/{doc_id}")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "document_presented"
    assert [d["id"] for d in agenda_documents(world.member, world)] == [doc_id]


# ---- new versions -------------------------------------------------------------------------


def test_new_version_moves_annotations_of_unchanged_pages(world: World, tmp_path):
    """v1: A B C. v2: A NEW B C' — a page inserted before B, C changed.
    A's and B's annotations (every owner, private and shared) move, to pages 1
    and 3; C's stay on the old version, which stays readable."""
    old = upload(world, text_pdf(tmp_path / "bao-cao-v1.pdf", [A, B, C]), title="Báo cáo tổng kết")
    member, member2 = world.member.socket(), world.member2.socket()
    try:
        a_private = put(member, world, on(note(world, page=1, visibility="private"), old["id"]))
        a_shared = put(member2, world, on(ink(world, page=1, visibility="shared"), old["id"]))
        b_shared = put(member, world, on(ink(world, page=2, visibility="shared"), old["id"]))
        b_private2 = put(member2, world, on(note(world, page=2, visibility="private"), old["id"]))
        c_private = put(member, world, on(note(world, page=3, visibility="private"), old["id"]))
        c_shared = put(member2, world, on(ink(world, page=3, visibility="shared"), old["id"]))
        results = (a_private, a_shared, b_shared, b_private2, c_private, c_shared)
        assert all(r["ok"] for r in results), results
        ids = [r["annotation"]["id"] for r in results]
        member.join(world.meeting_id)
        v2_path = text_pdf(tmp_path / "bao-cao-v2.pdf", [A, NEW, B, C + "\nda sua doi"])
        response = new_version(world.secretary, old["id"], v2_path)
        assert response.status_code == 201, response.text
        new = response.json()
        # The member's tablet hears where each of its visible annotations went.
        moved_events = {}
        for _ in range(3):  # a_private (own), a_shared, b_shared; not member2's private one
            _, data = member.next_event("annotation:put")
            moved_events[data["annotation"]["id"]] = data["annotation"]
        member.next_event("agenda:changed")
    finally:
        member.close()
        member2.close()
    assert set(moved_events) == {ids[0], ids[1], ids[2]}
    assert moved_events[ids[2]]["document_id"] == new["id"] and moved_events[ids[2]]["page"] == 3

    assert new["version"] == 2 and new["title"] == "Báo cáo tổng kết" and new["page_count"] == 4
    assert new["previous_id"] == old["id"]
    assert (new["annotations_moved"], new["annotations_kept"]) == (4, 2)
    # On the new version: A's on page 1, B's on page 3 (a page was inserted before B).
    assert listed(world.member, new["id"], 1) == {ids[0], ids[1]}
    assert listed(world.member2, new["id"], 1) == {ids[1]}  # member's private note is member's alone
    assert listed(world.member2, new["id"], 3) == {ids[2], ids[3]}
    assert listed(world.member, new["id"], 2) == set() and listed(world.member, new["id"], 4) == set()
    # C changed: its annotations stay on the old version, which stays readable.
    assert listed(world.member, old["id"], 3) == {ids[4], ids[5]}
    assert listed(world.member, old["id"], 1) == set() and listed(world.member, old["id"], 2) == set()
    old_now = world.member.ok("GET", f"/api/documents/{old['id']}")
    assert old_now["replaced_by_id"] == new["id"] and old_now["version"] == 1
    assert world.member.get(f"/api/documents/{old['id']}/pages/3").status_code == 200
    # The agenda lists the new version in the old one's place, with the old one to open read-only.
    docs = agenda_documents(world.member, world)
    assert [d["id"] for d in docs] == [world.document["id"], new["id"]]
    assert docs[1]["version"] == 2
    assert docs[1]["versions"] == [{"id": old["id"], "version": 1, "title": "Báo cáo tổng kết"}]
    # The moved annotations are charged to their new page: their owner can still change them.
    sock = world.member.socket()
    try:
        moved = {**moved_events[ids[2]], "data": {**moved_events[ids[2]]["data"], "color": "#1976D2"}}
        changed = put(sock, world, moved)
        assert changed["ok"], changed
        stale = put(sock, world, on(ink(world, id=ids[2], page=2, visibility="shared"), old["id"]))
        assert not stale["ok"]  # it lives on the new version now
    finally:
        sock.close()


def test_third_version_and_titles(world: World, tmp_path):
    v1 = upload(world, text_pdf(tmp_path / "a.pdf", [A]), title="Dự thảo Nghị quyết")
    v2 = new_version(world.secretary, v1["id"], text_pdf(tmp_path / "b.pdf", [A, B]), title="Nghị quyết (sửa)")
    assert v2.status_code == 201, v2.text
    v2 = v2.json()
    v3 = new_version(world.chair, v2["id"], text_pdf(tmp_path / "c.pdf", [B]))
    assert v3.status_code == 201, v3.text
    v3 = v3.json()
    assert (v3["version"], v3["title"]) == (3, "Nghị quyết (sửa)")
    docs = agenda_documents(world.member, world)
    assert [d["id"] for d in docs] == [world.document["id"], v3["id"]]
    assert docs[1]["versions"] == [
        {"id": v2["id"], "version": 2, "title": "Nghị quyết (sửa)"},
        {"id": v1["id"], "version": 1, "title": "Dự thảo Nghị quyết"},
    ]
    # Only the newest version takes changes.
    stale = new_version(world.secretary, v1["id"], text_pdf(tmp_path / "d.pdf", [C]))
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "document_replaced"
    assert world.secretary.patch(f"/api/documents/{v2['id']}", json={"title": "X"}).status_code == 409
    assert world.secretary.delete(f"/api/documents/{v1['id']}").status_code == 409


def test_scanned_pages_move_only_when_the_image_is_the_same(world: World, tmp_path):
    white, red, green = (250, 250, 250), (200, 30, 30), (30, 160, 30)
    old = upload(world, scan_pdf(tmp_path / "scan-1.pdf", [white, red]), title="Bản chụp")
    sock = world.member.socket()
    try:
        same = put(sock, world, on(note(world, page=1), old["id"]))
        changed = put(sock, world, on(note(world, page=2), old["id"]))
        assert same["ok"] and changed["ok"]
    finally:
        sock.close()
    # v2: a new scan first, then the same white page, then a red page scanned anew (another image).
    response = new_version(world.secretary, old["id"], scan_pdf(tmp_path / "scan-2.pdf", [green, white, (201, 30, 30)]))
    assert response.status_code == 201, response.text
    new = response.json()
    assert (new["annotations_moved"], new["annotations_kept"]) == (1, 1)
    assert listed(world.member, new["id"], 2) == {same["annotation"]["id"]}
    assert listed(world.member, old["id"], 2) == {changed["annotation"]["id"]}


def test_new_version_refusals_change_nothing(world: World, tmp_path):
    old = upload(world, text_pdf(tmp_path / "v1.pdf", [A, B]), title="Tờ trình")
    sock = world.member.socket()
    try:
        kept = put(sock, world, on(note(world, page=1), old["id"]))
        assert kept["ok"]
    finally:
        sock.close()
    good = text_pdf(tmp_path / "v2.pdf", [A, B])
    assert new_version(world.member, old["id"], good).status_code == 403
    assert new_version(world.outsider, old["id"], good).status_code == 404
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF garbage" + b"\x00" * 100)
    refused = new_version(world.secretary, old["id"], broken)
    assert refused.status_code == 422, refused.text
    not_pdf = tmp_path / "ghi-chu.txt"
    not_pdf.write_text("không phải PDF")
    assert new_version(world.secretary, old["id"], not_pdf).status_code == 415
    # Nothing changed: the same document on the agenda, its annotation in place.
    docs = agenda_documents(world.member, world)
    assert [(d["id"], d["version"], d["versions"]) for d in docs][-1] == (old["id"], 1, [])
    assert world.member.ok("GET", f"/api/documents/{old['id']}")["replaced_by_id"] is None
    assert listed(world.member, old["id"], 1) == {kept["annotation"]["id"]}
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    closed = new_version(world.secretary, old["id"], good)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "meeting_closed"


def test_archive_keeps_old_versions_marked(world: World, tmp_path):
    old = upload(world, text_pdf(tmp_path / "v1.pdf", [A]), title="Báo cáo")
    new = new_version(world.secretary, old["id"], text_pdf(tmp_path / "v2.pdf", [B]))
    assert new.status_code == 201, new.text
    new = new.json()
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    archive = world.secretary.get(f"/api/meetings/{world.meeting_id}/archive.zip")
    assert archive.status_code == 200, archive.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        names = z.namelist()
        assert f"documents/01-{old['id']}-v1-replaced-Báo cáo.pdf" in names
        assert f"documents/01-{new['id']}-Báo cáo.pdf" in names
        assert z.read(f"documents/01-{old['id']}-v1-replaced-Báo cáo.pdf") == (tmp_path / "v1.pdf").read_bytes()
        off = json.loads(z.read("documents-off-agenda.json"))
        assert [(d["id"], d["status"], d["replaced_by_id"]) for d in off] == [(old["id"], "replaced", new["id"])]
        agenda = json.loads(z.read("agenda.json"))
        listed_docs = [d for item in agenda["agenda"] for d in item["documents"]]
        assert [v["id"] for d in listed_docs for v in d["versions"]] == [old["id"]]


def test_match_pages_aligns_inserted_removed_and_moved_pages():
    from meeting_server.documents.versions import match_pages

    assert match_pages(["a", "b", "c"], ["a", "x", "b", "c"]) == {1: 1, 2: 3, 3: 4}
    assert match_pages(["a", "b", "c"], ["b", "c"]) == {2: 1, 3: 2}
    assert match_pages(["a", "b", "c"], ["c", "a", "b"]) == {1: 2, 2: 3, 3: 1}
    assert match_pages(["a", None, "c"], ["a", None, "c"]) == {1: 1, 3: 3}  # no key: never sure
    # A page found twice, out of order: not sure, stays.
    assert match_pages(["d", "a", "d"], ["a", "d", "x", "d"]) == {2: 1, 3: 2}


def test_presenter_on_an_unchanged_page_follows_it_to_the_new_version(world: World, tmp_path):
    old = upload(world, text_pdf(tmp_path / "v1.pdf", [A, B, C]), title="Báo cáo")
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    sock = world.member.socket()
    try:
        sock.join(world.meeting_id)
        console = world.secretary.socket()
        try:
            ack = console.call("page:turn", {"meeting_id": world.meeting_id, "document_id": old["id"], "page": 2})
            assert ack["ok"], ack
        finally:
            console.close()
        sock.next_event("page:turned")
        response = new_version(world.secretary, old["id"], text_pdf(tmp_path / "v2.pdf", [A, NEW, B, C]))
        assert response.status_code == 201, response.text
        new = response.json()
        _, turned = sock.next_event("page:turned")
    finally:
        sock.close()
    # The page under discussion (B) is page 3 of the new version: the room stays on it.
    assert (turned["document_id"], turned["page"]) == (new["id"], 3)
    meeting = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    assert meeting["presenter"] == {"document_id": new["id"], "page": 3}
