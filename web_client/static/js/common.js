// Wiring shared by every page: the header's logout button and language links.
import { api } from "./lib/api.js";
import { t } from "./lib/i18n.js";
import { confirmDialog } from "./components/confirm-dialog.js";

export function initHeader() {
  const here = location.pathname + location.search;
  for (const a of document.querySelectorAll("a[data-lang-link]")) {
    a.href = `/lang/${a.dataset.langLink}?next=${encodeURIComponent(here)}`;
  }
  const logout = document.querySelector("[data-testid=logout]");
  if (logout) {
    logout.addEventListener("click", async () => {
      // A tap on the header's corner must not end the session by itself: ask first.
      // Cancel (or Escape) keeps the person logged in, on the page they were on.
      const ok = await confirmDialog({
        testid: "logout-dialog",
        title: t("logout.confirm.title"),
        text: t("logout.confirm.text"),
        confirm: t("header.logout"),
        confirmTestid: "logout-confirm",
      });
      if (!ok) {
        logout.focus();
        return;
      }
      logout.disabled = true;
      try {
        await api("POST", "/api/auth/logout", undefined, { redirectOn401: false });
      } catch {
        // Logged out already, or the server is unreachable: go to login anyway.
      }
      location.assign("/login");
    });
  }
}

/** Status badge text/state (scheduled | open | closed). */
export function paintStatus(el, status, t) {
  if (!el || !status) return;
  el.dataset.status = status;
  el.textContent = t(`status.${status}`);
}

export { formatMeetingTime as formatDateTime } from "./logic/datetime.js";
