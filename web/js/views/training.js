// training.js: matrix factorization training with editable settings, a live
// RMSE chart, and predicted ratings for one user. Training runs a few epochs
// per animation frame so the page keeps responding on large data sets.

import { h, replaceChildren, dataTable, formatCount, formatNumber, formatRating } from '../dom.js';
import { LIMITS, displayMovies, subsetNote, currentUserId } from '../subsets.js';
import { createUserPicker } from '../controls.js';
import { drawRmseChart } from '../chart.js';
import { STATE_DEFAULTS } from '../state.js';

/** Milliseconds of training per animation frame, which leaves the rest of the frame for drawing. */
const FRAME_BUDGET_MS = 12;
/** Minimum time between two redraws of the prediction table while training. */
const PREDICTION_REFRESH_MS = 250;

const PARAM_FIELDS = [
  { key: 'k', label: 'k (latent factors)', step: 1, min: 1, max: 1024 },
  { key: 'lr', label: 'Learning rate', step: 'any', min: 0 },
  { key: 'reg', label: 'Regularization', step: 'any', min: 0 },
  { key: 'epochs', label: 'Epochs', step: 1, min: 1, max: 100000 },
  { key: 'seed', label: 'Seed', step: 1, min: 0, max: 4294967295 },
];

/** SGD kernel choices, by mr_kernel value. */
const KERNEL_OPTIONS = [
  [0, 'Auto (exact up to 50,000 ratings)'],
  [1, 'Exact (double)'],
  [2, 'Float (scalar)'],
  [3, 'Float (SIMD)'],
];

/** Reads the training settings from the state, in the wrapper's names. */
export function trainParamsFromState(state) {
  const s = state.get();
  return { k: s.k, learningRate: s.lr, regularization: s.reg, epochs: s.epochs, seed: s.seed, kernel: s.kernel };
}

export function describeParams(p) {
  return `k = ${p.k}, learning rate = ${p.learningRate}, regularization = ${p.regularization}, ` +
    `${formatCount(p.epochs)} epochs, seed = ${p.seed}`;
}

// ---------------------------------------------------------------------------
// Training loop
// ---------------------------------------------------------------------------

// Runs on the next frame, or soon when the tab is hidden (frames pause there).
function nextFrame(fn) {
  if (typeof document !== 'undefined' && document.hidden) setTimeout(fn, 0);
  else requestAnimationFrame(fn);
}

/**
 * Creates the controller that trains the wrapper's model in steps and
 * reports on app.events as 'model' with { phase, epochsDone, epochs, rmse, params, error }.
 * phase is started, progress, done, stopped or failed.
 */
export function createTrainer(app) {
  const { core, events } = app;
  let run = null;

  function emit(phase, extra = {}) {
    const info = core.modelInfo();
    events.emit('model', {
      phase,
      epochsDone: info?.epochsDone ?? 0,
      epochs: run?.params.epochs ?? info?.params.epochs ?? 0,
      params: run?.params ?? info?.params ?? null,
      ...extra,
    });
  }

  function step(current) {
    if (run !== current) return;
    const deadline = performance.now() + FRAME_BUDGET_MS;
    const target = current.params.epochs;
    let done = core.modelInfo().epochsDone;
    try {
      while (done < target && performance.now() < deadline) {
        done = core.train(1).epochsDone;
      }
    } catch (error) {
      run = null;
      app.log.error(`Training failed: ${error.message}`);
      emit('failed', { error });
      return;
    }
    if (done >= target) {
      run = null;
      const rmse = core.rmseHistory(done - 1)[0];
      app.log.info(`Training finished: ${formatCount(done)} epochs, final RMSE ${formatNumber(rmse, 4)} (${describeParams(current.params)}).`);
      emit('done', { params: current.params });
      return;
    }
    emit('progress');
    nextFrame(() => step(current));
  }

  return {
    get running() { return run !== null; },

    /** Creates a fresh model with `params` and trains it to params.epochs. Returns false on invalid params. */
    start(params) {
      run = null;
      try {
        core.createModel(params);
      } catch (error) {
        app.log.error(`Cannot create the model: ${error.message}`);
        emit('failed', { error, params });
        return false;
      }
      const current = { params: core.modelInfo().params };
      run = current;
      app.log.info(`Training started: ${describeParams(current.params)} on ${formatCount(core.ratingCount)} ratings.`);
      emit('started');
      step(current);
      return true;
    },

    /** Stops after the current frame. The partly trained model stays in use. */
    stop() {
      if (!run) return;
      run = null;
      app.log.info(`Training stopped at epoch ${formatCount(core.modelInfo()?.epochsDone ?? 0)}.`);
      emit('stopped');
    },
  };
}

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

export function createTrainingView(app, root) {
  const { core, state, events } = app;

  const inputs = Object.fromEntries(PARAM_FIELDS.map((spec) => [spec.key, h('input', {
    id: `train-${spec.key}`, type: 'number', step: spec.step, min: spec.min, max: spec.max,
    onchange: (event) => {
      const errors = state.set({ [spec.key]: event.target.value });
      if (errors.length) {
        app.log.warn(`Invalid setting: ${errors.join('; ')}`);
        event.target.value = String(state.get()[spec.key]);
      }
    },
  })]));

  const kernelSelect = h('select', {
    id: 'train-kernel',
    onchange: () => state.set({ kernel: Number(kernelSelect.value) }),
  }, KERNEL_OPTIONS.map(([value, label]) => h('option', { value }, label)));

  const trainButton = h('button', { type: 'button', id: 'train-button', class: 'primary', onclick: () => app.trainer.start(trainParamsFromState(state)) }, 'Train');
  const stopButton = h('button', { type: 'button', id: 'stop-button', disabled: true, onclick: () => app.trainer.stop() }, 'Stop');
  const defaultsButton = h('button', {
    type: 'button',
    onclick: () => state.set({
      ...Object.fromEntries(PARAM_FIELDS.map((spec) => [spec.key, STATE_DEFAULTS[spec.key]])),
      kernel: STATE_DEFAULTS.kernel,
    }),
  }, 'Defaults');

  const settingsLine = h('p', { class: 'stat', 'data-testid': 'training-settings' });
  const progress = h('progress', { max: 1, value: 0 });
  const progressText = h('span', { class: 'progress-text', 'data-testid': 'training-progress' });
  const canvas = h('canvas', { id: 'rmse-canvas', class: 'chart', role: 'img', 'aria-label': 'Training RMSE per epoch' });
  const chartWrap = h('div', { class: 'canvas-wrap' }, canvas);

  const predictionsArea = h('div');
  let picker = null;
  let lastPredictionDraw = 0;
  let history = [];
  let totalEpochs = 0;

  function syncInputs() {
    const s = state.get();
    for (const spec of PARAM_FIELDS) inputs[spec.key].value = String(s[spec.key]);
    kernelSelect.value = String(s.kernel);
  }

  function kernelText() {
    const name = core.modelInfo()?.kernelName;
    return name ? ` Kernel: ${name}.` : '';
  }

  function redrawChart() {
    drawRmseChart(canvas, history, totalEpochs);
  }

  function renderPredictions() {
    lastPredictionDraw = performance.now();
    const userId = currentUserId(app);
    const info = core.modelInfo();
    if (!info || info.epochsDone === 0) {
      replaceChildren(predictionsArea, h('p', { class: 'muted' }, 'Predictions appear once the model has trained.'));
      return;
    }
    if (info.diverged) {
      replaceChildren(predictionsArea, h('p', { class: 'error-text' }, 'Training diverged, so this model cannot predict. Lower the learning rate and train again.'));
      return;
    }

    const userIndex = core.userIndex(userId);
    const movies = displayMovies(core, LIMITS.predictionMovies);
    const catalog = core.catalog();
    let missingCf = false;
    const rows = movies.map((m) => {
      const movie = catalog[m];
      const actual = core.rating(userIndex, m);
      const predicted = core.predict(userId, movie.id);
      if (predicted === null) missingCf = true;
      return [
        { content: movie.title || `#${movie.id}`, header: true },
        { content: actual === null ? '' : formatRating(actual), className: actual === null ? 'num missing' : 'num rated' },
        { content: predicted === null ? 'n/a' : formatNumber(predicted, 2), className: predicted === null ? 'num na' : 'num' },
      ];
    });
    replaceChildren(predictionsArea,
      subsetNote([{ shown: movies.length, total: core.movieCount, order: 'most rated', noun: 'movies' }]),
      dataTable({
        testId: 'predictions-table',
        caption: `User ${userId} after ${formatCount(info.epochsDone)} epochs`,
        columns: [{ label: 'Movie' }, { label: 'Actual', className: 'num' }, { label: 'Predicted', className: 'num' }],
        rows,
      }),
      missingCf ? h('p', { class: 'note' }, 'n/a: no one rated this movie, so the model learned no factors for it and cannot predict a rating.') : null);
  }

  function updateProgress(detail) {
    const info = core.modelInfo();
    const done = info?.epochsDone ?? 0;
    totalEpochs = detail.epochs || info?.params.epochs || 0;
    for (const value of info ? core.rmseHistory(history.length) : []) history.push(value);
    progress.max = Math.max(1, totalEpochs);
    progress.value = done;
    const last = history[history.length - 1];
    const rmseText = last === undefined ? '' : ` · RMSE ${formatNumber(last, 4)}`;
    const phaseText = {
      started: 'Training…', progress: 'Training…', done: 'Done.', stopped: 'Stopped.', failed: 'Failed.',
    }[detail.phase] ?? '';
    progressText.textContent = `${phaseText} Epoch ${formatCount(done)} of ${formatCount(totalEpochs)}${rmseText}`;
    redrawChart();
  }

  events.on('model', (detail) => {
    const running = detail.phase === 'started' || detail.phase === 'progress';
    trainButton.disabled = false;
    trainButton.textContent = running ? 'Restart' : 'Train';
    stopButton.disabled = !running;

    if (detail.phase === 'started') history = [];
    if (detail.phase === 'failed' && !core.hasModel) {
      history = [];
      progressText.textContent = `Failed: ${detail.error.message}`;
      settingsLine.textContent = `Not trained: ${detail.error.message}`;
      renderPredictions();
      return;
    }
    updateProgress(detail);

    if (detail.phase === 'started') {
      settingsLine.textContent = `Training with ${describeParams(detail.params)} on ${formatCount(core.ratingCount)} ratings…`;
    } else if (detail.phase === 'done') {
      settingsLine.textContent = `Current model: ${describeParams(detail.params)}, trained on ${formatCount(core.ratingCount)} ratings. ` +
        `Final RMSE ${formatNumber(history[history.length - 1], 4)}.${kernelText()}`;
    } else if (detail.phase === 'stopped') {
      settingsLine.textContent = `Stopped after ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)} epochs (${describeParams(detail.params)}).`;
    } else if (detail.phase === 'failed') {
      settingsLine.textContent = `Training failed at epoch ${formatCount(detail.epochsDone)}: ${detail.error.message}`;
    }

    if (!running || performance.now() - lastPredictionDraw > PREDICTION_REFRESH_MS) renderPredictions();
  });

  state.subscribe((changed) => {
    if (PARAM_FIELDS.some((spec) => changed.has(spec.key)) || changed.has('kernel')) syncInputs();
    if (changed.has('user')) {
      picker?.sync();
      renderPredictions();
    }
  });

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redrawChart);
  }).observe(chartWrap);

  return {
    render() {
      syncInputs();
      picker = createUserPicker(app, { id: 'training-user', label: 'Predictions for user' });
      replaceChildren(root,
        h('form', { class: 'controls params', onsubmit: (event) => { event.preventDefault(); trainButton.click(); } },
          PARAM_FIELDS.map((spec) => h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, spec.label), inputs[spec.key])),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'SGD kernel'), kernelSelect),
          h('div', { class: 'buttons' }, trainButton, stopButton, defaultsButton)),
        settingsLine,
        h('div', { class: 'progress-row' }, progress, progressText),
        chartWrap,
        h('h3', {}, 'Predicted ratings'),
        h('div', { class: 'controls' }, picker.element),
        predictionsArea);
      redrawChart();
      renderPredictions();
    },
  };
}
