//! Scales of the non-position channels: colour (`color`, `fill`, `stroke`), `size`,
//! `opacity`, `fillOpacity`, `strokeWidth` and `shape`, with Vega-Lite's defaults.
//!
//! Stage: scales. Vega-Lite's default scale per channel and field type: nominal and ordinal
//! fields get an ordinal scale (the `category` palette `tableau10`, or the `blues` scheme
//! sampled for ordinal colours); quantitative and temporal colours a sequential `blues` ramp
//! (`yellowgreenblue` on rects, `blueorange` reversed around a `domainMid`); binned colours one
//! `blues` sample per bin (`bin-ordinal`); `quantize` and `threshold` cut their domain. Sizes
//! run from Vega-Lite's `minSize` to a size that fits a 20px step, opacities over
//! `[0.3, 0.8]`, stroke widths over `[1, 4]`, shapes through Vega's symbol list.

use crate::data::kernels::positions_in;
use crate::data::{Column, Value};
use crate::error::{Error, Result};
use crate::scale::color::{self, Interpolator, Scheme};
use crate::scale::transform::Transform;
use crate::scale::LinearScale;
use crate::scene::Color;
use crate::spec::scale::{DomainSpec, RangeSpec, ScaleKind, ScaleSpec};
use crate::spec::{FieldType, MarkKind, PositionDef};

/// Vega's default symbol shapes (`config.range.symbol`).
pub const SHAPES: [&str; 8] = [
    "circle",
    "square",
    "triangle-up",
    "cross",
    "diamond",
    "triangle-right",
    "triangle-down",
    "triangle-left",
];

/// Vega-Lite's default stroke dashes.
pub const DASHES: [&[f64]; 5] = [
    &[1.0, 0.0],
    &[4.0, 2.0],
    &[2.0, 1.0],
    &[1.0, 1.0],
    &[1.0, 2.0, 4.0, 2.0],
];

/// How data values become a place in the output range.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapping {
    /// A discrete domain: a value's index (unknown values go after the domain).
    Ordinal(Vec<Value>),
    /// A continuous domain mapped to a fraction 0..1 (through a log/pow/symlog transform).
    Continuous(LinearScale),
    /// A diverging domain `[min, mid, max]` mapped to 0..0.5..1.
    Diverging([f64; 3]),
    /// Cut points: a value's index is how many cuts are at or below it (threshold,
    /// quantize), less one for bin boundaries (`bin-ordinal`).
    Cuts {
        /// The cut points, ascending.
        cuts: Vec<f64>,
        /// Whether the cuts are bin boundaries (the first is the first bin's start).
        bins: bool,
    },
}

/// What a scale outputs.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Colours, one per index (cycling).
    Colors(Vec<Color>),
    /// A colour ramp over fractions.
    Ramp(Interpolator),
    /// Numbers: one per index, or the ends `[min, max]` of a continuous range.
    Numbers(Vec<f64>),
    /// Shape names, one per index (cycling).
    Shapes(Vec<String>),
}

/// A resolved non-position scale.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelScale {
    /// Values to places.
    pub mapping: Mapping,
    /// Places to outputs.
    pub output: Output,
}

/// Where a value lands: an index into a discrete range or a fraction along a continuous one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Place {
    /// The n-th output.
    Index(usize),
    /// A fraction 0..1 (values outside the domain extrapolate).
    Fraction(f64),
}

impl ChannelScale {
    /// Where `v` lands (`None` for values the scale cannot place, like text on a ramp).
    pub fn place(&self, v: &Value) -> Option<Place> {
        match &self.mapping {
            Mapping::Ordinal(domain) => {
                let i = domain.iter().position(|d| d == v).unwrap_or(domain.len());
                // A point scale over a numeric range (ordinal sizes, opacities).
                if let Output::Numbers(n) = &self.output {
                    if n.len() == 2 && domain.len() != 2 {
                        #[allow(clippy::cast_precision_loss)]
                        let t = if domain.len() <= 1 {
                            0.5
                        } else {
                            i as f64 / (domain.len() - 1) as f64
                        };
                        return Some(Place::Fraction(t));
                    }
                }
                Some(Place::Index(i))
            }
            Mapping::Continuous(s) => {
                let x = v.as_f64().filter(|x| x.is_finite())?;
                Some(Place::Fraction(s.map(x)))
            }
            Mapping::Diverging([lo, mid, hi]) => {
                let x = v.as_f64().filter(|x| x.is_finite())?;
                let s = if mid < lo { -1.0 } else { 1.0 };
                let k10 = if lo == mid { 0.0 } else { 0.5 / (mid - lo) };
                let k21 = if mid == hi { 0.0 } else { 0.5 / (hi - mid) };
                let k = if s * x < s * mid { k10 } else { k21 };
                Some(Place::Fraction(0.5 + (x - mid) * k))
            }
            Mapping::Cuts { cuts, bins } => {
                let x = v.as_f64().filter(|x| x.is_finite())?;
                let i = cuts.partition_point(|c| *c <= x);
                if *bins {
                    Some(Place::Index(i.checked_sub(1)?))
                } else {
                    Some(Place::Index(i))
                }
            }
        }
    }

    /// The colour of `v`.
    pub fn color(&self, v: &Value) -> Option<Color> {
        match (self.place(v)?, &self.output) {
            (Place::Index(i), Output::Colors(c)) => Some(color::ordinal(c, i)),
            (Place::Fraction(t), Output::Ramp(r)) => Some(r.at(t)),
            _ => None,
        }
    }

    /// The number (size, opacity, width) of `v`.
    pub fn number(&self, v: &Value) -> Option<f64> {
        let Output::Numbers(n) = &self.output else {
            return None;
        };
        match self.place(v)? {
            Place::Index(i) => n.get(i % n.len().max(1)).copied(),
            Place::Fraction(t) => {
                let (a, b) = (*n.first()?, *n.last()?);
                Some(a * (1.0 - t) + b * t)
            }
        }
    }

    /// The shape name of `v`.
    pub fn shape(&self, v: &Value) -> Option<&str> {
        let Output::Shapes(s) = &self.output else {
            return None;
        };
        match self.place(v)? {
            Place::Index(i) => s.get(i % s.len().max(1)).map(String::as_str),
            Place::Fraction(_) => None,
        }
    }

    /// Whether the scale is continuous (a gradient legend for colours).
    pub fn is_continuous(&self) -> bool {
        matches!(self.mapping, Mapping::Continuous(_) | Mapping::Diverging(_))
    }

    /// The continuous domain, if any (`[min, max]`).
    pub fn continuous_domain(&self) -> Option<[f64; 2]> {
        match &self.mapping {
            Mapping::Continuous(s) => Some(s.domain()),
            Mapping::Diverging([lo, _, hi]) => Some([*lo, *hi]),
            _ => None,
        }
    }

    /// The values of each row of `column` through this scale: `f(scale, value)`.
    pub fn rows<T: Clone>(
        &self,
        column: &Column,
        f: impl Fn(&Self, &Value) -> Option<T>,
    ) -> Vec<Option<T>> {
        if let Mapping::Ordinal(domain) = &self.mapping {
            // One output per category, then one lookup per row.
            let known: Vec<Option<T>> = domain.iter().map(|d| f(self, d)).collect();
            return positions_in(column, domain)
                .into_iter()
                .enumerate()
                .map(|(row, p)| match p {
                    Some(i) => known.get(i as usize).cloned().flatten(),
                    None => f(self, &column.value(row)),
                })
                .collect();
        }
        (0..column.len())
            .map(|row| f(self, &column.value(row)))
            .collect()
    }
}

/// The domain a channel scale is built over, from the data (or `scale.domain`).
#[derive(Clone, Debug, PartialEq)]
pub enum DataDomain {
    /// Distinct values in order.
    Discrete(Vec<Value>),
    /// A numeric extent.
    Extent([f64; 2]),
    /// Bin boundaries (a binned field: every bin's start, then the last bin's end).
    Bins(Vec<f64>),
}

/// Vega-Lite's default range ends of a numeric channel for a mark.
pub fn default_numbers(channel: &str, mark: MarkKind) -> [f64; 2] {
    match channel {
        "size" => match mark {
            MarkKind::Bar | MarkKind::Tick | MarkKind::Rect => [2.0, 19.0],
            MarkKind::Line | MarkKind::Rule | MarkKind::Area => [1.0, 4.0],
            MarkKind::Text => [8.0, 40.0],
            _ => [4.0, 361.0],
        },
        "strokeWidth" => [1.0, 4.0],
        "angle" => [0.0, 360.0],
        _ => [0.3, 0.8],
    }
}

/// Builds the scale of channel `name` (`color`, `size`, `shape`, ...) for `def` over `domain`.
pub fn channel_scale(
    name: &str,
    def: &PositionDef,
    domain: DataDomain,
    mark: MarkKind,
) -> Result<ChannelScale> {
    let spec = &def.scale;
    let path = format!("encoding.{name}.scale");
    let colour = matches!(name, "color" | "fill" | "stroke");
    let kind = spec.kind.unwrap_or(match (&domain, def.ty) {
        (DataDomain::Bins(_), _) if colour => ScaleKind::BinOrdinal,
        (DataDomain::Discrete(_), _) => ScaleKind::Ordinal,
        (_, FieldType::Temporal) => ScaleKind::Time,
        _ => ScaleKind::Linear,
    });
    let mapping = match (kind, domain) {
        (ScaleKind::Ordinal | ScaleKind::Point | ScaleKind::Band, DataDomain::Discrete(d)) => {
            Mapping::Ordinal(match &spec.domain {
                Some(DomainSpec::Values(v)) => v.clone(),
                Some(DomainSpec::Numbers(n)) => n.iter().map(|x| Value::Number(*x)).collect(),
                None => d,
            })
        }
        (ScaleKind::BinOrdinal, DataDomain::Bins(b)) => Mapping::Cuts {
            cuts: b,
            bins: true,
        },
        (ScaleKind::Threshold, _) => match &spec.domain {
            Some(DomainSpec::Numbers(n)) => Mapping::Cuts {
                cuts: n.clone(),
                bins: false,
            },
            _ => {
                return Err(Error::spec_missing(
                    &format!("{path}.domain"),
                    "the threshold values (\"domain\": [numbers])",
                ))
            }
        },
        (ScaleKind::Quantize, d) => {
            let [x0, x1] = extent_of(spec, &d);
            let n = match &spec.range {
                Some(RangeSpec::Numbers(r)) => r.len(),
                Some(RangeSpec::Strings(r)) => r.len(),
                // Vega's default count of a colour scheme, Vega-Lite's `quantizeCount`.
                Some(RangeSpec::Named(_)) | None => spec
                    .scheme
                    .as_ref()
                    .and_then(|s| s.count)
                    .unwrap_or(if colour { 5 } else { 4 }),
            }
            .max(1);
            #[allow(clippy::cast_precision_loss)]
            let cuts = (0..n - 1)
                .map(|i| {
                    let (i, n1) = (i as f64, (n - 1) as f64);
                    ((i + 1.0) * x1 - (i - n1) * x0) / (n1 + 1.0)
                })
                .collect();
            Mapping::Cuts { cuts, bins: false }
        }
        (k, d) if k.is_continuous() => {
            let [lo, hi] = extent_of(spec, &d);
            if let Some(mid) = spec.domain_mid.filter(|_| colour) {
                Mapping::Diverging([lo, mid, hi])
            } else {
                let transform = match k {
                    ScaleKind::Log => Transform::log(spec.base.unwrap_or(10.0), [lo, hi]),
                    ScaleKind::Pow => Transform::Pow(spec.exponent.unwrap_or(1.0)),
                    ScaleKind::Sqrt => Transform::Pow(0.5),
                    ScaleKind::Symlog => Transform::Symlog(spec.constant.unwrap_or(1.0)),
                    _ => Transform::Identity,
                };
                let range = if spec.reverse { [1.0, 0.0] } else { [0.0, 1.0] };
                let mut s = LinearScale::new([lo, hi], range)
                    .with_transform(transform)
                    .clamp(spec.clamp);
                if let Some(n) = &spec.nice {
                    if let Some(count) = match n {
                        serde_json::Value::Bool(true) => Some(10.0),
                        other => other.as_f64(),
                    } {
                        s = s.nice(count);
                    }
                }
                Mapping::Continuous(s)
            }
        }
        _ => {
            return Err(Error::unsupported(
                &format!("{path}.type"),
                &format!("drawing this scale type on the \"{name}\" channel"),
            ))
        }
    };
    let count = match &mapping {
        Mapping::Ordinal(d) => d.len(),
        Mapping::Cuts { cuts, bins: true } => cuts.len().saturating_sub(1),
        Mapping::Cuts { cuts, bins: false } => cuts.len() + 1,
        _ => 0,
    };
    let output = if colour {
        color_output(def, spec, &mapping, kind, count, mark, &path)?
    } else if name == "shape" {
        Output::Shapes(match &spec.range {
            Some(RangeSpec::Strings(s)) => s.clone(),
            _ => SHAPES.iter().map(|s| s.to_string()).collect(),
        })
    } else {
        let [a, b] = default_numbers(name, mark);
        let numbers = match &spec.range {
            Some(RangeSpec::Numbers(n)) if !n.is_empty() => n.clone(),
            _ if matches!(mapping, Mapping::Cuts { .. }) => {
                // Vega-Lite's `interpolateRange(min, max, count)` for discretizing scales.
                let k = count.max(1);
                #[allow(clippy::cast_precision_loss)]
                let step = if k > 1 { (b - a) / (k - 1) as f64 } else { 0.0 };
                #[allow(clippy::cast_precision_loss)]
                (0..k).map(|i| a + i as f64 * step).collect()
            }
            _ => vec![a, b],
        };
        let numbers = if spec.reverse && !matches!(mapping, Mapping::Continuous(_)) {
            numbers.into_iter().rev().collect()
        } else {
            numbers
        };
        Output::Numbers(numbers)
    };
    Ok(ChannelScale { mapping, output })
}

/// The numeric extent of a continuous channel: `scale.domain` or the data's (with zero
/// when the channel's `zero` asks for it).
fn extent_of(spec: &ScaleSpec, domain: &DataDomain) -> [f64; 2] {
    if let Some(DomainSpec::Numbers(n)) = &spec.domain {
        if let (Some(a), Some(b)) = (n.first(), n.last()) {
            return [*a, *b];
        }
    }
    match domain {
        DataDomain::Extent(e) => *e,
        DataDomain::Bins(b) => [
            b.first().copied().unwrap_or(0.0),
            b.last().copied().unwrap_or(0.0),
        ],
        DataDomain::Discrete(v) => {
            let nums: Vec<f64> = v.iter().filter_map(Value::as_f64).collect();
            [
                nums.iter().copied().fold(f64::INFINITY, f64::min),
                nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ]
        }
    }
}

/// The colours of a colour scale, as Vega-Lite and Vega choose them.
fn color_output(
    def: &PositionDef,
    spec: &ScaleSpec,
    mapping: &Mapping,
    kind: ScaleKind,
    count: usize,
    mark: MarkKind,
    path: &str,
) -> Result<Output> {
    let parse = |s: &String| {
        Color::parse(s).ok_or_else(|| {
            Error::spec_shape(
                &format!("{path}.range"),
                &format!("\"{s}\" is not a CSS colour"),
            )
        })
    };
    let discrete = !matches!(mapping, Mapping::Continuous(_) | Mapping::Diverging(_));
    // A named range is Vega's scheme for it (`config.range`).
    let named_range = match &spec.range {
        Some(RangeSpec::Named(n)) => Some(n.as_str()),
        _ => None,
    };
    if let Some(range) = spec.range.as_ref().filter(|_| named_range.is_none()) {
        let RangeSpec::Strings(colors) = range else {
            return Err(Error::spec_shape(
                &format!("{path}.range"),
                "expected colour strings",
            ));
        };
        let mut colors = colors.iter().map(parse).collect::<Result<Vec<_>>>()?;
        if spec.reverse {
            colors.reverse();
        }
        return Ok(if discrete {
            Output::Colors(colors)
        } else {
            Output::Ramp(Interpolator::hcl(colors))
        });
    }
    // The scheme: explicit, or Vega-Lite's named range for this scale.
    let (name, extent, scheme_count) = match (&spec.scheme, named_range) {
        (Some(s), _) => (s.name.clone(), s.extent, s.count),
        (None, Some(range)) => {
            let (name, extent) = match range {
                "category" => ("tableau10", None),
                "heatmap" => ("yellowgreenblue", None),
                "diverging" => ("blueorange", Some([1.0, 0.0])),
                _ => ("blues", None),
            };
            (name.to_string(), extent, None)
        }
        (None, None) => {
            let name = match (kind, def.ty) {
                (ScaleKind::Ordinal, FieldType::Nominal) => "tableau10",
                _ if spec.domain_mid.is_some() => "blueorange",
                (_, _) if mark == MarkKind::Rect && !discrete => "yellowgreenblue",
                (ScaleKind::Ordinal, _) => "blues",
                _ if mark == MarkKind::Rect => "yellowgreenblue",
                _ => "blues",
            };
            let extent = (spec.domain_mid.is_some() && name == "blueorange").then_some([1.0, 0.0]);
            (name.to_string(), extent, None)
        }
    };
    let Some(scheme) = color::named(&name) else {
        return Err(Error::spec_shape(
            &format!("{path}.scheme"),
            &format!("unknown colour scheme \"{name}\" (for example blues, viridis, tableau10)"),
        ));
    };
    Ok(match scheme {
        Scheme::Discrete(colors) => {
            let mut colors = if discrete && kind != ScaleKind::Ordinal {
                colors.into_iter().take(count.max(1)).collect()
            } else {
                colors
            };
            if spec.reverse {
                colors.reverse();
            }
            if discrete {
                Output::Colors(colors)
            } else {
                Output::Ramp(Interpolator::rgb(colors))
            }
        }
        Scheme::Continuous(ramp) => {
            let ramp = match (extent, spec.reverse) {
                (Some(e), true) => ramp.within([e[1], e[0]]),
                (Some(e), false) => ramp.within(e),
                (None, true) => ramp.within([1.0, 0.0]),
                (None, false) => ramp,
            };
            if discrete {
                let n = scheme_count.unwrap_or(if count == 0 { 7 } else { count });
                Output::Colors(ramp.samples(n))
            } else if kind == ScaleKind::Time || kind == ScaleKind::Utc {
                // Vega quantizes a scheme on a time scale to its two domain ends, then
                // interpolates between them in HCL.
                Output::Ramp(Interpolator::hcl(ramp.samples(2)))
            } else {
                Output::Ramp(ramp)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scale::color::TABLEAU10;
    use crate::spec::{normalize, parse_spec};

    fn def(enc: &str) -> PositionDef {
        let spec = format!(
            r#"{{"data": {{"values": []}}, "mark": "point", "encoding": {{"color": {enc}}}}}"#
        );
        normalize(&parse_spec(&spec).unwrap())
            .unwrap()
            .color
            .unwrap()
    }

    #[test]
    fn nominal_colours_use_tableau10_and_ordinal_ones_sample_blues() {
        let d = def(r#"{"field": "a"}"#);
        let domain = vec![Value::Str("x".into()), Value::Str("y".into())];
        let s = channel_scale(
            "color",
            &d,
            DataDomain::Discrete(domain.clone()),
            MarkKind::Point,
        )
        .unwrap();
        assert_eq!(s.color(&Value::Str("y".into())), Some(TABLEAU10[1]));
        let d = def(r#"{"field": "a", "type": "ordinal"}"#);
        let s = channel_scale("color", &d, DataDomain::Discrete(domain), MarkKind::Point).unwrap();
        assert_eq!(
            s.color(&Value::Str("x".into())).map(|c| c.to_css()),
            Some("#86bcdc".into())
        );
    }

    #[test]
    fn quantitative_colours_ramp_and_diverge() {
        let d = def(r#"{"field": "a", "type": "quantitative"}"#);
        let s = channel_scale(
            "color",
            &d,
            DataDomain::Extent([0.0, 10.0]),
            MarkKind::Point,
        )
        .unwrap();
        assert_eq!(
            s.color(&Value::Number(5.0)).map(|c| c.to_css()),
            Some("#5ba3cf".into())
        );
        let d = def(r#"{"field": "a", "type": "quantitative", "scale": {"domainMid": 2}}"#);
        let s = channel_scale(
            "color",
            &d,
            DataDomain::Extent([0.0, 10.0]),
            MarkKind::Point,
        )
        .unwrap();
        assert_eq!(s.place(&Value::Number(2.0)), Some(Place::Fraction(0.5)));
        assert_eq!(s.place(&Value::Number(1.0)), Some(Place::Fraction(0.25)));
    }

    #[test]
    fn threshold_and_quantize_cut_the_domain() {
        let spec = r#"{"data": {"values": []}, "mark": "point", "encoding": {"size": {"field": "a", "type": "quantitative", "scale": {"type": "threshold", "domain": [30, 70]}}}}"#;
        let view = normalize(&parse_spec(spec).unwrap()).unwrap();
        let d = view.undrawn.first().unwrap();
        let s =
            channel_scale("size", d, DataDomain::Extent([0.0, 100.0]), MarkKind::Point).unwrap();
        assert_eq!(s.number(&Value::Number(10.0)), Some(4.0));
        assert_eq!(s.number(&Value::Number(30.0)), Some(182.5));
        assert_eq!(s.number(&Value::Number(99.0)), Some(361.0));
        let q = def(r#"{"field": "a", "type": "quantitative", "scale": {"type": "quantize"}}"#);
        let s = channel_scale(
            "color",
            &q,
            DataDomain::Extent([0.0, 100.0]),
            MarkKind::Point,
        )
        .unwrap();
        // Five colours by default (Vega's scheme count), so cuts at 20, 40, 60, 80.
        assert_eq!(s.place(&Value::Number(19.0)), Some(Place::Index(0)));
        assert_eq!(s.place(&Value::Number(20.0)), Some(Place::Index(1)));
        assert_eq!(s.place(&Value::Number(100.0)), Some(Place::Index(4)));
    }
}
