import { test } from "node:test";
import assert from "node:assert/strict";
import { normalizeText, threeWay, mergeTexts } from "../../web_client/static/js/logic/text-merge.js";

test("texts compare as the server stores them: NFC, \\n line breaks", () => {
  // "ệ" typed decomposed (e + combining dot below + circumflex) equals the composed one.
  assert.equal(normalizeText("Vi\u0065\u0323\u0302t\r\nNam\rxin"), "Việt\nNam\nxin");
  assert.equal(normalizeText(null), "");
});

test("three-way: one side's change wins, the same change agrees, two changes conflict", () => {
  assert.deepEqual(threeWay("a", "a", "b"), { value: "b", conflict: false });
  assert.deepEqual(threeWay("a", "b", "a"), { value: "b", conflict: false });
  assert.deepEqual(threeWay("a", "c", "c"), { value: "c", conflict: false });
  assert.deepEqual(threeWay("a", "mine", "theirs"), { value: "mine", conflict: true });
});

test("merging keeps every line of both, shared lines once, theirs before mine where they differ", () => {
  const theirs = "Mở đầu\nÝ kiến của đồng chí Bình\nKết thúc";
  const mine = "Mở đầu\nÝ kiến của đồng chí Hằng\nKết thúc";
  assert.equal(mergeTexts(theirs, mine), "Mở đầu\nÝ kiến của đồng chí Bình\nÝ kiến của đồng chí Hằng\nKết thúc");
  const merged = mergeTexts("A\nB\nC\nD", "A\nX\nC\nY");
  for (const line of ["A", "B", "C", "D", "X", "Y"]) assert.ok(merged.split("\n").includes(line), line);
  assert.equal(merged.split("\n").filter((l) => l === "A").length, 1);
});

test("merging: a text that holds the other, or an empty side, is taken whole", () => {
  assert.equal(mergeTexts("Một câu.", "Một câu. Thêm câu nữa."), "Một câu. Thêm câu nữa.");
  assert.equal(mergeTexts("Một câu. Thêm câu nữa.", "Một câu."), "Một câu. Thêm câu nữa.");
  assert.equal(mergeTexts("", "Chỉ của tôi"), "Chỉ của tôi");
  assert.equal(mergeTexts("Chỉ của máy chủ", "  "), "Chỉ của máy chủ");
  assert.equal(mergeTexts("giống", "giống"), "giống");
});

test("merging very long texts falls back to theirs then mine, still losing nothing", () => {
  const theirs = Array.from({ length: 2500 }, (_, i) => `t${i}`).join("\n");
  const mine = Array.from({ length: 2500 }, (_, i) => `m${i}`).join("\n");
  assert.equal(mergeTexts(theirs, mine), `${theirs}\n${mine}`);
});
