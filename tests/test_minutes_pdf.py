"""The minutes PDF: Party document layout, exact Vietnamese text, embedded font, flow over pages.

Everything is read back by poppler (pdftotext, pdffonts, pdfinfo, pdftoppm),
an independent reader, rather than by the PyMuPDF that wrote it.
"""

from __future__ import annotations

import hashlib
import html
import re
import subprocess
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pydantic
import pymupdf
import pytest

from meeting_server.minutes.document import (
    Actor,
    AgendaEntry,
    Attendee,
    DocumentRef,
    Issuer,
    MinutesDocument,
    OptionCount,
    Person,
    VoteQuorum,
    VoteRecord,
    option_label,
)
from meeting_server.minutes.pdf import long_date, percent, render_minutes_pdf
from tests.support import ROOT

VN = timezone(timedelta(hours=7))
MM = 72 / 25.4
SCREENSHOT = ROOT / "docs" / "screenshots" / "minutes-page1.png"

VOTE_RESULT = "Đồng ý: 9; Không đồng ý: 1; Không biểu quyết: 1"
CONCLUSION = (
    "Chi bộ thống nhất thông qua Nghị quyết lãnh đạo thực hiện nhiệm vụ tháng 12 năm 2026. "
    "Giao đồng chí Nguyễn Thị Hằng hoàn chỉnh văn bản, báo cáo Đảng ủy phường trước ngày 05/12/2026."
)
# Stacked diacritics, the letters most likely to come back decomposed or as the wrong glyph.
STACKED = "Đặng Ẫn Ửng Ỡm Ậm Ẩn Ặc Ỗi Ữa Ựa Ỵ Ỷ Ỹ Ặt ẫn ửa ỡ đặc"
SPECIAL = "Chỉ tiêu <b>in đậm</b> & \"trích dẫn\" 'đơn' <script>alert(1)</script> {{ 7*7 }} a<b & c>d"

MEMBERS = [
    ("Trần Đức Lương", "Bí thư Chi bộ"),
    ("Nguyễn Thị Hằng", "Phó Bí thư Chi bộ"),
    ("Lê Văn Bình", ""),
    ("Phạm Thị Ngọc Ánh", ""),
    ("Hoàng Quốc Việt", ""),
    ("Đỗ Thị Thu Hương", ""),
    ("Vũ Đình Khải", ""),
    ("Bùi Thị Mỹ Dung", ""),
    ("Đặng Hữu Phước", ""),
]


def minutes(status: str = "draft", *, extra_items: list[AgendaEntry] = (), attendees=None, **fields) -> MinutesDocument:
    """A realistic cell meeting: 11 members, 9 present (one online), 2 excused, one guest."""
    if attendees is None:
        attendees = [Attendee(name=name, position=position, status="present") for name, position in MEMBERS[:8]]
        attendees += [
            Attendee(name=MEMBERS[8][0], status="online"),
            Attendee(name="Ngô Thị Lệ Thủy", status="absent", reason="Đi công tác"),
            Attendee(name="Dương Văn Sỹ", status="absent", reason="Ốm"),
            Attendee(name="Tô Hạ Sỹ", position="Bí thư Đảng ủy phường", voting=False, status="present"),
        ]
    resolution = VoteRecord(
        title="Thông qua Nghị quyết tháng 12 năm 2026",
        rule="majority_of_members",
        eligible=11,
        cast=11,
        passed=True,
        results=[OptionCount(label=option_label(o), count=n) for o, n in (("yes", 9), ("no", 1), ("abstain", 1))],
    )
    admission = VoteRecord(
        title="Đề nghị kết nạp quần chúng Nguyễn Văn Ẩn vào Đảng",
        rule="two_thirds_of_members",
        secret=True,
        eligible=11,
        cast=9,
        passed=False,
        quorum=VoteQuorum(
            required=8, present=7, met=False, overridden=True, overridden_by=Actor(name="Lê Thị Thư", role="secretary")
        ),
        results=[
            OptionCount(label="Đồng ý", count=6),
            OptionCount(label="Không đồng ý", count=2),
            OptionCount(label="Không biểu quyết", count=1),
        ],
    )
    items = [
        AgendaEntry(
            title="Đánh giá kết quả thực hiện nhiệm vụ tháng 11, phương hướng tháng 12 năm 2026",
            documents=[
                DocumentRef(title="Báo cáo kết quả tháng 11", pages=5),
                DocumentRef(title="Dự thảo Nghị quyết tháng 12", pages=3),
            ],
            discussion=(
                "Đồng chí Lê Văn Bình đề nghị bổ sung chỉ tiêu về cải cách hành chính gắn với chuyển đổi số.\n\n"
                "Đồng chí Phạm Thị Ngọc Ánh đề nghị làm rõ kinh phí cho phòng họp không giấy."
            ),
            conclusion=CONCLUSION,
            votes=[resolution],
        ),
        AgendaEntry(
            title="Xét đề nghị kết nạp đảng viên",
            documents=[DocumentRef(title="Hồ sơ đề nghị kết nạp", pages=12)],
            discussion="Các đồng chí cho ý kiến về lý lịch và quá trình rèn luyện của quần chúng.",
            conclusion="Chưa đủ số phiếu; Chi bộ tiếp tục bồi dưỡng, xem xét vào kỳ sau.",
            votes=[admission],
        ),
        *extra_items,
    ]
    values = dict(
        status=status,
        issuer=Issuer(parent="Đảng bộ phường Phan Đình Phùng", name="Chi bộ Khu phố 3", number="12-BB/CB"),
        locality="Phường Phan Đình Phùng",
        date=date(2026, 11, 27),
        title="hội nghị Chi bộ thường kỳ tháng 11 năm 2026",
        location="Hội trường Đảng ủy phường Phan Đình Phùng",
        opened_at=datetime(2026, 11, 27, 8, 0, tzinfo=VN),
        closed_at=datetime(2026, 11, 27, 4, 30, tzinfo=UTC),  # 11:30 in Hà Nội
        chair=Person(name="Trần Đức Lương", position="Bí thư Chi bộ"),
        secretary=Person(name="Nguyễn Thị Hằng", position="Phó Bí thư Chi bộ"),
        attendees=attendees,
        items=items,
    )
    values.update(fields)
    return MinutesDocument(**values)


def long_items(count: int = 6) -> list[AgendaEntry]:
    paragraph = (
        "Đoạn {n}: các đồng chí thảo luận về việc nâng cao chất lượng sinh hoạt chi bộ, thực hiện nghiêm "
        "nguyên tắc tập trung dân chủ, tự phê bình và phê bình, giữ gìn đoàn kết nội bộ."
    )
    return [
        AgendaEntry(
            title=f"Nội dung bổ sung số {i}",
            discussion="\n".join(paragraph.format(n=f"{i}.{j}") for j in range(1, 5)),
            conclusion=f"Kết luận số {i}: Đảng ủy phường sẽ xem xét, chỉ đạo.",
        )
        for i in range(1, count + 1)
    ]


# poppler, run on the bytes


def poppler(tool: str, pdf: bytes, *args: str, tmp_path) -> str:
    path = tmp_path / f"minutes-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def flat(text: str) -> str:
    """Lines joined with single spaces: wrapped sentences compare whole."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    def find(self, phrase: str) -> list[Word]:
        """The words of each place where `phrase` stands on one line, first word of each."""
        parts = phrase.split()
        hits = []
        for i in range(len(self.words) - len(parts) + 1):
            run = self.words[i : i + len(parts)]
            if [w.text for w in run] == parts and len({round(w.y1) for w in run}) == 1:
                hits.append(Word(phrase, run[0].x0, run[0].y0, run[-1].x1, run[-1].y1))
        return hits

    def one(self, phrase: str) -> Word:
        hits = self.find(phrase)
        assert len(hits) == 1, (phrase, hits)
        return hits[0]


def boxes(pdf: bytes, tmp_path) -> list[Page]:
    out = poppler("pdftotext", pdf, "-bbox", tmp_path=tmp_path)
    pages = []
    for attrs, body in re.findall(r"<page ([^>]*)>(.*?)</page>", out, re.S):
        size = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        words = [
            Word(html.unescape(text), float(a), float(b), float(c), float(d))
            for a, b, c, d, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', body
            )
        ]
        pages.append(Page(float(size["width"]), float(size["height"]), words))
    return pages


@pytest.fixture(scope="module")
def draft() -> bytes:
    return render_minutes_pdf(minutes("draft"))


@pytest.fixture(scope="module")
def final() -> bytes:
    return render_minutes_pdf(minutes("final"))


@pytest.fixture(scope="module")
def long_pdf() -> bytes:
    return render_minutes_pdf(minutes("draft", extra_items=long_items()))


# Text


def test_vietnamese_text_reads_back_exactly(final, tmp_path):
    text = poppler("pdftotext", final, tmp_path=tmp_path)
    lines = [line.strip() for line in text.splitlines()]
    for line in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "BIÊN BẢN",
        "hội nghị Chi bộ thường kỳ tháng 11 năm 2026",
        "THƯ KÝ HỘI NGHỊ",
        "CHỦ TRÌ HỘI NGHỊ",
        "CHI BỘ KHU PHỐ 3",
        "Số 12-BB/CB",
        "Nguyễn Thị Hằng",
        "Trần Đức Lương",
        "*",
    ):
        assert line in lines, line
    whole = flat(text)
    for phrase in (
        "ĐẢNG BỘ PHƯỜNG PHAN ĐÌNH PHÙNG",
        "Phường Phan Đình Phùng, ngày 27 tháng 11 năm 2026",
        "- Thời gian: bắt đầu lúc 8 giờ 00 phút, ngày 27 tháng 11 năm 2026.",
        "- Địa điểm: Hội trường Đảng ủy phường Phan Đình Phùng.",
        "- Chủ trì: đồng chí Trần Đức Lương, Bí thư Chi bộ.",
        "- Thư ký: đồng chí Nguyễn Thị Hằng, Phó Bí thư Chi bộ.",
        "- Thành phần: Có mặt 9/11 đồng chí; vắng 2 (có lý do).",
        "đồng chí Đặng Hữu Phước (trực tuyến)",
        "+ Vắng: đồng chí Ngô Thị Lệ Thủy (Đi công tác); đồng chí Dương Văn Sỹ (Ốm).",
        "+ Khách mời: đồng chí Tô Hạ Sỹ, Bí thư Đảng ủy phường.",
        "1. Đánh giá kết quả thực hiện nhiệm vụ tháng 11, phương hướng tháng 12 năm 2026",
        "- Báo cáo kết quả tháng 11 (5 trang).",
        "Đồng chí Lê Văn Bình đề nghị bổ sung chỉ tiêu về cải cách hành chính gắn với chuyển đổi số.",
        f"- Kết quả: {VOTE_RESULT}.",
        "- Hình thức: biểu quyết công khai; nguyên tắc thông qua: quá nửa tổng số thành viên có quyền biểu quyết.",
        "- Số thành viên có quyền biểu quyết: 11; đã biểu quyết: 11.",
        "Nội dung được thông qua (Đồng ý: 9/11, đạt 81,8%).",
        CONCLUSION,
        "2. Xét đề nghị kết nạp đảng viên",
        "- Hình thức: bỏ phiếu kín; nguyên tắc thông qua: ít nhất hai phần ba tổng số thành viên có quyền biểu quyết.",
        "- Số thành viên có quyền biểu quyết: 11; đã biểu quyết: 9; không tham gia biểu quyết: 2.",
        "- Biểu quyết được tiến hành theo quyết định của đồng chí Lê Thị Thư (thư ký) khi chưa đủ số thành viên có mặt theo quy định (có mặt 7, cần tối thiểu 8).",
        "- Kết quả: Đồng ý: 6; Không đồng ý: 2; Không biểu quyết: 1.",
        "Nội dung không được thông qua (Đồng ý: 6/11, đạt 54,5%).",
        "Hội nghị kết thúc lúc 11 giờ 30 phút cùng ngày.",
    ):
        assert phrase in whole, phrase
    # What was written, and nothing the reader would have to repair: no ligatures, no loose accents.
    assert not re.search("[\ufb00-\ufb06]", text)
    assert not any(unicodedata.combining(c) for c in text)
    assert unicodedata.normalize("NFC", text) == text


def test_stacked_diacritics_come_back_identical_even_from_decomposed_input(tmp_path):
    decomposed = unicodedata.normalize("NFD", STACKED)
    assert decomposed != STACKED
    item = AgendaEntry(title="Kiểm tra dấu", discussion=STACKED, conclusion=decomposed)
    pdf = render_minutes_pdf(minutes("final", extra_items=[item], location=decomposed))
    for text in (poppler("pdftotext", pdf, tmp_path=tmp_path), poppler("pdftotext", pdf, "-layout", tmp_path=tmp_path)):
        whole = flat(text)
        assert whole.count(STACKED) == 3  # discussion, conclusion, location: all NFC now
        assert f"- Địa điểm: {STACKED}." in whole
        assert not any(unicodedata.combining(c) for c in text)


def test_words_of_a_line_share_its_baseline(long_pdf, tmp_path):
    """Words kept whole (nowrap spans) sit on the line like the rest: MuPDF shifts a span
    beside text put straight in a table cell, as "Số 12-BB/CB" once was."""
    out = poppler("pdftotext", long_pdf, "-bbox-layout", tmp_path=tmp_path)
    lines = re.findall(r"<line [^>]*>(.*?)</line>", out, re.S)
    assert len(lines) > 100
    for line in lines:
        bottoms = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', line)]
        assert max(bottoms) - min(bottoms) < 0.3, re.findall(r"<word [^>]*>(.*?)</word>", line)


def test_layout_reading_puts_issuer_left_and_party_right(final, tmp_path):
    pages = poppler("pdftotext", final, "-layout", tmp_path=tmp_path).split("\f")
    lines = pages[0].splitlines()
    header = next(line for line in lines if "ĐẢNG CỘNG SẢN VIỆT NAM" in line)
    assert re.search(r"ĐẢNG BỘ\s{3,}ĐẢNG CỘNG SẢN VIỆT NAM\s*$", header), header
    number = next(line for line in lines if "Số 12-BB/CB" in line)
    assert re.search(r"Số 12-BB/CB\s{3,}Phường Phan Đình Phùng,", number), number
    lines = pages[-2].splitlines()  # the last page (the text ends in a form feed)
    signatures = next(line for line in lines if "THƯ KÝ HỘI NGHỊ" in line)
    assert re.search(r"THƯ KÝ HỘI NGHỊ\s{3,}CHỦ TRÌ HỘI NGHỊ", signatures), signatures
    names = next(line for line in lines if "Trần Đức Lương" in line and "Nguyễn Thị Hằng" in line)
    assert re.search(r"^\s*Nguyễn Thị Hằng\s{3,}Trần Đức Lương\s*$", names), names


def test_user_text_prints_literally(tmp_path):
    item = AgendaEntry(title=f"Mục {SPECIAL}", discussion=f"{SPECIAL}\nDòng hai", conclusion=SPECIAL)
    pdf = render_minutes_pdf(minutes("final", extra_items=[item], title=f"hội nghị {SPECIAL}"))
    whole = flat(poppler("pdftotext", pdf, tmp_path=tmp_path))
    assert whole.count(SPECIAL) == 4  # subject, item title, discussion, conclusion
    assert "Dòng hai" in whole and "49" not in whole
    # The <b> was not taken for markup: those words are set in the regular face.
    with pymupdf.open("pdf", pdf) as doc:
        spans = [
            s
            for page in doc
            for b in page.get_text("dict")["blocks"]
            for line in b.get("lines", [])
            for s in line["spans"]
        ]
    paragraph = [s for s in spans if "<b>in đậm</b>" in s["text"] and "Bold" not in s["font"]]
    assert paragraph, "user text with <b> is drawn in bold or lost"


# Fonts, page, metadata


def test_font_is_embedded_liberation_serif_and_nothing_else(draft, tmp_path):
    rows = poppler("pdffonts", draft, tmp_path=tmp_path).splitlines()[2:]
    assert len(rows) == 4  # regular, bold, italic, bold italic
    for row in rows:
        assert "Liberation Serif" in row, row
        assert "Helvetica" not in row and "Times" not in row, row
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row  # embedded, subset, with a ToUnicode map
    assert len(draft) < 400_000  # subset: the four whole faces would be 1.5 MB


def test_pages_are_a4_with_metadata(long_pdf, final, tmp_path):
    info = poppler("pdfinfo", long_pdf, "-f", "1", "-l", "99", tmp_path=tmp_path)
    sizes = re.findall(r"Page\s+\d+ size:\s+(.*)", info)
    assert len(sizes) > 1 and set(sizes) == {"595 x 842 pts (A4)"}
    assert "Title:           Biên bản hội nghị Chi bộ thường kỳ tháng 11 năm 2026 (dự thảo)" in info
    assert re.search(r"^Creator:\s+meeting-server$", info, re.M)
    final_info = poppler("pdfinfo", final, tmp_path=tmp_path)
    assert re.search(r"^Title:\s+Biên bản hội nghị Chi bộ thường kỳ tháng 11 năm 2026$", final_info, re.M)


def test_margins_follow_the_format(long_pdf, tmp_path):
    pages = boxes(long_pdf, tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        mm = lambda points: points / MM  # noqa: E731
        # The top margin holds only the page number (from page 2) and the draft stamp.
        in_margin = [w.text for w in page.words if mm(w.y1) < 20]
        assert in_margin == ([str(number)] if number > 1 else []) + ["DỰ", "THẢO"], in_margin
        text = [w for w in page.words if mm(w.y1) >= 20]
        left = mm(min(w.x0 for w in text))
        right = mm(page.width - max(w.x1 for w in text))
        top = mm(min(w.y0 for w in text))
        bottom = mm(page.height - max(w.y1 for w in text))
        assert 30 <= left <= 35, (number, left)
        assert 15 <= right <= 20, (number, right)  # justified lines reach the margin
        assert 20 <= top <= 25, (number, top)
        assert bottom >= 20, (number, bottom)
        if number < len(pages):  # a full page runs down to its bottom margin
            assert bottom <= 25 + 3, (number, bottom)


def test_header_sits_top_left_and_top_right(draft, tmp_path):
    page = boxes(draft, tmp_path)[0]
    middle = page.width / 2
    party = page.one("ĐẢNG CỘNG SẢN VIỆT NAM")
    issuer = page.one("CHI BỘ KHU PHỐ 3")
    dateline = page.one("ngày 27 tháng 11 năm 2026")
    title = page.one("BIÊN BẢN")
    assert party.x0 > middle - 10 * MM and party.x1 > page.width - 25 * MM  # right column
    assert issuer.x1 < middle  # left column
    assert abs(party.y0 - page.one("ĐẢNG BỘ").y0) < 2  # both open the page
    # The body above, too long for one line, wraps by words as the Party format sets it:
    # the place-name whole on the second line, never "ĐẢNG BỘ PHƯỜNG PHAN ĐÌNH" / "PHÙNG".
    place = page.one("PHƯỜNG PHAN ĐÌNH PHÙNG")
    assert place.y0 > page.one("ĐẢNG BỘ").y0 + 5 and place.x1 < party.x0
    star = next(w for w in page.words if w.text == "*")
    assert issuer.y1 <= star.y0 and abs((star.x0 + star.x1) / 2 - (issuer.x0 + issuer.x1) / 2) < 3  # centred under it
    assert dateline.x0 > middle - 10 * MM and party.y1 < dateline.y0 < title.y0
    assert abs((title.x0 + title.x1) / 2 - (31 * MM + page.width - 16 * MM) / 2) < 2  # centred in the text area
    # Bold underlined party name, italic date line: the faces and the line as drawn.
    with pymupdf.open("pdf", draft) as doc:
        spans = [s for b in doc[0].get_text("dict")["blocks"] for line in b.get("lines", []) for s in line["spans"]]
        lines = [d["rect"] for d in doc[0].get_drawings() if d["rect"].height < 2 and d["rect"].width > 100]
    assert any(s["text"] == "ĐẢNG CỘNG SẢN VIỆT NAM" and s["font"].endswith("Bold") for s in spans)
    dateline_spans = [s for s in spans if s["text"] in ("Phường Phan Đình Phùng,", "ngày 27 tháng 11 năm 2026")]
    assert len(dateline_spans) == 2 and all(s["font"].endswith("Italic") for s in dateline_spans)
    # The underline: as long as the words, just below their baseline.
    baseline_zone = (party.y0 + 0.6 * (party.y1 - party.y0), party.y1 + 3)
    assert any(
        abs(r.x0 - party.x0) < 2 and abs(r.x1 - party.x1) < 2 and baseline_zone[0] < r.y0 < baseline_zone[1]
        for r in lines
    ), lines


def test_signatures_secretary_left_chair_right(final, tmp_path):
    page = boxes(final, tmp_path)[-1]
    secretary_title, chair_title = page.one("THƯ KÝ HỘI NGHỊ"), page.one("CHỦ TRÌ HỘI NGHỊ")
    assert secretary_title.x1 < page.width / 2 < chair_title.x0
    assert abs(secretary_title.y0 - chair_title.y0) < 1
    secretary_name = [w for w in page.find("Nguyễn Thị Hằng") if w.y0 > secretary_title.y1]
    chair_name = [w for w in page.find("Trần Đức Lương") if w.y0 > chair_title.y1]
    assert len(secretary_name) == len(chair_name) == 1
    assert secretary_name[0].x1 < page.width / 2 < chair_name[0].x0
    # Room to sign between title and name.
    assert secretary_name[0].y0 - secretary_title.y1 > 15 * MM


# Flow over pages


def test_long_minutes_flow_over_numbered_pages_losing_nothing(long_pdf, tmp_path):
    pages = boxes(long_pdf, tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages[1:], start=2):
        stamp = [w for w in page.words if w.text == str(number) and w.y1 < 20 * MM]
        centre = (31 * MM + page.width - 16 * MM) / 2  # of the text area
        assert len(stamp) == 1 and abs((stamp[0].x0 + stamp[0].x1) / 2 - centre) < 2  # top centre
    assert not [w for w in pages[0].words if w.text == "1" and w.y1 < 20 * MM]  # page 1 carries no number
    whole = flat(poppler("pdftotext", long_pdf, tmp_path=tmp_path))
    expected = [f"Đoạn {i}.{j}:" for i in range(1, 7) for j in range(1, 5)] + [f"Kết luận số {i}:" for i in range(1, 7)]
    for phrase in expected:
        assert whole.count(phrase) == 1, phrase
    positions = [whole.index(f"Nội dung bổ sung số {i}") for i in range(1, 7)]
    assert positions == sorted(positions)
    assert whole.index("Kết luận số 6:") < whole.index("Hội nghị kết thúc lúc") < whole.index("THƯ KÝ HỘI NGHỊ")


def test_words_with_hyphens_and_slashes_are_never_split_across_lines(tmp_path):
    """MuPDF may wrap after "-" or "/", and pdftotext joins a line ending in "-" without it
    ("Mác-\nLênin" reads "MácLênin"): words must wrap at spaces only."""
    sentence = "Học tập chủ nghĩa Mác-Lênin, Nghị quyết số 05-NQ/TW, Kết luận 21-KL/TW và tài-liệu/hồ-sơ (đợt I-II)!"
    item = AgendaEntry(title="Học tập", discussion=" ".join([sentence] * 25))
    pdf = render_minutes_pdf(minutes("final", extra_items=[item]))
    text = poppler("pdftotext", pdf, tmp_path=tmp_path)
    words = text.split()
    for word in ("Mác-Lênin,", "05-NQ/TW,", "21-KL/TW", "tài-liệu/hồ-sơ", "I-II)!"):
        assert words.count(word) == 25, (word, words.count(word))
    assert "MácLênin" not in text


def test_a_long_unbroken_run_wraps_inside_the_margins(tmp_path):
    url = "https://hoso.phanđinhphung.vn/" + "tài-liệu_" * 40 + "cuối.pdf"
    pdf = render_minutes_pdf(
        minutes("final", extra_items=[AgendaEntry(title="Đường dẫn", discussion=f"Xem {url} nhé")])
    )
    for page in boxes(pdf, tmp_path):
        assert max(w.x1 for w in page.words) <= page.width - 15 * MM
    text = poppler("pdftotext", pdf, tmp_path=tmp_path)
    assert "\u200b" not in text  # the break points print nothing and read back as nothing
    # The run may cross a page: drop the page break and the next page's number at its top.
    text = re.sub(r"\n*\x0c\d*\n", "\n", text)
    run = re.search(r"Xem\s(.*?)\snhé", text, re.S).group(1)
    assert "\n" in run and re.sub(r"\n", "", run) == url  # wrapped, and only line breaks were added


def test_signature_block_is_never_torn_across_pages():
    """Push the end of the text down a line at a time through a page: the closing line and both
    signatures always share one page, and somewhere they had to move to a fresh page whole."""
    moved = 0
    for lines in range(0, 36):
        filler = AgendaEntry(title="Ý kiến bổ sung", discussion="\n".join(f"Ý kiến số {n}." for n in range(lines)))
        pdf = render_minutes_pdf(minutes("final", extra_items=[filler]))
        with pymupdf.open("pdf", pdf) as doc:
            found = {
                phrase: [(page.number, rect.y0) for page in doc for rect in page.search_for(phrase)]
                for phrase in ("Hội nghị kết thúc lúc", "THƯ KÝ HỘI NGHỊ", "CHỦ TRÌ HỘI NGHỊ")
            }
            last = doc.page_count - 1
            title_y = found["THƯ KÝ HỘI NGHỊ"][0][1]
            names = [
                (page.number, rect.y0)
                for page in doc
                for rect in page.search_for("Trần Đức Lương")
                if rect.y0 > title_y
            ]
        assert all(len(hits) == 1 and hits[0][0] == last for hits in found.values()), (lines, found)
        assert [n for n, _ in names if n == last], (lines, names)
        if found["Hội nghị kết thúc lúc"][0][1] < 35 * MM:
            moved += 1
    assert moved, "the tail never had to start a new page: widen the range"


# Draft and final


def test_draft_is_marked_on_every_page_and_final_nowhere(long_pdf, final, tmp_path):
    for page in boxes(long_pdf, tmp_path):
        stamp = page.one("DỰ THẢO")
        assert stamp.y1 < 20 * MM and stamp.x0 > page.width / 2
    final_text = poppler("pdftotext", final, tmp_path=tmp_path)
    assert "DỰ THẢO" not in final_text and "dự thảo" not in poppler("pdfinfo", final, tmp_path=tmp_path)


def test_fingerprint_printed_under_the_signatures(tmp_path):
    digest = hashlib.sha256("biên bản".encode()).hexdigest()
    page = boxes(render_minutes_pdf(minutes("final", fingerprint=digest)), tmp_path)[-1]
    line = page.one(f"Mã kiểm tra (SHA-256): {digest}")
    assert line.y0 > page.one("CHỦ TRÌ HỘI NGHỊ").y1 and line.y0 > page.find("Trần Đức Lương")[-1].y1
    assert "SHA-256" not in poppler("pdftotext", render_minutes_pdf(minutes("final")), tmp_path=tmp_path)
    with pytest.raises(pydantic.ValidationError):
        minutes(fingerprint="not-a-digest")


def test_same_minutes_same_bytes():
    assert render_minutes_pdf(minutes("final")) == render_minutes_pdf(minutes("final"))


# Wording


def test_attendance_wording_counts_members_only():
    def counts_line(attendees):
        pdf = render_minutes_pdf(minutes("final", attendees=attendees))
        with pymupdf.open("pdf", pdf) as doc:
            text = flat(" ".join(page.get_text() for page in doc))
        return re.search(r"- Thành phần: [^.]*\.", text).group(0)

    people = [Attendee(name=f"Đồng chí {n}", status="present") for n in "ABC"]
    assert counts_line(people) == "- Thành phần: Có mặt 3/3 đồng chí."
    people += [
        Attendee(name="Khách", voting=False, status="present"),
        Attendee(name="Khách vắng", voting=False, status="absent"),
    ]
    assert counts_line(people) == "- Thành phần: Có mặt 3/3 đồng chí."
    people += [Attendee(name="D", status="absent", reason="Ốm"), Attendee(name="E", status="absent")]
    assert counts_line(people) == "- Thành phần: Có mặt 3/5 đồng chí; vắng 2 (1 có lý do, 1 không có lý do)."
    assert (
        counts_line([*people[:3], Attendee(name="E", status="absent")])
        == "- Thành phần: Có mặt 3/4 đồng chí; vắng 1 (không có lý do)."
    )


def test_dates_and_numbers_the_vietnamese_way():
    assert long_date(date(2026, 11, 27)) == "ngày 27 tháng 11 năm 2026"
    assert long_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"
    assert long_date(date(2026, 2, 28)) == "ngày 28 tháng 02 năm 2026"
    assert long_date(date(2026, 3, 9)) == "ngày 09 tháng 3 năm 2026"
    assert percent(9, 11) == "81,8%" and percent(2, 2) == "100%" and percent(1, 3) == "33,3%"
    assert (
        option_label("yes") == "Đồng ý"
        and option_label("abstain") == "Không biểu quyết"
        and option_label("Phương án A") == "Phương án A"
    )


def test_closing_on_another_day_names_the_day(tmp_path):
    pdf = render_minutes_pdf(minutes("final", closed_at=datetime(2026, 11, 28, 9, 5, tzinfo=VN)))
    assert "Hội nghị kết thúc lúc 9 giờ 05 phút, ngày 28 tháng 11 năm 2026." in flat(
        poppler("pdftotext", pdf, tmp_path=tmp_path)
    )
    still_open = flat(poppler("pdftotext", render_minutes_pdf(minutes("draft", closed_at=None)), tmp_path=tmp_path))
    assert "kết thúc" not in still_open and "THƯ KÝ HỘI NGHỊ" in still_open


def test_document_model_refuses_what_it_cannot_print():
    with pytest.raises(pydantic.ValidationError):
        minutes(timezone="Mars/Olympus")
    with pytest.raises(pydantic.ValidationError):
        minutes(opened_at=datetime(2026, 11, 27, 8, 0))  # naive: which 8 o'clock?
    with pytest.raises(pydantic.ValidationError):
        Person(name="Nguyễn Thị Hằng", chuc_vu="Thư ký")  # a misspelt field fails, it does not vanish
    with pytest.raises(pydantic.ValidationError):
        Person(name="  \n ")
    cleaned = AgendaEntry(title="  Mục\tmột\x00 ", discussion="a\r\n\r\n  b  \x07c\n")
    assert cleaned.title == "Mục một" and cleaned.discussion == "a\nb c"


# The picture in the docs


def test_screenshot_of_page_one(final, tmp_path):
    """docs/screenshots/minutes-page1.png: what a printed final minutes' first page looks like."""
    path = tmp_path / "final.pdf"
    path.write_bytes(final)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(path),
            str(SCREENSHOT.with_suffix("")),
        ],
        check=True,
        timeout=60,
    )
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
