"""Where the minutes' lines may break: at spaces, so that every word reads back whole.

MuPDF wraps lines by Unicode's rules (UAX #14), which also break inside a
word: after "-", "/", "!", "?", "…", "–" and more. A reader then gets the word
in two pieces, and worse, poppler's pdftotext (and search indexes built on it)
joins a line that ends in "-" to the next without the hyphen: "nhiệm kỳ
2025-\n2030" reads back as "20252030". So every word that holds anything but
letters and digits is kept on one line (a nowrap span).

One exception: a run so long it could be wider than the line (a URL, a file
name) must break somewhere, or MuPDF lets it run off the page. It gets a
zero-width space every 20 characters or so, away from hyphens, and each hyphen
in it is glued to the next character, so a line never ends in one. MuPDF
draws nothing for the zero-width space and readers extract nothing.
"""

from __future__ import annotations

import re
from itertools import combinations, pairwise

from markupsafe import Markup, escape

LONG_RUN = 30  # characters; 14 pt text, 160 mm lines: about 60 fit
PIECE = 20
ZERO_WIDTH_SPACE = "\u200b"
# Hyphens a reader may take for a word split across lines.
_HYPHENS = ("-", "\u2010", "\u00ad")
_WORD = re.compile(r"\S+")
_HYPHEN_AND_NEXT = re.compile("([" + "".join(_HYPHENS) + "].?)")


def breakable_html(value):
    """Jinja's finalize: every printed value as HTML that breaks only where it should.
    Macros' output (Markup) is already HTML and passes through, as do numbers."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    return Markup(_WORD.sub(lambda match: _word_html(match.group(0)), value))


def _word_html(word: str) -> str:
    if len(word) <= LONG_RUN:
        return _unbroken(word)
    return ZERO_WIDTH_SPACE.join(_hyphens_glued(piece) for piece in _pieces(word))


def _unbroken(text: str) -> str:
    if text.isalnum():  # letters (with their accents) and digits: MuPDF never breaks these
        return str(escape(text))
    return f'<span class="nowrap">{escape(text)}</span>'


def _hyphens_glued(piece: str) -> str:
    # Not the whole piece in one nowrap span: MuPDF would not break between two of those.
    return "".join(
        f'<span class="nowrap">{escape(part)}</span>' if part[0] in _HYPHENS else str(escape(part))
        for part in _HYPHEN_AND_NEXT.split(piece)
        if part
    )


def _pieces(word: str) -> list[str]:
    """The word cut about every PIECE characters, never next to a hyphen or its glued character."""
    pieces, start = [], 0
    while len(word) - start > PIECE:
        end = start + PIECE
        while end < min(len(word), start + 2 * PIECE) and any(c in _HYPHENS for c in word[end - 2 : end + 1]):
            end += 1
        pieces.append(word[start:end])
        start = end
    return [*pieces, word[start:]]


# ---- the issuer's lines (top left of the first page) ---------------------------------
#
# The Party format (Hướng dẫn 36-HD/VPTW) prints the issuing body in capitals,
# centred over its star, in as few lines as the column holds; a long name is
# set on two or three lines that each read as a phrase ("CHI BỘ KHU PHỐ 3" /
# "PHƯỜNG BẾN THÀNH"), never a word left alone or a place-name torn in two
# ("PHƯỜNG BẾN" / "THÀNH"). So the lines are chosen here, by words, not left to
# MuPDF's greedy wrapping: the fewest lines that fit; among those, breaks
# before a phrase's first word (an administrative unit or a body's kind) where
# possible; then the most even lines.

# Words (in capitals) that start a phrase: a break goes before them where it can.
PHRASE_STARTS = frozenset({"PHƯỜNG", "XÃ", "QUẬN", "HUYỆN", "TỈNH", "ẤP", "THÔN", "TỔ", "KHỐI", "TRƯỜNG", "CÔNG"})
PHRASE_STARTS_2 = frozenset(
    {
        ("THÀNH", "PHỐ"),
        ("KHU", "PHỐ"),
        ("THỊ", "TRẤN"),
        ("THỊ", "XÃ"),
        ("CHI", "BỘ"),
        ("ĐẢNG", "BỘ"),
        ("ĐẢNG", "ỦY"),
        ("ỦY", "BAN"),
        ("CƠ", "QUAN"),
        ("BAN", "THƯỜNG"),
        ("BAN", "CHẤP"),
        ("BAN", "CÁN"),
    }
)
MAX_ISSUER_LINES = 4


def _starts_phrase(words: list[str], i: int) -> bool:
    return words[i] in PHRASE_STARTS or tuple(words[i : i + 2]) in PHRASE_STARTS_2


def issuer_lines(text: str, width, fits) -> list[str]:
    """`text` (already in capitals) cut into lines at spaces. `width(line)` measures a
    line, `fits(line)` says whether it fits the column. A word wider than the column
    gets a line of its own (breakable_html then breaks it)."""
    words = text.split()
    if not words or fits(" ".join(words)):
        return [" ".join(words)] if words else []
    gaps = range(1, len(words))
    for count in range(2, min(MAX_ISSUER_LINES, len(words)) + 1):
        best: tuple | None = None
        for cuts in combinations(gaps, count - 1):
            bounds = (0, *cuts, len(words))
            tried = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
            if not all(fits(line) for line in tried):
                continue
            off_phrase = sum(0 if _starts_phrase(words, cut) else 1 for cut in cuts)
            widths = [width(line) for line in tried]
            key = (off_phrase, max(widths) - min(widths))
            if best is None or key < best[0]:
                best = (key, tried)
        if best is not None:
            return best[1]
    # Nothing fits in a few lines (a word wider than the column): a word a line, at worst.
    lines: list[str] = []
    for word in words:
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def issuer_html(lines: list[str], fits) -> Markup:
    """Each line a block of its own that MuPDF never wraps again (a line too wide for that
    breaks as any long run does)."""
    return Markup("").join(
        Markup('<div class="issuer-line nowrap">{}</div>').format(line)
        if fits(line)
        else Markup('<div class="issuer-line">{}</div>').format(breakable_html(line))
        for line in lines
    )
