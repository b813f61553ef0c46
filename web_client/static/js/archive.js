// The archivist's view: closed meetings by year and title, full-text search
// that ignores diacritics, each meeting's minutes and documents read-only, export.
import { api } from "./lib/api.js";
import { t, locale } from "./lib/i18n.js";
import { h, icon } from "./lib/dom.js";
import { initHeader, formatDateTime } from "./common.js";
import { markTerms, queryTerms } from "./logic/fold.js";
import { formatDay } from "./logic/datetime.js";

initHeader();

const list = document.querySelector("[data-meeting-list]");
const yearSelect = document.querySelector("[data-year]");
const titleInput = document.querySelector("[data-title-filter]");
const searchForm = document.querySelector("[data-search-form]");
const results = document.querySelector("[data-results]");
const hitList = document.querySelector("[data-hit-list]");

function errorItem(err) {
  return h("li", { class: "empty-state is-error", role: "alert" }, err.message || t("error.generic"));
}

// ---- the list of closed meetings ------------------------------------------

async function fillYears() {
  const meetings = await api("GET", "/api/meetings?status=closed");
  // The year a meeting was held in (scheduled for, if it never opened), as the server filters.
  const years = [...new Set(meetings.map((m) => String(m.held_on || m.starts_at).slice(0, 4)))].sort().reverse();
  yearSelect.append(...years.map((y) => h("option", { value: y }, y)));
}

async function loadMeetings() {
  const params = new URLSearchParams({ status: "closed" });
  if (yearSelect.value) params.set("year", yearSelect.value);
  if (titleInput.value.trim()) params.set("title", titleInput.value.trim());
  list.setAttribute("aria-busy", "true");
  try {
    const meetings = await api("GET", `/api/meetings?${params}`);
    list.replaceChildren(...meetings.map(meetingCard));
    if (!meetings.length) list.replaceChildren(h("li", { class: "empty-state" }, t("archive.none")));
  } catch (err) {
    list.replaceChildren(errorItem(err));
  } finally {
    list.setAttribute("aria-busy", "false");
  }
}

function meetingCard(m) {
  const details = h("div", { class: "archive-details", hidden: true, dataset: { testid: "archive-details" } });
  const toggle = h("button", {
    class: "btn btn-secondary", type: "button", "aria-expanded": "false", dataset: { testid: "archive-toggle" },
  }, icon("menu", 20), t("archive.details"));
  toggle.addEventListener("click", async () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    details.hidden = !open;
    if (open && !details.dataset.loaded) {
      details.dataset.loaded = "1";
      details.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
      try {
        details.replaceChildren(...meetingDetails(await api("GET", `/api/meetings/${m.id}`)));
      } catch (err) {
        delete details.dataset.loaded;
        details.replaceChildren(h("p", { class: "is-error", role: "alert" }, err.message));
      }
    }
  });
  return h("li", { class: "meeting-card archive-card", dataset: { testid: "archive-meeting", meetingId: m.id } },
    h("div", { class: "meeting-card-main" },
      h("h2", { class: "meeting-title" }, m.title),
      h("dl", { class: "meeting-facts" },
        // The day it was held (in the meeting's time zone), not the day it was scheduled for.
        m.held_on
          ? h("div", {}, h("dt", {}, t("index.held_on")), h("dd", { dataset: { testid: "archive-held-on" } }, formatDay(m.held_on, locale())))
          : h("div", {}, h("dt", {}, t("index.when")), h("dd", {}, formatDateTime(m.starts_at, locale(), m.timezone))),
        m.location ? h("div", {}, h("dt", {}, t("index.where")), h("dd", {}, m.location)) : null,
        m.closed_at ? h("div", {}, h("dt", {}, t("archive.closed_at")),
          h("dd", { dataset: { testid: "archive-closed-at" } }, formatDateTime(m.closed_at, locale(), m.timezone))) : null),
      details),
    h("div", { class: "meeting-actions" },
      h("a", { class: "btn btn-primary", href: `/api/meetings/${m.id}/minutes.pdf`, target: "_blank", dataset: { testid: "archive-minutes" } },
        icon("doc", 20), t("archive.minutes")),
      h("a", { class: "btn btn-secondary", href: `/api/meetings/${m.id}/archive.zip`, download: "", dataset: { testid: "archive-export" } },
        icon("upload", 20), t("archive.export")),
      toggle));
}

function meetingDetails(meeting) {
  const items = meeting.agenda.map((item) =>
    h("li", { class: "archive-item" },
      h("h3", {}, `${item.position}. ${item.title}`),
      item.documents.length
        ? h("ul", { class: "archive-docs" }, ...item.documents.map((doc) =>
          h("li", {},
            h("a", { href: `/api/documents/${doc.id}/file`, target: "_blank", dataset: { testid: "archive-document" } }, doc.title),
            h("span", { class: "muted" }, ` · ${t("archive.pages", { n: doc.page_count })} · `),
            h("a", { href: `/api/documents/${doc.id}/annotated.pdf?scope=shared`, target: "_blank" }, t("archive.annotated")))))
        : h("p", { class: "muted" }, t("archive.no_documents"))));
  return [
    h("ol", { class: "archive-agenda" }, ...items),
    h("p", { class: "archive-links" },
      h("a", { href: `/meetings/${meeting.id}` }, t("archive.open_reader")), " · ",
      h("a", { href: `/api/oparl/v1/meetings/${meeting.id}`, target: "_blank" }, t("archive.oparl"))),
  ];
}

// ---- search ---------------------------------------------------------------

function marked(text, terms) {
  return markTerms(text, terms).map((run) => (run.hit ? h("mark", {}, run.text) : run.text));
}

/** The day the hit's meeting was held, as its card says; its scheduled time if it never opened. */
function hitDay(hit) {
  return hit.meeting_held_on
    ? formatDay(hit.meeting_held_on, locale())
    : formatDateTime(hit.meeting_starts_at, locale(), hit.meeting_timezone);
}

function hitItem(hit, terms) {
  const href = hit.kind === "minutes"
    ? `/api/meetings/${hit.meeting_id}/minutes.pdf`
    : `/api/documents/${hit.id}/file#page=${hit.page || 1}`;
  const where = hit.kind === "minutes" ? t("archive.kind_minutes") : t("archive.kind_page", { title: hit.title, page: hit.page });
  return h("li", { class: "hit", dataset: { testid: "hit", kind: hit.kind, meetingId: hit.meeting_id } },
    h("a", { class: "hit-title", href, target: "_blank" }, ...marked(where, terms)),
    h("p", { class: "hit-meeting" }, `${hit.meeting_title} · ${hitDay(hit)}`),
    h("p", { class: "hit-snippet" }, ...marked(hit.snippet, terms)));
}

async function runSearch(q) {
  results.hidden = false;
  hitList.setAttribute("aria-busy", "true");
  try {
    const { hits } = await api("GET", `/api/search?${new URLSearchParams({ q, closed: "true" })}`);
    const terms = queryTerms(q);
    hitList.replaceChildren(...hits.map((hit) => hitItem(hit, terms)));
    if (!hits.length) hitList.replaceChildren(h("li", { class: "empty-state" }, t("archive.no_hits", { q })));
  } catch (err) {
    hitList.replaceChildren(errorItem(err));
  } finally {
    hitList.setAttribute("aria-busy", "false");
  }
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const q = searchForm.q.value.trim();
  if (q) runSearch(q);
});
document.querySelector("[data-clear-search]").addEventListener("click", () => {
  results.hidden = true;
  searchForm.q.value = "";
  searchForm.q.focus();
});

let typing;
titleInput.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(loadMeetings, 250);
});
yearSelect.addEventListener("change", loadMeetings);

fillYears().catch(() => {});
loadMeetings();
