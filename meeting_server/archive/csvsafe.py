"""CSV that a spreadsheet opens safely and legibly.

Safely: a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula, so a
participant named `=HYPERLINK(...)` could run something on the archivist's
machine ("CSV injection"). Following OWASP, such a text cell gets a leading
apostrophe, which spreadsheets show as plain text. Only text is escaped:
numbers are written as numbers (`-3` stays `-3`), as they cannot hold a
formula.

Legibly: UTF-8 with a byte order mark, which is how Excel recognises UTF-8
(without it, "Nguyễn" turns into mojibake), and CRLF line ends (RFC 4180).
Excel set to a locale whose list separator is `;` still puts everything in
one column on a double click; Data > From Text/CSV reads it correctly, and
`delimiter=";"` is there for a deployment that prefers it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def escape_cell(value: Any) -> str:
    """The text a cell holds: formula-like text gets a leading apostrophe; None is empty.

    Accepts text, integers, floats, Decimals, booleans ("true"/"false") and
    dates (ISO 8601). Anything else is a TypeError: the caller decides how
    it should read.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write a {type(value).__name__} to a CSV cell")


def write_csv(
    target: BinaryIO,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ",",
) -> None:
    """Write the header and rows to a binary stream: BOM, UTF-8, CRLF, every cell escaped."""
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    try:
        text.write(BOM)
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([escape_cell(cell) for cell in header])
        for row in rows:
            writer.writerow([escape_cell(cell) for cell in row])
    finally:
        text.detach()  # leave the caller's stream open


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ",") -> bytes:
    """The whole CSV file as bytes (see `write_csv`)."""
    buffer = io.BytesIO()
    write_csv(buffer, header, rows, delimiter=delimiter)
    return buffer.getvalue()
