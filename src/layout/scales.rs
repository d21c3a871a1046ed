//! Resolves a position channel's scale: domain from the data, range from the layout.
//!
//! Stage: scales. Follows Vega-Lite's defaults for the channels storychart supports: a
//! discrete field on a bar chart gets a band scale (`paddingInner` 0.1, `paddingOuter` 0.05)
//! over its distinct values in ascending order; a quantitative field gets a linear scale over
//! the extent of the values it reads (both ends of a stack), including zero unless
//! `scale.zero` is false, extended to nice round values as Vega's `nice: true` does.

use std::collections::HashMap;

use crate::data::{Column, Table, Value};
use crate::error::{Error, Result};
use crate::plan::ChannelFields;
use crate::scale::transform::Transform;
use crate::scale::{BandScale, LinearScale};
use crate::spec::scale::{ScaleKind, ScaleSpec};
use crate::spec::{FieldType, PositionDef, SortOrder};

/// Vega-Lite's default inner band padding for bars.
pub const BAND_PADDING_INNER: f64 = 0.1;
/// Vega-Lite's default outer band padding for bars (half the inner padding).
pub const BAND_PADDING_OUTER: f64 = 0.05;

/// The domain of a position channel.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// Distinct values in ascending order.
    Discrete(Vec<Value>),
    /// A numeric extent `[min, max]`.
    Continuous([f64; 2]),
    /// A time extent `[min, max]` in epoch milliseconds.
    Temporal([f64; 2]),
}

impl Domain {
    /// Computes the domain of `def` from the fields it reads in `table`.
    /// `other` is the other position channel, for `sort: "x"` and the like.
    pub fn from_data(
        def: &PositionDef,
        fields: &ChannelFields,
        table: &Table,
        other: Option<&ChannelFields>,
    ) -> Result<Domain> {
        let column = table.require(&fields.spec_path, &fields.field)?;
        let rows = table.num_rows();
        let discrete_kind = def.scale.kind.is_some_and(ScaleKind::is_discrete);
        if def.ty.is_discrete() || discrete_kind {
            // A range's other end (`x2`) adds its values, as Vega-Lite unions both fields.
            let second = match (&fields.field2, &def.bin, &def.time_unit) {
                (Some(f), None, None) => Some(table.require(&fields.spec_path, f)?),
                _ => None,
            };
            return Ok(Domain::Discrete(sorted_categories(
                def, column, second, table, other,
            )?));
        }
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        let mut any_value = false;
        let second = match &fields.field2 {
            Some(f) => Some(table.require(&fields.spec_path, f)?),
            None => None,
        };
        for col in std::iter::once(column).chain(second) {
            for row in 0..rows {
                if col.value(row) == Value::Null {
                    continue;
                }
                any_value = true;
                if let Some(v) = col.number(row).filter(|v| v.is_finite()) {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        if any_value && lo > hi {
            return Err(Error::not_numeric(&fields.spec_path, &fields.field));
        }
        if lo > hi {
            (lo, hi) = (0.0, 0.0);
        }
        if def.zero {
            lo = lo.min(0.0);
            hi = hi.max(0.0);
        }
        if let Some(explicit) = def.domain {
            return Ok(Domain::Continuous(explicit));
        }
        if def.ty == FieldType::Temporal {
            return Ok(Domain::Temporal([lo, hi]));
        }
        Ok(Domain::Continuous([lo, hi]))
    }

    /// The union of two domains over the same channel (layers): categories of `other` not yet
    /// in `self` are appended in their order; extents widen to cover both. Domains of
    /// different kinds keep `self`.
    pub fn union(self, other: Domain) -> Domain {
        match (self, other) {
            (Domain::Discrete(mut a), Domain::Discrete(b)) => {
                for v in b {
                    if !a.contains(&v) {
                        a.push(v);
                    }
                }
                Domain::Discrete(a)
            }
            (Domain::Continuous(a), Domain::Continuous(b)) => {
                Domain::Continuous([a[0].min(b[0]), a[1].max(b[1])])
            }
            (Domain::Temporal(a), Domain::Temporal(b)) => {
                Domain::Temporal([a[0].min(b[0]), a[1].max(b[1])])
            }
            (a, _) => a,
        }
    }

    /// How many steps the domain spans (`bandspace` in Vega), for step-based sizes: with
    /// `bands`, a band scale's; otherwise a point scale's (padding 0.5 at each end).
    pub fn band_space(&self, bands: bool) -> Option<f64> {
        self.band_space_for(bands, &ScaleSpec::default())
    }

    /// [`Domain::band_space`] with the channel's scale type and padding.
    pub fn band_space_for(&self, bands: bool, spec: &ScaleSpec) -> Option<f64> {
        let Domain::Discrete(v) = self else {
            return None;
        };
        #[allow(clippy::cast_precision_loss)]
        let n = v.len() as f64;
        let bands = match spec.kind {
            Some(ScaleKind::Band) => true,
            Some(ScaleKind::Point) => false,
            _ => bands,
        };
        let (inner, outer) = if bands {
            let inner = spec
                .padding_inner
                .or(spec.padding)
                .unwrap_or(BAND_PADDING_INNER);
            let outer = spec.padding_outer.or(spec.padding).unwrap_or(
                if spec.padding_inner.is_some() || spec.padding.is_some() {
                    inner / 2.0
                } else {
                    BAND_PADDING_OUTER
                },
            );
            (inner, outer)
        } else {
            (
                1.0,
                spec.padding_outer.or(spec.padding).unwrap_or(POINT_PADDING),
            )
        };
        // Vega's bandspace(count, paddingInner, paddingOuter).
        let space = n - inner + 2.0 * outer;
        Some(if n == 0.0 {
            0.0
        } else if space > 0.0 {
            space
        } else {
            1.0
        })
    }

    /// The scale for this domain over `range` (pixels): discrete domains get a band scale
    /// when `bands` (bars, rects), else a point scale with Vega-Lite's padding of 0.5.
    pub fn scale(self, range: [f64; 2], bands: bool) -> PositionScale {
        self.scale_for(range, bands, &ScaleSpec::default(), true)
    }

    /// The scale for this domain over `range` (pixels) with the channel's scale properties:
    /// the type (band or point on discrete domains; linear, log, pow, sqrt, symlog on
    /// continuous ones), padding, `reverse`, `clamp` and `nice` (`nice_default` is Vega-Lite's
    /// default: on for unbinned x and y without an explicit domain).
    pub fn scale_for(
        self,
        range: [f64; 2],
        bands: bool,
        spec: &ScaleSpec,
        nice_default: bool,
    ) -> PositionScale {
        let range = if spec.reverse {
            [range[1], range[0]]
        } else {
            range
        };
        let bands = match spec.kind {
            Some(ScaleKind::Band) => true,
            Some(ScaleKind::Point) => false,
            _ => bands,
        };
        match self {
            Domain::Discrete(domain) if bands => {
                let inner = spec
                    .padding_inner
                    .or(spec.padding)
                    .unwrap_or(BAND_PADDING_INNER);
                let outer = spec.padding_outer.or(spec.padding).unwrap_or(
                    if spec.padding_inner.is_some() || spec.padding.is_some() {
                        inner / 2.0
                    } else {
                        BAND_PADDING_OUTER
                    },
                );
                PositionScale::Band {
                    scale: BandScale::new(domain.len(), range)
                        .padding_inner(inner)
                        .padding_outer(outer),
                    domain,
                }
            }
            Domain::Discrete(domain) => {
                let outer = spec.padding_outer.or(spec.padding).unwrap_or(POINT_PADDING);
                PositionScale::Band {
                    scale: BandScale::point(domain.len(), range).padding_outer(outer),
                    domain,
                }
            }
            Domain::Continuous(d) => {
                let transform = match spec.kind {
                    Some(ScaleKind::Log) => Transform::log(spec.base.unwrap_or(10.0), d),
                    Some(ScaleKind::Pow) => Transform::Pow(spec.exponent.unwrap_or(1.0)),
                    Some(ScaleKind::Sqrt) => Transform::Pow(0.5),
                    Some(ScaleKind::Symlog) => Transform::Symlog(spec.constant.unwrap_or(1.0)),
                    _ => Transform::Identity,
                };
                let scale = LinearScale::new(d, range)
                    .with_transform(transform)
                    .clamp(spec.clamp);
                let nice = match &spec.nice {
                    None => nice_default.then_some(10.0),
                    Some(serde_json::Value::Bool(b)) => b.then_some(10.0),
                    Some(n) => n.as_f64().filter(|c| c.is_finite() && *c > 0.0),
                };
                PositionScale::Linear(match nice {
                    Some(count) => scale.nice(count),
                    None => scale,
                })
            }
            Domain::Temporal(d) => {
                PositionScale::Time(LinearScale::new(d, range).clamp(spec.clamp))
            }
        }
    }
}

/// The distinct values of `column` in the order `def.sort` asks for.
fn sorted_categories(
    def: &PositionDef,
    column: &Column,
    second: Option<&Column>,
    table: &Table,
    other: Option<&ChannelFields>,
) -> Result<Vec<Value>> {
    // Distinct values with their first row and, for sorting by a channel, their total.
    let sort_column = match (&def.sort, other) {
        (SortOrder::ByChannel { channel, .. }, Some(o)) if o.channel == *channel => {
            Some(table.require(&o.spec_path, &o.field)?)
        }
        _ => None,
    };
    if let SortOrder::ByField {
        field,
        op,
        descending,
    } = &def.sort
    {
        return categories_by_field(column, table, field.as_deref(), *op, *descending);
    }
    let mut seen: Vec<(Value, f64)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let rows = table.num_rows();
    let cells = (0..rows).map(|row| (column, row)).chain(
        second
            .into_iter()
            .flat_map(|c| (0..rows).map(move |row| (c, row))),
    );
    for (col, row) in cells {
        let v = col.value(row);
        let key = format!("{v:?}");
        let weight = if std::ptr::eq(col, column) {
            sort_column.and_then(|c| c.number(row)).unwrap_or(0.0)
        } else {
            0.0
        };
        match index.get(&key) {
            Some(i) => {
                if let Some(slot) = seen.get_mut(*i) {
                    slot.1 += weight;
                }
            }
            None => {
                index.insert(key, seen.len());
                seen.push((v, weight));
            }
        }
    }
    match &def.sort {
        SortOrder::Data => {}
        SortOrder::Ascending => crate::sorting::sort_by(&mut seen, |a, b| a.0.ascending(&b.0)),
        SortOrder::Descending => crate::sorting::sort_by(&mut seen, |a, b| b.0.ascending(&a.0)),
        SortOrder::ByField { .. } => {}
        SortOrder::ByChannel { descending, .. } => {
            crate::sorting::sort_by(&mut seen, |a, b| {
                let by = a.1.total_cmp(&b.1);
                let by = if *descending { by.reverse() } else { by };
                by.then_with(|| a.0.ascending(&b.0))
            });
        }
        SortOrder::Custom(order) => {
            let rank = |v: &Value| order.iter().position(|o| o == v).unwrap_or(order.len());
            crate::sorting::sort_by(&mut seen, |a, b| {
                rank(&a.0)
                    .cmp(&rank(&b.0))
                    .then_with(|| a.0.ascending(&b.0))
            });
        }
    }
    Ok(seen.into_iter().map(|(v, _)| v).collect())
}

/// The distinct values of `column` ordered by `op` of `field` per value (Vega's sorted
/// domain `{op, field}`), ties by value. When the mark's rows are already aggregated and
/// hold `op` of `field` (`mean_score`, `__count`), those are summed per value; otherwise
/// `op` runs over the rows of each value.
fn categories_by_field(
    column: &Column,
    table: &Table,
    field: Option<&str>,
    op: crate::data::kernels::AggregateOp,
    descending: bool,
) -> Result<Vec<Value>> {
    use crate::data::kernels::{aggregate, group_by, AggregateOp};
    let groups = group_by(&[column], table.num_rows());
    let aggregated_name = match (op, field) {
        (AggregateOp::Count, _) => "__count".to_string(),
        (op, Some(f)) => format!("{}_{f}", op.name()),
        (_, None) => String::new(),
    };
    let weights = if let Some(pre) = table.column(&aggregated_name) {
        aggregate(Some(pre), &groups, AggregateOp::Sum)
    } else {
        aggregate(field.and_then(|f| table.column(f)), &groups, op)
    };
    let mut seen: Vec<(Value, f64)> = groups
        .first_row
        .iter()
        .enumerate()
        .map(|(g, row)| {
            let w = weights.get(g).unwrap_or(f64::NAN);
            (column.value(*row), w)
        })
        .collect();
    crate::sorting::sort_by(&mut seen, |a, b| {
        let by = a.1.total_cmp(&b.1);
        let by = if descending { by.reverse() } else { by };
        by.then_with(|| a.0.ascending(&b.0))
    });
    Ok(seen.into_iter().map(|(v, _)| v).collect())
}

/// Vega-Lite's outer padding of point scales.
pub const POINT_PADDING: f64 = 0.5;

/// A position scale with its domain and range resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum PositionScale {
    /// A band scale over discrete values.
    Band {
        /// The band geometry.
        scale: BandScale,
        /// The values, one per band.
        domain: Vec<Value>,
    },
    /// A linear scale.
    Linear(LinearScale),
    /// A UTC time scale: linear over epoch milliseconds, with calendar ticks.
    Time(LinearScale),
}

impl PositionScale {
    /// The band index of `v`, for band scales.
    pub fn band_index(&self, v: &Value) -> Option<usize> {
        match self {
            PositionScale::Band { domain, .. } => domain.iter().position(|d| d == v),
            PositionScale::Linear(_) | PositionScale::Time(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_json;
    use crate::spec::{normalize, parse_spec};

    fn domain_of(spec: &str, data: &str) -> Domain {
        let view = normalize(&parse_spec(spec).unwrap()).unwrap();
        let plan = crate::plan::plan(&view);
        let table = crate::plan::execute(&plan, parse_json(data, "t").unwrap()).unwrap();
        Domain::from_data(
            view.y.as_ref().unwrap(),
            plan.y.as_ref().unwrap(),
            &table,
            plan.x.as_ref(),
        )
        .unwrap()
    }

    const SPEC: &str = r#"{"data": {"values": []}, "mark": "bar",
        "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}"#;

    #[test]
    fn continuous_domains_cover_the_stack_and_zero() {
        let d = domain_of(
            SPEC,
            r#"[{"a": "A", "b": 28}, {"a": "A", "b": 12}, {"a": "B", "b": -5}]"#,
        );
        assert_eq!(d, Domain::Continuous([-5.0, 40.0]));
        assert_eq!(domain_of(SPEC, "[]"), Domain::Continuous([0.0, 0.0]));
    }

    #[test]
    fn discrete_domains_are_sorted_ascending() {
        let spec = r#"{"data": {"values": []}, "mark": "bar",
            "encoding": {"x": {"field": "b", "type": "quantitative"}, "y": {"field": "a"}}}"#;
        let d = domain_of(
            spec,
            r#"[{"a": "men", "b": 3}, {"a": "girls", "b": 50}, {"a": "boys", "b": 3}]"#,
        );
        let names = ["boys", "girls", "men"]
            .map(|s| Value::Str(s.into()))
            .to_vec();
        assert_eq!(d, Domain::Discrete(names));
        assert_eq!(d.band_space(true), Some(3.0));
        assert_eq!(d.band_space(false), Some(3.0));
        let by_value = spec.replace(r#""field": "a""#, r#""field": "a", "sort": "-x""#);
        let d = domain_of(
            &by_value,
            r#"[{"a": "men", "b": 3}, {"a": "girls", "b": 50}, {"a": "women", "b": 44}]"#,
        );
        let names = ["girls", "women", "men"]
            .map(|s| Value::Str(s.into()))
            .to_vec();
        assert_eq!(d, Domain::Discrete(names));
    }

    #[test]
    fn discrete_domains_sort_by_an_aggregate_of_a_field() {
        let spec = r#"{"data": {"values": []}, "mark": "point",
            "encoding": {"x": {"field": "b", "type": "quantitative"},
                         "y": {"field": "a", "sort": {"field": "b", "op": "mean", "order": "descending"}}}}"#;
        let data =
            r#"[{"a": "p", "b": 1}, {"a": "q", "b": 5}, {"a": "p", "b": 3}, {"a": "r", "b": 2}]"#;
        let names = ["q", "p", "r"].map(|s| Value::Str(s.into())).to_vec();
        assert_eq!(domain_of(spec, data), Domain::Discrete(names));
        // Counting rows needs no field; the same order holds for an aggregated view.
        let count = r#"{"data": {"values": []}, "mark": "bar",
            "encoding": {"x": {"aggregate": "count"},
                         "y": {"field": "a", "sort": {"op": "count", "order": "descending"}}}}"#;
        let names = ["p", "q", "r"].map(|s| Value::Str(s.into())).to_vec();
        assert_eq!(domain_of(count, data), Domain::Discrete(names));
        let by_encoding = spec.replace(
            r#"{"field": "b", "op": "mean", "order": "descending"}"#,
            r#"{"encoding": "x"}"#,
        );
        let names = ["r", "p", "q"].map(|s| Value::Str(s.into())).to_vec();
        assert_eq!(domain_of(&by_encoding, data), Domain::Discrete(names));
    }

    #[test]
    fn text_on_a_quantitative_channel_is_an_error() {
        let view = normalize(&parse_spec(SPEC).unwrap()).unwrap();
        let plan = crate::plan::plan(&view);
        let table = crate::plan::execute(
            &crate::plan::Plan {
                steps: vec![],
                ..plan.clone()
            },
            parse_json(r#"[{"a": "A", "b": "lots"}]"#, "t").unwrap(),
        )
        .unwrap();
        let mut fields = plan.y.clone().unwrap();
        fields.field = "b".into();
        fields.field2 = None;
        let e = Domain::from_data(view.y.as_ref().unwrap(), &fields, &table, None).unwrap_err();
        assert!(e.to_string().contains("does not hold numbers"));
    }
}
