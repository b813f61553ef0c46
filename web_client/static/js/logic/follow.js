// The follow/leaf state machine of the tablet view. Pure: no DOM, no socket.
//
// A view is {document_id, page}. The member follows the presenter by default:
// every presenter change moves the view. Any navigation of the member's own
// (swipe, prev/next, thumbnail, another document) stops following; the view
// then stays where the member put it while the presenter moves on, until
// followPresenter() snaps back and resumes following.
//
// State: {following: boolean, presenter: view|null, view: view|null}

export function sameView(a, b) {
  if (!a || !b) return a === b;
  return Number(a.document_id) === Number(b.document_id) && Number(a.page) === Number(b.page);
}

function cleanView(v) {
  if (!v || v.document_id == null || v.page == null) return null;
  const page = Math.max(1, Math.trunc(Number(v.page)) || 1);
  return { document_id: v.document_id, page };
}

export function initialFollow() {
  return { following: true, presenter: null, view: null };
}

/** The presenter moved (a page:turned event, or the join/resync state). */
export function presenterChanged(state, presenter) {
  const p = cleanView(presenter);
  const next = { ...state, presenter: p };
  if (state.following && p) next.view = p;
  return next;
}

/** The member chose a view on their own: following stops. */
export function userNavigated(state, view) {
  const v = cleanView(view);
  if (!v) return state;
  // Tapping the page already shown is not a choice to leave the presenter.
  if (sameView(state.view, v)) return state;
  return { ...state, view: v, following: false };
}

/** The "Follow presenter" button: snap to the presenter and follow again. */
export function followPresenter(state) {
  return { ...state, following: true, view: state.presenter ?? state.view };
}

/**
 * Show something before anything is presented (first page of the first
 * document), without giving up following.
 */
export function defaultView(state, view) {
  if (state.view) return state;
  const v = cleanView(view);
  return v ? { ...state, view: v } : state;
}

/** Whether the "Follow presenter" button should be shown. */
export function showFollowButton(state) {
  return !state.following;
}

/**
 * The view `delta` pages away inside the same document, or null past either
 * end. `pageCount` is the document's page count.
 */
export function stepView(view, delta, pageCount) {
  if (!view) return null;
  const page = Number(view.page) + delta;
  if (page < 1 || page > pageCount) return null;
  return { document_id: view.document_id, page };
}

/** Clamp a page number typed by a person into [1, pageCount], or null. */
export function clampPage(value, pageCount) {
  const n = Math.trunc(Number(String(value).trim()));
  if (!Number.isFinite(n) || String(value).trim() === "") return null;
  if (pageCount < 1) return null;
  return Math.min(Math.max(n, 1), pageCount);
}

/**
 * Pages to prefetch after `page`: the next `ahead` ones, then `behind` before
 * it, all within [1, pageCount].
 */
export function prefetchPages(page, pageCount, ahead = 2, behind = 1) {
  const out = [];
  for (let i = 1; i <= ahead; i++) if (page + i <= pageCount) out.push(page + i);
  for (let i = 1; i <= behind; i++) if (page - i >= 1) out.push(page - i);
  return out;
}
