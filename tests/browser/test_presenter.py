"""The presenter in control (issue 12), as a real session: the secretary's console,
a member's iPad and the hall screen at 1920x1080. Preview moves no one and
"Trình chiếu trang này" moves everyone; opening shows the cover; each screen mode
shows on the hall screen and survives a reload; members' shared ink reaches the
hall screen only when the presenter lets it through, the presenter's always;
after closing every screen shows the end; the minutes view keeps the page controls.
Screenshots go to /tmp/shots/presenter/."""

from __future__ import annotations

from pathlib import Path

from tests.annotation_support import ink, put
from tests.browser.conftest import connected
from tests.votes_support import start

SHOTS = Path("/tmp/shots/presenter")


def shows_page(page, n: int, stage: str = ""):
    try:
        page.locator(f'{stage} [data-testid="page-image"][data-page="{n}"]'.strip()).wait_for()
    except Exception:
        shot(page, "failure")
        print(
            "FAIL-HTML", page.evaluate("document.querySelector('main').innerHTML.replace(/\\s+/g, ' ').slice(0, 2500)")
        )
        raise


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def presenter(world) -> dict | None:
    return world.secretary.ok("GET", f"/api/meetings/{world.meeting_id}")["presenter"]


def test_preview_moves_no_one_and_present_this_moves_everyone(world, ipad, hall_screen):
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    screen = hall_screen(world.secretary, f"/meetings/{world.meeting_id}/screen")
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    for page in (tablet, screen, console):
        connected(page)

    # Opening shows the first page of the first document to everyone, as its cover.
    console.get_by_test_id("open-meeting").click()
    # The world's meeting is scheduled for another day: the console asks first.
    console.get_by_test_id("confirm-open-date-ok").click()
    console.locator('body[data-meeting-status="open"]').wait_for()
    shows_page(tablet, 1)
    shows_page(screen, 1)
    tablet.get_by_test_id("following-badge").wait_for()
    assert presenter(world) == {"document_id": world.document["id"], "page": 1}

    # A thumbnail is a preview: the console shows page 4, the room stays on page 1.
    console.locator('[data-testid="thumbnail"][data-page="4"]').click()
    shows_page(console, 4)
    console.locator('.console-center[data-mode="preview"]').wait_for()
    console.get_by_test_id("preview-tag").wait_for()
    # Leafing on in the preview (keys and buttons) moves no one either.
    console.keyboard.press("ArrowRight")
    shows_page(console, 5)
    console.get_by_test_id("prev-page").click()
    shows_page(console, 4)
    assert presenter(world) == {"document_id": world.document["id"], "page": 1}
    assert tablet.get_by_test_id("page-image").get_attribute("data-page") == "1"
    assert screen.get_by_test_id("page-image").get_attribute("data-page") == "1"
    shot(console, "console-preview")

    # "Trình chiếu trang này": everyone moves.
    present = console.get_by_test_id("present-this")
    assert present.inner_text().strip() == "Trình chiếu trang này"
    present.click()
    shows_page(tablet, 4)
    shows_page(screen, 4)
    console.locator('.console-center[data-mode="live"][data-live="true"]').wait_for()
    assert presenter(world) == {"document_id": world.document["id"], "page": 4}
    # Live, the controls move the room as before.
    console.get_by_test_id("next-page").click()
    shows_page(tablet, 5)
    shot(console, "console-live")
    shot(tablet, "tablet-following")
    shot(screen, "hall-page")

    # The minutes view keeps the page controls and the keys.
    console.get_by_test_id("view-minutes").click()
    console.get_by_test_id("minutes-panel").wait_for()
    assert console.get_by_test_id("prev-page").is_visible()
    console.get_by_test_id("prev-page").click()
    shows_page(tablet, 4)
    console.locator("body").click(position={"x": 5, "y": 200})
    console.keyboard.press("ArrowLeft")
    shows_page(tablet, 3)
    shot(console, "console-minutes-with-pages")
    for page in (tablet, screen, console):
        assert page.errors == []


MODES = {
    "agenda": "screen-agenda",
    "blank": "screen-blank",
    "result": "screen-result-empty",
    "closing": "screen-closing",
}


def test_each_screen_mode_shows_and_survives_a_reload(world, ipad, hall_screen):
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    screen = hall_screen(world.secretary, f"/meetings/{world.meeting_id}/screen")
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    connected(screen)
    connected(console)
    shows_page(screen, 1)
    for mode, testid in MODES.items():
        console.get_by_test_id(f"screen-mode-{mode}").click()
        console.locator(f'[data-testid="screen-mode-{mode}"][aria-checked="true"]').wait_for()
        screen.locator(f'body[data-screen-mode="{mode}"]').wait_for()
        screen.get_by_test_id(testid).wait_for()
        assert not screen.get_by_test_id("screen-page").is_visible() or mode == "page"
        if mode == "agenda":
            current = screen.locator('[data-testid="screen-agenda-item"][data-current="true"]')
            assert "Báo cáo tình hình" in current.inner_text()
        shot(screen, f"hall-{mode}")
        screen.reload()
        screen.locator(f'body[data-screen-mode="{mode}"]').wait_for()
        screen.get_by_test_id(testid).wait_for()
    console.get_by_test_id("screen-mode-page").click()
    screen.locator('body[data-screen-mode="page"]').wait_for()
    shows_page(screen, 1)
    shot(console, "console-screen-controls")
    assert screen.errors == [] and console.errors == []


def test_shared_ink_reaches_the_hall_screen_only_when_allowed(world, ipad, hall_screen):
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    screen = hall_screen(world.chair, f"/meetings/{world.meeting_id}/screen")
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    frames: list[str] = []
    screen.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    screen.reload()
    for page in (screen, console, tablet):
        connected(page)
    shows_page(screen, 1)

    members = ink(world, color="#2E7D32")
    presenters = ink(world, color="#1565C0")
    member, secretary = world.member.socket(), world.secretary.socket()
    member.join(world.meeting_id)
    secretary.join(world.meeting_id)
    assert put(member, world, members)["ok"]
    assert put(secretary, world, presenters)["ok"]

    def on_screen(annotation_id: str):
        return screen.locator(f'[data-testid="annotation"][data-annotation-id="{annotation_id}"]')

    # The presenter's ink always shows; the member's reaches the tablet, not the hall.
    on_screen(presenters["id"]).wait_for()
    tablet.locator(f'[data-testid="annotation"][data-annotation-id="{members["id"]}"]').wait_for()
    assert on_screen(members["id"]).count() == 0
    # The screen's socket never received it (the presenter's put came after it, in order).
    assert any(presenters["id"] in f for f in frames)
    assert not any(members["id"] in f for f in frames)

    # The presenter lets it through: the member's ink appears on the hall screen.
    toggle = console.get_by_test_id("screen-shared-ink")
    assert not toggle.is_checked()
    toggle.check()
    on_screen(members["id"]).wait_for()
    shot(screen, "hall-shared-ink")
    # Held back again: it goes.
    toggle.uncheck()
    on_screen(members["id"]).wait_for(state="detached")
    on_screen(presenters["id"]).wait_for()
    member.close()
    secretary.close()
    assert screen.errors == [] and console.errors == [] and tablet.errors == []


def test_after_closing_every_screen_shows_the_end(world, ipad, hall_screen):
    world.secretary.ok("POST", f"/api/meetings/{world.meeting_id}/open")
    vote = start(world.secretary, world.meeting_id, title="Thông qua báo cáo", override_quorum=True)
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    screen = hall_screen(world.secretary, f"/meetings/{world.meeting_id}/screen")
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    for page in (tablet, screen, console):
        connected(page)
    tablet.get_by_test_id("following-badge").wait_for()

    # The dialog warns about the open vote before anything is closed.
    console.get_by_test_id("close-meeting").click()
    dialog = console.get_by_test_id("confirm-dialog")
    dialog.wait_for()
    assert "Thông qua báo cáo" in dialog.inner_text()
    assert console.get_by_test_id("confirm-close").inner_text().strip() == "Kết thúc biểu quyết và cuộc họp"
    shot(console, "console-close-dialog")
    console.get_by_test_id("confirm-close").click()

    screen.get_by_test_id("screen-closing").wait_for()
    assert "Phiên họp đã kết thúc" in screen.get_by_test_id("screen-closing").inner_text()
    tablet.get_by_test_id("meeting-ended").wait_for()
    assert not tablet.get_by_test_id("following-badge").is_visible()
    assert tablet.locator("[data-tablet]").get_attribute("data-following") == "false"
    console.locator('body[data-meeting-status="closed"]').wait_for()
    for hidden in ("live-tag", "present-this", "screen-controls", "agenda-title", "upload-input"):
        assert not console.get_by_test_id(hidden).is_visible(), hidden
    assert world.secretary.ok("GET", f"/api/votes/{vote['id']}")["status"] == "closed"
    shot(screen, "hall-closed")
    shot(tablet, "tablet-closed")
    shot(console, "console-closed")
    # The end survives a reload.
    screen.reload()
    screen.get_by_test_id("screen-closing").wait_for()
    for page in (tablet, screen, console):
        assert page.errors == []


def test_an_offline_tablet_turns_its_badge_grey(world, ipad):
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    connected(tablet)
    tablet.context.set_offline(True)
    pill = tablet.locator('[data-testid="connection-state"][data-state="offline"]')
    pill.wait_for(timeout=30000)
    background = pill.evaluate("el => getComputedStyle(el).backgroundColor")
    red, green, blue = (int(v) for v in background[background.index("(") + 1 : background.index(")")].split(",")[:3])
    assert max(red, green, blue) - min(red, green, blue) < 20, background  # grey, not red
    shot(tablet, "tablet-offline")
    tablet.context.set_offline(False)
    connected(tablet)
