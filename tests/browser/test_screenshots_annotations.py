"""A screenshot of annotations on the demo meeting in the iPad profile, kept in
docs/screenshots/tablet-annotations.png: ink written with the pen, a
highlight snapped to the text, a colleague's shared note, and one's own note
open. The test also checks each mark reached the server."""

from __future__ import annotations

import math

from tests.browser.conftest import IPAD, device_options, login_in_browser
from tests.support import ROOT

SHOTS = ROOT / "docs" / "screenshots"


def _context(playwright_instance, chromium, demo, device=IPAD):
    options = device_options(playwright_instance, device)
    return chromium.new_context(**options, base_url=demo.base_url)


def _pen(page, points, force=0.55):
    box = page.get_by_test_id("ink-layer").bounding_box()
    cdp = page.context.new_cdp_session(page)
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"], p) for x, y, p in points]

    def send(kind, x, y, p, buttons):
        cdp.send(
            "Input.dispatchMouseEvent",
            {
                "type": kind,
                "x": x,
                "y": y,
                "button": "left",
                "buttons": buttons,
                "clickCount": 1,
                "pointerType": "pen",
                "force": p,
            },
        )

    send("mousePressed", *xy[0], 1)
    for x, y, p in xy[1:]:
        send("mouseMoved", x, y, p, 1)
    send("mouseReleased", *xy[-1], 0)
    cdp.detach()


def _ring(cx, cy, rx, ry, turns=1.08, n=70):
    """A hand-drawn loop: a slightly wobbly ellipse, pressing harder mid-way."""
    out = []
    for i in range(n):
        a = -2.6 + 2 * math.pi * turns * i / (n - 1)
        wobble = 1 + 0.03 * math.sin(i / 4)
        out.append(
            (
                cx + rx * wobble * math.cos(a),
                cy + ry * wobble * math.sin(a),
                0.35 + 0.4 * math.sin(math.pi * i / (n - 1)),
            )
        )
    return out


def _underline(x0, x1, y, n=30):
    return [
        (x0 + (x1 - x0) * i / (n - 1), y + 0.002 * math.sin(i / 2.5), 0.45 + 0.2 * math.sin(math.pi * i / (n - 1)))
        for i in range(n)
    ]


def _line_words(words, index):
    """The words on the same line as words[index]."""
    w0 = words[index]
    return [w for w in words if abs((w["y0"] + w["y1"]) / 2 - (w0["y0"] + w0["y1"]) / 2) < (w0["y1"] - w0["y0"]) / 2]


def test_screenshot_of_annotations(playwright_instance, chromium, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    secretary = demo.login("thuky")
    meeting = secretary.ok("GET", "/api/meetings")[0]
    secretary.ok("POST", f"/api/meetings/{meeting['id']}/open")
    full = secretary.ok("GET", f"/api/meetings/{meeting['id']}")
    doc = full["agenda"][0]["documents"][0]
    sock = secretary.socket()
    sock.join(meeting["id"])
    assert sock.call("page:turn", {"meeting_id": meeting["id"], "document_id": doc["id"], "page": 1})["ok"]
    words = secretary.ok("GET", f"/api/documents/{doc['id']}/pages/1/text")["words"]
    assert len(words) > 40, "the demo report has a text layer"

    # A colleague's shared note, already there.
    colleague = demo.login("kiemtra")
    csock = colleague.socket()
    csock.join(meeting["id"])
    ack = csock.call(
        "annotation:put",
        {
            "meeting_id": meeting["id"],
            "annotation": {
                "id": "0b6f3c1e-8a52-4d7e-9c3b-2f1e5d4c3b2a",
                "document_id": doc["id"],
                "page": 1,
                "kind": "note",
                "visibility": "shared",
                "data": {"x": 0.86, "y": 0.46, "text": "Đề nghị bổ sung số liệu so sánh cùng kỳ."},
            },
        },
    )
    assert ack["ok"], ack
    csock.close()

    context = _context(playwright_instance, chromium, demo)
    tablet = context.new_page()
    errors = []
    tablet.on("pageerror", lambda exc: errors.append(str(exc)))
    login_in_browser(tablet, "phobithu", f"/meetings/{meeting['id']}", demo.password("phobithu"))
    tablet.locator('[data-testid="page-image"][data-page="1"]').wait_for()
    tablet.locator('[data-testid="connection-state"][data-state="connected"]').wait_for()
    tablet.get_by_test_id("annotation-toolbar").wait_for()
    tablet.locator('[data-testid="note-pin"][data-own="false"]').wait_for()
    # Room for the page: the agenda folds away, as a member writing on a page does.
    tablet.get_by_test_id("toggle-agenda").click()
    tablet.locator('[data-tablet][data-panel="closed"]').wait_for()
    toggle = tablet.get_by_test_id("visibility-toggle")
    if toggle.get_attribute("data-visibility") != "shared":
        toggle.click()

    # Pick lines of body text from the page's own words: a heading-ish line near
    # the top to ring, a line to highlight, and one to underline.
    body = [i for i, w in enumerate(words) if 0.25 < w["y0"] < 0.75 and w["x0"] < 0.2]
    ring_line = _line_words(words, body[0])
    hl_line = _line_words(words, body[min(3, len(body) - 1)])
    ul_line = _line_words(words, body[min(6, len(body) - 1)])

    # Red ring around the first words of a line.
    assert tablet.get_by_test_id("tool-pen").get_attribute("aria-pressed") == "true", "the pen is ready"
    tablet.get_by_test_id("annotation-options").wait_for()
    tablet.locator('[data-testid="color-swatch"][data-color="#c62828"]').click()
    tablet.locator('[data-testid="width-option"]').nth(1).click()
    ringed = ring_line[: max(2, len(ring_line) // 3)]
    x0, x1 = ringed[0]["x0"], ringed[-1]["x1"]
    y0, y1 = min(w["y0"] for w in ringed), max(w["y1"] for w in ringed)
    _pen(tablet, _ring((x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2 + 0.02, (y1 - y0) / 2 + 0.012))

    # Blue underline.
    tablet.locator('[data-testid="color-swatch"][data-color="#1d4ed8"]').click()
    _pen(tablet, _underline(ul_line[0]["x0"], ul_line[-1]["x1"], max(w["y1"] for w in ul_line) + 0.004))

    # Yellow highlight across a line, snapped to its words.
    tablet.get_by_test_id("tool-highlighter").click()
    mid = (hl_line[0]["y0"] + hl_line[0]["y1"]) / 2
    _pen(
        tablet,
        [
            (hl_line[0]["x0"] + 0.004, mid, 0.5),
            ((hl_line[0]["x0"] + hl_line[-1]["x1"]) / 2, mid, 0.5),
            (hl_line[-1]["x1"] - 0.004, mid, 0.5),
        ],
    )
    tablet.locator('[data-testid="annotation"][data-kind="highlight"]').wait_for(state="attached")

    # One's own note, written and then opened.
    tablet.get_by_test_id("tool-note").click()
    _pen(tablet, [(0.9, y0 - 0.004, 0.5)])
    tablet.get_by_test_id("note-popover").wait_for()
    tablet.get_by_test_id("note-text").fill("Hỏi lại tiến độ giải ngân vốn đầu tư công trước khi biểu quyết.")
    tablet.get_by_test_id("note-save").click()
    tablet.locator('[data-testid="note-pin"][data-own="true"]').wait_for()
    tablet.locator('[data-testid="unsynced-count"][data-count="0"]').wait_for(state="attached")
    tablet.get_by_test_id("tool-pen").click()
    tablet.locator('[data-testid="note-pin"][data-own="true"]').click()
    tablet.get_by_test_id("note-popover").wait_for()
    tablet.wait_for_function("() => [...document.images].filter(i => i.loading !== 'lazy').every(i => i.complete)")
    tablet.locator('[data-testid="toast"]').wait_for(state="detached")  # the share hint has faded
    tablet.wait_for_timeout(400)
    tablet.screenshot(path=SHOTS / "tablet-annotations.png")

    mine = demo.login("phobithu").ok("GET", f"/api/documents/{doc['id']}/annotations?page=1")
    kinds = sorted(a["kind"] for a in mine)
    assert kinds == ["highlight", "ink", "ink", "note", "note"], kinds
    assert errors == []
    context.close()
    sock.close()
