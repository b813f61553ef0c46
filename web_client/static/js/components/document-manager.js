// The documents of one agenda item, while the meeting is prepared
// (/meetings/{id}/prepare mounts one per item): list them (title, pages,
// version, older versions to open read-only), rename inline, withdraw (with
// a confirmation), replace with a new version, and upload several PDFs at
// once by dropping them or picking them, each with its own progress bar
// (XMLHttpRequest: fetch reports no upload progress), then "ingesting…"
// until the server has checked the file and drawn its pages.
//
// Uploads outlive a re-render: their state is kept per agenda item, so a page
// that mounts the component again after onChanged() shows the same rows.
import { h, icon, replaceChildren } from "../lib/dom.js";
import { api, upload } from "../lib/api.js";
import { has, lang, locale } from "../lib/i18n.js";
import { confirmDialog } from "./confirm-dialog.js";

// agenda item id -> {rows: [...], listeners: Set<fn>}
const uploadsByItem = new Map();
let nextRowId = 1;
// A finished row stays this long, so the person sees it went through.
const DONE_FOR_MS = 6000;

function itemUploads(itemId) {
  let state = uploadsByItem.get(itemId);
  if (!state) {
    state = { rows: [], listeners: new Set() };
    uploadsByItem.set(itemId, state);
  }
  return state;
}

function changedUploads(itemId) {
  for (const fn of itemUploads(itemId).listeners) fn();
}

const STYLESHEET = "/static/css/documents.css";

/** The component brings its own styles, whichever page mounts it. */
function ensureStylesheet() {
  if (document.querySelector(`link[rel="stylesheet"][href="${STYLESHEET}"]`)) return;
  document.head.append(h("link", { rel: "stylesheet", href: STYLESHEET }));
}

const isPdf = (file) => file.type === "application/pdf" || /\.pdf$/i.test(file.name || "");

function fileSize(bytes) {
  const mb = bytes / (1024 * 1024);
  const fmt = new Intl.NumberFormat(locale(), { maximumFractionDigits: mb < 10 ? 1 : 0 });
  return mb >= 1 ? `${fmt.format(mb)} MB` : `${fmt.format(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

/**
 * mountDocumentManager(container, {meetingId, item, t, onChanged, readOnly})
 *   item       an agenda item of GET /api/meetings/{id}: {id, title, documents: [...]}
 *   t          the catalog's translate function (lib/i18n.js t)
 *   onChanged  called after every change the server accepted
 *   readOnly   list only (a closed meeting)
 * Returns {update(item), destroy()}.
 */
export function mountDocumentManager(container, { meetingId, item, t, onChanged = () => {}, readOnly = false }) {
  let current = item;
  const itemId = item.id;
  const state = itemUploads(itemId);
  let renaming = null; // document id being renamed
  const rowErrors = new Map(); // document id -> message

  const list = h("ul", { class: "docman-list", dataset: { testid: "document-list" } });
  const uploads = h("ul", { class: "docman-uploads", "aria-live": "polite", dataset: { testid: "upload-list" } });
  const picker = h("input", {
    type: "file", accept: "application/pdf,.pdf", multiple: true, class: "visually-hidden", tabindex: "-1",
    "aria-hidden": "true", dataset: { testid: "document-file-input" },
    onchange: () => {
      const files = Array.from(picker.files || []);
      picker.value = "";
      addFiles(files);
    },
  });
  const drop = readOnly ? null : h("div", {
    class: "docman-drop", dataset: { testid: "document-drop" },
    ondragenter: (e) => { if (hasFiles(e)) { e.preventDefault(); drop.classList.add("is-over"); } },
    ondragover: (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; drop.classList.add("is-over"); } },
    ondragleave: (e) => { if (!drop.contains(e.relatedTarget)) drop.classList.remove("is-over"); },
    ondrop: (e) => {
      e.preventDefault();
      drop.classList.remove("is-over");
      addFiles(Array.from((e.dataTransfer && e.dataTransfer.files) || []));
    },
  },
  h("span", { class: "docman-drop-icon", "aria-hidden": "true" }, icon("upload", 26)),
  h("span", { class: "docman-drop-text" },
    h("strong", {}, t("documents.drop_title")),
    h("span", { class: "docman-drop-hint" }, t("documents.drop_hint"))),
  h("button", {
    type: "button", class: "btn btn-secondary btn-sm docman-pick", dataset: { testid: "document-pick" },
    onclick: () => picker.click(),
  }, icon("plus", 18), t("documents.pick")),
  picker);

  const root = h("section", {
    class: "docman", dataset: { testid: "document-manager", itemId },
    "aria-label": t("documents.heading_for", { title: item.title || "" }),
  }, list, drop, uploads);
  replaceChildren(container, root);

  ensureStylesheet();
  const redraw = () => {
    // A page that drew the item again without destroy(): this copy is gone, stop listening.
    if (!root.isConnected) { state.listeners.delete(redraw); return; }
    renderList();
    renderUploads();
  };
  state.listeners.add(redraw);
  renderList();
  renderUploads();

  function hasFiles(e) {
    const types = e.dataTransfer && e.dataTransfer.types;
    return !!types && Array.from(types).includes("Files");
  }

  // ---- the documents ------------------------------------------------------------------

  function renderList() {
    const docs = (current && current.documents) || [];
    if (!docs.length) {
      replaceChildren(list, h("li", { class: "docman-empty", dataset: { testid: "document-empty" } }, t("documents.empty")));
      return;
    }
    replaceChildren(list, ...docs.map(documentRow));
    if (renaming != null) {
      const input = list.querySelector(".docman-rename input");
      if (input && document.activeElement !== input) {
        input.focus();
        input.select();
      }
    }
  }

  function documentRow(doc) {
    const error = rowErrors.get(doc.id);
    const pages = doc.page_count ?? (doc.pages || []).length;
    const older = doc.versions || [];
    const meta = h("span", { class: "docman-meta" },
      h("span", {}, pages === 1 ? t("documents.page_one") : t("documents.pages", { count: pages })),
      h("span", { class: "docman-version", dataset: { testid: "document-version" } },
        t("documents.version", { version: doc.version || 1 })),
      older.length
        ? h("span", { class: "docman-older" }, `${t("documents.older_versions")} `,
          ...older.map((v, i) => [
            i ? ", " : "",
            h("a", {
              href: `/api/documents/${v.id}/file`, target: "_blank", rel: "noopener",
              title: v.title, dataset: { testid: "document-old-version" },
            }, t("documents.version_short", { version: v.version })),
          ]))
        : null);
    const head = renaming === doc.id
      ? renameForm(doc)
      : h("div", { class: "docman-main" },
        h("a", {
          class: "docman-title", href: `/api/documents/${doc.id}/file`, target: "_blank", rel: "noopener",
          dataset: { testid: "document-title" },
        }, doc.title),
        meta);
    const actions = readOnly || renaming === doc.id ? null : h("div", { class: "docman-actions" },
      h("button", {
        type: "button", class: "btn btn-ghost btn-sm", dataset: { testid: "document-rename" },
        "aria-label": `${t("documents.rename")}: ${doc.title}`,
        onclick: () => { renaming = doc.id; rowErrors.delete(doc.id); renderList(); },
      }, t("documents.rename")),
      replaceButton(doc),
      h("button", {
        type: "button", class: "btn btn-danger-outline btn-sm", dataset: { testid: "document-withdraw" },
        "aria-label": `${t("documents.withdraw")}: ${doc.title}`,
        onclick: () => withdraw(doc),
      }, t("documents.withdraw")));
    return h("li", { class: "docman-doc", dataset: { testid: "document-row", documentId: doc.id } },
      h("span", { class: "docman-doc-icon", "aria-hidden": "true" }, icon("doc", 22)),
      head,
      actions,
      error ? h("p", { class: "docman-error", role: "alert", dataset: { testid: "document-error" } }, error) : null);
  }

  function renameForm(doc) {
    const inputId = `docman-title-${doc.id}`;
    const input = h("input", {
      id: inputId, type: "text", value: doc.title, maxlength: "500", required: true, autocomplete: "off",
      dataset: { testid: "document-title-input" },
      onkeydown: (e) => { if (e.key === "Escape") { e.preventDefault(); cancel(); } },
    });
    const cancel = () => { renaming = null; rowErrors.delete(doc.id); renderList(); };
    const form = h("form", {
      class: "docman-rename", novalidate: true,
      onsubmit: async (e) => {
        e.preventDefault();
        const title = input.value.trim();
        if (!title) {
          rowErrors.set(doc.id, t("documents.error.title_required"));
          renderList();
          return;
        }
        if (title === doc.title) { cancel(); return; }
        save.disabled = true;
        try {
          const saved = await api("PATCH", `/api/documents/${doc.id}`, { title });
          doc.title = saved.title;
          renaming = null;
          rowErrors.delete(doc.id);
          renderList();
          onChanged();
        } catch (err) {
          save.disabled = false;
          rowErrors.set(doc.id, errorText(err));
          renderList();
        }
      },
    },
    h("label", { for: inputId, class: "docman-rename-label" }, t("documents.rename_label")),
    h("div", { class: "docman-rename-row" },
      input,
      null,
      h("button", { type: "submit", class: "btn btn-primary btn-sm", dataset: { testid: "document-rename-save" } },
        t("documents.save")),
      h("button", { type: "button", class: "btn btn-secondary btn-sm", onclick: cancel }, t("common.cancel"))));
    const save = form.querySelector("button[type=submit]");
    return h("div", { class: "docman-main" }, form);
  }

  function replaceButton(doc) {
    const input = h("input", {
      type: "file", accept: "application/pdf,.pdf", class: "visually-hidden", tabindex: "-1", "aria-hidden": "true",
      dataset: { testid: "document-replace-input" },
      onchange: () => {
        const file = input.files && input.files[0];
        input.value = "";
        if (file) startUpload(file, { replaces: doc });
      },
    });
    return h("span", { class: "docman-replace" },
      h("button", {
        type: "button", class: "btn btn-ghost btn-sm", dataset: { testid: "document-replace" },
        "aria-label": `${t("documents.replace")}: ${doc.title}`,
        onclick: () => input.click(),
      }, t("documents.replace")),
      input);
  }

  async function withdraw(doc) {
    const ok = await confirmDialog({
      testid: "withdraw-document",
      title: t("documents.withdraw_title"),
      text: t("documents.withdraw_text", { title: doc.title }),
      confirm: t("documents.withdraw_confirm"),
      confirmTestid: "withdraw-document-confirm",
      tone: "danger",
    });
    if (!ok) return;
    try {
      await api("DELETE", `/api/documents/${doc.id}`);
      rowErrors.delete(doc.id);
      current = { ...current, documents: current.documents.filter((d) => d.id !== doc.id) };
      renderList();
      onChanged();
    } catch (err) {
      rowErrors.set(doc.id, errorText(err));
      renderList();
    }
  }

  // ---- uploads --------------------------------------------------------------------------

  function addFiles(files) {
    if (readOnly) return;
    for (const file of files) startUpload(file, {});
  }

  function startUpload(file, { replaces = null }) {
    const row = {
      id: nextRowId++, name: file.name, size: file.size, replaces, progress: 0, state: "uploading",
      message: "", result: null,
    };
    state.rows.push(row);
    if (!isPdf(file)) {
      row.state = "error";
      row.message = errorText({ code: "unsupported_media", message: t("documents.error.unsupported_media") });
      changedUploads(itemId);
      return;
    }
    changedUploads(itemId);
    const form = new FormData();
    form.append("file", file, file.name);
    const url = replaces ? `/api/documents/${replaces.id}/versions` : `/api/agenda/${itemId}/documents`;
    upload(url, form, {
      onProgress: (fraction) => {
        if (row.state !== "uploading") return;
        row.progress = fraction;
        // The last byte is sent: the server now checks the PDF and draws its pages.
        if (fraction >= 1) row.state = "ingesting";
        changedUploads(itemId);
      },
    }).then((doc) => {
      row.state = "done";
      row.progress = 1;
      row.result = doc;
      // Shown at once, before the page fetches the meeting again.
      const summary = {
        id: doc.id, title: doc.title, page_count: doc.page_count, sha256: doc.sha256, pages: doc.pages,
        version: doc.version || 1, versions: [],
      };
      if (replaces) {
        summary.versions = [{ id: replaces.id, version: replaces.version || 1, title: replaces.title },
          ...(replaces.versions || [])];
        current = {
          ...current, documents: current.documents.map((d) => (d.id === replaces.id ? summary : d)),
        };
      } else if (!current.documents.some((d) => d.id === doc.id)) {
        current = { ...current, documents: [...current.documents, summary] };
      }
      changedUploads(itemId);
      setTimeout(() => dismiss(row), DONE_FOR_MS);
      onChanged();
    }, (err) => {
      row.state = "error";
      row.message = errorText(err);
      changedUploads(itemId);
    });
  }

  function dismiss(row) {
    const i = state.rows.indexOf(row);
    if (i >= 0) {
      state.rows.splice(i, 1);
      changedUploads(itemId);
    }
  }

  function renderUploads() {
    replaceChildren(uploads, ...state.rows.map(uploadRow));
  }

  function uploadRow(row) {
    const percent = Math.round(row.progress * 100);
    const status = {
      uploading: t("documents.uploading", { percent }),
      ingesting: t("documents.ingesting"),
      done: row.replaces && row.result
        ? t("documents.replaced", { version: row.result.version })
        : t("documents.done"),
      error: row.message,
    }[row.state];
    const moved = row.state === "done" && row.replaces && row.result && row.result.annotations_moved != null
      ? t("documents.moved_annotations", { moved: row.result.annotations_moved, kept: row.result.annotations_kept })
      : null;
    const bar = row.state === "error" ? null : h("div", {
      class: "docman-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
      "aria-valuenow": row.state === "ingesting" ? null : String(percent),
      "aria-label": row.name,
    }, h("div", { class: "docman-bar-fill", style: { width: `${row.state === "uploading" ? percent : 100}%` } }));
    return h("li", {
      class: "docman-upload", dataset: { testid: "upload-row", state: row.state },
    },
    h("div", { class: "docman-upload-head" },
      h("span", { class: "docman-upload-name", dataset: { testid: "upload-name" } },
        row.replaces ? t("documents.new_version_of", { title: row.replaces.title }) : row.name),
      h("span", { class: "docman-upload-size" }, fileSize(row.size)),
      row.state === "error" || row.state === "done"
        ? h("button", {
          type: "button", class: "btn btn-ghost btn-icon docman-dismiss", "aria-label": t("documents.dismiss"),
          dataset: { testid: "upload-dismiss" }, onclick: () => dismiss(row),
        }, icon("close", 18))
        : null),
    bar,
    h("p", {
      class: "docman-upload-status", dataset: { testid: "upload-status" },
      role: row.state === "error" ? "alert" : null,
    }, row.state === "done" ? icon("check", 16) : null, status),
    moved ? h("p", { class: "docman-upload-note" }, moved) : null);
  }

  /** A refusal in the interface's language: the catalog's words for this code here, else lib/api.js's. */
  function errorText(err) {
    const code = (err && err.code) || "error";
    const key = `documents.error.${code}`;
    if (lang() !== "en" && has(key)) return t(key);
    return (err && err.message) || (has(key) ? t(key) : code);
  }

  return {
    update(nextItem) {
      current = nextItem;
      if (renaming != null && !(nextItem.documents || []).some((d) => d.id === renaming)) renaming = null;
      renderList();
    },
    destroy() {
      state.listeners.delete(redraw);
      root.remove();
    },
  };
}
