"""The core of the meeting room: the console turns pages, every tablet follows."""

from __future__ import annotations

import re

from selenium.webdriver.common.by import By

from tests.browser.conftest import webkit_login


def page_image(page, n: int):
    return page.locator(f'[data-testid="page-image"][data-page="{n}"]')


def test_console_turns_pages_and_the_tablet_follows(world, ipad):
    doc = world.document["id"]
    world.secretary.socket().call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1})
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    page_image(tablet, 1).wait_for()
    tablet.get_by_test_id("connection-state").and_(tablet.locator('[data-state="connected"]')).wait_for()

    console.get_by_test_id("next-page").click()
    page_image(tablet, 2).wait_for()
    # The page arrives over HTTP as the protocol's page URL (prefetched or on the turn)...
    assert any(re.search(rf"/api/documents/{doc}/pages/2\?width=\d+", url) for url in tablet.requested)
    assert f"/api/documents/{doc}/pages/2" in tablet.get_by_test_id("page-image").get_attribute("src")
    # ...and is really drawn, sized for the iPad's retina screen.
    natural = tablet.get_by_test_id("page-image").evaluate("i => i.complete ? i.naturalWidth : 0")
    assert natural >= tablet.get_by_test_id("page-image").evaluate("i => i.clientWidth") * 2 * 0.9

    # Keyboard on the console, as a secretary with a clicker does.
    console.keyboard.press("ArrowRight")
    page_image(tablet, 3).wait_for()
    # Jump to a page.
    console.get_by_test_id("page-jump").fill("5")
    console.get_by_test_id("page-jump").press("Enter")
    page_image(tablet, 5).wait_for()
    assert tablet.errors == [] and console.errors == []


def test_member_leafs_ahead_and_snaps_back(world, ipad):
    doc = world.document["id"]
    secretary = world.secretary.socket()
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 2})
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    page_image(tablet, 2).wait_for()
    follow = tablet.get_by_test_id("follow-presenter")
    assert not follow.is_visible()

    tablet.get_by_test_id("next-page").click()
    tablet.get_by_test_id("next-page").click()
    page_image(tablet, 4).wait_for()
    follow.wait_for(state="visible")
    # While leafing, the presenter's turns do not yank the page away...
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 3})
    tablet.wait_for_timeout(800)
    assert tablet.get_by_test_id("page-image").get_attribute("data-page") == "4"
    # ...and one tap goes back to the presenter and follows again.
    follow.click()
    page_image(tablet, 3).wait_for()
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1})
    page_image(tablet, 1).wait_for()
    secretary.close()


def test_tablet_catches_up_after_wifi_drop(world, ipad):
    doc = world.document["id"]
    secretary = world.secretary.socket()
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1})
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    page_image(tablet, 1).wait_for()
    state = tablet.get_by_test_id("connection-state")
    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 4})
    tablet.context.set_offline(False)
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30000)
    page_image(tablet, 4).wait_for(timeout=30000)
    assert state.get_attribute("data-state") == "connected"
    secretary.close()


def test_webkit_tablet_follows_the_console(world, ipad, webkit, server):
    """The same flow with the tablet in WebKit, iPad Safari's engine."""
    doc = world.document["id"]
    world.secretary.socket().call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1})
    wait = webkit_login(webkit, server.base_url, world.member.user["username"], f"/meetings/{world.meeting_id}")

    def shows(n):
        def check(driver):
            found = driver.find_elements(By.CSS_SELECTOR, f'[data-testid="page-image"][data-page="{n}"]')
            return (
                found
                and f"/pages/{n}" in found[0].get_attribute("src")
                and driver.execute_script("const i = arguments[0]; return i.complete && i.naturalWidth > 0", found[0])
            )

        return check

    wait.until(shows(1))
    # Vietnamese comes through intact (the page declares UTF-8).
    assert "Báo cáo tình hình" in webkit.page_source
    console = ipad(world.secretary, f"/meetings/{world.meeting_id}/console")
    console.get_by_test_id("next-page").click()
    wait.until(shows(2))
    console.keyboard.press("ArrowRight")
    wait.until(shows(3))


def test_tablet_back_from_a_long_absence_fetches_the_rest_in_pages(world, ipad):
    """450 events while the iPad slept: the join answers with the first page,
    the tablet asks meeting:replay for the rest, then shows where the room is."""
    doc = world.document["id"]
    secretary = world.secretary.socket()
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1})
    tablet = ipad(world.member, f"/meetings/{world.meeting_id}")
    sent_frames: list[str] = []
    tablet.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent_frames.append(str(payload))))
    page_image(tablet, 1).wait_for()
    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    for n in range(450):
        secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 1 + n % 5})
    secretary.call("page:turn", {"meeting_id": world.meeting_id, "document_id": doc, "page": 3})
    tablet.context.set_offline(False)
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30000)
    page_image(tablet, 3).wait_for(timeout=30000)
    assert sum("meeting:replay" in frame for frame in sent_frames) >= 2, "the rest came page by page"
    assert tablet.errors == []
    secretary.close()
