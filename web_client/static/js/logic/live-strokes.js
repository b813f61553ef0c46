// Other people's strokes while they are being drawn (`annotation:drawing`,
// a transient relay: never logged, never replayed). Pure.
//
// Each message carries the points added since the sender's previous one and
// `start`, the index of the first of them in the stroke. A message that
// would leave a gap (one was lost, or we arrived mid-stroke) is dropped; an
// overlap (a resend) adds only what is new. The final `annotation:put` with
// the same id replaces the preview; a preview with no news for `ttl` ms is a
// cancelled stroke and goes.
//
// previews: {id: {id, owner_id, document_id, page, color, width, points, at}}

export const PREVIEW_TTL_MS = 5000;

export function applyDrawing(previews, msg, now) {
  if (!msg || typeof msg.id !== "string" || !Array.isArray(msg.points)) return previews;
  const start = Math.trunc(Number(msg.start));
  if (!Number.isFinite(start) || start < 0) return previews;
  const cur = previews[msg.id];
  const have = cur ? cur.points.length : 0;
  if (start > have) return previews; // a gap: wait for the final put
  const fresh = msg.points.slice(have - start);
  const next = {
    id: msg.id,
    owner_id: msg.owner_id,
    document_id: Number(msg.document_id),
    page: Number(msg.page),
    color: msg.color || (cur && cur.color) || "#1a1e24",
    width: Number(msg.width) || (cur && cur.width) || 0.004,
    points: cur ? [...cur.points, ...fresh] : fresh,
    at: now,
  };
  return { ...previews, [msg.id]: next };
}

export function dropPreview(previews, id) {
  if (!(id in previews)) return previews;
  const next = { ...previews };
  delete next[id];
  return next;
}

export function expirePreviews(previews, now, ttl = PREVIEW_TTL_MS) {
  let next = previews;
  for (const [id, p] of Object.entries(previews)) {
    if (now - p.at > ttl) next = dropPreview(next, id);
  }
  return next;
}

export function previewsOn(previews, documentId, page) {
  return Object.values(previews).filter(
    (p) => p.document_id === Number(documentId) && p.page === Number(page) && p.points.length > 0,
  );
}
