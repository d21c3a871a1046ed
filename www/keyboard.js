// Keyboard access to a <story-chart>: the chart works without a pointer.
//
// The canvas is a tab stop (tabindex 0, a visible focus ring). Arrow keys move a focus
// cursor over the marks in reading order: Left/Right within a series, Up/Down to the previous
// or next series (the legend entries are the last one; a chart of one series moves to the
// mark above or below), Home/End to the ends of the series. The focused mark gets the hover
// outline and its tooltip, and an aria-live region announces the same "name: value" text.
// Enter or Space acts as a click on it (a point selection, or a legend toggle on a legend
// entry; Shift toggles as Shift-click does); Escape clears the selections and hides the
// tooltip. The order, the moves and the text come from the chart (Rust: interact/focus.rs,
// `focusKey`, `focusTooltip`, `focusText`, `focusValue`); this module only wires the keys to
// them and draws the outline.

const STYLES = `
canvas[tabindex]:focus { outline: none; }
canvas[tabindex]:focus-visible { outline: 2px solid var(--story-chart-focus, #1a73e8); outline-offset: 2px; }
.story-chart-live { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;
let sheet = null;
function adoptStyles(shadow) {
  if (!shadow) return;
  if (typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
    }
    if (!shadow.adoptedStyleSheets.includes(sheet)) shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = STYLES;
    shadow.append(style);
  }
}

const MOVES = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End']);

/**
 * Wires the keyboard into element `el` (called by www/interact.js when it attaches).
 * `api` is the element's interaction api ({chart, canvas, plot, shadow, transition(),
 * showTooltip(pairs, point), hideTooltip()}); `sel` names the selections a key may set:
 * `{points, legends, clears}` (point selections a click sets, legend-bound ones, and every
 * selection Escape clears). Returns `{afterDraw(), detach()}`.
 */
export function attachKeyboard(el, api, sel) {
  const { chart, canvas } = api;
  adoptStyles(api.shadow);
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-roledescription', 'chart');
  canvas.setAttribute('aria-description',
    'Arrow keys move between marks, Enter selects, Escape clears the selection.');

  const live = document.createElement('div');
  live.className = 'story-chart-live';
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('aria-atomic', 'true');
  api.plot.append(live);

  const ring = document.createElement('canvas');
  ring.className = 'story-chart-focus';
  ring.setAttribute('aria-hidden', 'true');
  Object.assign(ring.style, { position: 'absolute', pointerEvents: 'none', left: '0px', top: '0px' });
  canvas.after(ring);

  let focused = null; // the last focusKey answer, while the canvas has the focus

  function paintRing() {
    const dpr = window.devicePixelRatio || 1;
    const w = chart.width();
    const h = chart.height();
    if (ring.width !== Math.round(w * dpr) || ring.height !== Math.round(h * dpr)) {
      ring.width = Math.round(w * dpr);
      ring.height = Math.round(h * dpr);
    }
    Object.assign(ring.style, {
      left: `${canvas.offsetLeft}px`, top: `${canvas.offsetTop}px`,
      width: canvas.style.width || `${w}px`, height: canvas.style.height || `${h}px`,
    });
    const ctx = ring.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ring.width, ring.height);
    if (!focused) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const s = focused.shape;
    ctx.strokeStyle = el.dataset.theme === 'dark' ? '#fff' : '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    if (s[0] === 0) ctx.rect(s[1], s[2], s[3], s[4]);
    else ctx.arc(s[1], s[2], Math.max(s[3], 3) + 1, 0, 2 * Math.PI);
    ctx.stroke();
  }

  /** Shows the focus answer `f` of focusKey (outline, tooltip, announcement); hides all on none. */
  function show(f, announce = true) {
    focused = f?.length >= 10 ? {
      kind: f[0] === 1 ? 'legend' : 'mark', index: f[1], count: f[2], x: f[3], y: f[4],
      shape: Array.from(f.slice(5, 10)),
      pairs: JSON.parse(chart.focusTooltip() ?? '[]'), text: chart.focusText(),
    } : null;
    paintRing();
    if (!focused) {
      api.hideTooltip?.();
      el.dataset.focus = '';
      return;
    }
    el.dataset.focus = `${focused.kind}:${focused.index}`;
    // Scene to CSS pixels (a fixed-size chart may be drawn shrunk).
    const k = chart.width() > 0 ? canvas.clientWidth / chart.width() : 1;
    const point = { cssX: canvas.offsetLeft + focused.x * k, cssY: canvas.offsetTop + focused.y * k };
    if (focused.pairs.length) api.showTooltip?.(focused.pairs, point);
    else api.hideTooltip?.();
    if (announce && live.textContent !== focused.text) live.textContent = focused.text;
  }

  function choose(e) {
    if (!focused) return;
    const list = focused.kind === 'legend' ? sel.legends : sel.points;
    for (const s of list) {
      const v = chart.focusValue(s.name, e.shiftKey);
      if (v === undefined || v === JSON.stringify(el.getParam(s.name) ?? null)) continue;
      api.transition?.();
      el.setParam(s.name, JSON.parse(v));
    }
  }

  function clear() {
    for (const s of sel.clears) {
      const v = el.getParam(s.name);
      if (v === undefined || v === null || (typeof v === 'object' && !Object.keys(v).length)) continue;
      api.transition?.();
      el.setParam(s.name, null);
    }
    chart.focusClear();
    show(null);
    live.textContent = '';
  }

  function onKey(e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (MOVES.has(e.key)) {
      e.preventDefault();
      show(chart.focusKey(e.key));
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (!focused) show(chart.focusKey('ArrowRight'));
      else choose(e);
    } else if (e.key === 'Escape') {
      clear();
    }
  }

  function onBlur() {
    focused = null;
    paintRing();
    api.hideTooltip?.();
  }

  canvas.addEventListener('keydown', onKey);
  canvas.addEventListener('blur', onBlur);

  return {
    /** After each draw: the focus follows its mark (a filter may move it) and is shown again. */
    afterDraw() {
      if (focused) show(chart.focusKey(''));
      else paintRing();
    },
    detach() {
      canvas.removeEventListener('keydown', onKey);
      canvas.removeEventListener('blur', onBlur);
      live.remove();
      ring.remove();
    },
  };
}
