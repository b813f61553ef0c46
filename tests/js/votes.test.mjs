import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  DEFAULT_OPTIONS, RULES, DEFAULT_RULE, optionLabel, ruleLabel, kindLabel, percent, formatPercent,
  progressOf, withProgress, requiredApprovals, verdictOf, tallyRows, passMark, sortVotes, upsertVote,
  parseOptions, buildVoteBody, quorumRefusal, ballotErrorKey,
} from "../../web_client/static/js/logic/votes.js";

const vi = JSON.parse(readFileSync(new URL("../../web_client/i18n/vi.json", import.meta.url), "utf8"));
const t = (key) => vi[key] ?? key;

const closed = (over = {}) => ({
  id: 4, title: "Thông qua Nghị quyết", options: ["yes", "no", "abstain"], secret: false,
  rule: "majority_of_members", status: "closed", eligible: 9, cast: 8,
  tally: { yes: 6, no: 1, abstain: 1 }, result: { passed: true, approvals: 6, required: 5, base: 9 },
  ...over,
});

test("default options and rules read as the agreed Vietnamese", () => {
  assert.deepEqual(DEFAULT_OPTIONS, ["yes", "no", "abstain"]);
  assert.deepEqual(DEFAULT_OPTIONS.map((o) => optionLabel(o, t)), ["Đồng ý", "Không đồng ý", "Không biểu quyết"]);
  assert.equal(optionLabel("Phương án A", t), "Phương án A");
  assert.equal(DEFAULT_RULE, "majority_of_members");
  assert.deepEqual(RULES.map((r) => ruleLabel(r, t)), [
    "Quá nửa tổng số thành viên", "Quá nửa số phiếu biểu quyết", "Hai phần ba tổng số thành viên",
  ]);
  assert.equal(kindLabel({ secret: true }, t), vi["vote.kind.secret"]);
  assert.equal(kindLabel({ secret: false }, t), vi["vote.kind.named"]);
});

test("percentages: of nothing is 0; one decimal with the locale's comma", () => {
  assert.equal(percent(1, 0), 0);
  assert.equal(percent(2, 3).toFixed(3), "66.667");
  assert.equal(formatPercent(percent(2, 3), "vi-VN"), "66,7%");
  assert.equal(formatPercent(percent(2, 3), "en-GB"), "66.7%");
  assert.equal(formatPercent(100, "vi-VN"), "100%");
});

test("progress counts ballots against those entitled, and follows vote:progress", () => {
  const v = { id: 3, cast: 0, eligible: 9 };
  assert.deepEqual(progressOf(v), { cast: 0, eligible: 9, remaining: 9, percent: 0 });
  const after = withProgress(v, { vote_id: 3, cast: 3, eligible: 9 });
  assert.equal(progressOf(after).percent.toFixed(1), "33.3");
  assert.equal(progressOf(after).remaining, 6);
  assert.equal(withProgress(v, { vote_id: 99, cast: 5 }), v);
  assert.deepEqual(progressOf(null), { cast: 0, eligible: 0, remaining: 0, percent: 0 });
});

test("pass marks: more than half, or at least two thirds; a tie never passes", () => {
  assert.equal(requiredApprovals("majority_of_members", 9), 5);
  assert.equal(requiredApprovals("majority_of_members", 10), 6); // 5 of 10 is a tie
  assert.equal(requiredApprovals("majority_of_cast", 8), 5);
  assert.equal(requiredApprovals("two_thirds_of_members", 9), 6);
  assert.equal(requiredApprovals("two_thirds_of_members", 10), 7);
  assert.equal(requiredApprovals("two_thirds_of_members", 0), 0);
});

test("the verdict comes from the server's result, completed when it is terse", () => {
  assert.deepEqual(verdictOf(closed()), { passed: true, approvals: 6, required: 5, base: 9 });
  const terse = closed({ result: { passed: false }, rule: "two_thirds_of_members", tally: { yes: 5, no: 3, abstain: 1 } });
  assert.deepEqual(verdictOf(terse), { passed: false, approvals: 5, required: 6, base: 9 });
  const ofCast = closed({ rule: "majority_of_cast", result: { passed: true } });
  assert.equal(verdictOf(ofCast).base, 8);
  assert.equal(verdictOf({ ...closed(), status: "open", result: null }), null);
});

test("tally rows keep the option order; percentages are of the rule's base", () => {
  const rows = tallyRows(closed());
  assert.deepEqual(rows.map((r) => [r.option, r.count, r.first]), [["yes", 6, true], ["no", 1, false], ["abstain", 1, false]]);
  assert.equal(rows[0].percent.toFixed(1), "66.7");
  assert.equal(rows[0].fill.toFixed(3), "0.667");
  const custom = tallyRows(closed({ options: ["A", "B"], tally: { A: 2 }, rule: "majority_of_cast", result: { passed: false, base: 2 } }));
  assert.deepEqual(custom.map((r) => [r.option, r.count, r.percent]), [["A", 2, 100], ["B", 0, 0]]);
  assert.equal(passMark(closed()).toFixed(3), (5 / 9).toFixed(3));
});

test("lists: open first, then drafts, then closed, newest first; upsert keeps `voted`", () => {
  const list = [{ id: 1, status: "closed" }, { id: 2, status: "draft" }, { id: 3, status: "open" }, { id: 4, status: "closed" }];
  assert.deepEqual(sortVotes(list).map((v) => v.id), [3, 2, 4, 1]);
  const mine = [{ id: 3, status: "open", voted: true, cast: 1 }];
  assert.deepEqual(upsertVote(mine, { id: 3, status: "open", cast: 2 }), [{ id: 3, status: "open", voted: true, cast: 2 }]);
  assert.equal(upsertVote(mine, { id: 5, status: "draft" }).length, 2);
  assert.deepEqual(upsertVote(mine, null), mine);
  // An answer overtaken by later events never rolls the vote back.
  const live = [{ id: 7, status: "open", cast: 4, eligible: 9 }];
  assert.equal(upsertVote(live, { id: 7, status: "open", cast: 0, eligible: 9 })[0].cast, 4);
  const closed = [{ id: 7, status: "closed", cast: 8, tally: { yes: 6 } }];
  assert.equal(upsertVote(closed, { id: 7, status: "open", cast: 8 })[0].status, "closed");
  assert.equal(upsertVote(live, { id: 7, status: "closed", cast: 8 })[0].status, "closed");
  assert.equal(withProgress({ id: 7, cast: 5, eligible: 9 }, { vote_id: 7, cast: 4, eligible: 9 }).cast, 5);
});

test("the new-vote form: title required, defaults, agenda item, custom options checked", () => {
  assert.deepEqual(buildVoteBody({ title: "  " }).error.field, "title");
  assert.equal(buildVoteBody({ title: "x".repeat(501) }).error.key, "vote.form.error.title_long");
  assert.deepEqual(buildVoteBody({ title: " Thông qua ", agendaItemId: "", secret: false, rule: "" }).body, {
    title: "Thông qua", secret: false, rule: "majority_of_members",
  });
  assert.deepEqual(buildVoteBody({ title: "T", agendaItemId: "12", secret: true, rule: "two_thirds_of_members" }).body, {
    title: "T", secret: true, rule: "two_thirds_of_members", agenda_item_id: 12,
  });
  assert.deepEqual(parseOptions(" A \n\n B\r\nC "), ["A", "B", "C"]);
  assert.deepEqual(buildVoteBody({ title: "T", custom: true, optionsText: "Phương án 1\nPhương án 2" }).body.options, ["Phương án 1", "Phương án 2"]);
  assert.equal(buildVoteBody({ title: "T", custom: true, optionsText: "Chỉ một" }).error.key, "vote.form.error.options_count");
  assert.equal(buildVoteBody({ title: "T", custom: true, optionsText: "Ăn\năn" }).error.key, "vote.form.error.options_duplicate");
  assert.equal(buildVoteBody({ title: "T", custom: true, optionsText: `a\n${"b".repeat(201)}` }).error.key, "vote.form.error.option_long");
  for (const k of ["title", "title_long", "options_count", "options_duplicate", "option_long"]) assert.ok(`vote.form.error.${k}` in vi, k);
});

test("quorum_not_met is recognised, with the numbers of the attendance counts", () => {
  assert.equal(quorumRefusal({ code: "conflict" }, { attending: 2, quorum_required: 6 }), null);
  assert.deepEqual(quorumRefusal({ code: "quorum_not_met", message: "No quorum" }, { attending: 2, quorum_required: 6 }),
    { present: 2, required: 6, message: "No quorum" });
  // The server's own numbers win over the console's (they are the ones it decided on).
  const refused = { code: "quorum_not_met", message: "No quorum", details: { details: { present: 3, required: 6, voting: 9 } } };
  assert.deepEqual(quorumRefusal(refused, { attending: 2, quorum_required: 6 }), { present: 3, required: 6, message: "No quorum" });
});

test("a refused ballot is explained in the voter's words; offline and timeout keep the generic text", () => {
  for (const code of ["conflict", "forbidden", "invalid", "meeting_closed", "not_found"]) {
    assert.ok(vi[ballotErrorKey({ code })], code);
  }
  assert.equal(ballotErrorKey({ code: "timeout" }), null);
  assert.equal(ballotErrorKey({ code: "offline" }), null);
  assert.equal(ballotErrorKey(null), null);
});
