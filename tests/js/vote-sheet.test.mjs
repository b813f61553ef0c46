// The tablet's vote sheet: which vote it shows and at which step.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createSheet, setCanVote, syncVotes, voteOpened, voteProgress, voteClosed, choose, back, send, acked,
  minimize, restore, dismiss, expire, sheetView,
} from "../../web_client/static/js/logic/vote-sheet.js";

const vote = (id, over = {}) => ({
  id, title: `Biểu quyết ${id}`, options: ["yes", "no", "abstain"], secret: false, rule: "majority_of_members",
  status: "open", eligible: 4, cast: 0, ...over,
});
const closedVote = (id) => ({ ...vote(id), status: "closed", cast: 4, tally: { yes: 3, no: 1, abstain: 0 }, result: { passed: true } });

test("nothing open: no sheet", () => {
  const s = syncVotes(createSheet(), []);
  assert.deepEqual(sheetView(s), { visible: false, pill: false, vote: null, phase: null });
});

test("a vote opens: the sheet shows its options; choose, confirm, ack -> recorded", () => {
  let s = voteOpened(createSheet({ canVote: true }), vote(1));
  assert.equal(sheetView(s).phase, "choose");
  assert.equal(sheetView(s).visible, true);
  assert.equal(sheetView(s).dismissable, false);
  s = choose(s, "maybe"); // not an option of this vote
  assert.equal(s.phase, "choose");
  s = choose(s, "no");
  assert.equal(sheetView(s).phase, "confirm");
  assert.equal(sheetView(s).choice, "no");
  s = back(s);
  assert.equal(s.phase, "choose");
  assert.equal(s.choice, null);
  s = send(choose(s, "yes"));
  assert.equal(s.phase, "sending");
  s = acked(s, 1, { ok: true, vote_id: 1 }, "abcd");
  assert.equal(sheetView(s).phase, "recorded");
  assert.equal(sheetView(s).receipt, "abcd");
  assert.equal(sheetView(s).dismissable, true);
  assert.equal(s.votes[0].voted, true);
});

test("the recorded message waits for the ack: a failed or timed-out ack is an error one can retry", () => {
  let s = send(choose(voteOpened(createSheet(), vote(1)), "yes"));
  s = acked(s, 1, { ok: false, error: { code: "timeout", message: "" } });
  assert.equal(sheetView(s).phase, "error");
  assert.equal(sheetView(s).error.code, "timeout");
  assert.equal(s.choice, "yes");
  s = send(s); // retry with the same choice
  assert.equal(s.phase, "sending");
  // The first ballot had got through: the resend is answered already_voted.
  s = acked(s, 1, { ok: false, error: { code: "already_voted", message: "" } });
  assert.equal(sheetView(s).phase, "recorded");
});

test("acks for another vote, or when not sending, change nothing", () => {
  let s = choose(voteOpened(createSheet(), vote(1)), "yes");
  assert.equal(acked(s, 1, { ok: true }), s);
  s = send(s);
  assert.equal(acked(s, 2, { ok: true }), s);
});

test("progress events update the counts shown", () => {
  let s = voteOpened(createSheet(), vote(1));
  s = voteProgress(s, { vote_id: 1, cast: 3, eligible: 4 });
  assert.equal(sheetView(s).vote.cast, 3);
  assert.equal(voteProgress(s, { vote_id: 9, cast: 1 }).votes[0].cast, 3);
});

test("rejoining during a vote shows the sheet again; `voted` decides the step", () => {
  let s = syncVotes(createSheet(), [vote(1, { voted: false })]);
  assert.equal(sheetView(s).phase, "choose");
  let t = syncVotes(createSheet(), [vote(1, { voted: true, cast: 2 })]);
  assert.equal(sheetView(t).phase, "recorded");
  // A ballot whose ack was lost: the next join says voted.
  s = send(choose(s, "yes"));
  s = syncVotes(s, [vote(1, { voted: true })]);
  assert.equal(sheetView(s).phase, "recorded");
  // An older snapshot does not undo a ballot we saw acknowledged.
  s = syncVotes(s, [vote(1, { voted: false })]);
  assert.equal(sheetView(s).phase, "recorded");
});

test("a vote that closed while we were away disappears on the next join", () => {
  let s = choose(voteOpened(createSheet(), vote(1)), "no");
  s = syncVotes(s, []);
  assert.equal(sheetView(s).visible, false);
});

test("closing shows the result; it can be dismissed, or expires", () => {
  let s = acked(send(choose(voteOpened(createSheet(), vote(1)), "yes")), 1, { ok: true });
  s = voteClosed(s, closedVote(1));
  const view = sheetView(s);
  assert.equal(view.phase, "result");
  assert.equal(view.vote.status, "closed");
  assert.equal(view.visible, true);
  assert.equal(expire(s, 2), s);
  s = expire(s, 1);
  assert.equal(sheetView(s).visible, false);
  assert.equal(s.votes.length, 0);
});

test("a vote dismissed after voting does not come back, but its result does", () => {
  let s = acked(send(choose(voteOpened(createSheet(), vote(1)), "yes")), 1, { ok: true });
  s = dismiss(s);
  assert.equal(sheetView(s).visible, false);
  s = syncVotes(s, [vote(1, { voted: true })]);
  assert.equal(sheetView(s).visible, false);
  s = voteClosed(s, closedVote(1));
  assert.equal(sheetView(s).phase, "result");
});

test("an unvoted vote cannot be dismissed, only minimized to the pill and restored", () => {
  let s = voteOpened(createSheet(), vote(1));
  assert.equal(dismiss(s), s);
  s = minimize(s);
  assert.deepEqual([sheetView(s).visible, sheetView(s).pill], [false, true]);
  s = restore(s);
  assert.deepEqual([sheetView(s).visible, sheetView(s).pill], [true, false]);
  assert.equal(minimize(createSheet()).current, null);
});

test("two votes: the second waits for the first; closing one does not interrupt a ballot on the other", () => {
  let s = voteOpened(createSheet(), vote(1));
  s = voteOpened(s, vote(2));
  assert.equal(sheetView(s).vote.id, 1);
  s = choose(s, "yes");
  s = voteClosed(s, closedVote(2));
  assert.deepEqual([sheetView(s).vote.id, sheetView(s).phase], [1, "confirm"]);
  s = acked(send(s), 1, { ok: true });
  s = voteOpened(s, vote(3));
  s = dismiss(s);
  assert.deepEqual([sheetView(s).vote.id, sheetView(s).phase], [3, "choose"]);
});

test("a guest watches: the pill with progress, no options", () => {
  let s = voteOpened(createSheet({ canVote: false }), vote(1));
  assert.deepEqual([sheetView(s).phase, sheetView(s).pill], ["watch", true]);
  assert.equal(choose(s, "yes"), s);
  // Who we are can become known after the vote appeared.
  let u = voteOpened(createSheet(), vote(1));
  assert.equal(sheetView(u).phase, "choose");
  u = setCanVote(u, false);
  assert.equal(sheetView(u).phase, "watch");
  u = setCanVote(u, true);
  assert.equal(sheetView(u).phase, "choose");
});

test("a new vote takes over from the last one's result", () => {
  let s = acked(send(choose(voteOpened(createSheet(), vote(1)), "yes")), 1, { ok: true });
  s = voteClosed(s, closedVote(1));
  assert.equal(sheetView(s).phase, "result");
  s = voteOpened(s, vote(2));
  assert.deepEqual([sheetView(s).vote.id, sheetView(s).phase], [2, "choose"]);
  // A vote already voted on (another device) does not hide the result.
  let t = voteClosed(acked(send(choose(voteOpened(createSheet(), vote(1)), "yes")), 1, { ok: true }), closedVote(1));
  t = syncVotes(t, [vote(3, { voted: true })]);
  assert.equal(sheetView(t).phase, "result");
});
