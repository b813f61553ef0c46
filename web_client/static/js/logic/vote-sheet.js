// Which vote sheet the tablet shows, and at which step: a pure state machine
// fed by the join state (`open_votes` with the caller's `voted`), the vote
// events, the member's taps and the server's acks.
//
// Phases of the sheet:
//   choose    the options, large            -> confirm (a tap on an option)
//   confirm   "you chose X", confirm or back -> sending
//   sending   waiting for the server's ack   -> recorded | error
//   error     the ack failed or timed out    -> sending (retry) | choose (back)
//   recorded  the server has the ballot (ack ok, or already_voted after a resend)
//   watch     a guest without a vote sees the progress only
//   absent    a voter not attending when the vote opened (or marked absent
//             or gone since): no ballot, the progress only (vote.may_vote false)
//   result    the vote closed: its result, shown briefly
// A member may minimize the sheet to read the document; a pill brings it back.
// `recorded`, `watch` and `result` can be dismissed; a dismissed vote does not
// come back on the next join.

const ACTIVE = new Set(["choose", "confirm", "sending", "error"]);

export function createSheet({ canVote = null } = {}) {
  return {
    canVote, // null: not known yet (treated as a voter; the server has the last word)
    votes: [], // the open votes we know of, each with `voted`
    current: null, // id of the vote on the sheet
    phase: null,
    choice: null,
    error: null,
    receipt: null,
    result: null, // the closed vote, during `result`
    minimized: false,
    dismissed: [],
  };
}

const same = (a, b) => a != null && b != null && Number(a) === Number(b);
const find = (s, id) => s.votes.find((v) => same(v.id, id)) || null;

/** May this member cast a ballot in `vote`? A guest never; an absent voter not in this vote. */
function mayVote(s, vote) {
  return s.canVote !== false && vote.may_vote !== false;
}

function show(s, vote) {
  const voter = mayVote(s, vote);
  return {
    ...s,
    current: vote.id,
    phase: vote.voted ? "recorded" : voter ? "choose" : s.canVote === false ? "watch" : "absent",
    choice: null,
    error: null,
    receipt: null,
    result: null,
    // A guest gets the pill, not a sheet over the document.
    minimized: !voter,
  };
}

function hide(s) {
  return { ...s, current: null, phase: null, choice: null, error: null, receipt: null, result: null, minimized: false };
}

/** After the vote list changed: keep the sheet right, or pick the next vote to show. */
function settle(s) {
  // A new ballot to cast takes over from the last vote's result.
  if (s.phase === "result" && s.votes.some((v) => mayVote(s, v) && !v.voted && !s.dismissed.some((d) => same(d, v.id)))) {
    return settle(hide(s));
  }
  if (s.current != null && s.phase !== "result") {
    const v = find(s, s.current);
    if (!v) return settle(hide(s)); // closed while we were away: nothing to show for it
    // The server says the ballot is in (a lost ack, another device): recorded.
    if (v.voted && ACTIVE.has(s.phase)) return { ...s, phase: "recorded", error: null };
    return s;
  }
  if (s.current != null) return s;
  const candidates = s.votes.filter((v) => !s.dismissed.some((d) => same(d, v.id)));
  const next = candidates.find((v) => !v.voted && mayVote(s, v)) || candidates[0];
  return next ? show(s, next) : s;
}

/** Who we are became known: a guest's sheet turns into the progress pill. */
export function setCanVote(s, canVote) {
  let next = { ...s, canVote };
  if (next.current != null && next.phase !== "result") {
    const v = find(next, next.current);
    if (v && !mayVote(next, v) && ACTIVE.has(next.phase)) next = show(next, v);
    else if (v && mayVote(next, v) && (next.phase === "watch" || next.phase === "absent")) next = show(next, v);
  }
  return settle(next);
}

/** The join state's open votes (with `voted`): the truth after every (re)join. */
export function syncVotes(s, openVotes) {
  const votes = (openVotes || []).filter((v) => v && v.id != null).map((v) => {
    const known = find(s, v.id);
    // A ballot we saw acknowledged stays recorded even if the snapshot is older.
    return { ...v, voted: Boolean(v.voted) || Boolean(known && known.voted) };
  });
  return settle({ ...s, votes });
}

export function voteOpened(s, vote) {
  if (!vote || vote.id == null) return s;
  const known = find(s, vote.id);
  const merged = { ...(known || {}), ...vote, voted: Boolean(known && known.voted) || Boolean(vote.voted) };
  const votes = known ? s.votes.map((v) => (same(v.id, vote.id) ? merged : v)) : [...s.votes, merged];
  return settle({ ...s, votes });
}

/**
 * Who may vote follows attendance: `mine` is this member's attendance entry
 * ({status, left_at}) now. A vote that opens takes it as it is (the server
 * snapshots the same); marked absent or gone later, no open vote takes a
 * ballot any more. Arriving later gives no ballot in a vote already open.
 */
export function attendingNow(mine) {
  return Boolean(mine && (mine.status === "present" || mine.status === "online") && !mine.left_at);
}

export function voteOpenedWith(s, vote, mine) {
  if (!vote || vote.id == null) return s;
  // mine undefined: not known yet; the server has the last word (an `absent` ack).
  const decided = vote.may_vote === undefined && mine !== undefined ? { ...vote, may_vote: attendingNow(mine) } : vote;
  return voteOpened(s, decided);
}

export function attendanceChanged(s, mine) {
  if (attendingNow(mine)) return s;
  let next = { ...s, votes: s.votes.map((v) => ({ ...v, may_vote: false })) };
  if (next.current != null && ACTIVE.has(next.phase)) {
    const v = find(next, next.current);
    if (v && !v.voted) next = show(next, v);
  }
  return settle(next);
}

export function voteProgress(s, data) {
  if (!data || data.vote_id == null) return s;
  // Ballots are final: the count only grows, whatever order payloads arrive in.
  const upd = (v) => (v && same(v.id, data.vote_id)
    ? { ...v, cast: Math.max(Number(v.cast) || 0, Number(data.cast) || 0), eligible: data.eligible ?? v.eligible }
    : v);
  return { ...s, votes: s.votes.map(upd) };
}

/**
 * The vote closed. Its result is shown if the member had that vote on the
 * sheet (or dismissed it after voting), unless they are in the middle of
 * another ballot, which is not interrupted.
 */
export function voteClosed(s, vote) {
  if (!vote || vote.id == null) return s;
  const known = find(s, vote.id);
  const next = { ...s, votes: s.votes.filter((v) => !same(v.id, vote.id)) };
  const busyElsewhere = next.current != null && !same(next.current, vote.id) && ACTIVE.has(next.phase);
  if ((known || same(s.current, vote.id)) && !busyElsewhere) {
    return { ...next, current: vote.id, phase: "result", result: vote, choice: null, error: null, minimized: false };
  }
  return settle(next);
}

export function choose(s, option) {
  if (s.phase !== "choose") return s;
  const v = find(s, s.current);
  if (!v || !(v.options || []).includes(option)) return s;
  return { ...s, phase: "confirm", choice: option, error: null };
}

/** Back from the confirmation (or from an error) to the options. */
export function back(s) {
  if (s.phase !== "confirm" && s.phase !== "error") return s;
  return { ...s, phase: "choose", choice: null, error: null };
}

/** The ballot goes out (first send, or a retry after an error). */
export function send(s) {
  if ((s.phase !== "confirm" && s.phase !== "error") || s.choice == null) return s;
  return { ...s, phase: "sending", error: null };
}

/**
 * The server answered the ballot for `voteId`. ok, or `already_voted` (a
 * resend after the first one got through), both mean recorded.
 */
export function acked(s, voteId, ack, receipt = null) {
  if (!same(s.current, voteId) || s.phase !== "sending") return s;
  const code = ack && !ack.ok && ack.error ? ack.error.code : null;
  if (code === "absent") {
    // Not attending when the vote opened (or marked absent since): no ballot sheet for it.
    const votes = s.votes.map((v) => (same(v.id, voteId) ? { ...v, may_vote: false } : v));
    const vote = votes.find((v) => same(v.id, voteId));
    return vote ? show({ ...s, votes }, vote) : settle(hide({ ...s, votes }));
  }
  if ((ack && ack.ok) || code === "already_voted") {
    const votes = s.votes.map((v) => (same(v.id, voteId) ? { ...v, voted: true } : v));
    return { ...s, votes, phase: "recorded", error: null, receipt: receipt || s.receipt };
  }
  return { ...s, phase: "error", error: (ack && ack.error) || { code: "error", message: "" } };
}

export function minimize(s) {
  return s.current != null ? { ...s, minimized: true } : s;
}

export function restore(s) {
  return s.current != null ? { ...s, minimized: false } : s;
}

/** Close the sheet for good (not while a ballot is still to be cast). */
export function dismiss(s) {
  if (s.current == null || ACTIVE.has(s.phase)) return s;
  const dismissed = s.dismissed.some((d) => same(d, s.current)) ? s.dismissed : [...s.dismissed, s.current];
  return settle(hide({ ...s, dismissed }));
}

/** The result has been on screen long enough. */
export function expire(s, voteId) {
  return s.phase === "result" && same(s.current, voteId) ? dismiss(s) : s;
}

/**
 * What to draw: {visible, pill, vote, phase, choice, error, receipt}. `vote`
 * is the open vote with live counts, or the closed one during `result`.
 */
export function sheetView(s) {
  if (s.current == null) return { visible: false, pill: false, vote: null, phase: null };
  const vote = s.phase === "result" ? s.result : find(s, s.current);
  if (!vote) return { visible: false, pill: false, vote: null, phase: null };
  return {
    visible: !s.minimized,
    pill: s.minimized,
    vote,
    phase: s.phase,
    choice: s.choice,
    error: s.error,
    receipt: s.receipt,
    dismissable: !ACTIVE.has(s.phase),
  };
}
