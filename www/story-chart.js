// <story-chart>: a Vega-Lite chart computed and drawn by storychart (Rust/WebAssembly).
//
//   <story-chart src="specs/chart.vl.json"></story-chart>
//   <story-chart><script type="application/json">{ ...spec... }</script></story-chart>
//
// The WASM module is loaded once per page, however many charts there are. The element draws
// on a <canvas> at devicePixelRatio, redraws when its width changes (for "width": "container"),
// and exposes markData() (the CLI's `storychart data` JSON) and markRects() for tests.
// Events: "render" after each draw, "error" (detail: message) when the chart cannot be drawn.
// Tooltips (from the spec's `tooltip` encoding) follow the mouse, show on a touch tap (a tap
// elsewhere hides them) and never block vertical scrolling on a phone.
import init, { StoryChart } from './pkg/storychart.js';
import { attachInteraction } from './interact.js';

let wasmReady = null;
/** Loads and instantiates the WASM module once per page. */
export function loadStorychart() {
  wasmReady ??= init({ module_or_path: new URL('./pkg/storychart_bg.wasm', import.meta.url) });
  return wasmReady;
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export class StoryChartElement extends HTMLElement {
  static get observedAttributes() { return ['theme']; }

  #chart = null;
  #canvas = null;
  #width = 0;
  #observer = null;
  #frame = 0;
  #tip = null;
  #pointer = null;
  #tipFrame = 0;
  #interact = null;
  #onDocumentDown = (e) => { if (!this.contains(e.target)) this.#hideTip(); };
  #onScheme = () => this.#schedule();

  attributeChangedCallback() {
    if (this.#chart) this.#schedule();
  }

  /** Dark when the `theme` attribute says so, else when the reader's system prefers it. */
  #dark() {
    const theme = this.getAttribute('theme');
    if (theme === 'dark' || theme === 'light') return theme === 'dark';
    return Boolean(darkQuery?.matches);
  }

  connectedCallback() {
    if (this.#canvas) return;
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('role', 'img');
    this.#canvas.style.display = 'block';
    // Vertical swipes scroll the page; the chart never traps scrolling.
    this.#canvas.style.touchAction = 'pan-y';
    this.appendChild(this.#canvas);
    if (getComputedStyle(this).position === 'static') this.style.position = 'relative';
    this.#canvas.addEventListener('pointermove', (e) => { if (e.pointerType === 'mouse') this.#hover(e); });
    this.#canvas.addEventListener('pointerdown', (e) => { if (e.pointerType !== 'mouse') this.#hover(e); });
    this.#canvas.addEventListener('pointerleave', (e) => { if (e.pointerType === 'mouse') this.#hideTip(); });
    document.addEventListener('pointerdown', this.#onDocumentDown);
    darkQuery?.addEventListener('change', this.#onScheme);
    this.#start().catch((e) => this.#fail(e));
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    this.#observer = null;
    this.#interact?.detach();
    this.#interact = null;
    cancelAnimationFrame(this.#frame);
    cancelAnimationFrame(this.#tipFrame);
    document.removeEventListener('pointerdown', this.#onDocumentDown);
    darkQuery?.removeEventListener('change', this.#onScheme);
    this.#tip?.remove();
    this.#tip = null;
    this.#chart?.free();
    this.#chart = null;
    this.#canvas?.remove();
    this.#canvas = null;
  }

  async #specText() {
    const src = this.getAttribute('src');
    if (src) return fetchText(new URL(src, document.baseURI));
    const inline = this.querySelector('script[type="application/json"]');
    if (!inline) throw new Error('no spec: give a src attribute or a <script type="application/json"> child');
    return inline.textContent;
  }

  async #start() {
    this.dataset.state = 'loading';
    const [text] = await Promise.all([this.#specText(), loadStorychart()]);
    const chart = new StoryChart(text);
    // Data URLs resolve against the page, as Vega's loader does (not against the spec file).
    for (let url = chart.pendingUrl(); url; url = chart.pendingUrl()) {
      chart.load(await fetchText(new URL(url, document.baseURI)));
    }
    this.#chart = chart;
    this.#canvas.setAttribute('aria-label', chart.description() || chart.altText() || 'chart');
    this.#interact = attachInteraction(this, chart);
    this.#interact.restore();
    this.#buildControls(JSON.parse(chart.boundInputs()));
    this.#draw();
    this.#observer = new ResizeObserver(() => {
      // Only a width change relayouts; our own height change must not loop.
      if (this.clientWidth !== this.#width) this.#schedule();
    });
    this.#observer.observe(this);
  }

  #schedule() {
    cancelAnimationFrame(this.#frame);
    this.#frame = requestAnimationFrame(() => this.#draw());
  }

  #draw() {
    if (!this.#chart) return;
    this.#width = this.clientWidth;
    this.#chart.setDark(this.#dark());
    this.dataset.theme = this.#dark() ? 'dark' : 'light';
    this.#chart.render(this.#canvas, this.#width, window.devicePixelRatio || 1);
    this.#canvas.style.width = `${this.#chart.width()}px`;
    this.#canvas.style.height = `${this.#chart.height()}px`;
    this.dataset.state = 'ready';
    this.#interact?.afterDraw();
    this.dispatchEvent(new CustomEvent('render'));
  }

  /** Real, labelled form controls for the spec's parameters bound to inputs (Vega-Lite `bind`). */
  #buildControls(inputs) {
    if (!inputs.length) return;
    const form = document.createElement('form');
    form.className = 'story-chart-controls';
    form.addEventListener('submit', (e) => e.preventDefault());
    for (const { name, bind, value } of inputs) {
      const label = bind.name ?? name;
      const options = bind.options ?? [];
      const labels = bind.labels ?? options.map(String);
      const set = (v) => { this.setParam(name, v); };
      if (bind.input === 'radio') {
        const group = document.createElement('fieldset');
        const legend = document.createElement('legend');
        legend.textContent = label;
        group.append(legend);
        options.forEach((option, i) => {
          const wrap = document.createElement('label');
          const input = document.createElement('input');
          input.type = 'radio';
          input.name = `${this.id || 'chart'}-${name}`;
          input.checked = option === value;
          input.addEventListener('change', () => { if (input.checked) set(option); });
          wrap.append(input, ` ${labels[i] ?? String(option)}`);
          group.append(wrap);
        });
        form.append(group);
        continue;
      }
      const wrap = document.createElement('label');
      wrap.append(`${label} `);
      let input;
      if (bind.input === 'select') {
        input = document.createElement('select');
        options.forEach((option, i) => {
          const o = document.createElement('option');
          o.value = String(i);
          o.textContent = labels[i] ?? String(option);
          o.selected = option === value;
          input.append(o);
        });
        input.addEventListener('change', () => set(options[Number(input.value)]));
      } else if (bind.input === 'checkbox') {
        input = document.createElement('input');
        input.type = 'checkbox';
        input.checked = Boolean(value);
        input.addEventListener('change', () => set(input.checked));
      } else if (bind.input === 'range') {
        input = document.createElement('input');
        input.type = 'range';
        for (const k of ['min', 'max', 'step']) if (bind[k] !== undefined) input[k] = bind[k];
        input.value = value;
        input.addEventListener('input', () => set(Number(input.value)));
      } else {
        input = document.createElement('input');
        input.type = bind.input === 'search' ? 'search' : 'text';
        if (bind.placeholder) input.placeholder = bind.placeholder;
        input.value = value ?? '';
        input.addEventListener('input', () => set(input.value));
      }
      input.name = name;
      wrap.append(input);
      form.append(wrap);
    }
    this.insertBefore(form, this.#canvas);
  }

  /** Sets a spec parameter and redraws; fires `change` with the new value. */
  setParam(name, value) {
    if (!this.#chart) throw new Error('chart not ready');
    this.#chart.setParam(name, JSON.stringify(value));
    this.#hideTip();
    this.#draw();
    this.dispatchEvent(new CustomEvent('change', { detail: { name, value } }));
    this.#interact?.changed(name, value);
  }

  /** The current value of a spec parameter (`undefined` when there is none). */
  getParam(name) {
    const json = this.#chart?.getParam(name);
    return json === undefined ? undefined : JSON.parse(json);
  }

  /** Shows the tooltip of the mark under the pointer, at most once per animation frame. */
  #hover(event) {
    this.#pointer = { x: event.offsetX, y: event.offsetY };
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
      this.#tip = document.createElement('div');
      this.#tip.className = 'story-chart-tooltip';
      this.#tip.setAttribute('role', 'status');
      this.appendChild(this.#tip);
    }
    const tip = this.#tip;
    tip.replaceChildren();
    for (const [title, value] of pairs) {
      const row = document.createElement('div');
      const key = document.createElement('span');
      key.className = 'key';
      key.textContent = `${title}: `; // text, never parsed as HTML
      const val = document.createElement('strong');
      val.textContent = value;
      row.append(key, val);
      tip.append(row);
    }
    tip.hidden = false;
    // Beside the pointer, kept inside the chart (and so inside the page column).
    const x = Math.min(p.x + 12, Math.max(0, this.clientWidth - tip.offsetWidth));
    const y = Math.max(0, p.y - tip.offsetHeight - 8);
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  }

  #hideTip() {
    if (this.#tip) this.#tip.hidden = true;
  }

  #fail(error) {
    const message = error instanceof Error ? error.message : String(error);
    this.dataset.state = 'error';
    const box = document.createElement('p');
    box.className = 'story-chart-error';
    box.setAttribute('role', 'alert');
    box.textContent = `This chart could not be drawn: ${message}`;
    this.#canvas?.replaceWith(box);
    this.dispatchEvent(new CustomEvent('error', { detail: message }));
  }

  /** The data of every mark, as `storychart data` prints it ({spec, marks}). */
  markData() {
    if (!this.#chart) throw new Error('chart not ready');
    return JSON.parse(this.#chart.markData());
  }

  /** The drawn mark rectangles [{x, y, width, height}] in CSS pixels, relative to the canvas. */
  markRects() {
    const flat = this.#chart ? this.#chart.markRects() : [];
    const out = [];
    for (let i = 0; i + 3 < flat.length; i += 4) {
      out.push({ x: flat[i], y: flat[i + 1], width: flat[i + 2], height: flat[i + 3] });
    }
    return out;
  }

  /** Interaction helpers (plotRect, legendEntries, brushRect); see interact.js. */
  get interaction() {
    return this.#interact;
  }

  /** The canvas the chart is drawn on. */
  get canvas() {
    return this.#canvas;
  }
}

if (!customElements.get('story-chart')) customElements.define('story-chart', StoryChartElement);
