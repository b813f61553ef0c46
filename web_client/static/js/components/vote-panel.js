// The console's votes panel: the open vote with its live progress and the
// close button, drafts to open, and the results of closed votes. Actions go
// up as DOM events: vote:new, vote:open {id}, vote:close {id}, vote:delete {id},
// vote:record {id, user_id, choice} (the console's own ballot, or one recorded
// for a present member without a tablet), vote:paper {id, tally} (a secret
// vote's paper ballots). While a vote is open it lists who has not voted yet.
// The new vote's form is vote-form-dialog.js; confirmations are confirm-dialog.js.
import { h, emit, icon, replaceChildren } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { DEFAULT_OPTIONS, optionLabel, ruleLabel, kindLabel, sortVotes } from "../logic/votes.js";
import { voteProgress, updateVoteProgress, voteResult, optionTone } from "./vote-result.js";

export class VotePanel {
  constructor(el) {
    this.el = el;
    this.key = null;
    el.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-action]");
      if (!b || b.disabled || !el.contains(b)) return;
      const id = b.dataset.voteId != null ? Number(b.dataset.voteId) : undefined;
      if (b.dataset.action === "record") {
        emit(b, "vote:record", { id, user_id: Number(b.dataset.userId), choice: b.dataset.choice, name: b.dataset.name });
        return;
      }
      if (b.dataset.action === "paper") {
        const form = b.closest("[data-testid=vote-paper-form]");
        const tally = {};
        for (const input of form.querySelectorAll("input[data-option]")) tally[input.dataset.option] = input.value;
        emit(b, "vote:paper", { id, tally });
        return;
      }
      emit(b, `vote:${b.dataset.action}`, { id });
    });
  }

  /**
   * votes: the meeting's votes; status: the meeting's; items: agenda items; busy: vote ids waiting for the server;
   * turnouts: vote id -> {not_voted, absent, paper} (GET /api/votes/{id}/turnout); me: the console user's id.
   */
  render({ votes, status, items = [], busy = new Set(), turnouts = new Map(), me = null }) {
    const list = sortVotes(votes);
    this.turnouts = turnouts;
    this.me = me;
    // Rebuild only when something other than the counts changed, so the
    // secretary's tap on "close" is never lost to a progress event.
    const key = JSON.stringify([status, [...busy], items.map((i) => [i.id, i.title]), me,
      list.map((v) => [v.id, v.status, v.title, v.rule, v.secret, v.options, v.agenda_item_id, v.result, v.quorum,
        v.paper, turnouts.get(Number(v.id)) || null])]);
    if (key === this.key) {
      for (const v of list) {
        if (v.status === "open") updateVoteProgress(this.el.querySelector(`[data-vote-id="${v.id}"] [data-testid=vote-progress]`), v);
      }
      return;
    }
    this.key = key;
    // Paper counts being typed survive a rebuild.
    const typed = new Map([...this.el.querySelectorAll("input[data-option]")].map((i) => [`${i.dataset.voteId}:${i.dataset.option}`, i.value]));
    this.build(list, { status, items, busy });
    for (const input of this.el.querySelectorAll("input[data-option]")) {
      const was = typed.get(`${input.dataset.voteId}:${input.dataset.option}`);
      if (was != null) input.value = was;
    }
  }

  build(list, { status, items, busy }) {
    const itemTitle = (id) => {
      const item = items.find((i) => Number(i.id) === Number(id));
      return item ? `${item.position}. ${item.title}` : null;
    };
    const closedOnes = list.filter((v) => v.status === "closed");
    const shown = list.filter((v) => v.status !== "closed");
    const canAct = status === "open";
    replaceChildren(this.el,
      h("div", { class: "vote-panel-head" },
        h("button", {
          type: "button", class: "btn btn-primary btn-block", disabled: status === "closed",
          dataset: { action: "new", testid: "vote-new" },
        }, icon("plus", 20), t("vote.panel.new")),
        status === "scheduled" ? h("p", { class: "muted-note vote-hint" }, t("vote.panel.meeting_not_open")) : null),
      ...shown.map((v) => this.item(v, { canAct, busy: busy.has(Number(v.id)), item: itemTitle(v.agenda_item_id) })),
      closedOnes.length ? this.item(closedOnes[0], { item: itemTitle(closedOnes[0].agenda_item_id) }) : null,
      closedOnes.length > 1
        ? h("details", { class: "vote-earlier" },
            h("summary", {}, `${t("vote.panel.earlier")} (${closedOnes.length - 1})`),
            closedOnes.slice(1).map((v) => this.item(v, { item: itemTitle(v.agenda_item_id) })))
        : null,
      list.length ? null : h("p", { class: "vote-empty" }, t("vote.panel.empty")),
    );
  }

  item(v, { canAct = false, busy = false, item = null }) {
    const facts = [kindLabel(v, t), ruleLabel(v.rule, t)];
    const custom = JSON.stringify(v.options) !== JSON.stringify(DEFAULT_OPTIONS);
    return h("article", {
      class: `vote-item is-${v.status}`,
      dataset: { testid: "vote-item", voteId: v.id, status: v.status },
    },
    h("div", { class: "vote-item-top" },
      h("span", { class: `vote-status vote-status-${v.status}` }, t(`vote.status.${v.status}`)),
      item ? h("span", { class: "vote-item-agenda" }, item) : null),
    h("h3", { class: "vote-item-title" }, v.title),
    h("p", { class: "vote-item-facts" }, facts.join(" · ")),
    custom ? h("p", { class: "vote-item-options" }, v.options.map((o) => optionLabel(o, t)).join(" · ")) : null,
    v.quorum && v.quorum.overridden
      ? h("p", { class: "vote-overridden", dataset: { testid: "vote-overridden" } },
          t("vote.quorum_overridden", { present: v.quorum.present, required: v.quorum.required }))
      : null,
    v.status === "open" ? voteProgress(v) : null,
    v.status === "open" ? this.turnout(v, { canAct: canAct && !busy }) : null,
    v.status === "closed" ? voteResult(v, { variant: "panel" }) : null,
    v.status === "draft"
      ? h("div", { class: "vote-item-actions" },
          h("button", {
            type: "button", class: "btn btn-primary", disabled: !canAct || busy,
            dataset: { action: "open", voteId: v.id, testid: "vote-open" },
          }, icon("play", 18), t("vote.panel.open")),
          h("button", {
            type: "button", class: "btn btn-ghost", disabled: busy,
            dataset: { action: "delete", voteId: v.id, testid: "vote-delete" },
          }, t("vote.panel.delete")))
      : null,
    v.status === "open"
      ? h("div", { class: "vote-item-actions" },
          h("button", {
            type: "button", class: "btn btn-danger btn-lg btn-block", disabled: busy,
            dataset: { action: "close", voteId: v.id, testid: "vote-close" },
          }, icon("stop", 18), t("vote.panel.close")))
      : null);
  }

  /**
   * Who has not voted yet (names; a secret vote too: who voted is not secret,
   * what they chose is), each with the options to record their ballot: the
   * console user's own, or, in a named vote, one for a member present without
   * a tablet. A secret vote takes the paper ballots' counts instead.
   */
  turnout(v, { canAct }) {
    const seen = this.turnouts && this.turnouts.get(Number(v.id));
    if (!seen) return null;
    const me = this.me;
    const row = (p) => {
      const mine = Number(p.user_id) === Number(me);
      const may = mine || !v.secret; // a secret ballot is never recorded for someone else
      return h("li", { class: `vote-waiting${mine ? " is-me" : ""}`, dataset: { testid: "vote-not-voted", userId: p.user_id } },
        h("span", { class: "vote-waiting-name" }, mine ? t("vote.panel.me", { name: p.full_name }) : p.full_name),
        may && canAct
          ? h("details", { class: "vote-record" },
              h("summary", { dataset: { testid: mine ? "vote-self" : "vote-record-open" } },
                t(mine ? "vote.panel.vote_self" : "vote.panel.record")),
              h("div", { class: "vote-record-options" },
                v.options.map((o, i) => h("button", {
                  type: "button", class: `btn vote-record-option opt-${optionTone(v, { option: o, first: i === 0 })}`,
                  dataset: { action: "record", voteId: v.id, userId: p.user_id, choice: o, name: p.full_name, testid: "vote-record-choice" },
                }, optionLabel(o, t)))))
          : null);
    };
    return h("div", { class: "vote-turnout", dataset: { testid: "vote-turnout" } },
      h("h4", { class: "vote-turnout-title" }, t("vote.panel.not_voted", { count: seen.not_voted.length })),
      seen.not_voted.length
        ? h("ul", { class: "vote-waiting-list" }, seen.not_voted.map(row))
        : h("p", { class: "vote-turnout-hint", dataset: { testid: "vote-all-voted" } }, t("vote.panel.all_voted")),
      seen.absent.length
        ? h("p", { class: "vote-absent-list", dataset: { testid: "vote-absent-list" } },
            t("vote.panel.absent_list", { names: seen.absent.map((p) => p.full_name).join(", ") }))
        : null,
      v.secret ? this.paperForm(v, canAct) : null);
  }

  paperForm(v, canAct) {
    const paper = v.paper || {};
    return h("div", { class: "vote-paper-form", dataset: { testid: "vote-paper-form" } },
      h("h4", { class: "vote-turnout-title" }, t("vote.panel.paper_title")),
      h("p", { class: "vote-turnout-hint" }, t("vote.panel.paper_hint")),
      h("div", { class: "vote-paper-fields" },
        v.options.map((o) => h("label", { class: "vote-paper-field" },
          h("span", {}, optionLabel(o, t)),
          h("input", {
            type: "number", min: "0", step: "1", inputmode: "numeric", value: String(paper[o] || 0),
            disabled: !canAct, dataset: { option: o, voteId: v.id, testid: "vote-paper-count" },
          })))),
      h("button", {
        type: "button", class: "btn btn-secondary", disabled: !canAct,
        dataset: { action: "paper", voteId: v.id, testid: "vote-paper-save" },
      }, t("vote.panel.paper_save")));
  }
}
