// events.js: a minimal publish/subscribe channel between the views.
//   'data'  - a new data set became current (built-in or loaded)
//   'model' - training started, progressed, finished, stopped or failed

/** Creates an emitter with on(name, fn) and emit(name, detail). */
export function createEmitter() {
  const handlers = new Map();
  return {
    on(name, fn) {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name).add(fn);
      return () => handlers.get(name).delete(fn);
    },
    emit(name, detail) {
      for (const fn of handlers.get(name) ?? []) fn(detail);
    },
  };
}
