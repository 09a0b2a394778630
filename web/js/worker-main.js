// worker-main.js: the entry point of the Web Worker that runs the WebAssembly
// core. The page's first script (core-boot.js) makes one Blob-URL worker of
// the emscripten glue scripts, which define the factories, then a line that
// sets self.minirecCoreBuilds to the embedded builds (see core-wasm.js), then
// this bundle. The worker starts the core as soon as its script has run.
// When no worker can be started, core-client.js runs the same script on the
// main thread with a stand-in for `self`.
//
// Protocol (see core-client.js for the page side):
//   page -> worker  { type: 'call', id, method, args }   run a core-service method
//                   { type: 'cancel', id }               cancel a running load
//   worker -> page  { type: 'ready' }                    script evaluated
//                   { type: 'result', id, value }        method returned
//                   { type: 'error', id, error }         method raised (name, message, status)
//                   { type: 'event', id, event }         progress of a running call
//                   { type: 'log', level, text }         output of the core

import { createCallContext, createCoreService, serializeError } from './core-service.js';
import { embeddedCoreFactories } from './core-wasm.js';

const service = createCoreService({
  factories: embeddedCoreFactories(self, self.minirecCoreBuilds ?? {}),
  print: (text) => self.postMessage({ type: 'log', level: 'info', text }),
  printErr: (text) => self.postMessage({ type: 'log', level: 'warning', text }),
  // The main-thread fallback (core-client.js) sets a shorter interval.
  yieldEveryMs: self.minirecYieldEveryMs ?? 50,
});

/** Contexts of the calls still running, by call id, so a cancel can reach them. */
const running = new Map();

self.addEventListener('message', async (event) => {
  const message = event.data;
  if (message?.type === 'cancel') {
    running.get(message.id)?.cancel();
    return;
  }
  if (message?.type !== 'call') return;

  const context = createCallContext((detail) => self.postMessage({ type: 'event', id: message.id, event: detail }));
  running.set(message.id, context);
  try {
    const value = await service.call(message.method, message.args, context);
    self.postMessage({ type: 'result', id: message.id, value });
  } catch (error) {
    self.postMessage({ type: 'error', id: message.id, error: serializeError(error) });
  } finally {
    running.delete(message.id);
  }
});

// The core instantiates while the page finishes loading; the page's 'start'
// call receives the same core, or this attempt's error.
service.call('start').catch(() => {});

self.postMessage({ type: 'ready' });
