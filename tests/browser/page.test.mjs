// page.test.mjs: opens dist/minirec.html from file:// in headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core) and checks what the
// page shows a visitor. Screenshots go to $MINIREC_SCREENSHOTS or /tmp/minirec-screenshots.
// Run: node tools/build-web.mjs && node --test tests/browser/

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

import { serveSite } from './browser-helpers.mjs';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(testDir, '..', '..');
const pagePath = path.join(repoRoot, 'dist', 'minirec.html');
const pageUrl = pathToFileURL(pagePath).href;
const builtin = JSON.parse(readFileSync(path.join(repoRoot, 'tests', 'fixtures', 'builtin.json'), 'utf8'));
const mlDir = path.resolve(repoRoot, '..', 'shared', 'data', 'ml-latest-small');
const hasMovieLens = existsSync(path.join(mlDir, 'movies.csv')) && existsSync(path.join(mlDir, 'ratings.csv'));
const screenshotDir = process.env.MINIREC_SCREENSHOTS || path.join(os.tmpdir(), 'minirec-screenshots');

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const READY_TIMEOUT_MS = 15000;

const titleOf = new Map(builtin.movies.map((movie) => [movie.movie_id, movie.title]));

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

// Latest modification time of any file under dir, in ms.
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

let browser;

/** Opens the page with a query string and waits until boot training is done. Returns { page, errors }. */
async function openPage(query = '', { width = 1100, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(`${pageUrl}${query}`);
  // The page marks its first full render (data drawn, first training run ended) on <html>.
  await page.waitForSelector('html[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
  await settle(page);
  return { page, errors };
}

/**
 * Waits until the page has no core call (other than training) and no view
 * update pending, so what it shows reflects the last interaction.
 */
async function settle(page, timeout = READY_TIMEOUT_MS) {
  await page.waitForFunction(() => globalThis.minirecApp?.isIdle(), null, { timeout });
}

/** Titles in the recommendation table, best first. */
async function recommendedTitles(page) {
  return page.locator('[data-testid="rec-table"] tbody tr .title').allTextContents();
}

async function screenshot(page, name, locator) {
  const file = path.join(screenshotDir, `${name}.png`);
  await (locator ?? page).screenshot({ path: file, fullPage: locator ? undefined : true });
  return file;
}

function writeCsvPair(dir, movies, ratings) {
  const moviesPath = path.join(dir, 'movies.csv');
  const ratingsPath = path.join(dir, 'ratings.csv');
  writeFileSync(moviesPath, movies);
  writeFileSync(ratingsPath, ratings);
  return [moviesPath, ratingsPath];
}

async function loadFiles(page, files) {
  await page.setInputFiles('#file-input', files);
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('minirec page from file://', () => {
  before(async () => {
    assert.ok(existsSync(pagePath), `${pagePath} is missing; run node tools/build-web.mjs first`);
    const webNewest = newestMtime(path.join(repoRoot, 'web'));
    assert.ok(statSync(pagePath).mtimeMs >= webNewest,
      'dist/minirec.html is older than the files in web/; run node tools/build-web.mjs again');
    mkdirSync(screenshotDir, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
  });

  test('every section renders', async () => {
    const { page, errors } = await openPage();

    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'catalog rows');
    assert.equal(await page.locator('[data-testid="matrix-table"] tbody tr').count(), 5, 'matrix rows');
    assert.equal(await page.locator('[data-testid="matrix-table"] td.missing').count(), 40 - 15, 'blank matrix cells');
    assert.equal(await page.locator('[data-testid="popularity-table"] tbody tr').count(), builtin.popularity.length, 'popularity rows');
    assert.equal(await page.locator('[data-testid="genres-table"] tbody tr').count(), 8, 'one-hot rows');
    assert.equal(await page.locator('[data-testid="genres-table"] td.hot').count(),
      builtin.one_hot.flat().filter((bit) => bit === 1).length, 'one-hot ones');
    assert.equal(await page.locator('[data-testid="similar-table"] tbody tr').count(), 3, 'similar movies rows');
    assert.equal(await page.locator('[data-testid="predictions-table"] tbody tr').count(), 8, 'prediction rows');
    assert.equal(await page.locator('[data-testid="rec-table"] tbody tr').count(), builtin.hybrid['1']['0.7'].length, 'recommendation rows');
    assert.deepEqual(await page.locator('[data-testid="subset-note"]').count(), 0, 'no subset notes for the built-in data');

    const popularityTitles = await page.locator('[data-testid="popularity-table"] tbody th').allTextContents();
    assert.deepEqual(popularityTitles, builtin.popularity.map((row) => titleOf.get(row.movie_id)), 'popularity order');

    assert.match(await page.locator('[data-testid="training-progress"]').textContent(), /Epoch 500 of 500/);
    assert.match(await page.locator('[data-testid="training-settings"]').textContent(), /k = 3, learning rate = 0.01, regularization = 0.1, 500 epochs, seed = 42/);
    assert.match(await page.locator('#status').textContent(), /final RMSE 0\.1892/);
    const hasSimdCore = /<meta name="minirec-cores" content="[^"]*\bsimd\b/.test(readFileSync(pagePath, 'utf8'));
    assert.equal(await page.evaluate(() => document.body.dataset.core), hasSimdCore ? 'SIMD build' : 'plain build', 'core build in use');
    assert.equal(await page.evaluate(() => document.body.dataset.coreMode), 'worker', 'core runs in a worker from file://');

    await screenshot(page, 'page-1100');
    assert.deepEqual(errors, [], 'no page errors');
    await page.close();
  });

  test('heatmap canvas shows colours and values', async () => {
    const { page } = await openPage();
    const canvas = page.locator('#heatmap-canvas');
    const colours = await canvas.evaluate((element) => {
      const data = element.getContext('2d').getImageData(0, 0, element.width, element.height).data;
      const seen = new Set();
      for (let i = 0; i < data.length; i += 4 * 7) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`);
      return seen.size;
    });
    assert.ok(colours > 20, `heatmap has ${colours} distinct colours; expected a drawn image`);

    // The bottom-right cell is Finding Nemo against itself.
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await page.mouse.move(box.x + box.width - 10, box.y + box.height - 10);
    await settle(page);
    assert.equal(await page.locator('[data-testid="heatmap-readout"]').textContent(), 'Finding Nemo × Finding Nemo: 1.000');

    await page.selectOption('#similar-movie', '7');
    await page.fill('#similar-top', '2');
    await page.locator('#similar-top').dispatchEvent('change');
    await settle(page);
    const similar = await page.locator('[data-testid="similar-table"] tbody th').allTextContents();
    assert.deepEqual(similar, builtin.similar_top3['7'].slice(0, 2).map((row) => titleOf.get(row.movie_id)));

    await screenshot(page, 'heatmap', page.locator('#heatmap'));
    await page.close();
  });

  test('recommendations follow user and alpha', async () => {
    const { page, errors } = await openPage();
    const expectedTitles = (user, alpha) => builtin.hybrid[user][alpha].map((row) => titleOf.get(row.movie_id));

    assert.deepEqual(await recommendedTitles(page), expectedTitles('1', '0.7'), 'user 1 at alpha 0.7');
    assert.match(await page.locator('[data-testid="rec-na-note"]').textContent(), /The Matrix Reloaded.*counts as 0/);
    const reloadedRow = page.locator('[data-testid="rec-table"] tbody tr', { hasText: 'The Matrix Reloaded' });
    assert.equal((await reloadedRow.locator('td.na').textContent()).trim(), 'n/a †');

    await page.selectOption('#rec-user', '4');
    await settle(page);
    assert.deepEqual(await recommendedTitles(page), expectedTitles('4', '0.7'), 'user 4 at alpha 0.7');
    assert.match(await page.locator('[data-testid="rec-table"] caption').textContent(), /user 4/);

    await page.locator('#rec-alpha').fill('0');
    await settle(page);
    assert.equal(await page.locator('#rec-alpha-value').textContent(), '0.00');
    assert.deepEqual(await recommendedTitles(page), expectedTitles('4', '0.0'), 'user 4 at alpha 0');

    await page.locator('#rec-alpha').fill('1');
    await settle(page);
    assert.deepEqual(await recommendedTitles(page), expectedTitles('4', '1.0'), 'user 4 at alpha 1');

    const query = await page.evaluate(() => window.location.search);
    assert.match(query, /user=4/, 'user in the URL');
    assert.match(query, /alpha=1/, 'alpha in the URL');
    assert.equal(await page.inputValue('#training-user'), '4', 'the training view follows the user');

    assert.deepEqual(errors, []);
    await page.close();
  });

  test('view query shows one section', async () => {
    const { page } = await openPage('?view=heatmap');
    assert.equal(await page.locator('#heatmap').isVisible(), true, 'heatmap visible');
    for (const id of ['catalog', 'matrix', 'popularity', 'genres', 'training', 'recommend', 'data', 'messages']) {
      assert.equal(await page.locator(`#${id}`).isVisible(), false, `${id} hidden`);
    }
    assert.equal(await page.locator('.page-header').isVisible(), false, 'page header hidden');
    await page.close();
  });

  test('embedded view at 400px', async () => {
    const { page } = await openPage('?view=recommend&user=3&alpha=0.5', { width: 400, height: 700 });
    assert.equal(await page.inputValue('#rec-user'), '3');
    assert.equal(await page.locator('#rec-alpha-value').textContent(), '0.50');
    const expected = builtin.hybrid['3']['0.5'].map((row) => titleOf.get(row.movie_id));
    assert.deepEqual(await recommendedTitles(page), expected);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(overflow <= 400, `page is ${overflow}px wide at a 400px viewport`);
    await screenshot(page, 'embed-recommend-400');
    await page.close();
  });

  test('full page fits 400px', async () => {
    const { page } = await openPage('', { width: 400, height: 800 });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `page is ${width}px wide at a 400px viewport`);
    await screenshot(page, 'page-400');
    await page.close();
  });

  test('charts follow the window width', async () => {
    const { page, errors } = await openPage('', { width: 1100, height: 900 });
    // CSS width of each canvas and of the box it sits in.
    const widths = () => page.evaluate(() => ['#heatmap-canvas', '#rmse-canvas'].map((selector) => {
      const canvas = document.querySelector(selector);
      return { canvas: canvas.getBoundingClientRect().width, box: canvas.parentElement.clientWidth };
    }));
    const wide = await widths();
    await page.setViewportSize({ width: 600, height: 900 });
    await page.waitForFunction(() => {
      const chart = document.querySelector('#rmse-canvas');
      return chart.getBoundingClientRect().width <= chart.parentElement.clientWidth;
    }, null, { timeout: READY_TIMEOUT_MS });
    await settle(page);
    const narrow = await widths();
    assert.ok(narrow[1].canvas < wide[1].canvas, `RMSE chart ${wide[1].canvas}px at 1100, ${narrow[1].canvas}px at 600`);
    assert.ok(narrow[1].canvas <= narrow[1].box, `RMSE chart ${narrow[1].canvas}px in a ${narrow[1].box}px box`);
    assert.ok(narrow[0].canvas <= Math.max(narrow[0].box, 260), `heatmap ${narrow[0].canvas}px in a ${narrow[0].box}px box`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('invalid URL value is reported', async () => {
    const { page } = await openPage('?alpha=2&k=abc');
    assert.equal(await page.locator('#rec-alpha-value').textContent(), '0.70', 'alpha falls back to 0.7');
    const log = await page.locator('#log').textContent();
    assert.match(log, /alpha=2 is out of range/);
    assert.match(log, /k=abc is not an integer/);
    await page.close();
  });

  test('retraining with new settings', async () => {
    const { page } = await openPage();
    await page.fill('#train-epochs', '40');
    await page.locator('#train-epochs').dispatchEvent('change');
    await page.fill('#train-k', '2');
    await page.locator('#train-k').dispatchEvent('change');
    await page.click('#train-button');
    await page.waitForSelector('#status[data-kind="ok"]');
    await settle(page);
    assert.match(await page.locator('[data-testid="training-progress"]').textContent(), /Epoch 40 of 40/);
    assert.match(await page.locator('[data-testid="training-settings"]').textContent(), /k = 2,.*40 epochs/);
    assert.match(await page.locator('[data-testid="rec-model"]').textContent(), /40 epochs with k = 2/);
    assert.match(await page.evaluate(() => window.location.search), /k=2/);
    await page.close();
  });

  test('diverging learning rate shows error', async () => {
    const { page } = await openPage();
    await page.fill('#train-lr', '5');
    await page.locator('#train-lr').dispatchEvent('change');
    await page.click('#train-button');
    await page.waitForSelector('#status[data-kind="error"]');
    await settle(page);
    assert.match(await page.locator('#log').textContent(), /Training failed/);
    assert.match(await page.locator('[data-testid="rec-model"]').textContent(), /diverged/);
    assert.equal(await page.locator('[data-testid="rec-table"] td.na').count(), 5, 'no CF scores after divergence');
    await page.close();
  });

  test('markup in a loaded title stays text', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minirec-markup-'));
    const files = writeCsvPair(dir,
      'movieId,title,genres\n1,"<b>Bold</b> <img src=x onerror=alert(1)> (2001)",Drama\n2,Plain (2002),Drama|Comedy\n',
      'userId,movieId,rating,timestamp\n1,1,4.5,0\n1,2,3,0\n2,2,5,0\n');
    const { page, errors } = await openPage();
    await loadFiles(page, files);
    await page.waitForSelector('[data-testid="data-summary"] dl');
    await settle(page);
    const title = page.locator('[data-testid="catalog-table"] tbody tr').first().locator('th');
    assert.equal(await title.textContent(), '<b>Bold</b> <img src=x onerror=alert(1)> (2001)');
    assert.equal(await page.locator('#catalog b, #catalog img, #recommend img').count(), 0, 'no markup elements created');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('malformed file keeps built-in data', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minirec-bad-'));
    const files = writeCsvPair(dir,
      'movieId,title,genres\n1,Fine (2000),Drama\n',
      'userId,movieId,rating,timestamp\n1,1,4.0,0\n1,1,four,0\n');
    const { page } = await openPage();
    await loadFiles(page, files);
    const message = page.locator('[data-testid="load-message"]');
    await page.waitForSelector('[data-testid="load-message"].error-text');
    await settle(page);
    assert.match(await message.textContent(), /ratings\.csv line 3: rating 'four' is not a number/);
    assert.match(await message.textContent(), /built-in data is still in use/);
    assert.match(await page.locator('#status').textContent(), /line 3/);
    assert.match(await page.locator('#log').textContent(), /ratings\.csv line 3/);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'built-in catalog still shown');
    assert.match(await page.locator('[data-testid="data-summary"]').textContent(), /Built-in teaching data/);
    assert.deepEqual(await recommendedTitles(page), builtin.hybrid['1']['0.7'].map((row) => titleOf.get(row.movie_id)));
    await screenshot(page, 'malformed', page.locator('#data'));
    await page.close();
  });

  test('one file alone is rejected', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'minirec-one-'));
    const [moviesPath] = writeCsvPair(dir, 'movieId,title,genres\n1,A,Drama\n', '');
    const { page } = await openPage();
    await loadFiles(page, [moviesPath]);
    await page.waitForSelector('[data-testid="load-message"].error-text');
    // A ratings file alone now loads, so a movies file alone is the case to reject.
    assert.match(await page.locator('[data-testid="load-message"]').textContent(), /No ratings file among the chosen files \(movies\.csv\)/);
    await page.close();
  });

  test('dropped files load', async () => {
    const { page } = await openPage();
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['userId,movieId,rating,timestamp\n7,1,5,0\n8,2,4,0\n'], 'r.csv'));
      transfer.items.add(new File(['movieId,title,genres\n1,Dropped One (1999),Drama\n2,Dropped Two (2000),Drama\n'], 'm.csv'));
      document.querySelector('#matrix').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await page.waitForSelector('[data-testid="data-summary"] dl');
    await settle(page);
    const titles = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    assert.deepEqual(titles, ['Dropped One (1999)', 'Dropped Two (2000)']);
    await page.close();
  });

  test('static site works over HTTP', async () => {
    const { server, url } = await serveSite();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}?view=catalog`);
      await page.waitForSelector('#status[data-kind="ok"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
      await settle(page);
      assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8);
      assert.equal(await page.evaluate(() => document.body.dataset.coreMode), 'worker', 'core runs in a worker over HTTP');
      assert.equal(await page.locator('#recommend').isVisible(), false);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      server.close();
    }
  });

  test('MovieLens files load and recommend', { skip: !hasMovieLens && `data not found in ${mlDir}` }, async () => {
    const { page, errors } = await openPage();
    await loadFiles(page, [path.join(mlDir, 'ratings.csv'), path.join(mlDir, 'movies.csv')]);
    await page.waitForSelector('[data-testid="data-summary"] dl', { timeout: 30000 });

    const summary = await page.locator('[data-testid="data-summary"]').textContent();
    assert.match(summary, /Users610/);
    assert.match(summary, /Movies9,742/);
    assert.match(summary, /Ratings100,836/);
    assert.match(summary, /0\.5 to 5/);
    assert.match(summary, /Duplicate ratings0/);

    // Training on 100k ratings runs over many batches; wait for it to finish.
    await page.waitForSelector('#status[data-kind="ok"]', { timeout: 60000 });
    await settle(page);
    assert.match(await page.locator('[data-testid="training-progress"]').textContent(), /Epoch 500 of 500/);

    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 40, 'catalog subset');
    assert.equal(await page.locator('[data-testid="matrix-table"] tbody tr').count(), 20, 'matrix subset rows');
    assert.ok(await page.locator('#matrix [data-testid="subset-note"]').isVisible(), 'matrix subset labelled');
    assert.ok(await page.locator('#heatmap [data-testid="subset-note"]').isVisible(), 'heatmap subset labelled');
    assert.ok(await page.locator('#catalog [data-testid="subset-note"]').isVisible(), 'catalog subset labelled');

    await page.fill('#rec-user', '414');
    await page.locator('#rec-user').press('Enter');
    await page.locator('#rec-user').dispatchEvent('change');
    await settle(page);
    await page.waitForFunction(() => /user 414/.test(document.querySelector('[data-testid="rec-table"] caption')?.textContent ?? ''));
    assert.equal(await page.locator('[data-testid="rec-table"] tbody tr').count(), 10, 'ten recommendations');
    const scores = (await page.locator('[data-testid="rec-table"] td.score').allTextContents()).map(Number);
    assert.ok(scores.every((score, i) => i === 0 || scores[i - 1] >= score), `scores sorted: ${scores}`);

    await page.fill('#catalog-search', 'matrix');
    await settle(page);
    const found = await page.locator('[data-testid="catalog-table"] tbody th').allTextContents();
    assert.ok(found.includes('Matrix, The (1999)'), `search finds the Matrix: ${found}`);

    await page.fill('#rec-user', '9999');
    await page.locator('#rec-user').dispatchEvent('change');
    await settle(page);
    assert.match(await page.locator('#recommend [data-hint-for="user"]').textContent(), /No user has id 9999/);
    assert.match(await page.locator('#recommend [data-hint-for="user"]').textContent(), /from 1 to 610/);

    await screenshot(page, 'movielens-1100');
    await page.click('#builtin-button');
    await page.waitForSelector('#status[data-kind="ok"]');
    await settle(page);
    assert.equal(await page.locator('[data-testid="catalog-table"] tbody tr').count(), 8, 'back on built-in data');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
