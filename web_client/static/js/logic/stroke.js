// Ink strokes drawn as filled outlines, the way a pen looks: the width follows
// the pressure, the line is smoothed, the ends are round. Pure: numbers in,
// numbers out (in the same units as the input points), so the tablet, the
// hall screen and the unit tests all draw a stroke identically.
//
// Input points are [x, y, pressure] (pressure 0..1). The outline is one or
// more closed polygons; a stroke is split at sharp turns (a "V" written in one
// go) and each piece gets round caps, which makes round joins. Every polygon
// runs "left side forward, right side back", so all of them wind the same
// way: under SVG's nonzero fill rule overlapping pieces and self-crossing
// loops (an "e", an "o") stay filled instead of cancelling into holes.

export const STROKE_DEFAULTS = Object.freeze({
  thinning: 0.6, // how much pressure changes the width: 0 = constant, 1 = from 0 to 2x
  streamline: 0.4, // how far each point lags behind the pen (0 = raw, jittery)
  pressureSmoothing: 0.45, // low-pass on pressure: Apple Pencil readings flicker
  cornerCos: -0.15, // split where the direction turns by more than ~100 degrees
  capSteps: 8, // points on a half circle cap
});

const EPS = 1e-9;

/** Radius at pressure p for a base width `size` (the width at p = 0.5). */
export function radiusAt(size, p, thinning = STROKE_DEFAULTS.thinning) {
  const pressure = Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : 0.5;
  return Math.max(size * 0.08, (size / 2) * (1 + thinning * (2 * pressure - 1)));
}

/**
 * Pressure for a device that has none (a mouse): fast movement thins the
 * line like a quick pen stroke does. `prev` is the previous simulated
 * pressure, `distance` the distance moved since the previous point.
 */
export function simulatedPressure(prev, distance, size) {
  const base = Number.isFinite(prev) ? prev : 0.5;
  const speed = Math.min(1, distance / Math.max(EPS, size * 2));
  const target = 0.75 - 0.45 * speed; // slow: 0.75, fast: 0.3
  return Math.round((base + (target - base) * 0.35) * 1000) / 1000;
}

/**
 * Smooth the raw points: each point moves only part of the way towards the
 * pen (`streamline`), pressure is low-passed, points closer than `minStep`
 * to the previous one are dropped. The pen's real last position is kept, so
 * the line ends where the pen was lifted.
 */
export function smoothPoints(points, { streamline = STROKE_DEFAULTS.streamline, pressureSmoothing = STROKE_DEFAULTS.pressureSmoothing, minStep = 0 } = {}) {
  const clean = (points || []).filter((q) => Array.isArray(q) && Number.isFinite(q[0]) && Number.isFinite(q[1]));
  if (clean.length === 0) return [];
  const pOf = (q) => (Number.isFinite(q[2]) ? q[2] : 0.5);
  const out = [[clean[0][0], clean[0][1], pOf(clean[0])]];
  const k = 1 - Math.min(0.95, Math.max(0, streamline));
  const kp = 1 - Math.min(0.95, Math.max(0, pressureSmoothing));
  for (let i = 1; i < clean.length; i++) {
    const prev = out[out.length - 1];
    const q = clean[i];
    const x = prev[0] + (q[0] - prev[0]) * k;
    const y = prev[1] + (q[1] - prev[1]) * k;
    const p = prev[2] + (pOf(q) - prev[2]) * kp;
    if (Math.hypot(x - prev[0], y - prev[1]) <= minStep) {
      prev[2] = p; // same place, new pressure
      continue;
    }
    out.push([x, y, p]);
  }
  const last = clean[clean.length - 1];
  const tail = out[out.length - 1];
  if (clean.length > 1 && Math.hypot(last[0] - tail[0], last[1] - tail[1]) > EPS) {
    out.push([last[0], last[1], tail[2] + (pOf(last) - tail[2]) * kp]);
  }
  return out;
}

function unit(dx, dy) {
  const len = Math.hypot(dx, dy);
  return len > EPS ? [dx / len, dy / len] : null;
}

/** Split smoothed points into runs without sharp turns (they share the corner point). */
export function splitAtCorners(pts, cornerCos = STROKE_DEFAULTS.cornerCos) {
  if (pts.length < 3) return [pts];
  const runs = [];
  let run = [pts[0]];
  let dirIn = null;
  for (let i = 1; i < pts.length; i++) {
    const d = unit(pts[i][0] - pts[i - 1][0], pts[i][1] - pts[i - 1][1]);
    if (d && dirIn && d[0] * dirIn[0] + d[1] * dirIn[1] < cornerCos && run.length > 1) {
      runs.push(run);
      run = [pts[i - 1]];
    }
    run.push(pts[i]);
    if (d) dirIn = d;
  }
  runs.push(run);
  return runs;
}

function arc(out, cx, cy, r, from, sweep, steps) {
  for (let s = 1; s < steps; s++) {
    const a = from + (sweep * s) / steps;
    out.push([cx + Math.cos(a) * r, cy + Math.sin(a) * r]);
  }
}

function circle(cx, cy, r, steps) {
  const out = [];
  for (let s = 0; s < steps * 2; s++) {
    const a = (Math.PI * s) / steps;
    out.push([cx + Math.cos(a) * r, cy + Math.sin(a) * r]);
  }
  return out;
}

/** The outline polygon of one run (no sharp turns inside). */
function runOutline(run, size, thinning, capSteps) {
  const n = run.length;
  const radii = run.map((q) => radiusAt(size, q[2], thinning));
  if (n === 1) return circle(run[0][0], run[0][1], radii[0], capSteps);
  const left = [];
  const right = [];
  const normals = [];
  let lastDir = null;
  for (let i = 0; i < n; i++) {
    const a = run[Math.max(0, i - 1)];
    const b = run[Math.min(n - 1, i + 1)];
    const dir = unit(b[0] - a[0], b[1] - a[1]) || lastDir || [1, 0];
    lastDir = dir;
    const nx = -dir[1];
    const ny = dir[0];
    normals.push([nx, ny]);
    left.push([run[i][0] + nx * radii[i], run[i][1] + ny * radii[i]]);
    right.push([run[i][0] - nx * radii[i], run[i][1] - ny * radii[i]]);
  }
  const out = [...left];
  // End cap: from the left side around the front to the right side.
  const [enx, eny] = normals[n - 1];
  arc(out, run[n - 1][0], run[n - 1][1], radii[n - 1], Math.atan2(eny, enx), -Math.PI, capSteps);
  for (let i = n - 1; i >= 0; i--) out.push(right[i]);
  // Start cap: from the right side around the back to the left side.
  const [snx, sny] = normals[0];
  arc(out, run[0][0], run[0][1], radii[0], Math.atan2(sny, snx) + Math.PI, -Math.PI, capSteps);
  return out;
}

/**
 * The outline of a stroke: a list of closed polygons ([[x, y], ...] each).
 * `size` is the line width at pressure 0.5, in the points' units.
 */
export function strokeOutline(points, size, options = {}) {
  const o = { ...STROKE_DEFAULTS, ...options };
  if (!(size > 0)) return [];
  const pts = smoothPoints(points, { streamline: o.streamline, pressureSmoothing: o.pressureSmoothing, minStep: size * 0.05 });
  if (pts.length === 0) return [];
  // A tap, or a wiggle smaller than the pen: a dot.
  const extent = Math.max(...pts.map((q) => Math.hypot(q[0] - pts[0][0], q[1] - pts[0][1])));
  if (extent < size * 0.25) {
    const p = Math.max(...pts.map((q) => q[2]));
    return [circle(pts[0][0], pts[0][1], radiusAt(size, p, o.thinning), o.capSteps)];
  }
  return splitAtCorners(pts, o.cornerCos).map((run) => runOutline(run, size, o.thinning, o.capSteps));
}

const fmt = (v) => String(Math.round(v * 100) / 100);

/**
 * SVG path data for outline polygons: quadratic curves through the edge
 * midpoints, so the outline is smooth rather than a visible polygon.
 */
export function outlinePath(polygons) {
  const parts = [];
  for (const poly of polygons || []) {
    if (!poly || poly.length < 3) continue;
    const n = poly.length;
    const mid = (i) => {
      const a = poly[i % n];
      const b = poly[(i + 1) % n];
      return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    };
    const start = mid(0);
    let d = `M${fmt(start[0])} ${fmt(start[1])}`;
    for (let i = 1; i <= n; i++) {
      const c = poly[i % n];
      const m = mid(i);
      d += `Q${fmt(c[0])} ${fmt(c[1])} ${fmt(m[0])} ${fmt(m[1])}`;
    }
    parts.push(`${d}Z`);
  }
  return parts.join("");
}

/** Shortest distance from point (px, py) to the segment a-b. */
export function distanceToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > EPS ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Shortest distance from a point to a polyline of [x, y, ...] points. */
export function distanceToPolyline(px, py, points) {
  if (!points || points.length === 0) return Infinity;
  if (points.length === 1) return Math.hypot(px - points[0][0], py - points[0][1]);
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    best = Math.min(best, distanceToSegment(px, py, a[0], a[1], b[0], b[1]));
  }
  return best;
}
