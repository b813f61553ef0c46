// /meetings/new and /meetings/{id}/prepare: the office prepares a meeting.
// The details form (title, "Mật" (confidential: no tablet keeps its documents),
// time, place, body, chair, secretary, invitees chosen by name), then the agenda: add, rename inline, presenter, delete (asked
// first), reorder by dragging (pointer events: a mouse, a finger on an iPad, a
// pen) or from the keyboard (the move buttons, or Alt+ArrowUp/Down on an item,
// announced), and per item its documents (components/document-manager.js).
// Then publish (asked first) or copy.
import { api } from "./lib/api.js";
import { t, lang } from "./lib/i18n.js";
import { h } from "./lib/dom.js";
import { pageData } from "./lib/page-data.js";
import { fold } from "./logic/fold.js";
import { offsetAt } from "./logic/datetime.js";
import { initHeader, paintStatus } from "./common.js";
import { confirmDialog } from "./components/confirm-dialog.js";

initHeader();

const data = pageData();
let me = null;
const role = document.body.dataset.role || "";
const VOTING_ROLES = new Set(["member", "chair", "secretary"]);

const form = document.querySelector("[data-meeting-form]");
const fields = {
  title: form.querySelector("#m-title"),
  starts_at: form.querySelector("#m-starts"),
  location: form.querySelector("#m-location"),
  body_id: form.querySelector("#m-body"),
  chair_id: form.querySelector("#m-chair"),
  secretary_id: form.querySelector("#m-secretary"),
  confidential: form.querySelector("#m-confidential"),
};
const search = form.querySelector("#m-people-search");
const results = form.querySelector("[data-people-results]");
const chosenList = form.querySelector("[data-people-chosen]");
const peopleCount = form.querySelector("[data-people-count]");
const formError = form.querySelector("[data-form-error]");
const saved = form.querySelector("[data-saved]");
const saveButton = form.querySelector("[data-testid=meeting-save]");
const actions = document.querySelector("[data-prepare-actions]");
const statusBadge = document.querySelector("[data-testid=prepare-status]");
const confidentialBadge = document.querySelector("[data-testid=confidential-badge]");
const publishButton = document.querySelector("[data-testid=prepare-publish]");
const copyButton = document.querySelector("[data-testid=prepare-copy]");
const agendaCard = document.querySelector("[data-agenda-card]");
const agendaList = document.querySelector("[data-agenda]");
const agendaAdd = document.querySelector("[data-agenda-add]");
const agendaError = document.querySelector("[data-agenda-error]");
const announcer = document.querySelector("[data-announce]");

let meetingId = data.meeting_id || null;
let meeting = null;
// The site's time zone (GET /api/settings): a new meeting's typed time is read in it.
let siteZone = "Asia/Ho_Chi_Minh";
let users = [];
let bodies = [];
// Invitees being edited: user_id -> {user_id, full_name, role, voting}.
let chosen = new Map();
let mountDocuments = null;

// ---- small helpers ---------------------------------------------------------------

function byName(a, b) {
  return String(a.full_name).localeCompare(String(b.full_name), "vi");
}

function announce(text) {
  announcer.textContent = "";
  // A fresh text node, so a screen reader reads the same words twice in a row.
  requestAnimationFrame(() => { announcer.textContent = text; });
}

function showError(field, message) {
  const el = form.querySelector(`[data-error-for="${field}"]`);
  const input = fields[field] || (field === "participants" ? search : null);
  if (el) {
    el.textContent = message || "";
    el.hidden = !message;
  }
  if (input) input.toggleAttribute("aria-invalid", Boolean(message));
  return Boolean(el);
}

function clearErrors() {
  for (const el of form.querySelectorAll("[data-error-for]")) { el.hidden = true; el.textContent = ""; }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  formError.hidden = true;
}

/** Which field a server refusal is about: `details.field`, or the "field: …" of a validation message. */
function errorField(err) {
  const field = err && err.details && err.details.details && err.details.details.field;
  if (field) return field;
  const said = String((err && err.serverMessage) || "");
  const match = said.match(/^([a-z_]+)[.:]/);
  return match ? match[1] : null;
}

// The catalog's sentence for the field; the server's own words where it says more (in English).
function fieldMessage(field, err) {
  const key = `prepare.error.${field}`;
  const known = t(key);
  if (known === key) return err.message;
  return lang() === "en" && err.serverMessage ? `${known} (${err.serverMessage.replace(/^[a-z_]+[.:]\s*/, "")})` : known;
}

// "2026-11-27T08:00:00+07:00" -> the wall clock "2026-11-27T08:00" as given.
function toLocalInput(iso) {
  return iso ? String(iso).slice(0, 16) : "";
}

// The wall clock typed, in the meeting's time zone (the site's for a new meeting), never
// the device's: 08:00 typed on a laptop whose clock says UTC is 08:00 in Hà Nội.
function fromLocalInput(value) {
  if (!value) return null;
  const offset = offsetAt(value, (meeting && meeting.timezone) || siteZone) || "+07:00";
  return `${value.length === 16 ? `${value}:00` : value}${offset}`;
}

// ---- invitees --------------------------------------------------------------------

function addPerson(user, voting = VOTING_ROLES.has(user.role)) {
  if (!chosen.has(user.id)) chosen.set(user.id, { user_id: user.id, full_name: user.full_name, role: user.role, voting });
}

function renderChosen() {
  const people = [...chosen.values()].sort(byName);
  const voters = people.filter((p) => p.voting).length;
  peopleCount.textContent = t("prepare.people_count", { voting: voters, guests: people.length - voters });
  chosenList.replaceChildren(...people.map((p) => {
    const canVote = VOTING_ROLES.has(p.role);
    const toggle = h("button", {
      type: "button",
      class: `chip-toggle${p.voting ? " is-on" : ""}`,
      "aria-pressed": String(p.voting),
      disabled: !canVote,
      title: canVote ? "" : t("prepare.cannot_vote"),
      dataset: { testid: "participant-voting" },
      onclick: () => { p.voting = !p.voting; renderChosen(); },
    }, p.voting ? t("prepare.voting") : t("prepare.guest"));
    return h("li", { class: "person", dataset: { testid: "participant", userId: p.user_id, voting: String(p.voting) } },
      h("span", { class: "person-avatar", "aria-hidden": "true" }, String(p.full_name).slice(0, 1)),
      h("span", { class: "person-text" },
        h("span", { class: "person-name" }, p.full_name),
        h("span", { class: "person-role" }, t(`role.${p.role}`))),
      toggle,
      h("button", {
        type: "button", class: "btn btn-ghost btn-icon btn-remove", dataset: { testid: "participant-remove" },
        "aria-label": t("prepare.remove_person", { name: p.full_name }), title: t("prepare.remove_person", { name: p.full_name }),
        onclick: () => { chosen.delete(p.user_id); renderChosen(); renderOfficers(); search.focus(); },
      }, "×"));
  }));
  renderOfficers();
}

function renderResults() {
  const words = fold(search.value.trim()).split(/\s+/).filter(Boolean);
  if (!words.length) { results.hidden = true; results.replaceChildren(); return; }
  const found = users
    .filter((u) => !chosen.has(u.id) && words.every((w) => fold(`${u.full_name} ${u.username}`).includes(w)))
    .slice(0, 8);
  results.hidden = false;
  if (!found.length) {
    results.replaceChildren(h("li", { class: "people-empty" }, t("prepare.people_none")));
    return;
  }
  results.replaceChildren(...found.map((u) => h("li", {},
    h("button", {
      type: "button", class: "people-result", dataset: { testid: "people-result", userId: u.id },
      onclick: () => {
        addPerson(u);
        renderChosen();
        search.value = "";
        renderResults();
        search.focus();
        announce(t("prepare.person_added", { name: u.full_name }));
      },
    },
    h("span", { class: "person-name" }, u.full_name),
    h("span", { class: "person-role" }, t(`role.${u.role}`)),
    h("span", { class: "people-add", "aria-hidden": "true" }, "+")))));
}

search.addEventListener("input", renderResults);
for (const [name, input] of Object.entries(fields)) {
  input.addEventListener("input", () => { if (input.hasAttribute("aria-invalid")) showError(name, ""); });
}
search.addEventListener("keydown", (e) => {
  if (e.key === "Enter") {
    e.preventDefault();
    const first = results.querySelector("button");
    if (first) first.click();
  } else if (e.key === "Escape") {
    search.value = "";
    renderResults();
  }
});

function renderOfficers() {
  for (const [field, roles] of [["chair_id", ["chair", "secretary", "member", "admin"]], ["secretary_id", ["secretary", "chair", "member", "admin"]]]) {
    const select = fields[field];
    const current = select.value;
    const people = users.filter((u) => roles.includes(u.role)).sort(byName);
    select.replaceChildren(
      h("option", { value: "" }, t("prepare.nobody")),
      ...people.map((u) => h("option", { value: u.id }, `${u.full_name} · ${t(`role.${u.role}`)}`)));
    select.value = current;
  }
}

async function chooseBody() {
  const id = fields.body_id.value;
  if (!id) return;
  try {
    const body = await api("GET", `/api/bodies/${id}`);
    // The body's members vote; guests already chosen stay, and so do whoever prepares it,
    // the chair and the secretary.
    const keep = new Set([me && me.id, Number(fields.chair_id.value), Number(fields.secretary_id.value)]);
    for (const [uid, p] of chosen) if (p.voting && !keep.has(uid)) chosen.delete(uid);
    const known = new Map(users.map((u) => [u.id, u]));
    for (const m of body.members || []) {
      const u = known.get(m.user_id) || { id: m.user_id, full_name: m.full_name, role: "member" };
      addPerson(u, true);
    }
    renderChosen();
    announce(t("prepare.body_filled", { count: (body.members || []).length }));
  } catch (err) {
    showError("body_id", err.message);
  }
}

fields.body_id.addEventListener("change", chooseBody);

// ---- the details form ------------------------------------------------------------

function fillForm(m) {
  fields.title.value = m.title;
  fields.starts_at.value = toLocalInput(m.starts_at);
  fields.location.value = m.location || "";
  fields.body_id.value = m.body_id ?? "";
  fields.chair_id.value = m.chair_id ?? "";
  fields.secretary_id.value = m.secretary_id ?? "";
  fields.confidential.checked = Boolean(m.confidential);
  chosen = new Map();
  for (const p of m.participants) chosen.set(p.user_id, { ...p });
  renderChosen();
  fields.chair_id.value = m.chair_id ?? "";
  fields.secretary_id.value = m.secretary_id ?? "";
}

function readForm() {
  const id = (v) => (v ? Number(v) : null);
  return {
    title: fields.title.value.trim(),
    starts_at: fromLocalInput(fields.starts_at.value),
    location: fields.location.value.trim(),
    body_id: id(fields.body_id.value),
    chair_id: id(fields.chair_id.value),
    secretary_id: id(fields.secretary_id.value),
    confidential: fields.confidential.checked,
    participants: [...chosen.values()].map((p) => ({ user_id: p.user_id, voting: p.voting })),
  };
}

function validate(values) {
  let ok = true;
  if (!values.title) { showError("title", t("prepare.error.title")); ok = false; }
  if (!values.starts_at) { showError("starts_at", t("prepare.error.starts_at")); ok = false; }
  return ok;
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  clearErrors();
  saved.textContent = "";
  const values = readForm();
  if (!validate(values)) {
    form.querySelector("[aria-invalid]")?.focus();
    return;
  }
  saveButton.disabled = true;
  try {
    if (!meetingId) {
      const created = await api("POST", "/api/meetings", { ...values, status: "draft" });
      location.assign(`/meetings/${created.id}/prepare`);
      return;
    }
    meeting = await api("PATCH", `/api/meetings/${meetingId}`, values);
    fillForm(meeting);
    paintHead();
    saved.textContent = t("prepare.saved");
  } catch (err) {
    const field = errorField(err);
    const beside = field && form.querySelector(`[data-error-for="${field}"]`);
    if (beside) {
      showError(field, fieldMessage(field, err));
      (fields[field] || search).focus();
    } else {
      formError.textContent = err.message;
      formError.hidden = false;
    }
  } finally {
    saveButton.disabled = false;
  }
});

// ---- head: status, publish, copy -------------------------------------------------

function paintHead() {
  actions.hidden = !meeting;
  if (!meeting) return;
  paintStatus(statusBadge, meeting.status, t);
  confidentialBadge.hidden = !meeting.confidential;
  publishButton.hidden = meeting.status !== "draft";
  document.querySelector("[data-testid=prepare-console-link]").href = `/meetings/${meeting.id}/console`;
  document.querySelector("[data-testid=prepare-tablet-link]").href = `/meetings/${meeting.id}`;
  const closed = meeting.status === "closed";
  for (const el of form.elements) if (el.tagName !== "FIELDSET") el.disabled = closed;
  agendaAdd.hidden = closed;
}

publishButton.addEventListener("click", async () => {
  const voters = meeting.participants.length;
  const ok = await confirmDialog({
    testid: "publish-dialog",
    title: t("prepare.publish_title"),
    text: t("prepare.publish_text", { count: voters }),
    confirm: t("prepare.publish_confirm"),
    confirmTestid: "publish-confirm",
  });
  if (!ok) return;
  try {
    meeting = await api("POST", `/api/meetings/${meetingId}/publish`);
    paintHead();
    announce(t("prepare.published"));
    saved.textContent = t("prepare.published");
  } catch (err) {
    formError.textContent = err.message;
    formError.hidden = false;
  }
});

copyButton.addEventListener("click", async () => {
  copyButton.disabled = true;
  try {
    const copy = await api("POST", `/api/meetings/${meetingId}/copy`);
    location.assign(`/meetings/${copy.id}/prepare`);
  } catch (err) {
    copyButton.disabled = false;
    formError.textContent = err.message;
    formError.hidden = false;
  }
});

// ---- the agenda ------------------------------------------------------------------

function itemCards() {
  return [...agendaList.querySelectorAll(":scope > li.prep-item")];
}

function currentOrder() {
  return itemCards().map((li) => Number(li.dataset.itemId));
}

function numberItems() {
  const cards = itemCards();
  cards.forEach((li, i) => {
    li.querySelector(".item-number").textContent = `${i + 1}.`;
    li.querySelector("[data-move=up]").disabled = i === 0;
    li.querySelector("[data-move=down]").disabled = i === cards.length - 1;
  });
}

async function saveOrder(movedLi) {
  const order = currentOrder();
  const before = meeting.agenda.map((i) => i.id);
  if (order.join() === before.join()) return;
  try {
    await api("PUT", `/api/meetings/${meetingId}/agenda/order`, order);
    const byId = new Map(meeting.agenda.map((i) => [i.id, i]));
    meeting.agenda = order.map((id, n) => ({ ...byId.get(id), position: n + 1 }));
    if (movedLi) {
      const title = movedLi.querySelector("[data-item-title]").value;
      announce(t("prepare.moved", { title, position: order.indexOf(Number(movedLi.dataset.itemId)) + 1, count: order.length }));
    }
  } catch (err) {
    showAgendaError(err.message);
    renderAgenda();
  }
}

function move(li, delta) {
  const cards = itemCards();
  const index = cards.indexOf(li);
  const target = index + delta;
  if (target < 0 || target >= cards.length) return;
  if (delta < 0) agendaList.insertBefore(li, cards[target]);
  else agendaList.insertBefore(li, cards[target].nextSibling);
  numberItems();
  saveOrder(li);
}

function showAgendaError(message) {
  agendaError.textContent = message || "";
  agendaError.hidden = !message;
}

// Dragging by the handle with pointer events: one code path for mouse, touch and pen.
function startDrag(e, li) {
  if (e.button !== undefined && e.button !== 0) return;
  e.preventDefault();
  const handle = e.currentTarget;
  handle.setPointerCapture?.(e.pointerId);
  li.classList.add("is-dragging");
  agendaList.classList.add("is-sorting");
  const onMove = (ev) => {
    if (ev.pointerId !== e.pointerId) return;
    ev.preventDefault();
    const y = ev.clientY;
    const others = itemCards().filter((c) => c !== li);
    let before = null;
    for (const c of others) {
      const r = c.getBoundingClientRect();
      if (y < r.top + r.height / 2) { before = c; break; }
    }
    if (before) { if (li.nextSibling !== before) agendaList.insertBefore(li, before); }
    else if (agendaList.lastElementChild !== li) agendaList.append(li);
  };
  const onEnd = (ev) => {
    if (ev.pointerId !== e.pointerId) return;
    window.removeEventListener("pointermove", onMove);
    window.removeEventListener("pointerup", onEnd);
    window.removeEventListener("pointercancel", onEnd);
    li.classList.remove("is-dragging");
    agendaList.classList.remove("is-sorting");
    numberItems();
    saveOrder(li);
  };
  // On the window: moving the item in the page releases the handle's pointer capture.
  window.addEventListener("pointermove", onMove);
  window.addEventListener("pointerup", onEnd);
  window.addEventListener("pointercancel", onEnd);
}

async function patchItem(item, changes, input) {
  try {
    const updated = await api("PATCH", `/api/agenda/${item.id}`, changes);
    Object.assign(item, { title: updated.title, presenter: updated.presenter });
    input.removeAttribute("aria-invalid");
    input.closest("li").querySelector("[data-item-saved]").textContent = t("prepare.saved");
    showAgendaError("");
  } catch (err) {
    input.setAttribute("aria-invalid", "true");
    showAgendaError(err.message);
  }
}

async function deleteItem(item, li) {
  const ok = await confirmDialog({
    testid: "delete-item-dialog",
    title: t("prepare.delete_title"),
    text: t("prepare.delete_text", { title: item.title }),
    confirm: t("prepare.delete_confirm"),
    confirmTestid: "delete-item-confirm",
    tone: "danger",
  });
  if (!ok) return;
  try {
    await api("DELETE", `/api/agenda/${item.id}`);
    meeting.agenda = meeting.agenda.filter((i) => i.id !== item.id);
    li.remove();
    numberItems();
    announce(t("prepare.deleted", { title: item.title }));
  } catch (err) {
    showAgendaError(err.message);
  }
}

function documentsFallback(item) {
  // Until components/document-manager.js is there: the item's documents by title.
  const docs = item.documents || [];
  return h("ul", { class: "item-docs-fallback", dataset: { testid: "item-documents" } },
    docs.length ? docs.map((d) => h("li", {}, d.title)) : h("li", { class: "muted" }, t("prepare.no_documents")));
}

function itemCard(item) {
  const closed = meeting.status === "closed";
  const title = h("input", {
    type: "text", class: "item-title-input", value: item.title, maxlength: 500, "data-item-title": true,
    "aria-label": t("prepare.item_title"), dataset: { testid: "item-title" }, disabled: closed,
  });
  title.addEventListener("change", () => {
    const value = title.value.trim();
    if (!value) { title.value = item.title; showAgendaError(t("prepare.error.title")); return; }
    if (value !== item.title) patchItem(item, { title: value }, title);
  });
  const presenter = h("input", {
    type: "text", class: "item-presenter-input", value: item.presenter || "", maxlength: 200,
    placeholder: t("prepare.item_presenter"), "aria-label": t("prepare.item_presenter"),
    dataset: { testid: "item-presenter" }, disabled: closed,
  });
  presenter.addEventListener("change", () => {
    const value = presenter.value.trim();
    if (value !== (item.presenter || "")) patchItem(item, { presenter: value }, presenter);
  });
  const handle = h("button", {
    type: "button", class: "drag-handle", dataset: { testid: "item-drag" },
    "aria-label": t("prepare.drag", { title: item.title }), title: t("prepare.drag_hint"), disabled: closed,
  }, h("span", { "aria-hidden": "true" }, "⋮⋮"));
  const li = h("li", { class: "prep-item", dataset: { testid: "prepare-item", itemId: item.id } });
  handle.addEventListener("pointerdown", (e) => startDrag(e, li));
  handle.addEventListener("keydown", (e) => {
    if (e.key === "ArrowUp" || e.key === "ArrowDown") { e.preventDefault(); move(li, e.key === "ArrowUp" ? -1 : 1); handle.focus(); }
  });
  li.addEventListener("keydown", (e) => {
    if (e.altKey && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      const focused = document.activeElement;
      move(li, e.key === "ArrowUp" ? -1 : 1);
      focused?.focus();
    }
  });
  const up = h("button", {
    type: "button", class: "btn btn-ghost btn-icon btn-move", "data-move": "up", dataset: { testid: "item-up" },
    "aria-label": t("prepare.move_up", { title: item.title }), title: t("prepare.move_up", { title: item.title }),
    onclick: (e) => { move(li, -1); e.currentTarget.focus(); }, disabled: closed,
  }, "↑");
  const down = h("button", {
    type: "button", class: "btn btn-ghost btn-icon btn-move", "data-move": "down", dataset: { testid: "item-down" },
    "aria-label": t("prepare.move_down", { title: item.title }), title: t("prepare.move_down", { title: item.title }),
    onclick: (e) => { move(li, 1); e.currentTarget.focus(); }, disabled: closed,
  }, "↓");
  const remove = h("button", {
    type: "button", class: "btn btn-danger-outline btn-sm", dataset: { testid: "item-delete" },
    hidden: !["draft", "scheduled"].includes(meeting.status),
    onclick: () => deleteItem(item, li),
  }, t("prepare.delete"));
  const docs = h("div", { class: "item-docs", dataset: { testid: "item-docs" } });
  li.append(
    h("div", { class: "prep-item-head" },
      handle,
      h("span", { class: "item-number", "aria-hidden": "true" }),
      h("div", { class: "item-fields" }, title, presenter),
      h("div", { class: "item-tools" }, up, down, remove)),
    h("span", { class: "item-saved", "data-item-saved": true, role: "status" }),
    docs);
  mountItemDocuments(docs, item);
  return li;
}

function mountItemDocuments(container, item) {
  if (mountDocuments) {
    try {
      mountDocuments(container, { meetingId, item, t, onChanged: refreshMeeting });
      return;
    } catch (err) {
      console.error(err);
    }
  }
  container.replaceChildren(documentsFallback(item));
}

async function refreshMeeting() {
  try {
    const fresh = await api("GET", `/api/meetings/${meetingId}`);
    const known = new Map(meeting.agenda.map((i) => [i.id, i]));
    for (const i of fresh.agenda) if (known.has(i.id)) Object.assign(known.get(i.id), { documents: i.documents });
    meeting = { ...fresh, agenda: fresh.agenda.map((i) => known.get(i.id) || i) };
  } catch {
    // Shown again on the next change.
  }
}

function renderAgenda() {
  agendaCard.hidden = !meeting;
  document.querySelector(".prepare-grid").classList.toggle("is-single", !meeting);
  if (!meeting) return;
  agendaList.replaceChildren(...meeting.agenda.map(itemCard));
  if (!meeting.agenda.length) agendaList.append(h("li", { class: "empty-agenda", dataset: { itemId: "" } }, t("prepare.agenda_empty")));
  numberItems();
}

agendaAdd.addEventListener("submit", async (e) => {
  e.preventDefault();
  const titleInput = agendaAdd.querySelector("#a-title");
  const presenterInput = agendaAdd.querySelector("#a-presenter");
  const title = titleInput.value.trim();
  if (!title) {
    titleInput.setAttribute("aria-invalid", "true");
    showAgendaError(t("prepare.error.item_title"));
    titleInput.focus();
    return;
  }
  titleInput.removeAttribute("aria-invalid");
  try {
    const item = await api("POST", `/api/meetings/${meetingId}/agenda`, { title, presenter: presenterInput.value.trim() });
    item.documents = item.documents || [];
    meeting.agenda.push(item);
    agendaList.querySelector(".empty-agenda")?.remove();
    agendaList.append(itemCard(item));
    numberItems();
    titleInput.value = "";
    presenterInput.value = "";
    showAgendaError("");
    announce(t("prepare.item_added", { title }));
    titleInput.focus();
  } catch (err) {
    showAgendaError(err.message);
  }
});

// ---- start -----------------------------------------------------------------------

async function loadDocumentManager() {
  try {
    const mod = await import("./components/document-manager.js");
    mountDocuments = mod.mountDocumentManager || null;
  } catch {
    mountDocuments = null;
  }
}

async function start() {
  const [self, userList, bodyList, settings] = await Promise.all([
    api("GET", "/api/me").catch(() => null),
    api("GET", "/api/users").catch(() => []),
    api("GET", "/api/bodies").catch(() => []),
    api("GET", "/api/settings").catch(() => null),
    loadDocumentManager(),
  ]);
  me = self;
  if (settings && settings.timezone) siteZone = settings.timezone;
  users = (Array.isArray(userList) ? userList : []).filter((u) => u.active !== false && !u.disabled).sort(byName);
  bodies = Array.isArray(bodyList) ? bodyList : (bodyList && bodyList.bodies) || [];
  fields.body_id.replaceChildren(
    h("option", { value: "" }, t("prepare.body_none")),
    ...bodies.map((b) => h("option", { value: b.id }, b.name)));
  renderOfficers();
  if (meetingId) {
    try {
      meeting = await api("GET", `/api/meetings/${meetingId}`);
    } catch (err) {
      formError.textContent = err.message;
      formError.hidden = false;
      return;
    }
    fillForm(meeting);
    paintHead();
    renderAgenda();
  } else {
    // A secretary or chair who prepares a meeting is invited to it and runs it.
    const mine = me && (users.find((u) => u.id === me.id) || me);
    if (mine && role !== "admin") addPerson(mine);
    renderChosen();
    if (mine && role === "secretary") fields.secretary_id.value = String(mine.id);
    if (mine && role === "chair") fields.chair_id.value = String(mine.id);
    renderAgenda();
    fields.title.focus();
  }
}

start();
