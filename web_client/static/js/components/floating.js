// A small card floating over the page beside what it is about (the note
// popover, the annotation menu): placed by logic/placement.js inside its
// host, closed by Escape or a tap elsewhere (or, if `onDismiss` is set, a tap
// elsewhere calls that instead: the note editor saves). Emits
// "floating:close" on the card when it closes.
import { h, emit } from "../lib/dom.js";
import { placePopover } from "../logic/placement.js";

const MARGIN = 10;

export class Floating {
  constructor(host, { className = "", testid, label } = {}) {
    this.host = host;
    this.el = h("div", { class: `floating ${className}`, role: "dialog", "aria-label": label, dataset: { testid }, hidden: true });
    host.append(this.el);
    this.onDismiss = null;
    this.onOutside = (e) => {
      if (this.el.hidden || this.el.contains(e.target) || (this.anchorEl && this.anchorEl.contains(e.target))) return;
      if (this.onDismiss) this.onDismiss();
      else this.close();
    };
    this.onKey = (e) => {
      if (e.key === "Escape" && !this.el.hidden) this.close();
    };
  }

  get isOpen() {
    return !this.el.hidden;
  }

  /** Show `children` beside `anchor` (a client rect); `anchorEl` taps do not count as outside. */
  open(children, anchor, anchorEl = null) {
    this.anchorEl = anchorEl;
    this.onDismiss = null;
    this.el.replaceChildren(...children);
    this.el.hidden = false;
    this.place(anchor);
    // Next tick: the tap that opened us must not close us.
    setTimeout(() => {
      document.addEventListener("pointerdown", this.onOutside, true);
      document.addEventListener("keydown", this.onKey);
    });
  }

  place(anchor) {
    const host = this.host.getBoundingClientRect();
    const a = anchor
      ? { left: anchor.left - host.left, top: anchor.top - host.top, right: anchor.right - host.left, bottom: anchor.bottom - host.top }
      : { left: host.width / 2, top: host.height / 2, right: host.width / 2, bottom: host.height / 2 };
    const size = { w: this.el.offsetWidth, h: this.el.offsetHeight };
    const bounds = { left: MARGIN, top: MARGIN, right: host.width - MARGIN, bottom: host.height - MARGIN };
    const p = placePopover(a, size, bounds);
    this.el.style.left = `${p.left}px`;
    this.el.style.top = `${p.top}px`;
    this.el.dataset.side = p.side;
  }

  close() {
    if (this.el.hidden) return;
    this.onDismiss = null;
    this.el.hidden = true;
    this.el.replaceChildren();
    document.removeEventListener("pointerdown", this.onOutside, true);
    document.removeEventListener("keydown", this.onKey);
    emit(this.el, "floating:close");
  }
}
