// recommend.js: hybrid recommendations for one user. The score mixes the
// model's predicted rating (CF) with genre similarity to the movies the user
// liked (content), weighted by alpha. The core ranks on demand for any user.

import { h, replaceChildren, dataTable, formatCount, formatNumber, formatRating, movieName, plural } from '../dom.js';
import { bindNumberInput, createUserPicker, settingHint } from '../controls.js';
import { createLatest } from '../tasks.js';
import { genreChips } from './catalog.js';

/** Minimum time between two table updates while the model is still training. */
const TRAINING_REFRESH_MS = 300;
/** Liked titles listed by name before the rest are only counted. */
const LIKED_TITLES_SHOWN = 6;
/**
 * Minimum ratings per candidate movie on loaded data when the link sets none.
 * The built-in data uses 0, so that its movie without ratings stays in the list.
 */
const LOADED_DATA_MIN_RATINGS = 10;

/** The reason that loaded data skips rarely rated movies, as one clause. */
const MIN_RATINGS_REASON = 'a movie with one or two ratings gets a CF score far above the rating scale and would crowd the list';

export function createRecommendView(app, root) {
  const { core, state, events, notices } = app;
  const latest = createLatest();
  let firstData = true;

  const alphaInput = h('input', {
    id: 'rec-alpha', type: 'range', min: 0, max: 1, step: 0.05,
    'aria-label': 'alpha, the weight of the CF score',
    oninput: () => {
      notices.clear('alpha');
      state.set({ alpha: Number(alphaInput.value) });
    },
  });
  const alphaOutput = h('output', { id: 'rec-alpha-value', for: 'rec-alpha' });
  const likeInput = h('input', { id: 'rec-like', type: 'number', min: 0, step: 0.5 });
  const topInput = h('input', { id: 'rec-top', type: 'number', min: 1, max: 100, step: 1 });
  const minInput = h('input', { id: 'rec-min-ratings', type: 'number', min: 0, step: 1 });

  const likeRange = () => `a number greater than 0 and at most ${formatRating(app.summary.ratingMax)}`;
  bindNumberInput(app, {
    key: 'like', input: likeInput, label: 'Like threshold', shown: formatRating, inUse: () => likeThreshold(),
    check: (value) => (value > app.summary.ratingMax ? { problem: 'is above the rating scale', expected: likeRange() } : null),
  });
  bindNumberInput(app, { key: 'top', input: topInput, label: 'Show top' });
  bindNumberInput(app, { key: 'minr', input: minInput, label: 'Minimum ratings per movie', inUse: () => minRatings() });

  const alphaHint = settingHint(app, 'alpha', { inputs: [alphaInput] });
  const likeHint = settingHint(app, 'like', { inputs: [likeInput] });
  const topHint = settingHint(app, 'top', { inputs: [topInput] });
  const minHint = settingHint(app, 'minr', { inputs: [minInput] });

  const modelLine = h('p', { class: 'stat', 'data-testid': 'rec-model' });
  const likedLine = h('p', { class: 'stat', 'data-testid': 'rec-liked' });
  const formulaLine = h('p', { class: 'formula', 'data-testid': 'rec-formula' });
  const minLine = h('p', { class: 'stat small', 'data-testid': 'rec-min-note' });
  const genresNote = h('p', { class: 'note', 'data-testid': 'rec-no-genres' });
  const tableArea = h('div');
  const noteArea = h('div');
  const scaleNote = h('p', { class: 'stat' });
  let picker = null;
  let lastDraw = 0;
  // 'none' before a trained epoch, 'diverged' after a failed run, else 'trained'.
  let modelState = 'none';
  let modelText = 'No trained model yet, so CF scores are missing and the ranking uses content alone.';

  function likeThreshold() {
    return state.get().like ?? 0.8 * app.summary.ratingMax;
  }

  function minRatings() {
    return state.get().minr ?? (app.summary.source === 'builtin' ? 0 : LOADED_DATA_MIN_RATINGS);
  }

  // A like threshold above this data's scale (from the link, or kept from
  // other data) gives way to the default, with a notice.
  function checkLikeForData() {
    const like = state.get().like;
    const max = app.summary.ratingMax;
    if (like === null || like <= max) return;
    const text = firstData
      ? `The link's like=${formatRating(like)} is above the rating scale, which ends at ${formatRating(max)} (expected ${likeRange()}), so the default ${formatRating(0.8 * max)} is used.`
      : `The like threshold ${formatRating(like)} is above the rating scale of this data, which ends at ${formatRating(max)}, so the default ${formatRating(0.8 * max)} is used.`;
    app.log.warn(text);
    notices.set('like', text, { fromLink: firstData });
    state.set({ like: null });
  }

  function describeModel(detail) {
    if (!detail || detail.phase === 'reset' || (detail.phase === 'failed' && detail.noModel) || (detail.epochsDone === 0 && detail.divergedAt === null)) {
      modelState = 'none';
      return 'No trained model yet, so CF scores are missing and the ranking uses content alone.';
    }
    if (detail.phase === 'failed') {
      modelState = 'diverged';
      return 'Training diverged, so CF scores are left out and the ranking uses content alone.';
    }
    modelState = 'trained';
    const partial = app.trainer.running ? ` (still training: epoch ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)})` : '';
    return `CF scores come from the model trained for ${plural(detail.epochsDone, 'epoch', 'epochs')} with k = ${detail.params.k}${partial}.`;
  }

  function renderLiked(userId, threshold, liked) {
    if (liked.count === 0) {
      likedLine.textContent = `User ${userId} rated no movie ${formatRating(threshold)} or higher, so every content score is 0.`;
      return;
    }
    const names = liked.shown.map((row) => `${movieName(row.movie)} (${formatRating(row.rating)})`);
    const rest = liked.count - names.length;
    likedLine.textContent = `User ${userId} liked ${plural(liked.count, 'movie', 'movies')} (rated ${formatRating(threshold)} or higher): ` +
      `${names.join(', ')}${rest > 0 ? ` and ${formatCount(rest)} more` : ''}.`;
  }

  function renderMinNote(minimum) {
    if (!app.capabilities.minRatings) {
      minLine.textContent = '';
      return;
    }
    if (minimum > 0) {
      minLine.textContent = `Movies with fewer than ${plural(minimum, 'rating', 'ratings')} are left out, because ${MIN_RATINGS_REASON}.`;
    } else if (app.summary.source === 'builtin') {
      minLine.textContent = `Every unrated movie is a candidate, even one nobody rated. Loaded data starts at a minimum of ${LOADED_DATA_MIN_RATINGS}, because ${MIN_RATINGS_REASON}.`;
    } else {
      minLine.textContent = `Every unrated movie is a candidate. A minimum such as ${LOADED_DATA_MIN_RATINGS} helps, because ${MIN_RATINGS_REASON}.`;
    }
  }

  // Explains every "n/a †" in the table: no model, a diverged one, or movies without factors.
  function renderDaggerNote(result, alpha, max) {
    const withoutCf = result.rows.filter((row) => row.cfScore === null);
    if (withoutCf.length === 0) {
      replaceChildren(noteArea);
      return;
    }
    const example = withoutCf[0];
    const formula = `(1 − α) × ${formatRating(max)} × content, here (1 − ${alpha.toFixed(2)}) × ${formatRating(max)} × ` +
      `${formatNumber(example.contentScore, 3)} = ${formatNumber(example.score, 3)} for ${movieName(example.movie)}`;
    let text;
    if (!result.usedModel && modelState === 'diverged') {
      text = '† n/a: training diverged in step 6, so there is no model to give CF scores, and every score here is content alone: ' +
        `${formula}. Lower the learning rate in step 6, or press Defaults there, to train a working model.`;
    } else if (!result.usedModel) {
      text = `† n/a: no model has been trained yet, so there are no CF scores, and every score here is content alone: ${formula}.`;
    } else {
      const titles = withoutCf.slice(0, 3).map((row) => movieName(row.movie));
      const more = withoutCf.length > titles.length ? ` and ${formatCount(withoutCf.length - titles.length)} more` : '';
      text = `† ${titles.join(', ')}${more}: nobody rated ${withoutCf.length === 1 ? 'this movie' : 'these movies'} in the training data, ` +
        `so the model learned no factors and has no CF prediction. The CF term then counts as 0 and the score is ${formula}.`;
    }
    replaceChildren(noteArea, h('p', { class: 'note', 'data-testid': 'rec-na-note' }, text));
  }

  async function renderTable() {
    const isCurrent = latest.next();
    lastDraw = performance.now();
    checkLikeForData();
    const s = state.get();
    const threshold = likeThreshold();
    const minimum = minRatings();
    const max = app.summary.ratingMax;

    alphaInput.value = String(s.alpha);
    alphaOutput.textContent = s.alpha.toFixed(2);
    if (notices.get('like') === null || document.activeElement !== likeInput) likeInput.value = String(threshold);
    if (notices.get('top') === null || document.activeElement !== topInput) topInput.value = String(s.top);
    if (notices.get('minr') === null || document.activeElement !== minInput) minInput.value = String(minimum);
    modelLine.textContent = modelText;
    formulaLine.textContent = `score = α × CF + (1 − α) × ${formatRating(max)} × content, with α = ${s.alpha.toFixed(2)}`;
    genresNote.textContent = app.summary.genres === 0
      ? 'The data has no genres, so every content score is 0 and only the CF term ranks the movies.'
      : '';
    genresNote.hidden = app.summary.genres !== 0;
    renderMinNote(minimum);

    let result;
    try {
      result = await core.call('recommend', {
        userId: s.user, alpha: s.alpha, likeThreshold: threshold, topN: s.top, minRatings: minimum, likedShown: LIKED_TITLES_SHOWN,
      });
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
        ? { content: 'n/a †', className: 'num na', title: 'No CF score; the note below the table explains why' }
        : { content: formatNumber(row.cfScore, 2), className: 'num' },
      { content: formatNumber(row.contentScore, 3), className: 'num' },
      { content: formatNumber(row.score, 3), className: 'num score' },
    ]);
    let empty = null;
    if (rows.length === 0) {
      empty = minimum > 0
        ? `No movie that user ${userId} has not rated has ${formatCount(minimum)} or more ratings; lower the minimum ratings per movie.`
        : `User ${userId} has rated every movie; there is nothing left to recommend.`;
    }
    replaceChildren(tableArea,
      empty ? h('p', { class: 'muted', 'data-testid': 'rec-empty' }, empty) : null,
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
    renderDaggerNote(result, s.alpha, max);
  }

  state.subscribe((changed) => {
    if (['user', 'alpha', 'like', 'top', 'minr'].some((key) => changed.has(key))) app.tracker.track(renderTable());
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
      const minField = app.capabilities.minRatings
        ? h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Minimum ratings per movie'), minInput, minHint.element)
        : null;
      replaceChildren(root,
        h('div', { class: 'controls embed-top' },
          picker.element,
          h('label', { class: 'field slider' }, h('span', { class: 'field-label' }, 'α (weight of CF) ', alphaOutput), alphaInput, alphaHint.element),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Like threshold'), likeInput, likeHint.element),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Show top'), topInput, topHint.element),
          minField),
        formulaLine,
        genresNote,
        modelLine,
        likedLine,
        minLine,
        h('div', { class: 'embed-key' }, tableArea, noteArea),
        scaleNote);
      await renderTable();
      firstData = false;
    },
  };
}
