// recommend.js: hybrid recommendations for one user. The score mixes the
// model's predicted rating (CF) with genre similarity to the movies the user
// liked (content), weighted by alpha. The core ranks on demand for any user.

import { h, replaceChildren, dataTable, formatCount, formatNumber, formatRating, movieName } from '../dom.js';
import { createUserPicker } from '../controls.js';
import { createLatest } from '../tasks.js';
import { genreChips } from './catalog.js';

/** Minimum time between two table updates while the model is still training. */
const TRAINING_REFRESH_MS = 300;
/** Liked titles listed by name before the rest are only counted. */
const LIKED_TITLES_SHOWN = 6;

export function createRecommendView(app, root) {
  const { core, state, events } = app;
  const latest = createLatest();

  const alphaInput = h('input', {
    id: 'rec-alpha', type: 'range', min: 0, max: 1, step: 0.05,
    'aria-label': 'alpha, the weight of the CF score',
    oninput: () => state.set({ alpha: Number(alphaInput.value) }),
  });
  const alphaOutput = h('output', { id: 'rec-alpha-value', for: 'rec-alpha' });
  const likeInput = h('input', {
    id: 'rec-like', type: 'number', min: 0, step: 0.5,
    onchange: () => {
      const errors = state.set({ like: likeInput.value });
      if (errors.length) app.log.warn(`Invalid like threshold: ${errors.join('; ')}`);
    },
  });
  const topInput = h('input', {
    id: 'rec-top', type: 'number', min: 1, max: 100, step: 1,
    onchange: () => {
      const errors = state.set({ top: topInput.value });
      if (errors.length) app.log.warn(`Invalid number of recommendations: ${errors.join('; ')}`);
    },
  });

  const modelLine = h('p', { class: 'stat', 'data-testid': 'rec-model' });
  const likedLine = h('p', { class: 'stat', 'data-testid': 'rec-liked' });
  const formulaLine = h('p', { class: 'formula', 'data-testid': 'rec-formula' });
  const genresNote = h('p', { class: 'note', 'data-testid': 'rec-no-genres' });
  const tableArea = h('div');
  const noteArea = h('div');
  const scaleNote = h('p', { class: 'stat' });
  let picker = null;
  let lastDraw = 0;
  let modelText = 'No trained model yet, so CF scores are missing and the ranking uses content alone.';

  function likeThreshold() {
    return state.get().like ?? 0.8 * app.summary.ratingMax;
  }

  function describeModel(detail) {
    if (!detail || detail.phase === 'reset' || (detail.phase === 'failed' && detail.noModel) || detail.epochsDone === 0) {
      return 'No trained model yet, so CF scores are missing and the ranking uses content alone.';
    }
    if (detail.phase === 'failed') return 'Training diverged, so CF scores are left out and the ranking uses content alone.';
    const partial = app.trainer.running ? ` (still training: epoch ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)})` : '';
    return `CF scores come from the model trained for ${formatCount(detail.epochsDone)} epochs with k = ${detail.params.k}${partial}.`;
  }

  function renderLiked(userId, threshold, liked) {
    if (liked.count === 0) {
      likedLine.textContent = `User ${userId} rated no movie ${formatRating(threshold)} or higher, so every content score is 0.`;
      return;
    }
    const names = liked.shown.map((row) => `${movieName(row.movie)} (${formatRating(row.rating)})`);
    const rest = liked.count - names.length;
    likedLine.textContent = `User ${userId} liked ${formatCount(liked.count)} ${liked.count === 1 ? 'movie' : 'movies'} (rated ${formatRating(threshold)} or higher): ` +
      `${names.join(', ')}${rest > 0 ? ` and ${formatCount(rest)} more` : ''}.`;
  }

  async function renderTable() {
    const isCurrent = latest.next();
    lastDraw = performance.now();
    const s = state.get();
    const threshold = likeThreshold();
    const max = app.summary.ratingMax;

    alphaInput.value = String(s.alpha);
    alphaOutput.textContent = s.alpha.toFixed(2);
    likeInput.value = String(threshold);
    topInput.value = String(s.top);
    modelLine.textContent = modelText;
    formulaLine.textContent = `score = α × CF + (1 − α) × ${formatRating(max)} × content, with α = ${s.alpha.toFixed(2)}`;
    genresNote.textContent = app.summary.genres === 0
      ? 'The data has no genres, so every content score is 0 and only the CF term ranks the movies.'
      : '';
    genresNote.hidden = app.summary.genres !== 0;

    let result;
    try {
      result = await core.call('recommend', { userId: s.user, alpha: s.alpha, likeThreshold: threshold, topN: s.top, likedShown: LIKED_TITLES_SHOWN });
    } catch (error) {
      if (!isCurrent()) return;
      app.log.error(`Recommendations failed: ${error.message}`);
      replaceChildren(tableArea, h('p', { class: 'error-text' }, error.message));
      replaceChildren(noteArea);
      return;
    }
    if (!isCurrent()) return;
    const userId = result.userId;
    picker?.show(userId);
    renderLiked(userId, threshold, result.liked);

    const rows = result.rows.map((row, i) => [
      { content: String(i + 1), className: 'num' },
      { content: [h('span', { class: 'title' }, movieName(row.movie)), ' ', genreChips(row.movie.genres)], header: true },
      row.cfScore === null
        ? { content: 'n/a †', className: 'num na', title: 'No CF factors, because nobody rated this movie in the training data' }
        : { content: formatNumber(row.cfScore, 2), className: 'num' },
      { content: formatNumber(row.contentScore, 3), className: 'num' },
      { content: formatNumber(row.score, 3), className: 'num score' },
    ]);
    replaceChildren(tableArea,
      rows.length === 0 ? h('p', { class: 'muted' }, `User ${userId} has rated every movie; there is nothing left to recommend.`) : null,
      dataTable({
        testId: 'rec-table',
        caption: `Top ${rows.length} for user ${userId}`,
        columns: [
          { label: '#', className: 'num' },
          { label: 'Movie' },
          { label: 'CF', className: 'num', title: 'predicted rating from matrix factorization' },
          { label: 'Content', className: 'num', title: 'mean genre similarity to the movies this user liked' },
          { label: 'Score', className: 'num' },
        ],
        rows,
      }));

    const outside = result.rows.filter((row) => row.cfScore !== null && (row.cfScore > max || row.cfScore < 0));
    replaceChildren(scaleNote, outside.length === 0 ? null
      : `CF scores are raw dot products and are not clipped, so ${outside.length === 1 ? 'one of them falls' : `${outside.length} of them fall`} below 0 or above ${formatRating(max)}.`);

    const withoutCf = result.usedModel ? result.rows.filter((row) => row.cfScore === null) : [];
    if (withoutCf.length === 0) {
      replaceChildren(noteArea);
      return;
    }
    const example = withoutCf[0];
    const titles = withoutCf.slice(0, 3).map((row) => movieName(row.movie));
    const more = withoutCf.length > titles.length ? ` and ${withoutCf.length - titles.length} more` : '';
    replaceChildren(noteArea, h('p', { class: 'note', 'data-testid': 'rec-na-note' },
      `† ${titles.join(', ')}${more}: nobody rated ${withoutCf.length === 1 ? 'this movie' : 'these movies'} in the training data, ` +
      'so the model learned no factors and has no CF prediction. The CF term then counts as 0 and the score is ' +
      `(1 − α) × ${formatRating(max)} × content, here (1 − ${s.alpha.toFixed(2)}) × ${formatRating(max)} × ` +
      `${formatNumber(example.contentScore, 3)} = ${formatNumber(example.score, 3)} for ${movieName(example.movie)}.`));
  }

  state.subscribe((changed) => {
    if (['user', 'alpha', 'like', 'top'].some((key) => changed.has(key))) app.tracker.track(renderTable());
  });

  // A model that has just been created contains random factors, so the table
  // keeps its previous scores until the first trained epochs arrive.
  events.on('model', (detail) => {
    modelText = describeModel(detail);
    if (detail.phase === 'started') return;
    const throttled = detail.phase === 'progress' && performance.now() - lastDraw < TRAINING_REFRESH_MS;
    if (!throttled) app.tracker.track(renderTable());
  });

  return {
    async render() {
      picker = await createUserPicker(app, { id: 'rec-user', label: 'User' });
      replaceChildren(root,
        h('div', { class: 'controls' },
          picker.element,
          h('label', { class: 'field slider' }, h('span', { class: 'field-label' }, 'α (weight of CF) ', alphaOutput), alphaInput),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Like threshold'), likeInput),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Show top'), topInput)),
        formulaLine,
        genresNote,
        modelLine,
        likedLine,
        tableArea,
        scaleNote,
        noteArea);
      await renderTable();
    },
  };
}
