// The agenda: items in order, each with its documents. Clicking a document
// emits document:select {document_id}. Optional page-1 thumbnails (console),
// and optionally (console) a "⋯" beside each document that unfolds the
// exports of its shared annotations: the annotated PDF and W3C JSON-LD.
import { h, emit, icon } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { annotationsExportUrl } from "../lib/api.js";
import { chooseWidth, pageImageUrl } from "../logic/image-width.js";

export class AgendaPanel {
  constructor(el, { thumbs = false, actionLabel = null, exports = false } = {}) {
    this.el = el;
    this.thumbs = thumbs;
    this.actionLabel = actionLabel;
    this.exports = exports;
    this.exportsOpen = null; // the document whose exports are unfolded
    this.activeId = null;
    this.presentingId = null;
    el.addEventListener("click", (e) => {
      const more = e.target.closest("[data-testid=document-more]");
      if (more && el.contains(more)) {
        const id = Number(more.dataset.documentId);
        this.showExports(this.exportsOpen === id ? null : id);
        return;
      }
      // A download started: fold the exports away again.
      if (e.target.closest(".doc-export")) setTimeout(() => this.showExports(null));
      const b = e.target.closest("[data-testid=document-link]");
      if (!b || !el.contains(b)) return;
      emit(el, "document:select", { document_id: Number(b.dataset.documentId) });
    });
  }

  render(meeting) {
    const items = (meeting && meeting.agenda) || [];
    const list = h("ol", { class: "agenda-list" });
    const tw = chooseWidth(56, window.devicePixelRatio || 1);
    for (const item of [...items].sort((a, b) => a.position - b.position)) {
      const docs = item.documents || [];
      const li = h(
        "li",
        { class: "agenda-item", dataset: { testid: "agenda-item", itemId: item.id } },
        h("div", { class: "agenda-item-head" },
          h("span", { class: "agenda-num" }, String(item.position)),
          h("span", { class: "agenda-title" }, item.title)),
      );
      if (docs.length) {
        const ul = h("ul", { class: "doc-list" });
        for (const d of docs) {
          ul.append(
            h("li", { class: this.exports ? "doc-row" : null },
              h("button", {
                type: "button",
                class: "doc-link",
                dataset: { testid: "document-link", documentId: d.id },
              },
              this.thumbs
                ? h("span", { class: "doc-thumb" },
                    h("img", { src: pageImageUrl(d.id, 1, tw), loading: "lazy", alt: "", draggable: "false" }))
                : h("span", { class: "doc-icon" }, icon("doc", 20)),
              h("span", { class: "doc-text" },
                h("span", { class: "doc-title" }, d.title),
                h("span", { class: "doc-meta-row" },
                  h("span", { class: "doc-meta" }, t("doc.pages", { count: d.page_count })),
                  h("span", { class: "doc-live" }, t("agenda.presenting")),
                  this.actionLabel ? h("span", { class: "doc-action" }, icon("eye", 14), this.actionLabel) : null))),
              this.exports ? this.exportParts(d) : null),
          );
        }
        li.append(ul);
      } else {
        li.append(h("p", { class: "agenda-empty" }, t("agenda.no_documents")));
      }
      list.append(li);
    }
    this.el.replaceChildren(list);
    if (!items.length) this.el.append(h("p", { class: "agenda-empty" }, t("agenda.empty")));
    this.paint();
    this.showExports(this.exportsOpen);
  }

  /** The "⋯" button and the links it unfolds (download links: same origin, the session cookie goes along). */
  exportParts(d) {
    const id = `doc-exports-${d.id}`;
    // "Ghi chú chung (JSON-LD)": a narrow column may wrap it, but never inside the format's name.
    const link = (testid, format, name, download) => h("a", {
      class: "doc-export", href: annotationsExportUrl(d.id, format, "shared"), download, dataset: { testid },
    }, icon("download", 18), h("span", {}, t("agenda.export_shared"), " ", h("span", { class: "doc-export-format" }, `(${name})`)));
    return [
      h("button", {
        type: "button", class: "doc-more", dataset: { testid: "document-more", documentId: d.id },
        "aria-expanded": "false", "aria-controls": id,
        title: t("agenda.exports"), "aria-label": t("agenda.exports_for", { title: d.title }),
      }, icon("more", 22)),
      h("div", { id, class: "doc-exports", hidden: true, dataset: { testid: "document-exports", documentId: d.id } },
        // The PDF keeps the server's file name; JSON-LD comes without one.
        link("export-shared-pdf", "pdf", "PDF", ""),
        link("export-shared-jsonld", "jsonld", "JSON-LD", t("agenda.export_jsonld_file", { title: d.title })),
        h("p", { class: "doc-exports-hint" }, t("agenda.exports_hint"))),
    ];
  }

  /** Unfold the exports of one document (null: none). */
  showExports(documentId) {
    this.exportsOpen = documentId == null ? null : Number(documentId);
    for (const b of this.el.querySelectorAll("[data-testid=document-more]")) {
      const open = Number(b.dataset.documentId) === this.exportsOpen;
      b.setAttribute("aria-expanded", String(open));
      const menu = this.el.querySelector(`#${b.getAttribute("aria-controls")}`);
      if (menu) menu.hidden = !open;
    }
  }

  setActive(documentId) {
    this.activeId = documentId == null ? null : Number(documentId);
    this.paint();
  }

  setPresenting(documentId) {
    this.presentingId = documentId == null ? null : Number(documentId);
    this.paint();
  }

  paint() {
    for (const b of this.el.querySelectorAll("[data-testid=document-link]")) {
      const id = Number(b.dataset.documentId);
      b.classList.toggle("is-active", id === this.activeId);
      b.classList.toggle("is-presenting", id === this.presentingId);
      if (id === this.activeId) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    }
  }
}
