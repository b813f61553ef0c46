// Merging two people's versions of one text, without losing either. Pure.
//
// threeWay(base, mine, theirs): the usual rule for one field. Both started
// from `base`; if only one of them changed it, that change wins; if both
// made the same change, fine; if both changed it differently, it is a
// conflict a person must settle.
//
// mergeTexts(theirs, mine): the starting point offered for that person to
// edit. Line by line, along the lines both share (longest common
// subsequence): shared lines once, and where they differ, the server's
// lines then mine. Every line of both is in it; nothing is dropped.

/** Text as compared: NFC, one kind of line break (the server stores it so). */
export function normalizeText(value) {
  return String(value ?? "").normalize("NFC").replace(/\r\n?/g, "\n");
}

/** {value, conflict}: the merged value, or conflict with `mine` kept as value. */
export function threeWay(base, mine, theirs) {
  const [b, m, t] = [base, mine, theirs].map(normalizeText);
  if (m === t) return { value: m, conflict: false };
  if (m === b) return { value: t, conflict: false };
  if (t === b) return { value: m, conflict: false };
  return { value: m, conflict: true };
}

// Past this many line pairs the table costs too much: fall back to "theirs, then mine".
const MAX_CELLS = 4_000_000;

export function mergeTexts(theirs, mine) {
  const t = normalizeText(theirs);
  const m = normalizeText(mine);
  if (t === m || !m.trim()) return t;
  if (!t.trim()) return m;
  if (m.includes(t)) return m;
  if (t.includes(m)) return t;
  const a = t.split("\n");
  const b = m.split("\n");
  if (a.length * b.length > MAX_CELLS) return `${t}\n${m}`;
  return interleave(a, b).join("\n");
}

/** The lines of a and b along their longest common subsequence. */
function interleave(a, b) {
  const rows = a.length + 1;
  const cols = b.length + 1;
  // lcs[i * cols + j]: length of the LCS of a[i:] and b[j:].
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * cols + j] = a[i] === b[j]
        ? lcs[(i + 1) * cols + j + 1] + 1
        : Math.max(lcs[(i + 1) * cols + j], lcs[i * cols + j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  const theirsRun = [];
  const mineRun = [];
  const settle = () => {
    out.push(...theirsRun, ...mineRun);
    theirsRun.length = 0;
    mineRun.length = 0;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      settle();
      out.push(a[i]);
      i += 1;
      j += 1;
    } else if (j >= b.length || (i < a.length && lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1])) {
      theirsRun.push(a[i]);
      i += 1;
    } else {
      mineRun.push(b[j]);
      j += 1;
    }
  }
  settle();
  return out;
}
