// The console's attendance and votes: data from the server and its events
// into the two panels, the secretary's actions back to the server.
// console.js owns the meeting; it hands it over with render(meeting, rtState),
// and gets the server's answer to a new quorum rule back as a bubbling
// "meeting:updated" {meeting} from the attendance summary.
import { t } from "./lib/i18n.js";
import { api } from "./lib/api.js";
import { emit } from "./lib/dom.js";
import { toast } from "./meeting-common.js";
import { AttendancePanel } from "./components/attendance-panel.js";
import { VotePanel, voteFormDialog, confirmDialog, quorumDialog } from "./components/vote-panel.js";
import { quorumRuleDialog } from "./components/quorum-rule-dialog.js";
import { currentAttendance, computeCounts, attendanceBody } from "./logic/attendance.js";
import { upsertVote, withProgress, progressOf, quorumRefusal } from "./logic/votes.js";

export class ConsoleVotes {
  constructor({ meetingId, participants, summary, votes }) {
    this.meetingId = meetingId;
    this.meeting = null;
    this.rtState = null;
    this.votes = [];
    this.busy = new Set(); // vote ids with a request in flight
    this.pending = new Map(); // user id -> attendance entry sent, until the event confirms it
    this.summary = summary;
    this.attendance = new AttendancePanel(participants, summary);
    this.panel = new VotePanel(votes);

    participants.addEventListener("attendance:set", (e) => this.setAttendance(e.detail));
    summary.addEventListener("quorum:edit", () => this.editQuorum());
    votes.addEventListener("vote:new", () => this.newVote());
    votes.addEventListener("vote:open", (e) => this.open(e.detail.id));
    votes.addEventListener("vote:close", (e) => this.close(e.detail.id));
    votes.addEventListener("vote:delete", (e) => this.remove(e.detail.id));

    document.addEventListener("rt:state", (e) => {
      // Every (re)join: fetch the list again (drafts made on another console,
      // anything closed while this one was away).
      this.rtState = e.detail.state;
      this.loadVotes();
    });
    document.addEventListener("rt:vote:opened", (e) => this.upsert(e.detail.data.vote));
    document.addEventListener("rt:vote:closed", (e) => this.upsert(e.detail.data.vote));
    document.addEventListener("rt:vote:progress", (e) => {
      this.votes = this.votes.map((v) => withProgress(v, e.detail.data));
      this.renderVotes();
    });
    document.addEventListener("rt:attendance:changed", (e) => {
      this.rtState = e.detail.state;
      this.settlePending({ event: true });
      this.renderAttendance();
    });
  }

  /** Called by console.js on every render. */
  render(meeting, rtState) {
    this.meeting = meeting;
    this.rtState = rtState;
    this.renderAttendance();
    this.renderVotes();
  }

  status() {
    return (this.rtState && this.rtState.status) || (this.meeting && this.meeting.status);
  }

  /** The attendance shown: the server's, with our in-flight changes on top. */
  attendanceNow() {
    const meeting = this.meeting;
    const now = currentAttendance(meeting, this.rtState);
    if (!now || !this.pending.size) return now;
    const list = now.attendance.filter((a) => !this.pending.has(Number(a.user_id))).concat([...this.pending.values()]);
    return { ...now, attendance: list, counts: computeCounts(meeting.participants, list, now.quorum) };
  }

  /**
   * Drop the local changes the server's record has caught up with: those
   * it shows already, and those it answered before its latest event (the
   * event is sent on commit, before the HTTP answer comes back).
   */
  settlePending({ event = false } = {}) {
    const now = currentAttendance(this.meeting, this.rtState);
    const server = new Map(((now && now.attendance) || []).map((a) => [Number(a.user_id), a]));
    for (const [id, entry] of this.pending) {
      const a = server.get(id);
      const shown = a && a.status === entry.status && (a.reason || "") === entry.reason;
      if (shown || (event && entry.answered)) this.pending.delete(id);
    }
  }

  renderAttendance() {
    if (!this.meeting) return;
    const now = this.attendanceNow();
    this.attendance.render({
      participants: this.meeting.participants || [],
      attendance: now ? now.attendance : null,
      counts: now ? now.counts : null,
      quorum: now ? now.quorum : undefined,
      live: (this.rtState && this.rtState.present) || [],
      readOnly: this.status() === "closed",
      pending: new Set(this.pending.keys()),
    });
  }

  renderVotes() {
    if (!this.meeting) return;
    this.panel.render({ votes: this.votes, status: this.status(), items: this.meeting.agenda || [], busy: this.busy });
  }

  // ---- attendance ----------------------------------------------------------------

  async setAttendance({ user_id: userId, status, reason }) {
    const r = attendanceBody(status, reason);
    if (r.error) {
      toast(t(r.error), "error");
      return;
    }
    const person = (this.meeting.participants || []).find((p) => Number(p.user_id) === Number(userId));
    // Shown at once; the attendance:changed that follows the answer replaces it.
    const entry = { user_id: userId, status, reason: r.body.reason || "", checked_in_at: null, answered: false };
    this.pending.set(Number(userId), entry);
    this.renderAttendance();
    try {
      await api("PUT", `/api/meetings/${this.meetingId}/attendance/${userId}`, r.body);
      entry.answered = true;
      this.settlePending();
      this.renderAttendance();
    } catch (err) {
      if (this.pending.get(Number(userId)) === entry) this.pending.delete(Number(userId));
      this.renderAttendance();
      toast(`${person ? `${person.full_name}: ` : ""}${err.message}`, "error", 6000);
    }
  }

  /** The quorum rule: chosen in a dialog, set by the server, shown from its answer (and its event). */
  editQuorum() {
    const now = this.attendanceNow();
    if (!now || this.status() === "closed") return;
    quorumRuleDialog({
      quorum: now.quorum,
      voting: now.counts.voting,
      submit: async (body) => {
        try {
          const meeting = await api("PATCH", `/api/meetings/${this.meetingId}/quorum`, body);
          emit(this.summary, "meeting:updated", { meeting });
          toast(t("quorum.saved", body), "success");
          return null;
        } catch (err) {
          return err.message;
        }
      },
    });
  }

  // ---- votes ---------------------------------------------------------------------

  async loadVotes() {
    try {
      this.votes = await api("GET", `/api/meetings/${this.meetingId}/votes`);
    } catch (err) {
      toast(err.message, "error", 6000);
    }
    this.renderVotes();
  }

  upsert(vote) {
    this.votes = upsertVote(this.votes, vote);
    this.renderVotes();
  }

  presentedItemId() {
    const p = this.rtState && this.rtState.presenter;
    if (!p || !this.meeting) return null;
    for (const item of this.meeting.agenda || []) {
      if ((item.documents || []).some((d) => Number(d.id) === Number(p.document_id))) return item.id;
    }
    return null;
  }

  newVote() {
    voteFormDialog({
      items: this.meeting.agenda || [],
      // The item being presented is most likely the one voted on.
      defaultItemId: this.presentedItemId(),
      submit: async (body) => {
        try {
          const vote = await api("POST", `/api/meetings/${this.meetingId}/votes`, body);
          this.upsert(vote);
          toast(t("vote.panel.created", { title: vote.title }), "success");
          return null;
        } catch (err) {
          return err.message;
        }
      },
    });
  }

  async withBusy(id, fn) {
    this.busy.add(Number(id));
    this.renderVotes();
    try {
      return await fn();
    } finally {
      this.busy.delete(Number(id));
      this.renderVotes();
    }
  }

  async open(id, override = false) {
    const result = await this.withBusy(id, async () => {
      try {
        const body = override ? { override_quorum: true } : {};
        this.upsert(await api("POST", `/api/votes/${id}/open`, body));
        return null;
      } catch (err) {
        return err;
      }
    });
    if (!result) return;
    const refusal = quorumRefusal(result, (this.attendanceNow() || {}).counts);
    if (refusal && !override) {
      if (await quorumDialog(refusal)) this.open(id, true);
      return;
    }
    toast(result.message, "error", 6000);
  }

  async close(id) {
    const vote = this.votes.find((v) => Number(v.id) === Number(id));
    if (!vote) return;
    const remaining = progressOf(vote).remaining;
    const ok = await confirmDialog({
      testid: "vote-close-dialog",
      title: t("vote.panel.close_title"),
      text: t("vote.panel.close_text"),
      detail: remaining > 0 ? t("vote.panel.close_remaining", { remaining }) : null,
      confirm: t("vote.panel.close"),
      confirmTestid: "vote-close-confirm",
    });
    if (!ok) return;
    await this.withBusy(id, async () => {
      try {
        this.upsert(await api("POST", `/api/votes/${id}/close`));
      } catch (err) {
        toast(err.message, "error", 6000);
      }
    });
  }

  async remove(id) {
    const vote = this.votes.find((v) => Number(v.id) === Number(id));
    if (!vote) return;
    const ok = await confirmDialog({
      testid: "vote-delete-dialog",
      title: t("vote.panel.delete_title"),
      text: t("vote.panel.delete_text", { title: vote.title }),
      confirm: t("vote.panel.delete"),
      confirmTestid: "vote-delete-confirm",
    });
    if (!ok) return;
    await this.withBusy(id, async () => {
      try {
        await api("DELETE", `/api/votes/${id}`);
        this.votes = this.votes.filter((v) => Number(v.id) !== Number(id));
      } catch (err) {
        toast(err.message, "error", 6000);
      }
    });
  }
}
