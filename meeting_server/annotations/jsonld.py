"""Annotations as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), JSON-LD.

Each annotation targets the document by content, `urn:sha256:<hex>`, so the
export stays valid wherever the file is copied. The page is a FragmentSelector
`page=N` (RFC 3778, PDF fragment identifiers), refined by an SvgSelector
drawn on the page as displayed, in PDF points (viewBox = displayed page):
a polyline for ink, rects for a highlight, a small circle centred on a
note's point. A note's text is a TextualBody.
"""

from __future__ import annotations

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
        annotation_item(a, source.document.sha256, source.page_sizes[a.page], source.authors.get(a.owner_id, ""))
        for a in source.annotations
    ]
    return {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": source.document.title,
        "total": len(items),
        "first": {"id": f"{collection_id}#page1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotation_item(annotation: AnnotationPublic, sha256: str, page_size: tuple[float, float], author: str) -> dict:
    width, height = page_size
    item = {
        "id": f"urn:uuid:{annotation.id}",
        "type": "Annotation",
        "motivation": MOTIVATION[annotation.kind],
        "creator": {"id": f"urn:meeting-server:user:{annotation.owner_id}", "type": "Person", "name": author},
        "modified": annotation.updated_at,
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
        item["audience"] = {"id": f"urn:meeting-server:user:{annotation.owner_id}", "type": "Person"}
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
