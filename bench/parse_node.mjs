// parse_node.mjs: parse throughput of the page's WebAssembly module in Node.
// Like the page, it copies 1 MiB chunks into the module's heap and calls
// mr_js_parser_feed for each, movies.csv first, then ratings.csv, then
// finishes the data set. Files are read into memory before timing starts.
//
//   node bench/parse_node.mjs CORE.js --movies PATH --ratings PATH
//        [--label NAME] [--repeats N] [--chunk BYTES] [--build NAME]
//
// Each repeat uses a fresh module instance, so "heap_bytes" (HEAPU8.length
// after loading and finishing) is that load's peak: WebAssembly memory only
// grows. Prints one JSON line with the medians.

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const FILE_KIND = { MOVIES_CSV: 1, RATINGS_CSV: 2 };

function option(args, name, fallback) {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Raises the module's last error as a JavaScript error.
function check(core, status, operation) {
  if (status !== 0) {
    const message = core.UTF8ToString(core._mr_js_error_message());
    throw new Error(`${operation} failed with status ${status}: ${message}`);
  }
}

// Feeds `bytes` to a new parser through a heap buffer of `chunk` bytes; returns seconds.
function parseFile(core, dataset, kind, name, bytes, chunk) {
  const start = performance.now();
  const nameBytes = core.lengthBytesUTF8(name) + 1;
  const namePtr = core._mr_js_malloc(nameBytes);
  core.stringToUTF8(name, namePtr, nameBytes);
  const parser = core._mr_js_parser_create(dataset, kind, namePtr);
  core._mr_js_free(namePtr);
  if (!parser) throw new Error(`creating the parser for ${name} failed (out of memory)`);
  const buffer = core._mr_js_malloc(chunk);
  try {
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const piece = bytes.subarray(offset, Math.min(offset + chunk, bytes.length));
      // HEAPU8 is replaced when memory grows, so read it after every call.
      core.HEAPU8.set(piece, buffer);
      check(core, core._mr_js_parser_feed(parser, buffer, piece.length), `${name} feed`);
    }
    check(core, core._mr_js_parser_end(parser), `${name} end`);
  } finally {
    core._mr_js_free(buffer);
    core._mr_js_parser_destroy(parser);
  }
  return (performance.now() - start) / 1000;
}

async function main() {
  const [corePath, ...args] = process.argv.slice(2);
  const moviesPath = option(args, '--movies');
  const ratingsPath = option(args, '--ratings');
  if (!corePath || !moviesPath || !ratingsPath) {
    console.error('usage: node bench/parse_node.mjs CORE.js --movies PATH --ratings PATH [--label NAME] [--repeats N] [--chunk BYTES] [--build NAME]');
    process.exit(2);
  }
  const repeats = Number(option(args, '--repeats', '1'));
  const chunk = Number(option(args, '--chunk', String(1 << 20)));
  // tools/build.sh builds the page's modules with the .wasm beside the glue;
  // Node 20's fetch() cannot load it by path, so the bytes go in as wasmBinary.
  const glue = require(path.resolve(corePath));
  const wasmPath = path.resolve(corePath).replace(/\.js$/, '.wasm');
  const factory = existsSync(wasmPath) ? (options) => glue({ ...options, wasmBinary: readFileSync(wasmPath) }) : glue;
  const movies = readFileSync(moviesPath);
  const ratings = readFileSync(ratingsPath);

  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const core = await factory({ print: () => {}, printErr: (line) => process.stderr.write(`${line}\n`) });
    const heapAtStart = core.HEAPU8.length;
    const dataset = core._mr_js_dataset_create();
    const moviesSeconds = parseFile(core, dataset, FILE_KIND.MOVIES_CSV, 'movies.csv', movies, chunk);
    const ratingsSeconds = parseFile(core, dataset, FILE_KIND.RATINGS_CSV, 'ratings.csv', ratings, chunk);
    const start = performance.now();
    check(core, core._mr_js_dataset_finish(dataset), 'finish');
    const finishSeconds = (performance.now() - start) / 1000;
    runs.push({
      moviesSeconds, ratingsSeconds, finishSeconds,
      ratings: core._mr_js_n_ratings(dataset),
      heapBytes: core.HEAPU8.length,
      heapAtStart,
    });
    core._mr_js_dataset_destroy(dataset);
  }

  const nRatings = runs[0].ratings;
  const heapBytes = Math.max(...runs.map((run) => run.heapBytes));
  const ratingsSeconds = median(runs.map((run) => run.ratingsSeconds));
  const moviesSeconds = median(runs.map((run) => run.moviesSeconds));
  const record = {
    bench: 'parse',
    build: option(args, '--build', 'wasm'),
    runtime: 'node',
    data: option(args, '--label', 'data'),
    repeats,
    chunk,
    movies_bytes: movies.length,
    ratings_bytes: ratings.length,
    ratings: nRatings,
    movies_s: Number(moviesSeconds.toFixed(4)),
    ratings_s: Number(ratingsSeconds.toFixed(4)),
    finish_s: Number(median(runs.map((run) => run.finishSeconds)).toFixed(4)),
    ratings_mb_per_s: Number((ratings.length / 1e6 / ratingsSeconds).toFixed(1)),
    movies_mb_per_s: Number((movies.length / 1e6 / moviesSeconds).toFixed(1)),
    heap_bytes: heapBytes,
    heap_at_start_bytes: runs[0].heapAtStart,
    heap_bytes_per_rating: Number((heapBytes / nRatings).toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

main().catch((error) => {
  // A failed load (for example out of memory) is a result too: record it.
  const args = process.argv.slice(3);
  const record = {
    bench: 'parse', build: option(args, '--build', 'wasm'), runtime: 'node',
    data: option(args, '--label', 'data'), error: error.message,
  };
  process.stdout.write(`${JSON.stringify(record)}\n`);
  console.error(`parse_node: ${error.message}`);
  process.exit(1);
});
