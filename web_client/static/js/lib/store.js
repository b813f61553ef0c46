// localStorage that never throws (Safari private browsing, storage disabled).
export function load(key, fallback = null) {
  try {
    const v = window.localStorage.getItem(key);
    return v == null ? fallback : v;
  } catch {
    return fallback;
  }
}

export function save(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Not persisted: only a preference.
  }
}
