// training.js: matrix factorization training with editable settings, a live
// RMSE chart, and predicted ratings for one user. The core trains a slice of
// SGD steps per call (in the worker, or one frame's share on the main
// thread), so the page keeps responding and Stop takes effect between calls.
// On small data every change of a setting retrains the model at once.

import { h, replaceChildren, dataTable, formatCount, formatNumber, formatRating, movieName, trackWidth } from '../dom.js';
import { createLatest } from '../tasks.js';
import { LIMITS, subsetNote } from '../subsets.js';
import { bindNumberInput, createUserPicker } from '../controls.js';
import { drawRmseChart } from '../chart.js';
import { STATE_DEFAULTS } from '../state.js';
import { STATUS, TRAIN_DEFAULTS } from '../minirec.js';

/** Milliseconds of training per call on the main thread, which leaves the rest of a frame for drawing. */
const FRAME_BUDGET_MS = 12;
/**
 * Milliseconds of training per call in the worker. Stop waits for the call in
 * flight, so this bounds its delay; it also gives about 20 chart updates a second.
 */
const WORKER_STEP_MS = 40;
/** Minimum time between two redraws of the prediction table while training. */
const PREDICTION_REFRESH_MS = 250;
/**
 * Data sets with at most this many ratings retrain as soon as a setting
 * changes. It matches the core's limit for the exact kernel. A default run
 * (500 epochs) takes under 1 ms on the built-in data and about 0.9 s on
 * 50,000 MovieLens ratings (Node 20, this machine), so the chart fills
 * within a second of a change.
 */
export const LIVE_RETRAIN_MAX_RATINGS = 50000;

const PARAM_FIELDS = [
  { key: 'k', label: 'k (latent factors)', step: 1, min: 1, max: 1024 },
  { key: 'lr', label: 'Learning rate', step: 'any', min: 0 },
  { key: 'reg', label: 'Regularization', step: 'any', min: 0 },
  { key: 'epochs', label: 'Epochs', step: 1, min: 1, max: 100000 },
  { key: 'seed', label: 'Seed', step: 1, min: 0, max: 4294967295 },
];
const PARAM_KEYS = [...PARAM_FIELDS.map((spec) => spec.key), 'kernel'];

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

/** Formats an RMSE: four decimals, or scientific notation once it has exploded. */
export function formatRmse(x) {
  if (x === undefined || x === null) return 'n/a';
  if (!Number.isFinite(x)) return '∞';
  return x < 1e4 ? formatNumber(x, 4) : x.toExponential(2);
}

function sameParams(a, b) {
  return a !== null && b !== null && ['k', 'learningRate', 'regularization', 'epochs', 'seed', 'kernel'].every((key) => a[key] === b[key]);
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
 * Creates the controller that trains the model in the core a slice of SGD
 * steps per call and reports on app.events as 'model' with { phase,
 * epochsDone, epochStep, stepsPerEpoch, epochs, params, rmse, info,
 * divergedAt, error }. rmse is the RMSE of every finished epoch, info the
 * model's description (kernel), divergedAt the epoch whose error exploded or
 * null. phase is reset, started, progress, done, stopped or failed. Stop
 * takes effect after the call in flight, about WORKER_STEP_MS of work.
 */
export function createTrainer(app) {
  const { core, events } = app;
  const stepBudgetMs = core.mode === 'worker' ? WORKER_STEP_MS : FRAME_BUDGET_MS;
  let run = null;
  let startToken = 0;
  let history = [];
  let epochsDone = 0;
  let epochStep = 0;
  let stepsPerEpoch = 0;
  let lastParams = null;
  let info = null;
  let divergedAt = null;

  // Empties the RMSE history and progress of the model in use.
  function clearProgress() {
    history = [];
    epochsDone = 0;
    epochStep = 0;
    stepsPerEpoch = 0;
    divergedAt = null;
  }

  function emit(phase, extra = {}) {
    events.emit('model', {
      phase,
      epochsDone,
      epochStep,
      stepsPerEpoch,
      epochs: lastParams?.epochs ?? 0,
      params: lastParams,
      rmse: history,
      info,
      divergedAt,
      ...extra,
    });
  }

  // The status line names the cause and, for divergence, the way out.
  function reportFailure(error) {
    let advice = '';
    if (error.status === STATUS.DIVERGED) {
      advice = app.trainer.live
        ? ' Press Defaults or enter a smaller learning rate in step 6; the model retrains at once.'
        : ' Press Defaults or enter a smaller learning rate in step 6, then press Train.';
    }
    app.log.error(`Training failed: ${error.message.replace(/\.$/, '')}.${advice}`);
  }

  // Trains until the target epoch. `firstStep` is the first trainStep call,
  // already sent by start().
  async function loop(current, firstStep) {
    let pending = firstStep;
    while (run === current) {
      let step;
      try {
        const request = pending ?? core.call('trainStep', { target: current.params.epochs, budgetMs: stepBudgetMs, since: history.length });
        pending = null;
        step = await request;
      } catch (error) {
        if (run !== current) return;
        run = null;
        history.push(...await core.call('rmseHistory', { since: history.length }).catch(() => []));
        epochsDone = history.length;
        epochStep = 0;
        if (error.status === STATUS.DIVERGED) divergedAt = history.length;
        reportFailure(error);
        emit('failed', { error });
        return;
      }
      history.push(...step.rmse);
      ({ epochsDone, epochStep, stepsPerEpoch } = step);
      if (run !== current) return;
      if (epochsDone >= current.params.epochs) {
        run = null;
        app.log.info(`Training finished: ${formatCount(epochsDone)} epochs, final RMSE ${formatRmse(history[history.length - 1])} (${describeParams(current.params)}).`);
        emit('done');
        return;
      }
      emit('progress');
      if (core.mode !== 'worker') await nextFrame();
    }
  }

  // Ends the current run after its call in flight. Resolves when it has ended.
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
    /** True when the data is small enough to retrain on every change of a setting. */
    get live() { return (app.summary?.ratings ?? Infinity) <= LIVE_RETRAIN_MAX_RATINGS; },
    /** Settings of the current model, or null. */
    get params() { return lastParams; },
    /** Epoch whose RMSE exploded in the current model, or null. */
    get divergedAt() { return divergedAt; },

    /** Creates a fresh model with `params` and trains it to params.epochs. Resolves to false on invalid params. */
    async start(params) {
      const token = ++startToken;
      await halt();
      if (token !== startToken) return false;

      // The first slice of training is sent right behind the model request,
      // so the core trains without waiting for this thread to read the reply.
      // When the model cannot be created, that slice fails unread.
      const creating = core.call('createModel', params);
      const firstStep = core.call('trainStep', { target: { ...TRAIN_DEFAULTS, ...params }.epochs, budgetMs: stepBudgetMs, since: 0 });
      firstStep.catch(() => {});
      let created;
      try {
        created = await creating;
      } catch (error) {
        if (token !== startToken) return false;
        app.log.error(`Cannot create the model: ${error.message}`);
        lastParams = { ...params };
        history = [];
        epochsDone = 0;
        epochStep = 0;
        info = null;
        divergedAt = null;
        emit('failed', { error, noModel: true });
        return false;
      }
      if (token !== startToken) return false;

      const current = { params: created.params };
      lastParams = created.params;
      info = created;
      clearProgress();
      run = current;
      app.log.info(`Training started: ${describeParams(current.params)} on ${formatCount(app.summary.ratings)} ratings.`);
      emit('started');
      current.finished = loop(current, firstStep);
      return true;
    },

    /** Stops after the call in flight. The partly trained model stays in use. */
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
      clearProgress();
      lastParams = null;
      info = null;
      emit('reset');
    },
  };
}

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

export function createTrainingView(app, root) {
  const { core, state, events, notices } = app;
  const latestPredictions = createLatest();

  const inputs = {};
  for (const spec of PARAM_FIELDS) {
    const input = h('input', { id: `train-${spec.key}`, type: 'number', step: spec.step, min: spec.min, max: spec.max });
    inputs[spec.key] = input;
    bindNumberInput(app, { key: spec.key, input, label: spec.label, live: true });
  }
  // The messages of the fields share one line under the form, so the fields stay aligned.
  const paramHint = h('p', { class: 'field-hint invalid', 'data-testid': 'training-invalid', 'aria-live': 'polite', hidden: true });
  function showParamNotices() {
    const texts = PARAM_KEYS.map((key) => notices.get(key)).filter((text) => text !== null);
    paramHint.textContent = texts.join(' ');
    paramHint.hidden = texts.length === 0;
    for (const spec of PARAM_FIELDS) {
      if (notices.get(spec.key) !== null) inputs[spec.key].setAttribute('aria-invalid', 'true');
      else inputs[spec.key].removeAttribute('aria-invalid');
    }
  }
  notices.subscribe((key) => { if (PARAM_KEYS.includes(key)) showParamNotices(); });

  const kernelSelect = h('select', {
    id: 'train-kernel',
    onchange: () => state.set({ kernel: Number(kernelSelect.value) }),
  }, KERNEL_OPTIONS.map(([value, label]) => h('option', { value }, label)));

  const trainButton = h('button', { type: 'button', id: 'train-button', class: 'primary', onclick: () => app.trainer.start(trainParamsFromState(state)) }, 'Train');
  const stopButton = h('button', { type: 'button', id: 'stop-button', disabled: true, onclick: () => app.trainer.stop() }, 'Stop');
  const defaultsButton = h('button', {
    type: 'button',
    id: 'defaults-button',
    onclick: () => {
      for (const key of PARAM_KEYS) notices.clear(key);
      state.set(Object.fromEntries(PARAM_KEYS.map((key) => [key, STATE_DEFAULTS[key]])));
      syncInputs({ force: true });
    },
  }, 'Defaults');

  const modeLine = h('p', { class: 'stat small', 'data-testid': 'training-mode' });
  const settingsLine = h('p', { class: 'stat', 'data-testid': 'training-settings' });
  const kernelLine = h('p', { class: 'stat small', 'data-testid': 'training-kernel' });
  const pendingLine = h('p', { class: 'note', 'data-testid': 'training-pending', hidden: true });
  const progress = h('progress', { max: 1, value: 0 });
  const progressText = h('span', { class: 'progress-text', 'data-testid': 'training-progress' });
  const canvas = h('canvas', { id: 'rmse-canvas', class: 'chart', role: 'img', 'aria-label': 'Training RMSE per epoch' });
  const chartWrap = h('div', { class: 'canvas-wrap' }, canvas);

  const predictionsArea = h('div');
  let picker = null;
  let lastPredictionDraw = 0;
  let totalEpochs = 0;
  let chartFrame = 0;
  let retrainFrame = 0;
  let retrainDone = null;

  // Writes the state into the fields, except a field whose text already
  // means the same number or that contains rejected text beside its message.
  function syncInputs({ force = false } = {}) {
    const s = state.get();
    for (const spec of PARAM_FIELDS) {
      const input = inputs[spec.key];
      const same = input.value !== '' && Number(input.value) === s[spec.key];
      if (force || (!same && notices.get(spec.key) === null)) input.value = String(s[spec.key]);
    }
    kernelSelect.value = String(s.kernel);
  }

  function redrawChart() {
    cancelAnimationFrame(chartFrame);
    chartFrame = 0;
    drawRmseChart(canvas, app.trainer.history, totalEpochs, {
      width: chartWidth(), ratingMax: app.summary.ratingMax, divergedAt: app.trainer.divergedAt,
    });
  }

  // Chart redraws wait for the next frame, so a run that starts and ends
  // within one frame draws once, without an empty chart in between.
  function scheduleChart() {
    if (!chartFrame) chartFrame = requestAnimationFrame(redrawChart);
  }

  // Retrains on the next frame with the settings then in the state, so a burst
  // of input events in one frame starts one run. The wait counts as pending
  // work for app.isIdle().
  function scheduleRetrain() {
    if (retrainFrame) return;
    app.tracker.track(new Promise((resolve) => { retrainDone = resolve; }));
    retrainFrame = requestAnimationFrame(async () => {
      retrainFrame = 0;
      const done = retrainDone;
      try {
        await app.trainer.start(trainParamsFromState(state));
      } finally {
        done();
      }
    });
  }

  function showMode() {
    modeLine.textContent = app.trainer.live
      ? `This data has ${formatCount(app.summary.ratings)} ratings, so the model retrains at once whenever a setting changes.`
      : `This data has ${formatCount(app.summary.ratings)} ratings, so the model trains only when you press Train, with the settings above.`;
  }

  function showPending() {
    const model = app.trainer.params;
    const differs = !app.trainer.live && model !== null && !sameParams(model, trainParamsFromState(state));
    pendingLine.hidden = !differs;
    pendingLine.textContent = differs ? `The settings above differ from the current model (${describeParams(model)}); press Train to apply them.` : '';
  }

  async function renderPredictions() {
    const isCurrent = latestPredictions.next();
    lastPredictionDraw = performance.now();
    const data = await core.call('predictions', { userId: state.get().user, maxMovies: LIMITS.predictionMovies });
    if (!isCurrent()) return;
    picker?.show(data.userId);
    const info = data.info;
    if (info?.diverged) {
      replaceChildren(predictionsArea, h('p', { class: 'error-text' }, 'Training diverged, so this model cannot predict. Lower the learning rate and train again.'));
      return;
    }
    if (!info || info.epochsDone === 0) {
      replaceChildren(predictionsArea, h('p', { class: 'muted' }, 'Predictions appear once the model has trained.'));
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
      subsetNote([{ shown: rows.length, total: data.totalMovies, order: 'most rated', noun: 'movies', singular: 'movie' }]),
      dataTable({
        testId: 'predictions-table',
        caption: `User ${data.userId} after ${formatCount(info.epochsDone)} ${info.epochsDone === 1 ? 'epoch' : 'epochs'}`,
        columns: [{ label: 'Movie' }, { label: 'Actual', className: 'num' }, { label: 'Predicted', className: 'num' }],
        rows,
      }),
      missingCf ? h('p', { class: 'note' }, 'n/a: no one rated this movie, so the model learned no factors for it and cannot predict a rating.') : null);
  }

  function describeProgress(detail) {
    const done = detail.epochsDone;
    const last = detail.rmse[detail.rmse.length - 1];
    const rmseText = last === undefined ? '' : ` · RMSE ${formatRmse(last)}`;
    // Within an epoch (large data), the share of its steps already run.
    const running = detail.phase === 'started' || detail.phase === 'progress';
    const within = running && detail.epochStep > 0 && detail.stepsPerEpoch > 0
      ? ` · ${Math.floor((100 * detail.epochStep) / detail.stepsPerEpoch)} % of epoch ${formatCount(done + 1)}`
      : '';
    const phaseText = {
      started: 'Training…', progress: 'Training…', done: 'Done.', stopped: 'Stopped.',
      failed: detail.divergedAt !== null ? 'Diverged.' : 'Failed.',
    }[detail.phase] ?? '';
    return `${phaseText} Epoch ${formatCount(done)} of ${formatCount(detail.epochs)}${within}${rmseText}`;
  }

  function updateProgress(detail) {
    totalEpochs = detail.epochs;
    progress.max = Math.max(1, totalEpochs);
    const fraction = detail.stepsPerEpoch > 0 ? detail.epochStep / detail.stepsPerEpoch : 0;
    progress.value = Math.min(totalEpochs, detail.epochsDone + fraction);
    progressText.textContent = describeProgress(detail);
    scheduleChart();
  }

  function showKernel(info) {
    if (!info?.kernelName) {
      kernelLine.textContent = '';
      return;
    }
    const module = app.coreName === 'SIMD build'
      ? 'the SIMD build of the WebAssembly module (this browser runs WebAssembly SIMD)'
      : 'the plain build of the WebAssembly module (no WebAssembly SIMD here)';
    kernelLine.textContent = `SGD kernel: ${info.kernelName}, in ${module}.`;
  }

  events.on('model', (detail) => {
    const running = detail.phase === 'started' || detail.phase === 'progress';
    trainButton.disabled = false;
    trainButton.textContent = running ? 'Restart' : 'Train';
    stopButton.disabled = !running;
    showPending();

    if (detail.phase === 'reset') {
      totalEpochs = state.get().epochs;
      progress.value = 0;
      progressText.textContent = 'No model yet.';
      settingsLine.textContent = `Not trained on this data yet: press Train to start (${describeParams(trainParamsFromState(state))}).`;
      showKernel(null);
      showMode();
      scheduleChart();
      return;
    }
    if (detail.phase === 'failed' && detail.noModel) {
      progressText.textContent = `Failed: ${detail.error.message}`;
      settingsLine.textContent = `Not trained: ${detail.error.message}`;
      showKernel(null);
      scheduleChart();
      app.tracker.track(renderPredictions());
      return;
    }
    updateProgress(detail);
    showKernel(detail.info);

    const trainedOn = `trained on ${formatCount(app.summary.ratings)} ratings`;
    if (detail.phase === 'started') {
      settingsLine.textContent = `Training with ${describeParams(detail.params)} on ${formatCount(app.summary.ratings)} ratings…`;
    } else if (detail.phase === 'done') {
      settingsLine.textContent = `Current model: ${describeParams(detail.params)}, ${trainedOn}. Final RMSE ${formatRmse(detail.rmse[detail.rmse.length - 1])}.`;
    } else if (detail.phase === 'stopped') {
      settingsLine.textContent = `Stopped after ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)} epochs (${describeParams(detail.params)}).`;
    } else if (detail.phase === 'failed' && detail.divergedAt !== null) {
      const next = app.trainer.live ? 'the model retrains at once' : 'then press Train';
      settingsLine.textContent = `Diverged at epoch ${formatCount(detail.divergedAt)} (RMSE ${formatRmse(detail.rmse[detail.divergedAt - 1])}): ` +
        `with learning rate ${detail.params.learningRate} every step overshoots, so the error grows instead of shrinking and the model cannot predict. ` +
        `Press Defaults or enter a smaller learning rate; ${next}.`;
    } else if (detail.phase === 'failed') {
      settingsLine.textContent = `Training failed at epoch ${formatCount(detail.epochsDone)}: ${detail.error.message}`;
    }

    // A run that has just started has random factors, so the table keeps the previous predictions.
    if (detail.phase === 'started') return;
    if (!running || performance.now() - lastPredictionDraw > PREDICTION_REFRESH_MS) app.tracker.track(renderPredictions());
  });

  state.subscribe((changed) => {
    if (!PARAM_KEYS.some((key) => changed.has(key))) {
      if (changed.has('user')) app.tracker.track(renderPredictions());
      return;
    }
    syncInputs();
    showPending();
    if (app.trainer.live) scheduleRetrain();
    if (changed.has('user')) app.tracker.track(renderPredictions());
  });

  let resizeFrame = 0;
  const chartWidth = trackWidth(chartWrap, () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redrawChart);
  });

  return {
    async render() {
      syncInputs();
      showMode();
      picker = await createUserPicker(app, { id: 'training-user', label: 'Predictions for user' });
      replaceChildren(root,
        h('form', { class: 'controls params embed-top', onsubmit: (event) => { event.preventDefault(); trainButton.click(); } },
          PARAM_FIELDS.map((spec) => h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, spec.label), inputs[spec.key])),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'SGD kernel'), kernelSelect),
          h('div', { class: 'buttons' }, trainButton, stopButton, defaultsButton)),
        h('div', { class: 'embed-top' }, paramHint, pendingLine),
        h('div', { class: 'progress-row embed-key' }, progress, progressText),
        h('div', { class: 'embed-key' }, chartWrap),
        h('div', { class: 'training-facts' }, settingsLine, kernelLine, modeLine),
        h('h3', {}, 'Predicted ratings'),
        h('div', { class: 'controls' }, picker.element),
        predictionsArea);
      showParamNotices();
      redrawChart();
      await renderPredictions();
    },
  };
}
