// The agenda: items in order, each with its documents. Clicking a document
// emits document:select {document_id}. Optional page-1 thumbnails (console).
import { h, emit, icon } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { chooseWidth, pageImageUrl } from "../logic/image-width.js";

export class AgendaPanel {
  constructor(el, { thumbs = false, actionLabel = null } = {}) {
    this.el = el;
    this.thumbs = thumbs;
    this.actionLabel = actionLabel;
    this.activeId = null;
    this.presentingId = null;
    el.addEventListener("click", (e) => {
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
            h("li", {},
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
                  this.actionLabel ? h("span", { class: "doc-action" }, icon("play", 14), this.actionLabel) : null)))),
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
