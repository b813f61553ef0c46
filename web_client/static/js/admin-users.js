// /admin/users: the admin's list of accounts. Add one, import many from a CSV
// (checked row by row before anything is created, then all or none), edit a
// name, role or position, disable or enable, reset a password to a one-time
// password shown for the admin to hand over. Every change is an API call
// (docs/api.md, "Accounts"); the list is read again after each.
import { api } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { h, replaceChildren } from "./lib/dom.js";
import { pageData } from "./lib/page-data.js";
import { initHeader } from "./common.js";
import { toast } from "./meeting-common.js";
import { openDialog } from "./components/dialog.js";
import { confirmDialog } from "./components/confirm-dialog.js";
import { ROLES, USERNAME, readAccounts } from "./logic/accounts-csv.js";

initHeader();

const me = Number(pageData().me);
const body = document.querySelector("[data-users-body]");
const search = document.querySelector("[data-testid=users-search]");
const count = document.querySelector("[data-testid=users-count]");
let users = [];

// ---- the list -----------------------------------------------------------------------

const fold = (s) => String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();

function matches(u, query) {
  if (!query) return true;
  return fold(`${u.full_name} ${u.username} ${u.position} ${t(`role.${u.role}`)}`).includes(query);
}

function statusCell(u) {
  // One badge: disabled first, then a password still to change, else active.
  const [cls, key] = u.disabled
    ? ["is-off", "admin.users.status.disabled"]
    : u.must_change_password ? ["is-warn", "admin.users.status.must_change"] : ["is-on", "admin.users.status.active"];
  return h("td", { class: "col-status" },
    h("span", { class: `admin-badge ${cls}`, dataset: { testid: "user-status", mustChange: String(u.must_change_password) } }, t(key)));
}

function row(u) {
  const self = u.id === me;
  const actions = h("div", { class: "admin-row-actions" },
    h("button", { type: "button", class: "btn btn-secondary btn-sm", dataset: { testid: "user-edit" },
      "aria-label": t("admin.users.edit_of", { name: u.full_name }), onclick: () => editDialog(u) }, t("admin.users.edit")),
    self ? null : h("button", { type: "button", class: "btn btn-ghost btn-sm", dataset: { testid: "user-reset" },
      "aria-label": t("admin.users.reset_of", { name: u.full_name }), onclick: () => resetPassword(u) }, t("admin.users.reset")),
    self ? null : h("button", {
      type: "button", class: `btn btn-sm ${u.disabled ? "btn-secondary" : "btn-danger-outline"}`,
      dataset: { testid: "user-toggle" }, onclick: () => toggle(u),
      "aria-label": t(u.disabled ? "admin.users.enable_of" : "admin.users.disable_of", { name: u.full_name }),
    }, t(u.disabled ? "admin.users.enable" : "admin.users.disable")));
  return h("tr", { dataset: { testid: "user-row", username: u.username, userId: u.id, disabled: String(u.disabled) }, class: u.disabled ? "is-disabled" : "" },
    h("td", { class: "col-name" },
      h("span", { class: "admin-name", dataset: { testid: "user-name" } }, u.full_name),
      self ? h("span", { class: "admin-you" }, t("admin.users.you")) : null),
    h("td", { class: "col-mono", dataset: { testid: "user-username" } }, u.username),
    h("td", { class: "col-nowrap", dataset: { testid: "user-role", role: u.role } }, t(`role.${u.role}`)),
    h("td", { class: "col-position", dataset: { testid: "user-position" } }, u.position || h("span", { class: "admin-muted" }, "—")),
    statusCell(u),
    h("td", { class: "col-actions" }, actions));
}

function paint() {
  const query = fold(search.value.trim());
  const shown = users.filter((u) => matches(u, query));
  count.textContent = query
    ? t("admin.users.count_filtered", { shown: shown.length, count: users.length })
    : t("admin.users.count", { count: users.length });
  if (!shown.length) {
    replaceChildren(body, h("tr", {}, h("td", { colspan: 6, class: "admin-empty" }, t(query ? "admin.users.none_found" : "admin.users.none"))));
  } else {
    replaceChildren(body, shown.map(row));
  }
  body.setAttribute("aria-busy", "false");
}

async function load() {
  try {
    users = await api("GET", "/api/users");
    paint();
  } catch (err) {
    replaceChildren(body, h("tr", {}, h("td", { colspan: 6, class: "admin-empty is-error" }, err.message || t("error.generic"))));
  }
}

search.addEventListener("input", paint);

// ---- forms in dialogs -----------------------------------------------------------------

let fieldIds = 0;

/** A labelled field with its error line below: {wrap, input, error(message)}. */
function field(name, label, control, hint = null) {
  const id = `f-${name}-${++fieldIds}`;
  control.id = id;
  control.name = name;
  const err = h("p", { class: "field-error", id: `${id}-error`, dataset: { errorFor: name }, hidden: true });
  const hintEl = hint ? h("p", { class: "field-hint", id: `${id}-hint` }, hint) : null;
  control.setAttribute("aria-describedby", [hintEl && hintEl.id, err.id].filter(Boolean).join(" "));
  const wrap = h("div", { class: "field", dataset: { field: name } }, h("label", { for: id }, label), control, hintEl, err);
  return {
    wrap,
    input: control,
    error(message) {
      err.textContent = message || "";
      err.hidden = !message;
      control.setAttribute("aria-invalid", message ? "true" : "false");
    },
  };
}

function roleSelect(value, testid, disabled = false) {
  return h("select", { dataset: { testid }, disabled },
    ROLES.map((r) => h("option", { value: r, selected: r === value }, t(`role.${r}`))));
}

const textInput = (testid, attrs = {}) => h("input", { type: "text", autocomplete: "off", dataset: { testid }, ...attrs });

/** Which field a server refusal is about ("username: ..." from a 422, a taken name from a 409). */
function serverFieldError(err, fields) {
  const message = err.serverMessage || err.message || "";
  if (err.code === "conflict" && fields.username) return ["username", t("admin.users.error.username_taken")];
  const name = message.split(":", 1)[0].trim();
  if (err.code === "invalid" && fields[name]) return [name, t(`admin.users.error.${name}`)];
  return null;
}

function formDialog({ testid, title, lead = null, fields, submitLabel, submitTestid, onSubmit }) {
  const formError = h("p", { class: "form-error", role: "alert", hidden: true, dataset: { testid: `${testid}-error` } });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: submitTestid } }, submitLabel);
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: `${testid}-cancel` } }, t("common.cancel"));
  const form = h("form", { class: "form", novalidate: true },
    h("h2", {}, title),
    lead ? h("p", { class: "dialog-lead" }, lead) : null,
    h("div", { class: "form-grid" }, Object.values(fields).map((f) => f.wrap)),
    formError,
    h("div", { class: "dialog-actions" }, cancel, submit));
  const d = openDialog({ testid, className: "admin-dialog" }, form);
  cancel.addEventListener("click", () => d.close());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    for (const f of Object.values(fields)) f.error("");
    formError.hidden = true;
    submit.disabled = true;
    try {
      const done = await onSubmit();
      if (done !== false) d.close();
    } catch (err) {
      const known = serverFieldError(err, fields);
      if (known) {
        fields[known[0]].error(known[1]);
        fields[known[0]].input.focus();
      } else {
        formError.textContent = ownError(err);
        formError.hidden = false;
      }
    } finally {
      submit.disabled = false;
    }
  });
  return d;
}

/** A refusal in the admin's words. */
function ownError(err) {
  if (err.code === "own_account") return t("admin.users.error.own_account");
  return err.message || t("error.generic");
}

/** Check the fields that are filled in the browser first; true if all are fine. */
function checkFields(fields, values) {
  let ok = true;
  const fail = (name, key, params) => {
    if (ok) fields[name].input.focus();
    fields[name].error(t(key, params));
    ok = false;
  };
  if ("username" in values && !USERNAME.test(values.username)) fail("username", "admin.users.error.username");
  if ("full_name" in values && (!values.full_name || values.full_name.length > 200)) fail("full_name", "admin.users.error.full_name");
  if ("position" in values && values.position.length > 200) fail("position", "admin.users.error.position");
  if ("password" in values && (values.password.trim().length < 8 || values.password.length > 256)) fail("password", "admin.users.error.password");
  return ok;
}

// ---- add ---------------------------------------------------------------------------------

function addDialog() {
  const fields = {
    username: field("username", t("admin.users.field.username"),
      textInput("add-username", { autocapitalize: "none", spellcheck: "false", maxlength: 64 }), t("admin.users.hint.username")),
    full_name: field("full_name", t("admin.users.field.full_name"), textInput("add-full-name", { maxlength: 200 })),
    role: field("role", t("admin.users.field.role"), roleSelect("member", "add-role")),
    position: field("position", t("admin.users.field.position"), textInput("add-position", { maxlength: 200 }), t("admin.users.hint.position")),
    password: field("password", t("admin.users.field.password"),
      h("input", { type: "text", autocomplete: "off", spellcheck: "false", maxlength: 256, dataset: { testid: "add-password" } }),
      t("admin.users.hint.password")),
  };
  const d = formDialog({
    testid: "user-add-dialog", title: t("admin.users.add_title"), lead: t("admin.users.add_lead"), fields,
    submitLabel: t("admin.users.add_submit"), submitTestid: "add-submit",
    async onSubmit() {
      const values = Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.input.value.trim()]));
      if (!checkFields(fields, values)) return false;
      const created = await api("POST", "/api/users", values);
      toast(t("admin.users.added", { name: created.full_name }), "success");
      await load();
    },
  });
  fields.username.input.focus();
  return d;
}

// ---- edit ---------------------------------------------------------------------------------

function editDialog(u) {
  const self = u.id === me;
  const fields = {
    full_name: field("full_name", t("admin.users.field.full_name"), textInput("edit-full-name", { maxlength: 200, value: u.full_name })),
    role: field("role", t("admin.users.field.role"), roleSelect(u.role, "edit-role", self), self ? t("admin.users.hint.own_role") : null),
    position: field("position", t("admin.users.field.position"), textInput("edit-position", { maxlength: 200, value: u.position }), t("admin.users.hint.position")),
  };
  formDialog({
    testid: "user-edit-dialog", title: t("admin.users.edit_title", { name: u.full_name }), lead: t("admin.users.edit_lead", { username: u.username }),
    fields, submitLabel: t("admin.users.save"), submitTestid: "edit-submit",
    async onSubmit() {
      const values = { full_name: fields.full_name.input.value.trim(), position: fields.position.input.value.trim() };
      if (!self) values.role = fields.role.input.value;
      if (!checkFields(fields, values)) return false;
      await api("PATCH", `/api/users/${u.id}`, values);
      toast(t("admin.users.saved", { name: values.full_name }), "success");
      await load();
    },
  });
  fields.full_name.input.focus();
}

// ---- disable / enable --------------------------------------------------------------------

async function toggle(u) {
  const disabling = !u.disabled;
  const sure = await confirmDialog({
    testid: "user-toggle-confirm",
    title: t(disabling ? "admin.users.disable_title" : "admin.users.enable_title", { name: u.full_name }),
    text: t(disabling ? "admin.users.disable_text" : "admin.users.enable_text"),
    confirm: t(disabling ? "admin.users.disable" : "admin.users.enable"),
    confirmTestid: "user-toggle-confirm-ok",
    tone: disabling ? "danger" : "primary",
  });
  if (!sure) return;
  try {
    await api("PATCH", `/api/users/${u.id}`, { disabled: disabling });
    toast(t(disabling ? "admin.users.disabled_done" : "admin.users.enabled_done", { name: u.full_name }), "success");
  } catch (err) {
    toast(ownError(err), "error");
  }
  await load();
}

// ---- reset password ----------------------------------------------------------------------

async function resetPassword(u) {
  const sure = await confirmDialog({
    testid: "user-reset-confirm",
    title: t("admin.users.reset_title", { name: u.full_name }),
    text: t("admin.users.reset_text"),
    confirm: t("admin.users.reset"),
    confirmTestid: "user-reset-confirm-ok",
    tone: "danger",
  });
  if (!sure) return;
  let result;
  try {
    result = await api("POST", `/api/users/${u.id}/password-reset`);
  } catch (err) {
    toast(ownError(err), "error");
    return;
  }
  await load();
  const value = h("output", { class: "one-time-password", dataset: { testid: "reset-password-value" }, "aria-live": "polite" }, result.password);
  const copy = h("button", { type: "button", class: "btn btn-secondary", dataset: { testid: "reset-copy" } }, t("admin.users.copy"));
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(result.password);
      copy.textContent = t("admin.users.copied");
    } catch {
      const range = document.createRange();
      range.selectNodeContents(value);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  });
  const d = openDialog({ testid: "user-reset-dialog", className: "admin-dialog" },
    h("form", { method: "dialog" },
      h("h2", {}, t("admin.users.reset_done_title")),
      h("p", {}, t("admin.users.reset_done_text", { name: u.full_name, username: u.username })),
      h("div", { class: "one-time-box" }, value, copy),
      h("p", { class: "field-hint" }, t("admin.users.reset_done_hint")),
      h("div", { class: "dialog-actions" },
        h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "reset-close" }, autofocus: true }, t("admin.users.done")))));
  return d;
}

// ---- import from CSV ------------------------------------------------------------------------

function roleLabels() {
  return Object.fromEntries(ROLES.map((r) => [t(`role.${r}`), r]));
}

const PROBLEMS = {
  username: "admin.users.csv.problem.username",
  username_twice: "admin.users.csv.problem.username_twice",
  username_taken: "admin.users.csv.problem.username_taken",
  full_name: "admin.users.csv.problem.full_name",
  role: "admin.users.csv.problem.role",
  position: "admin.users.csv.problem.position",
};

function importDialog() {
  let parsed = null;
  const fileField = field("file", t("admin.users.csv.file"),
    h("input", { type: "file", accept: ".csv,text/csv", dataset: { testid: "import-file" } }), t("admin.users.csv.format"));
  const passwordField = field("password", t("admin.users.csv.password"),
    h("input", { type: "text", autocomplete: "off", spellcheck: "false", maxlength: 256, dataset: { testid: "import-password" } }),
    t("admin.users.hint.password"));
  const summary = h("p", { class: "import-summary", dataset: { testid: "import-summary" }, "aria-live": "polite" });
  const preview = h("div", { class: "admin-table-wrap import-preview", hidden: true });
  const formError = h("p", { class: "form-error", role: "alert", hidden: true, dataset: { testid: "import-error" } });
  const result = h("div", { class: "form-message", dataset: { state: "ok", testid: "import-result" }, role: "status", hidden: true });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "import-submit" }, disabled: true }, t("admin.users.csv.submit"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: "import-cancel" } }, t("common.cancel"));
  const form = h("form", { class: "form", novalidate: true },
    h("h2", {}, t("admin.users.csv.title")),
    h("p", { class: "dialog-lead" }, t("admin.users.csv.lead")),
    h("pre", { class: "import-sample", "aria-label": t("admin.users.csv.sample") }, t("admin.users.csv.sample_text")),
    h("div", { class: "form-grid" }, fileField.wrap, passwordField.wrap),
    summary, preview, formError, result,
    h("div", { class: "dialog-actions" }, cancel, submit));
  const d = openDialog({ testid: "user-import-dialog", className: "admin-dialog dialog-wide" }, form);
  cancel.addEventListener("click", () => d.close());

  const ready = () => parsed && parsed.rows && parsed.rows.length && parsed.rows.every((r) => !r.errors.length);
  const refresh = () => {
    submit.disabled = !ready();
  };

  function showPreview() {
    preview.hidden = !(parsed && parsed.rows);
    if (!parsed) {
      summary.textContent = "";
      return;
    }
    if (parsed.error) {
      summary.textContent = "";
      fileField.error(t(`admin.users.csv.error.${parsed.error}`));
      return;
    }
    const bad = parsed.rows.filter((r) => r.errors.length).length;
    summary.textContent = bad
      ? t("admin.users.csv.summary_bad", { count: parsed.rows.length, bad })
      : t("admin.users.csv.summary_ok", { count: parsed.rows.length });
    summary.dataset.state = bad ? "error" : "ok";
    replaceChildren(preview, h("table", { class: "admin-table admin-table-compact", dataset: { testid: "import-preview" } },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("admin.users.csv.line")),
        h("th", { scope: "col" }, t("admin.users.col.username")),
        h("th", { scope: "col" }, t("admin.users.col.name")),
        h("th", { scope: "col" }, t("admin.users.col.role")),
        h("th", { scope: "col" }, t("admin.users.col.position")),
        h("th", { scope: "col" }, t("admin.users.csv.problems")))),
      h("tbody", {}, parsed.rows.map((r) => h("tr", { class: r.errors.length ? "has-error" : "", dataset: { testid: "import-row", ok: String(!r.errors.length) } },
        h("td", { class: "col-mono" }, String(r.line)),
        h("td", { class: "col-mono" }, r.username),
        h("td", {}, r.full_name),
        h("td", {}, ROLES.includes(r.role) ? t(`role.${r.role}`) : r.role),
        h("td", {}, r.position),
        h("td", { class: "col-problems", dataset: { testid: "import-row-problems" } },
          r.errors.length ? r.errors.map((code) => t(PROBLEMS[code])).join("; ") : "✓"))))));
  }

  fileField.input.addEventListener("change", async () => {
    fileField.error("");
    result.hidden = true;
    parsed = null;
    const file = fileField.input.files && fileField.input.files[0];
    if (file) {
      // UTF-8, a leading BOM dropped (TextDecoder's default).
      const text = new TextDecoder("utf-8").decode(await file.arrayBuffer());
      parsed = readAccounts(text, { existing: users.map((u) => u.username), roleNames: roleLabels() });
    }
    showPreview();
    refresh();
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.hidden = true;
    passwordField.error("");
    if (!ready()) return;
    const password = passwordField.input.value.trim();
    if (password.length < 8 || password.length > 256) {
      passwordField.error(t("admin.users.error.password"));
      passwordField.input.focus();
      return;
    }
    submit.disabled = true;
    try {
      const created = await api("POST", "/api/users/batch", {
        password,
        users: parsed.rows.map(({ username, full_name, role, position }) => ({ username, full_name, role, position })),
      });
      result.textContent = t("admin.users.csv.created", { count: created.length });
      result.hidden = false;
      parsed = null;
      fileField.input.value = "";
      preview.hidden = true;
      summary.textContent = "";
      cancel.textContent = t("admin.users.done");
      cancel.dataset.testid = "import-close";
      await load();
    } catch (err) {
      // The server names the usernames after a colon ("usernames taken: a, b").
      const names = String(err.serverMessage || "").split(": ").slice(1).join(": ");
      formError.textContent = err.code === "conflict" ? t("admin.users.csv.error.conflict", { names }) : err.message || t("error.generic");
      formError.hidden = false;
    }
    refresh();
  });
  fileField.input.focus();
  return d;
}

document.querySelector("[data-testid=users-add]").addEventListener("click", addDialog);
document.querySelector("[data-testid=users-import]").addEventListener("click", importDialog);

load();
