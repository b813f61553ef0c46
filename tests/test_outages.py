"""Scale-out that survives its parts: Redis going away and coming back, and
PostgreSQL restarting, with counts of what was acknowledged and what was found.

Each test runs its own Redis or its own PostgreSQL instance on a free port (a
database cluster of the test's own, under the `postgres` account, since the
server refuses to run as root), so stopping it disturbs nothing else on the
machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
import redis

from tests.support import (
    ADMIN,
    PASSWORD,
    ServerProcess,
    Socket,
    add_admin,
    free_port,
    login,
    make_pdf,
    postgres_database,
)

pytestmark = pytest.mark.scaleout
PG_BIN = Path("/usr/lib/postgresql/15/bin")


class OwnRedis:
    def __init__(self, workdir: Path):
        self.port, self.workdir, self.process = free_port(), workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is missing (.ci/run and the machine provide it)")
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shared_database():
    """A database of this test's own on the machine's PostgreSQL."""
    with postgres_database("meeting_outage") as url:
        yield url


def _users(admin, *names_roles) -> None:
    for name, role in names_roles:
        admin.ok(
            "POST", "/api/users", 201, json={"username": name, "password": PASSWORD, "full_name": name, "role": role}
        )


def test_a_redis_outage_keeps_each_node_serving_and_tablets_catch_up(tmp_path, own_redis, shared_database):
    env = {"MEETING_DATABASE_URL": shared_database, "MEETING_BROKER_URL": own_redis.url}
    files = tmp_path / "files"
    add_admin(files, env=env)
    node_a, node_b = ServerProcess(files, env=env).start(), ServerProcess(files, env=env).start()
    try:
        admin = login(node_a.base_url, *ADMIN)
        _users(admin, ("thuky", "secretary"), ("uyviena", "member"), ("uyvienb", "member"))
        secretary = login(node_a.base_url, "thuky", PASSWORD)
        member_a, member_b = login(node_a.base_url, "uyviena", PASSWORD), login(node_b.base_url, "uyvienb", PASSWORD)
        meeting = secretary.ok(
            "POST",
            "/api/meetings",
            201,
            json={
                "title": "Họp khi Redis gián đoạn",
                "starts_at": "2026-11-27T08:00:00+07:00",
                "participants": [{"user_id": member_a.id}, {"user_id": member_b.id}],
            },
        )
        item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Mục 1"})
        with open(make_pdf(tmp_path / "d.pdf", pages=8), "rb") as handle:
            doc = secretary.ok(
                "POST", f"/api/agenda/{item['id']}/documents", 201, files={"file": ("d.pdf", handle, "application/pdf")}
            )
        console = Socket.connect(node_a.base_url, token=secretary.token)
        tablet_a = Socket.connect(node_a.base_url, token=member_a.token)
        tablet_b = Socket.connect(node_b.base_url, token=member_b.token)
        for sock in (console, tablet_a, tablet_b):
            sock.join(meeting["id"])

        def turn(page: int) -> dict:
            ack = console.call("page:turn", {"meeting_id": meeting["id"], "document_id": doc["id"], "page": page})
            assert ack["ok"], ack
            return ack

        before = turn(2)
        tablet_b.next_event("page:turned", where=lambda d: d["page"] == 2)

        own_redis.stop()
        during = [turn(page) for page in (3, 4, 5)]
        # Node A goes on serving its own tablet, one event after another.
        for page in (3, 4, 5):
            tablet_a.next_event("page:turned", where=lambda d, p=page: d["page"] == p)
        assert not [e for e, d in tablet_b.drain(1.0) if e == "page:turned"], "node B heard events with Redis down"
        for node in (node_a, node_b):
            assert "broker is unreachable" in node.log.read_text(), "a node did not log the outage"

        own_redis.start()
        # Node B subscribes again by itself and asks its tablets to rejoin; the rejoin replays the turns.
        tablet_b.next_event("server:resync", timeout=15)
        replayed = tablet_b.join(meeting["id"], since_seq=before["seq"])
        found = [e["data"]["page"] for e in replayed["missed"] if e["event"] == "page:turned"]
        print(f"\nRedis outage: {len(during)} turns acknowledged on node A, {len(found)} replayed on node B")
        assert found == [3, 4, 5]
        assert replayed["seq"] >= during[-1]["seq"]
        # And live again across the nodes.
        turn(6)
        tablet_b.next_event("page:turned", where=lambda d: d["page"] == 6, timeout=10)
        for sock in (console, tablet_a, tablet_b):
            sock.close()
    finally:
        node_a.stop()
        node_b.stop()


class OwnPostgres:
    """A PostgreSQL cluster in a temporary folder, run as `postgres`, on a free port."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, free_port()
        self.data = folder / "data"

    def _as_postgres(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.folder, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-l", str(self.folder / "log"), "start"
        )

    def stop(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def own_postgres(tmp_path_factory):
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        pytest.skip("needs root, runuser and PostgreSQL 15's initdb to run a cluster of its own")
    cluster = OwnPostgres(Path(f"/tmp/meeting-pg-{uuid.uuid4().hex[:8]}"))
    cluster.init()
    cluster.start()
    yield cluster
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(PG_BIN / "pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"],
        capture_output=True,
    )
    shutil.rmtree(cluster.folder, ignore_errors=True)


def test_a_postgres_restart_gives_clear_503s_then_recovers_and_loses_nothing(tmp_path, own_postgres):
    env = {"MEETING_DATABASE_URL": own_postgres.url}
    files = tmp_path / "files"
    add_admin(files, env=env)
    node = ServerProcess(files, env=env).start()
    try:
        admin = login(node.base_url, *ADMIN)
        meeting = admin.ok(
            "POST", "/api/meetings", 201, json={"title": "Họp", "starts_at": "2026-11-27T08:00:00+07:00"}
        )
        acknowledged, refused, other = [], [], []
        stop = threading.Event()

        def write() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                title = f"Mục {n}"
                try:
                    response = admin.http.post(
                        f"/api/meetings/{meeting['id']}/agenda", json={"title": title}, timeout=10
                    )
                except httpx.HTTPError as exc:
                    other.append(repr(exc))
                    continue
                if response.status_code == 201:
                    acknowledged.append(title)
                elif response.status_code == 503 and response.json()["error"]["code"] == "unavailable":
                    refused.append(title)
                    time.sleep(0.05)
                else:
                    other.append(f"{response.status_code} {response.text}")

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(1.0)
        own_postgres.stop()
        time.sleep(1.5)
        own_postgres.start()
        deadline = time.monotonic() + 20
        settled = len(acknowledged)
        while time.monotonic() < deadline and len(acknowledged) < settled + 20:
            time.sleep(0.1)
        stop.set()
        writer.join(15)

        found = {i["title"] for i in admin.ok("GET", f"/api/meetings/{meeting['id']}")["agenda"]}
        print(
            f"\nPostgreSQL restart: {len(acknowledged)} writes acknowledged, {len(refused)} refused with 503, "
            f"{len(set(acknowledged) & found)} of the acknowledged found"
        )
        assert other == [], other[:3]
        assert refused, "no request met the restart"
        assert len(acknowledged) >= settled + 20, "the server did not recover"
        assert set(acknowledged) <= found
    finally:
        node.stop()
