// The page on screen: an <img> (never a canvas: iPad Safari refuses canvases
// over 16.7 Mpx) in a box sized from the page's PDF size before the image
// arrives. Asks the server for width = displayed CSS width x devicePixelRatio,
// rounded up to a multiple of 256; preloads the new page off-screen and swaps
// it in when decoded, so the old page stays until the new one can be shown;
// prefetches the next pages at the same size.
//
// Gestures (pointer events, so touch, pen and mouse alike):
//   one-finger horizontal swipe -> page:swipe {direction: "next"|"prev"}
//   pinch, double tap           -> the page's own zoom (1x..3x); the UI
//                                  itself is not scaled
//   drag while zoomed           -> pan
// Actions up (bubbling DOM events from the stage): page:swipe,
// page:displayed {document_id, page}, page:zoom {zoom}.
import { h, emit, icon } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { chooseWidth, fitSize, pageImageUrl } from "../logic/image-width.js";
import { classifySwipe } from "../logic/swipe.js";
import { prefetchPages } from "../logic/follow.js";
import { clampZoom, distance, midpoint, anchoredScroll, doubleTapZoom } from "../logic/zoom.js";
import { pageSize } from "../lib/api.js";

const CACHE_MAX = 16;

export class PageView {
  /**
   * @param {HTMLElement} stage  the area the page is fitted into
   * @param {{fit?: "page"|"width", swipe?: boolean, zoom?: boolean, testid?: string,
   *          inset?: number, prefetchAhead?: number, prefetchBehind?: number}} opts
   */
  constructor(stage, opts = {}) {
    this.stage = stage;
    this.fit = opts.fit || "page";
    this.inset = opts.inset ?? 16;
    this.ahead = opts.prefetchAhead ?? 2;
    this.behind = opts.prefetchBehind ?? 1;
    this.zoomable = opts.zoom !== false && opts.swipe !== false;
    this.zoom = 1;
    this.doc = null;
    this.page = null;
    this.token = 0;
    this.cache = new Map(); // url -> HTMLImageElement (kept so the decoded image stays warm)
    this.spinnerTimer = null;
    this.resizeTimer = null;

    this.img = h("img", {
      class: "page-img",
      dataset: { testid: opts.testid || "page-image" },
      alt: "",
      draggable: "false",
      decoding: "async",
    });
    this.status = h("div", { class: "page-status", role: "status", "aria-live": "polite" });
    this.frame = h("div", { class: "page-frame is-empty" }, this.img, this.status);
    stage.classList.add("page-stage");
    stage.dataset.fit = this.fit;
    stage.append(this.frame);

    this.ro = new ResizeObserver(() => this.relayout());
    this.ro.observe(stage);
    if (opts.swipe !== false) this.bindGestures();
  }

  dpr() {
    return window.devicePixelRatio || 1;
  }

  boxSize() {
    return {
      w: Math.max(1, this.stage.clientWidth - 2 * this.inset),
      h: Math.max(1, this.stage.clientHeight - 2 * this.inset),
    };
  }

  sizeFor(doc, page, zoom = this.zoom) {
    const ps = pageSize(doc, page);
    const box = this.boxSize();
    const fit = fitSize(ps.width, ps.height, box.w, box.h, this.fit);
    return { width: Math.round(fit.width * zoom), height: Math.round(fit.height * zoom), aspect: ps.height / ps.width };
  }

  urlFor(doc, page, zoom = this.zoom) {
    const size = this.sizeFor(doc, page, zoom);
    return pageImageUrl(doc.id, page, chooseWidth(size.width, this.dpr(), { aspect: size.aspect }));
  }

  applyFrameSize(size) {
    this.frame.style.width = `${size.width}px`;
    this.frame.style.height = `${size.height}px`;
    this.stage.classList.toggle("is-scrollable", this.fit === "width" || this.zoom > 1);
    this.stage.classList.toggle("is-zoomed", this.zoom > 1);
  }

  setFit(mode) {
    if (mode === this.fit) return;
    this.fit = mode;
    this.stage.dataset.fit = mode;
    this.setZoom(1);
    this.relayout(true);
  }

  /** Zoom to `z` (1 = fit), keeping the point at `anchor` (stage coords) still. */
  setZoom(z, anchor = null) {
    const next = clampZoom(z);
    if (next === this.zoom) return;
    const prev = this.zoom;
    const before = { scrollLeft: this.stage.scrollLeft, scrollTop: this.stage.scrollTop };
    this.zoom = next;
    this.stage.dataset.zoom = String(next);
    if (!this.doc || !this.page) return;
    this.applyFrameSize(this.sizeFor(this.doc, this.page));
    const a = anchor || { x: this.stage.clientWidth / 2, y: this.stage.clientHeight / 2 };
    const s = anchoredScroll(before, a, prev, next);
    this.stage.scrollLeft = s.left;
    this.stage.scrollTop = s.top;
    emit(this.stage, "page:zoom", { zoom: next });
    this.scheduleSharpen();
  }

  /** After a resize or zoom, ask for the image width that fits the new box. */
  scheduleSharpen(force = false) {
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      if (!this.doc || !this.page) return;
      const url = this.urlFor(this.doc, this.page);
      if (force || url !== this.img.dataset.url) this.load(this.doc, this.page, { quiet: true });
    }, 180);
  }

  relayout(force = false) {
    if (!this.doc || !this.page) return;
    this.applyFrameSize(this.sizeFor(this.doc, this.page));
    this.scheduleSharpen(force);
  }

  clear(message = "") {
    this.token++;
    this.doc = null;
    this.page = null;
    this.zoom = 1;
    this.frame.classList.add("is-empty");
    this.img.removeAttribute("src");
    delete this.img.dataset.url;
    delete this.img.dataset.documentId;
    delete this.img.dataset.page;
    this.status.textContent = message;
    this.frame.style.width = "";
    this.frame.style.height = "";
  }

  /** Show page `page` of `doc` ({id, title, page_count, pages}). */
  show(doc, page) {
    if (!doc || !page) return;
    const turned = !this.doc || Number(this.doc.id) !== Number(doc.id) || this.page !== page;
    this.doc = doc;
    this.page = page;
    if (turned && this.zoom !== 1) {
      // A new page starts fitted: a zoomed-in corner of page 5 means nothing on page 6.
      this.zoom = 1;
      this.stage.dataset.zoom = "1";
      emit(this.stage, "page:zoom", { zoom: 1 });
    }
    if (this.img.dataset.url === this.urlFor(doc, page) && !this.frame.classList.contains("is-error")) {
      // Back on the page already shown (e.g. two quick turns there and back):
      // cancel whatever load is in flight so it cannot replace it.
      this.token++;
      clearTimeout(this.spinnerTimer);
      this.frame.classList.remove("is-loading");
      this.applyFrameSize(this.sizeFor(doc, page));
      return;
    }
    this.load(doc, page);
  }

  preload(url) {
    let im = this.cache.get(url);
    if (im) {
      this.cache.delete(url); // LRU: move to the end
      this.cache.set(url, im);
      return im;
    }
    im = new Image();
    im.decoding = "async";
    im.src = url;
    this.cache.set(url, im);
    while (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value);
    return im;
  }

  async ready(im) {
    if (im.complete && im.naturalWidth > 0) return;
    try {
      await im.decode();
    } catch {
      // decode() rejects on some engines for images that did load; trust the load.
      if (!(im.complete && im.naturalWidth > 0)) {
        await new Promise((resolve, reject) => {
          if (im.complete) (im.naturalWidth > 0 ? resolve : reject)();
          im.addEventListener("load", resolve, { once: true });
          im.addEventListener("error", reject, { once: true });
        });
      }
    }
  }

  async load(doc, page, { quiet = false } = {}) {
    const token = ++this.token;
    const size = this.sizeFor(doc, page);
    const url = this.urlFor(doc, page);
    const first = !this.img.dataset.url || this.frame.classList.contains("is-empty");
    if (first) {
      this.applyFrameSize(size);
      this.frame.classList.remove("is-empty");
    }
    this.frame.classList.remove("is-error");
    this.status.textContent = "";
    clearTimeout(this.spinnerTimer);
    if (!quiet) {
      // Only show a spinner when the page is actually slow to come.
      this.spinnerTimer = setTimeout(() => {
        if (token === this.token) this.frame.classList.add("is-loading");
      }, first ? 0 : 150);
    }
    const im = this.preload(url);
    try {
      await this.ready(im);
    } catch {
      if (token !== this.token) return;
      this.cache.delete(url);
      clearTimeout(this.spinnerTimer);
      this.frame.classList.remove("is-loading");
      if (quiet && this.img.dataset.url) return; // keep the softer image we have
      this.frame.classList.add("is-error");
      this.applyFrameSize(size);
      const retry = h(
        "button",
        { class: "btn btn-secondary", type: "button", dataset: { testid: "page-retry" },
          onclick: () => this.load(doc, page) },
        icon("refresh", 20), t("page.retry"),
      );
      this.status.replaceChildren(h("p", {}, t("page.load_error")), retry);
      return;
    }
    if (token !== this.token) return;
    clearTimeout(this.spinnerTimer);
    this.applyFrameSize(this.sizeFor(doc, page));
    this.img.src = url;
    this.img.dataset.url = url;
    this.img.dataset.documentId = String(doc.id);
    this.img.dataset.page = String(page);
    this.img.alt = t("page.alt", { title: doc.title || "", page });
    this.frame.classList.remove("is-loading", "is-error", "is-empty");
    emit(this.stage, "page:displayed", { document_id: doc.id, page });
    this.prefetch(doc, page);
  }

  prefetch(doc, page) {
    const count = doc.page_count || (doc.pages ? doc.pages.length : 0);
    // Prefetch at the fitted size: that is what a turn will show.
    for (const p of prefetchPages(page, count, this.ahead, this.behind)) this.preload(this.urlFor(doc, p, 1));
  }

  bindGestures() {
    const stage = this.stage;
    const pointers = new Map(); // pointerId -> {x, y}
    let start = null; // one-finger gesture: {x, y, t, id, lastX, lastY}
    let pinch = null; // {d0, zoom0, anchor}
    let lastTap = null;

    const local = (p) => {
      const r = stage.getBoundingClientRect();
      return { x: p.x - r.left, y: p.y - r.top };
    };
    const resetFrame = () => {
      this.frame.style.transition = "";
      this.frame.style.transform = "";
      this.frame.style.transformOrigin = "";
    };

    stage.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      if (e.target.closest("button, a, input")) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pointers.size === 1) {
        start = { x: e.clientX, y: e.clientY, t: e.timeStamp, id: e.pointerId, lastX: e.clientX, lastY: e.clientY };
        // On a layer that turned native panning off (the ink layer while a pen
        // tool is on), a finger still scrolls: we move the page ourselves.
        start.manualPan = e.pointerType === "touch" && Boolean(e.target.closest("[data-no-native-pan]"));
        if (this.zoom > 1 && stage.setPointerCapture) {
          try { stage.setPointerCapture(e.pointerId); } catch { /* not capturable: fine */ }
        }
      } else if (pointers.size === 2 && this.zoomable) {
        const [a, b] = [...pointers.values()];
        const mid = midpoint(a, b);
        const fr = this.frame.getBoundingClientRect();
        pinch = { d0: Math.max(1, distance(a, b)), zoom0: this.zoom, anchor: local(mid) };
        this.frame.style.transition = "none";
        this.frame.style.transformOrigin = `${mid.x - fr.left}px ${mid.y - fr.top}px`;
        start = null; // a pinch is not a swipe
        lastTap = null;
      }
    });

    stage.addEventListener("pointermove", (e) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (pinch && pointers.size >= 2) {
        const [a, b] = [...pointers.values()];
        const s = distance(a, b) / pinch.d0;
        const target = clampZoom(pinch.zoom0 * s, 0.6, 3.2);
        this.frame.style.transform = `scale(${target / pinch.zoom0})`;
        e.preventDefault();
        return;
      }
      if (!start || e.pointerId !== start.id) return;
      if (this.zoom > 1) {
        // Zoomed in: one finger pans the page (touch-action is none here).
        stage.scrollLeft -= e.clientX - start.lastX;
        stage.scrollTop -= e.clientY - start.lastY;
        start.lastX = e.clientX;
        start.lastY = e.clientY;
        return;
      }
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      if (start.manualPan) {
        stage.scrollTop -= e.clientY - start.lastY;
        start.lastY = e.clientY;
      }
      if (Math.abs(dx) > 12 && Math.abs(dx) > Math.abs(dy) * 1.5) {
        this.frame.style.transition = "none";
        this.frame.style.transform = `translateX(${Math.round(dx * 0.35)}px)`;
      }
    });

    const end = (e, cancelled) => {
      if (!pointers.has(e.pointerId)) return;
      pointers.delete(e.pointerId);
      if (pinch) {
        if (pointers.size < 2) {
          const m = /scale\(([\d.]+)\)/.exec(this.frame.style.transform);
          const s = m ? Number(m[1]) : 1;
          resetFrame();
          const p = pinch;
          pinch = null;
          if (!cancelled) this.setZoom(p.zoom0 * s, p.anchor);
        }
        return;
      }
      if (!start || e.pointerId !== start.id) return;
      const g = { dx: e.clientX - start.x, dy: e.clientY - start.y, dt: e.timeStamp - start.t };
      const zoomed = this.zoom > 1;
      start = null;
      resetFrame();
      if (cancelled) return;
      const isTap = Math.abs(g.dx) < 10 && Math.abs(g.dy) < 10 && g.dt < 300;
      if (!zoomed && !isTap) {
        const direction = classifySwipe(g);
        if (direction) {
          lastTap = null;
          emit(stage, "page:swipe", { direction });
        }
        return;
      }
      if (isTap && this.zoomable) {
        const now = e.timeStamp;
        if (lastTap && now - lastTap.t < 350 && distance(lastTap, { x: e.clientX, y: e.clientY }) < 40) {
          lastTap = null;
          this.setZoom(doubleTapZoom(this.zoom), local({ x: e.clientX, y: e.clientY }));
        } else {
          lastTap = { t: now, x: e.clientX, y: e.clientY };
        }
      }
    };
    stage.addEventListener("pointerup", (e) => end(e, false));
    stage.addEventListener("pointercancel", (e) => end(e, true));
    // iOS Safari's own pinch (gesture events) would scale the whole UI.
    stage.addEventListener("gesturestart", (e) => e.preventDefault());
    // Trackpad pinch arrives as ctrl+wheel in Chromium and Safari.
    stage.addEventListener("wheel", (e) => {
      if (!e.ctrlKey || !this.zoomable) return;
      e.preventDefault();
      this.setZoom(this.zoom * Math.exp(-e.deltaY / 100), local({ x: e.clientX, y: e.clientY }));
    }, { passive: false });
  }
}
