// Fifty <story-chart> elements with inline specs on generated data (a load test, not news):
// bars, lines and points in turn, every fifth one sized by an `aspect` ratio.
import './story-chart.js';

const N = 50;
const holder = document.getElementById('charts');
for (let i = 0; i < N; i += 1) {
  const values = Array.from({ length: 12 }, (_, k) => ({
    k: `c${String(k + 1).padStart(2, '0')}`,
    v: ((i + 3) * (k + 5) * 37) % 97,
  }));
  const mark = ['bar', 'line', 'point'][i % 3];
  const spec = {
    description: `Generated test chart ${i + 1}`,
    data: { values },
    mark,
    width: 'container',
    height: i % 5 === 0 ? 'container' : 160,
    encoding: {
      x: { field: 'k', type: 'ordinal', title: null },
      y: { field: 'v', type: 'quantitative', title: 'value' },
      tooltip: [{ field: 'v', type: 'quantitative' }],
    },
  };
  const chart = document.createElement('story-chart');
  chart.id = `chart-${i + 1}`;
  chart.setAttribute('headline', `Chart ${i + 1} of ${N}`);
  chart.setAttribute('no-download-image', '');
  if (i % 5 === 0) chart.setAttribute('aspect', '2');
  const script = document.createElement('script');
  script.type = 'application/json';
  script.textContent = JSON.stringify(spec);
  chart.append(script);
  holder.append(chart);
}
