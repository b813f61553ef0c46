"""What a load balancer, an orchestrator and Prometheus ask of a node.

- `GET /healthz`: alive. Answers from the event loop alone, touching neither
  the database nor the broker: a node that answers it need not be restarted.
- `GET /readyz`: ready for traffic. The database answers within
  READY_TIMEOUT_S (on SQLite, a fresh read-only connection to the file, so a
  data folder that went away is noticed; on PostgreSQL, a connection from the
  pool), and so does the Redis broker when there is one. Otherwise 503, naming
  what failed.
- `GET /metrics`: prometheus_client's text format (observability.py).

None of them needs a login: nginx keeps `/metrics` and `/readyz` to the
machine and the monitoring network (docs/deploy/nginx.conf).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import redis.asyncio as aioredis
import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from meeting_server import observability
from meeting_server.config import Settings
from meeting_server.context import AppContext

# Long enough for a busy database, short enough for a probe every few seconds.
READY_TIMEOUT_S = 2.0

router = APIRouter(include_in_schema=False)


def install(app: FastAPI, settings: Settings) -> None:
    """The routes, and the logging MEETING_LOG_FORMAT asks for: create_app calls this once."""
    observability.configure_logging(settings)
    if settings.log_format == "json":
        app.add_middleware(observability.RequestLog)
    app.include_router(router)


@router.get("/healthz")
async def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    ctx: AppContext = request.app.state.ctx
    checks = {"database": await _check(_database_ready, ctx)}
    if ctx.settings.broker_url:
        checks["broker"] = await _check(_broker_ready, ctx)
    failed = [name for name, outcome in checks.items() if outcome != "ok"]
    return JSONResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks},
        status_code=503 if failed else 200,
        headers={"Cache-Control": "no-store"},
    )


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


async def _check(probe: Callable[[AppContext], Awaitable[None]], ctx: AppContext) -> str:
    """ "ok", or why not, in one line."""
    try:
        with anyio.fail_after(READY_TIMEOUT_S):
            await probe(ctx)
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT_S:g} s"
    except Exception as exc:
        lines = str(exc).strip().splitlines()
        return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return "ok"


async def _database_ready(ctx: AppContext) -> None:
    # In a thread, left behind if it hangs past the timeout (a thread cannot be cancelled).
    await anyio.to_thread.run_sync(_ask_database, ctx, abandon_on_cancel=True)


def _ask_database(ctx: AppContext) -> None:
    if ctx.settings.is_sqlite:
        # A connection of its own: the pool's stay open on a file that was moved or deleted.
        path = Path(sa.engine.make_url(ctx.settings.sqlalchemy_url).database or "").resolve()
        own = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=READY_TIMEOUT_S)
        try:
            own.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            own.close()
        return
    with ctx.db.reader.connect() as pooled:
        pooled.execute(sa.text("SELECT 1")).scalar_one()


async def _broker_ready(ctx: AppContext) -> None:
    url = ctx.settings.broker_url
    assert url is not None
    client = aioredis.Redis.from_url(url, socket_connect_timeout=READY_TIMEOUT_S, socket_timeout=READY_TIMEOUT_S)
    try:
        await client.ping()
    finally:
        await client.aclose()
