// Reader interaction end to end, in real Chromium: tooltips, touch, legend toggles, bound
// inputs against Vega, linked brushing, zoom and pan, and URL state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launch, open, waitForChart, addChart } from './helpers.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHARED_VEGA = path.resolve(ROOT, '../shared/vega-lite/vega-marks.mjs');
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The canvas's top-left corner in page coordinates. */
async function origin(page, selector) {
  return page.$eval(selector, (el) => {
    const r = el.canvas.getBoundingClientRect();
    return { x: r.left, y: r.top };
  });
}

const rowsOf = (data) => data.marks.map((m) => m.rows.map((r) => JSON.stringify(r)).sort());

test('hovering a bar shows its tooltip values and highlights it on the overlay', async () => {
  const { page, errors, context } = await open(browser, 'index.html');
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.scrollIntoView({ block: 'center' }));
  const rects = await page.$eval(chart, (el) => el.markRects());
  const o = await origin(page, chart);
  const bar = rects[1];
  await page.mouse.move(o.x + bar.x + bar.width / 2, o.y + bar.y + bar.height / 2);
  const tip = `${chart} .story-chart-tooltip`;
  await page.waitForSelector(tip, { state: 'visible' });
  const text = await page.$eval(tip, (t) => t.textContent);
  const row = (await page.$eval(chart, (el) => el.markData())).marks[0].rows
    .find((r) => text.includes(r.group));
  assert.ok(row, `tooltip "${text}" names no group`);
  assert.match(text, new RegExp(`${row.sum_share}$`));
  // The overlay outlines the hovered bar, read from the scene (no data recompute).
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.hover, chart);
  const hover = (await page.$eval(chart, (el) => el.dataset.hover)).split(',').map(Number);
  assert.deepEqual(hover.slice(0, 4).map(Math.round), [bar.x, bar.y, bar.width, bar.height].map(Math.round));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a touch tap shows the tooltip, a second tap elsewhere dismisses it, a vertical swipe scrolls', async () => {
  const { page, context } = await open(browser, 'index.html', { hasTouch: true, isMobile: true,
    viewport: { width: 390, height: 700 } });
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.scrollIntoView({ block: 'center' }));
  const [bar] = await page.$eval(chart, (el) => el.markRects());
  const o = await origin(page, chart);
  await page.touchscreen.tap(o.x + bar.x + bar.width / 2, o.y + bar.y + bar.height / 2);
  const tip = `${chart} .story-chart-tooltip`;
  await page.waitForSelector(tip, { state: 'visible' });
  assert.match(await page.$eval(tip, (t) => t.textContent), /Girls.*50/);
  await page.touchscreen.tap(5, 5);
  await page.waitForSelector(tip, { state: 'hidden' });
  // A vertical swipe that starts on the chart scrolls the page: the chart never traps it.
  const before = await page.evaluate(() => scrollY);
  const cdp = await context.newCDPSession(page);
  const x = o.x + bar.x + bar.width / 2;
  const y = o.y + bar.y + bar.height / 2;
  const under = await page.evaluate(([px, py]) => {
    const hit = document.elementFromPoint(px, py);
    return (hit?.shadowRoot?.elementFromPoint(px, py) ?? hit)?.tagName;
  }, [x, y]);
  assert.equal(under, 'CANVAS');
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= 10; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: y - 25 * i }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await page.waitForFunction((y) => scrollY > y + 50, before);
  await context.close();
});

test('a legend click shows only that series; shift-click toggles it; double-click shows all', async () => {
  const { page, errors, context } = await open(browser, 'interact.html');
  const chart = 'story-chart#legend';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.scrollIntoView({ block: 'center' }));
  const all = await page.$eval(chart, (el) => el.markData());
  const entries = await page.$eval(chart, (el) => el.interaction.legendEntries());
  assert.deepEqual(entries.map((e) => e.label), ['Europe', 'Japan', 'USA']);
  const o = await origin(page, chart);
  const at = (e) => [o.x + e.x + e.width / 2, o.y + e.y + e.height / 2];
  await page.mouse.click(...at(entries[1]));
  const origins = async () => new Set((await page.$eval(chart, (el) => el.markData())).marks[0].rows.map((r) => r.Origin));
  assert.deepEqual(await origins(), new Set(['Japan']));
  assert.deepEqual(await page.$eval(chart, (el) => el.getParam('pick')), [{ Origin: 'Japan' }]);
  // The filter leaves one entry; shift-clicking it toggles it off: every series is back.
  const [japan] = await page.$eval(chart, (el) => el.interaction.legendEntries());
  assert.equal(japan.label, 'Japan');
  await page.keyboard.down('Shift');
  await page.mouse.click(...at(japan));
  await page.keyboard.up('Shift');
  assert.deepEqual(await origins(), new Set(['Europe', 'Japan', 'USA']));
  await page.mouse.click(...at(entries[2]));
  assert.deepEqual(await origins(), new Set(['USA']));
  await page.mouse.dblclick(o.x + 30, o.y + 30);
  const back = await page.$eval(chart, (el) => el.markData());
  assert.deepEqual(rowsOf(back), rowsOf(all));
  assert.deepEqual(errors, []);
  await context.close();
});

// Each bound input type, set through its real DOM control, gives the mark data Vega computes
// for the same parameter value (vega-marks.mjs --signal, run now with the installed vega).
const INPUTS = [
  ['select', 'origin', 'Japan', async (form) => form.locator('select[name=origin]').selectOption({ label: 'Japan' })],
  ['radio', 'era', '1980s', async (form) => form.getByLabel('1980s').check()],
  ['checkbox', 'heavy', true, async (form) => form.locator('input[name=heavy]').check()],
  ['range', 'minHp', 120, async (form) => form.locator('input[name=minHp]').fill('120')],
  ['search', 'search', 'ford', async (form) => form.locator('input[name=search]').fill('ford')],
];

function vegaMarks(spec, signal) {
  // The shared script resolves vega from next to itself: run a copy inside this repository.
  const dir = path.join(ROOT, 'target/oracle-tmp');
  fs.mkdirSync(dir, { recursive: true });
  const script = path.join(dir, 'vega-marks.mjs');
  fs.copyFileSync(SHARED_VEGA, script);
  const out = execFileSync('node', [script, path.join(ROOT, 'www', spec),
    path.join(ROOT, 'node_modules/vega-datasets/data'), '--signal', signal],
  { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out);
}

for (const [type, name, value, set] of INPUTS) {
  test(`the ${type} input sets ${name} and the marks match Vega's for ${JSON.stringify(value)}`, async (t) => {
    if (!fs.existsSync(SHARED_VEGA)) {
      t.skip('SKIPPED: ../shared/vega-lite/vega-marks.mjs is missing');
      return;
    }
    const { page, errors, context } = await open(browser, 'interact.html');
    const chart = 'story-chart#widgets';
    await waitForChart(page, chart);
    const before = await page.$eval(chart, (el) => el.markData());
    await set(page.locator(`${chart} form.story-chart-controls`));
    await page.waitForFunction(([sel, n, v]) => JSON.stringify(document.querySelector(sel).getParam(n)) === v,
      [chart, name, JSON.stringify(value)]);
    const ours = await page.$eval(chart, (el) => el.markData());
    const vega = vegaMarks('interact-specs/cars-widgets.vl.json', `${name}=${JSON.stringify(value)}`);
    assert.deepEqual(rowsOf(ours), rowsOf(vega));
    assert.notDeepEqual(rowsOf(ours), rowsOf(before), 'the control changed nothing');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a brush on one linked chart filters the other three; a click outside clears it', async () => {
  const { page, errors, context } = await open(browser, 'explore.html', { viewport: { width: 1000, height: 1000 } });
  const ids = ['delay', 'distance', 'time', 'status'];
  for (const id of ids) await waitForChart(page, `#${id}`);
  const total = (id) => page.$eval(`#${id}`, (el) => el.markData().marks[0].rows.reduce((n, r) => n + r.__count, 0));
  const before = {};
  for (const id of ids) before[id] = await total(id);
  assert.equal(before.distance, before.time);
  const plot = await page.$eval('#delay', (el) => el.interaction.plotRect());
  const o = await origin(page, '#delay');
  const y = o.y + plot.y + plot.height / 2;
  await page.mouse.move(o.x + plot.x + plot.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(o.x + plot.x + plot.width * 0.35, y, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#time').getParam('brush_delay')?.delay);
  const [lo, hi] = await page.$eval('#delay', (el) => el.getParam('brush_delay').delay);
  assert.ok(lo < hi, `brush ${lo}..${hi}`);
  assert.deepEqual(await page.$eval('#delay', (el) => el.interaction.brushRect() !== null), true);
  // The brushed chart keeps its own bars; the others count only the brushed flights.
  assert.equal(await total('delay'), before.delay);
  for (const id of ['distance', 'time', 'status']) {
    const n = await total(id);
    assert.ok(n > 0 && n < before[id], `${id}: ${n} of ${before[id]}`);
  }
  assert.equal(await total('distance'), await total('time'));
  // Moving the brush keeps its width and moves its range.
  const r = await page.$eval('#delay', (el) => el.interaction.brushRect());
  await page.mouse.move(o.x + (r[0] + r[2]) / 2, y);
  await page.mouse.down();
  await page.mouse.move(o.x + (r[0] + r[2]) / 2 + 30, y, { steps: 3 });
  await page.mouse.up();
  await page.waitForFunction((l) => document.querySelector('#delay').getParam('brush_delay').delay[0] > l, lo);
  const [lo2, hi2] = await page.$eval('#delay', (el) => el.getParam('brush_delay').delay);
  assert.ok(Math.abs((hi2 - lo2) - (hi - lo)) < 1e-6 * Math.abs(hi - lo) + 1e-9, `${lo2}..${hi2}`);
  // A click in the plot outside the brush clears it everywhere.
  await page.mouse.click(o.x + plot.x + plot.width * 0.9, y);
  await page.waitForFunction(() => JSON.stringify(document.querySelector('#time').getParam('brush_delay')) === '{}');
  assert.equal(await total('time'), before.time);
  assert.deepEqual(errors, []);
  await context.close();
});

test('linked charts that load the same data URL fetch and parse it once', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 1000 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => { if (r.url().includes('flights-200k.json')) requests.push(r.url()); });
  await page.goto(new URL('explore.html', process.env.STORYCHART_URL ?? 'http://127.0.0.1:8080/').href);
  const ids = ['delay', 'distance', 'time', 'status'];
  for (const id of ids) await waitForChart(page, `#${id}`);
  assert.equal(requests.length, 1, requests.join(', '));
  assert.equal(await page.evaluate(() => customElements.get('story-chart').dataParses), 1);
  // Every chart counts every flight of the one shared table.
  const totals = [];
  for (const id of ids) {
    totals.push(await page.$eval(`#${id}`, (el) => el.markData().marks[0].rows.reduce((n, r) => n + r.__count, 0)));
  }
  assert.ok(totals[0] > 0 && totals.slice(1).every((n) => n === totals[1]), totals.join(', '));
  // A chart added later reuses the table instead of fetching and parsing again.
  const spec = await page.evaluate(async () => (await fetch('interact-specs/explore-time.vl.json')).json());
  await addChart(page, { id: 'late', spec, parent: '.grid' });
  await waitForChart(page, '#late');
  assert.equal(requests.length, 1, requests.join(', '));
  assert.equal(await page.evaluate(() => customElements.get('story-chart').dataParses), 1);
  await context.close();
});

test('wheel zoom and drag pan change the scale domain, double-click resets it', async () => {
  const { page, errors, context } = await open(browser, 'interact.html');
  const chart = 'story-chart#zoom';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.scrollIntoView({ block: 'center' }));
  const rows = (await page.$eval(chart, (el) => el.markData())).marks[0].rows.length;
  assert.deepEqual(await page.$eval(chart, (el) => el.getParam('grid')), {});
  const plot = await page.$eval(chart, (el) => el.interaction.plotRect());
  const o = await origin(page, chart);
  const cx = o.x + plot.x + plot.width / 2;
  const cy = o.y + plot.y + plot.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.wheel(0, -200);
  await page.waitForFunction((sel) => document.querySelector(sel).getParam('grid').Horsepower, chart);
  const zoomed = await page.$eval(chart, (el) => el.getParam('grid'));
  const [h0, h1] = zoomed.Horsepower;
  const [m0, m1] = zoomed.Miles_per_Gallon;
  assert.ok(h1 - h0 < 200 && h0 > 0, `zoomed horsepower ${h0}..${h1}`);
  assert.ok(m1 - m0 < 45, `zoomed mpg ${m0}..${m1}`);
  // Zooming changes the scales, not the data.
  assert.equal((await page.$eval(chart, (el) => el.markData())).marks[0].rows.length, rows);
  // Dragging right by 40px shows lower horsepower: the domain shifts down.
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + 40, cy, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(([sel, h]) => document.querySelector(sel).getParam('grid').Horsepower[0] < h, [chart, h0]);
  const [p0, p1] = (await page.$eval(chart, (el) => el.getParam('grid'))).Horsepower;
  const perPixel = (h1 - h0) / plot.width;
  assert.ok(Math.abs((h0 - p0) - 40 * perPixel) < 2 * perPixel, `panned ${h0}->${p0}`);
  assert.ok(Math.abs((p1 - p0) - (h1 - h0)) < 1e-6 * (h1 - h0), 'a pan keeps the zoom');
  await page.mouse.dblclick(cx, cy);
  await page.waitForFunction((sel) => JSON.stringify(document.querySelector(sel).getParam('grid')) === '{}', chart);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the URL fragment round trip restores the same mark data and controls', async () => {
  const { page, errors, context } = await open(browser, 'interact.html');
  const chart = 'story-chart#widgets';
  await waitForChart(page, chart);
  const form = page.locator(`${chart} form.story-chart-controls`);
  await form.locator('select[name=origin]').selectOption({ label: 'USA' });
  await form.locator('input[name=minHp]').fill('150');
  await page.waitForFunction(() => location.hash.includes('minHp'));
  const url = page.url();
  const data = await page.$eval(chart, (el) => el.markData());
  const fresh = await context.newPage();
  await fresh.goto(url);
  await waitForChart(fresh, chart);
  assert.deepEqual(rowsOf(await fresh.$eval(chart, (el) => el.markData())), rowsOf(data));
  assert.equal(await fresh.$eval(`${chart} select[name=origin]`, (s) => s.selectedOptions[0].textContent), 'USA');
  assert.equal(await fresh.$eval(`${chart} input[name=minHp]`, (i) => i.value), '150');
  assert.deepEqual(errors, []);
  await context.close();
});
