import { test } from "node:test";
import assert from "node:assert/strict";
import {
  emptyIndex, applyPut, applyDelete, replacePage, pageAnnotations, pageView, sharedOnly, isOwn,
  newId, wirePoints, makeAnnotation, recreated, changed, hitTest, erased, bounds, distanceTo,
} from "../../web_client/static/js/logic/annotations.js";

const ink = (id, extra = {}) => ({
  id, document_id: 7, page: 2, kind: "ink", visibility: "shared", owner_id: 1,
  data: { points: [[0.1, 0.1, 0.5], [0.3, 0.1, 0.5]], color: "#1a1e24", width: 0.004 }, ...extra,
});
const ids = (list) => list.map((a) => a.id);

test("puts and deletes apply in seq order whatever order they arrive in", () => {
  let ix = applyPut(emptyIndex(), ink("a"), 5);
  ix = applyPut(ix, ink("a", { visibility: "private" }), 4);
  assert.equal(pageAnnotations(ix, 7, 2)[0].visibility, "shared", "an older put loses");
  // Made private: the room's delete (seq 10) and the owner's put (seq 11); the put arrives first.
  ix = applyPut(ix, ink("a", { visibility: "private" }), 11);
  ix = applyDelete(ix, "a", 10);
  assert.deepEqual(ids(pageAnnotations(ix, 7, 2)), ["a"], "the late delete does not wipe the newer put");
  ix = applyDelete(ix, "a", 12);
  assert.deepEqual(pageAnnotations(ix, 7, 2), []);
  ix = applyPut(ix, ink("a"), 9);
  assert.deepEqual(pageAnnotations(ix, 7, 2), [], "an older put does not bring a deleted one back");
  ix = applyPut(ix, ink("a"), 13);
  assert.deepEqual(ids(pageAnnotations(ix, 7, 2)), ["a"], "a newer one does (private -> shared again)");
});

test("the same put twice (an ack and its own echo) is harmless", () => {
  let ix = applyPut(emptyIndex(), ink("a"), 5);
  ix = applyPut(ix, ink("a"), 5);
  assert.equal(pageAnnotations(ix, 7, 2).length, 1);
  assert.equal(applyPut(ix, { id: 3 }, 9), ix, "no string id: ignored");
});

test("a page listing replaces what was known up to its seq and keeps newer events", () => {
  let ix = applyPut(emptyIndex(), ink("old"), 3);
  ix = applyPut(ix, ink("fresh"), 20); // arrived while the listing was on its way
  ix = applyDelete(ix, "gone", 21);
  ix = applyPut(ix, ink("other-page", { page: 3 }), 2);
  ix = replacePage(ix, 7, 2, [ink("listed"), ink("gone"), ink("foreign", { page: 4 })], 10);
  assert.deepEqual(ids(pageAnnotations(ix, 7, 2)).sort(), ["fresh", "listed"]);
  assert.deepEqual(ids(pageAnnotations(ix, 7, 3)), ["other-page"], "other pages untouched");
  assert.deepEqual(pageAnnotations(ix, 7, 4), [], "a listing only speaks for its page");
  // A deletion older than the listing does not hide what the listing shows.
  let iy = applyDelete(emptyIndex(), "back", 4);
  iy = replacePage(iy, 7, 2, [ink("back")], 10);
  assert.deepEqual(ids(pageAnnotations(iy, 7, 2)), ["back"]);
});

test("a page shows the server's annotations overlaid with the outbox", () => {
  const server = [ink("a"), ink("b"), { ...ink("h"), kind: "highlight", data: { rects: [], color: "#ffd60a" } }];
  const pending = [
    { op: "put", id: "b", annotation: ink("b", { visibility: "private" }) },
    { op: "put", id: "c", annotation: ink("c") },
    { op: "delete", id: "a", document_id: 7, page: 2 },
    { op: "put", id: "x", annotation: ink("x", { page: 5 }) },
    { op: "put", id: "n", annotation: { ...ink("n"), kind: "note", data: { x: 0.5, y: 0.5, text: "?" } } },
  ];
  const view = pageView(server, pending, 7, 2);
  assert.deepEqual(view.map((v) => v.annotation.id), ["h", "b", "c", "n"], "highlights under ink, notes on top");
  assert.deepEqual(view.map((v) => v.pending), [false, true, true, true]);
  assert.equal(view[1].annotation.visibility, "private", "the device's own later change wins");
});

test("the hall screen keeps only shared annotations; ownership by user id", () => {
  assert.deepEqual(ids(sharedOnly([ink("a"), ink("b", { visibility: "private" })])), ["a"]);
  assert.ok(isOwn(ink("a"), "1") && !isOwn(ink("a"), 2) && !isOwn(null, 1));
});

test("ids are UUID v4, also without crypto.randomUUID (plain HTTP on a LAN)", () => {
  const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(newId(), re);
  const noRandomUUID = { getRandomValues: (b) => globalThis.crypto.getRandomValues(b) };
  assert.match(newId(noRandomUUID), re);
  assert.notEqual(newId(noRandomUUID), newId(noRandomUUID));
});

test("points for the wire are clamped to the page, rounded and capped", () => {
  assert.deepEqual(wirePoints([[0.1234567, -0.2, 1.7], [1.5, 0.5]]), [[0.12346, 0, 1], [1, 0.5, 0.5]]);
  assert.equal(wirePoints(Array.from({ length: 30 }, () => [0, 0, 0]), 20).length, 20);
});

test("making, recreating and changing annotations", () => {
  const a = makeAnnotation({ document_id: "7", page: "2", kind: "note", data: { x: 0.2, y: 0.3, text: "Hỏi lại" } });
  assert.equal(a.visibility, "private", "private unless chosen otherwise");
  assert.equal(a.document_id, 7);
  const server = { ...a, owner_id: 4, updated_at: "2026-01-01T00:00:00+07:00" };
  const again = recreated(server, "new-id");
  assert.equal(again.id, "new-id");
  assert.ok(!("owner_id" in again) && !("updated_at" in again), "the server sets those");
  assert.notEqual(again.data, server.data, "a copy, not shared state");
  const shared = changed(server, { visibility: "shared" });
  assert.equal(shared.id, a.id);
  assert.equal(shared.visibility, "shared");
  assert.deepEqual(changed(server, { data: { text: "Đã rõ" } }).data, { x: 0.2, y: 0.3, text: "Đã rõ" });
});

test("hit testing picks the topmost accepted annotation near the point", () => {
  const a = ink("a");
  const b = ink("b", { owner_id: 2 });
  const hl = { ...ink("h"), kind: "highlight", data: { rects: [[0.5, 0.5, 0.6, 0.52]], color: "#ffd60a" } };
  const note = { ...ink("n"), kind: "note", data: { x: 0.8, y: 0.8, text: "" } };
  const list = [a, b, hl, note];
  assert.equal(hitTest(list, { x: 0.2, y: 0.1 }).id, "b", "the later one is on top");
  assert.equal(hitTest(list, { x: 0.2, y: 0.1 }, { accept: (x) => x.owner_id === 1 }).id, "a");
  assert.equal(hitTest(list, { x: 0.2, y: 0.2 }), null);
  assert.equal(hitTest(list, { x: 0.55, y: 0.51 }).id, "h");
  assert.equal(hitTest(list, { x: 0.805, y: 0.8 }).id, "n");
  assert.ok(distanceTo(a, { x: 0.2, y: 0.1 }) < 0);
});

test("the eraser takes the strokes and highlights its path touches, never notes", () => {
  const a = ink("a");
  const far = ink("far", { data: { points: [[0.1, 0.9, 0.5]], color: "#000000", width: 0.004 } });
  const mine = (x) => x.owner_id === 1;
  const theirs = ink("theirs", { owner_id: 2 });
  const note = { ...ink("n"), kind: "note", data: { x: 0.2, y: 0.1, text: "" } };
  const path = [{ x: 0.2, y: 0.05 }, { x: 0.2, y: 0.1 }];
  assert.deepEqual(erased([a, far, theirs, note], path, { accept: mine }), ["a"]);
});

test("bounds of each kind", () => {
  const b = bounds(ink("a"), 1);
  assert.ok(b[0] < 0.1 && b[2] > 0.3 && b[1] < 0.1 && b[3] > 0.1);
  assert.deepEqual(bounds({ kind: "highlight", data: { rects: [[0.1, 0.2, 0.3, 0.25], [0.05, 0.26, 0.2, 0.3]] } }), [0.05, 0.2, 0.3, 0.3]);
  assert.deepEqual(bounds({ kind: "note", data: { x: 0.4, y: 0.6 } }), [0.4, 0.6, 0.4, 0.6]);
});
