import { test } from "node:test";
import assert from "node:assert/strict";
import { clampZoom, distance, midpoint, anchoredScroll, doubleTapZoom, MAX_ZOOM } from "../../web_client/static/js/logic/zoom.js";

test("clampZoom keeps zoom within [1, 3] and snaps near 1 to fit", () => {
  assert.equal(clampZoom(0.5), 1);
  assert.equal(clampZoom(1.03), 1);
  assert.equal(clampZoom(1.5), 1.5);
  assert.equal(clampZoom(7), MAX_ZOOM);
  assert.equal(clampZoom(NaN), 1);
});

test("pinch geometry", () => {
  assert.equal(distance({ x: 0, y: 0 }, { x: 3, y: 4 }), 5);
  assert.deepEqual(midpoint({ x: 0, y: 0 }, { x: 10, y: 20 }), { x: 5, y: 10 });
});

test("anchoredScroll keeps the pinched point still", () => {
  // The point 100 px into a scroller scrolled by 50 sits at content x=150;
  // at twice the zoom it is at 300, so scroll 200 keeps it 100 px in.
  assert.deepEqual(anchoredScroll({ scrollLeft: 50, scrollTop: 0 }, { x: 100, y: 0 }, 1, 2), { left: 200, top: 0 });
  assert.deepEqual(anchoredScroll({ scrollLeft: 0, scrollTop: 0 }, { x: 10, y: 10 }, 2, 1), { left: 0, top: 0 });
});

test("double tap toggles between fit and 2x", () => {
  assert.equal(doubleTapZoom(1), 2);
  assert.equal(doubleTapZoom(2.5), 1);
});
