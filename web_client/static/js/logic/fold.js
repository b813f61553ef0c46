// Folding text the way the server's search does (meeting_server/search/fold.py):
// lower case, no diacritics, "đ" as "d"; one character for one, so offsets
// found in the folded text are offsets in the original.

const STROKED = { "đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h" };

function foldChar(char) {
  if (STROKED[char]) return STROKED[char];
  const base = char.normalize("NFD")[0];
  return base.toLowerCase()[0] || base;
}

export function fold(text) {
  return Array.from(String(text).normalize("NFC"), foldChar).join("");
}

/** The folded words of a query, in order, without repeats. */
export function queryTerms(query) {
  const words = fold(query).match(/[\p{L}\p{N}_]+/gu) || [];
  return [...new Set(words)];
}

/**
 * Split `text` into [{text, hit}] runs, marking words that begin with a query
 * term (the server matches terms as word prefixes too).
 */
export function markTerms(text, terms) {
  const original = Array.from(String(text).normalize("NFC"));
  const folded = original.map(foldChar).join("");
  const marks = new Array(original.length).fill(false);
  for (const term of terms) {
    if (!term) continue;
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${term.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "gu");
    for (const m of folded.matchAll(pattern)) {
      for (let i = m.index; i < m.index + term.length; i++) marks[i] = true;
    }
  }
  const runs = [];
  original.forEach((char, i) => {
    const last = runs[runs.length - 1];
    if (last && last.hit === marks[i]) last.text += char;
    else runs.push({ text: char, hit: marks[i] });
  });
  return runs;
}
