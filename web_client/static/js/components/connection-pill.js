// The connection pill in the header: data-state = connected|reconnecting|offline.
import { t } from "../lib/i18n.js";

export function mountConnectionPill(el, target = document) {
  if (!el) return;
  const label = el.querySelector(".pill-label") || el;
  let everConnected = false;
  const show = (state) => {
    el.dataset.state = state;
    if (state === "connected") everConnected = true;
    const key = state === "reconnecting" && !everConnected ? "conn.connecting" : `conn.${state}`;
    label.textContent = t(key);
    el.title = t(key);
  };
  show(el.dataset.state || "reconnecting");
  target.addEventListener("rt:connection", (e) => show(e.detail.state));
}
