// Hall screen (/meetings/{id}/screen), readable from the back row. What it shows
// is chosen at the console (PUT /api/meetings/{id}/screen, `state.screen.mode`):
//   page     the presenter's page, fitted for the hall (a landscape page the full
//            width, a portrait one the full height), the header made slim;
//   agenda   the agenda, the item being presented marked;
//   blank    the meeting's mark on a dark screen;
//   result   the latest vote's result (drawn by screen-votes.js);
//   closing  the meeting is over (also whenever the meeting is closed).
import { t, locale } from "./lib/i18n.js";
import { h } from "./lib/dom.js";
import { pageData } from "./lib/page-data.js";
import { api, fetchMeeting, findDocument, pageSize } from "./lib/api.js";
import { formatDateTime } from "./common.js";
import { connectMeeting } from "./realtime.js";
import { ConnectionPill } from "./components/connection-pill.js";
import { PageView } from "./components/page-view.js";
import { paintMeetingHeader } from "./meeting-common.js";
import { mountScreenAnnotations } from "./screen-annotations.js";
import { mountScreenVotes } from "./screen-votes.js";

const MODES = ["page", "agenda", "blank", "result", "closing"];
const meetingId = Number(pageData().meeting_id);
const $ = (sel) => document.querySelector(sel);
const main = $("main.screen");
const stage = $("[data-page-stage]");
const waiting = $("[data-waiting]");
const docTitle = $("[data-doc-title]");
const indicator = $("[data-testid=page-indicator]");
const panels = {
  agenda: $("[data-testid=screen-agenda]"),
  blank: $("[data-testid=screen-blank]"),
  result: $("[data-testid=screen-result-empty]"),
  closing: $("[data-testid=screen-closing]"),
};

let meeting = null;
let rtState = null;
const pageView = new PageView(stage, { fit: "page", swipe: false, inset: 0, prefetchAhead: 2, prefetchBehind: 0 });
new ConnectionPill($("[data-testid=connection-state]"));

function mode() {
  const status = (rtState && rtState.status) || (meeting && meeting.status);
  if (status === "closed") return "closing";
  const m = rtState && rtState.screen && rtState.screen.mode;
  return MODES.includes(m) ? m : "page";
}

function render() {
  if (!meeting) return;
  paintMeetingHeader(meeting, rtState);
  const m = mode();
  document.body.dataset.screenMode = m;
  main.dataset.mode = m;
  main.dataset.testid = "screen";
  for (const [name, el] of Object.entries(panels)) el.hidden = name !== m;
  if (m === "result") {
    ensureResult();
    panels.result.hidden = document.body.classList.contains("has-screen-vote");
  }
  renderPage();
  if (m === "agenda") renderAgenda();
  if (m === "blank") $("[data-blank-title]").textContent = meeting.title || "";
  if (m === "closing") {
    $("[data-closing-title]").textContent = meeting.title || "";
    $("[data-closing-time]").textContent = meeting.closed_at ? t("screen.closed_at", { time: formatDateTime(meeting.closed_at, locale(), meeting.timezone) }) : "";
  }
}

function renderPage() {
  const p = rtState && rtState.presenter;
  const doc = p ? findDocument(meeting, p.document_id) : null;
  if (!doc) {
    waiting.hidden = false;
    waiting.textContent = t("screen.waiting");
    docTitle.textContent = "";
    indicator.textContent = "";
    pageView.clear();
    return;
  }
  waiting.hidden = true;
  // Read from the hall: a landscape page across the whole width, a portrait one the whole height.
  const ps = pageSize(doc, p.page);
  stage.dataset.orientation = ps && ps.width > ps.height ? "landscape" : "portrait";
  pageView.show(doc, p.page);
  docTitle.textContent = doc.title;
  indicator.dataset.page = String(p.page);
  indicator.textContent = t("tablet.page_of", { page: p.page, count: doc.page_count });
}

function currentItemId() {
  const p = rtState && rtState.presenter;
  if (!p) return null;
  const item = (meeting.agenda || []).find((i) => (i.documents || []).some((d) => Number(d.id) === Number(p.document_id)));
  return item ? item.id : null;
}

function renderAgenda() {
  const current = currentItemId();
  const items = [...(meeting.agenda || [])].sort((a, b) => a.position - b.position);
  $("[data-screen-agenda]").replaceChildren(...items.map((item) => h("li", {
    class: `screen-agenda-item${item.id === current ? " is-current" : ""}`,
    dataset: { testid: "screen-agenda-item", current: String(item.id === current) },
    "aria-current": item.id === current ? "step" : null,
  },
  h("span", { class: "screen-agenda-no" }, String(item.position)),
  h("span", { class: "screen-agenda-text" },
    h("span", { class: "screen-agenda-title" }, item.title),
    item.presenter ? h("span", { class: "screen-agenda-presenter" }, item.presenter) : ""),
  item.id === current ? h("span", { class: "screen-agenda-now" }, t("screen.agenda_now")) : "")));
}

// "result" after a reload or a page turn: screen-votes.js shows a vote as it closes;
// here the latest closed one is handed to it the same way, as its rt:vote:closed.
let resultAsked = false;
async function ensureResult() {
  if (resultAsked || document.body.classList.contains("has-screen-vote")) return;
  resultAsked = true;
  try {
    const votes = await api("GET", `/api/meetings/${meetingId}/votes`);
    const closed = (votes || []).filter((v) => v.status === "closed");
    const latest = closed.sort((a, b) => String(a.closed_at || "").localeCompare(String(b.closed_at || "")) || a.id - b.id).pop();
    if (latest && mode() === "result" && !document.body.classList.contains("has-screen-vote")) {
      document.dispatchEvent(new CustomEvent("rt:vote:closed", { detail: { data: { vote: latest }, state: rtState, replay: true } }));
    }
  } catch (err) {
    console.warn("screen: no vote result", err);
  } finally {
    render();
  }
}

async function reload() {
  try {
    meeting = await fetchMeeting(meetingId);
  } catch (err) {
    waiting.hidden = false;
    waiting.textContent = err.message;
    return;
  }
  render();
}

let joinedBefore = false;
function onState(e) {
  rtState = e.detail.state;
  const p = rtState.presenter;
  const resync = e.type === "rt:state" && e.detail.resync && joinedBefore;
  if (e.type === "rt:state") joinedBefore = true;
  if (e.type === "rt:screen:changed" && mode() !== "result") resultAsked = false;
  if (resync || (p && meeting && !findDocument(meeting, p.document_id))) reload();
  // The closing screen says when it closed: the meeting's closed_at.
  else if (e.type === "rt:meeting:status" && rtState.status === "closed") reload();
  else render();
}

mountScreenVotes({ host: main });
// The vote overlay comes and goes on its own: the "no result yet" note follows it.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ["class"] });
const rt = connectMeeting(meetingId, { watch: true });
mountScreenAnnotations({ pageView, rt });
for (const name of ["rt:state", "rt:page:turned", "rt:attendance:changed", "rt:meeting:status", "rt:screen:changed"]) {
  document.addEventListener(name, onState);
}
document.addEventListener("rt:agenda:changed", () => reload());

// Keep the cursor out of the way on the big screen.
let idle;
document.addEventListener("mousemove", () => {
  document.body.classList.remove("hide-cursor");
  clearTimeout(idle);
  idle = setTimeout(() => document.body.classList.add("hide-cursor"), 3000);
});

reload();
