"""A document's text layer, from the ingest worker's layer file into the
database, in chunks of MEETING_TEXT_LAYER_CHUNK_KB.

The first chunk goes in with the document itself, in its one intent: for
nearly every document that is all of it, so the document appears whole. A
large one's remaining chunks follow right after, each in a short write
transaction of its own, so a 2,000-page gazette never holds the database's
write lock for seconds (other meetings' page turns wait on it) and the main
process never holds more than one chunk. Until its chunk is in, a page shows
and turns normally but has no words and is not found by search.

The layer file waits in data/text-layers/<document id>.layer until its last
chunk is in; a server stopped half-way finishes it at the next start-up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import anyio

from meeting_server.auth.models import UserPublic
from meeting_server.documents import service
from meeting_server.documents.layer_file import PageLayer, read_chunks
from meeting_server.documents.models import DocumentPublic
from meeting_server.documents.pdf import IngestSummary
from meeting_server.documents.runtime import DocumentRuntime
from meeting_server.eventlog.outbox import Intents

log = logging.getLogger(__name__)

PENDING = "text-layers"
# Loads under way, kept referenced (the loop holds tasks weakly) and shielded:
# a client hanging up on its upload does not stop its document's text.
_loading: set[asyncio.Task] = set()


async def add_document(
    ctx: DocumentRuntime,
    meeting_id: int,
    user: UserPublic,
    item_id: int,
    title: str,
    sha256: str,
    size: int,
    summary: IngestSummary,
    layer: Path,
) -> DocumentPublic:
    """Store an ingested document with its text layer from `layer` (which this takes over)."""
    first, chunks = await first_chunk(ctx, layer)
    document = await ctx.intents.run(
        meeting_id,
        service.add_ingested,
        user=user,
        item_id=item_id,
        title=title,
        sha256=sha256,
        size=size,
        sizes=summary.sizes,
        first=first,
    )
    await load_rest(ctx, document.id, summary.page_count, first, chunks, layer)
    return document


async def first_chunk(ctx: DocumentRuntime, layer: Path) -> tuple[list[PageLayer], Iterator[list[PageLayer]]]:
    """The text layer's first chunk (it goes in with the document), and the rest to come."""
    chunks = read_chunks(layer, ctx.settings.text_layer_chunk_kb * 1024)
    first: list[PageLayer] = await anyio.to_thread.run_sync(next, chunks, [])
    return first, chunks


async def load_rest(
    ctx: DocumentRuntime,
    document_id: int,
    page_count: int,
    first: list[PageLayer],
    chunks: Iterator[list[PageLayer]],
    layer: Path,
) -> None:
    """After the document's intent: the chunks that did not go in with it, if any."""
    if len(first) < page_count:
        # The open file reads on from where it is, renamed or not.
        pending = _pending_dir(ctx) / f"{document_id}.layer"
        await anyio.to_thread.run_sync(_move, layer, pending)
        await _load_shielded(ctx.intents, document_id, chunks, pending)


async def resume(ctx: DocumentRuntime) -> None:
    """Finish the text layers a stopped server left half-loaded (start-up)."""
    for pending in await anyio.to_thread.run_sync(lambda: sorted(_pending_dir(ctx).glob("*.layer"))):
        log.info("finishing the text layer of document %s", pending.stem)
        chunks = read_chunks(pending, ctx.settings.text_layer_chunk_kb * 1024)
        await _load_shielded(ctx.intents, int(pending.stem), chunks, pending)


async def _load_shielded(intents: Intents, document_id: int, chunks: Iterator[list[PageLayer]], pending: Path) -> None:
    task = asyncio.create_task(_load(intents, document_id, chunks, pending))
    _loading.add(task)
    task.add_done_callback(_loading.discard)
    await asyncio.shield(task)


async def _load(intents: Intents, document_id: int, chunks: Iterator[list[PageLayer]], pending: Path) -> None:
    """Each chunk in a write transaction of its own, so no writer waits long behind a big document."""
    while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
        if not await intents.run(None, service.write_text_layer, document_id=document_id, chunk=chunk):
            break
    await anyio.to_thread.run_sync(lambda: pending.unlink(missing_ok=True))


def _pending_dir(ctx: DocumentRuntime) -> Path:
    return ctx.settings.data_dir / PENDING


def _move(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source.replace(target)
