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
// is back. console.js owns the meeting and hands it over with render().
import { t } from "./lib/i18n.js";
import { api } from "./lib/api.js";
import { load as loadPref, save as savePref } from "./lib/store.js";
import { toast } from "./meeting-common.js";
import { MinutesPanel, conflictDialog, askDialog } from "./components/minutes-panel.js";
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

export class ConsoleMinutes {
  constructor({ meetingId, panel, switcher }) {
    this.meetingId = meetingId;
    this.url = `/api/meetings/${meetingId}/minutes`;
    this.root = panel;
    this.switcher = switcher;
    this.panel = new MinutesPanel(panel);
    this.minutes = null;
    this.meeting = null;
    this.rtState = null;
    this.states = new Map(); // agenda item id -> editor state
    this.drafts = {}; // from an earlier visit, until their items are loaded
    this.storageKey = null;
    this.timer = null;
    this.inFlight = new Map(); // item id -> Promise of its save
    this.dialogOpen = false;
    this.refreshTimer = null;
    this.loading = null;
    // Drafts from an earlier visit are read before the first load folds them in.
    this.ready = this.readDrafts();

    this.wireView();
    panel.addEventListener("minutes:input", (e) => this.onInput(e.detail));
    panel.addEventListener("minutes:blur", (e) => this.save(e.detail.id));
    panel.addEventListener("minutes:header", (e) => this.saveHeader({ [e.detail.field]: e.detail.value }));
    panel.addEventListener("minutes:finalize", () => this.finalize());
    panel.addEventListener("minutes:confirm", (e) => this.confirm(e.detail.role));
    panel.addEventListener("minutes:resolve", (e) => this.resolveConflict(e.detail.id));
    panel.addEventListener("minutes:copy", (e) => this.copy(e.detail.id));
    panel.addEventListener("minutes:discard", (e) => this.discard(e.detail.id));
    panel.addEventListener("minutes:present", () => this.show("present"));

    document.addEventListener("rt:minutes:changed", (e) => {
      if (!this.minutes || Number(e.detail.data.version) !== this.minutes.version || e.detail.data.agenda_item_id == null) this.refreshSoon();
    });
    for (const name of REFRESH_EVENTS) document.addEventListener(name, () => this.refreshSoon());
    // Every (re)join: what happened meanwhile, and what waited to be sent.
    document.addEventListener("rt:state", () => this.reconnected());
    document.addEventListener("rt:connection", (e) => {
      if (e.detail.state === "connected") this.reconnected();
    });
    window.addEventListener("online", () => this.reconnected());
    // Leaving: send what is waiting (the request outlives the page), it is kept anyway.
    window.addEventListener("pagehide", () => this.flush({ keepalive: true }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush({ keepalive: true });
    });

    this.load();
  }

  // ---- the view switch ---------------------------------------------------------------

  wireView() {
    if (this.switcher) {
      this.switcher.addEventListener("click", (e) => {
        const b = e.target.closest("button[data-view]");
        if (b) this.show(b.dataset.view);
      });
    }
    window.addEventListener("hashchange", () => this.show(location.hash === VIEW_HASH ? "minutes" : "present", { fromHash: true }));
    window.addEventListener("keydown", (e) => {
      // In the minutes, these keys scroll and move the caret; they never turn the hall's page.
      if (this.visible && PAGE_KEYS.has(e.key)) e.stopPropagation();
    }, true);
    this.show(location.hash === VIEW_HASH ? "minutes" : "present", { fromHash: true });
  }

  get visible() {
    return document.body.dataset.consoleView === "minutes";
  }

  show(view, { fromHash = false } = {}) {
    const minutes = view === "minutes";
    document.body.dataset.consoleView = minutes ? "minutes" : "present";
    this.root.hidden = !minutes;
    for (const b of (this.switcher ? this.switcher.querySelectorAll("button[data-view]") : [])) {
      b.setAttribute("aria-pressed", String(b.dataset.view === (minutes ? "minutes" : "present")));
    }
    if (!fromHash) history.replaceState(null, "", minutes ? VIEW_HASH : location.pathname + location.search);
    if (minutes) {
      this.refreshSoon(0);
      this.paint();
      this.panel.relayout();
      this.openPendingConflict();
    }
  }

  // ---- loading -----------------------------------------------------------------------

  async readDrafts() {
    try {
      // Per user: two people may share a browser (a spare iPad at the desk).
      const me = await api("GET", "/api/me");
      this.storageKey = `minutes.drafts.v1.${this.meetingId}.${me.id}`;
      this.drafts = decodeDrafts(loadPref(this.storageKey, "{}"));
    } catch {
      this.storageKey = null;
    }
  }

  refreshSoon(delay = 250) {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.load(), delay);
  }

  /** Fetch the minutes and fold them into the editor (one fetch at a time). */
  async load() {
    await this.ready;
    if (this.loading) {
      this.loadAgain = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.loadAgain = false;
        try {
          this.apply(await api("GET", this.url));
        } catch (err) {
          if (err.code !== "network") toast(t("minutes.error.load", { message: err.message }), "error", 6000);
        }
      } while (this.loadAgain);
    })();
    try {
      await this.loading;
    } finally {
      this.loading = null;
    }
    return null;
  }

  apply(minutes) {
    if (this.minutes && minutes.version < this.minutes.version && minutes.status === this.minutes.status) return;
    this.minutes = minutes;
    const listed = new Set(minutes.items.map((i) => Number(i.agenda_item_id)));
    for (const [id, s] of this.states) {
      if (listed.has(id)) continue;
      // The item left the agenda (only an empty one can): unsaved text stays on the device.
      const draft = draftOf(s);
      if (draft) this.drafts[id] = draft;
      this.states.delete(id);
    }
    for (const item of minutes.items) {
      const id = Number(item.agenda_item_id);
      const known = this.states.get(id);
      if (known) {
        this.states.set(id, remoteUpdate(known, item));
      } else {
        this.states.set(id, restoreDraft(this.drafts[id], item));
        delete this.drafts[id];
      }
    }
    this.persist();
    this.paint();
    this.schedule();
    this.openPendingConflict();
  }

  reconnected() {
    for (const [id, s] of this.states) this.states.set(id, retryNow(s));
    this.refreshSoon(0);
    this.flush();
  }

  /** Called by console.js on every render. */
  render(meeting, rtState) {
    this.meeting = meeting;
    this.rtState = rtState;
    this.paint();
  }

  meetingStatus() {
    return (this.rtState && this.rtState.status) || (this.meeting && this.meeting.status) || null;
  }

  paint() {
    if (!this.minutes) return;
    const states = [...this.states.values()];
    this.panel.render({
      minutes: this.minutes,
      states: this.states,
      participants: (this.meeting && this.meeting.participants) || [],
      status: panelStatus(states),
      meetingStatus: this.meetingStatus(),
    });
    if (this.switcher) {
      const status = panelStatus(states);
      this.switcher.dataset.minutesState = status;
    }
  }

  // ---- typing and saving ---------------------------------------------------------------

  onInput({ id, field, value }) {
    const s = this.states.get(id);
    if (!s || !FIELDS.includes(field)) return;
    this.set(id, edit(s, field, value, Date.now()));
    this.schedule();
  }

  set(id, state) {
    this.states.set(id, state);
    this.persist();
    this.paint();
  }

  /** Unsaved texts (and those of items not loaded yet) into localStorage, at once. */
  persist() {
    if (!this.storageKey) return;
    savePref(this.storageKey, JSON.stringify({ ...this.drafts, ...encodeDrafts([...this.states.values()]) }));
  }

  schedule() {
    clearTimeout(this.timer);
    const next = nextDue([...this.states.values()]);
    if (!next) return;
    this.timer = setTimeout(() => {
      this.save(next.id);
      this.schedule();
    }, Math.max(0, next.at - Date.now()));
  }

  /** Save one item now if it has anything to save. Resolves when its request is done. */
  save(id, { keepalive = false } = {}) {
    const s = this.states.get(id);
    if (!s || !canSave(s)) return this.inFlight.get(id) || Promise.resolve();
    const { state, body } = beginSave(s);
    this.set(id, state);
    const request = (async () => {
      try {
        const saved = await api("PUT", `${this.url}/items/${id}`, body, { keepalive });
        this.noteItem(saved.minutes_version, saved.item);
        // Someone's newer text may have arrived while ours was on its way.
        const latest = this.minutes && this.minutes.items.find((i) => i.agenda_item_id === id);
        const next = saveSucceeded(this.states.get(id), saved.item);
        this.set(id, latest ? remoteUpdate(next, latest) : next);
      } catch (err) {
        const current = err.details && err.details.current;
        if (err.code === "conflict" && current && current.item) {
          this.set(id, saveConflicted(this.states.get(id), current.item));
          this.noteItem(current.minutes_version, current.item);
          this.openPendingConflict();
        } else {
          this.set(id, saveFailed(this.states.get(id), err.code, Date.now()));
          if (err.code === "meeting_closed" || (err.code === "conflict" && !current)) this.refreshSoon(0);
        }
      } finally {
        this.inFlight.delete(id);
        this.schedule();
      }
    })();
    this.inFlight.set(id, request);
    return request;
  }

  /** Keep the shown minutes in step with what a save answered (no refetch needed for our own saves). */
  noteItem(version, item) {
    if (!this.minutes) return;
    const newer = (i) => i.agenda_item_id === item.agenda_item_id && Number(item.version) >= Number(i.version);
    const items = this.minutes.items.map((i) => (newer(i) ? { ...i, ...item } : i));
    this.minutes = { ...this.minutes, version: Math.max(this.minutes.version, Number(version) || 0), items };
    this.paint();
  }

  /** Send every item that has something to send, now; resolves when all answered. */
  async flush({ keepalive = false } = {}) {
    clearTimeout(this.timer);
    const saves = [...this.states.keys()].map((id) => this.save(id, { keepalive }));
    await Promise.all(saves);
    // A save that left text behind (typed while it flew) goes too.
    if ([...this.states.values()].some((s) => canSave(s))) await Promise.all([...this.states.keys()].map((id) => this.save(id, { keepalive })));
  }

  // ---- conflicts --------------------------------------------------------------------------

  openPendingConflict() {
    if (!this.visible || this.dialogOpen) return;
    const s = [...this.states.values()].find((x) => x.conflict);
    if (s) this.resolveConflict(s.id);
  }

  async resolveConflict(id) {
    const s = this.states.get(id);
    if (!s || !s.conflict || this.dialogOpen) return;
    const item = this.minutes && this.minutes.items.find((i) => i.agenda_item_id === id);
    this.dialogOpen = true;
    let answer;
    try {
      answer = await conflictDialog({
        itemId: id,
        title: item ? `${item.position}. ${item.title}` : "",
        fields: s.conflict.fields,
        mine: s.local,
        theirs: s.conflict.theirs,
      });
    } finally {
      this.dialogOpen = false;
    }
    if (!answer) return; // later: both stay, the item says so
    this.set(id, resolve(this.states.get(id), answer.choice, answer.merged));
    await this.save(id);
    this.openPendingConflict();
  }

  async copy(id) {
    const s = this.states.get(id);
    if (!s) return;
    const text = FIELDS.map((f) => `${t(`minutes.item.${f}`)}:\n${s.local[f]}`).join("\n\n");
    try {
      await navigator.clipboard.writeText(text);
      toast(t("minutes.copied"), "success");
    } catch {
      toast(t("minutes.copy_failed"), "error");
    }
  }

  async discard(id) {
    const s = this.states.get(id);
    if (!s) return;
    const ok = await askDialog({
      testid: "minutes-discard-dialog", title: t("minutes.discard_title"), text: t("minutes.discard_text"),
      confirm: t("minutes.discard"), confirmTestid: "minutes-discard-confirm", tone: "danger",
    });
    if (!ok) return;
    const item = this.minutes.items.find((i) => i.agenda_item_id === id);
    if (item) this.set(id, itemFromServer(item));
  }

  // ---- header -------------------------------------------------------------------------------

  async saveHeader(change) {
    if (!this.minutes) return;
    const base = { ...this.minutes.header };
    let changes = headerChanges(base, { ...base, ...change });
    if (!Object.keys(changes).length) return;
    let version = this.minutes.version;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        this.apply(await api("PUT", this.url, { version, header: changes }));
        return;
      } catch (err) {
        const current = err.details && err.details.current;
        if (err.code !== "conflict" || !current || !current.header) {
          toast(err.message, "error", 6000);
          this.paint();
          return;
        }
        const again = rebaseHeader(base, changes, current.header);
        if (again.overridden.length) {
          toast(t("minutes.header.overridden", { fields: again.overridden.map(headerLabel).join(", ") }), "info", 6000);
        }
        changes = again.changes;
        version = current.version;
        if (!Object.keys(changes).length) {
          this.apply(current);
          return;
        }
      }
    }
  }

  // ---- finalize and confirm ------------------------------------------------------------------

  async finalize() {
    await this.flush();
    const unsaved = [...this.states.values()].filter((s) => isDirty(s) || s.conflict);
    const titles = unsaved.map((s) => {
      const item = this.minutes.items.find((i) => i.agenda_item_id === s.id);
      return item ? `${item.position}. ${item.title}` : `#${s.id}`;
    });
    const ok = await askDialog({
      testid: "minutes-finalize-dialog",
      title: t("minutes.finalize.title"),
      text: t("minutes.finalize.text"),
      detail: titles.length ? t("minutes.finalize.unsaved", { items: titles.join("; ") }) : null,
      confirm: t("minutes.finalize.button"),
      confirmTestid: "minutes-finalize-confirm",
    });
    if (!ok) return;
    try {
      await api("POST", `${this.url}/finalize`);
      toast(t("minutes.finalize.done"), "success");
    } catch (err) {
      toast(err.message, "error", 8000);
    }
    await this.load();
  }

  async confirm(role) {
    const ok = await askDialog({
      testid: "minutes-confirm-dialog",
      title: t("minutes.confirm.dialog_title"),
      text: t("minutes.confirm.dialog_text", { role: t(`minutes.confirm.role.${role}`).toLowerCase(), sha: (this.minutes.sha256 || "").slice(0, 16) }),
      confirm: t("minutes.confirm.button"),
      confirmTestid: "minutes-confirm-ok",
    });
    if (!ok) return;
    try {
      this.apply(await api("POST", `${this.url}/confirm`));
      toast(t("minutes.confirm.saved"), "success");
    } catch (err) {
      toast(err.message, "error", 6000);
      await this.load();
    }
  }
}
