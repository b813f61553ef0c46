import { test } from "node:test";
import assert from "node:assert/strict";
import {
  nearestWord, selectWords, rectsForWords, highlightRects, markerRect, sameLine, pointInRects, distanceToWord,
} from "../../web_client/static/js/logic/highlight.js";

// Two lines of three words, then a word far below.
const w = (text, x0, y0, x1, y1) => ({ text, x0, y0, x1, y1 });
const words = [
  w("Biên", 0.10, 0.100, 0.18, 0.115), w("bản", 0.19, 0.101, 0.25, 0.115), w("họp", 0.26, 0.100, 0.31, 0.116),
  w("Chi", 0.10, 0.120, 0.15, 0.135), w("bộ", 0.16, 0.121, 0.20, 0.135), w("năm", 0.21, 0.120, 0.27, 0.136),
  w("Kết", 0.10, 0.500, 0.15, 0.515),
];

test("the nearest word within reach, else none", () => {
  assert.equal(nearestWord(words, { x: 0.2, y: 0.108 }), 1);
  assert.equal(nearestWord(words, { x: 0.185, y: 0.108 }), 0, "between two words: the closer one");
  assert.equal(nearestWord(words, { x: 0.9, y: 0.9 }), -1);
  assert.equal(nearestWord([], { x: 0.1, y: 0.1 }), -1);
  assert.equal(distanceToWord(words[0], { x: 0.12, y: 0.11 }), 0);
});

test("a drag along one line makes one rectangle over the words it crosses", () => {
  const rects = highlightRects(words, { x: 0.11, y: 0.108 }, { x: 0.22, y: 0.109 });
  assert.deepEqual(rects, [[0.10, 0.100, 0.25, 0.115]]);
});

test("a drag across two lines makes one rectangle per line", () => {
  const rects = highlightRects(words, { x: 0.2, y: 0.108 }, { x: 0.17, y: 0.128 });
  assert.deepEqual(rects, [[0.19, 0.100, 0.31, 0.116], [0.10, 0.120, 0.20, 0.135]]);
});

test("dragging backwards selects the same words", () => {
  const a = { x: 0.2, y: 0.108 };
  const b = { x: 0.17, y: 0.128 };
  assert.deepEqual(selectWords(words, b, a), selectWords(words, a, b));
  assert.deepEqual(selectWords(words, a, b), [1, 2, 3, 4]);
});

test("a drag that starts beside the text still picks the nearest word", () => {
  assert.deepEqual(selectWords(words, { x: 0.9, y: 0.9 }, { x: 0.12, y: 0.108 }), [0]);
});

test("words of separate lines never merge, even when their x ranges overlap", () => {
  assert.equal(sameLine(words[0], words[3]), false);
  assert.equal(sameLine(words[0], words[2]), true);
  assert.equal(rectsForWords(words, [5, 6]).length, 2);
});

test("a page without text gets a marker line along the drag", () => {
  const rects = highlightRects([], { x: 0.3, y: 0.4 }, { x: 0.1, y: 0.42 });
  assert.deepEqual(rects, [markerRect({ x: 0.3, y: 0.4 }, { x: 0.1, y: 0.42 })]);
  const [x0, y0, x1, y1] = rects[0];
  assert.ok(x0 === 0.1 && x1 === 0.3 && y0 < 0.41 && y1 > 0.41 && y1 - y0 < 0.03);
  assert.deepEqual(highlightRects([], { x: 0.3, y: 0.4 }, { x: 0.305, y: 0.4 }), [], "a tap marks nothing");
  const edge = markerRect({ x: -0.2, y: 0.001 }, { x: 1.3, y: 0.001 });
  assert.ok(edge.every((v) => v >= 0 && v <= 1), "clamped to the page");
});

test("pointInRects with padding", () => {
  assert.ok(pointInRects([[0.1, 0.1, 0.2, 0.2]], { x: 0.15, y: 0.15 }));
  assert.ok(!pointInRects([[0.1, 0.1, 0.2, 0.2]], { x: 0.21, y: 0.15 }));
  assert.ok(pointInRects([[0.1, 0.1, 0.2, 0.2]], { x: 0.21, y: 0.15 }, 0.02));
});
