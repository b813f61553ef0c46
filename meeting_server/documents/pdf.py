"""PyMuPDF work. Runs inside worker processes (documents/pool.py), and in the
command line's offline import: a hostile PDF may spin, balloon or crash, and
must take nothing else down.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pymupdf
from PIL import Image

from meeting_server.documents import layer_file
from meeting_server.documents.storage import BlobStore
from meeting_server.documents.titles import Line, first_heading
from meeting_server.documents.widths import THUMBNAIL_WIDTH
from meeting_server.documents.worker import cpu_budget, report_progress

# A tall narrow page at full width would otherwise ask for a gigapixel image.
MAX_RENDER_HEIGHT = 8192
JPEG_QUALITY = 82


class IngestFailure(Exception):
    """Why a PDF cannot be taken: 'encrypted', 'corrupt', 'empty', 'too_many_pages'
    or 'page_count' (its page tree claims a number of pages that cannot be)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(kind, detail)
        self.kind = kind
        self.detail = detail


@dataclass
class PageInfo:
    width: float
    height: float
    words: list[list] = field(default_factory=list)  # [text, x0, y0, x1, y1], normalised
    text: str = ""


@dataclass
class PdfInfo:
    """A PDF with its whole text layer in memory: the offline import's way (meetings/importer.py)."""

    page_count: int
    pages: list[PageInfo]
    title: str = ""
    heading: str = ""  # page 1's first heading (titles.py)


@dataclass
class IngestSummary:
    """What an upload's ingest answers the server: small whatever the document.
    The text layer is in the layer file, the thumbnails in the page cache."""

    page_count: int
    sizes: list[tuple[float, float]]  # per page, in points, as displayed
    title: str = ""  # the Title metadata, as the file has it
    heading: str = ""  # page 1's first heading (titles.py)


def inspect_pdf(path: str, max_pages: int) -> PdfInfo:
    """Open the PDF, refuse what cannot be shown, and read page sizes and the text layer."""
    with _checked(path, max_pages) as doc:
        pages = []
        heading = ""
        for number in range(doc.page_count):
            page = _load(doc, number)
            words, text = _text_layer(page)
            if number == 0:
                heading = _heading(page)
            pages.append(PageInfo(round(page.rect.width, 2), round(page.rect.height, 2), words, text))
        return PdfInfo(page_count=doc.page_count, pages=pages, title=_title(doc), heading=heading)


def ingest_pdf(
    path: str, max_pages: int, layer_path: str, store: BlobStore, sha256: str, page_budget_s: float
) -> IngestSummary:
    """An upload, in the ingest worker: check every page, draw its thumbnail into
    the page cache and write its text layer to `layer_path` (layer_file.py).
    A page that needs more than `page_budget_s` of CPU for all that is killed
    with its worker (worker.cpu_budget): the pool reports which page it was."""
    with _checked(path, max_pages) as doc, open(layer_path, "w", encoding="utf-8") as layer:
        sizes = []
        heading = ""
        for number in range(doc.page_count):
            report_progress(number + 1)
            with cpu_budget(page_budget_s):
                page = _load(doc, number)
                words, text = _text_layer(page)
                if number == 0:
                    heading = _heading(page)
                _thumbnail(page, store.page_image(sha256, number + 1, THUMBNAIL_WIDTH))
            layer.write(layer_file.encode(words, text))
            sizes.append((round(page.rect.width, 2), round(page.rect.height, 2)))
        return IngestSummary(page_count=doc.page_count, sizes=sizes, title=_title(doc), heading=heading)


@contextlib.contextmanager
def _checked(path: str, max_pages: int) -> Iterator[pymupdf.Document]:
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:
        raise IngestFailure("corrupt", str(exc)) from None
    with doc:
        try:
            encrypted = doc.needs_pass or doc.is_encrypted
            # MuPDF reads the page tree here: a /Count it cannot believe
            # ("code=7: Invalid number of pages") raises, of whatever type.
            count = None if encrypted else doc.page_count
        except Exception as exc:
            raise IngestFailure("page_count", str(exc)) from None
        if encrypted:
            raise IngestFailure("encrypted")
        if count == 0:
            raise IngestFailure("empty")
        if count is None or count > max_pages:
            raise IngestFailure("too_many_pages", str(count))
        yield doc


def _load(doc: pymupdf.Document, number: int) -> pymupdf.Page:
    try:
        page = doc.load_page(number)
        rect = page.rect
    except Exception as exc:
        raise IngestFailure("corrupt", f"page {number + 1}: {exc}") from None
    if rect.is_empty or rect.width < 1 or rect.height < 1:
        raise IngestFailure("corrupt", f"page {number + 1} has no size")
    return page


def _title(doc: pymupdf.Document) -> str:
    try:
        return ((doc.metadata or {}).get("title") or "").strip()[:500]
    except Exception:  # an Info dictionary MuPDF cannot read: no title, the rest is fine
        return ""


def _heading(page: pymupdf.Page) -> str:
    """Page 1's first heading (titles.first_heading), from its lines' font sizes, as displayed."""
    try:
        blocks = page.get_text("dict", flags=pymupdf.TEXTFLAGS_TEXT)["blocks"]
    except Exception:
        return ""
    matrix = page.rotation_matrix
    lines = []
    for block in blocks:
        for line in block.get("lines", []):
            spans = [span for span in line.get("spans", []) if span.get("text", "").strip()]
            if not spans:
                continue
            # The line's size: the one most of its characters are set in.
            size = max(spans, key=lambda span: len(span["text"].strip()))["size"]
            box = pymupdf.Rect(line["bbox"]) * matrix
            lines.append(Line(size=float(size), top=box.y0, bottom=box.y1, text="".join(s["text"] for s in spans)))
    return first_heading(lines, page.rect.height)


def page_fingerprints(path: str, numbers: list[int]) -> dict[int, str]:
    """A fingerprint of each of these pages (from 1) that changes whenever what
    the page draws may change: its size and rotation, its content streams and
    the raw streams of every image and form it uses. For pages without text
    (scans), where text cannot tell two versions of a page apart (versions.py)."""
    prints: dict[int, str] = {}
    with pymupdf.open(path, filetype="pdf") as doc:
        for number in numbers:
            if not 1 <= number <= doc.page_count:
                continue
            page = doc.load_page(number - 1)
            digest = hashlib.sha256()
            digest.update(f"{page.rect.width:.2f}x{page.rect.height:.2f}r{page.rotation}|".encode())
            for xref in page.get_contents():
                digest.update(doc.xref_stream_raw(xref) or b"")
                digest.update(b"|")
            used = {item[0] for item in page.get_images(full=True)} | {item[0] for item in page.get_xobjects()}
            # By content, not by object number: the same image has another number in another file.
            for stream in sorted(hashlib.sha256(doc.xref_stream_raw(xref) or b"").hexdigest() for xref in used):
                digest.update(stream.encode())
            prints[number] = digest.hexdigest()
    return prints


def _text_layer(page: pymupdf.Page) -> tuple[list[list], str]:
    rect = page.rect  # as displayed: after /Rotate, relative to the CropBox
    try:
        # One text page for both extractions: reading the content twice doubled ingest.
        textpage = page.get_textpage()
        words = _reading_order(textpage.extractWORDS())
        text = page.get_text("text", textpage=textpage)
    except Exception:
        # A page whose text cannot be read still shows; it is just not searchable.
        return [], ""
    # Text coordinates come unrotated; the rotation matrix maps them as displayed.
    m = page.rotation_matrix
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    width, height = rect.width, rect.height
    layer = []
    for x0, y0, x1, y1, word, *_ in words:
        # The matrix is a multiple of 90 degrees: two corners give the box.
        u0, v0 = a * x0 + c * y0 + e, b * x0 + d * y0 + f
        u1, v1 = a * x1 + c * y1 + e, b * x1 + d * y1 + f
        layer.append(
            [
                word,
                _unit(min(u0, u1) / width),
                _unit(min(v0, v1) / height),
                _unit(max(u0, u1) / width),
                _unit(max(v0, v1) / height),
            ]
        )
    return layer, text


def _reading_order(words: list[tuple], tolerance: float = 3) -> list[tuple]:
    """PyMuPDF's get_text("words", sort=True) order: lines top to bottom (a word
    within `tolerance` of the line's top or bottom belongs to it), each left to
    right. The same algorithm on plain floats: its Rect objects cost more
    than the whole text extraction on a dense page."""
    if not words:
        return []
    words = sorted(words, key=lambda w: (w[3], w[0]))
    ordered: list[tuple] = []
    line = [words[0]]
    lx0, ly0, lx1, ly1 = words[0][:4]
    for word in words[1:]:
        x0, y0, x1, y1 = word[:4]
        if abs(y0 - ly0) <= tolerance or abs(y1 - ly1) <= tolerance:
            line.append(word)
            if x0 < x1 and y0 < y1:  # an empty box widens nothing
                if lx0 < lx1 and ly0 < ly1:
                    lx0, ly0, lx1, ly1 = min(lx0, x0), min(ly0, y0), max(lx1, x1), max(ly1, y1)
                else:
                    lx0, ly0, lx1, ly1 = x0, y0, x1, y1
        else:
            ordered.extend(sorted(line, key=lambda w: w[0]))
            line = [word]
            lx0, ly0, lx1, ly1 = x0, y0, x1, y1
    ordered.extend(sorted(line, key=lambda w: w[0]))
    return ordered


def _unit(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 5)


def _thumbnail(page: pymupdf.Page, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_jpeg(page, THUMBNAIL_WIDTH, out)
    except Exception:
        # MuPDF gave up drawing a damaged page: it is refused when viewed (a 422),
        # as before ingest drew pages; the rest of the document is fine.
        pass


def render_page(path: str, number: int, width: int, out_path: str) -> str:
    """Render page `number` (from 1) `width` pixels wide as a JPEG at out_path."""
    _write_jpeg(_open(path).load_page(number - 1), width, Path(out_path))
    return out_path


def _write_jpeg(page: pymupdf.Page, width: int, out: Path) -> None:
    zoom = width / page.rect.width
    if page.rect.height * zoom > MAX_RENDER_HEIGHT:
        zoom = MAX_RENDER_HEIGHT / page.rect.height
    pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False, colorspace=pymupdf.csRGB)
    image = Image.frombuffer("RGB", (pix.width, pix.height), pix.samples_mv, "raw", "RGB", pix.stride, 1)
    tmp = f"{out}.{os.getpid()}.tmp"
    # Pillow, not PyMuPDF's encoder: measured 5-17x faster for the same quality.
    image.save(tmp, "JPEG", quality=JPEG_QUALITY)
    os.replace(tmp, out)


@lru_cache(maxsize=8)
def _open(path: str) -> pymupdf.Document:
    # Files are content-addressed and never change, so an open document can be reused.
    return pymupdf.open(path, filetype="pdf")


def quiet_mupdf() -> None:
    """Worker set-up: MuPDF's complaints about damaged files are not ours to print."""
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
