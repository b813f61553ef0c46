// The one way the client asks "are you sure?": closing the meeting or a vote,
// opening a vote without a quorum, deleting a draft vote, finalizing or
// confirming the minutes, discarding unsaved text. Cancel is the safe answer:
// it has the focus when the dialog opens, and Escape answers the same. The
// confirm button names the action ("Kết thúc cuộc họp"), never just "OK".
// Both buttons are large (54 px) for a finger on an iPad.
import { h } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { openDialog } from "./dialog.js";

const hasDialog = () => typeof HTMLDialogElement === "function" && "showModal" in HTMLDialogElement.prototype;

/**
 * confirmDialog({...}) -> Promise<boolean>, true only for the confirm button.
 *   testid          the dialog's data-testid
 *   title, text     the question and what it means, from the catalog
 *   detail          what is at stake this time ("3 have not voted yet"), shown as a note; or null
 *   confirm         the confirm button's label; confirmTestid its data-testid
 *   tone            "danger" when something ends or is lost, else "primary"
 *   warning         a warning mark above the title: a rule is about to be set aside
 *   cancelTestid, messageTestid, messageData
 *                   the cancel button's and the text's test hooks (`<testid>-cancel`,
 *                   `<testid>-message` unless a published hook says otherwise)
 */
export function confirmDialog({
  testid, title, text, detail = null, confirm, confirmTestid, tone = "primary", warning = false,
  cancelTestid = `${testid}-cancel`, messageTestid = `${testid}-message`, messageData = {},
}) {
  // Browsers without <dialog> (Safari before iPadOS 15.4) still ask.
  if (!hasDialog()) return Promise.resolve(window.confirm([title, text, detail].filter(Boolean).join("\n\n")));
  return new Promise((resolve) => {
    const cancel = h("button", {
      type: "submit", value: "cancel", class: "btn btn-secondary btn-lg", autofocus: true,
      dataset: { testid: cancelTestid },
    }, t("common.cancel"));
    const accept = h("button", {
      type: "submit", value: "confirm", class: `btn btn-${tone} btn-lg`, dataset: { testid: confirmTestid },
    }, confirm);
    const message = h("p", {
      class: "confirm-text", id: `${testid}-text`, dataset: { testid: messageTestid, ...messageData },
    }, text);
    // A question that interrupts: an alertdialog, read out with its text, not only its title.
    const attrs = { role: "alertdialog", "aria-describedby": message.id };
    const className = `confirm-dialog${warning ? " is-warning" : ""}`;
    const d = openDialog({ testid, className, focus: cancel, attrs },
      h("form", { method: "dialog" },
        warning ? h("div", { class: "confirm-mark", "aria-hidden": "true" }, "!") : null,
        h("h2", {}, title),
        message,
        detail ? h("p", { class: "confirm-detail" }, detail) : null,
        h("div", { class: "dialog-actions" }, cancel, accept)));
    d.addEventListener("close", () => resolve(d.returnValue === "confirm"));
  });
}
