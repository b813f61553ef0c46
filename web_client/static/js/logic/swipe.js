// Telling a horizontal swipe from a tap, a scroll or a pinch. Pure.

export const SWIPE_DEFAULTS = Object.freeze({
  minDistance: 50, // CSS px along x
  maxDuration: 900, // ms from down to up
  dominance: 1.5, // |dx| must beat |dy| by this factor
});

/**
 * Classify one finished gesture. `dx`, `dy` in CSS px (end - start),
 * `dt` in ms. Returns "next" (finger moved left), "prev" (moved right) or null.
 */
export function classifySwipe({ dx, dy, dt }, options = {}) {
  const o = { ...SWIPE_DEFAULTS, ...options };
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) return null;
  if (Number.isFinite(dt) && dt > o.maxDuration) return null;
  if (Math.abs(dx) < o.minDistance) return null;
  if (Math.abs(dx) < Math.abs(dy) * o.dominance) return null;
  return dx < 0 ? "next" : "prev";
}
