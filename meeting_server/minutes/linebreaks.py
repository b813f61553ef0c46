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
