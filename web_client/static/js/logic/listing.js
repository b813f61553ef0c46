// A paged listing followed to its end. Pure (the fetching is passed in).
//
// GET /api/documents/{id}/annotations answers one listing page: a JSON array,
// and while there are more, an X-Next-Cursor header to send back as `after`.

/** The URL of one listing page of a document page's annotations. */
export function listingUrl(documentId, page, cursor = null) {
  const q = new URLSearchParams({ page: String(Number(page)) });
  if (cursor) q.set("after", cursor);
  return `/api/documents/${Number(documentId)}/annotations?${q}`;
}

/**
 * Every item of a paged listing: fetchPage(cursor | null) resolves with
 * {items, next}; `next` null (or the same cursor again) ends it. A listing
 * longer than `maxPages` is a server bug, not a reason to loop forever.
 */
export async function fetchAllPages(fetchPage, maxPages = 1000) {
  const all = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const { items, next } = await fetchPage(cursor);
    if (Array.isArray(items)) all.push(...items);
    if (!next || next === cursor) return all;
    cursor = next;
  }
  throw new Error(`the listing did not end after ${maxPages} pages`);
}
