import { test } from "node:test";
import assert from "node:assert/strict";
import { nextClientTime, makeRecord, messageFor, ackOutcome, isSameChange, sendOrder } from "../../web_client/static/js/logic/outbox-rules.js";

const ann = { id: "a", document_id: 7, page: 2, kind: "ink", visibility: "shared", owner_id: 3, updated_at: "x", data: {} };

test("client_time never goes backwards on a device, even if the clock does", () => {
  assert.equal(nextClientTime(0, 1000), 1000);
  assert.equal(nextClientTime(1000, 1000), 1001, "two changes in one millisecond");
  assert.equal(nextClientTime(5000, 1000), 5001, "the clock was set back");
  const day = 86_400_000;
  assert.equal(nextClientTime(1000 + 2 * day, 1000), 1000, "a clock that was days ahead and got fixed");
});

test("records and the messages that carry them", () => {
  const put = makeRecord({ op: "put", annotation: ann }, { meetingId: "4", userId: 3, clientTime: 111, order: 1 });
  assert.deepEqual(
    { id: put.id, op: put.op, meeting_id: put.meeting_id, document_id: put.document_id, page: put.page },
    { id: "a", op: "put", meeting_id: 4, document_id: 7, page: 2 },
  );
  const m = messageFor(put);
  assert.equal(m.event, "annotation:put");
  assert.equal(m.payload.client_time, 111);
  assert.equal(m.payload.meeting_id, 4);
  assert.ok(!("owner_id" in m.payload.annotation) && !("updated_at" in m.payload.annotation), "server-set fields are not sent");
  const del = makeRecord({ op: "delete", id: "a", document_id: 7, page: 2 }, { meetingId: 4, userId: 3, clientTime: 112, order: 2 });
  assert.deepEqual(messageFor(del), { event: "annotation:delete", payload: { meeting_id: 4, id: "a", client_time: 112 } });
});

test("what an ack means", () => {
  assert.equal(ackOutcome({ ok: true, seq: 4 }), "done");
  for (const code of ["offline", "timeout", "error"]) assert.equal(ackOutcome({ ok: false, error: { code } }), "keep", code);
  assert.equal(ackOutcome(undefined), "keep", "no ack at all");
  for (const code of ["conflict", "forbidden", "invalid", "meeting_closed", "not_found"]) {
    assert.equal(ackOutcome({ ok: false, error: { code, message: "" } }), "drop", code);
  }
  // Drawn and undone offline: the delete reaches a server that never saw the stroke.
  assert.equal(ackOutcome({ ok: false, error: { code: "not_found" } }, { op: "delete" }), "done");
  assert.equal(ackOutcome({ ok: false, error: { code: "not_found" } }, { op: "put" }), "drop");
});

test("a record replaced while its send was in flight is not removed by the old ack", () => {
  const sent = { op: "put", client_time: 10 };
  assert.ok(isSameChange({ op: "put", client_time: 10 }, sent));
  assert.ok(!isSameChange({ op: "put", client_time: 11 }, sent));
  assert.ok(!isSameChange({ op: "delete", client_time: 10 }, sent));
  assert.ok(!isSameChange(undefined, sent));
});

test("only this user's records of this meeting, in the order they were made", () => {
  const recs = [
    { id: "c", meeting_id: 4, user_id: 3, order: 9 },
    { id: "a", meeting_id: 4, user_id: 3, order: 2 },
    { id: "x", meeting_id: 5, user_id: 3, order: 1 },
    { id: "y", meeting_id: 4, user_id: 8, order: 1 },
  ];
  assert.deepEqual(sendOrder(recs, 4, 3).map((r) => r.id), ["a", "c"]);
});
