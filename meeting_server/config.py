"""Settings from MEETING_* environment variables and the command line.

Start-up fails fast with one clear line when a setting is wrong
(`SettingsError`), rather than half-working on a meeting day.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting that cannot work; its message is the one line shown to the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEETING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("./data")
    # Unset: SQLite file in the data dir. Otherwise an SQLAlchemy URL, e.g.
    # postgresql+psycopg://user@127.0.0.1:5432/meetings
    database_url: str | None = None
    # Unset: one process. redis://host:6379/0: fan-out across nodes.
    broker_url: str | None = None
    # Browser origins, besides the server's own, allowed to open a socket.
    allowed_origins: list[str] = []

    max_upload_mb: int = 200
    max_pages: int = 2000
    ingest_timeout_s: float = 300.0
    render_timeout_s: float = 60.0
    render_workers: int = 2
    # Address-space cap of a rendering worker, so a decompression bomb fails alone.
    worker_memory_mb: int = 3072
    session_days: int = 30
    login_max_failures: int = 10
    login_window_s: int = 300
    # The minutes' header defaults (a secretary may change them per meeting):
    # the issuing body ("Chi bộ Khu phố 3"), the body above it, and the place
    # of the date line. Unset: the meeting's title and location stand in.
    minutes_issuer: str = ""
    minutes_issuer_parent: str = ""
    minutes_locality: str = ""

    web_dir: Path = PROJECT_ROOT / "web_client"
    agendas_dir: Path = PROJECT_ROOT / "agendas"

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if not 0 <= value <= 65535:
            raise ValueError("must be between 0 and 65535")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be an sqlite:// or postgresql+psycopg:// URL")
        return value

    @field_validator("broker_url")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL")
        return value or None

    @field_validator("max_upload_mb", "max_pages", "render_workers", "session_days")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            if self.database_url.startswith("postgresql://"):
                return "postgresql+psycopg://" + self.database_url.removeprefix("postgresql://")
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'meeting.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def tls_enabled(self) -> bool:
        return (self.tls_dir / "server.crt").exists() and (self.tls_dir / "server.key").exists()

    def prepare_dirs(self) -> None:
        for sub in ("files", "cache/pages", "tmp"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with command-line values on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        settings = Settings(**clean)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "MEETING_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"bad setting {name}: {first['msg']}") from None
    if not settings.web_dir.is_dir():
        raise SettingsError(f"web client folder not found: {settings.web_dir}")
    try:
        settings.prepare_dirs()
    except OSError as exc:
        raise SettingsError(f"cannot use data dir {settings.data_dir}: {exc.strerror}") from None
    return settings
