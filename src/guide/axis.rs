//! An axis: domain line, ticks, labels, title and (behind the marks) grid lines.
//!
//! Stage: guides. Positions are relative to the plot's top-left corner; [`Axis::extent`] is
//! the thickness outside the plot, measured with the [`TextMeasure`] given. A linear axis
//! places `ceil(length / 40)` ticks (Vega-Lite's default tick count) with d3's tick algorithm
//! and formats them with d3's `tickFormat`; a band axis labels every band at its centre.

use crate::expr::time_format::format_time_locale;
use crate::layout::{PositionScale, TextMeasure};
use crate::scale::time::{multi_format, time_ticks};
use crate::scale::LocaleName;
use crate::scene::{Align, Baseline, Color, Item, Role, Rule, Text};
use crate::spec::AxisSpec;

/// Tick length.
pub const TICK_SIZE: f64 = 5.0;
/// Gap between tick and label.
pub const LABEL_PADDING: f64 = 2.0;
/// Gap between labels and title.
pub const TITLE_PADDING: f64 = 4.0;
/// Label font size.
pub const LABEL_SIZE: f64 = 10.0;
/// Title font size.
pub const TITLE_SIZE: f64 = 11.0;
/// Longest label, in pixels, before it is truncated with an ellipsis (Vega's `labelLimit`).
pub const LABEL_LIMIT: f64 = 180.0;

const DOMAIN_COLOR: Color = Color::rgb(0x88, 0x88, 0x88);
const GRID_COLOR: Color = Color::rgb(0xdd, 0xdd, 0xdd);

/// Which side of the plot the axis is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orient {
    /// Below the plot (x).
    Bottom,
    /// Left of the plot (y).
    Left,
}

/// A measured axis, ready to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    orient: Orient,
    /// Tick positions along the axis (pixels from the plot edge) with their labels.
    ticks: Vec<(f64, String)>,
    /// Whether each label is drawn (overlapping labels are thinned out).
    shown: Vec<bool>,
    /// The measured width of each label.
    widths: Vec<f64>,
    grid: bool,
    label_angle: f64,
    label_extent: f64,
    title: Vec<String>,
    spec: AxisSpec,
    /// The plot's extent across the axis (height for bottom axes, width for left axes).
    cross: f64,
    /// The axis length.
    length: f64,
}

impl Axis {
    /// Builds and measures an axis for `scale`, whose range spans `length` pixels; labels are
    /// formatted in `locale`.
    pub fn new(
        spec: &AxisSpec,
        orient: Orient,
        scale: &PositionScale,
        length: f64,
        measure: &dyn TextMeasure,
        locale: LocaleName,
    ) -> Axis {
        let (ticks, discrete) = tick_labels(spec, scale, length, locale);
        let ticks: Vec<(f64, String)> = ticks
            .into_iter()
            .map(|(p, t)| (p, truncate(&t, measure)))
            .collect();
        let label_angle = spec.label_angle.unwrap_or(match orient {
            Orient::Bottom if discrete => -90.0,
            _ => 0.0,
        });
        let widths: Vec<f64> = ticks
            .iter()
            .map(|(_, t)| measure.width(t, LABEL_SIZE, false))
            .collect();
        let widest = widths.iter().copied().fold(0.0, f64::max);
        let rotated = label_angle.rem_euclid(180.0) != 0.0;
        let label_extent = match (orient, rotated) {
            (Orient::Bottom, false) | (Orient::Left, true) => LABEL_SIZE,
            (Orient::Bottom, true) | (Orient::Left, false) => widest,
        };
        // Vega-Lite's default `labelOverlap` on continuous axes: the "parity" strategy.
        let shown = if discrete || rotated {
            vec![true; ticks.len()]
        } else {
            let halves: Vec<f64> = match orient {
                Orient::Bottom => widths.iter().map(|w| w / 2.0).collect(),
                Orient::Left => vec![LABEL_SIZE / 2.0; ticks.len()],
            };
            let positions: Vec<f64> = ticks.iter().map(|(p, _)| *p).collect();
            parity(&positions, &halves)
        };
        Axis {
            orient,
            ticks,
            shown,
            widths,
            grid: spec.grid.unwrap_or(!discrete),
            label_angle,
            label_extent: if spec.labels { label_extent } else { 0.0 },
            // An x title longer than its axis is cut with an ellipsis, so a narrow chart (a
            // phone column) never draws it past the chart's edges.
            title: match orient {
                Orient::Bottom => spec
                    .title
                    .iter()
                    .map(|t| fit(t, length.max(TITLE_SIZE * 3.0), TITLE_SIZE, true, measure))
                    .collect(),
                Orient::Left => spec.title.clone(),
            },
            spec: spec.clone(),
            cross: 0.0,
            length,
        }
    }

    /// Sets the plot's extent across the axis, for grid lines.
    pub fn with_cross(mut self, cross: f64) -> Axis {
        self.cross = cross;
        self
    }

    fn title_offset(&self) -> f64 {
        let ticks = if self.spec.ticks { TICK_SIZE } else { 0.0 };
        let labels = if self.spec.labels {
            LABEL_PADDING + self.label_extent
        } else {
            0.0
        };
        ticks + labels + TITLE_PADDING
    }

    /// The thickness of the axis outside the plot.
    pub fn extent(&self) -> f64 {
        if !self.spec.visible {
            return 0.0;
        }
        let title = if self.title.is_empty() {
            0.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let lines = self.title.len() as f64;
            self.title_offset() + TITLE_SIZE * lines
        };
        let ticks = if self.spec.ticks { TICK_SIZE } else { 0.0 };
        title.max(ticks + LABEL_PADDING + self.label_extent)
    }

    /// How far labels reach past the end of a bottom axis (the last label centred on the
    /// last tick), so layout can keep them inside the chart.
    pub fn overhang_end(&self) -> f64 {
        let rotated = self.label_angle.rem_euclid(180.0) != 0.0;
        if !self.spec.visible || !self.spec.labels || rotated || self.orient != Orient::Bottom {
            return 0.0;
        }
        self.ticks
            .iter()
            .zip(&self.widths)
            .map(|((p, _), w)| p + w / 2.0 - self.length)
            .fold(0.0, f64::max)
    }

    /// Grid lines, to paint behind the marks. Relative to the plot's top-left corner.
    pub fn grid_items(&self) -> Vec<Item> {
        if !self.spec.visible || !self.grid {
            return Vec::new();
        }
        self.ticks
            .iter()
            .map(|(p, _)| {
                let p = crisp(*p);
                let (x1, y1, x2, y2) = match self.orient {
                    Orient::Bottom => (p, 0.0, p, self.cross),
                    Orient::Left => (0.0, p, self.cross, p),
                };
                Item::Rule(rule(x1, y1, x2, y2, GRID_COLOR, Role::Grid))
            })
            .collect()
    }

    /// Domain line, ticks, labels and title. Relative to the plot's top-left corner.
    pub fn items(&self) -> Vec<Item> {
        let mut out = Vec::new();
        if !self.spec.visible {
            return out;
        }
        let (b, l) = (self.orient == Orient::Bottom, self.orient == Orient::Left);
        let edge = if b { self.cross } else { 0.0 };
        let sign = if l { -1.0 } else { 1.0 };
        if self.spec.domain {
            let e = if b { crisp(edge) } else { -0.5 };
            let (x1, y1, x2, y2) = if b {
                (0.0, e, self.length, e)
            } else {
                (e, 0.0, e, self.length)
            };
            out.push(Item::Rule(rule(x1, y1, x2, y2, DOMAIN_COLOR, Role::Domain)));
        }
        for (i, (p, label)) in self.ticks.iter().enumerate() {
            let p = crisp(*p);
            if self.spec.ticks {
                let (x1, y1, x2, y2) = if b {
                    (p, edge, p, edge + TICK_SIZE)
                } else {
                    (0.0, p, -TICK_SIZE, p)
                };
                out.push(Item::Rule(rule(x1, y1, x2, y2, DOMAIN_COLOR, Role::Tick)));
            }
            let shown = self.shown.get(i).copied().unwrap_or(true);
            if self.spec.labels && shown {
                let off = sign * ((if self.spec.ticks { TICK_SIZE } else { 0.0 }) + LABEL_PADDING);
                out.push(Item::Text(self.label(p, edge + off, label)));
            }
        }
        self.push_title(&mut out, edge, sign);
        out
    }

    fn label(&self, p: f64, off: f64, label: &str) -> Text {
        let rotated = self.label_angle.rem_euclid(180.0) != 0.0;
        let (x, y) = match self.orient {
            Orient::Bottom => (p, off),
            Orient::Left => (off, p),
        };
        let (align, baseline) = match (self.orient, rotated) {
            (Orient::Bottom, false) => (Align::Center, Baseline::Top),
            (Orient::Bottom, true) => (Align::Right, Baseline::Middle),
            (Orient::Left, false) => (Align::Right, Baseline::Middle),
            (Orient::Left, true) => (Align::Center, Baseline::Bottom),
        };
        Text {
            x,
            y,
            text: label.to_string(),
            size: LABEL_SIZE,
            bold: false,
            fill: Color::BLACK,
            align,
            baseline,
            angle: self.label_angle,
            role: Role::Label,
        }
    }

    fn push_title(&self, out: &mut Vec<Item>, edge: f64, sign: f64) {
        let offset = edge + sign * self.title_offset();
        for (i, line) in self.title.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let shift = sign * TITLE_SIZE * i as f64;
            let (x, y, angle, baseline) = match self.orient {
                Orient::Bottom => (self.length / 2.0, offset + shift, 0.0, Baseline::Top),
                Orient::Left => (offset + shift, self.length / 2.0, -90.0, Baseline::Bottom),
            };
            out.push(Item::Text(Text {
                x,
                y,
                text: line.clone(),
                size: TITLE_SIZE,
                bold: true,
                fill: Color::BLACK,
                align: Align::Center,
                baseline,
                angle,
                role: Role::AxisTitle,
            }));
        }
    }
}

/// Gap kept between neighbouring labels, in pixels.
const LABEL_SEPARATION: f64 = 2.0;

/// Vega's "parity" overlap strategy: while two shown labels overlap, hide every other one.
/// `positions` are label centres along the axis, `halves` their half-extents along it.
fn parity(positions: &[f64], halves: &[f64]) -> Vec<bool> {
    let mut shown = vec![true; positions.len()];
    loop {
        let visible: Vec<usize> = (0..shown.len())
            .filter(|i| shown.get(*i) == Some(&true))
            .collect();
        let overlaps = visible.windows(2).any(|w| {
            let (Some(a), Some(b)) = (w.first(), w.get(1)) else {
                return false;
            };
            let gap = (positions.get(*b).unwrap_or(&0.0) - positions.get(*a).unwrap_or(&0.0)).abs();
            gap < halves.get(*a).unwrap_or(&0.0) + halves.get(*b).unwrap_or(&0.0) + LABEL_SEPARATION
        });
        if !overlaps || visible.len() <= 2 {
            return shown;
        }
        for (k, i) in visible.iter().enumerate() {
            if k % 2 == 1 {
                if let Some(s) = shown.get_mut(*i) {
                    *s = false;
                }
            }
        }
    }
}

/// Tick positions and label texts; `true` when the scale is discrete.
fn tick_labels(
    spec: &AxisSpec,
    scale: &PositionScale,
    length: f64,
    locale: LocaleName,
) -> (Vec<(f64, String)>, bool) {
    match scale {
        PositionScale::Band { scale, domain } => {
            let ticks = domain
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let start = scale.position(i)?;
                    let label = match (&spec.time_format, v.as_f64()) {
                        (Some(f), Some(t)) => format_time_locale(f, t, locale.time()),
                        _ => v.to_label(),
                    };
                    Some((start + scale.bandwidth() / 2.0, label))
                })
                .collect();
            (ticks, true)
        }
        PositionScale::Time(time) => {
            let count = spec.tick_count.unwrap_or((length / 40.0).ceil()).max(0.0);
            let [d0, d1] = time.domain();
            let ticks = time_ticks(d0, d1, count)
                .into_iter()
                .map(|t| {
                    let specifier = spec.format.as_deref().unwrap_or_else(|| multi_format(t));
                    (time.map(t), format_time_locale(specifier, t, locale.time()))
                })
                .collect();
            (ticks, false)
        }
        PositionScale::Linear(linear) => {
            let count = spec.tick_count.unwrap_or((length / 40.0).ceil()).max(0.0);
            // normalize() has checked the specifier, so it parses here.
            let format = linear.tick_format_locale(count, spec.format.as_deref(), &locale.number());
            let ticks = linear
                .ticks(count)
                .into_iter()
                .map(|v| (linear.map(v), format.format(v)))
                .collect();
            (ticks, false)
        }
    }
}

/// Shortens a label past [`LABEL_LIMIT`] with an ellipsis, as Vega's `labelLimit` does.
fn truncate(text: &str, measure: &dyn TextMeasure) -> String {
    fit(text, LABEL_LIMIT, LABEL_SIZE, false, measure)
}

/// Shortens `text` with an ellipsis so that it is at most `limit` pixels wide.
fn fit(text: &str, limit: f64, size: f64, bold: bool, measure: &dyn TextMeasure) -> String {
    if measure.width(text, size, bold) <= limit {
        return text.to_string();
    }
    let ellipsis = measure.width("…", size, bold);
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if measure.width(&out, size, bold) + ellipsis > limit {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// Moves a 1px line onto the pixel grid so it is drawn sharp.
fn crisp(p: f64) -> f64 {
    p.round() + 0.5
}

fn rule(x1: f64, y1: f64, x2: f64, y2: f64, stroke: Color, role: Role) -> Rule {
    Rule {
        x1,
        y1,
        x2,
        y2,
        stroke,
        width: 1.0,
        role,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::FixedMetrics;

    #[test]
    fn parity_hides_every_other_label_until_none_overlap() {
        // 10px apart, 8px wide labels: no overlap.
        assert_eq!(parity(&[0.0, 10.0, 20.0], &[4.0, 4.0, 4.0]), vec![true; 3]);
        // 10px apart, 16px wide: every other label goes.
        assert_eq!(
            parity(&[0.0, 10.0, 20.0, 30.0, 40.0], &[8.0; 5]),
            vec![true, false, true, false, true]
        );
        // Very wide labels thin out further, but never below two.
        let kept = parity(&[0.0, 10.0, 20.0, 30.0, 40.0], &[30.0; 5]);
        assert_eq!(kept.iter().filter(|k| **k).count(), 2);
        assert!(parity(&[], &[]).is_empty());
    }

    #[test]
    fn an_x_title_longer_than_its_axis_is_cut_with_an_ellipsis() {
        let spec = AxisSpec {
            visible: true,
            title: vec!["Share of those recruited on social media (%)".to_string()],
            label_angle: None,
            format: None,
            grid: None,
            tick_count: None,
            labels: true,
            ticks: true,
            domain: true,
            time_format: None,
        };
        let scale =
            PositionScale::Linear(crate::scale::LinearScale::new([0.0, 70.0], [0.0, 120.0]));
        let axis = Axis::new(
            &spec,
            Orient::Bottom,
            &scale,
            120.0,
            &FixedMetrics,
            LocaleName::EnUs,
        );
        let title = &axis.title[0];
        assert!(title.ends_with('…'), "{title}");
        assert!(FixedMetrics.width(title, TITLE_SIZE, true) <= 120.0);
        let wide = Axis::new(
            &spec,
            Orient::Bottom,
            &scale,
            600.0,
            &FixedMetrics,
            LocaleName::EnUs,
        );
        assert_eq!(wide.title, spec.title);
    }
}
