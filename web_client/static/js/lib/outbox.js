// The annotation outbox: every change a member makes (annotation:put or
// annotation:delete) is written here first, in IndexedDB, and sent from
// here; it leaves only when the server acks it. So a stroke drawn on a
// flaky Wi-Fi, in a lift, or just before the iPad sleeps reaches the server
// on the next connect, exactly once (the server takes a resend of the same
// change as a no-op). The rules live in logic/outbox-rules.js.
//
// Events (on the Outbox, an EventTarget):
//   change   the set of waiting records changed (count, marker)
//   acked    {record, ack}   the server took it
//   dropped  {record, ack}   the server refused it for good
// Where IndexedDB is unavailable (old Safari private mode) the records live
// in memory only: still sent, but lost if the page closes before.
import {
  nextClientTime, makeRecord, messageFor, ackOutcome, isSameChange, sendOrder, retryDelay,
} from "../logic/outbox-rules.js";
import { load as loadPref, save as savePref } from "./store.js";

const DB_NAME = "meeting-annotations";
const STORE = "outbox";
const RETRY_MS = 5000;
const CLOCK_KEY = "annotations.client_time";

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  return new Promise((resolve, reject) => {
    if (!("indexedDB" in globalThis) || !globalThis.indexedDB) {
      reject(new Error("no IndexedDB"));
      return;
    }
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: "id" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error("IndexedDB blocked"));
  });
}

export class Outbox extends EventTarget {
  /**
   * @param {{meetingId: number, userId: number,
   *          send: (event: string, payload: object) => Promise<object>}} opts
   *   `send` resolves with the ack, or {ok: false, error: {code: "offline"|"timeout"}}.
   */
  constructor({ meetingId, userId, send }) {
    super();
    this.meetingId = meetingId;
    this.userId = userId;
    this.send = send;
    this.records = new Map(); // id -> record (this meeting and user only)
    this.db = null;
    this.clock = Number(loadPref(CLOCK_KEY)) || 0;
    this.flushing = false;
    this.again = false;
    this.retryTimer = null;
  }

  /** Load what is still waiting from an earlier visit. */
  async open() {
    try {
      this.db = await openDb();
      const tx = this.db.transaction(STORE, "readonly");
      const all = await request(tx.objectStore(STORE).getAll());
      for (const r of sendOrder(all, this.meetingId, this.userId)) {
        this.records.set(r.id, r);
        this.clock = Math.max(this.clock, r.client_time || 0);
      }
    } catch (err) {
      console.warn("outbox: IndexedDB unavailable, keeping changes in memory only", err);
      this.db = null;
    }
    this.changed();
    return this;
  }

  get count() {
    return this.records.size;
  }

  /** Waiting records, in the order they were made (for the page overlay). */
  list() {
    return sendOrder([...this.records.values()], this.meetingId, this.userId);
  }

  has(id) {
    return this.records.has(id);
  }

  changed() {
    this.dispatchEvent(new CustomEvent("change", { detail: { count: this.count } }));
  }

  async write(record) {
    if (!this.db) return;
    try {
      const tx = this.db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).put(record);
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } catch (err) {
      console.warn("outbox: could not persist a change", err);
    }
  }

  async erase(id) {
    if (!this.db) return;
    try {
      const tx = this.db.transaction(STORE, "readwrite");
      tx.objectStore(STORE).delete(id);
      await new Promise((resolve) => {
        tx.oncomplete = resolve;
        tx.onerror = resolve;
        tx.onabort = resolve;
      });
    } catch {
      // Gone from memory already; a stale copy would be resent and acked as a no-op.
    }
  }

  /**
   * Queue a change: {op: "put", annotation} or {op: "delete", id, document_id, page}.
   * It replaces any change to the same id still waiting, is stored, and sent.
   */
  async add(change) {
    this.clock = nextClientTime(this.clock, Date.now());
    savePref(CLOCK_KEY, String(this.clock));
    const record = makeRecord(change, {
      meetingId: this.meetingId, userId: this.userId, clientTime: this.clock, order: this.clock,
    });
    this.records.set(record.id, record);
    this.changed();
    await this.write(record);
    this.flush();
    return record;
  }

  /** Send everything waiting, in order, one at a time. Safe to call any time. */
  async flush() {
    if (this.flushing) {
      this.again = true;
      return;
    }
    this.flushing = true;
    clearTimeout(this.retryTimer);
    try {
      do {
        this.again = false;
        for (const queued of this.list()) {
          const record = this.records.get(queued.id); // replaced meanwhile? send the latest
          if (!record) continue;
          const { event, payload } = messageFor(record);
          const ack = await this.send(event, payload);
          const outcome = ackOutcome(ack, record);
          if (outcome === "keep") {
            // Offline: the next join flushes again. Connected but no answer, or
            // too fast for the server: try again soon (as soon as it says).
            const code = ack && ack.error && ack.error.code;
            if (code !== "offline") this.retryTimer = setTimeout(() => this.flush(), retryDelay(ack, RETRY_MS));
            return;
          }
          if (isSameChange(this.records.get(record.id), record)) {
            this.records.delete(record.id);
            await this.erase(record.id);
            this.changed();
          }
          this.dispatchEvent(new CustomEvent(outcome === "done" ? "acked" : "dropped", { detail: { record, ack } }));
        }
      } while (this.again);
    } finally {
      this.flushing = false;
    }
  }
}
