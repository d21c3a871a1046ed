// Embedding end to end, in real Chromium: the iframe page and its four height protocols,
// embed.js sizing iframes, strict CSP, a 50-chart page on one WASM instance, "Get the data",
// "Download image", locales, errors, devicePixelRatio changes and lazy start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { launch, open, waitForChart, BASE } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Records, in the top frame, every message posted to it and every CSP violation in any frame. */
const RECORD = () => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    (window.top.__cspViolations ?? window.__cspViolations).push(`${e.violatedDirective} ${e.blockedURI}`);
  });
  if (window === window.top) {
    window.__messages = [];
    window.addEventListener('message', (e) => window.__messages.push(e.data));
  }
};

async function openEmbedHost(options = {}) {
  const context = await browser.newContext(options);
  await context.addInitScript(RECORD);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('embed-test.html', BASE).href);
  const frame = page.frame({ url: /embed\.html/ });
  await waitForChart(frame, 'story-chart');
  return { page, frame, errors, context };
}

test('embed.html posts its height in the Datawrapper, Pym.js, AMP and Guardian formats', async () => {
  const { page, frame, errors, context } = await openEmbedHost();
  const height = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction((h) => window.__messages.some((m) => m?.kind === 'interactive:height' && m.height === h), height);
  const messages = await page.evaluate(() => window.__messages);
  const last = (pred) => messages.filter(pred).at(-1);
  assert.deepEqual(last((m) => m?.['datawrapper-height']), { 'datawrapper-height': { victims: height } });
  assert.equal(last((m) => typeof m === 'string' && m.startsWith('pymxPYMx')), `pymxPYMxvictimsxPYMxheightxPYMx${height}`);
  assert.deepEqual(last((m) => m?.sentinel === 'amp'), { sentinel: 'amp', type: 'embed-size', height });
  assert.deepEqual(last((m) => m?.kind === 'interactive:height'), { kind: 'interactive:height', height });
  assert.ok(height > 150, `embed height ${height}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a page with a strict CSP renders the embed, itself under a strict CSP, with no violation', async () => {
  const { page, frame, errors, context } = await openEmbedHost();
  const csp = await frame.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(await frame.$$eval('script:not([src])', (s) => s.length), 0, 'no inline script');
  assert.match(await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content), /script-src 'self'/);
  const rects = await frame.$eval('story-chart', (el) => el.markRects());
  assert.equal(rects.length, 4);
  // The chrome is HTML inside the shadow root, styled (so the constructed stylesheet applied).
  const chrome = await frame.$eval('story-chart', (el) => {
    const h = el.shadowRoot.querySelector('.headline');
    return { text: h.textContent, weight: getComputedStyle(h).fontWeight, link: el.shadowRoot.querySelector('.source a')?.href };
  });
  assert.equal(chrome.text, 'Girls and women were 94% of victims');
  assert.equal(chrome.weight, '700');
  assert.equal(chrome.link, 'https://www.traffickinginstitute.org/');
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed.js resizes the iframe when the content height changes after a width change', async () => {
  const { page, frame, errors, context } = await openEmbedHost({ viewport: { width: 1280, height: 900 } });
  const iframeHeight = () => page.$eval('#embed', (f) => f.getBoundingClientRect().height);
  const docHeight = () => frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  await page.waitForFunction(() => document.querySelector('#embed').style.height !== '');
  const wide = await iframeHeight();
  assert.equal(wide, await docHeight());
  await page.setViewportSize({ width: 320, height: 900 });
  // The headline and source line wrap at 320 px: the content grows and the iframe follows.
  await page.waitForFunction((h) => document.querySelector('#embed').getBoundingClientRect().height > h + 10, wide);
  const narrow = await iframeHeight();
  assert.equal(narrow, await docHeight());
  assert.ok(narrow > wide, `${narrow} <= ${wide}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('embed.js reads all four protocols and sizes only marked iframes', async () => {
  const { page, context } = await openEmbedHost();
  const heights = await page.evaluate(() => {
    const h = window.storychartEmbed.heightOf;
    return [h({ 'datawrapper-height': { x: 301 } }), h('pymxPYMxidxPYMxheightxPYMx302'),
      h({ sentinel: 'amp', type: 'embed-size', height: 303 }), h({ kind: 'interactive:height', height: 304 }),
      h(JSON.stringify({ kind: 'interactive:height', height: 305 })), h('pymxPYMxidxPYMxwidthxPYMx9'), h(null)];
  });
  assert.deepEqual(heights.slice(0, 5), [301, 302, 303, 304, 305]);
  assert.ok(Number.isNaN(heights[5]) && Number.isNaN(heights[6]));
  await context.close();
});

test('a page of 50 charts draws them all with one WASM instance and stays responsive', async () => {
  const { page, errors, context } = await open(browser, 'many.html', { viewport: { width: 800, height: 900 } });
  const wasm = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).length);
  assert.ok(wasm <= 1);
  const ids = await page.$$eval('story-chart', (els) => els.map((e) => e.id));
  assert.equal(ids.length, 50);
  // Far below the fold, charts wait (IntersectionObserver) until the reader scrolls near.
  assert.equal(await page.$eval('#chart-50', (el) => el.dataset.state), 'idle');
  // Measure the longest gap between animation frames while scrolling through every chart.
  await page.evaluate(() => {
    window.__gaps = [];
    let t = performance.now();
    const tick = (now) => { window.__gaps.push(now - t); t = now; window.__raf = requestAnimationFrame(tick); };
    window.__raf = requestAnimationFrame(tick);
  });
  for (const id of ids) await waitForChart(page, `#${id}`);
  const gaps = await page.evaluate(() => { cancelAnimationFrame(window.__raf); return window.__gaps; });
  const worst = Math.max(...gaps);
  assert.ok(worst < 500, `a frame took ${worst.toFixed(0)} ms`);
  const instances = await page.evaluate(async () => (await import(new URL('story-chart.js', location.href).href)).StoryChartElement.instances);
  assert.equal(instances, 1, 'one WASM module instance');
  assert.equal(await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).length), 1);
  // Still responsive: a parameterless redraw of all 50 at a new width takes well under a second.
  const ms = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector('main').style.maxWidth = '400px';
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return performance.now() - t0;
  });
  assert.ok(ms < 1500, `relayout of 50 charts took ${ms.toFixed(0)} ms`);
  // `aspect="2"` charts ("height": "container") are half as high as wide (plot plus axes).
  const aspect = await page.$eval('#chart-1', (el) => el.chartSize);
  assert.ok(Math.abs(aspect.height - aspect.width / 2) < 1, JSON.stringify(aspect));
  assert.deepEqual(errors, []);
  await context.close();
});

/** Parses RFC 4180 CSV (enough for the tests: quotes, doubled quotes, CRLF). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

test('"Get the data" downloads exactly the rows the chart shows, after the reader filtered it', async () => {
  const { page, errors, context } = await open(browser, 'index.html', { acceptDownloads: true });
  const chart = 'story-chart#platforms';
  await waitForChart(page, chart);
  await page.getByRole('radio', { name: 'Adults' }).check();
  await page.waitForFunction((sel) => document.querySelector(sel).getParam('who') === 'Adults', chart);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`${chart} button.get-data`).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'platforms.csv');
  const text = await readFile(await download.path(), 'utf8');
  const [header, ...rows] = parseCsv(text);
  const col = (name) => header.indexOf(name);
  assert.ok(col('platform') >= 0 && col('share') >= 0 && col('who') >= 0, header.join());
  const shares = Object.fromEntries(rows.map((r) => [r[col('platform')], Number(r[col('share')])]));
  assert.deepEqual(shares, { WeChat: 43, Facebook: 36, Instagram: 7, 'Other platforms': 14 });
  assert.deepEqual(new Set(rows.map((r) => r[col('who')])), new Set(['Adults']));
  // The same rows the marks draw.
  const marks = await page.$eval(chart, (el) => el.markData());
  assert.equal(rows.length, marks.marks[0].rows.length);
  assert.deepEqual(errors, []);
  await context.close();
});

test('"Download image" yields a PNG of the chart at its size; both actions can be switched off', async () => {
  const { page, errors, context } = await open(browser, 'index.html', { acceptDownloads: true });
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`${chart} button.download-image`).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'victims-by-group.png');
  const png = await readFile(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const size = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
  const chartSize = await page.$eval(chart, (el) => el.chartSize);
  assert.deepEqual(size, { width: Math.round(chartSize.width), height: Math.round(chartSize.height) });
  await page.$eval(chart, (el) => { el.setAttribute('no-get-data', ''); el.setAttribute('no-download-image', ''); });
  assert.equal(await page.locator(`${chart} button.get-data`).isVisible(), false);
  assert.equal(await page.locator(`${chart} button.download-image`).isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the locale attribute formats the axis labels in German, French and Spanish', async () => {
  const { page, errors, context } = await open(browser, 'index.html');
  const chart = 'story-chart#active-cases';
  await waitForChart(page, chart);
  const labels = async (locale) => {
    await page.$eval(chart, (el, l) => el.setAttribute('locale', l), locale);
    await page.waitForFunction(([sel, l]) => {
      const el = document.querySelector(sel);
      return el.textBoxes().some((t) => t.text === (l === 'fr-FR' ? '1\u00a0000' : l === 'en-US' ? '1,000' : '1.000'));
    }, [chart, locale]);
    return (await page.$eval(chart, (el) => el.textBoxes())).map((t) => t.text);
  };
  assert.ok((await labels('de-DE')).includes('1.500'));
  assert.ok((await labels('fr-FR')).includes('1\u00a0500'));
  assert.ok((await labels('es-ES')).includes('1.500'));
  assert.ok((await labels('en-US')).includes('1,500'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a bad spec shows a readable message inside the element and fires an error event', async () => {
  const { page, context } = await open(browser, 'many.html');
  const result = await page.evaluate(() => new Promise((resolve) => {
    const el = document.createElement('story-chart');
    el.setAttribute('loading', 'eager');
    el.innerHTML = '<script type="application/json">{"data": {"values": [{"a": 1}]}, "mark": "bar", "encoding": {"x": {"field": "yaer", "type": "quantitative"}}}</script>';
    el.addEventListener('error', (e) => resolve({ detail: e.detail, state: el.dataset.state,
      shown: el.shadowRoot.querySelector('[role=alert]')?.textContent }));
    document.body.prepend(el);
  }));
  assert.equal(result.state, 'error');
  assert.match(result.detail, /yaer/);
  assert.match(result.shown, /^This chart could not be drawn: .*yaer/);
  await context.close();
});

test('a browser without WebAssembly SIMD gets a message that names what is missing', async () => {
  const context = await browser.newContext();
  // Chromium has SIMD; the test takes it away where the element asks for it.
  await context.addInitScript(() => {
    const validate = WebAssembly.validate;
    WebAssembly.validate = (bytes) => {
      const b = new Uint8Array(bytes);
      return b.includes(253) && b.length < 40 ? false : validate(bytes);
    };
  });
  const page = await context.newPage();
  await page.goto(new URL('many.html', BASE).href);
  await page.waitForFunction(() => document.querySelector('story-chart')?.dataset.state === 'error');
  const shown = await page.evaluate(() => document.querySelector('story-chart')
    .shadowRoot.querySelector('[role=alert]')?.textContent);
  assert.match(shown, /^This chart could not be drawn: this browser cannot run WebAssembly SIMD; .*Safari 16\.4/);
  await context.close();
});

test('the chart redraws sharp when devicePixelRatio changes', async () => {
  // Chromium's device-metrics emulation changes devicePixelRatio but fires no media-query
  // change, so the test keeps the element's `(resolution: Ndppx)` listeners and fires them
  // itself after changing the ratio, as a real screen change or zoom does.
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  await context.addInitScript(() => {
    const real = window.matchMedia.bind(window);
    window.__dprListeners = [];
    window.matchMedia = (q) => {
      const list = real(q);
      if (q.includes('resolution')) {
        const add = list.addEventListener.bind(list);
        list.addEventListener = (type, fn, ...rest) => { window.__dprListeners.push(fn); add(type, fn, ...rest); };
      }
      return list;
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('index.html', BASE).href);
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  const ratio = () => page.$eval(chart, (el) => el.canvas.width / el.canvas.getBoundingClientRect().width);
  assert.equal(await ratio(), 1);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 900, height: 800, deviceScaleFactor: 2, mobile: false });
  await page.evaluate(() => { for (const fn of window.__dprListeners.splice(0)) fn(new Event('change')); });
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el.canvas.width === Math.round(el.canvas.getBoundingClientRect().width * 2);
  }, chart);
  // The element listens again, now for the new ratio.
  assert.ok(await page.evaluate(() => window.__dprListeners.length > 0));
  assert.deepEqual(errors, []);
  await context.close();
});

test('data by URL arrives as bytes: a UTF-8 BOM is dropped and invalid UTF-8 becomes U+FFFD, as Response.text() decodes', async () => {
  const { page, context } = await open(browser, 'many.html');
  const body = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('[{"name": "caf'), Buffer.from([0xff]), Buffer.from('", "n": 1}, {"name": "tea", "n": 2}]'),
  ]);
  await page.route('**/bytes-test.json', (route) => route.fulfill({ body, contentType: 'application/json' }));
  const data = await page.evaluate(() => new Promise((resolve, reject) => {
    const el = document.createElement('story-chart');
    el.setAttribute('loading', 'eager');
    el.innerHTML = '<script type="application/json">{"data": {"url": "bytes-test.json"}, "mark": "bar", "encoding": {"x": {"field": "name", "type": "nominal"}, "y": {"field": "n", "type": "quantitative"}}}</script>';
    el.addEventListener('render', () => resolve(JSON.stringify(el.markData())), { once: true });
    el.addEventListener('error', (e) => reject(new Error(e.detail)));
    document.body.prepend(el);
  }));
  assert.ok(data.includes('"caf\uFFFD"'), data);
  assert.ok(data.includes('"tea"'), data);
  assert.ok(!data.includes('\uFEFF'), data);
  await context.close();
});
