// main.js: starts the page. It creates the core, the URL state and one view
// per section, wires them together, and boots at the bottom of this file.

import { Minirec } from './minirec.js';
import { chooseCoreFactory } from './wasm-features.js';
import { createState, VIEWS } from './state.js';
import { createEmitter } from './events.js';
import { createLog } from './log.js';
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
    const rmse = app.core.rmseHistory(detail.epochsDone - 1)[0];
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
  const choice = chooseCoreFactory({ plain: globalThis.createMinirecCore, simd: globalThis.createMinirecCoreSimd });
  if (!choice) {
    log.error('The WebAssembly core is missing from this page (createMinirecCore is not defined). Rebuild it with node tools/build-web.mjs.');
    return;
  }

  let core;
  try {
    core = await Minirec.create(choice.factory, { print: (text) => log.info(text), printErr: (text) => log.warn(text) });
  } catch (error) {
    log.error(`The recommender core (${choice.name}) failed to start: ${error.message}`);
    return;
  }
  log.info(`WebAssembly core started (${choice.name}) with the built-in data.`);
  document.body.dataset.core = choice.name;

  const app = { core, state, log, events: createEmitter() };
  app.trainer = createTrainer(app);
  createLoaderView(app, document.querySelector('#data .view-body'));
  const views = Object.entries(VIEW_FACTORIES).map(([name, create]) =>
    create(app, document.querySelector(`#${name} .view-body`)));

  state.subscribe((changed) => {
    if (changed.has('view')) applyViewMode(state.get().view);
  });
  app.events.on('model', (detail) => reportTraining(app, detail));
  app.events.on('data', () => {
    for (const view of views) {
      try {
        view.render();
      } catch (error) {
        log.error(`A section failed to draw: ${error.message}`);
      }
    }
    app.trainer.start(trainParamsFromState(state));
  });

  app.events.emit('data', { source: 'builtin' });
  // Exposed for inspection from the browser console.
  globalThis.minirecApp = app;
}

boot();
