// state.js: the page state that changes what is shown, kept in the URL query
// (?view=heatmap&user=3&alpha=0.5) so that a link reproduces a view.

import { formatCount } from './dom.js';

/** Section ids that `?view=` accepts. Each shows that section alone. */
export const VIEWS = Object.freeze(['catalog', 'matrix', 'popularity', 'genres', 'heatmap', 'training', 'recommend']);

// Each key: type, allowed range and default. A null default means "chosen by
// the page from the data" (first user, 0.8 * rating max, ...).
const SCHEMA = Object.freeze({
  view: { type: 'enum', values: VIEWS, fallback: null },
  user: { type: 'int', fallback: null },
  alpha: { type: 'float', min: 0, max: 1, fallback: 0.7 },
  like: { type: 'float', min: 0, max: 100, exclusiveMin: true, fallback: null },
  top: { type: 'int', min: 1, max: 100, fallback: 10 },
  minr: { type: 'int', min: 0, max: 100000, fallback: null },
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

/**
 * Describes the values a key accepts, e.g. "a whole number from 1 to 1,024"
 * or "a number greater than 0 and at most 10".
 */
export function describeRange(key) {
  const spec = SCHEMA[key];
  if (spec.type === 'enum') return `one of ${spec.values.join(', ')}`;
  if (spec.type === 'string') return `text of at most ${spec.maxLength} characters`;
  const noun = spec.type === 'int' ? 'a whole number' : 'a number';
  const show = (n) => formatCount(n);
  if (spec.min === undefined && spec.max === undefined) return noun;
  if (spec.exclusiveMin) return `${noun} greater than ${show(spec.min)} and at most ${show(spec.max)}`;
  return `${noun} from ${show(spec.min)} to ${show(spec.max)}`;
}

// Converts a raw string or number to the key's type. Returns { value } or
// { error } where error is { key, raw, problem, expected, message } and the
// message names the key, the value and the allowed range.
function coerce(key, raw) {
  const spec = SCHEMA[key];
  if (raw === null || raw === undefined || raw === '') return { value: spec.fallback };
  if (spec.type === 'string') return { value: String(raw).slice(0, spec.maxLength) };

  const expected = describeRange(key);
  const fail = (problem) => ({ error: { key, raw: String(raw), problem, expected, message: `${key}=${raw} ${problem}; expected ${expected}` } });
  if (spec.type === 'enum') return spec.values.includes(raw) ? { value: raw } : fail('is not valid');

  const value = Number(raw);
  const isValidNumber = spec.type === 'int' ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!isValidNumber) return fail(spec.type === 'int' ? 'is not an integer' : 'is not a number');
  const belowMin = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
  const aboveMax = spec.max !== undefined && value > spec.max;
  if (belowMin || aboveMax) return fail('is out of range');
  return { value };
}

/** Checks a raw value for a key without storing it. Returns { value } or { error } as set() would. */
export function validateSetting(key, raw) {
  return coerce(key, raw);
}

/**
 * Creates the state store from the current URL. Invalid query values fall
 * back to their defaults, are listed in `rejected` ({ key, raw, problem,
 * expected, message }) and are removed from the address bar, so that the URL shows the
 * values in use. Every set() rewrites the query with history.replaceState and
 * calls subscribers with the set of changed keys.
 */
export function createState({ location = window.location, history = window.history } = {}) {
  const values = { ...STATE_DEFAULTS };
  const rejected = [];
  const warnings = [];
  const params = new URLSearchParams(location.search);
  for (const key of Object.keys(SCHEMA)) {
    if (!params.has(key)) continue;
    const result = coerce(key, params.get(key));
    if (result.error) rejected.push(result.error);
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

  if (rejected.length > 0) writeUrl();

  return {
    rejected,
    warnings,

    /** Returns a copy of all values. */
    get() {
      return { ...values };
    },

    /**
     * Applies a patch of key -> value. Returns the errors ({ key, raw,
     * problem, expected, message }) of the values that were rejected; those keys keep
     * their previous value.
     */
    set(patch) {
      const changed = new Set();
      const errors = [];
      for (const [key, raw] of Object.entries(patch)) {
        if (!(key in SCHEMA)) {
          errors.push({ key, raw: String(raw), problem: 'is not a state key', expected: '', message: `unknown state key ${key}` });
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
