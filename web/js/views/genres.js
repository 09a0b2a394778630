// genres.js: the one-hot genre matrix, one row per movie and one column per
// genre in the vocabulary.

import { h, replaceChildren, dataTable } from '../dom.js';
import { LIMITS, displayMovies, subsetNote } from '../subsets.js';

export function createGenresView(app, root) {
  const { core } = app;

  return {
    render() {
      const genres = core.genres();
      const movies = displayMovies(core, LIMITS.genreMovies);
      const oneHot = core.genreOneHot(movies);
      const catalog = core.catalog();

      replaceChildren(root,
        h('p', { class: 'stat' },
          `The vocabulary has ${genres.length} genres, so every movie becomes a vector of ${genres.length} numbers.`),
        subsetNote([{ shown: movies.length, total: core.movieCount, order: 'most rated', noun: 'movies' }]),
        dataTable({
          testId: 'genres-table',
          className: 'onehot',
          columns: [{ label: 'Movie' }, ...genres.map((genre) => ({ label: genre, vertical: true }))],
          rows: movies.map((m, row) => [
            { content: catalog[m].title || `#${catalog[m].id}`, header: true },
            ...oneHot[row].map((bit) => ({ content: String(bit), className: bit ? 'hot' : 'cold' })),
          ]),
        }));
    },
  };
}
