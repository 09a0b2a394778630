// genres.js: the one-hot genre matrix, one row per movie and one column per
// genre in the vocabulary.

import { h, replaceChildren, dataTable, movieName } from '../dom.js';
import { LIMITS, noGenresNote, subsetNote } from '../subsets.js';

export function createGenresView(app, root) {
  const { core } = app;

  return {
    async render() {
      if (app.summary.genres === 0) {
        replaceChildren(root, noGenresNote());
        return;
      }
      const { genres, movies, oneHot, totalMovies } = await core.call('genreTable', { maxMovies: LIMITS.genreMovies });

      replaceChildren(root,
        h('p', { class: 'stat' },
          `The vocabulary has ${genres.length} genres, so every movie becomes a vector of ${genres.length} numbers.`),
        subsetNote([{ shown: movies.length, total: totalMovies, order: 'most rated', noun: 'movies', singular: 'movie' }]),
        dataTable({
          testId: 'genres-table',
          className: 'onehot',
          columns: [{ label: 'Movie' }, ...genres.map((genre) => ({ label: genre, vertical: true }))],
          rows: movies.map((movie, row) => [
            { content: movieName(movie), header: true },
            ...oneHot[row].map((bit) => ({ content: String(bit), className: bit ? 'hot' : 'cold' })),
          ]),
        }));
    },
  };
}
