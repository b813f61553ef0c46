// The console's minutes editor, one agenda item at a time: what is typed,
// what the server has, when to save, and what a conflict leaves to settle.
// Pure: console-minutes.js does the fetching, the timers and the storage.
//
// An item's state:
//   {id, base: {discussion, conclusion, version}, local: {discussion, conclusion},
//    sending: null | {discussion, conclusion, base_version}, conflict: null |
//    {theirs: {discussion, conclusion, version}, fields: [...]},
//    error: null | {code, retry}, editedAt}
// `base` is the server's text that `local` was written on top of; a save
// sends `local` with `base.version`. The server refuses a stale version with
// the text it has now ("theirs"); fields only one side changed merge by
// themselves, a field both changed differently waits for the secretary
// (the conflict dialog). Nothing typed is ever dropped: `local` changes only
// by typing, by taking the server's text where it was not touched, or by
// the secretary's own choice in the dialog.
import { normalizeText, threeWay } from "./text-merge.js";

export const FIELDS = ["discussion", "conclusion"];
export const SAVE_DELAY_MS = 1000;
// After a failure worth retrying, the next try (a reconnect retries at once).
export const RETRY_MS = 5000;

// Failures worth trying again by themselves (the link, the server's load).
const RETRY_CODES = new Set(["network", "offline", "timeout", "rate_limited", "internal", "error", "unauthorized"]);

function texts(x) {
  return { discussion: normalizeText(x && x.discussion), conclusion: normalizeText(x && x.conclusion) };
}

function server(item) {
  return { ...texts(item), version: Number(item.version) || 0 };
}

/** A clean item from the server's minutes (GET items[i] or a save's answer). */
export function itemFromServer(item) {
  const base = server(item);
  return {
    id: Number(item.agenda_item_id),
    base,
    local: texts(base),
    sending: null,
    conflict: null,
    error: null,
    editedAt: 0,
  };
}

export function isDirty(s) {
  return FIELDS.some((f) => s.local[f] !== s.base[f]);
}

/** The secretary typed `value` into `field`. */
export function edit(s, field, value, now) {
  if (!FIELDS.includes(field)) return s;
  return { ...s, local: { ...s.local, [field]: normalizeText(value) }, editedAt: Number(now) || 0 };
}

/** Whether a save may go now: changed, nothing in flight, no conflict or refusal waiting. */
export function canSave(s) {
  return isDirty(s) && !s.sending && !s.conflict && !(s.error && !s.error.retry);
}

/** When the debounced save of this item is due (ms), or null; a failed one waits RETRY_MS. */
export function dueAt(s, delay = SAVE_DELAY_MS) {
  if (!canSave(s)) return null;
  const typed = s.editedAt + delay;
  return s.error ? Math.max(typed, s.error.at + RETRY_MS) : typed;
}

/** The earliest due save among the items: {id, at} or null. */
export function nextDue(states, delay = SAVE_DELAY_MS) {
  let next = null;
  for (const s of states) {
    const at = dueAt(s, delay);
    if (at != null && (!next || at < next.at)) next = { id: s.id, at };
  }
  return next;
}

/** Start a save: the state with it in flight, and the request body. */
export function beginSave(s) {
  const body = { base_version: s.base.version, ...s.local };
  return { state: { ...s, sending: body }, body };
}

/** The server took it and answered with the item as stored. What was typed meanwhile stays. */
export function saveSucceeded(s, item) {
  return { ...s, base: server(item), sending: null, error: null };
}

/** The server had a newer version (`current`, its item): merge what merges, keep the rest for the secretary. */
export function saveConflicted(s, current) {
  const theirs = server(current);
  const local = {};
  const fields = [];
  for (const f of FIELDS) {
    const r = threeWay(s.base[f], s.local[f], theirs[f]);
    local[f] = r.value;
    if (r.conflict) fields.push(f);
  }
  if (!fields.length) {
    // Only one side changed each field: ours goes again, on top of theirs, right away.
    return { ...s, base: theirs, local, sending: null, conflict: null, error: null, editedAt: 0 };
  }
  return { ...s, local, sending: null, conflict: { theirs, fields }, error: null };
}

/** The save failed at `now` with an error code ("network" when the server was not reached). */
export function saveFailed(s, code, now = 0) {
  const c = String(code || "error");
  return { ...s, sending: null, error: { code: c, retry: RETRY_CODES.has(c), at: Number(now) || 0 } };
}

/** Try again now (the link is back): a retryable failure no longer waits. */
export function retryNow(s) {
  return s.error && s.error.retry ? { ...s, error: { ...s.error, at: -RETRY_MS } } : s;
}

/**
 * The server's item as a fresh GET shows it (someone saved). Untouched
 * items take it; touched ones take the fields only the other side changed.
 * A field both changed is left alone: the next save finds the conflict.
 */
export function remoteUpdate(s, current) {
  const version = Number(current.version) || 0;
  if (s.sending) return s; // the answer to our save will tell
  if (s.conflict) {
    // Show the newest of theirs in the dialog.
    return version > s.conflict.theirs.version ? saveConflicted({ ...s, conflict: null }, current) : s;
  }
  if (version <= s.base.version) return s;
  if (!isDirty(s)) return { ...s, base: server(current), local: texts(current), error: null };
  const merged = saveConflicted(s, current);
  return merged.conflict ? s : { ...merged, editedAt: s.editedAt };
}

/**
 * The secretary settled a conflict: "mine" keeps her text, "theirs" takes
 * the server's, "merged" takes what she edited ({field: text}). Either way
 * the next save goes on top of the server's version, right away.
 */
export function resolve(s, choice, merged = {}) {
  if (!s.conflict) return s;
  const { theirs, fields } = s.conflict;
  const local = { ...s.local };
  for (const f of fields) {
    if (choice === "theirs") local[f] = theirs[f];
    else if (choice === "merged" && f in merged) local[f] = normalizeText(merged[f]);
  }
  return { ...s, base: theirs, local, conflict: null, error: null, editedAt: 0 };
}

/** saved | pending (typed, not sent yet) | saving | offline (waiting to retry) | conflict | error (refused). */
export function itemStatus(s) {
  if (s.conflict) return "conflict";
  if (s.error && !s.error.retry) return "error";
  if (s.sending) return "saving";
  if (s.error) return "offline";
  if (isDirty(s)) return "pending";
  return "saved";
}

const PRIORITY = ["conflict", "error", "offline", "saving", "pending", "saved"];

/** The whole panel's status: the most pressing of its items'. */
export function panelStatus(states) {
  let worst = PRIORITY.length - 1;
  for (const s of states) worst = Math.min(worst, PRIORITY.indexOf(itemStatus(s)));
  return PRIORITY[worst];
}

// ---- kept on the device ------------------------------------------------------------

/** What must survive a reload or a closed tab: unsaved text and unsettled conflicts. */
export function draftOf(s) {
  if (!isDirty(s) && !s.conflict) return null;
  return { base: s.base, local: s.local, conflict: s.conflict };
}

/** All items' drafts as one object (localStorage value), keyed by item id. */
export function encodeDrafts(states) {
  const out = {};
  for (const s of states) {
    const d = draftOf(s);
    if (d) out[s.id] = d;
  }
  return out;
}

/** Drafts read back; anything malformed is ignored rather than trusted. */
export function decodeDrafts(raw) {
  let data;
  try {
    data = typeof raw === "string" ? JSON.parse(raw) : raw;
  } catch {
    return {};
  }
  const out = {};
  if (!data || typeof data !== "object") return out;
  for (const [id, d] of Object.entries(data)) {
    if (!d || !d.base || !d.local || !Number.isFinite(Number(d.base.version))) continue;
    out[Number(id)] = { base: server(d.base), local: texts(d.local) };
  }
  return out;
}

/**
 * A draft from an earlier visit meets the server's item: continue where it
 * was if the server did not move; else merge, or raise the conflict now.
 */
export function restoreDraft(draft, item) {
  const fresh = itemFromServer(item);
  if (!draft) return fresh;
  const mine = { ...fresh, base: draft.base, local: draft.local };
  if (FIELDS.every((f) => mine.local[f] === fresh.base[f])) return fresh; // it did reach the server
  if (draft.base.version === fresh.base.version) return { ...mine, base: fresh.base };
  return saveConflicted(mine, item);
}

// ---- the header (one-line fields, saved with the whole document) --------------------

export const HEADER_FIELDS = [
  "issuer_parent", "issuer_name", "issuer_number", "locality", "subject",
  "chair_id", "chair_position", "secretary_id", "secretary_position",
];

function same(a, b) {
  return (a ?? "") === (b ?? "");
}

/** The fields the secretary changed from `base`: {field: value}. */
export function headerChanges(base, mine) {
  const out = {};
  for (const f of HEADER_FIELDS) if (f in mine && !same(mine[f], base[f])) out[f] = mine[f];
  return out;
}

/**
 * Another save came first (409 with the server's header `theirs`): ours goes
 * again on top of it. A field both changed differently keeps ours, and is
 * named in `overridden`, so the secretary hears whose text she replaced.
 */
export function rebaseHeader(base, changes, theirs) {
  const again = {};
  const overridden = [];
  for (const [f, value] of Object.entries(changes)) {
    if (same(theirs[f], value)) continue;
    if (!same(theirs[f], base[f])) overridden.push(f);
    again[f] = value;
  }
  return { changes: again, overridden };
}
