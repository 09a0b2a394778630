// popularity.js: movies ranked by mean rating, with the number of ratings
// and a minimum-count filter.

import { h, replaceChildren, dataTable, formatCount, formatNumber } from '../dom.js';
import { LIMITS } from '../subsets.js';

/** Minimum ratings per movie when the URL gives none: all for small data, 50 for large. */
function defaultMinCount(core) {
  return core.movieCount <= LIMITS.popularityRows ? 1 : 50;
}

export function createPopularityView(app, root) {
  const { core, state } = app;
  const minInput = h('input', {
    id: 'popularity-min',
    type: 'number',
    min: 1,
    step: 1,
    onchange: () => {
      const errors = state.set({ min: minInput.value });
      if (errors.length) app.log.warn(errors.join('; '));
    },
  });
  const tableArea = h('div');

  function renderTable() {
    const minCount = state.get().min ?? defaultMinCount(core);
    minInput.value = String(minCount);
    const all = core.popularity({ minCount });
    const rows = all.slice(0, LIMITS.popularityRows);
    const max = core.ratingMax;

    replaceChildren(tableArea,
      all.length > rows.length
        ? h('p', { class: 'subset-note', 'data-testid': 'subset-note' },
          `Subset: showing the top ${rows.length} of ${formatCount(all.length)} movies with at least ${formatCount(minCount)} ratings.`)
        : null,
      rows.length === 0 ? h('p', { class: 'muted' }, `No movie has ${formatCount(minCount)} or more ratings. Lower the minimum.`) : null,
      dataTable({
        testId: 'popularity-table',
        columns: [{ label: '#', className: 'num' }, { label: 'Title' }, { label: 'Mean rating' }, { label: 'Ratings', className: 'num' }],
        rows: rows.map((row, i) => [
          { content: String(i + 1), className: 'num' },
          { content: row.title || `#${row.movieId}`, header: true },
          h('span', { class: 'bar-cell' },
            h('span', { class: 'bar-track' }, h('span', { class: 'bar', style: `width: ${((100 * row.mean) / max).toFixed(1)}%` })),
            h('span', { class: 'bar-value' }, formatNumber(row.mean, 2))),
          { content: formatCount(row.count), className: 'num' },
        ]),
      }));
  }

  state.subscribe((changed) => { if (changed.has('min')) renderTable(); });

  return {
    render() {
      replaceChildren(root,
        h('div', { class: 'controls' }, h('label', { class: 'field' },
          h('span', { class: 'field-label' }, 'Minimum number of ratings'), minInput)),
        tableArea);
      renderTable();
    },
  };
}
