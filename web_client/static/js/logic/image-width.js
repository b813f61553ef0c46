// Which image width to ask the server for, and how big a page box is on screen.
// Pure functions: no DOM, unit-tested in tests/js/image-width.test.mjs.

// The widths the server keeps page images in (meeting_server/documents/widths.py,
// checked against this list by tests/test_page_cache.py): asking for exactly
// one of them means no image is ever scaled twice or cached under a width the
// server would round anyway.
export const PAGE_WIDTHS = [256, 512, 768, 1024, 1536, 2048, 3072, 4096];
export const MAX_WIDTH = PAGE_WIDTHS[PAGE_WIDTHS.length - 1];

// iPad Safari will not decode images much above 16.7 Mpx at full size (it
// subsamples or drops them); stay under it with some room.
export const MAX_PIXELS = 16 * 1024 * 1024;

/**
 * Pixel width to request for an image shown `cssWidth` CSS pixels wide on a
 * screen with `dpr` device pixels per CSS pixel: the first of `widths` at
 * least that wide, capped at the last one and, when `aspect` (height / width)
 * is given, at the widest one whose whole image stays under `maxPixels`.
 */
export function chooseWidth(cssWidth, dpr = 1, { widths = PAGE_WIDTHS, aspect = 0, maxPixels = MAX_PIXELS } = {}) {
  const ratio = Number.isFinite(dpr) && dpr > 0 ? dpr : 1;
  const css = Number.isFinite(cssWidth) && cssWidth > 0 ? cssWidth : 1;
  // Subtract a hair so 1024.0000001 does not jump a whole bucket.
  const device = css * ratio - 1e-6;
  let cap = widths[widths.length - 1];
  if (aspect > 0) {
    const fitting = widths.filter((w) => w * w * aspect <= maxPixels);
    cap = fitting.length ? fitting[fitting.length - 1] : widths[0];
  }
  const wanted = widths.find((w) => w >= device) ?? widths[widths.length - 1];
  return Math.min(wanted, cap);
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
