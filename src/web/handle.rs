//! `StoryChart`: the handle `www/story-chart.js` holds for one chart.
//!
//! Stage: all (browser entry point). Owns the [`Chart`] and its last [`Scene`]; drawing and
//! read-back (mark data, mark rectangles for tests and hit testing) go through it.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{context_2d, CanvasMeasure, CanvasPainter, WidthCache};
use crate::interact::focus::{self, Target, TargetKind};
use crate::interact::frame::Frame;
use crate::interact::select;
use crate::interact::tween::{self, Grow};
use crate::layout::TextMeasure;
use crate::render::paint;
use crate::scale::LocaleName;
use crate::scene::dump::dump;
use crate::scene::{text_bounds, ThemeName};
use crate::{marks_json, Chart, Scene, SceneOptions};

fn js_error(e: &crate::Error) -> JsError {
    JsError::new(&e.to_string())
}

thread_local! {
    /// The page's parsed data, shared by its charts (see [`StoryChart::load_shared`]).
    static SHARED: std::cell::RefCell<crate::chart::SharedData> =
        std::cell::RefCell::new(crate::chart::SharedData::default());
}

/// How many times the page parsed data text for `loadShared` (charts that load the same URL
/// the same way parse it once; for tests).
#[wasm_bindgen(js_name = sharedDataParses)]
pub fn shared_data_parses() -> usize {
    SHARED.with(|shared| shared.borrow().parses())
}

/// One chart in the page.
#[wasm_bindgen]
pub struct StoryChart {
    chart: Chart,
    scene: Option<Scene>,
    /// The hit-test grid of `scene`, made at the first hover after a draw.
    pick_index: std::cell::OnceCell<crate::interact::pick::PickIndex>,
    frame: Frame,
    theme: ThemeName,
    locale: LocaleName,
    /// The measured width of each text item of the last scene, in paint order.
    text_widths: Vec<f64>,
    /// Text widths measured so far (redraws lay out the same labels).
    widths: WidthCache,
    /// The keyboard focus: its index in `focus::targets` of the last scene, and the target.
    focus: Option<(usize, Target)>,
    /// The transition begun by `beginTransition`, if any.
    transition: Option<Transition>,
}

/// A transition from the scene shown before a change to the next drawn one.
struct Transition {
    from: Scene,
    from_keys: Vec<Option<String>>,
    /// The keys of the end scene, set by the `render` after the change.
    to_keys: Vec<Option<String>>,
    grow: Grow,
    /// Whether a frame was painted: a later `render` (a resize) ends the transition.
    started: bool,
    /// The eased position of the last painted frame.
    shown: f64,
}

#[wasm_bindgen]
impl StoryChart {
    /// Parses and plans a Vega-Lite spec (JSON text); computes inline data at once.
    #[wasm_bindgen(constructor)]
    pub fn new(spec: &str) -> Result<StoryChart, JsError> {
        let chart = Chart::from_spec(spec).map_err(|e| js_error(&e))?;
        Ok(StoryChart {
            chart,
            scene: None,
            pick_index: std::cell::OnceCell::new(),
            frame: Frame::default(),
            theme: ThemeName::Light,
            locale: LocaleName::EnUs,
            text_widths: Vec::new(),
            focus: None,
            transition: None,
            widths: WidthCache::default(),
        })
    }

    /// The URL of the data still to load (`undefined` when none).
    #[wasm_bindgen(js_name = pendingUrl)]
    pub fn pending_url(&self) -> Option<String> {
        self.chart.pending_url().map(|(url, _)| url.to_string())
    }

    /// Hands over the text fetched from `pendingUrl()`.
    pub fn load(&mut self, text: &str) -> Result<(), JsError> {
        self.chart.load(text).map_err(|e| js_error(&e))?;
        self.scene = None;
        self.pick_index = std::cell::OnceCell::new();
        Ok(())
    }

    /// Loads the data at `pendingUrl()` through the page's shared tables: `key` is the URL
    /// resolved against the page. Takes the table another chart of the page already parsed
    /// and typed the same way; otherwise parses `bytes` (once for every chart that asks with the
    /// same key) or, without `bytes`, returns `false` so the caller fetches it.
    #[wasm_bindgen(js_name = loadShared)]
    pub fn load_shared(&mut self, key: &str, bytes: Option<Vec<u8>>) -> Result<bool, JsError> {
        // Fetched bytes, decoded as `Response.text()` decodes them (invalid UTF-8 becomes
        // U+FFFD, a leading BOM is dropped); valid text is borrowed, not copied.
        let text = bytes.as_deref().map(String::from_utf8_lossy);
        let text = text
            .as_deref()
            .map(|t| t.strip_prefix('\u{feff}').unwrap_or(t));
        let done = SHARED
            .with(|shared| {
                let mut shared = shared.borrow_mut();
                self.chart.load_shared(key, text, &mut shared)
            })
            .map_err(|e| js_error(&e))?;
        if done {
            self.scene = None;
            self.pick_index = std::cell::OnceCell::new();
        }
        Ok(done)
    }

    /// Sets parameter `name` to `value` (JSON text) and recomputes the data; the next
    /// `render` draws it. Errors on unknown names, bad JSON and bad selection values.
    /// Returns whether the chart needs drawing again (`false`: no data it draws changed and
    /// nothing drawn reads the parameter).
    #[wasm_bindgen(js_name = setParam)]
    pub fn set_param(&mut self, name: &str, value: &str) -> Result<bool, JsError> {
        let value: serde_json::Value = serde_json::from_str(value).map_err(|e| {
            JsError::new(&format!(
                "setParam(\"{name}\"): the value is not JSON ({e})"
            ))
        })?;
        let redraw = self
            .chart
            .set_param(name, value)
            .map_err(|e| js_error(&e))?;
        if redraw {
            self.scene = None;
            self.pick_index = std::cell::OnceCell::new();
        }
        Ok(redraw)
    }

    /// The current value of parameter `name` as JSON text (`undefined` when there is none).
    #[wasm_bindgen(js_name = getParam)]
    pub fn get_param(&self, name: &str) -> Option<String> {
        self.chart.param(name).map(|v| v.to_string())
    }

    /// Lays the chart out for a container `width` and `height` (CSS pixels; 0 when unknown,
    /// the height only counts for `"height": "container"`) and draws it on `canvas` at `dpr`
    /// device pixels per CSS pixel. Sets the canvas's backing size; the caller sets its CSS
    /// size from `width()` and `height()`.
    pub fn render(
        &mut self,
        canvas: &HtmlCanvasElement,
        width: f64,
        height: f64,
        dpr: f64,
    ) -> Result<(), JsError> {
        let ctx = context_2d(canvas)?;
        let options = SceneOptions {
            container_width: (width > 0.0).then_some(width),
            container_height: (height > 0.0).then_some(height),
            theme: self.theme,
            locale: self.locale,
        };
        let measure = CanvasMeasure::with_cache(&ctx, &self.widths);
        let (scene, frame) = self
            .chart
            .layout(&options, &measure)
            .map_err(|e| js_error(&e))?;
        self.frame = frame;
        self.text_widths = scene
            .texts()
            .map(|t| measure.width(&t.text, t.size, t.bold))
            .collect();
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr
        } else {
            1.0
        };
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (w, h) = (
            (scene.width * dpr).round().max(1.0) as u32,
            (scene.height * dpr).round().max(1.0) as u32,
        );
        // Resizing reallocates the canvas (slow while brushing redraws linked charts every
        // frame): an unchanged size is cleared instead.
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        } else {
            ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
                .map_err(|_| JsError::new("canvas: setTransform failed"))?;
            ctx.clear_rect(0.0, 0.0, f64::from(w), f64::from(h));
        }
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
            .map_err(|_| JsError::new("canvas: setTransform failed"))?;
        paint(&scene, &mut CanvasPainter::new(&ctx));
        match self.transition.take() {
            Some(t) if !t.started => {
                let to_keys = self.keys(&scene);
                self.transition = Some(Transition { to_keys, ..t });
            }
            _ => {}
        }
        self.scene = Some(scene);
        self.pick_index = std::cell::OnceCell::new();
        Ok(())
    }

    /// Starts a transition from the chart as drawn now to the next `render` (call it before
    /// `setParam`). Returns `false` (and the next render draws at once) when there is nothing
    /// drawn yet or the scene is too large to tween.
    #[wasm_bindgen(js_name = beginTransition)]
    pub fn begin_transition(&mut self) -> bool {
        let running = self.transition.take();
        let Some(scene) = &self.scene else {
            return false;
        };
        if scene.items.len() > tween::MAX_ITEMS {
            return false;
        }
        let grow = self
            .chart
            .unit(0)
            .map(|(_, p)| Grow::of(p))
            .unwrap_or_default();
        // A change while marks still move starts from the frame on screen.
        let (from, from_keys) = match running {
            Some(r) if r.started && r.to_keys.len() == scene.items.len() => (
                tween::tween(&r.from, &r.from_keys, scene, &r.to_keys, r.shown, r.grow),
                tween::tween_keys(&r.from_keys, &r.to_keys),
            ),
            _ => (scene.clone(), self.keys(scene)),
        };
        self.transition = Some(Transition {
            from,
            from_keys,
            to_keys: Vec::new(),
            grow,
            started: false,
            shown: 0.0,
        });
        true
    }

    /// Paints the transition's frame at `t` (0..=1 of its duration, eased here) on `canvas`.
    /// At `t >= 1` paints the end state itself, ends the transition and returns `false`; also
    /// `false` when no transition runs.
    #[wasm_bindgen(js_name = paintTransition)]
    pub fn paint_transition(
        &mut self,
        canvas: &HtmlCanvasElement,
        t: f64,
        dpr: f64,
    ) -> Result<bool, JsError> {
        let Some(scene) = &self.scene else {
            self.transition = None;
            return Ok(false);
        };
        let Some(tr) = &mut self.transition else {
            return Ok(false);
        };
        tr.started = true;
        let done = t >= 1.0 || t.is_nan();
        tr.shown = tween::ease(t);
        let frame;
        let shown = if done {
            scene
        } else {
            frame = tween::tween(
                &tr.from,
                &tr.from_keys,
                scene,
                &tr.to_keys,
                tr.shown,
                tr.grow,
            );
            &frame
        };
        let ctx = context_2d(canvas)?;
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr
        } else {
            1.0
        };
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            .map_err(|_| JsError::new("canvas: setTransform failed"))?;
        ctx.clear_rect(
            0.0,
            0.0,
            f64::from(canvas.width()),
            f64::from(canvas.height()),
        );
        ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0)
            .map_err(|_| JsError::new("canvas: setTransform failed"))?;
        paint(shown, &mut CanvasPainter::new(&ctx));
        if done {
            self.transition = None;
        }
        Ok(!done)
    }

    /// The transition keys of `scene`'s items, from the current mark data.
    fn keys(&self, scene: &Scene) -> Vec<Option<String>> {
        let mut fields: Vec<Option<Vec<String>>> = Vec::new();
        tween::item_keys(scene, |mark, row| {
            let m = usize::from(mark);
            if fields.len() <= m {
                fields.resize(m + 1, None);
            }
            let slot = fields.get_mut(m)?;
            let list = slot.get_or_insert_with(|| {
                self.chart
                    .unit(mark)
                    .map(|(v, p)| tween::key_fields(v, p))
                    .unwrap_or_default()
            });
            if list.is_empty() {
                return None;
            }
            let mut key = String::new();
            for f in list.iter() {
                let v = self.chart.mark_value(mark, row, f)?;
                key.push_str(&v.to_string());
                key.push('\u{1f}');
            }
            Some(key)
        })
    }

    /// Moves the keyboard focus by `key` (a `KeyboardEvent.key`: arrows, `Home`, `End`; any
    /// other name only re-reads the focus, which follows its mark across redraws) and returns
    /// the focused target as `[kind, index, count, x, y, shape...]`: kind 0 for a mark, 1 for
    /// a legend entry; its index in focus order of `count`; its centre; its outline as
    /// `hoverShape` gives it. Empty when the chart has nothing to focus. `focusTooltip()` and
    /// `focusText()` describe it.
    #[wasm_bindgen(js_name = focusKey)]
    pub fn focus_key(&mut self, key: &str) -> Vec<f64> {
        let Some(scene) = self.scene.as_ref() else {
            return Vec::new();
        };
        let targets = focus::targets(scene);
        let current = self.focus.and_then(|(i, old)| match targets.get(i) {
            Some(t) if *t == old => Some(i),
            _ => focus::relocate(&targets, &old),
        });
        let index = match focus::Key::parse(key) {
            Some(k) => focus::step(&targets, current, k),
            None => current,
        };
        self.focus = index.and_then(|i| targets.get(i).map(|t| (i, *t)));
        let Some((index, t)) = self.focus else {
            return Vec::new();
        };
        let kind = if matches!(t.kind, TargetKind::Legend(_)) {
            1.0
        } else {
            0.0
        };
        #[allow(clippy::cast_precision_loss)]
        let mut out = vec![
            kind,
            index as f64,
            targets.len() as f64,
            t.center.0,
            t.center.1,
        ];
        out.extend_from_slice(&t.shape);
        out
    }

    /// The focused target's tooltip pairs (its tooltip encoding, or the legend title and the
    /// entry's label), as `tooltipAt` gives them.
    fn focus_pairs(&self) -> Vec<(String, String)> {
        let (Some(scene), Some((_, target))) = (&self.scene, self.focus) else {
            return Vec::new();
        };
        match target.kind {
            TargetKind::Mark(hit) => self
                .chart
                .tooltip_in(hit.mark, hit.row, self.locale)
                .unwrap_or_default(),
            TargetKind::Legend(i) => focus::legend_pairs(scene, i),
        }
    }

    /// The focused target's tooltip as JSON text `[[title, value], ...]`, `undefined` when it
    /// has none.
    #[wasm_bindgen(js_name = focusTooltip)]
    pub fn focus_tooltip(&self) -> Option<String> {
        let pairs = self.focus_pairs();
        if pairs.is_empty() {
            return None;
        }
        serde_json::to_string(&pairs).ok()
    }

    /// What a screen reader announces for the focused target: its tooltip as `"title: value,
    /// ..."`, or for a mark without tooltip the fields it draws.
    #[wasm_bindgen(js_name = focusText)]
    pub fn focus_text(&self) -> String {
        let mut pairs = self.focus_pairs();
        if let (true, Some((_, t))) = (pairs.is_empty(), self.focus) {
            if let TargetKind::Mark(hit) = t.kind {
                pairs = self.mark_pairs(hit.mark, hit.row);
            }
        }
        focus::announce(&pairs)
    }

    /// The fields a mark draws with their raw values, for announcing a mark without tooltip.
    fn mark_pairs(&self, mark: u16, row: u32) -> Vec<(String, String)> {
        let Some((_, plan)) = self.chart.unit(mark) else {
            return Vec::new();
        };
        plan.mark_fields()
            .into_iter()
            .filter_map(|f| {
                let v = self.chart.mark_value(mark, row, &f)?;
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                Some((f, text))
            })
            .collect()
    }

    /// Drops the keyboard focus.
    #[wasm_bindgen(js_name = focusClear)]
    pub fn focus_clear(&mut self) {
        self.focus = None;
    }

    /// The new value (JSON text) of selection `name` when the focused target is chosen (Enter):
    /// the focused mark's tuple for a point selection, the focused legend entry's for a
    /// legend-bound one; `undefined` when it does not apply.
    #[wasm_bindgen(js_name = focusValue)]
    pub fn focus_value(&self, name: &str, toggle: bool) -> Option<String> {
        let scene = self.scene.as_ref()?;
        let (_, target) = self.focus?;
        let value = match target.kind {
            TargetKind::Mark(hit) => select::point_value_of(&self.chart, name, hit, toggle),
            TargetKind::Legend(_) => {
                let (x, y) = target.center;
                select::legend_value(&self.chart, scene, &self.frame, name, x, y, toggle)
            }
        };
        value.map(|v| v.to_string())
    }

    /// Draws with the dark theme (`true`) or the light one from the next `render` on.
    #[wasm_bindgen(js_name = setDark)]
    pub fn set_dark(&mut self, dark: bool) {
        self.theme = if dark {
            ThemeName::Dark
        } else {
            ThemeName::Light
        };
    }

    /// Formats axis labels in locale `tag` (`en-US`, `de-DE`, `fr-FR`, `es-ES`) from the next
    /// `render` on; returns `false` (and keeps the current locale) for other tags.
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&mut self, tag: &str) -> bool {
        match LocaleName::parse(tag) {
            Some(locale) => {
                self.locale = locale;
                true
            }
            None => false,
        }
    }

    /// The rows the chart draws now (after filters and parameters) as CSV text.
    pub fn csv(&self) -> Result<String, JsError> {
        self.chart.csv().map_err(|e| js_error(&e))
    }

    /// The boxes of the last scene's text items as a flat array `[x, y, width, height, ...]`
    /// in CSS pixels, in paint order (see `texts()`).
    #[wasm_bindgen(js_name = textBoxes)]
    pub fn text_boxes(&self) -> Vec<f64> {
        let Some(scene) = &self.scene else {
            return Vec::new();
        };
        scene
            .texts()
            .zip(&self.text_widths)
            .map(|(t, w)| text_bounds(t, *w))
            .flat_map(|b| [b.x, b.y, b.width, b.height])
            .collect()
    }

    /// The last scene's text items as a JSON array of strings, in paint order.
    pub fn texts(&self) -> String {
        let Some(scene) = &self.scene else {
            return "[]".to_string();
        };
        let texts: Vec<&str> = scene.texts().map(|t| t.text.as_str()).collect();
        serde_json::to_string(&texts).unwrap_or_else(|_| "[]".to_string())
    }

    /// Width of the last drawn chart in CSS pixels.
    pub fn width(&self) -> f64 {
        self.scene.as_ref().map_or(0.0, |s| s.width)
    }

    /// Height of the last drawn chart in CSS pixels.
    pub fn height(&self) -> f64 {
        self.scene.as_ref().map_or(0.0, |s| s.height)
    }

    /// The mark data as JSON text, in the CLI's `data` format.
    #[wasm_bindgen(js_name = markData)]
    pub fn mark_data(&self) -> Result<String, JsError> {
        let marks = self.chart.mark_data().map_err(|e| js_error(&e))?;
        Ok(marks_json(None, &marks))
    }

    /// The last drawn mark rectangles as a flat array `[x, y, width, height, ...]` in CSS
    /// pixels, in paint order.
    #[wasm_bindgen(js_name = markRects)]
    pub fn mark_rects(&self) -> Vec<f64> {
        let Some(scene) = &self.scene else {
            return Vec::new();
        };
        scene
            .mark_rects(0)
            .flat_map(|r| [r.x, r.y, r.width, r.height])
            .collect()
    }

    /// The parameters bound to input widgets, as JSON text `[{"name", "bind", "value"}]`.
    #[wasm_bindgen(js_name = boundInputs)]
    pub fn bound_inputs(&self) -> String {
        serde_json::to_string(&self.chart.bound_inputs()).unwrap_or_else(|_| "[]".to_string())
    }

    /// The tooltip under CSS point `(x, y)` of the last drawn chart, as JSON text
    /// `[[title, value], ...]`, or `undefined` when no mark with a tooltip is there. Reads the
    /// scene only: hovering never recomputes data.
    #[wasm_bindgen(js_name = tooltipAt)]
    pub fn tooltip_at(&self, x: f64, y: f64) -> Option<String> {
        let scene = self.scene.as_ref()?;
        let (hit, _) = self.index(scene).pick_item(scene, x, y)?;
        let pairs = self.chart.tooltip_in(hit.mark, hit.row, self.locale).ok()?;
        if pairs.is_empty() {
            return None;
        }
        serde_json::to_string(&pairs).ok()
    }

    /// The last scene as text (the golden-test dump), for debugging.
    #[wasm_bindgen(js_name = sceneText)]
    pub fn scene_text(&self) -> String {
        self.scene.as_ref().map(dump).unwrap_or_default()
    }

    /// A text alternative generated from the data (chart type, measure, extremes).
    #[wasm_bindgen(js_name = altText)]
    pub fn alt_text(&self) -> String {
        self.chart.alt_text().unwrap_or_default()
    }

    /// A short text alternative: the spec's description, else its title.
    pub fn description(&self) -> String {
        let Some(view) = self.chart.view() else {
            return String::new();
        };
        match (&view.description, &view.title) {
            (Some(d), _) => d.clone(),
            (None, Some(t)) => t.text.join(" "),
            (None, None) => String::new(),
        }
    }

    /// The selection parameters, as JSON text `[{"name", "type", "bind", "on", "clear",
    /// "toggle", "nearest"}]`, for the host to attach its pointer handlers.
    pub fn selections(&self) -> String {
        let list: Vec<serde_json::Value> = self
            .chart
            .params()
            .params()
            .iter()
            .filter_map(|p| {
                let def = p.selection()?;
                Some(serde_json::json!({
                    "name": p.name,
                    "type": match def.kind {
                        crate::spec::params::SelectKind::Point => "point",
                        crate::spec::params::SelectKind::Interval => "interval",
                    },
                    "bind": p.bind,
                    "on": def.on,
                    "clear": def.clear,
                    "toggle": def.toggle,
                    "nearest": def.nearest,
                }))
            })
            .collect();
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_string())
    }

    /// The plot rectangle of the last drawn chart, `[x, y, width, height]` in CSS pixels.
    #[wasm_bindgen(js_name = plotRect)]
    pub fn plot_rect(&self) -> Vec<f64> {
        let f = &self.frame;
        vec![f.left, f.top, f.width, f.height]
    }

    /// The new value (JSON text) of point selection `name` after a click at `(x, y)`;
    /// `toggle` adds or removes the clicked tuple. `undefined` when it does not apply.
    #[wasm_bindgen(js_name = pointValue)]
    pub fn point_value(&self, name: &str, x: f64, y: f64, toggle: bool) -> Option<String> {
        let scene = self.scene.as_ref()?;
        select::point_value(&self.chart, scene, name, x, y, toggle).map(|v| v.to_string())
    }

    /// The new value (JSON text) of legend-bound point selection `name` after a click at
    /// `(x, y)`; `undefined` when no legend entry is there.
    #[wasm_bindgen(js_name = legendValue)]
    pub fn legend_value(&self, name: &str, x: f64, y: f64, toggle: bool) -> Option<String> {
        let scene = self.scene.as_ref()?;
        select::legend_value(&self.chart, scene, &self.frame, name, x, y, toggle)
            .map(|v| v.to_string())
    }

    /// The value (JSON text) of interval selection `name` for a brush from `(x0, y0)` to
    /// `(x1, y1)`; `null` clears it.
    #[wasm_bindgen(js_name = intervalValue)]
    pub fn interval_value(&self, name: &str, x0: f64, y0: f64, x1: f64, y1: f64) -> Option<String> {
        select::interval_value(&self.chart, &self.frame, name, (x0, y0), (x1, y1))
            .map(|v| v.to_string())
    }

    /// The brush of interval selection `name` as `[x0, y0, x1, y1]` CSS pixels (empty when
    /// nothing is selected).
    #[wasm_bindgen(js_name = intervalRect)]
    pub fn interval_rect(&self, name: &str) -> Vec<f64> {
        select::interval_rect(&self.chart, &self.frame, name).map_or_else(Vec::new, |r| r.to_vec())
    }

    /// The value (JSON text) of scale-bound interval selection `name` after zooming by
    /// `factor` about `(cx, cy)` and panning by `(dx, dy)` pixels.
    #[wasm_bindgen(js_name = zoomValue)]
    pub fn zoom_value(
        &self,
        name: &str,
        cx: f64,
        cy: f64,
        factor: f64,
        dx: f64,
        dy: f64,
    ) -> Option<String> {
        select::zoom_value(&self.chart, &self.frame, name, (cx, cy), factor, (dx, dy))
            .map(|v| v.to_string())
    }

    /// The shape of the mark item under `(x, y)` for the hover highlight: `[0, x, y, width,
    /// height]` for a rectangle, `[1, cx, cy, radius]` for a symbol, empty when none. Reads
    /// the scene only.
    #[wasm_bindgen(js_name = hoverShape)]
    pub fn hover_shape(&self, x: f64, y: f64) -> Vec<f64> {
        self.scene
            .as_ref()
            .and_then(|s| self.index(s).pick_shape(s, x, y))
            .map_or_else(Vec::new, |v| v.to_vec())
    }

    /// The legend entries of the last drawn chart as JSON text `[{"label", "x", "y", "width",
    /// "height"}]` (the symbol's box, CSS pixels), for tests and keyboard access.
    #[wasm_bindgen(js_name = legendEntries)]
    pub fn legend_entries(&self) -> String {
        let Some(scene) = &self.scene else {
            return "[]".to_string();
        };
        let labels = scene.items.iter().filter_map(|i| match i {
            crate::scene::Item::Text(t) if t.role == crate::scene::Role::LegendLabel => {
                Some(t.text.clone())
            }
            _ => None,
        });
        let list: Vec<serde_json::Value> = crate::interact::select::legend_symbols(scene)
            .into_iter()
            .zip(labels)
            .map(|([x, y, width, height], label)| {
                serde_json::json!({"label": label, "x": x, "y": y, "width": width, "height": height})
            })
            .collect();
        serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_string())
    }
}

impl StoryChart {
    /// The hit-test grid of `scene` (the last drawn scene).
    fn index(&self, scene: &Scene) -> &crate::interact::pick::PickIndex {
        self.pick_index
            .get_or_init(|| crate::interact::pick::PickIndex::new(scene))
    }
}
