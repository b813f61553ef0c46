"""create_app(settings): the FastAPI app, wrapped by socket.io (never mounted under it)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import anyio
import socketio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from meeting_server import __version__, health, i18n
from meeting_server.annotations.routes import router as annotations_router
from meeting_server.archive.routes import router as archive_router
from meeting_server.auth.login import LoginGuard
from meeting_server.auth.origin import SameOriginWrites
from meeting_server.auth.routes import router as auth_router
from meeting_server.bodies.routes import router as bodies_router
from meeting_server.config import Settings
from meeting_server.context import AppContext
from meeting_server.db import Database
from meeting_server.deps import optional_user
from meeting_server.documents import text_layer
from meeting_server.documents.page_cache import PageCache
from meeting_server.documents.pdf import quiet_mupdf
from meeting_server.documents.pool import WorkerPool
from meeting_server.documents.routes import router as documents_router
from meeting_server.documents.storage import BlobStore
from meeting_server.errors import (
    DISK_FULL,
    NOT_JSON,
    DiskFull,
    Invalid,
    MeetingError,
    error_body,
    invalid_input,
    is_disk_full,
)
from meeting_server.eventlog.outbox import Intents
from meeting_server.gate import authorize
from meeting_server.http_head import HeadAsGet
from meeting_server.limits import BodyLimit
from meeting_server.meetings import presence
from meeting_server.meetings.routes import router as meetings_router
from meeting_server.minutes.routes import router as minutes_router
from meeting_server.realtime.broker import ResilientRedisManager
from meeting_server.realtime.server import make_socket_server, register_handlers
from meeting_server.search.routes import router as search_router
from meeting_server.security.routes import router as security_router
from meeting_server.security_headers import SecurityHeaders
from meeting_server.settings.routes import router as settings_router
from meeting_server.votes.routes import router as votes_router
from meeting_server.web.i18n import Catalogs
from meeting_server.web.routes import Pages
from meeting_server.web.routes import router as web_router

log = logging.getLogger(__name__)

HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "invalid",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media",
    429: "rate_limited",
}
# What the framework's own refusals say, by status (its English detail is not shown).
FRAMEWORK_MESSAGES = {
    400: "The request is not valid.",
    401: "Log in first.",
    403: "This is not allowed.",
    404: "There is nothing at this address.",
    405: "This address does not take this kind of request.",
    406: "The server cannot answer in the form asked for.",
    413: "The request body is too large.",
    415: "This type of content is not accepted here.",
    429: "Too many requests: please wait a moment.",
}


def create_app(settings: Settings) -> SecurityHeaders:
    db = Database(settings)
    # Before serving, not in the lifespan: a database that needs migrating stops
    # `serve` with one line (migrations.SchemaError), not a traceback from uvicorn.
    db.create_schema()
    sio = make_socket_server(settings)
    ctx = AppContext(
        settings=settings,
        db=db,
        sio=sio,
        intents=Intents(db, sio),
        store=BlobStore(settings.data_dir),
        # One ingest worker: a 300-page upload must leave the render workers free.
        ingest_pool=WorkerPool("ingest", 1, settings.worker_memory_mb, quiet_mupdf),
        render_pool=WorkerPool("render", settings.render_workers, settings.worker_memory_mb, quiet_mupdf),
        print_pool=WorkerPool("print", 1, settings.worker_memory_mb, quiet_mupdf),
        page_cache=PageCache(settings.data_dir / "cache" / "pages", settings.page_cache_mb * 1024 * 1024),
        logins=LoginGuard.for_settings(settings),
        node_id=uuid.uuid4().hex,
    )
    register_handlers(sio, ctx)
    if isinstance(sio.manager, ResilientRedisManager):
        sio.manager.on_resubscribed = ctx.intents.sender.resync_local

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        await ctx.intents.run(None, presence.beat, node_id=ctx.node_id)
        # One process alone owns all presence: whatever is left is from before a restart.
        await ctx.intents.run(None, presence.sweep, everything=settings.broker_url is None)
        heartbeat = asyncio.create_task(_heartbeat(ctx))
        # Page images from before count toward the cache's bound; half-loaded text layers are finished.
        ctx.background.start(anyio.to_thread.run_sync(ctx.page_cache.scan))
        ctx.background.start(text_layer.resume(ctx))
        try:
            yield
        finally:
            heartbeat.cancel()
            await ctx.background.finish(timeout=3)
            ctx.ingest_pool.shutdown()
            ctx.render_pool.shutdown()
            ctx.print_pool.shutdown()
            ctx.logins.passwords.shutdown()
            db.dispose()

    app = FastAPI(
        title="Meeting server",
        version=__version__,
        description="The paperless meeting room: see docs/api.md for the socket.io events.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # The authorization table (auth/policy.py) decides before every route.
        dependencies=[Depends(authorize)],
    )
    app.state.ctx = ctx
    app.state.pages = Pages(
        Jinja2Templates(directory=str(settings.web_dir / "templates")),
        Catalogs(settings.web_dir / "i18n"),
    )
    app.add_middleware(BodyLimit, max_upload_bytes=settings.max_upload_bytes)
    app.add_middleware(SameOriginWrites, allowed_origins=settings.allowed_origins)
    health.install(app, settings)  # /healthz, /readyz, /metrics; JSON request logs (MEETING_LOG_FORMAT)
    _install_error_handlers(app)
    routers = (
        auth_router,
        meetings_router,
        bodies_router,
        documents_router,
        search_router,
        security_router,
        settings_router,
        archive_router,
        annotations_router,
        votes_router,
        minutes_router,
        web_router,
    )
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=settings.web_dir / "static"), name="static")
    app.mount("/vendor", StaticFiles(directory=settings.web_dir / "vendor"), name="vendor")
    return SecurityHeaders(
        HeadAsGet(socketio.ASGIApp(sio, other_asgi_app=app, socketio_path="socket.io")), tls=settings.tls_enabled
    )


async def _heartbeat(ctx: AppContext) -> None:
    while True:
        await asyncio.sleep(presence.HEARTBEAT_EVERY_S)
        try:
            await ctx.intents.run(None, presence.beat, node_id=ctx.node_id)
            await ctx.intents.run(None, presence.sweep, everything=False)
        except MeetingError as exc:
            # The database down or its disk full: said in one line every beat, not a traceback.
            log.warning("heartbeat failed: %s", exc.message)
        except Exception:
            log.exception("heartbeat failed")


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def _install_error_handlers(app: FastAPI) -> None:
    # Every error answers in the person's language (meeting_server/i18n): the
    # `lang` cookie, else Accept-Language, else Vietnamese.
    async def meeting_error(request: Request, exc: MeetingError):
        if isinstance(exc, DiskFull):
            # The person is told; the administrator reads it here. The driver's error, not
            # SQLAlchemy's: that one quotes the statement's parameters.
            cause = getattr(exc.__cause__, "orig", None) or exc.__cause__
            log.error("disk full: %s %s refused (%r)", request.method, request.url.path, cause)
        if _wants_html(request):
            user = await anyio.to_thread.run_sync(_optional_user, request)
            return request.app.state.pages.error(request, user, exc)
        return exc.to_http(i18n.from_request(request))

    async def validation_error(request: Request, exc: RequestValidationError):
        problems = exc.errors()
        error = invalid_input(problems[0]) if problems else Invalid(NOT_JSON)
        return error.to_http(i18n.from_request(request))

    async def http_error(request: Request, exc: StarletteHTTPException):
        # Starlette's own refusals (no route, a method the route lacks): its English
        # detail becomes one of our messages for the status.
        code = HTTP_CODES.get(exc.status_code, "invalid" if exc.status_code < 500 else "internal")
        message = FRAMEWORK_MESSAGES.get(exc.status_code, "The request was refused.")
        error = MeetingError(message, code=code, status=exc.status_code)
        response = await meeting_error(request, error)
        # Starlette's own headers, e.g. a 405's `Allow` (RFC 9110 requires it).
        response.headers.update(exc.headers or {})
        return response

    async def unexpected(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        body = error_body("internal", "The server failed to do this.", i18n.from_request(request))
        return JSONResponse(body, status_code=500)

    async def os_error(request: Request, exc: OSError):
        # A file the server writes (an upload's temp copy, a blob, a marker) on a full disk;
        # any other OSError is a bug like the rest.
        if is_disk_full(exc):
            error = DiskFull(DISK_FULL)
            error.__cause__ = exc
            return await meeting_error(request, error)
        return await unexpected(request, exc)

    # Starlette types a handler as taking any Exception; each of these is registered for its own class.
    app.add_exception_handler(MeetingError, meeting_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(OSError, os_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, unexpected)


def _optional_user(request: Request):
    try:
        return optional_user(request, request.app.state.ctx)
    except Exception:
        return None
