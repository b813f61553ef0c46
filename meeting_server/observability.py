"""What a node tells its operator: Prometheus metrics and structured (JSON) logs.

Metrics live in prometheus_client's default registry: one node is one process,
and `/metrics` (health.py) shows that node's numbers; Prometheus sums the nodes.
The rest of the server records through the functions here, one line each where
it happens: a socket connecting or leaving (realtime/server.py), a committed
event handed to socket.io (eventlog/outbox.py), a PDF job queued or running
(documents/pool.py), a page image found on disk or not (documents/page_cache.py).

Logs: with MEETING_LOG_FORMAT=json every log record is one JSON object on one
line of stderr, and each HTTP request adds one (`RequestLog`): method, path
(never the query string, where a token could be), status, duration in ms and
the client's address. MEETING_LOG_SOCKET_EVENTS=1 adds one per client socket
event (`logged_socket_event`), in either format. With the default, "text",
logging is as it always was: warnings and errors on stderr, no line per request.

Ground: this module imports nothing of the server but the settings, so the
event log and the domains may record here (tests/architecture.py).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

from prometheus_client import Counter, Gauge, Histogram

from meeting_server.config import Settings

SOCKETS = Gauge(
    "meeting_connected_sockets",
    "Sockets logged in on this node: tablets, consoles and hall screens.",
)
EVENTS_SENT = Counter(
    "meeting_events_sent",
    "Committed events handed to socket.io, per meeting, one per event however many rooms it goes to;"
    " rate() gives events per second.",
    ["meeting"],
)
EMIT_SECONDS = Histogram(
    "meeting_emit_seconds",
    "Time to hand a committed event to socket.io, one room at a time: this node's sockets, then the broker.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
PDF_JOBS = Gauge(
    "meeting_pdf_jobs",
    "PDF jobs waiting for or running in a worker pool: ingest (uploads), render (page images), print.",
    ["pool"],
)
PAGE_CACHE = Counter(
    "meeting_page_cache_requests",
    "Page images asked of the disk cache: result=hit was on disk, result=miss had to be drawn.",
    ["result"],
)
for _result in ("hit", "miss"):
    PAGE_CACHE.labels(result=_result)  # both series from the start, so rate() has a zero to start from

# Request and socket-event lines go to these loggers, at INFO.
ACCESS_LOG = logging.getLogger("meeting_server.access")
SOCKET_LOG = logging.getLogger("meeting_server.socket_events")


# ---- Recording, called from where it happens ----------------------------------------------


def socket_connected() -> None:
    SOCKETS.inc()


def socket_disconnected() -> None:
    SOCKETS.dec()


@contextmanager
def emitting(meeting_id: Any, *, counted: bool = True) -> Iterator[None]:
    """Around one emit of a committed event to one room: its latency and, when `counted`
    (the emit to the event's own room, not its copies to the hall screens' room or to
    inboxes), one more event sent for its meeting (none when the emit raised)."""
    started = time.perf_counter()
    yield
    EMIT_SECONDS.observe(time.perf_counter() - started)
    if counted:
        EVENTS_SENT.labels(meeting="" if meeting_id is None else str(meeting_id)).inc()


def pdf_job(pool: str) -> AbstractContextManager[Any]:
    """Around a PDF job, from queued to answered: counted in its pool's queue."""
    return PDF_JOBS.labels(pool=pool).track_inprogress()


def page_cache(*, hit: bool) -> None:
    PAGE_CACHE.labels(result="hit" if hit else "miss").inc()


# ---- Logs -------------------------------------------------------------------------------------

# LogRecord's own attributes: anything else on a record came through `extra=` and is logged as a field.
_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message,
    the fields given with `extra=`, and the traceback, if any, as one string."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_socket_events = False


def configure_logging(settings: Settings) -> None:
    """JSON lines on stderr when MEETING_LOG_FORMAT=json; otherwise leave logging as it is.
    Called once per app (create_app); calling it again replaces the handler rather than adding one."""
    global _socket_events
    _socket_events = settings.log_socket_events
    if settings.log_format != "json":
        if _socket_events and not SOCKET_LOG.handlers:
            text = logging.StreamHandler(sys.stderr)
            text.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
            SOCKET_LOG.addHandler(text)
            SOCKET_LOG.setLevel(logging.INFO)
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, JsonFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    logging.captureWarnings(True)  # a library's warning is a record too, not a stray text line
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    # uvicorn's own access log would repeat ours, as text with the query string: off.
    logging.getLogger("uvicorn.access").disabled = True


class RequestLog:
    """ASGI middleware: one INFO line on `meeting_server.access` per HTTP request, once answered.
    Installed only when MEETING_LOG_FORMAT=json; socket.io's own requests do not pass here."""

    def __init__(self, app: Callable[..., Awaitable[None]]):
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before answering

        async def send_and_note(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 2)
            client = scope.get("client")
            ACCESS_LOG.info(
                "%s %s %s",
                scope["method"],
                scope["path"],
                status,
                extra={
                    "method": scope["method"],
                    # The path alone: a query string may carry a token or a search.
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": duration_ms,
                    "client": client[0] if client else None,
                },
            )


SocketHandler = Callable[..., Awaitable[Any]]


def logged_socket_event(event: str, handler: SocketHandler) -> SocketHandler:
    """The socket handler, logging one line per call when MEETING_LOG_SOCKET_EVENTS is on:
    event, sid, ok or the error code, duration. Never the payload."""

    async def on_event(sid: str, *args: Any) -> Any:
        if not _socket_events:
            return await handler(sid, *args)
        started = time.perf_counter()
        ack = await handler(sid, *args)
        error = ack.get("error") if isinstance(ack, dict) else None
        SOCKET_LOG.info(
            "%s %s",
            event,
            "ok" if error is None else "refused",
            extra={
                "event": event,
                "sid": sid,
                "ok": error is None,
                "code": error.get("code") if isinstance(error, dict) else None,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return ack

    return on_event
