// Side-by-side review of the Vega-Lite corpus: storychart beside vega-embed, one screenshot
// per spec (test tooling, never shipped).
//
//   node tests/review/review.mjs [--out DIR] [--passing] [NAME...]
//
// Serves the repository root on a loopback port (so tests/review/index.html can load
// /node_modules/vega*, /www/pkg and /www/story-chart.js, and /shared/vega-lite/... from the
// shared folder beside the repository), opens the page once per spec in headless Chromium
// (playwright-core, flags as tests/e2e/helpers.mjs) and saves DIR/NAME.png (default
// target/review/). --passing keeps the specs pinned in tests/oracle-passing.txt; NAMEs pick
// specs by name. `cargo xtask review` runs this after building www/pkg.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../e2e/helpers.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = path.resolve(ROOT, '../shared');
export const SPECS = path.join(SHARED, 'vega-lite/specs');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css',
  '.csv': 'text/csv', '.tsv': 'text/tab-separated-values', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.txt': 'text/plain', '.map': 'application/json',
};

/** The corpus's spec names (without `.vl.json`), sorted; empty when ../shared is absent. */
export function specNames() {
  if (!fs.existsSync(SPECS)) return [];
  return fs.readdirSync(SPECS).filter((f) => f.endsWith('.vl.json'))
    .map((f) => f.slice(0, -'.vl.json'.length)).sort();
}

/** The file a request path maps to, or null when it is outside the served folders. */
function resolve(urlPath) {
  const clean = path.posix.normalize(decodeURIComponent(urlPath));
  const [base, rest] = clean.startsWith('/shared/')
    ? [SHARED, clean.slice('/shared/'.length)] : [ROOT, clean.slice(1)];
  const file = path.resolve(base, rest);
  return file === base || file.startsWith(base + path.sep) ? file : null;
}

/** Serves the repository root (and /shared/) on 127.0.0.1:`port` (0: any free port). */
export function serve(port = 0) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/__review/specs.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] });
      res.end(JSON.stringify(specNames()));
      return;
    }
    const file = resolve(url.pathname);
    fs.readFile(file ?? '', (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    });
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({
      url: `http://127.0.0.1:${server.address().port}/`,
      close: () => new Promise((done) => server.close(done)),
    }));
  });
}

/**
 * Screenshots each spec in `names` side by side into `outDir`. Returns one result per spec:
 * `{name, storychart, vega, file}`, where the states are `ready`, `error` or `timeout`.
 */
export async function review(names, { outDir = path.join(ROOT, 'target/review'), log = () => {} } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const server = await serve(0);
  const browser = await launch();
  const results = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    for (const name of names) {
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const url = new URL(`tests/review/index.html?spec=${encodeURIComponent(name)}`, server.url);
      await page.goto(url.href);
      let state = { storychart: 'timeout', vega: 'timeout' };
      try {
        await page.waitForFunction(() => document.body.dataset.state === 'done', null, { timeout: 15000 });
        state = await page.evaluate(() => ({ storychart: document.body.dataset.storychart, vega: document.body.dataset.vega }));
      } catch { /* recorded as a timeout; the screenshot still shows what drew */ }
      const file = path.join(outDir, `${name}.png`);
      await page.locator('#pair').screenshot({ path: file });
      results.push({ name, ...state, file, errors });
      log(`${name}: storychart ${state.storychart}, vega ${state.vega}`);
      await page.close();
    }
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  fs.writeFileSync(path.join(outDir, 'summary.json'), `${JSON.stringify(results, null, 1)}\n`);
  return results;
}

async function main(argv) {
  let outDir = path.join(ROOT, 'target/review');
  let passing = false;
  const picked = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = path.resolve(argv[++i]);
    else if (argv[i] === '--passing') passing = true;
    else picked.push(argv[i].replace(/\.vl\.json$/, ''));
  }
  let names = specNames();
  if (!names.length) {
    console.log(`review: SKIPPED, no specs in ${SPECS}`);
    return 0;
  }
  if (passing) {
    const pinned = new Set(fs.readFileSync(path.join(ROOT, 'tests/oracle-passing.txt'), 'utf8').split('\n').filter(Boolean));
    names = names.filter((n) => pinned.has(n));
  }
  if (picked.length) {
    const unknown = picked.filter((n) => !names.includes(n));
    if (unknown.length) {
      console.error(`review: unknown spec(s): ${unknown.join(', ')}`);
      return 2;
    }
    names = picked;
  }
  if (!fs.existsSync(path.join(ROOT, 'www/pkg/storychart_bg.wasm'))) {
    console.error('review: www/pkg is missing; run `cargo xtask build` first (cargo xtask review does)');
    return 1;
  }
  const results = await review(names, { outDir, log: (l) => console.log(l) });
  const count = (k, v) => results.filter((r) => r[k] === v).length;
  console.log(`review: ${results.length} specs in ${path.relative(ROOT, outDir) || outDir}; `
    + `storychart drew ${count('storychart', 'ready')} (error ${count('storychart', 'error')}), `
    + `vega drew ${count('vega', 'ready')}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
