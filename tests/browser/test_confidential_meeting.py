"""The secretary marks a meeting "Mật" (confidential) in the browser, on an iPad (issue 14):
ticks the box on /meetings/new and the draft is made confidential, the box stays ticked and
the prepare page's head says "Mật"; unticks and ticks it again with "Lưu thay đổi"; once
published, the meeting list shows the badge on its card (not on an ordinary meeting's), a
member's tablet and the console show it in their header."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.office_steps import VI, publish
from tests.conftest import new_user
from tests.support import make_pdf


def save(page) -> None:
    page.get_by_test_id("meeting-save").click()
    expect(page.get_by_test_id("meeting-saved")).to_have_text(VI["prepare.saved"])


def test_the_secretary_marks_a_meeting_confidential_and_everyone_sees_it(ipad, admin, tmp_path):
    secretary = new_user(admin, "secretary", "Trần Thị Thư Ký")
    member = new_user(admin, "member", "Lê Văn Ủy Viên")
    ordinary = secretary.ok(
        "POST",
        "/api/meetings",
        201,
        json={"title": "Họp chi bộ thường kỳ", "starts_at": "2026-12-19T14:00:00+07:00"},
    )

    page = ipad(secretary, "/meetings/new")
    page.get_by_test_id("participant").first.wait_for()
    box = page.get_by_label(VI["prepare.field.confidential"], exact=True)
    assert box.is_visible() and not box.is_checked()
    hint = page.locator("#m-confidential-hint")
    assert hint.inner_text() == VI["prepare.confidential_hint"] == "Tài liệu không được lưu lại trên máy tính bảng."
    assert box.get_attribute("aria-describedby") == "m-confidential-hint"

    page.get_by_test_id("meeting-title").fill("Họp Ban Thường vụ về công tác cán bộ")
    page.get_by_test_id("meeting-starts-at").fill("2026-12-20T08:00")
    page.get_by_test_id("people-search").fill("le van uy vien")
    # By id: other tests running beside this one may have made a "Lê Văn Ủy Viên" of their own.
    page.locator(f'[data-testid="people-result"][data-user-id="{member.id}"]').click()
    box.check()  # a tap on the box
    page.get_by_test_id("meeting-save").click()
    page.wait_for_url("**/meetings/*/prepare")
    meeting_id = int(page.url.rstrip("/").split("/")[-2])
    badge = page.get_by_test_id("confidential-badge")
    badge.wait_for()
    assert badge.text_content() == "Mật"
    assert page.get_by_label(VI["prepare.field.confidential"], exact=True).is_checked()
    assert secretary.ok("GET", f"/api/meetings/{meeting_id}")["confidential"] is True

    # Unticked, then ticked again by a tap on its label: saved like every other field.
    box = page.get_by_label(VI["prepare.field.confidential"], exact=True)
    box.uncheck()
    save(page)
    expect(badge).to_be_hidden()
    assert secretary.ok("GET", f"/api/meetings/{meeting_id}")["confidential"] is False
    page.locator('label[for="m-confidential"]').get_by_text(VI["prepare.field.confidential"], exact=True).click()
    assert box.is_checked()
    save(page)
    expect(badge).to_be_visible()
    assert secretary.ok("GET", f"/api/meetings/{meeting_id}")["confidential"] is True
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.evaluate("window.scrollTo(0, 0)")

    item = secretary.ok("POST", f"/api/meetings/{meeting_id}/agenda", 201, json={"title": "Nhân sự"})
    with open(make_pdf(tmp_path / "nhan-su.pdf", pages=2, text="Tai lieu mat"), "rb") as handle:
        uploaded = secretary.post(
            f"/api/agenda/{item['id']}/documents", files={"file": ("nhan-su.pdf", handle, "application/pdf")}
        )
    assert uploaded.status_code == 201, uploaded.text
    page.reload()
    publish(page)

    # The list: "Mật" on its card, not on the ordinary meeting's.
    page.goto("/")
    card = page.locator(f'[data-testid="meeting"][data-meeting-id="{meeting_id}"]')
    card.get_by_test_id("confidential-badge").wait_for()
    assert card.get_by_test_id("confidential-badge").text_content() == "Mật"
    assert card.get_by_test_id("confidential-badge").get_attribute("title") == VI["meeting.confidential_title"]
    other = page.locator(f'[data-testid="meeting"][data-meeting-id="{ordinary["id"]}"]')
    assert other.is_visible() and other.get_by_test_id("confidential-badge").count() == 0

    # The console's header, and a member's tablet: the badge, and page images kept by no cache.
    page.goto(f"/meetings/{meeting_id}/console")
    expect(page.locator(".meeting-head").get_by_test_id("confidential-badge")).to_be_visible()
    # (Its page images' `no-store` is checked over HTTP, route by route: tests/test_confidential_meetings.py.)
    tablet = ipad(member, f"/meetings/{meeting_id}")
    expect(tablet.locator(".meeting-head").get_by_test_id("confidential-badge")).to_be_visible()
    assert tablet.errors == [] and page.errors == []
