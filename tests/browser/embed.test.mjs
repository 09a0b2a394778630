// embed.test.mjs: checks single-section views (?view=...) as slides embed
// them. The iframes of README.md's example are opened in a host page and must
// show their key content without scrolling, and every view is measured at
// 420 and 640 px wide, logging the heights that show it whole.
// Run: node tools/build-web.mjs && node --test tests/browser/

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { READY_TIMEOUT_MS, launchBrowser, openPage, pageUrl, repoRoot, screenshot } from './browser-helpers.mjs';

/** Per view: the element whose bottom edge must be in sight, and a query that fills the view. */
const VIEWS = {
  catalog: { key: '[data-testid="catalog-table"] tbody tr:nth-child(3)' },
  matrix: { key: '[data-testid="matrix-table"]' },
  popularity: { key: '[data-testid="popularity-table"] tbody tr:nth-child(3)' },
  genres: { key: '[data-testid="genres-table"] tbody tr:nth-child(3)' },
  heatmap: { key: '#heatmap-canvas' },
  training: { key: '#rmse-canvas' },
  recommend: { key: '[data-testid="rec-table"] tbody tr:nth-child(3)', query: '&user=3&alpha=0.5' },
};
const WIDTHS = [420, 640];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Returns the iframes of README.md's embedding example: [{ query, view, width, height }]. */
function readmeFrames() {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const frames = [];
  for (const match of readme.matchAll(/<iframe src="minirec\.html(\?[^"]*)" width="(\d+)" height="(\d+)"><\/iframe>/g)) {
    const query = match[1].replaceAll('&amp;', '&');
    frames.push({ query, view: new URLSearchParams(query).get('view'), width: Number(match[2]), height: Number(match[3]) });
  }
  return frames;
}

// In a frame or page: where the key element sits, the viewport, and the scroll position.
function keyPlacement(selector) {
  const element = document.querySelector(selector);
  const box = element?.getBoundingClientRect();
  return {
    found: Boolean(element),
    top: box?.top,
    bottom: box?.bottom,
    right: box?.right,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    scrollY: window.scrollY,
    scrollWidth: document.documentElement.scrollWidth,
  };
}

describe('README example frames', () => {
  test('key content shows without scrolling', async () => {
    const frames = readmeFrames();
    assert.ok(frames.length >= 2, `README.md has ${frames.length} iframe examples; expected the heatmap and recommend frames`);

    // The host page stands for a slide: the README's iframes, side by side.
    const hostDir = mkdtempSync(path.join(os.tmpdir(), 'minirec-embed-'));
    const hostFile = path.join(hostDir, 'slides.html');
    writeFileSync(hostFile, `<!doctype html><meta charset="utf-8"><body style="margin:0">${frames.map((frame) =>
      `<iframe src="${pageUrl}${frame.query}" width="${frame.width}" height="${frame.height}"></iframe>`).join('\n')}</body>`);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(hostFile).href);

    for (const spec of frames) {
      const frame = page.frames().find((candidate) => candidate.url().endsWith(spec.query));
      assert.ok(frame, `frame ${spec.query} loaded`);
      await frame.waitForSelector('html[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
      await frame.waitForFunction(() => globalThis.minirecApp?.isIdle(), null, { timeout: READY_TIMEOUT_MS });
      await frame.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const key = VIEWS[spec.view]?.key;
      assert.ok(key, `README frame uses a known view: ${spec.view}`);
      const placed = await frame.evaluate(keyPlacement, key);
      const label = `${spec.query} at ${spec.width}x${spec.height}`;
      assert.ok(placed.found, `${label}: ${key} exists`);
      assert.equal(placed.innerHeight, spec.height, `${label}: frame height`);
      assert.equal(placed.scrollY, 0, `${label}: not scrolled`);
      assert.ok(placed.top >= 0, `${label}: key content starts at ${placed.top}px`);
      assert.ok(placed.bottom <= placed.innerHeight, `${label}: key content ends at ${placed.bottom}px of ${placed.innerHeight}px`);
      assert.ok(placed.right <= placed.innerWidth, `${label}: key content ends at ${placed.right}px of ${placed.innerWidth}px wide`);
      assert.ok(placed.scrollWidth <= spec.width, `${label}: page is ${placed.scrollWidth}px wide`);
    }
    await screenshot(page, 'readme-frames');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('embedded view heights', () => {
  for (const [view, spec] of Object.entries(VIEWS)) {
    test(`${view} at 420 and 640 px`, async () => {
      const measured = [];
      for (const width of WIDTHS) {
        // A tall window shows the whole section, so its height can be read off.
        const { page, errors } = await openPage(browser, { query: `?view=${view}${spec.query ?? ''}`, width, height: 2400 });
        const placed = await page.evaluate(keyPlacement, spec.key);
        const full = await page.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
        assert.ok(placed.found, `${view} at ${width}px: ${spec.key} exists`);
        assert.ok(placed.scrollWidth <= width, `${view} at ${width}px: page is ${placed.scrollWidth}px wide`);
        assert.ok(placed.bottom <= full, `${view} at ${width}px: key content inside the section`);
        measured.push(`${width} px wide: ${full} px for the whole section, ${Math.ceil(placed.bottom) + 8} px for its key content`);
        if (width === WIDTHS[0]) await screenshot(page, `embed-${view}-${width}`);
        assert.deepEqual(errors, []);
        await page.close();
      }
      console.log(`# ${view}: ${measured.join('; ')}`);
    });
  }
});
