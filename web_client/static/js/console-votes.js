// The console's attendance and votes: data from the server and its events
// into the two panels, the secretary's actions back to the server.
// console.js owns the meeting; it hands it over with the handle's
// render(meeting, rtState), and gets the server's answer to a new quorum rule
// back as a bubbling "meeting:updated" {meeting} from the attendance summary.
import { t } from "./lib/i18n.js";
import { api } from "./lib/api.js";
import { emit } from "./lib/dom.js";
import { toast } from "./meeting-common.js";
import { AttendancePanel } from "./components/attendance-panel.js";
import { VotePanel } from "./components/vote-panel.js";
import { voteFormDialog } from "./components/vote-form-dialog.js";
import { confirmDialog } from "./components/confirm-dialog.js";
import { quorumRuleDialog } from "./components/quorum-rule-dialog.js";
import { currentAttendance, computeCounts, attendanceBody } from "./logic/attendance.js";
import { upsertVote, withProgress, progressOf, quorumRefusal, optionLabel } from "./logic/votes.js";

/** Wire the attendance and votes panels of the console; returns {render(meeting, rtState)}. */
export function mountConsoleVotes({ meetingId, participants, summary, votes: votesEl }) {
  let meeting = null;
  let rtState = null;
  let votes = [];
  const busy = new Set(); // vote ids with a request in flight
  const turnouts = new Map(); // open vote id -> who has not voted yet (GET /api/votes/{id}/turnout)
  let me = null; // the console user's id: the secretary and the chair vote here too
  api("GET", "/api/me").then((u) => {
    me = u ? u.id : null;
    renderVotes();
  }).catch(() => {});
  const pending = new Map(); // user id -> attendance entry sent, until the event confirms it
  const attendance = new AttendancePanel(participants, summary);
  const panel = new VotePanel(votesEl);

  function meetingStatus() {
    return (rtState && rtState.status) || (meeting && meeting.status);
  }

  /** The attendance shown: the server's, with our in-flight changes on top. */
  function attendanceNow() {
    const now = currentAttendance(meeting, rtState);
    if (!now || !pending.size) return now;
    const list = now.attendance.filter((a) => !pending.has(Number(a.user_id))).concat([...pending.values()]);
    return { ...now, attendance: list, counts: computeCounts(meeting.participants, list, now.quorum) };
  }

  /**
   * Drop the local changes the server's record has caught up with: those
   * it shows already, and those it answered before its latest event (the
   * event is sent on commit, before the HTTP answer comes back).
   */
  function settlePending({ event = false } = {}) {
    const now = currentAttendance(meeting, rtState);
    const server = new Map(((now && now.attendance) || []).map((a) => [Number(a.user_id), a]));
    for (const [id, entry] of pending) {
      const a = server.get(id);
      const shown = a && a.status === entry.status && (a.reason || "") === entry.reason
        && Boolean(a.left_at) === Boolean(entry.left_at);
      if (shown || (event && entry.answered)) pending.delete(id);
    }
  }

  function renderAttendance() {
    if (!meeting) return;
    const now = attendanceNow();
    attendance.render({
      participants: meeting.participants || [],
      attendance: now ? now.attendance : null,
      counts: now ? now.counts : null,
      quorum: now ? now.quorum : undefined,
      live: (rtState && rtState.present) || [],
      readOnly: meetingStatus() === "closed",
      pending: new Set(pending.keys()),
      zone: meeting.timezone,
      openedAt: meeting.opened_at,
    });
  }

  function renderVotes() {
    if (!meeting) return;
    panel.render({ votes, status: meetingStatus(), items: meeting.agenda || [], busy, turnouts, me });
  }

  // ---- who has not voted, and ballots recorded here -----------------------------------

  /** Fetch who has not voted yet in each open vote (names, never choices). */
  async function loadTurnouts() {
    const open = votes.filter((v) => v.status === "open");
    for (const id of [...turnouts.keys()]) if (!open.some((v) => Number(v.id) === id)) turnouts.delete(id);
    await Promise.all(open.map(async (v) => {
      try {
        turnouts.set(Number(v.id), await api("GET", `/api/votes/${v.id}/turnout`));
      } catch {
        turnouts.delete(Number(v.id));
      }
    }));
    renderVotes();
  }

  /** The console user's own ballot, or one recorded for a present member without a tablet. */
  async function recordBallot({ id, user_id: userId, choice, name }) {
    const vote = votes.find((v) => Number(v.id) === Number(id));
    if (!vote) return;
    const self = Number(userId) === Number(me);
    const ok = await confirmDialog({
      testid: "vote-record-dialog",
      title: t(self ? "vote.panel.vote_self_title" : "vote.panel.record_title"),
      text: t(self ? "vote.panel.vote_self_text" : "vote.panel.record_text", { name, option: optionLabel(choice, t), title: vote.title }),
      detail: self ? null : t("vote.panel.record_note"),
      confirm: t(self ? "vote.panel.vote_self_confirm" : "vote.panel.record_confirm"),
      confirmTestid: "vote-record-confirm",
      cancelTestid: "vote-dialog-cancel",
    });
    if (!ok) return;
    await withBusy(id, async () => {
      try {
        await api("POST", `/api/votes/${id}/ballot`, self ? { choice } : { choice, on_behalf_of: userId });
        toast(t(self ? "vote.panel.vote_self_done" : "vote.panel.record_done", { name }), "success");
      } catch (err) {
        toast(`${name}: ${err.message}`, "error", 6000);
      }
    });
    loadTurnouts();
  }

  /** A secret vote's paper ballots, counted per option (replaces the count before). */
  async function recordPaper({ id, tally }) {
    const body = {};
    for (const [option, value] of Object.entries(tally)) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) {
        toast(t("vote.panel.paper_invalid"), "error");
        return;
      }
      body[option] = n;
    }
    await withBusy(id, async () => {
      try {
        upsert(await api("POST", `/api/votes/${id}/paper`, { tally: body }));
        toast(t("vote.panel.paper_done"), "success");
      } catch (err) {
        toast(err.message, "error", 6000);
      }
    });
    loadTurnouts();
  }

  // ---- attendance ----------------------------------------------------------------

  async function setAttendance({ user_id: userId, status, reason, left = false }) {
    const r = attendanceBody(status, reason, left);
    if (r.error) {
      toast(t(r.error), "error");
      return;
    }
    const person = (meeting.participants || []).find((p) => Number(p.user_id) === Number(userId));
    // Shown at once; the attendance:changed that follows the answer replaces it.
    const entry = {
      user_id: userId, status, reason: r.body.reason || "", checked_in_at: null,
      left_at: r.body.left ? new Date().toISOString() : null, answered: false,
    };
    pending.set(Number(userId), entry);
    renderAttendance();
    try {
      await api("PUT", `/api/meetings/${meetingId}/attendance/${userId}`, r.body);
      entry.answered = true;
      settlePending();
      renderAttendance();
    } catch (err) {
      if (pending.get(Number(userId)) === entry) pending.delete(Number(userId));
      renderAttendance();
      toast(`${person ? `${person.full_name}: ` : ""}${err.message}`, "error", 6000);
    }
  }

  /** The quorum rule: chosen in a dialog, set by the server, shown from its answer (and its event). */
  function editQuorum() {
    const now = attendanceNow();
    if (!now || meetingStatus() === "closed") return;
    quorumRuleDialog({
      quorum: now.quorum,
      voting: now.counts.voting,
      submit: async (body) => {
        try {
          const updated = await api("PATCH", `/api/meetings/${meetingId}/quorum`, body);
          emit(summary, "meeting:updated", { meeting: updated });
          toast(t("quorum.saved", body), "success");
          return null;
        } catch (err) {
          return err.message;
        }
      },
    });
  }

  // ---- votes ---------------------------------------------------------------------

  async function loadVotes() {
    try {
      votes = await api("GET", `/api/meetings/${meetingId}/votes`);
    } catch (err) {
      toast(err.message, "error", 6000);
    }
    renderVotes();
    loadTurnouts();
  }

  function upsert(vote) {
    votes = upsertVote(votes, vote);
    renderVotes();
  }

  function presentedItemId() {
    const p = rtState && rtState.presenter;
    if (!p || !meeting) return null;
    for (const item of meeting.agenda || []) {
      if ((item.documents || []).some((d) => Number(d.id) === Number(p.document_id))) return item.id;
    }
    return null;
  }

  function newVote() {
    voteFormDialog({
      items: meeting.agenda || [],
      // The item being presented is most likely the one voted on.
      defaultItemId: presentedItemId(),
      submit: async (body) => {
        try {
          const vote = await api("POST", `/api/meetings/${meetingId}/votes`, body);
          upsert(vote);
          toast(t("vote.panel.created", { title: vote.title }), "success");
          return null;
        } catch (err) {
          return err.message;
        }
      },
    });
  }

  async function withBusy(id, fn) {
    busy.add(Number(id));
    renderVotes();
    try {
      return await fn();
    } finally {
      busy.delete(Number(id));
      renderVotes();
    }
  }

  async function openVote(id, override = false) {
    const result = await withBusy(id, async () => {
      try {
        const body = override ? { override_quorum: true } : {};
        upsert(await api("POST", `/api/votes/${id}/open`, body));
        return null;
      } catch (err) {
        return err;
      }
    });
    if (!result) return;
    const refusal = quorumRefusal(result, (attendanceNow() || {}).counts);
    if (refusal && !override) {
      if (await confirmWithoutQuorum(refusal)) openVote(id, true);
      return;
    }
    toast(result.message, "error", 6000);
  }

  /** Opening without a quorum: present/required, and an explicit "open anyway" that the vote records. */
  function confirmWithoutQuorum({ present, required }) {
    return confirmDialog({
      testid: "vote-quorum-dialog",
      title: t("vote.panel.quorum_title"),
      text: t("vote.panel.quorum_text", { present, required }),
      detail: t("vote.panel.quorum_note"),
      confirm: t("vote.panel.quorum_override"),
      confirmTestid: "vote-open-anyway",
      tone: "danger",
      warning: true,
      cancelTestid: "vote-dialog-cancel",
      messageTestid: "vote-quorum-message",
      messageData: { present, required },
    });
  }

  async function closeVote(id) {
    const vote = votes.find((v) => Number(v.id) === Number(id));
    if (!vote) return;
    const remaining = progressOf(vote).remaining;
    const ok = await confirmDialog({
      testid: "vote-close-dialog",
      title: t("vote.panel.close_title"),
      text: t("vote.panel.close_text"),
      detail: remaining > 0 ? t("vote.panel.close_remaining", { remaining }) : null,
      confirm: t("vote.panel.close"),
      confirmTestid: "vote-close-confirm",
      tone: "danger",
      cancelTestid: "vote-dialog-cancel",
    });
    if (!ok) return;
    await withBusy(id, async () => {
      try {
        upsert(await api("POST", `/api/votes/${id}/close`));
      } catch (err) {
        toast(err.message, "error", 6000);
      }
    });
  }

  async function removeVote(id) {
    const vote = votes.find((v) => Number(v.id) === Number(id));
    if (!vote) return;
    const ok = await confirmDialog({
      testid: "vote-delete-dialog",
      title: t("vote.panel.delete_title"),
      text: t("vote.panel.delete_text", { title: vote.title }),
      confirm: t("vote.panel.delete"),
      confirmTestid: "vote-delete-confirm",
      tone: "danger",
      cancelTestid: "vote-dialog-cancel",
    });
    if (!ok) return;
    await withBusy(id, async () => {
      try {
        await api("DELETE", `/api/votes/${id}`);
        votes = votes.filter((v) => Number(v.id) !== Number(id));
      } catch (err) {
        toast(err.message, "error", 6000);
      }
    });
  }

  // ---- wiring ----------------------------------------------------------------------

  participants.addEventListener("attendance:set", (e) => setAttendance(e.detail));
  summary.addEventListener("quorum:edit", () => editQuorum());
  votesEl.addEventListener("vote:new", () => newVote());
  votesEl.addEventListener("vote:open", (e) => openVote(e.detail.id));
  votesEl.addEventListener("vote:close", (e) => closeVote(e.detail.id));
  votesEl.addEventListener("vote:delete", (e) => removeVote(e.detail.id));
  votesEl.addEventListener("vote:record", (e) => recordBallot(e.detail));
  votesEl.addEventListener("vote:paper", (e) => recordPaper(e.detail));

  document.addEventListener("rt:state", (e) => {
    // Every (re)join: fetch the list again (drafts made on another console,
    // anything closed while this one was away).
    rtState = e.detail.state;
    loadVotes();
  });
  document.addEventListener("rt:vote:opened", (e) => {
    upsert(e.detail.data.vote);
    loadTurnouts();
  });
  document.addEventListener("rt:vote:closed", (e) => {
    upsert(e.detail.data.vote);
    loadTurnouts();
  });
  document.addEventListener("rt:vote:progress", (e) => {
    votes = votes.map((v) => withProgress(v, e.detail.data));
    renderVotes();
    // Who has voted changed: the list of those who have not, by name.
    if (!e.detail.replay) loadTurnouts();
  });
  document.addEventListener("rt:attendance:changed", (e) => {
    rtState = e.detail.state;
    settlePending({ event: true });
    renderAttendance();
    if (votes.some((v) => v.status === "open")) loadTurnouts();
  });

  return {
    /** Called by console.js on every render. */
    render(m, state) {
      meeting = m;
      rtState = state;
      renderAttendance();
      renderVotes();
    },
  };
}
