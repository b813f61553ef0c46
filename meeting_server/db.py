"""Database engines and sessions.

Two kinds of session, because SQLite in WAL mode punishes the wrong one:
a read transaction that later writes fails at once with "database is
locked". So every write transaction starts with BEGIN IMMEDIATE (it waits
for the write lock up front), and reads use a plain deferred BEGIN that
never blocks writers. On PostgreSQL both are ordinary transactions.

The tables are made and changed by the migrations (meeting_server/migrations),
on a connection of their own (`schema_engine`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from meeting_server.config import Settings
from meeting_server.errors import Unavailable


def json_text(value: Any) -> str:
    """How JSON columns store a value: compact, and Vietnamese as UTF-8 rather
    than \\u escapes (half the bytes). Annotation limits count exactly these bytes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Database:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.url = settings.sqlalchemy_url
        self.is_sqlite = settings.is_sqlite
        if self.is_sqlite:
            self.reader = _sqlite_engine(self.url, immediate=False)
            self.writer = _sqlite_engine(self.url, immediate=True)
        else:
            self.reader = self.writer = sa.create_engine(
                self.url, pool_pre_ping=True, pool_size=10, max_overflow=20, json_serializer=json_text
            )

    def create_schema(self) -> None:
        """Start-up: an empty database is made by running every migration; any
        other must be at the head revision already, else `SchemaError` (one line:
        run `meeting-server migrate`)."""
        from meeting_server.migrations import prepare

        prepare(self.settings)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _reachable(self.is_sqlite), Session(self.reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        with _reachable(self.is_sqlite), Session(self.writer, expire_on_commit=False) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


@contextmanager
def _reachable(is_sqlite: bool) -> Iterator[None]:
    """A database that is down or restarting answers 503 `unavailable`, which a client
    retries, never a 500. On PostgreSQL that is a lost or refused connection (the pool
    pings before use, so the next request after a restart gets a fresh one); on SQLite,
    the write lock still held by another process after its 30 s timeout. Any other
    database error is a bug, and stays one."""
    try:
        yield
    except (sa.exc.InterfaceError, sa.exc.DisconnectionError) as exc:
        raise Unavailable(UNAVAILABLE) from exc
    except sa.exc.OperationalError as exc:
        if not is_sqlite or "locked" in str(exc.orig):
            raise Unavailable(UNAVAILABLE) from exc
        raise


UNAVAILABLE = "The database cannot be reached right now; try again in a moment."


def schema_engine(settings: Settings) -> sa.Engine:
    """An engine for the migrations. On SQLite with foreign keys off, as SQLite's
    own recipe for changing a table wants: a batch step copies the table and drops
    the old one, which other tables point at (the migrations check every reference
    before they commit). Its BEGIN IMMEDIATE holds the write lock from the first look."""
    if settings.is_sqlite:
        return _sqlite_engine(settings.sqlalchemy_url, immediate=True, foreign_keys=False)
    return sa.create_engine(settings.sqlalchemy_url, poolclass=sa.NullPool, json_serializer=json_text)


def _sqlite_engine(url: str, *, immediate: bool, foreign_keys: bool = True) -> sa.Engine:
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, json_serializer=json_text)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged page turn or ballot survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
