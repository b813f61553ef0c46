"""The annotation listing, in pages.

Ordered as a page shows them (by page, then as they were made), a listing page
ends at `size` annotations or once their data passes `max_bytes` (always at
least one annotation, however large: else it could never be listed). The
cursor names the last annotation given, `page.created.id`, so the next page
starts right after it whatever was added or deleted meanwhile (those changes
come as events anyway).

Two reads, so no more than one listing page of annotation text is ever held:
the keys of the next `size + 1` annotations, then their rows, a few at a time,
until the byte budget is spent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.annotations.models import Annotation, AnnotationPublic
from meeting_server.errors import Invalid

CURSOR = re.compile(r"^(\d{1,9})\.(\d{1,20})\.([0-9a-f-]{36})$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime.resolution
_NOT_A_CURSOR = "after: not a cursor from this listing (give the X-Next-Cursor of the page before)."
_CHUNK = 25  # rows read at a time while filling a page
# The length of the stored JSON text, measured by the database rather than by serializing each row again.
_STORED_CHARS = sa.func.length(sa.cast(Annotation.data, sa.Text))


@dataclass(frozen=True)
class Cursor:
    page: int
    created_at: datetime
    id: str

    def __str__(self) -> str:
        micros = (self.created_at - _EPOCH) // _MICROSECOND
        return f"{self.page}.{micros}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        match = CURSOR.match(text)
        if not match:
            raise Invalid(_NOT_A_CURSOR)
        page, micros, annotation_id = match.groups()
        try:
            created_at = _EPOCH + int(micros) * _MICROSECOND
        except OverflowError:
            raise Invalid(_NOT_A_CURSOR) from None
        return cls(int(page), created_at, annotation_id)


@dataclass
class ListingPage:
    annotations: list[AnnotationPublic]
    next_cursor: Cursor | None  # None: this was the last page


def listing_page(
    session: Session,
    where: list,
    after: Cursor | None,
    size: int,
    max_bytes: int,
    public: Callable[[Annotation], AnnotationPublic],
) -> ListingPage:
    """One page of the annotations matching `where`, after `after`."""
    keys = select(Annotation.id, Annotation.page, Annotation.created_at).where(*where)
    if after is not None:
        keys = keys.where(
            (Annotation.page > after.page)
            | ((Annotation.page == after.page) & (Annotation.created_at > after.created_at))
            | (
                (Annotation.page == after.page)
                & (Annotation.created_at == after.created_at)
                & (Annotation.id > after.id)
            )
        )
    keys = keys.order_by(col(Annotation.page), col(Annotation.created_at), col(Annotation.id)).limit(size + 1)
    found = [Cursor(page, created_at, annotation_id) for annotation_id, page, created_at in session.exec(keys)]
    wanted = found[:size]
    rows: list[Annotation] = []
    spent = 0
    for start in range(0, len(wanted), _CHUNK):
        chunk = [key.id for key in wanted[start : start + _CHUNK]]
        read = session.exec(select(Annotation, _STORED_CHARS).where(col(Annotation.id).in_(chunk)))
        by_id = {row.id: (row, chars) for row, chars in read}
        for annotation_id in chunk:
            row, chars = by_id[annotation_id]
            # Characters, not bytes: "about this much" is all a page promises.
            if rows and spent + chars > max_bytes:
                return ListingPage([public(r) for r in rows], wanted[len(rows) - 1])
            rows.append(row)
            spent += chars
    more = len(found) > size
    return ListingPage([public(r) for r in rows], wanted[-1] if more else None)
