import { test } from "node:test";
import assert from "node:assert/strict";
import {
  initialFollow, presenterChanged, userNavigated, followPresenter, defaultView,
  showFollowButton, stepView, clampPage, prefetchPages, sameView,
} from "../../web_client/static/js/logic/follow.js";

const v = (document_id, page) => ({ document_id, page });

test("a new tablet follows and shows the presenter's page", () => {
  let s = initialFollow();
  assert.equal(s.following, true);
  assert.equal(showFollowButton(s), false);
  s = presenterChanged(s, v(1, 3));
  assert.deepEqual(s.view, v(1, 3));
  s = presenterChanged(s, v(1, 4));
  assert.deepEqual(s.view, v(1, 4));
  assert.equal(showFollowButton(s), false);
});

test("navigating on one's own stops following; the presenter no longer moves the view", () => {
  let s = presenterChanged(initialFollow(), v(1, 3));
  s = userNavigated(s, v(1, 5));
  assert.equal(s.following, false);
  assert.equal(showFollowButton(s), true);
  s = presenterChanged(s, v(1, 4));
  assert.deepEqual(s.view, v(1, 5));
  assert.deepEqual(s.presenter, v(1, 4));
  s = presenterChanged(s, v(2, 1));
  assert.deepEqual(s.view, v(1, 5));
});

test("follow presenter snaps back to the presenter's page and follows again", () => {
  let s = presenterChanged(initialFollow(), v(1, 3));
  s = userNavigated(s, v(2, 7));
  s = presenterChanged(s, v(1, 9));
  s = followPresenter(s);
  assert.equal(s.following, true);
  assert.deepEqual(s.view, v(1, 9));
  s = presenterChanged(s, v(1, 10));
  assert.deepEqual(s.view, v(1, 10));
});

test("choosing the page already shown does not stop following", () => {
  let s = presenterChanged(initialFollow(), v(1, 3));
  const same = userNavigated(s, v(1, 3));
  assert.equal(same.following, true);
});

test("navigating before anything is presented also stops following, and the button brings following back", () => {
  let s = defaultView(initialFollow(), v(1, 1));
  assert.equal(s.following, true);
  assert.deepEqual(s.view, v(1, 1));
  s = userNavigated(s, v(1, 2));
  assert.equal(s.following, false);
  s = followPresenter(s);
  assert.equal(s.following, true);
  assert.deepEqual(s.view, v(1, 2)); // nothing to snap to yet
  s = presenterChanged(s, v(3, 1));
  assert.deepEqual(s.view, v(3, 1));
});

test("defaultView never overrides a view", () => {
  const s = presenterChanged(initialFollow(), v(2, 2));
  assert.deepEqual(defaultView(s, v(1, 1)).view, v(2, 2));
});

test("presenter cleared (null) keeps the current view", () => {
  let s = presenterChanged(initialFollow(), v(1, 3));
  s = presenterChanged(s, null);
  assert.deepEqual(s.view, v(1, 3));
  assert.equal(s.presenter, null);
});

test("string and number ids compare equal", () => {
  assert.equal(sameView(v("4", "2"), v(4, 2)), true);
  assert.equal(sameView(null, null), true);
  assert.equal(sameView(v(1, 1), null), false);
});

test("stepView stays inside the document", () => {
  assert.deepEqual(stepView(v(1, 1), 1, 3), v(1, 2));
  assert.equal(stepView(v(1, 3), 1, 3), null);
  assert.equal(stepView(v(1, 1), -1, 3), null);
  assert.equal(stepView(null, 1, 3), null);
});

test("clampPage reads what a person typed", () => {
  assert.equal(clampPage("4", 10), 4);
  assert.equal(clampPage(" 40 ", 10), 10);
  assert.equal(clampPage("0", 10), 1);
  assert.equal(clampPage("", 10), null);
  assert.equal(clampPage("abc", 10), null);
  assert.equal(clampPage("3", 0), null);
});

test("prefetchPages: the next two pages, then the previous one", () => {
  assert.deepEqual(prefetchPages(1, 10), [2, 3]);
  assert.deepEqual(prefetchPages(5, 10), [6, 7, 4]);
  assert.deepEqual(prefetchPages(9, 10), [10, 8]);
  assert.deepEqual(prefetchPages(1, 1), []);
});
