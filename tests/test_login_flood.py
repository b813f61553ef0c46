"""Logins cannot stall a meeting, nor lock an owner out (issue 9).

argon2id costs a fraction of a second of CPU and 64 MiB per check, on
purpose. These tests flood the real server with bogus logins and check that
the ones past the caps are refused at once, that nobody else waits behind the
ones being checked, and that the per-(account, address) throttle counts every
attempt before its check.

The server listens on 127.0.0.1 and sees the client's own address: on Linux
all of 127.0.0.0/8 is loopback, so a client bound to 127.0.2.1 is another
device as far as the server knows. Each test uses addresses of its own.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import make_cast, make_world, start_server
from tests.support import ADMIN, PASSWORD, login, two_nodes_on_postgresql

LIMIT = 10  # MEETING_LOGIN_MAX_FAILURES, the default
ADDRESS_FAILURES = 30  # MEETING_LOGIN_ADDRESS_FAILURES, the default
WIDE_OPEN = {
    "MEETING_LOGIN_MAX_IN_FLIGHT": "100",
    "MEETING_LOGIN_ADDRESS_IN_FLIGHT": "100",
    "MEETING_LOGIN_ADDRESS_FAILURES": "100",
}
# Answers that do not wait behind the flood come in well under this; before
# the fix, /api/me took 11-20 s and page turns 3-5 s.
PROMPT_S = 2.0


def client_from(server, address: str) -> httpx.Client:
    """An HTTP client whose connections come from `address` (in 127.0.0.0/8)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.base_url, transport=transport, timeout=60)


def log_in(http: httpx.Client, username: str, password: str) -> httpx.Response:
    return http.post("/api/auth/login", json={"username": username, "password": password})


def code(response: httpx.Response) -> str | None:
    return response.json().get("error", {}).get("code") if response.status_code != 200 else None


def peak_rss_mb(pid: int) -> float:
    """The process's resident-memory high-water mark (VmHWM)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    """A server of its own with the default login limits, so the flood's
    throttled addresses stay out of the shared server."""
    process, admin = start_server(tmp_path_factory.mktemp("login-flood"))
    yield process, admin
    process.stop()


@pytest.fixture(scope="module")
def wide_open(tmp_path_factory):
    """Gates opened wide, so 40 parallel attempts all reach the
    per-(account, address) count: only that count may stop them."""
    process, admin = start_server(tmp_path_factory.mktemp("login-race"), env=WIDE_OPEN)
    yield process, admin
    process.stop()


def test_a_login_flood_is_refused_at_once_and_stalls_nobody(defaults, tmp_path):
    server, admin = defaults
    world = make_world(admin, make_cast(admin), tmp_path)
    console = world.secretary.socket()
    console.join(world.meeting_id)
    baseline_mb = peak_rss_mb(server.process.pid)

    # 60 attackers on six addresses, each sending bogus logins with random
    # usernames (never the same account twice) as fast as it is answered.
    stop = threading.Event()
    answers: list[tuple[int, str | None, float]] = []
    lock = threading.Lock()

    def attacker(index: int) -> None:
        with client_from(server, f"127.0.1.{index % 6 + 1}") as http:
            while not stop.is_set():
                started = time.monotonic()
                response = log_in(http, f"x{uuid.uuid4().hex[:12]}", "not-the-password")
                with lock:
                    answers.append((response.status_code, code(response), time.monotonic() - started))
                if response.status_code == 429:
                    time.sleep(0.1)  # an eager attacker, not a busy loop over HTTP

    me_times, turn_times = [], []
    with ThreadPoolExecutor(60) as pool:
        attackers = [pool.submit(attacker, i) for i in range(60)]
        try:
            time.sleep(1.0)  # let the flood build up
            for page in range(1, 17):
                started = time.monotonic()
                assert world.member.get("/api/me").status_code == 200
                me_times.append(time.monotonic() - started)
                started = time.monotonic()
                ack = console.call(
                    "page:turn",
                    {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": page % 5 + 1},
                )
                turn_times.append(time.monotonic() - started)
                assert ack["ok"], ack
                time.sleep(0.25)
        finally:
            stop.set()
            for future in attackers:
                future.result()
            console.close()

    refused = [seconds for status, error, seconds in answers if status == 429]
    checked = [status for status, _, _ in answers if status == 401]
    assert {error for status, error, _ in answers if status == 429} <= {"rate_limited"}
    assert {status for status, _, _ in answers} <= {401, 429}
    assert refused and checked, (len(refused), len(checked))
    # Past the caps, the answer comes at once: no queueing for a check.
    assert max(refused) < PROMPT_S, sorted(refused)[-5:]
    # Nobody else waits behind the logins being checked.
    assert max(me_times) < PROMPT_S, me_times
    assert max(turn_times) < PROMPT_S, turn_times
    # A handful of argon2 checks at a time, not dozens of 64 MiB each (1.3 GB before).
    assert peak_rss_mb(server.process.pid) - baseline_mb < 400


def test_b_an_attacker_cannot_lock_the_owner_out(defaults):
    server, admin = defaults
    owner = make_cast(admin)["chair"].user["username"]
    with client_from(server, "127.0.2.1") as attacker, client_from(server, "127.0.2.2") as tablet:
        tries = [log_in(attacker, owner, f"guess-{n}") for n in range(LIMIT + 3)]
        assert [r.status_code for r in tries] == [401] * LIMIT + [429] * 3
        refused = tries[-1].json()["error"]
        assert refused["code"] == "rate_limited" and refused["details"]["limit_name"] == "account_failures"
        assert refused["details"]["retry_after_ms"] > 0
        assert int(tries[-1].headers["retry-after"]) > 0
        # From the attacker's address, even the right password waits out the backoff...
        assert code(log_in(attacker, owner, PASSWORD)) == "rate_limited"
        # ...but the chair's own tablet logs in.
        mine = log_in(tablet, owner, PASSWORD)
        assert mine.status_code == 200, mine.text
        assert mine.json()["user"]["username"] == owner


def test_c_parallel_wrong_passwords_are_counted_before_they_are_checked(wide_open):
    server, admin = wide_open
    member = make_cast(admin)["member"].user["username"]
    barrier = threading.Barrier(40)

    def attempt(n: int) -> httpx.Response:
        with client_from(server, "127.0.3.1") as http:
            barrier.wait()
            return log_in(http, member, f"wrong-{n}")

    with ThreadPoolExecutor(40) as pool:
        statuses = sorted(r.status_code for r in pool.map(attempt, range(40)))
    # A 401 is an argon2 check that failed; a 429 was refused before any check.
    assert statuses == [401] * LIMIT + [429] * (40 - LIMIT), statuses
    with client_from(server, "127.0.3.1") as http:
        assert code(log_in(http, member, PASSWORD)) == "rate_limited"
    with sqlite3.connect(server.data_dir / "meeting.db") as db:
        (failures,) = db.execute(
            "SELECT failures FROM login_throttle WHERE username = ? AND address = ?", (member, "127.0.3.1")
        ).fetchone()
    assert failures == LIMIT
    # Another address is not affected.
    with client_from(server, "127.0.3.2") as http:
        assert log_in(http, member, PASSWORD).status_code == 200


@pytest.mark.scaleout
def test_c_the_count_holds_across_two_nodes_on_postgresql(tmp_path_factory):
    """The same race split over two nodes of one PostgreSQL database: the
    pair's row lock, not a node's memory, keeps the count."""
    data_dir = tmp_path_factory.mktemp("login-nodes")
    with two_nodes_on_postgresql(data_dir, "meeting_login", env=WIDE_OPEN, broker=False) as (node_a, node_b):
        admin = login(node_a.base_url, *ADMIN)
        member = make_cast(admin)["member"].user["username"]
        barrier = threading.Barrier(40)

        def attempt(n: int) -> int:
            with client_from((node_a, node_b)[n % 2], "127.0.6.1") as http:
                barrier.wait()
                return log_in(http, member, f"wrong-{n}").status_code

        with ThreadPoolExecutor(40) as pool:
            statuses = sorted(pool.map(attempt, range(40)))
        assert statuses == [401] * LIMIT + [429] * (40 - LIMIT), statuses
        with client_from(node_b, "127.0.6.2") as http:
            assert log_in(http, member, PASSWORD).status_code == 200


def test_d_one_address_gets_a_budget_of_failures(defaults):
    """Random usernames are never the same account twice, so the per-account
    count never stops them: the address's own budget does."""
    server, admin = defaults
    with client_from(server, "127.0.4.1") as attacker, client_from(server, "127.0.4.2") as other:
        statuses = [
            log_in(attacker, f"x{uuid.uuid4().hex[:12]}", "nope-nope").status_code for _ in range(ADDRESS_FAILURES + 2)
        ]
        assert statuses == [401] * ADDRESS_FAILURES + [429] * 2
        assert code(log_in(attacker, admin.user["username"], "admin-password-1")) == "rate_limited"
        assert log_in(other, admin.user["username"], "admin-password-1").status_code == 200


def test_creating_users_hashes_in_the_password_pool(defaults):
    """The admin's user creation still works through the bounded pool (one and many)."""
    server, admin = defaults
    name = f"u{uuid.uuid4().hex[:10]}"
    admin.ok(
        "POST",
        "/api/users",
        201,
        json={"username": name, "password": PASSWORD, "full_name": "Một Người", "role": "member"},
    )
    batch = admin.ok(
        "POST",
        "/api/users/batch",
        201,
        json={
            "password": PASSWORD,
            "users": [{"username": f"{name}b{i}", "full_name": "Người Khác", "role": "member"} for i in range(3)],
        },
    )
    with client_from(server, "127.0.5.1") as http:
        for username in (name, *(u["username"] for u in batch)):
            assert log_in(http, username, PASSWORD).status_code == 200


def test_the_address_table_stays_bounded():
    """Per-address state is kept for at most `tracked` addresses, whatever the churn."""
    from meeting_server.auth.throttle import AddressGate

    gate = AddressGate(max_in_flight=16, address_in_flight=8, address_failures=30, window_s=300, tracked=100)
    for n in range(5000):
        address = f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
        with gate.admit(address) as attempt:
            attempt.failed()
        assert len(gate) <= 100
    assert gate.in_flight == 0
