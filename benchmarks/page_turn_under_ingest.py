"""Does a 300-page upload stall the hall?

Measures, against the real server, the page-turn round trip (console ack and
the tablet receiving `page:turned`) and a page image render, first on a quiet
server (the baseline), then while a 300-page PDF is being ingested. Reports
medians and the ratio loaded/quiet, since these machines are shared and noisy.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import pymupdf

from tests.support import ADMIN, ServerProcess, Socket, add_admin, login, make_pdf

TURNS = 40
# One of the server's width buckets, larger than the thumbnails drawn at ingest.
RENDER_WIDTH = 1024


def big_pdf(path: Path, pages: int = 300) -> Path:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page()
        y = 60
        while y < 800:
            page.insert_text((50, y), f"Trang {n + 1}: bao cao ket qua thuc hien nhiem vu, dong {y}", fontsize=9)
            y += 11
    doc.save(path)
    return path


def measure(admin, tablet, console, meeting_id, doc, label, pages) -> dict:
    turns, renders = [], []
    for _i in range(TURNS):
        page = next(pages)
        start = time.perf_counter()
        ack = console.call("page:turn", {"meeting_id": meeting_id, "document_id": doc["id"], "page": page})
        assert ack["ok"], ack
        tablet.next_event("page:turned", where=lambda d, s=ack["seq"]: d["seq"] == s)
        turns.append(time.perf_counter() - start)
        start = time.perf_counter()
        response = admin.get(f"/api/documents/{doc['id']}/pages/{page}", params={"width": RENDER_WIDTH})
        assert response.status_code == 200
        renders.append(time.perf_counter() - start)
    return {"label": label, "turn_ms": statistics.median(turns) * 1000, "render_ms": statistics.median(renders) * 1000}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        add_admin(tmp / "data")
        server = ServerProcess(tmp / "data").start()
        try:
            admin = login(server.base_url, *ADMIN)
            meeting = admin.ok(
                "POST", "/api/meetings", 201, json={"title": "Bench", "starts_at": "2026-11-27T08:00:00+07:00"}
            )
            item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
            with open(make_pdf(tmp / "small.pdf", pages=2 * TURNS), "rb") as handle:
                doc = admin.ok("POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("s.pdf", handle)})
            big = big_pdf(tmp / "big.pdf")
            tablet = Socket.connect(server.base_url, token=admin.token)
            console = Socket.connect(server.base_url, token=admin.token)
            tablet.join(meeting["id"])
            # Each page once: a real render, not the cache (ingest drew only thumbnails).
            pages = iter(range(1, 2 * TURNS + 1))
            quiet = measure(admin, tablet, console, meeting["id"], doc, "quiet", pages)

            done = threading.Event()
            ingest_seconds = []

            def upload():
                start = time.perf_counter()
                with open(big, "rb") as handle:
                    response = admin.post(f"/api/agenda/{item['id']}/documents", files={"file": ("big.pdf", handle)})
                ingest_seconds.append(time.perf_counter() - start)
                assert response.status_code == 201, response.text
                done.set()

            threading.Thread(target=upload, daemon=True).start()
            time.sleep(0.3)
            loaded = measure(admin, tablet, console, meeting["id"], doc, "during 300-page ingest", pages)
            overlapped = not done.is_set()
            done.wait(300)
        finally:
            server.stop()
    print(
        f"page turn round trip, median of {TURNS}: quiet {quiet['turn_ms']:.1f} ms, "
        f"during ingest {loaded['turn_ms']:.1f} ms, ratio {loaded['turn_ms'] / quiet['turn_ms']:.2f}"
    )
    print(
        f"page image render, median of {TURNS}: quiet {quiet['render_ms']:.1f} ms, "
        f"during ingest {loaded['render_ms']:.1f} ms, ratio {loaded['render_ms'] / quiet['render_ms']:.2f}"
    )
    print(f"300-page ingest took {ingest_seconds[0]:.1f} s; measurements overlapped it entirely: {overlapped}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
