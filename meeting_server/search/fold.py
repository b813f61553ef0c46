"""Folding text for search: "Biên bản Đảng ủy" and "bien ban dang uy" meet.

Each character folds to exactly one character, so an offset into the
folded text is the same offset into the original: a hit found in the
folded text is cut out of the original, diacritics intact, for the snippet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that carry no decomposition in Unicode but that a Vietnamese reader
# types without their stroke: "d" must find "đ".
_STROKED = {"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h"}

_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _STROKED:
        return _STROKED[char]
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    # A few characters lower-case to two (İ -> i̇): keep one, so offsets hold.
    return lower[0] if lower else base


def fold(text: str) -> str:
    """Lower-case, strip diacritics and strokes; same length as NFC `text`."""
    return "".join(_fold_char(c) for c in unicodedata.normalize("NFC", text))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def query_terms(query: str) -> list[str]:
    """The folded words of a query, in order, without repeats."""
    seen: dict[str, None] = {}
    for term in _TOKEN.findall(fold(query)):
        seen.setdefault(term, None)
    return list(seen)
