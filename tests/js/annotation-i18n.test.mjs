// The annotation tools' names (built as annot.<tool>) are in both catalogs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../web_client/i18n");
const vi = JSON.parse(readFileSync(join(root, "vi.json"), "utf8"));
const en = JSON.parse(readFileSync(join(root, "en.json"), "utf8"));

test("every tool has a name in both languages", () => {
  for (const tool of ["pen", "highlighter", "note", "eraser", "select"]) {
    assert.ok(vi[`annot.${tool}`] && en[`annot.${tool}`], tool);
  }
});

test("the Vietnamese tool names are the ones members know", () => {
  assert.equal(vi["annot.pen"], "Bút");
  assert.equal(vi["annot.highlighter"], "Bút dạ quang");
  assert.equal(vi["annot.note"], "Ghi chú");
  assert.equal(vi["annot.eraser"], "Tẩy");
  assert.equal(vi["annot.undo"], "Hoàn tác");
  assert.equal(vi["annot.private"], "Riêng tư");
  assert.equal(vi["annot.shared"], "Chia sẻ");
});
