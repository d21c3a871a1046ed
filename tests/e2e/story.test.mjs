// The story page end to end, in real Chromium: the chart draws from WASM, its pixels are where
// the scene says, its data are the published figures, and the console stays clean.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, waitForChart, canvasPixels } from './helpers.mjs';

const CHART = 'story-chart#victims-by-group';
const BAR = [0xb5, 0x44, 0x2c, 255];
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the story page draws the victims chart with no console errors', async () => {
  const { page, errors, context } = await open(browser, 'index.html');
  await waitForChart(page, CHART);
  const rects = await page.$eval(CHART, (el) => el.markRects());
  assert.equal(rects.length, 4);
  const centres = rects.map((r) => [r.x + r.width / 2, r.y + r.height / 2]);
  for (const px of await canvasPixels(page, CHART, centres)) assert.deepEqual(px, BAR);
  // Between the first two bars (band padding) the background shows.
  const gap = [rects[0].x + 2, (rects[0].y + rects[0].height + rects[1].y) / 2];
  const [bg] = await canvasPixels(page, CHART, [gap]);
  assert.ok(bg[0] > 240 && bg[1] > 240 && bg[2] > 240, `gap pixel ${bg}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('markData() gives the published figures in the CLI format', async () => {
  const { page, context } = await open(browser, 'index.html');
  await waitForChart(page, CHART);
  const data = await page.$eval(CHART, (el) => el.markData());
  assert.equal(data.marks.length, 1);
  assert.deepEqual(data.marks[0].fields, ['group', 'sum_share']);
  const shares = Object.fromEntries(data.marks[0].rows.map((r) => [r.group, r.sum_share]));
  assert.deepEqual(shares, { Girls: 50, Women: 44, Boys: 3, Men: 3 });
  await context.close();
});

test('hi-DPI screens get a backing store at twice the CSS size', async () => {
  const { page, context } = await open(browser, 'index.html', { deviceScaleFactor: 2 });
  await waitForChart(page, CHART);
  const size = await page.$eval(CHART, (el) => {
    const r = el.canvas.getBoundingClientRect();
    return { w: el.canvas.width, h: el.canvas.height, cssW: r.width, cssH: r.height };
  });
  assert.equal(size.w, Math.round(size.cssW * 2));
  assert.equal(size.h, Math.round(size.cssH * 2));
  const rects = await page.$eval(CHART, (el) => el.markRects());
  const [px] = await canvasPixels(page, CHART, [[rects[3].x + rects[3].width / 2, rects[3].y + rects[3].height / 2]]);
  assert.deepEqual(px, BAR);
  await context.close();
});

test('the chart follows the width of its container', async () => {
  const { page, context } = await open(browser, 'index.html', { viewport: { width: 360, height: 800 } });
  await waitForChart(page, CHART);
  const narrow = await page.$eval(CHART, (el) => [el.clientWidth, el.canvas.getBoundingClientRect().width]);
  assert.ok(narrow[1] <= narrow[0], `canvas ${narrow[1]}px overflows its ${narrow[0]}px container`);
  await page.setViewportSize({ width: 1000, height: 800 });
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return Math.abs(el.canvas.getBoundingClientRect().width - el.clientWidth) < 1;
  }, CHART);
  await context.close();
});

test('every chart on the story page draws, from one WASM download', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const wasm = [];
  const errors = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(new URL('index.html', process.env.STORYCHART_URL ?? 'http://127.0.0.1:8080/').href);
  const ids = await page.$$eval('story-chart', (els) => els.map((e) => e.id));
  assert.ok(ids.length >= 4, `only ${ids.length} charts`);
  for (const id of ids) await waitForChart(page, `story-chart#${id}`);
  assert.equal(wasm.length, 1, `WASM fetched ${wasm.length} times`);
  const children = await page.$eval('story-chart#platforms', (el) => el.markData());
  // Unaggregated bars stack from zero, as in Vega-Lite: each bar spans share_start..share_end.
  const shares = Object.fromEntries(
    children.marks[0].rows.map((r) => [r.platform, r.share_end - r.share_start]));
  assert.deepEqual(shares, { Facebook: 65, Instagram: 14, Snapchat: 8, 'Other platforms': 13 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('hovering a bar shows its tooltip as text; leaving hides it', async () => {
  const { page, context } = await open(browser, 'index.html');
  const chart = 'story-chart#platforms';
  await waitForChart(page, chart);
  const [bar] = await page.$eval(chart, (el) => el.markRects());
  const box = await page.$eval(chart, (el) => {
    const r = el.canvas.getBoundingClientRect();
    return { x: r.left, y: r.top };
  });
  await page.mouse.move(box.x + bar.x + bar.width / 2, box.y + bar.y + bar.height / 2);
  const tip = `${chart} .story-chart-tooltip`;
  await page.waitForSelector(tip, { state: 'visible' });
  assert.equal(await page.$eval(tip, (t) => t.textContent),
    'Platform: FacebookShare (%): 65');
  await page.mouse.move(box.x - 20, box.y - 20);
  await page.waitForSelector(tip, { state: 'hidden' });
  await context.close();
});

test('a touch tap shows the tooltip and a tap elsewhere dismisses it', async () => {
  const { page, context } = await open(browser, 'index.html', { hasTouch: true, isMobile: true,
    viewport: { width: 390, height: 800 } });
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  await page.$eval(chart, (el) => el.scrollIntoView());
  const [bar] = await page.$eval(chart, (el) => el.markRects());
  const box = await page.$eval(chart, (el) => {
    const r = el.canvas.getBoundingClientRect();
    return { x: r.left, y: r.top };
  });
  await page.touchscreen.tap(box.x + bar.x + bar.width / 2, box.y + bar.y + bar.height / 2);
  const tip = `${chart} .story-chart-tooltip`;
  await page.waitForSelector(tip, { state: 'visible' });
  assert.match(await page.$eval(tip, (t) => t.textContent), /Group: Girls.*50/);
  await page.touchscreen.tap(5, 5);
  await page.waitForSelector(tip, { state: 'hidden' });
  await context.close();
});

test('the children/adults control switches the platform chart to the published figures', async () => {
  const { page, errors, context } = await open(browser, 'index.html');
  const chart = 'story-chart#platforms';
  await waitForChart(page, chart);
  const shares = async () => {
    const data = await page.$eval(chart, (el) => el.markData());
    return Object.fromEntries(data.marks[0].rows.map((r) => [r.platform, r.share_end - r.share_start]));
  };
  assert.deepEqual(await shares(), { Facebook: 65, Instagram: 14, Snapchat: 8, 'Other platforms': 13 });
  await page.getByRole('radio', { name: 'Adults' }).check();
  await page.waitForFunction((sel) => document.querySelector(sel).getParam('who') === 'Adults', chart);
  assert.deepEqual(await shares(), { WeChat: 43, Facebook: 36, Instagram: 7, 'Other platforms': 14 });
  // The bars on the canvas follow: four bars, the first (WeChat) the longest.
  const rects = await page.$eval(chart, (el) => el.markRects());
  assert.equal(rects.length, 4);
  assert.ok(rects[0].width > rects[1].width);
  assert.deepEqual(errors, []);
  await context.close();
});

test('dark mode follows the reader and the theme attribute overrides it', async () => {
  const { page, errors, context } = await open(browser, 'index.html', { colorScheme: 'dark' });
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  const [darkBg] = await canvasPixels(page, chart, [[1, 1]]);
  assert.ok(darkBg[0] < 40 && darkBg[1] < 40 && darkBg[2] < 40, `dark background ${darkBg}`);
  assert.equal(await page.$eval(chart, (el) => el.dataset.theme), 'dark');
  await page.$eval(chart, (el) => el.setAttribute('theme', 'light'));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.theme === 'light', chart);
  const [lightBg] = await canvasPixels(page, chart, [[1, 1]]);
  assert.deepEqual(lightBg, [255, 255, 255, 255]);
  // The bars keep their colour in both themes.
  const [bar] = await page.$eval(chart, (el) => el.markRects());
  const [px] = await canvasPixels(page, chart, [[bar.x + bar.width / 2, bar.y + bar.height / 2]]);
  assert.deepEqual(px, BAR);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every gallery chart draws from its vega-datasets data, with no console errors', async () => {
  const { page, errors, context } = await open(browser, 'gallery.html');
  const ids = await page.$$eval('story-chart', (els) => els.map((e) => e.id));
  assert.ok(ids.length >= 15, `only ${ids.length} gallery charts`);
  for (const id of ids) await waitForChart(page, `story-chart#${id}`);
  const empty = await page.$$eval('story-chart', (els) => els
    .filter((el) => el.markData().marks.every((m) => m.rows.length === 0)).map((el) => el.id));
  assert.deepEqual(empty, []);
  assert.deepEqual(errors, []);
  await context.close();
});

test('at 320, 768 and 1280 px no chart overflows its container and no two texts overlap', async () => {
  for (const width of [320, 768, 1280]) {
    const { page, errors, context } = await open(browser, 'index.html', { viewport: { width, height: 900 } });
    const ids = await page.$$eval('story-chart', (els) => els.map((e) => e.id));
    for (const id of ids) {
      const sel = `story-chart#${id}`;
      await waitForChart(page, sel);
      const m = await page.$eval(sel, (el) => {
        const host = el.getBoundingClientRect();
        const canvas = el.canvas.getBoundingClientRect();
        return { host: { left: host.left, right: host.right }, canvas: { left: canvas.left, right: canvas.right },
          size: el.chartSize, texts: el.textBoxes(), scroll: el.shadowRoot.querySelector('.plot').scrollWidth,
          client: el.shadowRoot.querySelector('.plot').clientWidth };
      });
      const where = `${id} at ${width}px`;
      assert.ok(m.canvas.left >= m.host.left - 0.5 && m.canvas.right <= m.host.right + 0.5, `${where}: canvas overflows`);
      assert.ok(m.scroll <= m.client, `${where}: plot scrolls (${m.scroll} > ${m.client})`);
      assert.ok(m.texts.length > 0, `${where}: no text`);
      for (const t of m.texts) {
        assert.ok(t.x >= -0.5 && t.y >= -0.5 && t.x + t.width <= m.size.width + 0.5 && t.y + t.height <= m.size.height + 0.5,
          `${where}: "${t.text}" leaves the chart ${JSON.stringify(t)} ${JSON.stringify(m.size)}`);
      }
      for (let i = 0; i < m.texts.length; i += 1) {
        for (let j = i + 1; j < m.texts.length; j += 1) {
          const a = m.texts[i];
          const b = m.texts[j];
          const dx = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const dy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          assert.ok(!(dx > 0.5 && dy > 0.5), `${where}: "${a.text}" overlaps "${b.text}"`);
        }
      }
    }
    // The page itself never scrolls sideways.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `page scrolls at ${width}px`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('news chrome is HTML: headline, dek, notes and a linked source line, outside the canvas', async () => {
  const { page, context } = await open(browser, 'index.html');
  const chart = 'story-chart#platforms';
  await waitForChart(page, chart);
  const chrome = await page.$eval(chart, (el) => {
    const text = (slot) => el.querySelector(`[slot="${slot}"]`)?.textContent.replace(/\s+/g, ' ').trim();
    const visible = (part) => !el.shadowRoot.querySelector(`.${part}`).hidden;
    return { headline: text('headline'), source: text('source'), note: text('note'),
      link: el.querySelector('[slot="source"] a')?.href,
      shown: ['headline', 'dek', 'note', 'source'].every(visible), byline: visible('byline'),
      label: el.getAttribute('aria-labelledby') };
  });
  assert.equal(chrome.headline, 'Facebook for children, WeChat for adults');
  assert.match(chrome.source, /^Source: Human Trafficking Institute, 2020 Federal Human Trafficking Report, as reported by CBS News/);
  assert.match(chrome.note, /Other platforms/);
  assert.equal(chrome.link, 'https://www.traffickinginstitute.org/');
  assert.ok(chrome.shown);
  assert.equal(chrome.byline, false, 'no byline given, none shown');
  assert.equal(await page.$eval(`#${chrome.label}`, (h) => h.textContent), chrome.headline);
  // The page links the gallery and the explorer.
  const links = await page.$$eval('a', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.includes('gallery.html') && links.includes('explore.html'));
  await context.close();
});

test('emulateMedia switches a drawn chart to dark and back; the theme attribute wins', async () => {
  const { page, errors, context } = await open(browser, 'index.html');
  const chart = 'story-chart#victims-by-group';
  await waitForChart(page, chart);
  const bg = async () => (await canvasPixels(page, chart, [[1, 1]]))[0];
  assert.deepEqual(await bg(), [255, 255, 255, 255]);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.theme === 'dark', chart);
  const dark = await bg();
  assert.ok(dark[0] < 40 && dark[1] < 40 && dark[2] < 40, `dark background ${dark}`);
  // Axis label text is light on dark: sample the brightest pixel inside the first label's box.
  const label = (await page.$eval(chart, (el) => el.textBoxes())).find((t) => t.text === 'Girls');
  const points = [];
  for (let x = Math.ceil(label.x); x < label.x + label.width; x += 1) points.push([x, label.y + label.height / 2]);
  const brightest = Math.max(...(await canvasPixels(page, chart, points)).map((p) => p[0]));
  assert.ok(brightest > 150, `label pixels too dark: ${brightest}`);
  await page.$eval(chart, (el) => el.setAttribute('theme', 'light'));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.theme === 'light', chart);
  assert.deepEqual(await bg(), [255, 255, 255, 255]);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.$eval(chart, (el) => el.setAttribute('theme', 'dark'));
  await page.waitForFunction((sel) => document.querySelector(sel).dataset.theme === 'dark', chart);
  const forced = await bg();
  assert.ok(forced[0] < 40, `theme="dark" background ${forced}`);
  assert.deepEqual(errors, []);
  await context.close();
});
