//! The non-position channels of a chart: colour, size, shape and opacity scales shared by all
//! units, their legends, and each unit's per-row colours and styles.
//!
//! Stage: scales and guides. Each channel's domain is the union over the units that encode
//! it (categories in order, extents widened, bins joined); the scale then follows Vega-Lite's
//! defaults (see [`crate::layout::channels`]). Legends follow Vega-Lite: one per channel,
//! merged into one symbol legend when colour and shape (or a continuous colour and size)
//! encode the same field, a gradient for a continuous colour, blocks for a binned one.

use super::{Chart, Unit};
use crate::data::{Table, Value};
use crate::error::Result;
use crate::guide::legend::{AnyLegend, Entry, GradientLegend, Legend, SymbolStyle};
use crate::layout::channels::{channel_scale, ChannelScale, DataDomain};
use crate::layout::scales::Domain;
use crate::layout::TextMeasure;
use crate::mark::style::RowStyles;
use crate::plan::ChannelFields;
use crate::scale::time::{multi_format, time_ticks};
use crate::scale::LinearScale;
use crate::scene::Color;
use crate::spec::{FieldType, MarkKind, PositionDef};

/// Strips a gradient legend is drawn with.
const GRADIENT_STRIPS: usize = 40;

/// One resolved non-position channel.
pub(super) struct Resolved {
    /// The channel's spec name (`color`, `size`, ...).
    name: &'static str,
    /// The first unit's definition (title, type, time unit).
    def: PositionDef,
    /// The scale over every unit's data.
    pub(super) scale: ChannelScale,
    /// Whether a legend is drawn.
    legend: bool,
}

/// The non-position channels of a chart.
#[derive(Default)]
pub(super) struct Channels {
    color: Option<Resolved>,
    size: Option<Resolved>,
    shape: Option<Resolved>,
    opacity: Option<Resolved>,
}

/// The definition and planned fields of channel `name` in `unit`.
fn channel_of<'a>(unit: &'a Unit, name: &str) -> Option<(&'a PositionDef, &'a ChannelFields)> {
    if name == "color" {
        return unit.view.color.as_ref().zip(unit.plan.color.as_ref());
    }
    let def = unit
        .view
        .undrawn
        .iter()
        .find(|d| d.channel.name() == name)?;
    let fields = unit
        .plan
        .undrawn
        .iter()
        .find(|f| f.channel.name() == name)?;
    Some((def, fields))
}

/// The bin boundaries of a binned field: every bin's start and the last bin's end, with the
/// empty bins between them filled in at the bins' step.
fn bin_boundaries(table: &Table, fields: &ChannelFields) -> Result<Vec<f64>> {
    let start = table.require(&fields.spec_path, &fields.field)?;
    let end_name = format!("{}_end", fields.field);
    let end = table.column(&end_name);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut step = f64::INFINITY;
    for row in 0..table.num_rows() {
        let Some(s) = start.number(row).filter(|v| v.is_finite()) else {
            continue;
        };
        lo = lo.min(s);
        let e = end.and_then(|c| c.number(row)).filter(|v| v.is_finite());
        if let Some(e) = e {
            hi = hi.max(e);
            if e > s {
                step = step.min(e - s);
            }
        } else {
            hi = hi.max(s);
        }
    }
    if lo > hi || !step.is_finite() {
        return Ok(if lo <= hi { vec![lo, hi] } else { Vec::new() });
    }
    let mut out = Vec::new();
    let mut k = 0.0;
    loop {
        let b = lo + k * step;
        if b > hi + step * 1e-9 || out.len() > 10_000 {
            break;
        }
        out.push(b);
        k += 1.0;
    }
    Ok(out)
}

fn union(a: DataDomain, b: DataDomain) -> DataDomain {
    match (a, b) {
        (DataDomain::Discrete(mut x), DataDomain::Discrete(y)) => {
            for v in y {
                if !x.contains(&v) {
                    x.push(v);
                }
            }
            DataDomain::Discrete(x)
        }
        (DataDomain::Extent(x), DataDomain::Extent(y)) => {
            DataDomain::Extent([x[0].min(y[0]), x[1].max(y[1])])
        }
        (DataDomain::Bins(mut x), DataDomain::Bins(y)) => {
            x.extend(y);
            crate::sorting::sort_by(&mut x, f64::total_cmp);
            x.dedup();
            DataDomain::Bins(x)
        }
        (a, _) => a,
    }
}

impl Chart {
    /// Resolves every non-position channel over all units.
    pub(super) fn channels(&self) -> Result<Channels> {
        Ok(Channels {
            color: self.resolve_channel("color")?,
            size: self.resolve_channel("size")?,
            shape: self.resolve_channel("shape")?,
            opacity: self.resolve_channel("opacity")?,
        })
    }

    fn resolve_channel(&self, name: &'static str) -> Result<Option<Resolved>> {
        let mut first: Option<(&PositionDef, bool, MarkKind)> = None;
        let mut domain: Option<DataDomain> = None;
        for unit in &self.units {
            let Some((def, fields)) = channel_of(unit, name) else {
                continue;
            };
            let table = unit.table()?;
            let binned_colour = name == "color" && def.bin.is_some() && def.scale.kind.is_none();
            let d = if binned_colour {
                DataDomain::Bins(bin_boundaries(table, fields)?)
            } else {
                match Domain::from_data(def, fields, table, None)? {
                    Domain::Discrete(v) => DataDomain::Discrete(v),
                    Domain::Continuous(e) | Domain::Temporal(e) => DataDomain::Extent(e),
                }
            };
            domain = Some(match domain {
                None => d,
                Some(prev) => union(prev, d),
            });
            if first.is_none() {
                let legend = if name == "color" {
                    unit.view.color_legend
                } else {
                    true
                };
                first = Some((def, legend, unit.view.mark));
            }
        }
        let (Some((def, legend, mark)), Some(domain)) = (first, domain) else {
            return Ok(None);
        };
        let scale = channel_scale(name, def, domain, mark)?;
        Ok(Some(Resolved {
            name,
            def: def.clone(),
            scale,
            legend,
        }))
    }
}

/// The value a row shows on a channel: its field, or the middle of a binned range.
fn row_values(table: &Table, fields: &ChannelFields) -> Result<Vec<Value>> {
    let column = table.require(&fields.spec_path, &fields.field)?;
    let second = match &fields.field2 {
        Some(f) => Some(table.require(&fields.spec_path, f)?),
        None => None,
    };
    Ok((0..table.num_rows())
        .map(|row| {
            let v = column.value(row);
            match (second, v.as_f64()) {
                (Some(c2), Some(a)) => match c2.number(row) {
                    Some(b) => Value::Number(0.5 * a + 0.5 * b),
                    None => v,
                },
                _ => v,
            }
        })
        .collect())
}

impl Channels {
    /// The colour field and its categories in legend order, when colour is a discrete
    /// (ordinal) scale over a field: what a legend click selects.
    pub(super) fn color_categories(&self) -> Option<(String, Vec<Value>)> {
        let r = self.color.as_ref()?;
        let field = r.def.field.clone()?;
        match &r.scale.mapping {
            crate::layout::channels::Mapping::Ordinal(domain) => Some((field, domain.clone())),
            _ => None,
        }
    }

    /// Each row's fill in `unit`'s table (`None` without a colour or opacity channel):
    /// the colour scale's colour (or `base`), with the mark's and the row's opacity.
    pub(super) fn fills(
        &self,
        unit: &Unit,
        table: &Table,
        base: Color,
        styles: &RowStyles,
    ) -> Result<Option<Vec<Color>>> {
        let colour = match (&self.color, channel_of(unit, "color")) {
            (Some(r), Some((_, fields))) => {
                let column = table.require(&fields.spec_path, &fields.field)?;
                Some(r.scale.rows(column, |s, v| s.color(v)))
            }
            _ => None,
        };
        if colour.is_none() && styles.opacities.is_none() {
            return Ok(None);
        }
        let opacity = unit.view.mark_props.opacity;
        Ok(Some(
            (0..table.num_rows())
                .map(|row| {
                    let c = colour
                        .as_ref()
                        .and_then(|c| c.get(row).copied().flatten())
                        .unwrap_or(Color { a: 1.0, ..base });
                    let row_opacity = styles.opacity(row).unwrap_or(1.0).clamp(0.0, 1.0);
                    Color {
                        a: c.a * opacity * row_opacity,
                        ..c
                    }
                })
                .collect(),
        ))
    }

    /// Sizes, shapes and opacities of the rows of `unit`'s table.
    pub(super) fn styles(&self, unit: &Unit, table: &Table) -> Result<RowStyles> {
        let numbers = |r: &Option<Resolved>, name: &str| -> Result<Option<Vec<Option<f64>>>> {
            let (Some(r), Some((_, fields))) = (r, channel_of(unit, name)) else {
                return Ok(None);
            };
            let values = row_values(table, fields)?;
            Ok(Some(values.iter().map(|v| r.scale.number(v)).collect()))
        };
        let shapes = match (&self.shape, channel_of(unit, "shape")) {
            (Some(r), Some((_, fields))) => {
                let column = table.require(&fields.spec_path, &fields.field)?;
                Some(r.scale.rows(column, |s, v| s.shape(v).map(String::from)))
            }
            _ => None,
        };
        Ok(RowStyles {
            sizes: numbers(&self.size, "size")?,
            shapes,
            opacities: numbers(&self.opacity, "opacity")?,
        })
    }

    /// The legends, top to bottom, for a plot `height` high whose marks are `mark`: one per
    /// field, merging the channels that encode it (as Vega-Lite merges legends).
    pub(super) fn legends(
        &self,
        mark: MarkKind,
        base: Color,
        height: f64,
        measure: &dyn TextMeasure,
    ) -> Vec<AnyLegend> {
        let shown: Vec<&Resolved> = [&self.color, &self.size, &self.shape, &self.opacity]
            .into_iter()
            .filter_map(|r| r.as_ref().filter(|r| r.legend))
            .collect();
        let mut groups: Vec<Vec<&Resolved>> = Vec::new();
        for r in shown {
            let same = groups.iter_mut().find(|g| {
                g.first()
                    .is_some_and(|f| f.def.field.is_some() && f.def.field == r.def.field)
            });
            match same {
                Some(g) => g.push(r),
                None => groups.push(vec![r]),
            }
        }
        let style = match mark {
            MarkKind::Bar | MarkKind::Rect | MarkKind::Area => SymbolStyle::Square,
            MarkKind::Line | MarkKind::Rule => SymbolStyle::Stroke,
            MarkKind::Point => SymbolStyle::Outlined,
            _ => SymbolStyle::Filled,
        };
        let default_shape = if mark == MarkKind::Square {
            "square"
        } else {
            "circle"
        };
        groups
            .into_iter()
            .filter_map(|g| {
                let find = |name: &str| g.iter().copied().find(|r| r.name == name);
                let (color, size, shape, opacity) =
                    (find("color"), find("size"), find("shape"), find("opacity"));
                // Vega-Lite draws symbols for colours by quarter, month or day.
                let by_part = color.is_some_and(|c| {
                    c.def
                        .time_unit
                        .as_ref()
                        .is_some_and(|u| matches!(u.name.as_str(), "quarter" | "month" | "day"))
                });
                if let (Some(c), 1, false) = (color, g.len(), by_part) {
                    if c.scale.is_continuous() {
                        return Some(AnyLegend::Gradient(gradient_legend(c, height, measure)));
                    }
                    if matches!(
                        c.scale.mapping,
                        crate::layout::channels::Mapping::Cuts { bins: true, .. }
                    ) {
                        return Some(AnyLegend::Gradient(bin_legend(c, height, measure)));
                    }
                }
                let primary = size.or(shape).or(color).or(opacity)?;
                // The merged legend's title: the first channel's (colour before size).
                let title = &g.first()?.def.axis.title;
                let parts = Parts {
                    color,
                    size,
                    shape,
                    opacity,
                };
                Some(AnyLegend::Symbol(symbol_legend(
                    primary,
                    title,
                    &parts,
                    style,
                    default_shape,
                    base,
                    measure,
                )))
            })
            .collect()
    }
}

/// The channels one legend shows.
struct Parts<'a> {
    color: Option<&'a Resolved>,
    size: Option<&'a Resolved>,
    shape: Option<&'a Resolved>,
    opacity: Option<&'a Resolved>,
}

/// The values a legend lists for `r`: its categories, or about 5 ticks of its domain.
fn legend_values(r: &Resolved) -> Vec<(Value, String)> {
    match &r.scale.mapping {
        crate::layout::channels::Mapping::Ordinal(domain) => {
            domain.iter().map(|v| (v.clone(), label(r, v))).collect()
        }
        crate::layout::channels::Mapping::Cuts { cuts, bins: false } => {
            // One entry per range: its lower cut (or the first) labelled as a range.
            let mut out = Vec::new();
            let n = cuts.len();
            for i in 0..=n {
                let lo = if i == 0 {
                    None
                } else {
                    cuts.get(i - 1).copied()
                };
                let hi = cuts.get(i).copied();
                let v = match (lo, hi) {
                    (Some(l), _) => l,
                    (None, Some(h)) => h - 1e-9 * h.abs().max(1.0),
                    (None, None) => continue,
                };
                let text = match (lo, hi) {
                    (None, Some(h)) => format!("< {}", number_label(r, h)),
                    (Some(l), Some(h)) => {
                        format!("{} \u{2013} {}", number_label(r, l), number_label(r, h))
                    }
                    (Some(l), None) => format!("\u{2265} {}", number_label(r, l)),
                    (None, None) => String::new(),
                };
                out.push((Value::Number(v), text));
            }
            out
        }
        _ => {
            let Some([lo, hi]) = r.scale.continuous_domain().or(match &r.scale.mapping {
                crate::layout::channels::Mapping::Cuts { cuts, .. } => {
                    Some([*cuts.first().unwrap_or(&0.0), *cuts.last().unwrap_or(&0.0)])
                }
                _ => None,
            }) else {
                return Vec::new();
            };
            if r.def.ty == FieldType::Temporal {
                return time_ticks(lo, hi, 5.0)
                    .into_iter()
                    .map(|t| (Value::Number(t), label(r, &Value::Number(t))))
                    .collect();
            }
            let linear = LinearScale::new([lo, hi], [0.0, 1.0]);
            linear
                .tick_labels(5.0, None)
                .into_iter()
                .map(|(t, l)| (Value::Number(t), l))
                .collect()
        }
    }
}

fn number_label(r: &Resolved, v: f64) -> String {
    label(r, &Value::Number(v))
}

/// A legend label: dates by their time unit's format, other values as text.
fn label(r: &Resolved, v: &Value) -> String {
    match (&r.def.time_unit, v.as_f64(), r.def.ty) {
        (Some(u), Some(t), _) => crate::expr::time_format::format_time(&u.unit.label_format(), t),
        (None, Some(t), FieldType::Temporal) => {
            crate::expr::time_format::format_time(multi_format(t), t)
        }
        _ => v.to_label(),
    }
}

/// A symbol legend listing `r`'s values, each with the colour, size, shape and opacity the
/// legend's channels give it (the mark's own where a channel is absent).
fn symbol_legend(
    r: &Resolved,
    title: &[String],
    parts: &Parts<'_>,
    style: SymbolStyle,
    default_shape: &str,
    base: Color,
    measure: &dyn TextMeasure,
) -> Legend {
    let entries = legend_values(r)
        .into_iter()
        .map(|(v, text)| {
            let size = parts.size.and_then(|s| s.scale.number(&v)).unwrap_or(100.0);
            let mut c = parts.color.and_then(|c| c.scale.color(&v)).unwrap_or(base);
            if let Some(o) = parts.opacity.and_then(|o| o.scale.number(&v)) {
                c.a *= o.clamp(0.0, 1.0);
            }
            let shape = parts
                .shape
                .and_then(|s| s.scale.shape(&v))
                .unwrap_or(default_shape)
                .to_string();
            Entry {
                label: text,
                color: c,
                shape,
                size,
            }
        })
        .collect();
    // Shapes and sizes need real symbols, not squares.
    let style = match style {
        SymbolStyle::Square | SymbolStyle::Stroke
            if parts.shape.is_some() || parts.size.is_some() =>
        {
            SymbolStyle::Filled
        }
        s => s,
    };
    Legend::symbols(title, entries, style, measure)
}

/// A vertical gradient for a continuous colour scale, `clamp(height, 64, 200)` long.
fn gradient_legend(r: &Resolved, height: f64, measure: &dyn TextMeasure) -> GradientLegend {
    let length = height.clamp(64.0, 200.0);
    let [lo, hi] = r.scale.continuous_domain().unwrap_or([0.0, 1.0]);
    #[allow(clippy::cast_precision_loss)]
    let blocks = (0..GRADIENT_STRIPS)
        .map(|i| {
            let t = (i as f64 + 0.5) / GRADIENT_STRIPS as f64;
            r.scale
                .color(&Value::Number(lo + t * (hi - lo)))
                .unwrap_or(Color::BLACK)
        })
        .collect();
    let span = hi - lo;
    let fraction = |v: f64| if span == 0.0 { 0.5 } else { (v - lo) / span };
    // Vega's default label count of a gradient: max(2, 2 * floor(length / 100)).
    let count = (2.0 * (length / 100.0).floor()).max(2.0);
    let labels = if r.def.ty == FieldType::Temporal {
        time_ticks(lo, hi, count)
            .into_iter()
            .map(|t| (fraction(t), label(r, &Value::Number(t))))
            .collect()
    } else {
        LinearScale::new([lo, hi], [0.0, 1.0])
            .tick_labels(count, None)
            .into_iter()
            .map(|(t, l)| (fraction(t), l))
            .collect()
    };
    GradientLegend::new(&r.def.axis.title, blocks, labels, length, measure)
}

/// Blocks for a binned colour scale: one per bin, labelled at the bin boundaries.
fn bin_legend(r: &Resolved, height: f64, measure: &dyn TextMeasure) -> GradientLegend {
    let crate::layout::channels::Mapping::Cuts { cuts, .. } = &r.scale.mapping else {
        return GradientLegend::new(&r.def.axis.title, Vec::new(), Vec::new(), 0.0, measure);
    };
    let length = height.clamp(64.0, 200.0);
    let blocks = cuts
        .iter()
        .take(cuts.len().saturating_sub(1))
        .map(|b| r.scale.color(&Value::Number(*b)).unwrap_or(Color::BLACK))
        .collect();
    let n = cuts.len().saturating_sub(1).max(1);
    #[allow(clippy::cast_precision_loss)]
    let labels = cuts
        .iter()
        .enumerate()
        .map(|(i, b)| (i as f64 / n as f64, Value::Number(*b).to_label()))
        .collect();
    GradientLegend::new(&r.def.axis.title, blocks, labels, length, measure)
}
