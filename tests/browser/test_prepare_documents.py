"""The secretary prepares an agenda item's documents on /meetings/{id}/prepare
(components/document-manager.js): drops three PDFs at once, sees a progress
row for each and then three documents titled from the PDFs themselves,
renames one inline, replaces one with a new version and withdraws one.
On an iPad in landscape (touch) and on a 1366×768 laptop."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import device_options, login_in_browser
from tests.browser.office_steps import drop_files, pdf
from tests.conftest import World

SHOTS = Path("/tmp/shots/documents")


@pytest.fixture(params=["ipad", "laptop"])
def secretary_page(request, playwright_instance, chromium, server, world: World):
    options = (
        device_options(playwright_instance) if request.param == "ipad" else {"viewport": {"width": 1366, "height": 768}}
    )
    context = chromium.new_context(**options, base_url=server.base_url)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    login_in_browser(page, world.secretary.user["username"], f"/meetings/{world.meeting_id}/prepare")
    page.device = request.param
    yield page
    context.close()


def test_drop_three_pdfs_rename_replace_withdraw(secretary_page, world: World, tmp_path):
    page = secretary_page
    item = world.secretary.ok(
        "POST", f"/api/meetings/{world.meeting_id}/agenda", 201, json={"title": "Dự thảo văn kiện"}
    )
    page.reload()
    manager = page.locator(
        f'[data-testid="prepare-item"][data-item-id="{item["id"]}"] [data-testid="document-manager"]'
    )
    manager.wait_for()
    assert manager.get_by_test_id("document-empty").is_visible()
    files = [
        pdf(tmp_path / "bao-cao-ket-qua-nhiem-vu-2026.pdf"),
        pdf(tmp_path / "scan0001.pdf", title="Microsoft Word - tt.doc", heading="To trinh ve cong tac can bo"),
        pdf(tmp_path / "du-thao.pdf", title="Du thao Nghi quyet Dai hoi", pages=3),
    ]
    drop_files(page, manager.get_by_test_id("document-drop"), files)

    # One progress row per file at once, each with its own bar, then three documents.
    rows = manager.get_by_test_id("upload-row")
    assert rows.count() == 3
    assert manager.locator('[data-testid="upload-row"] [role="progressbar"]').count() == 3
    assert sorted(rows.get_by_test_id("upload-name").all_inner_texts()) == sorted(p.name for p in files)
    manager.locator('[data-testid="upload-row"][data-state="done"]').nth(2).wait_for(timeout=30_000)
    titles = manager.get_by_test_id("document-title")
    assert sorted(titles.all_inner_texts()) == [
        "Bao cao ket qua nhiem vu 2026",  # the file name made readable, never the slug
        "Du thao Nghi quyet Dai hoi",  # the PDF's own title
        "To trinh ve cong tac can bo",  # its first heading: the metadata title was Word's
    ]
    if page.device == "ipad":
        SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"prepare-documents-{page.device}.png"), full_page=True)

    # Rename one inline.
    row = manager.locator('[data-testid="document-row"]', has_text="Bao cao ket qua nhiem vu 2026")
    renamed_id = int(row.get_attribute("data-document-id"))
    row.get_by_test_id("document-rename").click()
    field = manager.get_by_test_id("document-title-input")
    assert field.input_value() == "Bao cao ket qua nhiem vu 2026"
    field.fill("Báo cáo kết quả thực hiện nhiệm vụ năm 2026")
    page.screenshot(path=str(SHOTS / f"prepare-documents-rename-{page.device}.png"))
    field.press("Enter")
    manager.get_by_test_id("document-title").filter(has_text="Báo cáo kết quả thực hiện nhiệm vụ năm 2026").wait_for()
    assert (
        world.member.ok("GET", f"/api/documents/{renamed_id}")["title"] == "Báo cáo kết quả thực hiện nhiệm vụ năm 2026"
    )

    # Replace one with a new version: it keeps its place and title, version 2, the old one linked.
    draft = manager.locator('[data-testid="document-row"]', has_text="Du thao Nghi quyet Dai hoi")
    draft_id = int(draft.get_attribute("data-document-id"))
    draft.get_by_test_id("document-replace-input").set_input_files(str(pdf(tmp_path / "du-thao-v2.pdf", pages=4)))
    replaced = manager.locator('[data-testid="document-row"]', has_text="Du thao Nghi quyet Dai hoi")
    replaced.get_by_test_id("document-version").filter(has_text="2").wait_for(timeout=30_000)
    assert replaced.get_by_test_id("document-old-version").get_attribute("href") == f"/api/documents/{draft_id}/file"

    # Withdraw one, after the confirmation.
    heading_row = manager.locator('[data-testid="document-row"]', has_text="To trinh ve cong tac can bo")
    withdrawn_id = int(heading_row.get_attribute("data-document-id"))
    heading_row.get_by_test_id("document-withdraw").click()
    page.get_by_test_id("withdraw-document-confirm").click()
    heading_row.wait_for(state="detached")
    meeting = world.member.ok("GET", f"/api/meetings/{world.meeting_id}")
    on_agenda = {d["id"] for i in meeting["agenda"] for d in i["documents"]}
    assert withdrawn_id not in on_agenda and renamed_id in on_agenda and draft_id not in on_agenda
    assert world.member.ok("GET", f"/api/documents/{withdrawn_id}")["withdrawn_at"]

    # A broken file is refused on its own row, in Vietnamese, and the others carry on.
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 64)
    drop_files(page, manager.get_by_test_id("document-drop"), [broken])
    error = manager.locator('[data-testid="upload-row"][data-state="error"]')
    error.wait_for(timeout=30_000)
    assert "Không mở được tệp PDF" in error.get_by_test_id("upload-status").inner_text()
    assert manager.get_by_test_id("document-row").count() == 2
    assert page.errors == []
