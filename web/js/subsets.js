// subsets.js: how many movies and users a view shows at most, and the note
// that states a view shows a subset. The core service picks the rows: all of a
// small data set, or the most rated movies and most active users of a large one.

import { h, formatCount } from './dom.js';

/** Rows or columns each view shows at most for a large data set. */
export const LIMITS = Object.freeze({
  catalogPage: 40,
  matrixUsers: 20,
  matrixMovies: 20,
  genreMovies: 20,
  similarPicker: 100,
  predictionMovies: 20,
  popularityRows: 20,
});

/**
 * Builds the note that states a view shows a subset, or returns null when it shows everything.
 * Each part is { shown, total, order, noun, singular }.
 * Example: "Subset: showing the 20 most rated of 9,742 movies."
 */
export function subsetNote(parts) {
  const shownParts = parts.filter((part) => part.shown < part.total);
  if (shownParts.length === 0) return null;
  const text = shownParts.map((part) => (part.shown === 1
    ? `the ${part.order} ${part.singular} of ${formatCount(part.total)}`
    : `the ${formatCount(part.shown)} ${part.order} of ${formatCount(part.total)} ${part.noun}`));
  return h('p', { class: 'subset-note', 'data-testid': 'subset-note' }, `Subset: showing ${text.join(' and ')}.`);
}

/** Builds the note for data without genres, for the views that compare genres. */
export function noGenresNote() {
  return h('p', { class: 'note', 'data-testid': 'no-genres' },
    'There are no genres to work with: the loaded data has no movies file (or its movies list no genres), ' +
    'so every genre vector is zero and content similarity is undefined. Load a movies file with the ratings to see this step.');
}
