"""The archive of a closed meeting, as the archivist downloads it, checked by
the real `verify-archive` command and by independent readers."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import zipfile

import pytest
from pypdf import PdfReader

from tests.annotation_support import ink, note, put
from tests.conftest import new_user
from tests.votes_support import attend, ballot, close, new_receipt, open_meeting, start

CONCLUSION = "Hội nghị thống nhất thông qua Báo cáo; giao Văn phòng Đảng ủy hoàn thiện."


@pytest.fixture
def recorded(world, admin):
    """A meeting held from start to end: annotations, a named and a secret vote, minutes, closed."""
    open_meeting(world.secretary, world.meeting_id)
    attend(world.secretary, world.meeting_id, world.chair, world.member, world.member2)
    sock = world.member.socket()
    try:
        shared = put(sock, world, ink(world, visibility="shared"))
        private = put(sock, world, note(world, visibility="private", text="Ghi chú riêng không được lộ"))
    finally:
        sock.close()
    assert shared["ok"] and private["ok"]
    named = start(world.secretary, world.meeting_id, title="Thông qua Báo cáo")
    for voter, choice in ((world.chair, "yes"), (world.member, "yes"), (world.member2, "no")):
        assert ballot(voter, named["id"], choice).status_code == 201
    close(world.secretary, named["id"])
    secret = start(world.secretary, world.meeting_id, title="Bầu Ban Kiểm tra", secret=True)
    receipts = {}
    for voter in (world.chair, world.member, world.member2):
        _nonce, digest = new_receipt()
        assert ballot(voter, secret["id"], "yes", receipt_hash=digest).status_code == 201
        receipts[voter.id] = digest
    close(world.secretary, secret["id"])
    world.secretary.ok(
        "PUT",
        f"/api/meetings/{world.meeting_id}/minutes/items/{world.item['id']}",
        json={"base_version": 0, "discussion": "Các đồng chí thảo luận sôi nổi.", "conclusion": CONCLUSION},
    )
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    final = world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/minutes/finalize")
    return {
        "shared": shared["annotation"],
        "private": private["annotation"],
        "named": named,
        "secret": secret,
        "receipts": receipts,
        "final": final,
    }


def verify_archive(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "meeting_server", "verify-archive", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def download(api, world, tmp_path):
    response = api.get(f"/api/meetings/{world.meeting_id}/archive.zip")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    path = tmp_path / "archive.zip"
    path.write_bytes(response.content)
    return path


def read_csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_archive_holds_the_whole_record_and_verifies(world, admin, recorded, tmp_path):
    archivist = new_user(admin, "archivist")
    path = download(archivist, world, tmp_path)
    result = verify_archive(path)
    assert result.returncode == 0, result.stderr
    assert "intact" in result.stdout

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        assert {f["path"] for f in manifest["files"]} == names - {"manifest.json"}
        # Minutes: the finalized ones, byte for byte what was hashed at finalize.
        assert (
            hashlib.sha256(archive.read("minutes.pdf")).hexdigest()
            == world.secretary.ok("GET", f"/api/meetings/{world.meeting_id}/minutes")["pdf_sha256"]
        )
        assert hashlib.sha256(archive.read("minutes.json")).hexdigest() == recorded["final"]["sha256"]
        minutes = json.loads(archive.read("minutes.json"))
        assert CONCLUSION in json.dumps(minutes, ensure_ascii=False)
        agenda = json.loads(archive.read("agenda.json"))
        assert agenda["agenda"][0]["title"] == world.item["title"]
        # The original document, byte for byte.
        [original] = [n for n in names if n.startswith("documents/")]
        assert archive.read(original) == world.secretary.get(f"/api/documents/{world.document['id']}/file").content
        # Shared annotations only, in the annotated PDF and the W3C JSON-LD.
        [annotated] = [n for n in names if n.startswith("annotations/") and n.endswith(".pdf")]
        pdf = PdfReader(io.BytesIO(archive.read(annotated)))
        subtypes = [a.get_object()["/Subtype"] for page in pdf.pages for a in page.get("/Annots", [])]
        assert subtypes == ["/Ink"]
        [jsonld] = [n for n in names if n.endswith(".jsonld")]
        text = archive.read(jsonld).decode()
        assert recorded["shared"]["id"] in text and recorded["private"]["id"] not in text
        assert "Ghi chú riêng" not in json.dumps([archive.read(n).decode("utf-8", "ignore") for n in names])
        # Votes: the named ballots by name; the secret one by receipts alone.
        votes = read_csv(archive, "votes.csv")
        assert votes[0][:5] == ["vote_id", "agenda_item", "title", "kind", "rule"]
        by_title = {row[2]: row for row in votes[1:]}
        assert by_title["Thông qua Báo cáo"][3] == "named"
        assert by_title["Bầu Ban Kiểm tra"][3] == "secret"
        named = read_csv(archive, f"ballots/vote-{recorded['named']['id']}.csv")
        assert sorted(named[1:]) == sorted(
            [
                [str(world.chair.id), "Nguyễn Văn Chủ Trì", "yes", "", ""],
                [str(world.member.id), "Lê Văn Ủy Viên", "yes", "", ""],
                [str(world.member2.id), "Phạm Thị Đảng Viên", "no", "", ""],
            ]
        )
        secret = read_csv(archive, f"ballots/vote-{recorded['secret']['id']}-receipts.csv")
        assert secret[0] == ["receipt_sha256"]
        assert sorted(r[0] for r in secret[1:]) == sorted(recorded["receipts"].values())
        attendance = read_csv(archive, "attendance.csv")
        assert attendance[0] == [
            "user_id",
            "full_name",
            "role",
            "voting",
            "status",
            "reason",
            "checked_in_at",
            "left_at",
        ]
        status = {row[0]: row[4] for row in attendance[1:]}
        assert {status[str(u.id)] for u in (world.chair, world.member, world.member2)} == {"present"}
        assert str(world.secretary.id) in status
        chain = [json.loads(line) for line in archive.read("audit.jsonl").decode().splitlines()]
        assert "minutes.finalized" in {entry["action"] for entry in chain}


def test_one_changed_byte_is_named_by_verify_archive(world, recorded, tmp_path):
    path = download(world.secretary, world, tmp_path)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    [original] = [n for n in members if n.startswith("documents/")]
    for victim in (original, "minutes.json", "attendance.csv"):
        tampered = tmp_path / "tampered.zip"
        with zipfile.ZipFile(tampered, "w") as archive:
            for name, data in members.items():
                if name == victim:
                    data = data[:-1] + bytes([data[-1] ^ 1])
                archive.writestr(name, data)
        result = verify_archive(tampered)
        assert result.returncode != 0
        assert victim in result.stderr


def test_who_may_export_and_when(world, admin, tmp_path):
    path = f"/api/meetings/{world.meeting_id}/archive.zip"
    archivist = new_user(admin, "archivist")
    # An open meeting has no archive yet, even for its secretary.
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    response = world.secretary.get(path)
    assert response.status_code == 409 and response.json()["error"]["code"] == "conflict"
    assert archivist.get(path).status_code == 404  # not closed: not the archivist's to see
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    for api, status in (
        (world.member, 403),
        (world.chair, 403),
        (world.outsider, 404),
        (archivist, 200),
        (admin, 200),
        (world.secretary, 200),
    ):
        assert api.get(path).status_code == status, api
    # Minutes not finalized: the archive carries the draft, printed in the print
    # pool, the same PDF the minutes page serves.
    with zipfile.ZipFile(io.BytesIO(archivist.get(path).content)) as archive:
        draft = archive.read("minutes.pdf")
    assert (
        draft.startswith(b"%PDF-")
        and draft == world.secretary.get(f"/api/meetings/{world.meeting_id}/minutes.pdf").content
    )


def test_formula_cells_are_escaped_in_attendance(world, admin, tmp_path):
    trap = new_user(admin, "member", '=HYPERLINK("http://x")')
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    # The trap is not a participant of the world meeting: make one where they are.
    meeting = world.secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Họp kiểm tra CSV",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "",
            "participants": [{"user_id": trap.id}],
        },
    )
    world.secretary.ok("POST", f"/api/meetings/{meeting['id']}/close")
    response = world.secretary.get(f"/api/meetings/{meeting['id']}/archive.zip")
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        rows = read_csv(archive, "attendance.csv")
    [row] = [r for r in rows[1:] if r[0] == str(trap.id)]
    assert row[1] == '\'=HYPERLINK("http://x")'


def test_oparl_points_at_the_final_minutes(world, recorded):
    body = world.member.ok("GET", f"/api/oparl/v1/meetings/{world.meeting_id}")
    assert body["meetingState"] == "completed" and body["end"]
    protocol = body["resultsProtocol"]
    assert protocol["type"] == "https://schema.oparl.org/1.1/File"
    path = protocol["accessUrl"].split("://", 1)[1].split("/", 1)[1]
    response = world.member.get("/" + path)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
