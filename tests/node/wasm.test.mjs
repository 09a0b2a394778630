// wasm.test.mjs: tests the WebAssembly core through the JavaScript wrapper
// (web/js/minirec.js) in Node: the built-in data against the numpy reference
// fixture, the MovieLens ml-latest-small files, and malformed input.
// Every suite runs once per build of the core: build/wasm/minirec_core.js and,
// when present, the SIMD build minirec_core_simd.js, each with its .wasm.
// MINIREC_WASM_DIR replaces build/wasm.
// Run: node --test tests/node/   (after building the core)

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, openAsBlob, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Minirec, MinirecError, STATUS, KERNEL, FILE_KIND, detectFileKind } from '../../web/js/minirec.js';
import { chooseCoreFactory, supportsWasmSimd } from '../../web/js/wasm-features.js';
import { loadCoreFactory, wasmDir } from './core-files.mjs';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(testDir, '..', '..');
const BUILDS = [
  { name: 'plain build', file: 'minirec_core.js', exportName: 'createMinirecCore', required: true },
  { name: 'SIMD build', file: 'minirec_core_simd.js', exportName: 'createMinirecCoreSimd', required: false },
];

const builtin = JSON.parse(readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'builtin.json'), 'utf8'));
const mlExpected = JSON.parse(readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'ml_small_expected.json'), 'utf8'));
// The MovieLens files live beside the repository, read-only.
const mlDir = path.resolve(repoRoot, '..', 'shared', 'data', 'ml-latest-small');
const mlMoviesPath = path.join(mlDir, 'movies.csv');
const mlRatingsPath = path.join(mlDir, 'ratings.csv');
const hasMovieLens = existsSync(mlMoviesPath) && existsSync(mlRatingsPath);

const TOLERANCE = 1e-9;
const encode = (text) => new TextEncoder().encode(text);

// ---------------------------------------------------------------------------
// Assertions that name the value at fault
// ---------------------------------------------------------------------------

function assertClose(actual, expected, label) {
  assert.equal(typeof actual, 'number', `${label}: expected a number, got ${actual}`);
  assert.ok(Math.abs(actual - expected) <= TOLERANCE,
    `${label}: expected ${expected}, got ${actual} (difference ${Math.abs(actual - expected)})`);
}

function assertAllClose(actual, expected, label) {
  assert.equal(actual.length, expected.length, `${label}: expected length ${expected.length}, got ${actual.length}`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], `${label}[${i}]`);
}

function assertScoredRows(actual, expected, scoreKey, label) {
  assert.deepEqual(actual.map((row) => row.movieId), expected.map((row) => row.movie_id), `${label}: movie order`);
  expected.forEach((row, i) => assertClose(actual[i][scoreKey], row.similarity ?? row.mean, `${label} row ${i} (movie ${row.movie_id})`));
}

// Set per build by the loop at the bottom of this file.
let createMinirecCore = null;

async function createCore() {
  return Minirec.create(createMinirecCore);
}

/** Defines every suite below for one build of the core. */
function defineSuites() {

  // ---------------------------------------------------------------------------
  // Built-in data against the reference fixture
  // ---------------------------------------------------------------------------

  describe('built-in data', () => {
    let core;
    before(async () => { core = await createCore(); });

    test('summary counts', () => {
      const s = core.summary();
      assert.equal(s.source, 'builtin');
      assert.equal(s.movies, builtin.movies.length);
      assert.equal(s.users, 5);
      assert.equal(s.ratings, builtin.ratings.length);
      assert.equal(s.ratingMax, 5);
      assert.equal(s.duplicates, 0);
    });

    test('catalog ids titles genres', () => {
      const catalog = core.catalog();
      assert.equal(catalog.length, builtin.movies.length);
      builtin.movies.forEach((movie, i) => {
        assert.equal(catalog[i].id, movie.movie_id, `movie ${i} id`);
        assert.equal(catalog[i].title, movie.title, `movie ${i} title`);
        assert.deepEqual([...catalog[i].genres].sort(), movie.genres.split(',').sort(), `movie ${movie.movie_id} genres`);
      });
    });

    test('rating matrix with blanks', () => {
      const { user_ids: userIds, movie_ids: movieIds, values } = builtin.user_item;
      const users = userIds.map((id) => core.userIndex(id));
      const movies = movieIds.map((id) => core.movieIndex(id));
      assert.ok(users.every((u) => u >= 0), `all user ids found: ${users}`);
      assert.ok(movies.every((m) => m >= 0), `all movie ids found: ${movies}`);
      assert.deepEqual(core.ratingMatrix(users, movies), values);
    });

    test('rating lookup of unrated movie is null', () => {
      assert.equal(core.rating(core.userIndex(1), core.movieIndex(2)), null);
      assert.equal(core.rating(core.userIndex(1), core.movieIndex(1)), 5);
    });

    test('popularity mean and count', () => {
      const rows = core.popularity();
      assert.deepEqual(rows.map((row) => row.movieId), builtin.popularity.map((row) => row.movie_id));
      assert.deepEqual(rows.map((row) => row.count), builtin.popularity.map((row) => row.count));
      assertScoredRows(rows, builtin.popularity, 'mean', 'popularity');
    });

    test('popularity minimum count filter', () => {
      const rows = core.popularity({ minCount: 3 });
      const expected = builtin.popularity.filter((row) => row.count >= 3);
      assert.deepEqual(rows.map((row) => row.movieId), expected.map((row) => row.movie_id));
    });

    test('genre vocabulary and one-hot rows', () => {
      assert.deepEqual(core.genres(), builtin.genres);
      const all = core.catalog().map((movie) => movie.index);
      assert.deepEqual(core.genreOneHot(all), builtin.one_hot);
    });

    test('similarity matrix of all movies', () => {
      const all = core.catalog().map((movie) => movie.index);
      const matrix = core.similarityMatrix(all);
      assertAllClose(Array.from(matrix), builtin.similarity.flat(), 'similarity');
    });

    test('similarity matrix of a subset', () => {
      const subset = [6, 0, 2];
      const matrix = core.similarityMatrix(subset);
      const expected = subset.flatMap((i) => subset.map((j) => builtin.similarity[i][j]));
      assertAllClose(Array.from(matrix), expected, 'subset similarity');
    });

    test('similar movies top 3 and top 7', () => {
      for (const [topN, table] of [[3, builtin.similar_top3], [7, builtin.similar_top7]]) {
        for (const [movieId, expected] of Object.entries(table)) {
          assertScoredRows(core.similarMovies(Number(movieId), topN), expected, 'similarity', `top ${topN} for movie ${movieId}`);
        }
      }
    });

    test('similar movies of unknown id raises', () => {
      assert.throws(() => core.similarMovies(999, 3), (error) => error instanceof MinirecError && error.status === STATUS.NOT_FOUND);
    });
  });

  // ---------------------------------------------------------------------------
  // Training and ranking on the built-in data
  // ---------------------------------------------------------------------------

  describe('built-in training', () => {
    const p = builtin.train.params;
    const params = { k: p.k, learningRate: p.lr, regularization: p.reg, epochs: p.epochs, seed: p.seed, kernel: KERNEL.EXACT };
    let core;

    before(async () => {
      core = await createCore();
      core.createModel(params);
      const result = core.train(p.epochs);
      assert.equal(result.epochsDone, p.epochs);
    });

    test('model shape', () => {
      const info = core.modelInfo();
      assert.equal(info.kernel, KERNEL.EXACT);
      assert.match(info.kernelName, /exact/);
      assert.equal(info.k, p.k);
      assert.equal(info.users, builtin.train.user_ids.length);
      assert.equal(info.movies, builtin.train.movie_ids.length);
      assert.equal(info.diverged, false);
    });

    test('RMSE per epoch matches reference', () => {
      assertAllClose(core.rmseHistory(), builtin.train.rmse, 'rmse');
    });

    test('RMSE history from an offset', () => {
      assertAllClose(core.rmseHistory(495), builtin.train.rmse.slice(495), 'rmse tail');
    });

    test('factors U and V match reference', (t) => {
      if (!core.canReadFactors) {
        t.skip('the core does not export mr_js_model_user_factors/movie_factors yet');
        return;
      }
      const f = core.factors();
      assert.deepEqual(f.userIds, builtin.train.user_ids);
      assert.deepEqual(f.movieIds, builtin.train.movie_ids);
      assertAllClose(Array.from(f.U), builtin.train.U.flat(), 'U');
      assertAllClose(Array.from(f.V), builtin.train.V.flat(), 'V');
    });

    test('predictions match reference', () => {
      builtin.train.user_ids.forEach((userId, u) => {
        builtin.train.movie_ids.forEach((movieId, m) => {
          assertClose(core.predict(userId, movieId), builtin.predictions[u][m], `prediction user ${userId} movie ${movieId}`);
        });
      });
    });

    test('prediction without factors is null', () => {
      assert.equal(core.predict(1, 2), null, 'The Matrix Reloaded has no ratings');
      assert.equal(core.predict(99, 1), null, 'unknown user');
    });

    test('training in steps equals one call', async () => {
      const stepped = await createCore();
      stepped.createModel(params);
      let done = 0;
      for (const n of [1, 2, 7, 90, 150, 250]) done = stepped.train(n).epochsDone;
      assert.equal(done, p.epochs);
      assertAllClose(stepped.rmseHistory(), builtin.train.rmse, 'stepped rmse');
      stepped.destroy();
    });

    test('training in step slices equals epochs', async (t) => {
      const sliced = await createCore();
      if (!sliced.capabilities.trainSteps) {
        t.skip('this core build has no mr_js_model_train_steps');
        return;
      }
      sliced.createModel(params);
      const perEpoch = sliced.trainingProgress().stepsPerEpoch;
      assert.equal(perEpoch, builtin.ratings.length, 'steps per epoch are the ratings');
      // Slices of 1, 7 and 16 steps cross epoch ends at every offset.
      let progress = sliced.trainingProgress();
      for (let i = 0; progress.epochsDone < p.epochs; i++) {
        const left = (p.epochs - progress.epochsDone) * perEpoch - progress.epochStep;
        progress = sliced.trainSteps(Math.min(left, [1, 7, 16][i % 3]));
      }
      assert.equal(progress.epochsDone, p.epochs);
      assert.equal(progress.epochStep, 0, 'no epoch left in progress');
      assertAllClose(sliced.rmseHistory(), builtin.train.rmse, 'sliced rmse');
      if (sliced.canReadFactors) {
        assertAllClose(Array.from(sliced.factors().U), builtin.train.U.flat(), 'sliced U');
        assertAllClose(Array.from(sliced.factors().V), builtin.train.V.flat(), 'sliced V');
      }
      sliced.destroy();
    });

    test('epoch step within an epoch', async (t) => {
      const partial = await createCore();
      if (!partial.capabilities.trainSteps) {
        t.skip('this core build has no mr_js_model_train_steps');
        return;
      }
      partial.createModel(params);
      // An epoch is 14 shuffle swaps and then 15 SGD steps: 29 + 14 + 5 units.
      const progress = partial.trainSteps(48);
      assert.deepEqual(progress, { epochsDone: 1, epochStep: 5, stepsPerEpoch: 15 }, 'one epoch and 5 of 15 steps');
      assert.equal(partial.rmseHistory().length, 1, 'only the finished epoch has an RMSE');
      partial.destroy();
    });

    test('user ratings match rating lookups', () => {
      for (const userId of builtin.train.user_ids) {
        const userIndex = core.userIndex(userId);
        const expected = [];
        for (let m = 0; m < core.movieCount; m++) {
          const rating = core.rating(userIndex, m);
          if (rating !== null) expected.push({ movieIndex: m, rating });
        }
        assert.deepEqual(core.userRatings(userIndex), expected, `user ${userId}`);
      }
    });

    test('minimum ratings skips unrated movies', (t) => {
      if (!core.capabilities.minRatings) {
        t.skip('this core build has no min_ratings argument in mr_js_recommend');
        return;
      }
      const all = core.recommend(1, { alpha: 0.7 }).rows.map((row) => row.movieId);
      assert.ok(all.includes(2), `The Matrix Reloaded (no ratings) is a candidate at 0: ${all}`);
      const rated = core.recommend(1, { alpha: 0.7, minRatings: 1 }).rows.map((row) => row.movieId);
      assert.deepEqual(rated, all.filter((id) => id !== 2), 'minimum 1 drops only the unrated movie');
      const counts = new Map(core.popularity().map((row) => [row.movieId, row.count]));
      const two = core.recommend(1, { alpha: 0.7, minRatings: 2 }).rows;
      assert.ok(two.every((row) => counts.get(row.movieId) >= 2), `every candidate has 2 or more ratings: ${two.map((row) => row.movieId)}`);
    });

    test('hybrid rankings per user and alpha', () => {
      for (const [userId, byAlpha] of Object.entries(builtin.hybrid)) {
        for (const [alphaText, expected] of Object.entries(byAlpha)) {
          const label = `user ${userId} alpha ${alphaText}`;
          const { rows, usedModel } = core.recommend(Number(userId), { alpha: Number(alphaText) });
          assert.equal(usedModel, true, `${label}: model used`);
          assert.deepEqual(rows.map((row) => row.movieId), expected.map((row) => row.movie_id), `${label}: order`);
          expected.forEach((row, i) => {
            if (row.cf_score === null) assert.equal(rows[i].cfScore, null, `${label}: movie ${row.movie_id} cf is null`);
            else assertClose(rows[i].cfScore, row.cf_score, `${label}: movie ${row.movie_id} cf`);
            assertClose(rows[i].contentScore, row.content_score, `${label}: movie ${row.movie_id} content`);
            assertClose(rows[i].score, row.score, `${label}: movie ${row.movie_id} score`);
          });
        }
      }
    });

    test('hybrid top N cuts the list', () => {
      const { rows } = core.recommend(1, { alpha: 0.7, topN: 2 });
      assert.deepEqual(rows.map((row) => row.movieId), builtin.hybrid['1']['0.7'].slice(0, 2).map((row) => row.movie_id));
    });

    test('movie without factors scores content only', () => {
      const { rows } = core.recommend(1, { alpha: 0.7 });
      const reloaded = rows.find((row) => row.movieId === 2);
      assert.equal(reloaded.cfScore, null);
      assertClose(reloaded.score, (1 - 0.7) * 5 * reloaded.contentScore, 'content-only score');
    });

    test('recommend for unknown user raises', () => {
      assert.throws(() => core.recommend(42),
        (error) => error instanceof MinirecError && error.status === STATUS.NOT_FOUND && /42/.test(error.message));
    });
  });

  // ---------------------------------------------------------------------------
  // Top N with skipped dot products against the full list
  // ---------------------------------------------------------------------------

  // recommend() with a top N skips the dot products of movies that cannot
  // reach it. topN 0 keeps every candidate, so it scores all of them. The top
  // N must be the head of the full list, with bitwise equal scores.
  describe('top N equals the head of the full list', () => {
    const GENRES = ['Action', 'Comedy', 'Drama', 'Horror'];

    /** Generated catalog of 300 movies (a fifth never rated) and 40 users. */
    function generatedCsv() {
      let seed = 12345;
      const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
      let movies = 'movieId,title,genres\n';
      let ratings = 'userId,movieId,rating,timestamp\n';
      const ids = [];
      for (let i = 0; i < 300; i++) {
        const id = ((i * 7919) % 100003) + 1;
        ids.push(id);
        const genres = GENRES.filter(() => next() < 0.4).join('|') || '(no genres listed)';
        movies += `${id},Movie ${id},${genres}\n`;
      }
      const rated = ids.filter(() => next() >= 0.2);
      for (let user = 1; user <= 40; user++) {
        for (const id of rated) if (next() < 0.15) ratings += `${user},${id},${(1 + Math.floor(next() * 9)) / 2},0\n`;
        ratings += `${user},${rated[user]},4,0\n`;
      }
      return { movies: encode(movies), ratings: encode(ratings) };
    }

    function assertHeadOfFull(core, label) {
      for (const userId of [1, 7, 19, 33]) {
        for (const alpha of [0, 0.3, 0.7, 1]) {
          const full = core.recommend(userId, { alpha }).rows;
          for (const topN of [1, 5, 20]) {
            const where = `${label}, user ${userId}, alpha ${alpha}, top ${topN}`;
            const top = core.recommend(userId, { alpha, topN }).rows;
            assert.deepEqual(top.map((row) => row.movieId), full.slice(0, topN).map((row) => row.movieId), `${where}: movies`);
            top.forEach((row, i) => {
              assert.ok(Object.is(row.score, full[i].score), `${where}: score at rank ${i + 1}: expected ${full[i].score}, got ${row.score}`);
              assert.ok(Object.is(row.cfScore, full[i].cfScore), `${where}: cf at rank ${i + 1}: expected ${full[i].cfScore}, got ${row.cfScore}`);
            });
          }
        }
      }
    }

    for (const [kernelName, kernel] of [['exact', KERNEL.EXACT], ['SIMD float', KERNEL.SIMD_FLOAT]]) {
      test(`${kernelName} kernel, before and after training and inside an epoch`, async () => {
        const core = await createCore();
        await core.loadMovieLens(generatedCsv());
        core.createModel({ k: 10, learningRate: 0.05, epochs: 3, seed: 7, kernel });
        assertHeadOfFull(core, `${kernelName}, untrained`);
        core.train(3);
        assertHeadOfFull(core, `${kernelName}, 3 epochs`);
        const { stepsPerEpoch } = core.trainingProgress();
        core.trainSteps(stepsPerEpoch - 1 + Math.floor(stepsPerEpoch / 2));
        assert.ok(core.trainingProgress().epochStep > 0, 'training stopped inside an epoch');
        assertHeadOfFull(core, `${kernelName}, inside an epoch`);
      });
    }
  });

  describe('model errors', () => {
    test('invalid k raises with message', async () => {
      const core = await createCore();
      assert.throws(() => core.createModel({ k: 0 }),
        (error) => error instanceof MinirecError && error.status === STATUS.INVALID_ARGUMENT && error.message.length > 0);
      assert.equal(core.hasModel, false);
    });

    test('diverged training falls back to content', async () => {
      const core = await createCore();
      core.createModel({ learningRate: 5, epochs: 50 });
      assert.throws(() => core.train(50), (error) => error instanceof MinirecError && error.status === STATUS.DIVERGED);
      assert.equal(core.modelInfo().diverged, true);
      assert.equal(core.predict(1, 1), null);
      const { rows, usedModel } = core.recommend(1);
      assert.equal(usedModel, false);
      assert.ok(rows.every((row) => row.cfScore === null), 'no CF scores after divergence');
    });

    test('train without model raises', async () => {
      const core = await createCore();
      assert.throws(() => core.train(1), (error) => error.status === STATUS.STATE);
    });
  });

  // ---------------------------------------------------------------------------
  // Loading CSV files
  // ---------------------------------------------------------------------------

  const MOVIES_HEADER = 'movieId,title,genres\n';
  const RATINGS_HEADER = 'userId,movieId,rating,timestamp\n';

  describe('CSV loading', () => {
    test('file kind detection', () => {
      assert.equal(detectFileKind(encode(MOVIES_HEADER)), FILE_KIND.MOVIES);
      assert.equal(detectFileKind(encode(`\uFEFF${RATINGS_HEADER}1,1,4,5\n`)), FILE_KIND.RATINGS);
      assert.equal(detectFileKind(encode('a,b,c\n')), 0);
    });

    test('small pair replaces data', async () => {
      const core = await createCore();
      const movies = `${MOVIES_HEADER}10,"Crazy, Stupid, Love (2011)",Comedy|Romance\r\n20,Alien (1979),Horror|Sci-Fi\r\n`;
      const ratings = `${RATINGS_HEADER}1,10,4.5,1\r\n2,20,3,1\r\n2,10,2,1\r\n2,10,5,2\r\n`;
      const summary = await core.loadMovieLens({ movies: encode(movies), ratings: encode(ratings) }, { chunkSize: 7 });
      assert.equal(summary.source, 'movielens');
      assert.equal(summary.movies, 2);
      assert.equal(summary.users, 2);
      assert.equal(summary.ratings, 3);
      assert.equal(summary.duplicates, 1);
      assert.equal(core.catalog()[0].title, 'Crazy, Stupid, Love (2011)');
      assert.equal(core.rating(core.userIndex(2), core.movieIndex(10)), 5, 'the last duplicate wins');
      assert.equal(core.hasModel, false, 'the old model is dropped with the old data');
    });

    test('markup in titles stays literal', async () => {
      const core = await createCore();
      const title = '<b>Bold</b> & <i>"Quoted"</i> (2001)';
      const movies = `${MOVIES_HEADER}1,"${title.replaceAll('"', '""')}",Drama\n`;
      await core.loadMovieLens({ movies: encode(movies), ratings: encode(`${RATINGS_HEADER}1,1,4,0\n`) });
      assert.equal(core.catalog()[0].title, title);
    });

    test('one-byte chunks keep UTF-8 titles', async () => {
      const core = await createCore();
      const title = 'Montaña sagrada, La — 聖なる山 (1973)';
      const movies = `${MOVIES_HEADER}1,"${title}",Drama\r\n`;
      await core.loadMovieLens({ movies: encode(movies), ratings: encode(`${RATINGS_HEADER}1,1,4,0\r\n`) }, { chunkSize: 1 });
      assert.equal(core.catalog()[0].title, title);
    });

    test('malformed rating keeps old data', async () => {
      const core = await createCore();
      core.createModel();
      core.train(10);
      const ratings = `${RATINGS_HEADER}1,1,4.0,1\n1,2,oops,1\n`;
      await assert.rejects(
        core.loadMovieLens({ movies: encode(`${MOVIES_HEADER}1,A (2000),Drama\n2,B (2001),Drama\n`), ratings: encode(ratings) }),
        (error) => error instanceof MinirecError && error.status === STATUS.PARSE && /ratings\.csv line 3/.test(error.message),
      );
      assert.equal(core.summary().source, 'builtin');
      assert.equal(core.movieCount, 8);
      assert.equal(core.modelInfo()?.epochsDone, 10, 'the model of the old data is kept');
      assert.equal(core.recommend(1).rows.length, 5);
    });

    test('malformed movies file names file and line', async () => {
      const core = await createCore();
      const movies = `${MOVIES_HEADER}1,Fine (2000),Drama\n2,Broken\n`;
      await assert.rejects(
        core.loadMovieLens({ movies: encode(movies), ratings: encode(`${RATINGS_HEADER}1,1,4,0\n`) }),
        (error) => error.status === STATUS.PARSE && /movies\.csv line 3/.test(error.message),
      );
      assert.equal(core.movieCount, 8);
    });

    test('file name from Blob appears in error', async () => {
      const core = await createCore();
      const ratings = new File([`${RATINGS_HEADER}1,1,x,0\n`], 'my-ratings.csv');
      await assert.rejects(
        core.loadMovieLens({ movies: encode(`${MOVIES_HEADER}1,A,Drama\n`), ratings }),
        (error) => /my-ratings\.csv line 2/.test(error.message),
      );
    });

    test('empty and header-only files raise', async () => {
      const core = await createCore();
      const movies = encode(`${MOVIES_HEADER}1,A,Drama\n`);
      await assert.rejects(core.loadMovieLens({ movies, ratings: encode('') }), (error) => error.status === STATUS.PARSE);
      await assert.rejects(core.loadMovieLens({ movies, ratings: encode(RATINGS_HEADER) }), (error) => error.status === STATUS.PARSE);
      assert.equal(core.summary().source, 'builtin');
    });

    test('parser counts data lines', async (t) => {
      const core = await createCore();
      if (!core.capabilities.parserCounts) {
        t.skip('this core build has no mr_js_parser_counts');
        return;
      }
      const job = core.beginLoad();
      try {
        const file = job.openFile('ratings.csv', FILE_KIND.RATINGS);
        file.feed(encode(`${RATINGS_HEADER}1,1,4,0\n\n2,1,3,0\n\n3,2,5,0\n`));
        const counts = file.counts();
        assert.equal(counts.dataLines, 3, `data lines exclude the header and blank lines: ${JSON.stringify(counts)}`);
        assert.equal(counts.skipped, 0);
        file.end();
        assert.equal(file.counts().dataLines, 3, 'counts stay readable after end()');
      } finally {
        job.abort();
      }
    });

    test('missing file raises', async () => {
      const core = await createCore();
      await assert.rejects(core.loadMovieLens({ movies: encode(MOVIES_HEADER) }), (error) => error.status === STATUS.INVALID_ARGUMENT);
    });

    test('back to built-in data', async () => {
      const core = await createCore();
      await core.loadMovieLens({ movies: encode(`${MOVIES_HEADER}1,A,Drama\n`), ratings: encode(`${RATINGS_HEADER}1,1,4,0\n`) });
      assert.equal(core.isBuiltin, false);
      core.loadBuiltin();
      assert.equal(core.isBuiltin, true);
      assert.equal(core.catalog()[1].title, 'The Matrix Reloaded');
    });
  });

  // ---------------------------------------------------------------------------
  // MovieLens ml-latest-small
  // ---------------------------------------------------------------------------

  describe('MovieLens ml-latest-small', { skip: !hasMovieLens && `data not found in ${mlDir}` }, () => {
    let core;
    const progress = [];

    before(async () => {
      core = await createCore();
      const movies = await openAsBlob(mlMoviesPath);
      const ratings = await openAsBlob(mlRatingsPath);
      await core.loadMovieLens({ movies: new File([movies], 'movies.csv'), ratings: new File([ratings], 'ratings.csv') },
        { onProgress: (event) => progress.push(event) });
    });

    test('counts match reference', () => {
      const s = core.summary();
      assert.equal(s.users, mlExpected.n_users);
      assert.equal(s.movies, mlExpected.n_movies);
      assert.equal(s.ratings, mlExpected.n_ratings);
      assert.equal(s.ratingMin, 0.5);
      assert.equal(s.ratingMax, 5);
      assert.equal(s.duplicates, 0);
      assert.deepEqual(s.files, ['movies.csv', 'ratings.csv']);
    });

    test('progress reaches end of each file', () => {
      const last = (kind) => progress.filter((event) => event.kind === kind).at(-1);
      assert.equal(last(FILE_KIND.MOVIES).bytesDone, last(FILE_KIND.MOVIES).bytesTotal);
      assert.equal(last(FILE_KIND.RATINGS).bytesDone, last(FILE_KIND.RATINGS).bytesTotal);
      assert.ok(progress.filter((event) => event.kind === FILE_KIND.RATINGS).length >= 3, 'ratings.csv is read in several 1 MiB chunks');
      assert.equal(last(FILE_KIND.RATINGS).line, mlExpected.n_ratings + 1, 'lines read, header included');
    });

    test('genres match reference', () => {
      assert.deepEqual(core.genres(), mlExpected.genres);
    });

    test('popularity top 10 with and without minimum', () => {
      const top = core.popularity({ limit: 10 });
      assert.deepEqual(top.map((row) => row.count), mlExpected.popularity_top10.map((row) => row.count));
      assertScoredRows(top, mlExpected.popularity_top10, 'mean', 'popularity');
      assertScoredRows(core.popularity({ minCount: 50, limit: 10 }), mlExpected.popularity_min50_top10, 'mean', 'popularity min 50');
    });

    test('similar movies top 5', () => {
      for (const [movieId, expected] of Object.entries(mlExpected.similar_top5)) {
        assertScoredRows(core.similarMovies(Number(movieId), 5), expected, 'similarity', `similar to ${movieId}`);
      }
    });

    test('subsets for the page', () => {
      const users = core.mostActiveUsers(20);
      const movies = core.mostRatedMovies(30);
      assert.equal(users.length, 20);
      assert.equal(movies.length, 30);
      const counts = users.map((u) => core.userRatingCount(u));
      assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'most active first');
      assert.equal(core.similarityMatrix(movies).length, 900);
    });

    test('three exact epochs match reference', () => {
      const p = mlExpected.train.params;
      core.createModel({ k: p.k, learningRate: p.lr, regularization: p.reg, epochs: p.epochs, seed: p.seed, kernel: KERNEL.EXACT });
      assert.equal(core.modelInfo().movies, mlExpected.n_rated_movies);
      core.train(p.epochs);
      assertAllClose(core.rmseHistory(), mlExpected.train.rmse, 'ml rmse');
      for (const row of mlExpected.predictions) {
        assertClose(core.predict(row.user_id, row.movie_id), row.prediction, `prediction user ${row.user_id} movie ${row.movie_id}`);
      }
    });

    test('recommendations for user 414', () => {
      const { rows, usedModel } = core.recommend(414, { alpha: 0.7, topN: 10 });
      assert.equal(usedModel, true);
      assert.equal(rows.length, 10);
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].score >= rows[i].score, `row ${i} sorted by score`);
      const userIndex = core.userIndex(414);
      assert.ok(rows.every((row) => core.rating(userIndex, row.movieIndex) === null), 'only unrated movies');
    });

    test('small chunks give same catalog', async () => {
      // 509-byte chunks split thousands of lines, and one boundary falls inside
      // a multi-byte UTF-8 character of movies.csv.
      const other = await createCore();
      await other.loadMovieLens({ movies: readFileSync(mlMoviesPath), ratings: readFileSync(mlRatingsPath) }, { chunkSize: 509 });
      assert.deepEqual(other.summary(), core.summary());
      assert.deepEqual(other.catalog().map((movie) => movie.title), core.catalog().map((movie) => movie.title));
      other.destroy();
    });

    test('malformed file keeps MovieLens data', async () => {
      const ratings = `${RATINGS_HEADER}1,1,4.0,1\n1,2,4.0,1\n1,3,,1\n`;
      await assert.rejects(
        core.loadMovieLens({ movies: readFileSync(mlMoviesPath), ratings: encode(ratings) }),
        (error) => /ratings\.csv line 4/.test(error.message),
      );
      assert.equal(core.userCount, mlExpected.n_users);
      assert.equal(core.ratingCount, mlExpected.n_ratings);
    });
  });
}

describe('core selection', () => {
  test('Node 20 supports WebAssembly SIMD', () => {
    assert.equal(supportsWasmSimd(), true);
  });

  test('SIMD build preferred when present', () => {
    const plain = () => 'plain';
    const simd = () => 'simd';
    assert.equal(chooseCoreFactory({ plain, simd }).factory, simd);
    assert.equal(chooseCoreFactory({ plain, simd: undefined }).factory, plain);
    assert.equal(chooseCoreFactory({}), null);
  });
});

// ---------------------------------------------------------------------------
// One set of suites per build
// ---------------------------------------------------------------------------

for (const build of BUILDS) {
  const file = path.join(wasmDir, build.file);
  if (!existsSync(file)) {
    if (build.required) throw new Error(`${file} not found; build the WebAssembly core first (tools/build.sh)`);
    describe(build.name, { skip: `${build.file} not built` }, () => {});
    continue;
  }
  describe(build.name, () => {
    before(() => { createMinirecCore = loadCoreFactory(file); });
    defineSuites();
  });
}
