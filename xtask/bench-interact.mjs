// The interaction benchmark, run by `cargo xtask bench interact` against its own server
// (STORYCHART_URL). Prints `key value` lines the xtask writes into BENCHMARKS.md.
//
// brush: explore.html over the generated 1M-row file; the pointer drags a brush across the
// delay chart one move at a time, and each move's frame (the brush's value, then setParam on
// the four linked charts: re-running their plans and redrawing them) is a `storychart:update`
// performance measure recorded by www/interact.js.
// hover: bench.html with a 100k-point scatter; each pointer move's frame (picking the mark
// under the pointer in the scene and painting the highlight) is a `storychart:hover` measure.
import { launch, open, waitForChart } from '../tests/e2e/helpers.mjs';

const BRUSH_MOVES = Number(process.env.BRUSH_MOVES ?? 30);
const HOVER_MOVES = Number(process.env.HOVER_MOVES ?? 200);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};
const p90 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))];
};

async function measures(page, name) {
  return page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);
}

/** Moves the mouse to (x, y) and waits until the frame it caused has been measured. */
async function step(page, name, x, y) {
  const before = (await measures(page, name)).length;
  await page.mouse.move(x, y);
  await page.waitForFunction(([n, b]) => performance.getEntriesByName(n).length > b, [name, before],
    { timeout: 120000 });
}

const browser = await launch();
try {
  const ids = ['delay', 'distance', 'time', 'status'];
  const { page } = await open(browser, 'explore.html?data=bench-data/flights-1m.csv',
    { viewport: { width: 1000, height: 1000 } });
  page.setDefaultTimeout(600000); // four charts share one parse of 1M rows
  const t0 = Date.now();
  for (const id of ids) await waitForChart(page, `#${id}`);
  console.log(`explore_load_s ${((Date.now() - t0) / 1000).toFixed(1)}`);
  const rows = await page.$eval('#delay', (el) => el.markData().marks[0].rows.reduce((n, r) => n + r.__count, 0));
  console.log(`explore_rows ${rows}`);
  const plot = await page.$eval('#delay', (el) => el.interaction.plotRect());
  const o = await page.$eval('#delay', (el) => el.canvas.getBoundingClientRect().toJSON());
  const y = o.y + plot.y + plot.height / 2;
  const x0 = o.x + plot.x + plot.width * 0.1;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  for (let i = 1; i <= BRUSH_MOVES; i++) {
    await step(page, 'storychart:update', x0 + 3 + (plot.width * 0.6 * i) / BRUSH_MOVES, y);
  }
  await page.mouse.up();
  const brush = await measures(page, 'storychart:update');
  console.log(`brush_moves ${brush.length}`);
  console.log(`brush_median_ms ${median(brush).toFixed(1)}`);
  console.log(`brush_p90_ms ${p90(brush).toFixed(1)}`);
  await page.context().close();

  const hover = await open(browser, 'bench.html?data=bench-data/points-100k.csv', { viewport: { width: 1000, height: 800 } });
  hover.page.setDefaultTimeout(600000);
  await waitForChart(hover.page, '#bench');
  const points = await hover.page.$eval('#bench', (el) => el.markData().marks[0].rows.length);
  console.log(`hover_points ${points}`);
  const hp = await hover.page.$eval('#bench', (el) => el.interaction.plotRect());
  const ho = await hover.page.$eval('#bench', (el) => el.canvas.getBoundingClientRect().toJSON());
  // The plot rectangle is in scene pixels; a chart wider than the page is drawn shrunk.
  const k = ho.width / (await hover.page.$eval('#bench', (el) => el.chartSize.width));
  let last = '';
  for (let i = 0; i < HOVER_MOVES; i++) {
    const t = (i + 0.5) / HOVER_MOVES;
    const x = ho.x + k * (hp.x + hp.width * t);
    const y = ho.y + k * (hp.y + hp.height * (0.5 + 0.4 * Math.sin(t * 20)));
    // A move to the same device pixel fires no event (and so measures no frame).
    const key = `${Math.round(x)},${Math.round(y)}`;
    if (key === last) continue;
    last = key;
    await step(hover.page, 'storychart:hover', x, y);
  }
  const hv = await measures(hover.page, 'storychart:hover');
  console.log(`hover_moves ${hv.length}`);
  console.log(`hover_median_ms ${median(hv).toFixed(2)}`);
  console.log(`hover_p90_ms ${p90(hv).toFixed(2)}`);
} finally {
  await browser.close();
}
