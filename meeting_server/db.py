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
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from meeting_server.config import Settings
from meeting_server.errors import DISK_FULL, DiskFull, Unavailable, is_disk_full

log = logging.getLogger(__name__)


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
    the write lock still held by another process after its 30 s timeout. A full disk is
    507 `disk_full`. Any other database error is a bug, and stays one."""
    try:
        yield
    except (sa.exc.InterfaceError, sa.exc.DisconnectionError) as exc:
        raise Unavailable(UNAVAILABLE) from exc
    except sa.exc.OperationalError as exc:
        # The transaction did not commit: say so, and why.
        if is_disk_full(exc):
            raise DiskFull(DISK_FULL) from exc
        if not is_sqlite or "locked" in str(exc.orig):
            raise Unavailable(UNAVAILABLE) from exc
        raise


UNAVAILABLE = "The database cannot be reached right now; try again in a moment."


def forget_write_history(engine: sa.Engine, table: str) -> None:
    """Wipe what the engine keeps of the order of recent writes to `table`, after a commit.

    SQLite's write-ahead log holds every commit's pages in order until a checkpoint, so a
    copy of the file and its log replays them one by one: TRUNCATE folds the log into the
    file and empties it. PostgreSQL keeps each row's earlier versions, with the ids of the
    transactions that wrote and replaced them, until a vacuum: VACUUM removes those no
    open transaction can see (SKIP_LOCKED: another node's vacuum of the table will do).

    Best effort by nature: a busy database keeps the trail until the next call, which is
    logged, never raised; the commit before it stands."""
    try:
        if engine.dialect.name == "sqlite":
            connection = engine.raw_connection()
            try:
                cursor = connection.cursor()
                # A short wait: readers finish in milliseconds, and this thread holds a meeting's turn.
                cursor.execute("PRAGMA busy_timeout=2000")
                busy, _, _ = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                cursor.execute("PRAGMA busy_timeout=30000")
                if busy:
                    log.warning("the write-ahead log was busy: %s's recent writes stay in it until the next try", table)
            finally:
                connection.close()
        else:
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
                autocommit.exec_driver_sql(f"VACUUM (SKIP_LOCKED) {table}")
    except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
        log.warning("could not wipe the write history of %s: %s", table, type(exc).__name__)


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
