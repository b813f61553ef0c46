// The console's minutes: the view switch ("Trình chiếu" / "Biên bản"), the
// minutes from the server into the panel, and the secretary's typing back to
// it, item by item, with autosave. The rules (what to save when, conflicts,
// drafts kept on the device) are logic/minutes-editor.js's; this module does
// the requests, the timers and localStorage.
//
// Autosave: one second after the last key, when a field is left, when the
// page is hidden or closed, and before the meeting is closed (flush()).
// Every unsaved text is also kept in localStorage at once, so a dropped
// Wi-Fi, a reload or a crashed tab loses nothing; it is sent when the link
// is back. console.js owns the meeting and hands it over with the handle's
// render(); it calls flush() before it closes the meeting.
import { t } from "./lib/i18n.js";
import { api } from "./lib/api.js";
import { load as loadPref, save as savePref } from "./lib/store.js";
import { toast } from "./meeting-common.js";
import { MinutesPanel } from "./components/minutes-panel.js";
import { minutesConflictDialog } from "./components/minutes-conflict-dialog.js";
import { confirmDialog } from "./components/confirm-dialog.js";
import {
  FIELDS, itemFromServer, edit, canSave, nextDue, beginSave, saveSucceeded, saveConflicted, saveFailed,
  remoteUpdate, resolve, retryNow, panelStatus, encodeDrafts, decodeDrafts, restoreDraft, isDirty, draftOf,
  headerChanges, rebaseHeader,
} from "./logic/minutes-editor.js";

const VIEW_HASH = "#bien-ban";
// Keys console.js turns pages with: not while the secretary writes.
const PAGE_KEYS = new Set(["ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home", "End"]);
const REFRESH_EVENTS = ["rt:attendance:changed", "rt:vote:closed", "rt:agenda:changed", "rt:meeting:status"];

/** A header field as the form labels it ("chair_position" -> "Chủ trì"). */
function headerLabel(field) {
  return t(`minutes.header.${field.replace(/_(id|position)$/, "")}`);
}

/** Wire the console's minutes view; returns {render(meeting, rtState), flush()}. */
export function mountConsoleMinutes({ meetingId, panel: root, switcher }) {
  const url = `/api/meetings/${meetingId}/minutes`;
  const panel = new MinutesPanel(root);
  let minutes = null;
  let meeting = null;
  let rtState = null;
  const states = new Map(); // agenda item id -> editor state
  let drafts = {}; // from an earlier visit, until their items are loaded
  let storageKey = null;
  let timer = null;
  const inFlight = new Map(); // item id -> Promise of its save
  let dialogOpen = false;
  let refreshTimer = null;
  let loading = null;
  let loadAgain = false;
  // ---- the view switch ---------------------------------------------------------------

  function wireView() {
    if (switcher) {
      switcher.addEventListener("click", (e) => {
        const b = e.target.closest("button[data-view]");
        if (b) show(b.dataset.view);
      });
    }
    window.addEventListener("hashchange", () => show(location.hash === VIEW_HASH ? "minutes" : "present", { fromHash: true }));
    window.addEventListener("keydown", (e) => {
      // In the minutes, these keys scroll and move the caret; they never turn the hall's page.
      if (visible() && PAGE_KEYS.has(e.key)) e.stopPropagation();
    }, true);
    show(location.hash === VIEW_HASH ? "minutes" : "present", { fromHash: true });
  }

  function visible() {
    return document.body.dataset.consoleView === "minutes";
  }

  function show(view, { fromHash = false } = {}) {
    const isMinutes = view === "minutes";
    document.body.dataset.consoleView = isMinutes ? "minutes" : "present";
    root.hidden = !isMinutes;
    for (const b of (switcher ? switcher.querySelectorAll("button[data-view]") : [])) {
      b.setAttribute("aria-pressed", String(b.dataset.view === (isMinutes ? "minutes" : "present")));
    }
    if (!fromHash) history.replaceState(null, "", isMinutes ? VIEW_HASH : location.pathname + location.search);
    if (isMinutes) {
      refreshSoon(0);
      paint();
      panel.relayout();
      openPendingConflict();
    }
  }

  // ---- loading -----------------------------------------------------------------------

  async function readDrafts() {
    try {
      // Per user: two people may share a browser (a spare iPad at the desk).
      const me = await api("GET", "/api/me");
      storageKey = `minutes.drafts.v1.${meetingId}.${me.id}`;
      drafts = decodeDrafts(loadPref(storageKey, "{}"));
    } catch {
      storageKey = null;
    }
  }

  function refreshSoon(delay = 250) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => load(), delay);
  }

  /** Fetch the minutes and fold them into the editor (one fetch at a time). */
  async function load() {
    await ready;
    if (loading) {
      loadAgain = true;
      return loading;
    }
    loading = (async () => {
      do {
        loadAgain = false;
        try {
          apply(await api("GET", url));
        } catch (err) {
          if (err.code !== "network") toast(t("minutes.error.load", { message: err.message }), "error", 6000);
        }
      } while (loadAgain);
    })();
    try {
      await loading;
    } finally {
      loading = null;
    }
    return null;
  }

  function apply(fresh) {
    if (minutes && fresh.version < minutes.version && fresh.status === minutes.status) return;
    minutes = fresh;
    const listed = new Set(fresh.items.map((i) => Number(i.agenda_item_id)));
    for (const [id, s] of states) {
      if (listed.has(id)) continue;
      // The item left the agenda (only an empty one can): unsaved text stays on the device.
      const draft = draftOf(s);
      if (draft) drafts[id] = draft;
      states.delete(id);
    }
    for (const item of fresh.items) {
      const id = Number(item.agenda_item_id);
      const known = states.get(id);
      if (known) {
        states.set(id, remoteUpdate(known, item));
      } else {
        states.set(id, restoreDraft(drafts[id], item));
        delete drafts[id];
      }
    }
    persist();
    paint();
    schedule();
    openPendingConflict();
  }

  function reconnected() {
    for (const [id, s] of states) states.set(id, retryNow(s));
    refreshSoon(0);
    flush();
  }

  function meetingStatus() {
    return (rtState && rtState.status) || (meeting && meeting.status) || null;
  }

  function paint() {
    if (!minutes) return;
    const all = [...states.values()];
    panel.render({
      minutes,
      states,
      participants: (meeting && meeting.participants) || [],
      status: panelStatus(all),
      meetingStatus: meetingStatus(),
    });
    if (switcher) {
      const status = panelStatus(all);
      switcher.dataset.minutesState = status;
    }
  }

  // ---- typing and saving ---------------------------------------------------------------

  function onInput({ id, field, value }) {
    const s = states.get(id);
    if (!s || !FIELDS.includes(field)) return;
    setState(id, edit(s, field, value, Date.now()));
    schedule();
  }

  function setState(id, state) {
    states.set(id, state);
    persist();
    paint();
  }

  /** Unsaved texts (and those of items not loaded yet) into localStorage, at once. */
  function persist() {
    if (!storageKey) return;
    savePref(storageKey, JSON.stringify({ ...drafts, ...encodeDrafts([...states.values()]) }));
  }

  function schedule() {
    clearTimeout(timer);
    const next = nextDue([...states.values()]);
    if (!next) return;
    timer = setTimeout(() => {
      save(next.id);
      schedule();
    }, Math.max(0, next.at - Date.now()));
  }

  /** Save one item now if it has anything to save. Resolves when its request is done. */
  function save(id, { keepalive = false } = {}) {
    const s = states.get(id);
    if (!s || !canSave(s)) return inFlight.get(id) || Promise.resolve();
    const { state, body } = beginSave(s);
    setState(id, state);
    const request = (async () => {
      try {
        const saved = await api("PUT", `${url}/items/${id}`, body, { keepalive });
        noteItem(saved.minutes_version, saved.item);
        // Someone's newer text may have arrived while ours was on its way.
        const latest = minutes && minutes.items.find((i) => i.agenda_item_id === id);
        const next = saveSucceeded(states.get(id), saved.item);
        setState(id, latest ? remoteUpdate(next, latest) : next);
      } catch (err) {
        const current = err.details && err.details.current;
        if (err.code === "conflict" && current && current.item) {
          setState(id, saveConflicted(states.get(id), current.item));
          noteItem(current.minutes_version, current.item);
          openPendingConflict();
        } else {
          setState(id, saveFailed(states.get(id), err.code, Date.now()));
          if (err.code === "meeting_closed" || (err.code === "conflict" && !current)) refreshSoon(0);
        }
      } finally {
        inFlight.delete(id);
        schedule();
      }
    })();
    inFlight.set(id, request);
    return request;
  }

  /** Keep the shown minutes in step with what a save answered (no refetch needed for our own saves). */
  function noteItem(version, item) {
    if (!minutes) return;
    const newer = (i) => i.agenda_item_id === item.agenda_item_id && Number(item.version) >= Number(i.version);
    const items = minutes.items.map((i) => (newer(i) ? { ...i, ...item } : i));
    minutes = { ...minutes, version: Math.max(minutes.version, Number(version) || 0), items };
    paint();
  }

  /** Send every item that has something to send, now; resolves when all answered. */
  async function flush({ keepalive = false } = {}) {
    clearTimeout(timer);
    const saves = [...states.keys()].map((id) => save(id, { keepalive }));
    await Promise.all(saves);
    // A save that left text behind (typed while it flew) goes too.
    if ([...states.values()].some((s) => canSave(s))) await Promise.all([...states.keys()].map((id) => save(id, { keepalive })));
  }

  // ---- conflicts --------------------------------------------------------------------------

  function openPendingConflict() {
    if (!visible() || dialogOpen) return;
    const s = [...states.values()].find((x) => x.conflict);
    if (s) resolveConflict(s.id);
  }

  async function resolveConflict(id) {
    const s = states.get(id);
    if (!s || !s.conflict || dialogOpen) return;
    const item = minutes && minutes.items.find((i) => i.agenda_item_id === id);
    dialogOpen = true;
    let answer;
    try {
      answer = await minutesConflictDialog({
        itemId: id,
        title: item ? `${item.position}. ${item.title}` : "",
        fields: s.conflict.fields,
        mine: s.local,
        theirs: s.conflict.theirs,
      });
    } finally {
      dialogOpen = false;
    }
    if (!answer) return; // later: both stay, the item says so
    setState(id, resolve(states.get(id), answer.choice, answer.merged));
    await save(id);
    openPendingConflict();
  }

  async function copy(id) {
    const s = states.get(id);
    if (!s) return;
    const text = FIELDS.map((f) => `${t(`minutes.item.${f}`)}:\n${s.local[f]}`).join("\n\n");
    try {
      await navigator.clipboard.writeText(text);
      toast(t("minutes.copied"), "success");
    } catch {
      toast(t("minutes.copy_failed"), "error");
    }
  }

  async function discard(id) {
    const s = states.get(id);
    if (!s) return;
    const ok = await confirmDialog({
      testid: "minutes-discard-dialog",
      title: t("minutes.discard_title"),
      text: t("minutes.discard_text"),
      confirm: t("minutes.discard"),
      confirmTestid: "minutes-discard-confirm",
      tone: "danger",
    });
    if (!ok) return;
    const item = minutes.items.find((i) => i.agenda_item_id === id);
    if (item) setState(id, itemFromServer(item));
  }

  // ---- header -------------------------------------------------------------------------------

  // Header fields save one after another: two saves in flight at once would each be based on
  // the same version, and the second would meet a conflict (fields filled in quick succession).
  let headerSaves = Promise.resolve();
  const headerTimers = new Map(); // field -> timer of its save one second after the last key

  function saveHeader(change) {
    for (const field of Object.keys(change)) clearTimeout(headerTimers.get(field));
    // A save that failed in a way of its own (its error is shown) must not stop the ones after it.
    headerSaves = headerSaves.catch(() => {}).then(() => saveHeaderNow(change));
    return headerSaves;
  }

  function typedInHeader(field, value) {
    clearTimeout(headerTimers.get(field));
    headerTimers.set(field, setTimeout(() => saveHeader({ [field]: value }), 1000));
  }

  async function saveHeaderNow(change) {
    if (!minutes) return;
    const base = { ...minutes.header };
    let changes = headerChanges(base, { ...base, ...change });
    if (!Object.keys(changes).length) return;
    let version = minutes.version;
    // Item texts saved meanwhile move the version on too: each conflict rebases ours on theirs.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        apply(await api("PUT", url, { version, header: changes }));
        return;
      } catch (err) {
        const current = err.details && err.details.current;
        if (err.code !== "conflict" || !current || !current.header) {
          toast(err.message, "error", 6000);
          paint();
          return;
        }
        const again = rebaseHeader(base, changes, current.header);
        if (again.overridden.length) {
          toast(t("minutes.header.overridden", { fields: again.overridden.map(headerLabel).join(", ") }), "info", 6000);
        }
        changes = again.changes;
        version = current.version;
        if (!Object.keys(changes).length) {
          apply(current);
          return;
        }
      }
    }
    // Still refused: say so and show what the minutes hold, rather than a field that looks saved.
    toast(t("minutes.header.not_saved", { fields: Object.keys(changes).map(headerLabel).join(", ") }), "error", 8000);
    await load();
  }

  // ---- finalize and confirm ------------------------------------------------------------------

  async function finalize() {
    await flush();
    const unsaved = [...states.values()].filter((s) => isDirty(s) || s.conflict);
    const titles = unsaved.map((s) => {
      const item = minutes.items.find((i) => i.agenda_item_id === s.id);
      return item ? `${item.position}. ${item.title}` : `#${s.id}`;
    });
    const ok = await confirmDialog({
      testid: "minutes-finalize-dialog",
      title: t("minutes.finalize.title"),
      text: t("minutes.finalize.text"),
      detail: titles.length ? t("minutes.finalize.unsaved", { items: titles.join("; ") }) : null,
      confirm: t("minutes.finalize.button"),
      confirmTestid: "minutes-finalize-confirm",
    });
    if (!ok) return;
    try {
      await api("POST", `${url}/finalize`);
      toast(t("minutes.finalize.done"), "success");
    } catch (err) {
      toast(err.message, "error", 8000);
    }
    await load();
  }

  async function confirmMinutes(role) {
    const ok = await confirmDialog({
      testid: "minutes-confirm-dialog",
      title: t("minutes.confirm.dialog_title"),
      text: t("minutes.confirm.dialog_text", { role: t(`minutes.confirm.role.${role}`).toLowerCase(), sha: (minutes.sha256 || "").slice(0, 16) }),
      confirm: t("minutes.confirm.button"),
      confirmTestid: "minutes-confirm-ok",
    });
    if (!ok) return;
    try {
      apply(await api("POST", `${url}/confirm`));
      toast(t("minutes.confirm.saved"), "success");
    } catch (err) {
      toast(err.message, "error", 6000);
      await load();
    }
  }

  // ---- wiring -------------------------------------------------------------------------------

  // Drafts from an earlier visit are read before the first load folds them in.
  const ready = readDrafts();

  wireView();
  root.addEventListener("minutes:input", (e) => onInput(e.detail));
  root.addEventListener("minutes:blur", (e) => save(e.detail.id));
  root.addEventListener("minutes:header", (e) => saveHeader({ [e.detail.field]: e.detail.value }));
  root.addEventListener("minutes:header-input", (e) => typedInHeader(e.detail.field, e.detail.value));
  root.addEventListener("minutes:finalize", () => finalize());
  root.addEventListener("minutes:confirm", (e) => confirmMinutes(e.detail.role));
  root.addEventListener("minutes:resolve", (e) => resolveConflict(e.detail.id));
  root.addEventListener("minutes:copy", (e) => copy(e.detail.id));
  root.addEventListener("minutes:discard", (e) => discard(e.detail.id));
  root.addEventListener("minutes:present", () => show("present"));

  document.addEventListener("rt:minutes:changed", (e) => {
    if (!minutes || Number(e.detail.data.version) !== minutes.version || e.detail.data.agenda_item_id == null) refreshSoon();
  });
  for (const name of REFRESH_EVENTS) document.addEventListener(name, () => refreshSoon());
  // Every (re)join: what happened meanwhile, and what waited to be sent.
  document.addEventListener("rt:state", () => reconnected());
  document.addEventListener("rt:connection", (e) => {
    if (e.detail.state === "connected") reconnected();
  });
  window.addEventListener("online", () => reconnected());
  // Leaving: send what is waiting (the request outlives the page), it is kept anyway.
  window.addEventListener("pagehide", () => flush({ keepalive: true }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush({ keepalive: true });
  });

  load();

  return {
    /** Called by console.js on every render. */
    render(m, state) {
      meeting = m;
      rtState = state;
      paint();
    },
    flush,
  };
}
