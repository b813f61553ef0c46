// Voting on the tablet: the vote sheet (components/vote-sheet.js) driven by
// logic/vote-sheet.js from the join state and the vote events, ballots sent
// with vote:cast, and receipts for secret ballots kept on the device.
import { api } from "./lib/api.js";
import { load, save } from "./lib/store.js";
import { VoteSheet } from "./components/vote-sheet.js";
import {
  createSheet, setCanVote, syncVotes, voteOpenedWith, attendanceChanged, voteProgress, voteClosed, choose, back, send,
  acked, minimize, restore, dismiss, expire, sheetView,
} from "./logic/vote-sheet.js";
import { currentAttendance } from "./logic/attendance.js";
import { randomNonce, receiptHash, receiptKey, parseReceipt, receiptListed } from "./logic/receipt.js";

const RESULT_SHOWN_MS = 20000; // the result stays this long on the sheet, then the document is back

export function mountTabletVotes({ rt, meetingId, host = document.body }) {
  let sheet = createSheet();
  let meeting = null;
  let rtState = null;
  const receiptChecks = new Map(); // vote id -> "checking" | "listed" | "missing"
  const view = new VoteSheet(host);
  const me = api("GET", "/api/me").catch(() => null);
  let myId = null;

  function storedReceipt(voteId) {
    return myId == null ? null : parseReceipt(load(receiptKey(myId, voteId)));
  }

  function render() {
    const v = sheetView(sheet);
    const receipt = v.vote && v.vote.secret ? storedReceipt(v.vote.id) : null;
    view.render(v, { receipt: receipt && receipt.hash, receiptCheck: v.vote ? receiptChecks.get(Number(v.vote.id)) || null : null });
  }

  function update(next) {
    sheet = next;
    render();
  }

  /** Guests (voting: false) and non-participants watch; the rest vote. */
  function decideVoter() {
    if (myId == null || !meeting) return;
    const p = (meeting.participants || []).find((x) => Number(x.user_id) === Number(myId));
    update(setCanVote(sheet, Boolean(p && p.voting !== false)));
  }

  me.then((u) => {
    if (!u) return;
    myId = u.id;
    decideVoter();
  });

  /**
   * The receipt for a secret ballot: made once per vote and kept, so that a
   * resend after a lost ack carries the same hash the server already has.
   * null when the device cannot make a random nonce (the server makes one).
   */
  async function ensureReceipt(voteId) {
    await me;
    const kept = storedReceipt(voteId);
    if (kept) return kept;
    const nonce = randomNonce(window.crypto);
    if (!nonce) return null;
    const receipt = { nonce, hash: await receiptHash(nonce, window.crypto) };
    save(receiptKey(myId, voteId), JSON.stringify(receipt));
    return receipt;
  }

  async function cast() {
    const before = sheet;
    update(send(sheet));
    if (sheet === before) return; // not ready to send, or already sending
    const voteId = sheet.current;
    const vote = sheet.votes.find((v) => Number(v.id) === Number(voteId));
    const payload = { meeting_id: meetingId, vote_id: voteId, choice: sheet.choice };
    let receipt = null;
    if (vote && vote.secret) {
      receipt = await ensureReceipt(voteId);
      if (receipt) payload.receipt_hash = receipt.hash;
    }
    const ack = await rt.request("vote:cast", payload);
    // Without a nonce of our own, the server made one and shows it this once.
    if (ack && ack.ok && !receipt && ack.receipt && ack.receipt.nonce && myId != null) {
      save(receiptKey(myId, voteId), JSON.stringify({ nonce: ack.receipt.nonce, hash: ack.receipt.hash }));
    }
    update(acked(sheet, voteId, ack));
  }

  async function checkReceipt(vote) {
    const kept = storedReceipt(vote.id);
    if (!vote.secret || !kept || vote.receipts_published === false) return;
    receiptChecks.set(Number(vote.id), "checking");
    try {
      const r = await api("GET", `/api/votes/${vote.id}/receipts`);
      receiptChecks.set(Number(vote.id), receiptListed(kept.hash, r && r.receipts) ? "listed" : "missing");
    } catch {
      receiptChecks.delete(Number(vote.id)); // not published (yet): nothing to say
    }
    render();
  }

  /** My attendance entry as the room knows it now ({status, left_at}); null: none; undefined: not known yet. */
  function myAttendance() {
    const now = currentAttendance(meeting, rtState);
    if (!now || myId == null) return undefined;
    return now.attendance.find((a) => Number(a.user_id) === Number(myId)) || null;
  }

  // ---- server -> sheet ------------------------------------------------------------

  document.addEventListener("rt:state", (e) => {
    rtState = e.detail.state;
    update(syncVotes(sheet, e.detail.state.open_votes));
  });
  // The server decides who may vote by the attendance when the vote opened; the
  // events arrive in order, so the attendance known now is the one it used.
  document.addEventListener("rt:vote:opened", (e) => update(voteOpenedWith(sheet, e.detail.data.vote, myAttendance())));
  document.addEventListener("rt:attendance:changed", (e) => {
    rtState = e.detail.state;
    const mine = myAttendance();
    if (mine !== undefined) update(attendanceChanged(sheet, mine));
  });
  document.addEventListener("rt:vote:progress", (e) => update(voteProgress(sheet, e.detail.data)));
  document.addEventListener("rt:vote:closed", (e) => {
    const vote = e.detail.data.vote;
    if (!vote) return;
    update(voteClosed(sheet, vote));
    if (sheet.phase === "result" && Number(sheet.current) === Number(vote.id)) {
      setTimeout(() => update(expire(sheet, vote.id)), RESULT_SHOWN_MS);
      checkReceipt(vote);
    }
  });

  // ---- member -> sheet ------------------------------------------------------------

  host.addEventListener("vote:choose", (e) => update(choose(sheet, e.detail.option)));
  host.addEventListener("vote:back", () => update(back(sheet)));
  host.addEventListener("vote:confirm", cast);
  host.addEventListener("vote:retry", cast);
  host.addEventListener("vote:minimize", () => update(minimize(sheet)));
  host.addEventListener("vote:restore", () => update(restore(sheet)));
  host.addEventListener("vote:dismiss", () => update(dismiss(sheet)));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && sheetView(sheet).visible) update(sheetView(sheet).dismissable ? dismiss(sheet) : minimize(sheet));
  });

  return {
    /** The meeting as fetched: who votes. */
    setMeeting(m) {
      meeting = m;
      decideVoter();
    },
  };
}
