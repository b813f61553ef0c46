"""Page images: widths snap to a few buckets the client also uses, and the
disk cache stays under its byte bound, evicting what was least recently used,
whether it was written before start-up, by the render pool or at ingest."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

from PIL import Image

from meeting_server.documents.page_cache import PageCache
from meeting_server.documents.widths import PAGE_WIDTHS, snap_width
from tests.conftest import World, start_server
from tests.slow_pdfs import dense_pdf
from tests.support import ROOT


def cached_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "cache" / "pages").rglob("*") if p.is_file()]


def test_many_widths_leave_at_most_one_file_per_bucket(server, world: World):
    url = f"/api/documents/{world.document['id']}/pages/2"
    tags: dict[int, set[str]] = {}
    for width in [*range(16, 4097, 37), 4096]:
        response = world.member.get(url, params={"width": width})
        assert response.status_code == 200, (width, response.text)
        bucket = snap_width(width)
        assert bucket >= width and bucket in PAGE_WIDTHS
        assert Image.open(io.BytesIO(response.content)).width == bucket
        tags.setdefault(bucket, set()).add(response.headers["etag"])
    # One image, and one tag, per bucket; a tag names its bucket's bytes.
    assert all(len(t) == 1 for t in tags.values())
    assert len({t for ts in tags.values() for t in ts}) == len(tags)
    folder = server.data_dir / "cache" / "pages" / world.document["sha256"][:2] / world.document["sha256"]
    page_two = sorted(p.name for p in folder.glob("2-*.jpg"))
    assert len(page_two) <= len(PAGE_WIDTHS), page_two
    etag = next(iter(tags[snap_width(600)]))
    assert world.member.get(url, params={"width": 700}, headers={"If-None-Match": etag}).status_code == 304


def test_the_client_asks_for_the_same_buckets():
    """The tablet's image-width module lists the server's widths, so it never asks for one that is snapped."""
    source = (ROOT / "web_client" / "static" / "js" / "logic" / "image-width.js").read_text()
    listed = re.search(r"export const PAGE_WIDTHS = \[([^\]]*)\]", source)
    assert listed, "image-width.js should export PAGE_WIDTHS"
    assert [int(w) for w in listed.group(1).split(",")] == list(PAGE_WIDTHS)


def test_cache_stays_under_its_byte_bound_with_files_from_before_start_up(tmp_path):
    data = tmp_path / "data"
    stale = data / "cache" / "pages" / "ab" / ("ab" + "0" * 62)
    stale.mkdir(parents=True)
    for n in range(1, 31):  # 3 MB left by an earlier run, long unused
        (stale / f"{n}-1024.jpg").write_bytes(os.urandom(100_000))
        os.utime(stale / f"{n}-1024.jpg", (time.time() - 86400, time.time() - 86400))
    server, admin = start_server(data, env={"MEETING_PAGE_CACHE_MB": "1"})
    try:
        meeting = admin.ok(
            "POST", "/api/meetings", 201, json={"title": "Cache", "starts_at": "2026-11-27T08:00:00+07:00"}
        )
        item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
        path = dense_pdf(tmp_path / "dense.pdf", pages=12, words_per_page=600)
        with open(path, "rb") as handle:
            doc = admin.ok("POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("d.pdf", handle)})
        written = 0
        for page in range(1, 13):
            for width in (1024, 2048):
                response = admin.get(f"/api/documents/{doc['id']}/pages/{page}", params={"width": width})
                assert response.status_code == 200
                written += len(response.content)
        assert written > 3 * 1024 * 1024, "the test should write more than the bound"
        # The last image asked for is still there; the bound holds; the old files went first.
        deadline = time.monotonic() + 10
        while sum(p.stat().st_size for p in cached_files(data)) > 1024 * 1024 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert sum(p.stat().st_size for p in cached_files(data)) <= 1024 * 1024
        assert not list(stale.glob("*.jpg"))
        last = data / "cache" / "pages" / doc["sha256"][:2] / doc["sha256"] / "12-2048.jpg"
        assert last.exists()
        # An evicted image is drawn again on request.
        assert admin.get(f"/api/documents/{doc['id']}/pages/1", params={"width": 1024}).status_code == 200
    finally:
        server.stop()


def test_lru_order_counts_hits_and_files_found_at_start_up(tmp_path):
    root = tmp_path / "pages"
    (root / "aa" / "x").mkdir(parents=True)
    old, new = root / "aa" / "x" / "1-256.jpg", root / "aa" / "x" / "2-256.jpg"
    old.write_bytes(b"o" * 400)
    new.write_bytes(b"n" * 400)
    os.utime(old, (1000, 1000))
    cache = PageCache(root, max_bytes=1000)
    cache.scan()
    assert cache.total_bytes == 800
    assert cache.read(old) == b"o" * 400  # used now: the other one becomes the least recently used
    third = root / "aa" / "x" / "3-256.jpg"
    third.write_bytes(b"t" * 400)  # as a worker process writes it
    cache.add(third)
    assert cache.total_bytes <= 1000
    assert old.exists() and third.exists() and not new.exists()
    # A file that vanished behind its back (an operator cleaning up) is forgotten, not an error.
    old.unlink()
    assert cache.read(old) is None
    fourth = root / "aa" / "x" / "4-256.jpg"
    fourth.write_bytes(b"f" * 700)
    cache.add(fourth)
    assert cache.total_bytes <= 1000 and fourth.exists() and not third.exists()
