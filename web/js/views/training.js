// training.js: matrix factorization training with editable settings, a live
// RMSE chart, and predicted ratings for one user. The core trains a batch of
// epochs per call (in the worker, or one frame's share on the main thread), so
// the page keeps responding and Stop works between batches.

import { h, replaceChildren, dataTable, formatCount, formatNumber, formatRating, movieName } from '../dom.js';
import { createLatest } from '../tasks.js';
import { LIMITS, subsetNote } from '../subsets.js';
import { createUserPicker } from '../controls.js';
import { drawRmseChart } from '../chart.js';
import { STATE_DEFAULTS } from '../state.js';

/** Milliseconds of training per call on the main thread, which leaves the rest of a frame for drawing. */
const FRAME_BUDGET_MS = 12;
/** Milliseconds of training per call in the worker: about ten chart updates a second. */
const WORKER_STEP_MS = 100;
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

// Resolves on the next frame, or soon when the tab is hidden (frames pause there).
function nextFrame() {
  return new Promise((resolve) => {
    if (typeof document !== 'undefined' && document.hidden) setTimeout(resolve, 0);
    else requestAnimationFrame(resolve);
  });
}

/**
 * Creates the controller that trains the model in the core a batch of epochs
 * per call and reports on app.events as 'model' with
 * { phase, epochsDone, epochs, params, rmse, error }; rmse is the RMSE of
 * every finished epoch. phase is started, progress, done, stopped or failed.
 * Stop takes effect after the batch in flight, which is about STEP_BUDGET_MS
 * of work (or one epoch when a single epoch takes longer).
 */
export function createTrainer(app) {
  const { core, events } = app;
  // Work per call: longer in a worker, one frame's share on the main thread.
  const stepBudgetMs = core.mode === 'worker' ? WORKER_STEP_MS : FRAME_BUDGET_MS;
  let run = null;
  let startToken = 0;
  let history = [];
  let epochsDone = 0;
  let lastParams = null;

  function emit(phase, extra = {}) {
    events.emit('model', {
      phase,
      epochsDone,
      epochs: lastParams?.epochs ?? 0,
      params: lastParams,
      rmse: history,
      ...extra,
    });
  }

  async function loop(current) {
    while (run === current) {
      let step;
      try {
        step = await core.call('trainStep', { target: current.params.epochs, budgetMs: stepBudgetMs, since: history.length });
      } catch (error) {
        if (run !== current) return;
        run = null;
        history.push(...await core.call('rmseHistory', { since: history.length }).catch(() => []));
        epochsDone = history.length;
        app.log.error(`Training failed: ${error.message}`);
        emit('failed', { error });
        return;
      }
      history.push(...step.rmse);
      epochsDone = step.epochsDone;
      if (run !== current) return;
      if (epochsDone >= current.params.epochs) {
        run = null;
        app.log.info(`Training finished: ${formatCount(epochsDone)} epochs, final RMSE ${formatNumber(history[history.length - 1], 4)} (${describeParams(current.params)}).`);
        emit('done');
        return;
      }
      emit('progress');
      if (core.mode !== 'worker') await nextFrame();
    }
  }

  // Ends the current run after its batch in flight. Resolves when it has ended.
  async function halt() {
    const current = run;
    run = null;
    if (current) await current.finished;
    return current !== null;
  }

  return {
    get running() { return run !== null; },
    /** RMSE of every finished epoch of the current model. */
    get history() { return history; },

    /** Creates a fresh model with `params` and trains it to params.epochs. Resolves to false on invalid params. */
    async start(params) {
      const token = ++startToken;
      await halt();
      let info;
      try {
        info = await core.call('createModel', params);
      } catch (error) {
        if (token !== startToken) return false;
        app.log.error(`Cannot create the model: ${error.message}`);
        lastParams = { ...params };
        history = [];
        epochsDone = 0;
        emit('failed', { error, params, noModel: true });
        return false;
      }
      if (token !== startToken) return false;
      const current = { params: info.params };
      lastParams = info.params;
      history = [];
      epochsDone = 0;
      run = current;
      app.log.info(`Training started: ${describeParams(current.params)} on ${formatCount(app.summary.ratings)} ratings.`);
      emit('started');
      current.finished = loop(current);
      return true;
    },

    /** Stops after the batch in flight. The partly trained model stays in use. */
    async stop() {
      startToken++;
      if (!(await halt())) return;
      app.log.info(`Training stopped at epoch ${formatCount(epochsDone)}.`);
      emit('stopped');
    },

    /** Forgets the model's history after new data replaced the model in the core. */
    reset() {
      startToken++;
      run = null;
      history = [];
      epochsDone = 0;
      lastParams = null;
      emit('reset');
    },
  };
}

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

export function createTrainingView(app, root) {
  const { core, state, events } = app;
  const latestPredictions = createLatest();

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
  let totalEpochs = 0;
  let kernelName = '';

  function syncInputs() {
    const s = state.get();
    for (const spec of PARAM_FIELDS) inputs[spec.key].value = String(s[spec.key]);
    kernelSelect.value = String(s.kernel);
  }

  function redrawChart() {
    drawRmseChart(canvas, app.trainer.history, totalEpochs);
  }

  async function renderPredictions() {
    const isCurrent = latestPredictions.next();
    lastPredictionDraw = performance.now();
    const data = await core.call('predictions', { userId: state.get().user, maxMovies: LIMITS.predictionMovies });
    if (!isCurrent()) return;
    picker?.show(data.userId);
    const info = data.info;
    if (!info || info.epochsDone === 0) {
      replaceChildren(predictionsArea, h('p', { class: 'muted' }, 'Predictions appear once the model has trained.'));
      return;
    }
    if (info.diverged) {
      replaceChildren(predictionsArea, h('p', { class: 'error-text' }, 'Training diverged, so this model cannot predict. Lower the learning rate and train again.'));
      return;
    }

    let missingCf = false;
    const rows = data.rows.map(({ movie, actual, predicted }) => {
      if (predicted === null) missingCf = true;
      return [
        { content: movieName(movie), header: true },
        { content: actual === null ? '' : formatRating(actual), className: actual === null ? 'num missing' : 'num rated' },
        { content: predicted === null ? 'n/a' : formatNumber(predicted, 2), className: predicted === null ? 'num na' : 'num' },
      ];
    });
    replaceChildren(predictionsArea,
      subsetNote([{ shown: rows.length, total: data.totalMovies, order: 'most rated', noun: 'movies' }]),
      dataTable({
        testId: 'predictions-table',
        caption: `User ${data.userId} after ${formatCount(info.epochsDone)} epochs`,
        columns: [{ label: 'Movie' }, { label: 'Actual', className: 'num' }, { label: 'Predicted', className: 'num' }],
        rows,
      }),
      missingCf ? h('p', { class: 'note' }, 'n/a: no one rated this movie, so the model learned no factors for it and cannot predict a rating.') : null);
  }

  function updateProgress(detail) {
    const done = detail.epochsDone;
    totalEpochs = detail.epochs;
    progress.max = Math.max(1, totalEpochs);
    progress.value = done;
    const last = detail.rmse[detail.rmse.length - 1];
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

    if (detail.phase === 'reset') {
      totalEpochs = state.get().epochs;
      progress.value = 0;
      progressText.textContent = 'No model yet.';
      settingsLine.textContent = `Not trained on this data yet: press Train to start (${describeParams(trainParamsFromState(state))}).`;
      redrawChart();
      return;
    }
    if (detail.phase === 'failed' && detail.noModel) {
      progressText.textContent = `Failed: ${detail.error.message}`;
      settingsLine.textContent = `Not trained: ${detail.error.message}`;
      redrawChart();
      app.tracker.track(renderPredictions());
      return;
    }
    updateProgress(detail);

    if (detail.phase === 'started') {
      kernelName = '';
      settingsLine.textContent = `Training with ${describeParams(detail.params)} on ${formatCount(app.summary.ratings)} ratings…`;
    } else if (detail.phase === 'done') {
      app.tracker.track(core.call('modelInfo').then((info) => {
        kernelName = info?.kernelName ?? '';
        settingsLine.textContent = `Current model: ${describeParams(detail.params)}, trained on ${formatCount(app.summary.ratings)} ratings. ` +
          `Final RMSE ${formatNumber(detail.rmse[detail.rmse.length - 1], 4)}.${kernelName ? ` Kernel: ${kernelName}.` : ''}`;
      }));
      settingsLine.textContent = `Current model: ${describeParams(detail.params)}, trained on ${formatCount(app.summary.ratings)} ratings. ` +
        `Final RMSE ${formatNumber(detail.rmse[detail.rmse.length - 1], 4)}.`;
    } else if (detail.phase === 'stopped') {
      settingsLine.textContent = `Stopped after ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)} epochs (${describeParams(detail.params)}).`;
    } else if (detail.phase === 'failed') {
      settingsLine.textContent = `Training failed at epoch ${formatCount(detail.epochsDone)}: ${detail.error.message}`;
    }

    if (!running || performance.now() - lastPredictionDraw > PREDICTION_REFRESH_MS) app.tracker.track(renderPredictions());
  });

  state.subscribe((changed) => {
    if (PARAM_FIELDS.some((spec) => changed.has(spec.key)) || changed.has('kernel')) syncInputs();
    if (changed.has('user')) app.tracker.track(renderPredictions());
  });

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redrawChart);
  }).observe(chartWrap);

  return {
    async render() {
      syncInputs();
      picker = await createUserPicker(app, { id: 'training-user', label: 'Predictions for user' });
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
      await renderPredictions();
    },
  };
}
