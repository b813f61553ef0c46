// The small menu on one of the member's own marks (select tool): share it
// with the meeting, make it private again, or delete it.
// Actions up (bubbling from the host): annotation:action {id, action: "share"|"private"|"delete"}.
import { h, emit } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { Floating } from "./floating.js";
import { annotIcon } from "./annotation-icons.js";

export class AnnotationMenu {
  constructor(host) {
    this.floating = new Floating(host, { className: "annot-menu", testid: "annotation-menu", label: t("annot.menu") });
    this.id = null;
  }

  get isOpen() {
    return this.floating.isOpen;
  }

  get el() {
    return this.floating.el;
  }

  /** Open for `annotation` beside `anchor` (a client rect). */
  open(annotation, anchor) {
    this.id = annotation.id;
    const act = (action) => () => {
      emit(this.floating.host, "annotation:action", { id: annotation.id, action });
      this.close();
    };
    const shared = annotation.visibility === "shared";
    const status = h(
      "p", { class: "annot-menu-status", dataset: { testid: "annotation-menu-status", visibility: annotation.visibility } },
      annotIcon(shared ? "people" : "lock", 18),
      t(shared ? "annot.status_shared" : "annot.status_private"),
    );
    const toggle = shared
      ? h("button", { type: "button", class: "annot-menu-item", dataset: { testid: "annot-make-private" }, onclick: act("private") },
        annotIcon("lock", 20), t("annot.make_private"))
      : h("button", { type: "button", class: "annot-menu-item", dataset: { testid: "annot-share" }, onclick: act("share") },
        annotIcon("people", 20), t("annot.share"));
    const del = h("button", { type: "button", class: "annot-menu-item is-danger", dataset: { testid: "annot-delete" }, onclick: act("delete") },
      annotIcon("trash", 20), t("annot.delete"));
    this.floating.open([status, toggle, del], anchor);
  }

  close() {
    this.id = null;
    this.floating.close();
  }
}
