// The review page works: a handful of corpus specs drawn by storychart beside vega-embed, each
// saved as one side-by-side screenshot (the full run is `cargo xtask review`). The review
// server is its own (it serves the repository root, not www/), so STORYCHART_URL is unused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { review, specNames, serve } from '../review/review.mjs';

// One per common mark kind; all pinned in tests/oracle-passing.txt.
const SPECS = ['bar', 'point_2d', 'line_color', 'tick_strip', 'area'];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString(), 'PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test('the review page draws corpus specs with storychart beside Vega and saves screenshots', async (t) => {
  const available = new Set(specNames());
  if (!available.size) {
    console.log('SKIPPED: ../shared/vega-lite/specs is absent');
    t.skip('no corpus');
    return;
  }
  const names = SPECS.filter((n) => available.has(n));
  assert.ok(names.length >= 3, `expected the review specs in the corpus, found ${names}`);
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'storychart-review-'));
  const results = await review(names, { outDir });
  assert.equal(results.length, names.length);
  for (const r of results) {
    assert.deepEqual([r.name, r.storychart, r.vega], [r.name, 'ready', 'ready']);
    assert.deepEqual(r.errors, [], r.name);
    const [w, h] = pngSize(r.file);
    // Two charts side by side: wider than one 200 px chart cell twice over.
    assert.ok(w > 400 && h > 100, `${r.name}: screenshot ${w}x${h}`);
  }
  const summary = JSON.parse(fs.readFileSync(path.join(outDir, 'summary.json'), 'utf8'));
  assert.equal(summary.length, names.length);
  fs.rmSync(outDir, { recursive: true, force: true });
});

test('the review server serves the repository and nothing outside it', async () => {
  const server = await serve(0);
  try {
    const ok = await fetch(new URL('tests/review/index.html', server.url));
    assert.equal(ok.status, 200);
    const list = await (await fetch(new URL('__review/specs.json', server.url))).json();
    assert.ok(Array.isArray(list));
    const escape = await fetch(new URL('/%2e%2e/%2e%2e/etc/passwd', server.url));
    assert.equal(escape.status, 404);
  } finally {
    await server.close();
  }
});
