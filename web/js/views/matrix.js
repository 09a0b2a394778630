// matrix.js: the user-item ratings matrix, with blank cells where a user has
// not rated a movie. A large data set shows a labelled sample: its most
// active users against its most rated movies.

import { h, replaceChildren, dataTable, formatCount, formatRating, movieName } from '../dom.js';
import { LIMITS, subsetNote } from '../subsets.js';

export function createMatrixView(app, root) {
  const { core } = app;

  return {
    async render() {
      const data = await core.call('ratingMatrix', { maxUsers: LIMITS.matrixUsers, maxMovies: LIMITS.matrixMovies });
      const filled = data.values.flat().filter((value) => value !== null).length;
      const shownCells = data.users.length * data.movies.length;
      const density = (100 * data.totalRatings) / (data.totalUsers * data.totalMovies);

      const rows = data.users.map((user, row) => [
        { content: `User ${user.id}`, header: true, title: `${formatCount(user.ratings)} ratings in all` },
        ...data.values[row].map((value) => (value === null
          ? { content: '', className: 'missing', title: 'no rating' }
          : { content: formatRating(value), className: `rated r${Math.min(5, Math.max(1, Math.round((5 * value) / app.summary.ratingMax)))}` })),
      ]);

      replaceChildren(root,
        subsetNote([
          { shown: data.users.length, total: data.totalUsers, order: 'most active', noun: 'users', singular: 'user' },
          { shown: data.movies.length, total: data.totalMovies, order: 'most rated', noun: 'movies', singular: 'movie' },
        ]),
        dataTable({
          testId: 'matrix-table',
          className: 'matrix',
          columns: [{ label: '' }, ...data.movies.map((movie) => ({
            label: movieName(movie), vertical: true, title: `${movieName(movie)} (${formatCount(movie.ratings)} ratings)`,
          }))],
          rows,
        }),
        h('p', { class: 'stat' },
          `${formatCount(filled)} of ${formatCount(shownCells)} cells shown here have a rating. `,
          `In the whole matrix (${formatCount(data.totalUsers)} users × ${formatCount(data.totalMovies)} movies) `,
          `${density < 1 ? density.toFixed(2) : density.toFixed(1)} % of the cells are filled.`));
    },
  };
}
