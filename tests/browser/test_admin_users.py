"""/admin/users and /account in a real browser (issue 11): an admin imports a
committee from a CSV, edits, resets a password and disables an account; the
person whose password was reset must change it at their next login; a
disabled person's login is refused in their language.

Only the admin exists beforehand (made by the command line); everything else
is done through the pages. Screenshots go to /tmp/shots/accounts/ and the new
pages' to docs/screenshots/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import device_options, login_in_browser
from tests.support import ADMIN, unique

ROOT = Path(__file__).parents[2]
SHOTS = Path(os.environ.get("ACCOUNT_SHOTS", "/tmp/shots/accounts"))
DOCS_SHOTS = ROOT / "docs" / "screenshots"
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
VI = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))

COMMITTEE = [
    ("Nguyễn Văn Hùng", "chair", "Bí thư Đảng ủy"),
    ("Trần Thị Thu Hà", "secretary", "Phó Bí thư"),
    ("Lê Quang Đạo", "member", "Ủy viên Ban Thường vụ"),
    ("Phạm Thị Ngọc Ánh", "member", "Ủy viên"),
    ("Hoàng Đức Thắng", "member", "Ủy viên"),
    ("Vũ Thị Hồng Nhung", "member", "Ủy viên"),
    ("Đặng Văn Lộc", "member", "Ủy viên"),
    ("Bùi Thị Yến", "member", "Ủy viên"),
    ("Ngô Minh Tuấn", "member", ""),
]
INITIAL = "Khoi-tao-2026"


def _csv(path: Path, prefix: str) -> list[str]:
    names = [f"{prefix}{i}" for i in range(len(COMMITTEE))]
    lines = ["username,full_name,role,position"]
    lines += [f'{name},"{full}",{role},{pos}' for name, (full, role, pos) in zip(names, COMMITTEE, strict=True)]
    # A spreadsheet's "CSV UTF-8": a BOM first, CRLF line ends.
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return names


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def test_admin_administers_accounts_in_the_browser(playwright_instance, chromium, server, admin, tmp_path):
    ipad = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    laptop = chromium.new_context(**LAPTOP, base_url=server.base_url)
    others = []
    try:
        page = ipad.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login_in_browser(page, ADMIN[0], "/admin/users", password=ADMIN[1])
        page.get_by_test_id("user-row").first.wait_for()
        assert page.get_by_test_id("nav-admin-users").get_attribute("aria-current") == "page"

        # ---- import 9 accounts from a CSV ------------------------------------------------
        names = _csv(tmp_path / "ban-chap-hanh.csv", unique("bch"))
        page.get_by_test_id("users-import").click()
        dialog = page.get_by_test_id("user-import-dialog")
        assert dialog.get_by_label(VI["admin.users.csv.file"], exact=True).is_visible()
        dialog.get_by_test_id("import-file").set_input_files(str(tmp_path / "ban-chap-hanh.csv"))
        rows = dialog.get_by_test_id("import-row")
        rows.nth(8).wait_for()
        assert rows.count() == 9
        assert [rows.nth(i).get_attribute("data-ok") for i in range(9)] == ["true"] * 9
        assert "Phạm Thị Ngọc Ánh" in dialog.get_by_test_id("import-preview").inner_text()
        dialog.get_by_test_id("import-password").fill(INITIAL)
        _shot(page, "import-preview-ipad")
        dialog.get_by_test_id("import-submit").click()
        result = dialog.get_by_test_id("import-result")
        result.wait_for(state="visible")
        assert VI["admin.users.csv.created"].replace("{count}", "9") == result.inner_text().strip()
        dialog.get_by_test_id("import-close").click()

        listed = {u["username"]: u for u in admin.ok("GET", "/api/users")}
        for name, (full, role, position) in zip(names, COMMITTEE, strict=True):
            assert listed[name]["full_name"] == full and listed[name]["role"] == role
            assert listed[name]["position"] == position and listed[name]["must_change_password"] is True
        assert page.locator(f'[data-testid=user-row][data-username="{names[0]}"]').is_visible()

        # The same file again: every row is refused before anything is sent.
        page.get_by_test_id("users-import").click()
        dialog = page.get_by_test_id("user-import-dialog")
        dialog.get_by_test_id("import-file").set_input_files(str(tmp_path / "ban-chap-hanh.csv"))
        dialog.get_by_test_id("import-row").nth(8).wait_for()
        assert (
            dialog.get_by_test_id("import-row-problems").first.inner_text()
            == VI["admin.users.csv.problem.username_taken"]
        )
        assert dialog.get_by_test_id("import-submit").is_disabled()
        dialog.get_by_test_id("import-cancel").click()

        # ---- search, then edit role and position -------------------------------------------
        page.get_by_test_id("users-search").fill("ngoc anh")
        # Typed without diacritics, it finds "Phạm Thị Ngọc Ánh" (other tests on this
        # server may have their own Ngọc Ánh) and hides everyone else of this committee.
        shown = page.get_by_test_id("user-row")
        ours = page.locator(f'[data-testid=user-row][data-username="{names[3]}"]')
        ours.wait_for()
        listed_names = shown.evaluate_all("rows => rows.map(r => r.dataset.username)")
        assert [n for n in listed_names if n in names] == [names[3]]
        assert all("Ngọc Ánh" in text for text in shown.all_inner_texts())
        ours.get_by_test_id("user-edit").click()
        edit = page.get_by_test_id("user-edit-dialog")
        edit.get_by_label(VI["admin.users.field.role"]).select_option("secretary")
        edit.get_by_label(VI["admin.users.field.position"]).fill("Chánh Văn phòng Đảng ủy")
        edit.get_by_test_id("edit-submit").click()
        edit.wait_for(state="detached")
        row = page.locator(f'[data-testid=user-row][data-username="{names[3]}"]')
        row.get_by_test_id("user-position").get_by_text("Chánh Văn phòng Đảng ủy").wait_for()
        changed = next(u for u in admin.ok("GET", "/api/users") if u["username"] == names[3])
        assert changed["role"] == "secretary" and changed["position"] == "Chánh Văn phòng Đảng ủy"
        # A blank name is refused beside its field, in Vietnamese.
        row.get_by_test_id("user-edit").click()
        edit = page.get_by_test_id("user-edit-dialog")
        edit.get_by_label(VI["admin.users.field.full_name"]).fill("   ")
        edit.get_by_test_id("edit-submit").click()
        beside = edit.locator('[data-error-for="full_name"]')
        beside.wait_for(state="visible")
        assert beside.inner_text() == VI["admin.users.error.full_name"]
        _shot(page, "edit-error-ipad")
        edit.get_by_test_id("user-edit-dialog-cancel").click()
        page.get_by_test_id("users-search").fill("")

        # ---- reset a password: the person must change it at next login ---------------------
        target = page.locator(f'[data-testid=user-row][data-username="{names[1]}"]')
        target.get_by_test_id("user-reset").click()
        page.get_by_test_id("user-reset-confirm-ok").click()
        one_time = page.get_by_test_id("reset-password-value")
        one_time.wait_for()
        password = one_time.inner_text().strip()
        assert len(password) == 10
        _shot(page, "reset-ipad")
        page.get_by_test_id("reset-close").click()

        person = ipad.browser.new_context(**device_options(playwright_instance), base_url=server.base_url)
        others.append(person)
        tablet = person.new_page()
        tablet.goto("/")
        tablet.wait_for_url("**/login**")
        tablet.get_by_test_id("login-username").fill(names[1])
        tablet.get_by_test_id("login-password").fill(password)
        tablet.get_by_test_id("login-submit").click()
        tablet.wait_for_url("**/account")
        banner = tablet.get_by_test_id("account-must-change")
        assert banner.inner_text().startswith(VI["account.must_change.title"])
        # Other pages send them back here until they chose a password.
        tablet.goto("/archive")
        tablet.wait_for_url("**/account")
        _shot(tablet, "account-must-change-ipad")
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        tablet.screenshot(path=DOCS_SHOTS / "account.png")
        tablet.get_by_label(VI["account.password.current"], exact=True).fill(password)
        tablet.get_by_label(VI["account.password.new"], exact=True).fill("mat-khau-rieng")
        tablet.get_by_label(VI["account.password.repeat"], exact=True).fill("mat-khau-khac")
        tablet.get_by_test_id("account-submit").click()
        mismatch = tablet.locator('[data-error-for="repeat"]')
        mismatch.wait_for(state="visible")
        assert mismatch.inner_text() == VI["account.error.mismatch"]
        tablet.get_by_label(VI["account.password.repeat"], exact=True).fill("mat-khau-rieng")
        tablet.get_by_test_id("account-submit").click()
        tablet.wait_for_url(f"{server.base_url}/")
        tablet.get_by_test_id("meeting-list").wait_for()
        assert (
            httpx.post(
                f"{server.base_url}/api/auth/login", json={"username": names[1], "password": "mat-khau-rieng"}
            ).json()["user"]["must_change_password"]
            is False
        )

        # ---- disable an account: its login is refused, in Vietnamese ------------------------
        victim = page.locator(f'[data-testid=user-row][data-username="{names[8]}"]')
        victim.get_by_test_id("user-toggle").click()
        page.get_by_test_id("user-toggle-confirm-ok").click()
        page.locator(f'[data-testid=user-row][data-username="{names[8]}"][data-disabled="true"]').wait_for()
        assert victim.get_by_test_id("user-status").inner_text() == VI["admin.users.status.disabled"]
        page.evaluate("window.scrollTo(0, 0); document.querySelector('.admin-table-wrap').scrollLeft = 0")
        expect(page.get_by_test_id("toast")).to_have_count(0, timeout=10_000)  # nothing over the rows
        _shot(page, "users-ipad")
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS_SHOTS / "admin-users.png")

        refused = ipad.browser.new_context(**device_options(playwright_instance), base_url=server.base_url)
        others.append(refused)
        login_page = refused.new_page()
        login_page.goto("/login")
        login_page.get_by_test_id("login-username").fill(names[8])
        login_page.get_by_test_id("login-password").fill(INITIAL)
        with login_page.expect_response("**/api/auth/login") as answer:
            login_page.get_by_test_id("login-submit").click()
        assert answer.value.status == 403 and answer.value.json()["error"]["code"] == "account_disabled"
        message = login_page.get_by_test_id("login-error")
        message.wait_for(state="visible")
        assert message.inner_text() == VI["account.error.disabled"]
        assert "/login" in login_page.url

        # ---- the laptop, in English ------------------------------------------------------------
        wide = laptop.new_page()
        login_in_browser(wide, ADMIN[0], "/admin/users", password=ADMIN[1])
        wide.goto("/lang/en?next=/admin/users")
        wide.get_by_test_id("user-row").first.wait_for()
        assert wide.get_by_role("heading", level=1).inner_text() == "Accounts"
        assert wide.get_by_test_id("users-add").inner_text() == "Add account"
        _shot(wide, "users-laptop-en")
        wide.get_by_test_id("users-add").click()
        add = wide.get_by_test_id("user-add-dialog")
        for label in ("Username", "Full name", "Role", "Position", "Initial password"):
            assert add.get_by_label(label, exact=True).is_visible(), label
        add.get_by_label("Username", exact=True).fill("bad name")
        add.get_by_test_id("add-submit").click()
        add.locator('[data-error-for="username"]').wait_for(state="visible")
        _shot(wide, "add-laptop-en")
        add.get_by_label("Username", exact=True).fill(unique("one"))
        add.get_by_label("Full name", exact=True).fill("Đinh Thị Mai")
        add.get_by_label("Position", exact=True).fill("Ủy viên")
        add.get_by_label("Initial password", exact=True).fill(INITIAL)
        add.get_by_test_id("add-submit").click()
        add.wait_for(state="detached")
        wide.get_by_test_id("user-name").get_by_text("Đinh Thị Mai", exact=True).first.wait_for()
        wide.goto("/lang/vi?next=/admin/users")
        wide.get_by_test_id("user-row").first.wait_for()
        _shot(wide, "users-laptop")
        assert not errors, errors
    finally:
        for context in (ipad, laptop, *others):
            context.close()


def test_account_page_for_everyone_and_admin_pages_for_admins(world, ipad):
    tablet = ipad(world.member, "/account")
    assert tablet.get_by_test_id("account-must-change").count() == 0
    assert tablet.get_by_test_id("nav-admin-users").count() == 0
    assert tablet.get_by_test_id("nav-account").get_attribute("href") == "/account"
    response = tablet.goto("/admin/users")
    assert response.status == 403
    assert tablet.get_by_test_id("error-page").get_attribute("data-code") == "forbidden"
    assert VI["error.forbidden"] in tablet.get_by_test_id("error-page").inner_text()
