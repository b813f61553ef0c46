"""Annotations: the table, and the shapes that cross the wire.

One row per client-made UUID. A delete keeps the row as a tombstone
(`deleted_at`), so a stale update arriving later cannot bring it back.
`client_time` is when the owner made the latest accepted change on their
device: the owner's last write wins, whatever order their devices reconnect in.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    field_validator,
    model_validator,
)
from pydantic import (
    Field as PField,
)
from pydantic_core import PydanticCustomError
from sqlmodel import Column, Field, SQLModel

from meeting_server.config import Settings
from meeting_server.ids import DB_INT_MAX
from meeting_server.inputs import StrictInput
from meeting_server.timeutil import UTCDateTime, utcnow

Kind = Literal["ink", "highlight", "note"]
Visibility = Literal["private", "shared"]


class AnnotationKind(str, Enum):
    ink = "ink"
    highlight = "highlight"
    note = "note"


class AnnotationVisibility(str, Enum):
    private = "private"
    shared = "shared"


MAX_RECTS = 2_000
MAX_NOTE_CHARS = 10_000
MAX_INK_WIDTH = 0.1  # a fraction of the page width
# One live-stroke piece: the points of 50 ms of a pen (a dozen at 240 Hz),
# with room for a tablet that stalled for a second.
MAX_DRAWING_POINTS = 256


class StrokeLimit:
    """Points per ink stroke (MEETING_ANNOTATION_POINTS_PER_STROKE).

    A class attribute, set once at start-up by `annotations.limits.configure`:
    the socket layer validates a payload with these models before any handler
    (or its settings) sees it, and one process serves one Settings."""

    points: int = Settings.model_fields["annotation_points_per_stroke"].default


def _stroke_points(points: list) -> list:
    # After parsing (a before-validator would hand strict validation a Python
    # list where it wants a JSON array); the socket's message cap bounds that cost.
    if len(points) > StrokeLimit.points:
        raise PydanticCustomError(
            "too_many_points",
            "a stroke has at most {limit} points (the limit per stroke); this one has {count}",
            {"limit": StrokeLimit.points, "count": len(points)},
        )
    return points


UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Annotation(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=36)
    document_id: int = Field(foreign_key="document.id", index=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    page: int
    kind: AnnotationKind
    visibility: AnnotationVisibility
    owner_id: int = Field(foreign_key="user.id", index=True)
    # The validated `data` object; {} once deleted (the content goes, the id stays).
    data: dict[str, Any] = Field(sa_column=Column(sa.JSON, nullable=False))
    # Milliseconds since the epoch: past 2**31, so a BIGINT on PostgreSQL.
    client_time: int = Field(sa_column=Column(sa.BigInteger, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


# ---- validated pieces --------------------------------------------------------
# Strict numbers: "0.5" or true is a client bug to report, not a value to guess at.

Unit = Annotated[float, PField(ge=0, le=1, strict=True)]
Color = Annotated[str, PField(strict=True, pattern=r"^#[0-9A-Fa-f]{6}$")]
InkWidth = Annotated[float, PField(gt=0, le=MAX_INK_WIDTH, strict=True)]
Point = tuple[Unit, Unit, Unit]  # x, y, pressure
Rect = tuple[Unit, Unit, Unit, Unit]  # x0, y0, x1, y1
Page = Annotated[int, PField(ge=1, strict=True)]
Id = Annotated[int, PField(ge=1, le=DB_INT_MAX, strict=True)]
ClientTime = Annotated[int, PField(ge=0, strict=True)]


class InkData(StrictInput):
    # No limit on the way out: a stroke stored under a higher limit still lists.
    points: list[Point] = PField(min_length=1)
    color: Color
    width: InkWidth


class NewInkData(InkData):
    """Ink as a client sends it: within the points limit."""

    points: Annotated[list[Point], PField(min_length=1), AfterValidator(_stroke_points)]


class HighlightData(StrictInput):
    rects: list[Rect] = PField(min_length=1, max_length=MAX_RECTS)
    color: Color

    @field_validator("rects")
    @classmethod
    def _ordered(cls, rects: list[tuple[float, float, float, float]]):
        # Ordered corners; an empty rect (a word box squeezed at the page edge) is harmless.
        for index, (x0, y0, x1, y1) in enumerate(rects):
            if not (x0 <= x1 and y0 <= y1):
                raise PydanticCustomError(
                    "rect_order", "rect {index} must have x0 <= x1 and y0 <= y1", {"index": index}
                )
        return rects


class NoteData(StrictInput):
    x: Unit
    y: Unit
    text: Annotated[str, PField(strict=True, max_length=MAX_NOTE_CHARS)]


def _uuid(value: object) -> str:
    if not isinstance(value, str) or not UUID_PATTERN.match(value.lower()):
        raise ValueError("must be a UUID like 6f1c0a5e-3b2d-4e8f-9a7b-1c2d3e4f5a6b")
    return value.lower()


# A UUID in its usual 36-character form, kept in lower case (as crypto.randomUUID() makes it).
AnnotationId = Annotated[str, BeforeValidator(_uuid)]


# ---- input -------------------------------------------------------------------


class _AnnotationIn(StrictInput):
    id: AnnotationId
    document_id: Id
    page: Page
    visibility: Visibility
    client_time: ClientTime | None = None
    # Set by the server. Accepted and ignored, so a client may send back an object it got.
    owner_id: int | None = None
    updated_at: str | None = None


class InkIn(_AnnotationIn):
    kind: Literal["ink"]
    data: NewInkData


class HighlightIn(_AnnotationIn):
    kind: Literal["highlight"]
    data: HighlightData


class NoteIn(_AnnotationIn):
    kind: Literal["note"]
    data: NoteData


AnnotationIn = Annotated[InkIn | HighlightIn | NoteIn, PField(discriminator="kind")]


class PutIn(StrictInput):
    meeting_id: Id
    annotation: AnnotationIn
    # When the user made the change on the device; may also ride inside `annotation`.
    client_time: ClientTime | None = None

    @model_validator(mode="after")
    def _one_client_time(self) -> PutIn:
        inner = self.annotation.client_time
        if inner is not None and self.client_time is not None and inner != self.client_time:
            raise ValueError("client_time is given twice with different values")
        if self.client_time is None:
            self.client_time = inner
        return self


class DeleteIn(StrictInput):
    meeting_id: Id
    id: AnnotationId
    client_time: ClientTime | None = None


class DrawingIn(StrictInput):
    """A piece of a shared ink stroke still being drawn: the points since the last piece."""

    meeting_id: Id
    id: AnnotationId
    document_id: Id
    page: Page
    start: Annotated[int, PField(ge=0, strict=True)]
    points: list[Point] = PField(min_length=1, max_length=MAX_DRAWING_POINTS)
    color: Color
    width: InkWidth

    @model_validator(mode="after")
    def _within_a_stroke(self) -> DrawingIn:
        if self.start + len(self.points) > StrokeLimit.points:
            raise PydanticCustomError(
                "too_many_points",
                "a stroke has at most {limit} points (the limit per stroke); this one has {count}",
                {"limit": StrokeLimit.points, "count": self.start + len(self.points)},
            )
        return self


# ---- output ------------------------------------------------------------------

AnnotationData = InkData | HighlightData | NoteData


class AnnotationPublic(BaseModel):
    id: str
    document_id: int
    page: int
    kind: Kind
    visibility: Visibility
    owner_id: int
    updated_at: str
    data: AnnotationData


# ---- what each participant holds ----------------------------------------------


class AnnotationUsage(SQLModel, table=True):
    """One participant's live annotations on one page: how many, and the bytes
    of their stored `data`. Kept in step with `annotation` in the same
    transaction (annotations/usage.py), so the limits per page and per meeting
    are read by key, not summed over the annotations' text at every put."""

    __tablename__ = "annotation_usage"
    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    page: int = Field(primary_key=True)
    count: int = 0
    bytes: int = Field(default=0, sa_column=Column(sa.BigInteger, nullable=False))
