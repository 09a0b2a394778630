// core-client.js: the page's one handle on the WebAssembly core. It starts a
// Web Worker from a Blob URL whose source is bundled into the page (the
// emscripten core scripts plus worker-main.js), so it works from file:// and
// over HTTP, and calls core-service methods by message. When no worker can be
// started, the same service runs on the main thread behind the same interface.

import { CORE_SCRIPTS, WORKER_SCRIPT } from 'minirec:worker-source';
import { createCallContext, createCoreService, deserializeError } from './core-service.js';

/** How long a new worker may take to evaluate its script before the page gives up on it. */
const WORKER_START_TIMEOUT_MS = 15000;

/** Methods that do not count as "busy" for isIdle(), because training can run for minutes. */
const BACKGROUND_METHODS = new Set(['trainStep']);

// ---------------------------------------------------------------------------
// Worker transport
// ---------------------------------------------------------------------------

// Resolves to a worker that has evaluated its script, or rejects with the reason.
function startWorker() {
  return new Promise((resolve, reject) => {
    if (typeof Worker !== 'function') {
      reject(new Error('this browser has no Web Worker support'));
      return;
    }
    const source = [...CORE_SCRIPTS, WORKER_SCRIPT].join('\n;\n');
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

function createWorkerClient(worker, log) {
  const calls = new Map();
  let nextId = 1;

  worker.addEventListener('message', (event) => {
    const message = event.data;
    if (message.type === 'log') {
      if (message.level === 'warning') log.warn(message.text);
      else log.info(message.text);
      return;
    }
    const call = calls.get(message.id);
    if (!call) return;
    if (message.type === 'event') {
      call.onEvent(message.event);
    } else if (message.type === 'result') {
      calls.delete(message.id);
      call.resolve(message.value);
    } else if (message.type === 'error') {
      calls.delete(message.id);
      call.reject(deserializeError(message.error));
    }
  });
  worker.addEventListener('error', (event) => {
    const error = new Error(`the worker stopped: ${event.message}`);
    log.error(`The recommender core's worker failed: ${event.message}. Reload the page.`);
    for (const call of calls.values()) call.reject(error);
    calls.clear();
  });

  return {
    mode: 'worker',
    start(method, args, { onEvent = () => {} } = {}) {
      const id = nextId++;
      const promise = new Promise((resolve, reject) => {
        calls.set(id, { method, resolve, reject, onEvent });
      });
      worker.postMessage({ type: 'call', id, method, args });
      return { promise, cancel: () => worker.postMessage({ type: 'cancel', id }) };
    },
    busyCalls: () => [...calls.values()].filter((call) => !BACKGROUND_METHODS.has(call.method)).length,
  };
}

// ---------------------------------------------------------------------------
// Main-thread fallback
// ---------------------------------------------------------------------------

// Runs the core scripts as inline scripts, which define the factories globally.
function installCoreScripts() {
  for (const source of CORE_SCRIPTS) {
    const script = document.createElement('script');
    script.textContent = source;
    document.head.append(script);
  }
}

function createMainThreadClient(log) {
  installCoreScripts();
  const service = createCoreService({
    factories: { plain: globalThis.createMinirecCore, simd: globalThis.createMinirecCoreSimd },
    print: (text) => log.info(text),
    printErr: (text) => log.warn(text),
    // Short slices keep the page drawing while a load runs on its thread.
    yieldEveryMs: 8,
  });
  let busy = 0;

  return {
    mode: 'main thread',
    start(method, args, { onEvent = () => {} } = {}) {
      const context = createCallContext(onEvent);
      const background = BACKGROUND_METHODS.has(method);
      if (!background) busy++;
      // Deferred by a microtask so callers see the same asynchronous order as with a worker.
      const promise = Promise.resolve()
        .then(() => service.call(method, args, context))
        .finally(() => { if (!background) busy--; });
      return { promise, cancel: () => context.cancel() };
    },
    busyCalls: () => busy,
  };
}

// ---------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------

/**
 * Creates the client. Resolves to { mode, call(method, ...args),
 * start(method, args, { onEvent }) -> { promise, cancel }, busyCalls() }.
 * mode is 'worker' or 'main thread'; the fallback is reported through `log`.
 */
export async function createCoreClient({ log }) {
  let transport;
  try {
    transport = createWorkerClient(await startWorker(), log);
  } catch (error) {
    log.warn(`No Web Worker could be started (${error.message}), so the recommender core runs on the page's main thread. ` +
      'The page may pause while large files load or a model trains.');
    transport = createMainThreadClient(log);
  }
  return {
    ...transport,
    call: (method, ...args) => transport.start(method, args).promise,
  };
}
