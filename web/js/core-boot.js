// core-boot.js: the page's first script, placed in <head>. It starts the Web
// Worker that runs the WebAssembly core before the browser parses and lays out
// the rest of the page, because a worker takes tens of milliseconds to start
// and the first render waits for it. The worker comes from a Blob URL whose
// source is bundled into the page (the emscripten glue scripts, the embedded
// core builds and worker-main.js), so it works from file:// and over HTTP.
// core-client.js picks the worker up from globalThis.minirecCoreBoot.

import { CORE_BUILDS, CORE_SCRIPTS, WORKER_SCRIPT } from 'minirec:worker-source';

/** How long a new worker may take to evaluate its script before the page gives up on it. */
const WORKER_START_TIMEOUT_MS = 15000;

// Resolves to a worker that has evaluated its script, or rejects with the reason.
function startWorker() {
  return new Promise((resolve, reject) => {
    if (typeof Worker !== 'function') {
      reject(new Error('this browser has no Web Worker support'));
      return;
    }
    const builds = `self.minirecCoreBuilds = ${JSON.stringify(CORE_BUILDS)};`;
    const source = [...CORE_SCRIPTS, builds, WORKER_SCRIPT].join('\n;\n');
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    let worker;
    try {
      worker = new Worker(url);
    } catch (error) {
      URL.revokeObjectURL(url);
      reject(error);
      return;
    }
    const timer = setTimeout(() => fail(new Error(`the worker did not start within ${WORKER_START_TIMEOUT_MS / 1000} s`)), WORKER_START_TIMEOUT_MS);
    const onError = (event) => fail(new Error(event.message || 'the worker script failed to load'));
    const onMessage = (event) => {
      if (event.data?.type !== 'ready') return;
      cleanUp();
      resolve(worker);
    };
    // The start-up listeners go once the worker is ready, so a later error does not terminate it.
    function cleanUp() {
      clearTimeout(timer);
      URL.revokeObjectURL(url);
      worker.removeEventListener('error', onError);
      worker.removeEventListener('message', onMessage);
    }
    function fail(error) {
      cleanUp();
      worker.terminate();
      reject(error);
    }
    worker.addEventListener('error', onError);
    worker.addEventListener('message', onMessage);
  });
}

/**
 * started resolves to { worker } or, when no worker could be started,
 * { error }; it never rejects, so no rejection goes unhandled before the
 * page's main script takes it. scripts, builds and workerScript are the
 * sources, which the main-thread fallback runs.
 */
globalThis.minirecCoreBoot = {
  started: startWorker().then((worker) => ({ worker }), (error) => ({ error })),
  scripts: CORE_SCRIPTS,
  builds: CORE_BUILDS,
  workerScript: WORKER_SCRIPT,
};
