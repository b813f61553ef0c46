// Where a popover goes beside the thing it is about. Pure.

/**
 * Place a box of `size` {w, h} next to `anchor` {left, top, right, bottom}
 * inside `bounds` {left, top, right, bottom} (all in the same coordinates),
 * `gap` px away: to the right if it fits, else to the left, else below,
 * else above; always clamped inside the bounds.
 * Returns {left, top, side: "right"|"left"|"below"|"above"}.
 */
export function placePopover(anchor, size, bounds, gap = 12) {
  const fitsX = (x) => x >= bounds.left && x + size.w <= bounds.right;
  const fitsY = (y) => y >= bounds.top && y + size.h <= bounds.bottom;
  const midY = (anchor.top + anchor.bottom) / 2 - size.h / 2;
  const midX = (anchor.left + anchor.right) / 2 - size.w / 2;
  const options = [
    { side: "right", left: anchor.right + gap, top: midY, ok: fitsX(anchor.right + gap) },
    { side: "left", left: anchor.left - gap - size.w, top: midY, ok: fitsX(anchor.left - gap - size.w) },
    { side: "below", left: midX, top: anchor.bottom + gap, ok: fitsY(anchor.bottom + gap) },
    { side: "above", left: midX, top: anchor.top - gap - size.h, ok: fitsY(anchor.top - gap - size.h) },
  ];
  const pick = options.find((o) => o.ok) || options[0];
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(v, Math.max(lo, hi)));
  return {
    side: pick.side,
    left: Math.round(clamp(pick.left, bounds.left, bounds.right - size.w)),
    top: Math.round(clamp(pick.top, bounds.top, bounds.bottom - size.h)),
  };
}
