// Translated UI strings for JS, from the catalog the server embeds in the page
// (<script type="application/json" id="i18n">). Same catalogs as the templates.

let catalog = null;
const warned = new Set();

function load() {
  if (catalog) return catalog;
  try {
    const el = document.getElementById("i18n");
    catalog = el ? JSON.parse(el.textContent || "{}") : {};
  } catch {
    catalog = {};
  }
  return catalog;
}

/** The page's language ("vi" or "en"), from <html lang>. */
export function lang() {
  return document.documentElement.lang || "vi";
}

/** BCP 47 locale for Intl formatting. */
export function locale() {
  return lang() === "en" ? "en-GB" : "vi-VN";
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(load(), key);
}

/** t("tablet.page_of", {page: 3, count: 12}) -> "Trang 3 / 12". */
export function t(key, params = {}) {
  const c = load();
  let s = c[key];
  if (typeof s !== "string") {
    if (!warned.has(key)) {
      warned.add(key);
      console.warn(`i18n: missing key ${key}`);
    }
    s = key;
  }
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}
