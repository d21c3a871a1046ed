//! `encoding.*.scale` -> [`ScaleSpec`]: the scale properties of one channel, checked once.
//!
//! Stage: spec. Reads every scale property Vega-Lite specs use (`type`, `domain`, `domainMid`,
//! `range`, `scheme`, `reverse`, `nice`, `zero`, `clamp`, `padding*`, `exponent`, `constant`,
//! `base`, `interpolate`) and rejects unknown scale types with the JSON path. Properties that
//! do not change mark data never stop `storychart data`; what the scale stage cannot draw is
//! reported when drawing (see [`ScaleSpec::render_error`]).

use serde_json::Value as Json;

use super::types::ScaleDef;
use crate::data::Value;
use crate::error::{Error, Result};

/// A scale type (`scale.type`), as Vega names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleKind {
    /// `linear`.
    Linear,
    /// `log` (with `base`).
    Log,
    /// `pow` (with `exponent`).
    Pow,
    /// `sqrt`: `pow` with exponent 0.5.
    Sqrt,
    /// `symlog` (with `constant`).
    Symlog,
    /// `time` (local time, which storychart treats as UTC).
    Time,
    /// `utc`.
    Utc,
    /// `band`.
    Band,
    /// `point`.
    Point,
    /// `ordinal`: discrete domain to discrete range.
    Ordinal,
    /// `quantize`: a continuous domain cut into equal parts.
    Quantize,
    /// `quantile`: a continuous domain cut at quantiles of the data.
    Quantile,
    /// `threshold`: a continuous domain cut at the given domain values.
    Threshold,
    /// `bin-ordinal`: one discrete colour per bin.
    BinOrdinal,
}

impl ScaleKind {
    /// Parses a Vega scale type name.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "linear" => ScaleKind::Linear,
            "log" => ScaleKind::Log,
            "pow" => ScaleKind::Pow,
            "sqrt" => ScaleKind::Sqrt,
            "symlog" => ScaleKind::Symlog,
            "time" => ScaleKind::Time,
            "utc" => ScaleKind::Utc,
            "band" => ScaleKind::Band,
            "point" => ScaleKind::Point,
            "ordinal" => ScaleKind::Ordinal,
            "quantize" => ScaleKind::Quantize,
            "quantile" => ScaleKind::Quantile,
            "threshold" => ScaleKind::Threshold,
            "bin-ordinal" => ScaleKind::BinOrdinal,
            _ => return None,
        })
    }

    /// Whether the scale maps a continuous domain continuously (linear, log, pow, sqrt,
    /// symlog, time, utc).
    pub fn is_continuous(self) -> bool {
        matches!(
            self,
            ScaleKind::Linear
                | ScaleKind::Log
                | ScaleKind::Pow
                | ScaleKind::Sqrt
                | ScaleKind::Symlog
                | ScaleKind::Time
                | ScaleKind::Utc
        )
    }

    /// Whether the scale has a discrete domain (band, point, ordinal).
    pub fn is_discrete(self) -> bool {
        matches!(
            self,
            ScaleKind::Band | ScaleKind::Point | ScaleKind::Ordinal | ScaleKind::BinOrdinal
        )
    }
}

/// An explicit `scale.domain`.
#[derive(Clone, Debug, PartialEq)]
pub enum DomainSpec {
    /// Numbers (continuous ends, or threshold cut points).
    Numbers(Vec<f64>),
    /// Discrete values, in this order.
    Values(Vec<Value>),
}

/// An explicit `scale.range`.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeSpec {
    /// Numbers (sizes, opacities, pixel ends).
    Numbers(Vec<f64>),
    /// Strings (colours, shapes).
    Strings(Vec<String>),
    /// One of Vega's named ranges (`category`, `ordinal`, `ramp`, `heatmap`, `diverging`,
    /// `symbol`).
    Named(String),
}

/// A colour scheme (`scale.scheme`): a name, with an optional extent and count.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemeSpec {
    /// The scheme's name (lower case).
    pub name: String,
    /// The part of a continuous scheme to use (`extent`).
    pub extent: Option<[f64; 2]>,
    /// How many colours of a continuous scheme a discrete scale takes (`count`).
    pub count: Option<usize>,
}

/// The scale properties of one channel, as written in the spec (defaults are decided by the
/// scale stage, which knows the mark and the channel).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScaleSpec {
    /// An explicit type.
    pub kind: Option<ScaleKind>,
    /// An explicit domain.
    pub domain: Option<DomainSpec>,
    /// The domain's middle (diverging scales).
    pub domain_mid: Option<f64>,
    /// An explicit range.
    pub range: Option<RangeSpec>,
    /// A colour scheme.
    pub scheme: Option<SchemeSpec>,
    /// Reverse the range.
    pub reverse: bool,
    /// `nice`: `Some(false)` turns it off; a number is a tick count.
    pub nice: Option<Json>,
    /// Clamp values into the domain.
    pub clamp: bool,
    /// `padding` (band, point and continuous scales).
    pub padding: Option<f64>,
    /// `paddingInner`.
    pub padding_inner: Option<f64>,
    /// `paddingOuter`.
    pub padding_outer: Option<f64>,
    /// `exponent` of pow scales.
    pub exponent: Option<f64>,
    /// `constant` of symlog scales.
    pub constant: Option<f64>,
    /// `base` of log scales.
    pub base: Option<f64>,
    /// Why this scale cannot be drawn yet: a property storychart does not apply.
    pub render_error: Option<Error>,
}

/// Reads `scale` at `path` (`encoding.x.scale`).
pub fn normalize_scale(path: &str, scale: &ScaleDef) -> Result<ScaleSpec> {
    let mut out = ScaleSpec::default();
    if let Some(name) = &scale.kind {
        out.kind = Some(ScaleKind::from_name(name).ok_or_else(|| {
            Error::spec_shape(
                &format!("{path}.type"),
                &format!("unknown scale type \"{name}\" (for example linear, log, band, ordinal)"),
            )
        })?);
    }
    out.domain = match &scale.domain {
        None | Some(Json::Null) => None,
        Some(Json::Array(items)) => Some(domain_values(items)),
        Some(_) => {
            note(
                &mut out.render_error,
                &format!("{path}.domain"),
                "this form of scale domain",
            );
            None
        }
    };
    out.reverse = scale.reverse.unwrap_or(false);
    out.nice = scale.nice.clone();
    out.padding_inner = scale.padding_inner;
    out.padding_outer = scale.padding_outer;
    for (key, value) in &scale.other {
        let p = format!("{path}.{key}");
        let number = || {
            value
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or_else(|| Error::spec_shape(&p, "expected a number"))
        };
        match key.as_str() {
            "domainMid" => out.domain_mid = Some(number()?),
            "exponent" => out.exponent = Some(number()?),
            "constant" => out.constant = Some(number()?),
            "base" => out.base = Some(number()?),
            "padding" => out.padding = Some(number()?),
            "clamp" => out.clamp = value.as_bool().unwrap_or(false),
            "range" => match value {
                Json::Array(items) => out.range = range_values(items),
                Json::String(name)
                    if matches!(
                        name.as_str(),
                        "category" | "ordinal" | "ramp" | "heatmap" | "diverging" | "symbol"
                    ) =>
                {
                    out.range = Some(RangeSpec::Named(name.clone()))
                }
                _ => note(&mut out.render_error, &p, "this form of scale range"),
            },
            "scheme" => match scheme(value) {
                Some(s) => out.scheme = Some(s),
                None => note(&mut out.render_error, &p, "this form of scheme"),
            },
            // Colour interpolation of ramps: Vega's named schemes are already interpolated.
            "interpolate" | "zero" => {}
            other => note(
                &mut out.render_error,
                &p,
                &format!("the \"{other}\" scale property"),
            ),
        }
    }
    if out.range.is_none() && scale.other.contains_key("range") {
        note(
            &mut out.render_error,
            &format!("{path}.range"),
            "this form of scale range",
        );
    }
    Ok(out)
}

impl ScaleSpec {
    /// What of this scale storychart cannot draw yet, on a position channel (`position`) or
    /// a colour channel, for a discrete or continuous field: the first property, by its path.
    pub fn drawing_error(&self, path: &str, position: bool, discrete: bool) -> Option<Error> {
        if let Some(e) = &self.render_error {
            return Some(e.clone());
        }
        let kind_ok = match self.kind {
            None => position || discrete,
            Some(k) if position => !matches!(
                k,
                ScaleKind::Ordinal
                    | ScaleKind::Quantize
                    | ScaleKind::Quantile
                    | ScaleKind::Threshold
                    | ScaleKind::BinOrdinal
            ),
            Some(k) => k == ScaleKind::Ordinal && discrete,
        };
        let banded = match self.kind {
            Some(k) => k.is_discrete(),
            None => discrete,
        };
        let checks = [
            ("type", !kind_ok),
            ("domain", !position && self.domain.is_some()),
            ("domainMid", self.domain_mid.is_some()),
            ("range", self.range.is_some()),
            ("scheme", self.scheme.is_some()),
            ("reverse", !position && self.reverse),
            ("nice", !position && self.nice.is_some()),
            ("clamp", !position && self.clamp),
            ("padding", self.padding.is_some() && !(position && banded)),
            (
                "paddingInner",
                self.padding_inner.is_some() && !(position && banded),
            ),
            (
                "paddingOuter",
                self.padding_outer.is_some() && !(position && banded),
            ),
            ("exponent", !position && self.exponent.is_some()),
            ("constant", !position && self.constant.is_some()),
            ("base", !position && self.base.is_some()),
        ];
        let (key, _) = checks.iter().find(|(_, bad)| *bad)?;
        Some(Error::unsupported(
            &format!("{path}.{key}"),
            &format!("drawing the scale property \"{key}\" here"),
        ))
    }
}

fn note(slot: &mut Option<Error>, path: &str, what: &str) {
    if slot.is_none() {
        *slot = Some(Error::unsupported(path, what));
    }
}

fn domain_values(items: &[Json]) -> DomainSpec {
    let numbers: Option<Vec<f64>> = items.iter().map(Json::as_f64).collect();
    match numbers {
        Some(n) => DomainSpec::Numbers(n),
        None => DomainSpec::Values(
            items
                .iter()
                .map(|v| match v {
                    Json::String(s) => Value::Str(s.clone()),
                    Json::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
                    Json::Bool(b) => Value::Bool(*b),
                    _ => Value::Null,
                })
                .collect(),
        ),
    }
}

fn range_values(items: &[Json]) -> Option<RangeSpec> {
    if let Some(n) = items.iter().map(Json::as_f64).collect::<Option<Vec<_>>>() {
        return Some(RangeSpec::Numbers(n));
    }
    items
        .iter()
        .map(|v| v.as_str().map(String::from))
        .collect::<Option<Vec<_>>>()
        .map(RangeSpec::Strings)
}

fn scheme(value: &Json) -> Option<SchemeSpec> {
    match value {
        Json::String(name) => Some(SchemeSpec {
            name: name.to_ascii_lowercase(),
            extent: None,
            count: None,
        }),
        Json::Object(o) => {
            let name = o.get("name")?.as_str()?.to_ascii_lowercase();
            let extent = match o.get("extent") {
                Some(Json::Array(e)) => match e.as_slice() {
                    [a, b] => Some([a.as_f64()?, b.as_f64()?]),
                    _ => return None,
                },
                _ => None,
            };
            let count = o
                .get("count")
                .and_then(Json::as_f64)
                .filter(|c| c.is_finite() && *c >= 1.0)
                .map(|c| c.min(256.0) as usize);
            Some(SchemeSpec {
                name,
                extent,
                count,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str) -> Result<ScaleSpec> {
        let def: ScaleDef = serde_json::from_str(json).unwrap();
        normalize_scale("encoding.x.scale", &def)
    }

    #[test]
    fn reads_types_domains_ranges_and_schemes() {
        let s = read(r#"{"type": "log", "base": 2, "domain": [1, 100], "clamp": true}"#).unwrap();
        assert_eq!(s.kind, Some(ScaleKind::Log));
        assert_eq!(s.base, Some(2.0));
        assert_eq!(s.domain, Some(DomainSpec::Numbers(vec![1.0, 100.0])));
        assert!(s.clamp);
        let s = read(r#"{"domain": ["a", "b"], "range": ["red", "blue"], "scheme": {"name": "Blues", "extent": [0.2, 1]}}"#).unwrap();
        assert_eq!(
            s.domain,
            Some(DomainSpec::Values(vec![
                Value::Str("a".into()),
                Value::Str("b".into())
            ]))
        );
        assert_eq!(
            s.range,
            Some(RangeSpec::Strings(vec!["red".into(), "blue".into()]))
        );
        assert_eq!(s.scheme.unwrap().extent, Some([0.2, 1.0]));
        assert!(s.render_error.is_none());
    }

    #[test]
    fn unknown_types_and_properties_name_their_path() {
        let e = read(r#"{"type": "logarithmic"}"#).unwrap_err();
        assert_eq!(e.place(), "encoding.x.scale.type");
        let s = read(r#"{"rangeMin": 3}"#).unwrap();
        assert_eq!(s.render_error.unwrap().place(), "encoding.x.scale.rangeMin");
    }
}
