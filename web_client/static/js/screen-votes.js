// Votes on the hall screen: while a vote is open, its question and a big
// "x / y đã biểu quyết"; when it closes, the result with a bar per option
// and a huge THÔNG QUA / KHÔNG THÔNG QUA, until the room moves on (the next
// page turn or the next vote).
import { h, replaceChildren } from "./lib/dom.js";
import { t } from "./lib/i18n.js";
import { api } from "./lib/api.js";
import { kindLabel, ruleLabel, withProgress } from "./logic/votes.js";
import { voteProgress, updateVoteProgress, voteResult } from "./components/vote-result.js";

export function mountScreenVotes({ host }) {
  let shown = null; // the vote on screen (open or closed)
  const el = h("section", { class: "screen-vote", dataset: { testid: "screen-vote" }, hidden: true, "aria-live": "polite" });
  host.append(el);

  function render() {
    el.hidden = !shown;
    document.body.classList.toggle("has-screen-vote", Boolean(shown));
    if (!shown) return;
    const open = shown.status !== "closed";
    const same = el.dataset.voteId === String(shown.id) && el.dataset.phase === (open ? "open" : "closed");
    if (same && open) {
      updateVoteProgress(el.querySelector("[data-testid=vote-progress]"), shown);
      return;
    }
    el.dataset.voteId = String(shown.id);
    el.dataset.phase = open ? "open" : "closed";
    replaceChildren(el,
      h("div", { class: "sv-head" },
        h("span", { class: `sv-tag ${open ? "is-live" : ""}` }, t(open ? "screen.vote_open" : "screen.vote_result")),
        h("span", { class: "sv-facts" }, `${kindLabel(shown, t)} · ${ruleLabel(shown.rule, t)}`)),
      h("h2", { class: "sv-title", dataset: { testid: "screen-vote-title" } }, shown.title),
      open ? voteProgress(shown, { big: true }) : voteResult(shown, { variant: "screen" }),
    );
  }

  function show(vote) {
    shown = vote;
    render();
  }

  /** The open vote went away while we were not listening: fetch how it ended. */
  async function catchUp(vote) {
    try {
      const fresh = await api("GET", `/api/votes/${vote.id}`);
      if (shown && Number(shown.id) === Number(vote.id)) show(fresh.status === "closed" ? fresh : null);
    } catch {
      if (shown && Number(shown.id) === Number(vote.id)) show(null);
    }
  }

  document.addEventListener("rt:state", (e) => {
    const open = e.detail.state.open_votes || [];
    const still = shown && open.find((v) => Number(v.id) === Number(shown.id));
    if (still) show({ ...shown, ...still });
    else if (open.length) show(open[open.length - 1]);
    else if (shown && shown.status !== "closed") catchUp(shown);
  });
  document.addEventListener("rt:vote:opened", (e) => show(e.detail.data.vote));
  document.addEventListener("rt:vote:progress", (e) => {
    if (shown) show(withProgress(shown, e.detail.data));
  });
  document.addEventListener("rt:vote:closed", (e) => show(e.detail.data.vote));
  document.addEventListener("rt:page:turned", (e) => {
    // The secretary moved on: the page comes back. (A replay is old news.)
    if (!e.detail.replay && shown && shown.status === "closed") show(null);
  });
}
