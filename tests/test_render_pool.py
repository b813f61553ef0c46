"""The render pool under a page that takes too long: it fails alone, in JSON;
queued renders are not cancelled and are not timed while they wait; and no
worker outlives a server killed with -9."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.conftest import start_server
from tests.slow_pdfs import nested_forms_pdf
from tests.support import make_pdf

# A page of nested forms that takes tens of seconds at a large width: far past
# this server's 3 s render timeout. Its ingest budget is lifted so it gets in.
SLOW_ENV = {"MEETING_RENDER_TIMEOUT_S": "3", "MEETING_RENDER_WORKERS": "2", "MEETING_INGEST_PAGE_BUDGET_S": "120"}


def upload(admin, item_id: int, path: Path) -> dict:
    with open(path, "rb") as handle:
        return admin.ok(
            "POST", f"/api/agenda/{item_id}/documents", 201, files={"file": (path.name, handle, "application/pdf")}
        )


def meeting_with(admin, tmp_path: Path) -> tuple[dict, dict]:
    """A meeting with one slow (nested forms) and one ordinary 8-page document."""
    meeting = admin.ok(
        "POST", "/api/meetings", 201, json={"title": "Renders", "starts_at": "2026-11-27T08:00:00+07:00"}
    )
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
    slow = upload(admin, item["id"], nested_forms_pdf(tmp_path / "slow.pdf", depth=6))
    normal = upload(admin, item["id"], make_pdf(tmp_path / "normal.pdf", pages=8))
    return slow, normal


@pytest.fixture(scope="module")
def slow_server(tmp_path_factory):
    process, admin = start_server(tmp_path_factory.mktemp("slow-renders"), env=SLOW_ENV)
    yield process, admin
    process.stop()


def test_a_render_past_its_timeout_fails_alone_and_in_json(slow_server, tmp_path):
    server, admin = slow_server
    slow, normal = meeting_with(admin, tmp_path)
    base = server.base_url

    def get(document: dict, page: int, width: int) -> httpx.Response:
        return httpx.get(
            f"{base}/api/documents/{document['id']}/pages/{page}",
            params={"width": width},
            headers={"Authorization": f"Bearer {admin.token}", "Accept-Language": "en"},
            timeout=120,
        )

    with ThreadPoolExecutor(12) as pool:
        # Three slow renders at three widths occupy both workers and queue a third...
        stuck = [pool.submit(get, slow, 1, width) for width in (4096, 3072, 2048)]
        time.sleep(0.5)
        # ...and another user's ordinary pages queue behind them, longer than the timeout.
        others = [pool.submit(get, normal, page, 1024) for page in range(1, 9)]
        answers = [f.result() for f in others]
        failures = [f.result() for f in stuck]
    for response in answers:
        assert response.status_code == 200, response.text
        assert Image.open(io.BytesIO(response.content)).format == "JPEG"
    for response in failures:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["code"] == "invalid"
        assert "too long" in response.json()["error"]["message"]
    # HEAD gets the same answer, as JSON headers, never a plain-text 500.
    head = httpx.head(
        f"{base}/api/documents/{slow['id']}/pages/1",
        params={"width": 1536},
        headers={"Authorization": f"Bearer {admin.token}"},
        timeout=60,
    )
    assert head.status_code in (405, 422) and head.headers["content-type"] == "application/json"
    # The pool is whole again: a fresh render works.
    assert get(normal, 1, 512).status_code == 200


def test_queue_time_does_not_count_toward_the_timeout(slow_server, tmp_path):
    """Many ordinary renders queued behind each other, together longer than
    the timeout: each is timed from when a worker takes it, so none fails."""
    _server, admin = slow_server
    _, normal = meeting_with(admin, tmp_path)
    big = upload(admin, normal["agenda_item_id"], make_pdf(tmp_path / "many.pdf", pages=60))
    with ThreadPoolExecutor(30) as pool:
        responses = list(
            pool.map(
                lambda page: admin.get(f"/api/documents/{big['id']}/pages/{page}", params={"width": 4096}),
                range(1, 61),
            )
        )
    assert [r.status_code for r in responses] == [200] * 60


def session_processes(sid: int) -> list[int]:
    """Pids of the processes whose session is `sid` (ServerProcess starts a new session)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_workers_die_with_a_killed_server(tmp_path):
    server, admin = start_server(tmp_path / "data", env=SLOW_ENV)
    pid = server.process.pid
    try:
        slow, normal = meeting_with(admin, tmp_path)
        assert admin.get(f"/api/documents/{normal['id']}/pages/1").status_code == 200
        # One worker busy in a long render when the server dies.
        busy = threading.Thread(
            target=lambda: _quietly(admin.get, f"/api/documents/{slow['id']}/pages/1", params={"width": 4096}),
            daemon=True,
        )
        busy.start()
        time.sleep(1.0)
        workers = [p for p in session_processes(pid) if p != pid]
        assert workers, "the server should have worker processes by now"
        os.kill(pid, signal.SIGKILL)  # the server alone, as the OOM killer would
        server.process.wait(10)
        deadline = time.monotonic() + 10
        while (left := session_processes(pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert left == [], f"workers outlived the server: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)


def _quietly(fn, *args, **kw):
    with contextlib.suppress(Exception):
        fn(*args, **kw)
