import { test } from "node:test";
import assert from "node:assert/strict";
import { zoneOfIso, formatMeetingTime, dayIn, formatDay, offsetAt } from "../../web_client/static/js/logic/datetime.js";

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

test("a time written in UTC shows in the meeting's time zone when it is given", () => {
  // Closed at 21:00 in Hanoi: the server writes 14:00 UTC; the page says 21:00.
  assert.equal(formatMeetingTime("2026-11-28T14:00:00+00:00", "en-GB", "Asia/Ho_Chi_Minh"), "Saturday, 28/11/2026 · 21:00");
  assert.equal(formatMeetingTime("2026-11-28T14:00:00+00:00", "en-GB"), "Saturday, 28/11/2026 · 14:00");
});

test("the day of a moment is the day in the meeting's time zone", () => {
  assert.equal(dayIn("2026-11-27T20:00:00+00:00", "Asia/Ho_Chi_Minh"), "2026-11-28");
  assert.equal(dayIn("2026-11-27T20:00:00+00:00", "UTC"), "2026-11-27");
  assert.equal(formatDay("2026-11-28", "vi-VN"), "Thứ Bảy, 28/11/2026");
  assert.equal(formatDay("nonsense", "vi-VN"), "");
});

test("a typed wall clock is read in the meeting's zone, not the device's", () => {
  assert.equal(offsetAt("2026-11-27T08:00", "Asia/Ho_Chi_Minh"), "+07:00");
  assert.equal(offsetAt("2026-11-27T08:00", "UTC"), "+00:00");
  // Either side of a daylight-saving change, and a zone with a half hour.
  assert.equal(offsetAt("2026-01-15T09:00", "Europe/Berlin"), "+01:00");
  assert.equal(offsetAt("2026-07-15T09:00", "Europe/Berlin"), "+02:00");
  assert.equal(offsetAt("2026-07-15T09:00", "Asia/Kolkata"), "+05:30");
  assert.equal(offsetAt("2026-07-15T09:00", "America/New_York"), "-04:00");
  assert.equal(offsetAt("", "Asia/Ho_Chi_Minh"), null);
  assert.equal(offsetAt("2026-11-27T08:00", "Not/A_Zone"), null);
});
