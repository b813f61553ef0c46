"""Health, metrics and structured logs (issue 13, "Health"), on real servers.

- `/healthz` answers without the database; `/readyz` names the part that fails:
  the SQLite file gone from the data folder, or the Redis broker stopped.
- `/metrics`, read with prometheus_client's own parser: the socket gauge rises
  and falls with a real socket.io client, a page turn counts as an event sent
  for its meeting and is timed, the page cache counts a miss then a hit, and
  the ingest queue holds an upload while it is being read.
- MEETING_LOG_FORMAT=json: every log line of the server is one JSON object,
  one per request without its query string, and one per socket event when
  MEETING_LOG_SOCKET_EVENTS=1.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import start_server
from tests.support import Api, ServerProcess, Socket, free_port, make_pdf

SECRET = "never-in-the-logs-7f3a"


def metric(base_url: str, name: str, **labels: str) -> float:
    """One sample of /metrics, parsed by prometheus_client; 0 when the series does not exist yet."""
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def wait_for(condition, timeout: float = 10, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(0.05)


def meeting_with_document(admin: Api, tmp_path: Path, pages: int = 4) -> tuple[dict, dict]:
    meeting = admin.ok("POST", "/api/meetings", 201, json={"title": "M", "starts_at": "2026-11-27T08:00:00+07:00"})
    item = admin.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "I"})
    with open(make_pdf(tmp_path / f"d{pages}.pdf", pages=pages), "rb") as handle:
        document = admin.ok(
            "POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("d.pdf", handle, "application/pdf")}
        )
    return item, document | {"meeting_id": meeting["id"]}


@pytest.fixture(scope="module")
def json_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("health")
    process, admin = start_server(data, env={"MEETING_LOG_FORMAT": "json", "MEETING_LOG_SOCKET_EVENTS": "1"})
    yield process, admin
    process.stop()


def test_healthz_is_alive_and_readyz_ready(json_server):
    process, _ = json_server
    live = httpx.get(f"{process.base_url}/healthz")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    ready = httpx.get(f"{process.base_url}/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ok", "failed": [], "checks": {"database": "ok"}}
    # HEAD as GET, like every route; no login asked.
    assert httpx.head(f"{process.base_url}/healthz").status_code == 200


def test_metrics_follow_sockets_events_and_the_page_cache(json_server, tmp_path):
    process, admin = json_server
    base = process.base_url
    _, document = meeting_with_document(admin, tmp_path)
    meeting_id = str(document["meeting_id"])

    before = metric(base, "meeting_connected_sockets")
    sockets = [Socket.connect(base, token=admin.token) for _ in range(2)]
    try:
        wait_for(lambda: metric(base, "meeting_connected_sockets") == before + 2, what="two more sockets")

        sent = metric(base, "meeting_events_sent_total", meeting=meeting_id)
        timed = metric(base, "meeting_emit_seconds_count")
        ack = sockets[0].call(
            "page:turn", {"meeting_id": document["meeting_id"], "document_id": document["id"], "page": 3}
        )
        assert ack["ok"], ack
        # One page:turned event, sent once the page turn was committed (the ack waits for it):
        # counted once, though it goes to the meeting's room and to the hall screens' room,
        # each emit timed.
        assert metric(base, "meeting_events_sent_total", meeting=meeting_id) == sent + 1
        assert metric(base, "meeting_emit_seconds_count") >= timed + 2
    finally:
        for sock in sockets:
            sock.close()
    wait_for(lambda: metric(base, "meeting_connected_sockets") == before, what="the sockets gone")

    # A width nobody asked for yet is drawn (a miss), the second time it is on disk (a hit).
    hits, misses = (metric(base, "meeting_page_cache_requests_total", result=r) for r in ("hit", "miss"))
    page = f"/api/documents/{document['id']}/pages/2?width=1024"
    assert admin.get(page).status_code == 200
    assert metric(base, "meeting_page_cache_requests_total", result="miss") == misses + 1
    assert admin.get(page).status_code == 200
    assert metric(base, "meeting_page_cache_requests_total", result="hit") == hits + 1
    assert metric(base, "meeting_page_cache_requests_total", result="miss") == misses + 1


def test_the_ingest_queue_holds_an_upload_while_it_is_read(json_server, tmp_path):
    process, admin = json_server
    base = process.base_url
    item, _ = meeting_with_document(admin, tmp_path, pages=1)
    big = make_pdf(tmp_path / "long.pdf", pages=400)
    seen: list[float] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(metric(base, "meeting_pdf_jobs", pool="ingest"))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with open(big, "rb") as handle:
            response = admin.post(
                f"/api/agenda/{item['id']}/documents", files={"file": ("long.pdf", handle, "application/pdf")}
            )
    finally:
        done.set()
        watcher.join()
    assert response.status_code == 201, response.text
    assert max(seen) >= 1, "the upload never showed in meeting_pdf_jobs{pool=ingest}"
    assert metric(base, "meeting_pdf_jobs", pool="ingest") == 0


def test_json_logs_one_object_a_line_and_no_query_strings(json_server, tmp_path):
    process, admin = json_server
    # A token in a query string (as a careless client might send it) must not reach the log.
    assert httpx.get(f"{process.base_url}/api/me", params={"token": SECRET}).status_code == 401
    sock = Socket.connect(process.base_url, token=admin.token)
    try:
        assert not sock.call("meeting:join", {"meeting_id": 999999})["ok"]
    finally:
        sock.close()

    def lines() -> list[dict]:
        parsed = []
        for line in process.output().splitlines():
            if line.startswith("Serving on "):  # the banner `serve` prints, not a log record
                continue
            parsed.append(json.loads(line))  # every other line is one JSON object
        return parsed

    wait_for(lambda: any(r.get("event") == "meeting:join" for r in lines()), what="the socket event's line")
    records = lines()
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    requests = [r for r in records if r["logger"] == "meeting_server.access"]
    me = [r for r in requests if r["path"] == "/api/me" and r["status"] == 401]
    assert me, requests[-5:]
    assert me[-1]["method"] == "GET" and isinstance(me[-1]["duration_ms"], float | int)
    assert me[-1]["client"] == "127.0.0.1"
    assert SECRET not in process.output()
    joins = [r for r in records if r.get("event") == "meeting:join"]
    assert joins[-1]["ok"] is False and joins[-1]["code"] == "not_found", joins[-1]
    assert "sid" in joins[-1] and "meeting_id" not in joins[-1]  # never the payload


def test_readyz_fails_when_the_database_file_goes_away(tmp_path):
    data = tmp_path / "data"
    process, _ = start_server(data)
    try:
        database = data / "meeting.db"
        # Moved away, as when the data folder's volume is gone: the open connections would not notice.
        database.rename(data / "elsewhere.db")
        try:
            ready = httpx.get(f"{process.base_url}/readyz", timeout=10)
            assert ready.status_code == 503, ready.text
            body = ready.json()
            assert body["status"] == "unavailable" and body["failed"] == ["database"]
            assert "unable to open database file" in body["checks"]["database"]
            # Alive all the same: nothing to restart, only to take out of the rotation.
            assert httpx.get(f"{process.base_url}/healthz").status_code == 200
        finally:
            (data / "elsewhere.db").rename(database)
        assert httpx.get(f"{process.base_url}/readyz").status_code == 200
    finally:
        process.stop()


class OwnRedis:
    """A redis-server of this test's own on a free port, so stopping it disturbs no one."""

    def __init__(self, workdir: Path):
        self.port, self.workdir = free_port(), workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        wait_for(self._answers, what="redis-server answering")

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port).ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def test_readyz_fails_while_the_broker_is_down(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed here (the scale-out tests and .ci/run need it)")
    broker = OwnRedis(tmp_path)
    broker.start()
    process: ServerProcess | None = None
    try:
        process, _ = start_server(tmp_path / "data", env={"MEETING_BROKER_URL": broker.url})
        ready = httpx.get(f"{process.base_url}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "broker": "ok"}
        broker.stop()
        ready = httpx.get(f"{process.base_url}/readyz", timeout=10)
        assert ready.status_code == 503, ready.text
        assert ready.json()["failed"] == ["broker"] and ready.json()["checks"]["database"] == "ok"
        assert "ConnectionError" in ready.json()["checks"]["broker"]
        broker.start()  # the same port again
        wait_for(lambda: httpx.get(f"{process.base_url}/readyz").status_code == 200, what="ready again")
    finally:
        if process:
            process.stop()
        broker.stop()
