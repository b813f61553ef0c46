// The one modal dialog every other dialog is built on (confirm-dialog.js,
// vote-form-dialog.js, quorum-rule-dialog.js, minutes-conflict-dialog.js).
// A native <dialog> opened with showModal(): the page behind is inert, so the
// focus stays inside and a screen reader reads only the dialog; Escape
// cancels; the dialog is named by its <h2>. It is added to <body> when opened
// and removed when closed, and the focus goes back to what opened it.
import { h } from "../lib/dom.js";

let titles = 0;

/**
 * openDialog({testid, className, focus, attrs}, ...children) -> the open <dialog>.
 * `focus`: what gets the focus first (default: the child marked `autofocus`,
 * else the browser's choice); `attrs`: more attributes for the <dialog>.
 * Listen for "close" for the answer.
 */
export function openDialog({ testid, className = "", focus = null, attrs = {} }, ...children) {
  const d = h("dialog", { ...attrs, class: `dialog ${className}`.trim(), dataset: { testid } }, ...children);
  const title = d.querySelector("h2");
  if (title) {
    title.id = title.id || `dialog-title-${++titles}`;
    d.setAttribute("aria-labelledby", title.id);
  }
  const opener = document.activeElement;
  document.body.append(d);
  d.addEventListener("close", () => {
    d.remove();
    // Browsers disagree on where the focus goes when a dialog closes: back where it was.
    if (opener && opener !== document.body && opener.isConnected && typeof opener.focus === "function") {
      opener.focus({ preventScroll: true });
    }
  });
  d.showModal();
  const first = focus || d.querySelector("[autofocus]");
  if (first) first.focus();
  return d;
}
