// minirec.js: a plain-JavaScript class over the minirec WebAssembly core.
// It owns the C data set and model, hides pointers and heap views, and turns C
// errors into MinirecError exceptions. No DOM use, so it also runs under Node
// and in a Web Worker.

import { FILE_KIND, detectFileKind, isCsvKind, kindFromFirstLine, kindFromName, kindLabel } from './formats.js';

export { FILE_KIND, detectFileKind };

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** English names of the C mr_status codes (include/minirec.h). */
export const STATUS_NAMES = Object.freeze({
  0: 'ok',
  1: 'invalid argument',
  2: 'not found',
  3: 'parse error',
  4: 'out of memory',
  5: 'I/O error',
  6: 'training diverged',
  7: 'wrong call order',
});

export const STATUS = Object.freeze({
  OK: 0,
  INVALID_ARGUMENT: 1,
  NOT_FOUND: 2,
  PARSE: 3,
  NO_MEMORY: 4,
  IO: 5,
  DIVERGED: 6,
  STATE: 7,
});

/** Error raised for a failed core call. `status` is the C mr_status code. */
export class MinirecError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'MinirecError';
    this.status = status;
    this.statusName = STATUS_NAMES[status] ?? `status ${status}`;
  }
}

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

/** Bytes handed to the C parser per call while loading a file. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;

/** Bytes of a file's start passed to kind detection. */
export const DETECT_BYTES = 4096;

/** SGD kernels (mr_kernel): AUTO picks EXACT up to 50,000 ratings and SIMD_FLOAT above. */
export const KERNEL = Object.freeze({ AUTO: 0, EXACT: 1, SCALAR_FLOAT: 2, SIMD_FLOAT: 3 });

/** Training settings used when the caller gives none (same as mr_train_defaults). */
export const TRAIN_DEFAULTS = Object.freeze({
  k: 3,
  learningRate: 0.01,
  regularization: 0.1,
  epochs: 500,
  seed: 42,
  kernel: KERNEL.AUTO,
});

/** Default weight of the collaborative-filtering term (MR_ALPHA_DEFAULT). */
export const ALPHA_DEFAULT = 0.7;

const BYTES_PER_DOUBLE = 8;
const BYTES_PER_INT = 4;

// ---------------------------------------------------------------------------
// Input helpers
// ---------------------------------------------------------------------------

// Wraps a Blob, File, ArrayBuffer or Uint8Array as { size, name, read(start, end) }.
function toByteSource(input, fallbackName) {
  if (input instanceof Uint8Array) {
    return {
      size: input.length,
      name: fallbackName,
      read: async (start, end) => input.subarray(start, end),
    };
  }
  if (input instanceof ArrayBuffer) {
    return toByteSource(new Uint8Array(input), fallbackName);
  }
  if (input && typeof input.slice === 'function' && typeof input.size === 'number') {
    // Blob or File: read one slice at a time, never the whole file at once.
    return {
      size: input.size,
      name: typeof input.name === 'string' && input.name ? input.name : fallbackName,
      read: async (start, end) => new Uint8Array(await input.slice(start, end).arrayBuffer()),
    };
  }
  throw new TypeError(`${fallbackName}: expected a File, Blob, ArrayBuffer or Uint8Array`);
}

/** Reads the first bytes of a File, Blob or byte array, e.g. for detectFileKind. */
export async function readHead(input, n = DETECT_BYTES) {
  const source = toByteSource(input, 'file');
  return source.read(0, Math.min(n, source.size));
}

// ---------------------------------------------------------------------------
// Loading in steps
// ---------------------------------------------------------------------------

/**
 * One file being parsed into a LoadJob's data set. feed() copies bytes into
 * the WebAssembly heap in pieces of at most job.chunkSize and parses every
 * complete line; end() parses the last line.
 */
class ParsedFile {
  constructor(job, parser, name, kind) {
    this._job = job;
    this._parser = parser;
    this.name = name;
    this.requestedKind = kind;
    this._lastLine = 0;
    this._lastKind = kind;
    this._lastCounts = null;
  }

  get _module() { return this._job._core.module; }

  /** Lines read so far, header included; after end() the file's line count. */
  get line() { return this._parser ? this._module._mr_js_parser_line(this._parser) : this._lastLine; }

  /**
   * Returns { lines, dataLines, convertedLines, skipped } read so far (after
   * end(), the file's totals), or null when the core lacks mr_js_parser_counts.
   * Data lines exclude headers, blank lines and skipped lines.
   */
  counts() {
    if (!this._parser) return this._lastCounts;
    if (typeof this._module._mr_js_parser_counts !== 'function') return null;
    const core = this._job._core;
    return core._withScratch(4 * BYTES_PER_DOUBLE, (ptr) => {
      this._module._mr_js_parser_counts(this._parser, ptr);
      const base = ptr / BYTES_PER_DOUBLE;
      const [lines, dataLines, convertedLines, skipped] = core._heapF64().subarray(base, base + 4);
      return { lines, dataLines, convertedLines, skipped };
    });
  }

  /** The kind being read: as requested, or as detected once the first line is read. */
  get kind() {
    if (!this._parser || typeof this._module._mr_js_parser_kind !== 'function') return this._lastKind;
    return this._module._mr_js_parser_kind(this._parser);
  }

  feed(bytes) {
    const core = this._job._core;
    const { buffer, chunkSize } = this._job;
    for (let start = 0; start < bytes.length; start += chunkSize) {
      const piece = bytes.subarray(start, Math.min(start + chunkSize, bytes.length));
      core._heapU8().set(piece, buffer);
      core._check(this._module._mr_js_parser_feed(this._parser, buffer, piece.length), `reading ${this.name}`);
    }
  }

  end() {
    this._job._core._check(this._module._mr_js_parser_end(this._parser), `reading ${this.name}`);
    this.close();
  }

  close() {
    if (!this._parser) return;
    this._lastLine = this.line;
    this._lastKind = this.kind;
    this._lastCounts = this.counts();
    this._module._mr_js_parser_destroy(this._parser);
    this._parser = 0;
  }
}

/** A data set being loaded; see Minirec.beginLoad. */
class LoadJob {
  constructor(core, { chunkSize = DEFAULT_CHUNK_SIZE, maxSkipped = 0 } = {}) {
    this._core = core;
    this.chunkSize = Math.max(1, Math.floor(chunkSize));
    this.maxSkipped = Math.max(0, Math.floor(maxSkipped));
    this._files = [];
    this._dataset = core.module._mr_js_dataset_create();
    if (!this._dataset) throw new MinirecError('out of memory creating a data set', STATUS.NO_MEMORY);
    try {
      this.buffer = core._malloc(this.chunkSize);
    } catch (error) {
      core.module._mr_js_dataset_destroy(this._dataset);
      throw error;
    }
    core._loading = true;
  }

  /**
   * Opens a parser for one file. Files are read in the order they are
   * opened. `size` (bytes, optional) lets cores that accept it size their
   * rating array up front, which lowers peak memory on large files.
   */
  openFile(name, kind, { size = 0 } = {}) {
    const core = this._core;
    if (!this._dataset) throw new MinirecError('this load has already ended', STATUS.STATE);
    if (!core.capabilities.allFormats && !isCsvKind(kind)) {
      throw new MinirecError(`${name}: this build of the core reads only MovieLens ratings.csv and movies.csv, ` +
        `not ${kindLabel(kind)}; rebuild the core to read other formats`, STATUS.INVALID_ARGUMENT);
    }
    const parser = core._withString(name, (namePtr) => core.module._mr_js_parser_create(this._dataset, kind, namePtr));
    if (!parser) throw new MinirecError(`cannot create a parser for ${name} (kind ${kind}): out of memory or an invalid kind`, STATUS.NO_MEMORY);
    if (this.maxSkipped > 0 && core.capabilities.lenient) core.module._mr_js_parser_set_max_skipped(parser, this.maxSkipped);
    if (size > 0 && typeof core.module._mr_js_parser_set_file_size === 'function') core.module._mr_js_parser_set_file_size(parser, size);
    const file = new ParsedFile(this, parser, name, kind);
    this._files.push(file);
    return file;
  }

  /**
   * Finishes the data set and makes it current. `source` is { kind, files }
   * for summary(). Throws a MinirecError when there are no ratings.
   */
  finish(source) {
    const core = this._core;
    core._check(core.module._mr_js_dataset_finish(this._dataset), 'finishing the data set');
    if (core.module._mr_js_n_ratings(this._dataset) === 0) {
      throw new MinirecError('no ratings were read', STATUS.PARSE);
    }
    const dataset = this._dataset;
    this._dataset = 0;
    this._release();
    core._replaceDataset(dataset, source);
    return core.summary();
  }

  /** Drops the new data set unless finish() succeeded. Safe to call twice. */
  abort() {
    if (this._dataset) this._core.module._mr_js_dataset_destroy(this._dataset);
    this._dataset = 0;
    this._release();
  }

  _release() {
    for (const file of this._files) file.close();
    this._files = [];
    if (this.buffer) this._core._free(this.buffer);
    this.buffer = 0;
    this._core._loading = false;
  }
}

// ---------------------------------------------------------------------------
// The wrapper class
// ---------------------------------------------------------------------------

/**
 * One data set and at most one model inside a minirec WebAssembly instance.
 *
 * Create it with `await Minirec.create(createMinirecCore)`. Movies are
 * addressed by catalog index (0..movieCount-1) or movie id, and users by index
 * (ascending id order) or user id. Ids are JS numbers, exact up to 2^53.
 * Call destroy() to free the C objects.
 */
export class Minirec {
  /** Instantiates the emscripten factory and loads the built-in data set. */
  static async create(factory, moduleOptions = {}) {
    if (typeof factory !== 'function') {
      throw new TypeError('Minirec.create: expected the emscripten factory createMinirecCore');
    }
    const module = await factory(moduleOptions);
    const core = new Minirec(module);
    core.loadBuiltin();
    return core;
  }

  constructor(module) {
    this.module = module;
    this._dataset = 0;
    this._model = 0;
    this._modelParams = null;
    this._modelDiverged = false;
    this._loading = false;
    this._source = null;
    this._catalog = null;
    this._userIds = null;
  }

  // -- Memory and errors ----------------------------------------------------

  // Heap views are read from the module on every use because memory growth
  // inside any C call replaces the underlying ArrayBuffer.
  _heapU8() { return this.module.HEAPU8; }
  _heap32() { return this.module.HEAP32; }
  _heapF64() { return this.module.HEAPF64; }

  _malloc(nBytes) {
    const ptr = this.module._mr_js_malloc(nBytes);
    if (!ptr) throw new MinirecError(`out of memory allocating ${nBytes} bytes`, STATUS.NO_MEMORY);
    return ptr;
  }

  _free(ptr) {
    if (ptr) this.module._mr_js_free(ptr);
  }

  // Runs fn(ptr) with a scratch block of nBytes and frees it afterwards.
  _withScratch(nBytes, fn) {
    const ptr = this._malloc(nBytes);
    try {
      return fn(ptr);
    } finally {
      this._free(ptr);
    }
  }

  _withString(text, fn) {
    const nBytes = this.module.lengthBytesUTF8(text) + 1;
    return this._withScratch(nBytes, (ptr) => {
      this.module.stringToUTF8(text, ptr, nBytes);
      return fn(ptr);
    });
  }

  _lastError(context) {
    const status = this.module._mr_js_error_status();
    const message = this.module.UTF8ToString(this.module._mr_js_error_message());
    const text = message || `${context} failed (${STATUS_NAMES[status] ?? `status ${status}`})`;
    return new MinirecError(text, status || STATUS.INVALID_ARGUMENT);
  }

  _check(status, context) {
    if (status !== 0) throw this._lastError(context);
  }

  _requireDataset() {
    if (!this._dataset) throw new MinirecError('no data set is loaded', STATUS.STATE);
    return this._dataset;
  }

  _string(ptr) {
    return ptr ? this.module.UTF8ToString(ptr) : '';
  }

  // -- Data set lifecycle ---------------------------------------------------

  // Makes `dataset` current: frees the old data set and its model.
  _replaceDataset(dataset, source) {
    this.destroyModel();
    if (this._dataset) this.module._mr_js_dataset_destroy(this._dataset);
    this._dataset = dataset;
    this._source = source;
    this._catalog = null;
    this._userIds = null;
  }

  /** Replaces the current data with the built-in 8-movie, 5-user set. */
  loadBuiltin() {
    const dataset = this.module._mr_js_builtin();
    if (!dataset) throw this._lastError('creating the built-in data set');
    this._replaceDataset(dataset, { kind: 'builtin', files: [] });
    return this.summary();
  }

  // -- Loading files --------------------------------------------------------

  /**
   * Features of this build of the core. Builds older than the format exports
   * lack the first four; builds older than the step-wise training lack the rest.
   */
  get capabilities() {
    const has = (name) => typeof this.module[name] === 'function';
    // The parameter count comes from the WebAssembly export, because the
    // Module._name wrappers declare none. Size-optimised builds rename their
    // exports, so where the export is not found by name the core is taken to
    // be current: it is built together with this page.
    const recommendExport = this.module.asm?.mr_js_recommend;
    const recommendArity = recommendExport ? recommendExport.length : 9;
    return {
      allFormats: has('_mr_js_detect_kind'),
      lenient: has('_mr_js_parser_set_max_skipped'),
      fileReports: has('_mr_js_n_files'),
      movieLabels: has('_mr_js_movie_label'),
      trainSteps: has('_mr_js_model_train_steps'),
      userRatings: has('_mr_js_user_ratings'),
      parserCounts: has('_mr_js_parser_counts'),
      minRatings: recommendArity >= 9,
    };
  }

  /**
   * Returns the kind a file would be read as (FILE_KIND.*), from its name or
   * its first bytes, or FILE_KIND.AUTO when neither decides. Cores without
   * the detection export get the same rules from formats.js.
   */
  detectKind(fileName, headBytes) {
    if (!this.capabilities.allFormats) {
      return kindFromName(fileName) || kindFromFirstLine(headBytes);
    }
    const head = headBytes.subarray(0, Math.min(headBytes.length, DETECT_BYTES));
    return this._withString(fileName, (namePtr) => this._withScratch(Math.max(1, head.length), (bytesPtr) => {
      this._heapU8().set(head, bytesPtr);
      return this.module._mr_js_detect_kind(namePtr, bytesPtr, head.length);
    }));
  }

  /**
   * Starts loading files into a new data set and returns a LoadJob. The
   * current data and model stay in use until job.finish() succeeds; after
   * job.abort() or a failure nothing changes. One job at a time.
   * options.chunkSize sets the bytes copied into the WebAssembly heap per parser
   * call; options.maxSkipped > 0 turns on lenient parsing where the core has it.
   */
  beginLoad(options = {}) {
    if (this._loading) {
      throw new MinirecError('a load is already running; wait for it to finish or cancel it', STATUS.STATE);
    }
    return new LoadJob(this, options);
  }

  /**
   * Loads a MovieLens ratings.csv, with or without its movies.csv (File,
   * Blob, ArrayBuffer or Uint8Array each), into a new data set, feeding the C
   * parser chunk by chunk. The new data replaces the current data only when
   * every file parses and the data set finishes. Otherwise the current data
   * and model stay, and the C message (file, line, reason) is thrown as a
   * MinirecError.
   *
   * options.chunkSize sets bytes per parser call; options.onProgress receives
   * { file, kind, bytesDone, bytesTotal, line } after every chunk.
   * Resolves to summary().
   */
  async loadMovieLens({ movies, ratings }, options = {}) {
    if (!ratings) {
      throw new MinirecError('ratings.csv is required (movies.csv is optional)', STATUS.INVALID_ARGUMENT);
    }
    const onProgress = options.onProgress ?? (() => {});
    const sources = [];
    if (movies) sources.push({ kind: FILE_KIND.MOVIES, source: toByteSource(movies, 'movies.csv') });
    sources.push({ kind: FILE_KIND.RATINGS, source: toByteSource(ratings, 'ratings.csv') });

    const job = this.beginLoad(options);
    try {
      // Movies first, so titles take catalog order before ratings add unknown ids.
      for (const { kind, source } of sources) {
        const file = job.openFile(source.name, kind, { size: source.size });
        for (let start = 0; start < source.size; start += job.chunkSize) {
          const end = Math.min(start + job.chunkSize, source.size);
          file.feed(await source.read(start, end));
          onProgress({ file: source.name, kind, bytesDone: end, bytesTotal: source.size, line: file.line });
        }
        file.end();
      }
      return job.finish({ kind: 'movielens', files: sources.map(({ source }) => source.name) });
    } finally {
      job.abort();
    }
  }

  /** Frees the model and the data set. The object is unusable afterwards. */
  destroy() {
    this._replaceDataset(0, null);
  }

  // -- Data set queries -----------------------------------------------------

  get movieCount() { return this.module._mr_js_n_movies(this._requireDataset()); }
  get userCount() { return this.module._mr_js_n_users(this._requireDataset()); }
  get ratingCount() { return this.module._mr_js_n_ratings(this._requireDataset()); }
  get genreCount() { return this.module._mr_js_n_genres(this._requireDataset()); }
  get ratingMax() { return this.module._mr_js_rating_max(this._requireDataset()); }
  get ratingMin() { return this.module._mr_js_rating_min(this._requireDataset()); }
  /** True for the built-in teaching set, false after loadMovieLens. */
  get isBuiltin() { return this._source?.kind === 'builtin'; }

  /**
   * Returns what was loaded: counts, rating scale, and per-file formats,
   * encodings and skipped lines where the core reports them (cores without
   * those exports give the file names only and zero for the newer counts).
   */
  summary() {
    const dataset = this._requireDataset();
    const hasFullReport = typeof this.module._mr_js_load_report === 'function';
    const nReport = hasFullReport ? 7 : 3;
    const report = this._withScratch(nReport * BYTES_PER_INT, (ptr) => {
      this.module[hasFullReport ? '_mr_js_load_report' : '_mr_js_report'](dataset, ptr);
      const base = ptr / BYTES_PER_INT;
      return Array.from(this._heap32().subarray(base, base + nReport));
    });
    const files = this.capabilities.fileReports ? this._fileReports() : [];
    return {
      source: this._source.kind,
      files: files.length ? files.map((file) => file.name) : [...this._source.files],
      fileReports: files,
      users: this.userCount,
      movies: this.movieCount,
      ratings: this.ratingCount,
      genres: this.genreCount,
      ratingMin: this.ratingMin,
      ratingMax: this.ratingMax,
      duplicates: report[0],
      moviesFromRatings: report[1],
      lines: report[2],
      skipped: report[4] ?? 0,
      convertedLines: report[5] ?? 0,
      roundedRatings: report[6] ?? 0,
      skippedLines: this.capabilities.fileReports ? this._skippedLines(files) : [],
    };
  }

  _fileReports() {
    const dataset = this._requireDataset();
    const n = this.module._mr_js_n_files(dataset);
    const files = [];
    for (let i = 0; i < n; i++) {
      const counts = this._withScratch(5 * BYTES_PER_DOUBLE, (ptr) => {
        this.module._mr_js_file_counts(dataset, i, ptr);
        const base = ptr / BYTES_PER_DOUBLE;
        return Array.from(this._heapF64().subarray(base, base + 5));
      });
      files.push({
        name: this._string(this.module._mr_js_file_name(dataset, i)),
        kind: this.module._mr_js_file_kind(dataset, i),
        format: this._string(this.module._mr_js_file_format(dataset, i)),
        encoding: this._string(this.module._mr_js_file_encoding(dataset, i)),
        lines: counts[0],
        dataLines: counts[1],
        convertedLines: counts[2],
        skipped: counts[3],
        complete: counts[4] === 1,
      });
    }
    return files;
  }

  _skippedLines(files) {
    const dataset = this._requireDataset();
    const n = this.module._mr_js_n_skipped_kept(dataset);
    const rows = [];
    for (let i = 0; i < n; i++) {
      const fileIndex = this.module._mr_js_skipped_file(dataset, i);
      rows.push({
        file: files[fileIndex]?.name ?? '',
        line: this.module._mr_js_skipped_line(dataset, i),
        text: this._string(this.module._mr_js_skipped_text(dataset, i)),
        reason: this._string(this.module._mr_js_skipped_reason(dataset, i)),
      });
    }
    return rows;
  }

  /** Returns the genre vocabulary, sorted by byte order. */
  genres() {
    const dataset = this._requireDataset();
    const names = [];
    for (let g = 0; g < this.genreCount; g++) {
      names.push(this._string(this.module._mr_js_genre_name(dataset, g)));
    }
    return names;
  }

  // Builds the cached catalog: one record per movie in catalog order.
  _buildCatalog() {
    const dataset = this._requireDataset();
    const genreNames = this.genres();
    const catalog = [];
    const n = this.movieCount;
    const hasLabels = this.capabilities.movieLabels;
    for (let i = 0; i < n; i++) {
      const genreIndices = [];
      const nGenres = this.module._mr_js_movie_genre_count(dataset, i);
      for (let j = 0; j < nGenres; j++) {
        genreIndices.push(this.module._mr_js_movie_genre(dataset, i, j));
      }
      const id = this.module._mr_js_movie_id(dataset, i);
      catalog.push(Object.freeze({
        index: i,
        id,
        label: hasLabels ? this._string(this.module._mr_js_movie_label(dataset, i)) : String(id),
        title: this._string(this.module._mr_js_movie_title(dataset, i)),
        genreIndices: Object.freeze(genreIndices),
        genres: Object.freeze(genreIndices.map((g) => genreNames[g])),
      }));
    }
    return Object.freeze(catalog);
  }

  /** Returns all movies in catalog order as frozen { index, id, label, title, genres, genreIndices }. */
  catalog() {
    if (!this._catalog) this._catalog = this._buildCatalog();
    return this._catalog;
  }

  /** Returns one movie by catalog index. */
  movie(index) {
    const movie = this.catalog()[index];
    if (!movie) throw new MinirecError(`movie index ${index} is out of range 0..${this.movieCount - 1}`, STATUS.INVALID_ARGUMENT);
    return movie;
  }

  /** Returns the catalog index of a movie id, or -1. */
  movieIndex(movieId) {
    return this.module._mr_js_movie_index(this._requireDataset(), movieId);
  }

  /** Returns the user ids in ascending order (user index order). */
  userIds() {
    if (!this._userIds) {
      const dataset = this._requireDataset();
      const ids = [];
      for (let i = 0; i < this.userCount; i++) ids.push(this.module._mr_js_user_id(dataset, i));
      this._userIds = Object.freeze(ids);
    }
    return this._userIds;
  }

  /** Returns the index of a user id, or -1. */
  userIndex(userId) {
    return this.module._mr_js_user_index(this._requireDataset(), userId);
  }

  /** Returns the number of ratings a user gave, by user index. */
  userRatingCount(userIndex) {
    return this.module._mr_js_user_n_ratings(this._requireDataset(), userIndex);
  }

  /** Returns the rating of a movie by a user (both by index), or null when not rated. */
  rating(userIndex, movieIndex) {
    const value = this.module._mr_js_rating(this._requireDataset(), userIndex, movieIndex);
    return Number.isNaN(value) ? null : value;
  }

  /** Returns the ratings of one user as [{ movieIndex, rating }] in catalog order. */
  userRatings(userIndex) {
    const dataset = this._requireDataset();
    if (typeof this.module._mr_js_user_ratings !== 'function') {
      // NOTE: cores built before mr_js_user_ratings take one call per catalog movie here.
      const rows = [];
      for (let m = 0; m < this.movieCount; m++) {
        const value = this.rating(userIndex, m);
        if (value !== null) rows.push({ movieIndex: m, rating: value });
      }
      return rows;
    }
    const capacity = Math.max(1, this.userRatingCount(userIndex));
    const pairs = this._withScratch(2 * capacity * BYTES_PER_DOUBLE, (ptr) => {
      const n = this.module._mr_js_user_ratings(dataset, userIndex, ptr, capacity);
      if (n < 0) throw this._lastError(`reading the ratings of user index ${userIndex}`);
      const base = ptr / BYTES_PER_DOUBLE;
      return Array.from(this._heapF64().subarray(base, base + 2 * n));
    });
    const rows = [];
    for (let i = 0; i < pairs.length; i += 2) rows.push({ movieIndex: pairs[i], rating: pairs[i + 1] });
    return rows;
  }

  /**
   * Returns the user-item matrix for chosen users and movies (indices).
   * values[u][m] is the rating, or null when missing.
   */
  ratingMatrix(userIndices, movieIndices) {
    return userIndices.map((u) => movieIndices.map((m) => this.rating(u, m)));
  }

  _indexList(exportName, capacity) {
    const dataset = this._requireDataset();
    if (capacity <= 0) return [];
    return this._withScratch(capacity * BYTES_PER_INT, (ptr) => {
      const n = this.module[exportName](dataset, ptr, capacity);
      const base = ptr / BYTES_PER_INT;
      return Array.from(this._heap32().subarray(base, base + n));
    });
  }

  /** Returns up to n user indices, most ratings first. */
  mostActiveUsers(n) {
    return this._indexList('_mr_js_most_active_users', Math.min(n, this.userCount));
  }

  /** Returns up to n movie indices, most ratings first. */
  mostRatedMovies(n) {
    return this._indexList('_mr_js_most_rated_movies', Math.min(n, this.movieCount));
  }

  // -- Popularity and content -----------------------------------------------

  /**
   * Ranks rated movies by mean rating, best first, ties by movie id, keeping
   * movies with at least minCount ratings. Returns [{ movieIndex, movieId, title, mean, count }].
   */
  popularity({ minCount = 1, limit = Infinity } = {}) {
    const dataset = this._requireDataset();
    const capacity = Math.max(1, Math.min(this.movieCount, limit));
    const rows = this._withScratch(3 * capacity * BYTES_PER_DOUBLE, (ptr) => {
      const n = this.module._mr_js_popularity(dataset, minCount, ptr, capacity);
      if (n < 0) throw this._lastError('ranking by popularity');
      const base = ptr / BYTES_PER_DOUBLE;
      return Array.from(this._heapF64().subarray(base, base + 3 * n));
    });
    const result = [];
    for (let i = 0; i < rows.length; i += 3) {
      const movie = this.movie(rows[i]);
      result.push({ movieIndex: movie.index, movieId: movie.id, title: movie.title, mean: rows[i + 1], count: rows[i + 2] });
    }
    return result;
  }

  /** Builds one-hot genre rows (0 or 1 per vocabulary entry) for chosen movie indices. */
  genreOneHot(movieIndices) {
    const nGenres = this.genreCount;
    return movieIndices.map((m) => {
      const row = new Array(nGenres).fill(0);
      for (const g of this.movie(m).genreIndices) row[g] = 1;
      return row;
    });
  }

  /** Returns the cosine similarity of two movies' genre vectors, by catalog index. */
  similarity(movieA, movieB) {
    return this.module._mr_js_similarity(this._requireDataset(), movieA, movieB);
  }

  /** Computes the n x n similarity matrix (row-major Float64Array) for chosen movie indices. */
  similarityMatrix(movieIndices) {
    const dataset = this._requireDataset();
    const n = movieIndices.length;
    if (n === 0) return new Float64Array(0);
    const indexPtr = this._malloc(n * BYTES_PER_INT);
    try {
      this._heap32().set(movieIndices, indexPtr / BYTES_PER_INT);
      return this._withScratch(n * n * BYTES_PER_DOUBLE, (outPtr) => {
        this._check(this.module._mr_js_similarity_matrix(dataset, indexPtr, n, outPtr), 'computing the similarity matrix');
        const base = outPtr / BYTES_PER_DOUBLE;
        return this._heapF64().slice(base, base + n * n);
      });
    } finally {
      this._free(indexPtr);
    }
  }

  /**
   * Finds the movies most similar to movieId by genres, excluding itself, best first.
   * Returns [{ movieIndex, movieId, title, genres, similarity }].
   */
  similarMovies(movieId, topN = 5) {
    const dataset = this._requireDataset();
    const capacity = Math.max(1, Math.floor(topN));
    const rows = this._withScratch(2 * capacity * BYTES_PER_DOUBLE, (ptr) => {
      const n = this.module._mr_js_similar(dataset, movieId, capacity, ptr);
      if (n < 0) throw this._lastError(`finding movies similar to ${movieId}`);
      const base = ptr / BYTES_PER_DOUBLE;
      return Array.from(this._heapF64().subarray(base, base + 2 * n));
    });
    const result = [];
    for (let i = 0; i < rows.length; i += 2) {
      const movie = this.movie(rows[i]);
      result.push({ movieIndex: movie.index, movieId: movie.id, title: movie.title, genres: movie.genres, similarity: rows[i + 1] });
    }
    return result;
  }

  // -- Matrix factorization -------------------------------------------------

  /**
   * Replaces the model with a new one over the current data: U and V drawn
   * from `seed`, nothing trained yet. Missing params take TRAIN_DEFAULTS.
   * Throws a MinirecError with the C message on invalid params.
   */
  createModel(params = {}) {
    const dataset = this._requireDataset();
    const p = { ...TRAIN_DEFAULTS, ...params };
    this.destroyModel();
    const model = this.module._mr_js_model_create(dataset, p.k, p.learningRate, p.regularization, p.epochs, p.seed, p.kernel);
    if (!model) throw this._lastError('creating the model');
    this._model = model;
    this._modelParams = Object.freeze(p);
    this._modelDiverged = false;
    return this.modelInfo();
  }

  /** Frees the model, if any. */
  destroyModel() {
    if (this._model) this.module._mr_js_model_destroy(this._model);
    this._model = 0;
    this._modelParams = null;
    this._modelDiverged = false;
  }

  get hasModel() { return this._model !== 0; }

  _requireModel() {
    if (!this._model) throw new MinirecError('no model: call createModel() first', STATUS.STATE);
    return this._model;
  }

  /**
   * Runs nEpochs more SGD epochs. Returns { epochsDone, rmse } with the last
   * epoch's RMSE. On divergence the model is marked unusable for predictions
   * and the C message (epoch, learning rate) is thrown.
   */
  train(nEpochs) {
    const model = this._requireModel();
    if (this._modelDiverged) {
      throw new MinirecError('training diverged earlier; create a new model with a lower learning rate', STATUS.DIVERGED);
    }
    const status = this.module._mr_js_model_train(model, nEpochs);
    if (status !== 0) {
      const error = this._lastError('training');
      if (status === STATUS.DIVERGED) this._modelDiverged = true;
      throw error;
    }
    const epochsDone = this.module._mr_js_model_epochs_done(model);
    return { epochsDone, rmse: this.rmseHistory(epochsDone - 1)[0] ?? null };
  }

  /**
   * Runs the next nSteps units of training across epoch ends. A unit is one
   * shuffle swap or one SGD step, so an epoch is ratings - 1 swaps and then
   * ratings steps. Any split gives the same model as whole epochs. Returns
   * trainingProgress().
   * Divergence is handled as in train(). Cores without
   * mr_js_model_train_steps run whole epochs instead: ceil(nSteps / ratings).
   */
  trainSteps(nSteps) {
    const model = this._requireModel();
    if (this._modelDiverged) {
      throw new MinirecError('training diverged earlier; create a new model with a lower learning rate', STATUS.DIVERGED);
    }
    const hasSteps = typeof this.module._mr_js_model_train_steps === 'function';
    const status = hasSteps
      ? this.module._mr_js_model_train_steps(model, Math.max(0, Math.floor(nSteps)))
      : this.module._mr_js_model_train(model, Math.max(1, Math.ceil(nSteps / Math.max(1, this.ratingCount))));
    if (status !== 0) {
      const error = this._lastError('training');
      if (status === STATUS.DIVERGED) this._modelDiverged = true;
      throw error;
    }
    return this.trainingProgress();
  }

  /**
   * Returns { epochsDone, epochStep, stepsPerEpoch }: finished epochs, steps
   * of the epoch in progress (0 between epochs) and steps per epoch (the
   * training ratings).
   */
  trainingProgress() {
    const model = this._requireModel();
    const hasSteps = typeof this.module._mr_js_model_epoch_step === 'function';
    return {
      epochsDone: this.module._mr_js_model_epochs_done(model),
      epochStep: hasSteps ? this.module._mr_js_model_epoch_step(model) : 0,
      stepsPerEpoch: hasSteps ? this.module._mr_js_model_n_ratings(model) : this.ratingCount,
    };
  }

  /** Returns the RMSE of each finished epoch from epoch index `start` on, as an Array. */
  rmseHistory(start = 0) {
    const model = this._requireModel();
    const n = this.module._mr_js_model_epochs_done(model);
    const from = Math.max(0, Math.min(start, n));
    if (n === 0) return [];
    const base = this.module._mr_js_model_rmse(model) / BYTES_PER_DOUBLE;
    return Array.from(this._heapF64().subarray(base + from, base + n));
  }

  /** Describes the model, or returns null without a model. */
  modelInfo() {
    if (!this._model) return null;
    // NOTE: cores built before the kernel choice existed lack these two exports.
    const hasKernelExports = typeof this.module._mr_js_model_kernel === 'function';
    const kernel = hasKernelExports ? this.module._mr_js_model_kernel(this._model) : null;
    return {
      params: this._modelParams,
      kernel,
      kernelName: hasKernelExports ? this._string(this.module._mr_js_kernel_name(kernel)) : '',
      k: this.module._mr_js_model_k(this._model),
      users: this.module._mr_js_model_n_users(this._model),
      movies: this.module._mr_js_model_n_movies(this._model),
      epochsDone: this.module._mr_js_model_epochs_done(this._model),
      diverged: this._modelDiverged,
    };
  }

  /** True when the core exports the factor getters that factors() needs. */
  get canReadFactors() {
    return ['_mr_js_model_user_id', '_mr_js_model_movie_id', '_mr_js_model_user_factors', '_mr_js_model_movie_factors']
      .every((name) => typeof this.module[name] === 'function');
  }

  /**
   * Copies the model's ids and factors: U is (users, k) and V is (movies, k),
   * row-major Float64Arrays, rows in ascending id order.
   */
  factors() {
    const model = this._requireModel();
    // NOTE: src/js_abi.c does not export these getters yet (see web/ABI-REQUESTS.txt).
    if (!this.canReadFactors) {
      throw new MinirecError('this core build does not export the model factor getters', STATUS.STATE);
    }
    const { k, users, movies } = this.modelInfo();
    const userIds = Array.from({ length: users }, (_, i) => this.module._mr_js_model_user_id(model, i));
    const movieIds = Array.from({ length: movies }, (_, i) => this.module._mr_js_model_movie_id(model, i));
    const uBase = this.module._mr_js_model_user_factors(model) / BYTES_PER_DOUBLE;
    const vBase = this.module._mr_js_model_movie_factors(model) / BYTES_PER_DOUBLE;
    const heap = this._heapF64();
    return {
      k,
      userIds,
      movieIds,
      U: heap.slice(uBase, uBase + users * k),
      V: heap.slice(vBase, vBase + movies * k),
    };
  }

  /**
   * Predicts the rating of movieId by userId. Returns null when the model has no
   * factors for either (no ratings at training time) or training diverged.
   */
  predict(userId, movieId) {
    const model = this._requireModel();
    if (this._modelDiverged) return null;
    const value = this.module._mr_js_model_predict(model, userId, movieId);
    return Number.isNaN(value) ? null : value;
  }

  // -- Hybrid ranking -------------------------------------------------------

  /**
   * Ranks the movies userId has not rated by
   * alpha * cf + (1 - alpha) * ratingMax * content, best first.
   *
   * Options:
   *   alpha          weight of the CF score, default 0.7
   *   likeThreshold  ratings at or above it count as liked, default 0.8 * ratingMax
   *   topN           rows to return, default 0 (all candidates)
   *   minRatings     skip candidates with fewer ratings, default 0 (keep all,
   *                  even movies without ratings); ignored by cores built before it
   * Rows are { movieIndex, movieId, title, genres, cfScore, contentScore, score }
   * with cfScore null for movies the model has no factors for. The model is
   * left out (content only) when there is none or its training diverged, and
   * `usedModel` is then false.
   */
  recommend(userId, { alpha = ALPHA_DEFAULT, likeThreshold = 0, topN = 0, minRatings = 0 } = {}) {
    const dataset = this._requireDataset();
    const model = this._modelDiverged ? 0 : this._model;
    const candidates = this.movieCount;
    const capacity = Math.max(1, topN > 0 ? Math.min(topN, candidates) : candidates);
    const values = this._withScratch(5 * capacity * BYTES_PER_DOUBLE, (ptr) => {
      const n = this.module._mr_js_recommend(dataset, model, userId, alpha, likeThreshold, topN, ptr, capacity, minRatings);
      if (n < 0) throw this._lastError(`recommending for user ${userId}`);
      const base = ptr / BYTES_PER_DOUBLE;
      return Array.from(this._heapF64().subarray(base, base + 5 * n));
    });

    const rows = [];
    for (let i = 0; i < values.length; i += 5) {
      const movie = this.movie(values[i]);
      rows.push({
        movieIndex: movie.index,
        movieId: movie.id,
        title: movie.title,
        genres: movie.genres,
        cfScore: values[i + 1] ? values[i + 2] : null,
        contentScore: values[i + 3],
        score: values[i + 4],
      });
    }
    return { rows, usedModel: model !== 0 };
  }
}
