// main.js: starts the page. It starts the core client (a Web Worker, or the
// main thread as a fallback), the URL state and one view per section, wires
// them together, and boots at the bottom of this file.
//
// Once the first data set is drawn and its first training run has ended, the
// page sets data-ready="1" on <html> and the performance mark 'minirec-ready'.

import { createCoreClient } from './core-client.js';
import { createState, VIEWS } from './state.js';
import { createEmitter } from './events.js';
import { createLog } from './log.js';
import { createNotices } from './notices.js';
import { createTracker } from './tasks.js';
import { formatCount } from './dom.js';
import { createLoaderView } from './views/loader.js';
import { createCatalogView } from './views/catalog.js';
import { createMatrixView } from './views/matrix.js';
import { createPopularityView } from './views/popularity.js';
import { createGenresView } from './views/genres.js';
import { createHeatmapView } from './views/heatmap.js';
import { createTrainer, createTrainingView, trainParamsFromState, describeParams, formatRmse, LIVE_RETRAIN_MAX_RATINGS } from './views/training.js';
import { createRecommendView } from './views/recommend.js';

const VIEW_FACTORIES = {
  catalog: createCatalogView,
  matrix: createMatrixView,
  popularity: createPopularityView,
  genres: createGenresView,
  heatmap: createHeatmapView,
  training: createTrainingView,
  recommend: createRecommendView,
};

/**
 * Data sets with at most this many ratings start training as soon as they
 * are loaded. Larger ones wait for the Train button, because 500 epochs over
 * millions of ratings take minutes.
 */
const AUTO_TRAIN_MAX_RATINGS = 1000000;

/** Name of the performance mark, and the <html> attribute, set when the first full render is done. */
const READY_MARK = 'minirec-ready';

// ---------------------------------------------------------------------------
// View mode, intro and status
// ---------------------------------------------------------------------------

// Wraps each section's explanation in a <details> element once. The full page
// keeps it open with its summary hidden; an embedded view shows only the
// one-line summary, which opens the full text.
function prepareExplanations() {
  for (const paragraph of document.querySelectorAll('.view > .explain')) {
    const details = document.createElement('details');
    details.className = 'explain-toggle';
    const summary = document.createElement('summary');
    summary.textContent = paragraph.dataset.summary ?? 'About this step';
    paragraph.replaceWith(details);
    details.append(summary, paragraph);
  }
}

// Shows only the chosen section (for iframes in slides), or every section.
function applyViewMode(view) {
  const embedded = view !== null;
  document.body.classList.toggle('embed', embedded);
  for (const name of VIEWS) {
    document.getElementById(name).hidden = embedded && name !== view;
  }
  for (const details of document.querySelectorAll('.explain-toggle')) details.open = !embedded;
}

// The intro names the data in use.
function describeDataInIntro(summary) {
  const target = document.getElementById('lede-data');
  if (!target) return;
  target.textContent = summary.source === 'builtin'
    ? 'eight movies and five people'
    : `${formatCount(summary.movies)} ${summary.movies === 1 ? 'movie' : 'movies'} and ${formatCount(summary.users)} ${summary.users === 1 ? 'person' : 'people'}`;
}

// Keeps the status line in step with training. Failures report themselves (see createTrainer).
function reportTraining(app, detail) {
  if (detail.phase === 'started' || detail.phase === 'progress') {
    app.log.status(`Training: epoch ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)}…`, 'busy');
  } else if (detail.phase === 'done') {
    const rmse = detail.rmse[detail.rmse.length - 1];
    app.log.status(`Ready. Model trained with ${describeParams(detail.params)}; final RMSE ${formatRmse(rmse)}.`, 'ok');
  } else if (detail.phase === 'stopped') {
    app.log.status(`Training stopped at epoch ${formatCount(detail.epochsDone)}.`, 'info');
  }
}

/** Display names of the state keys in messages about link values. */
const KEY_NAMES = {
  alpha: 'α', like: 'the like threshold', top: 'the number of recommendations', minr: 'the minimum ratings per movie',
  similar: 'the number of similar movies', min: 'the minimum number of ratings', k: 'k', lr: 'the learning rate',
  reg: 'the regularization', epochs: 'the number of epochs', seed: 'the seed', kernel: 'the kernel choice',
  page: 'the catalog page', hn: 'the number of heatmap movies', view: 'the view',
};

// Turns the link's rejected values into notices beside their controls and in the status line.
function reportRejectedLinkValues(app) {
  const values = app.state.get();
  for (const rejected of app.state.rejected) {
    const used = values[rejected.key];
    let usage;
    if (rejected.key === 'view') usage = 'so the whole page is shown';
    else if (used === null) usage = `so ${KEY_NAMES[rejected.key] ?? rejected.key} takes its default`;
    else usage = `so ${KEY_NAMES[rejected.key] ?? rejected.key} is ${used}`;
    const text = `The link's ${rejected.key}=${rejected.raw} ${rejected.problem} (expected ${rejected.expected}), ${usage}.`;
    app.log.warn(text);
    app.notices.set(rejected.key, text, { fromLink: true });
  }
}

// A user id that the data lacks is replaced by the first user, with a notice.
async function checkUser(app, fromLink) {
  app.notices.clear('user');
  const userId = app.state.get().user;
  if (userId === null) return;
  if (await app.core.call('userInfo', userId)) return;
  const users = await app.core.call('users', { listMax: 0 });
  const text = fromLink
    ? `The link's user=${userId} is not a user in this data (ids ${users.first}–${users.last}), so user ${users.first} is shown.`
    : `User ${userId} is not in the loaded data (ids ${users.first}–${users.last}), so user ${users.first} is shown.`;
  app.log.warn(text);
  app.notices.set('user', text, { fromLink });
  app.state.set({ user: null });
}

// ---------------------------------------------------------------------------
// Ready marker
// ---------------------------------------------------------------------------

// Resolves once app.isIdle() holds, checking every few milliseconds.
function whenIdle(app) {
  return new Promise((resolve) => {
    const check = () => (app.isIdle() ? resolve() : setTimeout(check, 4));
    check();
  });
}

// Sets the ready marker after the next frame is drawn (or at once in a hidden tab, which draws no frames).
function markReady() {
  const mark = () => {
    performance.mark(READY_MARK);
    document.documentElement.dataset.ready = '1';
  };
  if (document.hidden) mark();
  else requestAnimationFrame(() => setTimeout(mark, 0));
}

// ---------------------------------------------------------------------------
// Boot
// ---------------------------------------------------------------------------

async function boot() {
  const messagesPanel = document.getElementById('messages');
  const log = createLog(document.getElementById('status'), document.getElementById('log'), {
    onError: () => { messagesPanel.hidden = false; },
  });

  const state = createState();
  prepareExplanations();
  applyViewMode(state.get().view);
  messagesPanel.hidden = state.get().view !== null;
  const notices = createNotices();
  notices.subscribe(() => log.setNotice(notices.linkTexts().join(' ')));

  log.status('Starting the recommender core (WebAssembly)…', 'busy');
  // core-boot.js started the worker from <head>, so the core has been loading while the page was parsed.
  let core;
  try {
    core = await createCoreClient({ log });
  } catch (error) {
    log.error(`The recommender core failed to start: ${error.message}`);
    return;
  }
  let started;
  try {
    started = await core.call('start');
  } catch (error) {
    log.error(`The recommender core failed to start: ${error.message}`);
    return;
  }
  const where = core.mode === 'worker' ? 'in a Web Worker' : 'on the main thread';
  log.info(`WebAssembly core started (${started.coreName}, ${where}) with the built-in data.`);
  document.body.dataset.core = started.coreName;
  document.body.dataset.coreMode = core.mode;

  const tracker = createTracker((error) => log.error(`A section failed to update: ${error.message}`));
  const app = {
    core,
    coreName: started.coreName,
    state,
    log,
    notices,
    tracker,
    events: createEmitter(),
    summary: started.summary,
    capabilities: started.capabilities,
    /**
     * True when no core call (other than training on large data) and no view
     * update is pending. Training on small data counts as pending, since it
     * ends within a few frames.
     */
    isIdle: () => core.busyCalls() === 0 && tracker.pending() === 0 && !(app.trainer.running && app.trainer.live),
  };
  app.trainer = createTrainer(app);
  reportRejectedLinkValues(app);
  for (const warning of state.warnings) log.warn(`The URL does not follow the settings, because ${warning}.`);
  createLoaderView(app, document.querySelector('#data .view-body'));
  const views = Object.entries(VIEW_FACTORIES).map(([name, create]) =>
    create(app, document.querySelector(`#${name} .view-body`)));

  state.subscribe((changed) => {
    if (changed.has('view')) applyViewMode(state.get().view);
  });

  let ready = false;
  app.events.on('model', (detail) => {
    reportTraining(app, detail);
    if (!ready && ['done', 'failed', 'stopped'].includes(detail.phase)) {
      ready = true;
      whenIdle(app).then(markReady);
    }
  });

  let firstData = true;
  app.events.on('data', ({ summary, fresh = false }) => {
    app.summary = summary;
    const fromLink = firstData;
    firstData = false;
    if (fresh) app.trainer.reset();
    describeDataInIntro(summary);
    tracker.track(checkUser(app, fromLink).then(async () => {
      if (app.summary !== summary) return;
      // Small data trains in the worker while the sections draw; the sections
      // that show the model redraw when training ends, as after any run.
      const trainAlongside = summary.ratings <= LIVE_RETRAIN_MAX_RATINGS;
      if (trainAlongside) app.trainer.start(trainParamsFromState(state));
      await Promise.all(views.map((view) => view.render({ fresh }).catch((error) => {
        log.error(`A section failed to draw: ${error.message}`);
      })));
      if (app.summary !== summary || trainAlongside) return;
      if (summary.ratings <= AUTO_TRAIN_MAX_RATINGS) {
        app.trainer.start(trainParamsFromState(state));
      } else {
        log.status(`Ready. ${formatCount(summary.ratings)} ratings loaded; press Train in step 6 to fit the model (it runs in the background).`, 'ok');
      }
    }));
  });

  app.events.emit('data', { summary: started.summary });
  // Exposed for inspection from the browser console and for the page tests.
  globalThis.minirecApp = app;
}

boot();
