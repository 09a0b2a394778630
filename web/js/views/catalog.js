// catalog.js: the movie catalog (id, title, genres, number of ratings). A
// large catalog is searched by title and read page by page. The core
// service does the search, so the page never keeps the whole catalog.

import { h, replaceChildren, dataTable, formatCount, movieName } from '../dom.js';
import { LIMITS } from '../subsets.js';
import { createLatest, debounce } from '../tasks.js';
import { settingHint } from '../controls.js';

const SEARCH_DELAY_MS = 200;

/** Renders genre names as small labels. */
export function genreChips(genres) {
  if (genres.length === 0) return h('span', { class: 'muted' }, 'no genres');
  return h('span', { class: 'chips' }, genres.map((genre) => h('span', { class: 'chip' }, genre)));
}

export function createCatalogView(app, root) {
  const { core, state } = app;
  const pageSize = LIMITS.catalogPage;
  const latest = createLatest();

  const search = h('input', {
    type: 'search',
    id: 'catalog-search',
    placeholder: 'Search titles',
    'aria-label': 'Search movie titles',
    autocomplete: 'off',
  });
  const applySearch = debounce(app.tracker, () => state.set({ q: search.value.trim(), page: 1 }), SEARCH_DELAY_MS);
  search.addEventListener('input', applySearch);

  const turnPage = (delta) => {
    app.notices.clear('page');
    state.set({ page: state.get().page + delta });
  };
  const previousButton = h('button', { type: 'button', id: 'catalog-previous', onclick: () => turnPage(-1) }, '← Previous');
  const nextButton = h('button', { type: 'button', id: 'catalog-next', onclick: () => turnPage(1) }, 'Next →');
  const pageText = h('span', { class: 'progress-text', 'data-testid': 'catalog-page' });
  const pageHint = settingHint(app, 'page');
  const pager = h('div', { class: 'pager' }, previousButton, pageText, nextButton, pageHint.element);
  const tableArea = h('div');
  let firstData = true;

  function noteText(result, query) {
    if (query) {
      return result.matches === 0
        ? `No title contains “${query}”.`
        : `Subset: ${formatCount(result.matches)} of ${formatCount(result.total)} movies match “${query}”, most rated first.`;
    }
    return `Subset: all ${formatCount(result.total)} movies, most rated first, ${pageSize} per page. Search to find any title.`;
  }

  async function renderTable() {
    const isCurrent = latest.next();
    const { q: query, page } = state.get();
    const large = app.summary.movies > pageSize;
    const result = await core.call('catalogPage', { query: large ? query : '', offset: (page - 1) * pageSize, limit: pageSize });
    if (!isCurrent()) return;

    const pageCount = Math.max(1, Math.ceil(result.matches / pageSize));
    const shownPage = result.offset / pageSize + 1;
    if (shownPage !== page) {
      // A page past the end (from the link, or after a search) gives way to the last page.
      const text = `${firstData ? `The link's page=${page}` : `Page ${page}`} is past the last page (${pageCount}), so page ${shownPage} is shown.`;
      app.notices.set('page', text, { fromLink: firstData });
      state.set({ page: shownPage });
    }
    pager.hidden = !large || pageCount <= 1;
    previousButton.disabled = shownPage <= 1;
    nextButton.disabled = shownPage >= pageCount;
    pageText.textContent = `Page ${formatCount(shownPage)} of ${formatCount(pageCount)}`;
    if (document.activeElement !== search) search.value = query;

    const rows = result.rows.map((movie) => [
      { content: movie.label, className: 'num' },
      { content: movieName(movie), header: true },
      genreChips(movie.genres),
      { content: formatCount(movie.ratings), className: 'num' },
    ]);
    replaceChildren(tableArea,
      large ? h('p', { class: 'subset-note', 'data-testid': 'subset-note' }, noteText(result, query)) : null,
      dataTable({
        testId: 'catalog-table',
        columns: [{ label: 'ID', className: 'num' }, { label: 'Title' }, { label: 'Genres' }, { label: 'Ratings', className: 'num' }],
        rows,
      }),
      pager);
  }

  state.subscribe((changed) => {
    if (changed.has('q') || changed.has('page')) app.tracker.track(renderTable());
  });

  return {
    async render({ fresh }) {
      // New data starts on page 1 with no search; the URL's values apply to the first data only.
      if (fresh) state.set({ q: '', page: 1 });
      const large = app.summary.movies > pageSize;
      replaceChildren(root, large ? h('div', { class: 'controls' }, search) : null, h('div', { class: 'embed-key' }, tableArea));
      await renderTable();
      firstData = false;
    },
  };
}
