"""The minutes as a PDF: MinutesDocument -> Jinja2 (HTML + CSS) -> PyMuPDF Story -> A4 pages.

The page follows the Party document format (Hướng dẫn 36-HD/VPTW): A4,
margins 22 mm top, 20 mm bottom, 31 mm left, 16 mm right (the format asks for
20-25, 20-25, 30-35 and 15-20 mm), a Times-like serif.
The font is Liberation Serif from meeting_server/fonts/, loaded through an
Archive and CSS @font-face and embedded (subset) in the file: PyMuPDF's own
fonts lack Vietnamese, and a reader must extract exactly the words written.

The parts are separate Stories sharing the fonts and the stylesheet: the body
flows over as many pages as it needs; the tail (closing time and signatures)
goes below it when it fits there whole and starts a new page otherwise,
because MuPDF has no page-break-inside and signatures must not be torn from
each other; each page gets its page number (from page 2) and, for a draft,
the stamp, as small stories in the top margin. Words wrap at spaces only
(linebreaks.py), so each reads back whole.

The same document gives the same bytes: no clock, no random id goes in.
MuPDF is not thread-safe, so renders take turns (a lock). The server prints
in its print pool (`write_minutes_pdf`), never in its own process: a long
meeting's minutes take seconds.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pymupdf
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from meeting_server.minutes.document import MinutesDocument
from meeting_server.minutes.linebreaks import breakable_html, issuer_html, issuer_lines

PACKAGE_DIR = Path(__file__).resolve().parent.parent
FONTS_DIR = PACKAGE_DIR / "fonts"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

MM = 72 / 25.4
PAGE = pymupdf.Rect(0, 0, 595, 842)  # A4 in points
# Inside the format's ranges rather than on their edges; the bottom one stays low
# because a full page's last line ends up to a line's height above it.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 22 * MM, 20 * MM, 31 * MM, 16 * MM
CONTENT = pymupdf.Rect(MARGIN_LEFT, MARGIN_TOP, PAGE.x1 - MARGIN_RIGHT, PAGE.y1 - MARGIN_BOTTOM)
# The page number (centred over the text) and the draft stamp (at its right) sit in the top margin.
MARGIN_BAND = pymupdf.Rect(MARGIN_LEFT, 10 * MM, PAGE.x1 - MARGIN_RIGHT, MARGIN_TOP - 2 * MM)
STAMP_BOX = pymupdf.Rect(MARGIN_BAND.x1 - 32 * MM, MARGIN_BAND.y0, MARGIN_BAND.x1, MARGIN_BAND.y1)
BASE_FONT_SIZE = 14  # pt; 13-14 pt is the format's body text

CREATOR = "meeting-server"
# Far more than any minutes: a guard against a layout that never finishes.
MAX_PAGES = 1000

_RENDER_LOCK = threading.Lock()


def render_minutes_pdf(doc: MinutesDocument) -> bytes:
    """The minutes as PDF bytes, ready to serve or to hash."""
    with _RENDER_LOCK:
        return _render(doc)


def write_minutes_pdf(record: dict, fingerprint: str, out: str) -> str:
    """In a worker process (the server's print pool): the minutes record printed
    to the file `out`; answers its SHA-256. A file, not bytes through the pipe:
    the server then serves or stores it from disk."""
    from meeting_server.minutes.record import document_from_record  # record.py imports this module

    pdf = render_minutes_pdf(document_from_record(record, fingerprint))
    tmp = f"{out}.{os.getpid()}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(pdf)
    os.replace(tmp, out)
    return hashlib.sha256(pdf).hexdigest()


def _render(doc: MinutesDocument) -> bytes:
    parts = _template().module
    writer_output = io.BytesIO()
    writer = pymupdf.DocumentWriter(writer_output)
    pages = _Pages(writer, parts, draft=doc.is_draft)

    pages.flow(_story(parts.body(doc)))
    tail = _story(parts.tail(doc))
    if not pages.fits_below(tail):
        pages.new_page()
    pages.flow(tail)
    pages.finish()
    writer.close()
    return _finish(writer_output.getvalue(), doc)


class _Pages:
    """Pages being written: where the text got to on the current one."""

    def __init__(self, writer: pymupdf.DocumentWriter, parts, draft: bool):
        self.writer = writer
        self.parts = parts
        self.draft = draft
        self.number = 0
        self.device = None
        self.free = CONTENT  # what is left of the current page's text area
        self.new_page()

    def new_page(self) -> None:
        if self.device is not None:
            self.writer.end_page()
        if self.number >= MAX_PAGES:
            raise RuntimeError(f"the minutes do not fit in {MAX_PAGES} pages")
        self.number += 1
        self.device = self.writer.begin_page(PAGE)
        self.free = CONTENT
        if self.number > 1:
            self._draw_once(self.parts.page_number(self.number), MARGIN_BAND)
        if self.draft:
            self._draw_once(self.parts.draft_stamp(), STAMP_BOX)

    def _draw_once(self, html: str, rect: pymupdf.Rect) -> None:
        story = _story(html)
        story.place(rect)
        story.draw(self.device)

    def flow(self, story: pymupdf.Story) -> None:
        """Write the story from where the page got to, over new pages as needed."""
        while True:
            more, filled = story.place(self.free)
            story.draw(self.device)
            if not more:
                self.free = pymupdf.Rect(CONTENT.x0, filled[3], CONTENT.x1, CONTENT.y1)
                return
            self.new_page()

    def fits_below(self, story: pymupdf.Story) -> bool:
        """Whether the whole story fits in what is left of this page. Leaves it unplaced."""
        fits = self.free.height > 1 and not story.place(self.free)[0]
        story.reset()
        return fits

    def finish(self) -> None:
        self.writer.end_page()
        self.device = None


def _finish(raw: bytes, doc: MinutesDocument) -> bytes:
    """Metadata, font subsets (the whole faces are 1.5 MB), compression."""
    with pymupdf.open("pdf", raw) as pdf:
        title = f"Biên bản {doc.title}" + (" (dự thảo)" if doc.is_draft else "")
        pdf.set_metadata(
            {
                "title": title,
                "author": doc.issuer.name,
                "subject": doc.title,
                "creator": CREATOR,
                "producer": f"PyMuPDF {pymupdf.VersionBind}",
                "keywords": "biên bản, dự thảo" if doc.is_draft else "biên bản",
                # Dated by the meeting, not by the clock: the same minutes give the same bytes.
                "creationDate": _pdf_date(doc.closed_at or doc.opened_at, doc.timezone),
                "modDate": _pdf_date(doc.closed_at or doc.opened_at, doc.timezone),
            }
        )
        pdf.subset_fonts()
        return pdf.tobytes(garbage=4, deflate=True, no_new_id=True)


def _pdf_date(value: datetime, zone: str) -> str:
    """A PDF date string, D:20261127113000+07'00', in the meeting's time zone."""
    local = value.astimezone(ZoneInfo(zone))
    offset = local.strftime("%z")  # +0700
    return local.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def _story(html: str) -> pymupdf.Story:
    # One Archive per Story: MuPDF reads the font files through it while laying out.
    return pymupdf.Story(str(html), user_css=_css(), em=BASE_FONT_SIZE, archive=pymupdf.Archive(str(FONTS_DIR)))


@lru_cache(maxsize=1)
def _css() -> str:
    return (TEMPLATES_DIR / "minutes.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _template():
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,  # secretaries type <, & and quotes; they must print as typed
        finalize=breakable_html,  # words wrap at spaces only: they must read back whole
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        long_date=long_date,
        clock=clock,
        local_date=local_date,
        percent=percent,
        sentence=sentence,
        issuer_lines=issuer_block,
    )
    return env.get_template("minutes.html")


# The issuer's column (td.issuer in minutes.css: 45% of the text's width), less a little for rounding.
ISSUER_WIDTH = CONTENT.width * 0.45 - 4


@lru_cache(maxsize=2)
def _font(bold: bool) -> pymupdf.Font:
    return pymupdf.Font(
        fontfile=str(FONTS_DIR / ("LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"))
    )


def issuer_block(text: str, bold: bool = True):
    """The issuer (or the body above it) in lines cut by words, as the Party format sets it (linebreaks.py)."""
    font = _font(bold)

    def width(line: str) -> float:
        return font.text_length(line, fontsize=BASE_FONT_SIZE)

    def fits(line: str) -> bool:
        return width(line) <= ISSUER_WIDTH

    return issuer_html(issuer_lines(text, width, fits), fits)


# Vietnamese ways of writing dates and numbers, used by the template.


def long_date(value: date) -> str:
    """'ngày 27 tháng 11 năm 2026'. The format pads days below 10 and months below 3 with a 0."""
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {day} tháng {month} năm {value.year}"


def local_date(value: datetime, zone: str) -> date:
    return value.astimezone(ZoneInfo(zone)).date()


def clock(value: datetime, zone: str) -> str:
    """'8 giờ 05 phút' in the meeting's time zone."""
    local = value.astimezone(ZoneInfo(zone))
    return f"{local.hour} giờ {local.minute:02d} phút"


def percent(part: int, whole: int) -> str:
    """'81,8%': one decimal, with the Vietnamese decimal comma."""
    value = f"{part * 100 / whole:.1f}".replace(".", ",")
    return (value[:-2] if value.endswith(",0") else value) + "%"


def sentence(text: str) -> str:
    """The text ending in a full stop, unless it already ends a sentence."""
    text = text.rstrip()  # Markup stays Markup, so a macro's output is not escaped twice
    return text if text.endswith((".", "!", "?", "…")) else text + "."
