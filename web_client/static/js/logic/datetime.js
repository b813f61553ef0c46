// Meeting times as people read them. Pure (Intl only).
//
// A meeting's time is shown in the meeting's time zone (`timezone` on every
// meeting the server sends: the site setting, default Asia/Ho_Chi_Minh), never
// the device's: "21:00" stays "21:00" on a tablet whose clock zone is wrong,
// and in tests that run in UTC. Without one, the offset written in the time
// itself stands in.

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

/** "Thứ Ba, 08/12/2026 · 08:00" (vi-VN) or "Tuesday, 08/12/2026 · 08:00" (en-GB), in `zone` (IANA). */
export function formatMeetingTime(iso, locale = "vi-VN", zone = undefined) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const timeZone = zone || zoneOfIso(iso);
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

/** The calendar day ("2026-11-27") of a moment in `zone`, for comparing days. */
export function dayIn(iso, zone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone || zoneOfIso(iso), year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  } catch {
    return String(iso).slice(0, 10);
  }
}

/** "Thứ Sáu, 27/11/2026" for a calendar day "2026-11-27" (no zone: a day is a day). */
export function formatDay(day, locale = "vi-VN") {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(day || ""));
  if (!m) return "";
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  const weekday = new Intl.DateTimeFormat(locale, { timeZone: "UTC", weekday: "long" }).format(d);
  return `${weekday.charAt(0).toLocaleUpperCase(locale)}${weekday.slice(1)}, ${m[3]}/${m[2]}/${m[1]}`;
}

/**
 * The offset ("+07:00") that `zone` (IANA) has at the wall-clock time `wall`
 * ("2026-11-27T08:00"), or null. What a secretary types into a time field is
 * the meeting's local time, whatever the zone of the device they type on.
 */
export function offsetAt(wall, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(String(wall || ""));
  if (!m || !zone) return null;
  let fmt;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    });
  } catch {
    return null; // not a zone this browser knows
  }
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // The zone's offset at an instant: its wall clock then, read as UTC, minus the instant.
  const offsetAtInstant = (t) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute)) - t;
  };
  // Twice: the second guess is the offset at the instant itself, right across a DST change.
  const first = offsetAtInstant(asUtc);
  const minutes = Math.round(offsetAtInstant(asUtc - first) / 60000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}
