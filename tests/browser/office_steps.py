"""Browser steps of the office's work that several tests take: accounts and bodies made
by the admin on /admin/users and /admin/bodies, a first login that must change its
password, an agenda built and documents uploaded on /meetings/{id}/prepare.

Every step goes through the page, as a person would; none calls the API."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pymupdf
from playwright.sync_api import expect

ROOT = Path(__file__).parents[2]
DOCS_SHOTS = ROOT / "docs" / "screenshots"
VI = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}

# A ward's standing committee, as its CSV lists it: name and position.
COMMITTEE = [
    ("Nguyễn Văn Hùng", "Bí thư"),
    ("Trần Thị Thu Hà", "Phó Bí thư"),
    ("Lê Quang Đạo", "Ủy viên"),
    ("Phạm Thị Ngọc Ánh", "Ủy viên"),
    ("Hoàng Đức Thắng", "Ủy viên"),
    ("Vũ Thị Hồng Nhung", "Ủy viên"),
    ("Đặng Văn Lộc", "Ủy viên"),
    ("Bùi Thị Yến", "Ủy viên"),
    ("Ngô Minh Tuấn", "Ủy viên"),
]


def spreadsheet_csv(path: Path, header: str, rows: list[tuple[str, ...]]) -> Path:
    """A spreadsheet's "CSV UTF-8": a BOM first, CRLF line ends, every cell quoted."""
    lines = [header, *(",".join(f'"{cell}"' for cell in row) for row in rows)]
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def pdf(path: Path, *, title: str | None = None, heading: str | None = None, pages: int = 2) -> Path:
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        if heading and number == 1:
            page.insert_text((72, 110), heading, fontname="hebo", fontsize=20)
        for line in range(10):
            page.insert_text((72, 160 + 16 * line), f"Noi dung trang {number} dong {line + 1}", fontsize=11)
    if title:
        doc.set_metadata({"title": title})
    doc.save(path)
    doc.close()
    return path


def drop_files(page, target, paths: list[Path]) -> None:
    """Drop files on `target` as a person dragging them from the Finder does: dragenter, dragover, drop."""
    files = [{"name": p.name, "b64": base64.b64encode(p.read_bytes()).decode()} for p in paths]
    transfer = page.evaluate_handle(
        """(files) => {
          const dt = new DataTransfer();
          for (const f of files) {
            const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], f.name, { type: "application/pdf" }));
          }
          return dt;
        }""",
        files,
    )
    for event in ("dragenter", "dragover", "drop"):
        target.dispatch_event(event, {"dataTransfer": transfer})


# ---- the admin -------------------------------------------------------------------------------


def new_body(page, name: str) -> None:
    """On /admin/bodies: a new, empty body, then open in the editor."""
    page.get_by_test_id("body-new").click()
    dialog = page.get_by_test_id("new-body-dialog")
    dialog.get_by_label(VI["admin.bodies.field.name"], exact=True).fill(name)
    dialog.get_by_test_id("new-body-submit").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id("body-editor").wait_for()
    # The editor may still show the body opened first: wait for it to open the new one.
    expect(page.get_by_test_id("body-name")).to_have_value(name)


def import_body_members(page, csv: Path, password: str, count: int) -> None:
    """On /admin/bodies, the body open: add `count` members from `csv`, new accounts with `password`."""
    page.get_by_test_id("body-import").click()
    dialog = page.get_by_test_id("body-import-dialog")
    dialog.get_by_test_id("body-import-file").set_input_files(str(csv))
    rows = dialog.get_by_test_id("body-import-row")
    rows.nth(count - 1).wait_for()
    assert rows.count() == count
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.ok)") == ["true"] * count
    dialog.get_by_test_id("body-import-password").fill(password)
    dialog.get_by_test_id("body-import-submit").click()
    dialog.wait_for(state="detached")
    page.get_by_test_id("body-member").nth(count - 1).wait_for()
    page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()


def add_account(page, username: str, full_name: str, role: str, position: str, password: str) -> None:
    """On /admin/users: one account through the "add" dialog."""
    page.get_by_test_id("users-add").click()
    dialog = page.get_by_test_id("user-add-dialog")
    dialog.get_by_test_id("add-username").fill(username)
    dialog.get_by_test_id("add-full-name").fill(full_name)
    dialog.get_by_test_id("add-role").select_option(role)
    dialog.get_by_test_id("add-position").fill(position)
    dialog.get_by_test_id("add-password").fill(password)
    dialog.get_by_test_id("add-submit").click()
    dialog.wait_for(state="detached")
    page.locator(f'[data-testid=user-row][data-username="{username}"]').wait_for()


# ---- everyone ------------------------------------------------------------------------------------


def first_login(page, username: str, initial: str, chosen: str) -> None:
    """A new account's first login: sent to /account, chooses its own password, lands on the list."""
    page.goto("/")
    page.wait_for_url("**/login**")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(initial)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/account")
    page.get_by_test_id("account-must-change").wait_for()
    page.get_by_label(VI["account.password.current"], exact=True).fill(initial)
    page.get_by_label(VI["account.password.new"], exact=True).fill(chosen)
    page.get_by_label(VI["account.password.repeat"], exact=True).fill(chosen)
    page.get_by_test_id("account-submit").click()
    page.wait_for_url(lambda url: url.rstrip("/").count("/") == 2)  # http://host:port/
    page.get_by_test_id("meeting-list").and_(page.locator('[aria-busy="false"]')).wait_for()


# ---- the secretary, on /meetings/{id}/prepare ------------------------------------------------


def agenda_titles(page) -> list[str]:
    return page.get_by_test_id("item-title").evaluate_all("els => els.map(e => e.value)")


def add_agenda_items(page, items: list[tuple[str, str]]) -> None:
    """Add (title, presenter) items at the end of the agenda."""
    start = page.get_by_test_id("prepare-item").count()
    for n, (title, presenter) in enumerate(items):
        page.get_by_test_id("agenda-new-title").fill(title)
        page.get_by_test_id("agenda-new-presenter").fill(presenter)
        page.get_by_test_id("agenda-add").click()
        page.get_by_test_id("prepare-item").nth(start + n).wait_for()


def drag_item(page, source: int, target: int) -> None:
    """Drag agenda item `source` by its handle onto the top of item `target`, in small pointer steps."""
    handle = page.get_by_test_id("item-drag").nth(source).bounding_box()
    goal = page.get_by_test_id("prepare-item").nth(target).bounding_box()
    x = handle["x"] + handle["width"] / 2
    page.mouse.move(x, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x, handle["y"] + (goal["y"] + 5 - handle["y"]) * step / 10)
    page.mouse.up()


def publish(page) -> None:
    page.get_by_test_id("prepare-publish").click()
    page.get_by_test_id("publish-confirm").click()
    page.get_by_test_id("prepare-status").and_(page.locator('[data-status="scheduled"]')).wait_for()


def open_session(page, meeting_id: int) -> None:
    """On the console, open the session on another day than scheduled: the console asks first."""
    page.goto(f"/meetings/{meeting_id}/console")
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30_000)
    page.get_by_test_id("open-meeting").click()
    page.get_by_test_id("confirm-open-date-ok").click()
    page.locator("body[data-meeting-status=open]").wait_for()
