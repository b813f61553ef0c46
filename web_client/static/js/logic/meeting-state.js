// Meeting state as the server tells it, and the seq bookkeeping that keeps it
// right across reconnects. Pure: no DOM, no socket.
//
// Rules (PROTOCOL.md, Socket.IO):
// - every server event about a meeting carries a seq, strictly increasing per
//   meeting; a client may see gaps (other users' private events use numbers
//   too), so a gap is NOT a loss;
// - an event whose seq is <= the last seq applied is a duplicate: ignore it;
// - on every (re)join, send since_seq = the highest seq seen; the ack brings
//   the events missed since then, oldest first, or `resync: true` with a fresh
//   state to load instead.

export function createMeetingState() {
  return {
    seq: 0, // highest seq applied; 0 = never joined
    joined: false,
    status: null,
    presenter: null,
    present: [],
    open_votes: [],
    // The last attendance:changed that carried the attendance list:
    // {seq, attendance, counts, quorum}; pages compare its seq with the meeting's.
    attendance: null,
  };
}

/** Payload for meeting:join. */
export function joinPayload(state, meetingId, { watch = false } = {}) {
  const payload = { meeting_id: meetingId };
  if (state.joined && state.seq > 0) payload.since_seq = state.seq;
  // The hall screen watches: it must not count its logged-in user as present.
  if (watch) payload.watch = true;
  return payload;
}

/** Whether an event with this seq is new (not a duplicate or a replay). */
export function isNewer(state, seq) {
  return Number.isFinite(seq) && seq > state.seq;
}

function presenterOf(data) {
  if (!data || data.document_id == null || data.page == null) return null;
  return { document_id: data.document_id, page: data.page };
}

/**
 * Apply one server event. Returns {state, applied}: `applied` is false for a
 * duplicate (seq not newer) or an event without a usable seq. Unknown event
 * names still advance seq, so that since_seq stays right.
 */
export function applyEvent(state, event, data) {
  const seq = data && Number(data.seq);
  if (!isNewer(state, seq)) return { state, applied: false };
  const next = { ...state, seq };
  switch (event) {
    case "page:turned":
      next.presenter = presenterOf(data);
      break;
    case "attendance:changed":
      next.present = Array.isArray(data.present) ? [...data.present] : [];
      next.attendance = noteAttendance(next.attendance, seq, data);
      break;
    case "meeting:status":
      next.status = data.status ?? next.status;
      break;
    case "vote:opened":
      if (data.vote) {
        // Broadcasts carry no per-user `voted`: keep what the join told us.
        const known = next.open_votes.find((v) => v.id === data.vote.id);
        const vote = known ? { ...known, ...data.vote } : data.vote;
        next.open_votes = [...next.open_votes.filter((v) => v.id !== data.vote.id), vote];
      }
      break;
    case "vote:progress":
      next.open_votes = next.open_votes.map((v) => (v.id === data.vote_id
        ? { ...v, cast: data.cast ?? v.cast, eligible: data.eligible ?? v.eligible } : v));
      break;
    case "vote:closed":
      if (data.vote) next.open_votes = next.open_votes.filter((v) => v.id !== data.vote.id);
      break;
    default:
      break;
  }
  return { state: next, applied: true };
}

/**
 * The attendance record carried by an attendance:changed event (or a join
 * snapshot) at `seq`, if it is newer than the one we hold.
 */
function noteAttendance(held, seq, data) {
  if (!data || !Array.isArray(data.attendance)) return held;
  if (held && held.seq > seq) return held;
  return { seq, attendance: [...data.attendance], counts: data.counts || null, quorum: data.quorum || null };
}

function withSnapshot(state, ack) {
  const s = ack.state || {};
  return {
    ...state,
    seq: Number(ack.seq) || 0,
    joined: true,
    status: s.status ?? state.status,
    presenter: presenterOf(s.presenter),
    present: Array.isArray(s.present) ? [...s.present] : [],
    open_votes: Array.isArray(s.open_votes) ? [...s.open_votes] : [],
    attendance: noteAttendance(state.attendance, Number(ack.seq) || 0, s),
  };
}

/**
 * Apply a successful meeting:join ack. Returns {state, events, resync}.
 *
 * `buffered` are live events ({event, data}) that arrived while the join was
 * in flight: the realtime module holds them back and hands them here, so that
 * they are applied after the snapshot they may be newer than (seq decides).
 *
 * `events` are the missed and buffered events that were new, in order, for
 * consumers that care about each one (the snapshot already contains their
 * effect on status, presenter and attendance). `resync` is true when the
 * client must reload everything (the ack said so, or this is the first join):
 * the caller should then also re-fetch the meeting over HTTP.
 */
export function applyJoinAck(state, ack, buffered = []) {
  const ackSeq = Number(ack && ack.seq) || 0;
  const resync = Boolean(ack.resync) || ack.missed == null || !state.joined;
  let current = state;
  const events = [];
  if (resync) {
    current = withSnapshot(current, ack);
  } else {
    for (const item of ack.missed) {
      if (!item || !item.event) continue;
      const r = applyEvent(current, item.event, item.data);
      if (r.applied) {
        current = r.state;
        events.push(item);
      }
    }
    // The snapshot describes the meeting at ack.seq: the source of truth,
    // unless the missed list ran past it.
    current = ackSeq >= current.seq ? withSnapshot(current, ack) : { ...current, joined: true };
  }
  for (const item of buffered) {
    if (!item || !item.event) continue;
    const r = applyEvent(current, item.event, item.data);
    if (r.applied) {
      current = r.state;
      events.push(item);
    } else if (item.event === "attendance:changed") {
      // Our own join's check-in: sent while the join was in flight, so the
      // snapshot covers its seq, but a snapshot without the attendance
      // record does not carry what it said.
      current = { ...current, attendance: noteAttendance(current.attendance, Number(item.data && item.data.seq) || 0, item.data) };
    }
  }
  return { state: current, events, resync };
}

/** Present participants only (the screen or an admin may not be one). */
export function presentCount(present, participants) {
  if (!Array.isArray(participants) || participants.length === 0) return (present || []).length;
  const ids = new Set(participants.map((p) => Number(p.user_id)));
  return (present || []).filter((id) => ids.has(Number(id))).length;
}
