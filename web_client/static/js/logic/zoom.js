// Page zoom arithmetic for the page view (pinch, double tap). Pure.

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 3;

export function clampZoom(z, min = MIN_ZOOM, max = MAX_ZOOM) {
  if (!Number.isFinite(z)) return min;
  // Snap near 1 back to 1: a pinch that barely moved means "fit".
  if (z < min * 1.06) return min;
  return Math.min(max, Math.round(z * 100) / 100);
}

export function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

export function midpoint(a, b) {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/**
 * Scroll offsets that keep the point under `anchor` (in the scroller's
 * viewport, CSS px) in place when zoom goes from z0 to z1.
 */
export function anchoredScroll({ scrollLeft, scrollTop }, anchor, z0, z1) {
  const k = z1 / z0;
  return {
    left: Math.max(0, (scrollLeft + anchor.x) * k - anchor.x),
    top: Math.max(0, (scrollTop + anchor.y) * k - anchor.y),
  };
}

/** Double tap: zoomed in goes back to fit; fit goes to 2x. */
export function doubleTapZoom(z) {
  return z > MIN_ZOOM ? MIN_ZOOM : 2;
}
