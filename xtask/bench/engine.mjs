// The WASM half of `cargo xtask bench engine`: opens the bench page in Debian's headless
// Chromium (playwright-core) and prints the page's results as one JSON array on stdout.
// Usage: node xtask/bench/engine.mjs URL PKG ROWS...
import { chromium } from 'playwright-core';

const [url, pkg, ...sizes] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => window.benchReady === true);
  const results = await page.evaluate(
    ([p, s]) => window.runBench(p, s), [pkg, sizes.map(Number)]);
  if (errors.length) throw new Error(errors.join('\n'));
  const version = browser.version();
  process.stdout.write(JSON.stringify({ browser: version, results }) + '\n');
} finally {
  await browser.close();
}
