// subsets.js: which movies and users a view shows. The built-in data is shown
// whole. A loaded MovieLens set is cut to its most rated movies and most
// active users, and every view states that it shows a subset.

import { h, formatCount } from './dom.js';

/** Rows or columns each view shows at most for a large data set. */
export const LIMITS = Object.freeze({
  catalog: 40,
  matrixUsers: 20,
  matrixMovies: 20,
  genreMovies: 20,
  heatmapMovies: 30,
  similarPicker: 200,
  predictionMovies: 20,
  popularityRows: 20,
});

/** Returns up to `limit` movie indices: all in catalog order when they fit, else the most rated first. */
export function displayMovies(core, limit) {
  const n = core.movieCount;
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  return core.mostRatedMovies(limit);
}

/** Returns up to `limit` user indices: all in id order when they fit, else the most active first. */
export function displayUsers(core, limit) {
  const n = core.userCount;
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);
  return core.mostActiveUsers(limit);
}

/**
 * Builds the note that states a view shows a subset, or returns null when it shows everything.
 * Example: "Showing the 20 most rated of 9,742 movies."
 */
export function subsetNote(parts) {
  const shownParts = parts.filter((part) => part.shown < part.total);
  if (shownParts.length === 0) return null;
  const text = shownParts.map((part) => `the ${formatCount(part.shown)} ${part.order} of ${formatCount(part.total)} ${part.noun}`);
  return h('p', { class: 'subset-note', 'data-testid': 'subset-note' }, `Subset: showing ${text.join(' and ')}.`);
}

/** Returns the user id the views use: the state's user when it exists in the data, else the first user. */
export function currentUserId(app) {
  const requested = app.state.get().user;
  if (requested !== null && app.core.userIndex(requested) >= 0) return requested;
  return app.core.userIds()[0] ?? null;
}
