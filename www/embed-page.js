// The iframe embed page (www/embed.html?spec=URL): one <story-chart> at full width, under the
// page's strict CSP (no inline script: this module is the page's only script). It posts its
// height to the parent whenever it changes, in the four protocols newsroom CMSs understand:
//   Datawrapper  {"datawrapper-height": {ID: px}}
//   Pym.js       "pymxPYMxIDxPYMxheightxPYMxPX"   (ID from pym's childId parameter)
//   AMP          {sentinel: "amp", type: "embed-size", height: px}
//   Guardian     {kind: "interactive:height", height: px}
// Query parameters: spec (required), id (Datawrapper/Pym id; else childId, else "storychart"),
// theme, locale, aspect, and the chrome attributes headline, dek, note, source, source-href,
// byline, no-get-data, no-download-image.
import './story-chart.js';

const params = new URLSearchParams(location.search);
const id = params.get('id') ?? params.get('childId') ?? 'storychart';
const PASSED = ['theme', 'locale', 'aspect', 'headline', 'dek', 'note', 'source', 'source-href', 'byline'];
const FLAGS = ['no-get-data', 'no-download-image'];

/** The four height messages for a height in CSS pixels. */
export function heightMessages(height, embedId = id) {
  return [
    { 'datawrapper-height': { [embedId]: height } },
    `pymxPYMx${embedId}xPYMxheightxPYMx${height}`,
    { sentinel: 'amp', type: 'embed-size', height },
    { kind: 'interactive:height', height },
  ];
}

let last = -1;
function postHeight() {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  for (const message of heightMessages(height)) window.parent.postMessage(message, '*');
}

const chart = document.createElement('story-chart');
chart.id = id;
chart.setAttribute('loading', 'eager');
const spec = params.get('spec');
if (spec) chart.setAttribute('src', spec);
for (const name of PASSED) {
  const value = params.get(name);
  if (value !== null) chart.setAttribute(name, value);
}
for (const name of FLAGS) if (params.has(name)) chart.setAttribute(name, '');
document.body.append(chart);
new ResizeObserver(postHeight).observe(document.documentElement);
chart.addEventListener('render', postHeight);
chart.addEventListener('error', postHeight);
// A parent that loads late (or asks again) gets the current height.
window.addEventListener('message', (e) => {
  if (e.source === window.parent && typeof e.data === 'string' && e.data.includes('xPYMxparentWidth')) {
    last = -1;
    postHeight();
  }
});
postHeight();
