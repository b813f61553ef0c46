// Tablet view (/meetings/{id}): follow the presenter, or leaf on one's own.
import { t } from "./lib/i18n.js";
import { pageData } from "./lib/page-data.js";
import { fetchMeeting, documentsOf, findDocument, annotationsExportUrl, ackErrorMessage } from "./lib/api.js";
import { initHeader } from "./common.js";
import { load as loadPref, save as savePref } from "./lib/store.js";
import { connectMeeting } from "./realtime.js";
import { ConnectionPill } from "./components/connection-pill.js";
import { PageView } from "./components/page-view.js";
import { ThumbStrip } from "./components/thumb-strip.js";
import { AgendaPanel } from "./components/agenda-panel.js";
import { paintMeetingHeader, toast, dismissToast } from "./meeting-common.js";
import { mountTabletAnnotations } from "./tablet-annotations.js";
import { mountTabletVotes } from "./tablet-votes.js";
import {
  initialFollow, presenterChanged, userNavigated, followPresenter, defaultView,
  showFollowButton, stepView, clampPage,
} from "./logic/follow.js";

initHeader();

const meetingId = Number(pageData().meeting_id);
const $ = (sel) => document.querySelector(sel);
const layout = $("[data-tablet]");
const els = {
  stage: $("[data-page-stage]"),
  thumbs: $("[data-thumbs]"),
  agenda: $("[data-agenda]"),
  prev: $("[data-testid=prev-page]"),
  next: $("[data-testid=next-page]"),
  indicator: $("[data-testid=page-indicator]"),
  follow: $("[data-testid=follow-presenter]"),
  following: $("[data-testid=following-badge]"),
  ended: $("[data-testid=meeting-ended]"),
  docTitle: $("[data-doc-title]"),
  jumpForm: $("[data-jump-form]"),
  jump: $("[data-testid=page-jump]"),
  panelToggle: $("[data-testid=toggle-agenda]"),
  fitToggle: $("[data-testid=toggle-fit]"),
  empty: $("[data-empty]"),
  zoomReset: $("[data-testid=zoom-reset]"),
  download: $("[data-testid=download-annotated]"),
};

let meeting = null;
let follow = initialFollow();
let rtState = null;
const lastPageOf = new Map(); // document id -> page last viewed by the member

const pageView = new PageView(els.stage, { fit: loadPref("tablet.fit") || "page" });
els.stage.dataset.fit = pageView.fit;
const thumbs = new ThumbStrip(els.thumbs);
const agenda = new AgendaPanel(els.agenda);
new ConnectionPill($("[data-testid=connection-state]"));

// ---- rendering: state -> DOM -------------------------------------------------

function currentDoc() {
  return follow.view ? findDocument(meeting, follow.view.document_id) : null;
}

function render() {
  if (!meeting) return;
  if (!follow.view) {
    const first = documentsOf(meeting)[0];
    if (first) follow = defaultView(follow, { document_id: first.id, page: 1 });
  }
  const doc = currentDoc();
  const view = follow.view;
  // Once the meeting is over there is no one to follow: each reads on their own.
  const ended = ((rtState && rtState.status) || meeting.status) === "closed";
  const presenter = ended ? null : follow.presenter;

  layout.dataset.following = String(follow.following && !ended);
  layout.dataset.ended = String(ended);
  els.ended.hidden = !ended;
  els.follow.hidden = ended || !showFollowButton(follow);
  els.following.hidden = ended || !(follow.following && presenter);
  if (presenter && !follow.following) {
    const pdoc = findDocument(meeting, presenter.document_id);
    els.follow.title = t("tablet.presenter_at", { page: presenter.page, title: pdoc ? pdoc.title : "" });
  }

  agenda.setPresenting(presenter ? presenter.document_id : null);

  if (!doc) {
    els.empty.hidden = false;
    els.empty.textContent = documentsOf(meeting).length ? t("tablet.loading") : t("agenda.no_documents_meeting");
    pageView.clear();
    thumbs.render(null);
    els.indicator.textContent = "";
    els.docTitle.textContent = "";
    els.download.hidden = true;
    els.prev.disabled = true;
    els.next.disabled = true;
    agenda.setActive(null);
    return;
  }
  els.empty.hidden = true;
  const count = doc.page_count || (doc.pages || []).length;
  const page = Math.min(Math.max(1, view.page), Math.max(1, count));
  lastPageOf.set(Number(doc.id), page);
  pageView.show(doc, page);
  thumbs.render(doc);
  thumbs.setActive(page);
  thumbs.setPresenterPage(presenter && Number(presenter.document_id) === Number(doc.id) ? presenter.page : null);
  agenda.setActive(doc.id);
  els.docTitle.textContent = doc.title;
  // The document as the member sees it: their own marks and the shared ones.
  els.download.href = annotationsExportUrl(doc.id, "pdf", "visible");
  els.download.dataset.documentId = String(doc.id);
  els.download.hidden = false;
  els.indicator.dataset.page = String(page);
  els.indicator.dataset.count = String(count);
  els.indicator.textContent = t("tablet.page_of", { page, count });
  els.jump.max = String(count);
  els.prev.disabled = page <= 1;
  els.next.disabled = page >= count;
}

// ---- actions up: DOM events -> state changes ---------------------------------

function navigate(view) {
  if (!view) return;
  follow = userNavigated(follow, view);
  render();
}

function step(delta) {
  const doc = currentDoc();
  if (!doc || !follow.view) return;
  navigate(stepView(follow.view, delta, doc.page_count));
}

els.prev.addEventListener("click", () => step(-1));
els.next.addEventListener("click", () => step(1));
els.stage.addEventListener("page:swipe", (e) => step(e.detail.direction === "next" ? 1 : -1));
els.thumbs.addEventListener("page:select", (e) => navigate({ document_id: e.detail.document_id, page: e.detail.page }));
els.agenda.addEventListener("document:select", (e) => {
  const id = e.detail.document_id;
  const page = lastPageOf.get(Number(id)) || 1;
  navigate({ document_id: id, page });
  if (window.matchMedia("(orientation: portrait)").matches) setPanel(false);
});
els.follow.addEventListener("click", () => {
  follow = followPresenter(follow);
  render();
});
els.jumpForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const doc = currentDoc();
  if (!doc) return;
  const page = clampPage(els.jump.value, doc.page_count);
  els.jump.value = "";
  els.jump.blur();
  if (page) navigate({ document_id: doc.id, page });
});

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select") || e.altKey || e.ctrlKey || e.metaKey) return;
  const doc = currentDoc();
  if (!doc) return;
  const map = { ArrowLeft: -1, PageUp: -1, ArrowRight: 1, PageDown: 1 };
  if (e.key in map) {
    e.preventDefault();
    step(map[e.key]);
  } else if (e.key === "Home") {
    e.preventDefault();
    navigate({ document_id: doc.id, page: 1 });
  } else if (e.key === "End") {
    e.preventDefault();
    navigate({ document_id: doc.id, page: doc.page_count });
  }
});

// Side panel (agenda): collapsible so the page gets the space.
function setPanel(open) {
  layout.dataset.panel = open ? "open" : "closed";
  els.panelToggle.setAttribute("aria-expanded", String(open));
  savePref("tablet.panel", open ? "open" : "closed");
}
const savedPanel = loadPref("tablet.panel");
setPanel(savedPanel ? savedPanel === "open" : !window.matchMedia("(orientation: portrait)").matches);
els.panelToggle.addEventListener("click", () => setPanel(layout.dataset.panel !== "open"));
$("[data-panel-scrim]").addEventListener("click", () => setPanel(false));
$("[data-panel-close]").addEventListener("click", () => setPanel(false));

function setFit(mode) {
  pageView.setFit(mode);
  savePref("tablet.fit", mode);
  els.fitToggle.dataset.fit = mode;
  els.fitToggle.setAttribute("aria-pressed", String(mode === "width"));
  els.fitToggle.querySelector(".btn-label").textContent = t(mode === "width" ? "tablet.fit_page" : "tablet.fit_width");
}
setFit(pageView.fit);
els.fitToggle.addEventListener("click", () => setFit(pageView.fit === "width" ? "page" : "width"));
// The page's own zoom (pinch, double tap): a chip shows it and resets it.
els.stage.addEventListener("page:zoom", (e) => {
  const z = e.detail.zoom;
  els.zoomReset.hidden = z <= 1;
  els.zoomReset.querySelector(".btn-label").textContent = `${Math.round(z * 100)}%`;
});
els.zoomReset.addEventListener("click", () => pageView.setZoom(1));
els.download.addEventListener("click", (e) => {
  if (navigator.onLine === false) {
    e.preventDefault();
    // Said until the tablet is back online (rt:connection below takes it away).
    toast(t("tablet.download_offline"), "error", 0, { key: "offline" });
    return;
  }
  // The copy is made by the server: marks still waiting in the outbox are not in it yet.
  const waiting = annotations.unsynced;
  if (waiting) toast(t("tablet.download_unsynced", { count: waiting }), "info", 6000);
});

// ---- data down: server -> state ----------------------------------------------

let refetching = null;
async function refetchMeeting() {
  if (refetching) return refetching;
  refetching = (async () => {
    try {
      meeting = await fetchMeeting(meetingId);
      annotations.setMeeting(meeting);
      votes.setMeeting(meeting);
      agenda.render(meeting);
      paintMeetingHeader(meeting, rtState);
      render();
    } catch (err) {
      toast(err.message, "error");
    } finally {
      refetching = null;
    }
  })();
  return refetching;
}

function applyPresenter(presenter) {
  follow = presenterChanged(follow, presenter);
  // A document we do not know yet (uploaded after we loaded): fetch the agenda.
  if (presenter && meeting && !findDocument(meeting, presenter.document_id)) refetchMeeting();
  else render();
}

const rt = connectMeeting(meetingId);
const annotations = mountTabletAnnotations({ pageView, rt, meetingId, host: els.stage.parentElement });
const votes = mountTabletVotes({ rt, meetingId });
let joinedBefore = false;
document.addEventListener("rt:state", (e) => {
  rtState = e.detail.state;
  paintMeetingHeader(meeting, rtState);
  // A resync after a long absence: the agenda may have changed too.
  if (e.detail.resync && joinedBefore) refetchMeeting();
  joinedBefore = true;
  applyPresenter(rtState.presenter);
});
document.addEventListener("rt:page:turned", (e) => {
  if (e.detail.replay) return; // the join's state already has the outcome
  rtState = e.detail.state;
  applyPresenter(rtState.presenter);
});
document.addEventListener("rt:attendance:changed", (e) => {
  rtState = e.detail.state;
  paintMeetingHeader(meeting, rtState);
});
document.addEventListener("rt:meeting:status", (e) => {
  rtState = e.detail.state;
  paintMeetingHeader(meeting, rtState);
  render();
});
// The connection, on the layout too: while offline the page says it may be behind the room.
document.addEventListener("rt:connection", (e) => {
  layout.dataset.connection = e.detail.state;
  if (e.detail.state === "connected") dismissToast("offline");
});
document.addEventListener("rt:agenda:changed", () => refetchMeeting());
// Title, time, place or invitees changed while preparing (meetings/preparation.py).
document.addEventListener("rt:meeting:changed", () => refetchMeeting());
document.addEventListener("rt:join-error", (e) => toast(ackErrorMessage(e.detail.error) || t("rt.error.join"), "error", 8000, { key: "join" }));
// Joined after all: the join error no longer holds.
document.addEventListener("rt:state", () => dismissToast("join"));

(async () => {
  await refetchMeeting();
  if (rtState) applyPresenter(rtState.presenter);
  // Opened: the meeting is no longer "new" in this person's list.
  fetch(`/api/meetings/${meetingId}/seen`, { method: "POST", credentials: "same-origin" }).catch(() => {});
})();

window.addEventListener("pagehide", () => rt.leave());
