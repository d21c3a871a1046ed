//! The whole pipeline for one chart: spec -> plan -> data -> scales -> guides -> marks -> scene.
//!
//! Stage: all, in order. A [`Chart`] is built from spec text; inline data is computed at once,
//! URL data when its text is handed to [`Chart::load`] (the CLI reads files, the browser
//! fetches). [`Chart::scene`] lays the chart out for a container size and a [`TextMeasure`];
//! [`Chart::mark_data`] reads back the rows every mark draws. Nothing here touches a platform.

use crate::data::parse::{apply_auto_parse, apply_parse, from_json_rows, parse_text, ParseKind};
use crate::data::Table;
use crate::error::{Error, Result};
use crate::guide::legend::LEGEND_OFFSET;
use crate::guide::{translate, Axis, ChartTitle, Legend, Orient};
use crate::layout::scales::Domain;
use crate::layout::{PositionScale, TextMeasure};
use crate::mark::MarkData;
use crate::mark::{self, MarkChannel, MarkEncoding};
use crate::plan::params::view_channels;
use crate::plan::{execute_with, plan, ChannelFields, ParamState, Plan};
use crate::scale::color::{ordinal, TABLEAU10};
use crate::scene::{Color, Item, Rect, Role, Scene};
use crate::spec::{normalize, parse_spec, DataParse, DataSource, PositionDef, Size, View};

/// Vega-Lite's default size of a continuous plot dimension (`config.view.continuousWidth`).
pub const DEFAULT_CONTINUOUS_SIZE: f64 = 200.0;

/// Size hints from the host: the container's size in CSS pixels, for `"container"` sizes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SceneOptions {
    /// The container's width.
    pub container_width: Option<f64>,
    /// The container's height.
    pub container_height: Option<f64>,
}

/// One chart: its normalized view, its plan, and (once loaded) its computed data.
#[derive(Clone, Debug)]
pub struct Chart {
    view: View,
    plan: Plan,
    /// The parameters' current values.
    params: ParamState,
    /// The loaded data, typed, before the plan runs: parameter changes re-run from here.
    source: Option<Table>,
    data: Option<Table>,
}

impl Chart {
    /// Parses and plans `spec`; computes inline data right away.
    pub fn from_spec(spec: &str) -> Result<Chart> {
        let view = normalize(&parse_spec(spec)?)?;
        let plan = plan(&view);
        let params = ParamState::new(&view.params, &view_channels(&view))?;
        let mut chart = Chart {
            view,
            plan,
            params,
            source: None,
            data: None,
        };
        if let DataSource::Inline(values) = &chart.view.data {
            let table = from_json_rows(values, "data.values")?;
            chart.compute(table)?;
        }
        Ok(chart)
    }

    /// Sets parameter `name` (a spec `params` entry) to `value` and recomputes the data from
    /// the loaded source, as Vega's `view.signal(name, value)` followed by a run. A variable
    /// parameter takes any JSON value; a selection takes `[{field: value}, ...]` (point) or
    /// `{field: [min, max]}` (interval), or `null` to clear it. An `expr` parameter is
    /// recomputed from the others, so setting it changes nothing.
    ///
    /// ```
    /// use storychart::Chart;
    ///
    /// let spec = r#"{"params": [{"name": "min", "value": 2}],
    ///     "data": {"values": [{"a": "x", "b": 1}, {"a": "y", "b": 3}]},
    ///     "transform": [{"filter": "datum.b >= min"}],
    ///     "mark": "bar", "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}"#;
    /// let mut chart = Chart::from_spec(spec).unwrap();
    /// assert_eq!(chart.mark_data().unwrap()[0].rows.len(), 1);
    /// chart.set_param("min", serde_json::json!(0)).unwrap();
    /// assert_eq!(chart.mark_data().unwrap()[0].rows.len(), 2);
    /// assert_eq!(chart.param("min"), Some(serde_json::json!(0)));
    /// assert!(chart.set_param("max", serde_json::json!(0)).is_err());
    /// ```
    pub fn set_param(&mut self, name: &str, value: serde_json::Value) -> Result<()> {
        // On an error the chart keeps its previous values and data.
        let mut params = self.params.clone();
        params.set(name, value)?;
        if let Some(source) = &self.source {
            self.data = Some(execute_with(&self.plan, source.clone(), &params)?);
        }
        self.params = params;
        Ok(())
    }

    /// The current value of parameter `name` (see [`Chart::set_param`]), or `None` when the
    /// spec defines no such parameter.
    pub fn param(&self, name: &str) -> Option<serde_json::Value> {
        self.params.get(name)
    }

    /// The normalized view.
    pub fn view(&self) -> &View {
        &self.view
    }

    /// The URL and format type of the data still to load, if any.
    pub fn pending_url(&self) -> Option<(&str, &str)> {
        match (&self.view.data, &self.data) {
            (DataSource::Url { url, format }, None) => Some((url, format)),
            _ => None,
        }
    }

    /// Parses the text of the spec's `data.url` and computes the chart's data from it.
    pub fn load(&mut self, text: &str) -> Result<()> {
        let (url, format) = match &self.view.data {
            DataSource::Url { url, format } => (url.clone(), format.clone()),
            DataSource::Inline(_) => return Ok(()),
        };
        let table = parse_text(text, &format, &url)?;
        self.compute(table)
    }

    /// Types the loaded fields (`format.parse`), keeps them as the source, and runs the plan.
    fn compute(&mut self, mut table: Table) -> Result<()> {
        let explicit: &[(String, ParseKind)] = match &self.view.data_parse {
            DataParse::Fields(fields) => fields,
            _ => &[],
        };
        let implicit = self
            .plan
            .implicit_parse
            .iter()
            .filter(|(f, _)| !explicit.iter().any(|(e, _)| e == f))
            .map(|(f, kind)| Ok((f.clone(), ParseKind::from_spec(f, kind)?)))
            .collect::<Result<Vec<_>>>()?;
        apply_parse(&mut table, &implicit)?;
        match &self.view.data_parse {
            DataParse::None => {}
            DataParse::Auto => apply_auto_parse(&mut table)?,
            DataParse::Fields(fields) => apply_parse(&mut table, fields)?,
        }
        self.data = Some(execute_with(&self.plan, table.clone(), &self.params)?);
        self.source = Some(table);
        Ok(())
    }

    fn table(&self) -> Result<&Table> {
        match (&self.data, &self.view.data) {
            (Some(t), _) => Ok(t),
            (None, DataSource::Url { url, .. }) => Err(Error::data_not_loaded(url)),
            (None, DataSource::Inline(_)) => Err(Error::data("data", "no data")),
        }
    }

    /// Lays the chart out and returns its scene.
    pub fn scene(&self, options: &SceneOptions, measure: &dyn TextMeasure) -> Result<Scene> {
        let table = self.table()?;
        let view = &self.view;
        let defs = [&view.x, &view.y, &view.x2, &view.y2, &view.color];
        if let Some(e) = defs
            .into_iter()
            .flatten()
            .find_map(|d| d.render_error.clone())
        {
            return Err(e);
        }
        let usable = |v: Option<f64>| v.filter(|v| v.is_finite() && *v > 0.0);
        let options = &SceneOptions {
            container_width: usable(options.container_width),
            container_height: usable(options.container_height),
        };
        let (px, py) = (self.plan.x.as_ref(), self.plan.y.as_ref());
        let bands = view.mark.uses_bands();
        let x = resolve(view.x.as_ref(), px, table, py)?;
        let y = resolve(view.y.as_ref(), py, table, px)?;
        let [pl, pt, pr, pb] = view.padding;

        // Height first: it does not depend on the margins.
        let height = plot_size(
            view.height,
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
            c.domain.clone().scale(range, bands)
        });
        let y_axis = match (&y, &y_scale) {
            (Some(c), Some(s)) => Some(Axis::new(&c.def.axis, Orient::Left, s, height, measure)),
            _ => None,
        };
        let left = y_axis.as_ref().map_or(0.0, Axis::extent);

        let colors = self.colors(table)?;
        let legend = match &colors {
            Some((_, entries)) if view.color_legend => {
                let title = view
                    .color
                    .as_ref()
                    .map(|c| c.axis.title.clone())
                    .unwrap_or_default();
                Some(Legend::new(&title, entries.clone(), measure))
            }
            _ => None,
        };
        let legend_w = legend.as_ref().map_or(0.0, Legend::extent);
        let mut width = match view.width {
            Size::Container => {
                let container = options.container_width.unwrap_or(DEFAULT_CONTINUOUS_SIZE);
                (container - pl - pr - left - legend_w).max(0.0)
            }
            other => plot_size(other, x.as_ref().map(|c| &c.domain), None, bands),
        };
        let (mut x_scale, mut x_axis) = x_guides(bands, x.as_ref(), width, height, measure);
        let mut right = x_axis.as_ref().map_or(0.0, Axis::overhang_end);
        if view.width == Size::Container && right > legend_w {
            // Narrow the plot so the last label fits inside the container.
            width = (width - right).max(0.0);
            (x_scale, x_axis) = x_guides(bands, x.as_ref(), width, height, measure);
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
        let total_h = pt + top + (height + bottom).max(legend_h) + pb;
        if let Some(bg) = Color::parse(&view.background) {
            items.push(Item::Rect(background(total_w, total_h, bg)));
        }
        let mut plot_items = Vec::new();
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.grid_items());
        }
        let series: Vec<&str> = [&self.plan.color]
            .into_iter()
            .flatten()
            .map(|c| c.field.as_str())
            .chain(self.plan.detail.iter().map(String::as_str))
            .collect();
        let encoding = MarkEncoding {
            x: channel(x.as_ref(), x_scale.as_ref()),
            y: channel(y.as_ref(), y_scale.as_ref()),
            value: self.plan.value_channel,
            fills: colors.as_ref().map(|(fills, _)| fills.as_slice()),
            text: self.plan.text.as_ref(),
            series,
        };
        plot_items.extend(mark::encode(
            view.mark,
            table,
            &encoding,
            &view.mark_props,
            (width, height),
        )?);
        for axis in [&x_axis, &y_axis].into_iter().flatten() {
            plot_items.extend(axis.items());
        }
        if let Some(legend) = &legend {
            plot_items.extend(legend.items(width + LEGEND_OFFSET, 0.0));
        }
        translate(&mut plot_items, origin.0, origin.1);
        items.extend(plot_items);
        if let Some(title) = &title {
            // Centred over the plot, but kept inside the chart.
            let half = title.width() / 2.0;
            let (lo, hi) = (pl + half, (total_w - pr - half).max(pl + half));
            items.extend(title.items((origin.0 + width / 2.0).clamp(lo, hi), pt));
        }
        Ok(Scene {
            width: total_w,
            height: total_h,
            items,
            description: view.description.clone().unwrap_or_default(),
        })
    }

    /// The fill of every row from the colour scale, and the legend entries, if the view has a
    /// colour field: categories in domain order on Vega's `tableau10` palette.
    #[allow(clippy::type_complexity)]
    fn colors(&self, table: &Table) -> Result<Option<(Vec<Color>, Vec<(String, Color)>)>> {
        let (Some(def), Some(fields)) = (&self.view.color, &self.plan.color) else {
            return Ok(None);
        };
        let Domain::Discrete(domain) = Domain::from_data(def, fields, table, None)? else {
            return Ok(None);
        };
        let column = table.require(&fields.spec_path, &fields.field)?;
        let opacity = self.view.mark_props.opacity;
        let fade = |c: Color| Color {
            a: c.a * opacity,
            ..c
        };
        let fills = (0..table.num_rows())
            .map(|row| {
                let v = column.value(row);
                let i = domain.iter().position(|d| *d == v).unwrap_or(0);
                fade(ordinal(&TABLEAU10, i))
            })
            .collect();
        let entries = domain
            .iter()
            .enumerate()
            .map(|(i, v)| (v.to_label(), ordinal(&TABLEAU10, i)))
            .collect();
        Ok(Some((fills, entries)))
    }

    /// The rows every mark draws, in the mark-data format. Which rows are drawn does not
    /// depend on layout: the plan has already dropped the rows a mark cannot draw.
    pub fn mark_data(&self) -> Result<Vec<MarkData>> {
        let table = self.table()?;
        Ok(vec![MarkData::from_table(
            table,
            "marks",
            self.view.mark.vega_type(),
            self.plan.mark_fields(),
        )])
    }
}

/// A position channel with its definition, planned fields and domain.
struct Resolved<'a> {
    def: &'a PositionDef,
    fields: &'a ChannelFields,
    domain: Domain,
}

fn resolve<'a>(
    def: Option<&'a PositionDef>,
    fields: Option<&'a ChannelFields>,
    table: &Table,
    other: Option<&ChannelFields>,
) -> Result<Option<Resolved<'a>>> {
    match (def, fields) {
        (Some(def), Some(fields)) => Ok(Some(Resolved {
            def,
            fields,
            domain: Domain::from_data(def, fields, table, other)?,
        })),
        _ => Ok(None),
    }
}

fn channel<'a>(
    r: Option<&'a Resolved<'a>>,
    scale: Option<&'a PositionScale>,
) -> Option<MarkChannel<'a>> {
    Some(MarkChannel {
        fields: r?.fields,
        scale: scale?,
    })
}

/// The x scale and axis for a plot `width` wide and `height` high.
fn x_guides(
    bands: bool,
    x: Option<&Resolved<'_>>,
    width: f64,
    height: f64,
    measure: &dyn TextMeasure,
) -> (Option<PositionScale>, Option<Axis>) {
    let Some(x) = x else {
        return (None, None);
    };
    let scale = x.domain.clone().scale([0.0, width], bands);
    let axis = Axis::new(&x.def.axis, Orient::Bottom, &scale, width, measure).with_cross(height);
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
