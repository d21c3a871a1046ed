//! Stage 3: a view's data work as an ordered plan of kernel calls, with Vega-Lite's field names.
//!
//! [`plan()`] reads a normalized [`View`] and decides, as Vega-Lite's compiler does, which
//! steps run: the encoding-level aggregate (group by every non-aggregated field channel) and
//! the implicit stack of bars. Each step names the fields it reads and the fields it writes
//! (`sum_people`, `__count`, `b_start`/`b_end`), so [`execute()`]'s output can be compared
//! with Vega's mark data directly. [`ChannelFields`] says which output field each position
//! channel reads.

mod exec;
mod histogram;
pub mod params;
pub mod predicate;
pub mod selection;

pub use exec::{execute, execute_from, execute_with, filter_mask};
pub use params::ParamState;

use crate::data::kernels::{AggregateOp, Order};
use crate::spec::transform::Transform;
use crate::spec::{Channel, MarkKind, PositionDef, StackOffset, View};

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
        /// `(argmin or argmax, field whose extreme picks the row, field read from that row,
        /// output field)`.
        args: Vec<(AggregateOp, String, String, String)>,
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
        /// A binned unit: `field` already holds unit starts, only the end is computed.
        binned: bool,
        /// Output field of the unit start.
        as_start: String,
        /// Output field of the unit end.
        as_end: String,
    },
    /// Vega-Lite's `offsetted_rect` formulas for a time-unit band at `fraction` (its band
    /// position + 0.5): `as_start = (1-f)·offset(start, -step) + f·start` and
    /// `as_end = (1-f)·start + f·end`.
    BandOffset {
        /// The unit start field.
        start: String,
        /// The unit end field.
        end: String,
        /// The unit (its smallest part and step give the offset).
        unit: crate::data::kernels::TimeUnit,
        /// The band position + 0.5.
        fraction: f64,
        /// Output field of the offset start.
        as_start: String,
        /// Output field of the offset end.
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
        /// For lines and areas: impute 0 for every `(stack-by group, key)` pair that is
        /// missing, with the key field and the stack-by fields, as Vega-Lite does.
        impute: Option<(String, Vec<String>)>,
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
    /// For stacked lines and areas: the stacked field, which the mark reads to break its path
    /// at invalid values.
    pub defined: Option<String>,
    /// The `order` channel's output field and direction: lines join their points in this
    /// order instead of by x.
    pub order: Option<(String, Order)>,
}

impl Plan {
    /// The sorted, de-duplicated output fields the mark reads (the `fields` of mark data).
    pub fn mark_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> = [&self.x, &self.y, &self.color, &self.text]
            .into_iter()
            .flatten()
            .chain(&self.undrawn)
            .flat_map(|c| std::iter::once(c.field.clone()).chain(c.field2.clone()))
            .chain(self.defined.clone())
            .filter(|f| !f.starts_with(crate::spec::normalize::DATUM_FIELD))
            .collect();
        crate::sorting::sort(&mut fields);
        fields.dedup();
        fields
    }
}

/// The name Vega-Lite gives a field definition's output (`vgField`): `__count`, `sum_b`, `b`.
pub fn field_name(def: &PositionDef) -> String {
    match (def.aggregate, def.field.as_deref()) {
        (Some(AggregateOp::Count), _) => "__count".to_string(),
        // Vega-Lite's `argmax_date["price"]`: a property of the arg row, a real path.
        (Some(op), Some(field)) if def.arg.is_some() => format!(
            "{}_{}{ARG_PATH_SEPARATOR}{field}",
            op.name(),
            def.arg.as_deref().unwrap_or_default()
        ),
        (Some(op), Some(field)) => format!("{}_{field}", op.name()),
        (None, Some(field)) => match (&def.bin, &def.time_unit) {
            (Some(bin), _) => format!("{}_{field}", bin.name),
            (None, Some(unit)) if unit.binned => field.to_string(),
            (None, Some(unit)) => format!("{}_{field}", unit.name),
            (None, None) => field.to_string(),
        },
        (_, None) => String::new(),
    }
}

/// Joins an `argmin`/`argmax` output and the property read from its row in a column name
/// (`argmax_date` + `price`); mark data writes it as the path `argmax_date.price`.
pub const ARG_PATH_SEPARATOR: char = '\u{1f}';

/// The field of a binned or time-unit channel's other end (`bin_..._end`, `month_date_end`).
fn end_field(def: &PositionDef) -> Option<String> {
    let ranged = def.aggregate.is_none() && (def.bin.is_some() || def.time_unit.is_some());
    ranged.then(|| format!("{}_end", field_name(def)))
}

/// The `_range` label field Vega-Lite adds for a binned field on a discrete scale channel
/// (`bin_maxbins_10_x_range`), if `def` is one.
fn range_field(def: &PositionDef) -> Option<String> {
    let scale_channel = matches!(
        def.channel,
        Channel::X
            | Channel::Y
            | Channel::Color
            | Channel::Undrawn(
                "size"
                    | "shape"
                    | "opacity"
                    | "fillOpacity"
                    | "strokeOpacity"
                    | "strokeWidth"
                    | "strokeDash"
                    | "angle"
                    | "xOffset"
                    | "yOffset"
            )
    );
    (def.bin.is_some() && def.aggregate.is_none() && def.ty.is_discrete() && scale_channel)
        .then(|| format!("{}_range", field_name(def)))
}

/// `datum["name"]` with the name as a JSON string literal.
fn field_ref(name: &str) -> String {
    let quoted = serde_json::to_string(name).unwrap_or_else(|_| "\"\"".to_string());
    format!("datum[{quoted}]")
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
    .chain(&view.order)
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
    // Vega-Lite's `alignStackOrderWithColorDomain`: a calculated index into the colour
    // domain becomes the stack order (and a group key of the aggregate).
    let color_field = view.color.as_ref().and_then(|c| c.field.clone());
    let domain_order = match (&view.color_domain, color_field) {
        (Some(domain), Some(field)) if stacked_channel(view, value_channel(view)).is_some() => {
            let name = format!("_{field}_sort_index");
            let list = serde_json::to_string(domain).unwrap_or_else(|_| "[]".to_string());
            steps.push(Step::Transform {
                index: view.transforms.len(),
                transform: Transform::Calculate {
                    expr: format!("indexof({list}, {})", field_ref(&field)),
                    as_name: name.clone(),
                },
            });
            Some(name)
        }
        _ => None,
    };
    for def in &defs {
        let (Some(field), None) = (&def.field, def.aggregate) else {
            continue;
        };
        let (as_start, as_end) = (field_name(def), format!("{}_end", field_name(def)));
        if let Some(bin) = &def.bin {
            let range = range_field(def);
            steps.push(Step::Bin {
                field: field.clone(),
                options: bin.options.clone(),
                extent: bin.extent,
                as_start: as_start.clone(),
                as_end: as_end.clone(),
            });
            if let Some(range) = range {
                // Vega-Lite's `binFormatExpression`: "start – end" labels for a binned field
                // on a discrete scale.
                let (s, e) = (field_ref(&as_start), field_ref(&as_end));
                let f = serde_json::to_string(def.axis.format.as_deref().unwrap_or(""))
                    .unwrap_or_else(|_| "\"\"".to_string());
                steps.push(Step::Transform {
                    index: 0,
                    transform: Transform::Calculate {
                        expr: format!(
                            "!isValid({s}) || !isFinite(+{s}) ? \"null\" : format({s}, {f}) + \" \u{2013} \" + format({e}, {f})"
                        ),
                        as_name: range,
                    },
                });
            }
        } else if let Some(unit) = &def.time_unit {
            steps.push(Step::TimeUnit {
                field: field.clone(),
                unit: unit.unit.clone(),
                binned: unit.binned,
                as_start,
                as_end,
            });
        }
    }
    if defs.iter().any(|d| d.aggregate.is_some()) {
        let groupby = dedup(
            defs.iter()
                .filter(|d| d.aggregate.is_none() && d.field.is_some())
                // Fields read by mark-property expressions do not group.
                .filter(|d| d.channel != Channel::Undrawn("markExpr"))
                .flat_map(|d| {
                    std::iter::once(field_name(d))
                        .chain(end_field(d))
                        .chain(range_field(d))
                })
                .chain(domain_order.clone()),
        );
        let ops = dedup_ops(
            defs.iter()
                .filter(|d| d.arg.is_none())
                .filter_map(|d| Some((d.aggregate?, d.field.clone(), field_name(d)))),
        );
        let args = defs
            .iter()
            .filter_map(|d| {
                Some((
                    d.aggregate?,
                    d.arg.clone()?,
                    d.field.clone()?,
                    field_name(d),
                ))
            })
            .collect();
        steps.push(Step::Aggregate { groupby, ops, args });
    }
    let mut band_fields = Vec::new();
    for def in [&view.x, &view.y].into_iter().flatten() {
        let (Some(b), Some(unit), None) = (def.band_position, &def.time_unit, def.aggregate) else {
            continue;
        };
        if b == 0.5 || def.field.is_none() {
            continue;
        }
        let start = field_name(def);
        let (as_start, as_end) = (
            format!("{start}_offsetted_rect_start"),
            format!("{start}_offsetted_rect_end"),
        );
        band_fields.push(ChannelFields {
            channel: Channel::Undrawn("bandPosition"),
            field: as_start.clone(),
            field2: Some(as_end.clone()),
            spec_path: format!("encoding.{}.bandPosition", def.channel.name()),
        });
        steps.push(Step::BandOffset {
            end: format!("{start}_end"),
            start,
            unit: unit.unit.clone(),
            fraction: b + 0.5,
            as_start,
            as_end,
        });
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
    let mut defined = None;
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
            // Vega-Lite appends the suffix to the field as written, then flattens the path:
            // `ranges[2]` stacks into `ranges.2._start`, `a.b` into `a.b_start`.
            let bracket = match stacked {
                Channel::X => view.x.as_ref(),
                _ => view.y.as_ref(),
            }
            .is_some_and(|d| d.bracket_path);
            let sep = if bracket { "." } else { "" };
            let as_start = format!("{field}{sep}_start");
            let as_end = format!("{field}{sep}_end");
            target.field = as_end.clone();
            // Only bars and areas read a stack's start; lines and areas test the stacked
            // field itself for a break in the path (Vega-Lite's `defined`).
            let kind = view.mark;
            let reads_start = matches!(
                kind,
                MarkKind::Bar | MarkKind::Rect | MarkKind::Area | MarkKind::Arc
            );
            // Text on arcs sits at the middle of its wedge.
            if reads_start || view.polar.is_some() {
                target.field2 = Some(as_start.clone());
            }
            if matches!(kind, MarkKind::Line | MarkKind::Area) {
                defined = Some(field.clone());
            }
            // Vega-Lite orders each stack by the stack-by field: descending when stacking
            // upward (y), ascending when stacking rightward (x).
            let order = if stacked == Channel::X {
                Order::Ascending
            } else {
                Order::Descending
            };
            let stack_by_fields = stack_by(view);
            let sort = match (&view.order, &domain_order) {
                // The `order` channel, when given, orders the pieces instead.
                (Some(o), _) => vec![(field_name(o), order_of(o))],
                // Stacks follow the colour domain: ascending for horizontal bars.
                (None, Some(name)) if stacked == Channel::X => {
                    vec![(name.clone(), Order::Ascending)]
                }
                (None, Some(name)) => vec![(name.clone(), Order::Descending)],
                (None, None) => stack_by_fields.iter().map(|f| (f.clone(), order)).collect(),
            };
            // Vega-Lite imputes stacked path marks (lines, areas) over an unbinned dimension.
            let dimension = other
                .as_ref()
                .filter(|d| d.bin.is_none() && d.field.is_some());
            let impute = match (view.mark, dimension) {
                (crate::spec::MarkKind::Line | crate::spec::MarkKind::Area, Some(d)) => {
                    Some((field_name(d), stack_by_fields))
                }
                _ => None,
            };
            steps.push(Step::Stack {
                field,
                groupby,
                offset,
                sort,
                impute,
                as_start,
                as_end,
            });
        }
    }
    // Vega-Lite filters invalid values of every channel with a continuous scale domain
    // (counts are always valid), unless the mark or `config.scale.invalid` shows them.
    let shown = view.invalid_filtered_except.as_deref();
    let invalid: Vec<String> = dedup(
        defs.iter()
            .filter(|d| continuous_scale_channel(d))
            .filter(|d| shown.is_some_and(|s| !s.iter().any(|c| c == d.channel.name())))
            .map(|d| field_name(d)),
    );
    // Lines and areas keep invalid rows by default (Vega-Lite breaks the path there), any
    // mark with `invalid: null`.
    if !invalid.is_empty() && !view.keep_invalid {
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
        match t {
            Transform::Filter(pred) => predicate::implicit_parse(pred, &mut implicit_parse),
            // The input of a time unit is always a date.
            Transform::TimeUnit { field, .. }
                if !implicit_parse.iter().any(|(f, _)| f == field) =>
            {
                implicit_parse.push((field.clone(), "date"));
            }
            _ => {}
        }
    }
    // Non-position channels read a bin's or time unit's start only (their legends label it).
    let start_only = |def: &PositionDef| ChannelFields {
        field2: None,
        ..channel_fields(def)
    };
    let color = view.color.as_ref().map(start_only);
    let text = view.text.as_ref().map(channel_fields);
    let mut undrawn: Vec<ChannelFields> = view.undrawn.iter().map(channel_fields).collect();
    undrawn.extend(band_fields);
    // Binned fields on discrete scales carry their "start – end" labels in the mark data.
    for def in [&view.x, &view.y, &view.color].into_iter().flatten() {
        if let Some(range) = range_field(def) {
            undrawn.push(ChannelFields {
                channel: Channel::Undrawn("range"),
                field: range,
                field2: None,
                spec_path: format!("encoding.{}.bin", def.channel.name()),
            });
        }
    }
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
        defined,
        order: view.order.as_ref().map(|o| (field_name(o), order_of(o))),
    }
}

/// The direction of the `order` channel (`sort: "descending"`).
fn order_of(def: &PositionDef) -> Order {
    if def.sort == crate::spec::SortOrder::Descending {
        Order::Descending
    } else {
        Order::Ascending
    }
}

/// Makes an overlay (the line or points Vega-Lite adds for `mark.line`/`mark.point`) stack
/// as the mark it overlays does: its stacked channel gets that stack offset explicitly.
pub fn share_stack(base: &View, overlay: &mut View) {
    let Some((channel, offset)) = stacked_channel(base, value_channel(base)) else {
        return;
    };
    let def = match channel {
        Channel::X => overlay.x.as_mut(),
        _ => overlay.y.as_mut(),
    };
    if let Some(def) = def {
        def.stack = Some(Some(offset));
    }
}

/// Whether `def` is on a scale channel whose scale has a continuous domain (Vega-Lite's
/// `hasContinuousDomain`): quantitative or temporal, not a count, and not a binned colour
/// (bin-ordinal) or a discrete scale type.
fn continuous_scale_channel(def: &PositionDef) -> bool {
    use crate::spec::scale::ScaleKind;
    let scale_channel = match def.channel {
        Channel::X | Channel::Y | Channel::Color => true,
        Channel::Undrawn(name) => matches!(
            name,
            "size" | "opacity" | "fillOpacity" | "strokeOpacity" | "strokeWidth" | "angle"
        ),
        _ => false,
    };
    let discrete_kind = def.scale.kind.is_some_and(ScaleKind::is_discrete);
    let bin_ordinal = def.channel == Channel::Color && def.bin.is_some();
    scale_channel
        && !def.ty.is_discrete()
        && !discrete_kind
        && !bin_ordinal
        && def.aggregate != Some(AggregateOp::Count)
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
    let second = match value {
        Channel::X => Channel::X2,
        _ => Channel::Y2,
    };
    let ranged = match value {
        Channel::X => view.x2.is_some(),
        _ => view.y2.is_some(),
    } || view.constants.iter().any(|(c, _)| *c == second);
    if ranged {
        return None;
    }
    // Only an unbinned quantitative field stacks (Vega-Lite's `isUnbinnedQuantitative`).
    if def.ty != crate::spec::FieldType::Quantitative || def.bin.is_some() {
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
    if aggregated && stack_by(view).is_empty() {
        return None;
    }
    Some((def.channel, offset))
}

/// The fields stacks are split by (Vega-Lite's `stackBy`): the fields of every non-position
/// channel in Vega-Lite's channel order (colour, opacities, size, shape, text, detail, ...),
/// except aggregated ones and the bars' own dimension fields.
fn stack_by(view: &View) -> Vec<String> {
    const ORDER: [&str; 15] = [
        "color",
        "opacity",
        "fillOpacity",
        "strokeOpacity",
        "strokeWidth",
        "strokeDash",
        "size",
        "angle",
        "shape",
        "condition",
        "order",
        "text",
        "detail",
        "key",
        "description",
    ];
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
    let mut by: Vec<(usize, String)> = view
        .color
        .iter()
        .chain(&view.undrawn)
        .chain(&view.text)
        .chain(&view.detail)
        .filter(|d| d.aggregate.is_none() && d.field.is_some())
        .filter_map(|d| {
            let rank = ORDER.iter().position(|c| *c == d.channel.name())?;
            Some((rank, field_name(d)))
        })
        .filter(|(_, name)| !dimension.contains(name))
        .collect();
    crate::sorting::sort_by_key(&mut by, |(rank, _)| *rank);
    dedup(by.into_iter().map(|(_, name)| name))
}

/// Aggregate ops without repeated outputs (two channels may show the same `min_x`).
fn dedup_ops(
    ops: impl Iterator<Item = (AggregateOp, Option<String>, String)>,
) -> Vec<(AggregateOp, Option<String>, String)> {
    let mut out: Vec<(AggregateOp, Option<String>, String)> = Vec::new();
    for op in ops {
        if !out.iter().any(|o| o.2 == op.2) {
            out.push(op);
        }
    }
    out
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

    #[test]
    fn bin_and_time_unit_transforms_write_start_and_end() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"v": 1, "d": 1584230400000}, {"v": 9, "d": 1625097600000}]},
                "transform": [{"bin": true, "field": "v", "as": "b"},
                              {"timeUnit": "year", "field": "d", "as": "y"},
                              {"timeUnit": "binnedyearmonth", "field": "y", "as": "m"}],
                "mark": "bar", "encoding": {"x": {"field": "b", "type": "quantitative"}, "x2": {"field": "b_end"}}}"#,
        );
        assert_eq!(t.column("b").unwrap().number(1), Some(8.0));
        assert_eq!(t.column("b_end").unwrap().number(0), Some(2.0));
        // The field is parsed as a date (the input of a time unit always is).
        assert!(plan.implicit_parse.contains(&("d".to_string(), "date")));
        assert_eq!(t.column("y").unwrap().number(0), Some(1_577_836_800_000.0));
        assert_eq!(
            t.column("y_end").unwrap().number(0),
            Some(1_609_459_200_000.0)
        );
        // Binned: the start is the field as it is, the end one month on.
        assert_eq!(t.column("m").unwrap().number(1), Some(1_609_459_200_000.0));
        assert_eq!(
            t.column("m_end").unwrap().number(1),
            Some(1_612_137_600_000.0)
        );
    }

    #[test]
    fn time_unit_objects_and_band_positions_name_fields_as_vega_lite() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"d": 1577837220000, "v": 1}, {"d": 1577836980000, "v": 2}]},
                "mark": "bar", "encoding": {
                "x": {"field": "d", "timeUnit": {"unit": "minutes", "step": 5}, "bandPosition": 0},
                "y": {"aggregate": "sum", "field": "v"}}}"#,
        );
        assert_eq!(
            plan.mark_fields(),
            vec![
                "minutes_step_5_d",
                "minutes_step_5_d_end",
                "minutes_step_5_d_offsetted_rect_end",
                "minutes_step_5_d_offsetted_rect_start",
                "sum_v"
            ]
        );
        let start = t.column("minutes_step_5_d").unwrap().number(0).unwrap();
        assert_eq!(
            t.column("minutes_step_5_d_offsetted_rect_start")
                .unwrap()
                .number(0),
            Some(start - 150_000.0)
        );
        assert_eq!(
            t.column("minutes_step_5_d_offsetted_rect_end")
                .unwrap()
                .number(0),
            Some(start + 150_000.0)
        );
    }

    #[test]
    fn stacks_follow_a_colour_domain_and_split_by_every_non_position_field() {
        let data = r#"[{"a": "A", "c": "p", "v": 1}, {"a": "A", "c": "q", "v": 2}]"#;
        let spec = |color: &str| {
            format!(
                r#"{{"data": {{"values": {data}}}, "mark": "bar", "encoding": {{
                "x": {{"field": "a"}}, "y": {{"field": "v", "type": "quantitative"}}, {color}}}}}"#
            )
        };
        // Without a domain, upward stacks go by the colour field descending: q then p.
        let (_, t) = run(&spec(r#""color": {"field": "c"}"#));
        assert_eq!(t.column("v_start").unwrap().number(1), Some(0.0));
        // With a domain [q, p], descending by domain index: p (index 1) first.
        let (_, t) = run(&spec(
            r#""color": {"field": "c", "scale": {"domain": ["q", "p"]}}"#,
        ));
        assert_eq!(t.column("v_start").unwrap().number(0), Some(0.0));
        assert_eq!(t.column("_c_sort_index").unwrap().number(0), Some(1.0));
        // An order field sorts the stack (ascending by default): p (o = 2) after q (o = 1).
        let ordered = spec(r#""color": {"field": "c"}, "order": {"field": "o"}"#)
            .replace(r#""v": 1}"#, r#""v": 1, "o": 2}"#);
        let ordered = ordered.replace(r#""v": 2}"#, r#""v": 2, "o": 1}"#);
        let (_, t) = run(&ordered);
        assert_eq!(t.column("v_start").unwrap().number(0), Some(2.0));
        // A size field splits stacks as a colour field does.
        let (plan, _) = run(&spec(r#""size": {"field": "c"}"#));
        assert!(plan.mark_fields().contains(&"v_end".to_string()));
    }

    #[test]
    fn argmin_and_argmax_encodings_read_a_field_of_the_extreme_row() {
        let (plan, t) = run(
            r#"{"data": {"values": [{"g": "a", "d": 2, "p": 10}, {"g": "a", "d": 5, "p": 20}, {"g": "a", "d": 1, "p": 30}]},
                "mark": "text", "encoding": {"x": {"field": "g"},
                "y": {"aggregate": {"argmax": "d"}, "field": "p"},
                "text": {"aggregate": {"argmin": "d"}, "field": "p"}}}"#,
        );
        let sep = ARG_PATH_SEPARATOR;
        let max = format!("argmax_d{sep}p");
        let min = format!("argmin_d{sep}p");
        assert!(plan.mark_fields().contains(&max));
        assert_eq!(t.column(&max).unwrap().number(0), Some(20.0));
        assert_eq!(t.column(&min).unwrap().number(0), Some(30.0));
        assert_eq!(crate::mark::data::field_path(&max), "argmax_d.p");
    }
}
