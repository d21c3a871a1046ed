//! Stage 3: a view's data work as an ordered plan of kernel calls, with Vega-Lite's field names.
//!
//! [`plan()`] reads a normalized [`View`] and decides, as Vega-Lite's compiler does, which
//! steps run: the encoding-level aggregate (group by every non-aggregated field channel) and
//! the implicit stack of bars. Each step names the fields it reads and the fields it writes
//! (`sum_people`, `__count`, `b_start`/`b_end`), so [`execute()`]'s output can be compared
//! with Vega's mark data directly. [`ChannelFields`] says which output field each position
//! channel reads.

mod exec;
pub mod params;
pub mod predicate;
pub mod selection;

pub use exec::{execute, execute_from, execute_with};
pub use params::ParamState;

use crate::data::kernels::{AggregateOp, Order};
use crate::spec::transform::Transform;
use crate::spec::{Channel, PositionDef, StackOffset, View};

/// One kernel call.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Drops rows whose value in any of `fields` is null or not a finite number: Vega-Lite's
    /// filter of invalid values on continuous scales (`isValid(v) && isFinite(+v)`).
    FilterInvalid {
        /// The fields of the channels with continuous scales.
        fields: Vec<String>,
    },
    /// An explicit entry of the spec's `transform` array (`transform[index]`).
    Transform {
        /// Its index in the array, for error paths.
        index: usize,
        /// The transform.
        transform: Transform,
    },
    /// Group by `groupby` and compute `ops`; the output has one row per group.
    Aggregate {
        /// Key fields.
        groupby: Vec<String>,
        /// `(op, input field, output field)`.
        ops: Vec<(AggregateOp, Option<String>, String)>,
    },
    /// Bin `field` (Vega's `bin`, over the field's extent unless `extent` is given).
    Bin {
        /// The binned field.
        field: String,
        /// Vega's bin options.
        options: crate::data::kernels::BinOptions,
        /// An explicit extent.
        extent: Option<[f64; 2]>,
        /// Output field of the bin start.
        as_start: String,
        /// Output field of the bin end.
        as_end: String,
    },
    /// Floor `field` to a time unit, writing the unit's start and end.
    TimeUnit {
        /// The date field (epoch milliseconds).
        field: String,
        /// The unit.
        unit: crate::data::kernels::TimeUnit,
        /// Output field of the unit start.
        as_start: String,
        /// Output field of the unit end.
        as_end: String,
    },
    /// Stack `field` within groups of `groupby`, writing `as_start` and `as_end`.
    Stack {
        /// The stacked field.
        field: String,
        /// Group fields (the other position channel).
        groupby: Vec<String>,
        /// The offset.
        offset: StackOffset,
        /// Sort fields within a stack.
        sort: Vec<(String, Order)>,
        /// Output field of the stack start.
        as_start: String,
        /// Output field of the stack end.
        as_end: String,
    },
}

/// Which output fields a position channel reads.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelFields {
    /// The channel.
    pub channel: Channel,
    /// The field the channel's main value comes from (`b_end` for a stacked bar).
    pub field: String,
    /// For stacked and ranged channels: the field of the other end (`b_start`).
    pub field2: Option<String>,
    /// The field in the spec (for error messages).
    pub spec_path: String,
}

/// The plan of one view.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Steps in order.
    pub steps: Vec<Step>,
    /// The x channel's fields.
    pub x: Option<ChannelFields>,
    /// The y channel's fields.
    pub y: Option<ChannelFields>,
    /// The colour channel's fields.
    pub color: Option<ChannelFields>,
    /// The text channel's fields.
    pub text: Option<ChannelFields>,
    /// The fields of channels computed but not drawn (they are in the mark data).
    pub undrawn: Vec<ChannelFields>,
    /// The `xOffset` channel's fields (grouped bars), if any.
    pub x_offset: Option<ChannelFields>,
    /// The `yOffset` channel's fields, if any.
    pub y_offset: Option<ChannelFields>,
    /// Series split fields (`detail`).
    pub detail: Vec<String>,
    /// The channel that carries the bars' values (the other one is their dimension).
    pub value_channel: Channel,
    /// Field types Vega-Lite infers from the spec (`format.parse` it adds implicitly), applied
    /// at load unless `format.parse` names the field.
    pub implicit_parse: Vec<(String, &'static str)>,
}

impl Plan {
    /// The sorted, de-duplicated output fields the mark reads (the `fields` of mark data).
    pub fn mark_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = [&self.x, &self.y, &self.color, &self.text]
            .into_iter()
            .flatten()
            .chain(&self.undrawn)
            .flat_map(|c| std::iter::once(c.field.clone()).chain(c.field2.clone()))
            .collect();
        fields.sort();
        fields.dedup();
        fields
    }
}

/// The name Vega-Lite gives a field definition's output (`vgField`): `__count`, `sum_b`, `b`.
pub fn field_name(def: &PositionDef) -> String {
    match (def.aggregate, def.field.as_deref()) {
        (Some(AggregateOp::Count), _) => "__count".to_string(),
        (Some(op), Some(field)) => format!("{}_{field}", op.name()),
        (None, Some(field)) => match (&def.bin, &def.time_unit) {
            (Some(bin), _) => format!("{}_{field}", bin.name),
            (None, Some(unit)) => format!("{}_{field}", unit.name),
            (None, None) => field.to_string(),
        },
        (_, None) => String::new(),
    }
}

/// The field of a binned or time-unit channel's other end (`bin_..._end`, `month_date_end`).
fn end_field(def: &PositionDef) -> Option<String> {
    let ranged = def.aggregate.is_none() && (def.bin.is_some() || def.time_unit.is_some());
    ranged.then(|| format!("{}_end", field_name(def)))
}

/// Plans the data work of `view`.
pub fn plan(view: &View) -> Plan {
    // Every field channel takes part in binning, time units and grouping; only x and y are
    // positions.
    let defs: Vec<&PositionDef> = [
        &view.x,
        &view.y,
        &view.x2,
        &view.y2,
        &view.color,
        &view.text,
    ]
    .into_iter()
    .flatten()
    .chain(&view.detail)
    .chain(&view.tooltip)
    .chain(&view.undrawn)
    .collect();
    let mut steps: Vec<Step> = view
        .transforms
        .iter()
        .enumerate()
        .map(|(index, t)| Step::Transform {
            index,
            transform: t.clone(),
        })
        .collect();
    for def in &defs {
        let (Some(field), None) = (&def.field, def.aggregate) else {
            continue;
        };
        let (as_start, as_end) = (field_name(def), format!("{}_end", field_name(def)));
        if let Some(bin) = &def.bin {
            steps.push(Step::Bin {
                field: field.clone(),
                options: bin.options.clone(),
                extent: bin.extent,
                as_start,
                as_end,
            });
        } else if let Some(unit) = &def.time_unit {
            steps.push(Step::TimeUnit {
                field: field.clone(),
                unit: unit.unit.clone(),
                as_start,
                as_end,
            });
        }
    }
    if defs.iter().any(|d| d.aggregate.is_some()) {
        let groupby = dedup(
            defs.iter()
                .filter(|d| d.aggregate.is_none() && d.field.is_some())
                .flat_map(|d| std::iter::once(field_name(d)).chain(end_field(d))),
        );
        let ops = defs
            .iter()
            .filter_map(|d| Some((d.aggregate?, d.field.clone(), field_name(d))))
            .collect();
        steps.push(Step::Aggregate { groupby, ops });
    }
    let channel_fields = |def: &PositionDef| ChannelFields {
        channel: def.channel,
        field: field_name(def),
        field2: end_field(def),
        spec_path: format!("encoding.{}.field", def.channel.name()),
    };
    let mut x = view.x.as_ref().map(channel_fields);
    let mut y = view.y.as_ref().map(channel_fields);
    // A range's other end (x2, y2) is the primary channel's second field.
    for (primary, secondary) in [(&mut x, &view.x2), (&mut y, &view.y2)] {
        if let (Some(p), Some(s)) = (primary.as_mut(), secondary) {
            p.field2 = Some(field_name(s));
        }
    }
    let value_channel = value_channel(view);
    if let Some((stacked, offset)) = stacked_channel(view, value_channel) {
        let (target, other) = match stacked {
            Channel::X => (&mut x, &view.y),
            _ => (&mut y, &view.x),
        };
        if let Some(target) = target {
            let field = target.field.clone();
            let offsets = view
                .undrawn
                .iter()
                .filter(|d| matches!(d.channel, Channel::Undrawn("xOffset" | "yOffset")))
                .map(field_name);
            let groupby = other
                .as_ref()
                .map(field_name)
                .into_iter()
                .chain(offsets)
                .filter(|f| *f != field)
                .collect();
            let as_start = format!("{field}_start");
            let as_end = format!("{field}_end");
            target.field = as_end.clone();
            target.field2 = Some(as_start.clone());
            // Vega-Lite orders each stack by the stack-by field: descending when stacking
            // upward (y), ascending when stacking rightward (x).
            let order = if stacked == Channel::X {
                Order::Ascending
            } else {
                Order::Descending
            };
            let sort = stack_by(view).map(|f| (f, order)).into_iter().collect();
            steps.push(Step::Stack {
                field,
                groupby,
                offset,
                sort,
                as_start,
                as_end,
            });
        }
    }
    let invalid: Vec<String> = dedup(
        defs.iter()
            .filter(|d| matches!(d.channel, Channel::X | Channel::Y) && !d.ty.is_discrete())
            .map(|d| field_name(d)),
    );
    // Lines and areas keep invalid rows: Vega-Lite breaks the path there instead.
    let breaks_paths = matches!(
        view.mark,
        crate::spec::MarkKind::Line | crate::spec::MarkKind::Area
    );
    if !invalid.is_empty() && !breaks_paths {
        steps.push(Step::FilterInvalid { fields: invalid });
    }
    // Temporal fields are parsed as dates (Vega-Lite's implicit `format.parse`).
    let mut implicit_parse: Vec<(String, &'static str)> = defs
        .iter()
        .filter(|d| {
            d.aggregate.is_none()
                && (d.ty == crate::spec::FieldType::Temporal || d.time_unit.is_some())
        })
        .filter_map(|d| Some((d.field.clone()?, "date")))
        .collect();
    for t in &view.transforms {
        if let Transform::Filter(pred) = t {
            predicate::implicit_parse(pred, &mut implicit_parse);
        }
    }
    let color = view.color.as_ref().map(channel_fields);
    let text = view.text.as_ref().map(channel_fields);
    let undrawn: Vec<ChannelFields> = view.undrawn.iter().map(channel_fields).collect();
    let offset = |name: &str| {
        undrawn
            .iter()
            .find(|c| {
                c.channel == Channel::Undrawn(if name == "x" { "xOffset" } else { "yOffset" })
            })
            .cloned()
    };
    let (x_offset, y_offset) = (offset("x"), offset("y"));
    let detail = view.detail.iter().map(field_name).collect();
    Plan {
        steps,
        x,
        y,
        color,
        text,
        undrawn,
        x_offset,
        y_offset,
        detail,
        value_channel,
        implicit_parse,
    }
}

/// The channel along which bars extend, as Vega-Lite orients them: the one quantitative
/// channel; with two, the aggregated one, else `mark.orient`, else y (vertical bars).
fn value_channel(view: &View) -> Channel {
    let quantitative = |d: &Option<PositionDef>| d.as_ref().is_some_and(|d| !d.ty.is_discrete());
    let aggregated = |d: &Option<PositionDef>| d.as_ref().is_some_and(|d| d.aggregate.is_some());
    match (quantitative(&view.x), quantitative(&view.y)) {
        (true, false) => Channel::X,
        (false, true) => Channel::Y,
        _ if aggregated(&view.x) && !aggregated(&view.y) => Channel::X,
        _ if aggregated(&view.y) && !aggregated(&view.x) => Channel::Y,
        _ => view.mark_props.orient.unwrap_or(Channel::Y),
    }
}

/// Which channel is stacked, if any, following Vega-Lite's `stack()` rules for the marks
/// storychart has: bars stack by default on their one quantitative channel, unless the view
/// is aggregated with nothing to stack by, or the channel says `stack: null`.
fn stacked_channel(view: &View, value: Channel) -> Option<(Channel, StackOffset)> {
    let explicit = [&view.x, &view.y]
        .into_iter()
        .flatten()
        .any(|d| d.stack.is_some_and(|s| s.is_some()));
    if !view.mark.stacks_by_default() && !explicit {
        return None;
    }
    let def = match value {
        Channel::X => view.x.as_ref()?,
        _ => view.y.as_ref()?,
    };
    let ranged = match value {
        Channel::X => view.x2.is_some(),
        _ => view.y2.is_some(),
    };
    if ranged {
        return None;
    }
    if def.ty.is_discrete() {
        return None;
    }
    let offset = match def.stack {
        Some(explicit) => explicit?,
        None => StackOffset::Zero,
    };
    let aggregated = [&view.x, &view.y]
        .into_iter()
        .flatten()
        .any(|d| d.aggregate.is_some());
    if aggregated && stack_by(view).is_none() {
        return None;
    }
    Some((def.channel, offset))
}

/// The field stacks are split by: the colour field, unless it is aggregated or is the bars'
/// own dimension field (Vega-Lite's `stackBy`).
fn stack_by(view: &View) -> Option<String> {
    let color = view.color.as_ref().filter(|c| c.aggregate.is_none())?;
    let name = field_name(color);
    let offsets = view
        .undrawn
        .iter()
        .filter(|d| matches!(d.channel, Channel::Undrawn("xOffset" | "yOffset")));
    let dimension = [&view.x, &view.y]
        .into_iter()
        .flatten()
        .filter(|d| d.ty.is_discrete())
        .chain(offsets)
        .map(field_name)
        .collect::<Vec<_>>();
    (!dimension.contains(&name)).then_some(name)
}

fn dedup(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::from_json_rows;
    use crate::data::Table;
    use crate::spec::{normalize, parse_spec};

    fn run(spec: &str) -> (Plan, Table) {
        let parsed = parse_spec(spec).unwrap();
        let view = normalize(&parsed).unwrap();
        let plan = plan(&view);
        let crate::spec::DataSource::Inline(values) = &view.data else {
            panic!("inline data expected")
        };
        let table = execute(&plan, from_json_rows(values, "inline").unwrap()).unwrap();
        (plan, table)
    }

    #[test]
    fn plain_bars_stack_from_zero_with_vega_lite_names() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"a": "A", "b": 28}, {"a": "A", "b": 12}, {"a": "B", "b": 55}]},
                "mark": "bar", "encoding": {"x": {"field": "a", "type": "nominal"},
                "y": {"field": "b", "type": "quantitative"}}}"#,
        );
        assert_eq!(plan.mark_fields(), vec!["a", "b_end", "b_start"]);
        assert_eq!(t.column("b_start").unwrap().number(1), Some(28.0));
        assert_eq!(t.column("b_end").unwrap().number(1), Some(40.0));
    }

    #[test]
    fn aggregated_bars_group_by_the_other_channel_and_do_not_stack() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"g": "girls", "v": 50}, {"g": "boys", "v": 3}, {"g": "girls", "v": 1}]},
                "mark": "bar", "encoding": {"y": {"field": "g"}, "x": {"aggregate": "sum", "field": "v"}}}"#,
        );
        assert_eq!(plan.mark_fields(), vec!["g", "sum_v"]);
        assert_eq!(t.num_rows(), 2);
        assert_eq!(t.column("sum_v").unwrap().number(0), Some(51.0));
    }

    #[test]
    fn count_needs_no_field_and_stack_null_turns_stacking_off() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"g": "a"}, {"g": "a"}]}, "mark": "bar",
                "encoding": {"x": {"field": "g"}, "y": {"aggregate": "count"}}}"#,
        );
        assert_eq!(plan.mark_fields(), vec!["__count", "g"]);
        assert_eq!(t.column("__count").unwrap().number(0), Some(2.0));
        let (plan, _) = run(r#"{"data": {"values": [{"g": "a", "v": 1}]}, "mark": "bar",
                "encoding": {"x": {"field": "g"}, "y": {"field": "v", "type": "quantitative", "stack": null}}}"#);
        assert_eq!(plan.mark_fields(), vec!["g", "v"]);
    }
}
