//! The layout of a polar chart (arcs, and text on arcs): no axes, the plot's centre, Vega-Lite's
//! `theta` and `radius` scales shared by every unit, the colour legend and the title.
//!
//! Stage: scales, marks and scene. Units read `theta` as x and `radius` as y (see
//! [`crate::spec::Polar`]); the theta scale is a band scale over the categories of a discrete
//! theta, else linear from zero to the largest (stacked) value onto a full turn; the radius
//! scale is linear or sqrt from zero (unless `zero: false`) onto `[rangeMin, min(w, h) / 2]`.

use super::channels::Channels;
use super::scene::{background, finish_scene, SceneOptions, DEFAULT_CONTINUOUS_SIZE};
use super::Chart;
use crate::error::{Error, Result};
use crate::guide::legend::{AnyLegend, LEGEND_OFFSET, LEGEND_SPACING};
use crate::guide::ChartTitle;
use crate::layout::scales::Domain;
use crate::layout::{PositionScale, TextMeasure};
use crate::mark::arc::{PolarScales, RadiusScale, ThetaScale};
use crate::mark::{self, MarkChannel, MarkEncoding};
use crate::scale::LinearScale;
use crate::scene::{Color, Item, Scene};
use crate::spec::{MarkKind, Size};

impl Chart {
    /// Whether the chart is laid out in polar coordinates (it has an arc or a theta/radius).
    pub(super) fn is_polar(&self) -> bool {
        self.units
            .iter()
            .any(|u| u.view.mark == MarkKind::Arc || u.view.polar.is_some())
    }

    /// The scene of a polar chart.
    pub(super) fn polar_scene(
        &self,
        options: &SceneOptions,
        measure: &dyn TextMeasure,
        channels: Channels,
    ) -> Result<Scene> {
        let Some(view) = self.view() else {
            return Ok(Scene::default());
        };
        let size = |s: Size, container: Option<f64>| match s {
            Size::Pixels(px) => px,
            Size::Container => container.unwrap_or(DEFAULT_CONTINUOUS_SIZE),
            Size::Step(_) => DEFAULT_CONTINUOUS_SIZE,
        };
        let [pl, pt, pr, pb] = view.padding;
        let base = Color::parse(&view.mark_props.fill).unwrap_or(Color::BLACK);
        let height = size(view.height, options.container_height);
        let legends = channels.legends(view.mark, base, height, measure);
        let legend_w = legends.iter().map(AnyLegend::extent).fold(0.0, f64::max);
        let width = match view.width {
            Size::Container => {
                (size(view.width, options.container_width) - pl - pr - legend_w).max(0.0)
            }
            other => size(other, None),
        };
        let scales = self.polar_scales(width, height)?;
        let title = view.title.as_ref().map(|t| ChartTitle::new(t, measure));
        let top = title.as_ref().map_or(0.0, ChartTitle::extent);
        let origin = (pl.ceil(), (pt + top).ceil());
        let total_w = match view.width {
            Size::Container => options
                .container_width
                .unwrap_or(pl + width + legend_w + pr),
            _ => {
                let title_w = title.as_ref().map_or(0.0, ChartTitle::width);
                (pl + width + legend_w + pr).max(pl + title_w + pr)
            }
        };
        let legend_h = legends
            .iter()
            .map(|l| l.height() + LEGEND_SPACING)
            .sum::<f64>();
        let total_h = pt + top + height.max(legend_h) + pb;
        let mut items = Vec::new();
        let bg = view.background.as_deref().unwrap_or("white");
        if let Some(bg) = Color::parse(bg) {
            items.push(Item::Rect(background(total_w, total_h, bg)));
        }
        let mut plot_items = Vec::new();
        for (index, unit) in self.units.iter().enumerate() {
            let table = unit.table()?;
            let styles = channels.styles(unit, table)?;
            let unit_base = Color::parse(&unit.view.mark_props.fill).unwrap_or(Color::BLACK);
            let fills = channels.fills(unit, table, unit_base, &styles)?;
            let fills = self.conditional_fills(unit, table, fills)?;
            let (x, y) = (unit.plan.x.as_ref(), unit.plan.y.as_ref());
            // Arcs read their fields through the polar scales, not this one.
            let unused = PositionScale::Linear(LinearScale::new([0.0, 1.0], [0.0, 1.0]));
            let encoding = MarkEncoding {
                x: x.map(|fields| MarkChannel {
                    fields,
                    scale: &unused,
                    bands: None,
                }),
                y: y.map(|fields| MarkChannel {
                    fields,
                    scale: &unused,
                    bands: None,
                }),
                value: unit.plan.value_channel,
                fills: fills.as_deref(),
                text: unit.plan.text.as_ref(),
                text_format: None,
                series: Vec::new(),
                x_offset: None,
                y_offset: None,
                order: None,
                styles: Some(&styles),
            };
            let input = mark::MarkInput {
                kind: unit.view.mark,
                table,
                encoding: &encoding,
                props: &unit.view.mark_props,
                plot: (width, height),
                mark: u16::try_from(index).unwrap_or(u16::MAX),
            };
            plot_items.extend(match unit.view.mark {
                MarkKind::Arc => mark::arc::arcs(&input, &scales)?,
                MarkKind::Text => mark::arc::texts(&input, &scales)?,
                other => {
                    return Err(Error::unsupported(
                        &unit_place(&unit.name, "mark"),
                        &format!("a {} mark on a chart with arcs", other.vega_type()),
                    ))
                }
            });
        }
        let mut legend_y = 0.0;
        for legend in &legends {
            plot_items.extend(legend.items(width + LEGEND_OFFSET, legend_y));
            legend_y += legend.height() + LEGEND_SPACING;
        }
        Ok(finish_scene(
            items,
            plot_items,
            origin,
            width,
            title.as_ref(),
            (total_w, total_h),
            view,
            options.theme,
        ))
    }

    /// The theta and radius scales over every unit.
    fn polar_scales(&self, width: f64, height: f64) -> Result<PolarScales> {
        let outer = width.min(height) / 2.0;
        let mut theta = ThetaScale::Full;
        let mut radius: Option<(f64, f64, bool, bool, f64)> = None;
        for unit in &self.units {
            let table = unit.table()?;
            let extent = |fields: &crate::plan::ChannelFields| -> Result<(f64, f64)> {
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                for f in std::iter::once(&fields.field).chain(&fields.field2) {
                    let column = table.require(&fields.spec_path, f)?;
                    for row in 0..table.num_rows() {
                        if let Some(v) = column.number(row).filter(|v| v.is_finite()) {
                            lo = lo.min(v);
                            hi = hi.max(v);
                        }
                    }
                }
                Ok((lo, hi))
            };
            if let (Some(def), Some(fields)) = (&unit.view.x, &unit.plan.x) {
                if def.ty.is_discrete() {
                    let Domain::Discrete(values) = Domain::from_data(def, fields, table, None)?
                    else {
                        continue;
                    };
                    let mut all = match theta {
                        ThetaScale::Bands(v) => v,
                        _ => Vec::new(),
                    };
                    for v in values {
                        if !all.contains(&v) {
                            all.push(v);
                        }
                    }
                    theta = ThetaScale::Bands(all);
                } else {
                    let (_, hi) = extent(fields)?;
                    let max = match theta {
                        ThetaScale::Linear { max } => max.max(hi),
                        _ => hi.max(0.0),
                    };
                    theta = ThetaScale::Linear { max };
                }
            }
            if let (Some(_), Some(fields), Some(polar)) =
                (&unit.view.y, &unit.plan.y, &unit.view.polar)
            {
                let (lo, hi) = extent(fields)?;
                radius = Some(match radius {
                    None => (
                        lo,
                        hi,
                        polar.radius_sqrt,
                        polar.radius_zero,
                        polar.radius_min,
                    ),
                    Some((l, h, s, z, m)) => (l.min(lo), h.max(hi), s, z, m),
                });
            }
        }
        let radius = radius
            .filter(|(lo, hi, ..)| lo <= hi)
            .map(|(lo, hi, sqrt, zero, min)| RadiusScale {
                domain: if zero {
                    [lo.min(0.0), hi.max(0.0)]
                } else {
                    [lo, hi]
                },
                range: [min, outer],
                sqrt,
            });
        Ok(PolarScales {
            center: (width / 2.0, height / 2.0),
            outer,
            theta,
            radius,
        })
    }
}

/// `layer_1_marks` -> `layer[1].mark`; `marks` -> `mark`.
fn unit_place(name: &str, key: &str) -> String {
    let parts: Vec<&str> = name.split('_').collect();
    let mut out = String::new();
    for pair in parts.chunks(2) {
        if let [layer, i] = pair {
            if *layer == "layer" {
                out.push_str(&format!("layer[{i}]."));
            }
        }
    }
    format!("{out}{key}")
}

#[cfg(test)]
mod tests {
    use crate::interact::pick;
    use crate::scene::Item;
    use crate::{Chart, FixedMetrics, SceneOptions};

    #[test]
    fn pies_are_picked_by_slice_and_the_last_wedge_closes_the_circle() {
        let chart = Chart::from_spec(
            r#"{"data": {"values": [{"k": "a", "v": 1}, {"k": "b", "v": 3}]}, "mark": "arc",
                "encoding": {"theta": {"field": "v", "type": "quantitative"},
                             "color": {"field": "k", "type": "nominal"},
                             "tooltip": {"field": "k", "type": "nominal"}}}"#,
        )
        .unwrap();
        let scene = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        let wedges: Vec<_> = scene
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Path(p) if p.closed => Some(p),
                _ => None,
            })
            .collect();
        assert_eq!(wedges.len(), 2);
        // a: the first quarter from 12 o'clock (centre (155, 155), radius 150: Vega-Lite's
        // default 300 px plot).
        let hit = pick(&scene, 205.0, 105.0).unwrap();
        assert_eq!(chart.tooltip(hit.mark, hit.row).unwrap()[0].1, "a");
        let hit = pick(&scene, 105.0, 205.0).unwrap();
        assert_eq!(chart.tooltip(hit.mark, hit.row).unwrap()[0].1, "b");
        // b ends where a starts: at 12 o'clock.
        let last = wedges[1].points[wedges[1].points.len() - 2];
        assert!(
            (last.0 - 155.0).abs() < 1e-9 && (last.1 - 5.0).abs() < 1e-9,
            "{last:?}"
        );
    }
}
