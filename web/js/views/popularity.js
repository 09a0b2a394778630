// popularity.js: movies ranked by mean rating, with the number of ratings
// and a minimum-count filter.

import { h, replaceChildren, dataTable, formatCount, formatNumber, movieName, plural } from '../dom.js';
import { LIMITS } from '../subsets.js';
import { createLatest } from '../tasks.js';
import { bindNumberInput, settingHint } from '../controls.js';

/** Minimum ratings per movie when the URL gives none: all for small data, 50 for large. */
function defaultMinCount(app) {
  return app.summary.movies <= LIMITS.popularityRows ? 1 : 50;
}

export function createPopularityView(app, root) {
  const { core, state } = app;
  const latest = createLatest();
  const minInput = h('input', { id: 'popularity-min', type: 'number', min: 1, step: 1 });
  bindNumberInput(app, { key: 'min', input: minInput, label: 'Minimum number of ratings', inUse: () => state.get().min ?? defaultMinCount(app) });
  const minHint = settingHint(app, 'min', { inputs: [minInput] });
  const tableArea = h('div');

  async function renderTable() {
    const isCurrent = latest.next();
    const minCount = state.get().min ?? defaultMinCount(app);
    if (app.notices.get('min') === null || document.activeElement !== minInput) minInput.value = String(minCount);
    const result = await core.call('popularity', { minCount, limit: LIMITS.popularityRows });
    if (!isCurrent()) return;
    const max = app.summary.ratingMax;

    replaceChildren(tableArea,
      result.total > result.rows.length
        ? h('p', { class: 'subset-note', 'data-testid': 'subset-note' },
          `Subset: showing the top ${result.rows.length} of ${formatCount(result.total)} movies with at least ${plural(minCount, 'rating', 'ratings')}.`)
        : null,
      result.rows.length === 0 ? h('p', { class: 'muted' }, `No movie has ${formatCount(minCount)} or more ratings. Lower the minimum.`) : null,
      dataTable({
        testId: 'popularity-table',
        columns: [{ label: '#', className: 'num' }, { label: 'Title' }, { label: 'Mean rating' }, { label: 'Ratings', className: 'num' }],
        rows: result.rows.map((row, i) => [
          { content: String(i + 1), className: 'num' },
          { content: movieName(row.movie), header: true },
          h('span', { class: 'bar-cell' },
            h('span', { class: 'bar-track' }, h('span', { class: 'bar', style: `width: ${((100 * row.mean) / max).toFixed(1)}%` })),
            h('span', { class: 'bar-value' }, formatNumber(row.mean, 2))),
          { content: formatCount(row.count), className: 'num' },
        ]),
      }));
  }

  state.subscribe((changed) => { if (changed.has('min')) app.tracker.track(renderTable()); });

  return {
    async render() {
      replaceChildren(root,
        h('div', { class: 'controls embed-top' }, h('label', { class: 'field' },
          h('span', { class: 'field-label' }, 'Minimum number of ratings'), minInput, minHint.element)),
        h('div', { class: 'embed-key' }, tableArea));
      await renderTable();
    },
  };
}
