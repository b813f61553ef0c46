// HTTP API client (PROTOCOL.md): same-origin fetch with the session cookie.
// Errors come back as ApiError carrying the server's {code, message}.
import { t, has, lang } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message, details = null) {
    super(message || code || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    // The whole error object, for codes whose body says more (a minutes conflict's `current`).
    this.details = details;
  }
}

const STATUS_CODES = {
  400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
  413: "too_large", 415: "unsupported_media", 422: "invalid", 429: "rate_limited", 503: "unavailable",
};

/**
 * What a person reads for a refusal: the server's own message, which it
 * writes in the language this page asks for (the `Accept-Language` every
 * request sends, the socket's `auth.lang`). The catalog's sentence for the
 * code only when the server said nothing (a proxy's bare 502, a body that is
 * no JSON), and for what never reached it (network, offline, timeout).
 */
export function readableError(code, serverMessage) {
  if (serverMessage) return serverMessage;
  const key = `api.error.${code}`;
  return has(key) ? t(key) : "";
}

function errorFromBody(status, body) {
  const err = body && body.error;
  const code = (err && err.code) || STATUS_CODES[status] || "error";
  // Never a bare "HTTP 502" or code: the catalog's general sentence, with the status for whoever helps.
  const fallback = `${t("error.generic")} (HTTP ${status})`;
  const error = new ApiError(status, code, readableError(code, err && err.message) || fallback, err || null);
  error.serverMessage = (err && err.message) || "";
  return error;
}

/** The message for a refused socket request (an ack's {code, message}). */
export function ackErrorMessage(error) {
  const code = (error && error.code) || "error";
  if (code === "offline") return t("rt.error.offline");
  if (code === "timeout") return t("rt.error.timeout");
  return readableError(code, error && error.message) || t("error.generic");
}

async function parse(res) {
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return res.text();
}

/** Send the person to the login page, coming back here afterwards. */
export function redirectToLogin() {
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/**
 * api("GET", "/api/meetings") -> parsed JSON. Throws ApiError.
 * A 401 outside the login call sends the person to the login page.
 */
export async function api(method, url, body, { redirectOn401 = true, signal, keepalive = false } = {}) {
  // keepalive: the request outlives the page (a save sent as the tab closes).
  // The page's language, not the browser's: the server answers its refusals in it.
  const headers = { Accept: "application/json", "Accept-Language": lang() };
  const init = { method, credentials: "same-origin", headers, signal, keepalive };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", t("api.error.network"));
  }
  const data = await parse(res);
  if (!res.ok) {
    if (res.status === 401 && redirectOn401) redirectToLogin();
    throw errorFromBody(res.status, data);
  }
  return data;
}

/**
 * Upload a file with progress (fetch has no upload progress): XMLHttpRequest.
 * onProgress(fraction 0..1). Resolves with the parsed 2xx body, rejects with
 * ApiError (413, 415, 422, ...).
 */
export function upload(url, formData, { onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Accept-Language", lang());
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(1);
        resolve(data);
      } else {
        if (xhr.status === 401) redirectToLogin();
        reject(errorFromBody(xhr.status, data));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "network", t("api.error.network")));
    xhr.onabort = () => reject(new ApiError(0, "aborted", t("api.error.aborted")));
    xhr.send(formData);
  });
}

/**
 * The meeting with page sizes for every document. The lead's server adds
 * `pages` to agenda documents; if a document lacks it, fetch its metadata.
 */
export async function fetchMeeting(meetingId) {
  const m = await api("GET", `/api/meetings/${meetingId}`);
  const missing = [];
  for (const item of m.agenda || []) {
    for (const d of item.documents || []) if (!Array.isArray(d.pages)) missing.push(d);
  }
  await Promise.all(
    missing.map(async (d) => {
      try {
        const full = await api("GET", `/api/documents/${d.id}`);
        d.pages = full.pages || [];
        if (full.page_count != null) d.page_count = full.page_count;
      } catch {
        d.pages = [];
      }
    }),
  );
  return m;
}

/** All documents of a meeting in agenda order, each with its agenda item. */
export function documentsOf(meeting) {
  const out = [];
  for (const item of (meeting && meeting.agenda) || []) {
    for (const d of item.documents || []) out.push({ ...d, item });
  }
  return out;
}

export function findDocument(meeting, documentId) {
  return documentsOf(meeting).find((d) => Number(d.id) === Number(documentId)) || null;
}

/**
 * Where a document's annotations are exported: format "pdf" (the original with
 * them written in as PDF annotations) or "jsonld" (W3C Web Annotation);
 * scope "visible" (own and shared), "shared" or "mine".
 */
export function annotationsExportUrl(documentId, format, scope) {
  const file = format === "jsonld" ? "annotations.jsonld" : "annotated.pdf";
  return `/api/documents/${documentId}/${file}?scope=${encodeURIComponent(scope)}`;
}

/** Page size in PDF points of page n (1-based), A4 portrait when unknown. */
export function pageSize(doc, n) {
  const p = doc && Array.isArray(doc.pages) ? doc.pages[n - 1] : null;
  return p && p.width > 0 && p.height > 0 ? p : { width: 595, height: 842 };
}
