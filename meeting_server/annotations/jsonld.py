"""Annotations as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), JSON-LD.

Each annotation targets the document by content, `urn:sha256:<hex>`, so the
export stays valid wherever the file is copied. The page is a FragmentSelector
`page=N` (RFC 3778, PDF fragment identifiers), refined by an SvgSelector
drawn on the page as displayed, in PDF points (viewBox = displayed page):
a polyline for ink, rects for a highlight, a small circle centred on a
note's point. A note's text is a TextualBody.

Every id is one valid URI (RFC 3986: at most one `#`), and `created` and
`modified` are UTC with the `Z` designator, as the model requires
(https://www.w3.org/TR/annotation-model/#lifecycle-information). The tests
validate the output against the W3C web-annotation-tests assertions.
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import quoteattr

from meeting_server.annotations.models import AnnotationPublic, HighlightData, InkData, NoteData
from meeting_server.annotations.service import ExportSource

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
MOTIVATION = {"ink": "commenting", "highlight": "highlighting", "note": "commenting"}
NOTE_MARK_RADIUS = 4  # points: the circle that marks a note's place


def collection(source: ExportSource, collection_id: str) -> dict:
    """An AnnotationCollection whose first (and only) AnnotationPage holds every item."""
    items = [
        annotation_item(
            a,
            source.document.sha256,
            source.page_sizes[a.page],
            source.authors.get(a.owner_id, ""),
            created=source.created.get(a.id),
        )
        for a in source.annotations
    ]
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": source.document.title,
        "total": len(items),
        "first": {"id": page_id(collection_id, 1), "type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def page_id(collection_id: str, number: int) -> str:
    """The id of the collection's page `number`, one URI: `…#page1`, or `…#shared-page1` when the
    collection's id has a fragment already (a second `#` would make it no URI at all)."""
    if "#" in collection_id:
        return f"{collection_id}-page{number}"
    return f"{collection_id}#page{number}"


def w3c_time(value: datetime | str) -> str:
    """An xsd:dateTime in UTC with the `Z` designator, to the second: `2026-11-27T01:00:00Z`."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        raise ValueError("a naive time has no place in an export")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def annotation_item(
    annotation: AnnotationPublic,
    sha256: str,
    page_size: tuple[float, float],
    author: str,
    created: datetime | None = None,
) -> dict:
    width, height = page_size
    item: dict = {
        "id": f"urn:uuid:{annotation.id}",
        "type": "Annotation",
        "motivation": MOTIVATION[annotation.kind],
        "creator": {"id": f"urn:meeting-server:user:{annotation.owner_id}", "type": "Person", "name": author},
    }
    if created is not None:
        item["created"] = w3c_time(created)
    item |= {
        "modified": w3c_time(annotation.updated_at),
        "target": {
            "source": f"urn:sha256:{sha256}",
            "format": "application/pdf",
            "selector": {
                "type": "FragmentSelector",
                "conformsTo": PDF_FRAGMENT,
                "value": f"page={annotation.page}",
                "refinedBy": {"type": "SvgSelector", "value": _svg(annotation, width, height)},
            },
        },
    }
    if isinstance(annotation.data, NoteData):
        item["body"] = {"type": "TextualBody", "value": annotation.data.text, "format": "text/plain"}
    if annotation.visibility == "private":
        # Its owner alone, as a schema.org Audience (model 3.3.3: audience classes come from schema.org).
        item["audience"] = {"id": f"urn:meeting-server:user:{annotation.owner_id}", "type": "schema:Audience"}
    return item


def _svg(annotation: AnnotationPublic, width: float, height: float) -> str:
    data = annotation.data

    def at(x: float, y: float) -> str:
        return f"{_num(x * width)},{_num(y * height)}"

    if isinstance(data, InkData):
        points = " ".join(at(x, y) for x, y, _ in data.points)
        shape = (
            f"<polyline points={quoteattr(points)} fill='none' stroke={quoteattr(data.color)}"
            f" stroke-width='{_num(data.width * width)}' stroke-linecap='round' stroke-linejoin='round'/>"
        )
    elif isinstance(data, HighlightData):
        shape = "".join(
            f"<rect x='{_num(x0 * width)}' y='{_num(y0 * height)}' width='{_num((x1 - x0) * width)}'"
            f" height='{_num((y1 - y0) * height)}' fill={quoteattr(data.color)}/>"
            for x0, y0, x1, y1 in data.rects
        )
    else:
        assert isinstance(data, NoteData)
        cx, cy = at(data.x, data.y).split(",")
        shape = f"<circle cx='{cx}' cy='{cy}' r='{NOTE_MARK_RADIUS}'/>"
    return f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {_num(width)} {_num(height)}'>{shape}</svg>"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
