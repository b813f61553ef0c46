"""File names made from titles, for downloads and the archive alike.

Ground: documents, annotations and the archive all name files after a
title, so the rule lives here rather than in any one of them.
"""

from __future__ import annotations

import unicodedata

# Not in a Windows file name; "/" separates folders and "\\" is refused so no tool mistakes it for one.
FORBIDDEN = frozenset('<>:"|?*\\/')


def portable_name(text: str, *, max_length: int = 120) -> str:
    """A file name made from a title that any system extracts as is: "Nghị quyết: 12/2026" -> "Nghị quyết- 12-2026".

    Keeps letters with their diacritics (NFC); replaces separators, control
    characters and what Windows forbids with "-"; never empty.
    """
    text = unicodedata.normalize("NFC", text)
    cleaned = "".join("-" if ch in FORBIDDEN or is_control(ch) else ch for ch in text)
    cleaned = " ".join(cleaned.split())[:max_length].strip(" .")
    return cleaned or "untitled"


def is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
