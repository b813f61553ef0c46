"""Search: diacritics-blind, over document text, never beyond what the caller may see."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

import meeting_server
from meeting_server.search.fold import fold, query_terms
from tests.conftest import new_user

# The font the package ships for the minutes: no system font needed.
FONT = Path(meeting_server.__file__).parent / "fonts" / "LiberationSerif-Regular.ttf"

PAGE_TWO = (
    "Biên bản hội nghị Ban Chấp hành Đảng bộ phường lần thứ 12. "
    "Đảng ủy thống nhất thông qua kế hoạch chuyển đổi số năm 2027."
)


def vietnamese_pdf(path: Path, pages: list[str]) -> Path:
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="serif", fontfile=str(FONT))
        page.insert_textbox(pymupdf.Rect(72, 72, 523, 770), text, fontname="serif", fontsize=13)
    doc.save(path)
    return path


@pytest.fixture
def indexed(world, tmp_path):
    pdf = vietnamese_pdf(tmp_path / "nghi-quyet.pdf", ["Trang mở đầu.", PAGE_TWO])
    response = world.upload(pdf, title="Dự thảo Nghị quyết")
    assert response.status_code == 201, response.text
    return response.json()


def hits(api, q, **params):
    return api.ok("GET", "/api/search", params={"q": q, **params})["hits"]


def test_fold_keeps_offsets_and_strips_every_vietnamese_mark():
    text = "Biên bản ĐẢNG ỦY Phường Bến Nghé: ặ ẫ ử ỡ đ"
    assert fold(text) == "bien ban dang uy phuong ben nghe: a a u o d"
    assert len(fold(text)) == len(text)
    assert query_terms("  Biên-bản, biên  ") == ["bien", "ban"]


@pytest.mark.parametrize("query", ["bien ban", "Biên bản", "BIEN BAN", "dang uy", "Đảng ủy", "chuyen doi so"])
def test_search_ignores_diacritics_and_case(world, indexed, query):
    # (The world's own document says "Bien ban cuoc hop" on every page.)
    found = [h for h in hits(world.member, query, meeting_id=world.meeting_id) if h["id"] == indexed["id"]]
    assert [(h["kind"], h["page"]) for h in found] == [("document", 2)]
    hit = found[0]
    assert hit["meeting_id"] == world.meeting_id
    assert hit["title"] == "Dự thảo Nghị quyết"
    # The snippet is the original text, diacritics intact.
    assert "Đảng ủy thống nhất" in hit["snippet"] or "Biên bản hội nghị" in hit["snippet"]


def test_d_finds_the_stroked_d(world, indexed):
    assert hits(world.member, "dang bo phuong", meeting_id=world.meeting_id)
    assert hits(world.member, "đang bo phuong", meeting_id=world.meeting_id)


def test_title_is_searchable_and_all_terms_must_occur(world, indexed):
    assert {h["page"] for h in hits(world.member, "du thao nghi quyet", meeting_id=world.meeting_id)} == {1, 2}
    assert hits(world.member, "bien ban khongcotu") == []


def test_search_never_shows_a_meeting_the_caller_is_not_in(world, indexed, admin, cast):
    here = {"meeting_id": world.meeting_id}
    assert hits(world.outsider, "bien ban", **here) == []
    archivist = new_user(admin, "archivist")
    assert hits(archivist, "bien ban", **here) == []  # open meeting: not yet the archivist's
    assert hits(admin, "bien ban", **here)
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    assert {h["id"] for h in hits(archivist, "dang uy", **here)} == {indexed["id"]}
    assert hits(world.outsider, "bien ban", **here) == []
    # Without the filter too: nothing of a meeting the outsider is not in.
    assert all(h["meeting_id"] != world.meeting_id for h in hits(world.outsider, "bien ban"))


def test_filters_by_meeting_year_and_closed(world, indexed):
    mine = {"meeting_id": world.meeting_id}
    assert hits(world.member, "dang uy", **mine)
    assert hits(world.member, "dang uy", meeting_id=world.meeting_id + 10_000) == []
    assert hits(world.member, "dang uy", year=2026, **mine)
    assert hits(world.member, "dang uy", year=2019, **mine) == []
    assert hits(world.member, "dang uy", closed="true", **mine) == []
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/close")
    assert hits(world.member, "dang uy", closed="true", **mine)


def test_a_hit_dates_its_meeting_by_the_day_it_was_held(world, indexed):
    """The archive's hits say the day the meeting was held, as its card and minutes do,
    not the day it was scheduled for; its scheduled time only while it never opened."""
    found = hits(world.member, "dang uy", meeting_id=world.meeting_id)[0]
    assert found["meeting_held_on"] is None and found["meeting_timezone"] == "Asia/Ho_Chi_Minh"
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open", json={"confirm_date": True})
    meeting = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    held = meeting["held_on"]
    assert held is not None and held != meeting["starts_at"][:10]
    assert hits(world.member, "dang uy", meeting_id=world.meeting_id)[0]["meeting_held_on"] == held


@pytest.mark.parametrize(
    "query", ['"', "*", 'bien" OR ban', "NEAR(bien ban)", "ban*", "-bien", "a:b", "(((", "đ" * 300]
)
def test_odd_queries_answer_cleanly(world, indexed, query):
    response = world.member.get("/api/search", params={"q": query})
    assert response.status_code in (200, 400, 422), response.text
    if response.status_code != 200:
        assert response.json()["error"]["code"] == "invalid"


def test_an_empty_query_is_invalid(world):
    for q in ("", "   ", "?!"):
        response = world.member.get("/api/search", params={"q": q})
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid"


def test_search_needs_a_login(server):
    import httpx

    response = httpx.get(f"{server.base_url}/api/search", params={"q": "bien"})
    assert response.status_code == 401


def test_the_words_as_a_phrase_come_first(world, tmp_path):
    scattered = vietnamese_pdf(tmp_path / "a.pdf", ["Kế hoạch có nhiều bản nháp; cuối cùng là bảng biên chế."])
    together = vietnamese_pdf(tmp_path / "b.pdf", ["Đây là biên bản hội nghị."])
    ids = [world.upload(pdf, title=name).json()["id"] for pdf, name in ((scattered, "Rời"), (together, "Liền"))]
    order = [h["id"] for h in hits(world.member, "bien ban", meeting_id=world.meeting_id) if h["id"] in ids]
    assert order == [ids[1], ids[0]]


def test_the_snippet_shows_the_phrase_where_it_stands(world, tmp_path):
    text = "Đảng viên dự họp đầy đủ. " * 12 + "Giao Văn phòng Đảng ủy tổng hợp ý kiến."
    pdf = vietnamese_pdf(tmp_path / "c.pdf", [text])
    doc = world.upload(pdf, title="Thông báo").json()
    [hit] = [h for h in hits(world.member, "van phong dang uy", meeting_id=world.meeting_id) if h["id"] == doc["id"]]
    assert "Văn phòng Đảng ủy" in hit["snippet"]
