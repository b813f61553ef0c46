"""Test support: the real server in a subprocess, real HTTP and real sockets.

Nothing of ours is mocked: a test talks to `meeting-server serve` over
127.0.0.1 the way a tablet or the console does.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import signal
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pymupdf
import pytest
import redis
import socketio

from meeting_server.config import Settings
from meeting_server.db import Database

ROOT = Path(__file__).resolve().parent.parent
# Real-world PDFs (PDF.js's test corpus) live outside the repository: tests
# that read them run where MEETING_PDF_CORPUS names the folder (.ci/run sets
# it when ../shared/pdfs exists) and skip, saying why, elsewhere.
PDF_CORPUS_VAR = "MEETING_PDF_CORPUS"
# The folder `meeting-server demo` reads: its users.toml is the one place the
# demo passwords are written, and tests read them from there.
DEMO = ROOT / "agendas" / "demo"
ADMIN = ("admin", "admin-password-1")
PASSWORD = "password-123"
_names = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(*args: str, data_dir: Path, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "meeting_server", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"meeting-server {' '.join(args)} failed: {result.stderr}")
    return result


class ServerProcess:
    """`meeting-server serve` on a free port; start, kill -9 and restart it like an operator would."""

    command = "serve"

    def __init__(
        self,
        data_dir: Path,
        env: dict | None = None,
        port: int | None = None,
        python: str = sys.executable,
        cwd: Path | None = None,
    ):
        self.data_dir = data_dir
        # Another interpreter and folder: a server installed from the wheel, away from the source tree.
        self.python, self.cwd = python, cwd
        # One Redis serves every test run on the machine (pytest-xdist's workers too):
        # each test process's nodes talk on a channel of their own.
        channel = {"MEETING_BROKER_CHANNEL": f"meeting-tests-{os.getpid()}"}
        self.env = {**os.environ, **channel, **(env or {})}
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = data_dir / f"server-{self.port}.log"

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.log, "ab")
        self.process = subprocess.Popen(
            [
                self.python,
                "-m",
                "meeting_server",
                self.command,
                "--port",
                str(self.port),
                "--data-dir",
                str(self.data_dir),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=self.cwd,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log.read_text(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/api/me", timeout=1).status_code == 401:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not start in 30 s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, as in a power cut or OOM kill."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def database(self) -> Database:
        """The server's own store, opened from the test as an exporter would: its SQLite
        file, or the PostgreSQL database it was started on. Dispose of it when done."""
        return Database(Settings(data_dir=self.data_dir, database_url=self.env.get("MEETING_DATABASE_URL")))


def read_demo(name: str) -> dict:
    with open(DEMO / name, "rb") as handle:
        return tomllib.load(handle)


def demo_passwords() -> dict[str, str]:
    """Each demo account's public password, as `meeting-server demo` sets and prints it."""
    return {user["username"]: user["password"] for user in read_demo("users.toml")["users"]}


class DemoServer(ServerProcess):
    """`meeting-server demo`: the accounts of agendas/demo/users.toml and the demo meeting, then serve."""

    command = "demo"

    def password(self, username: str) -> str:
        return demo_passwords()[username]

    def login(self, username: str) -> Api:
        return login(self.base_url, username, self.password(username))

    def participants(self) -> dict[str, Api]:
        """Everyone invited to the demo meeting (agenda.toml), logged in, by username."""
        return {p["username"]: self.login(p["username"]) for p in read_demo("agenda.toml")["participants"]}


@dataclass
class Api:
    """An HTTP client logged in as one user (bearer token), plus that user's identity."""

    base_url: str
    token: str
    user: dict
    http: httpx.Client = field(init=False)

    def __post_init__(self):
        # English: the tests read the server's messages as written in its code (the msgids); a
        # person's language is tests/test_error_language.py's concern.
        headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=60)

    @property
    def id(self) -> int:
        return self.user["id"]

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def post(self, url, **kw):
        return self.http.post(url, **kw)

    def put(self, url, **kw):
        return self.http.put(url, **kw)

    def patch(self, url, **kw):
        return self.http.patch(url, **kw)

    def delete(self, url, **kw):
        return self.http.delete(url, **kw)

    def ok(self, method: str, url: str, status: int = 200, **kw) -> dict | list | None:
        response = self.http.request(method, url, **kw)
        assert response.status_code == status, f"{method} {url}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def socket(self, **kw) -> Socket:
        return Socket.connect(self.base_url, token=self.token, **kw)


def login(base_url: str, username: str, password: str) -> Api:
    response = httpx.post(f"{base_url}/api/auth/login", json={"username": username, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    return Api(base_url, body["token"], body["user"])


def keep_password(api: Api, password: str) -> Api:
    """An account made through the API must change its initial password before
    any page opens (/account). Tests that use its pages keep the same one:
    changed away and back, which clears the must-change flag."""
    interim = password + "-interim"
    for current, new in ((password, interim), (interim, password)):
        api.ok("POST", "/api/auth/password", json={"current": current, "new": new})
    api.user = api.ok("GET", "/api/me")
    return api


class Socket:
    """A real socket.io client; events land in a queue the test reads in order."""

    def __init__(self, client: socketio.Client):
        self.client = client
        self.events: queue.Queue = queue.Queue()

    @classmethod
    def connect(cls, base_url: str, token: str | None = None, headers: dict | None = None, wait: bool = True) -> Socket:
        client = socketio.Client(reconnection=False)
        sock = cls(client)

        @client.on("*")
        def any_event(event, data=None):
            sock.events.put((event, data))

        client.connect(
            base_url,
            auth={"token": token} if token else None,
            headers={"Accept-Language": "en", **(headers or {})},
            transports=["websocket"],
            wait_timeout=10,
        )
        return sock

    def call(self, event: str, data=None, timeout: float = 30) -> dict:
        return self.client.call(event, data, timeout=timeout)

    def join(self, meeting_id: int, since_seq: int | None = None) -> dict:
        payload = {"meeting_id": meeting_id}
        if since_seq is not None:
            payload["since_seq"] = since_seq
        ack = self.call("meeting:join", payload)
        assert ack["ok"], ack
        return ack

    def next_event(self, name: str | None = None, timeout: float = 10, where=None) -> tuple[str, dict]:
        """The next event of that name (and matching `where`), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {name or 'event'} within {timeout}s")
            try:
                event, data = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if (name is None or event == name) and (where is None or where(data)):
                return event, data

    def drain(self, settle: float = 0.3) -> list[tuple[str, dict]]:
        """Everything received until the line has been quiet for `settle` seconds."""
        got = []
        while True:
            try:
                got.append(self.events.get(timeout=settle))
            except queue.Empty:
                return got

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()


def pdf_corpus() -> Path:
    """The real-world PDF folder, or a skip that names the setting."""
    import pytest

    folder = os.environ.get(PDF_CORPUS_VAR)
    if not folder or not Path(folder).is_dir():
        pytest.skip(f"{PDF_CORPUS_VAR} is not set to a folder of real-world PDFs (../shared/pdfs); corpus test skipped")
    return Path(folder)


def corpus_pdf(name: str) -> Path:
    """One file of the corpus by name, wherever it sits in the folder."""
    found = next(pdf_corpus().rglob(name), None)
    if found is None:
        raise AssertionError(f"{name} is not in {os.environ[PDF_CORPUS_VAR]}")
    return found


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}x{next(_names)}"


# Positions as a Party committee lists them: the secretary, a deputy, then members.
POSITIONS = ["Bí thư", "Phó Bí thư", *["Ủy viên"] * 7]


def make_body(admin: Api, members: list[Api], name: str | None = None) -> dict:
    """A body with these members, in this order, made through /api/bodies."""
    payload = {
        "name": name or unique("Ban Chấp hành Đảng bộ phường "),
        "members": [
            {"user_id": m.id, "position": POSITIONS[min(i, len(POSITIONS) - 1)]} for i, m in enumerate(members)
        ],
    }
    return admin.ok("POST", "/api/bodies", 201, json=payload)


def make_pdf(path: Path, pages: int = 3, *, text: str = "Bien ban cuoc hop", size=(595, 842), rotate: int = 0) -> Path:
    """A real PDF with a text layer: page n says `text` and `trang n`.
    (ASCII: PyMuPDF's built-in font has no Vietnamese; the demo PDFs carry that.)"""
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=size[0], height=size[1])
        page.insert_text((72, 100), f"{text} trang {number}", fontname="helv", fontsize=14)
        if rotate:
            page.set_rotation(rotate)
    doc.save(path)
    doc.close()
    return path


# ---- PostgreSQL and Redis of the machine (127.0.0.1) -------------------------------------

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


@contextlib.contextmanager
def postgres_database(prefix: str):
    """A database of the caller's own on the machine's PostgreSQL, dropped afterwards:
    yields its SQLAlchemy URL. Fails plainly where PostgreSQL does not run."""
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as exc:  # part of the test machine: say so plainly
        pytest.fail(f"PostgreSQL must run on 127.0.0.1 (.ci/run starts it): {exc}")
    name = f"{prefix}_{os.getpid()}_{next(_names)}_{os.urandom(3).hex()}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()


def require_redis() -> str:
    """The machine's Redis URL, or a plain failure where Redis does not run."""
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as exc:
        pytest.fail(f"Redis must run on 127.0.0.1 (.ci/run starts it): {exc}")
    return REDIS_URL


def add_admin(data_dir: Path, env: dict | None = None) -> None:
    """The admin account (ADMIN), made as an operator makes the first one: `meeting-server user add`."""
    run_cli(
        "user",
        "add",
        ADMIN[0],
        "--role",
        "admin",
        "--full-name",
        "Quản trị hệ thống",
        "--password",
        ADMIN[1],
        data_dir=data_dir,
        env=env,
    )


@contextlib.contextmanager
def two_nodes_on_postgresql(data_dir: Path, prefix: str, env: dict | None = None, broker: bool = True):
    """Two `serve` nodes on one fresh PostgreSQL database (fanned out through Redis
    unless `broker=False`), sharing the files folder as they would a network volume,
    with the admin account: yields [node_a, node_b]; stops both and drops the database."""
    with postgres_database(prefix) as url:
        env = {
            "MEETING_DATABASE_URL": url,
            **({"MEETING_BROKER_URL": require_redis()} if broker else {}),
            **(env or {}),
        }
        add_admin(data_dir, env=env)
        nodes = [ServerProcess(data_dir, env=env).start(), ServerProcess(data_dir, env=env).start()]
        try:
            yield nodes
        finally:
            for node in nodes:
                node.stop()
