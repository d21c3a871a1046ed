// Keyboard access, tweened transitions and late-joining linked charts, in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, waitForChart, addChart } from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Bars A..E with a click selection that filters them and a bound select that hides small ones.
const BARS = {
  data: { values: [{ a: 'A', b: 28 }, { a: 'B', b: 55 }, { a: 'C', b: 43 }, { a: 'D', b: 91 }, { a: 'E', b: 81 }] },
  params: [
    { name: 'pick', select: { type: 'point', fields: ['a'] } },
    { name: 'size', value: 'all', bind: { input: 'select', options: ['all', 'big'] } },
  ],
  transform: [{ filter: { param: 'pick' } }, { filter: "size === 'all' || datum.b > 50" }],
  mark: 'bar',
  width: 300,
  height: 200,
  encoding: {
    x: { field: 'a', type: 'nominal' },
    y: { field: 'b', type: 'quantitative' },
    tooltip: [{ field: 'a', type: 'nominal' }, { field: 'b', type: 'quantitative' }],
  },
};

/** Opens interact.html with the BARS chart (#keys) first in the page's tab order. */
async function openBars(options = {}) {
  const opened = await open(browser, 'interact.html', options);
  await addChart(opened.page, { id: 'keys', spec: BARS, prepend: true });
  await waitForChart(opened.page, '#keys');
  return opened;
}

const letters = async (page) => (await page.$eval('#keys', (el) => el.markData())).marks[0].rows.map((r) => r.a).sort();

test('Tab focuses the chart, arrows show each mark\'s tooltip, Enter selects, Escape clears', async () => {
  const { page, errors, context } = await openBars();
  // The chart is first in the page: Tab reaches its control (the bound select), then its canvas.
  const focus = () => page.evaluate(() => {
    const el = document.querySelector('#keys');
    const canvas = el.canvas;
    return { focused: document.activeElement === el && el.shadowRoot.activeElement === canvas,
      outline: getComputedStyle(canvas).outlineStyle };
  });
  await page.keyboard.press('Tab');
  assert.equal((await focus()).focused, false);
  await page.keyboard.press('Tab');
  assert.deepEqual(await focus(), { focused: true, outline: 'solid' });
  const tip = '#keys .story-chart-tooltip';
  const live = '#keys .story-chart-live';
  const said = (text) => page.waitForFunction((t) => document.querySelector('#keys').shadowRoot
    .querySelector('.story-chart-live').textContent === t, text);
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector(tip, { state: 'visible' });
  assert.equal(await page.$eval(tip, (t) => t.textContent), 'a: Ab: 28');
  assert.equal(await page.$eval(live, (t) => t.textContent), 'a: A, b: 28');
  // The tooltip sits at the focused bar, inside the viewport; the bar has the hover outline.
  const rects = await page.$eval('#keys', (el) => el.markRects());
  const box = await page.$eval('#keys', (el) => el.canvas.getBoundingClientRect().toJSON());
  const tipBox = await page.$eval(tip, (t) => t.getBoundingClientRect().toJSON());
  const view = page.viewportSize();
  assert.ok(tipBox.left >= 0 && tipBox.right <= view.width && tipBox.top >= 0, JSON.stringify(tipBox));
  const barX = box.left + rects[0].x + rects[0].width / 2;
  assert.ok(Math.abs(tipBox.left - barX) < 40, `tooltip at ${tipBox.left}, bar at ${barX}`);
  assert.equal(await page.$eval('#keys', (el) => el.dataset.focus), 'mark:0');
  await page.keyboard.press('ArrowRight');
  await said('a: B, b: 55');
  assert.equal(await page.$eval(tip, (t) => t.textContent), 'a: Bb: 55');
  await page.keyboard.press('End');
  await said('a: E, b: 81');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await said('a: B, b: 55');
  // Enter acts as a click on the focused bar: the selection filters the marks to it.
  await page.keyboard.press('Enter');
  assert.deepEqual(await page.$eval('#keys', (el) => el.getParam('pick')), [{ a: 'B' }]);
  assert.deepEqual(await letters(page), ['B']);
  // The focus follows its bar after the redraw and its tooltip is shown again.
  await page.waitForSelector(tip, { state: 'visible' });
  assert.equal(await page.$eval(tip, (t) => t.textContent), 'a: Bb: 55');
  await page.keyboard.press('Escape');
  assert.deepEqual(await page.$eval('#keys', (el) => el.getParam('pick') ?? []), []);
  assert.deepEqual(await letters(page), ['A', 'B', 'C', 'D', 'E']);
  await page.waitForSelector(tip, { state: 'hidden' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the legend is reachable: Down moves to its entries and Enter toggles a series', async () => {
  const { page, errors, context } = await open(browser, 'interact.html');
  const chart = 'story-chart#legend';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.canvas.focus());
  await page.keyboard.press('ArrowRight');
  const text = () => page.$eval(`${chart} .story-chart-live`, (t) => t.textContent);
  assert.match(await text(), /^Name: .*, Horsepower: \d+$/);
  // Three origins are three series; the legend is the fourth.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await text(), 'Origin: Europe');
  await page.keyboard.press('ArrowRight');
  assert.equal(await text(), 'Origin: Japan');
  await page.keyboard.press('Enter');
  const origins = async () => [...new Set((await page.$eval(chart, (el) => el.markData())).marks[0].rows.map((r) => r.Origin))];
  assert.deepEqual(await origins(), ['Japan']);
  await page.keyboard.press('Escape');
  assert.deepEqual((await origins()).sort(), ['Europe', 'Japan', 'USA']);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Changes the bound select of #keys to `value` the way a reader does and returns the canvas
 * as drawn: `first` right after the change, `mid` three animation frames later (with the
 * transition state then), `end` once the transition is over, and `still`, the same state
 * drawn again without a transition. */
async function frames(page, value) {
  return page.$eval('#keys', async (el, v) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const select = el.shadowRoot.querySelector('select[name=size]');
    const start = el.canvas.toDataURL();
    select.value = String(['all', 'big'].indexOf(v));
    select.dispatchEvent(new Event('change'));
    const first = el.canvas.toDataURL();
    for (let i = 0; i < 3; i++) await frame();
    const mid = el.canvas.toDataURL();
    const midState = el.dataset.transition;
    while (el.dataset.transition === 'running') await frame();
    await frame();
    const end = el.canvas.toDataURL();
    el.setParam('size', v); // draws the same state again, at once
    return { start, first, mid, midState, end, still: el.canvas.toDataURL() };
  }, value);
}

test('a bound control tweens the marks; the last frame equals a drawing without transition', async () => {
  const { page, errors, context } = await openBars();
  const f = await frames(page, 'big');
  assert.equal(f.midState, 'running');
  assert.notEqual(f.mid, f.start, 'the middle frame is the start state');
  assert.notEqual(f.mid, f.end, 'the middle frame is the end state');
  assert.notEqual(f.first, f.end, 'the first frame is the end state');
  assert.equal(f.end, f.still);
  assert.deepEqual(await letters(page), ['B', 'D', 'E']);
  // Back to all: entering bars grow in, and the end is again the plain drawing.
  const g = await frames(page, 'all');
  assert.notEqual(g.mid, g.end);
  assert.equal(g.end, g.still);
  // A change while the marks still move starts from the frame on screen and ends as drawn.
  const h = await page.$eval('#keys', async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(r));
    const select = el.shadowRoot.querySelector('select[name=size]');
    const change = (i) => { select.value = String(i); select.dispatchEvent(new Event('change')); };
    change(1);
    await frame();
    await frame();
    const running = el.dataset.transition;
    change(0);
    const restarted = el.dataset.transition;
    while (el.dataset.transition === 'running') await frame();
    const end = el.canvas.toDataURL();
    el.setParam('size', 'all');
    return { running, restarted, end, still: el.canvas.toDataURL() };
  });
  assert.equal(h.running, 'running');
  assert.equal(h.restarted, 'running');
  assert.equal(h.end, h.still);
  assert.deepEqual(await letters(page), ['A', 'B', 'C', 'D', 'E']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('under prefers-reduced-motion the first frame is the end state', async () => {
  const { page, errors, context } = await openBars();
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const f = await frames(page, 'big');
  assert.notEqual(f.start, f.end);
  assert.equal(f.first, f.end);
  assert.equal(f.mid, f.end);
  assert.equal(f.end, f.still);
  assert.notEqual(f.midState, 'running');
  assert.deepEqual(errors, []);
  await context.close();
});

test('linked charts move their marks for a control change, never during a brush drag', async () => {
  const { page, errors, context } = await open(browser, 'explore.html', { viewport: { width: 1000, height: 1000 } });
  for (const id of ['delay', 'distance']) await waitForChart(page, `#${id}`);
  // Record every transition state each chart goes through.
  await page.evaluate(() => {
    window.seen = { delay: [], distance: [] };
    for (const id of Object.keys(window.seen)) {
      new MutationObserver(() => window.seen[id].push(document.getElementById(id).dataset.transition))
        .observe(document.getElementById(id), { attributes: true, attributeFilter: ['data-transition'] });
    }
  });
  const plot = await page.$eval('#delay', (el) => el.interaction.plotRect());
  const o = await page.$eval('#delay', (el) => el.canvas.getBoundingClientRect().toJSON());
  const y = o.y + plot.y + plot.height / 2;
  await page.mouse.move(o.x + plot.x + plot.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(o.x + plot.x + plot.width * 0.35, y, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#distance').getParam('brush_delay')?.delay);
  assert.deepEqual(await page.evaluate(() => window.seen), { delay: [], distance: [] });
  // The bound select on #delay sets minDistance in every chart of the group: all tween.
  const options = await page.$$eval('#delay select[name=minDistance] option', (os) => os.map((x) => x.textContent));
  await page.locator('#delay select[name=minDistance]').selectOption({ label: options[options.length - 1] });
  await page.waitForFunction(() => ['delay', 'distance'].every((id) => window.seen[id].includes('done')));
  const seen = await page.evaluate(() => window.seen);
  assert.deepEqual(seen.distance, ['running', 'done']);
  assert.deepEqual(seen.delay, ['running', 'done']);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a chart added to a group late starts with the group\'s brush', async () => {
  const { page, errors, context } = await open(browser, 'explore.html', { viewport: { width: 1000, height: 1000 } });
  for (const id of ['delay', 'time']) await waitForChart(page, `#${id}`);
  const plot = await page.$eval('#delay', (el) => el.interaction.plotRect());
  const o = await page.$eval('#delay', (el) => el.canvas.getBoundingClientRect().toJSON());
  const y = o.y + plot.y + plot.height / 2;
  await page.mouse.move(o.x + plot.x + plot.width * 0.2, y);
  await page.mouse.down();
  await page.mouse.move(o.x + plot.x + plot.width * 0.35, y, { steps: 4 });
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#time').getParam('brush_delay')?.delay);
  const brush = await page.$eval('#time', (el) => el.getParam('brush_delay'));
  await addChart(page, { id: 'late', src: 'interact-specs/explore-time.vl.json', attrs: { group: 'flights' } });
  await waitForChart(page, '#late');
  assert.deepEqual(await page.$eval('#late', (el) => el.getParam('brush_delay')), brush);
  const rows = (sel) => page.$eval(sel, (el) => el.markData().marks[0].rows.map((r) => JSON.stringify(r)).sort());
  assert.deepEqual(await rows('#late'), await rows('#time'));
  // A chart outside the group is not filtered.
  await addChart(page, { id: 'alone', src: 'interact-specs/explore-time.vl.json' });
  await waitForChart(page, '#alone');
  assert.notDeepEqual(await rows('#alone'), await rows('#time'));
  assert.deepEqual(errors, []);
  await context.close();
});
