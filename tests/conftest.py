"""Fixtures: one real server for the session, a fresh meeting world per test,
and `meeting-server demo` for the modules that show or fuzz the demo meeting."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import (
    ADMIN,
    PASSWORD,
    Api,
    DemoServer,
    ServerProcess,
    add_admin,
    keep_password,
    login,
    make_pdf,
    postgres_database,
    require_redis,
    unique,
)


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> ServerProcess:
    # Every test logs in from 127.0.0.1: the wrong passwords that the session's tests try
    # on purpose would add up, in whatever order they run, to the per-address limit.
    # That limit is tested on servers of its own (tests/test_login_flood.py).
    env = {"MEETING_LOGIN_ADDRESS_FAILURES": "100000"}
    with contextlib.ExitStack() as stack:
        # `make test-postgresql`: the same tests against the scale-out engines.
        if os.environ.get("MEETING_TEST_BACKEND") == "postgresql":
            env["MEETING_DATABASE_URL"] = stack.enter_context(postgres_database("session"))
            env["MEETING_BROKER_URL"] = require_redis()
        process, _ = start_server(tmp_path_factory.mktemp("server-data"), env=env)
        yield process
        process.stop()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> DemoServer:
    """`meeting-server demo` of its own for each module that asks: the screenshots
    show the real demo meeting, and each module moves it on in its own way.
    Log in with `demo.login("thuky")`: the passwords are read from users.toml."""
    process = DemoServer(tmp_path_factory.mktemp("demo")).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def admin(server) -> Api:
    return login(server.base_url, *ADMIN)


def new_user(admin: Api, role: str, full_name: str | None = None) -> Api:
    username = unique(role[:3])
    admin.ok(
        "POST",
        "/api/users",
        201,
        json={
            "username": username,
            "password": PASSWORD,
            "full_name": full_name or f"Đồng chí {username}",
            "role": role,
        },
    )
    return keep_password(login(admin.base_url, username, PASSWORD), PASSWORD)


@dataclass
class World:
    """A meeting with a secretary, a chair, two members, a guest and an outsider,
    one agenda item and a 5-page document."""

    admin: Api
    secretary: Api
    chair: Api
    member: Api
    member2: Api
    outsider: Api
    meeting: dict
    item: dict
    document: dict

    @property
    def meeting_id(self) -> int:
        return self.meeting["id"]

    def upload(self, path: Path, item_id: int | None = None, as_user: Api | None = None, title: str | None = None):
        with open(path, "rb") as handle:
            data = {"title": title} if title else None
            return (as_user or self.secretary).post(
                f"/api/agenda/{item_id or self.item['id']}/documents",
                files={"file": (path.name, handle, "application/pdf")},
                data=data,
            )


def make_cast(admin: Api) -> dict[str, Api]:
    """The people of a World, made once per server (argon2 is slow on purpose)."""
    return {
        "secretary": new_user(admin, "secretary", "Trần Thị Thư Ký"),
        "chair": new_user(admin, "chair", "Nguyễn Văn Chủ Trì"),
        "member": new_user(admin, "member", "Lê Văn Ủy Viên"),
        "member2": new_user(admin, "member", "Phạm Thị Đảng Viên"),
        "outsider": new_user(admin, "member", "Người Ngoài"),
    }


@pytest.fixture(scope="session")
def cast(admin) -> dict[str, Api]:
    """The people, made once; each test gets its own meeting."""
    return make_cast(admin)


def make_world(admin: Api, cast: dict[str, Api], tmp_path: Path) -> World:
    """A fresh meeting of `cast` (see World) on admin's server."""
    secretary, chair, member, member2, outsider = (
        cast[k] for k in ("secretary", "chair", "member", "member2", "outsider")
    )
    meeting = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Hội nghị Ban Chấp hành tháng 11",
            "starts_at": "2026-11-27T08:00:00+07:00",
            "location": "Hội trường",
            "participants": [{"user_id": u.id} for u in (chair, member, member2)],
        },
    )
    item = secretary.ok("POST", f"/api/meetings/{meeting['id']}/agenda", 201, json={"title": "Báo cáo tình hình"})
    world = World(admin, secretary, chair, member, member2, outsider, meeting, item, {})
    response = world.upload(make_pdf(tmp_path / "bao-cao.pdf", pages=5))
    assert response.status_code == 201, response.text
    world.document = response.json()
    return world


@pytest.fixture
def world(admin, cast, tmp_path) -> World:
    return make_world(admin, cast, tmp_path)


def start_server(data_dir: Path, env: dict | None = None) -> tuple[ServerProcess, Api]:
    """A server of a test's own (its own settings in `env`) with an admin; stop it when done."""
    add_admin(data_dir, env=env)
    process = ServerProcess(data_dir, env=env).start()
    return process, login(process.base_url, *ADMIN)


# The longest modules, started first: the two test processes (`make test`, pytest-xdist
# --dist loadfile) take modules in the order collected, so a long one dealt last would
# leave one process working alone at the end. Measured with --durations on 2026-12-05.
LONGEST_FIRST = (
    "test_vote_storm.py",
    "test_backup.py",
    "test_fuzz_http.py",
    "test_corpus.py",
    "test_login_flood.py",
    "test_prepare_meeting.py",
    "test_votes_attendance.py",
    "test_screenshots_votes.py",
    "test_no_english.py",
    "test_follow_presenter.py",
    "test_malformed_corpus.py",
    "test_outages.py",
)


def pytest_addoption(parser):
    parser.addoption(
        "--engine-pass",
        action="store_true",
        help="only the tests whose outcome hangs on the shared server's engine (CI's PostgreSQL pass)",
    )


def pytest_collection_modifyitems(config, items):
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    # sort() is stable: within a module, and among the other modules, the order stays.
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
    if config.getoption("engine_pass"):
        _keep_engine_dependent(config, items)


def _keep_engine_dependent(config, items) -> None:
    """CI's second pass, on PostgreSQL and Redis (`make test` runs it after the SQLite pass).
    It keeps the tests that drive the session's shared server over HTTP and sockets: the
    ones that change with MEETING_TEST_BACKEND. Left out, as they would run the same twice:
    tests with servers and engines of their own (each `_on_postgresql` test already runs on
    PostgreSQL), and the browser tests, which reach the engine only through the same HTTP
    and socket calls. The whole suite on PostgreSQL is `make test-postgresql`."""
    kept, left = [], []
    for item in items:
        shared = "server" in getattr(item, "fixturenames", ())
        browser = "tests/browser/" in item.path.as_posix()
        (kept if shared and not browser else left).append(item)
    config.hook.pytest_deselected(items=left)
    items[:] = kept
