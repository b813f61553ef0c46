import test from "node:test";
import assert from "node:assert/strict";
import { fold, queryTerms, markTerms } from "../../web_client/static/js/logic/fold.js";

test("fold strips every Vietnamese mark and the stroke of đ, keeping length", () => {
  const text = "Biên bản ĐẢNG ỦY Phường Bến Nghé: ặ ẫ ử ỡ đ";
  assert.equal(fold(text), "bien ban dang uy phuong ben nghe: a a u o d");
  assert.equal(fold(text).length, text.length);
});

test("query terms are folded words without repeats", () => {
  assert.deepEqual(queryTerms("  Biên-bản, biên  "), ["bien", "ban"]);
  assert.deepEqual(queryTerms("?!"), []);
});

test("markTerms marks word-initial matches in the original text", () => {
  const runs = markTerms("Biên bản của Đảng ủy; bảng tin", ["ban", "dang"]);
  assert.deepEqual(runs.filter((r) => r.hit).map((r) => r.text), ["bản", "Đảng", "bản"]);
  assert.equal(runs.map((r) => r.text).join(""), "Biên bản của Đảng ủy; bảng tin");
});

test("markTerms does not mark inside words", () => {
  const runs = markTerms("urban", ["ban"]);
  assert.deepEqual(runs, [{ text: "urban", hit: false }]);
});
