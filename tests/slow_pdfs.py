"""PDFs that are valid and cheap to store but expensive to draw, made here
rather than taken from elsewhere, so a test controls exactly how expensive."""

from __future__ import annotations

from pathlib import Path

import pymupdf


def nested_forms_pdf(path: Path, depth: int, fanout: int = 4, pages: int = 1) -> Path:
    """Each page draws a Form XObject that draws the next one `fanout` times,
    `depth` levels down to a large filled and stroked curve: fanout**depth
    curves covering the page, from a file of a few KB. Drawing cost grows with
    the pixels drawn: depth 6 takes ~1.5 s at 256 px wide and ~25 s at 2048 on
    the CI machine; each level more multiplies it by `fanout`."""
    doc = pymupdf.open()
    leaf = doc.get_new_xref()
    doc.update_object(leaf, "<</Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<<>>>>")
    doc.update_stream(leaf, b"0.2 0.3 0.8 rg 10 10 m 300 400 500 20 580 800 c 100 700 l h B 50 50 400 600 re S")
    child = leaf
    for _ in range(depth):
        xref = doc.get_new_xref()
        doc.update_object(
            xref, f"<</Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</XObject<</F {child} 0 R>>>>>>"
        )
        doc.update_stream(xref, b"".join(b"q 0.9 0 0 0.9 %d %d cm /F Do Q " % (i * 7, i * 5) for i in range(fanout)))
        child = xref
    for _ in range(pages):
        page = doc.new_page(width=595, height=842)
        doc.xref_set_key(page.xref, "Resources", f"<</XObject<</Top {child} 0 R>>>>")
        contents = doc.get_new_xref()
        doc.update_object(contents, "<<>>")
        doc.update_stream(contents, b"/Top Do")
        doc.xref_set_key(page.xref, "Contents", f"{contents} 0 R")
    doc.save(path)
    doc.close()
    return path


def dense_pdf(path: Path, pages: int, words_per_page: int = 1500) -> Path:
    """A valid PDF whose pages are full of small text: a large text layer
    (the size of a dense report or a legal gazette) from a small file."""
    doc = pymupdf.open()
    line = " ".join(f"tu{n % 97}" for n in range(16))
    lines = max(1, words_per_page // 16)
    for number in range(pages):
        page = doc.new_page(width=595, height=842)
        text = "\n".join(f"{number + 1}.{row} {line}" for row in range(lines))
        page.insert_textbox(pymupdf.Rect(20, 20, 575, 822), text, fontname="helv", fontsize=3.5)
    doc.save(path, garbage=0, deflate=True)
    doc.close()
    return path
