// The page's data from the server (<script type="application/json" id="page-data">).
export function pageData() {
  try {
    const el = document.getElementById("page-data");
    return el ? JSON.parse(el.textContent || "{}") || {} : {};
  } catch {
    return {};
  }
}
