//! Stage 8: marks encode rows into scene items; [`MarkData`] reads back the rows drawn.
//!
//! A mark reads the planned table and the resolved scales, never the spec. Every item keeps
//! the index of the row it was drawn from where it has one, so hit testing and the mark-data
//! export can go back from pixels to data. [`encode`] dispatches on the mark type.

pub mod arc;
pub mod bar;
pub mod curve;
pub mod data;
pub mod line;
pub mod point;
pub mod position;
pub mod rule;
pub mod style;
pub mod text;

pub use bar::bars;
pub use data::{marks_json, MarkData};

use crate::data::Table;
use crate::error::Result;
use crate::layout::PositionScale;
use crate::plan::ChannelFields;
use crate::scene::{Color, Item};
use crate::spec::{Channel, MarkKind, MarkProps};

/// One position channel as a mark needs it.
pub struct MarkChannel<'a> {
    /// The fields the channel reads.
    pub fields: &'a ChannelFields,
    /// The resolved scale.
    pub scale: &'a PositionScale,
    /// For band and point scales: each row's band, looked up once per draw (no allocation or
    /// search per row).
    pub bands: Option<Vec<Option<u32>>>,
}

impl MarkChannel<'_> {
    /// The band of `row` on a band or point scale.
    pub fn band(&self, row: usize) -> Option<usize> {
        let b = self.bands.as_ref()?.get(row).copied().flatten()?;
        Some(b as usize)
    }
}

/// A band offset within the bands of a position channel (`xOffset`: grouped bars).
pub struct OffsetChannel<'a> {
    /// The fields the offset reads.
    pub fields: &'a ChannelFields,
    /// Bands within one band of the position channel.
    pub scale: crate::scale::BandScale,
    /// Each row's offset band, looked up once per draw.
    pub rows: Vec<Option<u32>>,
}

/// What a mark encodes: its position channels, which one carries the value (bars, areas),
/// the fill of every row from a colour scale (`None`: the mark's colour), the text field and
/// the fields that split series.
pub struct MarkEncoding<'a> {
    /// The x channel.
    pub x: Option<MarkChannel<'a>>,
    /// The y channel.
    pub y: Option<MarkChannel<'a>>,
    /// The channel bars and areas extend along.
    pub value: Channel,
    /// One fill per row.
    pub fills: Option<&'a [Color]>,
    /// The text field (text marks).
    pub text: Option<&'a ChannelFields>,
    /// The text field's number format (its `format`), for quantitative text.
    pub text_format: Option<&'a crate::scale::NumberFormat>,
    /// Fields whose values split lines and areas into series (colour and detail).
    pub series: Vec<&'a str>,
    /// Offsets within x bands (grouped bars).
    pub x_offset: Option<OffsetChannel<'a>>,
    /// Offsets within y bands.
    pub y_offset: Option<OffsetChannel<'a>>,
    /// Sizes, shapes and opacities of the rows, from their scales.
    pub styles: Option<&'a style::RowStyles>,
    /// The `order` field and whether it runs descending: lines join their points in this
    /// order instead of by x.
    pub order: Option<(&'a str, bool)>,
}

impl MarkEncoding<'_> {
    /// The colour of `row`: from the colour scale, or `default`.
    pub fn color(&self, row: usize, default: Color) -> Color {
        self.fills
            .and_then(|f| f.get(row))
            .copied()
            .unwrap_or(default)
    }
}

/// The rows of `table` in drawing order: sorted by the `order` field when there is one
/// (ties keep data order, as Vega's stable sort), else as they are.
pub fn draw_order(table: &Table, encoding: &MarkEncoding<'_>) -> Result<Vec<usize>> {
    let rows = 0..table.num_rows();
    let Some((field, descending)) = encoding.order else {
        return Ok(rows.collect());
    };
    let order = if descending {
        crate::data::kernels::Order::Descending
    } else {
        crate::data::kernels::Order::Ascending
    };
    let column = table.require("encoding.order.field", field)?;
    let cmp = crate::data::kernels::RowComparator::new(&[(column, order)]);
    let rows: Vec<u32> = rows.filter_map(|r| u32::try_from(r).ok()).collect();
    Ok(cmp.sort(&rows).into_iter().map(|r| r as usize).collect())
}

/// Moves items drawn with no x (or y) channel, which the encoders centre on the plot, to a
/// constant pixel position (`x: {"value": 0}`, `mark.y: -5`, `mark.x: "width"`).
pub fn place_constants(
    items: &mut [Item],
    constants: &[(Channel, crate::spec::view::Constant)],
    plot: (f64, f64),
) {
    for (channel, constant) in constants {
        let (dx, dy) = match channel {
            Channel::X => match constant.pixels(plot.0) {
                Some(x) => (x - plot.0 / 2.0, 0.0),
                None => continue,
            },
            Channel::Y => match constant.pixels(plot.1) {
                Some(y) => (0.0, y - plot.1 / 2.0),
                None => continue,
            },
            _ => continue,
        };
        for item in items.iter_mut() {
            match item {
                Item::Text(t) => (t.x, t.y) = (t.x + dx, t.y + dy),
                Item::Symbol(s) => (s.x, s.y) = (s.x + dx, s.y + dy),
                Item::Rect(r) => (r.x, r.y) = (r.x + dx, r.y + dy),
                Item::Rule(_) | Item::Path(_) => {}
            }
        }
    }
}

/// Everything one mark encoder reads: the mark type, the planned table, the encoding, the
/// mark properties, the plot's (width, height), and the mark's index (items carry
/// `Role::Mark(mark)`, the unit or layer they belong to).
#[derive(Clone, Copy)]
pub struct MarkInput<'a> {
    /// The mark type.
    pub kind: MarkKind,
    /// The rows to draw.
    pub table: &'a Table,
    /// Channels and scales.
    pub encoding: &'a MarkEncoding<'a>,
    /// Mark properties.
    pub props: &'a MarkProps,
    /// The plot's width and height.
    pub plot: (f64, f64),
    /// The mark's index.
    pub mark: u16,
}

/// Encodes every drawable row of the input's table as items of its mark type, relative to the
/// plot's top-left corner.
pub fn encode(input: &MarkInput<'_>) -> Result<Vec<Item>> {
    Ok(match input.kind {
        MarkKind::Bar | MarkKind::Rect => bars(input)?.into_iter().map(Item::Rect).collect(),
        MarkKind::Point | MarkKind::Circle | MarkKind::Square => point::symbols(input)?,
        MarkKind::Line | MarkKind::Area => line::paths(input)?,
        MarkKind::Rule | MarkKind::Tick => rule::rules(input)?,
        MarkKind::Text => text::texts(input)?,
        // Arcs need the polar scales: the chart lays them out (`chart/polar.rs`).
        MarkKind::Arc => {
            return Err(crate::error::Error::unsupported(
                "mark",
                "an arc mark outside a polar layout",
            ))
        }
    })
}
