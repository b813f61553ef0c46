"""Documents: upload and ingest, page images, text layer, the original file."""

from __future__ import annotations

import hashlib
import io
import subprocess

import pymupdf
import pytest
from PIL import Image

from tests.conftest import World
from tests.support import ADMIN, ROOT, ServerProcess, corpus_pdf, login, make_pdf, run_cli


def pdfinfo_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=30).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def test_upload_records_pages_sizes_and_hash(world: World, tmp_path):
    path = make_pdf(tmp_path / "ke-hoach.pdf", pages=3, size=(842, 595))
    response = world.upload(path, title="Kế hoạch năm 2027")
    assert response.status_code == 201, response.text
    doc = response.json()
    assert doc["title"] == "Kế hoạch năm 2027"
    assert doc["page_count"] == 3 == pdfinfo_pages(path)
    assert doc["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc["pages"] == [{"width": 842.0, "height": 595.0}] * 3
    assert world.member.ok("GET", f"/api/documents/{doc['id']}") == doc
    # The original comes back byte for byte.
    original = world.member.get(f"/api/documents/{doc['id']}/file")
    assert original.headers["content-type"] == "application/pdf"
    assert original.content == path.read_bytes()


def test_title_defaults_to_file_name(world: World, tmp_path):
    doc = world.upload(make_pdf(tmp_path / "Báo cáo quý 4.pdf", pages=1)).json()
    assert doc["title"] == "Báo cáo quý 4"


def test_page_image_at_requested_width_with_etag(world: World):
    url = f"/api/documents/{world.document['id']}/pages/2"
    # A width is rounded up to the next of the server's widths (test_page_cache.py): 600 -> 768.
    response = world.member.get(url, params={"width": 600})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "JPEG" and image.width == 768
    assert abs(image.height - round(768 * 842 / 595)) <= 1
    etag = response.headers["etag"]
    again = world.member.get(url, params={"width": 768}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    # Another width is another image, with another tag.
    other = world.member.get(url, params={"width": 512})
    assert Image.open(io.BytesIO(other.content)).width == 512 and other.headers["etag"] != etag
    assert Image.open(io.BytesIO(world.member.get(url).content)).width == 1024  # the default


def test_page_image_refusals(world: World):
    base = f"/api/documents/{world.document['id']}/pages"
    assert world.member.get(f"{base}/6").json()["error"]["code"] == "not_found"
    assert world.member.get(f"{base}/0").status_code == 404
    assert world.member.get(f"{base}/1", params={"width": 5000}).status_code == 422
    assert world.member.get(f"{base}/1", params={"width": "wide"}).status_code == 422


def test_text_layer_in_normalised_coordinates(world: World, tmp_path):
    doc = world.upload(make_pdf(tmp_path / "t.pdf", pages=2, text="Bien ban")).json()
    words = world.member.ok("GET", f"/api/documents/{doc['id']}/pages/2/text")["words"]
    assert [w["text"] for w in words] == ["Bien", "ban", "trang", "2"]
    first = words[0]
    # insert_text((72, 100)): baseline at y=100 on an A4 page 595x842.
    assert first["x0"] == pytest.approx(72 / 595, abs=0.01)
    assert first["y1"] == pytest.approx(100 / 842, abs=0.02)
    assert all(0 <= w[k] <= 1 for w in words for k in ("x0", "y0", "x1", "y1"))


def test_vietnamese_text_layer_is_exact(world: World):
    report = ROOT / "agendas" / "demo" / "bao-cao-ket-qua-nhiem-vu-2026.pdf"
    doc = world.upload(report).json()
    words = [w["text"] for w in world.member.ok("GET", f"/api/documents/{doc['id']}/pages/1/text")["words"]]
    for expected in ("ĐẢNG", "CỘNG", "SẢN", "VIỆT", "NAM", "Đảng", "phường"):
        assert expected in words
    # And what poppler reads from the same page agrees.
    poppler = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(report), "-"], capture_output=True, text=True
    ).stdout
    assert all(w in poppler.split() for w in words if len(w) > 3)


def test_text_layer_follows_page_rotation(world: World, tmp_path):
    doc = world.upload(make_pdf(tmp_path / "r.pdf", pages=1, rotate=90)).json()
    assert doc["pages"] == [{"width": 842.0, "height": 595.0}]
    word = world.member.ok("GET", f"/api/documents/{doc['id']}/pages/1/text")["words"][0]
    # Rotated 90° clockwise: text written at the left runs down the right-hand side.
    assert word["x0"] > 0.8 and word["y0"] == pytest.approx(72 / 595, abs=0.02)
    image = Image.open(
        io.BytesIO(world.member.get(f"/api/documents/{doc['id']}/pages/1", params={"width": 512}).content)
    )
    assert image.width == 512 and image.height < image.width


def test_not_a_pdf_is_415(world: World, tmp_path):
    fake = tmp_path / "notes.pdf"
    fake.write_bytes("Đây không phải PDF".encode() * 100)
    response = world.upload(fake)
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media"
    assert "not a PDF" in response.json()["error"]["message"]


def test_encrypted_pdf_is_422_and_nothing_changes(world: World, tmp_path):
    path = tmp_path / "mat.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Mật")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    before = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    response = world.upload(path)
    assert response.status_code == 422
    assert "password" in response.json()["error"]["message"]
    assert world.member.ok("GET", f"/api/meetings/{world.meeting_id}") == before


def test_damaged_and_empty_pdfs_are_422(world: World, tmp_path):
    truncated = tmp_path / "hong.pdf"
    truncated.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    assert world.upload(truncated).status_code == 422
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    assert world.upload(empty).status_code in (415, 422)
    no_pages = tmp_path / "no-pages.pdf"
    no_pages.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    response = world.upload(no_pages)
    assert response.status_code == 422, response.text


def test_upload_refusals_by_role_and_state(world: World, tmp_path):
    path = make_pdf(tmp_path / "x.pdf", pages=1)
    assert world.upload(path, as_user=world.member).status_code == 403
    assert world.upload(path, as_user=world.outsider).status_code == 404
    assert world.upload(path, item_id=999999).status_code == 404
    no_file = world.secretary.post(f"/api/agenda/{world.item['id']}/documents", data={"title": "x"})
    assert no_file.status_code == 422
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    closed = world.upload(path)
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "meeting_closed"


@pytest.fixture(scope="module")
def small_server(tmp_path_factory):
    """A server configured with small limits, as an operator may set them."""
    data_dir = tmp_path_factory.mktemp("small")
    run_cli(
        "user", "add", ADMIN[0], "--role", "admin", "--full-name", "Admin", "--password", ADMIN[1], data_dir=data_dir
    )
    server = ServerProcess(data_dir, env={"MEETING_MAX_UPLOAD_MB": "1", "MEETING_MAX_PAGES": "4"}).start()
    yield server
    server.stop()


def test_over_the_size_or_page_limit_is_413(small_server, tmp_path):
    admin = login(small_server.base_url, *ADMIN)
    meeting = admin.ok("POST", "/api/meetings", 201, json={"title": "M", "starts_at": "2026-11-27T08:00:00+07:00"})
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
    url = f"/api/agenda/{item['id']}/documents"
    big = tmp_path / "big.pdf"
    big.write_bytes(b"%PDF-1.7\n" + b"0" * (2 * 1024 * 1024))
    with open(big, "rb") as handle:
        response = admin.post(url, files={"file": ("big.pdf", handle, "application/pdf")})
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    many = make_pdf(tmp_path / "many.pdf", pages=5)
    with open(many, "rb") as handle:
        response = admin.post(url, files={"file": ("many.pdf", handle, "application/pdf")})
    assert response.status_code == 413 and "5 pages" in response.json()["error"]["message"]
    assert admin.ok("GET", f"/api/meetings/{meeting['id']}")["agenda"][0]["documents"] == []
    # The server is still up and takes a good file.
    with open(make_pdf(tmp_path / "ok.pdf", pages=4), "rb") as handle:
        assert admin.post(url, files={"file": ("ok.pdf", handle, "application/pdf")}).status_code == 201


# Real-world files from several producers (PDF.js's test corpus).
PRODUCERS = {
    "bug1539074.pdf": "pdfTeX (LaTeX)",
    "bug1529502.pdf": "XeTeX (LaTeX)",
    "annotation-highlight-without-appearance.pdf": "LibreOffice Writer",
    "annotation-link-text-popup.pdf": "Microsoft Word",
    "issue12213.pdf": "Acrobat image conversion (scan)",
    "images_1bit_grayscale.pdf": "1-bit scanned image",
    "acroform_calculation_order.pdf": "AcroForm",
    "annotation-text-widget.pdf": "LiveCycle form",
    "issue14415.pdf": "rotated 180",
    "rotation.pdf": "rotated pages",
    "issue17069.pdf": "owner-password encryption (opens without a password)",
}


@pytest.mark.parametrize("name", sorted(PRODUCERS))
def test_real_world_pdfs_ingest_with_poppler_page_counts(world: World, name):
    path = corpus_pdf(name)
    response = world.upload(path)
    assert response.status_code == 201, f"{PRODUCERS[name]}: {response.text}"
    doc = response.json()
    assert doc["page_count"] == pdfinfo_pages(path), PRODUCERS[name]
    image = world.member.get(f"/api/documents/{doc['id']}/pages/1", params={"width": 512})
    assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).width == 512


@pytest.mark.parametrize(
    "name", ["scan-bad.pdf", "helloworld-bad.pdf", "poppler-395-0-fuzzed.pdf", "GHOSTSCRIPT-698804-1-fuzzed.pdf"]
)
def test_damaged_real_world_pdfs_never_break_the_server(world: World, name):
    response = world.upload(corpus_pdf(name))
    assert response.status_code in (201, 422), response.text
    if response.status_code == 201:
        pages = world.member.get(f"/api/documents/{response.json()['id']}/pages/1", params={"width": 200})
        assert pages.status_code in (200, 422)
    assert world.member.get("/api/me").status_code == 200
