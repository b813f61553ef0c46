// The two catalogs carry the same keys, and every key the UI uses exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../web_client");
const vi = JSON.parse(readFileSync(join(root, "i18n/vi.json"), "utf8"));
const en = JSON.parse(readFileSync(join(root, "i18n/en.json"), "utf8"));

function walk(dir, exts, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, exts, out);
    else if (exts.some((e) => p.endsWith(e))) out.push(p);
  }
  return out;
}

test("vi and en have the same keys", () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(vi).sort());
});

test("no empty strings, and placeholders match between languages", () => {
  const ph = (s) => (s.match(/\{\w+\}/g) || []).sort().join(",");
  for (const k of Object.keys(vi)) {
    assert.ok(vi[k].trim(), `vi ${k} is empty`);
    assert.ok(en[k].trim(), `en ${k} is empty`);
    assert.equal(ph(vi[k]), ph(en[k]), `placeholders differ for ${k}`);
  }
});

test("the error keys the server uses exist", () => {
  for (const k of ["error.title", "error.not_found", "error.forbidden", "error.back"]) assert.ok(k in vi, k);
});

test("every literal key used by templates and scripts is in the catalog", () => {
  const files = [...walk(join(root, "templates"), [".html"]), ...walk(join(root, "static/js"), [".js"])];
  const missing = [];
  for (const f of files) {
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/\bt\(\s*["']([a-z0-9_.]*[a-z0-9_])["']/g)) {
      if (!(m[1] in vi)) missing.push(`${m[1]} (${f})`);
    }
  }
  assert.deepEqual(missing, []);
});

test("dynamic key families are complete", () => {
  for (const s of ["scheduled", "open", "closed"]) assert.ok(`status.${s}` in vi);
  for (const r of ["admin", "secretary", "chair", "member", "archivist"]) assert.ok(`role.${r}` in vi);
  for (const c of ["connected", "reconnecting", "offline", "connecting"]) assert.ok(`conn.${c}` in vi);
});

test("Vietnamese UI uses the agreed wording", () => {
  assert.equal(vi["tablet.follow"], "Theo người trình bày");
  assert.equal(vi["login.title"], "Đăng nhập");
  assert.equal(vi["conn.reconnecting"], "Mất kết nối – đang kết nối lại…");
  assert.equal(vi["console.open_meeting"], "Mở cuộc họp");
  assert.equal(vi["console.close_meeting"], "Kết thúc cuộc họp");
  assert.equal(vi["meeting.present"], "Có mặt");
});
