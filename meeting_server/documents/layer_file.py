"""The text layer on its way from the ingest worker to the database: a file,
one line per page, so neither the pipe nor the main process ever holds it
whole (a 2,000-page document's is hundreds of MB as Python objects).

A line is the page's text as a JSON string, a tab, and its words as the JSON
the database stores (JSON escapes tabs and newlines, so the split is safe and
the words are never parsed on the way).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PageLayer:
    number: int  # from 1
    words: str  # JSON list of [text, x0, y0, x1, y1], normalised to the displayed page
    text: str

    @property
    def size(self) -> int:
        return len(self.words) + len(self.text)


def encode(words: list[list], text: str) -> str:
    return f"{json.dumps(text, ensure_ascii=False)}\t{json.dumps(words, ensure_ascii=False, separators=(',', ':'))}\n"


def read_chunks(path: Path, max_chars: int) -> Iterator[list[PageLayer]]:
    """The pages in order, in chunks of about `max_chars` characters (at least one page each)."""
    chunk: list[PageLayer] = []
    size = 0
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            text, words = line.rstrip("\n").split("\t", 1)
            page = PageLayer(number, words, json.loads(text))
            if chunk and size + page.size > max_chars:
                yield chunk
                chunk, size = [], 0
            chunk.append(page)
            size += page.size
    if chunk:
        yield chunk
