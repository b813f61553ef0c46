// The console's minutes panel ("Biên bản"): the bar with the save state and
// the PDF, finalize and confirmations, the header fields, what the server
// filled in (times, attendance, documents, votes: read-only), and per agenda
// item the secretary's discussion and conclusion.
//
// Built once per item and updated in place: a textarea being typed in is
// never replaced. Actions go up as DOM events:
//   minutes:input {id, field, value}   minutes:blur {id}
//   minutes:header {field, value}      minutes:finalize    minutes:confirm {role}
//   minutes:header-input {field, value} (each key in a header field: saved a second later)
//   minutes:resolve {id}               minutes:discard {id}    minutes:copy {id}
//   minutes:present (back to the stage)
// Conflicts are settled in minutes-conflict-dialog.js; confirmations are confirm-dialog.js.
import { h, emit, icon } from "../lib/dom.js";
import { t, locale } from "../lib/i18n.js";
import { zoneOfIso } from "../logic/datetime.js";
import { FIELDS, itemStatus } from "../logic/minutes-editor.js";

const HEADER_TEXT_FIELDS = [
  ["issuer_parent", "minutes.header.issuer_parent", 200, ""],
  ["issuer_name", "minutes.header.issuer_name", 200, ""],
  ["issuer_number", "minutes.header.issuer_number", 60, "minutes.header.number_placeholder"],
  ["locality", "minutes.header.locality", 200, ""],
  ["subject", "minutes.header.subject", 500, ""],
];

/** "08:05, 27/11/2026" in the meeting's time zone: an IANA name (the minutes' header.timezone),
 * else the offset written in an ISO time. */
export function formatWhen(iso, zoneFrom) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const opts = { hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric", hourCycle: "h23" };
  let parts;
  try {
    parts = new Intl.DateTimeFormat(locale(), { ...opts, timeZone: /^\d{4}-/.test(String(zoneFrom || "")) ? zoneOfIso(zoneFrom) : zoneFrom }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat(locale(), opts).formatToParts(d);
  }
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute}, ${p.day}/${p.month}/${p.year}`;
}

function chip(state, testid) {
  const el = h("span", { class: "save-chip", dataset: { testid, state } });
  paintChip(el, state);
  return el;
}

function paintChip(el, state) {
  if (el.dataset.state === state && el.childNodes.length) return;
  el.dataset.state = state;
  el.replaceChildren(h("span", { class: "save-dot", "aria-hidden": "true" }), t(`minutes.save.${state}`));
}

function autoGrow(area) {
  area.style.height = "auto";
  area.style.height = `${Math.max(area.scrollHeight + 2, 0)}px`;
}

export class MinutesPanel {
  constructor(el) {
    this.el = el;
    this.items = new Map(); // agenda item id -> {el, parts}
    this.headerInputs = new Map();
    this.key = {};
    this.saveChip = chip("saved", "minutes-state");
    this.statusBadge = h("span", { class: "minutes-status", dataset: { testid: "minutes-status" } });
    this.pdf = h("a", {
      class: "btn btn-secondary btn-sm", target: "_blank", rel: "noopener", dataset: { testid: "minutes-pdf" },
    }, icon("doc", 18), t("minutes.pdf"));
    this.finalBox = h("section", { class: "minutes-card minutes-final", dataset: { testid: "minutes-final" }, hidden: true });
    this.headerBox = this.buildHeader();
    this.attendanceBox = h("section", { class: "minutes-card minutes-attendance", dataset: { testid: "minutes-attendance" } });
    this.list = h("div", { class: "minutes-items" });
    this.otherVotes = h("section", { class: "minutes-card", dataset: { testid: "minutes-other-votes" }, hidden: true });
    this.hint = h("p", { class: "minutes-hint", dataset: { testid: "minutes-hint" } });
    this.body = h("div", { class: "minutes-body" },
      this.finalBox, this.headerBox, this.attendanceBox, this.list, this.otherVotes, this.hint);
    el.replaceChildren(
      h("div", { class: "minutes-bar" },
        h("h2", { class: "minutes-heading" }, t("minutes.title")),
        this.statusBadge,
        this.saveChip,
        h("span", { class: "minutes-bar-gap" }),
        this.pdf,
        // Narrow screens, where the view switch is far below: the way back to the stage.
        h("button", { type: "button", class: "btn btn-secondary btn-sm minutes-back", dataset: { action: "present", testid: "minutes-back" } },
          icon("presenter", 18), t("minutes.view.present"))),
      this.body);

    el.addEventListener("input", (e) => {
      const typed = e.target.closest("input[data-header-field]");
      if (typed) emit(typed, "minutes:header-input", { field: typed.dataset.headerField, value: typed.value });
      const area = e.target.closest("textarea[data-field]");
      if (!area || !this.list.contains(area)) return;
      autoGrow(area);
      emit(area, "minutes:input", { id: Number(area.closest("[data-item-id]").dataset.itemId), field: area.dataset.field, value: area.value });
    });
    el.addEventListener("focusout", (e) => {
      const area = e.target.closest("textarea[data-field]");
      if (area && this.list.contains(area)) emit(area, "minutes:blur", { id: Number(area.closest("[data-item-id]").dataset.itemId) });
    });
    el.addEventListener("change", (e) => {
      const input = e.target.closest("[data-header-field]");
      if (!input) return;
      const field = input.dataset.headerField;
      const value = field.endsWith("_id") ? (input.value ? Number(input.value) : null) : input.value;
      emit(input, "minutes:header", { field, value });
    });
    el.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target.matches("input[data-header-field]")) e.target.blur();
    });
    el.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-action]");
      if (!b || b.disabled || !el.contains(b)) return;
      const row = b.closest("[data-item-id]");
      emit(b, `minutes:${b.dataset.action}`, { id: row ? Number(row.dataset.itemId) : undefined, role: b.dataset.role });
    });
  }

  buildHeader() {
    const field = (name, labelKey, max, placeholderKey) => {
      const input = h("input", {
        type: "text", id: `minutes-${name}`, maxlength: String(max), autocomplete: "off",
        placeholder: placeholderKey ? t(placeholderKey) : null,
        dataset: { headerField: name, testid: `minutes-${name.replace(/_/g, "-")}` },
      });
      this.headerInputs.set(name, input);
      return h("div", { class: `field field-${name}` }, h("label", { for: input.id }, t(labelKey)), input);
    };
    const signer = (role) => {
      const select = h("select", { id: `minutes-${role}`, dataset: { headerField: `${role}_id`, testid: `minutes-${role}` } });
      const position = h("input", {
        type: "text", id: `minutes-${role}-position`, maxlength: "200", autocomplete: "off",
        placeholder: t("minutes.header.position_placeholder"),
        dataset: { headerField: `${role}_position`, testid: `minutes-${role}-position` },
      });
      this.headerInputs.set(`${role}_id`, select);
      this.headerInputs.set(`${role}_position`, position);
      return h("div", { class: "field field-signer" },
        h("label", { for: select.id }, t(`minutes.header.${role}`)),
        h("div", { class: "signer-row" }, select, position));
    };
    this.headerSummary = h("span", { class: "minutes-summary-line" });
    return h("details", { class: "minutes-card minutes-header", dataset: { testid: "minutes-header" } },
      h("summary", {},
        h("span", { class: "minutes-card-title" }, t("minutes.header.title")),
        this.headerSummary),
      h("div", { class: "minutes-header-grid" },
        HEADER_TEXT_FIELDS.map(([name, key, max, ph]) => field(name, key, max, ph)),
        signer("chair"),
        signer("secretary")),
      h("p", { class: "field-hint" }, t("minutes.header.hint")));
  }

  /**
   * minutes: GET /minutes; states: Map item id -> editor state; participants:
   * the meeting's; status: the panel's save status; meetingStatus: the
   * meeting's live status.
   */
  render({ minutes, states, participants = [], status = "saved", meetingStatus = null }) {
    if (!minutes) return;
    const m = minutes;
    const editable = Boolean(m.can_edit) && meetingStatus !== "closed";
    this.el.dataset.status = m.status;
    this.el.dataset.version = String(m.version);
    this.el.dataset.editable = String(editable);
    this.statusBadge.dataset.status = m.status;
    this.statusBadge.textContent = t(`minutes.status.${m.status}`);
    paintChip(this.saveChip, m.status === "final" ? "final" : status);
    this.saveChip.hidden = m.status === "final"; // the status badge says it all
    this.pdf.href = `/api/meetings/${m.meeting_id}/minutes.pdf${m.status === "final" ? "" : `?v=${m.version}`}`;
    this.renderFinal(m, meetingStatus);
    this.renderHeader(m, participants, editable);
    this.renderAttendance(m);
    this.renderItems(m, states, editable);
    this.renderOtherVotes(m);
    this.hint.hidden = m.status === "final" || meetingStatus === "closed";
    this.hint.textContent = t("minutes.finalize.hint_open");
  }

  changed(part, value) {
    const key = JSON.stringify(value);
    if (this.key[part] === key) return false;
    this.key[part] = key;
    return true;
  }

  renderFinal(m, meetingStatus) {
    const closed = meetingStatus === "closed" || (m.meeting && m.meeting.status === "closed");
    if (!this.changed("final", [m.status, m.sha256, m.confirmations, m.can_finalize, m.can_confirm, closed, m.chair, m.secretary])) return;
    const box = this.finalBox;
    if (m.status !== "final") {
      box.hidden = !m.can_finalize;
      box.dataset.state = "ready";
      box.replaceChildren(
        h("div", { class: "minutes-final-text" },
          h("h3", {}, t("minutes.finalize.button")),
          h("p", {}, t("minutes.finalize.ready"))),
        h("button", { type: "button", class: "btn btn-primary btn-lg", dataset: { action: "finalize", testid: "minutes-finalize" } },
          icon("check", 20), t("minutes.finalize.button")));
      return;
    }
    box.hidden = false;
    box.dataset.state = "final";
    const zone = m.header.timezone || m.meeting.starts_at;
    const confirmed = new Map((m.confirmations || []).map((c) => [c.role, c]));
    const rows = ["chair", "secretary"].map((role) => {
      const c = confirmed.get(role);
      const person = m[role];
      return h("li", { class: "confirm-row", dataset: { testid: "minutes-confirmation", role, confirmed: String(Boolean(c)) } },
        h("span", { class: "confirm-role" }, t(`minutes.confirm.role.${role}`)),
        h("span", { class: "confirm-name" }, (c && c.full_name) || (person && person.name) || "—"),
        c
          ? h("span", { class: "confirm-done" }, icon("check", 16), t("minutes.confirm.done", { time: formatWhen(c.at, zone) }))
          : (m.can_confirm || []).includes(role)
            ? h("button", { type: "button", class: "btn btn-primary btn-sm", dataset: { action: "confirm", role, testid: "minutes-confirm" } },
                t("minutes.confirm.button"))
            : h("span", { class: "confirm-pending" }, t("minutes.confirm.pending")));
    });
    box.replaceChildren(
      h("div", { class: "minutes-final-head" },
        h("span", { class: "minutes-final-seal", "aria-hidden": "true" }, icon("check", 22)),
        h("div", {},
          h("h3", {}, t("minutes.final.title")),
          h("p", { class: "minutes-final-at" }, t("minutes.final.at", { time: formatWhen(m.finalized_at, zone) })))),
      h("dl", { class: "minutes-hashes" },
        h("div", {}, h("dt", {}, t("minutes.final.sha256")), h("dd", { dataset: { testid: "minutes-sha256" } }, m.sha256)),
        h("div", {}, h("dt", {}, t("minutes.final.pdf_sha256")), h("dd", {}, m.pdf_sha256))),
      h("h4", { class: "minutes-subtitle" }, t("minutes.confirm.title")),
      h("ul", { class: "confirm-list" }, rows));
  }

  renderHeader(m, participants, editable) {
    const head = m.header;
    this.headerSummary.textContent = [head.issuer_name, head.issuer_number && `${t("minutes.header.number_short")} ${head.issuer_number}`, head.locality]
      .filter(Boolean).join(" · ");
    const values = {
      issuer_parent: head.issuer_parent, issuer_name: head.issuer_name, issuer_number: head.issuer_number,
      locality: head.locality, subject: head.subject,
      chair_id: m.chair ? String(m.chair.user_id) : "", chair_position: head.chair_position,
      secretary_id: m.secretary ? String(m.secretary.user_id) : "", secretary_position: head.secretary_position,
    };
    const people = participants.filter((p) => p.voting);
    if (this.changed("signers", people.map((p) => [p.user_id, p.full_name]))) {
      for (const role of ["chair", "secretary"]) {
        const select = this.headerInputs.get(`${role}_id`);
        select.replaceChildren(h("option", { value: "" }, t("minutes.header.nobody")),
          ...people.map((p) => h("option", { value: String(p.user_id) }, p.full_name)));
      }
      this.key.header = null;
    }
    if (!this.changed("header", [values, editable])) return;
    for (const [name, input] of this.headerInputs) {
      input.disabled = !editable;
      if (document.activeElement !== input) input.value = values[name] ?? "";
    }
  }

  renderAttendance(m) {
    if (!this.changed("attendance", [m.attendance, m.meeting, m.chair, m.secretary])) return;
    const a = m.attendance;
    const zone = m.header.timezone || m.meeting.starts_at;
    const absent = a.people.filter((p) => p.voting && p.status === "absent");
    const guests = a.people.filter((p) => !p.voting && p.status !== "absent");
    const fact = (label, value, testid) => h("div", { class: "minutes-fact", dataset: { testid } }, h("dt", {}, label), h("dd", {}, value));
    const present = a.present + a.online;
    this.attendanceBox.replaceChildren(
      h("div", { class: "minutes-card-head" },
        h("h3", { class: "minutes-card-title" }, t("minutes.attendance.title")),
        h("span", { class: "auto-tag" }, t("minutes.server_filled"))),
      h("dl", { class: "minutes-facts" },
        fact(t("minutes.attendance.opened"), m.meeting.opened_at ? formatWhen(m.meeting.opened_at, zone) : t("minutes.attendance.not_yet"), "minutes-opened"),
        fact(t("minutes.attendance.closed"), m.meeting.closed_at ? formatWhen(m.meeting.closed_at, zone) : t("minutes.attendance.not_yet"), "minutes-closed"),
        fact(t("minutes.header.chair"), m.chair ? m.chair.name : "—", "minutes-chair-name"),
        fact(t("minutes.header.secretary"), m.secretary ? m.secretary.name : "—", "minutes-secretary-name")),
      h("div", { class: "minutes-counts", dataset: { testid: "minutes-counts", present, members: a.members, absent: a.absent } },
        h("span", { class: "count-pill is-present" }, t("minutes.attendance.present", { present, members: a.members })),
        a.online ? h("span", { class: "count-pill" }, t("minutes.attendance.online", { count: a.online })) : null,
        h("span", { class: `count-pill${a.absent ? " is-absent" : ""}` },
          t("minutes.attendance.absent", { absent: a.absent }),
          a.absent ? ` (${absenceReasons(a)})` : ""),
        guests.length ? h("span", { class: "count-pill" }, t("minutes.attendance.guests", { count: guests.length })) : null),
      absent.length
        ? h("ul", { class: "minutes-absent" }, absent.map((p) => h("li", {},
            h("strong", {}, p.name), " — ", p.reason || t("minutes.attendance.no_reason"))))
        : "", // not null: the DOM's own replaceChildren writes null as the word "null"
      h("p", { class: "field-hint" }, t("minutes.attendance.auto")));
  }

  renderItems(m, states, editable) {
    const ids = m.items.map((i) => i.agenda_item_id);
    if (this.changed("order", ids)) {
      const keep = new Map();
      for (const item of m.items) keep.set(item.agenda_item_id, this.items.get(item.agenda_item_id) || this.makeItem(item));
      this.items = keep;
      this.list.replaceChildren(...[...keep.values()].map((x) => x.el),
        ids.length ? "" : h("p", { class: "minutes-empty" }, t("minutes.no_items")));
    }
    for (const item of m.items) this.updateItem(this.items.get(item.agenda_item_id), item, states.get(item.agenda_item_id), editable, m);
  }

  makeItem(item) {
    const parts = {
      num: h("span", { class: "agenda-num" }),
      title: h("h3", { class: "minutes-item-title" }),
      chip: chip("saved", "minutes-item-state"),
      facts: h("div", { class: "minutes-item-facts" }),
      notice: h("div", { class: "minutes-notice", hidden: true, role: "status" }),
      areas: {},
    };
    const fields = FIELDS.map((f) => {
      const area = h("textarea", {
        id: `minutes-${f}-${item.agenda_item_id}`, rows: f === "discussion" ? "4" : "2", maxlength: "100000",
        placeholder: t(`minutes.item.${f}_placeholder`), spellcheck: "true",
        dataset: { field: f, testid: `minutes-${f}` },
      });
      parts.areas[f] = area;
      return h("div", { class: `minutes-field field-${f}` }, h("label", { for: area.id }, t(`minutes.item.${f}`)), area);
    });
    const el = h("article", { class: "minutes-card minutes-item", dataset: { testid: "minutes-item", itemId: item.agenda_item_id } },
      h("header", { class: "minutes-item-head" }, parts.num, parts.title, parts.chip),
      parts.facts, parts.notice, ...fields);
    return { el, parts, key: null };
  }

  updateItem(row, item, state, editable, m) {
    const { parts } = row;
    parts.num.textContent = String(item.position);
    parts.title.textContent = item.title;
    const status = state ? itemStatus(state) : "saved";
    row.el.dataset.state = status;
    paintChip(parts.chip, m.status === "final" ? "final" : status);
    const factsKey = JSON.stringify([item.documents, item.votes]);
    if (row.factsKey !== factsKey) {
      row.factsKey = factsKey;
      parts.facts.replaceChildren(...this.facts(item));
      parts.facts.hidden = !item.documents.length && !item.votes.length;
    }
    for (const f of FIELDS) {
      const area = parts.areas[f];
      const value = state ? state.local[f] : item[f];
      if (area.value.normalize("NFC").replace(/\r\n?/g, "\n") !== value) {
        const focused = document.activeElement === area;
        const [start, end] = [area.selectionStart, area.selectionEnd];
        area.value = value;
        if (focused) area.setSelectionRange(Math.min(start, value.length), Math.min(end, value.length));
        autoGrowLater(area);
      }
      area.readOnly = !editable;
      area.closest(".minutes-field").classList.toggle("is-conflict", Boolean(state && state.conflict && state.conflict.fields.includes(f)));
    }
    this.renderNotice(parts.notice, state, status);
  }

  renderNotice(notice, state, status) {
    if (status !== "conflict" && status !== "error") {
      notice.hidden = true;
      return;
    }
    notice.hidden = false;
    notice.dataset.state = status;
    if (status === "conflict") {
      notice.replaceChildren(
        h("span", {}, t("minutes.notice.conflict")),
        h("button", { type: "button", class: "btn btn-primary btn-sm", dataset: { action: "resolve", testid: "minutes-resolve" } }, t("minutes.resolve")));
      return;
    }
    const code = state.error.code;
    notice.replaceChildren(
      h("span", {}, code === "meeting_closed" ? t("minutes.blocked.meeting_closed") : t("minutes.blocked.generic", { code })),
      h("span", { class: "minutes-notice-actions" },
        h("button", { type: "button", class: "btn btn-secondary btn-sm", dataset: { action: "copy", testid: "minutes-copy" } }, t("minutes.copy")),
        h("button", { type: "button", class: "btn btn-ghost btn-sm", dataset: { action: "discard", testid: "minutes-discard" } }, t("minutes.discard"))));
  }

  facts(item) {
    const out = [];
    if (item.documents.length) {
      out.push(h("div", { class: "minutes-docs" },
        h("span", { class: "facts-label" }, t("minutes.item.documents")),
        h("ul", {}, item.documents.map((d) => h("li", { class: "doc-chip" }, icon("doc", 16),
          h("span", { class: "doc-chip-title" }, d.title),
          h("span", { class: "doc-chip-pages" }, t("minutes.item.pages", { count: d.pages })))))));
    }
    if (item.votes.length) {
      out.push(h("div", { class: "minutes-votes" },
        h("span", { class: "facts-label" }, t("minutes.item.votes")),
        item.votes.map((v) => voteLine(v))));
    }
    return out;
  }

  renderOtherVotes(m) {
    if (!this.changed("other", m.other_votes)) return;
    this.otherVotes.hidden = !m.other_votes.length;
    this.otherVotes.replaceChildren(
      h("div", { class: "minutes-card-head" },
        h("h3", { class: "minutes-card-title" }, t("minutes.other_votes")),
        h("span", { class: "auto-tag" }, t("minutes.server_filled"))),
      ...m.other_votes.map((v) => voteLine(v)));
  }

  /** Size every text area to its text (once the panel is shown: hidden, nothing has a height). */
  relayout() {
    for (const row of this.items.values()) for (const area of Object.values(row.parts.areas)) autoGrowLater(area);
  }

  /** Focus an item's field (after a dialog, or from the agenda). */
  focus(id, field = "discussion") {
    const row = this.items.get(Number(id));
    if (row) row.parts.areas[field].focus();
  }
}

/** "có lý do" / "không có lý do" / "1 có lý do", as the printed minutes say it. */
function absenceReasons(a) {
  if (a.excused === a.absent) return t("minutes.attendance.all_excused");
  if (!a.excused) return t("minutes.attendance.no_reason");
  return t("minutes.attendance.excused", { excused: a.excused });
}

function autoGrowLater(area) {
  // Sized once laid out (a hidden panel has no scrollHeight yet).
  requestAnimationFrame(() => autoGrow(area));
}

/** One closed vote as the minutes state it: verdict, full result, rule, quorum override. */
export function voteLine(v) {
  const results = v.results.map((r) => `${r.option in OPTION_KEYS ? t(OPTION_KEYS[r.option]) : r.label}: ${r.count}`).join(" · ");
  return h("div", { class: "minutes-vote", dataset: { testid: "minutes-vote", voteId: v.id, passed: String(v.passed) } },
    h("div", { class: "minutes-vote-head" },
      h("span", { class: `vote-verdict-sm ${v.passed ? "is-passed" : "is-failed"}` }, t(v.passed ? "minutes.vote.passed" : "minutes.vote.failed")),
      h("span", { class: "minutes-vote-title" }, v.title)),
    h("p", { class: "minutes-vote-result", dataset: { testid: "minutes-vote-result" } }, results),
    h("p", { class: "minutes-vote-meta" },
      [t(v.secret ? "vote.kind.secret" : "vote.kind.named"), t(`vote.rule.${v.rule}`), t("minutes.vote.cast", { cast: v.cast, eligible: v.eligible })].join(" · ")),
    v.quorum && v.quorum.overridden
      ? h("p", { class: "minutes-vote-override" }, t("minutes.vote.overridden", { present: v.quorum.present, required: v.quorum.required }))
      : null);
}

const OPTION_KEYS = { yes: "vote.option.yes", no: "vote.option.no", abstain: "vote.option.abstain" };
