// The hall screen's annotation layer: the shared annotations of the page on
// screen, read-only, with others' shared strokes appearing as they are drawn.
// Never anyone's private ones, whoever is logged in on the screen's computer.
import { pageSize } from "./lib/api.js";
import { AnnotationFeed } from "./lib/annotation-feed.js";
import { InkLayer } from "./components/ink-layer.js";
import { pageView as overlay } from "./logic/annotations.js";

export function mountScreenAnnotations({ pageView, rt }) {
  const layer = new InkLayer(pageView.frame, { readOnly: true });
  const feed = new AnnotationFeed({ rt, shared: true });
  let current = null;

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
