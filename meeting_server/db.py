"""Database engines and sessions.

Two kinds of session, because SQLite in WAL mode punishes the wrong one:
a read transaction that later writes fails at once with "database is
locked". So every write transaction starts with BEGIN IMMEDIATE (it waits
for the write lock up front), and reads use a plain deferred BEGIN that
never blocks writers. On PostgreSQL both are ordinary transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from meeting_server.config import Settings


class Database:
    def __init__(self, settings: Settings):
        self.url = settings.sqlalchemy_url
        self.is_sqlite = settings.is_sqlite
        if self.is_sqlite:
            self.reader = _sqlite_engine(self.url, immediate=False)
            self.writer = _sqlite_engine(self.url, immediate=True)
        else:
            self.reader = self.writer = sa.create_engine(
                self.url, pool_pre_ping=True, pool_size=10, max_overflow=20
            )

    def create_schema(self) -> None:
        # Import the table modules so their metadata is registered.
        from meeting_server import models  # noqa: F401

        from meeting_server.search.index import install_fts

        SQLModel.metadata.create_all(self.writer)
        install_fts(self.writer)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.reader, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        with Session(self.writer, expire_on_commit=False) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()


def _sqlite_engine(url: str, *, immediate: bool) -> sa.Engine:
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged page turn or ballot survives a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
