"""The tablet in the hand (issue 12): an iPad held upright or on its side.

- The page can be pinch-zoomed (the viewport does not forbid it), and the pen
  still draws: only the drawing surface takes the touches (touch-action).
- In portrait the annotation rail is one button that never covers the page
  or the agenda drawer; tapping it unfolds the tools.
- A toast never covers the page-turn buttons, and an error toast goes away
  once the error is fixed (the tablet is back online, everything synced).

Screenshots of each state are written to the test's tmp_path (run with
`--basetemp DIR` to keep them where you can look at them).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import connected, device_options, login_in_browser
from tests.browser.test_annotations import pen, server_annotations, synced, wavy
from tests.test_client_css import zoom_refusals

PORTRAIT = "iPad Pro 11"
LANDSCAPE = "iPad Pro 11 landscape"


@pytest.fixture
def tablet_in(playwright_instance, chromium, server):
    """`tablet_in(device, api, world)`: a member's tablet in that iPad profile, on page 1, connected."""
    contexts = []

    def open_tablet(device: str, api, world):
        world.secretary.socket().call(
            "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": 1}
        )
        context = chromium.new_context(**device_options(playwright_instance, device), base_url=server.base_url)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        login_in_browser(page, api.user["username"], f"/meetings/{world.meeting_id}")
        page.locator('[data-testid="page-image"][data-page="1"]').wait_for()
        page.locator('[data-testid="ink-layer"][data-page="1"]').wait_for(state="attached")
        connected(page)
        page.get_by_test_id("annotation-toolbar").wait_for()
        page.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
        return page

    yield open_tablet
    for context in contexts:
        context.close()


def box(page, selector: str) -> dict:
    found = page.locator(selector).bounding_box()
    assert found, f"{selector} is not on the screen"
    return found


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def settle(page):
    """Let transitions (the drawer's slide, a toast's fade-in) finish before measuring."""
    page.wait_for_timeout(400)


def visible_buttons(toolbar) -> list[str]:
    return [b.get_attribute("data-testid") for b in toolbar.locator("button:visible").all()]


PAGE_IMAGE = '[data-testid="page-image"][data-page="1"]'
TOOLBAR = '[data-testid="annotation-toolbar"]'


def test_portrait_rail_is_one_button_clear_of_the_page_and_the_drawer(world, tablet_in, tmp_path):
    tablet = tablet_in(PORTRAIT, world.member, world)
    viewport = tablet.locator('meta[name="viewport"]').get_attribute("content")
    assert "width=device-width" in viewport and zoom_refusals(viewport) == [], viewport

    toolbar = tablet.get_by_test_id("annotation-toolbar")
    fold = tablet.get_by_test_id("annot-fold")
    assert visible_buttons(toolbar) == ["annot-fold"], "folded: the rail is one button"
    assert fold.get_attribute("aria-expanded") == "false"
    assert fold.get_attribute("aria-label"), "the button says what it does"
    assert not overlap(box(tablet, TOOLBAR), box(tablet, PAGE_IMAGE)), "the folded rail covers the page"
    tablet.screenshot(path=tmp_path / "tablet-portrait-folded.png")

    # The agenda drawer slides over the page: the rail stays clear of it.
    tablet.get_by_test_id("toggle-agenda").click()
    tablet.locator('[data-tablet][data-panel="open"]').wait_for()
    settle(tablet)
    drawer = box(tablet, "#agenda-panel")
    assert drawer["x"] >= -1 and drawer["width"] > 200, drawer
    assert not overlap(box(tablet, TOOLBAR), drawer), "the rail covers the agenda drawer"
    assert not overlap(box(tablet, TOOLBAR), box(tablet, PAGE_IMAGE))
    tablet.screenshot(path=tmp_path / "tablet-portrait-agenda.png")
    tablet.locator("[data-panel-close]").click()
    tablet.locator('[data-tablet][data-panel="closed"]').wait_for()
    settle(tablet)

    # Tapping the button unfolds the tools; choosing one folds them again.
    fold.click()
    assert fold.get_attribute("aria-expanded") == "true"
    for tool in ("tool-pen", "tool-highlighter", "tool-note", "tool-eraser", "tool-select", "visibility-toggle"):
        assert tablet.get_by_test_id(tool).is_visible(), f"{tool} is not shown unfolded"
    assert tablet.get_by_test_id("annotation-options").is_visible(), "the pen's colours show beside the rail"
    rail = box(tablet, "#annot-rail")
    bar = box(tablet, ".viewer-bar")
    assert rail["y"] >= bar["y"] + bar["height"], "the unfolded rail fits under the bar"
    tablet.screenshot(path=tmp_path / "tablet-portrait-unfolded.png")
    tablet.get_by_test_id("tool-highlighter").click()
    assert visible_buttons(toolbar) == ["annot-fold"]
    assert fold.get_attribute("data-tool") == "highlighter", "the folded button shows the tool in hand"

    # The pen draws in portrait, on a page that may be zoomed.
    fold.click()
    tablet.get_by_test_id("tool-pen").click()
    assert fold.get_attribute("data-tool") == "pen"
    pen(tablet, wavy(y=0.4))
    tablet.locator('[data-testid="annotation"][data-kind="ink"]').wait_for(state="attached")
    synced(tablet)
    assert [a["kind"] for a in server_annotations(world.member, world)] == ["ink"]
    assert tablet.errors == []


def test_landscape_rail_shows_all_tools(world, tablet_in, tmp_path):
    tablet = tablet_in(LANDSCAPE, world.member, world)
    viewport = tablet.locator('meta[name="viewport"]').get_attribute("content")
    assert zoom_refusals(viewport) == [], viewport
    assert not tablet.get_by_test_id("annot-fold").is_visible(), "no fold button when there is room"
    for tool in ("tool-pen", "tool-highlighter", "tool-note", "tool-eraser", "tool-select"):
        assert tablet.get_by_test_id(tool).is_visible()
    # Choosing a tool does not hide the rail in landscape.
    tablet.get_by_test_id("tool-highlighter").click()
    assert tablet.get_by_test_id("tool-pen").is_visible()
    options = tablet.get_by_test_id("annotation-options")
    assert options.locator('[data-testid="color-swatch"]').count() == 4
    assert options.inner_text().strip() == "", "the highlighter's colours carry no stray text"
    settle(tablet)
    tablet.screenshot(path=tmp_path / "tablet-landscape.png")
    assert tablet.errors == []


def assert_clear_of_page_turns(tablet, toast):
    toast_box = toast.bounding_box()
    assert toast_box, "the toast is not on the screen"
    for button in ("prev-page", "next-page"):
        turn = box(tablet, f'[data-testid="{button}"]')
        assert not overlap(toast_box, turn), f"the toast covers {button}: {toast_box} over {turn}"


@pytest.mark.parametrize("device", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_offline_toast_clear_of_page_turns_and_gone_when_back(world, tablet_in, tmp_path, device):
    tablet = tablet_in(device, world.member, world)
    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    tablet.get_by_test_id("download-annotated").click()
    toast = tablet.locator('[data-testid="toast"][data-key="offline"]')
    toast.wait_for()
    assert toast.get_attribute("role") == "alert"
    settle(tablet)
    assert_clear_of_page_turns(tablet, toast)
    tablet.screenshot(path=tmp_path / f"toast-{device.replace(' ', '-')}.png")
    # Still true, still said: the error stays while the tablet is offline...
    tablet.wait_for_timeout(6500)
    assert toast.is_visible()
    # ... and goes away once it is back.
    tablet.context.set_offline(False)
    connected(tablet)
    toast.wait_for(state="detached", timeout=5000)
    assert tablet.errors == []


def test_unsynced_toast_goes_when_everything_is_synced(world, tablet_in):
    tablet = tablet_in(LANDSCAPE, world.member, world)
    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    pen(tablet, wavy(y=0.6))
    tablet.locator('[data-testid="unsynced-count"][data-count="1"]').wait_for()
    tablet.get_by_test_id("unsynced-count").click()
    toast = tablet.locator('[data-testid="toast"][data-key="unsynced"]')
    toast.wait_for()
    settle(tablet)
    assert_clear_of_page_turns(tablet, toast)
    tablet.context.set_offline(False)
    connected(tablet)
    synced(tablet)
    toast.wait_for(state="detached", timeout=3000)
    assert len(server_annotations(world.member, world)) == 1
    assert tablet.errors == []
