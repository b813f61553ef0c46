// Attendance and quorum as the console and the screens show them. Pure.
//
// Each participant has a status: "present" (in the room), "online" (present
// online), "absent" (with a reason) or null (not known yet). Only voting
// participants count towards the quorum: at least numerator/denominator of
// them must attend (present or online).

export const STATUSES = Object.freeze(["present", "online", "absent"]);
export const DEFAULT_QUORUM = Object.freeze({ numerator: 2, denominator: 3 });
export const REASON_MAX = 500;
// The rules a secretary usually picks; anything else is typed as a fraction
// (the server takes 1 <= numerator <= denominator <= QUORUM_MAX).
export const QUORUM_CHOICES = Object.freeze([
  Object.freeze({ numerator: 1, denominator: 2 }),
  Object.freeze({ numerator: 2, denominator: 3 }),
  Object.freeze({ numerator: 3, denominator: 4 }),
]);
export const QUORUM_MAX = 1000;

/** ceil(voting * n / d) in integers (no float rounding surprises at 2/3 of 9). */
export function quorumRequired(voting, quorum = DEFAULT_QUORUM) {
  const n = Number(quorum && quorum.numerator) || DEFAULT_QUORUM.numerator;
  const d = Number(quorum && quorum.denominator) || DEFAULT_QUORUM.denominator;
  const v = Math.max(0, Number(voting) || 0);
  return Math.floor((v * n + d - 1) / d);
}

/** user_id -> attendance entry. */
export function entriesById(attendance) {
  const map = new Map();
  for (const a of attendance || []) if (a && a.user_id != null) map.set(Number(a.user_id), a);
  return map;
}

/**
 * The counts, computed the way the server does: {voting, present, online,
 * absent, unknown, attending, quorum_required, quorum_met}. `attending` is
 * present + online: who counts towards the quorum.
 */
export function computeCounts(participants, attendance, quorum = DEFAULT_QUORUM) {
  const byId = entriesById(attendance);
  const counts = { voting: 0, present: 0, online: 0, absent: 0, unknown: 0 };
  let left = 0;
  for (const p of participants || []) {
    if (p.voting === false) continue;
    counts.voting += 1;
    const entry = byId.get(Number(p.user_id)) || {};
    const status = entry.status;
    // Left early: no longer attending (the server counts them apart).
    if (entry.left_at) left += 1;
    else if (STATUSES.includes(status)) counts[status] += 1;
    else counts.unknown += 1;
  }
  if (left) counts.left = left; // as the server: left out while nobody left
  return withQuorum(counts, quorumRequired(counts.voting, quorum));
}

function withQuorum(counts, required) {
  const attending = (Number(counts.present) || 0) + (Number(counts.online) || 0);
  return { ...counts, attending, quorum_required: required, quorum_met: attending >= required };
}

/** The server's counts, completed with `attending` (and quorum_met if missing). */
export function normalizeCounts(counts, quorum = DEFAULT_QUORUM) {
  if (!counts) return null;
  const required = Number.isFinite(Number(counts.quorum_required))
    ? Number(counts.quorum_required)
    : quorumRequired(counts.voting, quorum);
  const c = withQuorum(counts, required);
  if (typeof counts.quorum_met === "boolean") c.quorum_met = counts.quorum_met;
  return c;
}

/**
 * The freshest attendance we know: the meeting as fetched over HTTP (at
 * `meeting.seq`) or the last attendance:changed event (at `state.attendance.seq`).
 * Returns {attendance: [...], counts} or null when the server gives none.
 */
export function currentAttendance(meeting, state) {
  const fromEvent = state && state.attendance;
  const httpSeq = Number(meeting && meeting.seq) || 0;
  let quorum = (meeting && meeting.quorum) || DEFAULT_QUORUM;
  const participants = (meeting && meeting.participants) || [];
  let list = null;
  let counts = null;
  if (fromEvent && Array.isArray(fromEvent.attendance) && (!meeting || !Array.isArray(meeting.attendance) || fromEvent.seq >= httpSeq)) {
    list = fromEvent.attendance;
    counts = fromEvent.counts;
    // The rule rides along since the quorum could be changed on another console.
    if (fromEvent.quorum) quorum = fromEvent.quorum;
  } else if (meeting && Array.isArray(meeting.attendance)) {
    list = meeting.attendance;
    counts = meeting.counts;
  }
  if (!list) return null;
  return {
    attendance: list,
    counts: counts ? normalizeCounts(counts, quorum) : computeCounts(participants, list, quorum),
    quorum,
  };
}

/**
 * The meeting with the attendance part (record, counts, quorum rule, seq) of
 * a newer answer from the server (PATCH .../quorum returns the meeting).
 */
export function withServerAttendance(meeting, answer) {
  if (!meeting || !answer || (Number(answer.seq) || 0) < (Number(meeting.seq) || 0)) return meeting;
  const next = { ...meeting, seq: answer.seq };
  for (const k of ["attendance", "counts", "quorum"]) if (answer[k] !== undefined) next[k] = answer[k];
  return next;
}

/**
 * Body for PATCH /api/meetings/{id}/quorum from what was typed or chosen,
 * or {error} (an i18n key): whole numbers, 1 <= numerator <= denominator <= 1000.
 */
export function quorumBody(numerator, denominator) {
  const whole = (v) => (String(v ?? "").trim() === "" ? NaN : Number(v)); // Number("") would be 0
  const n = whole(numerator);
  const d = whole(denominator);
  const ok = (x) => Number.isInteger(x) && x >= 1 && x <= QUORUM_MAX;
  if (!ok(n) || !ok(d)) return { error: "quorum.error.range" };
  if (n > d) return { error: "quorum.error.order" };
  return { body: { numerator: n, denominator: d } };
}

/** The same rule as written (4/6 is not shown as 2/3: the server keeps what was set). */
export function sameQuorum(a, b) {
  return Boolean(a && b) && Number(a.numerator) === Number(b.numerator) && Number(a.denominator) === Number(b.denominator);
}

/** A meeting with one attendance entry replaced (the PUT's answer), counts recomputed. */
export function withEntry(meeting, entry) {
  if (!meeting || !entry) return meeting;
  const list = (meeting.attendance || []).filter((a) => Number(a.user_id) !== Number(entry.user_id));
  list.push(entry);
  return {
    ...meeting,
    attendance: list,
    counts: computeCounts(meeting.participants, list, meeting.quorum || DEFAULT_QUORUM),
  };
}

/**
 * Rows for the attendance list: voting members first, then guests, each by
 * name. The order does not depend on the status, so a row does not jump
 * away under the secretary's finger when it changes.
 */
export function attendanceRows(participants, attendance, livePresent = []) {
  const byId = entriesById(attendance);
  const live = new Set((livePresent || []).map(Number));
  return [...(participants || [])]
    .map((p) => {
      const a = byId.get(Number(p.user_id)) || {};
      const status = STATUSES.includes(a.status) ? a.status : null;
      return {
        ...p, status, reason: a.reason || "", checked_in_at: a.checked_in_at || null, left_at: a.left_at || null,
        live: live.has(Number(p.user_id)),
      };
    })
    .sort((a, b) => Number(a.voting === false) - Number(b.voting === false)
      || String(a.full_name).localeCompare(String(b.full_name), "vi"));
}

/**
 * Body for PUT /api/meetings/{id}/attendance/{user_id}, or {error} (an i18n key).
 * `null` sets the person back to "not known yet" (a mistaken entry undone).
 */
export function attendanceBody(status, reason = "", left = false) {
  if (status === null) return { body: { status: null } };
  if (!STATUSES.includes(status)) return { error: "attendance.error.status" };
  const body = { status };
  // Left early (present or online before): recorded with its time by the server.
  if (left && status !== "absent") body.left = true;
  if (status === "absent") {
    const r = String(reason || "").trim();
    if (r.length > REASON_MAX) return { error: "attendance.error.reason_long" };
    body.reason = r;
  }
  return { body };
}
