// The console's quorum rule and "not known yet": what it sends, what it shows.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  QUORUM_CHOICES, quorumBody, sameQuorum, quorumRequired, currentAttendance, withServerAttendance, attendanceBody,
} from "../../web_client/static/js/logic/attendance.js";
import { createMeetingState, applyJoinAck, applyEvent } from "../../web_client/static/js/logic/meeting-state.js";

const people = [
  { user_id: 1, full_name: "Trần Thị Thư Ký", role: "secretary", voting: true },
  { user_id: 2, full_name: "Nguyễn Văn Chủ Trì", role: "chair", voting: true },
  { user_id: 3, full_name: "Lê Văn Ủy Viên", role: "member", voting: true },
  { user_id: 4, full_name: "Phạm Thị Ủy Viên", role: "member", voting: true },
];

test("the usual choices are 1/2, 2/3 and 3/4", () => {
  assert.deepEqual(QUORUM_CHOICES.map((q) => `${q.numerator}/${q.denominator}`), ["1/2", "2/3", "3/4"]);
  // Half of four is two: "at least half", not "more than half".
  assert.equal(quorumRequired(4, QUORUM_CHOICES[0]), 2);
  assert.equal(quorumRequired(4, QUORUM_CHOICES[2]), 3);
});

test("a typed fraction: whole numbers, 1 <= numerator <= denominator <= 1000", () => {
  assert.deepEqual(quorumBody("3", " 5 "), { body: { numerator: 3, denominator: 5 } });
  assert.deepEqual(quorumBody(1, 1), { body: { numerator: 1, denominator: 1 } });
  assert.deepEqual(quorumBody(1000, 1000), { body: { numerator: 1000, denominator: 1000 } });
  for (const [n, d] of [["", "3"], ["2", ""], ["0", "3"], ["1.5", "3"], ["2", "1001"], ["-1", "2"], ["a", "3"], [null, 3]]) {
    assert.equal(quorumBody(n, d).error, "quorum.error.range", `${n}/${d}`);
  }
  assert.equal(quorumBody("4", "3").error, "quorum.error.order");
});

test("a rule is the same only as written", () => {
  assert.ok(sameQuorum({ numerator: 2, denominator: 3 }, { numerator: "2", denominator: "3" }));
  assert.ok(!sameQuorum({ numerator: 4, denominator: 6 }, { numerator: 2, denominator: 3 }));
  assert.ok(!sameQuorum(null, { numerator: 2, denominator: 3 }));
});

test("the rule comes with the attendance:changed event, or from the meeting", () => {
  const meeting = {
    seq: 5, participants: people, quorum: { numerator: 2, denominator: 3 },
    attendance: [{ user_id: 1, status: "present" }],
    counts: { voting: 4, present: 1, online: 0, absent: 0, unknown: 3, quorum_required: 3, quorum_met: false },
  };
  let state = applyJoinAck(createMeetingState(), { ok: true, seq: 5, state: { status: "open", present: [1] }, missed: [] }).state;
  assert.deepEqual(currentAttendance(meeting, state).quorum, { numerator: 2, denominator: 3 });
  // Another console sets 1/2: the event says so.
  state = applyEvent(state, "attendance:changed", {
    meeting_id: 1, seq: 6, present: [1], attendance: meeting.attendance,
    counts: { ...meeting.counts, quorum_required: 2 }, quorum: { numerator: 1, denominator: 2 },
  }).state;
  const now = currentAttendance(meeting, state);
  assert.deepEqual(now.quorum, { numerator: 1, denominator: 2 });
  assert.equal(now.counts.quorum_required, 2);
  // The join snapshot carries it as well.
  const joined = applyJoinAck(createMeetingState(), {
    ok: true, seq: 9, missed: [],
    state: { status: "open", present: [], attendance: [], counts: null, quorum: { numerator: 3, denominator: 4 } },
  }).state;
  assert.deepEqual(currentAttendance({ ...meeting, seq: 2 }, joined).quorum, { numerator: 3, denominator: 4 });
});

test("the PATCH answer replaces the attendance part of the meeting, unless it is older", () => {
  const meeting = { seq: 5, title: "Hội nghị", agenda: [{ id: 1 }], quorum: { numerator: 2, denominator: 3 }, attendance: [], counts: null };
  const answer = { seq: 6, title: "Hội nghị", agenda: [], quorum: { numerator: 3, denominator: 4 }, attendance: [{ user_id: 1, status: null }], counts: { voting: 4 } };
  const next = withServerAttendance(meeting, answer);
  assert.deepEqual(next.quorum, { numerator: 3, denominator: 4 });
  assert.equal(next.seq, 6);
  assert.deepEqual(next.agenda, [{ id: 1 }], "the rest of the meeting is left as it was");
  assert.equal(withServerAttendance({ ...meeting, seq: 7 }, answer).quorum.numerator, 2);
});

test("null sets a participant back to not known", () => {
  assert.deepEqual(attendanceBody(null), { body: { status: null } });
  assert.equal(attendanceBody(undefined).error, "attendance.error.status");
});
