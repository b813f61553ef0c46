"""The annotation limits per participant, read once from the settings.

Defaults (config.py) sit far above what a member writing with a pen makes and
far below what a flood needs; docs/api.md lists them. Where each is enforced:
the rates in annotations/sockets.py (before anything queues), points per
stroke in the input models, the count per page and bytes per meeting in
annotations/usage.py (in the write's own transaction), the listing's page in
annotations/listing.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from meeting_server.annotations.models import StrokeLimit
from meeting_server.config import Settings


@dataclass(frozen=True)
class AnnotationLimits:
    puts_per_s: float
    put_burst: int
    drawing_per_s: float
    points_per_stroke: int
    per_page: int
    bytes_per_meeting: int
    list_page_size: int
    list_page_bytes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> AnnotationLimits:
        return cls(
            puts_per_s=settings.annotation_puts_per_s,
            put_burst=settings.annotation_put_burst,
            drawing_per_s=settings.annotation_drawing_per_s,
            points_per_stroke=settings.annotation_points_per_stroke,
            per_page=settings.annotation_per_page,
            bytes_per_meeting=int(settings.annotation_mb_per_meeting * 1024 * 1024),
            list_page_size=settings.annotation_list_page_size,
            list_page_bytes=settings.annotation_list_page_kb * 1024,
        )


def configure(settings: Settings) -> AnnotationLimits:
    """The limits of this server; also sets the points limit the input models check."""
    limits = AnnotationLimits.from_settings(settings)
    StrokeLimit.points = limits.points_per_stroke
    return limits


def size_text(count: int) -> str:
    """Bytes as a person reads them: "20 MB", "39.1 KB"."""
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.3g} MB"
    return f"{count / 1024:.3g} KB"
