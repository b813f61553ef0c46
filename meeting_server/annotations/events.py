"""Annotation events. `annotation:put` and `annotation:deleted` go through the
meeting's log (Tx.notify_after_commit); `annotation:drawing` is transient: relayed live from
the drawing tablet to the room, never logged, never replayed."""

from __future__ import annotations

from meeting_server.annotations.models import AnnotationPublic, Color, InkWidth, Point
from meeting_server.eventlog.events import ServerEvent


class AnnotationPut(ServerEvent):
    name = "annotation:put"
    annotation: AnnotationPublic


class AnnotationDeleted(ServerEvent):
    name = "annotation:deleted"
    id: str


class AnnotationDrawing(ServerEvent):
    """A piece of a shared stroke being drawn. `seq` is the meeting's last logged
    seq, not a new one: receivers must not count it as seen."""

    name = "annotation:drawing"
    id: str
    owner_id: int
    document_id: int
    page: int
    start: int
    points: list[Point]
    color: Color
    width: InkWidth
