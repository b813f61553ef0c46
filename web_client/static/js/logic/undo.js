// Undo of the member's own last actions, one stack per page (undo acts on
// the page in front of the member, never on one out of sight). Pure.
//
// Actions:
//   {type: "add", annotation}            drew, highlighted, wrote a note
//   {type: "remove", annotations: [...]} erased (one eraser gesture) or deleted
//   {type: "change", before, after}      shared / made private / edited a note
//
// Undoing a removal puts the content back under NEW ids: the server keeps
// deleted ids as tombstones and refuses to bring them back. Older actions on
// the stack that name the old ids are rewritten to the new ones, so undoing
// "draw" after undoing "erase" removes the stroke that is actually there.
import { recreated, changed, newId } from "./annotations.js";

export const UNDO_LIMIT = 100;

export function pageKey(documentId, page) {
  return `${Number(documentId)}:${Number(page)}`;
}

export function emptyUndo() {
  return {};
}

export function canUndo(stacks, key) {
  return Boolean(stacks[key] && stacks[key].length);
}

export function pushAction(stacks, key, action, limit = UNDO_LIMIT) {
  const stack = [...(stacks[key] || []), action];
  while (stack.length > limit) stack.shift();
  return { ...stacks, [key]: stack };
}

function renameIn(action, ids) {
  const re = (a) => (a && ids[a.id] ? { ...a, id: ids[a.id] } : a);
  if (action.type === "add") return { ...action, annotation: re(action.annotation) };
  if (action.type === "remove") return { ...action, annotations: action.annotations.map(re) };
  if (action.type === "change") return { ...action, before: re(action.before), after: re(action.after) };
  return action;
}

/**
 * Take the page's last action off its stack. Returns {stacks, ops}: the
 * changes to send, each {op: "put", annotation} or {op: "delete", id}
 * (empty when there is nothing to undo).
 */
export function undo(stacks, key, makeId = newId) {
  const stack = stacks[key] || [];
  if (!stack.length) return { stacks, ops: [] };
  const action = stack[stack.length - 1];
  let rest = stack.slice(0, -1);
  let ops = [];
  if (action.type === "add") {
    ops = [{ op: "delete", id: action.annotation.id }];
  } else if (action.type === "remove") {
    const ids = {};
    ops = action.annotations.map((a) => {
      const again = recreated(a, makeId());
      ids[a.id] = again.id;
      return { op: "put", annotation: again };
    });
    rest = rest.map((x) => renameIn(x, ids));
  } else if (action.type === "change") {
    const { data, visibility } = action.before;
    ops = [{ op: "put", annotation: changed(action.after, { data, visibility }) }];
  }
  return { stacks: { ...stacks, [key]: rest }, ops };
}
