// Reader interaction for <story-chart>: selections, legend toggles, brushes, zoom and pan,
// hover highlight, linked views and shareable URL state.
//
// The chart (Rust/WASM) answers every question about data: which tuple a click selects
// (pointValue), which legend entry is under the pointer (legendValue), what range a brush
// covers (intervalValue / intervalRect), the zoomed domain (zoomValue), the outline of the
// hovered mark (hoverShape). This module only turns pointer events into those questions and
// sets the answers as parameters through the element's setParam, so linked charts and the URL
// see every change. Pointer moves are coalesced to one update per animation frame; the
// hover highlight and the brush live on an overlay canvas (no data recompute); discrete
// changes (clicks) ask the element for a transition (tweened marks, none under
// prefers-reduced-motion). Keys are wired by www/keyboard.js; a chart that joins a `group`
// late starts with the values the group's charts already set.
//
//   <story-chart group="flights" state="url" src="..."></story-chart>
//
// `group`: charts with the same group share the parameters they both define (a brush in one
// filters the others). `state="url"`: parameters are written to location.hash and restored
// from it on load.

import { registerInteraction } from './story-chart.js';
import { attachKeyboard } from './keyboard.js';

const groups = new Map(); // group name -> Set of elements
const groupValues = new Map(); // group name -> Map(param name -> the value last set in the group)
let broadcasting = false;

/** Reads the `#sc.<id>=<json>&...` fragment into {id: {param: value}}. */
function readHash() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (!part.startsWith('sc.') || eq < 0) continue;
    try {
      out[decodeURIComponent(part.slice(3, eq))] = JSON.parse(decodeURIComponent(part.slice(eq + 1)));
    } catch { /* a hand-edited fragment: ignore that entry */ }
  }
  return out;
}

function writeHash(id, params) {
  const all = readHash();
  if (Object.keys(params).length) all[id] = params; else delete all[id];
  const text = Object.entries(all)
    .map(([k, v]) => `sc.${encodeURIComponent(k)}=${encodeURIComponent(JSON.stringify(v))}`)
    .join('&');
  history.replaceState(history.state, '', text ? `#${text}` : location.pathname + location.search);
}

/** Whether `event` matches a Vega-Lite `toggle` (default: shift held). */
function toggles(toggle, event) {
  if (toggle === false) return false;
  if (toggle === true) return true;
  if (typeof toggle === 'string') {
    const keys = ['shiftKey', 'ctrlKey', 'altKey', 'metaKey'].filter((k) => toggle.includes(k));
    if (keys.length) return keys.some((k) => event[k]);
  }
  return event.shiftKey;
}

/** The DOM event name of a Vega-Lite `on`/`clear` stream given as a string. */
function eventName(stream, fallback) {
  if (stream === false) return null;
  if (typeof stream !== 'string') return fallback;
  const name = stream.replace(/\[.*$/, '').replace(/^.*:/, '').trim();
  return { mouseover: 'pointerover', mousemove: 'pointermove', pointerover: 'pointermove' }[name] ?? name;
}

/**
 * Wires interaction into element `el` (story-chart.js's `registerInteraction` hook, called
 * after the first draw with `api.chart`, the WASM handle, and `api.canvas`). Returns the hooks
 * the element calls: `afterDraw()` after each draw, `detach()` when it leaves the page. URL
 * state is restored at once; parameter changes are seen through the element's `change` event.
 */
export function attachInteraction(el, api) {
  const { chart, canvas } = api;
  const selections = JSON.parse(chart.selections());
  const id = el.id || `chart${[...document.querySelectorAll('story-chart')].indexOf(el)}`;
  const urlState = el.getAttribute('state') === 'url';
  const group = el.getAttribute('group');
  const set = {}; // parameters set on this chart, for the URL
  let restoring = false;
  let hashTimer = 0;

  const overlay = document.createElement('canvas');
  overlay.className = 'story-chart-overlay';
  overlay.setAttribute('aria-hidden', 'true');
  Object.assign(overlay.style, { position: 'absolute', pointerEvents: 'none', left: '0px', top: '0px' });
  canvas.after(overlay);

  const brushes = selections.filter((s) => s.type === 'interval' && s.bind !== 'scales');
  const zooms = selections.filter((s) => s.type === 'interval' && s.bind === 'scales');
  const legends = selections.filter((s) => s.type === 'point' && (s.bind === 'legend' || s.bind?.legend));
  // A legend-bound selection reacts to the legend only, unless the spec gives `on`.
  const points = selections.filter((s) => s.type === 'point' && (!legends.includes(s) || s.on));
  let brush = null; // the interval selection this chart's brush sets (the one it projects onto)
  let hover = null;
  let drag = null;
  let frame = 0;
  let pending = null;

  // Scene coordinates: a fixed-size chart wider than its container is drawn shrunk (CSS).
  const pos = (e) => {
    const k = canvas.clientWidth > 0 ? chart.width() / canvas.clientWidth : 1;
    return { x: e.offsetX * k, y: e.offsetY * k };
  };
  const setParam = (name, json) => {
    if (json === undefined) return;
    el.setParam(name, JSON.parse(json));
  };

  /** Runs `work` in the next animation frame, replacing any work still pending. */
  // Each frame's work is recorded as a performance measure (`storychart:update` for parameter
  // changes, which include redrawing every linked chart; `storychart:hover` for the
  // highlight), which the interaction benchmark reads.
  let pendingKind = 'update';
  const schedule = (work, kind = 'update') => {
    pending = work;
    pendingKind = kind;
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const w = pending;
      const k = pendingKind;
      pending = null;
      const t0 = performance.now();
      w?.();
      performance.measure(`storychart:${k}`, { start: t0, end: performance.now() });
    });
  };

  /** The next setParam is a discrete change: the element tweens the marks to it. */
  const fade = () => api.transition?.();

  function paintOverlay() {
    const dpr = window.devicePixelRatio || 1;
    const w = chart.width();
    const h = chart.height();
    if (overlay.width !== Math.round(w * dpr) || overlay.height !== Math.round(h * dpr)) {
      overlay.width = Math.round(w * dpr);
      overlay.height = Math.round(h * dpr);
    }
    Object.assign(overlay.style, {
      left: `${canvas.offsetLeft}px`, top: `${canvas.offsetTop}px`, width: `${w}px`, height: `${h}px`,
    });
    const ctx = overlay.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const dark = el.dataset.theme === 'dark';
    if (brush) {
      const r = chart.intervalRect(brush.name);
      if (r.length === 4) {
        ctx.fillStyle = dark ? 'rgba(255,255,255,0.12)' : 'rgba(51,51,51,0.12)';
        ctx.strokeStyle = dark ? '#ddd' : '#333';
        ctx.lineWidth = 1;
        ctx.fillRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
        ctx.strokeRect(Math.round(r[0]) + 0.5, Math.round(r[1]) + 0.5, Math.round(r[2] - r[0]), Math.round(r[3] - r[1]));
      }
    }
    if (hover) {
      const s = chart.hoverShape(hover.x, hover.y);
      if (s.length) {
        ctx.strokeStyle = dark ? '#fff' : '#000';
        ctx.lineWidth = 2;
        ctx.beginPath();
        if (s[0] === 0) ctx.rect(s[1], s[2], s[3], s[4]);
        else ctx.arc(s[1], s[2], Math.max(s[3], 3) + 1, 0, 2 * Math.PI);
        ctx.stroke();
      }
      el.dataset.hover = s.length ? s.slice(1).map((v) => v.toFixed(1)).join(',') : '';
    }
  }

  // --- the pointer ---------------------------------------------------------------------
  const plot = () => {
    const [x, y, w, h] = chart.plotRect();
    return { x, y, w, h, inside: (p) => p.x >= x && p.x <= x + w && p.y >= y && p.y <= y + h };
  };
  const EDGE = 6;
  const touches = new Map(); // pointerId -> last position, for pinch

  function onDown(e) {
    if (e.button > 0) return;
    const p = pos(e);
    touches.set(e.pointerId, p);
    const area = plot();
    if (zooms.length && area.inside(p)) {
      drag = { kind: 'pan', last: p, moved: false, start: p };
      canvas.setPointerCapture?.(e.pointerId);
      return;
    }
    if (brush && area.inside(p)) {
      const r = chart.intervalRect(brush.name);
      let mode = 'new';
      if (r.length === 4) {
        const near = (a, b) => Math.abs(a - b) <= EDGE;
        const inY = p.y >= r[1] - EDGE && p.y <= r[3] + EDGE;
        const inX = p.x >= r[0] - EDGE && p.x <= r[2] + EDGE;
        if (near(p.x, r[0]) && inY) mode = 'x0';
        else if (near(p.x, r[2]) && inY) mode = 'x1';
        else if (near(p.y, r[1]) && inX) mode = 'y0';
        else if (near(p.y, r[3]) && inX) mode = 'y1';
        else if (p.x > r[0] && p.x < r[2] && p.y > r[1] && p.y < r[3]) mode = 'move';
      }
      drag = { kind: 'brush', mode, start: p, rect: r.length === 4 ? r : [p.x, p.y, p.x, p.y], moved: false };
      canvas.setPointerCapture?.(e.pointerId);
    }
  }

  function brushTo(p) {
    const d = drag;
    const [x0, y0, x1, y1] = d.rect;
    const dx = p.x - d.start.x;
    const dy = p.y - d.start.y;
    const area = plot();
    let r;
    switch (d.mode) {
      case 'new': r = [d.start.x, d.start.y, p.x, p.y]; break;
      case 'x0': r = [x0 + dx, y0, x1, y1]; break;
      case 'x1': r = [x0, y0, x1 + dx, y1]; break;
      case 'y0': r = [x0, y0 + dy, x1, y1]; break;
      case 'y1': r = [x0, y0, x1, y1 + dy]; break;
      default: {
        // Moving keeps the brush's size and keeps it inside the plot.
        const mx = Math.min(Math.max(dx, area.x - x0), area.x + area.w - x1);
        const my = Math.min(Math.max(dy, area.y - y0), area.y + area.h - y1);
        r = [x0 + mx, y0 + my, x1 + mx, y1 + my];
      }
    }
    return r;
  }

  function onMove(e) {
    const p = pos(e);
    if (touches.has(e.pointerId) && touches.size === 2 && zooms.length) {
      // Pinch: the ratio of the two fingers' distances zooms about their midpoint.
      const [a, b] = [...touches.values()];
      const before = Math.hypot(a.x - b.x, a.y - b.y);
      touches.set(e.pointerId, p);
      const [c, d] = [...touches.values()];
      const after = Math.hypot(c.x - d.x, c.y - d.y);
      if (before > 0 && after > 0) {
        const mid = { x: (c.x + d.x) / 2, y: (c.y + d.y) / 2 };
        const factor = before / after;
        schedule(() => zooms.forEach((z) => setParam(z.name, chart.zoomValue(z.name, mid.x, mid.y, factor, 0, 0))));
      }
      if (drag) drag.moved = true;
      return;
    }
    touches.set(e.pointerId, p);
    if (drag?.kind === 'pan') {
      const dx = p.x - drag.last.x;
      const dy = p.y - drag.last.y;
      if (Math.abs(p.x - drag.start.x) + Math.abs(p.y - drag.start.y) > 2) drag.moved = true;
      if (!drag.moved) return;
      drag.last = p;
      drag.acc = { x: (drag.acc?.x ?? 0) + dx, y: (drag.acc?.y ?? 0) + dy };
      schedule(() => {
        const acc = drag?.acc;
        if (!acc) return;
        drag.acc = null;
        zooms.forEach((z) => setParam(z.name, chart.zoomValue(z.name, p.x, p.y, 1, acc.x, acc.y)));
      });
      return;
    }
    if (drag?.kind === 'brush') {
      if (Math.abs(p.x - drag.start.x) + Math.abs(p.y - drag.start.y) > 2) drag.moved = true;
      if (!drag.moved) return;
      const r = brushTo(p);
      schedule(() => setParam(brush.name, chart.intervalValue(brush.name, r[0], r[1], r[2], r[3])));
      return;
    }
    if (e.pointerType === 'mouse') {
      hover = p;
      const hoverPoints = points.filter((s) => eventName(s.on, 'click') === 'pointermove');
      schedule(() => {
        paintOverlay();
        for (const s of hoverPoints) setParam(s.name, chart.pointValue(s.name, p.x, p.y, false));
      }, hoverPoints.length ? 'update' : 'hover');
    }
  }

  function onUp(e) {
    touches.delete(e.pointerId);
    const d = drag;
    drag = null;
    if (d?.kind === 'brush' && !d.moved && d.mode === 'new') {
      // A click outside the brush clears it.
      setParam(brush.name, 'null');
    }
    if (d?.moved) canvas.dataset.dragged = '1';
  }

  function onClick(e) {
    if (canvas.dataset.dragged) { delete canvas.dataset.dragged; return; }
    const p = pos(e);
    let changed = false;
    for (const s of legends) {
      const v = chart.legendValue(s.name, p.x, p.y, toggles(s.toggle, e));
      if (v !== undefined) { fade(); setParam(s.name, v); changed = true; }
    }
    if (changed) return;
    for (const s of points.filter((s) => eventName(s.on, 'click') === 'click')) {
      const v = chart.pointValue(s.name, p.x, p.y, toggles(s.toggle, e));
      if (v !== undefined && v !== JSON.stringify(el.getParam(s.name) ?? null)) { fade(); setParam(s.name, v); }
    }
  }

  function onDblClick(e) {
    for (const s of [...points, ...legends]) {
      if (eventName(s.clear, 'dblclick') === 'dblclick') setParam(s.name, 'null');
    }
    for (const z of zooms) {
      if (eventName(z.clear, 'dblclick') === 'dblclick') setParam(z.name, 'null');
    }
    e.preventDefault();
  }

  function onWheel(e) {
    const p = pos(e);
    if (!plot().inside(p)) return;
    e.preventDefault();
    const factor = Math.exp(Math.max(-100, Math.min(100, e.deltaY)) * 0.005);
    schedule(() => zooms.forEach((z) => setParam(z.name, chart.zoomValue(z.name, p.x, p.y, factor, 0, 0))));
  }

  function onLeave(e) {
    if (e.pointerType !== 'mouse') return;
    hover = null;
    el.dataset.hover = '';
    schedule(paintOverlay, 'hover');
  }

  canvas.addEventListener('pointerdown', onDown);
  canvas.addEventListener('pointermove', onMove);
  canvas.addEventListener('pointerup', onUp);
  canvas.addEventListener('pointercancel', onUp);
  canvas.addEventListener('pointerleave', onLeave);
  canvas.addEventListener('click', onClick);
  canvas.addEventListener('dblclick', onDblClick);
  if (zooms.length) canvas.addEventListener('wheel', onWheel, { passive: false });
  if (brushes.length || zooms.length || legends.length || points.length) canvas.style.cursor = 'crosshair';

  if (group) {
    if (!groups.has(group)) groups.set(group, new Set());
    groups.get(group).add(el);
  }
  const keys = attachKeyboard(el, api, {
    points: points.filter((s) => eventName(s.on, 'click') === 'click'),
    legends,
    clears: [...points, ...legends, ...brushes],
  });

  /** Shows restored values in the bound controls (built before this hook runs). */
  const syncControls = (name, value) => {
    const inputs = JSON.parse(chart.boundInputs());
    const bind = inputs.find((i) => i.name === name)?.bind;
    const root = api.shadow ?? el;
    if (!bind) return;
    const index = (bind.options ?? []).findIndex((o) => JSON.stringify(o) === JSON.stringify(value));
    const select = root.querySelector(`select[name="${name}"]`);
    if (select && index >= 0) select.value = String(index);
    root.querySelectorAll(`input[type=radio][name$="-${name}"]`).forEach((r, i) => { r.checked = i === index; });
    const input = root.querySelector(`input[name="${name}"]`);
    if (input?.type === 'checkbox') input.checked = Boolean(value);
    else if (input && input.type !== 'radio') input.value = value ?? '';
  };

  const controller = {
    /** Sets the parameters the URL fragment holds for this chart (before the first draw). */
    restore() {
      if (!urlState) return;
      const saved = readHash()[id];
      if (!saved) return;
      restoring = true;
      for (const [name, value] of Object.entries(saved)) {
        try {
          el.setParam(name, value);
          syncControls(name, value);
        } catch { /* a stale fragment names a removed param */ }
      }
      restoring = false;
    },
    afterDraw() {
      if (!brush) {
        // This chart's brush: the first interval selection projecting onto its plot.
        const [x, y, w, h] = chart.plotRect();
        brush = brushes.find((s) => {
          const v = chart.intervalValue(s.name, x, y, x + w, y + h);
          return v !== undefined && v !== 'null';
        }) ?? null;
        if (brush) el.dataset.brush = brush.name;
      }
      paintOverlay();
      keys.afterDraw();
    },
    /** A chart added to a group late starts with the values its group already set. */
    join() {
      const values = group ? groupValues.get(group) : null;
      if (!values) return;
      broadcasting = true;
      try {
        for (const [name, value] of values) {
          if (el.getParam(name) === undefined) continue;
          if (JSON.stringify(el.getParam(name)) === JSON.stringify(value)) continue;
          try { el.setParam(name, value); syncControls(name, value); } catch { /* a value this chart rejects */ }
        }
      } finally {
        broadcasting = false;
      }
    },
    changed(name, value, discrete = false) {
      set[name] = value;
      if (group) {
        if (!groupValues.has(group)) groupValues.set(group, new Map());
        groupValues.get(group).set(name, value);
      }
      if (urlState && !restoring) {
        // history.replaceState is slow and rate-limited: write at most every 250 ms.
        clearTimeout(hashTimer);
        hashTimer = setTimeout(() => writeHash(id, set), 250);
      }
      if (!group || broadcasting) return;
      broadcasting = true;
      try {
        for (const other of groups.get(group) ?? []) {
          if (other === el || other.dataset.state !== 'ready') continue;
          if (other.getParam(name) === undefined) continue;
          if (discrete) other.interaction?.transition?.();
          other.setParam(name, value);
        }
      } finally {
        broadcasting = false;
      }
    },
    /** The next setParam on this chart is a discrete change (a linked chart's click): tween. */
    transition() {
      api.transition?.();
    },
    /** The plot rectangle {x, y, width, height} in CSS pixels of the canvas. */
    plotRect() {
      const [x, y, width, height] = chart.plotRect();
      return { x, y, width, height };
    },
    /** The legend entries [{label, x, y, width, height}] (symbol boxes, CSS pixels). */
    legendEntries() {
      return JSON.parse(chart.legendEntries());
    },
    /** The brush [x0, y0, x1, y1] of this chart's interval selection, or null. */
    brushRect() {
      const r = brush ? chart.intervalRect(brush.name) : [];
      return r.length === 4 ? r : null;
    },
    detach() {
      el.removeEventListener('change', onChange);
      cancelAnimationFrame(frame);
      clearTimeout(hashTimer);
      groups.get(group)?.delete(el);
      overlay.remove();
      keys.detach();
    },
  };
  const onChange = (e) => {
    if (e instanceof CustomEvent && e.detail?.name) controller.changed(e.detail.name, e.detail.value, e.detail.discrete);
  };
  el.addEventListener('change', onChange);
  el.interaction = controller;
  controller.restore();
  controller.join();
  controller.afterDraw();
  return controller;
}

registerInteraction(attachInteraction);
