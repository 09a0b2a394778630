// matrix.js: the user-item ratings matrix, with blank cells where a user has
// not rated a movie.

import { h, replaceChildren, dataTable, formatCount, formatRating } from '../dom.js';
import { LIMITS, displayMovies, displayUsers, subsetNote } from '../subsets.js';

export function createMatrixView(app, root) {
  const { core } = app;

  return {
    render() {
      const users = displayUsers(core, LIMITS.matrixUsers);
      const movies = displayMovies(core, LIMITS.matrixMovies);
      const values = core.ratingMatrix(users, movies);
      const userIds = core.userIds();
      const catalog = core.catalog();

      const filled = values.flat().filter((value) => value !== null).length;
      const shownCells = users.length * movies.length;
      const fullCells = core.userCount * core.movieCount;
      const density = (100 * core.ratingCount) / fullCells;

      const rows = users.map((u, row) => [
        { content: `User ${userIds[u]}`, header: true },
        ...values[row].map((value) => (value === null
          ? { content: '', className: 'missing', title: 'no rating' }
          : { content: formatRating(value), className: `rated r${Math.round(value)}` })),
      ]);

      replaceChildren(root,
        subsetNote([
          { shown: users.length, total: core.userCount, order: 'most active', noun: 'users' },
          { shown: movies.length, total: core.movieCount, order: 'most rated', noun: 'movies' },
        ]),
        dataTable({
          testId: 'matrix-table',
          className: 'matrix',
          columns: [{ label: '' }, ...movies.map((m) => ({ label: catalog[m].title || `#${catalog[m].id}`, vertical: true, title: catalog[m].title }))],
          rows,
        }),
        h('p', { class: 'stat' },
          `${formatCount(filled)} of ${formatCount(shownCells)} cells shown here have a rating. `,
          `In the whole matrix (${formatCount(core.userCount)} users × ${formatCount(core.movieCount)} movies) `,
          `${density < 1 ? density.toFixed(2) : density.toFixed(1)} % of the cells are filled.`));
    },
  };
}
