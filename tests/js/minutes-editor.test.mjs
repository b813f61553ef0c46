import { test } from "node:test";
import assert from "node:assert/strict";
import {
  SAVE_DELAY_MS, RETRY_MS, retryNow, itemFromServer, isDirty, edit, canSave, dueAt, nextDue, beginSave, saveSucceeded,
  saveConflicted, saveFailed, remoteUpdate, resolve, itemStatus, panelStatus, encodeDrafts, decodeDrafts,
  restoreDraft, headerChanges, rebaseHeader,
} from "../../web_client/static/js/logic/minutes-editor.js";

const item = (over = {}) => ({ agenda_item_id: 7, discussion: "", conclusion: "", version: 0, ...over });

test("typing makes an item dirty and due one second after the last key", () => {
  let s = itemFromServer(item());
  assert.equal(itemStatus(s), "saved");
  assert.equal(dueAt(s), null);
  s = edit(s, "discussion", "Ý kiến", 1000);
  s = edit(s, "discussion", "Ý kiến thứ nhất", 1400);
  assert.ok(isDirty(s) && canSave(s));
  assert.equal(itemStatus(s), "pending");
  assert.equal(dueAt(s), 1400 + SAVE_DELAY_MS);
  assert.deepEqual(edit(s, "bogus", "x", 2000), s);
  const other = edit(itemFromServer(item({ agenda_item_id: 8 })), "conclusion", "KL", 900);
  assert.deepEqual(nextDue([s, other]), { id: 8, at: 900 + SAVE_DELAY_MS });
});

test("a save carries the base version; text typed while it flies stays dirty", () => {
  let s = edit(itemFromServer(item({ version: 3, conclusion: "cũ" })), "discussion", "mới", 10);
  const { state, body } = beginSave(s);
  assert.deepEqual(body, { base_version: 3, discussion: "mới", conclusion: "cũ" });
  assert.equal(itemStatus(state), "saving");
  assert.equal(canSave(state), false);
  s = edit(state, "discussion", "mới hơn", 20);
  s = saveSucceeded(s, item({ version: 4, discussion: "mới", conclusion: "cũ" }));
  assert.equal(s.base.version, 4);
  assert.equal(s.local.discussion, "mới hơn");
  assert.equal(itemStatus(s), "pending");
  s = saveSucceeded(beginSave(s).state, item({ version: 5, discussion: "mới hơn", conclusion: "cũ" }));
  assert.equal(itemStatus(s), "saved");
});

test("offline: the text stays, the item waits and retries; a refusal stops the retries", () => {
  let s = beginSave(edit(itemFromServer(item()), "discussion", "gõ khi mất mạng", 5)).state;
  s = saveFailed(s, "network", 2000);
  assert.equal(itemStatus(s), "offline");
  assert.ok(canSave(s));
  assert.equal(dueAt(s), 2000 + RETRY_MS);
  assert.equal(dueAt(retryNow(s)), 5 + SAVE_DELAY_MS); // back online: at once
  assert.equal(retryNow(itemFromServer(item())).error, null);
  assert.equal(s.local.discussion, "gõ khi mất mạng");
  const refused = saveFailed(beginSave(s).state, "meeting_closed");
  assert.equal(itemStatus(refused), "error");
  assert.equal(canSave(refused), false);
  assert.equal(refused.local.discussion, "gõ khi mất mạng");
});

test("a conflict on different fields merges by itself and saves again at once", () => {
  const base = itemFromServer(item({ version: 2, discussion: "D", conclusion: "K" }));
  const mine = beginSave(edit(base, "discussion", "D của tôi", 50)).state;
  const s = saveConflicted(mine, item({ version: 3, discussion: "D", conclusion: "K của người khác" }));
  assert.equal(s.conflict, null);
  assert.deepEqual(s.local, { discussion: "D của tôi", conclusion: "K của người khác" });
  assert.equal(s.base.version, 3);
  assert.equal(dueAt(s), SAVE_DELAY_MS); // editedAt 0: due already
  assert.deepEqual(beginSave(s).body, { base_version: 3, discussion: "D của tôi", conclusion: "K của người khác" });
});

test("a real conflict keeps both texts until the secretary chooses", () => {
  const base = itemFromServer(item({ version: 1, discussion: "gốc" }));
  const mine = beginSave(edit(base, "discussion", "bản của tôi", 50)).state;
  const s = saveConflicted(mine, item({ version: 2, discussion: "bản của họ" }));
  assert.deepEqual(s.conflict, { theirs: { discussion: "bản của họ", conclusion: "", version: 2 }, fields: ["discussion"] });
  assert.equal(s.local.discussion, "bản của tôi");
  assert.equal(itemStatus(s), "conflict");
  assert.equal(canSave(s), false);

  const keepMine = resolve(s, "mine");
  assert.deepEqual(beginSave(keepMine).body, { base_version: 2, discussion: "bản của tôi", conclusion: "" });
  const takeTheirs = resolve(s, "theirs");
  assert.equal(takeTheirs.local.discussion, "bản của họ");
  assert.equal(itemStatus(takeTheirs), "saved");
  const merged = resolve(s, "merged", { discussion: "bản của họ\nbản của tôi" });
  assert.equal(merged.local.discussion, "bản của họ\nbản của tôi");
  assert.equal(merged.base.version, 2);
  assert.ok(canSave(merged));
});

test("what others save reaches untouched items, and touched ones where it can", () => {
  const s = itemFromServer(item({ version: 1, discussion: "a", conclusion: "b" }));
  const theirs = item({ version: 2, discussion: "a2", conclusion: "b" });
  assert.deepEqual(remoteUpdate(s, theirs).local, { discussion: "a2", conclusion: "b" });
  assert.equal(remoteUpdate(s, item({ version: 1, discussion: "x" })), s); // not newer
  const typing = edit(s, "conclusion", "b của tôi", 9);
  const rebased = remoteUpdate(typing, theirs);
  assert.deepEqual(rebased.local, { discussion: "a2", conclusion: "b của tôi" });
  assert.equal(rebased.base.version, 2);
  assert.equal(rebased.editedAt, 9);
  const clash = edit(s, "discussion", "a của tôi", 9);
  assert.equal(remoteUpdate(clash, theirs), clash); // left for the save to find
  const flying = beginSave(typing).state;
  assert.equal(remoteUpdate(flying, theirs), flying);
});

test("the panel shows its most pressing item", () => {
  const ok = itemFromServer(item());
  const pending = edit(ok, "discussion", "x", 1);
  const offline = saveFailed(beginSave(pending).state, "network");
  const conflict = saveConflicted(beginSave(edit(itemFromServer(item({ discussion: "g" })), "discussion", "m", 1)).state,
    item({ version: 1, discussion: "t" }));
  assert.equal(panelStatus([]), "saved");
  assert.equal(panelStatus([ok, pending]), "pending");
  assert.equal(panelStatus([pending, offline, ok]), "offline");
  assert.equal(panelStatus([offline, conflict]), "conflict");
});

test("drafts survive a reload: kept while unsaved, continued or merged against the server", () => {
  const typed = edit(itemFromServer(item({ version: 4, discussion: "d" })), "discussion", "d + ngoại tuyến", 3);
  const clean = itemFromServer(item({ agenda_item_id: 9 }));
  const stored = JSON.stringify(encodeDrafts([typed, clean]));
  const drafts = decodeDrafts(stored);
  assert.deepEqual(Object.keys(drafts), ["7"]);
  assert.deepEqual(decodeDrafts("{broken"), {});
  assert.deepEqual(decodeDrafts({ 7: { local: {} } }), {});

  // The server did not move: continue, and save.
  const same = restoreDraft(drafts[7], item({ version: 4, discussion: "d" }));
  assert.equal(same.local.discussion, "d + ngoại tuyến");
  assert.ok(canSave(same));
  // The save did land before the page closed: nothing left to do.
  assert.equal(itemStatus(restoreDraft(drafts[7], item({ version: 5, discussion: "d + ngoại tuyến" }))), "saved");
  // Someone else wrote meanwhile: both texts kept for the dialog.
  const clash = restoreDraft(drafts[7], item({ version: 5, discussion: "d của người khác" }));
  assert.equal(itemStatus(clash), "conflict");
  assert.equal(clash.local.discussion, "d + ngoại tuyến");
  assert.equal(clash.conflict.theirs.discussion, "d của người khác");
  // Only the other field moved: merged.
  const merged = restoreDraft(drafts[7], item({ version: 5, discussion: "d", conclusion: "KL mới" }));
  assert.deepEqual(merged.local, { discussion: "d + ngoại tuyến", conclusion: "KL mới" });
  assert.ok(canSave(merged));
});

test("header: only changed fields go; a save that lost the race goes again on top", () => {
  const base = { issuer_name: "Chi bộ 3", issuer_number: "", locality: "Phường A", chair_id: null };
  const changes = headerChanges(base, { ...base, issuer_number: "12-BB/CB", chair_id: 4 });
  assert.deepEqual(changes, { issuer_number: "12-BB/CB", chair_id: 4 });
  assert.deepEqual(headerChanges(base, { ...base, chair_id: undefined }), {});
  const untouched = rebaseHeader(base, changes, { ...base, locality: "Phường B" });
  assert.deepEqual(untouched, { changes, overridden: [] });
  const clash = rebaseHeader(base, changes, { ...base, issuer_number: "13-BB/CB" });
  assert.deepEqual(clash, { changes, overridden: ["issuer_number"] });
  assert.deepEqual(rebaseHeader(base, changes, { ...base, issuer_number: "12-BB/CB", chair_id: 4 }).changes, {});
});
