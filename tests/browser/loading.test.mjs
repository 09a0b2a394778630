// loading.test.mjs: loads real and generated rating data into the built page
// in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core).
// It checks the core's Web Worker and its main-thread fallback, and loads
// ml-latest-small as a .zip built here and through "Try real data" on
// dist/site served from 127.0.0.1. It covers progress, cancel, stop, damaged
// zips, a ratings file alone and the large-catalog views. It also measures how
// responsive the page stays while a generated 3-million-line ratings.csv loads. Screenshots go to $MINIREC_SCREENSHOTS or
// /tmp/minirec-screenshots.
// Run: node tools/build-web.mjs && node --test tests/browser/

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { buildZip } from '../node/zip-writer.mjs';
import { serveSite } from './browser-helpers.mjs';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(testDir, '..', '..');
const pageUrl = pathToFileURL(path.join(repoRoot, 'dist', 'minirec.html')).href;
const siteDir = path.join(repoRoot, 'dist', 'site');
const mlExpected = JSON.parse(readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'ml_small_expected.json'), 'utf8'));
const mlDir = path.resolve(repoRoot, '..', 'shared', 'data', 'ml-latest-small');
const ML_FILES = ['links.csv', 'movies.csv', 'ratings.csv', 'README.txt', 'tags.csv'];
const hasMovieLens = ML_FILES.every((name) => existsSync(path.join(mlDir, name)));
const skipMovieLens = !hasMovieLens && `MovieLens ml-latest-small not found in ${mlDir}`;
const tweetsDir = path.resolve(repoRoot, '..', 'shared', 'data', 'movietweetings-100k');
const hasTweets = existsSync(path.join(tweetsDir, 'ratings.dat')) && existsSync(path.join(tweetsDir, 'movies.dat'));
const screenshotDir = process.env.MINIREC_SCREENSHOTS || path.join(os.tmpdir(), 'minirec-screenshots');
const workDir = mkdtempSync(path.join(os.tmpdir(), 'minirec-loading-'));

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const READY_TIMEOUT_MS = 20000;
const LOAD_TIMEOUT_MS = 60000;
/** Maximum pause between two animation frames or timer ticks accepted during a load. */
const MAX_FRAME_GAP_MS = 250;

const LARGE_LINES = 3000000;
const LARGE_MOVIES = 20000;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

let browser;

async function openPage(url = pageUrl, { width = 1100, height = 900, init } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  if (init) await page.addInitScript(init);
  await page.goto(url);
  // The page marks its first full render (data drawn, first training run ended) on <html>.
  await page.waitForSelector('html[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
  await settle(page);
  return { page, errors };
}

async function settle(page, timeout = READY_TIMEOUT_MS) {
  await page.waitForFunction(() => globalThis.minirecApp?.isIdle(), null, { timeout });
}

async function waitForSummary(page, pattern, timeout = LOAD_TIMEOUT_MS) {
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid="data-summary"]')?.textContent ?? ''),
    pattern.source, { timeout });
  await settle(page);
}

async function text(page, selector) {
  return (await page.locator(selector).first().textContent()) ?? '';
}

// Records every text the load progress line shows.
async function recordProgress(page) {
  await page.evaluate(() => {
    const target = document.querySelector('[data-testid="load-progress-text"]');
    window.progressTexts = [];
    new MutationObserver(() => window.progressTexts.push(target.textContent)).observe(target, { childList: true, characterData: true, subtree: true });
  });
}

// Measures the longest gap between animation frames and between 10 ms timer
// ticks until stopGaps() is called.
async function startGaps(page) {
  await page.evaluate(() => {
    const gaps = { frame: 0, timer: 0, frames: 0, stop: false };
    window.gaps = gaps;
    let lastFrame = performance.now();
    const frame = (now) => {
      gaps.frame = Math.max(gaps.frame, now - lastFrame);
      lastFrame = now;
      gaps.frames++;
      if (!gaps.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    let lastTick = performance.now();
    gaps.interval = setInterval(() => {
      const now = performance.now();
      gaps.timer = Math.max(gaps.timer, now - lastTick);
      lastTick = now;
    }, 10);
  });
}

async function stopGaps(page) {
  return page.evaluate(() => {
    window.gaps.stop = true;
    clearInterval(window.gaps.interval);
    return { frame: window.gaps.frame, timer: window.gaps.timer, frames: window.gaps.frames };
  });
}

async function screenshot(page, name, locator) {
  const file = path.join(screenshotDir, `${name}.png`);
  await (locator ?? page).screenshot({ path: file, fullPage: locator ? undefined : true });
  return file;
}

// The real release as a .zip, members in one folder as GroupLens ships them.
function writeMovieLensZip() {
  const file = path.join(workDir, 'ml-latest-small.zip');
  writeFileSync(file, buildZip([
    { name: 'ml-latest-small/', data: '', method: 'store' },
    ...ML_FILES.map((name) => ({ name: `ml-latest-small/${name}`, data: readFileSync(path.join(mlDir, name)) })),
  ]));
  return file;
}

/**
 * Writes a ratings.csv of `lines` ratings with no repeated (user, movie)
 * pair: user u rates 20 to 119 distinct movies, spread with a stride that is
 * coprime to the number of movies. Returns { file, users }.
 */
function writeLargeRatings(lines) {
  const file = path.join(os.tmpdir(), `minirec-large-ratings-${lines}.csv`);
  const fd = openSync(file, 'w');
  let written = 0;
  let user = 0;
  let buffer = 'userId,movieId,rating,timestamp\n';
  while (written < lines) {
    user++;
    const count = Math.min(20 + ((user * 37) % 100), lines - written);
    const start = (user * 7919) % LARGE_MOVIES;
    for (let j = 0; j < count; j++) {
      const movie = 1 + ((start + j * 13) % LARGE_MOVIES);
      const rating = 0.5 * (1 + ((user * 31 + j * 17) % 10));
      buffer += `${user},${movie},${rating},${1500000000 + j}\n`;
    }
    written += count;
    if (buffer.length > 1 << 22) {
      writeSync(fd, buffer);
      buffer = '';
    }
  }
  writeSync(fd, buffer);
  closeSync(fd);
  return { file, users: user };
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
});

describe('core placement', () => {
  test('worker runs the core from file://', async () => {
    const { page, errors } = await openPage();
    assert.equal(await page.evaluate(() => document.body.dataset.coreMode), 'worker');
    assert.match(await text(page, '#log'), /in a Web Worker/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('main thread fallback without Worker', async () => {
    const { page, errors } = await openPage(pageUrl, { init: () => { window.Worker = undefined; } });
    assert.equal(await page.evaluate(() => document.body.dataset.coreMode), 'main thread');
    assert.match(await text(page, '#log'), /No Web Worker could be started .*runs on the page's main thread/);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'catalog rows');
    assert.match(await text(page, '#status'), /final RMSE 0\.1892/);

    const file = path.join(workDir, 'fallback-ratings.csv');
    writeFileSync(file, 'userId,movieId,rating,timestamp\n1,10,4,0\n2,10,3,0\n2,20,5,0\n');
    await page.setInputFiles('#file-input', file);
    await waitForSummary(page, /Ratings3/);
    assert.match(await text(page, '[data-testid="data-summary"]'), /Users2/, 'a load works on the main thread');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('core and zip without DecompressionStream', async () => {
    // Engines such as Firefox 89-112 run WebAssembly but lack DecompressionStream.
    // An init script reaches only the page, so the core runs on the main thread here.
    const { page, errors } = await openPage(pageUrl, { init: () => { window.Worker = undefined; window.DecompressionStream = undefined; } });
    assert.equal(await page.evaluate(() => typeof DecompressionStream), 'undefined', 'DecompressionStream is absent');
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'catalog rows');
    assert.match(await text(page, '#status'), /final RMSE 0\.1892/);

    const file = path.join(workDir, 'no-decompression.zip');
    writeFileSync(file, buildZip([
      { name: 'small/movies.csv', data: 'movieId,title,genres\n10,Heat (1995),Action|Crime\n20,Alien (1979),Horror|Sci-Fi\n' },
      { name: 'small/ratings.csv', data: `userId,movieId,rating,timestamp\n${'1,10,4,0\n2,10,3,0\n2,20,5,0\n'}` },
    ]));
    await page.setInputFiles('#file-input', file);
    await waitForSummary(page, /Ratings3/);
    assert.match(await text(page, '[data-testid="data-summary"]'), /Movies2/, 'the deflated members load');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('ml-latest-small as a zip', { skip: skipMovieLens }, () => {
  let page;
  let errors;
  let loadSeconds;

  before(async () => {
    // Many epochs, so that training is still running when the stop test comes.
    ({ page, errors } = await openPage(`${pageUrl}?epochs=50000`));
    await recordProgress(page);
    await page.setInputFiles('#file-input', writeMovieLensZip());
    await waitForSummary(page, /Ratings100,836/);
    loadSeconds = Number((await text(page, '[data-testid="load-message"]')).match(/Loaded in ([\d.]+) s/)?.[1]);
  });

  after(async () => {
    await page?.close();
  });

  test('summary names members and counts', async () => {
    const summary = await text(page, '[data-testid="data-summary"]');
    assert.match(summary, /Users610/);
    assert.match(summary, /Movies9,742/);
    assert.match(summary, /Ratings100,836/);
    assert.match(summary, /0\.5 to 5/);
    assert.match(summary, /ml-latest-small\/movies\.csv/);
    assert.match(summary, /ml-latest-small\/ratings\.csv/);
    assert.match(summary, /Not read .*ml-latest-small\/tags\.csv/);
    assert.ok(loadSeconds > 0, `load time shown: ${loadSeconds} s`);
    assert.ok(loadSeconds < 30, `load took ${loadSeconds} s`);
    console.log(`# ml-latest-small.zip loaded in ${loadSeconds} s`);
  });

  test('progress events seen', async () => {
    const texts = await page.evaluate(() => window.progressTexts);
    assert.ok(texts.some((line) => /ratings read/.test(line)), `progress lines: ${texts.slice(0, 5).join(' | ')}`);
    assert.ok(texts.some((line) => /100,836 ratings read/.test(line)), 'the last progress line counts every rating');
  });

  test('stop mid-training keeps the model', async () => {
    await page.waitForFunction(() => /Epoch [1-9][\d,]* of 50,000/.test(document.querySelector('[data-testid="training-progress"]').textContent));
    await page.click('#stop-button');
    await page.waitForFunction(() => /^Stopped\./.test(document.querySelector('[data-testid="training-progress"]').textContent));
    await settle(page);
    const stoppedAt = Number((await text(page, '[data-testid="training-progress"]')).match(/Epoch ([\d,]+) of/)[1].replaceAll(',', ''));
    assert.ok(stoppedAt > 0, `stopped at epoch ${stoppedAt}, after some training`);
    assert.ok(stoppedAt < 50000, `stopped at epoch ${stoppedAt}, before the end`);
    assert.match(await text(page, '#status'), new RegExp(`Training stopped at epoch ${stoppedAt.toLocaleString('en-US')}`));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.match(await text(page, '[data-testid="training-progress"]'), new RegExp(`Epoch ${stoppedAt.toLocaleString('en-US')} of`), 'no epochs after the stop');
    assert.equal(await page.locator('#stop-button').isDisabled(), true, 'Stop disabled');
    assert.match(await text(page, '[data-testid="rec-model"]'), new RegExp(`trained for ${stoppedAt.toLocaleString('en-US')} epochs`));
  });

  test('settings wait for Train on large data', async () => {
    assert.match(await text(page, '[data-testid="training-mode"]'), /100,836 ratings, so the model trains only when you press Train/);
    await page.fill('#train-k', '4');
    await settle(page);
    assert.match(await text(page, '[data-testid="training-pending"]'), /differ from the current model \(k = 3,.*press Train to apply them/);
    assert.match(await text(page, '[data-testid="training-progress"]'), /^Stopped\./, 'no new run started');
    await page.fill('#train-k', '3');
    await settle(page);
    assert.equal(await page.locator('[data-testid="training-pending"]').isVisible(), false, 'no note once the settings match the model');
  });

  test('catalog pages through all movies', async () => {
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 40, 'one page');
    assert.equal(await text(page, '[data-testid="catalog-page"]'), 'Page 1 of 244');
    const first = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    assert.equal(first[0], 'Forrest Gump (1994)', 'most rated first');
    await page.click('#catalog-next');
    await settle(page);
    assert.equal(await text(page, '[data-testid="catalog-page"]'), 'Page 2 of 244');
    const second = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    assert.equal(second.length, 40);
    assert.ok(!second.includes(first[0]), 'page 2 shows other movies');
    assert.match(await page.evaluate(() => window.location.search), /page=2/);
    await page.click('#catalog-previous');
    await settle(page);
    assert.equal(await text(page, '[data-testid="catalog-page"]'), 'Page 1 of 244');
  });

  test('catalog search is case-insensitive', async () => {
    await page.fill('#catalog-search', 'STAR WARS');
    await settle(page);
    const titles = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    assert.ok(titles.length >= 6 && titles.every((title) => /star wars/i.test(title)), `found ${titles.join(' | ')}`);
    assert.match(await text(page, '#catalog [data-testid="subset-note"]'), /movies match “STAR WARS”/);
    await page.fill('#catalog-search', 'zzzz no such title');
    await settle(page);
    assert.match(await text(page, '#catalog [data-testid="subset-note"]'), /No title contains/);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 0);
    await page.fill('#catalog-search', '');
    await settle(page);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 40);
  });

  test('matrix shows a labelled sample', async () => {
    assert.equal(await page.locator('[data-testid="matrix-table"] tbody tr').count(), 20);
    assert.equal(await page.locator('[data-testid="matrix-table"] thead th.vertical').count(), 20);
    assert.match(await text(page, '#matrix [data-testid="subset-note"]'), /the 20 most active of 610 users and the 20 most rated of 9,742 movies/);
  });

  test('heatmap of 200 movies thins labels', async () => {
    await page.fill('#heatmap-count', '200');
    await page.locator('#heatmap-count').dispatchEvent('change');
    await settle(page);
    assert.match(await text(page, '#heatmap [data-testid="subset-note"]'), /the 200 most rated of 9,742 movies.*Labels are thinned out/);
    const canvas = page.locator('#heatmap-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width - 6, box.y + box.height - 6);
    assert.match(await text(page, '[data-testid="heatmap-readout"]'), /^.+ × .+: [01]\.\d{3}$/);
    await screenshot(page, 'heatmap-200', page.locator('#heatmap'));
  });

  test('heatmap subset picked by search', async () => {
    await page.fill('#heatmap-search', 'toy story');
    await settle(page);
    assert.match(await text(page, '#heatmap [data-testid="subset-note"]'), /Showing 3 movies whose titles contain “toy story”/);
    assert.match(await page.evaluate(() => window.location.search), /hq=toy\+story/);
    const canvas = page.locator('#heatmap-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10);
    assert.match(await text(page, '[data-testid="heatmap-readout"]'), /Toy Story .* × Toy Story .*: 1\.000/);
    await screenshot(page, 'heatmap-search', page.locator('#heatmap'));
  });

  test('similar movies for a searched title', async () => {
    await page.fill('#similar-search', 'heat (1995)');
    await settle(page);
    const options = await page.locator('#similar-movie option').allTextContents();
    assert.ok(options.includes('Heat (1995)'), `options: ${options.slice(0, 5)}`);
    await page.selectOption('#similar-movie', { label: 'Heat (1995)' });
    await settle(page);
    assert.match(await text(page, '[data-testid="similar-table"] caption'), /Most similar to Heat \(1995\)/);
    assert.equal(await page.locator('[data-testid="similar-table"] tbody tr').count(), 3);
  });

  test('minimum ratings default on loaded data', async () => {
    assert.equal(await page.inputValue('#rec-min-ratings'), '10', 'loaded data skips movies with fewer than 10 ratings');
    assert.match(await text(page, '[data-testid="rec-min-note"]'), /fewer than 10 ratings are left out, because a movie with one or two ratings gets a CF score far above the rating scale/);
    const counts = await page.evaluate(async () => {
      const app = globalThis.minirecApp;
      const result = await app.core.call('recommend', { userId: 414, alpha: 0.7, likeThreshold: 4, topN: 10, minRatings: 10 });
      return result.rows.map((row) => row.movie.ratings);
    });
    assert.ok(counts.length === 10 && counts.every((count) => count >= 10), `rating counts of the candidates: ${counts}`);
    await page.fill('#rec-min-ratings', '0');
    await page.locator('#rec-min-ratings').dispatchEvent('change');
    await settle(page);
    assert.match(await page.evaluate(() => window.location.search), /minr=0/);
    assert.match(await text(page, '[data-testid="rec-min-note"]'), /Every unrated movie is a candidate/);
    await page.fill('#rec-min-ratings', '10');
    await page.locator('#rec-min-ratings').dispatchEvent('change');
    await settle(page);
  });

  test('unknown user id names the range', async () => {
    await page.fill('#rec-user', 'abc');
    await page.locator('#rec-user').dispatchEvent('change');
    await settle(page);
    assert.match(await text(page, '#recommend [data-hint-for="user"]'), /“abc” is not a user id: enter a whole number from 1 to 610/);
    assert.equal(await page.inputValue('#rec-user'), 'abc', 'the typed text stays beside its message');
    await page.fill('#rec-user', '611');
    await page.locator('#rec-user').dispatchEvent('change');
    await settle(page);
    assert.match(await text(page, '#recommend .field-hint'), /No user has id 611; choose an id from 1 to 610/);
    await page.fill('#rec-user', '42');
    await page.locator('#rec-user').dispatchEvent('change');
    await settle(page);
    assert.match(await text(page, '[data-testid="rec-table"] caption'), /user 42/);
    assert.deepEqual(errors, []);
    await screenshot(page, 'movielens-zip-1100');
  });
});

describe('damaged zips', () => {
  const archive = buildZip([{ name: 'tiny/ratings.csv', data: `userId,movieId,rating,timestamp\n${'1,1,4,0\n2,1,3,0\n'.repeat(500)}` }]);

  test('truncated zip gives one message', async () => {
    const file = path.join(workDir, 'cut-short.zip');
    writeFileSync(file, archive.subarray(0, Math.floor(archive.length * 0.6)));
    const { page } = await openPage();
    await page.setInputFiles('#file-input', file);
    await page.waitForSelector('[data-testid="load-message"].error-text');
    await settle(page);
    const message = await text(page, '[data-testid="load-message"]');
    assert.match(message, /cut-short\.zip is not a complete zip archive: its end record is missing, so the file is probably cut short/);
    assert.match(message, /The built-in data is still in use/);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'built-in catalog still shown');
    await screenshot(page, 'truncated-zip', page.locator('#data'));
    await page.close();
  });

  test('corrupt member gives one message', async () => {
    const broken = Buffer.from(archive);
    for (let i = 60; i < 90; i++) broken[i] ^= 0x5a;
    const file = path.join(workDir, 'damaged.zip');
    writeFileSync(file, broken);
    const { page } = await openPage();
    await page.setInputFiles('#file-input', file);
    await page.waitForSelector('[data-testid="load-message"].error-text');
    assert.match(await text(page, '[data-testid="load-message"]'), /damaged\.zip: tiny\/ratings\.csv is corrupt/);
    await page.close();
  });
});

describe('ratings without movies', () => {
  test('titles show as ids and genre views explain', async () => {
    const file = path.join(workDir, 'ratings.csv');
    writeFileSync(file, 'userId,movieId,rating,timestamp\n1,10,4,0\n1,20,5,0\n2,10,3,0\n2,30,4,0\n3,20,2,0\n');
    // Loaded data skips movies with fewer than 10 ratings by default; minr=0 keeps them all.
    const { page, errors } = await openPage(`${pageUrl}?minr=0`);
    await page.setInputFiles('#file-input', file);
    await waitForSummary(page, /Ratings5/);
    assert.deepEqual(await page.locator('[data-testid="catalog-table"] tbody th').allTextContents(), ['Movie 10', 'Movie 20', 'Movie 30']);
    assert.match(await text(page, '#genres [data-testid="no-genres"]'), /no genres to work with/);
    assert.match(await text(page, '#heatmap [data-testid="no-genres"]'), /no genres to work with/);
    assert.equal(await page.locator('#heatmap-canvas').count(), 0, 'no heatmap');
    assert.match(await text(page, '[data-testid="rec-no-genres"]'), /every content score is 0/);
    assert.match(await text(page, '[data-testid="data-summary"]'), /Rated movies missing from the movies file3/);
    assert.equal(await page.locator('[data-testid="rec-table"] tbody tr').count(), 1, 'user 1 has one unrated movie');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('other formats and lenient mode', () => {
  test('MovieTweetings dat files report format', { skip: !hasTweets && `MovieTweetings not found in ${tweetsDir}` }, async (t) => {
    const { page, errors } = await openPage();
    if (!(await page.evaluate(() => globalThis.minirecApp.capabilities.allFormats))) {
      t.skip('this core build reads only MovieLens CSV files');
      await page.close();
      return;
    }
    await page.setInputFiles('#file-input', [path.join(tweetsDir, 'ratings.dat'), path.join(tweetsDir, 'movies.dat')]);
    await waitForSummary(page, /Ratings\d/);
    const summary = await text(page, '[data-testid="data-summary"]');
    assert.match(summary, /movies\.dat: .*MovieTweetings/i);
    assert.match(summary, /ratings\.dat: .*MovieTweetings/i);
    assert.match(summary, /UTF-8/);
    assert.match(summary, /0 to 10|1 to 10/);
    const ids = await page.locator('[data-testid="catalog-table"] tbody td.num').first().textContent();
    assert.match(ids, /^0\d{6}$/, `movie ids keep leading zeros: ${ids}`);
    const log = await text(page, '#log');
    assert.match(log, /Reading movies\.dat \(movie::title::genres lines, /, 'the log names each file once');
    assert.doesNotMatch(log, /movies\.dat \(movies\.dat/);
    assert.deepEqual(errors, []);
    await screenshot(page, 'movietweetings', page.locator('#data'));
    await page.close();
  });

  test('lenient load lists skipped lines', async (t) => {
    const { page } = await openPage();
    if (!(await page.evaluate(() => globalThis.minirecApp.capabilities.lenient))) {
      t.skip('this core build has no lenient mode');
      await page.close();
      return;
    }
    const file = path.join(workDir, 'ratings-with-bad-lines.csv');
    writeFileSync(file, 'userId,movieId,rating,timestamp\n1,1,4,0\n1,2,lots,0\n2,1,3,0\n2,2,,0\n3,1,5,0\n');
    await page.check('#lenient-load');
    await page.setInputFiles('#file-input', file);
    await waitForSummary(page, /Ratings3/);
    const summary = await text(page, '[data-testid="data-summary"]');
    assert.match(summary, /Lines skipped2/);
    assert.match(await text(page, '[data-testid="skipped-lines"]'), /ratings-with-bad-lines\.csv line 3: .*lots/);
    await page.close();
  });
});

describe('static site', { skip: skipMovieLens }, () => {
  test('Try real data loads over HTTP', async () => {
    const { server, requests, url } = await serveSite();
    try {
      for (const name of ['ratings.csv', 'movies.csv', 'README.txt']) {
        assert.deepEqual(readFileSync(path.join(siteDir, 'data', 'ml-latest-small', name)), readFileSync(path.join(mlDir, name)), `${name} copied unchanged`);
      }
      const { page, errors } = await openPage(url);
      assert.equal(await page.evaluate(() => document.body.dataset.coreMode), 'worker');
      assert.match(await text(page, '[data-testid="sample-credit"]'), /GroupLens Research.*Harper and Joseph A\. Konstan.*same terms/);
      const readme = await page.locator('[data-testid="sample-credit"] a').getAttribute('href');
      assert.match(await page.evaluate(async (href) => (await fetch(href)).text(), readme), /^\s*Summary/);
      assert.equal(requests.get('/data/ml-latest-small/ratings.csv'), undefined, 'nothing fetched before the click');

      await recordProgress(page);
      await page.click('#sample-button');
      await waitForSummary(page, /Ratings100,836/);
      assert.match(await text(page, '[data-testid="data-summary"]'), /Movies9,742/);
      assert.equal(requests.get('/data/ml-latest-small/ratings.csv'), 1, 'ratings.csv fetched once');
      const texts = await page.evaluate(() => window.progressTexts);
      assert.ok(texts.some((line) => /Reading ratings\.csv .*ratings read/.test(line)), `progress lines: ${texts.slice(0, 4).join(' | ')}`);
      assert.deepEqual(errors, []);
      await screenshot(page, 'site-real-data-1100');
      await page.close();
    } finally {
      server.close();
    }
  });

  test('cancel a slow download keeps the old data', async () => {
    const { server, url } = await serveSite({ slowData: true });
    try {
      const { page } = await openPage(url);
      await page.click('#sample-button');
      await page.waitForFunction(() => /[1-9][\d,]* ratings read/.test(document.querySelector('[data-testid="load-progress-text"]').textContent));
      await screenshot(page, 'loading-progress', page.locator('#data'));
      await page.click('#cancel-load');
      await page.waitForFunction(() => /Loading cancelled/.test(document.querySelector('[data-testid="load-message"]').textContent));
      await settle(page);
      assert.match(await text(page, '[data-testid="load-message"]'), /The built-in data is still in use/);
      assert.match(await text(page, '[data-testid="data-summary"]'), /Built-in teaching data/);
      assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8);
      assert.equal(await page.locator('#sample-button').isDisabled(), false, 'Try real data can be clicked again');
      await page.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('single file hides Try real data', async () => {
    const { page } = await openPage();
    assert.equal(await page.locator('#sample-button').isVisible(), false);
    assert.match(await text(page, '[data-testid="sample-note"]'), /hosted version of this page/);
    await page.close();
  });
});

describe('large ratings file', () => {
  let large;
  before(() => { large = writeLargeRatings(LARGE_LINES); });

  test('page stays responsive during load', async () => {
    const { page, errors } = await openPage();
    await recordProgress(page);
    await startGaps(page);
    const started = Date.now();
    await page.setInputFiles('#file-input', large.file);
    await waitForSummary(page, /Ratings3,000,000/, 120000);
    const seconds = (Date.now() - started) / 1000;
    const gaps = await stopGaps(page);
    console.log(`# ${LARGE_LINES} ratings (${(statSync(large.file).size / 1e6).toFixed(0)} MB) loaded in ${seconds.toFixed(1)} s; ` +
      `max frame gap ${gaps.frame.toFixed(0)} ms over ${gaps.frames} frames, max timer gap ${gaps.timer.toFixed(0)} ms`);
    assert.ok(gaps.frame < MAX_FRAME_GAP_MS, `longest gap between animation frames: ${gaps.frame.toFixed(0)} ms`);
    assert.ok(gaps.timer < MAX_FRAME_GAP_MS, `longest gap between 10 ms timer ticks: ${gaps.timer.toFixed(0)} ms`);

    const summary = await text(page, '[data-testid="data-summary"]');
    assert.match(summary, new RegExp(`Users${large.users.toLocaleString('en-US')}`));
    assert.match(summary, /Duplicate ratings0/);
    const texts = await page.evaluate(() => window.progressTexts);
    assert.ok(texts.filter((line) => /ratings read/.test(line)).length >= 5, `${texts.length} progress updates`);
    assert.ok(texts.some((line) => /3,000,000 ratings read/.test(line)), 'last progress counts every rating');
    assert.match(await text(page, '#status'), /press Train/, 'large data waits for the Train button');
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 40);
    assert.deepEqual(errors, []);
    await screenshot(page, 'large-1100');
    await page.close();
  });

  test('training shows epoch share and stops fast', async () => {
    const { page, errors } = await openPage();
    await page.setInputFiles('#file-input', large.file);
    await waitForSummary(page, /Ratings3,000,000/, 120000);
    assert.match(await text(page, '[data-testid="training-mode"]'), /press Train/, 'large data waits for the Train button');
    await page.evaluate(() => {
      const target = document.querySelector('[data-testid="training-progress"]');
      window.trainingTexts = [];
      new MutationObserver(() => window.trainingTexts.push(target.textContent)).observe(target, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#train-button');
    await page.waitForFunction(() => window.trainingTexts.some((line) => /% of epoch/.test(line)), null, { timeout: 30000 });
    await page.waitForFunction(() => /Epoch [1-9]/.test(document.querySelector('[data-testid="training-progress"]').textContent), null, { timeout: 30000 });
    const within = await page.evaluate(() => window.trainingTexts.find((line) => /% of epoch/.test(line)));
    assert.match(within, /^Training… Epoch [\d,]+ of 500 · \d+ % of epoch [\d,]+/, 'progress within an epoch');
    assert.match(await text(page, '[data-testid="training-kernel"]'), /SGD kernel: SIMD float/);

    // Time from the click to the "Stopped." line, measured in the page.
    const stopMs = await page.evaluate(() => new Promise((resolve) => {
      const target = document.querySelector('[data-testid="training-progress"]');
      const started = performance.now();
      new MutationObserver((records, observer) => {
        if (!/^Stopped\./.test(target.textContent)) return;
        observer.disconnect();
        resolve(performance.now() - started);
      }).observe(target, { childList: true, characterData: true, subtree: true });
      document.querySelector('#stop-button').click();
    }));
    console.log(`# Stop on ${LARGE_LINES.toLocaleString('en-US')} ratings took effect after ${stopMs.toFixed(0)} ms`);
    // A training call is about 40 ms of shuffle swaps and SGD steps.
    assert.ok(stopMs < 250, `Stop took ${stopMs.toFixed(0)} ms; expected one training call of about 40 ms`);
    await settle(page);
    assert.match(await text(page, '#status'), /Training stopped at epoch/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('cancel mid-load keeps the old data', async () => {
    const { page } = await openPage();
    await page.setInputFiles('#file-input', large.file);
    await page.waitForFunction(() => /[1-9][\d,]* ratings read/.test(document.querySelector('[data-testid="load-progress-text"]').textContent));
    assert.equal(await page.locator('#cancel-load').isVisible(), true);
    // The file loads in about a second, so Cancel comes at once; the slow download test takes the progress screenshot.
    await page.click('#cancel-load');
    await page.waitForFunction(() => /Loading cancelled/.test(document.querySelector('[data-testid="load-message"]').textContent));
    await settle(page);
    assert.match(await text(page, '[data-testid="load-message"]'), /The built-in data is still in use/);
    assert.equal(await page.locator('#cancel-load').isVisible(), false, 'progress row hidden');
    assert.match(await text(page, '[data-testid="data-summary"]'), /Built-in teaching data/);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8);
    await page.selectOption('#rec-user', '4');
    await settle(page);
    assert.match(await text(page, '[data-testid="rec-table"] caption'), /user 4/, 'the old data still answers');
    await page.close();
  });
});
