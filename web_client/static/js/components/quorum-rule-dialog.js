// The dialog in which the secretary sets the meeting's quorum rule: the
// usual fractions (1/2, 2/3, 3/4) or another one typed in. Each choice says
// what it means for this meeting ("at least 3 of 4"), computed the way the
// server does (ceil), so nobody has to do the arithmetic in front of the room.
//
// quorumRuleDialog({quorum, voting, submit}): `submit(body)` talks to the
// server and resolves with an error message to show, or null when done (the
// dialog then closes). The dialog removes itself when closed.
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { QUORUM_CHOICES, QUORUM_MAX, quorumBody, quorumRequired, sameQuorum } from "../logic/attendance.js";
import { openDialog } from "./dialog.js";

const NAMES = { "1/2": "quorum.half", "2/3": "quorum.two_thirds", "3/4": "quorum.three_quarters" };
const key = (q) => `${q.numerator}/${q.denominator}`;

export function quorumRuleDialog({ quorum, voting, submit }) {
  const needs = (q) => t("quorum.needs", { required: quorumRequired(voting, q), voting });
  const choice = (value, children, checked) => h("label", { class: "choice quorum-choice" },
    h("input", { type: "radio", name: "quorum", value, checked, dataset: { testid: "quorum-choice" } }),
    children);

  const usual = QUORUM_CHOICES.map((q) => choice(key(q), [
    h("span", { class: "quorum-fraction" }, key(q)),
    h("span", { class: "quorum-choice-text" },
      h("span", { class: "choice-label" }, t(NAMES[key(q)])),
      h("span", { class: "quorum-needs" }, needs(q))),
  ], sameQuorum(q, quorum)));

  const isUsual = QUORUM_CHOICES.some((q) => sameQuorum(q, quorum));
  const number = (testid, value, label) => h("input", {
    type: "number", inputmode: "numeric", min: "1", max: String(QUORUM_MAX), step: "1", value: isUsual ? "" : value,
    class: "quorum-number", "aria-label": label, dataset: { testid },
  });
  const numerator = number("quorum-numerator", quorum.numerator, t("quorum.numerator"));
  const denominator = number("quorum-denominator", quorum.denominator, t("quorum.denominator"));
  const customNeeds = h("span", { class: "quorum-needs" });
  // The typed fraction stands where the others show theirs.
  const custom = choice("custom", [
    h("span", { class: "quorum-custom-fraction" },
      numerator, h("span", { class: "quorum-slash", "aria-hidden": "true" }, "/"), denominator),
    h("span", { class: "quorum-choice-text" },
      h("span", { class: "choice-label" }, t("quorum.custom")),
      customNeeds),
  ], !isUsual);
  const customRadio = custom.querySelector("input");
  const showCustomNeeds = () => {
    const r = quorumBody(numerator.value, denominator.value);
    customNeeds.textContent = r.body ? needs(r.body) : "";
  };
  for (const input of [numerator, denominator]) {
    // Typing a fraction means choosing it.
    input.addEventListener("input", () => {
      customRadio.checked = true;
      showCustomNeeds();
    });
    input.addEventListener("focus", () => {
      customRadio.checked = true;
    });
  }
  customRadio.addEventListener("change", () => {
    if (customRadio.checked && !numerator.value) numerator.focus();
  });
  showCustomNeeds();

  const error = h("p", { class: "form-error", role: "alert", hidden: true, dataset: { testid: "quorum-error" } });
  const save = h("button", { type: "submit", class: "btn btn-primary btn-lg", dataset: { testid: "quorum-save" } }, t("quorum.save"));
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-lg", dataset: { testid: "quorum-cancel" } }, t("common.cancel"));
  const form = h("form", { class: "form quorum-form", novalidate: true },
    h("h2", {}, t("quorum.title")),
    h("p", { class: "quorum-lead" }, t("quorum.lead", { voting })),
    h("fieldset", { class: "choices quorum-choices" },
      h("legend", { class: "visually-hidden" }, t("quorum.title")),
      usual, custom),
    error,
    h("div", { class: "dialog-actions" }, cancel, save));

  const d = openDialog({ testid: "quorum-dialog", className: "quorum-dialog" }, form);
  cancel.addEventListener("click", () => d.close());
  const showError = (message) => {
    error.textContent = message || "";
    error.hidden = !message;
  };

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const chosen = form.elements.quorum.value;
    const r = chosen === "custom"
      ? quorumBody(numerator.value, denominator.value)
      : { body: { ...QUORUM_CHOICES.find((q) => key(q) === chosen) } };
    if (r.error) {
      showError(t(r.error, { max: QUORUM_MAX }));
      numerator.focus();
      return;
    }
    if (sameQuorum(r.body, quorum)) {
      d.close();
      return;
    }
    showError("");
    save.disabled = true;
    try {
      const message = await submit(r.body);
      if (message) showError(message);
      else d.close();
    } finally {
      save.disabled = false;
    }
  });
  return d;
}
