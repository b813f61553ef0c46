// The tablet's vote sheet: a modal over the document with the question and
// one large button per option, a confirmation step, and the server's answer.
// It draws logic/vote-sheet.js's sheetView(); taps go up as DOM events:
//   vote:choose {option}, vote:confirm, vote:back, vote:retry,
//   vote:minimize, vote:restore, vote:dismiss
import { h, emit, icon, replaceChildren } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { optionLabel, ruleLabel, kindLabel, ballotErrorKey } from "../logic/votes.js";
import { formatReceipt } from "../logic/receipt.js";
import { voteProgress, updateVoteProgress, voteResult, optionTone } from "./vote-result.js";
import { ackErrorMessage } from "../lib/api.js";

export class VoteSheet {
  constructor(host) {
    this.host = host;
    this.key = null;
    this.layer = h("div", {
      class: "vote-layer",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "vote-sheet-title",
      dataset: { testid: "vote-sheet" },
      hidden: true,
    });
    this.pill = h("button", { type: "button", class: "vote-pill", dataset: { testid: "vote-pill" }, hidden: true });
    host.append(this.layer, this.pill);
    this.layer.addEventListener("click", (e) => this.onClick(e));
    this.pill.addEventListener("click", () => emit(this.pill, "vote:restore"));
  }

  onClick(e) {
    const b = e.target.closest("button[data-action]");
    if (!b || b.disabled) return;
    const action = b.dataset.action;
    if (action === "choose") emit(b, "vote:choose", { option: b.dataset.option });
    else emit(b, `vote:${action}`);
  }

  /**
   * view: sheetView(state). extra: {receipt: hash | null, receiptCheck:
   * "checking" | "listed" | "missing" | null}.
   */
  render(view, extra = {}) {
    const vote = view.vote;
    this.layer.hidden = !view.visible;
    this.pill.hidden = !view.pill;
    if (!vote) {
      this.key = null;
      return;
    }
    this.renderPill(view);
    const key = JSON.stringify([vote.id, vote.status, view.phase, view.choice, view.error, extra.receipt, extra.receiptCheck]);
    if (key === this.key) {
      // Only the counts moved: update in place so a finger on a button is not lost.
      updateVoteProgress(this.layer.querySelector("[data-testid=vote-progress]"), vote);
      return;
    }
    const fresh = this.key == null || JSON.parse(this.key)[0] !== vote.id;
    this.key = key;
    this.layer.dataset.voteId = String(vote.id);
    this.layer.dataset.phase = view.phase;
    replaceChildren(this.layer,
      h("div", { class: "vote-scrim", "aria-hidden": "true" }),
      h("section", { class: `vote-sheet-card phase-${view.phase}` },
        this.head(vote, view),
        h("div", { class: "vote-body" }, this.body(vote, view, extra)),
        view.phase === "result" ? null : h("footer", { class: "vote-foot" }, voteProgress(vote))),
    );
    if (fresh && view.visible) this.layer.querySelector(".vote-title").focus({ preventScroll: true });
  }

  renderPill(view) {
    const vote = view.vote;
    const done = view.phase === "recorded" || view.phase === "result";
    replaceChildren(this.pill,
      h("span", { class: "vote-pill-dot", "aria-hidden": "true" }),
      h("span", { class: "vote-pill-text" }, t("vote.sheet.pill", { title: vote.title })),
      done ? h("span", { class: "vote-pill-state" }, icon("check", 16), t("vote.sheet.pill_recorded")) : null,
    );
    this.pill.dataset.phase = view.phase || "";
  }

  head(vote, view) {
    const canHide = ["choose", "watch", "absent", "recorded"].includes(view.phase);
    return h("header", { class: "vote-head" },
      h("div", { class: "vote-eyebrow" },
        h("span", { class: "vote-tag" }, t(view.phase === "result" ? "vote.result_label" : "vote.label")),
        h("span", {}, kindLabel(vote, t)),
        h("span", { "aria-hidden": "true" }, "·"),
        h("span", {}, ruleLabel(vote.rule, t))),
      h("h2", { class: "vote-title", id: "vote-sheet-title", tabindex: "-1", dataset: { testid: "vote-title" } }, vote.title),
      canHide
        ? h("button", { type: "button", class: "btn btn-ghost vote-hide", dataset: { action: "minimize", testid: "vote-minimize" } },
            icon("doc", 20), t("vote.sheet.minimize"))
        : null);
  }

  body(vote, view, extra) {
    switch (view.phase) {
      case "choose":
        return [
          h("p", { class: "vote-prompt" }, t("vote.sheet.prompt")),
          h("div", { class: `vote-options count-${Math.min(vote.options.length, 4)}` },
            vote.options.map((option, i) => h("button", {
              type: "button",
              class: `vote-option opt-${optionTone(vote, { option, first: i === 0 })}`,
              dataset: { action: "choose", option, testid: "vote-option" },
            }, optionMark(option), h("span", {}, optionLabel(option, t))))),
          h("p", { class: "vote-note" }, t(vote.secret ? "vote.sheet.secret_note" : "vote.sheet.named_note")),
        ];
      case "confirm":
      case "sending":
      case "error": {
        const sending = view.phase === "sending";
        const i = vote.options.indexOf(view.choice);
        return [
          h("p", { class: "vote-prompt" }, t("vote.sheet.confirm_prompt")),
          h("div", { class: `vote-chosen opt-${optionTone(vote, { option: view.choice, first: i === 0 })}` },
            optionMark(view.choice), h("span", {}, optionLabel(view.choice, t))),
          view.phase === "error"
            ? h("div", { class: "form-error vote-error", role: "alert", dataset: { testid: "vote-error" } },
                h("strong", {}, t("vote.sheet.error")),
                h("span", {}, ballotErrorKey(view.error) ? t(ballotErrorKey(view.error)) : ackErrorMessage(view.error)))
            : null,
          h("div", { class: "vote-actions" },
            h("button", { type: "button", class: "btn btn-secondary btn-lg", disabled: sending, dataset: { action: "back", testid: "vote-back" } },
              t("vote.sheet.back")),
            view.phase === "error"
              ? h("button", { type: "button", class: "btn btn-primary btn-lg vote-go", dataset: { action: "retry", testid: "vote-retry" } },
                  icon("refresh", 22), t("vote.sheet.retry"))
              : h("button", {
                  type: "button", class: "btn btn-primary btn-lg vote-go", disabled: sending,
                  "aria-busy": sending ? "true" : null, dataset: { action: "confirm", testid: "vote-confirm" },
                }, sending ? h("span", { class: "spinner", "aria-hidden": "true" }) : icon("check", 22),
                sending ? t("vote.sheet.sending") : t("vote.sheet.confirm"))),
        ];
      }
      case "recorded":
        return [
          h("div", { class: "vote-recorded", role: "status", dataset: { testid: "vote-recorded" } },
            h("span", { class: "vote-recorded-icon" }, icon("check", 44)),
            h("strong", {}, t("vote.sheet.recorded")),
            !vote.secret && view.choice != null ? h("span", {}, t("vote.sheet.your_choice", { option: optionLabel(view.choice, t) })) : null),
          vote.secret && extra.receipt ? receiptBox(extra.receipt) : null,
          h("div", { class: "vote-actions" },
            h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { action: "dismiss", testid: "vote-dismiss" } },
              t("vote.sheet.close"))),
        ];
      case "watch":
        return [h("p", { class: "vote-note vote-guest" }, t("vote.sheet.guest"))];
      case "absent":
        // Who may vote follows attendance: not recorded present when the vote opened, no ballot.
        return [h("p", { class: "vote-note vote-absent", dataset: { testid: "vote-absent" } }, t("vote.sheet.absent"))];
      case "result":
        return [
          voteResult(vote, { variant: "sheet" }),
          vote.secret && extra.receipt ? receiptBox(extra.receipt, extra.receiptCheck) : null,
          h("div", { class: "vote-actions" },
            h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { action: "dismiss", testid: "vote-dismiss" } },
              t("vote.sheet.close"))),
        ];
      default:
        return [];
    }
  }
}

function optionMark(option) {
  const paths = { yes: "M5 12l5 5L20 7", no: "M6 6l12 12M18 6L6 18", abstain: "M5 12h14" };
  if (!paths[option]) return h("span", { class: "vote-option-mark", "aria-hidden": "true" });
  const el = icon("check", 30);
  el.querySelector("path").setAttribute("d", paths[option]);
  el.classList.add("vote-option-mark");
  return el;
}

function receiptBox(hash, check = null) {
  return h("div", { class: "vote-receipt", dataset: { testid: "vote-receipt", hash } },
    h("span", { class: "vote-receipt-label" }, t("vote.sheet.receipt")),
    h("code", { class: "vote-receipt-code" }, formatReceipt(hash)),
    check === "listed" || check === "missing"
      ? h("span", { class: `vote-receipt-check is-${check}`, dataset: { testid: "vote-receipt-check", state: check } },
          t(check === "listed" ? "vote.sheet.receipt_listed" : "vote.sheet.receipt_missing"))
      : h("span", { class: "vote-receipt-hint" }, t("vote.sheet.receipt_hint")));
}
