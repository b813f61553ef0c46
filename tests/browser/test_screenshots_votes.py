"""Screenshots of voting in the demo meeting, kept in docs/screenshots/:
the tablet's vote sheet (iPad profile), the hall screen's result (1920x1080)
and the console with its votes and attendance. The test also checks each
view shows the real thing without a script error."""

from __future__ import annotations

from tests.browser.conftest import IPAD, device_options, login_in_browser
from tests.support import ROOT

SHOTS = ROOT / "docs" / "screenshots"


def _page(playwright_instance, chromium, demo, contexts, username, path, *, device=IPAD, **extra):
    options = device_options(playwright_instance, device)
    context = chromium.new_context(**options, **extra, base_url=demo.base_url)
    contexts.append(context)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    login_in_browser(page, username, path, demo.password(username))
    page.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    return page


def _settle(page):
    # Fonts and eager images in, animations finished.
    page.evaluate("document.fonts.ready")
    page.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
    page.wait_for_timeout(500)


def test_screenshots_of_a_vote(playwright_instance, chromium, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    people = demo.participants()
    secretary = people["thuky"]
    meeting = secretary.ok("GET", "/api/meetings")[0]
    mid = meeting["id"]
    secretary.ok("POST", f"/api/meetings/{mid}/open")
    items = secretary.ok("GET", f"/api/meetings/{mid}")["agenda"]

    def attend(name, status="present", reason=""):
        secretary.ok(
            "PUT", f"/api/meetings/{mid}/attendance/{people[name].id}", json={"status": status, "reason": reason}
        )

    for name in ("bithu", "chutich", "kiemtra", "mttq", "phochutich", "vanhoa"):
        attend(name)
    attend("congan", "online")
    attend("quansu", "absent", "Đi công tác tại Thành phố Hồ Chí Minh")

    def vote(title, item, **fields):
        body = {
            "title": title,
            "agenda_item_id": items[item]["id"],
            "secret": False,
            "rule": "majority_of_members",
            **fields,
        }
        return secretary.ok("POST", f"/api/meetings/{mid}/votes", 201, json=body)["id"]

    first = vote("Thông qua Báo cáo kết quả thực hiện nhiệm vụ năm 2026, phương hướng, nhiệm vụ năm 2027", 0)
    second = vote(
        "Thông qua Nghị quyết về đẩy mạnh cải cách hành chính gắn với chuyển đổi số giai đoạn 2027 - 2030",
        1,
        secret=True,
    )
    vote("Thông qua Kế hoạch triển khai phòng họp không giấy giai đoạn 2027 - 2028", 2)

    contexts = []
    try:
        # The secretary's desk: a laptop or a monitor next to the hall's mixer.
        console = _page(
            playwright_instance,
            chromium,
            demo,
            contexts,
            "thuky",
            f"/meetings/{mid}/console",
            device=None,
            viewport={"width": 1680, "height": 1050},
            device_scale_factor=1.5,
        )
        tablet = _page(playwright_instance, chromium, demo, contexts, "phobithu", f"/meetings/{mid}")
        screen = _page(
            playwright_instance,
            chromium,
            demo,
            contexts,
            "bithu",
            f"/meetings/{mid}/screen",
            device=None,
            viewport={"width": 1920, "height": 1080},
        )
        # The secretary presents the report: the console and the wall show it.
        console.get_by_test_id("document-link").first.click()
        screen.locator('[data-testid="page-image"][data-page="1"]').wait_for()

        # A named vote, taken and closed: the wall shows the result.
        secretary.ok("POST", f"/api/votes/{first}/open")
        choices = {
            "bithu": "yes",
            "thuky": "yes",
            "chutich": "yes",
            "kiemtra": "yes",
            "congan": "yes",
            "mttq": "yes",
            "phochutich": "no",
            "phobithu": "abstain",
        }
        for name, choice in choices.items():
            people[name].ok("POST", f"/api/votes/{first}/ballot", 201, json={"choice": choice})
        secretary.ok("POST", f"/api/votes/{first}/close")
        result = screen.locator(f'[data-testid="screen-vote"][data-vote-id="{first}"][data-phase="closed"]')
        result.wait_for()
        assert result.get_by_test_id("vote-verdict").inner_text() == "THÔNG QUA"
        _settle(screen)
        screen.screenshot(path=SHOTS / "screen-vote-result.png")

        # A secret ballot under way, opened on the console: the member's tablet shows the sheet.
        console.locator(f'[data-testid="vote-item"][data-vote-id="{second}"] [data-testid="vote-open"]').click()
        for name in ("bithu", "chutich", "kiemtra", "mttq"):
            people[name].ok("POST", f"/api/votes/{second}/ballot", 201, json={"choice": "yes"})
        live = screen.locator(f'[data-testid="screen-vote"][data-vote-id="{second}"][data-phase="open"]')
        live.locator('[data-testid="vote-progress"][data-cast="4"][data-eligible="9"]').wait_for()
        _settle(screen)
        screen.screenshot(path=SHOTS / "screen-vote-open.png")
        sheet = tablet.locator(f'[data-testid="vote-sheet"][data-vote-id="{second}"]')
        sheet.and_(tablet.locator('[data-phase="choose"]')).locator(
            '[data-testid="vote-progress"][data-cast="4"]'
        ).wait_for()
        _settle(tablet)
        tablet.screenshot(path=SHOTS / "tablet-vote-sheet.png")

        console.locator(
            f'[data-testid="vote-item"][data-vote-id="{second}"] [data-testid="vote-progress"][data-cast="4"]'
        ).wait_for()
        console.locator('[data-testid="attendance-count"][data-attending="8"][data-voting="9"]').wait_for()
        _settle(console)
        console.screenshot(path=SHOTS / "console-votes.png")
        console.locator(".people-card").evaluate("card => card.scrollIntoView({ block: 'start' })")
        _settle(console)
        console.screenshot(path=SHOTS / "console-attendance.png")

        # The member votes through the sheet: confirmed, recorded, with the receipt code.
        sheet.locator('[data-testid="vote-option"][data-option="yes"]').click()
        sheet.get_by_test_id("vote-confirm").click()
        sheet.get_by_test_id("vote-receipt").wait_for()
        _settle(tablet)
        tablet.screenshot(path=SHOTS / "tablet-vote-recorded.png")

        for page in (console, tablet, screen):
            assert page.errors == []
    finally:
        for context in contexts:
            context.close()
