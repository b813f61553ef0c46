// Annotations on the tablet: the member's pen, highlighter, notes and eraser
// over the page, the toolbar, the note popover and the menu on one's own
// marks; every change goes through the outbox (lib/outbox.js) so nothing is
// lost offline; what the server says comes through the feed
// (lib/annotation-feed.js); undo acts on the member's own last actions on
// the page in front of them (logic/undo.js).
//
// mountTabletAnnotations({pageView, rt, meetingId, host}) -> {setMeeting(meeting), unsynced}
//   host: the element the toolbar and popovers float in (the viewer body).
import { api, pageSize, ackErrorMessage } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { h } from "./lib/dom.js";
import { load as loadPref, save as savePref } from "./lib/store.js";
import { toast, dismissToast } from "./meeting-common.js";
import { Outbox } from "./lib/outbox.js";
import { AnnotationFeed } from "./lib/annotation-feed.js";
import { InkLayer } from "./components/ink-layer.js";
import { AnnotationToolbar, PEN_COLORS, HIGHLIGHT_COLORS, PEN_WIDTHS } from "./components/annotation-toolbar.js";
import { NotePopover } from "./components/note-popover.js";
import { AnnotationMenu } from "./components/annotation-menu.js";
import {
  pageView as overlay, makeAnnotation, changed, wirePoints, isOwn, MAX_STROKE_POINTS, MAX_LIVE_PIECE_POINTS,
} from "./logic/annotations.js";
import { emptyUndo, pushAction, undo, canUndo, pageKey } from "./logic/undo.js";

const LIVE_EVERY_MS = 50; // annotation:drawing at most this often (PROTOCOL extension)
const TOOLS = ["pen", "highlighter", "note", "eraser", "select"];

function prefs() {
  const tool = loadPref("annot.tool");
  const width = Number(loadPref("annot.width"));
  return {
    tool: TOOLS.includes(tool) ? tool : "pen",
    colors: {
      pen: loadPref("annot.color.pen") || PEN_COLORS[0].color,
      highlighter: loadPref("annot.color.highlighter") || HIGHLIGHT_COLORS[0].color,
    },
    width: PEN_WIDTHS.some((w) => w.width === width) ? width : PEN_WIDTHS[1].width,
    // New marks are the member's own until they choose to share: a private
    // jotting must never reach the hall screen by accident. Sharing lasts for
    // the next stroke or note only, unless the member pins it.
    visibility: loadPref("annot.visibility") === "shared" && loadPref("annot.share_pinned") === "true" ? "shared" : "private",
    pinned: loadPref("annot.share_pinned") === "true",
    options: loadPref("annot.options") !== "closed",
  };
}

/** A pin: sharing stays on until unpinned. */
function pinIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  for (const [k, v] of Object.entries({ viewBox: "0 0 24 24", width: "20", height: "20", fill: "none", stroke: "currentColor",
    "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true", class: "annot-pin-icon" })) {
    svg.setAttribute(k, v);
  }
  for (const d of ["M12 16v6", "M9 3h6l-1 6 4 4H6l4-4z"]) {
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** What the member reads when the server refused a change for good. */
function droppedText(error) {
  const limit = error.details && error.details.limit_name;
  if (error.code === "too_large" && limit === "annotations_per_page") return t("annot.limit_page", { limit: error.details.limit });
  if (error.code === "too_large" && limit === "bytes_per_meeting") return t("annot.limit_meeting");
  return t("annot.dropped", { message: ackErrorMessage(error) });
}

export function mountTabletAnnotations({ pageView, rt, meetingId, host }) {
  const stage = pageView.stage;
  const layer = new InkLayer(pageView.frame);
  const toolbarEl = h("div");
  host.append(toolbarEl);
  const toolbar = new AnnotationToolbar(toolbarEl);
  const popover = new NotePopover(host);
  const menu = new AnnotationMenu(host);
  const feed = new AnnotationFeed({ rt });

  const state = {
    ...prefs(),
    me: null,
    outbox: null,
    undo: emptyUndo(),
    page: null, // {documentId, page, aspect}
    selectedId: null,
    status: null,
    meeting: null,
  };
  const words = new Map(); // "doc:page" -> words of the text layer

  // ---- rendering -------------------------------------------------------------------

  // Only the meeting's participants annotate (an admin looking in does not), and not once it is closed.
  const participant = () => !state.meeting || (state.meeting.participants || []).some((p) => Number(p.user_id) === Number(state.me));
  const editable = () => state.me != null && state.outbox != null && state.status !== "closed" && participant();
  const colorFor = (tool) => state.colors[tool === "highlighter" ? "highlighter" : "pen"];
  const key = () => (state.page ? pageKey(state.page.documentId, state.page.page) : "");

  function items() {
    if (!state.page) return [];
    const { documentId, page } = state.page;
    return overlay(feed.annotations(documentId, page), state.outbox ? state.outbox.list() : [], documentId, page);
  }

  function find(id) {
    const hit = items().find((v) => v.annotation.id === id);
    return hit ? hit.annotation : null;
  }

  function paintToolbar() {
    toolbar.render({
      tool: state.tool,
      color: colorFor(state.tool),
      colors: state.colors,
      width: state.width,
      visibility: state.visibility,
      options: state.options,
      canUndo: editable() && canUndo(state.undo, key()),
      unsynced: state.outbox ? state.outbox.count : 0,
      editable: editable(),
    });
  }

  function paint() {
    cancelAnimationFrame(paintReq);
    paintReq = 0;
    layer.setEditable(editable());
    layer.setTool(state.tool, { color: colorFor(state.tool), width: state.width });
    if (state.page) {
      layer.render(items(), { selectedId: state.selectedId });
      layer.renderPreviews(feed.previewsOn(state.page.documentId, state.page.page));
    }
    paintToolbar();
  }
  let paintReq = 0;
  const schedulePaint = () => {
    if (!paintReq) paintReq = requestAnimationFrame(paint);
  };
  feed.addEventListener("change", schedulePaint);

  // ---- changes go through the outbox ----------------------------------------------------

  function commit(change, action = null) {
    if (!state.outbox) return;
    state.outbox.add(change);
    if (action) state.undo = pushAction(state.undo, key(), action);
    paint();
  }

  function create(kind, data, { id, visibility = state.visibility } = {}) {
    const { documentId, page } = state.page;
    const annotation = makeAnnotation({ id, document_id: documentId, page, kind, visibility, data });
    commit({ op: "put", annotation }, { type: "add", annotation });
    // One shared mark, then private again, unless sharing is pinned.
    if (visibility === "shared" && state.visibility === "shared" && !state.pinned) setVisibility("private", { quiet: true });
  }

  function remove(annotations) {
    if (!annotations.length) return;
    for (const a of annotations) commit({ op: "delete", id: a.id, document_id: a.document_id, page: a.page });
    state.undo = pushAction(state.undo, key(), { type: "remove", annotations });
    paint();
  }

  function change(before, patch) {
    const after = changed(before, patch);
    commit({ op: "put", annotation: after }, { type: "change", before, after });
  }

  // ---- live strokes: stream a shared stroke while it is drawn ---------------------------

  let live = null; // {id, sent, points, color, width, at, timer, documentId, page}
  function sendLive() {
    if (!live) return;
    clearTimeout(live.timer);
    live.timer = null;
    // Past the points a stroke may have, the preview stops; the final put (cut to the limit) draws it.
    const fresh = live.points.slice(live.sent, MAX_STROKE_POINTS);
    if (!fresh.length || rt.connection !== "connected") return;
    // A stalled tablet may have more than one piece's worth: send it in pieces.
    for (let i = 0; i < fresh.length; i += MAX_LIVE_PIECE_POINTS) {
      rt.request("annotation:drawing", {
        meeting_id: meetingId, id: live.id, document_id: live.documentId, page: live.page,
        start: live.sent + i, points: wirePoints(fresh.slice(i, i + MAX_LIVE_PIECE_POINTS)), color: live.color, width: live.width,
      });
    }
    live.sent += fresh.length;
    live.at = performance.now();
  }
  function endLive() {
    if (live) clearTimeout(live.timer);
    live = null;
  }

  const frame = pageView.frame;
  frame.addEventListener("ink:stroke-start", (e) => {
    endLive();
    if (state.visibility !== "shared" || !state.page) return;
    live = { ...e.detail, sent: 0, points: [], at: 0, timer: null, documentId: state.page.documentId, page: state.page.page };
  });
  frame.addEventListener("ink:stroke-move", (e) => {
    if (!live || live.id !== e.detail.id) return;
    live.points = e.detail.points;
    const wait = LIVE_EVERY_MS - (performance.now() - live.at);
    if (wait <= 0) sendLive();
    else if (!live.timer) live.timer = setTimeout(sendLive, wait);
  });
  frame.addEventListener("ink:stroke-cancel", endLive);

  // ---- actions from the layer, the popover, the menu --------------------------------------

  frame.addEventListener("ink:stroke", (e) => {
    endLive();
    const { id, points, color, width } = e.detail;
    if (!state.page || !points.length) return;
    create("ink", { points: wirePoints(points), color, width }, { id });
  });
  frame.addEventListener("ink:highlight", (e) => {
    if (state.page) create("highlight", { rects: e.detail.rects, color: e.detail.color });
  });
  frame.addEventListener("ink:erase", (e) => remove(e.detail.ids.map(find).filter(Boolean)));
  frame.addEventListener("ink:note", (e) => {
    const r = layer.svg.getBoundingClientRect();
    const x = r.left + e.detail.x * r.width;
    const y = r.top + e.detail.y * r.height;
    popover.open({ x: e.detail.x, y: e.detail.y, own: true, visibility: state.visibility },
      { left: x - 4, right: x + 4, top: y - 4, bottom: y + 4 });
  });
  frame.addEventListener("note:open", (e) => {
    const a = find(e.detail.id);
    if (!a) return;
    const pin = layer.elements.get(a.id);
    const own = isOwn(a, state.me) && editable();
    popover.open({ annotation: a, own, author: authorName(a.owner_id) }, pin.getBoundingClientRect(), pin);
  });
  frame.addEventListener("ink:select", (e) => {
    state.selectedId = e.detail.id;
    const a = e.detail.id ? find(e.detail.id) : null;
    paint();
    if (a) menu.open(a, layer.clientRectOf(a.id));
    else menu.close();
  });
  menu.el.addEventListener("floating:close", () => {
    if (!state.selectedId) return;
    state.selectedId = null;
    schedulePaint();
  });
  host.addEventListener("annotation:action", (e) => {
    const a = find(e.detail.id);
    if (!a || !isOwn(a, state.me)) return;
    if (e.detail.action === "delete") remove([a]);
    else change(a, { visibility: e.detail.action === "share" ? "shared" : "private" });
  });
  host.addEventListener("note:save", (e) => {
    const { id, x, y, text, visibility } = e.detail;
    if (!id) {
      if (state.page) create("note", { x, y, text }, { visibility });
      return;
    }
    const a = find(id);
    if (a && (a.data.text !== text || a.visibility !== visibility)) change(a, { data: { text }, visibility });
  });
  host.addEventListener("note:delete", (e) => {
    const a = find(e.detail.id);
    if (a) remove([a]);
  });

  // ---- the toolbar ---------------------------------------------------------------------------

  function setTool(tool) {
    state.tool = tool;
    savePref("annot.tool", tool);
    if (tool !== "select") {
      state.selectedId = null;
      menu.close();
    }
    loadWords();
    paint();
  }
  toolbarEl.addEventListener("annot:tool", (e) => setTool(e.detail.tool));
  toolbarEl.addEventListener("annot:options", (e) => {
    state.options = e.detail.open;
    savePref("annot.options", state.options ? "open" : "closed");
    paint();
  });
  toolbarEl.addEventListener("annot:color", (e) => {
    const which = state.tool === "highlighter" ? "highlighter" : "pen";
    state.colors[which] = e.detail.color;
    savePref(`annot.color.${which}`, e.detail.color);
    paint();
  });
  toolbarEl.addEventListener("annot:width", (e) => {
    state.width = e.detail.width;
    savePref("annot.width", String(e.detail.width));
    paint();
  });
  // Shared for the next mark only; the pin beside the toggle keeps it shared.
  const pinButton = h("button", {
    type: "button", class: "annot-btn annot-pin", dataset: { testid: "share-pin", pinned: "false" },
    onclick: () => setPinned(!state.pinned),
  }, pinIcon(), h("span", { class: "annot-pin-label" }));
  const visibilityButton = toolbarEl.querySelector("[data-testid=visibility-toggle]");
  if (visibilityButton) visibilityButton.after(pinButton);
  function paintPin() {
    const shared = state.visibility === "shared";
    pinButton.hidden = !shared;
    pinButton.dataset.pinned = String(state.pinned);
    pinButton.setAttribute("aria-pressed", String(state.pinned));
    const label = t(state.pinned ? "annot.share_pinned" : "annot.share_once");
    pinButton.title = t(state.pinned ? "annot.share_pinned_hint" : "annot.share_pin_hint");
    pinButton.setAttribute("aria-label", `${label}. ${pinButton.title}`);
    pinButton.querySelector(".annot-pin-label").textContent = label;
    if (toolbarEl.firstElementChild) toolbarEl.firstElementChild.dataset.shareMode = shared ? (state.pinned ? "pinned" : "once") : "private";
  }
  function setVisibility(visibility, { quiet = false } = {}) {
    state.visibility = visibility;
    if (visibility === "private") setPinned(false, { quiet: true });
    savePref("annot.visibility", state.pinned ? visibility : "private");
    if (!quiet) toast(t(visibility === "shared" ? "annot.visibility_once_hint" : "annot.visibility_private_hint"));
    paintPin();
    paint();
  }
  function setPinned(pinned, { quiet = false } = {}) {
    state.pinned = pinned;
    savePref("annot.share_pinned", String(pinned));
    savePref("annot.visibility", pinned ? state.visibility : "private");
    if (!quiet) toast(t(pinned ? "annot.share_pinned_hint" : "annot.visibility_once_hint"));
    paintPin();
  }
  toolbarEl.addEventListener("annot:visibility", (e) => setVisibility(e.detail.visibility));
  paintPin();
  function undoLast() {
    if (!editable()) return;
    const r = undo(state.undo, key());
    state.undo = r.stacks;
    for (const op of r.ops) {
      if (op.op === "delete") {
        commit({ op: "delete", id: op.id, document_id: state.page.documentId, page: state.page.page });
      } else commit(op);
    }
    paint();
  }
  toolbarEl.addEventListener("annot:undo", undoLast);
  toolbarEl.addEventListener("annot:unsynced", () => {
    toast(t("annot.unsynced_hint", { count: state.outbox ? state.outbox.count : 0 }), "info", 6000, { key: "unsynced" });
  });
  document.addEventListener("keydown", (e) => {
    if (e.key.toLowerCase() !== "z" || !(e.metaKey || e.ctrlKey) || e.shiftKey) return;
    if (e.target.closest("input, textarea, select")) return;
    e.preventDefault();
    undoLast();
  });

  // ---- the page in front of the member --------------------------------------------------------

  async function loadWords() {
    if (state.tool !== "highlighter" || !state.page) return;
    const k = key();
    if (!words.has(k)) {
      const { documentId, page } = state.page;
      try {
        const body = await api("GET", `/api/documents/${documentId}/pages/${page}/text`);
        words.set(k, (body && body.words) || []);
      } catch {
        return; // offline: the highlighter draws marker lines meanwhile
      }
    }
    if (k === key()) layer.setWords(words.get(k));
  }

  stage.addEventListener("page:displayed", (e) => {
    const documentId = Number(e.detail.document_id);
    const page = Number(e.detail.page);
    if (state.page && state.page.documentId === documentId && state.page.page === page) return; // sharper image, same page
    layer.endGesture(); // a stroke in progress stays on the page it was written on
    const ps = pageSize(pageView.doc, page);
    state.page = { documentId, page, aspect: ps.height / ps.width };
    state.selectedId = null;
    popover.close();
    menu.close();
    endLive();
    layer.setPage(documentId, page, state.page.aspect);
    feed.show(documentId, page);
    loadWords();
    paint();
  });
  // A zoom or a scroll moves the marks away from the popover: close it.
  const closeFloating = () => {
    popover.close();
    menu.close();
  };
  stage.addEventListener("page:zoom", closeFloating);
  stage.addEventListener("scroll", closeFloating, { passive: true });

  // ---- the meeting ------------------------------------------------------------------------------

  function authorName(userId) {
    const p = ((state.meeting && state.meeting.participants) || []).find((x) => Number(x.user_id) === Number(userId));
    return p ? p.full_name : t("annot.someone");
  }
  const onStatus = (e) => {
    const status = e.detail.state && e.detail.state.status;
    if (status && status !== state.status) {
      state.status = status;
      if (status === "closed") closeFloating();
      paint();
    }
  };
  document.addEventListener("rt:state", onStatus);
  document.addEventListener("rt:meeting:status", onStatus);
  // Every (re)join: send what waited (the outbox is flushed in order).
  document.addEventListener("rt:state", () => state.outbox && state.outbox.flush());

  (async () => {
    try {
      const me = await api("GET", "/api/me");
      state.me = me.id;
    } catch {
      return; // not logged in: api() sends the person to the login page
    }
    layer.setUser(state.me);
    const outbox = new Outbox({ meetingId, userId: state.me, send: (event, payload) => rt.request(event, payload) });
    outbox.addEventListener("change", schedulePaint);
    // Everything reached the server: "not synced yet" is no longer so.
    outbox.addEventListener("change", () => {
      if (!outbox.count) dismissToast("unsynced");
    });
    outbox.addEventListener("acked", (e) => {
      const { record, ack } = e.detail;
      if (record.op === "put") feed.put(ack.annotation, ack.seq);
      else feed.deleted(record.id, ack.seq);
    });
    outbox.addEventListener("dropped", (e) => {
      const { record, ack } = e.detail;
      // Someone (another of the member's devices) said otherwise later, or the
      // meeting closed: show what the server has.
      feed.load(record.document_id, record.page);
      const error = (ack && ack.error) || {};
      if (error.code !== "conflict") toast(droppedText(error), "error", 6000);
    });
    await outbox.open();
    state.outbox = outbox;
    paint();
    if (rt.connection === "connected") outbox.flush();
  })();

  paint();
  return {
    setMeeting(meeting) {
      state.meeting = meeting;
      if (!state.status && meeting && meeting.status) state.status = meeting.status;
      paint();
    },
    /** Changes the server does not have yet (so not in a copy downloaded now). */
    get unsynced() {
      return state.outbox ? state.outbox.count : 0;
    },
  };
}
