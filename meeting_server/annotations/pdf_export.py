"""Annotations written into a copy of the original PDF as real PDF annotations
(Ink, Highlight, Text), so any PDF reader shows them. Runs in a worker
process (the render pool), like all PyMuPDF work.

Coordinates. Our annotations are normalised to the page as displayed: after
/Rotate, relative to the CropBox, origin top-left. PyMuPDF takes annotation
coordinates on the *unrotated* page, in CropBox space with the origin
top-left (it maps them to PDF user space itself, CropBox offset included).
`page.rect` is the displayed page, so a displayed point is
`(x * rect.width, y * rect.height)`, and `page.derotation_matrix` takes it to
the unrotated page.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

import pymupdf

from meeting_server.errors import Invalid

if TYPE_CHECKING:  # the pool and store are handed in; the worker process imports none of them
    from meeting_server.annotations.service import ExportSource
    from meeting_server.documents.pool import WorkerPool
    from meeting_server.documents.storage import BlobStore

log = logging.getLogger(__name__)

NOTE_COLOR = (1.0, 0.8, 0.2)


async def annotated_copy(
    pool: WorkerPool, store: BlobStore, source: ExportSource, out: Path, *, timeout: float
) -> None:
    """Write the source's annotations into a copy of its PDF at `out`, in `pool` (the render pool):
    a copy of the PDF the server hands out, without JavaScript or embedded files (documents/served.py)."""
    # Imported here: the worker process imports this module, and needs none of the server side.
    from meeting_server.documents.served import served_file

    pdf, _ = await served_file(pool, store, source.document.sha256, timeout=timeout)
    try:
        await pool.run(
            write_annotated_pdf,
            str(pdf),
            str(out),
            [a.model_dump(mode="json") for a in source.annotations],
            source.authors,
            timeout=timeout,
        )
    except Exception:
        log.exception("annotated PDF of document %s failed", source.document.id)
        raise Invalid(
            "The annotations could not be written into “{title}”: the file seems damaged.",
            params={"title": source.document.title},
        ) from None


def write_annotated_pdf(source: str, out: str, annotations: list[dict], authors: dict[int, str]) -> str:
    """Copy `source` to `out` and add `annotations` (AnnotationPublic as JSON dicts).

    The original's bytes are kept as they are and the annotations appended as
    an incremental update where the file allows it (a damaged file that
    MuPDF had to repair is saved whole)."""
    shutil.copyfile(source, out)
    doc = pymupdf.open(out, filetype="pdf")
    try:
        for number, on_page in groupby(sorted(annotations, key=lambda a: a["page"]), key=lambda a: a["page"]):
            page = doc.load_page(number - 1)
            for annotation in on_page:
                annot = _ADD[annotation["kind"]](page, annotation["data"])
                _describe(doc, annot, annotation, authors.get(annotation["owner_id"], ""))
        if doc.can_save_incrementally():
            doc.saveIncr()
            return out
        whole = f"{out}.whole"
        doc.save(whole, garbage=1, deflate=True)
    finally:
        doc.close()
    os.replace(whole, out)
    return out


def _displayed(page: pymupdf.Page):
    """A function from normalised displayed (x, y) to PyMuPDF's unrotated page point."""
    width, height, derotate = page.rect.width, page.rect.height, page.derotation_matrix
    return lambda x, y: pymupdf.Point(x * width, y * height) * derotate


def _add_ink(page: pymupdf.Page, data: dict) -> pymupdf.Annot:
    to_page = _displayed(page)
    stroke = [tuple(to_page(x, y)) for x, y, _pressure in data["points"]]
    if len(stroke) == 1:
        stroke.append(stroke[0])  # a dot: a zero-length line still draws with its width
    annot = page.add_ink_annot([stroke])
    # PDF ink has one width per annotation: pressure is not carried over.
    annot.set_border(width=data["width"] * page.rect.width)
    annot.set_colors(stroke=_rgb(data["color"]))
    return annot


def _add_highlight(page: pymupdf.Page, data: dict) -> pymupdf.Annot:
    to_page = _displayed(page)
    # Quads built from the displayed corners keep their reading direction on a
    # rotated page; a plain Rect would be taken as running along the unrotated x axis.
    quads = [
        pymupdf.Quad(to_page(x0, y0), to_page(x1, y0), to_page(x0, y1), to_page(x1, y1))
        for x0, y0, x1, y1 in data["rects"]
    ]
    annot = page.add_highlight_annot(quads)
    annot.set_colors(stroke=_rgb(data["color"]))
    return annot


def _add_note(page: pymupdf.Page, data: dict) -> pymupdf.Annot:
    # A sticky note whose icon's top-left corner is at (x, y) on the displayed
    # page; MuPDF keeps the icon upright (NoRotate) on a rotated page.
    annot = page.add_text_annot(_displayed(page)(data["x"], data["y"]), data["text"], icon="Note")
    annot.set_colors(stroke=NOTE_COLOR)
    return annot


_ADD = {"ink": _add_ink, "highlight": _add_highlight, "note": _add_note}


def _describe(doc: pymupdf.Document, annot: pymupdf.Annot, annotation: dict, author: str) -> None:
    info = {"title": author, "modDate": _pdf_date(annotation["updated_at"])}
    if annotation["kind"] == "note":
        info["content"] = annotation["data"]["text"]
    annot.set_info(**info)
    annot.update()
    # /NM: the annotation's own id, so a reader's edits can be matched back.
    doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(annotation["id"]))


def _rgb(color: str) -> tuple[float, float, float]:
    red, green, blue = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return red, green, blue


def _pdf_date(iso: str) -> str:
    moment = datetime.fromisoformat(iso)
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"
