"""The widths page images come in.

Any width a client asks for is served as the next of these up, so a page has
at most len(PAGE_WIDTHS) images on disk however many widths are asked for.
The tablet picks from the same list (web_client/static/js/logic/image-width.js,
checked by tests/test_page_cache.py), so it never asks for one that is snapped.
Steps grow with the width (from 768 up each is 1.5x or less the one below):
an image costs at most about twice the pixels asked for, past thumbnails.
"""

from __future__ import annotations

PAGE_WIDTHS: tuple[int, ...] = (256, 512, 768, 1024, 1536, 2048, 3072, 4096)
# Drawn for every page at ingest: thumbnails are what every tablet asks for first.
THUMBNAIL_WIDTH = PAGE_WIDTHS[0]
MIN_WIDTH, MAX_WIDTH = 16, PAGE_WIDTHS[-1]
DEFAULT_WIDTH = 1024


def snap_width(width: int) -> int:
    """The smallest bucket at least `width` wide (the largest for anything wider)."""
    return next((bucket for bucket in PAGE_WIDTHS if bucket >= width), PAGE_WIDTHS[-1])
