import * as vega from 'vega';
import fs from 'fs';
const datum = {a: 3, b: -1.5, z: 0, big: 1e21, s: 'Hello World', e: '', n: null, t: true, f: false,
  num_s: ' 12.5 ', d: '2001-02-03T04:05:06.789Z', dd: '2001-02-03', neg: -7, city: 'Zürich'};
function enc(v) {
  if (v === undefined) return {$: 'undefined'};
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return {$: 'NaN'};
    if (v === Infinity) return {$: 'Infinity'};
    if (v === -Infinity) return {$: '-Infinity'};
    if (Object.is(v, -0)) return {$: '-0'};
    return v;
  }
  if (v instanceof Date) return {$date: enc(v.getTime())};
  if (v instanceof RegExp) return {$re: String(v)};
  if (Array.isArray(v)) return v.map(enc);
  if (v && typeof v === 'object') { const o = {}; for (const k in v) o[k] = enc(v[k]); return {$obj: o}; }
  return v;
}
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.trim());
const out = [];
for (const expr of lines) {
  const spec = {
    signals: [{name: 'p_num', value: 10}, {name: 'p_str', value: 'abc'}, {name: 'p_arr', value: [1, 5]}],
    data: [{name: 't', values: [datum], transform: [{type: 'formula', expr, as: 'r'}]}]
  };
  let rec;
  try {
    let err = null;
    const view = new vega.View(vega.parse(spec), {renderer: 'none'});
    view.logger({level(){return 0;}, error(e){ err = e; }, warn(){}, info(){}, debug(){}});
    await view.runAsync();
    if (err) throw err;
    const row = view.data('t')[0];
    rec = {expr, value: enc(row.r)};
  } catch (e) {
    rec = {expr, error: String(e && e.message || e)};
  }
  out.push(rec);
}
fs.writeFileSync(process.argv[3], JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{'));
console.log('cases', out.length, 'errors', out.filter(r => r.error).length);
