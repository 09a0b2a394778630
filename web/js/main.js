// main.js: starts the page. It starts the core client (a Web Worker, or the
// main thread as a fallback), the URL state and one view per section, wires
// them together, and boots at the bottom of this file.

import { createCoreClient } from './core-client.js';
import { createState, VIEWS } from './state.js';
import { createEmitter } from './events.js';
import { createLog } from './log.js';
import { createTracker } from './tasks.js';
import { formatCount, formatNumber } from './dom.js';
import { createLoaderView } from './views/loader.js';
import { createCatalogView } from './views/catalog.js';
import { createMatrixView } from './views/matrix.js';
import { createPopularityView } from './views/popularity.js';
import { createGenresView } from './views/genres.js';
import { createHeatmapView } from './views/heatmap.js';
import { createTrainer, createTrainingView, trainParamsFromState, describeParams } from './views/training.js';
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

// Shows only the chosen section (for iframes in slides), or every section.
function applyViewMode(view) {
  document.body.classList.toggle('embed', view !== null);
  for (const name of VIEWS) {
    document.getElementById(name).hidden = view !== null && name !== view;
  }
}

// Keeps the status line in step with training.
function reportTraining(app, detail) {
  if (detail.phase === 'started' || detail.phase === 'progress') {
    app.log.status(`Training: epoch ${formatCount(detail.epochsDone)} of ${formatCount(detail.epochs)}…`, 'busy');
  } else if (detail.phase === 'done') {
    const rmse = detail.rmse[detail.rmse.length - 1];
    app.log.status(`Ready. Model trained with ${describeParams(detail.params)}; final RMSE ${formatNumber(rmse, 4)}.`, 'ok');
  } else if (detail.phase === 'stopped') {
    app.log.status(`Training stopped at epoch ${formatCount(detail.epochsDone)}.`, 'info');
  }
}

async function boot() {
  const messagesPanel = document.getElementById('messages');
  const log = createLog(document.getElementById('status'), document.getElementById('log'), {
    onError: () => { messagesPanel.hidden = false; },
  });

  const state = createState();
  applyViewMode(state.get().view);
  messagesPanel.hidden = state.get().view !== null;
  for (const warning of state.warnings) log.warn(`Ignored a URL setting: ${warning}.`);

  log.status('Starting the recommender core (WebAssembly)…', 'busy');
  const core = await createCoreClient({ log });
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
    state,
    log,
    tracker,
    events: createEmitter(),
    summary: started.summary,
    capabilities: started.capabilities,
    /** True when no core call (other than training) and no view update is pending. */
    isIdle: () => core.busyCalls() === 0 && tracker.pending() === 0,
  };
  app.trainer = createTrainer(app);
  createLoaderView(app, document.querySelector('#data .view-body'));
  const views = Object.entries(VIEW_FACTORIES).map(([name, create]) =>
    create(app, document.querySelector(`#${name} .view-body`)));

  state.subscribe((changed) => {
    if (changed.has('view')) applyViewMode(state.get().view);
  });
  app.events.on('model', (detail) => reportTraining(app, detail));
  app.events.on('data', ({ summary, fresh = false }) => {
    app.summary = summary;
    if (fresh) app.trainer.reset();
    const renders = views.map((view) => view.render({ fresh }).catch((error) => {
      log.error(`A section failed to draw: ${error.message}`);
    }));
    tracker.track(Promise.all(renders).then(() => {
      if (app.summary !== summary) return;
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
