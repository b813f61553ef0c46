// The console's votes panel: the open vote with its live progress and the
// close button, drafts to open, and the results of closed votes. Actions go
// up as DOM events: vote:new, vote:open {id}, vote:close {id}, vote:delete {id}.
// The new vote's form is vote-form-dialog.js; confirmations are confirm-dialog.js.
import { h, emit, icon, replaceChildren } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { DEFAULT_OPTIONS, optionLabel, ruleLabel, kindLabel, sortVotes } from "../logic/votes.js";
import { voteProgress, updateVoteProgress, voteResult } from "./vote-result.js";

export class VotePanel {
  constructor(el) {
    this.el = el;
    this.key = null;
    el.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-action]");
      if (!b || b.disabled || !el.contains(b)) return;
      const id = b.dataset.voteId != null ? Number(b.dataset.voteId) : undefined;
      emit(b, `vote:${b.dataset.action}`, { id });
    });
  }

  /** votes: the meeting's votes; status: the meeting's; items: agenda items; busy: vote ids waiting for the server. */
  render({ votes, status, items = [], busy = new Set() }) {
    const list = sortVotes(votes);
    // Rebuild only when something other than the counts changed, so the
    // secretary's tap on "close" is never lost to a progress event.
    const key = JSON.stringify([status, [...busy], items.map((i) => [i.id, i.title]),
      list.map((v) => [v.id, v.status, v.title, v.rule, v.secret, v.options, v.agenda_item_id, v.result, v.quorum])]);
    if (key === this.key) {
      for (const v of list) {
        if (v.status === "open") updateVoteProgress(this.el.querySelector(`[data-vote-id="${v.id}"] [data-testid=vote-progress]`), v);
      }
      return;
    }
    this.key = key;
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
}
