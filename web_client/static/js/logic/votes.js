// Votes as people see them: option and rule labels, progress, the tally as
// bars, the verdict, and the new-vote form's checks. Pure: no DOM; `t` (the
// i18n function) and the locale are passed in.

export const DEFAULT_OPTIONS = Object.freeze(["yes", "no", "abstain"]);
export const RULES = Object.freeze(["majority_of_members", "majority_of_cast", "two_thirds_of_members"]);
export const DEFAULT_RULE = "majority_of_members";
export const TITLE_MAX = 500;
export const OPTION_MAX = 200;
export const OPTIONS_MIN = 2;
export const OPTIONS_MAX = 20; // the server's MAX_OPTIONS

/** "yes" -> "Đồng ý" (the default options are keys); custom options as given. */
export function optionLabel(option, t) {
  return DEFAULT_OPTIONS.includes(option) ? t(`vote.option.${option}`) : String(option);
}

export function ruleLabel(rule, t) {
  return RULES.includes(rule) ? t(`vote.rule.${rule}`) : String(rule || "");
}

export function kindLabel(vote, t) {
  return t(vote && vote.secret ? "vote.kind.secret" : "vote.kind.named");
}

/** A share as a percentage, 0 when there is nothing to share. */
export function percent(part, whole) {
  const p = Number(part) || 0;
  const w = Number(whole) || 0;
  return w > 0 ? (p * 100) / w : 0;
}

/** "77,8%" in Vietnamese, "77.8%" in English: at most one decimal. */
export function formatPercent(value, locale = "vi-VN") {
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)}%`;
}

/** {cast, eligible, remaining, percent} of an open (or closed) vote. */
export function progressOf(vote) {
  const cast = Math.max(0, Number(vote && vote.cast) || 0);
  const eligible = Math.max(0, Number(vote && vote.eligible) || 0);
  return { cast, eligible, remaining: Math.max(0, eligible - cast), percent: Math.min(100, percent(cast, eligible)) };
}

/** A vote with a vote:progress payload applied (other votes unchanged).
 * Ballots are final, so the count only grows: a late, older payload is ignored. */
export function withProgress(vote, data) {
  if (!vote || !data || Number(data.vote_id) !== Number(vote.id)) return vote;
  return { ...vote, cast: Math.max(Number(vote.cast) || 0, Number(data.cast) || 0), eligible: data.eligible ?? vote.eligible };
}

/**
 * The fewest first-option ballots that pass, for a base (voting members, or
 * ballots cast): majorities need more than half, two thirds needs at least
 * two thirds. A tie never passes.
 */
export function requiredApprovals(rule, base) {
  const b = Math.max(0, Number(base) || 0);
  if (rule === "two_thirds_of_members") return Math.ceil((b * 2) / 3);
  return Math.floor(b / 2) + 1;
}

/** What the rule counts against: the voting members or the ballots cast. */
export function ruleBase(vote) {
  if (vote && vote.result && Number.isFinite(Number(vote.result.base))) return Number(vote.result.base);
  return vote && vote.rule === "majority_of_cast" ? Number(vote.cast) || 0 : Number(vote && vote.eligible) || 0;
}

/**
 * The closed vote's verdict: {passed, approvals, required, base}, the
 * server's numbers where it gave them. null while the vote is not closed.
 */
export function verdictOf(vote) {
  if (!vote || vote.status !== "closed" || !vote.result) return null;
  const r = vote.result;
  const options = vote.options || DEFAULT_OPTIONS;
  const base = ruleBase(vote);
  const approvals = Number.isFinite(Number(r.approvals))
    ? Number(r.approvals)
    : Number((vote.tally || {})[options[0]]) || 0;
  const required = Number.isFinite(Number(r.required)) ? Number(r.required) : requiredApprovals(vote.rule, base);
  return { passed: Boolean(r.passed), approvals, required, base };
}

/**
 * One row per option, in the vote's order: {option, count, percent, fill,
 * first}. `percent` is of the rule's base (members or ballots cast), as the
 * minutes report it; `fill` (0..1) sizes the bar against the same base.
 */
export function tallyRows(vote) {
  const options = (vote && vote.options) || DEFAULT_OPTIONS;
  const tally = (vote && vote.tally) || {};
  const base = ruleBase(vote);
  return options.map((option, i) => {
    const count = Math.max(0, Number(tally[option]) || 0);
    const p = percent(count, base);
    return { option, count, percent: p, fill: Math.min(1, p / 100), first: i === 0 };
  });
}

/** Where the pass mark sits on the bars (0..1), or null without a base. */
export function passMark(vote) {
  const base = ruleBase(vote);
  if (!base) return null;
  const v = verdictOf(vote);
  const required = v ? v.required : requiredApprovals(vote.rule, base);
  return Math.min(1, required / base);
}

/** Votes newest first within status: open, then drafts, then closed. */
export function sortVotes(votes) {
  const rank = { open: 0, draft: 1, closed: 2 };
  return [...(votes || [])].sort(
    (a, b) => (rank[a.status] ?? 3) - (rank[b.status] ?? 3) || Number(b.id) - Number(a.id),
  );
}

const STAGE = { draft: 0, open: 1, closed: 2 };

/**
 * Replace or add a vote in a list, by id. A vote only moves forward (draft,
 * open, closed) and its count only grows while open, so a copy that is older
 * than what we hold (an HTTP answer overtaken by the events after it) changes
 * nothing backwards.
 */
export function upsertVote(votes, vote) {
  if (!vote || vote.id == null) return votes || [];
  const list = votes || [];
  const at = list.findIndex((v) => Number(v.id) === Number(vote.id));
  if (at < 0) return [...list, vote];
  const held = list[at];
  if ((STAGE[vote.status] ?? 0) < (STAGE[held.status] ?? 0)) return list;
  const next = [...list];
  // Broadcast events carry no per-user `voted`: keep what we knew.
  next[at] = { ...held, ...vote };
  if (vote.status === held.status && Number(held.cast) > Number(vote.cast)) next[at].cast = held.cast;
  return next;
}

/** Custom options from a textarea, one per line: trimmed, blank lines dropped. */
export function parseOptions(text) {
  return String(text || "")
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Check the new-vote form and build the request body for
 * POST /api/meetings/{id}/votes. Returns {body} or {error: {field, key, params}}
 * with an i18n key the form shows next to the field.
 */
export function buildVoteBody({ title, agendaItemId, secret, rule, custom, optionsText }) {
  const name = String(title || "").trim();
  if (!name) return { error: { field: "title", key: "vote.form.error.title" } };
  if (name.length > TITLE_MAX) return { error: { field: "title", key: "vote.form.error.title_long", params: { max: TITLE_MAX } } };
  const body = { title: name, secret: Boolean(secret), rule: RULES.includes(rule) ? rule : DEFAULT_RULE };
  const item = Number(agendaItemId);
  if (agendaItemId !== "" && agendaItemId != null && Number.isInteger(item) && item > 0) body.agenda_item_id = item;
  if (custom) {
    const options = parseOptions(optionsText);
    if (options.length < OPTIONS_MIN || options.length > OPTIONS_MAX) {
      return { error: { field: "options", key: "vote.form.error.options_count", params: { min: OPTIONS_MIN, max: OPTIONS_MAX } } };
    }
    const long = options.find((o) => o.length > OPTION_MAX);
    if (long) return { error: { field: "options", key: "vote.form.error.option_long", params: { max: OPTION_MAX } } };
    const seen = new Set();
    for (const o of options) {
      const k = o.toLocaleLowerCase("vi");
      if (seen.has(k)) return { error: { field: "options", key: "vote.form.error.options_duplicate", params: { option: o } } };
      seen.add(k);
    }
    body.options = options;
  }
  return { body };
}

/**
 * The open-vote refusal a secretary may override: {present, required,
 * message}, or null for any other error. The numbers are the server's, from
 * the error's details; failing those, the attendance counts the console holds.
 */
export function quorumRefusal(error, counts) {
  if (!error || error.code !== "quorum_not_met") return null;
  const facts = (error.details && error.details.details) || {};
  return {
    present: Number.isInteger(facts.present) ? facts.present : counts ? counts.attending : null,
    required: Number.isInteger(facts.required) ? facts.required : counts ? counts.quorum_required : null,
    message: error.message || "",
  };
}

/**
 * The i18n key explaining a refused ballot to the voter, or null where the
 * generic message fits (offline, timeout). The server's own messages are
 * written for operators; a member at the table reads these.
 */
export function ballotErrorKey(error) {
  const code = error && error.code;
  return ["absent", "conflict", "forbidden", "invalid", "meeting_closed", "not_found"].includes(code) ? `vote.error.${code}` : null;
}
