// <story-chart>: a Vega-Lite chart computed and drawn by storychart (Rust/WebAssembly).
//
//   <story-chart src="specs/chart.vl.json"></story-chart>
//   <story-chart><script type="application/json">{ ...spec... }</script></story-chart>
//
// One WASM module instance serves every chart on the page (StoryChartElement.instances counts
// instantiations: it stays 1). A chart starts when it nears the viewport (IntersectionObserver,
// rootMargin below) unless it has loading="eager". Its parts live in an open shadow root:
//
//   header   headline, dek           (slot="headline" / slot="dek" children, or attributes)
//   form     controls for params bound to inputs
//   .plot    the <canvas> (drawn at devicePixelRatio) and the tooltip
//   footer   notes, source line (+ source-href link), byline, "Get the data", "Download image"
//
// Attributes: src, theme (light|dark, else prefers-color-scheme), locale (en-US, de-DE, fr-FR,
// es-ES), aspect ("16/9" or "1.6": height = width / aspect for "height": "container"),
// loading ("lazy" default | "eager"), headline, dek, note, source, source-href, byline,
// no-get-data, no-download-image (each hides that action).
// Events: "render" after each draw, "error" (detail: message) when the chart cannot be drawn
// (the message is shown inside the element too), "change" (detail: {name, value, discrete}) on
// setParam (`discrete`: a control, click or key set it, and linked charts move their marks too).
// Discrete changes (bound controls, legend and point clicks, keys) move the marks from the old
// state to the new over TRANSITION_MS (tweened in Rust: interact/tween.rs), none under
// prefers-reduced-motion: reduce; `data-transition` is "running" meanwhile, then "done".
import init, { StoryChart, sharedDataParses } from './pkg/storychart.js';
import './interact.js';

// Hook for the interaction module (www/interact.js, branch s2-interact): add
// `import './interact.js';` below; that module calls `registerInteraction(attach)`.
// `attach(host, api)` runs after a chart's first draw and may return
// `{ afterDraw(), detach() }`. Without the module the element works on its own.
//   api = { chart, canvas, plot, shadow, redraw(), dispatch(name, detail),
//           transition() (the next setParam moves the marks), showTooltip(pairs, point), hideTooltip() }
// `var` without an initializer on purpose: with the import cycle, interact.js runs before this
// module's body, and its registration must not be reset to null afterwards.
// eslint-disable-next-line no-var
var attachInteraction;
/** Installs the interaction hook (called by www/interact.js); charts started later use it. */
export function registerInteraction(attach) {
  attachInteraction = typeof attach === 'function' ? attach : undefined;
}

let wasmReady = null;
let instances = 0;

// The smallest module that uses a SIMD instruction (`i8x16.splat` of 0, then `i8x16.popcnt`):
// the package's data kernels use 128-bit lanes, which browsers run since Chrome 91, Firefox 89
// and Safari 16.4. Older ones would fail deep inside compilation with a message no reader can
// act on; this check lets the chart say what is missing instead.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Loads and instantiates the WASM module once per page. */
export function loadStorychart() {
  if (!wasmReady && !WebAssembly.validate(SIMD_PROBE)) {
    wasmReady = Promise.reject(new Error('this browser cannot run WebAssembly SIMD; '
      + 'the chart needs Chrome or Edge 91, Firefox 89, Safari 16.4 or a later version'));
    wasmReady.catch(() => {});
  }
  wasmReady ??= init({ module_or_path: new URL('./pkg/storychart_bg.wasm', import.meta.url) })
    .then((exports) => { instances += 1; return exports; });
  return wasmReady;
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** Data as bytes: handed to WASM with one copy, not decoded to a JS string and re-encoded. */
async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

// Data being fetched, by resolved URL: charts of the page that load the same data wait for
// one fetch, and the first to get it parses it for all (StoryChart.loadShared).
const fetching = new Map();
function sharedBytes(href) {
  if (!fetching.has(href)) {
    const bytes = fetchBytes(href);
    fetching.set(href, bytes);
    bytes.then(() => fetching.delete(href), () => fetching.delete(href));
  }
  return fetching.get(href);
}

const LOCALES = ['en-US', 'de-DE', 'fr-FR', 'es-ES'];
/** The supported locale for a BCP 47 tag: exact, else by language (de-AT -> de-DE), else en-US. */
export function resolveLocale(tag) {
  if (!tag) return 'en-US';
  const exact = LOCALES.find((l) => l.toLowerCase() === tag.toLowerCase());
  if (exact) return exact;
  const lang = tag.slice(0, 2).toLowerCase();
  return LOCALES.find((l) => l.startsWith(lang)) ?? 'en-US';
}

/** `aspect` attribute: "16/9", "16:9" or "1.6" as a width/height ratio; 0 when absent or bad. */
function parseAspect(text) {
  if (!text) return 0;
  const [a, b = '1'] = text.split(/[/:]/);
  const ratio = Number(a) / Number(b);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : 0;
}

const media = (q) => (typeof matchMedia === 'function' ? matchMedia(q) : null);
const darkQuery = media('(prefers-color-scheme: dark)');
const reducedMotion = media('(prefers-reduced-motion: reduce)');
/** How long marks move after a discrete change (the issue allows at most 300 ms). */
const TRANSITION_MS = 250;

const STYLES = `
:host { display: block; position: relative; color: var(--story-chart-ink, inherit);
  font: 400 0.9rem/1.4 var(--story-chart-font, system-ui, sans-serif); }
[hidden] { display: none !important; }
.headline { font-weight: 700; font-size: 1.05rem; line-height: 1.3; margin: 0 0 4px; }
.dek, footer { color: var(--story-chart-muted, color-mix(in srgb, currentColor 72%, transparent)); }
.dek { margin: 0 0 10px; }
.plot { position: relative; min-height: var(--story-chart-min-height, 120px); }
:host([data-state="ready"]) .plot { min-height: 0; }
canvas { display: block; max-width: 100%; height: auto; touch-action: pan-y; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 10px; font-size: 0.85rem; }
.controls fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
.controls legend { float: left; margin-right: 8px; font-weight: 600; }
.controls label { display: inline-flex; gap: 4px; align-items: center; cursor: pointer; }
.story-chart-tooltip { position: absolute; z-index: 2; pointer-events: none; max-width: 240px;
  padding: 6px 8px; border-radius: 3px; background: #fff; color: #1d1d1b;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25); font-size: 0.8rem; line-height: 1.35; }
:host([data-theme="dark"]) .story-chart-tooltip { background: #1f1f1e; color: #e6e6e3; }
.story-chart-tooltip .key { opacity: 0.75; }
.story-chart-error { color: #8a1c1c; background: #fdf1f1; padding: 12px; border-radius: 4px; margin: 0; }
footer { font-size: 0.78rem; margin-top: 8px; }
footer p { margin: 0 0 2px; }
footer a { color: inherit; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }
.actions button { font: inherit; color: inherit; background: none; border: 1px solid currentColor;
  border-radius: 3px; padding: 2px 8px; cursor: pointer; }
`;

let sheet = null;
/** One constructed stylesheet shared by every shadow root (allowed under a strict CSP). */
function styleSheet() {
  if (!sheet && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  return sheet;
}

function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** Starts charts as they near the viewport: one observer for the page. */
let nearObserver = null;
const ROOT_MARGIN = '400px 0px';
function whenNear(host, start) {
  if (host.getAttribute('loading') === 'eager' || typeof IntersectionObserver !== 'function') {
    start();
    return () => {};
  }
  nearObserver ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      nearObserver.unobserve(e.target);
      e.target.__storyChartStart?.();
    }
  }, { rootMargin: ROOT_MARGIN });
  host.__storyChartStart = () => { delete host.__storyChartStart; start(); };
  nearObserver.observe(host);
  return () => { delete host.__storyChartStart; nearObserver?.unobserve(host); };
}

const CHROME = ['headline', 'dek', 'note', 'source', 'byline'];

export class StoryChartElement extends HTMLElement {
  static get observedAttributes() {
    return ['theme', 'locale', 'aspect', 'src', ...CHROME, 'source-href', 'no-get-data', 'no-download-image'];
  }

  /** How many times the WASM module was instantiated on this page (1 once any chart started). */
  static get instances() { return instances; }
  /** How many times the page parsed data text (charts sharing a data URL parse it once). */
  static get dataParses() { return instances > 0 ? sharedDataParses() : 0; }

  #chart = null;
  #shadow = null;
  #parts = null;
  #canvas = null;
  #width = -1;
  #resize = null;
  #frame = 0;
  #tip = null;
  #pointer = null;
  #tipFrame = 0;
  #stopNear = null;
  #dprQuery = null;
  #interaction = null;
  #generation = 0;
  #animate = false;
  #tween = 0;
  #onDocumentDown = (e) => { if (!e.composedPath().includes(this)) this.#hideTip(); };
  #onScheme = () => this.#schedule();
  #onDpr = () => { this.#watchDpr(); this.#schedule(); };

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
    const css = styleSheet();
    if (css) this.#shadow.adoptedStyleSheets = [css];
    else this.#shadow.append(Object.assign(el('style'), { textContent: STYLES }));
    const header = el('header', 'chrome', { part: 'header' });
    const headline = el('div', 'headline', { part: 'headline', role: 'heading', 'aria-level': '2' });
    const dek = el('p', 'dek', { part: 'dek' });
    const plot = el('div', 'plot', { part: 'plot' });
    const canvas = el('canvas', '', { role: 'img' });
    plot.append(canvas);
    const footer = el('footer', '', { part: 'footer' });
    const note = el('p', 'note', { part: 'note' });
    const source = el('p', 'source', { part: 'source' });
    const byline = el('p', 'byline', { part: 'byline' });
    const actions = el('div', 'actions', { part: 'actions' });
    const getData = el('button', 'get-data', { type: 'button' });
    getData.textContent = 'Get the data';
    const getImage = el('button', 'download-image', { type: 'button' });
    getImage.textContent = 'Download image';
    actions.append(getData, getImage);
    header.append(headline, dek);
    footer.append(note, source, byline, actions);
    this.#shadow.append(header, plot, footer);
    this.#parts = { header, headline, dek, plot, footer, note, source, byline, actions, getData, getImage };
    this.#canvas = canvas;
    getData.addEventListener('click', () => this.downloadData());
    getImage.addEventListener('click', () => this.downloadImage());
    canvas.addEventListener('pointermove', (e) => { if (e.pointerType === 'mouse') this.#hover(e); });
    canvas.addEventListener('pointerdown', (e) => { if (e.pointerType !== 'mouse') this.#hover(e); });
    canvas.addEventListener('pointerleave', (e) => { if (e.pointerType === 'mouse') this.#hideTip(); });
    this.#shadow.addEventListener('slotchange', () => this.#renderChrome());
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (name === 'src') { this.#restart(); return; }
    this.#renderChrome();
    if (this.#chart && ['theme', 'locale', 'aspect'].includes(name)) this.#schedule();
  }

  connectedCallback() {
    this.#renderChrome();
    document.addEventListener('pointerdown', this.#onDocumentDown);
    darkQuery?.addEventListener('change', this.#onScheme);
    this.#watchDpr();
    if (!this.#chart) this.#restart();
  }

  disconnectedCallback() {
    this.#stopNear?.();
    this.#stopNear = null;
    this.#resize?.disconnect();
    this.#resize = null;
    cancelAnimationFrame(this.#frame);
    cancelAnimationFrame(this.#tipFrame);
    cancelAnimationFrame(this.#tween);
    document.removeEventListener('pointerdown', this.#onDocumentDown);
    darkQuery?.removeEventListener('change', this.#onScheme);
    this.#dprQuery?.removeEventListener('change', this.#onDpr);
    this.#dprQuery = null;
    this.#interaction?.detach?.();
    this.#interaction = null;
    this.#hideTip();
    this.#chart?.free();
    this.#chart = null;
    this.#width = -1;
    this.#generation += 1;
  }

  /** Re-renders when the page moves to a screen with another devicePixelRatio (or zooms). */
  #watchDpr() {
    this.#dprQuery?.removeEventListener('change', this.#onDpr);
    this.#dprQuery = media(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    this.#dprQuery?.addEventListener('change', this.#onDpr);
  }

  /** Headline, dek, notes, source and byline: slotted children win over attributes. Each part
   * keeps one <slot> (replacing slots would fire slotchange again); attributes are its
   * fallback content. */
  #renderChrome() {
    const p = this.#parts;
    for (const name of CHROME) {
      const part = p[name];
      let slot = part.querySelector('slot');
      if (!slot) {
        slot = el('slot', '', { name });
        part.replaceChildren(slot);
      }
      let text = this.getAttribute(name) ?? '';
      if (text && name === 'source' && !/^source/i.test(text)) text = `Source: ${text}`;
      const href = name === 'source' ? this.getAttribute('source-href') : null;
      // Touch the fallback only when it changes: changing it fires slotchange again.
      const key = `${text}\n${href ?? ''}`;
      if (slot.dataset.key !== key) {
        slot.dataset.key = key;
        if (href) {
          const a = el('a', '', { href, rel: 'noopener' });
          a.textContent = this.getAttribute('source') || href;
          slot.replaceChildren(/^source/i.test(a.textContent) ? '' : 'Source: ', a);
        } else {
          slot.textContent = text;
        }
      }
      const slotted = this.querySelector(`:scope > [slot="${name}"]`);
      part.hidden = !slotted && !text && !href;
    }
    p.header.hidden = p.headline.hidden && p.dek.hidden;
    p.getData.hidden = this.hasAttribute('no-get-data');
    p.getImage.hidden = this.hasAttribute('no-download-image');
    p.actions.hidden = p.getData.hidden && p.getImage.hidden;
  }

  #restart() {
    this.#stopNear?.();
    this.#chart?.free();
    this.#chart = null;
    this.#width = -1;
    const generation = ++this.#generation;
    this.dataset.state = 'idle';
    this.#stopNear = whenNear(this, () => {
      this.#stopNear = null;
      this.#start(generation).catch((e) => { if (generation === this.#generation) this.#fail(e); });
    });
  }

  async #specText() {
    const src = this.getAttribute('src');
    if (src) return fetchText(new URL(src, document.baseURI));
    const inline = this.querySelector(':scope > script[type="application/json"]');
    if (!inline) throw new Error('no spec: give a src attribute or a <script type="application/json"> child');
    return inline.textContent;
  }

  async #start(generation) {
    this.dataset.state = 'loading';
    const [text] = await Promise.all([this.#specText(), loadStorychart()]);
    if (generation !== this.#generation) return;
    const chart = new StoryChart(text);
    // Data URLs resolve against the page, as Vega's loader does (not against the spec file).
    for (let url = chart.pendingUrl(); url; url = chart.pendingUrl()) {
      const href = new URL(url, document.baseURI).href;
      if (chart.loadShared(href)) continue;
      const data = await sharedBytes(href);
      if (generation !== this.#generation) { chart.free(); return; }
      chart.loadShared(href, data);
    }
    this.#chart = chart;
    this.#parts.error?.remove();
    this.#canvas.hidden = false;
    this.#canvas.setAttribute('aria-label', chart.description() || chart.altText() || 'chart');
    this.#buildControls(JSON.parse(chart.boundInputs()));
    this.#draw();
    this.#resize ??= new ResizeObserver(() => {
      // Only a width change relayouts: our own height change must not loop.
      if (this.#plotWidth() !== this.#width) this.#schedule();
    });
    this.#resize.observe(this);
    if (attachInteraction) {
      this.#interaction = attachInteraction(this, {
        chart,
        canvas: this.#canvas,
        plot: this.#parts.plot,
        shadow: this.#shadow,
        redraw: () => this.#draw(),
        dispatch: (name, detail) => this.dispatchEvent(new CustomEvent(name, { detail })),
        transition: () => { this.#animate = true; },
        showTooltip: (pairs, point) => this.#showTip(pairs, point),
        hideTooltip: () => this.#hideTip(),
      }) ?? null;
    }
  }

  #plotWidth() {
    return this.#parts.plot.clientWidth;
  }

  #schedule() {
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => this.#draw());
  }

  /** Dark when the `theme` attribute says so, else when the reader's system prefers it. */
  #dark() {
    const theme = this.getAttribute('theme');
    if (theme === 'dark' || theme === 'light') return theme === 'dark';
    return Boolean(darkQuery?.matches);
  }

  #draw() {
    const chart = this.#chart;
    if (!chart) return;
    try {
      const width = this.#plotWidth();
      this.#width = width;
      const dark = this.#dark();
      chart.setDark(dark);
      chart.setLocale(resolveLocale(this.getAttribute('locale')));
      const aspect = parseAspect(this.getAttribute('aspect'));
      const dpr = window.devicePixelRatio || 1;
      this.dataset.theme = dark ? 'dark' : 'light';
      if (aspect > 0 && width > 0) {
        // The whole chart (plot, axes, title) gets width / aspect: lay out once to learn what
        // the guides take, then give the plot the rest.
        const target = width / aspect;
        chart.render(this.#canvas, width, target, dpr);
        const guides = chart.height() - target;
        if (Math.abs(guides) > 0.5) chart.render(this.#canvas, width, Math.max(1, target - guides), dpr);
      } else {
        chart.render(this.#canvas, width, 0, dpr);
      }
      const w = chart.width();
      const h = chart.height();
      // A fixed-size chart wider than its container shrinks with it (max-width: 100%).
      this.#canvas.style.width = `${w}px`;
      this.#canvas.style.aspectRatio = `${w} / ${h}`;
      this.dataset.state = 'ready';
      this.#interaction?.afterDraw?.();
      this.dispatchEvent(new CustomEvent('render'));
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Real, labelled form controls for the spec's parameters bound to inputs (Vega-Lite `bind`). */
  #buildControls(inputs) {
    this.#parts.controls?.remove();
    this.#parts.controls = null;
    if (!inputs.length) return;
    const form = el('form', 'controls story-chart-controls', { part: 'controls' });
    form.addEventListener('submit', (e) => e.preventDefault());
    for (const { name, bind, value } of inputs) {
      const label = bind.name ?? name;
      const options = bind.options ?? [];
      const labels = bind.labels ?? options.map(String);
      const set = (v) => { this.#animate = true; this.setParam(name, v); };
      if (bind.input === 'radio') {
        const group = el('fieldset');
        const legend = el('legend');
        legend.textContent = label;
        group.append(legend);
        options.forEach((option, i) => {
          const wrap = el('label');
          const input = el('input', '', { type: 'radio', name: `${this.id || 'chart'}-${name}` });
          input.checked = option === value;
          input.addEventListener('change', () => { if (input.checked) set(option); });
          wrap.append(input, ` ${labels[i] ?? String(option)}`);
          group.append(wrap);
        });
        form.append(group);
        continue;
      }
      const wrap = el('label');
      wrap.append(`${label} `);
      let input;
      if (bind.input === 'select') {
        input = el('select');
        options.forEach((option, i) => {
          const o = el('option');
          o.value = String(i);
          o.textContent = labels[i] ?? String(option);
          o.selected = option === value;
          input.append(o);
        });
        input.addEventListener('change', () => set(options[Number(input.value)]));
      } else if (bind.input === 'checkbox') {
        input = el('input', '', { type: 'checkbox' });
        input.checked = Boolean(value);
        input.addEventListener('change', () => set(input.checked));
      } else if (bind.input === 'range') {
        input = el('input', '', { type: 'range' });
        for (const k of ['min', 'max', 'step']) if (bind[k] !== undefined) input[k] = bind[k];
        input.value = value;
        input.addEventListener('input', () => set(Number(input.value)));
      } else {
        input = el('input', '', { type: bind.input === 'search' ? 'search' : 'text' });
        if (bind.placeholder) input.placeholder = bind.placeholder;
        input.value = value ?? '';
        input.addEventListener('input', () => set(input.value));
      }
      input.name = name;
      wrap.append(input);
      form.append(wrap);
    }
    this.#parts.controls = form;
    this.#parts.plot.before(form);
  }

  /** Sets a spec parameter and redraws (only when what it draws changed); fires `change`. */
  setParam(name, value) {
    if (!this.#chart) throw new Error('chart not ready');
    // A discrete change (a control, a click, a key) moves the marks; others draw at once.
    const discrete = this.#animate;
    const animate = discrete && !reducedMotion?.matches && this.#chart.beginTransition();
    this.#animate = false;
    const redraw = this.#chart.setParam(name, JSON.stringify(value));
    this.#hideTip();
    if (redraw) this.#draw(); else this.#interaction?.afterDraw?.();
    if (animate && redraw) this.#runTransition();
    this.dispatchEvent(new CustomEvent('change', { detail: { name, value, discrete } }));
  }

  /** Paints the transition the last draw began, one frame per animation frame, for
   * TRANSITION_MS; the last frame is the drawn end state itself. `data-transition` is
   * "running" meanwhile and "done" after. */
  #runTransition() {
    cancelAnimationFrame(this.#tween);
    const chart = this.#chart;
    const start = performance.now();
    this.dataset.transition = 'running';
    const frame = () => {
      this.#tween = 0;
      let more = false;
      if (chart === this.#chart) {
        const t0 = performance.now();
        try {
          more = chart.paintTransition(this.#canvas, (t0 - start) / TRANSITION_MS, window.devicePixelRatio || 1);
        } catch { more = false; }
        // The cost of each frame (tween + paint), read by benchmarks and the tests.
        performance.measure('storychart:tween', { start: t0, end: performance.now() });
      }
      if (more) this.#tween = requestAnimationFrame(frame);
      else this.dataset.transition = 'done';
    };
    frame();
  }

  /** The current value of a spec parameter (`undefined` when there is none). */
  getParam(name) {
    const json = this.#chart?.getParam(name);
    return json === undefined ? undefined : JSON.parse(json);
  }

  /** Canvas CSS point of a pointer event, in scene coordinates (the canvas may be scaled down). */
  #scenePoint(event) {
    const box = this.#canvas.getBoundingClientRect();
    const scale = box.width > 0 && this.#chart ? this.#chart.width() / box.width : 1;
    return { x: (event.clientX - box.left) * scale, y: (event.clientY - box.top) * scale,
      cssX: event.clientX - box.left, cssY: event.clientY - box.top };
  }

  /** Shows the tooltip of the mark under the pointer, at most once per animation frame. */
  #hover(event) {
    this.#pointer = this.#scenePoint(event);
    if (this.#tipFrame) return;
    this.#tipFrame = requestAnimationFrame(() => {
      this.#tipFrame = 0;
      const p = this.#pointer;
      const json = this.#chart && p ? this.#chart.tooltipAt(p.x, p.y) : undefined;
      if (!json) { this.#hideTip(); return; }
      this.#showTip(JSON.parse(json), p);
    });
  }

  #showTip(pairs, p) {
    if (!this.#tip) {
      this.#tip = el('div', 'story-chart-tooltip', { role: 'status', part: 'tooltip' });
      this.#parts.plot.append(this.#tip);
    }
    const tip = this.#tip;
    tip.replaceChildren();
    for (const [title, value] of pairs) {
      const row = el('div');
      const key = el('span', 'key');
      key.textContent = `${title}: `; // text, never parsed as HTML
      const val = el('strong');
      val.textContent = value;
      row.append(key, val);
      tip.append(row);
    }
    tip.hidden = false;
    // Beside the pointer, kept inside the chart (and so inside the page column).
    const x = Math.min(p.cssX + 12, Math.max(0, this.#parts.plot.clientWidth - tip.offsetWidth));
    const y = Math.max(0, p.cssY - tip.offsetHeight - 8);
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  }

  #hideTip() {
    if (this.#tip) this.#tip.hidden = true;
  }

  #fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    this.dataset.state = 'error';
    this.#parts.error?.remove();
    const box = el('p', 'story-chart-error', { role: 'alert', part: 'error' });
    box.textContent = `This chart could not be drawn: ${message}`;
    this.#parts.error = box;
    this.#canvas.hidden = true;
    this.#parts.plot.append(box);
    this.dispatchEvent(new CustomEvent('error', { detail: message }));
  }

  #fileName(ext) {
    const base = (this.id || this.getAttribute('headline') || 'chart')
      .toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
    return `${base}.${ext}`;
  }

  #save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el('a', '', { href: url, download: name });
    this.#shadow.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** CSV of the rows the chart draws now (after filters and parameters), RFC 4180. */
  dataCsv() {
    if (!this.#chart) throw new Error('chart not ready');
    return this.#chart.csv();
  }

  /** "Get the data": downloads dataCsv() as NAME.csv. */
  downloadData() {
    this.#save(new Blob([this.dataCsv()], { type: 'text/csv;charset=utf-8' }), this.#fileName('csv'));
  }

  /** A PNG of the chart as drawn (its CSS size times devicePixelRatio). */
  imageBlob() {
    return new Promise((resolve, reject) => {
      this.#canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas: no PNG'))), 'image/png');
    });
  }

  /** "Download image": downloads imageBlob() as NAME.png. */
  async downloadImage() {
    this.#save(await this.imageBlob(), this.#fileName('png'));
  }

  /** The data of every mark, as `storychart data` prints it ({spec, marks}). */
  markData() {
    if (!this.#chart) throw new Error('chart not ready');
    return JSON.parse(this.#chart.markData());
  }

  /** The drawn mark rectangles [{x, y, width, height}] in CSS pixels, relative to the canvas. */
  markRects() {
    return boxes(this.#chart ? this.#chart.markRects() : []);
  }

  /** Every text item of the last drawn scene: [{text, x, y, width, height}] (bounds, CSS px). */
  textBoxes() {
    if (!this.#chart) return [];
    const flat = this.#chart.textBoxes();
    const texts = JSON.parse(this.#chart.texts());
    return boxes(flat).map((b, i) => ({ text: texts[i], ...b }));
  }

  /** Size of the last drawing in CSS pixels. */
  get chartSize() {
    return this.#chart ? { width: this.#chart.width(), height: this.#chart.height() } : null;
  }

  /** The canvas the chart is drawn on. */
  get canvas() {
    return this.#canvas;
  }
}

function boxes(flat) {
  const out = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    out.push({ x: flat[i], y: flat[i + 1], width: flat[i + 2], height: flat[i + 3] });
  }
  return out;
}

if (!customElements.get('story-chart')) customElements.define('story-chart', StoryChartElement);
