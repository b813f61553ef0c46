"""The connection guard: idle, half-sent connections cannot starve a meeting (slowloris).

uvicorn alone leaves a gap: its keep-alive timeout only starts after a
response, so a connection that never finishes its request head is held for
ever, and `limit_concurrency` counts those connections too, so a flood that
fills it gets every legitimate request a 503. 1,100 such connections took a
server on the usual 1,024 open files down (issue 9). The guard, in uvicorn's
own protocol classes:

- a request head must arrive whole within `head_timeout_s` of the connection
  (or, on a keep-alive connection, of the previous response), however slowly
  it trickles; a request being answered, a long-polling GET and an upgraded
  WebSocket are never timed;
- one address holds at most `max_connections_per_address` connections, except
  trusted reverse proxies, which speak for many clients; past it a new one is
  answered 429 and closed;
- past `max_connections` in all, a new one is answered 503 and closed, and the
  open-files limit is raised to fit, so the server never runs out of sockets;
- over TLS (`tls init`), the handshake gets the same `head_timeout_s` instead
  of the event loop's 60 s, since connections are counted only once it is done.

Production sits behind nginx as well (docs/deploy/README.md).

uvicorn internals relied on (checked against uvicorn 0.55.0 with httptools
0.9 and uvloop 0.23; review on upgrade): `Config(http=, ws=, loop=)` take a
protocol class / loop factory as they are; HttpToolsProtocol's
`connection_made`, `connection_lost`, `on_headers_complete` (also reached by
an upgrade request), `on_response_complete` (the cycle's callback once a
response is sent), `handle_websocket_upgrade` (hands the transport to a new
`ws_protocol_class` instance via `set_protocol`), `pipeline`, `client`,
`transport` and `loop`; WebSocketsSansIOProtocol's `connection_lost`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import resource
import time
from collections.abc import Sequence
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from meeting_server.config import Settings
from meeting_server.errors import error_body

logger = logging.getLogger("uvicorn.error")

# Files the server opens besides its connections: the database, blobs and page
# cache being read, the render workers' pipes, logs.
OWN_FILES = 256
# At most one warning line per this many seconds while refusing, so a flood cannot flood the log.
REFUSAL_LOG_INTERVAL_S = 60.0


def _refusal(status: int, reason: str, code: str, message: str) -> bytes:
    """A whole HTTP response, sent as the connection opens, before any request is read."""
    body = json.dumps(error_body(code, message)).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
        "retry-after: 10\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


TOO_MANY_FROM_ADDRESS = _refusal(
    429, "Too Many Requests", "rate_limited", "Too many connections from this address. Please try again later."
)
SERVER_BUSY = _refusal(
    503, "Service Unavailable", "server_busy", "The server has too many connections. Please try again shortly."
)


class _Slot:
    """One admitted connection's place in the counts, given back exactly once."""

    __slots__ = ("_address", "_guard")

    def __init__(self, guard: ConnectionGuard, address: str | None):
        self._guard: ConnectionGuard | None = guard
        self._address = address  # None: counted in the total only

    def release(self) -> None:
        if self._guard is not None:
            self._guard._release(self._address)
            self._guard = None


class ConnectionGuard:
    """The counts of one server process (one event loop: no locks needed).

    The per-address dict holds only addresses with open connections and is
    bounded by `max_total`, so naming many addresses cannot grow it."""

    def __init__(self, *, head_timeout_s: float, max_total: int, max_per_address: int, trusted: Sequence[str]):
        self.head_timeout_s = head_timeout_s
        self.max_total = max_total
        self.max_per_address = max_per_address
        self._trust_all = "*" in trusted
        self._trusted = [ipaddress.ip_network(entry, strict=False) for entry in trusted if entry != "*"]
        self.total = 0
        self._by_address: dict[str, int] = {}
        self._refused = 0
        self._last_log = 0.0

    def admit(self, address: str | None) -> _Slot | bytes:
        """A slot for a new connection from `address`, or the response that refuses it."""
        if self.total >= self.max_total:
            return self._refuse(SERVER_BUSY, f"all {self.max_total} connections (MEETING_MAX_CONNECTIONS) in use")
        counted = address if address is not None and not self.is_trusted(address) else None
        if counted is not None:
            held = self._by_address.get(counted, 0)
            if held >= self.max_per_address:
                return self._refuse(
                    TOO_MANY_FROM_ADDRESS,
                    f"{counted} holds {held} connections (MEETING_MAX_CONNECTIONS_PER_ADDRESS)",
                )
            self._by_address[counted] = held + 1
        self.total += 1
        return _Slot(self, counted)

    def is_trusted(self, address: str) -> bool:
        if self._trust_all:
            return True
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) is not part of it
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
            ip = ip.ipv4_mapped  # a dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d
        return any(ip in network for network in self._trusted)

    def held_by(self, address: str) -> int:
        return self._by_address.get(address, 0)

    def _release(self, address: str | None) -> None:
        self.total -= 1
        if address is not None:
            left = self._by_address[address] - 1
            if left:
                self._by_address[address] = left
            else:
                del self._by_address[address]

    def _refuse(self, response: bytes, why: str) -> bytes:
        self._refused += 1
        now = time.monotonic()
        if now - self._last_log >= REFUSAL_LOG_INTERVAL_S:
            logger.warning("Refused %d connection(s) (one line a minute at most); the latest: %s", self._refused, why)
            self._refused, self._last_log = 0, now
        return response


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools HTTP/1.1 protocol, admitted by the guard and with a head timer."""

    guard: ClassVar[ConnectionGuard]
    _slot: _Slot | None = None
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        admitted = self.guard.admit(self.client[0] if self.client else None)
        if isinstance(admitted, bytes):
            transport.write(admitted)
            transport.close()
            return
        self._slot = admitted
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_arrived()
        if self._slot is not None:
            self._slot.release()
            self._slot = None
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self._head_arrived()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        # A request already read and queued behind this one (pipelining) has its
        # head; otherwise the connection now waits for the next head, timed again.
        pipelined = bool(self.pipeline)
        super().on_response_complete()
        if not pipelined and not self.transport.is_closing():
            self._await_head()

    def handle_websocket_upgrade(self) -> None:
        # The transport moves to a new WebSocket protocol; the slot moves with it,
        # for our connection_lost will not be called any more.
        slot, self._slot = self._slot, None
        super().handle_websocket_upgrade()
        websocket = self.transport.get_protocol()
        if isinstance(websocket, GuardedWebSocketProtocol):
            websocket.hold(slot)
        elif slot is not None:
            slot.release()

    def _await_head(self) -> None:
        self._head_arrived()
        self._head_timer = self.loop.call_later(self.guard.head_timeout_s, self._head_timed_out)

    def _head_arrived(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()


class GuardedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets (sans-I/O) protocol, giving back the upgraded connection's slot when it ends."""

    _slot: _Slot | None = None

    def hold(self, slot: _Slot | None) -> None:
        self._slot = slot

    def connection_lost(self, exc: Exception | None) -> None:
        try:
            super().connection_lost(exc)
        finally:
            if self._slot is not None:
                self._slot.release()
                self._slot = None


def _loop_class(handshake_timeout_s: float) -> type[asyncio.AbstractEventLoop]:
    """The event loop uvicorn would pick (uvloop if installed), with a TLS handshake timeout.

    uvicorn calls `loop.create_server` without `ssl_handshake_timeout`, and a
    TLS connection reaches our protocol (and its counts) only once the
    handshake is done, so a silent one would be held for the loop's default 60 s."""
    try:
        import uvloop

        base: type[asyncio.AbstractEventLoop] = uvloop.Loop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        base = asyncio.SelectorEventLoop

    async def create_server(self, *args: Any, **kwargs: Any):
        if kwargs.get("ssl") is not None:
            kwargs.setdefault("ssl_handshake_timeout", handshake_timeout_s)
        return await base.create_server(self, *args, **kwargs)

    return type("GuardedLoop", (base,), {"create_server": create_server})


def fit_open_files(max_connections: int) -> int:
    """Raise this process's soft open-files limit (up to the hard one) to hold
    `max_connections` sockets and the server's own files; the connection cap that fits."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max_connections + OWN_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        raised = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections
    room = soft - OWN_FILES if soft > 2 * OWN_FILES else soft // 2
    return max(1, min(max_connections, room))


def server_options(settings: Settings) -> tuple[dict[str, Any], int]:
    """uvicorn.run's keyword arguments for the guard, and the connection cap in force
    (lower than MEETING_MAX_CONNECTIONS when the open-files limit cannot hold that many)."""
    max_total = fit_open_files(settings.max_connections)
    guard = ConnectionGuard(
        head_timeout_s=settings.head_timeout_s,
        max_total=max_total,
        max_per_address=settings.max_connections_per_address,
        trusted=settings.trusted_proxies,
    )
    http = type("MeetingHttpProtocol", (GuardedHttpToolsProtocol,), {"guard": guard})
    options = {
        "http": http,
        "ws": GuardedWebSocketProtocol,
        "loop": _loop_class(settings.head_timeout_s),
        # One list: the proxies whose X-Forwarded-For is believed are the ones the per-address cap spares.
        "forwarded_allow_ips": list(settings.trusted_proxies),
    }
    return options, max_total
