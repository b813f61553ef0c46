// The client's side of the annotation limits (issue 9): the listing followed
// page by page, the outbox pacing itself to the server's rate, strokes cut
// to the points a stroke may have, and a text for each refusal in both catalogs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { fetchAllPages, listingUrl } from "../../web_client/static/js/logic/listing.js";
import { retryDelay, ackOutcome } from "../../web_client/static/js/logic/outbox-rules.js";
import { wirePoints, MAX_STROKE_POINTS } from "../../web_client/static/js/logic/annotations.js";

test("a listing is followed to its last page, each cursor sent back as `after`", async () => {
  const pages = { "": [[1, 2], "c1"], c1: [[3, 4], "c2"], c2: [[5], null] };
  const asked = [];
  const all = await fetchAllPages(async (cursor) => {
    asked.push(cursor);
    const [items, next] = pages[cursor || ""];
    return { items, next };
  });
  assert.deepEqual(all, [1, 2, 3, 4, 5]);
  assert.deepEqual(asked, [null, "c1", "c2"]);
});

test("a listing that never ends is an error, not an endless loop", async () => {
  await assert.rejects(fetchAllPages(async (cursor) => ({ items: [1], next: `${cursor}x` }), 5));
  // The same cursor again ends it.
  assert.deepEqual(await fetchAllPages(async () => ({ items: [1], next: "same" })), [1, 1]);
});

test("the listing URL names the page and the cursor", () => {
  assert.equal(listingUrl(7, 3), "/api/documents/7/annotations?page=3");
  assert.equal(listingUrl("7", "3", "1.1700000000000000.ab-c"), "/api/documents/7/annotations?page=3&after=1.1700000000000000.ab-c");
});

test("a rate-limited change stays in the outbox and is sent again when the server says", () => {
  const limited = { ok: false, error: { code: "rate_limited", message: "…", details: { retry_after_ms: 120 } } };
  assert.equal(ackOutcome(limited), "keep");
  assert.equal(retryDelay(limited, 5000), 120);
  assert.equal(retryDelay({ ok: false, error: { code: "rate_limited", details: { retry_after_ms: 60_000 } } }, 5000), 5000);
  assert.equal(retryDelay({ ok: false, error: { code: "rate_limited", details: { retry_after_ms: 1 } } }, 5000), 50);
  assert.equal(retryDelay({ ok: false, error: { code: "rate_limited" } }, 5000), 5000);
  assert.equal(retryDelay({ ok: false, error: { code: "timeout" } }, 5000), 5000);
});

test("a count or size limit drops the change (it would never be taken)", () => {
  assert.equal(ackOutcome({ ok: false, error: { code: "too_large", message: "…" } }), "drop");
});

test("a stroke longer than a stroke may be is cut, not refused whole", () => {
  const long = Array.from({ length: MAX_STROKE_POINTS + 10 }, (_, i) => [i / 1e5, 0.5, 0.5]);
  assert.equal(wirePoints(long).length, MAX_STROKE_POINTS);
  assert.equal(MAX_STROKE_POINTS, 5000); // the server's default (MEETING_ANNOTATION_POINTS_PER_STROKE)
});

test("each limit a member can reach has a text in both languages", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../../web_client/i18n");
  for (const lang of ["vi", "en"]) {
    const catalog = JSON.parse(readFileSync(join(root, `${lang}.json`), "utf8"));
    for (const key of ["annot.limit_page", "annot.limit_meeting", "annot.dropped", "api.error.rate_limited", "api.error.too_large"]) {
      assert.ok(catalog[key], `${lang}: ${key}`);
    }
    assert.match(catalog["annot.limit_page"], /\{limit\}/);
  }
});
