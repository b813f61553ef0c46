// The annotation layer over the page image: an SVG (scales with the page's
// pinch zoom for free, and never hits iPad Safari's canvas size limit) for
// ink and highlights, and HTML pins for sticky notes (they keep their size
// and stay 44 px touch targets at any zoom).
//
// Input (not on the read-only hall screen):
//   pen, highlighter, eraser: the Apple Pencil (pointerType "pen") and a
//     mouse draw; a finger is left to the page view: it scrolls, leafs and
//     pinch-zooms. touch-action is none on this layer only while such a tool
//     is on (the page view then scrolls a finger itself). A stroke that ends
//     in pointercancel is dropped. While the pen is down, touches are a resting
//     palm and are kept from the page view.
//   note, select: a tap (any pointer) places a note / picks one's own mark.
//
// Data flows down: setPage, setTool, setWords, setUser, render, renderPreviews.
// Actions flow up as bubbling DOM events from the page frame:
//   ink:stroke-start {id, color, width}   ink:stroke-move {id, points}
//   ink:stroke {id, points, color, width} ink:stroke-cancel {id}
//   ink:highlight {rects, color}          ink:erase {ids}
//   ink:note {x, y}                       ink:select {id | null}
//   note:open {id}
// Coordinates on the way up are the page's, normalised (0..1, top left).
import { emit, h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { strokeOutline, outlinePath, simulatedPressure } from "../logic/stroke.js";
import { highlightRects } from "../logic/highlight.js";
import { erased, hitTest, bounds, isOwn, newId } from "../logic/annotations.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const W = 1000; // drawing units across the page; down it is W x aspect
const DRAW_TOOLS = new Set(["pen", "highlighter", "eraser"]);
const ERASER_PX = 12; // the eraser's reach, CSS px around the pen tip
const SELECT_PX = 18; // how near a tap must be to pick a mark
const TAP_PX = 10;
const PALM_MS = 400; // touches this soon after the pen lifts are still the palm
const MIN_STEP = 0.0006; // page widths between kept points

function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  return el;
}

export class InkLayer {
  /** @param {HTMLElement} frame the page view's frame (holds the page image) */
  constructor(frame, { readOnly = false } = {}) {
    this.frame = frame;
    this.stage = frame.parentElement;
    this.readOnly = readOnly;
    this.editable = !readOnly;
    this.tool = "pen";
    this.color = "#1a1e24";
    this.width = 0.004;
    this.words = [];
    this.me = null;
    this.aspect = 1.414;
    this.items = [];
    this.paths = new WeakMap(); // annotation object -> path data (objects are replaced on change)
    this.elements = new Map(); // annotation id -> its element(s)
    this.gesture = null;
    this.tap = null;
    this.penUntil = 0;
    this.frameReq = 0;

    this.svg = svg("svg", { class: "ink-layer", "aria-hidden": "true", preserveAspectRatio: "none" });
    this.svg.dataset.testid = "ink-layer";
    this.gHighlights = svg("g", { class: "ink-highlights" });
    this.gStrokes = svg("g", { class: "ink-strokes" });
    this.gPreviews = svg("g", { class: "ink-previews" });
    this.gMarks = svg("g", { class: "ink-marks" });
    this.gLive = svg("g", { class: "ink-live" });
    this.svg.append(this.gHighlights, this.gStrokes, this.gPreviews, this.gMarks, this.gLive);
    this.notes = h("div", { class: "ink-notes" });
    frame.append(this.svg, this.notes);
    frame.classList.add("has-ink");
    this.setAspect(this.aspect);
    if (!readOnly) this.bindInput();
    this.setTool(this.tool);
  }

  // ---- data down ------------------------------------------------------------------

  setAspect(aspect) {
    this.aspect = aspect > 0 ? aspect : 1.414;
    this.svg.setAttribute("viewBox", `0 0 ${W} ${Math.round(W * this.aspect * 100) / 100}`);
  }

  /** A new page is on screen: forget the old one's marks and any gesture. */
  setPage(documentId, page, aspect) {
    this.cancelGesture();
    this.documentId = Number(documentId);
    this.page = Number(page);
    this.words = [];
    this.setAspect(aspect);
    this.svg.dataset.documentId = String(documentId);
    this.svg.dataset.page = String(page);
    this.render([]);
    this.renderPreviews([]);
  }

  setTool(tool, { color, width } = {}) {
    if (tool !== this.tool) this.cancelGesture();
    this.tool = tool;
    if (color) this.color = color;
    if (width) this.width = width;
    this.svg.dataset.tool = tool;
    // Only a drawing tool takes the pen away from scrolling; the page view
    // then moves the page for a finger itself (see page-view.js).
    const inking = this.editable && DRAW_TOOLS.has(tool);
    this.svg.classList.toggle("is-inking", inking);
    if (inking) this.svg.dataset.noNativePan = "";
    else delete this.svg.dataset.noNativePan;
  }

  setEditable(on) {
    this.editable = Boolean(on) && !this.readOnly;
    this.setTool(this.tool);
  }

  /** The page's words (text layer) for the highlighter. */
  setWords(words) {
    this.words = Array.isArray(words) ? words : [];
  }

  setUser(id) {
    this.me = id;
  }

  // ---- rendering ------------------------------------------------------------------

  units(q) {
    return [q[0] * W, q[1] * W * this.aspect, q[2]];
  }

  inkPath(points, width) {
    return outlinePath(strokeOutline(points.map((q) => this.units(q)), width * W));
  }

  pathOf(a) {
    let d = this.paths.get(a);
    if (d == null) {
      d = this.inkPath(a.data.points || [], Number(a.data.width) || 0.004);
      this.paths.set(a, d);
    }
    return d;
  }

  rect(r, attrs) {
    const [x0, y0] = this.units([r[0], r[1]]);
    const [x1, y1] = this.units([r[2], r[3]]);
    return svg("rect", { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0), ...attrs });
  }

  marker(x, y) {
    const [ux, uy] = this.units([x, y]);
    const dot = svg("circle", { cx: ux, cy: uy, r: 7, class: "ink-pending-dot" });
    dot.dataset.testid = "unsynced-marker";
    return dot;
  }

  datasetFor(el, a, pending) {
    el.dataset.annotationId = a.id;
    el.dataset.kind = a.kind;
    el.dataset.visibility = a.visibility;
    el.dataset.pending = String(Boolean(pending));
    el.dataset.own = String(isOwn(a, this.me));
  }

  /**
   * Draw a page's annotations: [{annotation, pending}] (pending = still in
   * the outbox). `selectedId` gets a dashed frame.
   */
  render(items, { selectedId = null } = {}) {
    this.selectedId = selectedId;
    this.items = items.map((v) => v.annotation);
    this.elements.clear();
    const hl = [];
    const strokes = [];
    const marks = [];
    const pins = [];
    for (const { annotation: a, pending } of items) {
      const d = a.data || {};
      if (a.kind === "highlight") {
        const g = svg("g", { fill: d.color || "#ffd60a" });
        for (const r of d.rects || []) g.append(this.rect(r, {}));
        g.dataset.testid = "annotation";
        this.datasetFor(g, a, pending);
        hl.push(g);
        this.elements.set(a.id, g);
        const last = (d.rects || []).at(-1);
        if (pending && last) marks.push(this.marker(last[2], last[1]));
      } else if (a.kind === "ink") {
        const p = svg("path", { d: this.pathOf(a), fill: d.color || "#1a1e24" });
        p.dataset.testid = "annotation";
        this.datasetFor(p, a, pending);
        strokes.push(p);
        this.elements.set(a.id, p);
        const last = (d.points || []).at(-1);
        if (pending && last) marks.push(this.marker(last[0], last[1]));
      } else if (a.kind === "note") {
        pins.push(this.pin(a, pending));
      }
      if (a.id === selectedId) {
        const b = bounds(a, this.aspect);
        if (b && a.kind !== "note") {
          const pad = 0.008;
          marks.push(this.rect([b[0] - pad, b[1] - pad / this.aspect, b[2] + pad, b[3] + pad / this.aspect], { class: "ink-selection" }));
        }
      }
    }
    this.gHighlights.replaceChildren(...hl);
    this.gStrokes.replaceChildren(...strokes);
    this.gMarks.replaceChildren(...marks);
    this.notes.replaceChildren(...pins);
    // Marks an eraser in progress has taken stay faded through a repaint.
    if (this.gesture && this.gesture.ids) {
      for (const id of this.gesture.ids) if (this.elements.has(id)) this.elements.get(id).classList.add("is-erased");
    }
  }

  pin(a, pending) {
    const own = isOwn(a, this.me);
    const label = own ? t("annot.note_open_own") : t("annot.note_open");
    const attrs = {
      class: `note-pin${own ? " is-own" : ""}${a.id === this.selectedId ? " is-selected" : ""}`,
      style: { left: `${(a.data.x || 0) * 100}%`, top: `${(a.data.y || 0) * 100}%` },
      dataset: { testid: "note-pin" },
      title: label,
      "aria-label": label,
    };
    const el = this.readOnly
      ? h("span", attrs)
      : h("button", { ...attrs, type: "button", onclick: (e) => {
        e.stopPropagation();
        emit(this.frame, "note:open", { id: a.id });
      } });
    el.append(noteGlyph());
    this.datasetFor(el, a, pending);
    this.elements.set(a.id, el);
    return el;
  }

  /** Others' strokes in progress (logic/live-strokes.js previews). */
  renderPreviews(previews) {
    this.gPreviews.replaceChildren(...previews.map((p) => {
      const el = svg("path", { d: this.inkPath(p.points, p.width), fill: p.color });
      el.dataset.testid = "ink-preview";
      el.dataset.annotationId = p.id;
      return el;
    }));
  }

  /** The screen rectangle of an annotation's mark (to place a menu beside it). */
  clientRectOf(id) {
    const el = this.elements.get(id);
    return el ? el.getBoundingClientRect() : null;
  }

  // ---- input ----------------------------------------------------------------------------

  toPage(e) {
    const r = this.svg.getBoundingClientRect();
    return { x: (e.clientX - r.left) / Math.max(1, r.width), y: (e.clientY - r.top) / Math.max(1, r.height) };
  }

  pxToPage(px) {
    return px / Math.max(1, this.svg.getBoundingClientRect().width);
  }

  bindInput() {
    const el = this.svg;
    el.addEventListener("pointerdown", (e) => this.down(e));
    el.addEventListener("pointermove", (e) => this.move(e));
    el.addEventListener("pointerup", (e) => this.up(e, false));
    el.addEventListener("pointercancel", (e) => this.up(e, true));
    el.addEventListener("lostpointercapture", (e) => {
      if (this.gesture && this.gesture.pointerId === e.pointerId) this.up(e, true);
    });
    // Palm rejection: a hand resting on the glass while the pen writes must
    // not turn or zoom the page.
    this.stage.addEventListener("pointerdown", (e) => {
      if (e.pointerType !== "touch") return;
      if ((this.gesture && this.gesture.pen) || performance.now() < this.penUntil) e.stopImmediatePropagation();
    }, true);
    // iPad Safari: keep the Pencil from scrolling, selecting text or showing
    // the magnifier (touch-action covers most of it; this covers the rest).
    const stylus = (e) => {
      if (!el.classList.contains("is-inking")) return;
      if ([...e.changedTouches].some((tt) => tt.touchType === "stylus")) e.preventDefault();
    };
    el.addEventListener("touchstart", stylus, { passive: false });
    el.addEventListener("touchmove", stylus, { passive: false });
  }

  down(e) {
    if (!this.editable) return;
    if (e.pointerType === "mouse" && e.button !== 0) return;
    const stylusLike = e.pointerType === "pen" || e.pointerType === "mouse";
    if (DRAW_TOOLS.has(this.tool)) {
      if (!stylusLike || this.gesture) return; // a finger is the page view's
      e.preventDefault();
      e.stopPropagation();
      try {
        this.svg.setPointerCapture(e.pointerId);
      } catch {
        // Not capturable (synthetic events): we still get the moves over the layer.
      }
      this.begin(e);
    } else if (this.tool === "note" || this.tool === "select") {
      if (stylusLike) e.stopPropagation(); // a pen tap is not a swipe or double tap
      this.tap = { pointerId: e.pointerId, x: e.clientX, y: e.clientY, t: e.timeStamp };
    }
  }

  begin(e) {
    const pt = this.toPage(e);
    const g = { pointerId: e.pointerId, pen: e.pointerType === "pen", mouse: e.pointerType === "mouse", tool: this.tool };
    this.gesture = g;
    if (g.tool === "pen") {
      g.id = newId();
      g.color = this.color;
      g.width = this.width;
      g.points = [[pt.x, pt.y, this.pressure(e, null, 0)]];
      emit(this.frame, "ink:stroke-start", { id: g.id, color: g.color, width: g.width });
    } else if (g.tool === "highlighter") {
      g.a = pt;
      g.b = pt;
      g.rects = [];
    } else if (g.tool === "eraser") {
      g.ids = new Set();
      g.at = pt;
      this.eraseAt([pt]);
    }
    this.schedule();
  }

  pressure(e, prev, dist) {
    if (e.pointerType === "pen") return e.pressure > 0 ? e.pressure : 0.5;
    return simulatedPressure(prev, dist, this.width);
  }

  move(e) {
    const g = this.gesture;
    if (!g || e.pointerId !== g.pointerId) return;
    e.preventDefault();
    e.stopPropagation();
    const list = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
    const events = list && list.length ? list : [e];
    if (g.tool === "pen") {
      for (const ev of events) {
        const pt = this.toPage(ev);
        const last = g.points[g.points.length - 1];
        const dist = Math.hypot(pt.x - last[0], (pt.y - last[1]) * this.aspect);
        if (dist < MIN_STEP) continue;
        g.points.push([pt.x, pt.y, this.pressure(ev, last[2], dist)]);
      }
      emit(this.frame, "ink:stroke-move", { id: g.id, points: g.points });
    } else if (g.tool === "highlighter") {
      g.b = this.toPage(e);
      g.rects = highlightRects(this.words, g.a, g.b, { aspect: this.aspect });
    } else if (g.tool === "eraser") {
      const pts = events.map((ev) => this.toPage(ev));
      g.at = pts[pts.length - 1];
      this.eraseAt(pts);
    }
    this.schedule();
  }

  up(e, cancelled) {
    const tap = this.tap;
    if (tap && e.pointerId === tap.pointerId) {
      this.tap = null;
      const still = Math.hypot(e.clientX - tap.x, e.clientY - tap.y) < TAP_PX && e.timeStamp - tap.t < 600;
      if (!cancelled && still) this.tapped(e);
      return;
    }
    const g = this.gesture;
    if (!g || e.pointerId !== g.pointerId) return;
    e.stopPropagation();
    this.gesture = null;
    if (g.pen) this.penUntil = performance.now() + PALM_MS;
    if (cancelled) {
      // The system took the pointer (a palm, a gesture, an alert): what was drawn is not meant.
      if (g.tool === "pen") emit(this.frame, "ink:stroke-cancel", { id: g.id });
      this.clearLive();
      this.unmarkErased();
      return;
    }
    if (g.tool === "highlighter") g.b = this.toPage(e);
    this.finish(g);
  }

  /** Hand a finished gesture up. */
  finish(g) {
    if (g.tool === "pen") {
      // A pen tap is a dot (a full stop, an i's dot); a mouse click without a move is just a click.
      if (g.mouse && g.points.length < 2) emit(this.frame, "ink:stroke-cancel", { id: g.id });
      else emit(this.frame, "ink:stroke", { id: g.id, points: g.points, color: g.color, width: g.width });
    } else if (g.tool === "highlighter") {
      const rects = highlightRects(this.words, g.a, g.b, { aspect: this.aspect });
      if (rects.length) emit(this.frame, "ink:highlight", { rects, color: this.color });
    } else if (g.tool === "eraser") {
      if (g.ids.size) emit(this.frame, "ink:erase", { ids: [...g.ids] });
      this.unmarkErased();
    }
    this.clearLive();
  }

  /**
   * The page is about to change under the pen (the presenter turned it):
   * keep what was written so far, on the page it was written on.
   */
  endGesture() {
    const g = this.gesture;
    if (!g) return;
    this.gesture = null;
    try {
      this.svg.releasePointerCapture(g.pointerId);
    } catch {
      // Not captured: nothing to release.
    }
    this.finish(g);
  }

  tapped(e) {
    const pt = this.toPage(e);
    if (pt.x < 0 || pt.x > 1 || pt.y < 0 || pt.y > 1) return;
    if (this.tool === "note") {
      emit(this.frame, "ink:note", { x: pt.x, y: pt.y });
    } else if (this.tool === "select") {
      const hit = hitTest(this.items.filter((a) => a.kind !== "note"), pt, {
        aspect: this.aspect,
        tolerance: this.pxToPage(SELECT_PX),
        accept: (a) => isOwn(a, this.me),
      });
      emit(this.frame, "ink:select", { id: hit ? hit.id : null });
    }
  }

  eraseAt(points) {
    const g = this.gesture;
    const ids = erased(this.items, points, {
      aspect: this.aspect,
      tolerance: this.pxToPage(ERASER_PX),
      accept: (a) => isOwn(a, this.me) && !g.ids.has(a.id),
    });
    for (const id of ids) {
      g.ids.add(id);
      const el = this.elements.get(id);
      if (el) el.classList.add("is-erased");
    }
  }

  unmarkErased() {
    for (const el of this.elements.values()) el.classList.remove("is-erased");
  }

  cancelGesture() {
    if (this.gesture && this.gesture.tool === "pen") emit(this.frame, "ink:stroke-cancel", { id: this.gesture.id });
    this.gesture = null;
    this.tap = null;
    this.unmarkErased();
    this.clearLive();
  }

  schedule() {
    if (this.frameReq) return;
    this.frameReq = requestAnimationFrame(() => {
      this.frameReq = 0;
      this.drawLive();
    });
  }

  clearLive() {
    cancelAnimationFrame(this.frameReq);
    this.frameReq = 0;
    this.gLive.replaceChildren();
  }

  /** The gesture in progress: the wet ink, the highlight to be, the eraser's reach. */
  drawLive() {
    const g = this.gesture;
    if (!g) return;
    if (g.tool === "pen") {
      this.gLive.replaceChildren(svg("path", { d: this.inkPath(g.points, g.width), fill: g.color, class: "ink-wet" }));
    } else if (g.tool === "highlighter") {
      const group = svg("g", { fill: this.color, class: "ink-live-highlight" });
      for (const r of g.rects) group.append(this.rect(r, {}));
      this.gLive.replaceChildren(group);
    } else if (g.tool === "eraser") {
      const [cx, cy] = this.units([g.at.x, g.at.y]);
      this.gLive.replaceChildren(svg("circle", { cx, cy, r: this.pxToPage(ERASER_PX) * W, class: "ink-eraser-tip" }));
    }
  }
}

/** A sticky note: a square sheet with a folded corner and two lines of writing. */
function noteGlyph() {
  const s = svg("svg", { viewBox: "0 0 24 24", width: 22, height: 22, "aria-hidden": "true", class: "note-glyph" });
  s.append(
    svg("path", { d: "M4 3h16v12l-6 6H4z", class: "note-sheet" }),
    svg("path", { d: "M14 21v-6h6", class: "note-fold" }),
    svg("path", { d: "M8 8h8M8 12h5", class: "note-lines" }),
  );
  return s;
}
