"""`meeting-server backup FILE` and `meeting-server restore FILE` (docs/operations.md).

A backup is one ZIP sealed by the archive's own manifest machinery
(`archive.bundle.ArchiveWriter`, checked by `archive.verify.verify_archive`),
as a `meeting-server-backup/1` with no audit chain:

    manifest.json                   SHA-256 and size of every other member
    database/meeting.db             SQLite: a consistent copy, one file (no -wal)
    database/meeting.pgdump         PostgreSQL instead: `pg_dump --format=custom`
    files/<sha[:2]>/<sha>.pdf       the blob store: originals and final minutes PDFs
    text-layers/<document id>.layer text layers still loading into the database

The manifest's "backup" object names the database kind, its schema revision
and the server version. The page image cache is left out: it is remade on
demand and safe to lose.

Consistency while the server runs, without stopping anybody:

- SQLite: the backup API (`sqlite3.Connection.backup`) in ONE step copies
  every page inside a single read transaction, so the copy is the database
  as of one instant; under WAL a reader never blocks the writers, so ballots
  and strokes carry on meanwhile. Not `VACUUM INTO`, which gives the same
  snapshot but rebuilds every table and index on the busy server's CPU; the
  backup API copies pages as they are. (A backup in several steps would be
  restarted by every write of another connection, and might never finish
  under a vote.)
- PostgreSQL: `pg_dump` works inside one repeatable-read transaction.
- Blobs are immutable and content-addressed, and a blob is always in the
  store before the row that names it commits (upload, import, finalize); the
  only blobs ever removed are ones no row refers to (a refused finalize or
  import). So copying the store AFTER the database snapshot gives every blob
  the snapshot names. Copying all of it rather than only the referenced
  ones costs at most a few files uploaded during the backup, and keeps one
  code path for both databases; a blob the snapshot names but the data dir
  lacks (damage from before) is reported, not hidden.
- Text layers waiting in data/text-layers are copied before and after the
  snapshot; loading one twice is harmless (`write_text_layer` replaces).

Restore checks the whole ZIP against its manifest first, so a damaged backup
changes nothing; refuses a data dir that holds users or blobs unless forced;
extracts into a folder inside the data dir, checking every byte again; and
only then swaps the database and the blob store in. A backup of an older
schema restores as it is: `meeting-server migrate` brings it up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from pydantic import ValidationError

from meeting_server import __version__
from meeting_server.archive.bundle import ArchiveWriter, FileEntry, ManifestKind
from meeting_server.archive.verify import verify_archive
from meeting_server.config import Settings
from meeting_server.documents.models import Document
from meeting_server.documents.text_layer import PENDING
from meeting_server.minutes.models import Minutes

BACKUP = ManifestKind("meeting-server-backup/1", "backup", audit=False)
SQLITE_FILE = "meeting.db"
SQLITE_MEMBER = f"database/{SQLITE_FILE}"
PG_MEMBER = "database/meeting.pgdump"
_BLOB = re.compile(r"files/([0-9a-f]{2})/(\1[0-9a-f]{62})\.pdf")
_LAYER = re.compile(r"text-layers/([1-9][0-9]{0,17})\.layer")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore did not happen; its message is the one line the operator reads."""


@dataclass
class BackupResult:
    path: Path
    manifest_sha256: str
    database: str  # "sqlite" or "postgresql"
    revision: str | None
    blobs: int
    size: int
    # Blobs the database names that the data dir lacks, and blobs whose content does not match their name.
    missing: list[str] = field(default_factory=list)
    damaged: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    database: str
    revision: str | None
    blobs: int
    replaced: bool  # --force replaced a store that held something


def require_data_dir(data_dir: Path | None) -> None:
    """Before `load_settings` (which makes the folders it lacks): the data dir must exist to be backed up."""
    try:
        settings = Settings() if data_dir is None else Settings(data_dir=data_dir)
    except ValidationError:
        return  # load_settings says what is wrong, in its own words
    if not settings.data_dir.is_dir():
        raise BackupError(
            f"no data dir at {settings.data_dir}: give the server's with --data-dir (or MEETING_DATA_DIR)"
        )


# ---- backup ----------------------------------------------------------------


def backup(settings: Settings, target: Path) -> BackupResult:
    """Write a backup of the running (or stopped) server's data to `target`, which must not exist."""
    target = Path(target)
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} exists already: a backup never overwrites, choose a new name")
    if not target.parent.is_dir():
        raise BackupError(f"cannot write {target}: there is no folder {target.parent}")
    try:
        work = tempfile.TemporaryDirectory(prefix=".meeting-backup-", dir=target.parent)
    except OSError as exc:
        raise BackupError(f"cannot write in {target.parent}: {exc.strerror or exc}") from None
    with work as folder:
        return _backup(settings, target, Path(folder))


def _backup(settings: Settings, target: Path, work: Path) -> BackupResult:
    data_dir = settings.data_dir
    early_layers = _copy_layers(data_dir, work / "layers")
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    if settings.is_sqlite:
        dump, member = work / SQLITE_FILE, SQLITE_MEMBER
        revision = _sqlite_snapshot(data_dir / SQLITE_FILE, dump)
        referenced = _referenced_blobs(f"sqlite:///{dump}")
    else:
        dump, member = work / "meeting.pgdump", PG_MEMBER
        revision = _database_revision(settings.sqlalchemy_url)
        _pg_dump(settings, dump)
        # The live database after the dump names at least what the dump does, and
        # all of it is in the store already: blobs go in before their rows commit.
        referenced = _referenced_blobs(settings.sqlalchemy_url)

    partial = work / "backup.zip"
    subject = {"database": kind, "database_member": member, "revision": revision, "server_version": __version__}
    result = BackupResult(target, "", kind, revision, 0, 0)
    try:
        with ArchiveWriter(partial, subject, kind=BACKUP) as writer:
            writer.add_file(member, dump)
            dump.unlink()  # the space it took is needed for the blobs
            for name, path in _layers(data_dir):  # those that came since the first look, too
                if name not in early_layers:
                    _add_if_present(writer, f"text-layers/{name}", path)
            for name, path in early_layers.items():
                _add_if_present(writer, f"text-layers/{name}", path)
            copied: set[str] = set()
            for sha256, path in _blobs(data_dir):
                entry = _add_if_present(writer, f"files/{sha256[:2]}/{sha256}.pdf", path)
                if entry is None:
                    continue  # removed since the listing: nothing refers to it
                copied.add(sha256)
                if entry.sha256 != sha256:
                    result.damaged.append(str(path))
        summary = writer.finish()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.link(partial, target)  # never over a file that appeared meanwhile
        _fsync_dir(target.parent)
    except FileExistsError:
        raise BackupError(f"{target} exists already: a backup never overwrites, choose a new name") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    result.manifest_sha256 = summary.manifest_sha256
    result.blobs = len(copied)
    result.size = target.stat().st_size
    result.missing = sorted(referenced - copied)
    return result


def _sqlite_snapshot(source_path: Path, out: Path) -> str | None:
    """The database as of one instant, into `out` as one self-contained file; its schema revision."""
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}: is {source_path.parent} the server's data dir?")
    try:
        # Only read. Not `mode=ro`: a read-only connection cannot remove the -wal and -shm
        # files it makes beside a stopped server's database; the last normal one does.
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(out)
        try:
            source.execute("PRAGMA busy_timeout=30000")
            source.backup(copy, pages=-1)  # every page in one step: one read transaction, one instant
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one file, no -wal beside it
            check = copy.execute("PRAGMA quick_check").fetchone()[0]
            revision = _sqlite_revision(copy)
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the database {source_path}: {exc}") from None
    if check != "ok":
        raise BackupError(f"the copy of {source_path} fails SQLite's check ({check}); nothing was written")
    return revision


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # made before migrations (or empty)
    return row[0] if row else None


def _database_revision(url: str) -> str | None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.SQLAlchemyError as exc:
        raise BackupError(f"cannot read the database {_shown(url)}: {_first_line(exc)}") from None
    finally:
        engine.dispose()


def _referenced_blobs(url: str) -> set[str]:
    """The blobs a database names: documents' originals and final minutes' PDFs (empty if it cannot tell)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            documents = connection.execute(sa.select(Document.__table__.c.sha256)).scalars()  # type: ignore[attr-defined]
            found = set(documents)
            minutes = connection.execute(sa.select(Minutes.__table__.c.pdf_sha256)).scalars()  # type: ignore[attr-defined]
            found |= {sha for sha in minutes if sha}
            return found
    except sa.exc.SQLAlchemyError:
        return set()  # a schema without these tables: nothing to compare with
    finally:
        engine.dispose()


def _pg_dump(settings: Settings, out: Path) -> None:
    url, env = _libpq(settings.sqlalchemy_url)
    _run_pg(["pg_dump", "--format=custom", f"--file={out}", f"--dbname={url}"], env, done="backed up")


def _blobs(data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Every blob in the store, as (sha256, path), by name; anything else there is not ours."""
    files = data_dir / "files"
    if not files.is_dir():
        return
    for folder in sorted(files.iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            match = _BLOB.fullmatch(f"files/{folder.name}/{path.name}")
            if match and path.is_file():
                yield match.group(2), path


def _layers(data_dir: Path) -> list[tuple[str, Path]]:
    folder = data_dir / PENDING
    if not folder.is_dir():
        return []
    return [(p.name, p) for p in sorted(folder.iterdir()) if _LAYER.fullmatch(f"text-layers/{p.name}")]


def _copy_layers(data_dir: Path, into: Path) -> dict[str, Path]:
    """The text layers loading now, copied aside before the snapshot (one may finish and go meanwhile)."""
    copies = {}
    for name, path in _layers(data_dir):
        into.mkdir(exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            shutil.copyfile(path, into / name)
            copies[name] = into / name
    return copies


def _add_if_present(writer: ArchiveWriter, name: str, path: Path) -> FileEntry | None:
    """Add a file unless it is gone; the ZIP member is claimed only once the file is open."""
    try:
        with open(path, "rb") as handle:
            return writer.add_stream(name, handle, size=os.fstat(handle.fileno()).st_size)
    except FileNotFoundError:  # open() found it gone; nothing was added
        return None


# ---- restore ---------------------------------------------------------------


@dataclass
class Checked:
    """A backup whose every member matches its manifest."""

    manifest: dict
    manifest_sha256: str
    database: str
    revision: str | None
    listed: dict[str, dict]  # path -> its manifest entry

    @property
    def blobs(self) -> int:
        return sum(1 for name in self.listed if _BLOB.fullmatch(name))


def check(source: Path) -> Checked:
    """Check a backup against its manifest, and that it holds what a backup holds; change nothing."""
    source = Path(source)
    if not source.is_file():
        what = "is a folder, not a backup" if source.is_dir() else "no such file"
        raise BackupError(f"{source}: {what}")
    if not os.access(source, os.R_OK):
        raise BackupError(f"{source}: cannot be read (permission denied)")
    report = verify_archive(source, BACKUP)
    if not report.readable:
        raise BackupError(f"{source}: {report.problems[0].reason}")
    if not report.ok:
        bad = report.by_file()
        first, reasons = next(iter(bad.items()))
        more = f" (and {len(bad) - 1} more members)" if len(bad) > 1 else ""
        raise BackupError(f"{source} is damaged, nothing was restored: {first}: {reasons[0]}{more}")
    assert report.manifest is not None and report.manifest_sha256 is not None, "an intact backup has its manifest"
    subject = report.manifest["backup"]
    kind = subject.get("database")
    listed = {item["path"]: item for item in report.manifest["files"]}
    strangers = [name for name in listed if not _known_member(name)]
    if strangers:
        raise BackupError(f"{source}: {strangers[0]} is not part of a backup; nothing was restored")
    member = SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER if kind == "postgresql" else None
    if member is None or member not in listed:
        raise BackupError(f"{source}: the backup holds no database ({kind!r}); nothing was restored")
    revision = subject.get("revision")
    return Checked(
        report.manifest, report.manifest_sha256, kind, revision if isinstance(revision, str) else None, listed
    )


def restore(settings: Settings, source: Path, *, force: bool = False, checked: Checked | None = None) -> RestoreResult:
    """Put a backup's database and blobs in place. Nothing changes unless all of it checks out.
    `checked`: what `check(source)` found already (the command line checks before it makes any folder)."""
    source = Path(source)
    checked = checked or check(source)
    kind, listed = checked.database, checked.listed
    here = "sqlite" if settings.is_sqlite else "postgresql"
    if kind != here:
        hint = (
            "set MEETING_DATABASE_URL to the PostgreSQL database to restore into"
            if kind == "postgresql"
            else ("unset MEETING_DATABASE_URL to restore into the data dir's SQLite file")
        )
        raise BackupError(f"{source} holds a {kind} database and this server uses {here}: {hint}")

    data_dir = settings.data_dir
    users, blobs = _contents(settings, force=force)
    occupied = users > 0 or blobs > 0
    if occupied and not force:
        raise BackupError(
            f"{_where(settings)} already holds {_count(users, 'user')} and {_count(blobs, 'file')}: nothing was restored "
            "(add --force to replace them with the backup)"
        )
    if settings.is_sqlite:
        _ensure_unused(data_dir / SQLITE_FILE)

    staging = data_dir / f".restore-{uuid.uuid4().hex[:12]}"
    try:
        staging.mkdir()
        _extract(source, listed, staging)
        if settings.is_sqlite:
            revision = _checked_sqlite(staging / SQLITE_MEMBER, source)
            _swap(data_dir, staging, sqlite=True)
        else:
            revision = checked.revision
            _pg_restore(settings, staging / PG_MEMBER)
            _swap(data_dir, staging, sqlite=False)
    except OSError as exc:
        raise BackupError(f"cannot restore into {data_dir}: {exc.strerror or exc}; nothing was restored") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(kind, revision, checked.blobs, occupied)


def _known_member(name: str) -> bool:
    return name in (SQLITE_MEMBER, PG_MEMBER) or bool(_BLOB.fullmatch(name) or _LAYER.fullmatch(name))


def _contents(settings: Settings, *, force: bool) -> tuple[int, int]:
    """(users in the database, blobs in the store): what a restore would replace. A database
    that cannot be read counts as holding something: only --force replaces it."""
    blobs = sum(1 for _ in _blobs(settings.data_dir))
    try:
        if settings.is_sqlite:
            return _sqlite_users(settings.data_dir / SQLITE_FILE), blobs
        return _pg_users(settings.sqlalchemy_url), blobs
    except (sqlite3.Error, sa.exc.SQLAlchemyError) as exc:
        if force:
            return 1, blobs
        raise BackupError(
            f"cannot read the database in {_where(settings)} to see what it holds ({_first_line(exc)}): "
            "nothing was restored (add --force to replace it)"
        ) from None


def _sqlite_users(path: Path) -> int:
    if not path.exists():
        return 0
    connection = sqlite3.connect(path, timeout=5)  # only reads; see _sqlite_snapshot
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return connection.execute('SELECT count(*) FROM "user"').fetchone()[0] if "user" in tables else 0
    finally:
        connection.close()


def _pg_users(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("user"):
                return 0
            return connection.execute(sa.text('SELECT count(*) FROM "user"')).scalar() or 0
    finally:
        engine.dispose()


def _ensure_unused(path: Path) -> None:
    """Refuse while a server has the SQLite file open: leaving WAL mode needs the only connection."""
    if not path.exists():
        return
    try:
        connection = sqlite3.connect(path, timeout=1, isolation_level=None)
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path} is in use ({exc}): stop the server first; nothing was restored") from None
    if mode != "delete":
        raise BackupError(f"{path} is in use: stop the server first; nothing was restored")


def _extract(source: Path, listed: dict[str, dict], staging: Path) -> None:
    """Every member into `staging`, checked again against the manifest as it is written."""
    with zipfile.ZipFile(source) as archive:
        for name, item in listed.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            sha = hashlib.sha256()
            try:
                with archive.open(name) as member, open(target, "wb") as out:
                    while chunk := member.read(_CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
            except (zipfile.BadZipFile, KeyError, EOFError, ValueError) as exc:
                raise BackupError(f"{source} is damaged, nothing was restored: {name}: {exc}") from None
            if sha.hexdigest() != item["sha256"] or target.stat().st_size != item["size"]:
                raise BackupError(f"{source} changed while being restored, nothing was restored: {name}")


def _checked_sqlite(path: Path, source: Path) -> str | None:
    """The extracted database passes SQLite's check; its revision (one a newer server made is refused)."""
    from meeting_server.migrations import scripts

    try:
        connection = sqlite3.connect(path)
        try:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            revision = _sqlite_revision(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{source}: {SQLITE_MEMBER} is not a usable database ({exc}); nothing was restored") from None
    if check != "ok":
        raise BackupError(f"{source}: {SQLITE_MEMBER} fails SQLite's check ({check}); nothing was restored")
    if revision is not None and revision not in {script.revision for script in scripts().walk_revisions()}:
        raise BackupError(
            f"{source}: its database is at revision {revision}, which this version of meeting-server does not "
            "know (a newer version made it); restore it with that version"
        )
    return revision


def _swap(data_dir: Path, staging: Path, *, sqlite: bool) -> None:
    """Move the old database, blobs and pending text layers aside, the restored ones in, then
    drop the old (with the staging folder). If a move fails half-way, the old ones go back."""
    parts = [(SQLITE_FILE, SQLITE_MEMBER)] if sqlite else []
    parts += [("files", "files"), (PENDING, "text-layers")]
    aside = staging / "old"
    aside.mkdir()
    moved_old: list[str] = []
    moved_new: list[str] = []
    try:
        if sqlite:
            for suffix in ("-wal", "-shm", "-journal"):  # a stale log must never meet the new file
                (data_dir / f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        for name, _ in parts:
            if (data_dir / name).exists():
                os.replace(data_dir / name, aside / name)
                moved_old.append(name)
        for name, staged in parts:
            if (staging / staged).exists():
                os.replace(staging / staged, data_dir / name)
                moved_new.append(name)
        (data_dir / "files").mkdir(exist_ok=True)
        _fsync_dir(data_dir)
    except OSError:
        for name in moved_new:
            with contextlib.suppress(OSError):
                if (data_dir / name).is_dir():
                    shutil.rmtree(data_dir / name)
                else:
                    (data_dir / name).unlink()
        for name in moved_old:
            with contextlib.suppress(OSError):
                os.replace(aside / name, data_dir / name)
        raise


def _pg_restore(settings: Settings, dump: Path) -> None:
    """Into the configured database in one transaction: objects of the dump are dropped and made again."""
    url, env = _libpq(settings.sqlalchemy_url)
    _run_pg(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={url}",
            str(dump),
        ],
        env,
        done="restored",
    )


# ---- helpers ---------------------------------------------------------------


def _libpq(sqlalchemy_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/pg_restore, its password passed in the environment, not on the command line."""
    url = sa.engine.make_url(sqlalchemy_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(command: list[str], env: dict[str, str], *, done: str) -> None:
    program = command[0]
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} not found: install PostgreSQL's client tools (postgresql-client); nothing was {done}"
        )
    run = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        reason = next((line for line in run.stderr.splitlines() if line.strip()), f"exit status {run.returncode}")
        raise BackupError(f"{program} failed: {reason.removeprefix(f'{program}: ')}; nothing was {done}")


def _where(settings: Settings) -> str:
    return (
        str(settings.data_dir) if settings.is_sqlite else f"{_shown(settings.sqlalchemy_url)} and {settings.data_dir}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _shown(url: str) -> str:
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0] if text else type(exc).__name__


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
