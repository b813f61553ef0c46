"""What each participant's annotations hold, and the limits on it.

Every write of an annotation charges its page's `annotation_usage` row in the
same transaction: +1 and its bytes for a new one, the difference in bytes for
a change, -1 and its bytes for a delete. A charge that would pass a limit
raises `TooLarge` before anything is written, and the whole write is rolled
back with it: past a limit, nothing changes.

Annotations made before this table existed are counted the first time their
owner writes in that meeting again (no row yet for that participant: count
theirs from `annotation`, once).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlmodel import Session, col, select

from meeting_server.annotations.limits import AnnotationLimits, size_text
from meeting_server.annotations.models import Annotation, AnnotationUsage
from meeting_server.db import json_text
from meeting_server.errors import TooLarge
from meeting_server.meetings.models import Meeting


def stored_bytes(data: Mapping) -> int:
    """What an annotation's `data` takes as its JSON column stores it (compact), in UTF-8 bytes."""
    return len(json_text(data).encode())


def charge(
    session: Session,
    limits: AnnotationLimits,
    row: Annotation,
    *,
    count: int,
    size: int,
) -> None:
    """Add `count` annotations and `size` bytes to the usage of row's owner on
    row's page. Growing past a limit raises TooLarge; shrinking always works."""
    _ensure_counted(session, row.meeting_id, row.owner_id)
    key = {"meeting_id": row.meeting_id, "user_id": row.owner_id, "document_id": row.document_id, "page": row.page}
    usage = session.get(AnnotationUsage, tuple(key.values())) or AnnotationUsage(**key)
    if count > 0 and usage.count + count > limits.per_page:
        raise TooLarge(
            "You have {count} annotations on page {page} of this document, the most one participant "
            "may have on a page ({limit}). Delete some to make room.",
            params={"count": usage.count, "page": row.page, "limit": limits.per_page},
            details={"limit_name": "annotations_per_page", "limit": limits.per_page},
        )
    if size > 0:
        total = _meeting_bytes(session, row.meeting_id, row.owner_id) + size
        if total > limits.bytes_per_meeting:
            raise TooLarge(
                "Your annotations in this meeting would take {size}, past the limit of "
                "{limit} per participant per meeting. Delete some to make room.",
                params={"size": size_text(total), "limit": size_text(limits.bytes_per_meeting)},
                details={"limit_name": "bytes_per_meeting", "limit": limits.bytes_per_meeting},
            )
    usage.count = max(0, usage.count + count)
    usage.bytes = max(0, usage.bytes + size)
    session.add(usage)


def _meeting_bytes(session: Session, meeting_id: int, user_id: int) -> int:
    # One row per page the participant annotated: a short sum by key.
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(AnnotationUsage.bytes), 0)).where(
            AnnotationUsage.meeting_id == meeting_id, AnnotationUsage.user_id == user_id
        )
    ).one()
    return int(total)  # PostgreSQL sums a BIGINT as a Decimal


def _ensure_counted(session: Session, meeting_id: int, user_id: int) -> None:
    # The meeting's row lock first (PostgreSQL; SQLite's writers are serial
    # anyway): two nodes counting the same participant at once would insert
    # the same rows twice. Tx.notify_after_commit takes this same lock later, so no deadlock.
    session.exec(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
    counted = session.exec(
        select(AnnotationUsage.page)
        .where(AnnotationUsage.meeting_id == meeting_id, AnnotationUsage.user_id == user_id)
        .limit(1)
    ).first()
    if counted is not None:
        return
    pages: dict[tuple[int, int], AnnotationUsage] = {}
    live = session.exec(
        select(Annotation.document_id, Annotation.page, Annotation.data).where(
            col(Annotation.meeting_id) == meeting_id,
            col(Annotation.owner_id) == user_id,
            col(Annotation.deleted_at).is_(None),
        )
    )
    for document_id, page, data in live:
        if (document_id, page) not in pages:
            pages[document_id, page] = AnnotationUsage(
                meeting_id=meeting_id, user_id=user_id, document_id=document_id, page=page
            )
        usage = pages[document_id, page]
        usage.count += 1
        usage.bytes += stored_bytes(data)
    session.add_all(pages.values())
    session.flush()


def transfer(session: Session, row: Annotation, document_id: int, page: int) -> None:
    """Move a live annotation's charge to another (document, page): a document's
    new version takes it over (documents/versions.py). No limit applies: the
    same annotations, one page for one page."""
    _ensure_counted(session, row.meeting_id, row.owner_id)
    size = stored_bytes(row.data)
    for doc, number, sign in ((row.document_id, row.page, -1), (document_id, page, 1)):
        key = {"meeting_id": row.meeting_id, "user_id": row.owner_id, "document_id": doc, "page": number}
        usage = session.get(AnnotationUsage, tuple(key.values())) or AnnotationUsage(**key)
        usage.count = max(0, usage.count + sign)
        usage.bytes = max(0, usage.bytes + sign * size)
        session.add(usage)
        session.flush()  # the next annotation moved may charge the same row
