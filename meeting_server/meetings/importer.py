"""Meetings prepared offline as folders: agenda.toml next to its PDFs (see agendas/README.md)."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from meeting_server.auth.models import Role, User, UserCreate
from meeting_server.auth.passwords import hash_password
from meeting_server.auth.service import create_user, public, set_password
from meeting_server.documents.ingest import failure_error
from meeting_server.documents.pdf import IngestFailure, PdfInfo, inspect_pdf
from meeting_server.documents.service import add_document
from meeting_server.documents.storage import BlobStore
from meeting_server.documents.titles import default_title
from meeting_server.eventlog.outbox import Intents, Tx
from meeting_server.inputs import TrimmedInput
from meeting_server.meetings.models import AgendaItemCreate, Meeting, MeetingCreate, ParticipantIn
from meeting_server.meetings.service import add_agenda_item, create_meeting, turn_page
from meeting_server.text import Name, Title


class FolderError(Exception):
    """The folder cannot be imported; the message says what to fix."""


class DocumentSpec(TrimmedInput):
    file: str = Field(min_length=1)
    # Titles and names as the API takes them (meeting_server/text.py): the minutes print them.
    title: Title | None = None


class ItemSpec(TrimmedInput):
    title: Title
    documents: list[DocumentSpec] = []


class ParticipantSpec(TrimmedInput):
    username: str
    voting: bool | None = None


class AgendaSpec(TrimmedInput):
    title: Title
    starts_at: AwareDatetime
    location: str = Field(min_length=1, max_length=500)
    participants: list[ParticipantSpec] = []
    items: list[ItemSpec] = []


class UserSpec(TrimmedInput):
    username: str
    full_name: Name
    role: Role
    password: str = Field(min_length=8)


def read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FolderError(f"{path} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FolderError(f"{path}: {exc}") from None


def _validate(model: type[BaseModel], data: dict, where: Path):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(p) for p in error["loc"])
        raise FolderError(f"{where}: {field}: {error['msg']}") from None


def ensure_users(intents: Intents, users_file: Path) -> list[UserSpec]:
    """Create the folder's users, or reset their passwords to the listed ones."""
    specs = [_validate(UserSpec, u, users_file) for u in read_toml(users_file).get("users", [])]
    # argon2 before the transaction, never inside it.
    hashes = [hash_password(spec.password) for spec in specs]
    asyncio.run(intents.run(None, _put_users, specs=specs, hashes=hashes))
    return specs


def _put_users(tx: Tx, specs: list[UserSpec], hashes: list[str]) -> None:
    for spec, password_hash in zip(specs, hashes, strict=True):
        if tx.session.exec(select(User).where(User.username == spec.username)).first():
            set_password(tx, spec.username, password_hash)
        else:
            create_user(tx, UserCreate(**spec.model_dump()), password_hash)


def find_meeting(intents: Intents, title: str) -> int | None:
    return asyncio.run(intents.read(_meeting_titled, title=title))


def _meeting_titled(session: Session, title: str) -> int | None:
    meeting = session.exec(select(Meeting).where(Meeting.title == title)).first()
    return meeting.id if meeting else None


@dataclass
class StagedDocument:
    item_index: int
    title: str
    sha256: str
    size: int
    info: PdfInfo


def import_folder(intents: Intents, store: BlobStore, folder: Path, max_pages: int) -> int:
    """Create the meeting described by folder/agenda.toml; returns its id.
    Everything is checked, and the files are in the store, before the one
    write transaction (the same write path as the server's, events included)."""
    spec = _validate(AgendaSpec, read_toml(folder / "agenda.toml"), folder / "agenda.toml")
    names = [p.username for p in spec.participants]
    if len(set(names)) != len(names):
        raise FolderError(f"{folder / 'agenda.toml'}: a participant is listed twice")
    staged: list[StagedDocument] = []
    sources: list[Path] = []
    for index, item in enumerate(spec.items):
        for doc in item.documents:
            path = (folder / doc.file).resolve()
            if not path.is_relative_to(folder.resolve()):
                raise FolderError(f"{folder / 'agenda.toml'}: {doc.file} is outside the folder")
            if not path.is_file():
                raise FolderError(f"{folder / 'agenda.toml'}: file not found: {doc.file}")
            with open(path, "rb") as handle:
                if b"%PDF-" not in handle.read(1024):
                    raise FolderError(f"{doc.file}: not a PDF")
            try:
                info = inspect_pdf(str(path), max_pages)
            except IngestFailure as failure:
                raise FolderError(f"{doc.file}: {failure_error(failure, max_pages).message}") from None
            data = path.read_bytes()
            staged.append(
                StagedDocument(
                    index,
                    default_title(doc.title or "", info.title, info.heading, path.name),
                    hashlib.sha256(data).hexdigest(),
                    len(data),
                    info,
                )
            )
            sources.append(path)
    # Into the store first: copying while holding the database's write lock
    # would stop every other writer for as long as the copy takes.
    added = []
    for document, path in zip(staged, sources, strict=True):
        if not store.path(document.sha256).exists():
            added.append(document.sha256)
        temp = store.temp_path()
        shutil.copyfile(path, temp)
        store.put(temp, document.sha256)
    try:
        return asyncio.run(intents.run(None, create_imported_meeting, spec=spec, documents=staged))
    except BaseException:
        for sha256 in added:  # nothing refers to them: the transaction rolled back
            store.path(sha256).unlink(missing_ok=True)
        raise


def create_imported_meeting(tx: Tx, spec: AgendaSpec, documents: list[StagedDocument]) -> int:
    """The intent of an import: the meeting, its agenda and documents (already
    in the store), and the presenter on the first page."""
    users = _users_by_name(tx.session, [p.username for p in spec.participants])
    actor = _actor(tx.session, users)
    meeting = create_meeting(
        tx,
        actor,
        MeetingCreate(
            title=spec.title,
            starts_at=spec.starts_at,
            location=spec.location,
            participants=[ParticipantIn(user_id=users[p.username].id, voting=p.voting) for p in spec.participants],
        ),
    )
    items = [add_agenda_item(tx, actor, meeting.id, AgendaItemCreate(title=i.title)) for i in spec.items]
    first_document = None
    for staged in documents:
        document = add_document(
            tx, actor, items[staged.item_index].id, staged.title, staged.sha256, staged.size, staged.info
        )
        first_document = first_document or document
    if first_document:
        # Tablets opening the meeting see its first page rather than an empty hall.
        turn_page(tx, actor, meeting.id, first_document.id, 1)
    return meeting.id


def _users_by_name(session: Session, names: list[str]) -> dict[str, User]:
    users = {u.username: u for u in session.exec(select(User).where(col(User.username).in_(names)))}
    missing = [n for n in names if n not in users]
    if missing:
        raise FolderError(
            f"unknown participant usernames: {', '.join(missing)} (create them with 'meeting-server user add')"
        )
    return users


def _actor(session: Session, participants: dict[str, User]):
    """Who the import acts as: the meeting's secretary, else its chair, else an admin."""
    for role in (Role.secretary, Role.chair):
        for user in participants.values():
            if user.role == role:
                return public(user)
    admin = session.exec(select(User).where(User.role == Role.admin)).first()
    if admin is None:
        raise FolderError("the meeting has no secretary or chair, and there is no admin to import as")
    return public(admin)
