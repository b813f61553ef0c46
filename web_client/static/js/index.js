import { api } from "./lib/api.js";
import { t, locale } from "./lib/i18n.js";
import { h, icon } from "./lib/dom.js";
import { initHeader, formatDateTime } from "./common.js";
import { dayIn, formatDay } from "./logic/datetime.js";
import { io } from "/vendor/socket.io/socket.io.esm.min.js";

initHeader();

const list = document.querySelector("[data-meeting-list]");
const role = document.body.dataset.role || "";
// The server says per meeting whether the caller controls it (can_control);
// without that field, fall back to the caller's role.
const controls = (m) => (typeof m.can_control === "boolean" ? m.can_control : ["secretary", "chair", "admin"].includes(role));
const ORDER = { open: 0, draft: 1, scheduled: 2, closed: 3 };

// A meeting whose scheduled day has passed (in the meeting's time zone) and that never
// opened is not upcoming: it is listed apart, after the upcoming ones ("Chưa họp").
function missed(m, now = new Date()) {
  if (m.status !== "draft" && m.status !== "scheduled") return false;
  return dayIn(m.starts_at, m.timezone) < dayIn(now.toISOString(), m.timezone);
}

// The invitee's answer to the invitation, on the card: "Will attend", or "Absent" with a reason.
function rsvpBox(m) {
  const box = h("div", { class: "rsvp", dataset: { testid: "rsvp", answer: m.rsvp || "" } });
  const error = h("p", { class: "field-error", role: "alert", hidden: true, dataset: { testid: "rsvp-error" } });
  const send = async (status, reason = "") => {
    error.hidden = true;
    try {
      await api("PUT", `/api/meetings/${m.id}/rsvp`, { status, reason });
      Object.assign(m, { rsvp: status, rsvp_reason: status === "absent" ? reason : "", is_new: false });
      box.replaceWith(rsvpBox(m));
      const badge = list.querySelector(`[data-meeting-id="${m.id}"] [data-testid=new-badge]`);
      if (badge) badge.remove();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  };
  const reasonId = `rsvp-reason-${m.id}`;
  const reason = h("input", { id: reasonId, type: "text", maxlength: 500, autocomplete: "off", dataset: { testid: "rsvp-reason" } });
  const reasonForm = h("form", { class: "rsvp-reason", hidden: true, novalidate: true,
    onsubmit: (e) => {
      e.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        reason.setAttribute("aria-invalid", "true");
        error.textContent = t("index.rsvp_reason_needed");
        error.hidden = false;
        reason.focus();
        return;
      }
      send("absent", text);
    } },
  h("label", { for: reasonId }, t("index.rsvp_reason")),
  h("div", { class: "rsvp-reason-row" }, reason,
    h("button", { type: "submit", class: "btn btn-primary btn-sm", dataset: { testid: "rsvp-send" } }, t("index.rsvp_send"))));
  const buttons = h("div", { class: "rsvp-buttons", role: "group", "aria-label": t("index.rsvp_question") },
    h("button", { type: "button", class: "btn btn-secondary btn-sm", dataset: { testid: "rsvp-attending" },
      "aria-pressed": String(m.rsvp === "attending"), onclick: () => send("attending") }, t("index.rsvp_attending")),
    h("button", { type: "button", class: "btn btn-secondary btn-sm", dataset: { testid: "rsvp-absent" },
      "aria-pressed": String(m.rsvp === "absent"), "aria-expanded": "false",
      onclick: (e) => {
        reasonForm.hidden = false;
        e.currentTarget.setAttribute("aria-expanded", "true");
        reason.value = m.rsvp_reason || "";
        reason.focus();
      } }, t("index.rsvp_absent")));
  if (m.rsvp) {
    const said = m.rsvp === "absent"
      ? t("index.rsvp_answered_absent", { reason: m.rsvp_reason })
      : t("index.rsvp_answered_attending");
    const change = h("button", { type: "button", class: "btn btn-ghost btn-sm", dataset: { testid: "rsvp-change" },
      onclick: () => { answered.hidden = true; ask.hidden = false; buttons.querySelector("button").focus(); } },
    t("index.rsvp_change"));
    const answered = h("div", { class: "rsvp-answered" }, h("p", { dataset: { testid: "rsvp-answer" } }, said), change);
    const ask = h("div", { hidden: true }, h("p", { class: "rsvp-question" }, t("index.rsvp_question")), buttons, reasonForm);
    box.append(answered, ask, error);
  } else {
    box.append(h("p", { class: "rsvp-question" }, t("index.rsvp_question")), buttons, reasonForm, error);
  }
  return box;
}

function card(m) {
  const control = controls(m);
  const links = h("div", { class: "meeting-actions" });
  if (control && m.status !== "closed") {
    links.append(h("a", { class: `btn ${m.status === "draft" ? "btn-primary" : "btn-secondary"}`, href: `/meetings/${m.id}/prepare`,
      dataset: { testid: "prepare-link" } }, icon("doc", 20), t("index.prepare")));
  }
  if (m.status !== "draft") {
    links.append(h("a", { class: "btn btn-primary", href: `/meetings/${m.id}`, dataset: { testid: "meeting-link" } },
      icon("doc", 20), t("index.open_tablet")));
  }
  if (control && m.status !== "draft") {
    links.append(
      h("a", { class: "btn btn-secondary", href: `/meetings/${m.id}/console`, dataset: { testid: "console-link" } },
        icon("presenter", 20), t("index.open_console")),
      h("a", { class: "btn btn-ghost", href: `/meetings/${m.id}/screen`, dataset: { testid: "screen-link" } },
        icon("fitPage", 20), t("index.open_screen")),
    );
  }
  const past = missed(m);
  if ((m.status === "scheduled" && !past) || m.status === "open") {
    links.append(h("a", { class: "btn btn-ghost btn-sm", href: `/api/meetings/${m.id}/invitation.ics`, download: `meeting-${m.id}.ics`,
      dataset: { testid: "ics-link" } }, icon("download", 18), t("index.ics")));
  }
  const answer = m.invited && ["scheduled", "open"].includes(m.status) && !past ? rsvpBox(m) : null;
  // Held on another day than scheduled: the day it was held is the one that counts.
  const heldElsewhen = m.held_on && m.held_on !== dayIn(m.starts_at, m.timezone);
  const titleHref = m.status === "draft" ? `/meetings/${m.id}/prepare` : `/meetings/${m.id}`;
  return h("li", { class: `meeting-card${past ? " is-past" : ""}`, dataset: { testid: "meeting", meetingId: m.id, status: m.status, past: String(past), isNew: String(Boolean(m.is_new)) } },
    h("div", { class: "meeting-card-main" },
      h("div", { class: "meeting-card-top" },
        past
          ? h("span", { class: "status-badge", dataset: { status: "missed", testid: "status-badge" } }, t("index.status_missed"))
          : h("span", { class: "status-badge", dataset: { status: m.status, testid: "status-badge" } }, t(`status.${m.status}`)),
        m.confidential ? h("span", { class: "secret-badge", title: t("meeting.confidential_title"), dataset: { testid: "confidential-badge" } }, t("meeting.confidential")) : null,
        m.is_new ? h("span", { class: "new-badge", dataset: { testid: "new-badge" } }, t("index.new_badge")) : null),
      h("h2", { class: "meeting-title" }, h("a", { href: titleHref }, m.title)),
      h("dl", { class: "meeting-facts" },
        h("div", {}, h("dt", {}, t("index.when")), h("dd", {}, formatDateTime(m.starts_at, locale(), m.timezone))),
        heldElsewhen ? h("div", {}, h("dt", {}, t("index.held_on")), h("dd", { dataset: { testid: "held-on" } }, formatDay(m.held_on, locale()))) : null,
        m.location ? h("div", {}, h("dt", {}, t("index.where")), h("dd", {}, m.location)) : null,
        m.body_name ? h("div", {}, h("dt", {}, t("index.body")), h("dd", {}, m.body_name)) : null),
      answer),
    links);
}

async function load() {
  try {
    const body = await api("GET", "/api/meetings");
    const meetings = Array.isArray(body) ? body : (body && (body.meetings || body.items)) || [];
    const rank = (m) => (missed(m) ? 2.5 : (ORDER[m.status] ?? 3));
    const sorted = [...(meetings || [])].sort(
      (a, b) => rank(a) - rank(b) || String(a.starts_at).localeCompare(String(b.starts_at)),
    );
    const upcoming = sorted.filter((m) => !missed(m) && m.status !== "closed");
    const past = sorted.filter((m) => missed(m));
    const closed = sorted.filter((m) => !missed(m) && m.status === "closed");
    const heading = (key, testid) => h("li", { class: "meeting-list-heading", dataset: { testid } },
      h("h2", {}, t(key)));
    list.replaceChildren(
      ...upcoming.map(card),
      ...(past.length ? [heading("index.missed_heading", "missed-heading"), ...past.map(card)] : []),
      ...(closed.length && (upcoming.length || past.length) ? [heading("index.closed_heading", "closed-heading")] : []),
      ...closed.map(card));
    list.setAttribute("aria-busy", "false");
    if (!sorted.length) list.replaceChildren(h("li", { class: "empty-state" }, t("index.empty")));
  } catch (err) {
    list.setAttribute("aria-busy", "false");
    list.replaceChildren(h("li", { class: "empty-state is-error", role: "alert" }, err.message || t("error.generic")));
  }
}

// Meetings published to this person, and changes to them, arrive on the socket's inbox
// (`inbox:meeting`); without a socket, the list asks again every 30 s.
let reloadTimer = null;
function reloadSoon() {
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    // Never under someone's fingers: an answer being typed waits.
    if (list.contains(document.activeElement) && document.activeElement.matches("input")) reloadSoon();
    else load();
  }, 300);
}

function listen() {
  let connected = false;
  try {
    const socket = io({ path: "/socket.io", transports: ["websocket", "polling"], withCredentials: true });
    socket.on("connect", () => {
      if (connected === null) reloadSoon();
      connected = true;
    });
    socket.on("disconnect", () => { connected = null; });
    socket.on("inbox:meeting", reloadSoon);
  } catch {
    connected = false;
  }
  setInterval(() => { if (!connected && !document.hidden) reloadSoon(); }, 30000);
}

load();
listen();
