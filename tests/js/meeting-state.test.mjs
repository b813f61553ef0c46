import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createMeetingState, joinPayload, applyEvent, applyJoinAck, presentCount,
} from "../../web_client/static/js/logic/meeting-state.js";

const snapshot = (seq, state = {}) => ({
  ok: true,
  seq,
  state: { status: "open", presenter: null, present: [], open_votes: [], ...state },
  missed: [],
});

test("the first join sends no since_seq and loads the snapshot", () => {
  let s = createMeetingState();
  assert.deepEqual(joinPayload(s, 5), { meeting_id: 5 });
  const r = applyJoinAck(s, snapshot(12, { presenter: { document_id: 3, page: 2 }, present: [1, 2] }));
  assert.equal(r.resync, true);
  assert.equal(r.state.seq, 12);
  assert.deepEqual(r.state.presenter, { document_id: 3, page: 2 });
  assert.deepEqual(r.state.present, [1, 2]);
  assert.deepEqual(joinPayload(r.state, 5), { meeting_id: 5, since_seq: 12 });
});

test("events are applied once; duplicates and replays are ignored", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(10)).state;
  let r = applyEvent(s, "page:turned", { meeting_id: 1, seq: 11, document_id: 4, page: 2, by: 9 });
  assert.equal(r.applied, true);
  s = r.state;
  r = applyEvent(s, "page:turned", { meeting_id: 1, seq: 11, document_id: 4, page: 7, by: 9 });
  assert.equal(r.applied, false);
  r = applyEvent(s, "page:turned", { meeting_id: 1, seq: 9, document_id: 4, page: 7, by: 9 });
  assert.equal(r.applied, false);
  assert.deepEqual(s.presenter, { document_id: 4, page: 2 });
});

test("a gap in seq is not a loss: the event is applied", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(10)).state;
  const r = applyEvent(s, "attendance:changed", { meeting_id: 1, seq: 15, present: [1, 2, 3] });
  assert.equal(r.applied, true);
  assert.equal(r.state.seq, 15);
  assert.deepEqual(r.state.present, [1, 2, 3]);
});

test("unknown events still advance seq", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(10)).state;
  const r = applyEvent(s, "annotation:put", { meeting_id: 1, seq: 11, annotation: {} });
  assert.equal(r.applied, true);
  assert.equal(r.state.seq, 11);
});

test("meeting:status changes the status", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(1, { status: "scheduled" })).state;
  s = applyEvent(s, "meeting:status", { meeting_id: 1, seq: 2, status: "open" }).state;
  assert.equal(s.status, "open");
});

test("a rejoin replays missed events in order and skips ones already seen", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(10)).state;
  s = applyEvent(s, "page:turned", { seq: 11, document_id: 1, page: 2 }).state;
  assert.deepEqual(joinPayload(s, 1), { meeting_id: 1, since_seq: 11 });
  const ack = {
    ok: true,
    seq: 14,
    state: { status: "open", presenter: { document_id: 1, page: 4 }, present: [7], open_votes: [] },
    missed: [
      { event: "page:turned", data: { seq: 11, document_id: 1, page: 2 } },
      { event: "page:turned", data: { seq: 12, document_id: 1, page: 3 } },
      { event: "page:turned", data: { seq: 14, document_id: 1, page: 4 } },
    ],
  };
  const r = applyJoinAck(s, ack);
  assert.equal(r.resync, false);
  assert.deepEqual(r.events.map((e) => e.data.seq), [12, 14]);
  assert.equal(r.state.seq, 14);
  assert.deepEqual(r.state.presenter, { document_id: 1, page: 4 });
  assert.deepEqual(r.state.present, [7]);
});

test("resync replaces the state from the ack", () => {
  let s = applyJoinAck(createMeetingState(), snapshot(10, { present: [1] })).state;
  s = applyEvent(s, "page:turned", { seq: 11, document_id: 1, page: 2 }).state;
  const r = applyJoinAck(s, {
    ok: true, seq: 500, resync: true, missed: null,
    state: { status: "closed", presenter: { document_id: 2, page: 9 }, present: [], open_votes: [] },
  });
  assert.equal(r.resync, true);
  assert.equal(r.state.seq, 500);
  assert.equal(r.state.status, "closed");
  assert.deepEqual(r.state.presenter, { document_id: 2, page: 9 });
});

test("live events held back during the join are applied after the snapshot when newer", () => {
  const s = createMeetingState();
  const buffered = [
    { event: "page:turned", data: { seq: 5, document_id: 1, page: 1 } }, // older than the snapshot
    { event: "page:turned", data: { seq: 21, document_id: 1, page: 6 } },
  ];
  const r = applyJoinAck(s, snapshot(20, { presenter: { document_id: 1, page: 5 } }), buffered);
  assert.deepEqual(r.state.presenter, { document_id: 1, page: 6 });
  assert.equal(r.state.seq, 21);
  assert.deepEqual(r.events.map((e) => e.data.seq), [21]);
});

test("applying events to an old snapshot equals the fresh snapshot", () => {
  // The zulip-style check: old state + events == new state.
  const old = applyJoinAck(createMeetingState(), snapshot(3, { status: "scheduled", present: [1] })).state;
  const events = [
    ["meeting:status", { seq: 4, status: "open" }],
    ["attendance:changed", { seq: 6, present: [1, 2] }],
    ["page:turned", { seq: 9, document_id: 8, page: 3 }],
  ];
  let s = old;
  for (const [e, d] of events) s = applyEvent(s, e, d).state;
  const fresh = applyJoinAck(createMeetingState(), snapshot(9, {
    status: "open", present: [1, 2], presenter: { document_id: 8, page: 3 },
  })).state;
  assert.deepEqual(s, fresh);
});

test("presentCount counts participants only", () => {
  const participants = [{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }];
  assert.equal(presentCount([1, 3, 99], participants), 2);
  assert.equal(presentCount([1, 99], []), 2);
  assert.equal(presentCount(undefined, participants), 0);
});
