// Who may vote follows attendance, on the tablet's vote sheet (issue 12).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createSheet, setCanVote, syncVotes, voteOpenedWith, attendanceChanged, choose, send, acked, sheetView, attendingNow,
} from "../../web_client/static/js/logic/vote-sheet.js";
import { computeCounts, attendanceBody } from "../../web_client/static/js/logic/attendance.js";

const vote = (id, over = {}) => ({
  id, title: `Biểu quyết ${id}`, options: ["yes", "no", "abstain"], secret: false, rule: "majority_of_members",
  status: "open", eligible: 4, cast: 0, ...over,
});
const voter = () => setCanVote(createSheet(), true);

test("attending now: present or online, and not gone", () => {
  assert.equal(attendingNow({ status: "present" }), true);
  assert.equal(attendingNow({ status: "online" }), true);
  assert.equal(attendingNow({ status: "present", left_at: "2026-11-27T09:00:00+07:00" }), false);
  assert.equal(attendingNow({ status: "absent" }), false);
  assert.equal(attendingNow(null), false);
});

test("a vote opens while I am marked absent: no ballot, a pill saying why", () => {
  const s = voteOpenedWith(voter(), vote(1), { status: "absent" });
  const v = sheetView(s);
  assert.equal(v.phase, "absent");
  assert.equal(v.visible, false);
  assert.equal(v.pill, true);
  assert.equal(choose(s, "yes"), s); // no options to choose from
});

test("present when it opens: the ballot; marked absent meanwhile: the ballot goes away", () => {
  let s = voteOpenedWith(voter(), vote(1), { status: "present" });
  assert.equal(sheetView(s).phase, "choose");
  s = attendanceChanged(s, { status: "present", left_at: "2026-11-27T09:00:00+07:00" });
  assert.equal(sheetView(s).phase, "absent");
});

test("arriving after the vote opened gives no ballot in it", () => {
  let s = voteOpenedWith(voter(), vote(1), null);
  s = attendanceChanged(s, { status: "present" });
  assert.equal(sheetView(s).phase, "absent");
});

test("my attendance not known yet: the server decides (an absent ack ends the ballot)", () => {
  let s = voteOpenedWith(voter(), vote(1), undefined);
  assert.equal(sheetView(s).phase, "choose");
  s = send(choose(s, "yes"));
  s = acked(s, 1, { ok: false, error: { code: "absent", message: "" } });
  assert.equal(sheetView(s).phase, "absent");
});

test("the join state's may_vote is the server's word", () => {
  const s = syncVotes(voter(), [vote(1, { voted: false, may_vote: false }), vote(2, { voted: false, may_vote: true })]);
  assert.equal(sheetView(s).vote.id, 2);
  assert.equal(sheetView(s).phase, "choose");
});

test("someone who left counts apart, and 'left' is sent only for someone attending", () => {
  const people = [{ user_id: 1 }, { user_id: 2 }, { user_id: 3 }];
  const counts = computeCounts(people, [
    { user_id: 1, status: "present" }, { user_id: 2, status: "present", left_at: "2026-11-27T09:00:00Z" },
  ]);
  assert.equal(counts.present, 1);
  assert.equal(counts.left, 1);
  assert.equal(counts.attending, 1);
  assert.deepEqual(attendanceBody("present", "", true).body, { status: "present", left: true });
  assert.deepEqual(attendanceBody("absent", "Ốm", true).body, { status: "absent", reason: "Ốm" });
});
