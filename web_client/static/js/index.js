import { api } from "./lib/api.js";
import { t, locale } from "./lib/i18n.js";
import { h, icon } from "./lib/dom.js";
import { initHeader, formatDateTime } from "./common.js";

initHeader();

const list = document.querySelector("[data-meeting-list]");
const role = document.body.dataset.role || "";
// The server says per meeting whether the caller controls it (can_control);
// without that field, fall back to the caller's role.
const controls = (m) => (typeof m.can_control === "boolean" ? m.can_control : ["secretary", "chair", "admin"].includes(role));
const ORDER = { open: 0, scheduled: 1, closed: 2 };

function card(m) {
  const links = h("div", { class: "meeting-actions" },
    h("a", { class: "btn btn-primary", href: `/meetings/${m.id}`, dataset: { testid: "meeting-link" } },
      icon("doc", 20), t("index.open_tablet")));
  if (controls(m)) {
    links.append(
      h("a", { class: "btn btn-secondary", href: `/meetings/${m.id}/console`, dataset: { testid: "console-link" } },
        icon("presenter", 20), t("index.open_console")),
      h("a", { class: "btn btn-ghost", href: `/meetings/${m.id}/screen`, dataset: { testid: "screen-link" } },
        icon("fitPage", 20), t("index.open_screen")),
    );
  }
  return h("li", { class: "meeting-card", dataset: { testid: "meeting", meetingId: m.id, status: m.status } },
    h("div", { class: "meeting-card-main" },
      h("div", { class: "meeting-card-top" },
        h("span", { class: "status-badge", dataset: { status: m.status } }, t(`status.${m.status}`))),
      h("h2", { class: "meeting-title" }, h("a", { href: `/meetings/${m.id}` }, m.title)),
      h("dl", { class: "meeting-facts" },
        h("div", {}, h("dt", {}, t("index.when")), h("dd", {}, formatDateTime(m.starts_at, locale()))),
        m.location ? h("div", {}, h("dt", {}, t("index.where")), h("dd", {}, m.location)) : null)),
    links);
}

async function load() {
  try {
    const body = await api("GET", "/api/meetings");
    const meetings = Array.isArray(body) ? body : (body && (body.meetings || body.items)) || [];
    const sorted = [...(meetings || [])].sort(
      (a, b) => (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || String(a.starts_at).localeCompare(String(b.starts_at)),
    );
    list.replaceChildren(...sorted.map(card));
    list.setAttribute("aria-busy", "false");
    if (!sorted.length) list.replaceChildren(h("li", { class: "empty-state" }, t("index.empty")));
  } catch (err) {
    list.setAttribute("aria-busy", "false");
    list.replaceChildren(h("li", { class: "empty-state is-error", role: "alert" }, err.message || t("error.generic")));
  }
}

load();
