//! Laying a chart out: shared scales over every unit, axes, legend, title, then each unit's
//! marks.
//!
//! Stage: scales, guides, marks and scene. A layered chart resolves one domain per position
//! channel over all of its layers (the union of their categories in order, or the overall
//! extent), takes each axis from the first layer that has the channel, and draws the layers
//! in order on those shared scales. Chart-level properties (title, size, padding, background)
//! come from the first unit.

use super::{Chart, Unit};
use crate::data::kernels::positions_in;
use crate::data::Table;
use crate::error::Result;
use crate::guide::legend::{AnyLegend, LEGEND_OFFSET, LEGEND_SPACING};
use crate::guide::{translate, Axis, ChartTitle, Orient};
use crate::interact::frame::{clip_marks, zoomed, Frame, FrameAxis};
use crate::layout::scales::Domain;
use crate::layout::{PositionScale, TextMeasure};
use crate::mark::{self, MarkChannel, MarkEncoding};
use crate::plan::ChannelFields;
use crate::scale::LocaleName;
use crate::scene::{Color, Item, Rect, Role, Scene, Theme, ThemeName};
use crate::spec::scale::ScaleSpec;
use crate::spec::{MarkKind, PositionDef, Size};

/// Vega-Lite's default size of a continuous plot dimension (`config.view.continuousWidth` and
/// `continuousHeight`: 300 in Vega-Lite 6, as the review page shows beside vega-embed).
pub const DEFAULT_CONTINUOUS_SIZE: f64 = 300.0;

/// The share of a container's width above which a colour legend moves under the plot.
const LEGEND_BELOW_SHARE: f64 = 0.25;

/// Size hints from the host: the container's size in CSS pixels, for `"container"` sizes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SceneOptions {
    /// The container's width.
    pub container_width: Option<f64>,
    /// The container's height.
    pub container_height: Option<f64>,
    /// Light or dark.
    pub theme: ThemeName,
    /// The locale of axis labels (numbers and dates).
    pub locale: LocaleName,
}

/// A position channel resolved over all units: the definition its axis comes from and the
/// shared domain.
struct Resolved<'a> {
    def: &'a PositionDef,
    domain: Domain,
    /// The axis: the first unit's, titled with every unit's field titles (see
    /// [`Chart::axis_titles`]).
    axis: crate::spec::AxisSpec,
    /// The channel's scale properties with mark-dependent defaults filled in.
    scale: ScaleSpec,
}

impl Chart {
    /// Lays the chart out and returns its scene.
    pub fn scene(&self, options: &SceneOptions, measure: &dyn TextMeasure) -> Result<Scene> {
        self.layout(options, measure).map(|(scene, _)| scene)
    }

    /// Lays the chart out and returns its scene and the plot [`Frame`] (where the plot is and
    /// its scales), which interaction reads to turn pointer positions into data values.
    pub fn layout(
        &self,
        options: &SceneOptions,
        measure: &dyn TextMeasure,
    ) -> Result<(Scene, Frame)> {
        let Some(first) = self.units.first() else {
            return Ok((Scene::default(), Frame::default()));
        };
        let view = &first.view;
        for unit in &self.units {
            let v = &unit.view;
            if let Some(e) = &v.render_error {
                return Err(e.clone());
            }
            let defs = [&v.x, &v.y, &v.x2, &v.y2, &v.color];
            if let Some(e) = defs
                .into_iter()
                .flatten()
                .chain(&v.undrawn)
                .find_map(|d| d.render_error.clone())
            {
                return Err(e);
            }
        }
        let usable = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
        let options = &SceneOptions {
            container_width: usable(options.container_width),
            container_height: usable(options.container_height),
            theme: options.theme,
            locale: options.locale,
        };
        if self.is_polar() {
            // Arcs have no position scales: a legend click is all the frame serves.
            let channels = self.channels()?;
            let color = channels.color_categories();
            let scene = self.polar_scene(options, measure, channels)?;
            let frame = Frame {
                width: scene.width,
                height: scene.height,
                color,
                ..Frame::default()
            };
            return Ok((scene, frame));
        }
        let bands = self.units.iter().any(|u| u.view.mark.uses_bands());
        let x_offset = self.offset_domain("xOffset", |u| &u.plan.x_offset)?;
        let y_offset = self.offset_domain("yOffset", |u| &u.plan.y_offset)?;
        let mut x = self.resolve(|u| (&u.view.x, &u.plan.x, &u.plan.y))?;
        let mut y = self.resolve(|u| (&u.view.y, &u.plan.y, &u.plan.x))?;
        if let Some(x) = &mut x {
            x.axis.title = self.axis_titles(|u| [&u.view.x, &u.view.x2]);
        }
        if let Some(y) = &mut y {
            y.axis.title = self.axis_titles(|u| [&u.view.y, &u.view.y2]);
        }
        // Scales bound to an interval selection (`bind: "scales"`) show its range.
        let zooms = self.params.scale_domains();
        let zoom = |r: Option<&Resolved<'_>>| {
            let field = r?.def.field.as_deref()?;
            zooms.iter().find(|(f, _)| f == field).map(|(_, d)| *d)
        };
        let (x_zoom, y_zoom) = (zoom(x.as_ref()), zoom(y.as_ref()));
        let [pl, pt, pr, pb] = view.padding;

        // Height first: it does not depend on the margins.
        let height = plot_size(
            per_offset(view.height, y_offset.as_ref()),
            y.as_ref(),
            options.container_height,
            bands,
            x.is_some(),
        );
        // Values grow upward; categories run top to bottom (the first at the top), as in Vega-Lite.
        let y_scale = y.as_ref().map(|c| {
            let range = match c.domain {
                Domain::Discrete(_) => [0.0, height],
                Domain::Continuous(_) | Domain::Temporal(_) => [height, 0.0],
            };
            zoomed(
                c.domain
                    .clone()
                    .scale_for(range, bands, &c.scale, nice_default(c.def)),
                y_zoom,
            )
        });
        let y_axis = match (&y, &y_scale) {
            (Some(c), Some(s)) => Some(Axis::new(
                &c.axis,
                Orient::Left,
                s,
                height,
                measure,
                options.locale,
            )),
            _ => None,
        };
        let left = y_axis.as_ref().map_or(0.0, Axis::extent);

        let channels = self.channels()?;
        let base = Color::parse(&view.mark_props.fill).unwrap_or(Color::BLACK);
        let legends = channels.legends(view.mark, base, height, measure);
        let legend_w = legends.iter().map(AnyLegend::extent).fold(0.0, f64::max);
        // In a narrow container (a phone column) legends on the right would take a large
        // share of the width: they go under the plot instead.
        let legend_below = view.width == Size::Container
            && options
                .container_width
                .is_some_and(|c| legend_w > c * LEGEND_BELOW_SHARE);
        let legend_w = if legend_below { 0.0 } else { legend_w };
        let mut width = match view.width {
            Size::Container => {
                let container = options.container_width.unwrap_or(DEFAULT_CONTINUOUS_SIZE);
                (container - pl - pr - left - legend_w).max(0.0)
            }
            other => plot_size(
                per_offset(other, x_offset.as_ref()),
                x.as_ref(),
                None,
                bands,
                y.is_some(),
            ),
        };
        let (mut x_scale, mut x_axis) = x_guides(
            bands,
            x.as_ref(),
            x_zoom,
            width,
            height,
            measure,
            options.locale,
        );
        let mut right = x_axis.as_ref().map_or(0.0, Axis::overhang_end);
        if view.width == Size::Container && right > legend_w {
            // Narrow the plot so the last label fits inside the container.
            width = (width - right).max(0.0);
            (x_scale, x_axis) = x_guides(
                bands,
                x.as_ref(),
                x_zoom,
                width,
                height,
                measure,
                options.locale,
            );
            right = x_axis.as_ref().map_or(0.0, Axis::overhang_end);
        }
        let right = right.max(legend_w);
        let y_axis = y_axis.map(|a| a.with_cross(width));
        let bottom = x_axis.as_ref().map_or(0.0, Axis::extent);
        let title = view.title.as_ref().map(|t| ChartTitle::new(t, measure));
        let top = title
            .as_ref()
            .map_or(0.0, ChartTitle::extent)
            .max(y_axis.as_ref().map_or(0.0, Axis::overhang_top));

        // Whole pixels, so 1px guide lines stay sharp.
        let mut origin = ((pl + left).ceil(), (pt + top).ceil());
        let mut items = Vec::new();
        let mut total_w = match view.width {
            Size::Container => options
                .container_width
                .unwrap_or(pl + left + width + right + pr),
            _ => {
                // A title wider than the chart widens it, as Vega's autosize pads to its bounds.
                let title_w = title.as_ref().map_or(0.0, ChartTitle::width);
                (pl + left + width + right + pr).max(pl + title_w + pr)
            }
        };
        #[allow(clippy::cast_precision_loss)]
        let legend_h = legends.iter().map(AnyLegend::height).sum::<f64>()
            + LEGEND_SPACING * legends.len().saturating_sub(1) as f64;
        let mut total_h = if legend_below {
            pt + top + height + bottom + LEGEND_OFFSET + legend_h + pb
        } else {
            pt + top + (height + bottom).max(legend_h) + pb
        };
        let bg = view.background.as_deref().unwrap_or("white");
        if let Some(bg) = Color::parse(bg) {
            items.push(Item::Rect(background(total_w, total_h, bg)));
        }
        let mut plot_items = Vec::new();
        if let Some(stroke) = view.view_stroke.as_deref().and_then(Color::parse) {
            plot_items.push(Item::Rect(view_outline(width, height, stroke)));
        }
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.grid_items());
        }
        for (index, unit) in self.units.iter().enumerate() {
            let table = unit.table()?;
            let mut styles = channels.styles(unit, table)?;
            styles.sizes = self.conditional_sizes(unit, table, styles.sizes.take())?;
            let unit_base = Color::parse(&unit.view.mark_props.fill).unwrap_or(Color::BLACK);
            let fills = channels.fills(unit, table, unit_base, &styles)?;
            let fills = self.conditional_fills(unit, table, fills)?;
            let series: Vec<&str> = [&unit.plan.color]
                .into_iter()
                .flatten()
                .map(|c| c.field.as_str())
                .chain(unit.plan.detail.iter().map(String::as_str))
                .collect();
            let text_format = unit
                .view
                .text
                .as_ref()
                .filter(|d| d.ty == crate::spec::FieldType::Quantitative)
                .and_then(|d| d.axis.format.as_deref())
                .and_then(|f| crate::scale::NumberFormat::new(f).ok());
            let encoding = MarkEncoding {
                x: channel(table, unit.plan.x.as_ref(), x_scale.as_ref())?,
                y: channel(table, unit.plan.y.as_ref(), y_scale.as_ref())?,
                value: unit.plan.value_channel,
                fills: fills.as_deref(),
                text: unit.plan.text.as_ref(),
                text_format: text_format.as_ref(),
                series,
                x_offset: offset_channel(
                    table,
                    unit.plan.x_offset.as_ref(),
                    x_offset.as_ref(),
                    x_scale.as_ref(),
                )?,
                y_offset: offset_channel(
                    table,
                    unit.plan.y_offset.as_ref(),
                    y_offset.as_ref(),
                    y_scale.as_ref(),
                )?,
                styles: Some(&styles),
                order: unit
                    .plan
                    .order
                    .as_ref()
                    .map(|(f, o)| (f.as_str(), *o == crate::data::kernels::Order::Descending)),
            };
            let mut items = mark::encode(&mark::MarkInput {
                kind: unit.view.mark,
                table,
                encoding: &encoding,
                props: &unit.view.mark_props,
                plot: (width, height),
                mark: u16::try_from(index).unwrap_or(u16::MAX),
            })?;
            mark::place_constants(&mut items, &unit.view.constants, (width, height));
            plot_items.extend(items);
        }
        // Symbols past the top or right edge of the plot widen the chart, as Vega's
        // `autosize: "pad"` does, so that no point is cut off.
        let (over_top, over_right) = symbol_overhang(&plot_items, width);
        let grow_top = (over_top - top).max(0.0).ceil();
        let grow_right = if view.width == Size::Container {
            0.0
        } else {
            (over_right - right).max(0.0)
        };
        if grow_top > 0.0 || grow_right > 0.0 {
            origin.1 += grow_top;
            total_h += grow_top;
            total_w += grow_right;
            for item in &mut items {
                if let Item::Rect(r) = item {
                    if r.role == Role::Background {
                        r.width = total_w;
                        r.height = total_h;
                    }
                }
            }
        }
        if x_zoom.is_some() || y_zoom.is_some() {
            clip_marks(&mut plot_items, width, height);
        }
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.items());
        }
        let mut legend_y = if legend_below {
            height + bottom + LEGEND_OFFSET
        } else {
            0.0
        };
        for legend in &legends {
            let x = if legend_below {
                0.0
            } else {
                width + LEGEND_OFFSET
            };
            plot_items.extend(legend.items(x, legend_y));
            legend_y += legend.height() + LEGEND_SPACING;
        }
        let scene = finish_scene(
            items,
            plot_items,
            origin,
            width,
            title.as_ref(),
            (total_w, total_h),
            view,
            options.theme,
        );
        let axis = |r: Option<&Resolved<'_>>, scale: Option<PositionScale>| {
            Some(FrameAxis {
                field: r?.def.field.clone()?,
                scale: scale?,
            })
        };
        let frame = Frame {
            left: origin.0,
            top: origin.1,
            width,
            height,
            x: axis(x.as_ref(), x_scale),
            y: axis(y.as_ref(), y_scale),
            color: channels.color_categories(),
        };
        Ok((scene, frame))
    }

    /// One position channel over every unit that encodes it: the first unit's definition (for
    /// the axis) and the union of the units' domains.
    #[allow(clippy::type_complexity)]
    fn resolve<'a>(
        &'a self,
        pick: impl Fn(
            &'a Unit,
        ) -> (
            &'a Option<PositionDef>,
            &'a Option<ChannelFields>,
            &'a Option<ChannelFields>,
        ),
    ) -> Result<Option<Resolved<'a>>> {
        let mut out: Option<Resolved<'a>> = None;
        for unit in &self.units {
            let (def, fields, other) = pick(unit);
            let (Some(def), Some(fields)) = (def, fields) else {
                continue;
            };
            let domain = Domain::from_data(def, fields, unit.table()?, other.as_ref())?;
            out = Some(match out {
                None => Resolved {
                    def,
                    domain,
                    axis: def.axis.clone(),
                    scale: def.scale.clone(),
                },
                Some(r) => Resolved {
                    def: r.def,
                    domain: r.domain.union(domain),
                    axis: r.axis,
                    scale: r.scale,
                },
            });
        }
        // Vega-Lite's `rectBandPaddingInner` is 0: rects alone fill their bands.
        let rects_only = self.units.iter().any(|u| u.view.mark == MarkKind::Rect)
            && self
                .units
                .iter()
                .all(|u| !u.view.mark.uses_bands() || u.view.mark == MarkKind::Rect);
        if let Some(r) = out.as_mut().filter(|_| rects_only) {
            let s = &mut r.scale;
            if s.padding.is_none() && s.padding_inner.is_none() {
                s.padding_inner = Some(0.0);
                s.padding_outer = s.padding_outer.or(Some(0.0));
            }
        }
        Ok(out)
    }

    /// An axis's title lines as Vega-Lite merges them: the titles of the channel's field and
    /// of its second channel (`y` and `y2`) in every unit, each once, joined with ", "
    /// ("Min of Horsepower, Max of Horsepower"). A single distinct title stays as it is
    /// (and may have several lines).
    fn axis_titles<'a>(
        &'a self,
        pick: impl Fn(&'a Unit) -> [&'a Option<PositionDef>; 2],
    ) -> Vec<String> {
        let defs: Vec<&PositionDef> = self
            .units
            .iter()
            .flat_map(|u| {
                let [main, second] = pick(u);
                // A second channel (`y2`) adds its title only when it reads a field.
                main.iter()
                    .chain(second.iter().filter(|d| d.field.is_some()))
            })
            .filter(|d| d.axis.visible)
            .collect();
        // Explicit titles win over defaults, as in Vega-Lite.
        let explicit = defs.iter().any(|d| d.axis.title_explicit);
        let mut titles: Vec<&Vec<String>> = Vec::new();
        for def in defs {
            if def.axis.title_explicit == explicit && !titles.contains(&&def.axis.title) {
                titles.push(&def.axis.title);
            }
        }
        match titles.as_slice() {
            [one] => (*one).clone(),
            many => {
                let joined: Vec<String> = many
                    .iter()
                    .map(|t| t.join(" "))
                    .filter(|t| !t.is_empty())
                    .collect();
                if joined.is_empty() {
                    Vec::new()
                } else {
                    vec![joined.join(", ")]
                }
            }
        }
    }

    /// The categories of an offset channel (`xOffset`) over every unit that has one.
    fn offset_domain<'a>(
        &'a self,
        name: &'static str,
        pick: impl Fn(&'a Unit) -> &'a Option<ChannelFields>,
    ) -> Result<Option<Vec<crate::data::Value>>> {
        let mut out: Option<Vec<crate::data::Value>> = None;
        for unit in &self.units {
            let Some(fields) = pick(unit) else { continue };
            let def = unit
                .view
                .undrawn
                .iter()
                .find(|d| d.channel == crate::spec::Channel::Undrawn(name));
            let Some(def) = def else { continue };
            let Domain::Discrete(values) = Domain::from_data(def, fields, unit.table()?, None)?
            else {
                continue;
            };
            let all = out.get_or_insert_with(Vec::new);
            for v in values {
                if !all.contains(&v) {
                    all.push(v);
                }
            }
        }
        Ok(out)
    }
}

fn channel<'a>(
    table: &Table,
    fields: Option<&'a ChannelFields>,
    scale: Option<&'a PositionScale>,
) -> Result<Option<MarkChannel<'a>>> {
    let (Some(fields), Some(scale)) = (fields, scale) else {
        return Ok(None);
    };
    let bands = match scale {
        PositionScale::Band { domain, .. } => {
            let column = table.require(&fields.spec_path, &fields.field)?;
            Some(positions_in(column, domain))
        }
        PositionScale::Linear(_) | PositionScale::Time(_) => None,
    };
    Ok(Some(MarkChannel {
        fields,
        scale,
        bands,
    }))
}

/// A step size applies to each offset band (grouped bars), so a band holds them all.
fn per_offset(size: Size, offsets: Option<&Vec<crate::data::Value>>) -> Size {
    match (size, offsets) {
        #[allow(clippy::cast_precision_loss)]
        (Size::Step(step), Some(o)) if !o.is_empty() => Size::Step(step * o.len() as f64),
        (size, _) => size,
    }
}

/// The offset bands within one band of `scale` (no padding, as Vega-Lite's offset scales).
fn offset_channel<'a>(
    table: &Table,
    fields: Option<&'a ChannelFields>,
    domain: Option<&'a Vec<crate::data::Value>>,
    scale: Option<&PositionScale>,
) -> Result<Option<mark::OffsetChannel<'a>>> {
    let (Some(fields), Some(domain), Some(PositionScale::Band { scale, .. })) =
        (fields, domain, scale)
    else {
        return Ok(None);
    };
    let column = table.require(&fields.spec_path, &fields.field)?;
    Ok(Some(mark::OffsetChannel {
        fields,
        scale: crate::scale::BandScale::new(domain.len(), [0.0, scale.bandwidth()]),
        rows: positions_in(column, domain),
    }))
}

/// The x scale and axis for a plot `width` wide and `height` high.
fn x_guides(
    bands: bool,
    x: Option<&Resolved<'_>>,
    zoom: Option<[f64; 2]>,
    width: f64,
    height: f64,
    measure: &dyn TextMeasure,
    locale: LocaleName,
) -> (Option<PositionScale>, Option<Axis>) {
    let Some(x) = x else {
        return (None, None);
    };
    let scale = zoomed(
        x.domain
            .clone()
            .scale_for([0.0, width], bands, &x.scale, nice_default(x.def)),
        zoom,
    );
    let axis =
        Axis::new(&x.axis, Orient::Bottom, &scale, width, measure, locale).with_cross(height);
    (Some(scale), Some(axis))
}

/// Vega-Lite's default `nice` of a position scale: on, unless the field is binned or the
/// domain is explicit.
fn nice_default(def: &PositionDef) -> bool {
    def.bin.is_none() && def.scale.domain.is_none()
}

/// The plot size along one dimension. A dimension without a channel, beside one that has
/// a channel (a 1-D bar or strip), is one step thick, as Vega-Lite's `discreteWidth` and
/// `discreteHeight` make it.
fn plot_size(
    size: Size,
    channel: Option<&Resolved<'_>>,
    container: Option<f64>,
    bands: bool,
    other_axis: bool,
) -> f64 {
    let band = channel.and_then(|c| c.domain.band_space_for(bands, &c.scale));
    match (size, band) {
        (Size::Pixels(px), _) => px,
        (Size::Step(step), Some(space)) => step * space,
        (Size::Step(step), None) if channel.is_none() && other_axis => step,
        (Size::Step(_), None) => DEFAULT_CONTINUOUS_SIZE,
        (Size::Container, _) => container.unwrap_or(DEFAULT_CONTINUOUS_SIZE),
    }
}

/// How far point symbols reach above the plot's top and past its right edge (plot
/// coordinates), stroke included.
fn symbol_overhang(items: &[Item], width: f64) -> (f64, f64) {
    items
        .iter()
        .fold((0.0, 0.0), |(top, right), item| match item {
            Item::Symbol(s) if matches!(s.role, Role::Mark(_)) => {
                let half = match s.shape {
                    crate::scene::Shape::Circle => (s.size.max(0.0) / std::f64::consts::PI).sqrt(),
                    crate::scene::Shape::Square => s.size.max(0.0).sqrt() / 2.0,
                } + s.stroke.map_or(0.0, |(_, w)| w / 2.0);
                let (t, r) = (half - s.y, s.x + half - width);
                (
                    if t.is_finite() { f64::max(top, t) } else { top },
                    if r.is_finite() {
                        f64::max(right, r)
                    } else {
                        right
                    },
                )
            }
            _ => (top, right),
        })
}

/// The plot's 1 px outline, behind grid and marks (Vega-Lite's `config.view.stroke`). On the
/// half pixels the axes use: the left edge under the y domain line, the bottom under the x
/// domain line, the top and right where the outermost grid lines fall.
fn view_outline(width: f64, height: f64, stroke: Color) -> Rect {
    Rect {
        x: -0.5,
        y: 0.5,
        width: width.round() + 1.0,
        height: height.round(),
        fill: Color::TRANSPARENT,
        stroke: Some((stroke, 1.0)),
        corner_radius: 0.0,
        role: Role::View,
        row: None,
    }
}

/// The last steps of every layout: the plot's items moved to the plot's `origin` and put over
/// the chart's own, the chart title centred over the plot (but kept inside the chart), and
/// the theme applied.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish_scene(
    mut items: Vec<Item>,
    mut plot_items: Vec<Item>,
    origin: (f64, f64),
    plot_width: f64,
    title: Option<&ChartTitle>,
    (total_w, total_h): (f64, f64),
    view: &crate::spec::View,
    theme: ThemeName,
) -> Scene {
    let [pl, pt, pr, _] = view.padding;
    translate(&mut plot_items, origin.0, origin.1);
    items.extend(plot_items);
    if let Some(title) = title {
        let half = title.width() / 2.0;
        let (lo, hi) = (pl + half, (total_w - pr - half).max(pl + half));
        items.extend(title.items((origin.0 + plot_width / 2.0).clamp(lo, hi), pt));
    }
    let mut scene = Scene {
        width: total_w,
        height: total_h,
        items,
        description: view.description.clone().unwrap_or_default(),
    };
    Theme::of(theme).apply(&mut scene, view.background.is_some());
    scene
}

pub(super) fn background(width: f64, height: f64, fill: Color) -> Rect {
    Rect {
        x: 0.0,
        y: 0.0,
        width,
        height,
        fill,
        stroke: None,
        corner_radius: 0.0,
        role: Role::Background,
        row: None,
    }
}

#[cfg(test)]
mod tests {
    use crate::layout::FixedMetrics;
    use crate::scene::{Item, Role, Scene};
    use crate::{Chart, SceneOptions};

    fn scene(spec: &str) -> Scene {
        Chart::from_spec(spec)
            .unwrap()
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap()
    }

    fn axis_titles(s: &Scene) -> Vec<String> {
        s.items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) if t.role == Role::AxisTitle => Some(t.text.clone()),
                _ => None,
            })
            .collect()
    }

    const DATA: &str = r#""data": {"values": [{"k": "a", "lo": 1, "hi": 4}]}"#;

    #[test]
    fn y_and_y2_titles_merge_unless_one_is_explicit() {
        let merged = scene(&format!(
            r#"{{{DATA}, "mark": "rule", "encoding": {{"x": {{"field": "k", "type": "nominal"}},
               "y": {{"field": "lo", "type": "quantitative"}}, "y2": {{"field": "hi"}}}}}}"#
        ));
        assert_eq!(axis_titles(&merged), ["k", "lo, hi"]);
        let explicit = scene(&format!(
            r#"{{{DATA}, "mark": "rule", "encoding": {{"x": {{"field": "k", "type": "nominal"}},
               "y": {{"field": "lo", "type": "quantitative", "title": "Range"}}, "y2": {{"field": "hi"}}}}}}"#
        ));
        assert_eq!(axis_titles(&explicit), ["k", "Range"]);
    }

    #[test]
    fn points_at_the_plot_corner_stay_inside_the_chart() {
        let s = scene(
            r#"{"data": {"values": [{"a": 0, "b": 0}, {"a": 10, "b": 10}]},
                "mark": {"type": "circle", "size": 400},
                "encoding": {"x": {"field": "a", "type": "quantitative"},
                             "y": {"field": "b", "type": "quantitative"}}}"#,
        );
        let r = (400.0 / std::f64::consts::PI).sqrt();
        let symbols: Vec<_> = s
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Symbol(sy) => Some((sy.x, sy.y)),
                _ => None,
            })
            .collect();
        assert_eq!(symbols.len(), 2);
        for (x, y) in symbols {
            assert!(
                x + r <= s.width && y - r >= 0.0,
                "({x}, {y}) r={r} in {}x{}",
                s.width,
                s.height
            );
        }
    }

    #[test]
    fn a_month_time_axis_labels_months_not_years() {
        let s = scene(
            r#"{"data": {"values": [{"d": "2012-01-05", "v": 1}, {"d": "2012-06-05", "v": 2},
                                     {"d": "2012-12-05", "v": 3}]},
                "mark": "bar",
                "encoding": {"x": {"field": "d", "type": "temporal", "timeUnit": "month"},
                             "y": {"field": "v", "type": "quantitative"}}}"#,
        );
        let labels: Vec<String> = s
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text(t) if t.role == Role::Label && t.y > 300.0 => Some(t.text.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(
            labels.first().map(String::as_str),
            Some("Jan"),
            "{labels:?}"
        );
        assert!(labels.iter().all(|l| l.len() == 3), "{labels:?}");
    }

    #[test]
    fn a_missing_channel_beside_a_present_one_is_one_step_thick() {
        let s = scene(&format!(
            r#"{{{DATA}, "mark": "bar", "encoding": {{"x": {{"field": "hi", "type": "quantitative"}}}}}}"#
        ));
        let bar = s.mark_rects(0).next().unwrap();
        assert!(bar.height > 10.0 && bar.height <= 20.0, "{bar:?}");
        let outline = s.items.iter().find_map(|i| match i {
            Item::Rect(r) if r.role == Role::View => Some(r.height),
            _ => None,
        });
        assert_eq!(outline, Some(20.0));
    }
}
