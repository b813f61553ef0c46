// The console's attendance panel: the counts, the quorum and its rule on top,
// then one row per participant with "present in person / online / absent"
// and, for an absence, its reason. Rows and the summary are updated in place
// (a reason being typed is never wiped, a tap never lost to an incoming
// event). Each row shows when the person arrived (late, past LATE_AFTER_MS
// from the opening) and when they left; "left" records an early departure.
// Actions go up as
//   attendance:set {user_id, status, reason, left?}   (status null: not known yet)
//   quorum:edit                                 (the rule's "change" button)
import { h, emit } from "../lib/dom.js";
import { t } from "../lib/i18n.js";
import { STATUSES, REASON_MAX, DEFAULT_QUORUM, attendanceRows } from "../logic/attendance.js";

// As the minutes decide (minutes/record.py LATE_AFTER): the roll call right after opening is not late.
const LATE_AFTER_MS = 10 * 60 * 1000;

/** "08:35" in the meeting's time zone. */
function clock(iso, zone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  try {
    return new Intl.DateTimeFormat("vi-VN", { timeZone: zone || undefined, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  } catch {
    return new Intl.DateTimeFormat("vi-VN", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
  }
}

export class AttendancePanel {
  /** list: the <ul data-testid="participants">; summary: where the counts go. */
  constructor(list, summary) {
    this.list = list;
    this.summary = summary;
    this.rows = new Map(); // user id -> {el, parts}
    this.order = "";
    list.addEventListener("click", (e) => {
      const leave = e.target.closest("button[data-testid=attendance-left]");
      if (leave && !leave.disabled && list.contains(leave)) {
        const row = leave.closest("[data-user-id]");
        emit(list, "attendance:set", { user_id: Number(row.dataset.userId), status: row.dataset.status, reason: "", left: true });
        return;
      }
      const clear = e.target.closest("button[data-testid=attendance-clear]");
      if (clear && !clear.disabled && list.contains(clear)) {
        emit(list, "attendance:set", { user_id: Number(clear.closest("[data-user-id]").dataset.userId), status: null, reason: "" });
        return;
      }
      const b = e.target.closest("button[data-status]");
      if (!b || b.disabled || !list.contains(b)) return;
      const row = b.closest("[data-user-id]");
      const status = b.dataset.status;
      const reason = status === "absent" ? row.querySelector("input").value : "";
      // Marked absent: the reason field comes next, ready to type in.
      this.focusReason = status === "absent" ? Number(row.dataset.userId) : null;
      emit(list, "attendance:set", { user_id: Number(row.dataset.userId), status, reason });
    });
    // A reason is saved when the field is left or Enter is pressed.
    list.addEventListener("change", (e) => {
      const input = e.target.closest("input[data-testid=attendance-reason]");
      if (!input) return;
      const row = input.closest("[data-user-id]");
      emit(list, "attendance:set", { user_id: Number(row.dataset.userId), status: "absent", reason: input.value });
    });
    list.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && e.target.matches("input[data-testid=attendance-reason]")) e.target.blur();
    });
  }

  /**
   * participants: the meeting's; attendance: [{user_id, status, reason}] or
   * null when the server keeps none; counts: normalized counts; quorum: the
   * rule {numerator, denominator}; live: user ids with a connected device;
   * readOnly: a closed meeting; pending: user ids whose change is on its way.
   */
  render({ participants, attendance, counts, quorum = DEFAULT_QUORUM, live, readOnly = false, pending = new Set(), zone, openedAt }) {
    this.zone = zone;
    this.openedAt = openedAt;
    this.renderSummary(counts, quorum, readOnly);
    const rows = attendanceRows(participants, attendance || [], live);
    const order = rows.map((r) => r.user_id).join(",");
    if (order !== this.order) {
      this.order = order;
      const keep = new Map();
      for (const r of rows) keep.set(Number(r.user_id), this.rows.get(Number(r.user_id)) || this.makeRow(r));
      this.rows = keep;
      this.list.replaceChildren(...[...keep.values()].map((x) => x.el));
    }
    for (const r of rows) this.updateRow(this.rows.get(Number(r.user_id)), r, { readOnly, tracked: Boolean(attendance), pending: pending.has(Number(r.user_id)) });
  }

  renderSummary(counts, quorum, readOnly) {
    if (!this.summary) return;
    if (!counts) {
      this.summary.hidden = true;
      return;
    }
    const s = this.summaryParts || this.makeSummary();
    this.summary.hidden = false;
    Object.assign(s.count.dataset, { attending: counts.attending, voting: counts.voting });
    s.count.firstChild.textContent = t("attendance.count", { attending: counts.attending, voting: counts.voting });
    s.badge.className = `quorum-badge ${counts.quorum_met ? "is-met" : "is-not-met"}`;
    Object.assign(s.badge.dataset, { met: String(counts.quorum_met), required: counts.quorum_required });
    s.badge.textContent = t(counts.quorum_met ? "attendance.quorum_met" : "attendance.quorum_not_met", { required: counts.quorum_required });
    s.breakdown.textContent = t("attendance.breakdown", {
      present: counts.present, online: counts.online, absent: counts.absent, unknown: counts.unknown,
    }) + (counts.left ? ` · ${t("attendance.left_count", { count: counts.left })}` : "");
    Object.assign(s.rule.dataset, { numerator: quorum.numerator, denominator: quorum.denominator });
    s.rule.firstChild.textContent = t("quorum.rule", { numerator: quorum.numerator, denominator: quorum.denominator });
    s.edit.hidden = readOnly;
  }

  makeSummary() {
    const edit = h("button", {
      type: "button", class: "btn btn-secondary quorum-edit", dataset: { testid: "quorum-edit" },
      "aria-label": t("quorum.edit_label"), onclick: () => emit(this.summary, "quorum:edit"),
    }, t("quorum.edit"));
    this.summaryParts = {
      count: h("div", { class: "att-count", dataset: { testid: "attendance-count" } }, h("span", { class: "att-count-num" })),
      badge: h("div", { dataset: { testid: "quorum-status" } }),
      breakdown: h("p", { class: "att-breakdown" }),
      rule: h("div", { class: "quorum-rule", dataset: { testid: "quorum-rule" } }, h("span", { class: "quorum-rule-text" }), edit),
      edit,
    };
    const { count, badge, breakdown, rule } = this.summaryParts;
    this.summary.replaceChildren(count, badge, breakdown, rule);
    return this.summaryParts;
  }

  makeRow(r) {
    const id = `att-reason-${r.user_id}`;
    const parts = {
      name: h("span", { class: "person-name" }, r.full_name),
      role: h("span", { class: "person-role" }),
      buttons: STATUSES.map((s) => h("button", {
        type: "button",
        class: `att-btn att-${s}`,
        dataset: { status: s, testid: "attendance-status" },
        "aria-pressed": "false",
      }, t(`attendance.status.${s}`))),
      reason: h("input", {
        id, type: "text", maxlength: String(REASON_MAX), autocomplete: "off",
        enterkeyhint: "done", placeholder: t("attendance.reason_placeholder"),
        dataset: { testid: "attendance-reason" },
      }),
      // Back to "not known yet": a status recorded by mistake is undone, not overwritten.
      clear: h("button", {
        type: "button", class: "att-clear", dataset: { testid: "attendance-clear" },
        title: t("attendance.clear_label"), "aria-label": `${t("attendance.clear_label")}: ${r.full_name}`,
      }, t("attendance.clear")),
    };
    parts.times = h("span", { class: "att-times", dataset: { testid: "attendance-times" } });
    parts.left = h("button", {
      type: "button", class: "att-left", dataset: { testid: "attendance-left" },
      "aria-label": `${t("attendance.left_label")}: ${r.full_name}`,
    }, t("attendance.left"));
    parts.reasonRow = h("div", { class: "att-reason" },
      h("label", { class: "visually-hidden", for: id }, t("attendance.reason")), parts.reason);
    parts.segment = h("div", { class: "att-segment", role: "group", "aria-label": r.full_name }, parts.buttons);
    const el = h("li", { class: "person att-row", dataset: { testid: "participant", userId: r.user_id } },
      h("span", { class: "dot", "aria-hidden": "true", title: t("attendance.live") }),
      parts.name, parts.role, parts.times, parts.left, parts.clear, parts.segment, parts.reasonRow);
    return { el, parts };
  }

  updateRow(row, r, { readOnly, tracked, pending }) {
    const { el, parts } = row;
    el.dataset.present = String(r.live); // live: a device of theirs is in the meeting
    el.dataset.status = r.status || "unknown";
    el.dataset.voting = String(r.voting !== false);
    el.classList.toggle("is-present", r.live);
    el.classList.toggle("is-absent", !r.live);
    el.classList.toggle("is-pending", pending);
    el.dataset.pending = String(pending); // a change sent, not yet in the server's record
    parts.name.textContent = r.full_name;
    parts.role.textContent = t(`role.${r.role}`) + (r.voting === false ? ` · ${t("attendance.guest")}` : "")
      + (tracked && !r.status ? ` · ${t("attendance.status.unknown")}` : "");
    parts.segment.hidden = !tracked;
    // Arrival (marked late past the roll call) and an early departure, with their times.
    const attending = r.status === "present" || r.status === "online";
    const late = attending && r.checked_in_at && this.openedAt
      && new Date(r.checked_in_at) - new Date(this.openedAt) > LATE_AFTER_MS;
    const times = [];
    if (attending && r.checked_in_at) times.push(t(late ? "attendance.arrived_late" : "attendance.arrived", { time: clock(r.checked_in_at, this.zone) }));
    if (r.left_at) times.push(t("attendance.left_at", { time: clock(r.left_at, this.zone) }));
    parts.times.textContent = times.join(" · ");
    parts.times.hidden = !times.length;
    el.dataset.left = String(Boolean(r.left_at));
    el.classList.toggle("has-left", Boolean(r.left_at));
    parts.left.hidden = !tracked || !attending || Boolean(r.left_at) || readOnly;
    parts.clear.hidden = !tracked || !r.status || readOnly;
    for (const b of parts.buttons) {
      const on = b.dataset.status === r.status;
      b.setAttribute("aria-pressed", String(on));
      b.classList.toggle("is-on", on);
      b.disabled = readOnly;
    }
    parts.reasonRow.hidden = !tracked || r.status !== "absent";
    parts.reason.disabled = readOnly;
    // Never overwrite what the secretary is typing.
    if (document.activeElement !== parts.reason) parts.reason.value = r.reason || "";
    if (this.focusReason === Number(r.user_id) && r.status === "absent" && !readOnly) {
      this.focusReason = null;
      parts.reason.focus({ preventScroll: true });
    }
  }
}
