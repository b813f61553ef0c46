"""What a running server holds: one object, made by create_app, reached from
routes through `request.app.state.ctx` and from socket handlers by closure."""

from __future__ import annotations

from dataclasses import dataclass, field

import socketio

from meeting_server.auth.login import LoginGuard
from meeting_server.background import Background
from meeting_server.config import Settings
from meeting_server.db import Database
from meeting_server.documents.page_cache import PageCache
from meeting_server.documents.pool import WorkerPool
from meeting_server.documents.storage import BlobStore
from meeting_server.eventlog.outbox import Intents


@dataclass
class AppContext:
    settings: Settings
    db: Database
    sio: socketio.AsyncServer
    intents: Intents
    store: BlobStore
    ingest_pool: WorkerPool
    render_pool: WorkerPool
    # Minutes PDFs: seconds each, so they never wait for, or hold up, page images.
    print_pool: WorkerPool
    page_cache: PageCache
    # Password checks on their own threads, and the caps in front of them.
    logins: LoginGuard
    node_id: str
    # Page images being rendered now, so ten tablets asking at once cost one render.
    rendering: dict = field(default_factory=dict)
    # Work started and not waited for, such as a departing tablet's presence.
    background: Background = field(default_factory=Background)
