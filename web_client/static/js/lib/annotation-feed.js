// The server's annotations for the pages a device shows, kept current:
// a page is listed over HTTP (GET /api/documents/{id}/annotations?page=N,
// in listing pages followed to the end) the first time it is shown, then
// kept fresh by the realtime events
// (rt:annotation:put, rt:annotation:deleted, live or replayed on a rejoin).
// A resync (the server could not replay what we missed) lists again.
// Others' strokes in progress (rt:annotation:drawing) are kept as previews.
// Used by the tablet (with its outbox on top) and by the hall screen.
//
// Emits "change" (an EventTarget) whenever what a page shows may differ.
import { ApiError, redirectToLogin } from "./api.js";
import { fetchAllPages, listingUrl } from "../logic/listing.js";
import {
  emptyIndex, applyPut, applyDelete, replacePage, pageAnnotations, sharedOnly,
} from "../logic/annotations.js";
import { applyDrawing, dropPreview, expirePreviews, previewsOn } from "../logic/live-strokes.js";

const pageKey = (d, p) => `${Number(d)}:${Number(p)}`;

/** One listing page: {items, next}. Its cursor rides in a header, which api() does not expose. */
async function fetchListingPage(url) {
  const res = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!res.ok) {
    if (res.status === 401) redirectToLogin();
    throw new ApiError(res.status, null, `HTTP ${res.status}`);
  }
  return { items: await res.json(), next: res.headers.get("X-Next-Cursor") };
}

export class AnnotationFeed extends EventTarget {
  /**
   * @param {{rt: {state: {seq: number}}, shared?: boolean, forScreen?: boolean, target?: EventTarget}} opts
   *   `shared`: keep only shared annotations (the hall screen).
   *   `forScreen`: list with `for_screen=true`, what the presenter lets through to the hall.
   */
  constructor({ rt, shared = false, forScreen = false, target = document }) {
    super();
    this.rt = rt;
    this.shared = shared;
    this.forScreen = forScreen;
    // Bumped by reset(): a listing started before it lands nowhere.
    this.generation = 0;
    this.index = emptyIndex();
    this.previews = {};
    this.loaded = new Set(); // page keys listed since the last resync
    this.loading = new Map(); // page key -> promise
    this.current = null; // {documentId, page}
    this.expiry = null;

    target.addEventListener("rt:annotation:put", (e) => this.put(e.detail.data.annotation, e.detail.data.seq));
    target.addEventListener("rt:annotation:deleted", (e) => this.deleted(e.detail.data.id, e.detail.data.seq));
    target.addEventListener("rt:annotation:drawing", (e) => this.drawing(e.detail.data));
    target.addEventListener("rt:state", (e) => {
      // A resync: events were lost, list again. Else list only what never loaded (offline at first).
      if (e.detail.resync) this.loaded.clear();
      const c = this.current;
      if (c && !this.loaded.has(pageKey(c.documentId, c.page))) this.load(c.documentId, c.page);
    });
  }

  changed() {
    this.dispatchEvent(new CustomEvent("change"));
  }

  /** The page now in front of the person: list it unless known. */
  show(documentId, page) {
    this.current = { documentId: Number(documentId), page: Number(page) };
    if (!this.loaded.has(pageKey(documentId, page))) this.load(documentId, page);
    this.changed();
  }

  /** (Re)list a page from the server. */
  load(documentId, page) {
    const key = pageKey(documentId, page);
    if (this.loading.has(key)) return this.loading.get(key);
    const baseSeq = (this.rt && this.rt.state && this.rt.state.seq) || 0;
    const generation = this.generation;
    const url = (cursor) => listingUrl(documentId, page, cursor) + (this.forScreen ? "&for_screen=true" : "");
    const job = (async () => {
      try {
        const list = await fetchAllPages((cursor) => fetchListingPage(url(cursor)));
        if (generation !== this.generation) return;
        this.index = replacePage(this.index, documentId, page, list, baseSeq);
        this.loaded.add(key);
        this.changed();
      } catch (err) {
        // Offline or refused: the page shows what is known; the next show or resync lists again.
        console.warn("annotations: could not list the page", err);
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, job);
    return job;
  }

  /** A put from the server: an event, or the ack of our own put. */
  put(annotation, seq) {
    if (!annotation) return;
    this.index = applyPut(this.index, annotation, seq);
    this.previews = dropPreview(this.previews, annotation.id);
    this.changed();
  }

  deleted(id, seq) {
    if (typeof id !== "string") return;
    this.index = applyDelete(this.index, id, seq);
    this.previews = dropPreview(this.previews, id);
    this.changed();
  }

  drawing(msg) {
    this.previews = applyDrawing(this.previews, msg, Date.now());
    // A stroke whose owner stopped sending (cancelled, or gone) fades after 5 s.
    if (!this.expiry) {
      this.expiry = setInterval(() => {
        const next = expirePreviews(this.previews, Date.now());
        if (next !== this.previews) {
          this.previews = next;
          this.changed();
        }
        if (!Object.keys(this.previews).length) {
          clearInterval(this.expiry);
          this.expiry = null;
        }
      }, 1000);
    }
    this.changed();
  }

  /** The server's annotations of a page (shared ones only on the hall screen). */
  annotations(documentId, page) {
    const list = pageAnnotations(this.index, documentId, page);
    return this.shared ? sharedOnly(list) : list;
  }

  previewsOn(documentId, page) {
    return previewsOn(this.previews, documentId, page);
  }
}
