// The console's votes panel: the open vote with its live progress and the
// close button, drafts to open, and the results of closed votes. Actions go
// up as DOM events: vote:new, vote:open {id}, vote:close {id}, vote:delete {id}.
// The dialogs it needs (new vote, confirmations, the quorum warning) are
// below: each returns a Promise and removes itself when done.
import { h, emit, icon, replaceChildren } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import {
  RULES, DEFAULT_RULE, DEFAULT_OPTIONS, optionLabel, ruleLabel, kindLabel, sortVotes, buildVoteBody,
} from "../logic/votes.js";
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

// ---- dialogs ------------------------------------------------------------------------

function dialog(testid, ...children) {
  const d = h("dialog", { class: "dialog vote-dialog", dataset: { testid } }, ...children);
  document.body.append(d);
  d.addEventListener("close", () => d.remove());
  return d;
}

/**
 * Ask before doing something that cannot be undone. Resolves true when
 * confirmed. {testid, title, text, detail, confirm, confirmTestid, tone}
 */
export function confirmDialog({ testid, title, text, detail = null, confirm, confirmTestid, tone = "danger" }) {
  return new Promise((resolve) => {
    const d = dialog(testid,
      h("form", { method: "dialog" },
        h("h2", {}, title),
        h("p", { dataset: { testid: `${testid}-message` } }, text),
        detail ? h("p", { class: "vote-dialog-detail" }, detail) : null,
        h("div", { class: "dialog-actions" },
          h("button", { type: "submit", value: "cancel", class: "btn btn-secondary btn-lg", autofocus: true, dataset: { testid: "vote-dialog-cancel" } },
            t("common.cancel")),
          h("button", { type: "submit", value: "confirm", class: `btn btn-${tone} btn-lg`, dataset: { testid: confirmTestid } }, confirm))));
    d.addEventListener("close", () => resolve(d.returnValue === "confirm"));
    d.showModal();
  });
}

/** The quorum warning: present/required, and an explicit "open anyway". */
export function quorumDialog({ present, required }) {
  return new Promise((resolve) => {
    const d = dialog("vote-quorum-dialog",
      h("form", { method: "dialog" },
        h("div", { class: "quorum-warning-icon", "aria-hidden": "true" }, "!"),
        h("h2", {}, t("vote.panel.quorum_title")),
        h("p", { class: "quorum-warning-text", dataset: { testid: "vote-quorum-message", present, required } },
          t("vote.panel.quorum_text", { present, required })),
        h("p", { class: "vote-dialog-detail" }, t("vote.panel.quorum_note")),
        h("div", { class: "dialog-actions" },
          h("button", { type: "submit", value: "cancel", class: "btn btn-secondary btn-lg", autofocus: true, dataset: { testid: "vote-dialog-cancel" } },
            t("common.cancel")),
          h("button", { type: "submit", value: "confirm", class: "btn btn-danger btn-lg", dataset: { testid: "vote-open-anyway" } },
            t("vote.panel.quorum_override")))));
    d.addEventListener("close", () => resolve(d.returnValue === "confirm"));
    d.showModal();
  });
}

/**
 * The new-vote form. `submit(body)` talks to the server and resolves with
 * an error message to show, or null when done (the dialog then closes).
 */
export function voteFormDialog({ items = [], defaultItemId = null, submit }) {
  const radio = (name, value, label, checked, testid) => h("label", { class: "choice" },
    h("input", { type: "radio", name, value, checked, dataset: { testid } }),
    h("span", { class: "choice-label" }, label));
  const title = h("textarea", {
    id: "vote-form-title", rows: "2", maxlength: "500", required: true,
    placeholder: t("vote.form.title_placeholder"), dataset: { testid: "vote-form-title" },
  });
  const item = h("select", { id: "vote-form-item", dataset: { testid: "vote-form-item" } },
    h("option", { value: "" }, t("vote.form.item_none")),
    [...items].sort((a, b) => a.position - b.position).map((i) => h("option", {
      value: i.id, selected: defaultItemId != null && Number(i.id) === Number(defaultItemId),
    }, `${i.position}. ${i.title}`)));
  const usual = radio("optmode", "default", t("vote.form.options_default"), true, "vote-form-default-options");
  const customChoice = radio("optmode", "custom", t("vote.form.options_custom"), false, "vote-form-custom");
  const custom = customChoice.querySelector("input");
  const options = h("textarea", {
    id: "vote-form-options", rows: "3", dataset: { testid: "vote-form-options" }, "aria-describedby": "vote-form-options-hint",
    "aria-label": t("vote.form.options_custom"),
  });
  const optionsBox = h("div", { class: "field vote-form-custom", hidden: true },
    options, h("p", { class: "field-hint", id: "vote-form-options-hint" }, t("vote.form.options_hint")));
  for (const input of [usual.querySelector("input"), custom]) {
    input.addEventListener("change", () => {
      optionsBox.hidden = !custom.checked;
      if (custom.checked) options.focus();
    });
  }
  const error = h("p", { class: "form-error", role: "alert", hidden: true, dataset: { testid: "vote-form-error" } });
  const send = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "vote-form-submit" } },
    t("vote.form.submit"));
  const form = h("form", { class: "form vote-form", novalidate: true },
    h("h2", {}, t("vote.form.heading")),
    h("div", { class: "field" }, h("label", { for: "vote-form-title" }, t("vote.form.title")), title),
    h("div", { class: "field" }, h("label", { for: "vote-form-item" }, t("vote.form.item")), item),
    h("fieldset", { class: "field choices choices-2" },
      h("legend", {}, t("vote.form.kind")),
      radio("kind", "named", t("vote.kind.named"), true, "vote-form-named"),
      radio("kind", "secret", t("vote.kind.secret"), false, "vote-form-secret")),
    h("fieldset", { class: "field choices choices-3" },
      h("legend", {}, t("vote.form.rule")),
      RULES.map((r) => radio("rule", r, ruleLabel(r, t), r === DEFAULT_RULE, "vote-form-rule"))),
    h("fieldset", { class: "field choices choices-2 vote-form-optmode" },
      h("legend", {}, t("vote.form.options")), usual, customChoice),
    optionsBox,
    error,
    h("div", { class: "dialog-actions" },
      h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: "vote-form-cancel" } }, t("common.cancel")),
      send));
  const d = dialog("vote-form", form);
  d.classList.add("dialog-wide");
  const showError = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
  };
  form.querySelector("[data-testid=vote-form-cancel]").addEventListener("click", () => d.close());
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = buildVoteBody({
      title: title.value,
      agendaItemId: item.value,
      secret: form.elements.kind.value === "secret",
      rule: form.elements.rule.value,
      custom: custom.checked,
      optionsText: options.value,
    });
    if (r.error) {
      showError(t(r.error.key, r.error.params || {}));
      (r.error.field === "title" ? title : options).focus();
      return;
    }
    showError("");
    send.disabled = true;
    try {
      const message = await submit(r.body);
      if (message) showError(message);
      else d.close();
    } finally {
      send.disabled = false;
    }
  });
  d.showModal();
  title.focus();
  return d;
}
