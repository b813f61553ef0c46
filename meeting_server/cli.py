"""The `meeting-server` command. Exit 0 on success; otherwise one clear line on stderr."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys
from pathlib import Path
from typing import Any

from meeting_server.config import SettingsError, load_settings


class CommandError(Exception):
    """A failure whose message is the one line the operator reads."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args) or 0
    except (CommandError, SettingsError) as exc:
        print(f"meeting-server: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meeting-server", description="The paperless meeting room server.")
    commands = parser.add_subparsers(metavar="COMMAND")

    def data_dir_option(p):
        p.add_argument("--data-dir", type=Path, help="where the database and files live (default ./data)")

    serve = commands.add_parser("serve", help="run the server")
    _server_options(serve)
    data_dir_option(serve)
    serve.set_defaults(run=_serve)

    user = commands.add_parser("user", help="manage accounts").add_subparsers(metavar="ACTION")
    add = user.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["admin", "secretary", "chair", "member", "archivist"])
    add.add_argument("--full-name", required=True)
    add.add_argument("--password", help="prompted for (or generated and printed) when not given")
    data_dir_option(add)
    add.set_defaults(run=_user_add)

    imp = commands.add_parser("import", help="create a meeting from a folder with agenda.toml")
    imp.add_argument("folder", type=Path)
    data_dir_option(imp)
    imp.set_defaults(run=_import)

    migrate = commands.add_parser("migrate", help="bring the database's tables up to this version (after an upgrade)")
    data_dir_option(migrate)
    migrate.set_defaults(run=_migrate)

    demo = commands.add_parser("demo", help="create the demo users and meeting, then serve")
    _server_options(demo)
    data_dir_option(demo)
    demo.set_defaults(run=_demo)

    tls = commands.add_parser("tls", help="HTTPS for the LAN").add_subparsers(metavar="ACTION")
    init = tls.add_parser("init", help="make a local CA and a server certificate in the data dir")
    init.add_argument("--host", action="append", required=True, help="a name or IP the tablets use (repeat)")
    data_dir_option(init)
    init.set_defaults(run=_tls_init)

    verify = commands.add_parser("verify-archive", help="check a meeting archive's hashes and audit chain")
    verify.add_argument("file", type=Path, help="the archive, FILE.zip")
    verify.set_defaults(run=_verify_archive)

    backup = commands.add_parser("backup", help="write a backup of the database and files (the server may run)")
    backup.add_argument("file", type=Path, help="the backup to write, FILE.zip (must not exist)")
    data_dir_option(backup)
    backup.set_defaults(run=_backup)

    restore = commands.add_parser("restore", help="put a backup in place (the server stopped)")
    restore.add_argument("file", type=Path, help="the backup, FILE.zip")
    restore.add_argument("--force", action="store_true", help="replace a database with users, or files, already there")
    restore.add_argument("--check", action="store_true", help="only check the backup against its manifest")
    data_dir_option(restore)
    restore.set_defaults(run=_restore)
    return parser


def _server_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 for the LAN)")
    p.add_argument("--port", type=int, help="port (default 8000)")


def _settings(args, **extra):
    return load_settings(data_dir=getattr(args, "data_dir", None), **extra)


def _database(settings):
    from meeting_server.db import Database

    db = Database(settings)
    try:
        db.create_schema()
    except SettingsError:  # migrations.SchemaError: its own line ("run `meeting-server migrate`")
        raise
    except Exception as exc:
        raise CommandError(f"cannot open the database {settings.sqlalchemy_url.split('@')[-1]}: {exc}") from None
    return db


def _migrate(args) -> int:
    from meeting_server.migrations import BEFORE_MIGRATIONS, migrate

    settings = _settings(args)
    try:
        done = migrate(settings)
    except SettingsError:
        raise
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CommandError(f"cannot migrate the database {settings.sqlalchemy_url.split('@')[-1]}: {reason}") from None
    if done.before == done.after:
        print(f"the database is at revision {done.after}, the newest: nothing to do")
    elif done.before is None and not done.stamped:
        print(f"created the database at revision {done.after}")
    else:
        was = f"made before migrations (revision {BEFORE_MIGRATIONS})" if done.stamped else f"at revision {done.before}"
        print(f"migrated the database, {was}, to revision {done.after}")
    return 0


def _intents(settings):
    """The server's write path for a command: events go to the running nodes
    through their broker (a write-only client manager, python-socketio's way
    to emit from another process); with one node and no broker they are in
    the log, and tablets get them when they next join."""
    import socketio

    from meeting_server.eventlog.outbox import Intents

    emitter = socketio.AsyncRedisManager(settings.broker_url, write_only=True) if settings.broker_url else None
    return Intents(_database(settings), emitter)


def _serve(args) -> int:
    import uvicorn

    from meeting_server.app import create_app
    from meeting_server.http_guard import server_options

    settings = _settings(args, host=args.host, port=args.port)
    ssl: dict[str, Any] = {}
    if settings.tls_enabled:
        ssl = {
            "ssl_certfile": str(settings.tls_dir / "server.crt"),
            "ssl_keyfile": str(settings.tls_dir / "server.key"),
        }
    # Head timeout, per-address and total connection caps (http_guard.py): the
    # HTTP (httptools) and WebSocket (websockets sans-I/O) protocols and the loop.
    guard, max_connections = server_options(settings)
    if max_connections < settings.max_connections:
        print(
            f"meeting-server: the open-files limit allows {max_connections} connections, "
            f"not MEETING_MAX_CONNECTIONS={settings.max_connections} (raise it: ulimit -n, LimitNOFILE=)",
            file=sys.stderr,
        )
    # Built before the "Serving on" line: a database that needs migrating is refused first, alone.
    app = create_app(settings)
    scheme = "https" if ssl else "http"
    print(f"Serving on {scheme}://{settings.host}:{settings.port}/ (data in {settings.data_dir.resolve()})", flush=True)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="warning",
        # MEETING_LOG_FORMAT=json: uvicorn's records go through the JSON handler (observability.py) too.
        log_config=None if settings.log_format == "json" else uvicorn.config.LOGGING_CONFIG,
        timeout_graceful_shutdown=5,
        **guard,
        **ssl,
    )
    return 0


def _user_add(args) -> int:
    from pydantic import ValidationError

    from meeting_server.auth.models import UserCreate
    from meeting_server.auth.passwords import hash_password
    from meeting_server.auth.service import create_user
    from meeting_server.errors import MeetingError
    from meeting_server.security.service import SecurityLog

    password, generated = args.password, False
    if not password:
        if sys.stdin.isatty():
            password = getpass.getpass(f"Password for {args.username}: ")
        else:
            password, generated = secrets.token_urlsafe(12), True
    try:
        data = UserCreate(username=args.username, password=password, full_name=args.full_name, role=args.role)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise CommandError(f"{error['loc'][0]}: {error['msg']}") from None
    settings = _settings(args)
    intents = _intents(settings)
    # A security event with no actor and no address: made on the server's command line.
    security = SecurityLog(address=None, per_kind=settings.security_events_per_kind)
    try:
        user = asyncio.run(
            intents.run(None, create_user, data=data, password_hash=hash_password(data.password), security=security)
        )
    except MeetingError as exc:
        raise CommandError(exc.message) from None
    print(f"created {user.role.value} {user.username} (id {user.id})")
    if generated:
        print(f"password: {password}")
    return 0


def _import(args) -> int:
    from meeting_server.documents.storage import BlobStore
    from meeting_server.errors import MeetingError
    from meeting_server.meetings.importer import FolderError, import_folder

    settings = _settings(args)
    intents = _intents(settings)
    try:
        meeting_id = import_folder(intents, BlobStore(settings.data_dir), args.folder, settings.max_pages)
    except (FolderError, MeetingError) as exc:
        raise CommandError(str(exc)) from None
    print(f"imported meeting {meeting_id}: /meetings/{meeting_id}")
    return 0


def _demo(args) -> int:
    from meeting_server.documents.storage import BlobStore
    from meeting_server.meetings.importer import FolderError, ensure_users, find_meeting, import_folder, read_toml

    settings = _settings(args, host=args.host, port=args.port)
    intents = _intents(settings)
    folder = settings.agendas_dir / "demo"
    try:
        users = ensure_users(intents, folder / "users.toml")
        meeting_id = find_meeting(intents, read_toml(folder / "agenda.toml")["title"])
        if meeting_id is None:
            meeting_id = import_folder(intents, BlobStore(settings.data_dir), folder, settings.max_pages)
    except FolderError as exc:
        raise CommandError(str(exc)) from None
    base = f"{'https' if settings.tls_enabled else 'http'}://{settings.host}:{settings.port}"
    print(f"Demo accounts from {folder / 'users.toml'} (public passwords: demo only, never a real meeting):")
    for user in users:
        print(f"  {user.username:<10} {user.password:<14} {user.role.value:<10} {user.full_name}")
    print(f"Log in at      {base}/login")
    print(f"Tablet view    {base}/meetings/{meeting_id}")
    print(f"Console        {base}/meetings/{meeting_id}/console")
    print(f"Hall screen    {base}/meetings/{meeting_id}/screen")
    print(f"API docs       {base}/docs")
    intents.db.dispose()
    return _serve(args)


def _tls_init(args) -> int:
    from meeting_server.tls import TlsError, init_tls

    settings = _settings(args)
    try:
        made = init_tls(settings.tls_dir, args.host)
    except TlsError as exc:
        raise CommandError(str(exc)) from None
    for path in made:
        print(f"wrote {path}")
    print("serve now speaks HTTPS; tablets install the CA from /ca.mobileconfig")
    return 0


def _verify_archive(args) -> int:
    """Exit 0 with one "intact" line, or 1 with one line per failing file on stderr."""
    from meeting_server.archive.verify import verify_archive

    report = verify_archive(args.file)
    if not report.readable:
        raise CommandError(f"{args.file}: {report.problems[0].reason}")
    if not report.ok:
        for name, reasons in report.by_file().items():
            shown = reasons[:5] + ([f"and {len(reasons) - 5} more"] if len(reasons) > 5 else [])
            print(_printable(f"meeting-server: {name}: {'; '.join(shown)}"), file=sys.stderr)
        return 1
    assert report.audit_head is not None, "an intact archive has its chain read"
    print(
        f"intact: {args.file}: {report.files_checked} files, {report.audit_head.entries} audit entries, "
        f"audit head {report.audit_head.hash}, manifest sha256 {report.manifest_sha256}"
    )
    return 0


def _backup(args) -> int:
    from meeting_server.backup import BackupError, backup, require_data_dir

    try:
        require_data_dir(args.data_dir)  # before _settings, which makes the folders it lacks
        done = backup(_settings(args), args.file)
    except BackupError as exc:
        raise CommandError(_printable(str(exc))) from None
    for path in done.missing:
        print(f"meeting-server: warning: the database names a file the data dir lacks: {path}", file=sys.stderr)
    for path in done.damaged:
        print(f"meeting-server: warning: {path} does not match its name (damaged on disk?)", file=sys.stderr)
    print(
        f"backed up the {done.database} database (revision {done.revision or 'none'}) and {_files(done.blobs)} "
        f"to {done.path} ({done.size} bytes), manifest sha256 {done.manifest_sha256}"
    )
    return 0


def _restore(args) -> int:
    from meeting_server.backup import BackupError, check, restore
    from meeting_server.migrations import head

    try:
        checked = check(args.file)  # first: a damaged backup changes nothing, not even a folder
    except BackupError as exc:
        raise CommandError(_printable(str(exc))) from None
    if args.check:
        print(
            f"intact: {args.file}: {checked.database} database (revision {checked.revision or 'none'}), "
            f"{_files(checked.blobs)}, manifest sha256 {checked.manifest_sha256}"
        )
        return 0
    settings = _settings(args)
    try:
        done = restore(settings, args.file, force=args.force, checked=checked)
    except BackupError as exc:
        raise CommandError(_printable(str(exc))) from None
    print(
        f"restored the {done.database} database (revision {done.revision or 'none'}) and {_files(done.blobs)} "
        f"from {args.file}{' over what was there' if done.replaced else ''}"
    )
    if done.revision != head():
        print(f"the database is older than this server: run `meeting-server migrate --data-dir {settings.data_dir}`")
    return 0


def _files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


def _printable(text: str) -> str:
    """A line naming what a ZIP holds, kept to one line and free of terminal escapes."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
