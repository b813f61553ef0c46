import { test } from "node:test";
import assert from "node:assert/strict";
import {
  quorumRequired, computeCounts, normalizeCounts, currentAttendance, withEntry, attendanceRows, attendanceBody,
} from "../../web_client/static/js/logic/attendance.js";
import { createMeetingState, applyJoinAck, applyEvent } from "../../web_client/static/js/logic/meeting-state.js";

const people = [
  { user_id: 1, full_name: "Trần Thị Thư Ký", role: "secretary", voting: true },
  { user_id: 2, full_name: "Nguyễn Văn Chủ Trì", role: "chair", voting: true },
  { user_id: 3, full_name: "Lê Văn Ủy Viên", role: "member", voting: true },
  { user_id: 4, full_name: "Bùi Khách Mời", role: "member", voting: false },
];

test("quorum required is ceil(voting x n / d) in exact integers", () => {
  assert.equal(quorumRequired(9), 6);
  assert.equal(quorumRequired(10), 7);
  assert.equal(quorumRequired(3), 2);
  assert.equal(quorumRequired(0), 0);
  assert.equal(quorumRequired(9, { numerator: 1, denominator: 2 }), 5);
  assert.equal(quorumRequired(10, { numerator: 1, denominator: 2 }), 5);
  assert.equal(quorumRequired(7, { numerator: 3, denominator: 4 }), 6);
});

test("counts: only voting participants; present and online attend", () => {
  const c = computeCounts(people, [
    { user_id: 1, status: "present" }, { user_id: 2, status: "online" }, { user_id: 4, status: "present" },
  ]);
  assert.deepEqual(c, {
    voting: 3, present: 1, online: 1, absent: 0, unknown: 1, attending: 2, quorum_required: 2, quorum_met: true,
  });
  const low = computeCounts(people, [{ user_id: 1, status: "present" }, { user_id: 3, status: "absent", reason: "Ốm" }]);
  assert.deepEqual([low.attending, low.absent, low.unknown, low.quorum_met], [1, 1, 1, false]);
});

test("the server's counts win; they get `attending` added", () => {
  const c = normalizeCounts({ voting: 9, present: 5, online: 1, absent: 2, unknown: 1, quorum_required: 6, quorum_met: true });
  assert.equal(c.attending, 6);
  assert.equal(c.quorum_met, true);
  assert.equal(normalizeCounts(null), null);
  assert.equal(normalizeCounts({ voting: 9, present: 5, online: 0 }).quorum_met, false);
});

test("the freshest attendance wins: the HTTP meeting or the last event, by seq", () => {
  const meeting = {
    seq: 10, participants: people, quorum: { numerator: 2, denominator: 3 },
    attendance: [{ user_id: 1, status: "present" }],
    counts: { voting: 3, present: 1, online: 0, absent: 0, unknown: 2, quorum_required: 2, quorum_met: false },
  };
  let state = applyJoinAck(createMeetingState(), { ok: true, seq: 10, state: { status: "open", present: [1] }, missed: [] }).state;
  assert.equal(currentAttendance(meeting, state).counts.attending, 1);
  state = applyEvent(state, "attendance:changed", {
    meeting_id: 1, seq: 11, present: [1, 3],
    attendance: [{ user_id: 1, status: "present" }, { user_id: 3, status: "present" }],
    counts: { voting: 3, present: 2, online: 0, absent: 0, unknown: 1, quorum_required: 2, quorum_met: true },
  }).state;
  assert.deepEqual(state.present, [1, 3]);
  const now = currentAttendance(meeting, state);
  assert.equal(now.counts.attending, 2);
  assert.equal(now.counts.quorum_met, true);
  // A meeting fetched later (after a resync) is newer than the event.
  const later = { ...meeting, seq: 12 };
  assert.equal(currentAttendance(later, state).counts.attending, 1);
  // Before the server knows attendance, there is none to show.
  assert.equal(currentAttendance({ participants: people }, createMeetingState()), null);
});

test("an old-style attendance:changed (present only) still updates the live list", () => {
  let s = applyJoinAck(createMeetingState(), { ok: true, seq: 1, state: { present: [] }, missed: [] }).state;
  s = applyEvent(s, "attendance:changed", { meeting_id: 1, seq: 2, present: [3] }).state;
  assert.deepEqual(s.present, [3]);
  assert.equal(s.attendance, null);
});

test("a PUT's answer replaces one entry and the counts follow", () => {
  const meeting = { participants: people, attendance: [{ user_id: 1, status: "present" }] };
  const m = withEntry(meeting, { user_id: 3, status: "online", reason: "" });
  assert.equal(m.counts.attending, 2);
  const m2 = withEntry(m, { user_id: 3, status: "absent", reason: "Đi công tác" });
  assert.equal(m2.counts.attending, 1);
  assert.equal(m2.attendance.length, 2);
});

test("rows: voters by name, guests last; the order does not move with the status; live sockets marked", () => {
  const rows = attendanceRows(people, [
    { user_id: 1, status: "present" }, { user_id: 3, status: "absent", reason: "Ốm" },
  ], [1]);
  assert.deepEqual(rows.map((r) => [r.user_id, r.status, r.live]), [[3, "absent", false], [2, null, false], [1, "present", true], [4, null, false]]);
  assert.equal(rows[0].reason, "Ốm");
  const later = attendanceRows(people, [{ user_id: 2, status: "online" }], []);
  assert.deepEqual(later.map((r) => r.user_id), rows.map((r) => r.user_id));
});

test("the attendance body: a known status; a reason only for absence, trimmed and bounded", () => {
  assert.deepEqual(attendanceBody("present", "x"), { body: { status: "present" } });
  assert.deepEqual(attendanceBody("absent", "  Ốm  "), { body: { status: "absent", reason: "Ốm" } });
  assert.deepEqual(attendanceBody("absent"), { body: { status: "absent", reason: "" } });
  assert.equal(attendanceBody("late").error, "attendance.error.status");
  assert.equal(attendanceBody("absent", "x".repeat(501)).error, "attendance.error.reason_long");
});

test("the join's own check-in is kept although the snapshot covers its seq", () => {
  const event = {
    meeting_id: 1, seq: 8, present: [1],
    attendance: [{ user_id: 1, status: "present" }],
    counts: { voting: 3, present: 1, online: 0, absent: 0, unknown: 2, quorum_required: 2, quorum_met: false },
  };
  const ack = { ok: true, seq: 8, state: { status: "open", present: [1] }, missed: [] };
  const s = applyJoinAck(createMeetingState(), ack, [{ event: "attendance:changed", data: event }]).state;
  assert.equal(s.attendance.seq, 8);
  assert.equal(currentAttendance({ seq: 7, participants: people, attendance: [] }, s).counts.attending, 1);
  // A snapshot that carries the record itself is taken as it is.
  const withRecord = { ...ack, seq: 9, state: { ...ack.state, attendance: [{ user_id: 2, status: "online" }], counts: null } };
  const t = applyJoinAck(s, withRecord).state;
  assert.deepEqual([t.attendance.seq, t.attendance.attendance[0].user_id], [9, 2]);
});
