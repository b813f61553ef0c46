"""Bad input over HTTP: a clear 4xx that changes nothing, never a 500.

Each test here pins a 500 a fuzzer (schemathesis, see test_fuzz_http.py)
found: ids past what the database holds, names and titles that the minutes
could not print, and Starlette's own errors losing their headers.
"""

from __future__ import annotations

import re

import pytest

from tests.support import make_pdf, run_cli

PAST_64_BITS = 2**63  # SQLite (and a BIGINT) hold 2**63 - 1 at most
NOT_IDS = (PAST_64_BITS, 2**70, 0, -1)


def _refused(response, status: int = 422, code: str = "invalid") -> dict:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    error = response.json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def _templated_paths(api) -> list[tuple[str, str]]:
    """Every (method, path) of the API whose path names an id or a page, from its own OpenAPI schema."""
    schema = api.ok("GET", "/openapi.json")
    return [
        (method.upper(), path) for path, operations in schema["paths"].items() if "{" in path for method in operations
    ]


@pytest.mark.parametrize("value", NOT_IDS)
def test_an_id_past_64_bits_or_below_1_is_invalid_on_every_path(admin, value):
    """Was: OverflowError binding 2**63 into SQLite, a 500 on every endpoint with an id."""
    for method, path in _templated_paths(admin):
        url = re.sub(r"\{(\w+)\}", lambda m: "1" if m.group(1) == "number" else str(value), path)
        response = admin.http.request(method, url, json={} if method in ("POST", "PUT", "PATCH") else None)
        assert response.status_code < 500, f"{method} {url}: {response.status_code} {response.text}"
        assert response.status_code in (400, 404, 405, 409, 415, 422), f"{method} {url}: {response.status_code}"
    _refused(admin.get("/api/meetings/9223372036854775808"))
    _refused(admin.get("/api/search", params={"q": "bien ban", "meeting_id": value}))


def test_ids_in_bodies_past_64_bits_are_invalid(world):
    w, huge = world, PAST_64_BITS
    meeting = {"title": "Họp", "starts_at": "2026-11-27T08:00:00+07:00", "location": "P1"}
    _refused(w.secretary.post("/api/meetings", json={**meeting, "participants": [{"user_id": huge}]}))
    _refused(
        w.secretary.post(f"/api/meetings/{w.meeting_id}/votes", json={"title": "Biểu quyết", "agenda_item_id": huge})
    )
    _refused(
        w.secretary.put(f"/api/meetings/{w.meeting_id}/minutes", json={"version": 0, "header": {"chair_id": huge}})
    )
    _refused(
        w.secretary.put(
            f"/api/meetings/{w.meeting_id}/minutes", json={"version": 0, "items": [{"agenda_item_id": huge}]}
        )
    )
    _refused(w.secretary.put(f"/api/meetings/{w.meeting_id}/attendance/{huge}", json={"status": "present"}))


def test_a_page_number_past_64_bits_is_not_found(world):
    """Was: the page's text looked the page up by (document, number) before checking the range: a 500."""
    document = world.document["id"]
    _refused(world.member.get(f"/api/documents/{document}/pages/{PAST_64_BITS}/text"), 404, "not_found")
    _refused(world.member.get(f"/api/documents/{document}/pages/{PAST_64_BITS}"), 404, "not_found")
    assert world.member.get(f"/api/documents/{document}/pages/5/text").status_code == 200


CONTROLS_ONLY = ("\x11", "\x00\x01\x7f", "\x80\x9f", " \u2028 ")


@pytest.mark.parametrize("blank", CONTROLS_ONLY)
def test_names_and_titles_of_control_characters_alone_are_refused(world, blank, tmp_path):
    """Was: accepted and stored; the minutes refuse a blank name or title, so the
    minutes PDF (and with it finalizing and the archive) was a 500 for good."""
    w = world
    _refused(w.secretary.post("/api/meetings", json={"title": blank, "starts_at": "2026-11-27T08:00:00+07:00"}))
    _refused(w.secretary.post(f"/api/meetings/{w.meeting_id}/agenda", json={"title": blank}))
    _refused(w.secretary.patch(f"/api/agenda/{w.item['id']}", json={"title": blank}))
    _refused(w.secretary.post(f"/api/meetings/{w.meeting_id}/votes", json={"title": blank}))
    _refused(
        w.secretary.post(f"/api/meetings/{w.meeting_id}/votes", json={"title": "Biểu quyết", "options": ["yes", blank]})
    )
    person = {"username": "blankname", "full_name": blank, "role": "member"}
    _refused(w.admin.post("/api/users", json={**person, "password": "password-123"}))
    _refused(w.admin.post("/api/users/batch", json={"password": "password-123", "users": [person]}))
    # A blank header line puts the field back to its default; a blank upload title falls back to the file's name.
    header = {"issuer_name": blank, "locality": blank, "subject": blank}
    saved = w.secretary.ok("PUT", f"/api/meetings/{w.meeting_id}/minutes", json={"version": 0, "header": header})
    assert all(saved["header"][field] for field in header), saved["header"]
    with open(make_pdf(tmp_path / "phu-luc.pdf", pages=1), "rb") as handle:
        files = {"file": ("Phụ lục.pdf", handle, "application/pdf")}
        uploaded = w.secretary.post(f"/api/agenda/{w.item['id']}/documents", files=files, data={"title": blank})
    assert uploaded.status_code == 201 and uploaded.json()["title"] == "Phụ lục", uploaded.text
    # Nothing blank got in: the minutes still print.
    pdf = w.secretary.get(f"/api/meetings/{w.meeting_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_names_and_titles_are_kept_as_the_minutes_print_them(world):
    """NFC, no control characters, whitespace collapsed; the length limit counts the kept text."""
    w = world
    decomposed = "Bie\u0302n ba\u0309n"  # "Biên bản" as some keyboards send it
    item = w.secretary.ok(
        "POST", f"/api/meetings/{w.meeting_id}/agenda", 201, json={"title": f"  {decomposed}\t\x0b quý\x11 III "}
    )
    assert item["title"] == "Biên bản quý III"
    vote = w.secretary.ok(
        "POST",
        f"/api/meetings/{w.meeting_id}/votes",
        201,
        json={"title": "Kết\nnạp", "options": ["Đồng\x00 ý", "Không"]},
    )
    assert vote["title"] == "Kết nạp" and vote["options"] == ["Đồng ý", "Không"]
    # U+0958 becomes two characters in NFC: 150 of them sent are 300 kept, over a name's 200.
    lengthened = "\u0958" * 150
    _refused(
        w.admin.post(
            "/api/users",
            json={"username": "nfclong", "password": "password-123", "full_name": lengthened, "role": "member"},
        )
    )
    put = w.secretary.put(
        f"/api/meetings/{w.meeting_id}/minutes", json={"version": 0, "header": {"issuer_name": lengthened}}
    )
    _refused(put)
    assert w.secretary.get(f"/api/meetings/{w.meeting_id}/minutes.pdf").status_code == 200


def test_a_wrong_method_names_the_allowed_ones(admin):
    """A 405 carries `Allow` (RFC 9110): our error handler used to drop Starlette's headers."""
    response = admin.http.request("TRACE", "/api/me")
    _refused(response, 405)
    assert response.headers["allow"] == "GET", response.headers


def test_import_refuses_a_title_of_control_characters(tmp_path):
    """The same hole in `meeting-server import`: one clear line, exit 1, not a traceback."""
    data = tmp_path / "data"
    run_cli(
        "user",
        "add",
        "thuky",
        "--role",
        "secretary",
        "--full-name",
        "Thư Ký",
        "--password",
        "password-123",
        data_dir=data,
    )
    folder = tmp_path / "hop"
    folder.mkdir()
    make_pdf(folder / "bao-cao.pdf", pages=1)
    agenda = 'starts_at = "2026-12-05T14:00:00+07:00"\nlocation = "P2"\n[[participants]]\nusername = "thuky"\n'
    for title, item in (('"\\u0011"', '"Báo cáo"'), ('"Họp Chi bộ"', '"\\u0000\\u007f"')):
        body = f'title = {title}\n{agenda}[[items]]\ntitle = {item}\n[[items.documents]]\nfile = "bao-cao.pdf"\n'
        (folder / "agenda.toml").write_text(body, encoding="utf-8")
        result = run_cli("import", str(folder), data_dir=data, check=False)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and "title" in result.stderr, result.stderr
