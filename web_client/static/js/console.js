// Secretary's console (/meetings/{id}/console): present documents, turn pages,
// open/close the meeting, see attendance, add agenda items, upload documents.
import { t } from "./lib/i18n.js";
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

const pageView = new PageView(els.stage, { fit: "page", prefetchAhead: 2, prefetchBehind: 1, inset: 12 });
const thumbs = new ThumbStrip(els.thumbs, { thumbWidth: 112 });
const agenda = new AgendaPanel(els.agenda, { thumbs: true, actionLabel: t("console.present"), exports: true });
new ConnectionPill($("[data-testid=connection-state]"));

function presenter() {
  return rtState ? rtState.presenter : null;
}

function shownView() {
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

  const p = presenter();
  agenda.setPresenting(p ? p.document_id : null);
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
    for (const b of [els.prev, els.next, els.first, els.last]) b.disabled = true;
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
  const live = p && Number(p.document_id) === Number(doc.id);
  els.center.dataset.live = String(Boolean(live));
  els.indicator.dataset.page = String(view.page);
  els.indicator.dataset.count = String(count);
  els.indicator.textContent = t("tablet.page_of", { page: view.page, count });
  els.jump.max = String(count);
  els.prev.disabled = readOnly || view.page <= 1;
  els.first.disabled = readOnly || view.page <= 1;
  els.next.disabled = readOnly || view.page >= count;
  els.last.disabled = readOnly || view.page >= count;
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

function step(delta) {
  const view = shownView();
  const doc = view && findDocument(meeting, view.document_id);
  if (!doc) return;
  const next = stepView(view, delta, doc.page_count);
  if (next) turnTo(next);
}

function edge(which) {
  const view = shownView();
  const doc = view && findDocument(meeting, view.document_id);
  if (doc) turnTo({ document_id: doc.id, page: which === "first" ? 1 : doc.page_count });
}

els.prev.addEventListener("click", () => step(-1));
els.next.addEventListener("click", () => step(1));
els.first.addEventListener("click", () => edge("first"));
els.last.addEventListener("click", () => edge("last"));
els.stage.addEventListener("page:swipe", (e) => step(e.detail.direction === "next" ? 1 : -1));
els.thumbs.addEventListener("page:select", (e) => turnTo({ document_id: e.detail.document_id, page: e.detail.page }));
els.agenda.addEventListener("document:select", (e) => {
  selectedDocId = e.detail.document_id;
  const shown = shownView();
  // Choosing the document already on screen does not send it back to page 1.
  if (shown && Number(shown.document_id) === Number(e.detail.document_id) && presenter()) return;
  turnTo({ document_id: e.detail.document_id, page: 1 });
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
  turnTo({ document_id: doc.id, page });
});

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select, dialog") || e.altKey || e.ctrlKey || e.metaKey) return;
  const keys = { ArrowLeft: () => step(-1), PageUp: () => step(-1), ArrowRight: () => step(1), PageDown: () => step(1),
    Home: () => edge("first"), End: () => edge("last") };
  if (keys[e.key]) {
    e.preventDefault();
    keys[e.key]();
  }
});

// ---- open / close -----------------------------------------------------------------

async function setMeetingStatus(action) {
  const btn = action === "open" ? els.open : els.close;
  btn.disabled = true;
  try {
    // What was typed into the minutes goes first: a closed meeting takes no more.
    if (action === "close") await consoleMinutes.flush();
    const m = await api("POST", `/api/meetings/${meetingId}/${action}`);
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

els.open.addEventListener("click", () => setMeetingStatus("open"));
els.close.addEventListener("click", async () => {
  const ok = await confirmDialog({
    testid: "confirm-dialog",
    title: t("console.close_title"),
    text: t("console.confirm_close"),
    confirm: t("console.close_meeting"),
    confirmTestid: "confirm-close",
    tone: "danger",
    cancelTestid: "confirm-cancel",
  });
  if (ok) setMeetingStatus("close");
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
for (const name of ["rt:page:turned", "rt:attendance:changed", "rt:meeting:status"]) {
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
