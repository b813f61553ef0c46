"""/admin/bodies in a real browser (issue 11): the admin creates a body, fills it
with 9 members from a CSV (Vietnamese names, new accounts made in the same
dialog, a faulty file refused first with its problems shown per row), reorders
a member from the keyboard and another by dragging, and the body keeps its 9
members in that order, positions included.

Only the admin exists beforehand; everything else is done through the page.
Screenshots go to /tmp/shots/bodies/ and the page's to docs/screenshots/."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.browser.conftest import device_options, login_in_browser
from tests.browser.office_steps import COMMITTEE, new_body, spreadsheet_csv
from tests.support import ADMIN, login, unique

ROOT = Path(__file__).parents[2]
SHOTS = Path(os.environ.get("BODIES_SHOTS", "/tmp/shots/bodies"))
DOCS_SHOTS = ROOT / "docs" / "screenshots"
LAPTOP = {"viewport": {"width": 1366, "height": 768}, "device_scale_factor": 1}
VI = json.loads((ROOT / "web_client/i18n/vi.json").read_text(encoding="utf-8"))
EN = json.loads((ROOT / "web_client/i18n/en.json").read_text(encoding="utf-8"))

INITIAL = "Khoi-tao-2026"


def _csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    return spreadsheet_csv(path, "username,full_name,position", rows)


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png")


def _names(page) -> list[str]:
    return page.get_by_test_id("member-name").all_inner_texts()


def _positions(page) -> list[str]:
    return [el.input_value() for el in page.get_by_test_id("member-position").all()]


def test_admin_makes_a_body_of_nine_from_a_csv_and_orders_it(playwright_instance, chromium, server, tmp_path):
    ipad = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    laptop = chromium.new_context(**LAPTOP, base_url=server.base_url)
    try:
        page = ipad.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login_in_browser(page, ADMIN[0], "/admin/bodies", password=ADMIN[1])
        page.get_by_test_id("bodies-list").wait_for()
        assert page.get_by_test_id("nav-admin-bodies").get_attribute("aria-current") == "page"

        # ---- a new body ----------------------------------------------------------------------
        name = unique("Ban Chấp hành Đảng bộ phường Phan Đình Phùng ")
        new_body(page, name)
        assert page.get_by_test_id("body-members-empty").is_visible()
        item = page.locator("[data-testid=body-item][aria-current=true]")
        assert item.get_by_test_id("body-item-name").inner_text() == name

        # The same name again is refused beside the field, in Vietnamese.
        page.get_by_test_id("body-new").click()
        dialog = page.get_by_test_id("new-body-dialog")
        dialog.get_by_test_id("new-body-name").fill(name.upper())
        dialog.get_by_test_id("new-body-submit").click()
        dialog.get_by_test_id("new-body-name-error").filter(has_text=VI["admin.bodies.error.name_taken"]).wait_for()
        dialog.get_by_test_id("new-body-cancel").click()

        # ---- a faulty CSV: each row's problem is shown, nothing can be imported -----------------
        prefix = unique("bch")
        usernames = [f"{prefix}{i}" for i in range(len(COMMITTEE))]
        bad = _csv(
            tmp_path / "sai.csv",
            [
                (usernames[0], "Nguyễn Văn Hùng", "Bí thư"),
                ("x", "Tên quá ngắn", ""),
                (usernames[2], "", "Ủy viên"),
                (usernames[0], "Nguyễn Văn Hùng", "Ủy viên"),
            ],
        )
        page.get_by_test_id("body-import").click()
        dialog = page.get_by_test_id("body-import-dialog")
        dialog.get_by_test_id("body-import-file").set_input_files(str(bad))
        rows = dialog.get_by_test_id("body-import-row")
        rows.nth(3).wait_for()
        outcomes = dialog.get_by_test_id("body-import-row-outcome").all_inner_texts()
        assert outcomes[0] == VI["admin.bodies.csv.problem.twice"]
        assert outcomes[1] == VI["admin.bodies.csv.problem.username"]
        assert outcomes[2] == VI["admin.bodies.csv.problem.full_name"]
        assert dialog.get_by_test_id("body-import-submit").is_disabled()
        _shot(page, "import-errors-ipad")

        # ---- the right CSV: 9 new accounts, added in the file's order ----------------------------
        good = _csv(tmp_path / "ban-chap-hanh.csv", [(u, n, p) for u, (n, p) in zip(usernames, COMMITTEE, strict=True)])
        dialog.get_by_test_id("body-import-file").set_input_files(str(good))
        rows.nth(8).wait_for()
        rows = dialog.get_by_test_id("body-import-row")
        assert rows.count() == 9
        assert [rows.nth(i).get_attribute("data-kind") for i in range(9)] == ["new"] * 9
        assert [rows.nth(i).get_attribute("data-ok") for i in range(9)] == ["true"] * 9
        assert "Phạm Thị Ngọc Ánh" in dialog.get_by_test_id("body-import-preview").inner_text()
        # A password is needed for the new accounts: too short is said beside it.
        dialog.get_by_label(VI["admin.bodies.csv.password"], exact=True).fill("ngan")
        dialog.get_by_test_id("body-import-submit").click()
        assert dialog.get_by_test_id("body-import-password-error").inner_text() == VI["admin.bodies.csv.error.password"]
        dialog.get_by_test_id("body-import-password").fill(INITIAL)
        _shot(page, "import-preview-ipad")
        dialog.get_by_test_id("body-import-submit").click()
        dialog.wait_for(state="detached")
        page.get_by_test_id("body-member").nth(8).wait_for()
        page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()
        assert _names(page) == [n for n, _ in COMMITTEE]
        assert _positions(page) == [p for _, p in COMMITTEE]
        assert page.get_by_test_id("body-member-count").inner_text() == "9 thành viên"
        assert item.get_by_test_id("body-item-count").inner_text() == "9 thành viên"

        # ---- reorder from the keyboard: Alt+ArrowUp on the last member's position, then the ↑ button
        last = page.get_by_test_id("body-member").nth(8)
        last.get_by_test_id("member-position").focus()
        page.keyboard.press("Alt+ArrowUp")
        page.get_by_test_id("bodies-announce").filter(has_text="Ngô Minh Tuấn: vị trí 8 / 9.").wait_for()
        # The focus stays on the moved member's field, so the keys can go on.
        focused = page.evaluate("document.activeElement.closest('[data-testid=body-member]').dataset.username")
        assert focused == usernames[8]
        page.keyboard.press("Alt+ArrowUp")
        moved = page.locator(f"[data-testid=body-member][data-username={usernames[8]}]")
        moved.get_by_test_id("member-up").focus()
        page.keyboard.press("Enter")
        expected = [n for n, _ in COMMITTEE]
        expected.insert(5, expected.pop(8))
        page.get_by_test_id("bodies-announce").filter(has_text="Ngô Minh Tuấn: vị trí 6 / 9.").wait_for()
        assert _names(page) == expected
        page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()
        # A position typed with the suggestions (<datalist>).
        assert page.locator("#body-positions option").evaluate_all("os => os.map(o => o.value)") == [
            "Bí thư",
            "Phó Bí thư",
            "Ủy viên",
        ]
        _shot(page, "bodies-ipad")

        # ---- add by name (typed without diacritics, chosen with the keys), then remove again ------
        search = page.get_by_label(VI["admin.bodies.add_label"], exact=True)
        search.fill("quan tri he")
        option = page.get_by_test_id("body-add-option")
        option.first.wait_for()
        assert option.count() == 1 and "Quản trị" in option.inner_text()
        assert search.get_attribute("aria-expanded") == "true"
        _shot(page, "add-search-ipad")
        search.press("Enter")
        page.get_by_test_id("body-member").nth(9).wait_for()
        assert page.get_by_test_id("body-member-count").inner_text() == "10 thành viên"
        page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()
        page.get_by_test_id("body-member").nth(9).get_by_test_id("member-remove").click()
        page.get_by_test_id("member-remove-confirm-ok").click()
        page.get_by_test_id("bodies-announce").filter(has_text="Đã gỡ").wait_for()
        assert page.get_by_test_id("body-member").count() == 9
        page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()
        assert _names(page) == expected

        # ---- after a reload, on a laptop: the same 9 in the same order; drag one with the mouse ---
        laptop_page = laptop.new_page()
        laptop_page.on("pageerror", lambda exc: errors.append(str(exc)))
        login_in_browser(laptop_page, ADMIN[0], "/admin/bodies", password=ADMIN[1])
        laptop_page.locator("[data-testid=body-item]", has_text=name).click()
        laptop_page.get_by_test_id("body-name").wait_for()
        laptop_page.wait_for_function("n => document.getElementById('body-name').value === n", arg=name)
        assert _names(laptop_page) == expected
        handle = laptop_page.get_by_test_id("member-drag").nth(0).bounding_box()
        target = laptop_page.get_by_test_id("body-member").nth(1).bounding_box()
        laptop_page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        laptop_page.mouse.down()
        laptop_page.mouse.move(handle["x"] + 10, target["y"] + target["height"] * 0.8, steps=8)
        laptop_page.mouse.up()
        dragged = [expected[1], expected[0], *expected[2:]]
        laptop_page.get_by_test_id("bodies-announce").filter(has_text="Nguyễn Văn Hùng: vị trí 2 / 9.").wait_for()
        assert _names(laptop_page) == dragged
        laptop_page.get_by_test_id("body-saved").filter(has_text=VI["admin.bodies.saved"]).wait_for()
        _shot(laptop_page, "bodies-laptop")
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        page.reload()
        page.get_by_test_id("body-member").nth(8).wait_for()
        assert _names(page) == dragged
        page.screenshot(path=DOCS_SHOTS / "admin-bodies.png")

        # What the server holds: the 9, in that order, with their positions; the accounts are new
        # members that must change their password.
        admin = login(server.base_url, *ADMIN)
        body_id = next(b["id"] for b in admin.ok("GET", "/api/bodies") if b["name"] == name)
        body = admin.ok("GET", f"/api/bodies/{body_id}")
        assert [m["full_name"] for m in body["members"]] == dragged
        assert {m["full_name"]: m["position"] for m in body["members"]} == dict(COMMITTEE)
        accounts = {u["username"]: u for u in admin.ok("GET", "/api/users")}
        assert all(accounts[u]["role"] == "member" and accounts[u]["must_change_password"] for u in usernames)

        # In English, the labels are English.
        page.goto("/lang/en?next=/admin/bodies")
        page.get_by_test_id("body-member").nth(8).wait_for()
        assert page.get_by_label(EN["admin.bodies.field.name"], exact=True).input_value() == name
        assert page.get_by_test_id("body-import").inner_text() == EN["admin.bodies.import"]
        page.goto("/lang/vi?next=/admin/bodies")
        assert errors == []
    finally:
        ipad.close()
        laptop.close()


def test_only_an_admin_may_open_the_page(playwright_instance, chromium, server, admin):
    from tests.conftest import new_user

    secretary = new_user(admin, "secretary", "Trần Thị Thư Ký")
    context = chromium.new_context(**device_options(playwright_instance), base_url=server.base_url)
    try:
        page = context.new_page()
        login_in_browser(page, secretary.user["username"], "/admin/bodies")
        assert page.get_by_test_id("body-editor").count() == 0
        assert page.get_by_test_id("nav-admin-bodies").count() == 0
    finally:
        context.close()


def test_a_vote_of_a_body_shows_its_whole_membership_as_the_base(playwright_instance, chromium, server, admin):
    """9 members, 6 invited: the console's result says 5 of 9, "trên tổng số 9 ủy viên"."""
    from tests.conftest import new_user
    from tests.votes_support import attend, ballot, close, open_meeting, start

    nine = [new_user(admin, "member", name) for name, _ in COMMITTEE]
    body = admin.ok(
        "POST",
        "/api/bodies",
        201,
        json={
            "name": unique("Ban Thường vụ "),
            "members": [{"user_id": m.id, "position": p} for m, (_, p) in zip(nine, COMMITTEE, strict=True)],
        },
    )
    meeting = admin.ok(
        "POST",
        "/api/meetings",
        201,
        json={
            "title": "Hội nghị Ban Thường vụ",
            "starts_at": "2026-12-10T08:00:00+07:00",
            "body_id": body["id"],
            "participants": [{"user_id": m.id} for m in nine[:6]],
        },
    )
    open_meeting(admin, meeting["id"])
    attend(admin, meeting["id"], *nine[:6])
    vote = start(admin, meeting["id"], title="Thông qua Nghị quyết")
    for i, voter in enumerate(nine[:6]):
        ballot(voter, vote["id"], "yes" if i < 5 else "no")
    close(admin, vote["id"])

    context = chromium.new_context(**LAPTOP, base_url=server.base_url)
    try:
        page = context.new_page()
        login_in_browser(page, ADMIN[0], f"/meetings/{meeting['id']}/console", password=ADMIN[1])
        base = page.get_by_test_id("vote-base").first
        base.wait_for()
        assert base.get_attribute("data-members") == "9"
        assert "trên tổng số 9 ủy viên" in base.inner_text()
        result = page.get_by_test_id("vote-result").first
        assert "5/9" in result.inner_text()
        result.scroll_into_view_if_needed()
        _shot(page, "vote-base-console-laptop")
    finally:
        context.close()
