"""What the upload pipeline (ingest.py, text_layer.py) needs of the running
server, as a Protocol: the app's context has all of it, and the domain does
not import the app's edge to say so."""

from __future__ import annotations

from typing import Protocol

from meeting_server.config import Settings
from meeting_server.db import Database
from meeting_server.documents.page_cache import PageCache
from meeting_server.documents.pool import WorkerPool
from meeting_server.documents.storage import BlobStore
from meeting_server.eventlog.outbox import Intents


class DocumentRuntime(Protocol):
    settings: Settings
    db: Database
    intents: Intents
    store: BlobStore
    ingest_pool: WorkerPool
    page_cache: PageCache
