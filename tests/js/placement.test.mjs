import { test } from "node:test";
import assert from "node:assert/strict";
import { placePopover } from "../../web_client/static/js/logic/placement.js";

const bounds = { left: 0, top: 0, right: 1000, bottom: 700 };
const size = { w: 300, h: 200 };
const at = (x, y) => ({ left: x, top: y, right: x + 40, bottom: y + 40 });

test("beside the anchor, on the right when there is room", () => {
  assert.deepEqual(placePopover(at(100, 300), size, bounds), { side: "right", left: 152, top: 220 });
});

test("on the left near the right edge, below or above when neither side fits", () => {
  assert.equal(placePopover(at(900, 300), size, bounds).side, "left");
  const narrow = { left: 0, top: 0, right: 340, bottom: 700 };
  assert.equal(placePopover(at(150, 100), size, narrow).side, "below");
  assert.equal(placePopover(at(150, 600), size, narrow).side, "above");
});

test("always inside the bounds", () => {
  const p = placePopover(at(100, 680), size, bounds);
  assert.ok(p.top + size.h <= bounds.bottom && p.top >= 0);
  const tiny = placePopover(at(5, 5), { w: 2000, h: 2000 }, bounds);
  assert.deepEqual([tiny.left, tiny.top], [0, 0]);
});
