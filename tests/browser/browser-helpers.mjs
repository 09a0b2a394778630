// browser-helpers.mjs: shared set-up of the browser tests: headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core), the built page, a
// loopback server for dist/site, and waits for the page's ready marker and
// idle state.

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const testDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(testDir, '..', '..');
export const pagePath = path.join(repoRoot, 'dist', 'minirec.html');
export const pageUrl = pathToFileURL(pagePath).href;
export const siteDir = path.join(repoRoot, 'dist', 'site');
export const screenshotDir = process.env.MINIREC_SCREENSHOTS || path.join(os.tmpdir(), 'minirec-screenshots');

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run',
];
export const READY_TIMEOUT_MS = 20000;

/** Launches Chromium; the caller closes it. */
export async function launchBrowser() {
  mkdirSync(screenshotDir, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Opens `url` (default: the single-file page, plus `query`) and waits for the
 * page's ready marker and for it to be idle. Resolves to { page, errors }
 * where errors collects page errors and console errors.
 */
export async function openPage(browser, { query = '', url = `${pageUrl}${query}`, width = 1100, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="1"]', { state: 'attached', timeout: READY_TIMEOUT_MS });
  await settle(page);
  return { page, errors };
}

/** Waits until the page has no core call and no view update pending. */
export async function settle(page, timeout = READY_TIMEOUT_MS) {
  await page.waitForFunction(() => globalThis.minirecApp?.isIdle(), null, { timeout });
}

/** Returns the text of the first element that matches `selector`, or ''. */
export async function text(page, selector) {
  return (await page.locator(selector).first().textContent()) ?? '';
}

/** Saves a screenshot of the page or of one element under screenshotDir. */
export async function screenshot(page, name, locator) {
  const file = path.join(screenshotDir, `${name}.png`);
  await (locator ?? page).screenshot({ path: file, fullPage: locator ? undefined : true });
  return file;
}

const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.csv': 'text/csv', '.txt': 'text/plain' };

/**
 * Serves dist/site on 127.0.0.1 at a free port and counts requests per path.
 * `rewriteIndex` may change the text of index.html before it is sent. With
 * slowData, files under data/ trickle out 32 KiB every 50 ms. Resolves to
 * { server, requests, url }.
 */
export function serveSite({ rewriteIndex = (html) => html, slowData = false } = {}) {
  const requests = new Map();
  const server = http.createServer((request, response) => {
    const name = new URL(request.url, 'http://127.0.0.1').pathname.replace(/^\/$/, '/index.html');
    requests.set(name, (requests.get(name) ?? 0) + 1);
    const file = path.join(siteDir, path.normalize(name));
    if (!file.startsWith(siteDir) || !existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = name === '/index.html' ? Buffer.from(rewriteIndex(readFileSync(file, 'utf8'))) : readFileSync(file);
    response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    if (!slowData || !name.startsWith('/data/')) {
      response.end(body);
      return;
    }
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || sent >= body.length) {
        clearInterval(timer);
        response.end();
        return;
      }
      response.write(body.subarray(sent, sent + 32768));
      sent += 32768;
    }, 50);
    response.on('close', () => clearInterval(timer));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}
