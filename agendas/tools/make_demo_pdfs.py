#!/usr/bin/env python3
"""Generate the PDFs of the demo meeting in agendas/demo/.

The texts of the four documents live in agendas/tools/demo_texts.py, written in a
tiny line-based markup (see `markup_to_html` below), so they can be edited without
touching the layout code. This script lays them out as A4 Party documents
(loosely after Hướng dẫn 36-HD/VPTW) with PyMuPDF's Story (HTML + CSS), embedding
Liberation Serif 2.x (or DejaVu Serif) so that every Vietnamese letter is a real
glyph and `pdftotext` gives the words back exactly.

The fourth document is a "scan": its pages are laid out the same way, then
rendered to images, degraded like paper through a scanner (tilt, grey paper,
noise, blur), stamped and signed on the last page, and put back into a PDF as
JPEG images only, with no text layer.

Run by hand (not by CI); the PDFs are committed:

    python3 -m venv /tmp/agendas-venv
    /tmp/agendas-venv/bin/pip install "pymupdf>=1.26,<2" pillow
    /tmp/agendas-venv/bin/python agendas/tools/make_demo_pdfs.py

Options: --out DIR (default agendas/demo), --font-dir DIR, --no-check.
The output is reproducible: the same inputs give byte-identical PDFs.
"""

from __future__ import annotations

import argparse
import collections
import html
import io
import math
import random
import re
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pymupdf
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_texts  # the document texts, kept apart from layout

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE.parent / "demo"

AUTHOR = "Đảng ủy phường Phan Đình Phùng"
PRODUCER = f"agendas/tools/make_demo_pdfs.py (PyMuPDF {pymupdf.VersionBind})"
# Fixed dates keep the output byte-identical from run to run.
CREATION_DATE = "D:20261120080000+07'00'"

# Candidate fonts, best first: (directory, regular, bold, italic, bold italic).
FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/liberation2",
        "LiberationSerif-Regular.ttf",
        "LiberationSerif-Bold.ttf",
        "LiberationSerif-Italic.ttf",
        "LiberationSerif-BoldItalic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu",
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
]
STAMP_FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
]

# A4 in points; margins after HD 36: top/bottom 20 mm, left 30 mm, right 15 mm.
MM = 72 / 25.4
PAGE = pymupdf.paper_rect("a4")
BODY = pymupdf.Rect(30 * MM, 20 * MM, PAGE.width - 15 * MM, PAGE.height - 20 * MM)
# The header block (issuer / national motto) is allowed to be a little wider
# than the text column, as on real Party documents.
HEADER = pymupdf.Rect(15 * MM, 15 * MM, PAGE.width - 12 * MM, PAGE.height - 20 * MM)

# Characters that must never be missing from the chosen font.
VIETNAMESE_SAMPLE = (
    "ĐđÂâĂăÊêÔôƠơƯư"
    "ÀÁẢÃẠàáảãạẦẤẨẪẬầấẩẫậẰẮẲẴẶằắẳẵặÈÉẺẼẸèéẻẽẹỀẾỂỄỆềếểễệ"
    "ÌÍỈĨỊìíỉĩịÒÓỎÕỌòóỏõọỒỐỔỖỘồốổỗộỜỚỞỠỢờớởỡợ"
    "ÙÚỦŨỤùúủũụỪỨỬỮỰừứửữựỲÝỶỸỴỳýỷỹỵ"
)


@dataclass
class Fonts:
    directory: Path
    regular: str
    bold: str
    italic: str
    bold_italic: str

    def css(self) -> str:
        return "\n".join(
            f"@font-face {{font-family: DocSerif; src: url({name});"
            f" font-weight: {w}; font-style: {s};}}"
            for name, w, s in [
                (self.regular, "normal", "normal"),
                (self.bold, "bold", "normal"),
                (self.italic, "normal", "italic"),
                (self.bold_italic, "bold", "italic"),
            ]
        )


def find_fonts(font_dir: str | None) -> Fonts:
    candidates = FONT_CANDIDATES
    if font_dir:  # same file names, another directory
        candidates = [(font_dir, *c[1:]) for c in FONT_CANDIDATES]
    for directory, *names in candidates:
        paths = [Path(directory) / n for n in names]
        if all(p.is_file() for p in paths):
            font = pymupdf.Font(fontfile=str(paths[0]))
            missing = [c for c in VIETNAMESE_SAMPLE if not font.has_glyph(ord(c))]
            if missing:
                print(f"skipping {directory}: no glyph for {''.join(missing)}", file=sys.stderr)
                continue
            return Fonts(Path(directory), *names)
    sys.exit(
        "no serif font with Vietnamese glyphs found: install fonts-liberation2 "
        "(or fonts-dejavu-core), or pass --font-dir"
    )


# --------------------------------------------------------------------------
# Markup -> HTML
# --------------------------------------------------------------------------

BASE_CSS = """
body {font-family: DocSerif; font-size: 14pt; line-height: 1.25; margin: 0; padding: 0;}
p {text-align: justify; text-indent: 1cm; margin: 0 0 5pt 0;}
p.c, td p.c {text-align: center; text-indent: 0; margin: 0;}
p.r {text-align: right; text-indent: 0; margin: 0;}
p.h1 {font-weight: bold; text-indent: 1cm; margin: 8pt 0 5pt 0;}
p.h2 {font-weight: bold; text-indent: 1cm; margin: 6pt 0 4pt 0;}
p.h3 {font-weight: bold; font-style: italic; text-indent: 1cm; margin: 4pt 0 4pt 0;}
p.title {font-weight: bold; font-size: 16pt; text-align: center; text-indent: 0; margin: 14pt 0 0 0;}
p.subtitle {font-weight: bold; text-align: center; text-indent: 0; margin: 0;}
table.rule {border-collapse: collapse; margin: 3pt 0 12pt 0;}
table.rule td {padding: 0; font-size: 2pt; line-height: 1;}
td.rulepad {width: 200pt;}
td.ruleline {width: 67pt; border-top: 0.8pt solid black;}
p.to {text-align: center; text-indent: 0; margin: 0 0 8pt 0;}
p.basis {font-style: italic; text-indent: 1cm;}
p.caption {font-weight: bold; text-align: center; text-indent: 0; margin: 8pt 0 4pt 0;}
p.note {font-size: 12pt; font-style: italic; text-indent: 0; margin: 2pt 0 6pt 0;}
p.cnote {font-size: 13pt; font-style: italic; text-indent: 0; text-align: center; margin: 0 0 6pt 0;}
p.pagebreak {page-break-before: always; margin: 0; font-size: 2pt;}
table.hdr {border-collapse: collapse; margin: 0;}
table.hdr td {vertical-align: top; padding: 0;}
table.hdr p {font-size: 13pt; line-height: 1.2;}
td.issuer {width: 244pt;}
td.motto {width: 272pt;}
p.motto {font-size: 14pt; font-weight: bold;}
table.draft {border-collapse: collapse; margin: 0 0 6pt 0;}
td.draftpad {width: 360pt;}
td.draftbox {width: 130pt; border: 1pt solid black; padding: 2pt 4pt;}
td.draftbox p {font-weight: bold; font-size: 13pt; text-align: center; text-indent: 0; margin: 0;}
table.grid {border-collapse: collapse; margin: 4pt 0 8pt 0;}
table.grid td, table.grid th {border: 0.6pt solid black; padding: 1.5pt 3pt; vertical-align: middle;}
table.grid th p, table.grid td p {font-size: 12pt; line-height: 1.1; text-indent: 0; margin: 0; text-align: left;}
table.grid th p {font-weight: bold; text-align: center;}
table.grid td p.n {text-align: center;}
table.grid td p.num {text-align: right;}
table.sig {border-collapse: collapse; margin: 10pt 0 0 0;}
table.sig td {vertical-align: top; padding: 0;}
td.recv {width: 225pt;}
td.recv p {font-size: 12pt; text-indent: 0; margin: 0; text-align: left; line-height: 1.15;}
td.recv p.rh {font-size: 12pt; font-weight: bold; font-style: italic;}
td.sign {width: 240pt;}
td.sign p {text-align: center; text-indent: 0; margin: 0; font-weight: bold;}
p.space {font-size: 14pt; margin: 0;}
"""


def _inline(text: str) -> str:
    """Escape text, then turn **bold** and //italic// into tags.

    A spaced hyphen ("kinh tế - xã hội", "2025 - 2030") becomes an en dash:
    a line ending in "-" makes pdftotext join it to the next line.
    """
    out = html.escape(text.replace(" - ", " – "), quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out)
    out = re.sub(r"//(.+?)//", r"<i>\1</i>", out)
    return out


def markup_to_html(markup: str, prefix: str = "m", breaks: frozenset = frozenset()) -> str:
    """One non-empty line is one paragraph.

    Line prefixes: "# " section heading (I., II. ...), "## " numbered heading,
    "### " bold italic sub-heading, "> " italic paragraph (legal bases),
    "= " centred bold caption, "~ " small italic note, "~~ " centred italic
    note, "!pagebreak".
    A line starting with "<" is raw HTML (tables made by `table_html`).
    Inline: **bold**, //italic//.

    Headings and captions get ids (prefix + running number) so that `layout`
    can find one stranded at the foot of a page and move it to the next page
    (MuPDF ignores page-break-after: avoid); those ids are in breaks.
    """
    parts = []
    counter = 0

    def head(cls: str, text: str) -> str:
        nonlocal counter
        counter += 1
        hid = f"{prefix}{counter}"
        style = ' style="page-break-before: always"' if hid in breaks else ""
        return f'<p class="{cls}" id="{hid}"{style}>{_inline(text)}</p>'

    for raw in markup.strip().splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("<"):
            parts.append(line)
        elif line == "!pagebreak":
            parts.append('<p class="pagebreak">&#160;</p>')
        elif line.startswith("### "):
            parts.append(head("h3", line[4:]))
        elif line.startswith("## "):
            parts.append(head("h2", line[3:]))
        elif line.startswith("# "):
            parts.append(head("h1", line[2:]))
        elif line.startswith("> "):
            parts.append(f'<p class="basis">{_inline(line[2:])}</p>')
        elif line.startswith("= "):
            parts.append(head("caption", line[2:]))
        elif line.startswith("~~ "):
            parts.append(f'<p class="cnote">{_inline(line[3:])}</p>')
        elif line.startswith("~ "):
            parts.append(f'<p class="note">{_inline(line[2:])}</p>')
        else:
            parts.append(f"<p>{_inline(line)}</p>")
    return "\n".join(parts)


def table_html(header: list[str], rows: list[list[str]], widths: list[int],
               align: list[str] | None = None) -> str:
    """A bordered table on one line (so it fits the line-based markup).

    widths are relative; they are scaled to the text column (MuPDF honours
    absolute cell widths, not percentages). align per column: "l" (default),
    "c" or "r". A row shorter than the header has its last cell spanning the
    remaining columns (section rows); a cell starting with "!" is bold.
    """
    n = len(header)
    align = align or ["l"] * n
    padding = 6 + 1  # left + right cell padding, plus the border
    avail = BODY.width - 2 - padding * n
    points = [avail * w / sum(widths) for w in widths]
    cls = {"l": "", "c": ' class="n"', "r": ' class="num"'}
    head = "".join(
        f'<th style="width:{w:.1f}pt"><p>{_inline(h)}</p></th>' for h, w in zip(header, points)
    )
    body = []
    for row in rows:
        cells = []
        for i, (value, a) in enumerate(zip(row, align)):
            span = f' colspan="{n - i}"' if i == len(row) - 1 and len(row) < n else ""
            text = f"<b>{_inline(value[1:])}</b>" if value.startswith("!") else _inline(value)
            cells.append(f"<td{span}><p{cls[a]}>{text}</p></td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="grid"><tr>{head}</tr>{"".join(body)}</table>'


# --------------------------------------------------------------------------
# Document model and layout
# --------------------------------------------------------------------------


@dataclass
class Doc:
    filename: str
    pdf_title: str            # metadata title
    number: str               # "Số 186-BC/ĐU"
    date: str                 # "ngày 20 tháng 11 năm 2026"
    kind: str                 # "BÁO CÁO"
    subject_lines: list[str]  # the trích yếu, one entry per line
    body: str                 # markup
    recipients: list[str]
    sign_for: str             # "T/M ĐẢNG ỦY"
    sign_title: str           # "BÍ THƯ"
    signer: str               # full name; "" for a draft
    to: str = ""              # "Kính gửi: ..." (tờ trình)
    draft: bool = False
    annex: str = ""           # markup placed after the signature (phụ lục)
    keywords: str = ""
    scan: bool = False


def _blanks(text: str) -> str:
    """Keep the run of spaces left blank for a number or day still to be filled in."""
    return re.sub(r"  +", lambda m: "&#160;" * len(m.group()), html.escape(text))


def header_html(doc: Doc) -> str:
    draft = ""
    if doc.draft:
        draft = (
            '<table class="draft"><tr><td class="draftpad"><p class="c">&#160;</p></td>'
            '<td class="draftbox"><p>DỰ THẢO</p></td></tr></table>'
        )
    return f"""{draft}
<table class="hdr"><tr>
<td class="issuer">
<p class="c">ĐẢNG BỘ PHƯỜNG PHAN ĐÌNH PHÙNG</p>
<p class="c"><b>ĐẢNG ỦY</b></p>
<p class="c">*</p>
<p class="c">{_blanks(doc.number)}</p>
</td>
<td class="motto">
<p class="c motto"><u>ĐẢNG CỘNG SẢN VIỆT NAM</u></p>
<p class="c">&#160;</p>
<p class="c"><i>Phan Đình Phùng, {_blanks(doc.date)}</i></p>
</td>
</tr></table>"""


def body_html(doc: Doc, breaks: frozenset = frozenset()) -> str:
    subject = "<br/>".join(_inline(s) for s in doc.subject_lines)
    to = f'<p class="to">{_inline(doc.to)}</p>' if doc.to else ""
    recv = "".join(f"<p>{_inline(r)}</p>" for r in doc.recipients)
    signer = html.escape(doc.signer) if doc.signer else "&#160;"
    sig = f"""
<table class="sig"><tr>
<td class="recv"><p class="rh"><u>Nơi nhận:</u></p>{recv}</td>
<td class="sign"><p>{html.escape(doc.sign_for)}</p><p>{html.escape(doc.sign_title)}</p>
{'<p class="space">&#160;</p>' * (5 if doc.scan else 3)}
<p>{signer}</p></td>
</tr></table>"""
    annex = ""
    if doc.annex:
        annex = '<p class="pagebreak">&#160;</p>' + markup_to_html(doc.annex, "a", breaks)
    return f"""<p class="title">{html.escape(doc.kind)}</p>
<p class="subtitle">{subject}</p>
<table class="rule"><tr><td class="rulepad">&#160;</td><td class="ruleline">&#160;</td><td class="rulepad">&#160;</td></tr></table>
{to}
{markup_to_html(doc.body, "m", breaks)}
{sig}
{annex}"""


# A heading needs at least this much room under it on its page, or it moves on.
KEEP_WITH_NEXT = 3.2 * 14 * 1.25


def layout(doc: Doc, fonts: Fonts) -> pymupdf.Document:
    """Lay the document out on A4 pages and return it (in memory).

    Lays out again, moving a heading to the next page, as long as some heading
    or table caption would be left at the foot of a page without its text.
    """
    breaks: frozenset = frozenset()
    for _ in range(20):
        data, stranded = _layout_once(doc, fonts, breaks)
        if not stranded:
            break
        breaks = breaks | {stranded}
    pdf = pymupdf.open("pdf", data)
    number_pages(pdf, fonts)
    return pdf


def _layout_once(doc: Doc, fonts: Fonts, breaks: frozenset) -> tuple[bytes, str | None]:
    archive = pymupdf.Archive(str(fonts.directory))
    css = fonts.css() + BASE_CSS
    header = pymupdf.Story(html=header_html(doc), user_css=css, archive=archive)
    body = pymupdf.Story(html=body_html(doc, breaks), user_css=css, archive=archive)

    stranded = []

    def where_placed(pos):
        opened = pos.open_close & 1 and pos.id and pos.id not in breaks
        if opened and pos.rect[3] > pos.bottom - KEEP_WITH_NEXT:
            stranded.append(pos.id)

    buf = io.BytesIO()
    writer = pymupdf.DocumentWriter(buf)
    first = True
    more = True
    while more:
        dev = writer.begin_page(PAGE)
        where = BODY
        if first:
            more_hdr, filled = header.place(HEADER)
            if more_hdr:
                raise RuntimeError("header does not fit")
            header.draw(dev)
            where = pymupdf.Rect(BODY.x0, pymupdf.Rect(filled).y1 + 4, BODY.x1, BODY.y1)
            first = False
        more, _ = body.place(where)
        body.element_positions(where_placed, {"bottom": where.y1})
        body.draw(dev)
        writer.end_page()
    writer.close()
    return buf.getvalue(), (stranded[0] if stranded else None)


def number_pages(pdf: pymupdf.Document, fonts: Fonts) -> None:
    """Page numbers at the top centre, from page 2 on (as on Party documents)."""
    fontfile = str(fonts.directory / fonts.regular)
    font = pymupdf.Font(fontfile=fontfile)
    for page in pdf:
        if page.number == 0:
            continue
        label = str(page.number + 1)
        width = font.text_length(label, 13)
        page.insert_font(fontname="PageNo", fontfile=fontfile)
        page.insert_text(
            ((PAGE.width - width) / 2 + (BODY.x0 - (PAGE.width - BODY.x1)) / 2, 12 * MM),
            label, fontname="PageNo", fontsize=13,
        )


def finish(pdf: pymupdf.Document, doc: Doc) -> bytes:
    pdf.set_metadata({
        "title": doc.pdf_title,
        "author": AUTHOR,
        "subject": " ".join(doc.subject_lines),
        "keywords": doc.keywords,
        "creator": "agendas/tools/make_demo_pdfs.py",
        "producer": PRODUCER,
        "creationDate": CREATION_DATE,
        "modDate": CREATION_DATE,
    })
    pdf.set_language("vi-VN")
    if not doc.scan:
        pdf.subset_fonts()
    return pdf.tobytes(garbage=4, deflate=True, use_objstms=1, no_new_id=True, reproducible=True)


# --------------------------------------------------------------------------
# The "scan"
# --------------------------------------------------------------------------

SCAN_DPI = 150
SCAN_QUALITY = 60
INK = (24, 38, 112)        # blue-black ballpoint
STAMP_RED = (205, 32, 44)


def _paper(img: Image.Image, rng: random.Random) -> Image.Image:
    """Grey, slightly uneven paper and toner that is not quite black."""
    w, h = img.size
    base = rng.randint(232, 240)
    img = img.point(lambda v: int(38 + (v / 255) * (base - 38)))
    # A faint shading across the sheet, darker towards one edge (scanner lid).
    shade = Image.linear_gradient("L").rotate(90 if rng.random() < 0.5 else -90)
    shade = shade.resize((w, h), Image.BILINEAR).point(lambda v: 255 - int(v * 0.05))
    return ImageChops.multiply(img, shade)


def _noise(size: tuple[int, int], rng: random.Random, amount: float) -> Image.Image:
    w, h = size
    raw = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    return raw.point(lambda v: int(128 + (v - 128) * amount))


def _specks(img: Image.Image, rng: random.Random, count: int) -> None:
    draw = ImageDraw.Draw(img)
    w, h = img.size
    for _ in range(count):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.choice([0.6, 0.8, 1.0, 1.4])
        tone = rng.randint(90, 170)
        fill = tone if img.mode == "L" else (tone, tone, tone)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)


def _catmull_rom(points, steps=14):
    out = []
    pts = [points[0], *points, points[-1]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(tuple(
                0.5 * ((2 * p1[k]) + (-p0[k] + p2[k]) * t
                       + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                       + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3)
                for k in range(2)))
    out.append(points[-1])
    return out


def draw_signature(img: Image.Image, box: tuple[float, float, float, float],
                   rng: random.Random) -> None:
    """A ballpoint scribble inside box (x0, y0, x1, y1), in pixels."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    draw = ImageDraw.Draw(img)

    def P(fx, fy):
        return (x0 + fx * w + rng.uniform(-2, 2), y0 + fy * h + rng.uniform(-2, 2))

    strokes = [
        # a tall initial loop
        [P(0.05, 0.75), P(0.12, 0.2), P(0.2, 0.05), P(0.24, 0.35), P(0.14, 0.8),
         P(0.1, 0.6), P(0.3, 0.45)],
        # the running part of the name
        [P(0.28, 0.55), P(0.34, 0.35), P(0.38, 0.62), P(0.44, 0.3), P(0.48, 0.6),
         P(0.55, 0.28), P(0.58, 0.58), P(0.66, 0.32), P(0.7, 0.6), P(0.78, 0.25),
         P(0.82, 0.55)],
        # the flourish underneath
        [P(0.08, 0.88), P(0.35, 0.8), P(0.65, 0.86), P(0.95, 0.68)],
    ]
    for stroke in strokes:
        pts = _catmull_rom(stroke)
        for i in range(len(pts) - 1):
            width = 3 if 0.15 < i / len(pts) < 0.85 else 2
            draw.line([pts[i], pts[i + 1]], fill=INK, width=width)


def make_stamp(diameter: int, font_path: str, rng: random.Random) -> Image.Image:
    """A round Party-committee seal as an L mask (255 = full ink)."""
    size = diameter + 8
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    c = size / 2
    r_out = diameter / 2
    draw.ellipse([c - r_out, c - r_out, c + r_out, c + r_out], outline=255, width=6)
    r_in = r_out * 0.66
    draw.ellipse([c - r_in, c - r_in, c + r_in, c + r_in], outline=255, width=3)

    # Text around the ring, clockwise from the lower left.
    text = "ĐẢNG BỘ PHƯỜNG PHAN ĐÌNH PHÙNG"
    font = ImageFont.truetype(font_path, int(diameter * 0.105))
    r_text = (r_out + r_in) / 2
    span = 290.0
    start = 90 + (360 - span) / 2  # degrees, 0 = right, clockwise from the bottom
    # Spread the letters by their widths, not their count.
    widths = [font.getlength(ch) + font.size * 0.12 for ch in text]
    centres = [sum(widths[:i]) + widths[i] / 2 for i in range(len(text))]
    scale = span / (centres[-1] - centres[0])
    for ch, pos in zip(text, centres):
        if ch == " ":
            continue
        ang = math.radians(start + (pos - centres[0]) * scale)
        x, y = c + r_text * math.cos(ang), c + r_text * math.sin(ang)
        glyph = Image.new("L", (60, 60), 0)
        ImageDraw.Draw(glyph).text((30, 30), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-(math.degrees(ang) + 90), resample=Image.BICUBIC)
        mask.paste(255, (int(x - 30), int(y - 30)), glyph)

    # The centre: a star and the committee's name.
    star = []
    for k in range(10):
        rr = r_in * (0.36 if k % 2 == 0 else 0.15)
        a = math.radians(-90 + k * 36)
        star.append((c + rr * math.cos(a), c - r_in * 0.22 + rr * math.sin(a)))
    draw.polygon(star, fill=255)
    small = ImageFont.truetype(font_path, int(diameter * 0.1))
    draw.text((c, c + r_in * 0.42), "ĐẢNG ỦY", font=small, fill=255, anchor="mm")

    # Uneven ink: fade some areas, as a rubber stamp never inks evenly.
    blotch = Image.frombytes("L", (24, 24), rng.randbytes(24 * 24))
    blotch = blotch.resize((size, size), Image.BICUBIC).point(lambda v: 150 + int(v * 0.42))
    mask = ImageChops.multiply(mask, blotch)
    return mask.filter(ImageFilter.GaussianBlur(0.8)).rotate(rng.uniform(-15, 15),
                                                             resample=Image.BICUBIC)


def scan(pdf: pymupdf.Document, doc: Doc) -> pymupdf.Document:
    """Turn a laid-out document into an image-only 'scanned' PDF."""
    rng = random.Random(20261123)
    stamp_font = next((p for p in STAMP_FONT_CANDIDATES if Path(p).is_file()), None)
    if stamp_font is None:
        sys.exit("no sans font for the stamp (fonts-liberation2 or fonts-dejavu-core)")
    scale = SCAN_DPI / 72
    out = pymupdf.open()
    last = pdf.page_count - 1
    for page in pdf:
        pix = page.get_pixmap(dpi=SCAN_DPI, colorspace=pymupdf.csGRAY, alpha=False)
        img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        img = _paper(img, rng)
        if page.number == last:
            img = img.convert("RGB")
            sign_title = page.search_for(doc.sign_title)[-1]
            name = page.search_for(doc.signer)[-1]
            # Signature between the title line and the name.
            sx0 = (name.x0 - 10) * scale
            sx1 = (name.x1 + 6) * scale
            sy0 = (sign_title.y1 + 2) * scale
            sy1 = (name.y0 - 1) * scale
            draw_signature(img, (sx0, sy0, sx1, sy1), rng)
            # The seal overlaps the left third of the signature.
            diameter = int(36 * MM * scale)
            mask = make_stamp(diameter, stamp_font, rng)
            cx = sx0 + (sx1 - sx0) * 0.22
            cy = (sy0 + sy1) / 2
            ink = Image.new("RGB", mask.size, STAMP_RED)
            white = Image.new("RGB", mask.size, (255, 255, 255))
            colored = Image.composite(ink, white, mask)
            box = (int(cx - mask.size[0] / 2), int(cy - mask.size[1] / 2))
            region = img.crop((*box, box[0] + mask.size[0], box[1] + mask.size[1]))
            img.paste(ImageChops.multiply(region, colored), box)
        _specks(img, rng, rng.randint(25, 60))
        angle = rng.choice([-1, 1]) * rng.uniform(0.3, 1.0)
        fill = (236, 236, 234) if img.mode == "RGB" else 236
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=fill,
                         translate=(rng.randint(-6, 6), rng.randint(-4, 8)))
        noise = _noise(img.size, rng, 0.05)
        if img.mode == "RGB":
            noise = noise.convert("RGB")
        img = ImageChops.add(img, noise, scale=1.0, offset=-128)
        img = img.filter(ImageFilter.GaussianBlur(0.55))
        jpeg = io.BytesIO()
        img.save(jpeg, "JPEG", quality=SCAN_QUALITY, optimize=True, dpi=(SCAN_DPI, SCAN_DPI))
        new = out.new_page(width=PAGE.width, height=PAGE.height)
        new.insert_image(new.rect, stream=jpeg.getvalue())
    return out


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def source_words(doc: Doc) -> list[str]:
    """The words a reader should get back from the PDF, in NFC."""
    text = header_html(doc) + body_html(doc)
    text = re.sub(r"</?(b|i|u|span)( [^>]*)?>", "", text)  # inline: no word break
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text).replace("\xa0", " ")
    return unicodedata.normalize("NFC", text).split()


def check_text(doc: Doc, data: bytes) -> list[str]:
    """Every source word comes back from the PDF, exactly (PyMuPDF and pdftotext)."""
    problems = []
    want = collections.Counter(source_words(doc))
    extracted = {}
    pdf = pymupdf.open("pdf", data)
    extracted["pymupdf"] = "".join(p.get_text() for p in pdf)
    if shutil.which("pdftotext"):
        extracted["pdftotext"] = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
            capture_output=True, check=True).stdout.decode("utf-8")
    else:
        print("  (pdftotext not installed: checked with PyMuPDF only)")
    for tool, text in extracted.items():
        if unicodedata.normalize("NFC", text) != text:
            problems.append(f"{tool}: extracted text is not NFC")
        got = collections.Counter(text.split())
        missing = want - got
        if missing:
            problems.append(f"{tool}: missing or altered words: {sorted(missing)[:15]}")
    return problems


def check_scan(data: bytes) -> list[str]:
    problems = []
    pdf = pymupdf.open("pdf", data)
    for page in pdf:
        if page.get_text().strip():
            problems.append(f"page {page.number + 1} has a text layer")
        if len(page.get_images()) != 1:
            problems.append(f"page {page.number + 1} has {len(page.get_images())} images")
        if page.get_fonts():
            problems.append(f"page {page.number + 1} has fonts")
    return problems


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--font-dir", help="directory holding the serif TTFs to embed")
    ap.add_argument("--no-check", action="store_true", help="skip the text round-trip check")
    args = ap.parse_args()

    fonts = find_fonts(args.font_dir)
    print(f"font: {fonts.directory / fonts.regular}")
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    total = 0
    for doc in demo_texts.documents(Doc, table_html):
        pdf = layout(doc, fonts)
        if doc.scan:
            pdf = scan(pdf, doc)
        data = finish(pdf, doc)
        (args.out / doc.filename).write_bytes(data)
        total += len(data)
        pages = pymupdf.open("pdf", data).page_count
        print(f"{doc.filename}: {pages} pages, {len(data) / 1024:.0f} KiB")
        if not args.no_check:
            problems = check_scan(data) if doc.scan else check_text(doc, data)
            for p in problems:
                print(f"  PROBLEM: {p}")
            failed |= bool(problems)
    print(f"total: {total / 1024:.0f} KiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
