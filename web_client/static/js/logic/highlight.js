// Text highlights: a drag across the page's words (its text layer,
// GET /api/documents/{id}/pages/{n}/text) becomes one rectangle per line,
// like a highlighter pen that snaps to the text. Pure.
//
// Words are {text, x0, y0, x1, y1} normalised to the page (0..1, origin top
// left), in reading order as the server gives them. Points are {x, y} in the
// same space. `aspect` (page height / width) makes distances isotropic: a
// step of 0.01 down is longer than 0.01 across on a portrait page.

export const HIGHLIGHT_DEFAULTS = Object.freeze({
  aspect: 1.414,
  reach: 0.03, // how far (in page widths) from a word a drag may start and still pick it
  markerHeight: 0.016, // page heights: a line of body text, for pages without a text layer
});

function validWord(w) {
  return w && [w.x0, w.y0, w.x1, w.y1].every(Number.isFinite) && w.x1 >= w.x0 && w.y1 >= w.y0;
}

/** Distance from a point to a word's box (0 inside), in page widths. */
export function distanceToWord(w, pt, aspect = HIGHLIGHT_DEFAULTS.aspect) {
  const dx = pt.x < w.x0 ? w.x0 - pt.x : pt.x > w.x1 ? pt.x - w.x1 : 0;
  const dy = pt.y < w.y0 ? w.y0 - pt.y : pt.y > w.y1 ? pt.y - w.y1 : 0;
  return Math.hypot(dx, dy * aspect);
}

/** Index of the word nearest to `pt` within `reach`, or -1. */
export function nearestWord(words, pt, { aspect = HIGHLIGHT_DEFAULTS.aspect, reach = HIGHLIGHT_DEFAULTS.reach } = {}) {
  let best = -1;
  let bestD = Infinity;
  (words || []).forEach((w, i) => {
    if (!validWord(w)) return;
    const d = distanceToWord(w, pt, aspect);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return bestD <= reach ? best : -1;
}

/** Whether two word boxes sit on the same line: they overlap by half the smaller height. */
export function sameLine(a, b) {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  const h = Math.min(a.y1 - a.y0, b.y1 - b.y0);
  return overlap >= h * 0.5;
}

/**
 * Rectangles [x0, y0, x1, y1] covering the given words (indices in reading
 * order), one per line: consecutive words on the same line merge into one.
 */
export function rectsForWords(words, indices) {
  const rects = [];
  let cur = null;
  let prev = null;
  for (const i of indices) {
    const w = words[i];
    if (!validWord(w)) continue;
    if (cur && prev && sameLine(prev, w) && w.x0 >= prev.x0 - 0.002) {
      cur[0] = Math.min(cur[0], w.x0);
      cur[1] = Math.min(cur[1], w.y0);
      cur[2] = Math.max(cur[2], w.x1);
      cur[3] = Math.max(cur[3], w.y1);
    } else {
      cur = [w.x0, w.y0, w.x1, w.y1];
      rects.push(cur);
    }
    prev = w;
  }
  return rects.map((r) => r.map(round));
}

/**
 * The words a drag from `a` to `b` selects: every word in reading order
 * from the one nearest `a` to the one nearest `b` (either direction).
 * Returns indices, or [] when the drag is nowhere near the text.
 */
export function selectWords(words, a, b, options = {}) {
  let i = nearestWord(words, a, options);
  let j = nearestWord(words, b, options);
  if (i < 0 && j < 0) return [];
  if (i < 0) i = j;
  if (j < 0) j = i;
  const [from, to] = i <= j ? [i, j] : [j, i];
  const out = [];
  for (let k = from; k <= to; k++) if (validWord(words[k])) out.push(k);
  return out;
}

/**
 * A rectangle for pages without a text layer (scans): the drag's horizontal
 * span, one line of text high, centred on the drag's average height.
 */
export function markerRect(a, b, { markerHeight = HIGHLIGHT_DEFAULTS.markerHeight } = {}) {
  const y = (a.y + b.y) / 2;
  const half = markerHeight / 2;
  return [
    clamp01(Math.min(a.x, b.x)),
    clamp01(y - half),
    clamp01(Math.max(a.x, b.x)),
    clamp01(y + half),
  ].map(round);
}

/**
 * The rectangles a highlighter drag from `a` to `b` marks: the words it
 * crosses, merged per line; without words in reach, a marker stroke (when
 * the drag is long enough to mean one), else [].
 */
export function highlightRects(words, a, b, options = {}) {
  const picked = selectWords(words, a, b, options);
  if (picked.length) return rectsForWords(words, picked);
  const minLength = options.minMarker ?? 0.02;
  if (Math.abs(b.x - a.x) < minLength) return [];
  return [markerRect(a, b, options)];
}

/** Whether a point lies in any of the rects, grown by `pad` (page units). */
export function pointInRects(rects, pt, pad = 0) {
  return (rects || []).some((r) => pt.x >= r[0] - pad && pt.x <= r[2] + pad && pt.y >= r[1] - pad && pt.y <= r[3] + pad);
}

function clamp01(v) {
  return Math.min(1, Math.max(0, v));
}

function round(v) {
  return Math.round(v * 1e5) / 1e5;
}
