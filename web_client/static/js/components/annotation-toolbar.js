// The annotation tools: a rail along the left of the page (pen, highlighter,
// note, eraser, select; undo; private/shared for new marks; what is not
// synced yet) and, for the pen and highlighter, a column of colours and
// widths beside it. Tapping the active tool again folds that column away.
// In portrait (annotations.css) the rail folds into one button showing the
// tool in hand; tapping it unfolds the tools, choosing a tool folds them.
//
// Data down: render(state) with
//   {tool, color, width, visibility, canUndo, unsynced, editable, options}
// Actions up (bubbling DOM events): annot:tool {tool}, annot:color {color},
// annot:width {width}, annot:visibility {visibility}, annot:undo,
// annot:options {open}, annot:unsynced.
import { h, emit } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { annotIcon } from "./annotation-icons.js";

export const PEN_COLORS = Object.freeze([
  { color: "#1a1e24", key: "annot.color_black" },
  { color: "#1d4ed8", key: "annot.color_blue" },
  { color: "#c62828", key: "annot.color_red" },
  { color: "#1b7f3b", key: "annot.color_green" },
]);
export const HIGHLIGHT_COLORS = Object.freeze([
  { color: "#ffd43b", key: "annot.color_yellow" },
  { color: "#8ce99a", key: "annot.color_green" },
  { color: "#ffa8c5", key: "annot.color_pink" },
  { color: "#74c0fc", key: "annot.color_blue" },
]);
// Fractions of the page width (at pressure 0.5): on an A4 page shown full
// height on an iPad these read as a fine pen, a felt tip and a marker.
export const PEN_WIDTHS = Object.freeze([
  { width: 0.0035, key: "annot.width_fine" },
  { width: 0.006, key: "annot.width_medium" },
  { width: 0.011, key: "annot.width_bold" },
]);
const TOOLS = ["pen", "highlighter", "note", "eraser", "select"];

export class AnnotationToolbar {
  constructor(el) {
    this.el = el;
    el.classList.add("annot-toolbar");
    el.setAttribute("role", "toolbar");
    el.setAttribute("aria-label", t("annot.toolbar"));
    el.setAttribute("aria-orientation", "vertical");
    el.dataset.testid = "annotation-toolbar";

    this.tools = Object.fromEntries(TOOLS.map((tool) => [tool, h(
      "button",
      {
        type: "button", class: "annot-btn", dataset: { testid: `tool-${tool}`, tool },
        title: t(`annot.${tool}`), "aria-label": t(`annot.${tool}`), "aria-pressed": "false",
        onclick: () => {
          if (this.state && this.state.tool === tool && (tool === "pen" || tool === "highlighter")) {
            emit(el, "annot:options", { open: !this.state.options });
          } else {
            emit(el, "annot:tool", { tool });
            this.setFolded(true);
          }
        },
      },
      annotIcon(tool, 24),
      h("span", { class: "annot-swatch-dot", "aria-hidden": "true" }),
    )]));
    this.undo = h(
      "button",
      { type: "button", class: "annot-btn", dataset: { testid: "annot-undo" }, title: t("annot.undo"),
        "aria-label": t("annot.undo"), onclick: () => emit(el, "annot:undo") },
      annotIcon("undo", 24),
    );
    this.visibility = h(
      "button",
      { type: "button", class: "annot-btn annot-visibility", dataset: { testid: "visibility-toggle" },
        onclick: () => emit(el, "annot:visibility", { visibility: this.state.visibility === "shared" ? "private" : "shared" }) },
      h("span", { class: "annot-vis-icon" }),
      h("span", { class: "annot-vis-label" }),
    );
    this.unsynced = h(
      "button",
      { type: "button", class: "annot-unsynced", dataset: { testid: "unsynced-count", count: "0" }, hidden: true,
        onclick: () => emit(el, "annot:unsynced") },
      annotIcon("sync", 16),
      h("span", { class: "annot-unsynced-num" }, "0"),
    );
    this.fold = h(
      "button",
      { type: "button", class: "annot-btn annot-fold", dataset: { testid: "annot-fold" },
        "aria-controls": "annot-rail", "aria-expanded": "false",
        onclick: () => this.setFolded(this.el.dataset.folded !== "true") },
      h("span", { class: "annot-fold-icon" }),
      h("span", { class: "annot-swatch-dot", "aria-hidden": "true" }),
      h("span", { class: "annot-fold-badge", dataset: { testid: "annot-fold-unsynced" }, "aria-hidden": "true", hidden: true }),
    );
    const rail = h(
      "div", { class: "annot-rail", id: "annot-rail" },
      h("div", { class: "annot-group" }, ...TOOLS.map((tool) => this.tools[tool])),
      h("div", { class: "annot-sep", "aria-hidden": "true" }),
      h("div", { class: "annot-group" }, this.undo, this.visibility),
      this.unsynced,
    );
    this.options = h("div", { class: "annot-options", dataset: { testid: "annotation-options" } });
    el.replaceChildren(this.fold, rail, this.options);
    this.state = null;
    this.setFolded(true);
  }

  /** Portrait: only the fold button shows while folded (in landscape the rail always shows). */
  setFolded(folded) {
    this.el.dataset.folded = String(folded);
    this.fold.setAttribute("aria-expanded", String(!folded));
    this.fold.classList.toggle("is-active", !folded);
    this.paintFold();
  }

  paintFold() {
    const state = this.state;
    const folded = this.el.dataset.folded === "true";
    const action = t(folded ? "annot.tools_show" : "annot.tools_hide");
    const label = state ? `${t(`annot.${state.tool}`)}. ${action}` : action;
    this.fold.title = action;
    this.fold.setAttribute("aria-label", label);
    if (!state) return;
    this.fold.dataset.tool = state.tool;
    this.fold.dataset.visibility = state.visibility;
    this.fold.style.setProperty("--swatch", state.colors[state.tool === "highlighter" ? "highlighter" : "pen"]);
    if (this.fold.dataset.iconFor !== state.tool) {
      this.fold.dataset.iconFor = state.tool;
      this.fold.querySelector(".annot-fold-icon").replaceChildren(annotIcon(state.tool, 24));
    }
    const badge = this.fold.querySelector(".annot-fold-badge");
    badge.hidden = !state.unsynced;
    badge.textContent = String(state.unsynced || 0);
  }

  render(state) {
    this.state = state;
    this.el.dataset.tool = state.tool;
    this.el.hidden = !state.editable;
    for (const [tool, b] of Object.entries(this.tools)) {
      b.setAttribute("aria-pressed", String(tool === state.tool));
      b.classList.toggle("is-active", tool === state.tool);
    }
    this.tools.pen.style.setProperty("--swatch", state.colors.pen);
    this.tools.highlighter.style.setProperty("--swatch", state.colors.highlighter);
    this.undo.disabled = !state.canUndo;

    const shared = state.visibility === "shared";
    this.visibility.dataset.visibility = state.visibility;
    this.visibility.setAttribute("aria-pressed", String(shared));
    const label = t(shared ? "annot.shared" : "annot.private");
    this.visibility.title = t(shared ? "annot.visibility_shared_hint" : "annot.visibility_private_hint");
    this.visibility.setAttribute("aria-label", `${label}. ${this.visibility.title}`);
    this.visibility.querySelector(".annot-vis-icon").replaceChildren(annotIcon(shared ? "people" : "lock", 22));
    this.visibility.querySelector(".annot-vis-label").textContent = label;

    const n = state.unsynced;
    this.unsynced.hidden = n === 0;
    this.unsynced.dataset.count = String(n);
    this.unsynced.querySelector(".annot-unsynced-num").textContent = String(n);
    this.unsynced.title = t("annot.unsynced_count", { count: n });
    this.unsynced.setAttribute("aria-label", t("annot.unsynced_count", { count: n }));

    const showOptions = state.options && (state.tool === "pen" || state.tool === "highlighter");
    this.options.hidden = !showOptions;
    if (showOptions) this.renderOptions(state);
    this.paintFold();
  }

  renderOptions(state) {
    const palette = state.tool === "highlighter" ? HIGHLIGHT_COLORS : PEN_COLORS;
    const swatches = palette.map(({ color, key }) => h(
      "button",
      { type: "button", class: `annot-color${color === state.color ? " is-active" : ""}`,
        dataset: { testid: "color-swatch", color }, title: t(key), "aria-label": t(key),
        "aria-pressed": String(color === state.color),
        onclick: () => emit(this.el, "annot:color", { color }) },
      h("span", { class: "annot-color-dot" }),
    ));
    for (const b of swatches) b.style.setProperty("--swatch", b.dataset.color);
    const widths = state.tool === "pen" ? PEN_WIDTHS.map(({ width, key }, i) => h(
      "button",
      { type: "button", class: `annot-width${width === state.width ? " is-active" : ""}`,
        dataset: { testid: "width-option", width }, title: t(key), "aria-label": t(key),
        "aria-pressed": String(width === state.width),
        onclick: () => emit(this.el, "annot:width", { width }) },
      h("span", { class: "annot-width-line", style: { height: `${2 + i * 3}px` } }),
    )) : [];
    // Custom properties need setProperty (h() assigns style keys, which skips "--x").
    for (const b of widths) b.style.setProperty("--swatch", state.color);
    // (The DOM's replaceChildren writes a null as the text "null": no widths, no nodes.)
    this.options.replaceChildren(
      h("div", { class: "annot-group" }, ...swatches),
      ...(widths.length ? [h("div", { class: "annot-sep", "aria-hidden": "true" }), h("div", { class: "annot-group" }, ...widths)] : []),
    );
  }
}
