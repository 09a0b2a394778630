// state.js: the page state that changes what is shown, kept in the URL query
// (?view=heatmap&user=3&alpha=0.5) so that a link reproduces a view.

/** Section ids that `?view=` accepts. Each shows that section alone. */
export const VIEWS = Object.freeze(['catalog', 'matrix', 'popularity', 'genres', 'heatmap', 'training', 'recommend']);

// Each key: type, allowed range and default. A null default means "chosen by
// the page from the data" (first user, 0.8 * rating max, ...).
const SCHEMA = Object.freeze({
  view: { type: 'enum', values: VIEWS, fallback: null },
  user: { type: 'int', fallback: null },
  alpha: { type: 'float', min: 0, max: 1, fallback: 0.7 },
  like: { type: 'float', min: 0, max: 100, fallback: null },
  top: { type: 'int', min: 1, max: 100, fallback: 10 },
  movie: { type: 'int', fallback: null },
  similar: { type: 'int', min: 1, max: 50, fallback: 3 },
  min: { type: 'int', min: 1, max: 100000, fallback: null },
  k: { type: 'int', min: 1, max: 1024, fallback: 3 },
  lr: { type: 'float', min: 0, max: 10, exclusiveMin: true, fallback: 0.01 },
  reg: { type: 'float', min: 0, max: 100, fallback: 0.1 },
  epochs: { type: 'int', min: 1, max: 100000, fallback: 500 },
  seed: { type: 'int', min: 0, max: 4294967295, fallback: 42 },
  kernel: { type: 'int', min: 0, max: 3, fallback: 0 },
  q: { type: 'string', maxLength: 200, fallback: '' },
  page: { type: 'int', min: 1, max: 1000000, fallback: 1 },
  hn: { type: 'int', min: 2, max: 200, fallback: 40 },
  hq: { type: 'string', maxLength: 200, fallback: '' },
});

/** Default values of the state keys (null: decided from the data). */
export const STATE_DEFAULTS = Object.freeze(Object.fromEntries(
  Object.entries(SCHEMA).map(([key, spec]) => [key, spec.fallback])));

// Converts a raw string or number to the key's type. Returns { value } or
// { error } with a message naming the key, the value and the allowed range.
function coerce(key, raw) {
  const spec = SCHEMA[key];
  if (raw === null || raw === undefined || raw === '') return { value: spec.fallback };

  if (spec.type === 'string') {
    return { value: String(raw).slice(0, spec.maxLength) };
  }

  if (spec.type === 'enum') {
    return spec.values.includes(raw)
      ? { value: raw }
      : { error: `${key}=${raw} is not valid; expected one of ${spec.values.join(', ')}` };
  }

  const value = Number(raw);
  const isValidNumber = spec.type === 'int' ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!isValidNumber) {
    return { error: `${key}=${raw} is not ${spec.type === 'int' ? 'an integer' : 'a number'}` };
  }
  const belowMin = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
  const aboveMax = spec.max !== undefined && value > spec.max;
  if (belowMin || aboveMax) {
    const lower = spec.exclusiveMin ? `greater than ${spec.min}` : `at least ${spec.min}`;
    return { error: `${key}=${raw} is out of range; expected ${lower} and at most ${spec.max}` };
  }
  return { value };
}

/**
 * Creates the state store from the current URL. Invalid query values fall
 * back to their defaults and are listed in `warnings`. Every set() rewrites the
 * query with history.replaceState and calls subscribers with the set of
 * changed keys.
 */
export function createState({ location = window.location, history = window.history } = {}) {
  const values = { ...STATE_DEFAULTS };
  const warnings = [];
  const params = new URLSearchParams(location.search);
  for (const key of Object.keys(SCHEMA)) {
    if (!params.has(key)) continue;
    const result = coerce(key, params.get(key));
    if (result.error) warnings.push(result.error);
    else values[key] = result.value;
  }

  const subscribers = new Set();
  let urlWriteFailed = false;

  function writeUrl() {
    const query = new URLSearchParams();
    for (const key of Object.keys(SCHEMA)) {
      if (values[key] !== null && values[key] !== SCHEMA[key].fallback) query.set(key, String(values[key]));
    }
    const text = query.toString();
    try {
      history.replaceState(null, '', `${location.pathname}${text ? `?${text}` : ''}${location.hash}`);
    } catch (error) {
      // Some embedding contexts forbid history changes. The page still works.
      if (!urlWriteFailed) warnings.push(`the address bar cannot be updated here: ${error.message}`);
      urlWriteFailed = true;
    }
  }

  return {
    warnings,

    /** Returns a copy of all values. */
    get() {
      return { ...values };
    },

    /**
     * Applies a patch of key -> value. Returns the list of errors for values
     * that were rejected (those keys keep their previous value).
     */
    set(patch) {
      const changed = new Set();
      const errors = [];
      for (const [key, raw] of Object.entries(patch)) {
        if (!(key in SCHEMA)) {
          errors.push(`unknown state key ${key}`);
          continue;
        }
        const result = coerce(key, raw);
        if (result.error) {
          errors.push(result.error);
        } else if (values[key] !== result.value) {
          values[key] = result.value;
          changed.add(key);
        }
      }
      if (changed.size > 0) {
        writeUrl();
        for (const fn of subscribers) fn(changed);
      }
      return errors;
    },

    /** Calls fn(changedKeys) after every set() that changed something. Returns an unsubscribe function. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
