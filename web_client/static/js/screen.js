// Hall screen (/meetings/{id}/screen): the presenter's page as large as
// possible, the meeting title and attendance, readable from the back row.
import { t } from "./lib/i18n.js";
import { pageData } from "./lib/page-data.js";
import { fetchMeeting, findDocument } from "./lib/api.js";
import { connectMeeting } from "./realtime.js";
import { ConnectionPill } from "./components/connection-pill.js";
import { PageView } from "./components/page-view.js";
import { paintMeetingHeader } from "./meeting-common.js";
import { mountScreenAnnotations } from "./screen-annotations.js";
import { mountScreenVotes } from "./screen-votes.js";

const meetingId = Number(pageData().meeting_id);
const $ = (sel) => document.querySelector(sel);
const stage = $("[data-page-stage]");
const waiting = $("[data-waiting]");
const docTitle = $("[data-doc-title]");
const indicator = $("[data-testid=page-indicator]");

let meeting = null;
let rtState = null;
const pageView = new PageView(stage, { fit: "page", swipe: false, inset: 0, prefetchAhead: 2, prefetchBehind: 0 });
new ConnectionPill($("[data-testid=connection-state]"));

function render() {
  if (!meeting) return;
  paintMeetingHeader(meeting, rtState);
  const p = rtState && rtState.presenter;
  const doc = p ? findDocument(meeting, p.document_id) : null;
  if (!doc) {
    waiting.hidden = false;
    waiting.textContent = rtState && rtState.status === "closed" ? t("status.closed") : t("screen.waiting");
    docTitle.textContent = "";
    indicator.textContent = "";
    pageView.clear();
    return;
  }
  waiting.hidden = true;
  pageView.show(doc, p.page);
  docTitle.textContent = doc.title;
  indicator.dataset.page = String(p.page);
  indicator.textContent = t("tablet.page_of", { page: p.page, count: doc.page_count });
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
  if (resync || (p && meeting && !findDocument(meeting, p.document_id))) reload();
  else render();
}

mountScreenVotes({ host: document.querySelector("main.screen") });
const rt = connectMeeting(meetingId, { watch: true });
mountScreenAnnotations({ pageView, rt });
for (const name of ["rt:state", "rt:page:turned", "rt:attendance:changed", "rt:meeting:status"]) {
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
