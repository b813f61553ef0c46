// Tiny DOM helpers. Components build their DOM with h() and talk upwards with
// emit(): data flows down as method calls, actions flow up as DOM events.

/**
 * h("button", {class: "btn", dataset: {testid: "next-page"}, onclick: fn}, "Next")
 * Attributes starting with "on" become listeners; `dataset` fills data-*;
 * `style` may be an object; false/null attributes are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === "dataset") {
      for (const [dk, dv] of Object.entries(v)) if (dv != null) el.dataset[dk] = String(dv);
    } else if (k === "style" && typeof v === "object") {
      Object.assign(el.style, v);
    } else if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v);
    } else if (k === "class") {
      el.className = v;
    } else if (v === true) {
      el.setAttribute(k, "");
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replace an element's children. */
export function replaceChildren(el, ...children) {
  el.textContent = "";
  append(el, children);
}

/** Dispatch a bubbling CustomEvent (an action flowing up). */
export function emit(el, name, detail = {}) {
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail }));
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

export function $all(selector, root = document) {
  return Array.from(root.querySelectorAll(selector));
}

/** An inline SVG icon from the sprite-less set below (stroke icons, 24 px grid). */
const ICONS = {
  prev: "M15 18l-6-6 6-6",
  eye: "M1 12s4-7 11-7 11 7 11 7-4 7-11 7S1 12 1 12zM12 9a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
  next: "M9 6l6 6-6 6",
  first: "M17 18l-6-6 6-6M7 6v12",
  last: "M7 6l6 6-6 6M17 6v12",
  menu: "M4 6h16M4 12h16M4 18h16",
  sidebar: "M4 4h16v16H4zM9 4v16",
  follow: "M12 5v14M5 12l7 7 7-7",
  presenter: "M3 4h18v12H3zM8 20h8M12 16v4",
  upload: "M12 16V4M7 9l5-5 5 5M4 20h16",
  plus: "M12 5v14M5 12h14",
  close: "M6 6l12 12M18 6L6 18",
  play: "M7 4l13 8-13 8z",
  stop: "M6 6h12v12H6z",
  doc: "M14 3H6v18h12V7zM14 3v4h4",
  users: "M16 19v-1a4 4 0 00-4-4H7a4 4 0 00-4 4v1M9.5 10a3 3 0 100-6 3 3 0 000 6zM21 19v-1a4 4 0 00-3-3.9M16 4.1a3 3 0 010 5.8",
  fitWidth: "M3 12h18M7 8l-4 4 4 4M17 8l4 4-4 4",
  fitPage: "M8 3H3v5M16 3h5v5M8 21H3v-5M16 21h5v-5",
  logout: "M9 21H4V3h5M16 17l5-5-5-5M21 12H9",
  refresh: "M20 11a8 8 0 10-2.3 5.7M20 4v7h-7",
  check: "M5 12l5 5L20 7",
  download: "M12 4v11M7 10l5 5 5-5M4 20h16",
  more: "M6 12a1 1 0 11-2 0 1 1 0 012 0zM13 12a1 1 0 11-2 0 1 1 0 012 0zM20 12a1 1 0 11-2 0 1 1 0 012 0z",
};

export function icon(name, size = 24) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "2");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name] || "");
  svg.append(path);
  return svg;
}
