import { api } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { pageData } from "./lib/page-data.js";
import { initHeader } from "./common.js";
import { loginRefusal } from "./logic/login-refusal.js";

initHeader();

/** Only same-site paths: never bounce a person to another origin after login. */
// The server's rule (web/routes.py SAFE_NEXT): a path here, never another site. Browsers drop
// tabs and newlines from a URL and read "\" as "/", so "/\t/evil.example" is "//evil.example".
const SAFE_NEXT = /^\/(?![/\\])[^\s\\\x00-\x1f\x7f]*$/;

function safeNext(next) {
  if (typeof next !== "string" || !SAFE_NEXT.test(next)) return "/";
  if (next.startsWith("/login")) return "/";
  return next;
}

const form = document.querySelector("[data-login-form]");
const user = document.querySelector("[data-testid=login-username]");
const pass = document.querySelector("[data-testid=login-password]");
const submit = document.querySelector("[data-testid=login-submit]");
const error = document.querySelector("[data-testid=login-error]");
const next = safeNext(pageData().next || new URLSearchParams(location.search).get("next"));

function showError(message) {
  error.textContent = message;
  error.hidden = !message;
}

/** A 429 in the person's words: busy, or too many failures, and how long to wait. */
function refusalMessage(details) {
  const refusal = loginRefusal(details);
  if (!refusal) return t("login.error.rate_limited");
  const wait = refusal.unit === "minutes"
    ? t("login.wait.minutes", { count: refusal.count })
    : t("login.wait.seconds", { count: refusal.count });
  return t(refusal.key, { wait });
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  showError("");
  const username = user.value.trim();
  if (!username || !pass.value) {
    showError(t("login.error.missing"));
    (username ? pass : user).focus();
    return;
  }
  submit.disabled = true;
  submit.dataset.busy = "true";
  submit.querySelector(".btn-label").textContent = t("login.submitting");
  try {
    await api("POST", "/api/auth/login", { username, password: pass.value }, { redirectOn401: false });
    location.assign(next);
    return;
  } catch (err) {
    if (err.status === 401) showError(t("login.error.unauthorized"));
    else if (err.code === "account_disabled") showError(t("account.error.disabled"));
    else if (err.status === 429) showError(refusalMessage(err.details && err.details.details));
    else if (err.code === "network") showError(t("api.error.network"));
    else showError(err.message || t("error.generic"));
    pass.select();
  }
  submit.disabled = false;
  delete submit.dataset.busy;
  submit.querySelector(".btn-label").textContent = t("login.submit");
});
// The form is ours now: the button, disabled in the page until this point, can be used.
submit.disabled = false;
