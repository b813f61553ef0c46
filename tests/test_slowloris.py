"""Slowloris (issue 9): idle, half-sent connections must not starve a meeting.

A real `meeting-server serve` of this module's own, with a short head timeout
and a small per-address cap, so the flood and its end fit in a few seconds.
The whole of 127.0.0.0/8 is loopback, so each role here binds its own source
address: the flood comes from 127.0.0.3 and up, the legitimate tablet from
127.0.0.2, and 127.0.0.1 stands for a reverse proxy on the same host.
"""

from __future__ import annotations

import contextlib
import json
import resource
import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
import socketio

from tests.conftest import start_server
from tests.support import ADMIN, login, run_cli
from tests.test_tls import HttpsServer, tls_init

HEAD_TIMEOUT = 2.0
PER_ADDRESS = 40
ENV = {"MEETING_HEAD_TIMEOUT_S": str(HEAD_TIMEOUT), "MEETING_MAX_CONNECTIONS_PER_ADDRESS": str(PER_ADDRESS)}
HALF_SENT = b"GET / HTTP/1.1\r\nHost: x\r\n"  # the head's blank line never comes
# "Closed by the server" means well before a flood would have let go on its own,
# and generous enough for a loaded 2-core machine.
CLOSE_BOUND = HEAD_TIMEOUT + 3.0


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    process, _admin = start_server(tmp_path_factory.mktemp("slowloris"), env=ENV)
    yield process
    process.stop()


@pytest.fixture(scope="module", autouse=True)
def enough_file_descriptors():
    """The floods below hold a few hundred sockets in this process; stay far from the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def connect_from(source: str, port: int, send: bytes = b"") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    sock.settimeout(5)
    sock.connect(("127.0.0.1", port))
    if send:
        sock.sendall(send)
    return sock


@contextlib.contextmanager
def opened(sockets: list[socket.socket]) -> Iterator[list[socket.socket]]:
    try:
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def is_open(sock: socket.socket) -> bool:
    """Not closed by the server (yet). Reads (and drops) whatever has arrived, to see past a refusal to its end."""
    sock.setblocking(False)
    try:
        while True:
            try:
                if not sock.recv(65536):
                    return False
            except BlockingIOError:
                return True
            except OSError:
                return False
    finally:
        sock.settimeout(5)


def read_until_closed(sock: socket.socket, within: float) -> bytes | None:
    """Everything the server sends before it closes; None if it is still open after `within` s."""
    sock.settimeout(within)
    got = b""
    try:
        while chunk := sock.recv(65536):
            got += chunk
    except TimeoutError:
        return None
    except ConnectionResetError:
        pass
    return got


def wait_closed(sockets: list[socket.socket], within: float, trickle: list[socket.socket] = ()) -> dict[int, float]:
    """When (s from now) the server closed each socket; sockets in `trickle` keep
    sending one header byte every 0.2 s, as a slowloris does to look alive."""
    start = time.monotonic()
    closed: dict[int, float] = {}
    pending = {sock.fileno(): sock for sock in sockets}
    next_byte = start
    while pending and time.monotonic() - start < within:
        if time.monotonic() >= next_byte:
            for sock in trickle:
                if sock.fileno() in pending:
                    with contextlib.suppress(OSError):
                        sock.send(b"a")
            next_byte += 0.2
        readable, _, _ = select.select(list(pending.values()), [], [], 0.05)
        for sock in readable:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if data == b"":
                closed[sock.fileno()] = time.monotonic() - start
                del pending[sock.fileno()]
    return closed


def legit_get(port: int, source: str = "127.0.0.2", timeout: float = 5) -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=timeout) as client:
        return client.get(f"http://127.0.0.1:{port}/api/me")


def websocket_upgrade(source: str, port: int) -> socket.socket:
    """A raw engine.io WebSocket, as a tablet's socket.io opens it; answered 101."""
    sock = connect_from(
        source,
        port,
        b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        assert chunk, f"closed during the WebSocket handshake: {head!r}"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def test_a_flood_of_half_sent_requests_from_one_address_leaves_others_served(guarded):
    # The report: 1,100 half-sent connections against a server on the usual soft
    # limit of 1,024 open files. Here, 300 against a server limited to 256.
    soft, hard = resource.prlimit(guarded.process.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(guarded.process.pid, resource.RLIMIT_NOFILE, (256, hard))
    try:
        with opened([connect_from("127.0.0.3", guarded.port, HALF_SENT) for _ in range(300)]) as flood:
            try:
                response = legit_get(guarded.port)
            except httpx.TimeoutException:
                pytest.fail("a legitimate request waited behind the flood for 5 s")
            assert response.status_code == 401, response.text
            held = sum(is_open(sock) for sock in flood)
            assert held <= PER_ADDRESS, f"the server holds {held} connections from one address"
    finally:
        resource.prlimit(guarded.process.pid, resource.RLIMIT_NOFILE, (soft, hard))


def test_request_heads_that_never_finish_are_closed_after_the_head_timeout(guarded):
    port = guarded.port
    keep_alive = connect_from("127.0.0.4", port, b"GET /api/me HTTP/1.1\r\nHost: x\r\n\r\n")
    assert keep_alive.recv(65536).startswith(b"HTTP/1.1 401")
    keep_alive.sendall(b"GET /api/me HTTP/1.1\r\n")  # the next request on it, never finished
    half_sent = [connect_from("127.0.0.4", port, HALF_SENT) for _ in range(10)]
    silent = [connect_from("127.0.0.4", port) for _ in range(5)]  # connect, then nothing at all
    trickling = [connect_from("127.0.0.4", port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ") for _ in range(3)]
    everything = [keep_alive, *half_sent, *silent, *trickling]
    with opened(everything):
        time.sleep(0.5)
        assert all(is_open(sock) for sock in everything), "closed before the head timeout"
        closed = wait_closed(everything, CLOSE_BOUND, trickle=[keep_alive, *trickling])
        assert len(closed) == len(everything), f"{len(everything) - len(closed)} still open after {CLOSE_BOUND} s"


def test_one_address_gets_at_most_the_cap_and_is_told_so(guarded):
    port = guarded.port
    with opened([connect_from("127.0.0.5", port, HALF_SENT) for _ in range(PER_ADDRESS)]) as held:
        one_more = connect_from("127.0.0.5", port)
        with opened([one_more]):
            answer = read_until_closed(one_more, within=1.0)
            assert answer is not None, "the connection past the cap was accepted"
            assert answer.startswith(b"HTTP/1.1 429"), answer
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "rate_limited"
        assert all(is_open(sock) for sock in held)
        assert legit_get(port).status_code == 401, "another address is not affected"

        # A reverse proxy on this host (127.0.0.1, MEETING_TRUSTED_PROXIES) speaks
        # for many clients: the cap does not apply to it.
        with opened([connect_from("127.0.0.1", port, HALF_SENT) for _ in range(PER_ADDRESS + 10)]) as proxied:
            time.sleep(0.5)
            assert all(is_open(sock) for sock in proxied)

    # The slots are given back when the connections end.
    time.sleep(0.5)
    with opened([connect_from("127.0.0.5", port, HALF_SENT) for _ in range(PER_ADDRESS)]) as again:
        time.sleep(0.3)
        assert all(is_open(sock) for sock in again)
    assert legit_get(port, source="127.0.0.5").status_code == 401


def test_websockets_hold_their_slot_and_outlive_the_head_timeout(guarded):
    port = guarded.port
    with opened([websocket_upgrade("127.0.0.6", port) for _ in range(PER_ADDRESS)]) as sockets:
        time.sleep(HEAD_TIMEOUT + 1.5)
        assert all(is_open(sock) for sock in sockets), "an upgraded WebSocket was cut by the head timeout"
        refused = read_until_closed(connect_from("127.0.0.6", port), within=1.0)
        assert refused is not None and refused.startswith(b"HTTP/1.1 429"), refused
    time.sleep(0.5)
    # Their slots came back when they closed: as many WebSockets again.
    with opened([websocket_upgrade("127.0.0.6", port) for _ in range(PER_ADDRESS)]):
        pass


def test_socketio_keeps_working_past_the_head_timeout(guarded):
    api = login(guarded.base_url, *ADMIN)
    websocket = api.socket()
    polling = socketio.Client(reconnection=False)
    polling.connect(guarded.base_url, auth={"token": api.token}, transports=["polling"], wait_timeout=10)
    try:
        # Long enough for idle WebSocket frames and a long-polling GET that waits
        # for data (engine.io's ping interval) to span several head timeouts.
        time.sleep(3 * HEAD_TIMEOUT)
        for ack in (websocket.call("no:such:event", {}), polling.call("no:such:event", {}, timeout=30)):
            assert ack["ok"] is False and ack["error"]["code"] == "invalid", ack
        assert websocket.client.connected and polling.connected
    finally:
        websocket.close()
        polling.disconnect()


def test_a_full_server_refuses_new_connections_with_a_clear_503(tmp_path):
    env = {**ENV, "MEETING_MAX_CONNECTIONS": "30", "MEETING_MAX_CONNECTIONS_PER_ADDRESS": "20"}
    process, _ = start_server(tmp_path, env=env)
    try:
        time.sleep(0.5)  # the start-up check's connection is gone
        sources = ["127.0.0.7"] * 20 + ["127.0.0.8"] * 20
        flood = [connect_from(source, process.port, HALF_SENT) for source in sources]
        with opened(flood):
            time.sleep(0.5)
            assert sum(is_open(sock) for sock in flood) == 30
            answer = read_until_closed(connect_from("127.0.0.9", process.port), within=1.0)
            assert answer is not None and answer.startswith(b"HTTP/1.1 503"), answer
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "server_busy"
            # The flood ends with the head timeout, and the server serves again.
            wait_closed(flood, CLOSE_BOUND)
            assert legit_get(process.port).status_code == 401
    finally:
        process.stop()


def test_tls_handshakes_that_never_come_are_closed_after_the_head_timeout(tmp_path):
    tls_init(tmp_path, "127.0.0.1")
    process = HttpsServer(tmp_path, env=ENV).start()
    try:
        with opened([connect_from("127.0.0.10", process.port) for _ in range(10)]) as silent:
            closed = wait_closed(silent, CLOSE_BOUND)
            assert len(closed) == len(silent), "TLS connections without a handshake were held past the head timeout"
    finally:
        process.stop()


@pytest.mark.parametrize(
    "name, value",
    [("MEETING_HEAD_TIMEOUT_S", "0"), ("MEETING_MAX_CONNECTIONS_PER_ADDRESS", "0"), ("MEETING_MAX_CONNECTIONS", "-1")],
)
def test_connection_limits_that_cannot_work_fail_fast(tmp_path, name, value):
    result = run_cli("serve", data_dir=tmp_path, env={name: value}, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(f"meeting-server: bad setting {name}: "), result.stderr
