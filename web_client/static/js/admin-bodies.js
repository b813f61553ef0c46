// /admin/bodies: the committees that meet ("Ban Chấp hành Đảng bộ phường",
// "Ban Thường vụ", a chi bộ). The admin creates and renames a body, and edits
// its members: each with a position ("Bí thư", "Phó Bí thư", "Ủy viên", or any
// other), in the body's order, which the minutes follow. Reorder by dragging
// the handle (pointer events: mouse, finger, pen) or from the keyboard (the
// move buttons, Arrow keys on the handle, Alt+ArrowUp/Down anywhere on a row),
// announced to screen readers. Add members by searching their names, remove
// them, or import a CSV (username,full_name,position): known usernames are
// added, unknown ones become accounts (role member) with one initial password
// typed in the same dialog, after a preview with each row's problems. Every
// change is saved at once with PATCH /api/bodies/{id} (docs/api.md, "Bodies").
import { api } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { h, replaceChildren } from "./lib/dom.js";
import { fold } from "./logic/fold.js";
import { USERNAME, parseCsv } from "./logic/accounts-csv.js";
import { initHeader } from "./common.js";
import { toast } from "./meeting-common.js";
import { openDialog } from "./components/dialog.js";
import { confirmDialog } from "./components/confirm-dialog.js";

initHeader();

const listEl = document.querySelector("[data-bodies-list]");
const editor = document.querySelector("[data-body-editor]");
const placeholder = document.querySelector("[data-body-placeholder]");
const nameForm = document.querySelector("[data-body-name-form]");
const nameInput = document.getElementById("body-name");
const nameError = document.getElementById("body-name-error");
const countEl = document.querySelector("[data-testid=body-member-count]");
const membersEl = document.querySelector("[data-body-members]");
const errorEl = document.querySelector("[data-body-error]");
const savedEl = document.querySelector("[data-body-saved]");
const search = document.getElementById("body-add-search");
const results = document.getElementById("body-add-results");
const announcer = document.querySelector("[data-announce]");

// The body chosen last in this tab, shown again after a reload (?body=ID chooses one too).
const LAST_BODY = "admin-bodies:last";
let bodies = [];
let users = [];
// The body being edited, as the server last answered, and its members as shown.
let current = null;
let members = [];

function announce(text) {
  announcer.textContent = "";
  // A new text node on the next frame, so the same words are read again.
  requestAnimationFrame(() => { announcer.textContent = text; });
}

function showError(message) {
  errorEl.textContent = message || "";
  errorEl.hidden = !message;
}

// ---- the list of bodies ---------------------------------------------------------------

function paintList() {
  listEl.setAttribute("aria-busy", "false");
  if (!bodies.length) {
    replaceChildren(listEl, h("li", { class: "admin-empty", dataset: { testid: "bodies-none" } }, t("admin.bodies.none")));
    return;
  }
  replaceChildren(listEl, bodies.map((b) => h("li", {},
    h("button", {
      type: "button", class: "bodies-list-item", dataset: { testid: "body-item", bodyId: b.id },
      "aria-current": current && current.id === b.id ? "true" : null,
      onclick: () => select(b.id),
    },
    h("span", { class: "bodies-list-name", dataset: { testid: "body-item-name" } }, b.name),
    h("span", { class: "bodies-list-count", dataset: { testid: "body-item-count" } },
      t("admin.bodies.member_count", { count: b.member_count }))))));
}

async function loadBodies() {
  try {
    bodies = await api("GET", "/api/bodies");
    paintList();
  } catch (err) {
    replaceChildren(listEl, h("li", { class: "admin-empty is-error" }, err.message || t("error.generic")));
  }
}

async function loadUsers() {
  try {
    users = await api("GET", "/api/users");
  } catch (err) {
    toast(err.message || t("error.generic"), "error");
  }
}

function remember(body) {
  // The list shows the new name and count without reading it all again.
  const known = bodies.find((b) => b.id === body.id);
  const item = { id: body.id, name: body.name, rank: body.rank, member_count: body.member_count };
  if (known) Object.assign(known, item);
  else bodies.push(item);
  bodies.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name, "vi"));
  paintList();
}

// ---- one body ---------------------------------------------------------------------------

async function select(id, { focus = false } = {}) {
  try {
    show(await api("GET", `/api/bodies/${id}`));
  } catch (err) {
    toast(err.message || t("error.generic"), "error");
    return;
  }
  try {
    sessionStorage.setItem(LAST_BODY, String(id));
  } catch {
    // Private browsing without storage: the first body is shown after a reload.
  }
  if (focus) nameInput.focus();
}

function show(body) {
  current = body;
  members = body.members.map((m) => ({ ...m }));
  editor.hidden = false;
  placeholder.hidden = true;
  editor.dataset.bodyId = String(body.id);
  nameInput.value = body.name;
  setNameError("");
  showError("");
  savedEl.textContent = "";
  search.value = "";
  closeResults();
  paintMembers();
  paintList();
}

function setNameError(message) {
  nameError.textContent = message || "";
  nameError.hidden = !message;
  nameInput.setAttribute("aria-invalid", message ? "true" : "false");
}

function nameErrorOf(err) {
  if (err.code === "body_name_taken") return t("admin.bodies.error.name_taken");
  if (err.code === "invalid") return t("admin.bodies.error.name");
  return null;
}

nameForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!current) return;
  const name = nameInput.value.trim();
  if (!name || name.length > 300) {
    setNameError(t("admin.bodies.error.name"));
    nameInput.focus();
    return;
  }
  if (name === current.name) return;
  try {
    const body = await api("PATCH", `/api/bodies/${current.id}`, { name });
    current = { ...current, name: body.name };
    nameInput.value = body.name;
    setNameError("");
    remember(body);
    toast(t("admin.bodies.renamed", { name: body.name }), "success");
  } catch (err) {
    const message = nameErrorOf(err);
    setNameError(message || err.message || t("error.generic"));
    nameInput.focus();
  }
});

// ---- the members, in order ------------------------------------------------------------------

function paintMembers() {
  countEl.textContent = t("admin.bodies.member_count", { count: members.length });
  if (!members.length) {
    replaceChildren(membersEl, h("li", { class: "bodies-members-empty", dataset: { testid: "body-members-empty" } }, t("admin.bodies.no_members")));
    return;
  }
  replaceChildren(membersEl, members.map((m, i) => memberRow(m, i)));
}

function memberRow(m, index) {
  const last = index === members.length - 1;
  const handle = h("button", {
    type: "button", class: "drag-handle bodies-handle", dataset: { testid: "member-drag" },
    "aria-label": t("admin.bodies.drag", { name: m.full_name }), title: t("admin.bodies.drag_hint"),
  }, h("span", { "aria-hidden": "true" }, "⋮⋮"));
  const position = h("input", {
    type: "text", class: "bodies-position", value: m.position || "", maxlength: 200, list: "body-positions",
    placeholder: t("admin.bodies.position_placeholder"), autocomplete: "off",
    "aria-label": t("admin.bodies.position_of", { name: m.full_name }), dataset: { testid: "member-position" },
  });
  position.addEventListener("change", () => {
    const value = position.value.replace(/\s+/g, " ").trim();
    position.value = value;
    if (value === (m.position || "")) return;
    m.position = value;
    save(t("admin.bodies.position_saved", { name: m.full_name, position: value || "—" }));
  });
  const li = h("li", { class: "bodies-member", dataset: { testid: "body-member", userId: m.user_id, username: m.username } },
    handle,
    h("span", { class: "bodies-number", "aria-hidden": "true" }, `${index + 1}.`),
    h("div", { class: "bodies-person" },
      h("span", { class: "bodies-person-name", dataset: { testid: "member-name" } }, m.full_name),
      h("span", { class: "bodies-person-username" }, m.username)),
    position,
    h("div", { class: "bodies-member-tools" },
      h("button", {
        type: "button", class: "btn btn-ghost btn-icon btn-move", dataset: { testid: "member-up", move: "up" }, disabled: index === 0,
        "aria-label": t("admin.bodies.move_up", { name: m.full_name }), title: t("admin.bodies.move_up", { name: m.full_name }),
        onclick: () => move(m.user_id, -1, "[data-move=up]"),
      }, "↑"),
      h("button", {
        type: "button", class: "btn btn-ghost btn-icon btn-move", dataset: { testid: "member-down", move: "down" }, disabled: last,
        "aria-label": t("admin.bodies.move_down", { name: m.full_name }), title: t("admin.bodies.move_down", { name: m.full_name }),
        onclick: () => move(m.user_id, 1, "[data-move=down]"),
      }, "↓"),
      h("button", {
        type: "button", class: "btn btn-danger-outline btn-sm", dataset: { testid: "member-remove" },
        "aria-label": t("admin.bodies.remove_of", { name: m.full_name }), onclick: () => removeMember(m),
      }, t("admin.bodies.remove"))));
  handle.addEventListener("pointerdown", (e) => startDrag(e, li));
  handle.addEventListener("keydown", (e) => {
    if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      e.preventDefault();
      move(m.user_id, e.key === "ArrowUp" ? -1 : 1, "[data-testid=member-drag]");
    }
  });
  li.addEventListener("keydown", (e) => {
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      const focused = document.activeElement;
      const selector = focused && focused.dataset && focused.dataset.testid ? `[data-testid=${focused.dataset.testid}]` : null;
      move(m.user_id, e.key === "ArrowUp" ? -1 : 1, selector);
    }
  });
  return li;
}

/** Move a member by one place, keep the focus on the same control of their row, save, announce. */
function move(userId, delta, focusSelector = null) {
  const from = members.findIndex((m) => m.user_id === userId);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= members.length) return;
  const [moved] = members.splice(from, 1);
  members.splice(to, 0, moved);
  paintMembers();
  refocus(userId, focusSelector);
  save(t("admin.bodies.moved", { name: moved.full_name, position: to + 1, count: members.length }));
}

function refocus(userId, selector) {
  const row = membersEl.querySelector(`[data-user-id="${userId}"]`);
  if (!row) return;
  let target = selector ? row.querySelector(selector) : null;
  // At the top or bottom the button pressed is disabled: the handle takes the focus.
  if (!target || target.disabled) target = row.querySelector("[data-testid=member-drag]");
  target.focus();
}

// Dragging by the handle with pointer events: one code path for mouse, touch and pen.
function startDrag(e, li) {
  if (e.button !== undefined && e.button !== 0) return;
  e.preventDefault();
  const rows = () => Array.from(membersEl.querySelectorAll("[data-testid=body-member]"));
  const startOrder = rows().map((r) => Number(r.dataset.userId)).join();
  li.classList.add("is-dragging");
  membersEl.classList.add("is-sorting");
  const onMove = (ev) => {
    if (ev.pointerId !== e.pointerId) return;
    ev.preventDefault();
    let before = null;
    for (const other of rows()) {
      if (other === li) continue;
      const r = other.getBoundingClientRect();
      if (ev.clientY < r.top + r.height / 2) { before = other; break; }
    }
    if (before) { if (li.nextSibling !== before) membersEl.insertBefore(li, before); }
    else if (membersEl.lastElementChild !== li) membersEl.append(li);
  };
  const onEnd = (ev) => {
    if (ev.pointerId !== e.pointerId) return;
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onEnd);
    window.removeEventListener("pointercancel", onEnd);
    li.classList.remove("is-dragging");
    membersEl.classList.remove("is-sorting");
    const order = rows().map((r) => Number(r.dataset.userId));
    if (order.join() === startOrder) return;
    const byId = new Map(members.map((m) => [m.user_id, m]));
    members = order.map((id) => byId.get(id));
    const userId = Number(li.dataset.userId);
    const moved = byId.get(userId);
    paintMembers();
    refocus(userId, "[data-testid=member-drag]");
    save(t("admin.bodies.moved", { name: moved.full_name, position: order.indexOf(userId) + 1, count: order.length }));
  };
  // On the window: moving the row in the page releases the handle's pointer capture.
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onEnd);
  window.addEventListener("pointercancel", onEnd);
}

async function removeMember(m) {
  const sure = await confirmDialog({
    testid: "member-remove-confirm",
    title: t("admin.bodies.remove_title", { name: m.full_name }),
    text: t("admin.bodies.remove_text", { body: current.name }),
    confirm: t("admin.bodies.remove_of", { name: m.full_name }),
    confirmTestid: "member-remove-confirm-ok",
    tone: "danger",
  });
  if (!sure) return;
  const at = members.findIndex((x) => x.user_id === m.user_id);
  if (at < 0) return;
  members.splice(at, 1);
  paintMembers();
  const next = members[Math.min(at, members.length - 1)];
  if (next) refocus(next.user_id, "[data-testid=member-remove]");
  else search.focus();
  save(t("admin.bodies.removed", { name: m.full_name }));
}

// One save at a time, in order: each sends the whole list as it stands then.
let saving = Promise.resolve();

function save(doneText) {
  if (!current) return saving;
  const bodyId = current.id;
  const payload = members.map((m) => ({ user_id: m.user_id, position: m.position || "" }));
  savedEl.textContent = t("admin.bodies.saving");
  saving = saving.then(async () => {
    try {
      const body = await api("PATCH", `/api/bodies/${bodyId}`, { members: payload });
      if (!current || current.id !== bodyId) return;
      current = body;
      remember(body);
      showError("");
      savedEl.textContent = t("admin.bodies.saved");
      if (doneText) announce(doneText);
    } catch (err) {
      showError(err.message || t("error.generic"));
      savedEl.textContent = "";
      // Show what the server holds again.
      if (current && current.id === bodyId) await select(bodyId);
    }
  });
  return saving;
}

// ---- adding by name --------------------------------------------------------------------------

let matches = [];
let active = -1;

function candidates(query) {
  const folded = fold(query.trim());
  if (!folded) return [];
  const inBody = new Set(members.map((m) => m.user_id));
  return users
    .filter((u) => !u.disabled && !inBody.has(u.id))
    .filter((u) => fold(`${u.full_name} ${u.username}`).includes(folded))
    .slice(0, 8);
}

function closeResults() {
  results.hidden = true;
  search.setAttribute("aria-expanded", "false");
  search.removeAttribute("aria-activedescendant");
  matches = [];
  active = -1;
}

function paintResults() {
  matches = candidates(search.value);
  if (!search.value.trim()) {
    closeResults();
    return;
  }
  active = matches.length ? Math.min(Math.max(active, 0), matches.length - 1) : -1;
  replaceChildren(results, matches.length
    ? matches.map((u, i) => h("li", {
      id: `body-add-option-${u.id}`, role: "option", class: "bodies-combo-option",
      "aria-selected": String(i === active), dataset: { testid: "body-add-option", userId: u.id },
      onpointerdown: (e) => e.preventDefault(),
      onclick: () => addMember(u),
    }, h("span", { class: "bodies-person-name" }, u.full_name), h("span", { class: "bodies-person-username" }, u.username)))
    : h("li", { class: "bodies-combo-none", role: "presentation" }, t("admin.bodies.add_none")));
  results.hidden = false;
  search.setAttribute("aria-expanded", "true");
  if (active >= 0) search.setAttribute("aria-activedescendant", `body-add-option-${matches[active].id}`);
  else search.removeAttribute("aria-activedescendant");
}

function addMember(u) {
  if (members.some((m) => m.user_id === u.id)) return;
  members.push({ user_id: u.id, full_name: u.full_name, username: u.username, position: "", rank: members.length });
  paintMembers();
  search.value = "";
  closeResults();
  search.focus();
  save(t("admin.bodies.added", { name: u.full_name, count: members.length }));
}

search.addEventListener("input", () => { active = 0; paintResults(); });
search.addEventListener("keydown", (e) => {
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    if (results.hidden) paintResults();
    if (!matches.length) return;
    e.preventDefault();
    active = (active + (e.key === "ArrowDown" ? 1 : -1) + matches.length) % matches.length;
    paintResults();
  } else if (e.key === "Enter") {
    e.preventDefault();
    if (active >= 0 && matches[active]) addMember(matches[active]);
  } else if (e.key === "Escape" && !results.hidden) {
    e.preventDefault();
    closeResults();
  }
});
search.addEventListener("blur", () => setTimeout(closeResults, 150));

// ---- a new body -------------------------------------------------------------------------------

function newBodyDialog() {
  const input = h("input", { id: "new-body-name", type: "text", maxlength: 300, autocomplete: "off", dataset: { testid: "new-body-name" }, "aria-describedby": "new-body-name-error" });
  const error = h("p", { class: "field-error", id: "new-body-name-error", dataset: { testid: "new-body-name-error" }, role: "alert", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "new-body-submit" } }, t("admin.bodies.create"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: "new-body-cancel" } }, t("common.cancel"));
  const form = h("form", { class: "form", novalidate: true },
    h("h2", {}, t("admin.bodies.new_title")),
    h("p", { class: "dialog-lead" }, t("admin.bodies.new_lead")),
    h("div", { class: "field" }, h("label", { for: "new-body-name" }, t("admin.bodies.field.name")), input,
      h("p", { class: "field-hint" }, t("admin.bodies.name_hint")), error),
    h("div", { class: "dialog-actions" }, cancel, submit));
  const d = openDialog({ testid: "new-body-dialog", className: "admin-dialog", focus: input }, form);
  cancel.addEventListener("click", () => d.close());
  const fail = (message) => {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name || name.length > 300) return fail(t("admin.bodies.error.name"));
    submit.disabled = true;
    try {
      const body = await api("POST", "/api/bodies", { name });
      d.close();
      remember(body);
      await select(body.id);
      toast(t("admin.bodies.created", { name: body.name }), "success");
      search.focus();
    } catch (err) {
      fail(nameErrorOf(err) || err.message || t("error.generic"));
    } finally {
      submit.disabled = false;
    }
  });
}

// ---- import from CSV -------------------------------------------------------------------------

const clean = (s) => String(s ?? "").normalize("NFC").replace(/\s+/g, " ").trim();

/**
 * The rows of a members' CSV (header username,full_name,position; comma or
 * semicolon; UTF-8, BOM dropped) checked against the accounts and the body:
 * {error} for a file that cannot be read, else {rows: [{line, username,
 * full_name, position, user (the account, if any), kind: "new"|"existing"|"member", errors}]}.
 */
function readMembers(text) {
  const body = String(text || "").replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] || "";
  const delimiter = !firstLine.includes(",") && firstLine.includes(";") ? ";" : ",";
  const rows = parseCsv(body, delimiter).filter((r) => r.some((f) => clean(f)));
  if (!rows.length) return { error: "empty" };
  const header = rows[0].map((x) => clean(x).toLowerCase());
  const at = { username: header.indexOf("username"), full_name: header.indexOf("full_name"), position: header.indexOf("position") };
  if (at.username < 0) return { error: "header" };
  if (rows.length < 2) return { error: "empty" };
  const byUsername = new Map(users.map((u) => [u.username, u]));
  const inBody = new Set(members.map((m) => m.user_id));
  const seen = new Map();
  const out = rows.slice(1).map((r, i) => {
    const get = (c) => (at[c] >= 0 ? clean(r[at[c]]) : "");
    const row = { line: i + 2, username: get("username"), full_name: get("full_name"), position: get("position"), errors: [] };
    row.user = byUsername.get(row.username) || null;
    row.kind = row.user ? (inBody.has(row.user.id) ? "member" : "existing") : "new";
    if (!USERNAME.test(row.username)) row.errors.push("username");
    if (row.user && row.user.disabled) row.errors.push("disabled");
    if (!row.user && (!row.full_name || row.full_name.length > 200)) row.errors.push("full_name");
    if (row.position.length > 200) row.errors.push("position");
    seen.set(row.username, (seen.get(row.username) || 0) + 1);
    return row;
  });
  for (const row of out) if (row.username && seen.get(row.username) > 1) row.errors.push("twice");
  return { rows: out };
}

function importDialog() {
  let parsed = null;
  const fileInput = h("input", { id: "import-file", type: "file", accept: ".csv,text/csv", dataset: { testid: "body-import-file" }, "aria-describedby": "import-file-hint import-file-error" });
  const fileError = h("p", { class: "field-error", id: "import-file-error", role: "alert", hidden: true, dataset: { testid: "body-import-file-error" } });
  const password = h("input", { id: "import-password", type: "text", autocomplete: "off", spellcheck: "false", maxlength: 256, dataset: { testid: "body-import-password" }, "aria-describedby": "import-password-hint import-password-error" });
  const passwordError = h("p", { class: "field-error", id: "import-password-error", role: "alert", hidden: true, dataset: { testid: "body-import-password-error" } });
  const passwordField = h("div", { class: "field", hidden: true },
    h("label", { for: "import-password" }, t("admin.bodies.csv.password")), password,
    h("p", { class: "field-hint", id: "import-password-hint" }, t("admin.bodies.csv.password_hint")), passwordError);
  const summary = h("p", { class: "import-summary", dataset: { testid: "body-import-summary" }, "aria-live": "polite" });
  const preview = h("div", { class: "admin-table-wrap import-preview", hidden: true });
  const formError = h("p", { class: "form-error", role: "alert", hidden: true, dataset: { testid: "body-import-error" } });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "body-import-submit" }, disabled: true }, t("admin.bodies.csv.submit"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: "body-import-cancel" } }, t("common.cancel"));
  const form = h("form", { class: "form", novalidate: true },
    h("h2", {}, t("admin.bodies.csv.title", { body: current.name })),
    h("p", { class: "dialog-lead" }, t("admin.bodies.csv.lead")),
    h("pre", { class: "import-sample", "aria-label": t("admin.bodies.csv.sample") }, t("admin.bodies.csv.sample_text")),
    h("div", { class: "form-grid" },
      h("div", { class: "field field-wide" }, h("label", { for: "import-file" }, t("admin.bodies.csv.file")), fileInput,
        h("p", { class: "field-hint", id: "import-file-hint" }, t("admin.bodies.csv.format")), fileError),
      passwordField),
    summary, preview, formError,
    h("div", { class: "dialog-actions" }, cancel, submit));
  const d = openDialog({ testid: "body-import-dialog", className: "admin-dialog dialog-wide" }, form);
  cancel.addEventListener("click", () => d.close());

  const newRows = () => (parsed && parsed.rows ? parsed.rows.filter((r) => r.kind === "new") : []);
  const ready = () => parsed && parsed.rows && parsed.rows.length && parsed.rows.every((r) => !r.errors.length);

  function paintPreview() {
    fileError.hidden = true;
    preview.hidden = !(parsed && parsed.rows);
    passwordField.hidden = !newRows().length;
    submit.disabled = !ready();
    if (!parsed) { summary.textContent = ""; return; }
    if (parsed.error) {
      summary.textContent = "";
      fileError.textContent = t(`admin.bodies.csv.error.${parsed.error}`);
      fileError.hidden = false;
      return;
    }
    const bad = parsed.rows.filter((r) => r.errors.length).length;
    summary.textContent = bad
      ? t("admin.bodies.csv.summary_bad", { count: parsed.rows.length, bad })
      : t("admin.bodies.csv.summary_ok", { count: parsed.rows.length, created: newRows().length });
    summary.dataset.state = bad ? "error" : "ok";
    replaceChildren(preview, h("table", { class: "admin-table admin-table-compact", dataset: { testid: "body-import-preview" } },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("admin.bodies.csv.line")),
        h("th", { scope: "col" }, t("admin.bodies.csv.username")),
        h("th", { scope: "col" }, t("admin.bodies.csv.full_name")),
        h("th", { scope: "col" }, t("admin.bodies.csv.position")),
        h("th", { scope: "col" }, t("admin.bodies.csv.outcome")))),
      h("tbody", {}, parsed.rows.map((r) => h("tr", {
        class: r.errors.length ? "has-error" : "",
        dataset: { testid: "body-import-row", ok: String(!r.errors.length), kind: r.kind },
      },
      h("td", { class: "col-mono" }, String(r.line)),
      h("td", { class: "col-mono" }, r.username),
      h("td", {}, r.user ? r.user.full_name : r.full_name),
      h("td", {}, r.position || h("span", { class: "admin-muted" }, "—")),
      h("td", { class: "col-problems", dataset: { testid: "body-import-row-outcome" } },
        r.errors.length
          ? r.errors.map((code) => t(`admin.bodies.csv.problem.${code}`)).join("; ")
          : t(`admin.bodies.csv.kind.${r.kind}`)))))));
  }

  password.addEventListener("input", () => {
    passwordError.hidden = true;
    password.removeAttribute("aria-invalid");
  });

  fileInput.addEventListener("change", async () => {
    formError.hidden = true;
    parsed = null;
    const file = fileInput.files && fileInput.files[0];
    if (file) parsed = readMembers(new TextDecoder("utf-8").decode(await file.arrayBuffer()));
    paintPreview();
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.hidden = true;
    passwordError.hidden = true;
    password.removeAttribute("aria-invalid");
    if (!ready()) return;
    const created = newRows();
    const initial = password.value;
    if (created.length && (initial.trim().length < 8 || initial.length > 256)) {
      passwordError.textContent = t("admin.bodies.csv.error.password");
      passwordError.hidden = false;
      password.setAttribute("aria-invalid", "true");
      password.focus();
      return;
    }
    submit.disabled = true;
    try {
      if (created.length) {
        await api("POST", "/api/users/batch", {
          password: initial,
          users: created.map((r) => ({ username: r.username, full_name: r.full_name, role: "member" })),
        });
      }
      users = await api("GET", "/api/users");
      const byUsername = new Map(users.map((u) => [u.username, u]));
      for (const r of parsed.rows) {
        const u = byUsername.get(r.username);
        if (!u) continue;
        const known = members.find((m) => m.user_id === u.id);
        if (known) { if (r.position) known.position = r.position; }
        else members.push({ user_id: u.id, full_name: u.full_name, username: u.username, position: r.position, rank: members.length });
      }
      paintMembers();
      d.close();
      await save(t("admin.bodies.csv.done", { count: parsed.rows.length, created: created.length }));
      toast(t("admin.bodies.csv.done", { count: parsed.rows.length, created: created.length }), "success");
    } catch (err) {
      formError.textContent = err.code === "conflict" ? t("admin.bodies.csv.error.taken") : err.message || t("error.generic");
      formError.hidden = false;
      submit.disabled = !ready();
    }
  });
}

// ---- start --------------------------------------------------------------------------------------

document.querySelector("[data-testid=body-new]").addEventListener("click", newBodyDialog);
document.querySelector("[data-testid=body-import]").addEventListener("click", () => { if (current) importDialog(); });

async function start() {
  await Promise.all([loadBodies(), loadUsers()]);
  let wanted = Number(new URLSearchParams(location.search).get("body"));
  try {
    wanted = wanted || Number(sessionStorage.getItem(LAST_BODY));
  } catch {
    // No storage: the first body.
  }
  const first = bodies.find((b) => b.id === wanted) || bodies[0];
  if (first) await select(first.id);
}

start();
