// Accounts from a CSV file, checked before anything is created (/admin/users).
// UTF-8 with or without a BOM; the header names the columns:
//   username,full_name,role,position
// (position may be left out). Comma or semicolon (a spreadsheet set to
// Vietnamese may save with ";"); fields may be "quoted", with "" for a quote.
// Pure functions: no DOM, tested in tests/js/accounts-csv.test.mjs.

export const ROLES = ["admin", "secretary", "chair", "member", "archivist"];
export const USERNAME = /^[A-Za-z0-9_.-]{2,64}$/;
export const COLUMNS = ["username", "full_name", "role", "position"];

/** Split CSV text into rows of fields (RFC 4180, any line ending). */
export function parseCsv(text, delimiter = ",") {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const clean = (s) => String(s ?? "").normalize("NFC").replace(/\s+/g, " ").trim();

/**
 * readAccounts(text, {existing, roleNames}) ->
 *   {error: code} for a file that cannot be read at all (empty, header_missing), or
 *   {rows: [{line, username, full_name, role, position, errors: [code...]}]}.
 * `existing`: usernames already taken (lower-cased compare is not used: the server's
 * usernames are case-sensitive). `roleNames`: {label: code}, e.g. the catalog's
 * "Thành viên" -> "member", accepted besides the codes.
 * Error codes: username, username_twice, username_taken, full_name, role, position.
 */
export function readAccounts(text, { existing = [], roleNames = {} } = {}) {
  const body = String(text || "").replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] || "";
  const delimiter = !firstLine.includes(",") && firstLine.includes(";") ? ";" : ",";
  const rows = parseCsv(body, delimiter).filter((r) => r.some((f) => clean(f)));
  if (!rows.length) return { error: "empty" };
  const header = rows[0].map((h) => clean(h).toLowerCase());
  const at = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)]));
  if (at.username < 0 || at.full_name < 0 || at.role < 0) return { error: "header_missing" };
  if (rows.length < 2) return { error: "empty" };
  const taken = new Set(existing);
  const labels = Object.fromEntries(Object.entries(roleNames).map(([k, v]) => [clean(k).toLowerCase(), v]));
  const seen = new Map();
  const out = rows.slice(1).map((r, i) => {
    const get = (c) => (at[c] >= 0 ? clean(r[at[c]]) : "");
    const username = get("username");
    const rawRole = get("role").toLowerCase();
    const role = ROLES.includes(rawRole) ? rawRole : labels[rawRole] || rawRole;
    const item = { line: i + 2, username, full_name: get("full_name"), role, position: get("position"), errors: [] };
    if (!USERNAME.test(username)) item.errors.push("username");
    else if (taken.has(username)) item.errors.push("username_taken");
    if (!item.full_name || item.full_name.length > 200) item.errors.push("full_name");
    if (!ROLES.includes(role)) item.errors.push("role");
    if (item.position.length > 200) item.errors.push("position");
    seen.set(username, (seen.get(username) || 0) + 1);
    return item;
  });
  for (const item of out) {
    if (item.username && seen.get(item.username) > 1 && !item.errors.includes("username")) {
      item.errors.push("username_twice");
    }
  }
  return { rows: out };
}
