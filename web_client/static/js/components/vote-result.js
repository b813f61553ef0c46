// A closed vote's result: the verdict (THÔNG QUA / KHÔNG THÔNG QUA), the
// approvals against the pass mark, and one bar per option. Shared by the
// hall screen, the console and the tablet's sheet; each page's CSS sizes it
// (variant "screen" | "panel" | "sheet").
import { h } from "../lib/dom.js";
import { t, locale } from "../lib/i18n.js";
import {
  optionLabel, ruleLabel, kindLabel, verdictOf, tallyRows, passMark, formatPercent, progressOf,
} from "../logic/votes.js";

/** A progress bar "x / y" for an open vote; `big` for the hall screen. */
export function voteProgress(vote, { big = false } = {}) {
  const p = progressOf(vote);
  return h("div", {
    class: `vote-progress${big ? " vote-progress-big" : ""}`,
    dataset: { testid: "vote-progress", cast: p.cast, eligible: p.eligible },
  },
  big
    ? h("div", { class: "vote-progress-numbers" },
        h("span", { class: "vote-progress-cast" }, String(p.cast)),
        h("span", { class: "vote-progress-of" }, ` / ${p.eligible}`),
        h("span", { class: "vote-progress-label" }, t("vote.progress_label")))
    : h("div", { class: "vote-progress-text" }, t("vote.progress", { cast: p.cast, eligible: p.eligible })),
  h("div", {
    class: "vote-progress-track",
    role: "progressbar",
    "aria-valuemin": "0",
    "aria-valuemax": String(p.eligible),
    "aria-valuenow": String(p.cast),
    "aria-label": t("vote.progress", { cast: p.cast, eligible: p.eligible }),
  }, h("span", { class: "vote-progress-fill", style: { width: `${p.percent}%` } })));
}

/** Update a voteProgress() element in place (no rebuild: taps nearby are not lost). */
export function updateVoteProgress(el, vote) {
  if (!el) return;
  const p = progressOf(vote);
  el.dataset.cast = String(p.cast);
  el.dataset.eligible = String(p.eligible);
  const text = t("vote.progress", { cast: p.cast, eligible: p.eligible });
  const cast = el.querySelector(".vote-progress-cast");
  if (cast) {
    cast.textContent = String(p.cast);
    el.querySelector(".vote-progress-of").textContent = ` / ${p.eligible}`;
  } else {
    el.querySelector(".vote-progress-text").textContent = text;
  }
  const track = el.querySelector(".vote-progress-track");
  track.setAttribute("aria-valuenow", String(p.cast));
  track.setAttribute("aria-valuemax", String(p.eligible));
  track.setAttribute("aria-label", text);
  el.querySelector(".vote-progress-fill").style.width = `${p.percent}%`;
}

/** The verdict badge alone. */
export function verdictBadge(vote) {
  const v = verdictOf(vote);
  if (!v) return null;
  return h("div", {
    class: `vote-verdict ${v.passed ? "is-passed" : "is-failed"}`,
    dataset: { testid: "vote-verdict", passed: String(v.passed) },
  }, t(v.passed ? "vote.verdict.passed" : "vote.verdict.failed"));
}

/** The whole result of a closed vote. */
export function voteResult(vote, { variant = "panel" } = {}) {
  const v = verdictOf(vote);
  if (!v) return null;
  const loc = locale();
  const rows = tallyRows(vote);
  const mark = passMark(vote);
  const first = optionLabel(rows[0] ? rows[0].option : "yes", t);
  const baseKind = (vote.result && vote.result.base_kind) || (vote.rule === "majority_of_cast" ? "cast" : "members");
  const p = progressOf(vote);
  const bodyMembers = (vote.result && vote.result.members) ?? vote.members ?? null;
  return h("section", {
    class: `vote-result vote-result-${variant}`,
    dataset: { testid: "vote-result", voteId: vote.id, passed: String(v.passed) },
  },
  h("div", { class: "vote-result-head" },
    verdictBadge(vote),
    h("div", { class: "vote-approvals" },
      h("strong", {}, t("vote.approvals", { option: first, approvals: v.approvals, base: v.base, required: v.required })),
      // A meeting of a body: the base is its whole membership, invited or not ("trên tổng số 9 ủy viên").
      h("span", { dataset: { testid: "vote-base", members: bodyMembers ?? "" } },
        ` ${baseKind === "members" && bodyMembers != null ? t("admin.bodies.vote_members", { count: bodyMembers }) : t(`vote.base.${baseKind}`)}`),
      // A tie is worth a word only where it decided: enough approvals, yet not passed.
      vote.result && vote.result.tie && v.approvals >= v.required ? h("span", { class: "vote-tie" }, t("vote.verdict.tie")) : null)),
  h("ol", { class: "vote-bars" },
    rows.map((r) => h("li", {
      class: `vote-bar-row${r.first ? " is-first" : ""}`,
      dataset: { testid: "vote-tally-row", option: r.option, count: r.count },
    },
    h("span", { class: "vote-bar-label" }, optionLabel(r.option, t)),
    h("span", { class: "vote-bar-track", "aria-hidden": "true" },
      h("span", { class: `vote-bar-fill opt-${optionTone(vote, r)}`, style: { width: `${r.fill * 100}%` } }),
      r.first && mark != null ? h("span", { class: "vote-bar-mark", style: { left: `${mark * 100}%` } }) : null),
    h("span", { class: "vote-bar-count" }, String(r.count)),
    h("span", { class: "vote-bar-pct" }, formatPercent(r.percent, loc))))),
  h("p", { class: "vote-result-meta" },
    [ruleLabel(vote.rule, t), kindLabel(vote, t), t("vote.progress", { cast: p.cast, eligible: p.eligible }),
      vote.attending != null ? t("vote.attending", { attending: vote.attending, eligible: p.eligible }) : null]
      .filter(Boolean).join(" · ")),
  paperNote(vote),
  namedBallots(vote));
}

/** A secret vote's paper ballots counted at the console: counts per option, never a name. */
function paperNote(vote) {
  const paper = vote.secret && vote.paper;
  if (!paper) return null;
  const total = Object.values(paper).reduce((a, b) => a + Number(b || 0), 0);
  if (!total) return null;
  return h("p", { class: "vote-paper-note", dataset: { testid: "vote-paper", total } },
    t("vote.paper_note", { count: total, detail: vote.options.map((o) => `${optionLabel(o, t)}: ${paper[o] || 0}`).join("; ") }));
}

/**
 * A closed named vote: each name with its choice, shown to everyone (this is
 * what "named" means). A ballot recorded at the console is marked. A secret
 * vote has none (the server never sends them).
 */
export function namedBallots(vote) {
  if (vote.secret || !Array.isArray(vote.ballots) || !vote.ballots.length) return null;
  return h("section", { class: "vote-ballots", dataset: { testid: "vote-ballots" } },
    h("h4", { class: "vote-ballots-title" }, t("vote.ballots_title", { count: vote.ballots.length })),
    h("ul", { class: "vote-ballots-list" },
      vote.ballots.map((b) => h("li", {
        class: `vote-ballot opt-${optionTone(vote, { option: b.choice, first: b.choice === vote.options[0] })}`,
        dataset: { testid: "vote-ballot", userId: b.user_id, choice: b.choice, recorded: String(Boolean(b.recorded_by)) },
      },
      h("span", { class: "vote-ballot-name" }, b.full_name),
      h("span", { class: "vote-ballot-choice" }, optionLabel(b.choice, t)),
      b.recorded_by
        ? h("span", { class: "vote-ballot-recorded", dataset: { testid: "vote-ballot-recorded" }, title: b.recorded_by.full_name },
            t("vote.recorded_by_console"))
        : null))));
}

/** Colour family of an option: yes / no / abstain for the defaults, neutral otherwise. */
export function optionTone(vote, row) {
  if (["yes", "no", "abstain"].includes(row.option)) return row.option;
  return row.first ? "first" : "other";
}
