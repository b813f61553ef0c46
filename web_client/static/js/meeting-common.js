// Pieces shared by the tablet, console and screen pages.
import { t } from "./lib/i18n.js";
import { h } from "./lib/dom.js";
import { presentCount } from "./logic/meeting-state.js";
import { currentAttendance } from "./logic/attendance.js";
import { paintStatus } from "./common.js";

/**
 * Header: "Mật" for a confidential meeting, status badge, attendance ("5" of "/ 7"). With the attendance
 * record, the voting members attending (in person or online) of all voting
 * members, and the quorum; without it, the participants connected now.
 */
export function paintMeetingHeader(meeting, state) {
  const status = (state && state.status) || (meeting && meeting.status);
  paintStatus(document.querySelector("[data-testid=meeting-status]"), status, t);
  const secret = document.querySelector("[data-testid=confidential-badge]");
  if (secret && meeting) secret.hidden = !meeting.confidential;
  const participants = (meeting && meeting.participants) || [];
  const record = meeting ? currentAttendance(meeting, state) : null;
  const counts = record && record.counts;
  const present = counts ? counts.attending : presentCount((state && state.present) || [], participants);
  for (const el of document.querySelectorAll("[data-testid=present-count]")) {
    el.textContent = String(present);
    el.dataset.count = String(present);
  }
  for (const el of document.querySelectorAll("[data-present-total]")) {
    el.textContent = String(counts ? counts.voting : participants.length);
  }
  for (const el of document.querySelectorAll("[data-quorum-note]")) {
    el.hidden = !counts;
    if (!counts) continue;
    el.dataset.met = String(counts.quorum_met);
    el.dataset.required = String(counts.quorum_required);
    el.textContent = t(counts.quorum_met ? "attendance.quorum_met" : "attendance.quorum_not_met", { required: counts.quorum_required });
  }
  const title = document.querySelector("[data-meeting-title]");
  if (title && meeting && meeting.title) {
    title.textContent = meeting.title;
    document.title = `${meeting.title} · ${t("app.name")}`;
  }
}

/**
 * A short-lived message (base.css places it clear of the page-turn buttons).
 * `key` names what it is about: a newer toast with the same key replaces it,
 * and dismissToast(key) takes it away once the matter is fixed (back online,
 * all synced). `ms` 0 keeps it until then.
 */
export function toast(message, kind = "info", ms = 4000, { key = null } = {}) {
  let host = document.querySelector(".toast-host");
  if (!host) {
    host = h("div", { class: "toast-host", "aria-live": "assertive" });
    document.body.append(host);
  }
  if (key) dismissToast(key, { at: 0 });
  const el = h("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", dataset: { testid: "toast", key } }, message);
  host.append(el);
  if (ms > 0) setTimeout(() => leave(el), ms);
  return el;
}

function leave(el, fade = 300) {
  if (el.classList.contains("is-leaving")) return;
  el.classList.add("is-leaving");
  setTimeout(() => el.remove(), fade);
}

/** Takes away the toasts about `key`: what they said is no longer so. */
export function dismissToast(key, { at = 300 } = {}) {
  for (const el of document.querySelectorAll(".toast-host > .toast")) {
    if (el.dataset.key === key) leave(el, at);
  }
}
