// core-service.js: everything the page requests from the WebAssembly core, as named
// methods that take and return plain data (structured-clone safe), so they
// can run in a Web Worker behind postMessage or, as a fallback, on the page
// itself. Loading streams files, .zip members and URLs into the C parser chunk
// by chunk; training runs a time-boxed batch of epochs per call. No DOM use.

import { Minirec, MinirecError, STATUS, DEFAULT_CHUNK_SIZE, DETECT_BYTES } from './minirec.js';
import { chooseCoreFactory } from './wasm-features.js';
import { FILE_KIND, ROLE, baseName, isCsvKind, isKnownExtra, kindFromName, kindLabel, roleOf, sortForParsing } from './formats.js';
import { looksLikeZip, openZipMember, readZipDirectory } from './zip.js';

/** Error raised inside a load when the page cancelled it. */
export class LoadCancelled extends Error {
  constructor() {
    super('the load was cancelled');
    this.name = 'LoadCancelled';
  }
}

/** Minimum time between two progress events of one load. */
const PROGRESS_INTERVAL_MS = 100;

/** SGD steps per millisecond assumed before the first measurement: a guess on the slow side. */
const FIRST_STEPS_PER_MS = 2000;
/** Slices of training per trainStep call, so the last slice overruns the budget by a quarter at most. */
const SLICES_PER_CALL = 4;

// ---------------------------------------------------------------------------
// Call contexts and errors across postMessage
// ---------------------------------------------------------------------------

/**
 * Creates the context of one call: emit(event) sends a progress event to the
 * caller, and cancel() makes the next throwIfCancelled() raise LoadCancelled.
 */
export function createCallContext(emit = () => {}) {
  let cancelled = false;
  return {
    emit,
    cancel() { cancelled = true; },
    get cancelled() { return cancelled; },
    throwIfCancelled() {
      if (cancelled) throw new LoadCancelled();
    },
  };
}

/** Turns an error into plain data for postMessage. */
export function serializeError(error) {
  return {
    name: error?.name ?? 'Error',
    message: error?.message ?? String(error),
    status: error?.status ?? null,
  };
}

/** Rebuilds an error from serializeError(): a MinirecError when it was one. */
export function deserializeError(data) {
  if (data.name === 'MinirecError') return new MinirecError(data.message, data.status);
  const error = new Error(data.message);
  error.name = data.name;
  return error;
}

// ---------------------------------------------------------------------------
// Byte sources: Blobs, streams and URLs as async iterables of Uint8Array
// ---------------------------------------------------------------------------

async function* blobChunks(blob, chunkSize) {
  for (let start = 0; start < blob.size; start += chunkSize) {
    yield new Uint8Array(await blob.slice(start, Math.min(start + chunkSize, blob.size)).arrayBuffer());
  }
}

async function* streamChunks(stream) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops a download or an inflate that a cancel or an error left behind.
    reader.cancel().catch(() => {});
  }
}

async function* urlChunks(url, name) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new MinirecError(`${name}: download from ${url} failed (${error.message}); check that the site serves it`, STATUS.IO);
  }
  if (!response.ok) {
    throw new MinirecError(`${name}: download from ${url} failed with HTTP ${response.status}; check that the site serves it`, STATUS.IO);
  }
  yield* streamChunks(response.body);
}

// Yields to the event loop (a macrotask), so that cancel messages and, on
// the main thread, input and drawing get their turn.
function yieldToEventLoop() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// ---------------------------------------------------------------------------
// Load plan: which files to parse, as what, in which order
// ---------------------------------------------------------------------------

/**
 * Expands the inputs into the files to parse. An input is
 * { type: 'blob', blob, name } (a picked or dropped File, possibly a .zip) or
 * { type: 'url', url, name, size }. Returns
 * { files: [{ name, kind, size, open() }], ignored: [names] } with files in
 * parsing order. Throws a MinirecError that names the files when there is
 * no ratings file, more than one, or a format this core cannot read.
 */
async function planLoad(core, inputs, chunkSize) {
  const files = [];
  const ignored = [];
  const unknown = [];

  for (const input of inputs) {
    if (input.type === 'url') {
      files.push({ name: input.name, kind: kindFromName(input.name), size: input.size ?? 0, open: () => urlChunks(input.url, input.name) });
      continue;
    }
    const { blob } = input;
    const name = input.name || blob.name || 'file';
    const head = new Uint8Array(await blob.slice(0, DETECT_BYTES).arrayBuffer());
    if (looksLikeZip(head) || /\.zip$/i.test(name)) {
      await planZip(blob, name, files, ignored);
      continue;
    }
    const kind = core.detectKind(name, head);
    if (kind === FILE_KIND.AUTO) unknown.push(name);
    else files.push({ name, kind, size: blob.size, open: () => blobChunks(blob, chunkSize) });
  }

  checkPlan(core, files, unknown);
  return { files: sortForParsing(files), ignored: [...ignored, ...unknown] };
}

async function planZip(blob, zipName, files, ignored) {
  const entries = await readZipDirectory(blob, zipName);
  const seen = new Map();
  for (const entry of entries) {
    const kind = kindFromName(entry.name);
    if (kind === FILE_KIND.AUTO || isKnownExtra(entry.name)) {
      ignored.push(entry.name);
      continue;
    }
    // Some archives repeat a file in a second folder; the first copy is read.
    const key = baseName(entry.name).toLowerCase();
    if (seen.has(key)) {
      ignored.push(entry.name);
      continue;
    }
    seen.set(key, entry);
    files.push({
      name: entry.name,
      kind,
      size: entry.size,
      zip: zipName,
      open: async function* open() {
        yield* streamChunks(await openZipMember(blob, entry, zipName));
      },
    });
  }
  if (!files.some((file) => file.zip === zipName && roleOf(file.kind) === ROLE.RATINGS)) {
    throw new MinirecError(`${zipName} contains no ratings file (ratings.csv, ratings.dat or u.data); ` +
      `it holds ${entries.length} files: ${entries.slice(0, 8).map((entry) => entry.name).join(', ')}` +
      `${entries.length > 8 ? ', …' : ''}`, STATUS.INVALID_ARGUMENT);
  }
}

function checkPlan(core, files, unknown) {
  const names = (list) => list.map((file) => file.name).join(', ');
  const byRole = (role) => files.filter((file) => roleOf(file.kind) === role);
  const unknownText = unknown.length ? ` Cannot tell what ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'}.` : '';

  const ratings = byRole(ROLE.RATINGS);
  if (ratings.length === 0) {
    const chosen = [...files.map((file) => file.name), ...unknown].join(', ') || 'none';
    throw new MinirecError(`No ratings file among the chosen files (${chosen}).${unknownText} Choose a ratings file ` +
      '(ratings.csv, ratings.dat or u.data), with its movies file if you have one, or the release\'s .zip as downloaded.',
    STATUS.INVALID_ARGUMENT);
  }
  if (ratings.length > 1) {
    throw new MinirecError(`Choose one ratings file at a time; got ${ratings.length}: ${names(ratings)}.`, STATUS.INVALID_ARGUMENT);
  }
  const movies = byRole(ROLE.MOVIES);
  if (movies.length > 1) {
    throw new MinirecError(`Choose one movies file at a time; got ${movies.length}: ${names(movies)}.`, STATUS.INVALID_ARGUMENT);
  }
  if (!core.capabilities.allFormats) {
    const other = files.filter((file) => !isCsvKind(file.kind));
    if (other.length) {
      throw new MinirecError(`This build of the core reads only MovieLens ratings.csv and movies.csv, not ${names(other)} ` +
        `(${kindLabel(other[0].kind)}). Rebuild the core (tools/build.sh) to read other formats.`, STATUS.INVALID_ARGUMENT);
    }
  }
}

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

/**
 * Creates the service over the emscripten factories { plain, simd }.
 * print and printErr receive the core's output lines. yieldEveryMs sets how
 * often a load yields to the event loop: rarely in a worker, every few
 * milliseconds on the main thread.
 */
export function createCoreService({ factories, print = () => {}, printErr = () => {}, yieldEveryMs = 50 }) {
  let core = null;
  let coreName = '';
  // The first start call's instantiation, which later start calls share.
  let starting = null;
  // Per data set caches, cleared whenever the data set changes.
  let ratedOrder = null;
  let ratingCounts = null;
  let lowerTitles = null;
  // Measured training speed, which sizes the slices of trainStep.
  let stepsPerMs = FIRST_STEPS_PER_MS;

  function requireCore() {
    if (!core) throw new MinirecError('the core has not started yet', STATUS.STATE);
    return core;
  }

  function dataChanged() {
    ratedOrder = null;
    ratingCounts = null;
    lowerTitles = null;
    stepsPerMs = FIRST_STEPS_PER_MS;
  }

  // -- Movie and user helpers ------------------------------------------------

  // Movie indices, most rated first (ties by id), then any the core left out.
  function moviesByRatings() {
    if (!ratedOrder) {
      const n = core.movieCount;
      const order = core.mostRatedMovies(n);
      if (order.length < n) {
        const listed = new Set(order);
        for (let i = 0; i < n; i++) if (!listed.has(i)) order.push(i);
      }
      ratedOrder = Int32Array.from(order);
    }
    return ratedOrder;
  }

  function ratingCount(movieIndex) {
    if (!ratingCounts) {
      ratingCounts = new Int32Array(core.movieCount);
      for (const row of core.popularity()) ratingCounts[row.movieIndex] = row.count;
    }
    return ratingCounts[movieIndex];
  }

  function movieRow(index) {
    const movie = core.movie(index);
    return { index, id: movie.id, label: movie.label, title: movie.title, genres: movie.genres, ratings: ratingCount(index) };
  }

  // Movie indices whose title contains the query (any case) or whose id
  // label equals it, most rated first.
  function searchMovies(query) {
    const order = moviesByRatings();
    const needle = query.trim().toLowerCase();
    if (!needle) return Array.from(order);
    if (!lowerTitles) lowerTitles = core.catalog().map((movie) => movie.title.toLowerCase());
    const catalog = core.catalog();
    return Array.from(order).filter((i) => lowerTitles[i].includes(needle) || catalog[i].label === needle);
  }

  // Up to `limit` indices: all in catalog order when they fit, else the most rated.
  function displayMovies(limit) {
    const n = core.movieCount;
    if (n <= limit) return Array.from({ length: n }, (_, i) => i);
    return Array.from(moviesByRatings().subarray(0, limit));
  }

  function displayUsers(limit) {
    const n = core.userCount;
    if (n <= limit) return Array.from({ length: n }, (_, i) => i);
    return core.mostActiveUsers(limit);
  }

  // The requested user when the data has it, else the first user.
  function resolveUser(requested) {
    if (requested !== null && requested !== undefined && core.userIndex(requested) >= 0) return requested;
    return core.userCount > 0 ? core.userIds()[0] : null;
  }

  // -- Loading ---------------------------------------------------------------

  async function load(inputs, options = {}, context = createCallContext()) {
    const c = requireCore();
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const started = performance.now();
    const plan = await planLoad(c, inputs, chunkSize);
    const bytesTotal = plan.files.reduce((sum, file) => sum + file.size, 0);
    context.emit({
      phase: 'plan',
      files: plan.files.map((file) => ({ name: file.name, kind: file.kind, label: kindLabel(file.kind), size: file.size })),
      ignored: plan.ignored,
      bytesTotal,
    });
    context.throwIfCancelled();

    const job = c.beginLoad({ chunkSize, maxSkipped: options.maxSkipped ?? 0 });
    try {
      let bytesBefore = 0;
      let ratingsRead = 0;
      let lastEvent = 0;
      let lastYield = performance.now();
      for (const [fileIndex, file] of plan.files.entries()) {
        const parsed = job.openFile(file.name, file.kind, { size: file.size });
        const isRatings = roleOf(file.kind) === ROLE.RATINGS;
        const headerLines = isCsvKind(file.kind) ? 1 : 0;
        let fileBytes = 0;
        const progress = (done) => {
          // Data lines exclude headers and skipped lines; cores without the count use lines read.
          if (isRatings) ratingsRead = parsed.counts()?.dataLines ?? Math.max(0, parsed.line - headerLines);
          context.emit({
            phase: 'progress', file: file.name, fileIndex, fileCount: plan.files.length,
            bytesDone: bytesBefore + fileBytes, bytesTotal: Math.max(bytesTotal, bytesBefore + fileBytes),
            ratingsRead, done,
          });
          lastEvent = performance.now();
        };

        for await (const chunk of file.open()) {
          context.throwIfCancelled();
          parsed.feed(chunk);
          fileBytes += chunk.length;
          const now = performance.now();
          if (now - lastEvent >= PROGRESS_INTERVAL_MS) progress(false);
          if (now - lastYield >= yieldEveryMs) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
        context.throwIfCancelled();
        parsed.end();
        progress(true);
        bytesBefore += fileBytes;
      }

      context.emit({ phase: 'finishing' });
      await yieldToEventLoop();
      context.throwIfCancelled();
      const summary = job.finish({ kind: 'files', files: plan.files.map((file) => file.name) });
      dataChanged();
      return { ...summary, ignored: plan.ignored, seconds: (performance.now() - started) / 1000 };
    } finally {
      job.abort();
    }
  }

  // -- Methods callable by name ----------------------------------------------

  const methods = {
    /**
     * Instantiates the core (SIMD build when the engine has SIMD) on the
     * built-in data. Only the first call instantiates; later calls wait for
     * it and return the same core, or raise the same error.
     */
    async start() {
      if (!starting) {
        starting = (async () => {
          const choice = chooseCoreFactory(factories);
          if (!choice) throw new MinirecError('the WebAssembly core is missing (createMinirecCore is not defined)', STATUS.STATE);
          core = await Minirec.create(choice.factory, { print, printErr });
          coreName = choice.name;
          dataChanged();
        })();
      }
      await starting;
      return { coreName, capabilities: core.capabilities, summary: core.summary() };
    },

    loadBuiltin() {
      requireCore().loadBuiltin();
      dataChanged();
      return core.summary();
    },

    load,

    summary() {
      return requireCore().summary();
    },

    /** Returns { count, first, last, list } with list = [{ id, ratings }] when count <= listMax, else null. */
    users({ listMax = 50 } = {}) {
      const c = requireCore();
      const ids = c.userIds();
      return {
        count: ids.length,
        first: ids[0] ?? null,
        last: ids[ids.length - 1] ?? null,
        list: ids.length <= listMax ? ids.map((id, index) => ({ id, ratings: c.userRatingCount(index) })) : null,
      };
    },

    /** Returns { id, index, ratings } for a user id, or null when the data has no such user. */
    userInfo(userId) {
      const c = requireCore();
      const index = Number.isSafeInteger(userId) ? c.userIndex(userId) : -1;
      return index < 0 ? null : { id: userId, index, ratings: c.userRatingCount(index) };
    },

    /**
     * Returns one page of the catalog: { total, matches, offset, rows }.
     * Without a query, a catalog that fits one page comes in catalog order.
     * A larger catalog, and the matches of a query, come most rated first.
     */
    catalogPage({ query = '', offset = 0, limit = 40 } = {}) {
      const c = requireCore();
      const indices = !query.trim() && c.movieCount <= limit
        ? Array.from({ length: c.movieCount }, (_, i) => i)
        : searchMovies(query);
      // The page that contains `offset`, or the last page when offset is past the end.
      const lastPageStart = Math.max(0, Math.ceil(indices.length / limit) - 1) * limit;
      const pageStart = Math.min(Math.max(0, Math.floor(offset / limit) * limit), lastPageStart);
      return {
        total: c.movieCount,
        matches: indices.length,
        offset: pageStart,
        rows: indices.slice(pageStart, pageStart + limit).map(movieRow),
      };
    },

    /** Returns the ratings of the most active users for the most rated movies (all of each when they fit). */
    ratingMatrix({ maxUsers = 20, maxMovies = 20 } = {}) {
      const c = requireCore();
      const users = displayUsers(maxUsers);
      const movies = displayMovies(maxMovies);
      const ids = c.userIds();
      const values = c.ratingMatrix(users, movies);
      return {
        users: users.map((index) => ({ index, id: ids[index], ratings: c.userRatingCount(index) })),
        movies: movies.map(movieRow),
        values,
        totalUsers: c.userCount,
        totalMovies: c.movieCount,
        totalRatings: c.ratingCount,
      };
    },

    /** Returns { total, rows } of movies with at least minCount ratings, best mean first. */
    popularity({ minCount = 1, limit = 20 } = {}) {
      const all = requireCore().popularity({ minCount });
      return {
        total: all.length,
        rows: all.slice(0, limit).map((row) => ({ movie: movieRow(row.movieIndex), mean: row.mean, count: row.count })),
      };
    },

    /** Returns the genre vocabulary and one-hot rows for up to maxMovies movies. */
    genreTable({ maxMovies = 20 } = {}) {
      const c = requireCore();
      const movies = displayMovies(maxMovies);
      return { genres: c.genres(), movies: movies.map(movieRow), oneHot: c.genreOneHot(movies), totalMovies: c.movieCount };
    },

    /**
     * Returns the similarity matrix of a chosen set of movies: the `count`
     * most rated, or the most rated of those whose title matches `query`.
     */
    heatmap({ query = '', count = 40 } = {}) {
      const c = requireCore();
      const matching = query.trim() ? searchMovies(query) : null;
      const movies = matching ? matching.slice(0, count) : displayMovies(count);
      return {
        matches: matching ? matching.length : c.movieCount,
        totalMovies: c.movieCount,
        movies: movies.map(movieRow),
        values: c.similarityMatrix(movies),
      };
    },

    /** Returns movies for a picker: matches of `query`, most rated first, with `include` (a movie id) kept in. */
    pickMovies({ query = '', limit = 100, include = null } = {}) {
      const c = requireCore();
      const indices = query.trim() ? searchMovies(query).slice(0, limit) : displayMovies(limit);
      const includeIndex = include === null ? -1 : c.movieIndex(include);
      if (includeIndex >= 0 && !indices.includes(includeIndex)) indices.unshift(includeIndex);
      return { matches: query.trim() ? searchMovies(query).length : c.movieCount, rows: indices.map(movieRow) };
    },

    /** Returns { movie, rows } with the topN movies most similar by genres to movieId (default: the most rated). */
    similar({ movieId = null, topN = 5 } = {}) {
      const c = requireCore();
      const id = movieId !== null && c.movieIndex(movieId) >= 0 ? movieId : c.movie(displayMovies(1)[0]).id;
      const rows = c.similarMovies(id, topN).map((row) => ({ movie: movieRow(row.movieIndex), similarity: row.similarity }));
      return { movie: movieRow(c.movieIndex(id)), rows };
    },

    // -- Training --

    createModel(params) {
      return requireCore().createModel(params);
    },

    /**
     * Trains towards `target` epochs for about budgetMs, in slices of SGD
     * steps sized from the measured speed, so that one call stays near its
     * budget however many ratings an epoch has. Returns { epochsDone,
     * epochStep, stepsPerEpoch, rmse } with the RMSE of every finished epoch
     * from `since` on.
     */
    trainStep({ target, budgetMs = 40, since = 0 }) {
      // A unit is one shuffle swap or one SGD step: an epoch is n - 1 swaps
      // and then n steps. While the shuffle runs, epochStep stays 0, so `left`
      // may overshoot into the next epoch's shuffle, which changes no factor.
      const c = requireCore();
      const deadline = performance.now() + budgetMs;
      const sliceMs = Math.max(0.5, budgetMs / SLICES_PER_CALL);
      let progress = c.trainingProgress();
      for (;;) {
        const n = progress.stepsPerEpoch;
        const done = progress.epochStep > 0 ? n - 1 + progress.epochStep : 0;
        const left = (target - progress.epochsDone) * (2 * n - 1) - done;
        if (left <= 0) break;
        const steps = Math.max(1, Math.min(left, Math.round(stepsPerMs * sliceMs)));
        const started = performance.now();
        progress = c.trainSteps(steps);
        const elapsed = performance.now() - started;
        // Slices under a millisecond time too coarsely to update the speed.
        if (elapsed >= 1) stepsPerMs = 0.5 * stepsPerMs + 0.5 * (steps / elapsed);
        if (performance.now() >= deadline) break;
      }
      return { ...progress, rmse: c.rmseHistory(since) };
    },

    modelInfo() {
      return requireCore().modelInfo();
    },

    /** Returns the RMSE of every finished epoch from `since` on, or [] without a model. */
    rmseHistory({ since = 0 } = {}) {
      const c = requireCore();
      return c.hasModel ? c.rmseHistory(since) : [];
    },

    /** Returns actual and predicted ratings of one user for up to maxMovies movies. */
    predictions({ userId = null, maxMovies = 20 } = {}) {
      const c = requireCore();
      const id = resolveUser(userId);
      const userIndex = c.userIndex(id);
      const rows = displayMovies(maxMovies).map((m) => ({
        movie: movieRow(m),
        actual: c.rating(userIndex, m),
        predicted: c.hasModel ? c.predict(id, c.movie(m).id) : null,
      }));
      return { userId: id, info: c.modelInfo(), totalMovies: c.movieCount, rows };
    },

    /**
     * Ranks the unrated movies of a user (default: the first user) by the
     * hybrid score, skipping movies with fewer than minRatings ratings.
     * Returns { userId, usedModel, rows, liked } where liked lists the first
     * likedShown of the user's movies rated at or above the threshold, and
     * their count.
     */
    recommend({ userId = null, alpha, likeThreshold, topN, minRatings = 0, likedShown = 6 }) {
      const c = requireCore();
      const id = resolveUser(userId);
      const result = c.recommend(id, { alpha, likeThreshold, topN, minRatings });
      const liked = c.userRatings(c.userIndex(id)).filter((row) => row.rating >= likeThreshold);
      return {
        userId: id,
        usedModel: result.usedModel,
        rows: result.rows.map((row) => ({
          movie: movieRow(row.movieIndex), cfScore: row.cfScore, contentScore: row.contentScore, score: row.score,
        })),
        liked: {
          count: liked.length,
          shown: liked.slice(0, likedShown).map((row) => ({ movie: movieRow(row.movieIndex), rating: row.rating })),
        },
      };
    },
  };

  return {
    /** Runs a method by name. Resolves to its result or rejects with its error. */
    async call(method, args = [], context = createCallContext()) {
      if (!Object.hasOwn(methods, method)) {
        throw new MinirecError(`unknown core method ${method}`, STATUS.INVALID_ARGUMENT);
      }
      if (method === 'load') return load(args[0], args[1], context);
      return methods[method](...args);
    },
    methods: Object.keys(methods),
  };
}
