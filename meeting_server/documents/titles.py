"""A document's default title, when the uploader gives none.

In this order, the first that says something:

1. the PDF's own Title metadata, when it is a real title: not what a
   program writes by itself ("Microsoft Word - bc.doc", "Untitled",
   "Document1"), not a file name or a slug;
2. its first heading: the largest-font line near the top of page 1, when it
   is larger than the page's body text (a page in one size has no heading);
3. the file name made readable: no extension, "-" and "_" as spaces, the
   first letter a capital ("bao-cao-ket-qua-2026.pdf" -> "Bao cao ket qua 2026").

Pure functions: the ingest worker finds the heading (pdf.py), the server
chooses (ingest.py, and the offline import).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from meeting_server.text import one_line

MAX_TITLE = 500
# A heading longer than this is cut at a word boundary: it is a title, not a paragraph.
MAX_HEADING = 160
# "Near the top": within this fraction of page 1's height.
TOP_FRACTION = 0.5
# Larger than the body text by at least this many points to count as a heading.
HEADING_MARGIN = 1.0
FALLBACK = "Tài liệu"

_EXTENSION = re.compile(r"\.(pdf|docx?|odt|rtf|txt|xlsx?|ods|pptx?|odp|tmp|wpd|pages|indd|tex|html?)$", re.IGNORECASE)
_PRODUCER_PREFIX = re.compile(
    r"^(microsoft\s+(word|excel|powerpoint|office\s+word)|word|powerpoint|excel|libreoffice|openoffice)\s*-\s*",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(untitled|untitled document|no title|title|document|doc|tài liệu|tai lieu|không tiêu đề|"
    r"presentation|powerpoint presentation|slide|book|sheet|workbook|new document|noname|"
    r"microsoft word document|pdf|scan|scanned document|img|image)\s*[-_ ]?\d*$",
    re.IGNORECASE,
)


def default_title(given: str, metadata: str, heading: str, filename: str) -> str:
    """The title a new document gets: the one given, else the rules above."""
    for candidate in (given, real_title(metadata, filename), heading):
        if title := one_line(candidate or "")[:MAX_TITLE]:
            return title
    return readable_file_name(filename)


def real_title(metadata: str, filename: str = "") -> str:
    """The PDF's Title metadata if it names the document, else ""."""
    title = one_line(metadata or "")
    if not title or _PRODUCER_PREFIX.match(title) or _EXTENSION.search(title):
        return ""
    if _PLACEHOLDER.match(title) or not _has_letters(title, 3):
        return ""
    if ("/" in title and " " not in title) or "\\" in title:
        return ""  # a path
    if " " not in title and re.search(r"[-_.]", title):
        return ""  # a slug or a file name: "bao-cao-ket-qua", "BC_2026"
    stem = PurePath(filename).stem if filename else ""
    if stem and _folded(title) == _folded(stem):
        return ""
    return title[:MAX_TITLE]


def readable_file_name(filename: str) -> str:
    """ "bao-cao-ket-qua-nhiem-vu-2026.pdf" -> "Bao cao ket qua nhiem vu 2026"."""
    name = PurePath(filename.replace("\\", "/")).name if filename else ""
    stem = _EXTENSION.sub("", name) if _EXTENSION.search(name) else PurePath(name).stem if "." in name else name
    text = one_line(re.sub(r"[-_]+", " ", stem))[:MAX_TITLE]
    if not _has_letters(text, 1) and not any(ch.isdigit() for ch in text):
        return FALLBACK
    return text[:1].upper() + text[1:]


@dataclass
class Line:
    """A line of text on page 1: its font size (points), its top (points from the page's top), its text."""

    size: float
    top: float
    bottom: float
    text: str


def first_heading(lines: Iterable[Line], page_height: float) -> str:
    """The largest-font line near the top of the page, with the lines that
    continue it (same size, right below), if it is larger than the body text."""
    lines = [line for line in lines if line.text.strip()]
    if not lines:
        return ""
    body = _body_size(lines)
    top = [line for line in lines if line.top < page_height * TOP_FRACTION and _has_letters(line.text, 2)]
    candidates = [line for line in top if line.size >= body + HEADING_MARGIN]
    if not candidates:
        return ""
    largest = max(line.size for line in candidates)
    ordered = sorted(top, key=lambda line: round(line.top, 1))
    start = next(i for i, line in enumerate(ordered) if abs(line.size - largest) < 0.5)
    parts = [ordered[start]]
    for line in ordered[start + 1 :]:
        previous = parts[-1]
        if abs(line.size - largest) >= 0.5 or line.top - previous.bottom > largest * 1.2 or len(parts) >= 4:
            break
        parts.append(line)
    return _shorten(one_line(" ".join(part.text for part in parts)))


def _body_size(lines: list[Line]) -> float:
    """The size most of the page's characters are set in."""
    weights: Counter[float] = Counter()
    for line in lines:
        weights[round(line.size * 2) / 2] += len(line.text.strip())
    return weights.most_common(1)[0][0]


def _shorten(text: str) -> str:
    if len(text) <= MAX_HEADING:
        return text
    cut = text[:MAX_HEADING].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


def _has_letters(text: str, count: int) -> bool:
    return sum(1 for ch in text if ch.isalpha()) >= count


def _folded(text: str) -> str:
    """Lower case, without diacritics or separators: "Báo_cáo-2026" == "bao cao 2026"."""
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s\-_.]+", " ", bare).strip()
