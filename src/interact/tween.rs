//! Transitions: the scene between two states of a chart, for marks that move instead of
//! jumping when a reader clicks a legend entry, a point or a control.
//!
//! Stage: interact. Mark items of the two scenes are matched by a stable key ([`item_keys`]):
//! the mark, the item's kind and the values of the fields that identify its datum
//! ([`key_fields`]: the group-by dimensions of an aggregate, every encoded field of raw rows),
//! not the row number, which a filter changes. [`tween`] interpolates matched items (position,
//! size, colour), grows entering ones from their baseline while they fade in, and fades exiting
//! ones out. Guides (axes, legends, titles) are taken from the end state as they are. The host
//! paints `tween(from, to, ease(t))` for each animation frame and `to` itself at the end, so
//! the last frame equals a drawing without a transition.

use crate::plan::Plan;
use crate::scene::{Color, Item, Path, Rect, Role, Rule, Scene, Symbol, Text};
use crate::sorting::sort_by;
use crate::spec::{Channel, View};

/// How long a transition runs, in milliseconds (the issue allows at most 300).
pub const DURATION_MS: f64 = 250.0;

/// Scenes with more mark items than this draw their end state at once: matching keys reads
/// every row's values, which would cost more than the frame it saves.
pub const MAX_ITEMS: usize = 20_000;

/// Where an entering rectangle grows from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grow {
    /// From its bottom edge (vertical bars).
    #[default]
    Up,
    /// From its left edge (horizontal bars).
    Right,
}

impl Grow {
    /// The growth direction of a view's bars: along the channel that carries their values.
    pub fn of(plan: &Plan) -> Grow {
        if plan.value_channel == Channel::X {
            Grow::Right
        } else {
            Grow::Up
        }
    }
}

/// Cubic ease-in-out of `t` in 0..=1 (d3's `easeCubicInOut`); clamped outside it.
///
/// ```
/// use storychart::interact::tween::ease;
/// assert_eq!((ease(0.0), ease(0.5), ease(1.0)), (0.0, 0.5, 1.0));
/// assert!(ease(0.25) < 0.25 && ease(0.75) > 0.75);
/// ```
pub fn ease(t: f64) -> f64 {
    let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) } * 2.0;
    if t <= 1.0 {
        t * t * t / 2.0
    } else {
        let u = t - 2.0;
        (u * u * u + 2.0) / 2.0
    }
}

/// The fields whose values identify an item of a view's mark: the fields of its position and
/// colour channels and `detail` that are not aggregated (for binned fields, the bin start) and
/// not a stack's output, which a filter changes.
pub fn key_fields(view: &View, plan: &Plan) -> Vec<String> {
    let channels = [
        (&view.x, &plan.x),
        (&view.y, &plan.y),
        (&view.color, &plan.color),
    ];
    let mut out: Vec<String> = Vec::new();
    for (def, fields) in channels {
        let (Some(def), Some(fields)) = (def, fields) else {
            continue;
        };
        let stacked = fields.field2.is_some() && def.bin.is_none() && def.time_unit.is_none();
        if def.aggregate.is_none() && !stacked && !out.contains(&fields.field) {
            out.push(fields.field.clone());
        }
    }
    for f in plan.x_offset.iter().chain(&plan.y_offset) {
        if !out.contains(&f.field) {
            out.push(f.field.clone());
        }
    }
    for f in &plan.detail {
        if !out.contains(f) {
            out.push(f.clone());
        }
    }
    out
}

fn kind(item: &Item) -> char {
    match item {
        Item::Rect(_) => 'r',
        Item::Rule(_) => 'l',
        Item::Text(_) => 't',
        Item::Symbol(_) => 's',
        Item::Path(_) => 'p',
    }
}

fn row(item: &Item) -> Option<u32> {
    match item {
        Item::Rect(r) => r.row,
        Item::Symbol(s) => s.row,
        Item::Path(p) => p.row,
        Item::Rule(_) | Item::Text(_) => None,
    }
}

/// The key of every item of `scene` (`None` for guides): `mark/kind/datum key`, where
/// `datum(mark, row)` gives the identifying values of a row (`None` when the mark has no key
/// fields: then items are keyed by their place among the mark's items of that kind). A key
/// seen before gets `#2`, `#3`, ... so every key is unique.
pub fn item_keys(
    scene: &Scene,
    mut datum: impl FnMut(u16, u32) -> Option<String>,
) -> Vec<Option<String>> {
    let mut keys: Vec<Option<String>> = scene
        .items
        .iter()
        .map(|item| {
            let Role::Mark(mark) = item.role() else {
                return None;
            };
            Some(match row(item).and_then(|r| datum(mark, r)) {
                Some(d) => format!("{mark}/{}/{d}", kind(item)),
                None => format!("{mark}/{}/", kind(item)),
            })
        })
        .collect();
    // Equal keys, in paint order (the sort is stable): the second and later get `#n`.
    let mut order: Vec<usize> = (0..keys.len())
        .filter(|i| matches!(keys.get(*i), Some(Some(_))))
        .collect();
    sort_by(&mut order, |a, b| keys.get(*a).cmp(&keys.get(*b)));
    let mut run: Option<(usize, usize)> = None; // (first index of the run, its length)
    for &i in &order {
        run = match run {
            Some((first, n)) if keys.get(first) == keys.get(i) => Some((first, n + 1)),
            _ => Some((i, 1)),
        };
        if let (Some((_, n)), Some(Some(k))) = (run, keys.get_mut(i)) {
            if n > 1 {
                k.push_str(&format!("#{n}"));
            }
        }
    }
    keys
}

fn mix(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

fn mix_color(a: Color, b: Color, t: f64) -> Color {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let c = |x: u8, y: u8| mix(f64::from(x), f64::from(y), t).round().clamp(0.0, 255.0) as u8;
    Color {
        r: c(a.r, b.r),
        g: c(a.g, b.g),
        b: c(a.b, b.b),
        a: mix(a.a, b.a, t),
    }
}

fn mix_opt(a: Option<Color>, b: Option<Color>, t: f64) -> Option<Color> {
    match (a, b) {
        (Some(a), Some(b)) => Some(mix_color(a, b, t)),
        _ => b,
    }
}

fn mix_stroke(a: Option<(Color, f64)>, b: Option<(Color, f64)>, t: f64) -> Option<(Color, f64)> {
    match (a, b) {
        (Some((ca, wa)), Some((cb, wb))) => Some((mix_color(ca, cb, t), mix(wa, wb, t))),
        _ => b,
    }
}

fn faded(c: Color, k: f64) -> Color {
    Color { a: c.a * k, ..c }
}

/// Item `b` moved `t` of the way from `a`; `None` when they are not the same kind of item.
fn between(a: &Item, b: &Item, t: f64) -> Option<Item> {
    Some(match (a, b) {
        (Item::Rect(a), Item::Rect(b)) => Item::Rect(Rect {
            x: mix(a.x, b.x, t),
            y: mix(a.y, b.y, t),
            width: mix(a.width, b.width, t),
            height: mix(a.height, b.height, t),
            fill: mix_color(a.fill, b.fill, t),
            stroke: mix_stroke(a.stroke, b.stroke, t),
            ..b.clone()
        }),
        (Item::Symbol(a), Item::Symbol(b)) => Item::Symbol(Symbol {
            x: mix(a.x, b.x, t),
            y: mix(a.y, b.y, t),
            size: mix(a.size, b.size, t),
            fill: mix_opt(a.fill, b.fill, t),
            stroke: mix_stroke(a.stroke, b.stroke, t),
            ..b.clone()
        }),
        (Item::Rule(a), Item::Rule(b)) => Item::Rule(Rule {
            x1: mix(a.x1, b.x1, t),
            y1: mix(a.y1, b.y1, t),
            x2: mix(a.x2, b.x2, t),
            y2: mix(a.y2, b.y2, t),
            stroke: mix_color(a.stroke, b.stroke, t),
            width: mix(a.width, b.width, t),
            role: b.role,
        }),
        (Item::Text(a), Item::Text(b)) => Item::Text(Text {
            x: mix(a.x, b.x, t),
            y: mix(a.y, b.y, t),
            fill: mix_color(a.fill, b.fill, t),
            ..b.clone()
        }),
        (Item::Path(a), Item::Path(b)) => {
            // Same vertex count: move each vertex; otherwise the end state's outline (a line
            // that gained points has no vertex to come from).
            let points = if a.points.len() == b.points.len() {
                a.points
                    .iter()
                    .zip(&b.points)
                    .map(|(p, q)| (mix(p.0, q.0, t), mix(p.1, q.1, t)))
                    .collect()
            } else {
                b.points.clone()
            };
            Item::Path(Path {
                points,
                fill: mix_opt(a.fill, b.fill, t),
                stroke: mix_stroke(a.stroke, b.stroke, t),
                ..b.clone()
            })
        }
        _ => return None,
    })
}

/// Item `item` with its colours' opacity scaled by `k` (0 invisible, 1 as drawn).
fn with_opacity(item: &Item, k: f64) -> Item {
    let mut item = item.clone();
    let stroke = |s: &mut Option<(Color, f64)>| {
        if let Some((c, _)) = s {
            *c = faded(*c, k);
        }
    };
    match &mut item {
        Item::Rect(r) => {
            r.fill = faded(r.fill, k);
            stroke(&mut r.stroke);
        }
        Item::Symbol(s) => {
            s.fill = s.fill.map(|c| faded(c, k));
            stroke(&mut s.stroke);
        }
        Item::Path(p) => {
            p.fill = p.fill.map(|c| faded(c, k));
            stroke(&mut p.stroke);
        }
        Item::Rule(r) => r.stroke = faded(r.stroke, k),
        Item::Text(x) => x.fill = faded(x.fill, k),
    }
    item
}

/// An entering item at `t`: fading in, rectangles growing from their baseline, symbols from
/// nothing.
fn entering(item: &Item, t: f64, grow: Grow) -> Item {
    let mut item = with_opacity(item, t);
    match &mut item {
        Item::Rect(r) if grow == Grow::Up => {
            r.y += r.height * (1.0 - t);
            r.height *= t;
        }
        Item::Rect(r) => r.width *= t,
        Item::Symbol(s) => s.size *= t,
        _ => {}
    }
    item
}

/// How the items of a transition's frames come from its two scenes.
struct Matching {
    /// For each item of `to`: the index of the same item in `from`, if it was there.
    matched: Vec<Option<usize>>,
    /// The items of `from` that are not in `to`, in paint order.
    exiting: Vec<usize>,
    /// Where the exiting items go: before `to`'s first mark item.
    at: usize,
}

fn matching(from_keys: &[Option<String>], to_keys: &[Option<String>]) -> Matching {
    // Indices of the keyed items of `from`, by key (one shared sort of `usize`).
    let from_key = |i: &usize| from_keys.get(*i).and_then(|k| k.as_deref());
    let mut old: Vec<usize> = (0..from_keys.len())
        .filter(|i| from_key(i).is_some())
        .collect();
    sort_by(&mut old, |a, b| from_key(a).cmp(&from_key(b)));
    let mut used = vec![false; from_keys.len()];
    let mut at = None;
    let matched = to_keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            let key = key.as_deref()?;
            at.get_or_insert(i);
            let found = old.binary_search_by(|j| from_key(j).cmp(&Some(key))).ok()?;
            let j = *old.get(found)?;
            if let Some(u) = used.get_mut(j) {
                *u = true;
            }
            Some(j)
        })
        .collect();
    let exiting = (0..from_keys.len())
        .filter(|j| matches!(from_keys.get(*j), Some(Some(_))) && used.get(*j) == Some(&false))
        .collect();
    Matching {
        matched,
        exiting,
        at: at.unwrap_or(to_keys.len()),
    }
}

/// The scene `t` (0..=1, already eased) of the way from `from` to `to`; `from_keys` and
/// `to_keys` are their [`item_keys`]. At `t = 1` the marks are `to`'s; at `t = 0` they are
/// `from`'s (entering ones invisible). Exiting marks are drawn under the others.
pub fn tween(
    from: &Scene,
    from_keys: &[Option<String>],
    to: &Scene,
    to_keys: &[Option<String>],
    t: f64,
    grow: Grow,
) -> Scene {
    let t = if t.is_nan() { 1.0 } else { t.clamp(0.0, 1.0) };
    let m = matching(from_keys, to_keys);
    let mut items: Vec<Item> = Vec::with_capacity(to.items.len() + m.exiting.len());
    for (i, item) in to.items.iter().enumerate() {
        let keyed = matches!(to_keys.get(i), Some(Some(_)));
        let moved = m
            .matched
            .get(i)
            .copied()
            .flatten()
            .and_then(|j| between(from.items.get(j)?, item, t));
        items.push(match moved {
            Some(b) => b,
            None if keyed => entering(item, t, grow),
            None => item.clone(),
        });
    }
    let exiting = m
        .exiting
        .iter()
        .filter_map(|j| from.items.get(*j))
        .map(|item| with_opacity(item, 1.0 - t));
    let tail = items.split_off(m.at.min(items.len()));
    items.extend(exiting);
    items.extend(tail);
    Scene {
        width: to.width,
        height: to.height,
        items,
        description: to.description.clone(),
    }
}

/// The keys of the items of every [`tween`] frame of `from_keys` to `to_keys`, so a
/// transition that starts while another runs can start from the frame on screen.
pub fn tween_keys(from_keys: &[Option<String>], to_keys: &[Option<String>]) -> Vec<Option<String>> {
    let m = matching(from_keys, to_keys);
    let mut keys = to_keys.to_vec();
    let tail = keys.split_off(m.at.min(keys.len()));
    keys.extend(
        m.exiting
            .iter()
            .map(|j| from_keys.get(*j).cloned().flatten()),
    );
    keys.extend(tail);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Chart, FixedMetrics, SceneOptions};
    use serde_json::json;

    const SPEC: &str = r#"{"params": [{"name": "pick", "select": {"type": "point", "fields": ["c"]}}],
        "data": {"values": [{"a": "A", "c": "u", "b": 3}, {"a": "B", "c": "v", "b": 4},
                            {"a": "C", "c": "u", "b": 6}]},
        "transform": [{"filter": {"param": "pick"}}],
        "mark": "bar", "encoding": {"x": {"field": "a"}, "color": {"field": "c"},
            "y": {"field": "b", "type": "quantitative"}}}"#;

    fn keyed(chart: &Chart) -> (Scene, Vec<Option<String>>) {
        let scene = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        let fields = chart
            .unit(0)
            .map(|(v, p)| key_fields(v, p))
            .unwrap_or_default();
        let keys = item_keys(&scene, |m, r| {
            Some(
                fields
                    .iter()
                    .map(|f| chart.mark_value(m, r, f).unwrap().to_string())
                    .collect::<Vec<_>>()
                    .join("|"),
            )
        });
        (scene, keys)
    }

    fn bars(scene: &Scene) -> Vec<(f64, f64, f64, f64, f64)> {
        scene
            .mark_rects(0)
            .map(|r| (r.x, r.y, r.width, r.height, r.fill.a))
            .collect()
    }

    #[test]
    fn bars_move_enter_and_exit_by_their_datum_key() {
        let mut chart = Chart::from_spec(SPEC).unwrap();
        let (all, all_keys) = keyed(&chart);
        assert_eq!(
            chart.unit(0).map(|(v, p)| key_fields(v, p)),
            Some(vec!["a".to_string(), "c".to_string()])
        );
        chart.set_param("pick", json!([{"c": "u"}])).unwrap();
        let (some, some_keys) = keyed(&chart);
        assert_eq!(bars(&all).len(), 3);
        assert_eq!(bars(&some).len(), 2);
        // The end state is exactly the new scene; the start has the old bars where they were.
        let end = tween(&all, &all_keys, &some, &some_keys, 1.0, Grow::Up);
        assert_eq!(bars(&end)[1..], bars(&some)[..]);
        assert_eq!(
            bars(&end)[0].4,
            0.0,
            "the exiting bar is transparent at the end"
        );
        let start = tween(&all, &all_keys, &some, &some_keys, 0.0, Grow::Up);
        let mut before = bars(&all);
        let mut at0 = bars(&start);
        before.sort_by(|a, b| a.0.total_cmp(&b.0));
        at0.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(at0, before);
        // Halfway: bar "C" (row 1 after the filter) is between its two places.
        let mid = tween(&all, &all_keys, &some, &some_keys, 0.5, Grow::Up);
        let c_from = all.mark_rects(0).find(|r| r.row == Some(2)).unwrap();
        let c_to = some.mark_rects(0).find(|r| r.row == Some(1)).unwrap();
        let c_mid = &bars(&mid)[2];
        assert!(c_from.x != c_to.x);
        assert!((c_mid.0 - (c_from.x + c_to.x) / 2.0).abs() < 1e-9);
        assert!(
            (bars(&mid)[0].4 - 0.5).abs() < 1e-9,
            "exiting bar half faded"
        );
        // Going back, the bar "B" enters: it grows from the baseline and fades in.
        let back = tween(&some, &some_keys, &all, &all_keys, 0.5, Grow::Up);
        let b_end = all.mark_rects(0).find(|r| r.row == Some(1)).unwrap();
        let b_mid = back
            .mark_rects(0)
            .find(|r| r.row == Some(1) && r.fill.a < 1.0)
            .unwrap();
        assert!((b_mid.height - b_end.height / 2.0).abs() < 1e-9);
        assert!((b_mid.y + b_mid.height - (b_end.y + b_end.height)).abs() < 1e-9);
        assert!((b_mid.fill.a - 0.5).abs() < 1e-9);
        // A frame's keys line up with its items: a transition begun mid-way starts from it.
        let mid_keys = tween_keys(&all_keys, &some_keys);
        assert_eq!(mid_keys.len(), mid.items.len());
        let again = tween(&mid, &mid_keys, &all, &all_keys, 0.0, Grow::Up);
        let sorted = |mut v: Vec<(f64, f64, f64, f64, f64)>| {
            v.sort_by(|a, b| a.0.total_cmp(&b.0));
            v
        };
        assert_eq!(sorted(bars(&again)), sorted(bars(&mid)));
        let done = tween(&mid, &mid_keys, &all, &all_keys, 1.0, Grow::Up);
        assert_eq!(bars(&done), bars(&all));
        // Guides are the end state's.
        let texts = |s: &Scene| s.texts().map(|t| t.text.clone()).collect::<Vec<_>>();
        assert_eq!(texts(&mid), texts(&some));
    }

    #[test]
    fn duplicate_and_keyless_items_get_unique_keys() {
        let rule = |x2: f64, stroke: Color, role: Role| {
            Item::Rule(Rule {
                x1: 0.0,
                y1: 0.0,
                x2,
                y2: 1.0,
                stroke,
                width: 1.0,
                role,
            })
        };
        let scene = Scene {
            items: vec![
                rule(1.0, Color::BLACK, Role::Grid),
                rule(1.0, Color::BLACK, Role::Mark(1)),
                rule(3.0, Color::WHITE, Role::Mark(1)),
            ],
            ..Scene::default()
        };
        let keys = item_keys(&scene, |_, _| None);
        assert_eq!(
            keys,
            vec![None, Some("1/l/".to_string()), Some("1/l/#2".to_string())]
        );
        let mut moved = scene.clone();
        if let Some(Item::Rule(r)) = moved.items.get_mut(2) {
            r.x2 = 5.0;
        }
        let mid = tween(&scene, &keys, &moved, &keys, 0.5, Grow::Right);
        let Some(Item::Rule(r)) = mid.items.get(2) else {
            panic!("{mid:?}")
        };
        assert_eq!(r.x2, 4.0);
        assert_eq!(mid.items.len(), 3);
    }
}
