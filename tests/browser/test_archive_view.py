"""The archivist's view of the demo meeting once it is closed and its minutes
final: the list, a search typed without diacritics, the details, the export.
Also writes docs/screenshots/archive.png."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.browser.conftest import device_options, login_in_browser
from tests.support import ROOT

SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def closed_demo(demo):
    secretary = demo.login("thuky")
    meeting = secretary.ok("GET", "/api/meetings")[0]
    mid = meeting["id"]
    secretary.ok("POST", f"/api/meetings/{mid}/open")
    first = secretary.ok("GET", f"/api/meetings/{mid}")["agenda"][0]
    secretary.ok(
        "PUT",
        f"/api/meetings/{mid}/minutes/items/{first['id']}",
        json={
            "base_version": 0,
            "discussion": "Các đồng chí thống nhất với đánh giá kết quả năm 2026.",
            "conclusion": "Hội nghị thông qua Báo cáo và giao Văn phòng Đảng ủy hoàn thiện.",
        },
    )
    secretary.ok("POST", f"/api/meetings/{mid}/close")
    secretary.ok("POST", f"/api/meetings/{mid}/minutes/finalize")
    return demo, meeting


def test_archivist_searches_opens_and_exports(playwright_instance, chromium, closed_demo):
    server, meeting = closed_demo
    device = device_options(playwright_instance)
    context = chromium.new_context(**device, base_url=server.base_url, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login_in_browser(page, "luutru", "/archive", server.password("luutru"))

        card = page.locator(f'[data-testid="archive-meeting"][data-meeting-id="{meeting["id"]}"]')
        card.wait_for()
        assert meeting["title"] in card.inner_text()
        # Filters: a title typed without diacritics keeps it, another year hides it.
        page.get_by_test_id("archive-title").fill("ban chap hanh")
        page.wait_for_timeout(400)
        assert card.is_visible()
        page.get_by_test_id("archive-year").select_option("2026")
        card.wait_for()

        # Search without diacritics: hits in documents and in the minutes, words marked.
        page.get_by_test_id("archive-search").fill("van phong dang uy")
        page.get_by_test_id("archive-search-submit").click()
        page.locator('[data-testid="hit-list"][aria-busy="false"]').wait_for()
        kinds = set(page.locator('[data-testid="hit"]').evaluate_all("els => els.map(e => e.dataset.kind)"))
        assert kinds == {"document", "minutes"}
        marks = page.locator('[data-testid="hit"] mark').all_inner_texts()
        assert {"Văn", "phòng", "Đảng", "ủy"} <= set(marks)

        card.get_by_test_id("archive-toggle").click()
        details = card.get_by_test_id("archive-details")
        details.locator("h3").first.wait_for()
        assert details.get_by_test_id("archive-document").count() == 4
        # Each hit is dated as its card is: by the day the meeting was held.
        held = card.get_by_test_id("archive-held-on").inner_text()
        assert all(line.endswith(f" · {held}") for line in page.locator(".hit-meeting").all_inner_texts())
        page.evaluate("document.fonts.ready")
        # The header is sticky: from the top, a full-page shot shows it once, at the top.
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "archive.png", full_page=True)

        with page.expect_download() as download:
            card.get_by_test_id("archive-export").click()
        data = open(download.value.path(), "rb").read()
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
        assert {"manifest.json", "minutes.pdf", "minutes.json", "audit.jsonl", "attendance.csv"} <= set(names)
        assert sum(name.startswith("documents/") for name in names) == 4
        assert errors == []
    finally:
        context.close()
