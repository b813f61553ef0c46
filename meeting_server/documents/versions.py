"""A new version of a document, and the annotations that move to it.

`POST /api/documents/{id}/versions` ingests the new PDF like an upload
(ingest.py: the same pool, limits and refusals), then one intent adds it as
version n+1 in the same agenda item, points the old one at it
(`replaced_by_id`) and moves the annotations of unchanged pages.

Which pages are unchanged: a page is known by its text, normalised (its
whitespace collapsed), and its size as displayed. A page without text (a
scan) is known by a fingerprint of what it draws (pdf.page_fingerprints:
its content streams and the images and forms they use), never by its lack
of text. The two versions' pages are aligned in order (difflib), so a page
inserted or removed before a page does not stop it matching at its new
number; a page found exactly once in each version matches even out of
order. Anything else is not sure, and stays where it was: every annotation
(private and shared, of every owner) on a matched page moves to the matching
page of the new version, the others stay on the old version, which remains
readable and in the archive.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlmodel import Session, col, select

from meeting_server.annotations.events import AnnotationPut
from meeting_server.annotations.models import Annotation, AnnotationVisibility
from meeting_server.annotations.service import public as annotation_public
from meeting_server.annotations.usage import transfer
from meeting_server.archive import audit
from meeting_server.auth.models import UserPublic
from meeting_server.documents import service, text_layer
from meeting_server.documents.ingest import ReceivedFile
from meeting_server.documents.layer_file import PageLayer
from meeting_server.documents.models import Document, DocumentPage, DocumentPublic
from meeting_server.documents.pdf import IngestSummary, page_fingerprints
from meeting_server.documents.runtime import DocumentRuntime
from meeting_server.eventlog.outbox import Tx
from meeting_server.meetings.events import AgendaChanged, PageTurned
from meeting_server.text import one_line

log = logging.getLogger(__name__)

PageKey = str | None  # None: this page matches nothing


class NewVersionPublic(DocumentPublic):
    """The new version, and what became of the old one's annotations."""

    previous_id: int
    annotations_moved: int
    annotations_kept: int


@dataclass
class VersionTarget:
    """What a new version needs to know of the document it replaces, read before the upload."""

    meeting_id: int
    document_id: int
    sha256: str
    title: str
    # Pages without text that carry live annotations: only then are fingerprints worth their cost.
    empty_annotated: bool


# ---- which pages match --------------------------------------------------------------


def text_digest(text: str) -> str:
    """The SHA-256 of a page's text with its whitespace collapsed; "" for a page without text."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode()).hexdigest() if normalised else ""


def page_key(width: float, height: float, digest: str, fingerprint: str | None = None) -> PageKey:
    """What must be equal for a page to count as unchanged (see the module's docstring)."""
    size = f"{round(width)}x{round(height)}"
    if digest:
        return f"t:{size}:{digest}"
    return f"i:{size}:{fingerprint}" if fingerprint else None


def match_pages(old: list[PageKey], new: list[PageKey]) -> dict[int, int]:
    """Old page number -> new page number (from 1), for pages that are surely the same."""
    a = [key if key is not None else f"\0old{n}" for n, key in enumerate(old)]
    b = [key if key is not None else f"\0new{n}" for n, key in enumerate(new)]
    matches: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            matches[block.a + offset + 1] = block.b + offset + 1
    # Pages moved out of order: only where the page is one of a kind in both versions.
    once_old = {key for key, count in Counter(old).items() if count == 1 and key is not None}
    once_new = {key for key, count in Counter(new).items() if count == 1 and key is not None}
    taken = set(matches.values())
    where_new = {key: n for n, key in enumerate(new, start=1) if key in once_new}
    for n, key in enumerate(old, start=1):
        if n not in matches and key in once_old and key in where_new and where_new[key] not in taken:
            matches[n] = where_new[key]
            taken.add(where_new[key])
    return matches


# ---- reads before the upload ------------------------------------------------------------


def version_target(session: Session, user: UserPublic, document_id: int) -> VersionTarget:
    """The document a new version replaces, if this user may replace it now."""
    document, meeting = service.editable_document(session, user, document_id)
    empty_pages = {
        number
        for number, text in session.exec(
            select(DocumentPage.number, DocumentPage.text).where(col(DocumentPage.document_id) == document.id)
        )
        if not text.strip()
    }
    annotated = set(
        session.exec(
            select(Annotation.page)
            .where(col(Annotation.document_id) == document.id, col(Annotation.deleted_at).is_(None))
            .distinct()
        ).all()
    )
    return VersionTarget(meeting.id, document.id, document.sha256, document.title, bool(empty_pages & annotated))


def _old_empty_pages(session: Session, document_id: int) -> list[int]:
    return [
        number
        for number, text in session.exec(
            select(DocumentPage.number, DocumentPage.text).where(col(DocumentPage.document_id) == document_id)
        )
        if not text.strip()
    ]


# ---- the whole way, from the ingested file to the stored version ---------------------------


async def store_version(
    ctx: DocumentRuntime,
    target: VersionTarget,
    user: UserPublic,
    received: ReceivedFile,
    summary: IngestSummary,
    layer: Path,
) -> NewVersionPublic:
    """After ingest and put: the new version's page keys, the intent, then the rest of its text layer."""
    digests = await anyio.to_thread.run_sync(_layer_digests, layer)
    new_empty = [n for n, digest in enumerate(digests, start=1) if not digest]
    old_prints: dict[int, str] = {}
    new_prints: dict[int, str] = {}
    if target.empty_annotated and new_empty:
        old_empty = await ctx.intents.read(_old_empty_pages, document_id=target.document_id)
        old_prints = await _fingerprints(ctx, str(ctx.store.path(target.sha256)), old_empty)
        new_prints = await _fingerprints(ctx, str(ctx.store.path(received.sha256)), new_empty)
    keys = [
        page_key(width, height, digest, new_prints.get(n))
        for n, ((width, height), digest) in enumerate(zip(summary.sizes, digests, strict=True), start=1)
    ]
    first, chunks = await text_layer.first_chunk(ctx, layer)
    title = one_line(received.title)[:500] or target.title
    result = await ctx.intents.run(
        target.meeting_id,
        add_version,
        user=user,
        document_id=target.document_id,
        title=title,
        sha256=received.sha256,
        size=received.size,
        sizes=summary.sizes,
        first=first,
        new_keys=keys,
        old_prints=old_prints,
    )
    await text_layer.load_rest(ctx, result.id, summary.page_count, first, chunks, layer)
    return result


def _layer_digests(layer: Path) -> list[str]:
    """Each page's text digest, from the ingest worker's layer file (its words are not parsed)."""
    with open(layer, encoding="utf-8") as handle:
        return [text_digest(json.loads(line.split("\t", 1)[0])) for line in handle]


async def _fingerprints(ctx: DocumentRuntime, path: str, numbers: list[int]) -> dict[int, str]:
    if not numbers:
        return {}
    try:
        return await ctx.ingest_pool.run(page_fingerprints, path, numbers, timeout=ctx.settings.ingest_timeout_s)
    except Exception as exc:  # then no page without text is sure to match: none moves
        log.warning("page fingerprints failed for %s: %r", path, exc)
        return {}


# ---- the intent ---------------------------------------------------------------------------------


def add_version(
    tx: Tx,
    user: UserPublic,
    document_id: int,
    title: str,
    sha256: str,
    size: int,
    sizes: list[tuple[float, float]],
    first: list[PageLayer],
    new_keys: list[PageKey],
    old_prints: dict[int, str],
) -> NewVersionPublic:
    """Version n+1 of a document on the agenda, in its place; the annotations of
    unchanged pages move to it (annotation:put to whoever sees each), the
    others stay on the old version. Audited as `document.replaced`."""
    session = tx.session
    old, meeting = service.editable_document(session, user, document_id)
    new = service.insert_document(
        session, user, meeting.id, old.agenda_item_id, title, sha256, size, sizes, first, version=old.version + 1
    )
    old.replaced_by_id = new.id
    session.add(old)
    session.flush()
    matches = match_pages(_old_keys(session, old, old_prints), new_keys)
    moved, kept = _move_annotations(tx, meeting.id, old, new, matches)
    if meeting.presenter_document_id == old.id and meeting.presenter_page in matches:
        # The room keeps its page, now in the new version; an unmatched page stays on the old one.
        meeting.presenter_document_id = new.id
        meeting.presenter_page = matches[meeting.presenter_page]
        session.add(meeting)
        session.flush()
        tx.notify_after_commit(
            PageTurned(meeting_id=meeting.id, document_id=new.id, page=meeting.presenter_page, by=user.id)
        )
    audit.record(
        session,
        meeting.id,
        user.id,
        "document.replaced",
        {
            "document_id": old.id,
            "new_document_id": new.id,
            "version": new.version,
            "title": new.title,
            "sha256": new.sha256,
            "pages_matched": len(matches),
            "annotations_moved": moved,
            "annotations_kept": kept,
        },
    )
    tx.notify_after_commit(AgendaChanged(meeting_id=meeting.id))
    shown = service.public(session, new, meeting.id)
    return NewVersionPublic(**shown.model_dump(), previous_id=old.id, annotations_moved=moved, annotations_kept=kept)


def _old_keys(session: Session, old: Document, prints: dict[int, str]) -> list[PageKey]:
    rows = session.exec(
        select(DocumentPage.number, DocumentPage.width, DocumentPage.height, DocumentPage.text)
        .where(col(DocumentPage.document_id) == old.id)
        .order_by(col(DocumentPage.number))
    )
    return [page_key(width, height, text_digest(text), prints.get(number)) for number, width, height, text in rows]


def _move_annotations(
    tx: Tx, meeting_id: int, old: Document, new: Document, matches: dict[int, int]
) -> tuple[int, int]:
    """Every live annotation on a matched page moves; returns (moved, kept)."""
    session = tx.session
    rows = session.exec(
        select(Annotation)
        .where(col(Annotation.document_id) == old.id, col(Annotation.deleted_at).is_(None))
        .order_by(col(Annotation.page), col(Annotation.created_at), col(Annotation.id))
    ).all()
    moved = 0
    for row in rows:
        if row.page not in matches:
            continue
        target_page = matches[row.page]
        transfer(session, row, new.id, target_page)
        row.document_id = new.id
        row.page = target_page
        session.add(row)
        moved += 1
        session.flush()
        put = AnnotationPut(meeting_id=meeting_id, annotation=annotation_public(row))
        # The same id with its new place: a tablet that had it on the old version now has it here.
        only = None if row.visibility == AnnotationVisibility.shared else row.owner_id
        tx.notify_after_commit(put, only_user=only)
    return moved, len(rows) - moved
