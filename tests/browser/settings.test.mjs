// settings.test.mjs: checks in headless Chromium how the built page handles
// its settings. An invalid value from the link or typed into a field must get
// a message beside its control, in the status line and in the URL. The file
// also covers divergent training, live retraining on small data, keyboard use
// and the texts that depend on the data.
// Run: node tools/build-web.mjs && node --test tests/browser/

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launchBrowser, openPage, screenshot, serveSite, settle, text } from './browser-helpers.mjs';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'minirec-settings-'));
let browser;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Enters a value into a field (one input event) and leaves it (change event).
async function typeInto(page, selector, value) {
  await page.fill(selector, value);
  await page.locator(selector).dispatchEvent('change');
  await settle(page);
}

function writeFiles(files) {
  const dir = mkdtempSync(path.join(workDir, 'data-'));
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  });
}

// ---------------------------------------------------------------------------
// Invalid values from the link
// ---------------------------------------------------------------------------

describe('link values', () => {
  test('alpha out of range is named', async () => {
    const { page, errors } = await openPage(browser, { query: '?alpha=7' });
    const status = page.locator('#status');
    assert.equal(await status.getAttribute('data-kind'), 'warning', 'status line is a warning');
    assert.match(await status.textContent(), /alpha=7 is out of range \(expected a number from 0 to 1\), so α is 0\.7/);
    const hint = page.locator('#recommend [data-hint-for="alpha"]');
    assert.equal(await hint.isVisible(), true, 'message beside the slider');
    assert.match(await hint.textContent(), /alpha=7 .*0 to 1/);
    assert.equal(await page.locator('#rec-alpha-value').textContent(), '0.70', 'alpha in use');
    assert.doesNotMatch(await page.evaluate(() => window.location.search), /alpha/, 'URL shows the value in use');

    await page.locator('#rec-alpha').fill('0.5');
    await settle(page);
    assert.equal(await hint.isVisible(), false, 'moving the slider clears the message');
    assert.equal(await status.getAttribute('data-kind'), 'ok', 'status line back to ok');
    assert.doesNotMatch(await status.textContent(), /alpha=7/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('unknown user is named', async () => {
    const { page } = await openPage(browser, { query: '?user=99' });
    for (const id of ['#recommend', '#training']) {
      const hint = page.locator(`${id} [data-hint-for="user"]`);
      assert.equal(await hint.isVisible(), true, `message beside the user picker in ${id}`);
      assert.match(await hint.textContent(), /user=99 is not a user in this data \(ids 1–5\), so user 1 is shown/);
    }
    assert.match(await text(page, '#status'), /user=99 is not a user/);
    assert.doesNotMatch(await page.evaluate(() => window.location.search), /user=99/, 'URL drops the unknown user');
    assert.match(await text(page, '[data-testid="rec-table"] caption'), /user 1$/);

    await page.selectOption('#rec-user', '2');
    await settle(page);
    assert.equal(await page.locator('#recommend [data-hint-for="user"]').isVisible(), false, 'choosing a user clears the message');
    await page.close();
  });

  test('embedded view shows its bad value', async () => {
    const { page } = await openPage(browser, { query: '?view=recommend&alpha=7', width: 420, height: 600 });
    assert.equal(await page.locator('#status').isVisible(), true, 'status line shown in the embedded view');
    assert.match(await text(page, '#status'), /alpha=7 is out of range/);
    const hint = page.locator('#recommend [data-hint-for="alpha"]');
    const box = await hint.boundingBox();
    assert.ok(box, 'message has a box');
    assert.ok(box.y + box.height <= 600, `message inside the frame: ${JSON.stringify(box)}`);
    assert.ok(await page.locator('[data-testid="rec-table"]').isVisible(), 'recommendations still shown');
    await screenshot(page, 'embed-recommend-bad-alpha-420');
    await page.close();
  });

  test('like above scale and missing movie', async () => {
    const { page } = await openPage(browser, { query: '?like=7&movie=12345' });
    const likeHint = page.locator('#recommend [data-hint-for="like"]');
    assert.match(await likeHint.textContent(), /like=7 is above the rating scale, which ends at 5 \(expected a number greater than 0 and at most 5\), so the default 4 is used/);
    assert.equal(await page.inputValue('#rec-like'), '4', 'the default threshold in use');
    assert.match(await text(page, '[data-testid="rec-liked"]'), /rated 4 or higher/);
    assert.match(await text(page, '#heatmap [data-hint-for="movie"]'), /movie=12345 is not in this data/);
    const query = await page.evaluate(() => window.location.search);
    assert.doesNotMatch(query, /like=7/, 'URL drops the threshold');
    assert.doesNotMatch(query, /movie=12345/, 'URL drops the movie');
    assert.match(await text(page, '#status'), /like=7.*movie=12345/);
    await page.close();
  });
});

// ---------------------------------------------------------------------------
// Invalid values typed into the form
// ---------------------------------------------------------------------------

describe('typed values', () => {
  test('training fields name value and range', async () => {
    const { page } = await openPage(browser);
    const hint = page.locator('[data-testid="training-invalid"]');
    const cases = [
      ['#train-k', '0', /k \(latent factors\) = 0 is out of range: enter a whole number from 1 to 1,024\. Still using 3\./],
      ['#train-lr', '0', /Learning rate = 0 is out of range: enter a number greater than 0 and at most 10\. Still using 0\.01\./],
      ['#train-epochs', '1.5', /Epochs = 1\.5 is not an integer: enter a whole number from 1 to 100,000\. Still using 500\./],
    ];
    for (const [selector, value, pattern] of cases) {
      await typeInto(page, selector, value);
      assert.match(await hint.textContent(), pattern, `${selector} = ${value}`);
      assert.equal(await page.locator(selector).getAttribute('aria-invalid'), 'true', `${selector} marked invalid`);
      assert.equal(await page.inputValue(selector), value, `${selector} keeps the typed text`);
    }
    assert.match(await text(page, '[data-testid="training-settings"]'), /k = 3, learning rate = 0\.01, regularization = 0\.1, 500 epochs/, 'the model is unchanged');
    assert.equal(await page.evaluate(() => window.location.search), '', 'no invalid value in the URL');
    await screenshot(page, 'training-invalid-1100', page.locator('#training form'));

    await typeInto(page, '#train-k', '2');
    assert.doesNotMatch(await hint.textContent(), /k \(latent factors\)/, 'a valid k clears its message');
    assert.match(await hint.textContent(), /Learning rate = 0/, 'other messages stay');
    await page.close();
  });

  test('popularity minimum zero is rejected', async () => {
    const { page } = await openPage(browser);
    const rows = await page.locator('[data-testid="popularity-table"] tbody tr').count();
    await typeInto(page, '#popularity-min', '0');
    assert.match(await text(page, '#popularity [data-hint-for="min"]'),
      /Minimum number of ratings = 0 is out of range: enter a whole number from 1 to 100,000\. Still using 1\./);
    assert.equal(await page.locator('[data-testid="popularity-table"] tbody tr').count(), rows, 'the table keeps its minimum');
    await page.close();
  });

  test('like threshold above the scale', async () => {
    const { page } = await openPage(browser);
    const before = await page.locator('[data-testid="rec-table"] tbody tr .title').allTextContents();
    await typeInto(page, '#rec-like', '7');
    assert.match(await text(page, '#recommend [data-hint-for="like"]'),
      /Like threshold = 7 is above the rating scale: enter a number greater than 0 and at most 5\. Still using 4\./);
    assert.deepEqual(await page.locator('[data-testid="rec-table"] tbody tr .title').allTextContents(), before, 'the ranking is unchanged');
    await typeInto(page, '#rec-like', '5');
    assert.equal(await page.locator('#recommend [data-hint-for="like"]').isVisible(), false, 'a valid value clears the message');
    assert.match(await text(page, '[data-testid="rec-liked"]'), /rated 5 or higher/);
    await page.close();
  });
});

// ---------------------------------------------------------------------------
// Divergence and live retraining
// ---------------------------------------------------------------------------

describe('training', () => {
  test('divergence is explained and cleared', async () => {
    const { page } = await openPage(browser);
    await typeInto(page, '#train-lr', '5');
    await page.waitForSelector('#status[data-kind="error"]');
    const status = await text(page, '#status');
    assert.match(status, /diverged at epoch 1 .*learning rate 5/);
    assert.match(status, /Press Defaults or enter a smaller learning rate/);
    const chart = page.locator('#rmse-canvas');
    assert.equal(await chart.getAttribute('data-y-scale'), 'log', 'log axis for an exploded RMSE');
    assert.match(await chart.getAttribute('aria-label'), /diverged at epoch 1/);
    assert.match(await text(page, '[data-testid="training-progress"]'), /^Diverged\. Epoch 1 of 500 · RMSE 1\.\d\de\+22$/);
    assert.equal(await page.locator('[data-testid="rec-table"] td.na').count(), 5, 'no CF scores');
    assert.match(await text(page, '[data-testid="rec-na-note"]'), /† n\/a: training diverged in step 6, so there is no model/);
    await screenshot(page, 'diverged-training-1100', page.locator('#training'));
    await screenshot(page, 'diverged-recommend-1100', page.locator('#recommend'));

    await page.click('#defaults-button');
    await page.waitForSelector('#status[data-kind="ok"]');
    await settle(page);
    assert.equal(await page.inputValue('#train-lr'), '0.01');
    assert.equal(await chart.getAttribute('data-y-scale'), 'linear', 'back to a linear axis');
    assert.doesNotMatch(await chart.getAttribute('aria-label'), /diverged/);
    assert.match(await text(page, '[data-testid="training-progress"]'), /^Done\. Epoch 500 of 500 · RMSE 0\.1892$/);
    assert.equal(await page.locator('[data-testid="rec-table"] td.na').count(), 1, 'only the movie nobody rated lacks CF');
    assert.match(await text(page, '[data-testid="rec-na-note"]'), /The Matrix Reloaded: nobody rated this movie/);
    assert.equal(await page.locator('[data-testid="predictions-table"]').count(), 1, 'predictions are back');
    await page.close();
  });

  test('infinite RMSE is marked', async () => {
    const { page } = await openPage(browser, { query: '?lr=0.5', width: 640 });
    assert.match(await page.locator('#rmse-canvas').getAttribute('aria-label'), /log scale; training diverged at epoch 2/);
    assert.match(await text(page, '[data-testid="training-progress"]'), /Epoch 2 of 500 · RMSE ∞/);
    assert.match(await text(page, '[data-testid="training-settings"]'), /^Diverged at epoch 2 \(RMSE ∞\)/);
    await screenshot(page, 'diverged-lr05-640', page.locator('#training'));
    await page.close();
  });

  test('small data retrains while typing', async () => {
    const { page, errors } = await openPage(browser);
    assert.match(await text(page, '[data-testid="training-mode"]'), /15 ratings, so the model retrains at once/);
    const kernel = await text(page, '[data-testid="training-kernel"]');
    assert.match(kernel, /SGD kernel: exact \(scalar double\)/);
    assert.match(kernel, /(SIMD|plain) build of the WebAssembly module/);
    const before = await page.locator('[data-testid="predictions-table"] tbody td:last-child').allTextContents();

    // Input events alone, with no change event and no Train button.
    await page.locator('#train-k').fill('2');
    await settle(page);
    assert.match(await text(page, '[data-testid="training-settings"]'), /Current model: k = 2,/);
    assert.match(await text(page, '[data-testid="training-progress"]'), /^Done\. Epoch 500 of 500/);
    assert.match(await text(page, '[data-testid="rec-model"]'), /500 epochs with k = 2/);
    const after = await page.locator('[data-testid="predictions-table"] tbody td:last-child').allTextContents();
    assert.notDeepEqual(after, before, 'predictions follow the new model');

    const started = Date.now();
    await page.locator('#train-seed').fill('7');
    await page.waitForFunction(() => /seed = 7/.test(document.querySelector('[data-testid="training-settings"]').textContent));
    const ms = Date.now() - started;
    console.log(`# live retrain of the built-in data: ${ms} ms from input to the redrawn settings line`);
    assert.ok(ms < 2000, `retrained in ${ms} ms`);
    assert.match(await page.evaluate(() => window.location.search), /k=2.*seed=7/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

// ---------------------------------------------------------------------------
// Keyboard
// ---------------------------------------------------------------------------

describe('keyboard', () => {
  test('load button opens the chooser', async () => {
    const { page } = await openPage(browser);
    // A listener installed before any key press makes Playwright intercept every chooser.
    const choosers = [];
    page.on('filechooser', (chooser) => choosers.push(chooser));
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    for (const key of ['Enter', 'Space']) {
      const seen = choosers.length;
      await page.focus('#pick-files');
      await page.keyboard.press(key);
      for (let i = 0; i < 40 && choosers.length === seen; i++) await page.waitForTimeout(50);
      assert.equal(choosers.length, seen + 1, `${key} opens the file chooser`);
      assert.ok(choosers.at(-1).isMultiple(), `${key}: the chooser takes several files`);
    }
    assert.equal(await page.locator('#file-input').evaluate((input) => input.tabIndex), -1, 'file input is no tab stop');
    await page.focus('#pick-files');
    await page.keyboard.press('Shift+Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement.id), 'file-input', 'Shift+Tab skips the file input');
    await page.focus('#pick-files');
    await page.keyboard.press('Tab');
    assert.notEqual(await page.evaluate(() => document.activeElement.id), 'file-input', 'Tab skips the file input');
    await page.close();
  });

  test('heatmap cells by arrow keys', async () => {
    const { page } = await openPage(browser);
    const readout = page.locator('[data-testid="heatmap-readout"]');
    await page.focus('#heatmap-canvas');
    assert.equal(await readout.textContent(), 'The Matrix × The Matrix: 1.000', 'focus shows the first cell');
    await page.keyboard.press('ArrowRight');
    assert.equal(await readout.textContent(), 'The Matrix × The Matrix Reloaded: 1.000');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    assert.equal(await readout.textContent(), 'Interstellar × Inception: 0.408');
    await page.keyboard.press('End');
    assert.equal(await readout.textContent(), 'Finding Nemo × Finding Nemo: 1.000');
    await page.keyboard.press('Escape');
    assert.match(await readout.textContent(), /arrow keys/);
    await page.close();
  });
});

// ---------------------------------------------------------------------------
// Texts that depend on the data
// ---------------------------------------------------------------------------

describe('data texts', () => {
  test('intro, file list and missing movies', async () => {
    const files = writeFiles({
      'movies.csv': 'movieId,title,genres\n1,Alpha (2001),Drama\n2,Beta (2002),Comedy\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4,0\n1,50,3,0\n2,2,5,0\n2,60,2,0\n',
    });
    const { page } = await openPage(browser, { width: 640 });
    assert.match(await text(page, '.lede'), /eight movies and five people/);
    await page.setInputFiles('#file-input', files);
    await page.waitForSelector('[data-testid="data-summary"] dl');
    await settle(page);
    const lede = await text(page, '.lede');
    assert.match(lede, /from a list of 4 movies and 2 people/);
    assert.doesNotMatch(lede, /eight movies/);

    assert.match(await text(page, '[data-testid="movies-mismatch"]'),
      /2 rated movies are missing from movies\.csv.*different releases \(for example MovieLens ratings with MovieTweetings movies\)/);
    const list = await page.locator('.file-list').boundingBox();
    const summary = await page.locator('[data-testid="data-summary"]').boundingBox();
    assert.ok(list.width >= summary.width - 1, `file list is ${list.width}px of ${summary.width}px`);
    const lineHeights = await page.locator('.file-list li').evaluateAll((items) => items.map((item) => item.getBoundingClientRect().height));
    assert.ok(lineHeights.every((height) => height < 30), `each file on one line at 640px: ${lineHeights}`);
    await screenshot(page, 'data-summary-640', page.locator('#data'));

    await page.click('#builtin-button');
    await page.waitForFunction(() => /Built-in teaching data/.test(document.querySelector('[data-testid="data-summary"]').textContent));
    await settle(page);
    assert.match(await text(page, '.lede'), /eight movies and five people/);
    await page.close();
  });

  test('similar movies skip similarity 0', async () => {
    const files = writeFiles({
      'movies.csv': 'movieId,title,genres\n1,Alone (2001),Western\n2,Pair A (2002),Drama|Comedy\n3,Pair B (2003),Drama\n4,Other (2004),Horror\n',
      'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4,0\n1,2,3,0\n2,3,5,0\n2,4,2,0\n3,1,4,0\n',
    });
    const { page } = await openPage(browser);
    await page.setInputFiles('#file-input', files);
    await page.waitForSelector('[data-testid="data-summary"] dl');
    await settle(page);
    await page.selectOption('#similar-movie', { label: 'Alone (2001)' });
    await settle(page);
    assert.equal(await page.locator('[data-testid="similar-table"]').count(), 0, 'no table of unrelated movies');
    assert.equal(await text(page, '[data-testid="similar-note"]'), 'No other movie shares a genre with Alone (2001).');
    await page.selectOption('#similar-movie', { label: 'Pair A (2002)' });
    await settle(page);
    assert.deepEqual(await page.locator('[data-testid="similar-table"] tbody th').allTextContents(), ['Pair B (2003)']);
    assert.equal(await text(page, '[data-testid="similar-note"]'), 'Only 1 other movie shares a genre with Pair A (2002).');
    await page.close();
  });

  test('counts of one are singular', async () => {
    const { page } = await openPage(browser);
    await page.fill('#similar-search', 'nemo');
    await settle(page);
    assert.equal(await text(page, '#heatmap .similar .subset-note'), '1 title contains “nemo”.');
    await page.fill('#heatmap-search', 'nemo');
    await settle(page);
    assert.equal(await text(page, '#heatmap [data-testid="subset-note"]'), 'Showing 1 movie whose title contains “nemo”.');
    await page.close();
  });

  test('site without data says so', async () => {
    // The build leaves out the sample-data meta tag when the data is absent; the server does the same here.
    const { server, url } = await serveSite({ rewriteIndex: (html) => html.replace(/<meta name="minirec-sample-data"[^>]*>/, '') });
    try {
      const { page } = await openPage(browser, { url });
      const note = await text(page, '[data-testid="sample-note"]');
      assert.match(note, /This site was built without the data set/);
      assert.doesNotMatch(note, /single file/);
      assert.equal(await page.locator('#sample-button').isVisible(), false);
      await page.close();
    } finally {
      server.close();
    }
  });

  test('ready marker is set once', async () => {
    const { page } = await openPage(browser, { query: `?epochs=${3000}` });
    const marks = await page.evaluate(() => performance.getEntriesByName('minirec-ready').length);
    assert.equal(marks, 1, 'one performance mark');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), '1');
    assert.match(await text(page, '[data-testid="training-progress"]'), /Epoch 3,000 of 3,000/, 'set after the first training run');
    await page.close();
  });
});
