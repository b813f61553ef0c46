"""Settings from MEETING_* environment variables and the command line.

Start-up fails fast with one clear line when a setting is wrong
(`SettingsError`), rather than half-working on a meeting day.
"""

from __future__ import annotations

import ipaddress
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shipped(folder: str) -> Path:
    """A folder the server reads beside its code: inside the installed package
    when it came from a wheel (setup.py copies it there), else at the top of the
    source tree, where it is edited."""
    inside = resources.files("meeting_server") / folder
    if inside.is_dir():
        return Path(str(inside))
    return PROJECT_ROOT / folder


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
    # The Redis channel the nodes share: installations (or test runs) that share
    # one Redis each take their own, so one's events never reach the other's tablets.
    broker_channel: str = "meeting-server"
    # Browser origins, besides the server's own, allowed to open a socket.
    allowed_origins: list[str] = []

    max_upload_mb: int = 200
    max_pages: int = 2000
    ingest_timeout_s: float = 300.0
    render_timeout_s: float = 60.0
    render_workers: int = 2
    # Address-space cap of a rendering worker, so a decompression bomb fails alone.
    worker_memory_mb: int = 3072
    # Page images on disk (cache/pages): past this, the least recently used go.
    page_cache_mb: int = 2048
    # CPU seconds one page may take at ingest (text layer and thumbnail); a page
    # past it (say, nested forms that take minutes to draw) refuses the document.
    ingest_page_budget_s: float = 1.0
    # The text layer reaches the database in transactions of about this much text.
    text_layer_chunk_kb: int = 2048
    # Slowloris guard (http_guard.py, docs/deploy/README.md): a request head must
    # arrive whole within head_timeout_s (also the TLS handshake's limit); one
    # address holds at most max_connections_per_address connections (a browser
    # keeps up to 7 per host, so 256 is ~35 tablets behind one NAT address), past
    # which it is answered 429; past max_connections in all, 503. Trusted proxies
    # speak for many clients: the per-address cap spares them, and their
    # X-Forwarded-For is believed (uvicorn's forwarded_allow_ips).
    head_timeout_s: float = 10.0
    max_connections_per_address: int = 256
    max_connections: int = 4096
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]
    session_days: int = 30
    # socket.io liveness: a tablet silent for interval + timeout is gone.
    ping_interval_s: float = 10.0
    ping_timeout_s: float = 10.0
    # The largest message a client may send on a socket (a long ink stroke
    # fits many times over); a bigger one closes that socket, nothing else.
    max_socket_message_kb: int = 512
    # Logins (auth/throttle.py, auth/attempts.py, docs/architecture.md "Auth").
    # An argon2id check costs ~64 MiB and a fraction of a second of CPU (on all
    # cores: it runs 4 lanes), so checks and hashes have a pool of their own,
    # password_workers threads. Past login_max_in_flight logins being checked
    # or waiting, or login_address_in_flight from one address, or
    # login_address_failures failures from one address within login_window_s,
    # a login is answered 429 at once, before any check. One account from one
    # address: login_max_failures failures, then a wait of login_window_s,
    # doubling with each further failure up to login_max_backoff_s. Per-address
    # state is kept for login_tracked_addresses addresses at most.
    password_workers: int = 1
    login_max_in_flight: int = 16
    login_address_in_flight: int = 8
    login_address_failures: int = 30
    login_max_failures: int = 10
    login_window_s: int = 300
    login_max_backoff_s: int = 3600
    login_tracked_addresses: int = 10000
    # Security events (security/service.py): each kind keeps its newest this many rows.
    security_events_per_kind: int = 50000
    # Annotation limits, per participant (annotations/limits.py, docs/api.md):
    # far above what a member writing with a pen makes, far below a flood.
    # Puts and deletes per second in one meeting, and how many at once.
    annotation_puts_per_s: float = 10.0
    annotation_put_burst: int = 30
    # Live-stroke pieces per second (the tablet sends one per 50 ms).
    annotation_drawing_per_s: float = 30.0
    # Points in one ink stroke (~25 s of a pen moving without a lift).
    annotation_points_per_stroke: int = 5000
    # Live annotations of one participant on one page of a document.
    annotation_per_page: int = 2000
    # What one participant's annotations in one meeting may store, in MB.
    annotation_mb_per_meeting: float = 20.0
    # The HTTP listing comes in pages of at most this many annotations and
    # (about) this much annotation data.
    annotation_list_page_size: int = 500
    annotation_list_page_kb: int = 2048
    # The minutes' header defaults (a secretary may change them per meeting):
    # the issuing body ("Chi bộ Khu phố 3"), the body above it, and the place
    # of the date line. Unset: the meeting's title and location stand in.
    minutes_issuer: str = ""
    minutes_issuer_parent: str = ""
    minutes_locality: str = ""
    # Logs (observability.py, docs/deploy/README.md): "text" is Python's plain
    # warnings and errors on stderr; "json" is one JSON object a line, with a line
    # per HTTP request (and per socket event when log_socket_events is on).
    log_format: Literal["text", "json"] = "text"
    log_socket_events: bool = False

    web_dir: Path = shipped("web_client")
    agendas_dir: Path = shipped("agendas")

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

    @field_validator("page_cache_mb", "ingest_page_budget_s", "text_layer_chunk_kb")
    @classmethod
    def _documents_limit(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be above 0")
        return value

    @field_validator("head_timeout_s", "max_connections_per_address", "max_connections")
    @classmethod
    def _connection_limit(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be above 0")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry != "*":
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise ValueError(f"{entry!r} is not an IP address or network (or *)") from None
        return value

    @field_validator(
        "annotation_puts_per_s",
        "annotation_put_burst",
        "annotation_drawing_per_s",
        "annotation_points_per_stroke",
        "annotation_per_page",
        "annotation_mb_per_meeting",
        "annotation_list_page_size",
        "annotation_list_page_kb",
    )
    @classmethod
    def _annotation_limit(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be above 0")
        return value

    @field_validator(
        "max_upload_mb",
        "max_pages",
        "render_workers",
        "session_days",
        "password_workers",
        "login_max_in_flight",
        "login_address_in_flight",
        "login_address_failures",
        "login_max_failures",
        "login_window_s",
        "login_max_backoff_s",
        "login_tracked_addresses",
        "security_events_per_kind",
    )
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
