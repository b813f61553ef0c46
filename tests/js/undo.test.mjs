import { test } from "node:test";
import assert from "node:assert/strict";
import { emptyUndo, pushAction, undo, canUndo, pageKey, UNDO_LIMIT } from "../../web_client/static/js/logic/undo.js";

const stroke = (id) => ({ id, document_id: 7, page: 2, kind: "ink", visibility: "private", owner_id: 1, data: { points: [[0.1, 0.1, 0.5]], color: "#1a1e24", width: 0.004 } });
const key = pageKey(7, 2);
let n = 0;
const makeId = () => `new-${++n}`;

test("undoing a drawing deletes it", () => {
  const s = pushAction(emptyUndo(), key, { type: "add", annotation: stroke("a") });
  assert.ok(canUndo(s, key));
  const r = undo(s, key, makeId);
  assert.deepEqual(r.ops, [{ op: "delete", id: "a" }]);
  assert.ok(!canUndo(r.stacks, key));
  assert.deepEqual(undo(r.stacks, key).ops, [], "nothing left to undo");
});

test("undoing an erase puts the strokes back under new ids, and older actions follow them", () => {
  let s = pushAction(emptyUndo(), key, { type: "add", annotation: stroke("a") });
  s = pushAction(s, key, { type: "remove", annotations: [stroke("a"), stroke("b")] });
  let r = undo(s, key, makeId);
  assert.equal(r.ops.length, 2);
  const [first, second] = r.ops;
  assert.equal(first.op, "put");
  assert.notEqual(first.annotation.id, "a", "deleted ids are tombstoned on the server");
  assert.notEqual(second.annotation.id, "b");
  assert.ok(!("owner_id" in first.annotation));
  assert.deepEqual(first.annotation.data, stroke("a").data);
  // Undo again: the drawing of "a" goes, and that is the stroke now there.
  r = undo(r.stacks, key, makeId);
  assert.deepEqual(r.ops, [{ op: "delete", id: first.annotation.id }]);
});

test("undoing a change puts the previous visibility or text back on the same id", () => {
  const before = { ...stroke("a"), kind: "note", data: { x: 0.1, y: 0.2, text: "cũ" } };
  const after = { ...before, visibility: "shared", data: { x: 0.1, y: 0.2, text: "mới" } };
  const r = undo(pushAction(emptyUndo(), key, { type: "change", before, after }), key, makeId);
  assert.equal(r.ops.length, 1);
  assert.equal(r.ops[0].annotation.id, "a");
  assert.equal(r.ops[0].annotation.visibility, "private");
  assert.equal(r.ops[0].annotation.data.text, "cũ");
});

test("each page has its own stack, and stacks are bounded", () => {
  let s = pushAction(emptyUndo(), pageKey(7, 3), { type: "add", annotation: stroke("x") });
  assert.ok(!canUndo(s, key));
  for (let i = 0; i < UNDO_LIMIT + 5; i++) s = pushAction(s, key, { type: "add", annotation: stroke(`s${i}`) });
  assert.equal(s[key].length, UNDO_LIMIT);
  assert.equal(s[key][0].annotation.id, "s5", "the oldest go first");
});
