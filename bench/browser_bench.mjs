// browser_bench.mjs: benchmarks in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core from the repository's node_modules). Pages load
// from file://, so no network is involved.
//
//   node bench/browser_bench.mjs wasm MODULE.js BENCH [options]
//       runs a minirec-bench WebAssembly build (SINGLE_FILE, MODULARIZE,
//       EXPORT_NAME=createMinirecBench) in a blank page; prints its JSON lines
//       with "runtime":"chromium" added
//   node bench/browser_bench.mjs page HTML [--loads N]
//       opens the page N times (5) in fresh tabs. Prints one JSON line with
//       the median time from navigation start to the first recommendations
//       table row, and to the "ready" status that follows the default training

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
const PAGE_TIMEOUT_MS = 60000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// ---------------------------------------------------------------------------
// WebAssembly benchmark programs
// ---------------------------------------------------------------------------

async function runWasm(browser, modulePath, args) {
  // A blank page beside the other build outputs that loads the module by URL.
  const pageDir = path.join(repoRoot, 'build', 'bench', 'browser');
  mkdirSync(pageDir, { recursive: true });
  const pagePath = path.join(pageDir, `${path.basename(modulePath, '.js')}.html`);
  const moduleUrl = pathToFileURL(path.resolve(modulePath)).href;
  writeFileSync(pagePath, `<!doctype html>\n<meta charset="utf-8">\n<title>minirec-bench</title>\n<script src="${moduleUrl}"></script>\n`);

  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(pagePath).href);
  const result = await page.evaluate(async (programArgs) => {
    const lines = [];
    let exitCode = 0;
    // createMinirecBench is the global that the module script defines.
    await globalThis.createMinirecBench({
      arguments: programArgs,
      print: (line) => lines.push(line),
      printErr: (line) => lines.push(`stderr: ${line}`),
      onExit: (code) => { exitCode = code; },
    });
    return { lines, exitCode };
  }, args);
  await page.close();

  const version = browser.version();
  for (const line of result.lines) {
    if (line.startsWith('{')) {
      const record = JSON.parse(line);
      record.runtime = 'chromium';
      record.browser_version = version;
      process.stdout.write(`${JSON.stringify(record)}\n`);
    } else {
      process.stderr.write(`${line}\n`);
    }
  }
  if (errors.length) process.stderr.write(`page errors: ${errors.join('; ')}\n`);
  return result.exitCode || (errors.length ? 1 : 0);
}

// ---------------------------------------------------------------------------
// The page: time to first render
// ---------------------------------------------------------------------------

/** Console message that the page logs once it is ready. */
const READY_MESSAGE = 'minirec-bench: ready';

// Runs in the page before its scripts: records performance.now() (ms since
// navigation start) when the recommendations table first has a row and when
// the page sets data-ready="1" on <html> (first render and default training done),
// then logs READY_MESSAGE.
function installMarks(readyMessage) {
  const marks = {};
  globalThis.__benchMarks = marks;
  const check = () => {
    const row = document.querySelector('[data-testid="rec-table"] tbody tr');
    if (row && marks.firstRows === undefined) marks.firstRows = performance.now();
    if (document.documentElement.dataset.ready === '1' && marks.ready === undefined) {
      marks.ready = performance.now();
      console.debug(readyMessage);
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
}

async function loadPage(browser, url) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  // An uncaught error in the page ends the wait at once instead of at the timeout.
  let failOnError;
  const pageFailed = new Promise((resolve, reject) => { failOnError = reject; });
  page.on('pageerror', (error) => {
    errors.push(error.message);
    failOnError(new Error(`the page threw an uncaught error: ${error.message}`));
  });
  await page.addInitScript(installMarks, READY_MESSAGE);
  // The wait listens for a console message, which runs nothing in the page.
  // Polling with page.waitForFunction would evaluate Playwright's injected
  // script on the page's main thread during the load (about 25 ms in a trace)
  // and add that to the figures.
  const ready = page.waitForEvent('console', {
    predicate: (message) => message.text() === READY_MESSAGE, timeout: PAGE_TIMEOUT_MS,
  });
  await page.goto(url, { waitUntil: 'commit' });
  await Promise.race([pageFailed, ready]);
  const marks = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      ...globalThis.__benchMarks,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      load: nav ? nav.loadEventEnd : null,
    };
  });
  await page.close();
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  return marks;
}

async function runPage(browser, htmlPath, loads) {
  const url = pathToFileURL(path.resolve(htmlPath)).href;
  await loadPage(browser, url); // a warm-up load, not counted: it fills the file and code caches
  const samples = [];
  for (let i = 0; i < loads; i++) samples.push(await loadPage(browser, url));
  const pick = (key) => samples.map((s) => s[key]).filter((v) => typeof v === 'number');
  const record = {
    bench: 'page',
    runtime: 'chromium',
    browser_version: browser.version(),
    loads,
    median_first_rows_ms: median(pick('firstRows')),
    median_ready_ms: median(pick('ready')),
    median_dom_content_loaded_ms: median(pick('domContentLoaded')),
    ready_ms: pick('ready'),
  };
  process.stdout.write(`${JSON.stringify(record)}\n`);
  return 0;
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

async function main() {
  const [mode, target, ...rest] = process.argv.slice(2);
  if (!['wasm', 'page'].includes(mode) || !target) {
    console.error('usage: node bench/browser_bench.mjs wasm MODULE.js BENCH [options] | page HTML [--loads N]');
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    if (mode === 'wasm') {
      process.exitCode = await runWasm(browser, target, rest);
    } else {
      const index = rest.indexOf('--loads');
      const loads = index >= 0 ? Number(rest[index + 1]) : 5;
      process.exitCode = await runPage(browser, target, Number.isInteger(loads) && loads > 0 ? loads : 5);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  // A page that fails to render is a result too: record it.
  if (process.argv[2] === 'page') {
    process.stdout.write(`${JSON.stringify({ bench: 'page', runtime: 'chromium', error: error.message })}\n`);
  }
  console.error(`browser_bench: ${error.message}`);
  process.exit(1);
});
