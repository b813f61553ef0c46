import { test } from "node:test";
import assert from "node:assert/strict";
import { PAGE_WIDTHS, chooseWidth, fitSize, pageImageUrl } from "../../web_client/static/js/logic/image-width.js";

test("chooseWidth rounds the device width up to the server's next width", () => {
  assert.equal(chooseWidth(500, 2), 1024); // 1000 -> 1024
  assert.equal(chooseWidth(512, 2), 1024); // exactly 1024 stays
  assert.equal(chooseWidth(513, 2), 1536);
  assert.equal(chooseWidth(120, 2), 256);
  assert.equal(chooseWidth(160, 2), 512);
  assert.equal(chooseWidth(700, 1), 768);
  assert.equal(chooseWidth(834, 2), 2048); // an iPad Pro 11 page view
});

test("chooseWidth only ever asks for one of the server's widths", () => {
  for (let css = 1; css <= 2100; css += 7) {
    for (const dpr of [1, 1.5, 2, 2.5, 3]) {
      assert.ok(PAGE_WIDTHS.includes(chooseWidth(css, dpr)), `${css} x ${dpr}`);
      assert.ok(PAGE_WIDTHS.includes(chooseWidth(css, dpr, { aspect: 842 / 595 })), `${css} x ${dpr} A4`);
    }
  }
});

test("chooseWidth caps at 4096 and never goes below the smallest width", () => {
  assert.equal(chooseWidth(3000, 3), 4096);
  assert.equal(chooseWidth(1, 1), 256);
  assert.equal(chooseWidth(0, 2), 256);
  assert.equal(chooseWidth(-5, 2), 256);
});

test("chooseWidth treats a bad devicePixelRatio as 1", () => {
  assert.equal(chooseWidth(600, undefined), 768);
  assert.equal(chooseWidth(600, 0), 768);
  assert.equal(chooseWidth(600, NaN), 768);
});

test("chooseWidth handles fractional ratios without a spurious extra step", () => {
  assert.equal(chooseWidth(409.6, 2.5), 1024);
  assert.equal(chooseWidth(1024 / 1.5, 1.5), 1024);
  assert.equal(chooseWidth(683, 1.5), 1536);
});

test("fitSize fits a portrait A4 page into a landscape box by height", () => {
  const s = fitSize(595, 842, 900, 700);
  assert.equal(s.height, 700);
  assert.equal(s.width, Math.floor(595 * (700 / 842)));
});

test("fitSize fits a landscape slide into a portrait box by width", () => {
  const s = fitSize(960, 540, 800, 1100);
  assert.equal(s.width, 800);
  assert.equal(s.height, 450);
});

test("fitSize width mode fills the width and lets the height overflow", () => {
  const s = fitSize(595, 842, 800, 600, "width");
  assert.equal(s.width, 800);
  assert.ok(s.height > 600);
  assert.equal(s.height, Math.floor(842 * (800 / 595)));
});

test("fitSize survives missing page sizes with an A4 guess", () => {
  const s = fitSize(undefined, undefined, 595, 842);
  assert.deepEqual(s, { width: 595, height: 842 });
});

test("pageImageUrl is the protocol URL", () => {
  assert.equal(pageImageUrl(7, 3, 1024), "/api/documents/7/pages/3?width=1024");
});

test("chooseWidth keeps a tall page under the iPad decode limit", () => {
  const aspect = 842 / 595; // A4 portrait
  const w = chooseWidth(2000, 2, { aspect });
  assert.ok(PAGE_WIDTHS.includes(w));
  assert.ok(w * w * aspect <= 16 * 1024 * 1024, `${w} px wide is too many pixels`);
  assert.equal(w, 3072);
  // Small images are not affected by the cap.
  assert.equal(chooseWidth(500, 2, { aspect }), 1024);
  // A wide slide may use the full 4096.
  assert.equal(chooseWidth(3000, 2, { aspect: 9 / 16 }), 4096);
});
