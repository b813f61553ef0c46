// /admin/settings: what the whole server shows and prints (docs/api.md, "Settings").
// - The meeting's time zone: every time a person reads (the minutes, the archive and its
//   files, OParl, the pages) is shown in it, never in the device's or UTC.
// - The minutes' header defaults: the body above the issuer, the issuing body for a
//   meeting of no body (a meeting of a body prints that body), and the place-name
//   (địa danh) of the date line. A secretary may still change them in one meeting's minutes.
// Saved with PUT /api/settings; the next minutes use them (final minutes keep theirs).
import { api } from "./lib/api.js";
import { t, locale } from "./lib/i18n.js";
import { h } from "./lib/dom.js";
import { initHeader } from "./common.js";
import { toast } from "./meeting-common.js";

initHeader();

const form = document.querySelector("[data-settings-form]");
const zoneSelect = form.elements.timezone;
const TEXT_FIELDS = ["issuer_parent", "issuer_name", "locality"];
const formError = form.querySelector("[data-settings-error]");
const saved = form.querySelector("[data-testid=settings-saved]");
const nowLine = form.querySelector("[data-testid=settings-now]");
const saveButton = form.querySelector("[data-testid=settings-save]");
// A few zones first, for a server that may not list them all; the browser's full list follows.
const COMMON_ZONES = ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "Asia/Singapore", "Asia/Tokyo", "Europe/Berlin", "UTC"];

function zones() {
  let all = [];
  try {
    all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  } catch {
    all = [];
  }
  return [...new Set([...COMMON_ZONES, ...all])];
}

function fillZones(current) {
  const names = zones();
  if (current && !names.includes(current)) names.unshift(current);
  zoneSelect.replaceChildren(...names.map((name) => h("option", { value: name }, name.replace(/_/g, " "))));
  zoneSelect.value = current;
}

// "21:05, 05/12/2026 (UTC+07:00)": the time now where the meetings are held.
function nowIn(zone) {
  try {
    const parts = Object.fromEntries(new Intl.DateTimeFormat(locale(), {
      timeZone: zone, hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric",
      hourCycle: "h23", timeZoneName: "longOffset",
    }).formatToParts(new Date()).map((p) => [p.type, p.value]));
    return `${parts.hour}:${parts.minute}, ${parts.day}/${parts.month}/${parts.year} (${parts.timeZoneName.replace("GMT", "UTC")})`;
  } catch {
    return "";
  }
}

// The date line as the minutes print it (Vietnamese, whatever the interface's language).
function dateline(zone) {
  let day = new Date();
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(day).map((p) => [p.type, p.value]));
  day = { d: parts.day, m: Number(parts.month), y: parts.year };
  return `ngày ${day.d} tháng ${day.m < 3 ? String(day.m).padStart(2, "0") : day.m} năm ${day.y}`;
}

function paintPreview() {
  const value = (name) => form.elements[name].value.trim();
  const zone = zoneSelect.value;
  form.querySelector("[data-preview=issuer_parent]").textContent = value("issuer_parent").toLocaleUpperCase("vi");
  form.querySelector("[data-preview=issuer_name]").textContent = (value("issuer_name") || "……").toLocaleUpperCase("vi");
  let line = "";
  try { line = dateline(zone); } catch { line = ""; }
  form.querySelector("[data-preview=dateline]").textContent = `${value("locality") || "……"}, ${line}`;
  nowLine.textContent = t("admin.settings.now", { time: nowIn(zone) });
}

function fill(settings) {
  fillZones(settings.timezone);
  for (const name of TEXT_FIELDS) form.elements[name].value = settings[name] || "";
  paintPreview();
}

function clearErrors() {
  formError.hidden = true;
  for (const el of form.querySelectorAll("[data-error-for]")) el.hidden = true;
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

function showError(err) {
  const field = err.details && err.details.details && err.details.details.field;
  const target = field && form.querySelector(`[data-error-for="${field}"]`);
  if (target) {
    target.textContent = err.message;
    target.hidden = false;
    form.elements[field].setAttribute("aria-invalid", "true");
    form.elements[field].focus();
  } else {
    formError.textContent = err.message || t("error.generic");
    formError.hidden = false;
  }
}

async function load() {
  try {
    fill(await api("GET", "/api/settings"));
  } catch (err) {
    showError(err);
  } finally {
    form.setAttribute("aria-busy", "false");
  }
}

form.addEventListener("input", () => { saved.textContent = ""; paintPreview(); });
form.addEventListener("change", paintPreview);
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors();
  saveButton.disabled = true;
  const body = { timezone: zoneSelect.value };
  for (const name of TEXT_FIELDS) body[name] = form.elements[name].value.trim();
  try {
    fill(await api("PUT", "/api/settings", body));
    saved.textContent = t("admin.settings.saved");
    toast(t("admin.settings.saved"), "success");
  } catch (err) {
    showError(err);
  } finally {
    saveButton.disabled = false;
  }
});

load();
