"""Annotations on the tablet, the way a committee member makes them: the Apple
Pencil writes (CDP pen input with pressure), a finger still leafs, changes
made offline reach the server exactly once, and shared marks show up on the
other tablets and on the hall screen."""

from __future__ import annotations

import itertools

from selenium.webdriver.common.by import By

from tests.annotation_support import delete, ink, put
from tests.browser.conftest import webkit_login

# ---- helpers -------------------------------------------------------------------------------


def open_tablet(ipad, api, world, page: int = 1):
    world.secretary.socket().call(
        "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": page}
    )
    tablet = ipad(api, f"/meetings/{world.meeting_id}")
    tablet.locator(f'[data-testid="page-image"][data-page="{page}"]').wait_for()
    tablet.locator(f'[data-testid="ink-layer"][data-page="{page}"]').wait_for(state="attached")
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    # The toolbar shows once the member and the outbox are known.
    tablet.get_by_test_id("annotation-toolbar").wait_for()
    return tablet


def page_point(page, x: float, y: float) -> tuple[float, float]:
    """Viewport coordinates of a point given as fractions of the page."""
    box = page.get_by_test_id("ink-layer").bounding_box()
    return box["x"] + x * box["width"], box["y"] + y * box["height"]


def pen(page, points, *, force: float = 0.6, pointer: str = "pen"):
    """Draw through Chromium's input pipeline as an Apple Pencil would (pointerType "pen", pressure)."""
    cdp = page.context.new_cdp_session(page)
    xy = [page_point(page, x, y) for x, y in points]

    def send(kind, x, y, buttons):
        cdp.send(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": x,
                "y": y,
                "button": "left",
                "buttons": buttons,
                "clickCount": 1,
                "pointerType": pointer,
                "force": force,
            },
        )

    send("mousePressed", *xy[0], 1)
    for x, y in xy[1:]:
        send("mouseMoved", x, y, 1)
    send("mouseReleased", *xy[-1], 0)
    cdp.detach()


def wavy(x0=0.2, x1=0.7, y=0.4, n=24):
    return [(x0 + (x1 - x0) * i / (n - 1), y + 0.02 * ((-1) ** i) * (i % 3) / 2) for i in range(n)]


def server_annotations(api, world, page: int | None = None):
    suffix = f"?page={page}" if page else ""
    return api.ok("GET", f"/api/documents/{world.document['id']}/annotations{suffix}")


def choose(page, testid: str):
    page.get_by_test_id(testid).click()


def set_visibility(page, visibility: str):
    toggle = page.get_by_test_id("visibility-toggle")
    if toggle.get_attribute("data-visibility") != visibility:
        toggle.click()
    page.locator(f'[data-testid="visibility-toggle"][data-visibility="{visibility}"]').wait_for()


def synced(page):
    page.locator('[data-testid="unsynced-count"][data-count="0"]').wait_for(state="attached")


# ---- tests ------------------------------------------------------------------------------------


def test_a_pen_stroke_appears_on_another_tablet_once(world, ipad):
    writer = open_tablet(ipad, world.member, world)
    reader = open_tablet(ipad, world.member2, world)
    # A private jotting first: it must stay on the writer's tablet.
    set_visibility(writer, "private")
    pen(writer, wavy(y=0.3))
    writer.locator('[data-testid="annotation"][data-kind="ink"][data-visibility="private"]').wait_for(state="attached")
    synced(writer)

    set_visibility(writer, "shared")
    pen(writer, wavy(y=0.5))
    shared = writer.locator('[data-testid="annotation"][data-kind="ink"][data-visibility="shared"]')
    shared.wait_for(state="attached")
    stroke_id = shared.get_attribute("data-annotation-id")
    synced(writer)
    reader.locator(f'[data-testid="annotation"][data-annotation-id="{stroke_id}"]').wait_for(state="attached")

    listed = server_annotations(world.member, world, page=1)
    assert sorted(a["visibility"] for a in listed) == ["private", "shared"]
    shared_on_server = [a for a in listed if a["visibility"] == "shared"]
    assert [a["id"] for a in shared_on_server] == [stroke_id]
    stroke = shared_on_server[0]
    assert stroke["kind"] == "ink" and stroke["owner_id"] == world.member.id
    points = stroke["data"]["points"]
    assert len(points) >= 10
    assert all(abs(p[2] - 0.6) < 0.01 for p in points), "the pen's pressure is kept"
    assert 0.15 < points[0][0] < 0.25 and 0.45 < points[0][1] < 0.55, "where the pen touched the page"
    # The reader sees the shared stroke and never the private one.
    assert reader.locator('[data-testid="annotation"]').count() == 1
    assert [a["id"] for a in server_annotations(world.member2, world, page=1)] == [stroke_id]
    assert writer.errors == [] and reader.errors == []


def test_offline_strokes_reach_the_server_once_when_back(world, ipad):
    tablet = open_tablet(ipad, world.member, world)
    set_visibility(tablet, "shared")
    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    pen(tablet, wavy(y=0.6))
    badge = tablet.get_by_test_id("unsynced-count")
    tablet.locator('[data-testid="unsynced-count"][data-count="1"]').wait_for()
    assert badge.is_visible()
    marker = tablet.locator('[data-testid="annotation"][data-kind="ink"][data-pending="true"]')
    marker.wait_for(state="attached")
    assert tablet.get_by_test_id("unsynced-marker").count() == 1
    assert server_annotations(world.member, world) == []

    tablet.context.set_offline(False)
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30000)
    synced(tablet)
    assert not badge.is_visible()
    tablet.locator('[data-testid="annotation"][data-kind="ink"][data-pending="false"]').wait_for(state="attached")
    assert tablet.get_by_test_id("unsynced-marker").count() == 0
    listed = server_annotations(world.member, world)
    assert len(listed) == 1 and listed[0]["kind"] == "ink"
    # A reload finds nothing left to send, and shows the stroke from the server.
    tablet.reload()
    tablet.locator('[data-testid="annotation"][data-kind="ink"]').wait_for(state="attached")
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    assert tablet.get_by_test_id("unsynced-count").get_attribute("data-count") == "0"
    assert len(server_annotations(world.member, world)) == 1


def test_a_refused_change_is_dropped_and_the_page_reloaded(world, ipad):
    """The member changes a stroke offline that their other device deleted meanwhile:
    on reconnect the server refuses it (conflict: deleted), the outbox drops it
    and the tablet shows what the server has."""
    tablet = open_tablet(ipad, world.member, world)
    set_visibility(tablet, "shared")
    pen(tablet, wavy(y=0.5))
    stroke = tablet.locator('[data-testid="annotation"][data-kind="ink"]')
    stroke.wait_for(state="attached")
    stroke_id = stroke.get_attribute("data-annotation-id")
    synced(tablet)

    tablet.context.set_offline(True)
    tablet.locator('[data-testid="connection-state"]:not([data-state="connected"])').wait_for(timeout=30000)
    choose(tablet, "tool-select")
    x, y = page_point(tablet, 0.45, 0.5)
    tablet.mouse.click(x, y)
    tablet.get_by_test_id("annot-make-private").click()
    tablet.locator(f'[data-annotation-id="{stroke_id}"][data-visibility="private"][data-pending="true"]').wait_for(
        state="attached"
    )
    other_device = world.member.socket()
    other_device.join(world.meeting_id)
    assert delete(other_device, world, stroke_id)["ok"]
    other_device.close()

    tablet.context.set_offline(False)
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for(timeout=30000)
    synced(tablet)
    stroke.wait_for(state="detached")
    assert server_annotations(world.member, world) == []
    assert tablet.errors == []


def test_a_shared_stroke_is_streamed_while_drawn_and_a_private_one_is_not(world, ipad):
    tablet = open_tablet(ipad, world.member, world)
    listener = world.member2.socket()
    listener.join(world.meeting_id)
    set_visibility(tablet, "private")
    pen(tablet, wavy(y=0.3))
    synced(tablet)
    set_visibility(tablet, "shared")
    pen(tablet, wavy(y=0.5))
    seen = []
    while not seen or seen[-1][0] != "annotation:put":
        seen.append(listener.next_event())
    listener.close()
    final = seen[-1][1]["annotation"]
    assert final["visibility"] == "shared"
    pieces = [data for event, data in seen if event == "annotation:drawing"]
    assert pieces, "the shared stroke was streamed before it was put"
    # Only the shared stroke, from its first point on, without gaps, by its owner.
    assert {p["id"] for p in pieces} == {final["id"]}
    assert pieces[0]["start"] == 0 and pieces[0]["owner_id"] == world.member.id
    for a, b in itertools.pairwise(pieces):
        assert b["start"] == a["start"] + len(a["points"])
    streamed = [pt for p in pieces for pt in p["points"]]
    assert streamed == final["data"]["points"][: len(streamed)]


def test_a_finger_swipe_leafs_and_does_not_draw(world, ipad):
    tablet = open_tablet(ipad, world.member, world)
    assert tablet.get_by_test_id("tool-pen").get_attribute("aria-pressed") == "true"
    cdp = tablet.context.new_cdp_session(tablet)
    (x0, y), (x1, _) = page_point(tablet, 0.8, 0.5), page_point(tablet, 0.15, 0.5)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for i in range(1, 9):
        cdp.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x0 + (x1 - x0) * i / 8, "y": y}]}
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    tablet.locator('[data-testid="page-image"][data-page="2"]').wait_for()
    tablet.locator('[data-testid="ink-layer"][data-page="2"]').wait_for(state="attached")
    assert tablet.locator('[data-testid="annotation"]').count() == 0
    assert tablet.get_by_test_id("unsynced-count").get_attribute("data-count") == "0"
    assert server_annotations(world.member, world) == []

    # Fit to width, the page is taller than the screen: a finger drag up scrolls it
    # (the ink layer turned native panning off for the pen; the page view moves it).
    tablet.get_by_test_id("toggle-fit").click()
    stage = tablet.locator('[data-page-stage][data-fit="width"]')
    stage.wait_for()
    tablet.wait_for_function(
        "() => { const s = document.querySelector('[data-page-stage]'); return s.scrollHeight > s.clientHeight + 100; }"
    )
    before = stage.evaluate("s => s.scrollTop")
    box = stage.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for i in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 30 * i}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    assert stage.evaluate("s => s.scrollTop") >= before + 150
    assert tablet.locator('[data-testid="annotation"]').count() == 0

    # ...while the pen on the same page writes, and does not leaf.
    pen(tablet, [(0.8, 0.5), (0.5, 0.5), (0.15, 0.5)])
    tablet.locator('[data-testid="annotation"][data-kind="ink"]').wait_for(state="attached")
    assert tablet.get_by_test_id("page-image").get_attribute("data-page") == "2"
    synced(tablet)
    assert [a["page"] for a in server_annotations(world.member, world)] == [2]


def test_highlight_from_the_text_layer_and_a_note(world, ipad):
    tablet = open_tablet(ipad, world.member, world)
    reader = open_tablet(ipad, world.member2, world)
    words = world.member.ok("GET", f"/api/documents/{world.document['id']}/pages/1/text")["words"]
    first, last = words[0], words[3]  # "Bien ban cuoc hop"
    set_visibility(tablet, "shared")
    choose(tablet, "tool-highlighter")
    mid = (first["y0"] + first["y1"]) / 2
    pen(tablet, [(first["x0"] + 0.003, mid), ((first["x1"] + last["x0"]) / 2, mid), (last["x1"] - 0.003, mid)])
    tablet.locator('[data-testid="annotation"][data-kind="highlight"]').wait_for(state="attached")
    synced(tablet)
    [hl] = server_annotations(world.member, world)
    assert hl["kind"] == "highlight" and hl["visibility"] == "shared"
    [rect] = hl["data"]["rects"]
    assert abs(rect[0] - first["x0"]) < 1e-3 and abs(rect[2] - last["x1"]) < 1e-3, "snapped to the words"
    assert abs(rect[1] - min(w["y0"] for w in words[:4])) < 1e-3
    reader.locator('[data-testid="annotation"][data-kind="highlight"]').wait_for(state="attached")
    # Sharing was not pinned: it lasted for that one highlight, the next mark is private again.
    tablet.locator('[data-testid="visibility-toggle"][data-visibility="private"]').wait_for()
    assert not tablet.get_by_test_id("share-pin").is_visible()

    # A note: share it, tap in note mode, write, save.
    set_visibility(tablet, "shared")
    assert tablet.get_by_test_id("share-pin").get_attribute("data-pinned") == "false"
    choose(tablet, "tool-note")
    pen(tablet, [(0.7, 0.3)])
    tablet.get_by_test_id("note-popover").wait_for()
    assert tablet.get_by_test_id("note-shared").get_attribute("aria-pressed") == "true"
    tablet.get_by_test_id("note-text").fill("Đề nghị làm rõ số liệu quý III")
    tablet.get_by_test_id("note-save").click()
    pin = tablet.locator('[data-testid="note-pin"][data-own="true"]')
    pin.wait_for()
    synced(tablet)
    [note] = [a for a in server_annotations(world.member, world) if a["kind"] == "note"]
    assert note["data"]["text"] == "Đề nghị làm rõ số liệu quý III"
    assert abs(note["data"]["x"] - 0.7) < 0.01 and abs(note["data"]["y"] - 0.3) < 0.01
    assert note["visibility"] == "shared"
    tablet.locator('[data-testid="visibility-toggle"][data-visibility="private"]').wait_for()

    # Another member reads it, with the author's name, and cannot edit it.
    reader.locator('[data-testid="note-pin"][data-own="false"]').click()
    reader.get_by_test_id("note-popover").wait_for()
    assert reader.get_by_test_id("note-body").inner_text() == "Đề nghị làm rõ số liệu quý III"
    assert "Lê Văn Ủy Viên" in reader.get_by_test_id("note-author").inner_text()
    assert reader.get_by_test_id("note-text").count() == 0 and reader.get_by_test_id("note-delete").count() == 0

    # The author edits it and makes it private: it leaves the reader's page.
    pin.click()
    tablet.get_by_test_id("note-text").fill("Đề nghị làm rõ số liệu quý III và IV")
    tablet.get_by_test_id("note-private").click()
    tablet.get_by_test_id("note-save").click()
    reader.locator('[data-testid="note-pin"]').wait_for(state="detached")
    synced(tablet)
    [note] = [a for a in server_annotations(world.member, world) if a["kind"] == "note"]
    assert note["visibility"] == "private" and note["data"]["text"].endswith("và IV")
    assert tablet.errors == [] and reader.errors == []


def test_pinned_sharing_lasts_until_unpinned_and_survives_a_reload(world, ipad):
    """Shared mode is for one mark unless the member pins it: then every mark is shared,
    after a reload too, until unpinned; the next mark after that is the last shared one."""
    tablet = open_tablet(ipad, world.member, world)

    def visibilities():
        synced(tablet)
        marks = sorted(server_annotations(world.member, world), key=lambda a: a["data"]["points"][0][1])
        return [a["visibility"] for a in marks]

    set_visibility(tablet, "shared")
    tablet.get_by_test_id("share-pin").click()
    tablet.locator('[data-testid="share-pin"][data-pinned="true"]').wait_for()
    pen(tablet, wavy(y=0.2))
    pen(tablet, wavy(y=0.3))
    assert visibilities() == ["shared", "shared"]
    assert tablet.get_by_test_id("visibility-toggle").get_attribute("data-visibility") == "shared"

    tablet.reload()
    tablet.get_by_test_id("annotation-toolbar").wait_for()
    tablet.locator('[data-testid="visibility-toggle"][data-visibility="shared"]').wait_for()
    tablet.locator('[data-testid="share-pin"][data-pinned="true"]').wait_for()
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    pen(tablet, wavy(y=0.4))
    assert visibilities() == ["shared", "shared", "shared"]

    # Unpinned: sharing is on for the next mark only.
    tablet.get_by_test_id("share-pin").click()
    tablet.locator('[data-testid="share-pin"][data-pinned="false"]').wait_for()
    pen(tablet, wavy(y=0.5))
    tablet.locator('[data-testid="visibility-toggle"][data-visibility="private"]').wait_for()
    pen(tablet, wavy(y=0.6))
    assert visibilities() == ["shared", "shared", "shared", "shared", "private"]
    assert tablet.errors == []


def test_eraser_undo_and_the_menu_on_ones_own_mark(world, ipad):
    tablet = open_tablet(ipad, world.member, world)
    reader = open_tablet(ipad, world.member2, world)
    set_visibility(tablet, "shared")
    pen(tablet, wavy(y=0.5))
    strokes = tablet.locator('[data-testid="annotation"][data-kind="ink"]')
    strokes.wait_for(state="attached")
    first_id = strokes.get_attribute("data-annotation-id")
    reader.locator(f'[data-annotation-id="{first_id}"]').wait_for(state="attached")

    # The eraser takes it; undo brings it back under a new id (the old one is tombstoned).
    choose(tablet, "tool-eraser")
    pen(tablet, [(0.45, 0.42), (0.45, 0.5), (0.45, 0.58)])
    strokes.wait_for(state="detached")
    reader.locator(f'[data-annotation-id="{first_id}"]').wait_for(state="detached")
    choose(tablet, "annot-undo")
    strokes.wait_for(state="attached")
    again = strokes.get_attribute("data-annotation-id")
    assert again != first_id
    reader.locator(f'[data-annotation-id="{again}"]').wait_for(state="attached")
    synced(tablet)
    assert [a["id"] for a in server_annotations(world.member, world)] == [again]

    # Select it: the menu makes it private, and it leaves the reader's page.
    choose(tablet, "tool-select")
    x, y = page_point(tablet, 0.45, 0.5)
    tablet.mouse.click(x, y)
    tablet.get_by_test_id("annotation-menu").wait_for()
    tablet.get_by_test_id("annot-make-private").click()
    tablet.locator(f'[data-annotation-id="{again}"][data-visibility="private"]').wait_for(state="attached")
    reader.locator(f'[data-annotation-id="{again}"]').wait_for(state="detached")
    # Undo shares it again.
    choose(tablet, "annot-undo")
    reader.locator(f'[data-annotation-id="{again}"]').wait_for(state="attached")
    synced(tablet)
    assert server_annotations(world.member, world)[0]["visibility"] == "shared"
    assert tablet.errors == []


def test_hall_screen_shows_shared_strokes_live(world, ipad):
    """A member's shared stroke reaches the hall screen only once the presenter lets
    members' shared ink through (off by default); a private one never does."""
    tablet = open_tablet(ipad, world.member, world)
    screen = ipad(world.secretary, f"/meetings/{world.meeting_id}/screen")
    screen.locator('[data-testid="page-image"][data-page="1"]').wait_for()
    screen.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    set_visibility(tablet, "private")
    pen(tablet, wavy(y=0.3))
    synced(tablet)
    set_visibility(tablet, "shared")
    pen(tablet, wavy(y=0.5))
    shared = tablet.locator('[data-testid="annotation"][data-visibility="shared"]')
    shared.wait_for(state="attached")
    stroke_id = shared.get_attribute("data-annotation-id")
    synced(tablet)

    def on_screen(annotation_id: str):
        return screen.locator(f'[data-testid="annotation"][data-annotation-id="{annotation_id}"]')

    # Held back by default: the presenter's own ink, put after the member's stroke, shows
    # (events reach the screen in order), the member's does not.
    secretary = world.secretary.socket()
    secretary.join(world.meeting_id)
    presenters = ink(world, color="#1565C0")
    assert put(secretary, world, presenters)["ok"]
    secretary.close()
    on_screen(presenters["id"]).wait_for(state="attached")
    assert on_screen(stroke_id).count() == 0
    assert screen.locator('[data-testid="annotation"]').count() == 1

    # The presenter lets members' shared ink through: the stroke appears on the wall...
    world.secretary.ok("PUT", f"/api/meetings/{world.meeting_id}/screen", json={"show_shared_ink": True})
    on_screen(stroke_id).wait_for(state="attached")
    assert on_screen(stroke_id).get_attribute("d").startswith("M")
    # ...and the next one arrives live.
    set_visibility(tablet, "shared")
    pen(tablet, wavy(y=0.7))
    # Shared on the tablet: the first stroke, the presenter's and this one.
    tablet.locator('[data-testid="annotation"][data-visibility="shared"]').nth(2).wait_for(state="attached")
    synced(tablet)
    ids = {a["id"] for a in server_annotations(world.member, world, page=1) if a["visibility"] == "shared"}
    [second_id] = ids - {stroke_id, presenters["id"]}
    on_screen(second_id).wait_for(state="attached")
    # Never a private stroke on the wall.
    assert screen.locator('[data-testid="annotation"]').count() == 3
    assert tablet.errors == [] and screen.errors == []


def test_a_shared_stroke_in_progress_is_previewed(world, ipad):
    """While a shared stroke is drawn, the others see it grow (annotation:drawing)."""
    watcher = open_tablet(ipad, world.member2, world)
    writer = world.member.socket()
    writer.join(world.meeting_id)
    stroke_id = "6f1c0a5e-3b2d-4e8f-9a7b-1c2d3e4f5a6b"
    base = {
        "meeting_id": world.meeting_id,
        "id": stroke_id,
        "document_id": world.document["id"],
        "page": 1,
        "color": "#C62828",
        "width": 0.006,
    }
    assert writer.call("annotation:drawing", {**base, "start": 0, "points": [[0.1, 0.2, 0.5], [0.2, 0.2, 0.5]]})["ok"]
    preview = watcher.locator(f'[data-testid="ink-preview"][data-annotation-id="{stroke_id}"]')
    preview.wait_for(state="attached")
    first = preview.get_attribute("d")
    assert writer.call("annotation:drawing", {**base, "start": 2, "points": [[0.3, 0.25, 0.5], [0.4, 0.3, 0.5]]})["ok"]
    watcher.wait_for_function(
        "([id, d]) => { const p = document.querySelector(`[data-testid=ink-preview][data-annotation-id='${id}']`); return p && p.getAttribute('d') !== d; }",
        arg=[stroke_id, first],
    )
    # The final put replaces the preview with the stroke.
    stroke = ink(world, id=stroke_id, points=[[0.1, 0.2, 0.5], [0.2, 0.2, 0.5], [0.3, 0.25, 0.5], [0.4, 0.3, 0.5]])
    assert put(writer, world, stroke)["ok"]
    watcher.locator(f'[data-testid="annotation"][data-annotation-id="{stroke_id}"]').wait_for(state="attached")
    preview.wait_for(state="detached")
    writer.close()


def test_webkit_tablet_renders_shared_annotations(world, webkit, server):
    """iPad Safari's engine draws the ink layer: the shared stroke is an SVG path with a real size."""
    writer = world.member.socket()
    writer.join(world.meeting_id)
    stroke = ink(world, points=[[0.1 + i * 0.02, 0.3 + (i % 2) * 0.01, 0.5] for i in range(20)])
    assert put(writer, world, stroke)["ok"]
    writer.close()
    world.secretary.socket().call(
        "page:turn", {"meeting_id": world.meeting_id, "document_id": world.document["id"], "page": 1}
    )
    wait = webkit_login(webkit, server.base_url, world.member2.user["username"], f"/meetings/{world.meeting_id}")
    selector = f'[data-testid="annotation"][data-annotation-id="{stroke["id"]}"]'
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
    size = webkit.execute_script(
        "const b = document.querySelector(arguments[0]).getBBox(); return [b.width, b.height];", selector
    )
    assert size[0] > 300 and size[1] > 5, size  # ~0.4 of the 1000-unit page width
    assert webkit.find_element(By.CSS_SELECTOR, '[data-testid="annotation-toolbar"]').is_displayed()
