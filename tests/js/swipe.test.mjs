import { test } from "node:test";
import assert from "node:assert/strict";
import { classifySwipe } from "../../web_client/static/js/logic/swipe.js";

test("a quick leftward swipe goes to the next page", () => {
  assert.equal(classifySwipe({ dx: -120, dy: 10, dt: 200 }), "next");
});

test("a rightward swipe goes to the previous page", () => {
  assert.equal(classifySwipe({ dx: 140, dy: -20, dt: 300 }), "prev");
});

test("a tap or a short drag is not a swipe", () => {
  assert.equal(classifySwipe({ dx: 3, dy: 2, dt: 80 }), null);
  assert.equal(classifySwipe({ dx: -30, dy: 0, dt: 100 }), null);
});

test("a mostly vertical move is a scroll, not a swipe", () => {
  assert.equal(classifySwipe({ dx: -80, dy: 90, dt: 200 }), null);
  assert.equal(classifySwipe({ dx: -80, dy: 60, dt: 200 }), null);
});

test("a slow drag is not a swipe", () => {
  assert.equal(classifySwipe({ dx: -200, dy: 0, dt: 2000 }), null);
});

test("garbage input is not a swipe", () => {
  assert.equal(classifySwipe({ dx: NaN, dy: 0, dt: 10 }), null);
});
