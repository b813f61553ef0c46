import { test } from "node:test";
import assert from "node:assert/strict";
import {
  radiusAt, simulatedPressure, smoothPoints, splitAtCorners, strokeOutline, outlinePath,
  distanceToSegment, distanceToPolyline,
} from "../../web_client/static/js/logic/stroke.js";

const line = (n, f) => Array.from({ length: n }, (_, i) => f(i));

// Signed area (shoelace): the sign tells which way a polygon winds.
const area = (poly) => poly.reduce((s, [x0, y0], i) => {
  const [x1, y1] = poly[(i + 1) % poly.length];
  return s + x0 * y1 - x1 * y0;
}, 0) / 2;

test("the width follows the pressure and never vanishes", () => {
  assert.equal(radiusAt(10, 0.5), 5);
  assert.ok(radiusAt(10, 1) > radiusAt(10, 0.5));
  assert.ok(radiusAt(10, 0) < radiusAt(10, 0.5));
  assert.ok(radiusAt(10, 0) > 0);
  assert.equal(radiusAt(10, NaN), 5, "no pressure reads as a medium press");
  assert.equal(radiusAt(10, 0.2, 0), 5, "thinning 0: constant width");
});

test("a mouse moving fast draws thinner than one moving slowly", () => {
  let slow = 0.5;
  let fast = 0.5;
  for (let i = 0; i < 10; i++) {
    slow = simulatedPressure(slow, 1, 10);
    fast = simulatedPressure(fast, 60, 10);
  }
  assert.ok(slow > 0.65 && fast < 0.35, `${slow} ${fast}`);
});

test("smoothing lags behind the pen but ends where it was lifted", () => {
  const raw = [[0, 0, 0.5], [10, 0, 0.5], [20, 5, 0.5], [30, 0, 0.5]];
  const pts = smoothPoints(raw, { streamline: 0.5 });
  assert.deepEqual(pts[0], [0, 0, 0.5]);
  assert.equal(pts[1][0], 5, "half way to the raw point");
  assert.deepEqual(pts.at(-1).slice(0, 2), [30, 0]);
  assert.deepEqual(smoothPoints([]), []);
  assert.deepEqual(smoothPoints([[NaN, 1, 0.5], [1, 1]]), [[1, 1, 0.5]], "bad points are skipped; missing pressure is 0.5");
});

test("jittery pressure is low-passed", () => {
  const raw = line(20, (i) => [i * 5, 0, i % 2 ? 0.9 : 0.1]);
  const ps = smoothPoints(raw, { streamline: 0 }).map((q) => q[2]);
  const swing = Math.max(...ps.slice(5)) - Math.min(...ps.slice(5));
  assert.ok(swing < 0.5, `pressure still swings by ${swing}`);
});

test("a tap makes a round dot as wide as the pen", () => {
  const [dot, ...rest] = strokeOutline([[50, 50, 0.5]], 10);
  assert.equal(rest.length, 0);
  for (const [x, y] of dot) assert.ok(Math.abs(Math.hypot(x - 50, y - 50) - 5) < 1e-9);
});

test("a straight stroke's outline is as wide as the pen and has round ends", () => {
  const pts = line(11, (i) => [i * 10, 0, 0.5]);
  const polys = strokeOutline(pts, 4, { streamline: 0 });
  assert.equal(polys.length, 1);
  const ys = polys[0].map((q) => q[1]);
  assert.ok(Math.abs(Math.max(...ys) - 2) < 1e-9 && Math.abs(Math.min(...ys) + 2) < 1e-9);
  const xs = polys[0].map((q) => q[0]);
  assert.ok(Math.abs(Math.min(...xs) + 2) < 0.1, "round cap before the start");
  assert.ok(Math.abs(Math.max(...xs) - 102) < 0.1, "round cap past the end");
});

test("pressing harder makes the stroke wider there", () => {
  const pts = line(21, (i) => [i * 10, 0, i < 10 ? 0.2 : 1]);
  const [poly] = strokeOutline(pts, 10, { streamline: 0, pressureSmoothing: 0 });
  const widthAt = (x) => Math.max(...poly.filter((q) => Math.abs(q[0] - x) < 0.01).map((q) => Math.abs(q[1])));
  assert.ok(widthAt(180) > widthAt(20) * 1.5, `${widthAt(20)} vs ${widthAt(180)}`);
});

test("a V is split at its sharp turn; every piece winds the same way", () => {
  const down = line(10, (i) => [i * 5, i * 10, 0.5]);
  const up = line(10, (i) => [45 + (i + 1) * 5, 90 - (i + 1) * 10, 0.5]);
  const runs = splitAtCorners([...down, ...up]);
  assert.equal(runs.length, 2);
  assert.deepEqual(runs[0].at(-1), runs[1][0], "the pieces share the corner");
  const polys = strokeOutline([...down, ...up], 4, { streamline: 0 });
  assert.equal(polys.length, 2);
  const signs = polys.map((p) => Math.sign(area(p)));
  assert.equal(signs[0], signs[1]);
  // A loop written the other way round winds the same way too (nonzero fill keeps both filled).
  const back = strokeOutline([...line(10, (i) => [90 - i * 10, 0, 0.5])], 4, { streamline: 0 });
  const fwd = strokeOutline([...line(10, (i) => [i * 10, 0, 0.5])], 4, { streamline: 0 });
  assert.equal(Math.sign(area(back[0])), Math.sign(area(fwd[0])));
});

test("a gentle curve stays one piece", () => {
  const arc = line(30, (i) => [Math.cos(i / 10) * 100, Math.sin(i / 10) * 100, 0.5]);
  assert.equal(strokeOutline(arc, 4).length, 1);
});

test("outlinePath gives one closed smooth subpath per polygon", () => {
  const polys = strokeOutline([[0, 0, 0.5], [50, 50, 0.5], [100, 0, 0.5]], 6, { streamline: 0 });
  const d = outlinePath(polys);
  assert.equal((d.match(/M/g) || []).length, polys.length);
  assert.equal((d.match(/Z/g) || []).length, polys.length);
  assert.match(d, /^M[\d.-]+ [\d.-]+Q/);
  assert.equal(outlinePath([]), "");
  assert.equal(strokeOutline([[0, 0, 0.5]], 0).length, 0, "no width, no outline");
});

test("distances to segments and polylines", () => {
  assert.equal(distanceToSegment(5, 5, 0, 0, 10, 0), 5);
  assert.equal(distanceToSegment(-3, 4, 0, 0, 10, 0), 5, "past the end: distance to the end point");
  assert.equal(distanceToSegment(3, 4, 0, 0, 0, 0), 5, "a zero-length segment is a point");
  assert.equal(distanceToPolyline(10, 3, [[0, 0], [10, 0], [10, 10]]), 0);
  assert.equal(distanceToPolyline(0, 0, []), Infinity);
});
