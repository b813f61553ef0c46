"""Ingest: every page is drawn once, within a budget, and a document whose
pages break it is refused; a large text layer goes to the database in short
transactions without passing whole through the server's main process."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from meeting_server.documents.widths import THUMBNAIL_WIDTH
from tests.conftest import World, start_server
from tests.slow_pdfs import dense_pdf, nested_forms_pdf
from tests.support import make_pdf


def test_pages_are_drawn_at_ingest_and_kept_in_the_cache(server, world: World, tmp_path):
    doc = world.upload(make_pdf(tmp_path / "seven.pdf", pages=7)).json()
    folder = server.data_dir / "cache" / "pages" / doc["sha256"][:2] / doc["sha256"]
    assert sorted(p.name for p in folder.glob("*.jpg")) == sorted(f"{n}-{THUMBNAIL_WIDTH}.jpg" for n in range(1, 8))
    thumbnail = world.member.get(f"/api/documents/{doc['id']}/pages/7", params={"width": THUMBNAIL_WIDTH})
    assert thumbnail.status_code == 200 and thumbnail.content == (folder / f"7-{THUMBNAIL_WIDTH}.jpg").read_bytes()


def test_a_pdf_of_deeply_nested_forms_is_refused_at_upload(server, world: World, tmp_path):
    before = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    # Each page draws 4**8 page-sized curves: minutes per view at a tablet's width.
    path = nested_forms_pdf(tmp_path / "nested.pdf", depth=8, pages=3)
    start = time.monotonic()
    response = world.upload(path)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "too_complex"
    assert "Page 1 " in error["message"]
    # Refused on the budget, not after drawing it all (generous: the page alone takes minutes).
    assert time.monotonic() - start < 60
    assert world.member.ok("GET", f"/api/meetings/{world.meeting_id}") == before
    # Nothing of it stays in the cache, and the server carries on.
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert not list((server.data_dir / "cache" / "pages" / sha[:2] / sha).glob("*"))
    assert world.upload(make_pdf(tmp_path / "fine.pdf", pages=2)).status_code == 201


@pytest.fixture(scope="module")
def chunky_server(tmp_path_factory):
    """Text layers written in chunks of 64 KB, so a modest document takes many."""
    process, admin = start_server(tmp_path_factory.mktemp("chunky"), env={"MEETING_TEXT_LAYER_CHUNK_KB": "64"})
    yield process, admin
    process.stop()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_large_text_layer_is_streamed_and_complete(chunky_server, tmp_path):
    server, admin = chunky_server
    meeting = admin.ok(
        "POST", "/api/meetings", 201, json={"title": "Công báo", "starts_at": "2026-11-27T08:00:00+07:00"}
    )
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
    url = f"/api/agenda/{item['id']}/documents"
    with open(make_pdf(tmp_path / "s.pdf", 1), "rb") as handle:  # warm up: the first upload starts the ingest worker
        admin.ok("POST", url, 201, files={"file": ("s.pdf", handle)})
    path = dense_pdf(tmp_path / "gazette.pdf", pages=400)
    # Reset the main process's peak memory, then ingest ~60 MB of text layer.
    Path(f"/proc/{server.process.pid}/clear_refs").write_text("5")
    base = peak_rss_mb(server.process.pid)
    with open(path, "rb") as handle:
        doc = admin.ok("POST", url, 201, files={"file": ("gazette.pdf", handle)})
    grown = peak_rss_mb(server.process.pid) - base
    assert doc["page_count"] == 400
    for page in (1, 137, 400):
        words = admin.ok("GET", f"/api/documents/{doc['id']}/pages/{page}/text")["words"]
        assert len(words) > 1000 and words[0]["text"] == f"{page}.0"
    hits = admin.ok("GET", "/api/search", params={"q": "400.92"})["hits"]
    assert [(h["id"], h.get("page")) for h in hits] == [(doc["id"], 400)]
    # The main process never held the whole text layer (it is ~60 MB as JSON, several times that as Python objects).
    assert grown < 60, f"main process peak memory grew {grown:.0f} MB"
