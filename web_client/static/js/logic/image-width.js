// Which image width to ask the server for, and how big a page box is on screen.
// Pure functions: no DOM, unit-tested in tests/js/image-width.test.mjs.

export const WIDTH_STEP = 256;
export const MAX_WIDTH = 4096;

// iPad Safari will not decode images much above 16.7 Mpx at full size (it
// subsamples or drops them); stay under it with some room.
export const MAX_PIXELS = 16 * 1024 * 1024;

/**
 * Pixel width to request for an image shown `cssWidth` CSS pixels wide on a
 * screen with `dpr` device pixels per CSS pixel. Rounded UP to a multiple of
 * `step` so that nearby sizes share one cached image; capped at `max` (the
 * server's limit) and, when `aspect` (height / width) is given, so that the
 * whole image stays under `maxPixels`.
 */
export function chooseWidth(cssWidth, dpr = 1, { step = WIDTH_STEP, max = MAX_WIDTH, aspect = 0, maxPixels = MAX_PIXELS } = {}) {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const css = Number.isFinite(cssWidth) && cssWidth > 0 ? cssWidth : 1;
  // Subtract a hair before ceil so 1024.0000001 does not jump a whole step.
  const device = css * ratio - 1e-6;
  const rounded = Math.max(step, Math.ceil(device / step) * step);
  let cap = max;
  if (aspect > 0) {
    const byPixels = Math.floor(Math.sqrt(maxPixels / aspect) / step) * step;
    cap = Math.min(cap, Math.max(step, byPixels));
  }
  return Math.min(rounded, cap);
}

/**
 * Size of a page box in CSS pixels. `mode` "page" fits the whole page inside
 * the box; "width" fills the box width (the page may then scroll vertically).
 * Keeps the aspect ratio of the page (PDF points, as displayed).
 */
export function fitSize(pageWidth, pageHeight, boxWidth, boxHeight, mode = "page") {
  const pw = pageWidth > 0 ? pageWidth : 595;
  const ph = pageHeight > 0 ? pageHeight : 842;
  const bw = Math.max(1, boxWidth);
  const bh = Math.max(1, boxHeight);
  const scale = mode === "width" ? bw / pw : Math.min(bw / pw, bh / ph);
  return {
    width: Math.max(1, Math.floor(pw * scale)),
    height: Math.max(1, Math.floor(ph * scale)),
  };
}

/** The page image URL of PROTOCOL.md. */
export function pageImageUrl(documentId, page, width) {
  return `/api/documents/${encodeURIComponent(documentId)}/pages/${encodeURIComponent(page)}?width=${width}`;
}
