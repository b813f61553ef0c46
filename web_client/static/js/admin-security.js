// /admin/security: the security log for the admin (docs/api.md, "Security
// events"). Newest first, filtered by kind, user and dates, in pages read with
// the API's cursor; the filters live in the address, so a reload keeps them.
import { api } from "./lib/api.js";
import { t, locale } from "./lib/i18n.js";
import { h, replaceChildren } from "./lib/dom.js";
import { initHeader } from "./common.js";

initHeader();

// The kinds, in the order of meeting_server/security/models.py SecurityKind.
const KINDS = [
  "login", "login_failed", "login_throttled", "logout",
  "password_changed", "password_change_failed", "password_reset",
  "role_changed", "user_disabled", "user_enabled", "user_created",
  "export_archive", "export_oparl", "export_annotations", "export_minutes", "document_download",
];
const WARN = new Set(["login_failed", "login_throttled", "password_change_failed"]);
const ACCOUNT = new Set(["password_reset", "role_changed", "user_disabled", "user_enabled", "user_created"]);
const EXPORT = new Set(["export_archive", "export_oparl", "export_annotations", "export_minutes", "document_download"]);
const PAGE_SIZE = 50;
const COLUMNS = 6;

const form = document.querySelector("[data-testid=security-filters]");
const kindSelect = document.querySelector("[data-testid=security-kind]");
const userSelect = document.querySelector("[data-testid=security-user]");
const sinceInput = document.querySelector("[data-testid=security-since]");
const untilInput = document.querySelector("[data-testid=security-until]");
const errorLine = document.querySelector("[data-testid=security-error]");
const body = document.querySelector("[data-security-body]");
const newer = document.querySelector("[data-testid=security-newer]");
const older = document.querySelector("[data-testid=security-older]");
const pageLabel = document.querySelector("[data-testid=security-page]");

// Page n is read with cursors[n] (null: the newest page).
let cursors = [null];
let pageIndex = 0;
let loading = 0;

for (const kind of KINDS) kindSelect.append(h("option", { value: kind }, t(`admin.security.kind.${kind}`)));

const timeFormat = new Intl.DateTimeFormat(locale(), {
  day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
});

function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = Object.fromEntries(timeFormat.formatToParts(d).map((x) => [x.type, x.value]));
  return h("time", { datetime: iso },
    h("span", { class: "security-date" }, `${p.day}/${p.month}/${p.year}`), " ",
    h("span", { class: "security-clock" }, `${p.hour}:${p.minute}:${p.second}`));
}

function kindBadge(kind) {
  const tone = WARN.has(kind) ? "is-warn" : ACCOUNT.has(kind) ? "is-account" : EXPORT.has(kind) ? "is-off" : "is-on";
  return h("span", { class: `admin-badge ${tone}`, dataset: { testid: "security-kind-label" } }, t(`admin.security.kind.${kind}`));
}

const person = (name, username) => h("span", { class: "security-person" },
  h("span", { class: "admin-name" }, name || username || "—"),
  username ? h("span", { class: "security-username" }, username) : null);

function actorCell(e) {
  if (e.actor_id != null) return person(e.actor_name, e.username);
  if (e.username) {
    // A failed or held-back login: the username as typed, which may name no account.
    return h("span", { class: "security-person" },
      h("span", { class: "security-typed-label" }, t("admin.security.typed_label")),
      h("span", { class: "security-typed", dataset: { testid: "security-typed" } }, e.username));
  }
  return h("span", { class: "admin-muted" }, t(e.kind === "user_created" ? "admin.security.command_line" : "admin.security.no_actor"));
}

function subjectCell(e) {
  const parts = [];
  if (e.target_user_id != null && e.target_user_id !== e.actor_id) parts.push(person(e.target_name, e.target_username));
  if (e.meeting_id != null) parts.push(h("span", {}, t("admin.security.meeting", { id: e.meeting_id })));
  if (e.document_id != null) parts.push(h("span", {}, t("admin.security.document", { id: e.document_id })));
  return parts.length ? h("div", { class: "security-subject" }, parts) : h("span", { class: "admin-muted" }, "—");
}

function optional(key) {
  const text = t(key);
  return text === key ? null : text;
}

function detailsText(e) {
  const d = e.details || {};
  const out = [];
  if (d.from && d.to) out.push(t("admin.security.detail.role_change", { from: t(`role.${d.from}`), to: t(`role.${d.to}`) }));
  else if (d.role) out.push(t("admin.security.detail.new_role", { role: t(`role.${d.role}`) }));
  if (d.reason) out.push(optional(`admin.security.detail.reason.${d.reason}`) || d.reason);
  if (d.limit) out.push(optional(`admin.security.detail.limit.${d.limit}`) || d.limit);
  if (d.scope) out.push(optional(`admin.security.detail.scope.${d.scope}`) || d.scope);
  if (d.format) out.push(optional(`admin.security.detail.format.${d.format}`) || d.format);
  if (typeof d.final === "boolean") out.push(t(d.final ? "admin.security.detail.final" : "admin.security.detail.draft"));
  return out.join(" · ");
}

function row(e) {
  const details = detailsText(e);
  return h("tr", { dataset: { testid: "security-row", kind: e.kind, eventId: e.id }, class: WARN.has(e.kind) ? "is-warn" : "" },
    h("td", { class: "col-nowrap security-at" }, when(e.at)),
    h("td", { class: "col-nowrap" }, kindBadge(e.kind)),
    h("td", { dataset: { testid: "security-actor" } }, actorCell(e)),
    h("td", { dataset: { testid: "security-subject" } }, subjectCell(e)),
    h("td", { class: "col-mono col-nowrap", dataset: { testid: "security-address" } }, e.address || "—"),
    h("td", { class: "security-details", dataset: { testid: "security-details" } }, details || h("span", { class: "admin-muted" }, "—")));
}

function message(text, cls = "") {
  replaceChildren(body, h("tr", {}, h("td", { colspan: COLUMNS, class: `admin-empty ${cls}` }, text)));
}

const filtered = () => Boolean(kindSelect.value || userSelect.value || sinceInput.value || untilInput.value);

/** The filters as API parameters, or null when the dates are the wrong way round. */
function query() {
  const params = new URLSearchParams();
  if (kindSelect.value) params.set("kind", kindSelect.value);
  if (userSelect.value) params.set("user_id", userSelect.value);
  // Dates are the admin's own days: from local midnight to the day's last millisecond.
  const since = sinceInput.value ? new Date(`${sinceInput.value}T00:00:00`) : null;
  const until = untilInput.value ? new Date(`${untilInput.value}T23:59:59.999`) : null;
  if (since && until && since > until) return null;
  if (since) params.set("since", since.toISOString());
  if (until) params.set("until", until.toISOString());
  return params;
}

function keepInAddress() {
  const shown = new URLSearchParams();
  for (const [name, input] of [["kind", kindSelect], ["user_id", userSelect], ["since", sinceInput], ["until", untilInput]]) {
    if (input.value) shown.set(name, input.value);
  }
  const search = shown.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function load() {
  const params = query();
  errorLine.hidden = params !== null;
  if (params === null) {
    errorLine.textContent = t("admin.security.error.range");
    return;
  }
  params.set("limit", String(PAGE_SIZE));
  if (cursors[pageIndex] != null) params.set("cursor", String(cursors[pageIndex]));
  const mine = ++loading;
  body.setAttribute("aria-busy", "true");
  try {
    const page = await api("GET", `/api/security-events?${params}`);
    if (mine !== loading) return; // a newer request is on its way
    cursors = cursors.slice(0, pageIndex + 1);
    if (page.next_cursor != null) cursors.push(page.next_cursor);
    if (page.events.length) replaceChildren(body, page.events.map(row));
    else message(t(filtered() ? "admin.security.none_found" : "admin.security.none"));
    pageLabel.textContent = t("admin.security.page", { page: pageIndex + 1 });
    newer.disabled = pageIndex === 0;
    older.disabled = page.next_cursor == null;
  } catch (err) {
    if (mine === loading) message(err.message || t("error.generic"), "is-error");
  } finally {
    if (mine === loading) body.setAttribute("aria-busy", "false");
  }
}

function restart() {
  cursors = [null];
  pageIndex = 0;
  keepInAddress();
  load();
}

async function fillUsers(selected) {
  try {
    const users = await api("GET", "/api/users");
    users.sort((a, b) => a.full_name.localeCompare(b.full_name, locale()));
    userSelect.append(...users.map((u) => h("option", { value: String(u.id) }, `${u.full_name} (${u.username})`)));
  } catch {
    // The list only helps to choose; the log reads without it.
  }
  if (selected) {
    if (![...userSelect.options].some((o) => o.value === selected)) userSelect.append(h("option", { value: selected }, `#${selected}`));
    userSelect.value = selected;
  }
}

form.addEventListener("change", restart);
form.addEventListener("submit", (event) => event.preventDefault());
form.addEventListener("reset", () => setTimeout(restart)); // after the fields are cleared
newer.addEventListener("click", () => {
  if (pageIndex > 0) {
    pageIndex -= 1;
    load();
  }
});
older.addEventListener("click", () => {
  if (cursors[pageIndex + 1] != null) {
    pageIndex += 1;
    load();
  }
});

const initial = new URLSearchParams(location.search);
if (KINDS.includes(initial.get("kind"))) kindSelect.value = initial.get("kind");
for (const [name, input] of [["since", sinceInput], ["until", untilInput]]) {
  if (/^\d{4}-\d{2}-\d{2}$/.test(initial.get(name) || "")) input.value = initial.get(name);
}
const initialUser = /^\d+$/.test(initial.get("user_id") || "") ? initial.get("user_id") : "";
fillUsers(initialUser).then(load);
