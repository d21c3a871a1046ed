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
use crate::guide::legend::LEGEND_OFFSET;
use crate::guide::{translate, Axis, ChartTitle, Legend, Orient};
use crate::interact::frame::{clip_marks, zoomed, Frame, FrameAxis};
use crate::layout::scales::Domain;
use crate::layout::{PositionScale, TextMeasure};
use crate::mark::{self, MarkChannel, MarkEncoding};
use crate::plan::ChannelFields;
use crate::scale::color::{ordinal, TABLEAU10};
use crate::scale::LocaleName;
use crate::scene::{Color, Item, Rect, Role, Scene, Theme, ThemeName};
use crate::spec::{PositionDef, Size};

/// Vega-Lite's default size of a continuous plot dimension (`config.view.continuousWidth`).
pub const DEFAULT_CONTINUOUS_SIZE: f64 = 200.0;

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
}

/// The categorical colour scale shared by all units, with its legend entries.
struct Colors {
    domain: Vec<crate::data::Value>,
    title: Vec<String>,
    legend: bool,
}

impl Colors {
    fn entries(&self) -> Vec<(String, Color)> {
        self.domain
            .iter()
            .enumerate()
            .map(|(i, v)| (v.to_label(), ordinal(&TABLEAU10, i)))
            .collect()
    }

    /// The fill of every row of `unit`'s table.
    fn fills(&self, unit: &Unit, table: &Table) -> Result<Option<Vec<Color>>> {
        let Some(fields) = &unit.plan.color else {
            return Ok(None);
        };
        let column = table.require(&fields.spec_path, &fields.field)?;
        let opacity = unit.view.mark_props.opacity;
        Ok(Some(
            positions_in(column, &self.domain)
                .into_iter()
                .map(|i| {
                    let c = ordinal(&TABLEAU10, i.unwrap_or(0) as usize);
                    Color {
                        a: c.a * opacity,
                        ..c
                    }
                })
                .collect(),
        ))
    }
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
        let bands = self.units.iter().any(|u| u.view.mark.uses_bands());
        let x_offset = self.offset_domain("xOffset", |u| &u.plan.x_offset)?;
        let y_offset = self.offset_domain("yOffset", |u| &u.plan.y_offset)?;
        let x = self.resolve(|u| (&u.view.x, &u.plan.x, &u.plan.y))?;
        let y = self.resolve(|u| (&u.view.y, &u.plan.y, &u.plan.x))?;
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
            y.as_ref().map(|c| &c.domain),
            options.container_height,
            bands,
        );
        // Values grow upward; categories run top to bottom (the first at the top), as in Vega-Lite.
        let y_scale = y.as_ref().map(|c| {
            let range = match c.domain {
                Domain::Discrete(_) => [0.0, height],
                Domain::Continuous(_) | Domain::Temporal(_) => [height, 0.0],
            };
            zoomed(c.domain.clone().scale(range, bands), y_zoom)
        });
        let y_axis = match (&y, &y_scale) {
            (Some(c), Some(s)) => Some(Axis::new(
                &c.def.axis,
                Orient::Left,
                s,
                height,
                measure,
                options.locale,
            )),
            _ => None,
        };
        let left = y_axis.as_ref().map_or(0.0, Axis::extent);

        let colors = self.colors()?;
        let legend = colors
            .as_ref()
            .filter(|c| c.legend)
            .map(|c| Legend::new(&c.title, c.entries(), measure));
        let legend_w = legend.as_ref().map_or(0.0, Legend::extent);
        // In a narrow container (a phone column) a legend on the right would take a large
        // share of the width: it goes under the plot instead.
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
                x.as_ref().map(|c| &c.domain),
                None,
                bands,
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
        let top = title.as_ref().map_or(0.0, ChartTitle::extent);

        // Whole pixels, so 1px guide lines stay sharp.
        let origin = ((pl + left).ceil(), (pt + top).ceil());
        let mut items = Vec::new();
        let total_w = match view.width {
            Size::Container => options
                .container_width
                .unwrap_or(pl + left + width + right + pr),
            _ => {
                // A title wider than the chart widens it, as Vega's autosize pads to its bounds.
                let title_w = title.as_ref().map_or(0.0, ChartTitle::width);
                (pl + left + width + right + pr).max(pl + title_w + pr)
            }
        };
        let legend_h = legend.as_ref().map_or(0.0, Legend::height);
        let total_h = if legend_below {
            pt + top + height + bottom + LEGEND_OFFSET + legend_h + pb
        } else {
            pt + top + (height + bottom).max(legend_h) + pb
        };
        let bg = view.background.as_deref().unwrap_or("white");
        if let Some(bg) = Color::parse(bg) {
            items.push(Item::Rect(background(total_w, total_h, bg)));
        }
        let mut plot_items = Vec::new();
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.grid_items());
        }
        for (index, unit) in self.units.iter().enumerate() {
            let table = unit.table()?;
            let fills = match &colors {
                Some(c) => c.fills(unit, table)?,
                None => None,
            };
            let series: Vec<&str> = [&unit.plan.color]
                .into_iter()
                .flatten()
                .map(|c| c.field.as_str())
                .chain(unit.plan.detail.iter().map(String::as_str))
                .collect();
            let encoding = MarkEncoding {
                x: channel(table, unit.plan.x.as_ref(), x_scale.as_ref())?,
                y: channel(table, unit.plan.y.as_ref(), y_scale.as_ref())?,
                value: unit.plan.value_channel,
                fills: fills.as_deref(),
                text: unit.plan.text.as_ref(),
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
            };
            plot_items.extend(mark::encode(&mark::MarkInput {
                kind: unit.view.mark,
                table,
                encoding: &encoding,
                props: &unit.view.mark_props,
                plot: (width, height),
                mark: u16::try_from(index).unwrap_or(u16::MAX),
            })?);
        }
        if x_zoom.is_some() || y_zoom.is_some() {
            clip_marks(&mut plot_items, width, height);
        }
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.items());
        }
        if let Some(legend) = &legend {
            plot_items.extend(if legend_below {
                legend.items(0.0, height + bottom + LEGEND_OFFSET)
            } else {
                legend.items(width + LEGEND_OFFSET, 0.0)
            });
        }
        translate(&mut plot_items, origin.0, origin.1);
        items.extend(plot_items);
        if let Some(title) = &title {
            // Centred over the plot, but kept inside the chart.
            let half = title.width() / 2.0;
            let (lo, hi) = (pl + half, (total_w - pr - half).max(pl + half));
            items.extend(title.items((origin.0 + width / 2.0).clamp(lo, hi), pt));
        }
        let mut scene = Scene {
            width: total_w,
            height: total_h,
            items,
            description: view.description.clone().unwrap_or_default(),
        };
        Theme::of(options.theme).apply(&mut scene, view.background.is_some());
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
            color: colors.and_then(|c| Some((first.view.color.as_ref()?.field.clone()?, c.domain))),
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
                None => Resolved { def, domain },
                Some(r) => Resolved {
                    def: r.def,
                    domain: r.domain.union(domain),
                },
            });
        }
        Ok(out)
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

    /// The shared categorical colour scale, if any unit has a colour field.
    fn colors(&self) -> Result<Option<Colors>> {
        let mut out: Option<Colors> = None;
        for unit in &self.units {
            let (Some(def), Some(fields)) = (&unit.view.color, &unit.plan.color) else {
                continue;
            };
            let Domain::Discrete(domain) = Domain::from_data(def, fields, unit.table()?, None)?
            else {
                continue;
            };
            match &mut out {
                None => {
                    out = Some(Colors {
                        domain,
                        title: def.axis.title.clone(),
                        legend: unit.view.color_legend,
                    })
                }
                Some(c) => {
                    for v in domain {
                        if !c.domain.contains(&v) {
                            c.domain.push(v);
                        }
                    }
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
    let scale = zoomed(x.domain.clone().scale([0.0, width], bands), zoom);
    let axis =
        Axis::new(&x.def.axis, Orient::Bottom, &scale, width, measure, locale).with_cross(height);
    (Some(scale), Some(axis))
}

/// The plot size along one dimension.
fn plot_size(size: Size, domain: Option<&Domain>, container: Option<f64>, bands: bool) -> f64 {
    let band = domain.and_then(|d| d.band_space(bands));
    match (size, band) {
        (Size::Pixels(px), _) => px,
        (Size::Step(step), Some(space)) => step * space,
        (Size::Step(_), None) => DEFAULT_CONTINUOUS_SIZE,
        (Size::Container, _) => container.unwrap_or(DEFAULT_CONTINUOUS_SIZE),
    }
}

fn background(width: f64, height: f64, fill: Color) -> Rect {
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
