// core-client.js: the page's one handle on the WebAssembly core. It takes the
// Web Worker that core-boot.js started from the page's <head> and calls
// core-service methods by message. When no worker could be started, the
// worker's own script runs on the main thread behind the same interface.

import { deserializeError } from './core-service.js';

/** Methods that do not count as "busy" for isIdle(), because training can run for minutes. */
const BACKGROUND_METHODS = new Set(['trainStep']);

// ---------------------------------------------------------------------------
// Worker transport
// ---------------------------------------------------------------------------

// `worker` is a Worker or the stand-in from startInlineWorker(); `mode` names which.
function createWorkerClient(worker, log, mode) {
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
    mode,
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

/** Milliseconds between the yields of a load on the main thread: short, so the page keeps drawing. */
const MAIN_THREAD_YIELD_MS = 8;

// Runs an inline script, as the page's own scripts run.
function runInlineScript(source) {
  const script = document.createElement('script');
  script.textContent = source;
  document.head.append(script);
}

// Runs the worker's script on this thread and returns a stand-in for the
// Worker. The glue scripts define the factories globally; the worker bundle
// runs inside a function whose `self` is a stand-in for the worker's global
// scope. Messages pass between the two by direct calls, each delivered after
// the current task's synchronous work, as before a worker's reply.
function startInlineWorker({ scripts, builds, workerScript }) {
  for (const source of scripts) runInlineScript(source);

  const pageListeners = new Set();
  const workerListeners = new Set();
  const deliver = (listeners, data) => queueMicrotask(() => {
    for (const listener of listeners) listener({ data });
  });
  const scope = {
    minirecCoreBuilds: builds,
    minirecYieldEveryMs: MAIN_THREAD_YIELD_MS,
    postMessage: (data) => deliver(pageListeners, data),
    addEventListener: (type, listener) => {
      if (type === 'message') workerListeners.add(listener);
    },
  };
  for (const build of Object.values(builds)) scope[build.factoryName] = globalThis[build.factoryName];
  globalThis.minirecInlineWorkerScope = scope;
  try {
    runInlineScript(`(function (self) {\n${workerScript}\n})(globalThis.minirecInlineWorkerScope);`);
  } finally {
    delete globalThis.minirecInlineWorkerScope;
  }

  return {
    postMessage: (data) => deliver(workerListeners, data),
    addEventListener: (type, listener) => {
      if (type === 'message') pageListeners.add(listener);
    },
    removeEventListener: (type, listener) => {
      if (type === 'message') pageListeners.delete(listener);
    },
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
  const boot = globalThis.minirecCoreBoot;
  if (!boot) throw new Error('the core start-up script (core-boot.js) did not run before the page script');
  const started = await boot.started;
  let transport;
  if (started.worker) {
    transport = createWorkerClient(started.worker, log, 'worker');
  } else {
    log.warn(`No Web Worker could be started (${started.error.message}), so the recommender core runs on the page's main thread. ` +
      'The page may pause while large files load or a model trains.');
    transport = createWorkerClient(startInlineWorker(boot), log, 'main thread');
  }
  return {
    ...transport,
    call: (method, ...args) => transport.start(method, args).promise,
  };
}
