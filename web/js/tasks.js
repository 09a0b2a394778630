// tasks.js: bookkeeping for the asynchronous work of the views: which response
// is still expected, how many renders are in flight, and debounced input.

/**
 * Creates a counter of pending work. track(promise) counts it until it
 * settles and logs a rejection through onError. pending() returns the count.
 */
export function createTracker(onError) {
  let pending = 0;
  return {
    track(promise) {
      pending++;
      return Promise.resolve(promise)
        .catch((error) => onError(error))
        .finally(() => { pending--; });
    },
    pending: () => pending,
  };
}

/**
 * Creates a guard for "only the latest request counts": next() starts a
 * request and returns isCurrent(), which turns false once a newer request starts.
 */
export function createLatest() {
  let latest = 0;
  return {
    next() {
      const id = ++latest;
      return () => id === latest;
    },
  };
}

/**
 * Wraps fn so that it runs `ms` after the last call. The wait counts as
 * pending work in `tracker`, so tests and status lines see it as busy.
 */
export function debounce(tracker, fn, ms) {
  let timer = null;
  let finish = null;
  return (...args) => {
    clearTimeout(timer);
    if (!finish) tracker.track(new Promise((resolve) => { finish = resolve; }));
    timer = setTimeout(async () => {
      const done = finish;
      finish = null;
      try {
        await fn(...args);
      } finally {
        done();
      }
    }, ms);
  };
}
