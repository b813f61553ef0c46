// Stroke icons of the annotation tools (24 px grid, like lib/dom.js icon()).
const SVG_NS = "http://www.w3.org/2000/svg";

const PATHS = {
  pen: ["M4 20l1.2-4.6L16.5 4.1a2 2 0 012.8 0l.6.6a2 2 0 010 2.8L8.6 18.8z", "M14.5 6.1l3.4 3.4"],
  highlighter: ["M9 15l-4 4h6l2-2", "M9 15l7.6-9.6a2 2 0 012.9-.2l.3.3a2 2 0 01-.2 2.9L10 16", "M4 21h16"],
  note: ["M4 3h16v12l-6 6H4z", "M14 21v-6h6", "M8 8h8M8 12h5"],
  eraser: ["M8.5 20H20", "M4.7 15.3l9.9-9.9a2 2 0 012.8 0l2.2 2.2a2 2 0 010 2.8L12 18.1a4 4 0 01-5.6 0l-1.7-1.7a.8.8 0 010-1.1z", "M9.5 10.5l5.5 5.5"],
  select: ["M5 3l13 7.5-5.6 1.6 3.6 6.3-2.4 1.4-3.6-6.3L6 17z"],
  undo: ["M9 14L4 9l5-5", "M4 9h10.5a5.5 5.5 0 010 11H11"],
  lock: ["M6 11h12v9H6z", "M8.5 11V8a3.5 3.5 0 017 0v3"],
  people: ["M16 19v-1a4 4 0 00-4-4H7a4 4 0 00-4 4v1", "M9.5 10a3 3 0 100-6 3 3 0 000 6z", "M21 19v-1a4 4 0 00-3-3.9M16 4.1a3 3 0 010 5.8"],
  sync: ["M20 11a8 8 0 00-14.7-4.3M4 4v4h4", "M4 13a8 8 0 0014.7 4.3M20 20v-4h-4"],
  trash: ["M4 7h16", "M10 11v6M14 11v6", "M6 7l1 13h10l1-13", "M9 7V4h6v3"],
  close: ["M6 6l12 12M18 6L6 18"],
  chevron: ["M9 6l6 6-6 6"],
};

export function annotIcon(name, size = 24) {
  const svg = document.createElementNS(SVG_NS, "svg");
  for (const [k, v] of Object.entries({
    viewBox: "0 0 24 24", width: size, height: size, fill: "none", stroke: "currentColor",
    "stroke-width": 2, "stroke-linecap": "round", "stroke-linejoin": "round", "aria-hidden": "true",
  })) svg.setAttribute(k, String(v));
  svg.classList.add("icon");
  for (const d of PATHS[name] || []) {
    const p = document.createElementNS(SVG_NS, "path");
    p.setAttribute("d", d);
    svg.append(p);
  }
  return svg;
}
