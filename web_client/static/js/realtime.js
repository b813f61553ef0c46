// The one module that talks Socket.IO. It turns socket messages into DOM
// events on `target` (default: document), keeps the meeting state with seq
// bookkeeping, and rejoins with since_seq after every reconnect.
//
// DOM events (CustomEvent, detail as noted):
//   rt:connection      {state: "connected"|"reconnecting"|"offline", reason}
//   rt:state           {state, resync, events}   after every successful join
//   rt:<socket event>  {data, state, replay}     e.g. "rt:page:turned",
//                      "rt:attendance:changed", "rt:meeting:status",
//                      "rt:vote:opened", "rt:vote:progress", "rt:vote:closed":
//                      one per new event (live, or replayed from a join's
//                      `missed`); `state` keeps open_votes and the attendance
//                      record up to date (logic/meeting-state.js)
//   rt:annotation:drawing {data, state, replay: false}  transient: every one
//   rt:join-error      {error}                   the join was refused
//   rt:screen:changed  {data, state, replay}     the hall screen's mode or ink gate;
//                      `state.screen` = {mode, show_shared_ink} (also after a join)
import { io } from "/vendor/socket.io/socket.io.esm.min.js";
import { createMeetingState, joinPayload, applyEvent, applyJoinAck } from "./logic/meeting-state.js";
import { api, redirectToLogin } from "./lib/api.js";
import { lang } from "./lib/i18n.js";

const ACK_TIMEOUT_MS = 8000;
// Relayed live, never logged: their seq is the meeting's last one, not a new
// one, so they skip the seq bookkeeping (and are never held back or replayed).
const TRANSIENT_EVENTS = new Set(["annotation:drawing"]);

/** The hall screen's state after a screen:changed event (other events leave it). */
function withScreen(state, event, data) {
  if (event !== "screen:changed" || !data) return state;
  return { ...state, screen: { mode: data.mode, show_shared_ink: Boolean(data.show_shared_ink) } };
}

export function connectMeeting(meetingId, { target = document, watch = false } = {}) {
  const socket = io({
    path: "/socket.io",
    transports: ["websocket", "polling"],
    withCredentials: true,
    auth: { lang: lang() }, // the page's language: the server's acks answer in it
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.3,
    timeout: 8000,
  });

  let state = createMeetingState();
  let connState = null;
  let joining = false;
  let joinToken = 0;
  let buffered = [];
  let retryTimer = null;

  const dispatch = (name, detail) => target.dispatchEvent(new CustomEvent(name, { detail }));

  function setConnection(next, reason = "") {
    if (next === connState) return;
    connState = next;
    dispatch("rt:connection", { state: next, reason });
  }

  function disconnectedState() {
    return navigator.onLine === false ? "offline" : "reconnecting";
  }

  function deliver(event, data, replay) {
    dispatch(`rt:${event}`, { data, state, replay });
  }

  function onServerEvent(event, data) {
    if (!data || typeof data !== "object") return;
    if (data.meeting_id != null && Number(data.meeting_id) !== Number(meetingId)) return;
    if (TRANSIENT_EVENTS.has(event)) {
      deliver(event, data, false);
      return;
    }
    if (joining) {
      buffered.push({ event, data });
      return;
    }
    const r = applyEvent(state, event, data);
    if (!r.applied) return;
    state = withScreen(r.state, event, data);
    deliver(event, data, false);
  }

  function join() {
    if (!socket.connected) return;
    const token = ++joinToken;
    joining = true;
    buffered = [];
    socket.timeout(ACK_TIMEOUT_MS).emit("meeting:join", joinPayload(state, meetingId, { watch }), async (err, ack) => {
      if (token !== joinToken) return;
      if (!err && ack && ack.ok && ack.more) {
        // A long absence: the rest of what was missed comes page by page.
        const rest = await remainingPages(ack.until);
        if (token !== joinToken) return;
        if (rest === null) {
          reconnectNow();
          return;
        }
        ack = { ...ack, missed: ack.missed.concat(rest.missed), resync: rest.resync, more: false };
        if (rest.resync) ack.missed = null;
      }
      const held = buffered;
      joining = false;
      buffered = [];
      if (err) {
        // No answer: the link is dead even if the socket thinks otherwise.
        reconnectNow();
        return;
      }
      if (!ack || !ack.ok) {
        const error = (ack && ack.error) || { code: "error", message: "" };
        dispatch("rt:join-error", { error });
        if (error.code === "unauthorized") redirectToLogin();
        // Deliver what arrived meanwhile, then stay connected; a later
        // reconnect will try again.
        for (const item of held) onServerEvent(item.event, item.data);
        return;
      }
      const r = applyJoinAck(state, ack, held);
      // The snapshot's screen is the current one; held events after it may change it again.
      state = { ...r.state, screen: (ack.state && ack.state.screen) || state.screen || null };
      for (const item of held) {
        if (item.event === "screen:changed" && Number(item.data.seq) > Number(ack.seq)) state = withScreen(state, item.event, item.data);
      }
      setConnection("connected");
      for (const item of r.events) deliver(item.event, item.data, true);
      dispatch("rt:state", { state, resync: r.resync, events: r.events });
    });
  }

  /** The missed events after `since` (meeting:replay, page by page), or null if the link failed. */
  async function remainingPages(since) {
    const missed = [];
    for (;;) {
      const page = await request("meeting:replay", { meeting_id: meetingId, since_seq: since });
      if (!page.ok) return null;
      if (page.resync) return { missed: [], resync: true };
      missed.push(...(page.missed || []));
      if (!page.more) return { missed, resync: false };
      since = page.until;
    }
  }

  /** Drop whatever the socket is doing and connect again right now. */
  function reconnectNow() {
    clearTimeout(retryTimer);
    setConnection(disconnectedState());
    if (navigator.onLine === false) return; // the `online` event brings us back
    socket.disconnect();
    socket.connect();
  }

  socket.on("connect", () => {
    clearTimeout(retryTimer);
    join();
  });

  // This node lost the broker for a while: events from the other nodes never
  // came. Rejoining with since_seq replays them from the meeting's log.
  socket.on("server:resync", () => join());

  socket.on("disconnect", (reason) => {
    joining = false;
    joinToken++;
    setConnection(disconnectedState(), reason);
    // The server closed us on purpose (e.g. after logout or a restart):
    // socket.io does not retry that by itself.
    if (reason === "io server disconnect") {
      retryTimer = setTimeout(() => socket.connect(), 1000);
    }
  });

  socket.on("connect_error", async (err) => {
    setConnection(disconnectedState(), err && err.message);
    if (socket.active) return; // socket.io keeps retrying with backoff
    // The server refused the connection and said why (err.data = {code, message}).
    if (err && err.data && err.data.code === "unauthorized") {
      redirectToLogin();
      return;
    }
    // Refused without a reason (a proxy, an old server): find out whether the
    // session is gone, else retry later.
    try {
      await api("GET", "/api/me", undefined, { redirectOn401: false });
    } catch (e) {
      if (e && e.status === 401) {
        redirectToLogin();
        return;
      }
    }
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => socket.connect(), 3000);
  });

  socket.onAny((event, data) => onServerEvent(event, data));

  // Wi-Fi back, or the iPad woke up: do not wait for the backoff timer.
  const onOnline = () => reconnectNow();
  const onOffline = () => setConnection("offline", "offline");
  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    if (!socket.connected) reconnectNow();
    else join(); // also a liveness check: a dead link times out and reconnects
  };
  window.addEventListener("online", onOnline);
  window.addEventListener("offline", onOffline);
  document.addEventListener("visibilitychange", onVisible);
  window.addEventListener("pageshow", (e) => {
    if (e.persisted) onVisible();
  });

  setConnection(navigator.onLine === false ? "offline" : "reconnecting", "connecting");

  /** Send a client event with an ack; resolves with the ack, never rejects. */
  function request(event, payload) {
    if (!socket.connected) {
      return Promise.resolve({ ok: false, error: { code: "offline", message: "" } });
    }
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, ack) => {
        if (err) resolve({ ok: false, error: { code: "timeout", message: "" } });
        else resolve(ack || { ok: false, error: { code: "error", message: "" } });
      });
    });
  }

  return {
    socket,
    get state() {
      return state;
    },
    get connection() {
      return connState;
    },
    turnPage(documentId, page) {
      return request("page:turn", { meeting_id: meetingId, document_id: documentId, page });
    },
    /** The hall screen: {mode?, show_shared_ink?} (PUT /api/meetings/{id}/screen). */
    setScreen(change) {
      return api("PUT", `/api/meetings/${meetingId}/screen`, change);
    },
    request,
    reconnectNow,
    leave() {
      if (socket.connected) socket.emit("meeting:leave", { meeting_id: meetingId }, () => {});
    },
    close() {
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisible);
      clearTimeout(retryTimer);
      socket.disconnect();
    },
  };
}
