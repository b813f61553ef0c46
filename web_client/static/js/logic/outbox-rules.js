// The rules of the annotation outbox (lib/outbox.js keeps the records in
// IndexedDB and sends them). Pure.
//
// One record per annotation id holds the device's latest change to it:
//   {id, op: "put"|"delete", annotation?, meeting_id, user_id, document_id,
//    page, client_time, order}
// A newer change to the same id replaces the record (the server only needs
// the last word). Records are sent in `order`, the order the changes were
// made. `client_time` (ms, strictly increasing on this device) lets the
// server keep the owner's last write whichever device reconnects first.

/** Acks after which a record must stay and be sent again later. */
const RETRY_CODES = new Set(["offline", "timeout", "error", "rate_limited", "unauthorized", "network"]);

/**
 * A client_time after `last` and not before the clock. A `last` more than a
 * day ahead came from a clock that was wrong and has been fixed since: the
 * server refuses times that far ahead, so start again from the clock.
 */
export function nextClientTime(last, now, maxAhead = 86_400_000) {
  const n = Math.trunc(Number(now)) || 0;
  const l = Number(last) || 0;
  if (l > n + maxAhead) return n;
  return Math.max(n, l + 1);
}

/** The record for a change: {op: "put", annotation} or {op: "delete", id, document_id, page}. */
export function makeRecord(change, { meetingId, userId, clientTime, order }) {
  const base = {
    op: change.op,
    meeting_id: Number(meetingId),
    user_id: Number(userId),
    client_time: clientTime,
    order,
  };
  if (change.op === "put") {
    const a = change.annotation;
    return { ...base, id: a.id, document_id: Number(a.document_id), page: Number(a.page), annotation: a };
  }
  return { ...base, id: change.id, document_id: Number(change.document_id), page: Number(change.page) };
}

/** The socket event and payload that carry a record to the server. */
export function messageFor(record) {
  if (record.op === "put") {
    const { owner_id: _o, updated_at: _u, ...annotation } = record.annotation;
    return {
      event: "annotation:put",
      payload: { meeting_id: record.meeting_id, annotation, client_time: record.client_time },
    };
  }
  return {
    event: "annotation:delete",
    payload: { meeting_id: record.meeting_id, id: record.id, client_time: record.client_time },
  };
}

/**
 * What an ack means for the record that was sent:
 *   "done"  the server has it: remove the record;
 *   "keep"  no answer (offline, timeout): send it again later;
 *   "drop"  refused for good (conflict, forbidden, invalid, meeting closed...):
 *           remove it and reload the page's annotations from the server.
 */
export function ackOutcome(ack, record = null) {
  if (ack && ack.ok) return "done";
  const code = ack && ack.error && ack.error.code;
  if (!code || RETRY_CODES.has(code)) return "keep";
  // Deleting what the server never got (drawn and undone offline): gone is gone.
  if (code === "not_found" && record && record.op === "delete") return "done";
  return "drop";
}

/**
 * How long to wait before sending again after an ack that said "keep". A
 * `rate_limited` ack says when a change will be taken again
 * (`details.retry_after_ms`): a device back from a long offline spell sends
 * its backlog at the rate the server allows, not in 5 s steps.
 */
export function retryDelay(ack, fallback) {
  const error = ack && ack.error;
  const ms = Number(error && error.details && error.details.retry_after_ms);
  if (error && error.code === "rate_limited" && Number.isFinite(ms) && ms > 0) return Math.min(fallback, Math.max(50, ms));
  return fallback;
}

/** Whether `current` (the record now stored) is still the change that was sent. */
export function isSameChange(current, sent) {
  return Boolean(current && sent && current.client_time === sent.client_time && current.op === sent.op);
}

/** This user's records for this meeting, in the order to send them. */
export function sendOrder(records, meetingId, userId) {
  return (records || [])
    .filter((r) => Number(r.meeting_id) === Number(meetingId) && Number(r.user_id) === Number(userId))
    .sort((a, b) => a.order - b.order);
}
