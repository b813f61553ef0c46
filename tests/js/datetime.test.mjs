import { test } from "node:test";
import assert from "node:assert/strict";
import { zoneOfIso, formatMeetingTime } from "../../web_client/static/js/logic/datetime.js";

test("zoneOfIso reads the offset", () => {
  assert.equal(zoneOfIso("2026-12-08T08:00:00+07:00"), "Etc/GMT-7");
  assert.equal(zoneOfIso("2026-12-08T08:00:00-05:00"), "Etc/GMT+5");
  assert.equal(zoneOfIso("2026-12-08T08:00:00Z"), "UTC");
  assert.equal(zoneOfIso("2026-12-08T08:00:00+00:00"), "UTC");
  assert.equal(zoneOfIso("2026-12-08T08:00:00+05:30"), undefined);
  assert.equal(zoneOfIso("2026-12-08T08:00:00"), undefined);
});

test("a meeting time shows in its own offset, whatever the device zone", () => {
  const vi = formatMeetingTime("2026-12-08T08:00:00+07:00", "vi-VN");
  assert.match(vi, /08\/12\/2026 · 08:00$/);
  assert.match(vi, /^Thứ/);
  const en = formatMeetingTime("2026-12-08T08:00:00+07:00", "en-GB");
  assert.equal(en, "Tuesday, 08/12/2026 · 08:00");
});

test("bad input does not throw", () => {
  assert.equal(formatMeetingTime("", "vi-VN"), "");
  assert.equal(formatMeetingTime("not a date", "vi-VN"), "not a date");
});
