// The hall screen's annotation layer: the shared annotations of the page on
// screen, read-only, with shared strokes appearing as they are drawn. Never
// anyone's private ones, whoever is logged in on the screen's computer; and of
// the members' shared ink only what the presenter lets through
// (state.screen.show_shared_ink): the server withholds the rest from this
// screen (its socket room, its replay and the `for_screen` listing), so when
// the gate changes the screen lists its page again.
import { pageSize } from "./lib/api.js";
import { AnnotationFeed } from "./lib/annotation-feed.js";
import { InkLayer } from "./components/ink-layer.js";
import { pageView as overlay } from "./logic/annotations.js";

/** The feed of a hall screen: listed with `for_screen`, and listed again when the gate changes. */
class ScreenFeed extends AnnotationFeed {
  /** List the page on screen again (the gate changed): its list replaces what it showed,
   * so the presenter's ink does not blink; other pages are listed again when shown. */
  reset() {
    this.generation += 1;
    this.previews = {};
    this.loaded.clear();
    this.loading.clear();
    if (this.current) this.load(this.current.documentId, this.current.page);
    this.changed();
  }
}

export function mountScreenAnnotations({ pageView, rt }) {
  const layer = new InkLayer(pageView.frame, { readOnly: true });
  const feed = new ScreenFeed({ rt, shared: true, forScreen: true });
  let current = null;
  let gate = null;

  function paint() {
    if (!current) return;
    const { documentId, page } = current;
    layer.render(overlay(feed.annotations(documentId, page), [], documentId, page));
    layer.renderPreviews(feed.previewsOn(documentId, page));
  }
  let req = 0;
  feed.addEventListener("change", () => {
    if (!req) req = requestAnimationFrame(() => {
      req = 0;
      paint();
    });
  });

  function noteGate(e) {
    const screen = e.detail.state && e.detail.state.screen;
    const next = Boolean(screen && screen.show_shared_ink);
    const layerEl = pageView.frame.querySelector(".ink-layer") || pageView.frame;
    layerEl.dataset.sharedInk = String(next);
    document.body.dataset.sharedInk = String(next);
    if (gate !== null && next !== gate) feed.reset();
    gate = next;
  }
  document.addEventListener("rt:state", noteGate);
  document.addEventListener("rt:screen:changed", noteGate);

  pageView.stage.addEventListener("page:displayed", (e) => {
    const documentId = Number(e.detail.document_id);
    const page = Number(e.detail.page);
    if (current && current.documentId === documentId && current.page === page) return;
    const ps = pageSize(pageView.doc, page);
    current = { documentId, page };
    layer.setPage(documentId, page, ps.height / ps.width);
    feed.show(documentId, page);
    paint();
  });
  return { feed, layer };
}
