// A sticky note opened: the owner writes, edits, shares or deletes it;
// anyone else reads it, with its author's name.
// Actions up (bubbling from the host):
//   note:save {id | null, x, y, text, visibility}   (id null: a new note)
//   note:delete {id}
import { h, emit } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { Floating } from "./floating.js";
import { annotIcon } from "./annotation-icons.js";

export const NOTE_MAX = 10000;

export class NotePopover {
  constructor(host) {
    this.floating = new Floating(host, { className: "note-popover", testid: "note-popover", label: t("annot.note") });
    this.id = null;
  }

  get isOpen() {
    return this.floating.isOpen;
  }

  get el() {
    return this.floating.el;
  }

  /**
   * open({annotation | null, x, y, own, author, visibility}, anchor)
   * A new note has no annotation yet: x, y and the visibility for it.
   */
  open({ annotation = null, x, y, own = true, author = "", visibility = "private" }, anchor, anchorEl = null) {
    this.id = annotation ? annotation.id : null;
    if (own) this.openEditor(annotation, { x, y, visibility }, anchor, anchorEl);
    else this.openReader(annotation, author, anchor, anchorEl);
  }

  openReader(annotation, author, anchor, anchorEl) {
    const head = h("div", { class: "note-head" },
      h("span", { class: "note-head-icon" }, annotIcon("note", 18)),
      h("span", { class: "note-author", dataset: { testid: "note-author" } }, t("annot.note_by", { name: author })),
      this.closeButton());
    const body = h("p", { class: "note-body", dataset: { testid: "note-body" } }, annotation.data.text || "");
    this.floating.open([head, body], anchor, anchorEl);
  }

  openEditor(annotation, { x, y, visibility }, anchor, anchorEl) {
    const isNew = !annotation;
    let vis = annotation ? annotation.visibility : visibility;
    const text = h("textarea", {
      class: "note-text", rows: 5, maxlength: NOTE_MAX, placeholder: t("annot.note_placeholder"),
      dataset: { testid: "note-text" }, "aria-label": t("annot.note"), enterkeyhint: "done",
    });
    text.value = annotation ? annotation.data.text || "" : "";
    const seg = (value, icon, key) => h(
      "button",
      { type: "button", class: "note-seg", dataset: { testid: `note-${value}`, value }, "aria-pressed": String(vis === value),
        onclick: () => {
          vis = value;
          for (const b of segs.querySelectorAll(".note-seg")) b.setAttribute("aria-pressed", String(b.dataset.value === vis));
        } },
      annotIcon(icon, 18), t(key),
    );
    const segs = h("div", { class: "note-segs", role: "group", "aria-label": t("annot.visibility") },
      seg("private", "lock", "annot.private"), seg("shared", "people", "annot.shared"));
    const save = () => {
      const value = text.value.trim();
      if (!value) {
        // An emptied note is a deleted one; an empty new one is nothing.
        if (!isNew) emit(this.floating.host, "note:delete", { id: annotation.id });
        this.close();
        return;
      }
      const d = annotation ? annotation.data : { x, y };
      emit(this.floating.host, "note:save", { id: isNew ? null : annotation.id, x: d.x, y: d.y, text: value, visibility: vis });
      this.close();
    };
    const head = h("div", { class: "note-head" },
      h("span", { class: "note-head-icon" }, annotIcon("note", 18)),
      h("span", { class: "note-author" }, t(isNew ? "annot.note_new" : "annot.note_mine")),
      this.closeButton());
    const actions = h("div", { class: "note-actions" },
      isNew ? null : h("button", { type: "button", class: "btn btn-ghost note-delete", dataset: { testid: "note-delete" },
        onclick: () => {
          emit(this.floating.host, "note:delete", { id: annotation.id });
          this.close();
        } }, annotIcon("trash", 20), t("annot.delete")),
      h("span", { class: "note-spacer" }),
      h("button", { type: "button", class: "btn btn-primary", dataset: { testid: "note-save" }, onclick: save }, t("annot.note_save")),
    );
    this.floating.open([head, text, segs, actions], anchor, anchorEl);
    // A tap beside the note keeps what was written (the close button and Escape do not).
    this.floating.onDismiss = save;
    text.focus({ preventScroll: true });
  }

  closeButton() {
    return h("button", { type: "button", class: "btn btn-ghost btn-icon note-close", dataset: { testid: "note-close" },
      title: t("annot.close"), "aria-label": t("annot.close"), onclick: () => this.close() }, annotIcon("close", 20));
  }

  close() {
    this.id = null;
    this.floating.close();
  }
}
