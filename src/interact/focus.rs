//! Keyboard focus: the order in which arrow keys visit a chart's marks and legend entries, and
//! what is announced for the focused one.
//!
//! Stage: interact. [`targets`] lists every mark item with a data row, series by series, and
//! each series in reading order (left to right, then top to bottom), with the legend's entries
//! as a last series. [`step`] answers where a key moves the focus: Left/Right within a series,
//! Up/Down to the nearest item of the previous/next series (or, in a chart of one series, to the
//! nearest item above/below), Home/End to the ends of the series. The host draws the focused
//! item's [`Target::shape`] as the hover outline and shows its tooltip; [`announce`] is the
//! same text for a screen reader. Nothing here touches the browser.

use super::pick::{item_shape, Hit};
use super::select::legend_symbols;
use crate::scene::{Color, Item, Role, Scene};
use crate::sorting::sort_by;

/// Series split by colour only when there are at most this many colours in a mark (a
/// quantitative colour makes every item its own colour: that is one series, not hundreds).
const MAX_COLOUR_SERIES: usize = 12;

/// What a focus target is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// A mark item, drawn from `row` of mark `mark`'s data.
    Mark(Hit),
    /// Entry `.0` of the legend (in legend order).
    Legend(usize),
}

/// One place the keyboard focus can be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// The mark item or legend entry.
    pub kind: TargetKind,
    /// Which series it belongs to (0-based, in focus order; the legend is the last).
    pub series: usize,
    /// Its centre (CSS pixels, chart origin), where the tooltip points and a click would land.
    pub center: (f64, f64),
    /// Its outline for the highlight: `[0, x, y, width, height]` for a box, `[1, cx, cy,
    /// radius, 0]` for a circle.
    pub shape: [f64; 5],
}

/// A key that moves the focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Previous item of the series.
    Left,
    /// Next item of the series.
    Right,
    /// The previous series (or the item above).
    Up,
    /// The next series (or the item below).
    Down,
    /// The first item of the series.
    Home,
    /// The last item of the series.
    End,
}

impl Key {
    /// The key for a DOM `KeyboardEvent.key` name (`ArrowLeft`, `Home`, ...).
    pub fn parse(name: &str) -> Option<Key> {
        Some(match name {
            "ArrowLeft" | "Left" => Key::Left,
            "ArrowRight" | "Right" => Key::Right,
            "ArrowUp" | "Up" => Key::Up,
            "ArrowDown" | "Down" => Key::Down,
            "Home" => Key::Home,
            "End" => Key::End,
            _ => return None,
        })
    }
}

/// A mark item's focus facts: mark, row, colour, outline.
fn mark_item(item: &Item) -> Option<(Hit, Option<Color>, [f64; 5])> {
    let (role, row, colour) = match item {
        Item::Rect(r) => (r.role, r.row, Some(r.fill)),
        Item::Symbol(s) => (s.role, s.row, s.fill.or(s.stroke.map(|(c, _)| c))),
        Item::Path(p) if p.closed => (p.role, p.row, p.fill),
        _ => return None,
    };
    let (Role::Mark(mark), Some(row)) = (role, row) else {
        return None;
    };
    Some((Hit { mark, row }, colour, item_shape(item)?))
}

fn center(shape: &[f64; 5]) -> (f64, f64) {
    if shape[0] == 0.0 {
        (shape[1] + shape[3] / 2.0, shape[2] + shape[4] / 2.0)
    } else {
        (shape[1], shape[2])
    }
}

/// The left and top edges of an outline, for reading order.
fn top_left(shape: &[f64; 5]) -> (f64, f64) {
    if shape[0] == 0.0 {
        (shape[1], shape[2])
    } else {
        (shape[1] - shape[3], shape[2] - shape[3])
    }
}

/// Every focus target of `scene`, in focus order: series by series (mark by mark; within a
/// mark, by colour when a few colours each hold several items), each series in reading order
/// (by left edge, then top edge, to half a pixel), then the legend entries.
pub fn targets(scene: &Scene) -> Vec<Target> {
    let items: Vec<(Hit, Option<Color>, [f64; 5])> =
        scene.items.iter().filter_map(mark_item).collect();
    // Series keys: (mark, colour index or 0).
    let last_mark = items.iter().map(|(h, _, _)| h.mark).max().unwrap_or(0);
    let marks: Vec<u16> = (0..=last_mark)
        .filter(|m| items.iter().any(|(h, _, _)| h.mark == *m))
        .collect();
    let mut keyed: Vec<((usize, usize), Target)> = Vec::with_capacity(items.len());
    for (m, mark) in marks.iter().enumerate() {
        let mine: Vec<&(Hit, Option<Color>, [f64; 5])> =
            items.iter().filter(|(h, _, _)| h.mark == *mark).collect();
        let mut colours: Vec<(Option<Color>, usize)> = Vec::new();
        for (_, c, _) in &mine {
            match colours.iter_mut().find(|(k, _)| k == c) {
                Some((_, n)) => *n += 1,
                None => colours.push((*c, 1)),
            }
        }
        let split = colours.len() > 1
            && colours.len() <= MAX_COLOUR_SERIES
            && colours.iter().any(|(_, n)| *n > 1);
        for (hit, c, shape) in mine {
            let sub = if split {
                colours.iter().position(|(k, _)| k == c).unwrap_or(0)
            } else {
                0
            };
            keyed.push((
                (m, sub),
                Target {
                    kind: TargetKind::Mark(*hit),
                    series: 0,
                    center: center(shape),
                    shape: *shape,
                },
            ));
        }
    }
    let half = |v: f64| (v * 2.0).round();
    // Sort positions (one shared sort of `usize`), not the targets themselves.
    let mut order: Vec<usize> = (0..keyed.len()).collect();
    sort_by(&mut order, |a, b| {
        let (Some((ka, ta)), Some((kb, tb))) = (keyed.get(*a), keyed.get(*b)) else {
            return std::cmp::Ordering::Equal;
        };
        let (ax, ay) = top_left(&ta.shape);
        let (bx, by) = top_left(&tb.shape);
        ka.cmp(kb)
            .then(half(ax).total_cmp(&half(bx)))
            .then(half(ay).total_cmp(&half(by)))
    });
    let mut out: Vec<Target> = Vec::with_capacity(keyed.len() + 8);
    let mut series = 0;
    let mut last = None;
    for (key, mut t) in order.iter().filter_map(|i| keyed.get(*i).copied()) {
        if last.is_some_and(|l| l != key) {
            series += 1;
        }
        last = Some(key);
        t.series = series;
        out.push(t);
    }
    let legend_series = if out.is_empty() { 0 } else { series + 1 };
    for (i, [x, y, w, h]) in legend_symbols(scene).into_iter().enumerate() {
        out.push(Target {
            kind: TargetKind::Legend(i),
            series: legend_series,
            center: (x + w / 2.0, y + h / 2.0),
            shape: [0.0, x, y, w, h],
        });
    }
    out
}

/// The index of the target the focus moves to from `current` (an index into `targets`) on
/// `key`; with no focus yet, the first target. `None` when there are no targets. Keys that
/// lead nowhere (Left on the first item) keep the focus where it is.
///
/// ```
/// use storychart::interact::focus::{step, targets, Key};
/// use storychart::{Chart, FixedMetrics, SceneOptions};
/// let chart = Chart::from_spec(r#"{"data": {"values": [{"a": "A", "b": 3}, {"a": "B", "b": 5}]},
///     "mark": "bar", "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}"#).unwrap();
/// let scene = chart.scene(&SceneOptions::default(), &FixedMetrics).unwrap();
/// let t = targets(&scene);
/// assert_eq!(step(&t, None, Key::Right), Some(0));
/// assert_eq!(step(&t, Some(0), Key::Right), Some(1));
/// assert_eq!(step(&t, Some(1), Key::Right), Some(1));
/// ```
pub fn step(targets: &[Target], current: Option<usize>, key: Key) -> Option<usize> {
    if targets.is_empty() {
        return None;
    }
    let Some(cur) = current.and_then(|i| targets.get(i).map(|t| (i, t))) else {
        return Some(0);
    };
    let (i, t) = cur;
    let same: Vec<usize> = (0..targets.len())
        .filter(|j| targets.get(*j).is_some_and(|o| o.series == t.series))
        .collect();
    let pos = same.iter().position(|j| *j == i).unwrap_or(0);
    let last_series = targets.iter().map(|o| o.series).max().unwrap_or(0);
    let next = match key {
        Key::Left => same.get(pos.wrapping_sub(1)).copied(),
        Key::Right => same.get(pos + 1).copied(),
        Key::Home => same.first().copied(),
        Key::End => same.last().copied(),
        Key::Up | Key::Down if last_series == 0 => spatial(targets, i, key == Key::Down),
        Key::Up | Key::Down => {
            let want = if key == Key::Down {
                t.series.checked_add(1).filter(|s| *s <= last_series)
            } else {
                t.series.checked_sub(1)
            };
            want.and_then(|s| nearest_in(targets, s, t.center.0))
        }
    };
    Some(next.unwrap_or(i))
}

/// In series `series`, the target whose centre is nearest to `x` horizontally (the first
/// such in focus order).
fn nearest_in(targets: &[Target], series: usize, x: f64) -> Option<usize> {
    targets
        .iter()
        .enumerate()
        .filter(|(_, t)| t.series == series)
        .min_by(|(_, a), (_, b)| (a.center.0 - x).abs().total_cmp(&(b.center.0 - x).abs()))
        .map(|(j, _)| j)
}

/// The nearest target below (`down`) or above target `i`, preferring one straight under or
/// over it: a row of a heatmap, or the next point of a scatter plot in that direction.
fn spatial(targets: &[Target], i: usize, down: bool) -> Option<usize> {
    let (x, y) = targets.get(i)?.center;
    targets
        .iter()
        .enumerate()
        .filter(|(j, t)| {
            let dy = t.center.1 - y;
            *j != i && if down { dy > 0.5 } else { dy < -0.5 }
        })
        .map(|(j, t)| (j, 2.0 * (t.center.0 - x).abs() + (t.center.1 - y).abs()))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(j, _)| j)
}

/// The spoken form of a tooltip: `"Name: amc rebel sst, Horsepower: 150"`.
pub fn announce(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The tooltip pairs of legend entry `index`: `[(legend title or "Legend", label)]`, or
/// nothing when the scene has no such entry.
pub fn legend_pairs(scene: &Scene, index: usize) -> Vec<(String, String)> {
    let title = scene.items.iter().find_map(|i| match i {
        Item::Text(t) if t.role == Role::LegendTitle => Some(t.text.clone()),
        _ => None,
    });
    let label = scene
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Text(t) if t.role == Role::LegendLabel => Some(t.text.clone()),
            _ => None,
        })
        .nth(index);
    label
        .map(|l| vec![(title.unwrap_or_else(|| "Legend".to_string()), l)])
        .unwrap_or_default()
}

/// The target in `new` that stands for `old` after a redraw: the same kind (mark or legend)
/// whose centre is nearest, so the focus survives a filter or a resize.
pub fn relocate(new: &[Target], old: &Target) -> Option<usize> {
    let legend = matches!(old.kind, TargetKind::Legend(_));
    new.iter()
        .enumerate()
        .filter(|(_, t)| matches!(t.kind, TargetKind::Legend(_)) == legend)
        .min_by(|(_, a), (_, b)| {
            let da = (a.center.0 - old.center.0).hypot(a.center.1 - old.center.1);
            let db = (b.center.0 - old.center.0).hypot(b.center.1 - old.center.1);
            da.total_cmp(&db)
        })
        .map(|(j, _)| j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene::{Rect, Shape, Symbol, Text};
    use crate::{Chart, FixedMetrics, SceneOptions};

    fn rect(x: f64, y: f64, fill: Color, row: u32) -> Item {
        Item::Rect(Rect {
            x,
            y,
            width: 10.0,
            height: 10.0,
            fill,
            stroke: None,
            corner_radius: 0.0,
            role: Role::Mark(0),
            row: Some(row),
        })
    }

    const RED: Color = Color::rgb(255, 0, 0);
    const BLUE: Color = Color::rgb(0, 0, 255);

    fn rows(t: &[Target]) -> Vec<(usize, u32)> {
        t.iter()
            .map(|t| match t.kind {
                TargetKind::Mark(h) => (t.series, h.row),
                TargetKind::Legend(i) => (t.series, 100 + i as u32),
            })
            .collect()
    }

    #[test]
    fn series_by_colour_in_reading_order_then_the_legend() {
        let scene = Scene {
            items: vec![
                rect(40.0, 0.0, RED, 0),
                rect(0.0, 20.0, BLUE, 1),
                rect(0.0, 0.0, RED, 2),
                rect(30.0, 0.0, BLUE, 3),
                Item::Symbol(Symbol {
                    x: 200.0,
                    y: 10.0,
                    size: 25.0,
                    shape: Shape::Circle,
                    fill: Some(RED),
                    stroke: None,
                    role: Role::LegendSymbol,
                    row: None,
                }),
            ],
            ..Scene::default()
        };
        let t = targets(&scene);
        assert_eq!(rows(&t), vec![(0, 2), (0, 0), (1, 1), (1, 3), (2, 100)]);
        assert_eq!(t[0].center, (5.0, 5.0));
        // Right walks the series and stops at its end; Down goes to the next series at the
        // nearest x; Down again reaches the legend; Home/End are the series' ends.
        assert_eq!(step(&t, None, Key::Right), Some(0));
        assert_eq!(step(&t, Some(0), Key::Right), Some(1));
        assert_eq!(step(&t, Some(1), Key::Right), Some(1));
        assert_eq!(step(&t, Some(1), Key::Left), Some(0));
        assert_eq!(step(&t, Some(0), Key::Left), Some(0));
        assert_eq!(step(&t, Some(1), Key::Down), Some(3));
        assert_eq!(step(&t, Some(3), Key::Down), Some(4));
        assert_eq!(step(&t, Some(4), Key::Down), Some(4));
        assert_eq!(step(&t, Some(3), Key::Up), Some(1));
        assert_eq!(step(&t, Some(0), Key::Up), Some(0));
        assert_eq!(step(&t, Some(0), Key::End), Some(1));
        assert_eq!(step(&t, Some(3), Key::Home), Some(2));
        assert_eq!(step(&[], None, Key::Right), None);
    }

    #[test]
    fn one_colour_per_item_is_one_series_and_up_down_move_in_space() {
        // A 2x2 heatmap: four colours, one item each.
        let grey = |v: u8| Color::rgb(v, v, v);
        let scene = Scene {
            items: vec![
                rect(0.0, 0.0, grey(1), 0),
                rect(10.0, 0.0, grey(2), 1),
                rect(0.0, 10.0, grey(3), 2),
                rect(10.0, 10.0, grey(4), 3),
            ],
            ..Scene::default()
        };
        let t = targets(&scene);
        // Reading order by left edge, then top: column by column.
        assert_eq!(rows(&t), vec![(0, 0), (0, 2), (0, 1), (0, 3)]);
        assert_eq!(step(&t, Some(0), Key::Down), Some(1));
        assert_eq!(step(&t, Some(2), Key::Down), Some(3));
        assert_eq!(step(&t, Some(3), Key::Up), Some(2));
        assert_eq!(step(&t, Some(3), Key::Down), Some(3));
    }

    #[test]
    fn legend_entries_are_named_by_the_legend_title() {
        let text = |s: &str, role| {
            Item::Text(Text {
                x: 0.0,
                y: 0.0,
                text: s.into(),
                size: 10.0,
                bold: false,
                fill: Color::BLACK,
                align: crate::scene::Align::Left,
                baseline: crate::scene::Baseline::Top,
                angle: 0.0,
                role,
            })
        };
        let scene = Scene {
            items: vec![
                text("Origin", Role::LegendTitle),
                text("Europe", Role::LegendLabel),
                text("Japan", Role::LegendLabel),
            ],
            ..Scene::default()
        };
        assert_eq!(
            legend_pairs(&scene, 1),
            vec![("Origin".to_string(), "Japan".to_string())]
        );
        assert!(legend_pairs(&scene, 2).is_empty());
        let pairs = [
            ("Name".to_string(), "ford".to_string()),
            ("HP".into(), "1,500".into()),
        ];
        assert_eq!(announce(&pairs), "Name: ford, HP: 1,500");
    }

    #[test]
    fn a_grouped_bar_chart_is_walked_series_by_series_with_tooltips() {
        let chart = Chart::from_spec(
            r#"{"data": {"values": [{"a": "A", "c": "u", "b": 3}, {"a": "A", "c": "v", "b": 4},
                {"a": "B", "c": "u", "b": 5}, {"a": "B", "c": "v", "b": 6}]},
              "mark": "bar", "encoding": {"x": {"field": "a"}, "xOffset": {"field": "c"},
                "y": {"field": "b", "type": "quantitative"}, "color": {"field": "c"},
                "tooltip": [{"field": "a"}, {"field": "b", "type": "quantitative"}]}}"#,
        )
        .unwrap();
        let scene = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        let t = targets(&scene);
        assert_eq!(t.len(), 6, "{t:?}");
        let tip = |i: usize| match t[i].kind {
            TargetKind::Mark(h) => announce(&chart.tooltip(h.mark, h.row).unwrap()),
            TargetKind::Legend(i) => announce(&legend_pairs(&scene, i)),
        };
        assert_eq!(tip(0), "a: A, b: 3");
        assert_eq!(tip(1), "a: B, b: 5");
        assert_eq!(tip(step(&t, Some(1), Key::Down).unwrap()), "a: B, b: 6");
        assert_eq!(tip(4), "c: u");
        assert_eq!(tip(5), "c: v");
        // A redraw keeps the focus on the item at the same place.
        assert_eq!(relocate(&t, &t[3]), Some(3));
        assert_eq!(relocate(&t, &t[5]), Some(5));
    }
}
