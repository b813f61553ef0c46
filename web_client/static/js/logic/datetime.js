// Meeting times as people read them. Pure (Intl only).
//
// A meeting's time is shown in the meeting's own UTC offset (the one written
// in starts_at), not the device's: "08:00" stays "08:00" on a tablet whose
// clock zone is wrong, and in tests that run in UTC.

/** IANA zone for the offset at the end of an ISO string, or undefined. */
export function zoneOfIso(iso) {
  const m = /(Z|([+-])(\d{2}):?(\d{2}))$/.exec(String(iso || ""));
  if (!m) return undefined;
  if (m[1] === "Z") return "UTC";
  const hours = Number(m[3]);
  const minutes = Number(m[4]);
  if (minutes !== 0) return undefined; // Etc/GMT zones are whole hours only
  if (hours === 0) return "UTC";
  // Etc/GMT signs are inverted: UTC+7 is Etc/GMT-7.
  return `Etc/GMT${m[2] === "+" ? "-" : "+"}${hours}`;
}

/** "Thứ Ba, 08/12/2026 · 08:00" (vi-VN) or "Tuesday, 08/12/2026 · 08:00" (en-GB). */
export function formatMeetingTime(iso, locale = "vi-VN") {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const timeZone = zoneOfIso(iso);
  let fmt;
  try {
    fmt = new Intl.DateTimeFormat(locale, {
      timeZone, weekday: "long", day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
  } catch {
    fmt = new Intl.DateTimeFormat(locale, {
      weekday: "long", day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
  }
  const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, x.value]));
  const weekday = p.weekday ? p.weekday.charAt(0).toLocaleUpperCase(locale) + p.weekday.slice(1) : "";
  return `${weekday}, ${p.day}/${p.month}/${p.year} · ${p.hour}:${p.minute}`;
}
