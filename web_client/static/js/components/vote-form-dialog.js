// The console's form for a new vote: title, agenda item, named or secret,
// the rule, the usual options or others. voteFormDialog({items, defaultItemId,
// submit}): `submit(body)` talks to the server and resolves with an error
// message to show, or null when done (the dialog then closes).
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { RULES, DEFAULT_RULE, ruleLabel, buildVoteBody } from "../logic/votes.js";
import { openDialog } from "./dialog.js";

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
  const d = openDialog({ testid: "vote-form", className: "dialog-wide", focus: title }, form);
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
  return d;
}
