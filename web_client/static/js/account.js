// /account: a person changes their own password (POST /api/auth/password).
// Arrived here because an admin made or reset the account (must-change),
// they go on to the meeting list once the new password is set.
import { api } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { initHeader } from "./common.js";

initHeader();

const MIN = 8;
const MAX = 256;

const form = document.querySelector("[data-password-form]");
const fields = {
  current: form.querySelector("[data-testid=account-current]"),
  new: form.querySelector("[data-testid=account-new]"),
  repeat: form.querySelector("[data-testid=account-repeat]"),
};
const formError = form.querySelector("[data-testid=account-error]");
const done = form.querySelector("[data-testid=account-done]");
const submit = form.querySelector("[data-testid=account-submit]");

function fieldError(name, message) {
  const el = form.querySelector(`[data-error-for="${name}"]`);
  el.textContent = message || "";
  el.hidden = !message;
  fields[name].setAttribute("aria-invalid", message ? "true" : "false");
}

function clearErrors() {
  for (const name of Object.keys(fields)) fieldError(name, "");
  formError.hidden = true;
  formError.textContent = "";
}

/** What is wrong before asking the server, field by field, or null. */
function check() {
  const errors = {};
  if (!fields.current.value) errors.current = t("account.error.current_missing");
  const next = fields.new.value;
  if (next.trim().length < MIN) errors.new = t("account.error.too_short", { min: MIN });
  else if (next.length > MAX) errors.new = t("account.error.too_long", { max: MAX });
  else if (next === fields.current.value) errors.new = t("account.error.unchanged");
  if (!errors.new && fields.repeat.value !== next) errors.repeat = t("account.error.mismatch");
  return Object.keys(errors).length ? errors : null;
}

const SERVER_FIELDS = {
  wrong_password: ["current", "account.error.wrong"],
  password_unchanged: ["new", "account.error.unchanged"],
};

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  clearErrors();
  const errors = check();
  if (errors) {
    for (const [name, message] of Object.entries(errors)) fieldError(name, message);
    fields[Object.keys(errors)[0]].focus();
    return;
  }
  submit.disabled = true;
  submit.querySelector(".btn-label").textContent = t("account.password.saving");
  try {
    await api("POST", "/api/auth/password", { current: fields.current.value, new: fields.new.value });
    done.hidden = false;
    form.reset();
    setTimeout(() => location.assign("/"), 600);
    return;
  } catch (err) {
    const known = SERVER_FIELDS[err.code];
    if (known) {
      fieldError(known[0], t(known[1]));
      fields[known[0]].select();
    } else if (err.status === 429) {
      formError.textContent = t("account.error.rate_limited");
      formError.hidden = false;
    } else {
      formError.textContent = err.message || t("error.generic");
      formError.hidden = false;
    }
  }
  submit.disabled = false;
  submit.querySelector(".btn-label").textContent = t("account.password.submit");
});
