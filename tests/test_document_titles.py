"""A document's default title: the PDF's own title, else its first heading,
else its file name made readable; never a file-name slug. Uploaded to the
real server, as the secretary's browser does."""

from __future__ import annotations

import io
from pathlib import Path

import pymupdf
from PIL import Image

from meeting_server.documents.titles import readable_file_name, real_title
from tests.conftest import World


def pdf(
    path: Path,
    *,
    metadata_title: str | None = None,
    heading: str | None = None,
    heading_size: float = 20,
    body: str = "Noi dung bao cao chi tiet cua van phong dang uy phuong.",
    lines: int = 12,
    image_only: bool = False,
) -> Path:
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    if image_only:
        image = Image.new("RGB", (300, 420), (245, 245, 240))
        data = io.BytesIO()
        image.save(data, "PNG")
        page.insert_image(page.rect, stream=data.getvalue())
    else:
        page.insert_text((72, 60), "DANG BO PHUONG BEN NGHE", fontname="helv", fontsize=11)
        y = 90
        if heading:
            for part in heading.split("\n"):
                page.insert_text((72, y + heading_size), part, fontname="hebo", fontsize=heading_size)
                y += heading_size * 1.3
        for n in range(lines):
            page.insert_text((72, y + 40 + 16 * n), f"{body} Dong {n + 1}.", fontname="helv", fontsize=11)
    if metadata_title is not None:
        doc.set_metadata({"title": metadata_title})
    doc.save(path)
    doc.close()
    return path


def uploaded_title(world: World, path: Path, title: str | None = None) -> str:
    response = world.upload(path, title=title)
    assert response.status_code == 201, response.text
    return response.json()["title"]


def test_the_pdfs_own_title_comes_first(world: World, tmp_path):
    path = pdf(tmp_path / "bc-2026.pdf", metadata_title="Bao cao ket qua nhiem vu nam 2026", heading="BAO CAO")
    assert uploaded_title(world, path) == "Bao cao ket qua nhiem vu nam 2026"
    # What the uploader types wins over everything.
    assert uploaded_title(world, path, title="Báo cáo số 12") == "Báo cáo số 12"


def test_a_program_made_title_gives_way_to_the_first_heading(world: World, tmp_path):
    for junk in ("Microsoft Word - bc-2026.doc", "Untitled", "Document1", "bao-cao-ket-qua", "bc-2026"):
        path = pdf(tmp_path / "bc-2026.pdf", metadata_title=junk, heading="Bao cao tong ket cong tac nam")
        assert uploaded_title(world, path) == "Bao cao tong ket cong tac nam", junk


def test_a_heading_on_two_lines_is_one_title(world: World, tmp_path):
    path = pdf(tmp_path / "x.pdf", heading="Nghi quyet\nve nhiem vu trong tam 2027")
    assert uploaded_title(world, path) == "Nghi quyet ve nhiem vu trong tam 2027"


def test_a_long_heading_is_cut_at_a_word(world: World, tmp_path):
    lines = [" ".join(f"phan{row}{n}" for n in range(8)) for row in range(4)]  # 4 lines of 55 characters
    path = pdf(tmp_path / "x.pdf", heading="\n".join(lines), heading_size=14)
    title = uploaded_title(world, path)
    assert title.startswith("phan00 phan01") and title.endswith("…") and len(title) <= 161, title
    assert title[:-1].split()[-1] in " ".join(lines).split()  # whole words only


def test_without_title_or_heading_the_file_name_made_readable(world: World, tmp_path):
    # One size all over the page: no heading to take.
    flat = pdf(tmp_path / "bao-cao-ket-qua-nhiem-vu-2026.pdf")
    assert uploaded_title(world, flat) == "Bao cao ket qua nhiem vu 2026"
    scan = pdf(tmp_path / "to_trinh__dai-hoi.pdf", image_only=True, metadata_title="scan0001")
    assert uploaded_title(world, scan) == "To trinh dai hoi"


def test_real_title_and_readable_file_name_rules():
    assert real_title("Báo cáo chính trị", "bc.pdf") == "Báo cáo chính trị"
    assert real_title("Microsoft Word - Bao cao.docx", "x.pdf") == ""
    assert real_title("untitled", "x.pdf") == ""
    assert real_title("Bao cao quy 4", "Báo cáo quý 4.pdf") == ""  # the file name again
    assert real_title("C:\\Users\\vp\\bc.doc") == ""
    assert real_title("12") == ""
    assert readable_file_name("bao-cao-ket-qua-nhiem-vu-2026.pdf") == "Bao cao ket qua nhiem vu 2026"
    assert readable_file_name("Báo cáo quý 4.pdf") == "Báo cáo quý 4"
    assert readable_file_name(".pdf") == "Tài liệu"
