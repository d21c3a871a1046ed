// Shared Playwright set-up for the end-to-end tests: Debian's Chromium, headless, and a page
// that records console errors. STORYCHART_URL is the server `cargo xtask test` starts.
import { chromium } from 'playwright-core';

export const BASE = process.env.STORYCHART_URL ?? 'http://127.0.0.1:8080/';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Opens `path` in a new page; returns the page and the list of console errors it logs. */
export async function open(browser, path, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL(path, BASE).href);
  return { page, errors, context };
}

/** Waits until the <story-chart> matching `selector` has drawn (scrolled near first: charts
 * start when they near the viewport). */
export async function waitForChart(page, selector) {
  await page.waitForSelector(selector, { state: 'attached' });
  await page.$eval(selector, (el) => {
    if (el.dataset.state === 'idle') el.scrollIntoView({ block: 'center' });
  });
  await page.waitForFunction(
    (sel) => ['ready', 'error'].includes(document.querySelector(sel)?.dataset.state),
    selector,
  );
  const state = await page.$eval(selector, (el) => el.dataset.state);
  if (state !== 'ready') {
    throw new Error(`${selector} failed: ${await page.$eval(selector, (el) => el.shadowRoot?.textContent ?? el.textContent)}`);
  }
}

/** RGBA of the canvas pixel under each CSS point, read from the chart's own canvas. */
export async function canvasPixels(page, selector, points) {
  return page.$eval(selector, (el, pts) => {
    const canvas = el.canvas;
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    const ctx = canvas.getContext('2d');
    return pts.map(([x, y]) => Array.from(
      ctx.getImageData(Math.floor(x * ratio), Math.floor(y * ratio), 1, 1).data));
  }, points);
}

/**
 * Adds a `<story-chart id=ID loading=eager>` to the page, with its spec inline (`spec`, an
 * object) or by URL (`src`), and any other `attrs`; appended to `parent` (a selector), or
 * put first in it with `prepend`. Wait for it with `waitForChart(page, '#ID')`.
 */
export async function addChart(page, { id, spec, src, attrs = {}, parent = 'main', prepend = false }) {
  await page.evaluate((o) => {
    const el = document.createElement('story-chart');
    el.id = o.id;
    el.setAttribute('loading', 'eager');
    for (const [name, value] of Object.entries(o.attrs)) el.setAttribute(name, value);
    if (o.src) el.setAttribute('src', o.src);
    if (o.spec) {
      const script = document.createElement('script');
      script.type = 'application/json';
      script.textContent = JSON.stringify(o.spec);
      el.append(script);
    }
    const host = document.querySelector(o.parent);
    if (o.prepend) host.prepend(el); else host.append(el);
  }, { id, spec, src, attrs, parent, prepend });
}
