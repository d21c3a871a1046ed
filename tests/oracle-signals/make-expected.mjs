#!/usr/bin/env node
// Regenerates expected/*.marks.json from cases.json with Vega itself.
//
// Usage: TZ=UTC node make-expected.mjs VEGA_MARKS_MJS DATA_DIR
//   VEGA_MARKS_MJS  a copy of ../shared/vega-lite/vega-marks.mjs in a folder where
//                   vega@6.4.0 and vega-lite@6.4.3 are installed (not this repository).
//   DATA_DIR        node_modules/vega-datasets/data.
//
// A variable parameter is passed as `--signal name=JSON` (view.signal before the first run).
// Vega cannot set a selection by signal before the first run (its bound input signals only
// update the store on later events), so a selection parameter is set the way Vega-Lite
// starts one: its `value` in a copy of the spec, written under the same file name.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const [script, dataDir] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const corpus = path.join(here, '../../../shared/vega-lite/specs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-signals-'));
for (const c of JSON.parse(fs.readFileSync(path.join(here, 'cases.json'), 'utf8'))) {
  const specPath = c.spec.startsWith('corpus:')
    ? path.join(corpus, c.spec.slice('corpus:'.length) + '.vl.json')
    : path.join(here, c.spec);
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const args = [];
  for (const [name, value] of Object.entries(c.signals)) {
    const param = (spec.params || []).find(p => p.name === name);
    if (param && param.select) {
      if (value === null) delete param.value; else param.value = value;
    } else {
      args.push('--signal', `${name}=${JSON.stringify(value)}`);
    }
  }
  const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
  const file = path.join(dir, path.basename(specPath));
  fs.writeFileSync(file, JSON.stringify(spec));
  const out = execFileSync('node', [script, file, dataDir, ...args], { env: { ...process.env, TZ: 'UTC' } });
  fs.writeFileSync(path.join(here, 'expected', `${c.name}.marks.json`), out);
  process.stderr.write(`${c.name}\n`);
}
