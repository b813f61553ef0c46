"""The copy of a PDF that the server hands out: without JavaScript, automatic
or launching actions, or embedded and attached files. Runs in a worker process
(documents/pool.py), like all PyMuPDF work. The original is kept untouched,
for the archive (documents/served.py decides which file goes out).
"""

from __future__ import annotations

import contextlib
import os
import re

import pymupdf

# A PDF name that makes a document act rather than show: JavaScript anywhere,
# actions run on opening or on events, launching programs, submitting or
# importing data, and files carried inside. Names end at a delimiter.
ACTIVE = re.compile(
    r"/(?:JavaScript|JS|OpenAction|AA|Launch|SubmitForm|ImportData|EmbeddedFiles?|EF|FileAttachment|RichMedia\w*)"
    r"(?![^\s/\[\]()<>{}%])"
)
# Keys whose whole value goes: the code, the triggers, and the files.
DROPPED_KEYS = ("OpenAction", "AA", "JavaScript", "JS", "EmbeddedFiles", "EF", "RichMediaContent")
# Keys that hold an action: dropped when the action (or one chained to it) is active.
ACTION_KEYS = ("A", "Next")
ACTIVE_ANNOTS = {"FileAttachment", "RichMedia", "Sound", "Movie", "Screen"}


class NotSanitizable(Exception):
    """The copy still carried active content after every attempt."""


def sanitized_copy(source: str, out: str) -> bool:
    """Write at `out` a copy of `source` without active content and answer True;
    answer False, writing nothing, when `source` carries none."""
    with pymupdf.open(source, filetype="pdf") as doc:
        # The raw bytes too: another reader's repair may find an object that MuPDF's skipped.
        if not has_active_content(doc) and not _raw_active(source):
            return False
        _strip(doc)
        data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    with pymupdf.open(stream=data, filetype="pdf") as copy:
        if has_active_content(copy):
            # What the object walk could not reach: keep the pages alone.
            bare = pymupdf.open()
            bare.insert_pdf(copy, links=False, annots=False, widgets=False)
            _strip(bare)
            data = bare.tobytes(garbage=3, deflate=True)
            bare.close()
            with pymupdf.open(stream=data, filetype="pdf") as check:
                if has_active_content(check):
                    raise NotSanitizable(source)
    temp = f"{out}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, out)
    return True


def has_active_content(doc: pymupdf.Document) -> bool:
    """Whether any object (or the trailer) names active content, or the document embeds files."""
    try:
        if doc.embfile_count():
            return True
    except Exception:
        return True  # a name tree MuPDF cannot read may still be read by another reader
    for xref in range(-1, doc.xref_length()):
        if xref == 0:
            continue
        try:
            text = doc.xref_object(xref, compressed=True)
        except Exception:
            continue  # an object MuPDF cannot read is nothing it would write out
        if ACTIVE.search(text) or _active_annot(doc, xref):
            return True
    return False


def _raw_active(path: str) -> bool:
    raw = re.compile(ACTIVE.pattern.encode())
    tail = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if raw.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def _active_annot(doc: pymupdf.Document, xref: int) -> bool:
    if xref < 1:
        return False
    try:
        kind, value = doc.xref_get_key(xref, "Subtype")
    except Exception:
        return False
    return kind == "name" and value.lstrip("/") in ACTIVE_ANNOTS


def _strip(doc: pymupdf.Document) -> None:
    with contextlib.suppress(Exception):  # the object walk below does it by hand
        doc.scrub(
            attached_files=True,
            embedded_files=True,
            javascript=True,
            clean_pages=False,
            hidden_text=False,
            metadata=False,
            redactions=False,
            remove_links=False,
            reset_fields=False,
            reset_responses=False,
            thumbnails=False,
            xml_metadata=False,
        )
    for number in range(doc.page_count):
        try:
            page = doc.load_page(number)
            for annot in list(page.annots()):
                if annot.type[1] in ACTIVE_ANNOTS:
                    page.delete_annot(annot)
        except Exception:
            continue
    for xref in range(1, doc.xref_length()):
        try:
            _strip_object(doc, xref)
        except Exception:
            continue
    try:
        names = doc.xref_get_key(doc.pdf_catalog(), "Names")
        if names[0] != "null":
            for key in ("JavaScript", "EmbeddedFiles"):
                doc.xref_set_key(doc.pdf_catalog(), f"Names/{key}", "null")
    except Exception:
        pass


def _strip_object(doc: pymupdf.Document, xref: int) -> None:
    if _active_annot(doc, xref):
        # Left in a page's /Annots if deleting it failed: made an inert, empty square.
        doc.xref_set_key(xref, "Subtype", "/Square")
    for key in doc.xref_get_keys(xref):
        if key in DROPPED_KEYS:
            doc.xref_set_key(xref, key, "null")
        elif key in ACTION_KEYS:
            kind, value = doc.xref_get_key(xref, key)
            if kind == "xref":
                value = doc.xref_object(int(value.split()[0]), compressed=True)
            if ACTIVE.search(value):
                doc.xref_set_key(xref, key, "null")
    if doc.xref_is_stream(xref):
        return
    # Whatever is left inline, deeper down: renamed, so no reader takes it for what it was.
    text = doc.xref_object(xref, compressed=True)
    if ACTIVE.search(text):
        text = re.sub(ACTIVE.pattern + r"\s*null", "", text)  # the keys nulled above
        doc.update_object(xref, ACTIVE.sub(lambda found: "/Inert" + found.group(0)[1:], text))
