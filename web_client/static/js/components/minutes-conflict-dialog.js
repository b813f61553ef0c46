// A conflict on one minutes item: the secretary's text and the one saved
// meanwhile side by side, field by field; keep mine, keep theirs, or merge
// them by hand starting from a line merge (logic/text-merge.js). "Later" (or
// Escape) changes nothing: the item keeps both and says so.
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { mergeTexts } from "../logic/text-merge.js";
import { openDialog } from "./dialog.js";

/**
 * Two versions of an item's text side by side. Resolves {choice: "mine" |
 * "theirs" | "merged", merged: {field: text}} or null ("later": nothing
 * changes, the item keeps both and says so).
 */
export function minutesConflictDialog({ itemId, title, fields, mine, theirs }) {
  return new Promise((resolve) => {
    let answer = null;
    const label = (f) => t(`minutes.item.${f}`);
    const text = (value) => (value ? value : h("em", { class: "muted" }, t("minutes.conflict.empty")));
    const compare = h("div", { class: "conflict-compare" },
      fields.map((f) => h("section", { class: "conflict-field", dataset: { field: f } },
        h("h3", { class: "conflict-field-name" }, label(f)),
        h("div", { class: "conflict-columns" },
          h("div", { class: "conflict-col is-mine" },
            h("h4", {}, t("minutes.conflict.mine")),
            h("div", { class: "conflict-text", dataset: { testid: "minutes-conflict-mine", field: f } }, text(mine[f]))),
          h("div", { class: "conflict-col is-theirs" },
            h("h4", {}, t("minutes.conflict.theirs")),
            h("div", { class: "conflict-text", dataset: { testid: "minutes-conflict-theirs", field: f } }, text(theirs[f])))))));
    const mergedAreas = {};
    const mergeBox = h("div", { class: "conflict-merge", hidden: true },
      fields.map((f) => {
        const area = h("textarea", { rows: "8", dataset: { testid: "minutes-conflict-merged", field: f } });
        area.value = mergeTexts(theirs[f], mine[f]);
        mergedAreas[f] = area;
        return h("div", { class: "field" }, h("label", {}, `${t("minutes.conflict.merged")} — ${label(f)}`), area);
      }));
    const button = (testid, cls, labelKey, onClick) => h("button", { type: "button", class: `btn ${cls}`, dataset: { testid }, onclick: onClick }, t(labelKey));
    const choose = (choice) => () => {
      answer = { choice, merged: {} };
      if (choice === "merged") for (const f of fields) answer.merged[f] = mergedAreas[f].value;
      d.close();
    };
    const chooseActions = h("div", { class: "dialog-actions conflict-actions" },
      button("minutes-conflict-later", "btn-ghost", "minutes.conflict.later", () => d.close()),
      button("minutes-conflict-keep-theirs", "btn-secondary", "minutes.conflict.keep_theirs", choose("theirs")),
      button("minutes-conflict-keep-mine", "btn-secondary", "minutes.conflict.keep_mine", choose("mine")),
      button("minutes-conflict-merge", "btn-primary", "minutes.conflict.merge", () => {
        compare.classList.add("is-merging");
        mergeBox.hidden = false;
        chooseActions.hidden = true;
        mergeActions.hidden = false;
        mergedAreas[fields[0]].focus();
      }));
    const mergeActions = h("div", { class: "dialog-actions", hidden: true },
      button("minutes-conflict-back", "btn-ghost", "minutes.conflict.back", () => {
        compare.classList.remove("is-merging");
        mergeBox.hidden = true;
        chooseActions.hidden = false;
        mergeActions.hidden = true;
      }),
      button("minutes-conflict-save", "btn-primary", "minutes.conflict.save_merged", choose("merged")));
    const attrs = { "data-item-id": itemId };
    const d = openDialog({ testid: "minutes-conflict-dialog", className: "minutes-dialog dialog-wide", attrs },
      h("h2", {}, t("minutes.conflict.title")),
      h("p", {}, t("minutes.conflict.text", { item: title })),
      compare, mergeBox, chooseActions, mergeActions);
    d.addEventListener("close", () => resolve(answer));
  });
}
