// Annotations as the server knows them, and what a page shows. Pure.
//
// The index holds the server's annotations by id with the seq that brought
// each (an event's seq, an ack's seq, or the seq a page listing started at).
// A put or delete only applies when it is at least as new as what the index
// has, so events, acks and listings that cross on the wire settle on the
// newest, whatever order they arrive in. Example: turning one's shared stroke
// private sends the room `annotation:deleted` and then the owner
// `annotation:put`; the owner's ack may arrive between them, and the late
// delete must not wipe the private stroke.
//
// What a page shows = the index's annotations of that page, overlaid with the
// device's own changes still waiting in the outbox (they are newer than
// anything the server has said).

/** Annotation shape (PROTOCOL.md): {id, document_id, page, kind, visibility, owner_id, updated_at, data}. */
export const KINDS = Object.freeze(["ink", "highlight", "note"]);

export function emptyIndex() {
  return { items: {}, gone: {} }; // id -> {annotation, seq};  id -> seq of its deletion
}

function seqOf(v) {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

const samePage = (a, documentId, page) =>
  Number(a.document_id) === Number(documentId) && Number(a.page) === Number(page);

/** Apply a server put (event, ack or listing) unless something newer is known. */
export function applyPut(index, annotation, seq = 0) {
  if (!annotation || typeof annotation.id !== "string") return index;
  const s = seqOf(seq);
  const cur = index.items[annotation.id];
  if (cur && cur.seq > s) return index;
  if ((index.gone[annotation.id] ?? -1) > s) return index;
  const gone = { ...index.gone };
  delete gone[annotation.id];
  return { items: { ...index.items, [annotation.id]: { annotation, seq: s } }, gone };
}

/** Apply a server delete unless a newer put is known. */
export function applyDelete(index, id, seq = 0) {
  const s = seqOf(seq);
  const cur = index.items[id];
  if (cur && cur.seq > s) return index;
  const items = { ...index.items };
  delete items[id];
  return { items, gone: { ...index.gone, [id]: Math.max(s, index.gone[id] ?? 0) } };
}

/**
 * Load a page listing (GET /api/documents/{id}/annotations?page=N) taken at
 * or after `baseSeq`: it replaces what the index knew of that page up to
 * that seq; anything newer (events that came while the listing was on its
 * way) stays.
 */
export function replacePage(index, documentId, page, list, baseSeq = 0) {
  const base = seqOf(baseSeq);
  const items = {};
  for (const [id, entry] of Object.entries(index.items)) {
    if (!samePage(entry.annotation, documentId, page) || entry.seq > base) items[id] = entry;
  }
  const gone = { ...index.gone };
  for (const a of list || []) {
    if (!a || typeof a.id !== "string" || !samePage(a, documentId, page)) continue;
    if (items[a.id] && items[a.id].seq > base) continue;
    if ((gone[a.id] ?? -1) > base) continue;
    delete gone[a.id];
    items[a.id] = { annotation: a, seq: base };
  }
  return { items, gone };
}

/** The index's annotations of one page, in the order they came. */
export function pageAnnotations(index, documentId, page) {
  return Object.values(index.items)
    .map((e) => e.annotation)
    .filter((a) => samePage(a, documentId, page));
}

export function getAnnotation(index, id) {
  return index.items[id] ? index.items[id].annotation : null;
}

/**
 * What a page shows: `server` annotations overlaid with outbox records
 * ({op: "put", annotation} | {op: "delete", id}) of the same page.
 * Returns [{annotation, pending}], highlights first (under the ink), notes
 * last (on top), otherwise in the order they came.
 */
export function pageView(server, pendingRecords, documentId, page) {
  const byId = new Map(server.map((a) => [a.id, { annotation: a, pending: false }]));
  for (const r of pendingRecords || []) {
    if (r.op === "delete") byId.delete(r.id);
    else if (r.op === "put" && r.annotation && samePage(r.annotation, documentId, page)) {
      byId.set(r.annotation.id, { annotation: r.annotation, pending: true });
    }
  }
  const rank = { highlight: 0, ink: 1, note: 2 };
  return [...byId.values()]
    .map((v, i) => ({ ...v, i }))
    .sort((a, b) => (rank[a.annotation.kind] ?? 1) - (rank[b.annotation.kind] ?? 1) || a.i - b.i)
    .map(({ annotation, pending }) => ({ annotation, pending }));
}

/** Only shared annotations (the hall screen never shows anyone's private ones). */
export function sharedOnly(list) {
  return list.filter((a) => a.visibility === "shared");
}

export function isOwn(annotation, userId) {
  return annotation != null && userId != null && Number(annotation.owner_id) === Number(userId);
}

// ---- making annotations ----------------------------------------------------------

/** A random UUID v4; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function newId(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === "function") return cryptoImpl.randomUUID();
  const b = new Uint8Array(16);
  cryptoImpl.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The server's default limits (MEETING_ANNOTATION_POINTS_PER_STROKE; a live
// piece: docs/api.md): a longer stroke is cut rather than refused whole.
export const MAX_STROKE_POINTS = 5000;
export const MAX_LIVE_PIECE_POINTS = 256;

const clamp01 = (v) => Math.min(1, Math.max(0, v));
const r5 = (v) => Math.round(v * 1e5) / 1e5;
const r3 = (v) => Math.round(v * 1e3) / 1e3;

/** Points ready for the wire: inside the page, rounded (0.01 mm on A4), at most `max`. */
export function wirePoints(points, max = MAX_STROKE_POINTS) {
  return (points || [])
    .slice(0, max)
    .map((q) => [r5(clamp01(q[0])), r5(clamp01(q[1])), r3(clamp01(Number.isFinite(q[2]) ? q[2] : 0.5))]);
}

/** An annotation object as the client sends it (the server sets owner_id, updated_at). */
export function makeAnnotation({ id, document_id, page, kind, visibility = "private", data }) {
  return { id: id || newId(), document_id: Number(document_id), page: Number(page), kind, visibility, data };
}

/** The same annotation content under a new id (undoing a delete: deleted ids stay deleted). */
export function recreated(annotation, id = newId()) {
  const { owner_id: _o, updated_at: _u, ...rest } = annotation;
  return { ...rest, id, data: structuredCloneSafe(annotation.data) };
}

/** The annotation with another visibility, or another note text. */
export function changed(annotation, patch) {
  const { owner_id: _o, updated_at: _u, ...rest } = annotation;
  const next = { ...rest, ...patch };
  if (patch.data) next.data = { ...annotation.data, ...patch.data };
  return next;
}

function structuredCloneSafe(v) {
  return JSON.parse(JSON.stringify(v ?? null));
}

// ---- hit testing ---------------------------------------------------------------------
// In page-width units: x as is, y times the aspect (page height / width).

function distToInk(a, pt, aspect) {
  const pts = (a.data && a.data.points) || [];
  let best = Infinity;
  for (let i = 0; i < pts.length; i++) {
    const ax = pts[i][0];
    const ay = pts[i][1] * aspect;
    if (i === 0) best = Math.hypot(pt.x - ax, pt.y * aspect - ay);
    if (i + 1 < pts.length) {
      const bx = pts[i + 1][0];
      const by = pts[i + 1][1] * aspect;
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      let t = len2 > 0 ? ((pt.x - ax) * dx + (pt.y * aspect - ay) * dy) / len2 : 0;
      t = Math.max(0, Math.min(1, t));
      best = Math.min(best, Math.hypot(pt.x - (ax + t * dx), pt.y * aspect - (ay + t * dy)));
    }
  }
  return best - (Number(a.data && a.data.width) || 0) * 0.8;
}

function distToRects(a, pt, aspect) {
  let best = Infinity;
  for (const r of (a.data && a.data.rects) || []) {
    const dx = pt.x < r[0] ? r[0] - pt.x : pt.x > r[2] ? pt.x - r[2] : 0;
    const dy = pt.y < r[1] ? r[1] - pt.y : pt.y > r[3] ? pt.y - r[3] : 0;
    best = Math.min(best, Math.hypot(dx, dy * aspect));
  }
  return best;
}

function distToNote(a, pt, aspect) {
  const d = a.data || {};
  return Math.hypot(pt.x - d.x, (pt.y - d.y) * aspect);
}

/** Distance (page widths) from a point to an annotation's mark. */
export function distanceTo(annotation, pt, aspect = 1.414) {
  if (annotation.kind === "ink") return distToInk(annotation, pt, aspect);
  if (annotation.kind === "highlight") return distToRects(annotation, pt, aspect);
  if (annotation.kind === "note") return distToNote(annotation, pt, aspect);
  return Infinity;
}

/**
 * The topmost annotation within `tolerance` of the point, among those
 * `accept` lets through (e.g. one's own), or null.
 */
export function hitTest(annotations, pt, { aspect = 1.414, tolerance = 0.015, accept = () => true } = {}) {
  for (let i = annotations.length - 1; i >= 0; i--) {
    const a = annotations[i];
    if (accept(a) && distanceTo(a, pt, aspect) <= tolerance) return a;
  }
  return null;
}

/** Ids of the annotations an eraser path (points {x, y}) touches. */
export function erased(annotations, path, { aspect = 1.414, tolerance = 0.012, accept = () => true } = {}) {
  const out = [];
  for (const a of annotations) {
    if (a.kind === "note" || !accept(a)) continue;
    if (path.some((pt) => distanceTo(a, pt, aspect) <= tolerance)) out.push(a.id);
  }
  return out;
}

/** Bounding box [x0, y0, x1, y1] of an annotation's mark (normalised). */
export function bounds(annotation, aspect = 1.414) {
  const d = annotation.data || {};
  if (annotation.kind === "ink" && d.points && d.points.length) {
    const xs = d.points.map((q) => q[0]);
    const ys = d.points.map((q) => q[1]);
    const pad = (Number(d.width) || 0) * 0.8; // the widest a pressed pen gets
    const padY = pad / aspect;
    return [Math.min(...xs) - pad, Math.min(...ys) - padY, Math.max(...xs) + pad, Math.max(...ys) + padY];
  }
  if (annotation.kind === "highlight" && d.rects && d.rects.length) {
    return [
      Math.min(...d.rects.map((r) => r[0])), Math.min(...d.rects.map((r) => r[1])),
      Math.max(...d.rects.map((r) => r[2])), Math.max(...d.rects.map((r) => r[3])),
    ];
  }
  if (annotation.kind === "note") return [d.x, d.y, d.x, d.y];
  return null;
}
