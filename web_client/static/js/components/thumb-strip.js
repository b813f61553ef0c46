// Thumbnails of one document's pages. Lazy-loaded <img>s at width
// chooseWidth(thumb CSS width x dpr). Clicking one emits page:select.
import { h, emit } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { chooseWidth, pageImageUrl } from "../logic/image-width.js";
import { pageSize } from "../lib/api.js";

export class ThumbStrip {
  constructor(el, { thumbWidth = 112 } = {}) {
    this.el = el;
    this.thumbWidth = thumbWidth;
    this.docKey = null;
    this.buttons = [];
    this.active = null;
    this.presenterPage = null;
    el.classList.add("thumb-strip");
    // A labelled group of page buttons (the container's aria-label names it). Not a list: a
    // <button> may not take the listitem role, and each button's own name says its page.
    el.setAttribute("role", "group");
    el.addEventListener("click", (e) => {
      const b = e.target.closest("[data-testid=thumbnail]");
      if (!b || !el.contains(b)) return;
      emit(el, "page:select", { document_id: Number(b.dataset.documentId), page: Number(b.dataset.page), source: "thumbnail" });
    });
  }

  render(doc) {
    const count = doc ? doc.page_count || (doc.pages || []).length : 0;
    const key = doc ? `${doc.id}:${count}` : null;
    if (key === this.docKey) return;
    this.docKey = key;
    this.active = null;
    this.presenterPage = null;
    this.el.textContent = "";
    this.buttons = [];
    if (!doc) return;
    const w = chooseWidth(this.thumbWidth, window.devicePixelRatio || 1);
    for (let n = 1; n <= count; n++) {
      const ps = pageSize(doc, n);
      const b = h(
        "button",
        {
          type: "button",
          class: "thumb",
          dataset: { testid: "thumbnail", page: n, documentId: doc.id },
          "aria-label": t("thumb.label", { page: n }),
        },
        h(
          "span",
          { class: "thumb-img", style: { aspectRatio: `${ps.width} / ${ps.height}` } },
          h("img", { src: pageImageUrl(doc.id, n, w), loading: "lazy", decoding: "async", alt: "", draggable: "false" }),
        ),
        h("span", { class: "thumb-num" }, String(n)),
      );
      this.buttons.push(b);
    }
    this.el.append(...this.buttons);
  }

  setActive(page, { scroll = true } = {}) {
    if (this.active === page) return;
    const prev = this.buttons[this.active - 1];
    if (prev) {
      prev.classList.remove("is-active");
      prev.removeAttribute("aria-current");
    }
    this.active = page;
    const b = this.buttons[page - 1];
    if (!b) return;
    b.classList.add("is-active");
    b.setAttribute("aria-current", "page");
    if (scroll) b.scrollIntoView({ block: "nearest", inline: "nearest", behavior: "smooth" });
  }

  /** Mark the page the presenter is on (when it is in this document). */
  setPresenterPage(page) {
    if (this.presenterPage === page) return;
    const prev = this.buttons[this.presenterPage - 1];
    if (prev) prev.classList.remove("is-presenter");
    this.presenterPage = page;
    const b = this.buttons[page - 1];
    if (b) b.classList.add("is-presenter");
  }
}
