// Secretary's console (/meetings/{id}/console): present documents, turn pages,
// open/close the meeting, see attendance, add agenda items, upload documents.
//
// Preview before live: choosing a document or a thumbnail (or "Xem trước")
// only shows it here; the room moves when the presenter presses "Trình chiếu
// trang này". On the live page, the page controls and keys move everyone.
// The hall screen's mode and its shared-ink gate are chosen here too.
import { t, locale } from "./lib/i18n.js";
import { pageData } from "./lib/page-data.js";
import { api, upload, fetchMeeting, documentsOf, findDocument, ackErrorMessage } from "./lib/api.js";
import { h } from "./lib/dom.js";
import { initHeader } from "./common.js";
import { connectMeeting } from "./realtime.js";
import { ConnectionPill } from "./components/connection-pill.js";
import { PageView } from "./components/page-view.js";
import { ThumbStrip } from "./components/thumb-strip.js";
import { AgendaPanel } from "./components/agenda-panel.js";
import { paintMeetingHeader, toast } from "./meeting-common.js";
import { confirmDialog } from "./components/confirm-dialog.js";
import { stepView, clampPage } from "./logic/follow.js";
import { formatDay } from "./logic/datetime.js";
import { mountConsoleVotes } from "./console-votes.js";
import { mountConsoleMinutes } from "./console-minutes.js";
import { withServerAttendance } from "./logic/attendance.js";

initHeader();

const meetingId = Number(pageData().meeting_id);
const $ = (sel) => document.querySelector(sel);
const els = {
  stage: $("[data-page-stage]"),
  center: $(".console-center"),
  thumbs: $("[data-thumbs]"),
  agenda: $("[data-agenda]"),
  prev: $("[data-testid=prev-page]"),
  next: $("[data-testid=next-page]"),
  first: $("[data-testid=first-page]"),
  last: $("[data-testid=last-page]"),
  indicator: $("[data-testid=page-indicator]"),
  jumpForm: $("[data-jump-form]"),
  jump: $("[data-testid=page-jump]"),
  turnError: $("[data-testid=turn-error]"),
  docTitle: $("[data-doc-title]"),
  empty: $("[data-empty]"),
  open: $("[data-testid=open-meeting]"),
  close: $("[data-testid=close-meeting]"),
  closedNote: $("[data-closed-note]"),
  present: $("[data-testid=present-this]"),
  backToLive: $("[data-testid=back-to-live]"),
  startPreview: $("[data-testid=start-preview]"),
  screenCard: $("[data-screen-card]"),
  screenModes: [...document.querySelectorAll("[data-screen-mode]")],
  sharedInk: $("[data-testid=screen-shared-ink]"),
  screenLink: $("[data-testid=open-hall-screen]"),
  participants: $("[data-testid=participants]"),
  addForm: $("[data-add-item-form]"),
  addTitle: $("[data-testid=agenda-title]"),
  addError: $("[data-testid=agenda-error]"),
  uploadForm: $("[data-upload-form]"),
  uploadItem: $("[data-testid=upload-item]"),
  uploadTitle: $("[data-testid=upload-title]"),
  uploadInput: $("[data-testid=upload-input]"),
  uploadProgress: $("[data-testid=upload-progress]"),
  uploadPercent: $("[data-upload-percent]"),
  uploadMessage: $("[data-testid=upload-message]"),
  uploadBox: $("[data-upload-box]"),
};

let meeting = null;
let rtState = null;
// The page we asked for and whose ack we still wait for: shown at once so fast
// key presses add up, replaced by the server's truth when it answers.
let pending = null;
let requestNo = 0;
let selectedDocId = null; // document shown when nothing is presented yet
// What the console looks at without moving the room ({document_id, page}), or null: live.
let preview = null;

const pageView = new PageView(els.stage, { fit: "page", prefetchAhead: 2, prefetchBehind: 1, inset: 12 });
const thumbs = new ThumbStrip(els.thumbs, { thumbWidth: 112 });
const agenda = new AgendaPanel(els.agenda, { thumbs: true, actionLabel: t("console.present"), exports: true });
new ConnectionPill($("[data-testid=connection-state]"));

function presenter() {
  return rtState ? rtState.presenter : null;
}

function shownView() {
  if (preview) return preview;
  if (pending) return pending;
  const p = presenter();
  if (p) return p;
  const d = (selectedDocId && findDocument(meeting, selectedDocId)) || documentsOf(meeting)[0];
  return d ? { document_id: d.id, page: 1 } : null;
}

function status() {
  return (rtState && rtState.status) || (meeting && meeting.status);
}

// ---- rendering ------------------------------------------------------------------

function render() {
  if (!meeting) return;
  paintMeetingHeader(meeting, rtState);
  const st = status();
  els.open.hidden = st !== "scheduled";
  els.close.hidden = st !== "open";
  els.closedNote.hidden = st !== "closed";
  document.body.dataset.meetingStatus = st || "";
  renderScreenControls(st);

  const p = presenter();
  agenda.setPresenting(p ? p.document_id : null);
  // A closed meeting moves no one: whatever the console looks at is only a look.
  if (st === "closed" && !preview && p) preview = { ...p };
  const view = shownView();
  const doc = view ? findDocument(meeting, view.document_id) : null;
  const readOnly = st === "closed";
  if (!doc) {
    els.empty.hidden = false;
    els.empty.textContent = t("console.no_documents");
    pageView.clear();
    thumbs.render(null);
    els.indicator.textContent = "";
    els.docTitle.textContent = "";
    els.center.dataset.live = "false";
    els.center.dataset.mode = "live";
    for (const b of [els.prev, els.next, els.first, els.last]) b.disabled = true;
    els.present.hidden = els.backToLive.hidden = els.startPreview.hidden = true;
    agenda.setActive(null);
    renderParticipants();
    return;
  }
  els.empty.hidden = true;
  const count = doc.page_count || (doc.pages || []).length;
  pageView.show(doc, view.page);
  thumbs.render(doc);
  thumbs.setActive(view.page);
  thumbs.setPresenterPage(p && Number(p.document_id) === Number(doc.id) ? p.page : null);
  agenda.setActive(doc.id);
  els.docTitle.textContent = doc.title;
  const live = !preview && p && Number(p.document_id) === Number(doc.id);
  els.center.dataset.live = String(Boolean(live));
  els.center.dataset.mode = preview ? "preview" : "live";
  els.present.hidden = !preview || readOnly;
  els.backToLive.hidden = !preview || readOnly || !p;
  els.startPreview.hidden = Boolean(preview) || readOnly || !p;
  els.indicator.dataset.page = String(view.page);
  els.indicator.dataset.count = String(count);
  els.indicator.textContent = t("tablet.page_of", { page: view.page, count });
  els.jump.max = String(count);
  els.prev.disabled = view.page <= 1;
  els.first.disabled = view.page <= 1;
  els.next.disabled = view.page >= count;
  els.last.disabled = view.page >= count;
  renderParticipants();
}

// Attendance (participants) and votes: console-votes.js.
const consoleVotes = mountConsoleVotes({
  meetingId,
  participants: els.participants,
  summary: $("[data-attendance-summary]"),
  votes: $("[data-votes]"),
});

// The minutes ("Biên bản" view): console-minutes.js.
const consoleMinutes = mountConsoleMinutes({
  meetingId,
  panel: $("[data-minutes]"),
  switcher: $("[data-console-views]"),
});

function renderParticipants() {
  consoleVotes.render(meeting, rtState);
  consoleMinutes.render(meeting, rtState);
}

// A new quorum rule: the server answers with the meeting; its attendance part
// (rule, counts, seq) is shown at once, before the attendance:changed event.
$("[data-attendance-summary]").addEventListener("meeting:updated", (e) => {
  meeting = withServerAttendance(meeting, e.detail.meeting);
  render();
});

// ---- page turns -------------------------------------------------------------------

function showTurnError(message) {
  els.turnError.textContent = message;
  els.turnError.hidden = !message;
}

async function turnTo(view) {
  if (!view || !meeting) return;
  const doc = findDocument(meeting, view.document_id);
  if (!doc) return;
  const page = Math.min(Math.max(1, view.page), doc.page_count);
  const target = { document_id: doc.id, page };
  const cur = shownView();
  if (cur && Number(cur.document_id) === Number(doc.id) && cur.page === page && presenter()
      && Number(presenter().document_id) === Number(doc.id) && presenter().page === page) return;
  showTurnError("");
  pending = target;
  const no = ++requestNo;
  render();
  const ack = await rt.turnPage(doc.id, page);
  if (no !== requestNo) {
    // A later turn is in flight; only report this one's failure.
    if (!ack.ok) showTurnError(t("console.turn_error", { message: ackErrorMessage(ack.error) }));
    return;
  }
  if (!ack.ok) {
    pending = null;
    showTurnError(t("console.turn_error", { message: ackErrorMessage(ack.error) }));
    render();
    return;
  }
  // Keep showing the target until the page:turned event (seq >= ack.seq) is in.
  if (!rtState || rtState.seq >= Number(ack.seq)) pending = null;
  else pending = { ...target, seq: Number(ack.seq) };
  render();
}

/** Previewing, the controls leaf through the preview; live, they move the room. */
function go(view) {
  if (!view) return;
  if (preview) setPreview(view, { stay: true });
  else turnTo(view);
}

/** Look at `view` here only. Choosing the live page again is live again, unless `stay`. */
function setPreview(view, { stay = false } = {}) {
  const doc = view && findDocument(meeting, view.document_id);
  if (!doc) return;
  const page = Math.min(Math.max(1, Number(view.page) || 1), doc.page_count);
  const p = presenter();
  const isLive = p && Number(p.document_id) === Number(doc.id) && p.page === page;
  preview = isLive && !stay && status() !== "closed" ? null : { document_id: doc.id, page };
  showTurnError("");
  render();
}

/** "Trình chiếu trang này": the previewed page to everyone. */
async function presentPreview() {
  if (!preview || status() === "closed") return;
  const target = preview;
  preview = null;
  await turnTo(target);
}

function backToLive() {
  if (status() === "closed") return;
  preview = null;
  render();
}

function step(delta) {
  const view = shownView();
  const doc = view && findDocument(meeting, view.document_id);
  if (!doc) return;
  go(stepView(view, delta, doc.page_count));
}

function edge(which) {
  const view = shownView();
  const doc = view && findDocument(meeting, view.document_id);
  if (doc) go({ document_id: doc.id, page: which === "first" ? 1 : doc.page_count });
}

els.prev.addEventListener("click", () => step(-1));
els.next.addEventListener("click", () => step(1));
els.first.addEventListener("click", () => edge("first"));
els.last.addEventListener("click", () => edge("last"));
els.stage.addEventListener("page:swipe", (e) => step(e.detail.direction === "next" ? 1 : -1));
// Choosing a page or a document only previews it: the room stays where it is.
els.thumbs.addEventListener("page:select", (e) => setPreview({ document_id: e.detail.document_id, page: e.detail.page }));
els.agenda.addEventListener("document:select", (e) => {
  selectedDocId = e.detail.document_id;
  const p = presenter();
  // Choosing the document on screen goes back to its live page, not to page 1.
  if (p && Number(p.document_id) === Number(e.detail.document_id)) {
    if (status() === "closed") setPreview(p);
    else backToLive();
    return;
  }
  setPreview({ document_id: e.detail.document_id, page: 1 });
});
els.present.addEventListener("click", () => presentPreview());
els.backToLive.addEventListener("click", () => backToLive());
els.startPreview.addEventListener("click", () => {
  const p = presenter();
  if (p) setPreview(p, { stay: true });
});
// Uploading starts when a file is chosen; Enter in the title field must not reload the page.
els.uploadForm.addEventListener("submit", (e) => e.preventDefault());

els.jumpForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const view = shownView();
  const doc = view && findDocument(meeting, view.document_id);
  if (!doc) return;
  const page = clampPage(els.jump.value, doc.page_count);
  if (page == null) {
    showTurnError(t("console.jump_invalid", { count: doc.page_count }));
    return;
  }
  els.jump.value = "";
  go({ document_id: doc.id, page });
});

// The keys work in both views (also over the minutes, unless one is typing there):
// registered on window before the minutes' own listener, which keeps them from the text.
window.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.target.closest && e.target.closest("input, textarea, select, dialog, [contenteditable]:not([contenteditable=false])")) return;
  const keys = { ArrowLeft: () => step(-1), PageUp: () => step(-1), ArrowRight: () => step(1), PageDown: () => step(1),
    Home: () => edge("first"), End: () => edge("last"), Enter: () => presentPreview() };
  if (e.key === "Enter" && (!preview || e.target.closest("button, a"))) return;
  if (keys[e.key]) {
    e.preventDefault();
    keys[e.key]();
  }
}, true);

// ---- the hall screen: its mode and the shared-ink gate ------------------------------------

function screenState() {
  return (rtState && rtState.screen) || { mode: "page", show_shared_ink: false };
}

function renderScreenControls(st) {
  const screen = screenState();
  const mode = st === "closed" ? "closing" : screen.mode;
  for (const b of els.screenModes) {
    b.setAttribute("aria-checked", String(b.dataset.screenMode === mode));
    b.disabled = st === "closed";
  }
  els.sharedInk.checked = Boolean(screen.show_shared_ink);
  els.sharedInk.disabled = st === "closed";
  els.screenCard.dataset.mode = mode;
}

async function setScreen(change) {
  try {
    const shown = await rt.setScreen(change);
    // The screen:changed event follows; until then show what the server said.
    if (rtState && shown) rtState = { ...rtState, screen: shown };
  } catch (err) {
    toast(err.message, "error", 6000);
  }
  render();
}

for (const b of els.screenModes) b.addEventListener("click", () => setScreen({ mode: b.dataset.screenMode }));
els.sharedInk.addEventListener("change", () => setScreen({ show_shared_ink: els.sharedInk.checked }));
els.screenLink.href = `/meetings/${meetingId}/screen`;

// ---- open / close -----------------------------------------------------------------

async function setMeetingStatus(action) {
  const btn = action === "open" ? els.open : els.close;
  btn.disabled = true;
  try {
    // What was typed into the minutes goes first: a closed meeting takes no more.
    if (action === "close") await consoleMinutes.flush();
    const m = action === "open" ? await openMeeting() : await api("POST", `/api/meetings/${meetingId}/${action}`);
    if (!m) return; // not confirmed
    if (m && m.status) {
      meeting.status = m.status;
      // The meeting:status event follows; until then show what the server said.
      if (rtState) rtState = { ...rtState, status: m.status };
    }
    render();
  } catch (err) {
    toast(err.message, "error", 6000);
  } finally {
    btn.disabled = false;
  }
}

// Opening on another day than the scheduled one asks first (the server answers `date_far`).
async function openMeeting() {
  try {
    return await api("POST", `/api/meetings/${meetingId}/open`, { confirm_date: false });
  } catch (err) {
    if (err.code !== "date_far") throw err;
    const facts = (err.details && err.details.details) || {};
    const ok = await confirmDialog({
      testid: "confirm-open-date",
      title: t("console.open_date_title"),
      text: t("console.open_date_text", { scheduled: formatDay(facts.scheduled_on, locale()), today: formatDay(facts.today, locale()) }),
      confirm: t("console.open_date_confirm"),
      confirmTestid: "confirm-open-date-ok",
      warning: true,
    });
    return ok ? api("POST", `/api/meetings/${meetingId}/open`, { confirm_date: true }) : null;
  }
}

els.open.addEventListener("click", () => setMeetingStatus("open"));
els.close.addEventListener("click", async () => {
  // An open vote is named in the dialog: confirming closes it first, then the meeting.
  const open = (rtState && rtState.open_votes) || [];
  const ok = await confirmDialog({
    testid: "confirm-dialog",
    title: t("console.close_title"),
    text: t("console.confirm_close"),
    detail: open.length ? t("console.close_open_vote", { title: open.map((v) => `“${v.title}”`).join(", "), count: open.length }) : null,
    warning: open.length > 0,
    confirm: open.length ? t("console.close_vote_and_meeting") : t("console.close_meeting"),
    confirmTestid: "confirm-close",
    tone: "danger",
    cancelTestid: "confirm-cancel",
    messageData: { openVotes: String(open.length) },
  });
  if (!ok) return;
  try {
    for (const v of open) await api("POST", `/api/votes/${v.id}/close`);
  } catch (err) {
    toast(err.message, "error", 6000);
    return;
  }
  setMeetingStatus("close");
});

// ---- agenda: add item, upload ------------------------------------------------------

function fillItemSelect() {
  const keep = els.uploadItem.value;
  const items = [...(meeting.agenda || [])].sort((a, b) => a.position - b.position);
  els.uploadItem.replaceChildren(
    ...items.map((i) => h("option", { value: i.id }, `${i.position}. ${i.title}`)),
  );
  if (keep && items.some((i) => String(i.id) === keep)) els.uploadItem.value = keep;
  const none = items.length === 0;
  els.uploadInput.disabled = none;
  els.uploadItem.disabled = none;
  els.uploadBox.classList.toggle("is-disabled", none);
}

els.addForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  const title = els.addTitle.value.trim();
  els.addError.hidden = true;
  if (!title) {
    els.addError.textContent = t("console.item_title_missing");
    els.addError.hidden = false;
    els.addTitle.focus();
    return;
  }
  const btn = els.addForm.querySelector("button");
  btn.disabled = true;
  try {
    const item = await api("POST", `/api/meetings/${meetingId}/agenda`, { title });
    els.addTitle.value = "";
    await reload();
    if (item && item.id != null) els.uploadItem.value = String(item.id);
    toast(t("console.item_added", { title }), "success");
  } catch (err) {
    els.addError.textContent = err.message;
    els.addError.hidden = false;
  } finally {
    btn.disabled = false;
  }
});

function uploadErrorParts(err) {
  const head = {
    too_large: t("console.upload_too_large"),
    unsupported_media: t("console.upload_not_pdf"),
    invalid: t("console.upload_invalid"),
    too_complex: t("console.upload_too_complex"),
  }[err.code] || t("console.upload_failed");
  // The detail says more than the headline only in English, where the
  // server's own sentence names exactly what is wrong with this file.
  const detail = err.message && err.message !== head && err.message !== t(`api.error.${err.code}`) ? err.message : "";
  return [head, detail];
}

function setUploadMessage(text, state, detail = "") {
  els.uploadMessage.dataset.state = state;
  els.uploadMessage.hidden = !text;
  els.uploadMessage.replaceChildren(
    h("strong", { class: "form-message-head" }, text),
    detail ? h("span", { class: "form-message-detail" }, detail) : "",
  );
}

els.uploadInput.addEventListener("change", async () => {
  const file = els.uploadInput.files && els.uploadInput.files[0];
  if (!file) return;
  const itemId = els.uploadItem.value;
  if (!itemId) {
    setUploadMessage(t("console.upload_no_item"), "error");
    return;
  }
  const fd = new FormData();
  fd.append("file", file, file.name);
  const title = els.uploadTitle.value.trim();
  if (title) fd.append("title", title);
  els.uploadBox.dataset.state = "uploading";
  els.uploadProgress.hidden = false;
  els.uploadProgress.value = 0;
  els.uploadPercent.textContent = t("console.uploading", { name: file.name, percent: 0 });
  setUploadMessage("", "");
  els.uploadInput.disabled = true;
  try {
    const doc = await upload(`/api/agenda/${itemId}/documents`, fd, {
      onProgress: (f) => {
        const pct = Math.round(f * 100);
        els.uploadProgress.value = pct;
        els.uploadPercent.textContent = pct < 100
          ? t("console.uploading", { name: file.name, percent: pct })
          : t("console.processing", { name: file.name });
      },
    });
    els.uploadBox.dataset.state = "done";
    setUploadMessage(t("console.uploaded", { title: doc.title || file.name, count: doc.page_count }), "ok");
    els.uploadTitle.value = "";
    await reload();
  } catch (err) {
    els.uploadBox.dataset.state = "error";
    const [head, detail] = uploadErrorParts(err);
    setUploadMessage(head, "error", detail);
  } finally {
    els.uploadInput.value = "";
    els.uploadInput.disabled = false;
    els.uploadProgress.hidden = els.uploadBox.dataset.state !== "done";
    els.uploadPercent.textContent = "";
  }
});

// ---- data ---------------------------------------------------------------------------

async function reload() {
  try {
    meeting = await fetchMeeting(meetingId);
    agenda.render(meeting);
    fillItemSelect();
    render();
  } catch (err) {
    toast(err.message, "error", 6000);
  }
}

function settlePending() {
  if (pending && pending.seq != null && rtState && rtState.seq >= pending.seq) pending = null;
}

const rt = connectMeeting(meetingId);
let joinedBefore = false;
document.addEventListener("rt:state", (e) => {
  rtState = e.detail.state;
  if (e.detail.resync && joinedBefore) reload();
  joinedBefore = true;
  settlePending();
  const p = rtState.presenter;
  if (p && meeting && !findDocument(meeting, p.document_id)) reload();
  else render();
});
for (const name of ["rt:page:turned", "rt:attendance:changed", "rt:meeting:status", "rt:screen:changed"]) {
  document.addEventListener(name, (e) => {
    rtState = e.detail.state;
    settlePending();
    const p = rtState.presenter;
    if (name === "rt:page:turned" && p && meeting && !findDocument(meeting, p.document_id)) reload();
    else render();
  });
}
document.addEventListener("rt:agenda:changed", () => reload());
document.addEventListener("rt:join-error", (e) => toast(ackErrorMessage(e.detail.error) || t("rt.error.join"), "error", 8000));

reload();
