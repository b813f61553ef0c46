import { test } from "node:test";
import assert from "node:assert/strict";
import { applyDrawing, dropPreview, expirePreviews, previewsOn, PREVIEW_TTL_MS } from "../../web_client/static/js/logic/live-strokes.js";

const msg = (start, points, extra = {}) => ({ id: "s", owner_id: 2, document_id: 7, page: 2, color: "#c62828", width: 0.005, start, points, ...extra });
const P = (n, from = 0) => Array.from({ length: n }, (_, i) => [(from + i) / 100, 0.5, 0.5]);

test("messages append in order", () => {
  let p = applyDrawing({}, msg(0, P(3)), 0);
  p = applyDrawing(p, msg(3, P(2, 3)), 50);
  assert.deepEqual(p.s.points, P(5));
  assert.equal(p.s.color, "#c62828");
  assert.equal(previewsOn(p, 7, 2).length, 1);
  assert.equal(previewsOn(p, 7, 3).length, 0);
});

test("a message leaving a gap is dropped; an overlap adds only what is new", () => {
  let p = applyDrawing({}, msg(0, P(3)), 0);
  assert.equal(applyDrawing(p, msg(5, P(2, 5)), 50), p, "gap");
  p = applyDrawing(p, msg(2, P(3, 2)), 60);
  assert.deepEqual(p.s.points, P(5));
  assert.deepEqual(applyDrawing({}, msg(4, P(2, 4)), 0), {}, "joined mid-stroke: wait for the put");
  assert.deepEqual(applyDrawing({}, { id: "s", start: "x", points: [] }, 0), {});
});

test("the final put replaces a preview; silence for 5 s drops it", () => {
  let p = applyDrawing({}, msg(0, P(3)), 1000);
  assert.deepEqual(dropPreview(p, "s"), {});
  assert.equal(dropPreview(p, "other"), p);
  assert.equal(expirePreviews(p, 1000 + PREVIEW_TTL_MS), p);
  assert.deepEqual(expirePreviews(p, 1001 + PREVIEW_TTL_MS), {});
});
