// catalog.js: the movie catalog (id, title, genres, number of ratings).

import { h, replaceChildren, dataTable, formatCount } from '../dom.js';
import { LIMITS, displayMovies } from '../subsets.js';

/** Renders genre names as small labels. */
export function genreChips(genres) {
  if (genres.length === 0) return h('span', { class: 'muted' }, 'no genres');
  return h('span', { class: 'chips' }, genres.map((genre) => h('span', { class: 'chip' }, genre)));
}

export function createCatalogView(app, root) {
  const { core } = app;
  let ratingCounts = new Map();
  let query = '';
  const search = h('input', {
    type: 'search',
    id: 'catalog-search',
    placeholder: 'Search titles',
    'aria-label': 'Search movie titles',
    oninput: () => { query = search.value.trim().toLowerCase(); renderTable(); },
  });
  const tableArea = h('div');

  function renderTable() {
    const catalog = core.catalog();
    const small = catalog.length <= LIMITS.catalog;
    let indices;
    let note;
    if (small) {
      indices = catalog.map((movie) => movie.index);
      note = null;
    } else if (query) {
      const matches = catalog.filter((movie) => movie.title.toLowerCase().includes(query));
      indices = matches.slice(0, LIMITS.catalog).map((movie) => movie.index);
      note = `Subset: ${formatCount(matches.length)} of ${formatCount(catalog.length)} movies match “${search.value.trim()}”` +
        (matches.length > LIMITS.catalog ? `; showing the first ${LIMITS.catalog} in catalog order.` : '.');
    } else {
      indices = displayMovies(core, LIMITS.catalog);
      note = `Subset: showing the ${LIMITS.catalog} most rated of ${formatCount(catalog.length)} movies. Search to find any other title.`;
    }

    const rows = indices.map((index) => {
      const movie = catalog[index];
      return [
        { content: String(movie.id), className: 'num' },
        { content: movie.title || '(untitled)', header: true },
        genreChips(movie.genres),
        { content: formatCount(ratingCounts.get(index) ?? 0), className: 'num' },
      ];
    });
    replaceChildren(tableArea,
      note ? h('p', { class: 'subset-note', 'data-testid': 'subset-note' }, note) : null,
      dataTable({
        testId: 'catalog-table',
        columns: [{ label: 'ID', className: 'num' }, { label: 'Title' }, { label: 'Genres' }, { label: 'Ratings', className: 'num' }],
        rows,
      }));
  }

  return {
    render() {
      ratingCounts = new Map(core.popularity().map((row) => [row.movieIndex, row.count]));
      const large = core.movieCount > LIMITS.catalog;
      search.value = '';
      query = '';
      replaceChildren(root, large ? h('div', { class: 'controls' }, search) : null, tableArea);
      renderTable();
    },
  };
}
