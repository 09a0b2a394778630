// loading.test.mjs: tests the streaming loader of the page in Node. It covers
// the zip reader (web/js/zip.js) on archives built by zip-writer.mjs and the
// file-kind detection (web/js/formats.js). It also runs the core service
// (web/js/core-service.js) that the page's worker runs, through load plans,
// progress events, cancel, errors, ratings without movies, and the real
// ml-latest-small as a .zip.
// Run: node --test tests/node/   (after building the core)

import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { readZipDirectory, openZipMember, looksLikeZip, crc32 as zipCrc32, ZipError } from '../../web/js/zip.js';
import { FILE_KIND, kindFromFirstLine, kindFromName, isKnownExtra, sortForParsing } from '../../web/js/formats.js';
import { createCoreService, createCallContext, serializeError, deserializeError } from '../../web/js/core-service.js';
import { MinirecError, STATUS } from '../../web/js/minirec.js';
import { buildZip, crc32 } from './zip-writer.mjs';
import { loadCoreFactory } from './core-files.mjs';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(testDir, '..', '..');
const mlExpected = JSON.parse(readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'ml_small_expected.json'), 'utf8'));
const mlDir = path.resolve(repoRoot, '..', 'shared', 'data', 'ml-latest-small');
const hasMovieLens = ['ratings.csv', 'movies.csv', 'tags.csv', 'links.csv', 'README.txt'].every((name) => existsSync(path.join(mlDir, name)));

const MOVIES = 'movieId,title,genres\n10,"Crazy, Stupid, Love (2011)",Comedy|Romance\n20,Alien (1979),Horror|Sci-Fi\n30,Heat (1995),Action|Crime\n';
const RATINGS = 'userId,movieId,rating,timestamp\n1,10,4.5,1\n2,20,3,1\n2,10,2,1\n3,30,5,1\n3,20,4,1\n';

const blobInput = (name, data) => ({ type: 'blob', blob: new File([data], name), name });

async function readAll(stream) {
  const chunks = [];
  for (const reader = stream.getReader(); ;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

// Creates a started service; service.started is the result of its start method.
async function createService() {
  const service = createCoreService({ factories: { plain: loadCoreFactory('minirec_core.js') } });
  service.started = await service.call('start');
  return service;
}

// Runs a load and collects its events. Resolves to { result, events } or rejects.
async function load(service, inputs, options = {}, onEvent = () => {}) {
  const events = [];
  const context = createCallContext((event) => { events.push(event); onEvent(event, context); });
  const result = await service.call('load', [inputs, options], context);
  return { result, events };
}

// ---------------------------------------------------------------------------
// Zip reader
// ---------------------------------------------------------------------------

describe('zip reader', () => {
  const text = 'line one\nline two — é\n'.repeat(2000);
  const archive = buildZip([
    { name: 'release/', data: '', method: 'store' },
    { name: 'release/ratings.csv', data: text },
    { name: 'release/README.txt', data: 'read me', method: 'store' },
  ]);
  const blob = new Blob([archive]);

  test('CRC-32 matches the writer', () => {
    const bytes = Buffer.from(text, 'utf8');
    assert.equal(zipCrc32(bytes), crc32(bytes), 'one call');
    assert.equal(zipCrc32(bytes.subarray(100), zipCrc32(bytes.subarray(0, 100))), crc32(bytes), 'continued over two calls');
  });

  test('directory lists files without folders', async () => {
    const entries = await readZipDirectory(blob, 'release.zip');
    assert.deepEqual(entries.map((entry) => entry.name), ['release/ratings.csv', 'release/README.txt']);
    assert.equal(entries[0].method, 8, 'deflated');
    assert.equal(entries[0].size, Buffer.byteLength(text), 'uncompressed size');
    assert.equal(entries[1].method, 0, 'stored');
  });

  test('deflated and stored members read back', async () => {
    const [deflated, stored] = await readZipDirectory(blob, 'release.zip');
    assert.equal((await readAll(await openZipMember(blob, deflated, 'release.zip'))).toString('utf8'), text);
    assert.equal((await readAll(await openZipMember(blob, stored, 'release.zip'))).toString('utf8'), 'read me');
  });

  test('ZIP64 end record is read', async () => {
    const zip64 = new Blob([buildZip([{ name: 'u.data', data: '1\t2\t3\t4\n' }], { zip64: true })]);
    const entries = await readZipDirectory(zip64, 'big.zip');
    assert.deepEqual(entries.map((entry) => entry.name), ['u.data']);
    assert.equal((await readAll(await openZipMember(zip64, entries[0], 'big.zip'))).toString(), '1\t2\t3\t4\n');
  });

  test('zip signature detection', () => {
    assert.equal(looksLikeZip(new Uint8Array(archive.subarray(0, 8))), true);
    assert.equal(looksLikeZip(new TextEncoder().encode('userId,movieId')), false);
  });

  test('truncated archive raises one message', async () => {
    for (const keep of [archive.length - 10, Math.floor(archive.length / 2), 3]) {
      await assert.rejects(readZipDirectory(new Blob([archive.subarray(0, keep)]), 'cut.zip'),
        (error) => error instanceof ZipError && /cut\.zip is not a complete zip archive/.test(error.message) && /Download it again/.test(error.message),
        `archive cut to ${keep} of ${archive.length} bytes`);
    }
  });

  test('corrupt member data raises', async () => {
    const broken = Buffer.from(archive);
    const [entry] = await readZipDirectory(blob, 'release.zip');
    const dataStart = entry.localHeaderOffset + 30 + Buffer.byteLength(entry.name);
    for (let i = 0; i < 40; i++) broken[dataStart + 20 + i] ^= 0x5a;
    const brokenBlob = new Blob([broken]);
    await assert.rejects(readAll(await openZipMember(brokenBlob, entry, 'release.zip')),
      (error) => error instanceof ZipError && /release\.zip: release\/ratings\.csv is corrupt/.test(error.message));
  });

  test('members read without DecompressionStream', async () => {
    // Engines without DecompressionStream inflate with inflate.js.
    const saved = globalThis.DecompressionStream;
    globalThis.DecompressionStream = undefined;
    try {
      const [deflated, stored] = await readZipDirectory(blob, 'release.zip');
      assert.equal((await readAll(await openZipMember(blob, deflated, 'release.zip'))).toString('utf8'), text, 'deflated member');
      assert.equal((await readAll(await openZipMember(blob, stored, 'release.zip'))).toString('utf8'), 'read me', 'stored member');

      const broken = Buffer.from(archive);
      const dataStart = deflated.localHeaderOffset + 30 + Buffer.byteLength(deflated.name);
      for (let i = 0; i < 40; i++) broken[dataStart + 20 + i] ^= 0x5a;
      await assert.rejects(readAll(await openZipMember(new Blob([broken]), deflated, 'release.zip')),
        (error) => error instanceof ZipError && /release\.zip: release\/ratings\.csv is corrupt/.test(error.message),
        'damaged deflated member');
    } finally {
      globalThis.DecompressionStream = saved;
    }
  });

  test('unsupported method and encryption raise', async () => {
    const [entry] = await readZipDirectory(blob, 'release.zip');
    await assert.rejects(openZipMember(blob, { ...entry, method: 12 }, 'release.zip'), /compression method 12/);
    await assert.rejects(openZipMember(blob, { ...entry, flags: 1 }, 'release.zip'), /encrypted/);
  });
});

// ---------------------------------------------------------------------------
// File kinds
// ---------------------------------------------------------------------------

describe('file kinds', () => {
  const encode = (text) => new TextEncoder().encode(text);

  test('kind from file name', () => {
    assert.equal(kindFromName('ml-25m/ratings.csv'), FILE_KIND.RATINGS);
    assert.equal(kindFromName('ML-100K/U.ITEM'), FILE_KIND.ML100K_ITEM);
    assert.equal(kindFromName('ml-1m\\movies.dat'), FILE_KIND.MOVIES_DAT);
    assert.equal(kindFromName('my-ratings.csv'), FILE_KIND.AUTO);
  });

  test('kind from first line', () => {
    const cases = [
      ['userId,movieId,rating,timestamp\n1,1,4,0\n', FILE_KIND.RATINGS],
      ['\uFEFFmovieId,title,genres\r\n', FILE_KIND.MOVIES],
      ['1::1193::5::978300760\n', FILE_KIND.RATINGS_DAT],
      ['0002844::Fantômas (1913)::Crime|Drama\n', FILE_KIND.MOVIES_DAT],
      ['196\t242\t3\t881250949\n', FILE_KIND.ML100K_DATA],
      ['1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n', FILE_KIND.ML100K_ITEM],
      ['unknown|0\nAction|1\n', FILE_KIND.ML100K_GENRE],
      ['a,b,c\n', FILE_KIND.AUTO],
    ];
    for (const [text, expected] of cases) assert.equal(kindFromFirstLine(encode(text)), expected, JSON.stringify(text));
  });

  test('release extras are recognised', () => {
    for (const name of ['ml-latest-small/tags.csv', 'links.csv', 'ml-100k/u1.base', 'ml-100k/ua.test', 'u.user', 'README.txt', '__MACOSX/._ratings.csv']) {
      assert.equal(isKnownExtra(name), true, name);
    }
    assert.equal(isKnownExtra('ratings.csv'), false);
  });

  test('parsing order genres movies ratings', () => {
    const files = [{ name: 'u.data', kind: FILE_KIND.ML100K_DATA }, { name: 'u.item', kind: FILE_KIND.ML100K_ITEM }, { name: 'u.genre', kind: FILE_KIND.ML100K_GENRE }];
    assert.deepEqual(sortForParsing(files).map((file) => file.name), ['u.genre', 'u.item', 'u.data']);
  });
});

// ---------------------------------------------------------------------------
// Core service
// ---------------------------------------------------------------------------

describe('core service', () => {
  let service;
  before(async () => { service = await createService(); });

  test('errors survive serialization', () => {
    const error = deserializeError(serializeError(new MinirecError('bad line', STATUS.PARSE)));
    assert.ok(error instanceof MinirecError, 'rebuilt as MinirecError');
    assert.equal(error.status, STATUS.PARSE);
    assert.equal(error.message, 'bad line');
  });

  test('unknown method raises', async () => {
    await assert.rejects(service.call('dropTables'), /unknown core method dropTables/);
  });

  test('CSV pair loads with progress events', async () => {
    const { result, events } = await load(service, [blobInput('ratings.csv', RATINGS), blobInput('movies.csv', MOVIES)], { chunkSize: 16 });
    assert.equal(result.ratings, 5);
    assert.equal(result.movies, 3);
    assert.equal(result.users, 3);
    assert.deepEqual(result.files, ['movies.csv', 'ratings.csv'], 'movies parsed first');
    const plan = events.find((event) => event.phase === 'plan');
    assert.equal(plan.bytesTotal, MOVIES.length + RATINGS.length, 'plan counts all bytes');
    const last = events.filter((event) => event.phase === 'progress').at(-1);
    assert.equal(last.bytesDone, last.bytesTotal, 'progress reaches the total');
    assert.equal(last.ratingsRead, 5, 'ratings read');
    assert.ok(events.some((event) => event.phase === 'finishing'), 'finishing event');
  });

  test('catalog page search and paging', async () => {
    await load(service, [blobInput('movies.csv', MOVIES), blobInput('ratings.csv', RATINGS)]);
    const all = await service.call('catalogPage', [{ query: '', offset: 0, limit: 2 }]);
    assert.equal(all.matches, 3);
    assert.deepEqual(all.rows.map((row) => row.id), [10, 20], 'most rated first, ties by id');
    const second = await service.call('catalogPage', [{ query: '', offset: 2, limit: 2 }]);
    assert.deepEqual(second.rows.map((row) => row.id), [30], 'second page');
    assert.equal(second.offset, 2);
    const past = await service.call('catalogPage', [{ query: '', offset: 400, limit: 2 }]);
    assert.equal(past.offset, 2, 'an offset past the end shows the last page');
    const found = await service.call('catalogPage', [{ query: 'ALIEN', offset: 0, limit: 2 }]);
    assert.deepEqual(found.rows.map((row) => row.title), ['Alien (1979)'], 'case-insensitive title search');
    assert.equal(found.rows[0].ratings, 2, 'rating count per row');
  });

  test('heatmap subset by search', async () => {
    await load(service, [blobInput('movies.csv', MOVIES), blobInput('ratings.csv', RATINGS)]);
    const map = await service.call('heatmap', [{ query: 'a', count: 2 }]);
    assert.equal(map.matches, 3, 'every title contains an a');
    assert.equal(map.movies.length, 2, 'cut to count');
    assert.equal(map.values.length, 4, '2 x 2 matrix');
    assert.equal(map.values[0], 1, 'a movie is similar to itself');
  });

  test('ratings without movies work', async () => {
    const { result } = await load(service, [blobInput('ratings.csv', RATINGS)]);
    assert.equal(result.genres, 0);
    assert.equal(result.movies, 3);
    assert.equal(result.moviesFromRatings, 3);
    const page = await service.call('catalogPage', [{ limit: 10 }]);
    assert.deepEqual(page.rows.map((row) => row.title), ['', '', ''], 'no titles');
    const { rows } = await service.call('recommend', [{ userId: 1, alpha: 0.7, likeThreshold: 4, topN: 5 }]);
    assert.equal(rows.length, 2, 'two unrated movies');
  });

  test('movies alone are rejected', async () => {
    await assert.rejects(load(service, [blobInput('movies.csv', MOVIES)]),
      (error) => error.status === STATUS.INVALID_ARGUMENT && /No ratings file among the chosen files \(movies\.csv\)/.test(error.message));
  });

  test('two ratings files are rejected', async () => {
    await assert.rejects(load(service, [blobInput('ratings.csv', RATINGS), blobInput('more.csv', RATINGS)]),
      /Choose one ratings file at a time; got 2: ratings\.csv, more\.csv/);
  });

  test('unknown file is named', async () => {
    await assert.rejects(load(service, [blobInput('notes.txt', 'hello\n')]), /Cannot tell what notes\.txt is/);
  });

  test('cancel keeps the old data', async () => {
    await load(service, [blobInput('movies.csv', MOVIES), blobInput('ratings.csv', RATINGS)]);
    const big = `userId,movieId,rating,timestamp\n${'1,1,4,0\n'.repeat(200000)}`;
    await assert.rejects(
      load(service, [blobInput('ratings.csv', big)], { chunkSize: 4096 }, (event, context) => {
        if (event.phase === 'progress') context.cancel();
      }),
      (error) => error.name === 'LoadCancelled');
    const summary = await service.call('summary');
    assert.equal(summary.ratings, 5, 'old ratings still loaded');
    assert.equal(summary.movies, 3, 'old movies still loaded');
    const { result } = await load(service, [blobInput('ratings.csv', RATINGS)]);
    assert.equal(result.ratings, 5, 'a later load works');
  });

  test('parse error keeps the old data', async () => {
    await load(service, [blobInput('movies.csv', MOVIES), blobInput('ratings.csv', RATINGS)]);
    await assert.rejects(load(service, [blobInput('ratings.csv', `${RATINGS}4,10,lots,1\n`)]),
      (error) => error.status === STATUS.PARSE && /ratings\.csv line 7/.test(error.message));
    assert.equal((await service.call('summary')).ratings, 5);
  });

  test('zip of CSV files loads', async () => {
    const archive = buildZip([
      { name: 'tiny/README.txt', data: 'terms', method: 'store' },
      { name: 'tiny/ratings.csv', data: RATINGS },
      { name: 'tiny/tags.csv', data: 'userId,movieId,tag,timestamp\n' },
      { name: 'tiny/movies.csv', data: MOVIES, method: 'store' },
    ]);
    const { result, events } = await load(service, [blobInput('tiny.zip', archive)]);
    assert.equal(result.ratings, 5);
    assert.deepEqual(result.files, ['tiny/movies.csv', 'tiny/ratings.csv']);
    assert.deepEqual(result.ignored, ['tiny/README.txt', 'tiny/tags.csv']);
    const plan = events.find((event) => event.phase === 'plan');
    assert.equal(plan.bytesTotal, MOVIES.length + RATINGS.length, 'uncompressed sizes');
  });

  test('zip without ratings is rejected', async () => {
    const archive = buildZip([{ name: 'movies.csv', data: MOVIES }, { name: 'links.csv', data: 'movieId,imdbId\n' }]);
    await assert.rejects(load(service, [blobInput('movies-only.zip', archive)]),
      /movies-only\.zip contains no ratings file \(ratings\.csv, ratings\.dat or u\.data\); it holds 2 files: movies\.csv, links\.csv/);
  });

  test('truncated zip keeps the old data', async () => {
    await load(service, [blobInput('movies.csv', MOVIES), blobInput('ratings.csv', RATINGS)]);
    const archive = buildZip([{ name: 'ratings.csv', data: RATINGS.repeat(50) }]);
    await assert.rejects(load(service, [blobInput('cut.zip', archive.subarray(0, archive.length - 30))]),
      /cut\.zip is not a complete zip archive/);
    assert.equal((await service.call('summary')).ratings, 5);
  });

  test('ratings read counts data lines', async () => {
    const withBlanks = RATINGS.replace('\n2,20', '\n\n\n2,20');
    const { events } = await load(service, [blobInput('ratings.csv', withBlanks)]);
    const last = events.filter((event) => event.phase === 'progress').at(-1);
    assert.equal(last.ratingsRead, 5, 'blank lines and the header are not ratings');
  });

  test('training step stops at the target epoch', async () => {
    await service.call('loadBuiltin');
    await service.call('createModel', [{ epochs: 7 }]);
    const step = await service.call('trainStep', [{ target: 7, budgetMs: 1000, since: 0 }]);
    assert.equal(step.epochsDone, 7, 'exactly the target, not a step more');
    assert.equal(step.epochStep, 0, 'no epoch left in progress');
    assert.equal(step.stepsPerEpoch, 15);
    assert.equal(step.rmse.length, 7);
  });

  test('training steps reach the target', async () => {
    await service.call('loadBuiltin');
    await service.call('createModel', [{ epochs: 40 }]);
    let step = { epochsDone: 0, rmse: [] };
    const rmse = [];
    while (step.epochsDone < 40) {
      step = await service.call('trainStep', [{ target: 40, budgetMs: 0, since: rmse.length }]);
      rmse.push(...step.rmse);
    }
    assert.equal(step.epochsDone, 40);
    assert.equal(rmse.length, 40, 'one RMSE per epoch, none repeated');
    assert.deepEqual(await service.call('rmseHistory', [{ since: 0 }]), rmse);
  });
});

// ---------------------------------------------------------------------------
// Other formats (cores with the format exports only)
// ---------------------------------------------------------------------------

describe('other formats', () => {
  let service;
  let allFormats = false;
  before(async () => {
    service = await createService();
    allFormats = service.started.capabilities.allFormats;
  });

  test('ml-100k zip loads', async (t) => {
    if (!allFormats) {
      t.skip('this core build reads only MovieLens CSV files');
      return;
    }
    const flags = (on) => Array.from({ length: 19 }, (_, i) => (on.includes(i) ? 1 : 0)).join('|');
    const archive = buildZip([
      { name: 'ml-100k/u.info', data: '3 users\n' },
      { name: 'ml-100k/u.data', data: '1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n3\t2\t2\t876893119\n' },
      { name: 'ml-100k/u1.base', data: '1\t1\t5\t874965758\n' },
      { name: 'ml-100k/u.item', data: `1|Toy Story (1995)|01-Jan-1995||http://x|${flags([3, 4, 5])}\n2|GoldenEye (1995)|01-Jan-1995||http://x|${flags([1, 2, 16])}\n` },
      { name: 'ml-100k/u.genre', data: 'unknown|0\nAction|1\nAdventure|2\nAnimation|3\nChildren\'s|4\nComedy|5\nCrime|6\nDocumentary|7\nDrama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\nMusical|12\nMystery|13\nRomance|14\nSci-Fi|15\nThriller|16\nWar|17\nWestern|18\n\n' },
    ]);
    const { result } = await load(service, [blobInput('ml-100k.zip', archive)]);
    assert.deepEqual(result.files, ['ml-100k/u.genre', 'ml-100k/u.item', 'ml-100k/u.data'], 'genre, movies, ratings order');
    assert.equal(result.ratings, 4);
    assert.equal(result.movies, 2);
    const page = await service.call('catalogPage', [{ limit: 10 }]);
    assert.deepEqual(page.rows.map((row) => row.title), ['Toy Story (1995)', 'GoldenEye (1995)']);
    assert.deepEqual(page.rows[0].genres, ['Animation', "Children's", 'Comedy']);
    assert.ok(result.fileReports.every((file) => file.format.length > 0), `formats reported: ${JSON.stringify(result.fileReports)}`);
  });

  test('dat files keep leading zeros', async (t) => {
    if (!allFormats) {
      t.skip('this core build reads only MovieLens CSV files');
      return;
    }
    const movies = '0002844::Fantômas (1913)::Crime|Drama\n0004936::The Bank (1915)::Comedy|Short\n';
    const ratings = '1::0002844::7::1365029107\n2::0004936::8::1366576639\n2::0002844::10::1366576639\n';
    const { result } = await load(service, [blobInput('ratings.dat', ratings), blobInput('movies.dat', movies)]);
    assert.equal(result.ratings, 3);
    assert.equal(result.ratingMax, 10);
    const page = await service.call('catalogPage', [{ limit: 10 }]);
    assert.deepEqual(page.rows.map((row) => row.label), ['0002844', '0004936']);
  });

  test('lenient mode reports skipped lines', async (t) => {
    if (!allFormats) {
      t.skip('this core build has no lenient mode');
      return;
    }
    const ratings = `${RATINGS}4,10,lots,1\n5,20,3,1\n`;
    const { result } = await load(service, [blobInput('ratings.csv', ratings)], { maxSkipped: 10 });
    assert.equal(result.ratings, 6, 'the good lines are read');
    assert.equal(result.skipped, 1);
    assert.equal(result.skippedLines.length, 1);
    assert.equal(result.skippedLines[0].file, 'ratings.csv');
    assert.equal(result.skippedLines[0].line, 7);
    assert.match(result.skippedLines[0].reason, /lots/);
  });
});

// ---------------------------------------------------------------------------
// MovieLens ml-latest-small as the release's .zip
// ---------------------------------------------------------------------------

describe('ml-latest-small zip', { skip: !hasMovieLens && `data not found in ${mlDir}` }, () => {
  test('counts match reference', async () => {
    const service = await createService();
    const names = ['links.csv', 'movies.csv', 'ratings.csv', 'README.txt', 'tags.csv'];
    const archive = buildZip([
      { name: 'ml-latest-small/', data: '', method: 'store' },
      ...names.map((name) => ({ name: `ml-latest-small/${name}`, data: readFileSync(path.join(mlDir, name)) })),
    ]);
    const { result, events } = await load(service, [blobInput('ml-latest-small.zip', archive)]);
    assert.equal(result.users, mlExpected.n_users);
    assert.equal(result.movies, mlExpected.n_movies);
    assert.equal(result.ratings, mlExpected.n_ratings);
    assert.equal(result.duplicates, 0);
    assert.deepEqual(result.files, ['ml-latest-small/movies.csv', 'ml-latest-small/ratings.csv']);
    assert.equal(result.ignored.length, 3, `ignored: ${result.ignored}`);
    const progress = events.filter((event) => event.phase === 'progress');
    assert.equal(progress.at(-1).ratingsRead, mlExpected.n_ratings, 'ratings read');
    assert.equal(progress.at(-1).bytesDone, readFileSync(path.join(mlDir, 'movies.csv')).length + readFileSync(path.join(mlDir, 'ratings.csv')).length);
  });
});
