// The connection pill in the header: data-state = connected|reconnecting|offline,
// following realtime.js's rt:connection events.
import { t } from "../lib/i18n.js";

export class ConnectionPill {
  constructor(el, target = document) {
    this.el = el;
    this.label = el.querySelector(".pill-label") || el;
    this.everConnected = false;
    this.show(el.dataset.state || "reconnecting");
    target.addEventListener("rt:connection", (e) => this.show(e.detail.state));
  }

  show(state) {
    this.el.dataset.state = state;
    if (state === "connected") this.everConnected = true;
    // Before the first connection it is still "connecting", not "reconnecting".
    const key = state === "reconnecting" && !this.everConnected ? "conn.connecting" : `conn.${state}`;
    this.label.textContent = t(key);
    this.el.title = t(key);
  }
}
