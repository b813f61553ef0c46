"""Exports of annotations: the annotated PDF, read back with pypdf (an
independent reader) and checked against the PDF geometry — /Rotate and
/CropBox included — and the W3C Web Annotation JSON-LD. Private annotations
of other users never appear in any of them."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pymupdf
import pypdf
import pytest

from tests.annotation_support import highlight, ink, note, put
from tests.conftest import new_user

TOLERANCE = 0.5  # PDF points


def odd_pages_pdf(path) -> None:
    """Pages as they come from scanners and office suites: rotated, cropped, both."""
    doc = pymupdf.open()
    for number, (size, rotate, crop) in enumerate(
        [
            ((595, 842), 0, None),
            ((595, 842), 90, None),
            ((600, 800), 0, pymupdf.Rect(40, 60, 440, 560)),  # PyMuPDF's top-left coordinates
            ((600, 800), 270, pymupdf.Rect(30, 50, 530, 450)),
            ((612, 792), 180, pymupdf.Rect(100, 20, 500, 700)),
        ],
        start=1,
    ):
        page = doc.new_page(width=size[0], height=size[1])
        page.insert_text((120, 120), f"Trang {number}", fontsize=14)
        if crop is not None:
            page.set_cropbox(crop)
        page.set_rotation(rotate)
    doc.save(path)
    doc.close()


def user_space(page: pypdf.PageObject, x: float, y: float) -> tuple[float, float]:
    """Where a point normalised to the displayed page lies in PDF user space,
    computed from the page's own /CropBox and /Rotate."""
    box = page.cropbox
    left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
    w, h = right - left, top - bottom
    return {
        0: (left + x * w, top - y * h),
        90: (left + y * w, bottom + x * h),
        180: (right - x * w, bottom + y * h),
        270: (right - y * w, top - x * h),
    }[page.rotation % 360]


def displayed_width(page: pypdf.PageObject) -> float:
    box = page.cropbox
    w, h = float(box.right) - float(box.left), float(box.top) - float(box.bottom)
    return h if page.rotation % 180 else w


def close(a: tuple[float, ...], b: tuple[float, ...], tolerance: float = TOLERANCE) -> bool:
    return len(a) == len(b) and all(abs(p - q) <= tolerance for p, q in zip(a, b))


def pdf_annotations(content: bytes) -> dict[str, tuple[int, dict]]:
    """Our annotations in a PDF, by /NM (the annotation id): (page number, dictionary)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    found = {}
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Popup":
                found[str(annot["/NM"])] = (number, annot)
    return found


def annotated(api, document_id: int, scope: str | None = None) -> bytes:
    params = {"scope": scope} if scope else None
    response = api.get(f"/api/documents/{document_id}/annotated.pdf", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response.content


def jsonld(api, document_id: int, scope: str | None = None) -> dict:
    params = {"scope": scope} if scope else None
    response = api.get(f"/api/documents/{document_id}/annotations.jsonld", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")
    return json.loads(response.text)


@pytest.fixture
def tablet(world):
    sock = world.member.socket()
    sock.join(world.meeting_id)
    yield sock
    sock.close()


def test_every_kind_lands_where_it_was_drawn_on_rotated_and_cropped_pages(world, tablet, tmp_path):
    odd_pages_pdf(tmp_path / "odd.pdf")
    response = world.upload(tmp_path / "odd.pdf")
    assert response.status_code == 201, response.text
    document = response.json()
    world.document = document  # the annotation helpers use world.document

    made = {}
    for page in range(1, 6):
        stroke = ink(world, page=page, points=[[0.1, 0.2, 0.5], [0.5, 0.5, 0.7], [0.9, 0.7, 0.4]], width=0.005)
        marked = highlight(world, page=page)
        pinned = note(world, page=page, visibility="shared", text=f"Ý kiến trang {page}: đồng ý")
        for annotation in (stroke, marked, pinned):
            assert put(tablet, world, annotation)["ok"]
            made[annotation["id"]] = annotation

    content = annotated(world.member, document["id"])
    original = world.member.get(f"/api/documents/{document['id']}/file").content
    # The original stays byte for byte; the annotations come as an incremental update.
    assert content.startswith(original) and len(content) > len(original)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert [p.rotation % 360 for p in reader.pages] == [0, 90, 0, 270, 180]
    found = pdf_annotations(content)
    assert set(found) == set(made)

    for annotation_id, (number, pdf) in found.items():
        mine = made[annotation_id]
        page = reader.pages[number - 1]
        assert number == mine["page"]
        assert str(pdf["/T"]) == world.member.user["full_name"]
        data = mine["data"]
        if mine["kind"] == "ink":
            assert pdf["/Subtype"] == "/Ink"
            flat = [float(v) for v in pdf["/InkList"][0]]
            got = list(zip(flat[::2], flat[1::2]))
            assert len(got) == 3
            for point, (x, y, _) in zip(got, data["points"]):
                assert close(point, user_space(page, x, y)), (number, point, user_space(page, x, y))
            assert abs(float(pdf["/BS"]["/W"]) - data["width"] * displayed_width(page)) < 0.01
            assert close(tuple(float(c) for c in pdf["/C"]), (0xD3 / 255, 0x2F / 255, 0x2F / 255), 0.01)
        elif mine["kind"] == "highlight":
            assert pdf["/Subtype"] == "/Highlight"
            quads = [float(v) for v in pdf["/QuadPoints"]]
            assert len(quads) == 8 * len(data["rects"])
            for index, (x0, y0, x1, y1) in enumerate(data["rects"]):
                quad = quads[index * 8 : index * 8 + 8]
                corners = [user_space(page, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))]
                expected = (
                    min(c[0] for c in corners),
                    min(c[1] for c in corners),
                    max(c[0] for c in corners),
                    max(c[1] for c in corners),
                )
                got = (min(quad[::2]), min(quad[1::2]), max(quad[::2]), max(quad[1::2]))
                assert close(got, expected), (number, got, expected)
        else:
            assert pdf["/Subtype"] == "/Text"
            assert str(pdf["/Contents"]) == data["text"]
            px, py = user_space(page, data["x"], data["y"])
            left, bottom, right, top = (float(v) for v in pdf["/Rect"])
            assert left - 1 <= px <= right + 1 and bottom - 1 <= py <= top + 1, (number, (px, py), pdf["/Rect"])


def _scoped_world(world):
    """member: a shared ink and a private note; member2: a private note and a shared highlight."""
    mine_shared, mine_private = ink(world), note(world, text="ghi chú riêng của ủy viên")
    theirs_private, theirs_shared = note(world, text="bí mật của người khác"), highlight(world)
    member, member2 = world.member.socket(), world.member2.socket()
    try:
        member.join(world.meeting_id)
        member2.join(world.meeting_id)
        for sock, annotation in (
            (member, mine_shared),
            (member, mine_private),
            (member2, theirs_private),
            (member2, theirs_shared),
        ):
            assert put(sock, world, annotation)["ok"]
    finally:
        member.close()
        member2.close()
    return {"S": mine_shared["id"], "P": mine_private["id"], "Q": theirs_private["id"], "H": theirs_shared["id"]}


def test_scopes_and_no_other_users_private_annotation_in_any_export(world):
    ids = _scoped_world(world)
    document_id = world.document["id"]
    expected = [
        (world.member, None, "SPH"),
        (world.member, "visible", "SPH"),
        (world.member, "mine", "SP"),
        (world.member, "shared", "SH"),
        (world.member2, None, "SQH"),
        (world.member2, "mine", "QH"),
        (world.secretary, "shared", "SH"),  # what the secretary exports for the record
        (world.secretary, None, "SH"),
        (world.secretary, "mine", ""),
    ]
    for api, scope, letters in expected:
        wanted = {ids[letter] for letter in letters}
        assert set(pdf_annotations(annotated(api, document_id, scope))) == wanted, (api.user["username"], scope)
        collection = jsonld(api, document_id, scope)
        got = {item["id"].removeprefix("urn:uuid:") for item in collection["first"]["items"]}
        assert got == wanted and collection["total"] == len(wanted), (api.user["username"], scope)


def test_jsonld_is_a_web_annotation_collection(world, tablet):
    stroke, marked, pinned = ink(world, page=2), highlight(world, page=3), note(world, page=4, visibility="shared")
    for annotation in (stroke, marked, pinned):
        assert put(tablet, world, annotation)["ok"]
    collection = jsonld(world.member2, world.document["id"])
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 3
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    items = {item["id"]: item for item in page["items"]}
    assert set(items) == {f"urn:uuid:{a['id']}" for a in (stroke, marked, pinned)}

    for annotation in (stroke, marked, pinned):
        item = items[f"urn:uuid:{annotation['id']}"]
        assert item["type"] == "Annotation"
        assert item["creator"]["name"] == world.member.user["full_name"]
        target = item["target"]
        assert target["source"] == f"urn:sha256:{world.document['sha256']}"
        selector = target["selector"]
        assert selector["type"] == "FragmentSelector"
        assert selector["conformsTo"] == "http://tools.ietf.org/rfc/rfc3778"
        assert selector["value"] == f"page={annotation['page']}"
        svg = ET.fromstring(selector["refinedBy"]["value"])  # well-formed SVG
        assert selector["refinedBy"]["type"] == "SvgSelector"
        assert svg.get("viewBox") == "0 0 595 842"
        shapes = [child.tag.split("}")[1] for child in svg]
        if annotation["kind"] == "ink":
            assert item["motivation"] == "commenting" and shapes == ["polyline"]
            first = svg[0].get("points").split()[0]
            assert first == "59.5,84.2"  # (0.1, 0.1) on a 595 x 842 page
        elif annotation["kind"] == "highlight":
            assert item["motivation"] == "highlighting" and shapes == ["rect", "rect"]
            assert (svg[0].get("x"), svg[0].get("y")) == ("71.4", "92.62")
        else:
            assert shapes == ["circle"] and (svg[0].get("cx"), svg[0].get("cy")) == ("297.5", "210.5")
            assert item["body"] == {"type": "TextualBody", "value": annotation["data"]["text"], "format": "text/plain"}


def test_exports_of_a_closed_meeting_and_refusals(world, admin):
    ids = _scoped_world(world)
    document_id = world.document["id"]
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    archivist = new_user(admin, "archivist")
    assert set(pdf_annotations(annotated(archivist, document_id, "shared"))) == {ids["S"], ids["H"]}
    assert {i["id"] for i in jsonld(archivist, document_id)["first"]["items"]} == {
        f"urn:uuid:{ids['S']}",
        f"urn:uuid:{ids['H']}",
    }

    bad_scope = world.member.get(f"/api/documents/{document_id}/annotated.pdf", params={"scope": "everything"})
    assert bad_scope.status_code == 422 and bad_scope.json()["error"]["code"] == "invalid"
    for url in (
        f"/api/documents/{document_id}/annotated.pdf",
        f"/api/documents/{document_id}/annotations.jsonld",
        f"/api/documents/{document_id}/annotations",
    ):
        response = world.outsider.get(url)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert world.member.get("/api/documents/99999999/annotated.pdf").status_code == 404
    page_past_end = world.member.get(f"/api/documents/{document_id}/annotations", params={"page": 6})
    assert page_past_end.status_code == 422 and page_past_end.json()["error"]["code"] == "invalid"


def test_a_document_without_annotations_exports_unchanged(world):
    content = annotated(world.member, world.document["id"])
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 5
    assert pdf_annotations(content) == {}
    assert jsonld(world.member, world.document["id"])["total"] == 0
