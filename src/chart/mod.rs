//! The whole pipeline for one chart: spec -> plan -> data -> scales -> guides -> marks -> scene.
//!
//! Stage: all, in order. A [`Chart`] is built from spec text; a layered spec has one unit per
//! layer, each with its own plan and data, drawn on shared scales. Inline data is computed at
//! once, URL data when its text is handed to [`Chart::load`] (the CLI reads files, the
//! browser fetches). [`Chart::scene`] (in `scene.rs`) lays the chart out for a container size
//! and a [`TextMeasure`](crate::TextMeasure); [`Chart::mark_data`] reads back the rows every
//! mark draws. Nothing here touches a platform.

mod channels;
mod condition;
mod linked;
mod polar;
mod scene;

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use crate::data::parse::{
    apply_auto_parse, apply_parse, from_json_rows, parse_dsv_auto_report, parse_text, ParseKind,
};
use crate::data::Table;
use crate::error::{Error, Result};
use crate::mark::MarkData;
use crate::plan::params::{selection_filter, step_params, view_channels};
use crate::plan::{execute_from, execute_with, plan, ParamState, Plan};
use crate::spec::{normalize, unit_specs, DataParse, DataSource, View};
use linked::Linked;

pub use scene::{SceneOptions, DEFAULT_CONTINUOUS_SIZE};

/// One view of a chart (the chart itself, or one layer): its spec, plan and data.
#[derive(Clone, Debug)]
struct Unit {
    view: View,
    plan: Plan,
    /// The Vega name of the unit's mark (`marks`, `layer_1_marks`, ...).
    name: String,
    /// The loaded data, typed, before the plan runs (shared with the other charts of the
    /// page that load the same data the same way, see [`SharedData`]).
    source: Option<Arc<Table>>,
    /// The index of the first plan step that reads a parameter (`steps.len()` when none).
    start: usize,
    /// The table after the steps before `start`, when `start > 0`: parameter changes re-run
    /// the plan from here (from `source` otherwise).
    prefix: Option<Table>,
    /// The table before step `.0`, the first step that reads the parameter changed last
    /// (brushing changes one parameter many times: the steps before it are not re-run).
    mid: Option<(usize, Table)>,
    /// The crossfilter fast path of the steps from `start` on, when they fit it.
    linked: Option<Linked>,
    data: Option<Table>,
}

impl Unit {
    /// The typing the unit applies to its loaded fields: the implicit parses the plan needs
    /// (fields not in `format.parse`), then `format.parse`.
    fn typing(&self) -> Result<Vec<(String, ParseKind)>> {
        let explicit: &[(String, ParseKind)] = match &self.view.data_parse {
            DataParse::Fields(fields) => fields,
            _ => &[],
        };
        self.plan
            .implicit_parse
            .iter()
            .filter(|(f, _)| !explicit.iter().any(|(e, _)| e == f))
            .map(|(f, kind)| Ok((f.clone(), ParseKind::from_spec(f, kind)?)))
            .collect()
    }

    /// What identifies the unit's typed source among tables parsed from the same text: two
    /// units with equal keys type the loaded fields the same way.
    fn typing_key(&self) -> Result<String> {
        Ok(format!("{:?}|{:?}", self.typing()?, self.view.data_parse))
    }

    /// Types the loaded fields (`format.parse`).
    fn typed(&self, mut table: Table) -> Result<Table> {
        apply_parse(&mut table, &self.typing()?)?;
        match &self.view.data_parse {
            DataParse::None => {}
            DataParse::Auto => apply_auto_parse(&mut table)?,
            DataParse::Fields(fields) => apply_parse(&mut table, fields)?,
        }
        Ok(table)
    }

    /// Parses `text` (of data format `format`) and types it as [`Unit::typed`] would, in one
    /// pass where that is the same thing: delimited text under plain `format.parse: "auto"`,
    /// with no field typed by the plan, goes through [`parse_dsv_auto_report`] (equal to
    /// `parse_text` then `typed` by construction). `None` otherwise: the caller parses and types.
    fn parse_typed(&self, text: &str, format: &str, source: &str) -> Result<Option<Table>> {
        let delimiter = match format {
            "csv" => Some(b','),
            "tsv" => Some(b'\t'),
            "dsv" => None,
            _ => return Ok(None),
        };
        if !matches!(self.view.data_parse, DataParse::Auto) || !self.typing()?.is_empty() {
            return Ok(None);
        }
        parse_dsv_auto_report(text, delimiter, source).map(|(table, _)| Some(table))
    }

    /// Types the loaded fields (`format.parse`), keeps them as the source, and runs the plan.
    fn compute(&mut self, table: Table, params: &ParamState) -> Result<()> {
        let typed = Arc::new(self.typed(table)?);
        self.compute_typed(typed, params)
    }

    /// Keeps `table` (already typed) as the source and runs the plan.
    fn compute_typed(&mut self, table: Arc<Table>, params: &ParamState) -> Result<()> {
        self.prefix = None;
        if self.start > 0 {
            let before = Plan {
                steps: self.plan.steps.iter().take(self.start).cloned().collect(),
                ..self.plan.clone()
            };
            self.prefix = Some(execute_with(&before, (*table).clone(), params)?);
        }
        let base = self.prefix.as_ref().unwrap_or(&table);
        self.linked = Linked::new(&self.plan, self.start, base, params)?;
        self.data = Some(match &self.linked {
            Some(linked) => linked.output(&self.plan, params)?,
            None => execute_from(&self.plan, self.start, base.clone(), params)?,
        });
        self.source = Some(table);
        self.mid = None;
        Ok(())
    }

    /// The data after setting the parameters `changed` to their values in `params`: `None`
    /// when no step from `start` on reads any of them (the data stay as they are). Runs from
    /// the first step that reads a changed parameter, keeping the table before it for the next
    /// change of the same parameter.
    ///
    /// With the crossfilter fast path, the filters' new masks come along, for
    /// [`Linked::keep`] once every unit has accepted the change.
    #[allow(clippy::type_complexity)]
    fn rerun(
        &mut self,
        changed: &[String],
        params: &ParamState,
    ) -> Result<Option<(Table, Option<linked::State>)>> {
        let first = self
            .plan
            .steps
            .iter()
            .enumerate()
            .skip(self.start)
            .find(|(_, s)| {
                step_params(s, params.params())
                    .iter()
                    .any(|n| changed.contains(n))
            })
            .map(|(i, _)| i);
        let Some(first) = first else {
            return Ok(None);
        };
        if let Some(linked) = &self.linked {
            let Some(base) = self.prefix.as_ref().or(self.source.as_deref()) else {
                return Ok(None);
            };
            let (data, state) = linked.rerun(&self.plan, base, changed, params)?;
            return Ok(Some((data, Some(state))));
        }
        // Steps before `first` read no changed parameter, so a kept table before `first` is
        // still right.
        if self.mid.as_ref().is_none_or(|(k, _)| *k != first) {
            let Some(base) = self.prefix.as_ref().or(self.source.as_deref()) else {
                return Ok(None);
            };
            let before = Plan {
                steps: self.plan.steps.iter().take(first).cloned().collect(),
                ..self.plan.clone()
            };
            let mid = execute_from(&before, self.start, base.clone(), params)?;
            self.mid = Some((first, mid));
        }
        let Some((_, mid)) = &self.mid else {
            return Ok(None);
        };
        // A selection filter runs on the kept table without copying it first.
        if let Some(taken) = selection_filter(self.plan.steps.get(first), mid, params)? {
            return Ok(Some((
                execute_from(&self.plan, first + 1, taken, params)?,
                None,
            )));
        }
        Ok(Some((
            execute_from(&self.plan, first, mid.clone(), params)?,
            None,
        )))
    }

    fn table(&self) -> Result<&Table> {
        match (&self.data, &self.view.data) {
            (Some(t), _) => Ok(t),
            (None, DataSource::Url { url, .. }) => Err(Error::data_not_loaded(url)),
            (None, DataSource::Inline(_) | DataSource::InlineText { .. }) => {
                Err(Error::data("data", "no data"))
            }
        }
    }
}

/// A value as a tooltip shows it: numbers grouped by thousands with up to 6 decimals, dates
/// (temporal fields, epoch ms) as `Jun 1, 2020`, text as it is.
/// In `locale`: `1.234,5` and `Mrz 1, 2020` in German.
fn format_tooltip(
    value: &crate::data::Value,
    ty: crate::spec::FieldType,
    locale: crate::scale::LocaleName,
) -> String {
    use crate::data::Value;
    match value {
        Value::Number(n) if ty == crate::spec::FieldType::Temporal => {
            crate::expr::time_format::format_time_locale("%b %-d, %Y", *n, locale.time())
        }
        Value::Number(n) => crate::scale::NumberFormat::with_locale(",~f", &locale.number())
            .map(|f| f.format(*n))
            .unwrap_or_else(|_| value.to_label()),
        other => other.to_label(),
    }
}

/// The parsed, typed tables of a page's charts, by data URL, format and typing: charts that
/// load the same data share one table instead of each parsing the text (see
/// [`Chart::load_shared`]). Entries live as long as a chart holds them.
#[derive(Debug, Default)]
pub struct SharedData {
    tables: HashMap<String, Weak<Table>>,
    parses: usize,
}

impl SharedData {
    /// How many times data text was parsed through this cache (for tests: charts sharing a
    /// URL parse it once).
    pub fn parses(&self) -> usize {
        self.parses
    }

    fn get(&mut self, key: &str) -> Option<Arc<Table>> {
        let table = self.tables.get(key)?.upgrade();
        if table.is_none() {
            self.tables.remove(key);
        }
        table
    }
}

/// One chart: its units (one, or one per layer), and the parameters' current values.
#[derive(Clone, Debug)]
pub struct Chart {
    units: Vec<Unit>,
    params: ParamState,
    /// The parameters the drawing may read besides the plans' data (encodings, conditions,
    /// titles, scale bindings): setting one redraws even when no data changed.
    visual: Vec<String>,
}

/// The names among `names` that the spec mentions outside its `params` and `transform`
/// entries, or that bind to the chart (`"bind": "scales"` or `"legend"`): the parameters the
/// drawing itself may read. Conservative: a name found in any string or key counts.
fn visual_params(spec: &str, params: &[crate::spec::params::Param]) -> Vec<String> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("params");
                map.remove("transform");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let rest = match serde_json::from_str::<serde_json::Value>(spec) {
        Ok(mut v) => {
            strip(&mut v);
            v.to_string()
        }
        // Unreadable here (the spec parsed above): treat every parameter as visual.
        Err(_) => return params.iter().map(|p| p.name.clone()).collect(),
    };
    params
        .iter()
        .filter(|p| {
            let bound = p.bind.as_ref().is_some_and(|b| {
                b.as_str().is_some_and(|s| s == "scales" || s == "legend")
                    || b.get("legend").is_some()
            });
            bound || rest.contains(p.name.as_str())
        })
        .map(|p| p.name.clone())
        .collect()
}

impl Chart {
    /// Parses and plans `spec`; computes inline data right away.
    pub fn from_spec(spec: &str) -> Result<Chart> {
        let mut units: Vec<Unit> = Vec::new();
        let parsed = unit_specs(spec)?;
        for (i, unit) in parsed.specs.iter().enumerate() {
            let prefix = parsed.places.get(i).cloned().unwrap_or_default();
            let place = |e: Error| {
                if prefix.is_empty() {
                    e
                } else {
                    e.within(&prefix)
                }
            };
            let mut view = normalize(unit).map_err(place)?;
            // An overlay's line and points stack as the mark they overlay does.
            let base = parsed.overlay_of.get(i).copied().flatten();
            if let Some(base) = base.and_then(|b| units.get(b)) {
                crate::plan::share_stack(&base.view, &mut view);
            }
            // Errors kept for drawing time name the layer too.
            view.render_error = view.render_error.take().map(place);
            for def in [
                &mut view.x,
                &mut view.y,
                &mut view.x2,
                &mut view.y2,
                &mut view.color,
            ]
            .into_iter()
            .flatten()
            {
                def.render_error = def.render_error.take().map(place);
            }
            let plan = plan(&view);
            units.push(Unit {
                view,
                plan,
                name: parsed.names.get(i).cloned().unwrap_or_default(),
                source: None,
                start: 0,
                prefix: None,
                mid: None,
                linked: None,
                data: None,
            });
        }
        let first = units
            .first()
            .ok_or_else(|| Error::spec_missing("layer", "a layer"))?;
        // Parameters defined in any layer are the chart's (Vega-Lite's are global).
        let mut all = first.view.params.clone();
        for unit in &units {
            for p in &unit.view.params {
                if !all.iter().any(|q| q.name == p.name) {
                    all.push(p.clone());
                }
            }
        }
        let params = ParamState::new(&all, &view_channels(&first.view))?;
        let visual = visual_params(spec, &all);
        for unit in &mut units {
            unit.start = unit
                .plan
                .steps
                .iter()
                .position(|s| !step_params(s, params.params()).is_empty())
                .unwrap_or(unit.plan.steps.len());
        }
        let mut chart = Chart {
            units,
            params,
            visual,
        };
        for unit in &mut chart.units {
            let table = match &unit.view.data {
                DataSource::Inline(values) => from_json_rows(values, "data.values")?,
                DataSource::InlineText { text, format } => {
                    if let Some(typed) = unit.parse_typed(text, format, "data.values")? {
                        unit.compute_typed(Arc::new(typed), &chart.params)?;
                        continue;
                    }
                    parse_text(text, format, "data.values")?
                }
                DataSource::Url { .. } => continue,
            };
            unit.compute(table, &chart.params)?;
        }
        Ok(chart)
    }

    /// Sets parameter `name` (a spec `params` entry) to `value` and recomputes the data from
    /// the loaded source, as Vega's `view.signal(name, value)` followed by a run. A variable
    /// parameter takes any JSON value; a selection takes `[{field: value}, ...]` (point) or
    /// `{field: [min, max]}` (interval), or `null` to clear it. An `expr` parameter is
    /// recomputed from the others, so setting it changes nothing.
    ///
    /// Returns whether the drawing may have changed: `false` when no unit's data changed and
    /// nothing drawn reads the parameter (a linked chart need not be redrawn).
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
    /// assert!(chart.set_param("min", serde_json::json!(0)).unwrap());
    /// assert_eq!(chart.mark_data().unwrap()[0].rows.len(), 2);
    /// assert_eq!(chart.param("min"), Some(serde_json::json!(0)));
    /// assert!(chart.set_param("max", serde_json::json!(0)).is_err());
    /// ```
    pub fn set_param(&mut self, name: &str, value: serde_json::Value) -> Result<bool> {
        // On an error the chart keeps its previous values and data.
        // Only the units whose steps read a changed parameter re-run, from the first step
        // that reads one.
        let mut params = self.params.clone();
        params.set(name, value)?;
        let changed = params.affected_by(name);
        let mut data = Vec::with_capacity(self.units.len());
        for unit in &mut self.units {
            data.push(unit.rerun(&changed, &params)?);
        }
        let mut redraw = changed.iter().any(|n| self.visual.contains(n));
        for (unit, d) in self.units.iter_mut().zip(data) {
            if let Some((table, state)) = d {
                redraw = true;
                unit.data = Some(table);
                if let (Some(linked), Some(state)) = (&mut unit.linked, state) {
                    linked.keep(state);
                }
            }
        }
        self.params = params;
        Ok(redraw)
    }

    /// The current value of parameter `name` (see [`Chart::set_param`]), or `None` when the
    /// spec defines no such parameter.
    pub fn param(&self, name: &str) -> Option<serde_json::Value> {
        self.params.get(name)
    }

    /// The parameters' state (definitions, selection projections, current values).
    pub fn params(&self) -> &ParamState {
        &self.params
    }

    /// The value of `field` in row `row` of mark `mark`'s data, as JSON (`None` when the mark,
    /// the field or the row does not exist).
    pub fn mark_value(&self, mark: u16, row: u32, field: &str) -> Option<serde_json::Value> {
        let table = self.units.get(usize::from(mark))?.data.as_ref()?;
        let row = row as usize;
        if row >= table.num_rows() {
            return None;
        }
        let column = table.require("", field).ok()?;
        Some(column.value(row).to_json())
    }

    /// The view and plan of mark (unit) `mark`, for the interaction modules.
    pub fn unit(&self, mark: u16) -> Option<(&View, &Plan)> {
        self.units
            .get(usize::from(mark))
            .map(|u| (&u.view, &u.plan))
    }

    /// The variable parameters bound to input widgets, for the host to build its controls:
    /// `[{"name", "bind", "value"}]` with each parameter's current value. Selections and
    /// `"legend"`/`"scales"` bindings are left out (they are bound to the chart itself).
    pub fn bound_inputs(&self) -> Vec<serde_json::Value> {
        let Some(view) = self.view() else {
            return Vec::new();
        };
        view.params
            .iter()
            .filter(|p| matches!(p.kind, crate::spec::params::ParamKind::Variable { .. }))
            .filter_map(|p| {
                let bind = p.bind.as_ref().filter(|b| b.get("input").is_some())?;
                Some(serde_json::json!({
                    "name": p.name,
                    "bind": bind,
                    "value": self.params.get(&p.name).unwrap_or(serde_json::Value::Null),
                }))
            })
            .collect()
    }

    /// The normalized view of the chart (of its first layer, for a layered chart; `from_spec`
    /// guarantees there is one).
    pub fn view(&self) -> Option<&View> {
        self.units.first().map(|u| &u.view)
    }

    /// The URL and format type of data still to load, if any.
    pub fn pending_url(&self) -> Option<(&str, &str)> {
        self.units
            .iter()
            .find_map(|u| match (&u.view.data, &u.data) {
                (DataSource::Url { url, format }, None) => Some((url.as_str(), format.as_str())),
                _ => None,
            })
    }

    /// Parses the text of the data at [`Chart::pending_url`] and computes every unit that
    /// reads it.
    pub fn load(&mut self, text: &str) -> Result<()> {
        let Some((url, _)) = self.pending_url() else {
            return Ok(());
        };
        let url = url.to_string();
        self.load_shared(&url, Some(text), &mut SharedData::default())
            .map(|_| ())
    }

    /// Loads the data at [`Chart::pending_url`] through `shared`, the page's parsed tables:
    /// every unit that reads it takes the typed table another chart already made from the same
    /// data (`key`: the URL resolved against the page), and what is missing is parsed from
    /// `text` once and kept in `shared` for the next chart. Without `text`, returns whether
    /// everything was found (nothing is computed when not); with it, `true` once loaded.
    ///
    /// ```
    /// use storychart::chart::SharedData;
    /// use storychart::Chart;
    ///
    /// let spec = r#"{"data": {"url": "d.csv"}, "mark": "bar",
    ///     "encoding": {"x": {"field": "a"}, "y": {"aggregate": "count"}}}"#;
    /// let (mut a, mut b) = (Chart::from_spec(spec).unwrap(), Chart::from_spec(spec).unwrap());
    /// let mut shared = SharedData::default();
    /// assert!(!a.load_shared("http://x/d.csv", None, &mut shared).unwrap());
    /// assert!(a.load_shared("http://x/d.csv", Some("a\nu\nv\nu\n"), &mut shared).unwrap());
    /// assert!(b.load_shared("http://x/d.csv", None, &mut shared).unwrap());
    /// assert_eq!(shared.parses(), 1);
    /// assert_eq!(a.mark_data().unwrap()[0].rows, b.mark_data().unwrap()[0].rows);
    /// ```
    pub fn load_shared(
        &mut self,
        key: &str,
        text: Option<&str>,
        shared: &mut SharedData,
    ) -> Result<bool> {
        let Some((url, format)) = self
            .pending_url()
            .map(|(u, f)| (u.to_string(), f.to_string()))
        else {
            return Ok(true);
        };
        let base = format!("{key}\u{0}{format}\u{0}");
        let mut keys = Vec::new();
        let mut missing = false;
        for (i, unit) in self.units.iter().enumerate() {
            let reads = matches!(&unit.view.data, DataSource::Url { url: u, .. } if *u == url);
            if reads && unit.data.is_none() {
                let k = format!("{base}{}", unit.typing_key()?);
                missing |= shared.get(&k).is_none();
                keys.push((i, k));
            }
        }
        if missing && text.is_none() {
            return Ok(false);
        }
        let mut raw: Option<Table> = None;
        let params = self.params.clone();
        for (i, k) in keys {
            let Some(unit) = self.units.get_mut(i) else {
                continue;
            };
            let typed = match shared.get(&k) {
                Some(t) => t,
                None => {
                    let fused = match &raw {
                        None => unit.parse_typed(text.unwrap_or_default(), &format, &url)?,
                        Some(_) => None,
                    };
                    let typed = match fused {
                        Some(t) => {
                            shared.parses += 1;
                            Arc::new(t)
                        }
                        None => {
                            let table = match &raw {
                                Some(t) => t.clone(),
                                None => {
                                    let t = parse_text(text.unwrap_or_default(), &format, &url)?;
                                    shared.parses += 1;
                                    raw = Some(t.clone());
                                    t
                                }
                            };
                            Arc::new(unit.typed(table)?)
                        }
                    };
                    shared.tables.insert(k, Arc::downgrade(&typed));
                    typed
                }
            };
            unit.compute_typed(typed, &params)?;
        }
        Ok(true)
    }

    /// The tooltip of row `row` of mark `mark` (see [`crate::interact::pick`]): one
    /// `(title, value)` pair per `tooltip` field of that mark, values formatted for reading
    /// (`1,499`, `0.38871`, dates as `Jun 1, 2020`). Empty when the mark has no tooltip
    /// encoding.
    pub fn tooltip(&self, mark: u16, row: u32) -> Result<Vec<(String, String)>> {
        self.tooltip_in(mark, row, crate::scale::LocaleName::EnUs)
    }

    /// [`Chart::tooltip`] with numbers and dates formatted in `locale`.
    pub fn tooltip_in(
        &self,
        mark: u16,
        row: u32,
        locale: crate::scale::LocaleName,
    ) -> Result<Vec<(String, String)>> {
        let Some(unit) = self.units.get(usize::from(mark)) else {
            return Ok(Vec::new());
        };
        let table = unit.table()?;
        unit.view
            .tooltip
            .iter()
            .map(|def| {
                let name = crate::plan::field_name(def);
                let value = table
                    .require(&format!("encoding.tooltip.{name}"), &name)?
                    .value(row as usize);
                let title = if def.axis.title.is_empty() {
                    name.clone()
                } else {
                    def.axis.title.join(" ")
                };
                Ok((title, format_tooltip(&value, def.ty, locale)))
            })
            .collect()
    }

    /// A text alternative generated from the data, for `<noscript><img alt>`, social cards and
    /// screen readers: the chart type, what is measured by what, how many items, and the
    /// extremes. For example: `Bar chart of Share of victims (%) by group, 4 bars. Highest:
    /// Girls (50). Lowest: Men (3).`
    pub fn alt_text(&self) -> Result<String> {
        let Some(unit) = self.units.first() else {
            return Ok(String::new());
        };
        let (view, plan) = (&unit.view, &unit.plan);
        let (kind, items) = match view.mark {
            crate::spec::MarkKind::Bar => ("Bar chart", "bars"),
            crate::spec::MarkKind::Rect => ("Heatmap", "cells"),
            crate::spec::MarkKind::Point
            | crate::spec::MarkKind::Circle
            | crate::spec::MarkKind::Square => ("Scatter plot", "points"),
            crate::spec::MarkKind::Line => ("Line chart", "points"),
            crate::spec::MarkKind::Area => ("Area chart", "points"),
            crate::spec::MarkKind::Tick => ("Strip plot", "ticks"),
            crate::spec::MarkKind::Rule => ("Rule chart", "rules"),
            crate::spec::MarkKind::Text => ("Table of labels", "labels"),
            crate::spec::MarkKind::Arc => ("Pie chart", "slices"),
        };
        let (value, dimension) = match plan.value_channel {
            crate::spec::Channel::X => ((&view.x, &plan.x), (&view.y, &plan.y)),
            _ => ((&view.y, &plan.y), (&view.x, &plan.x)),
        };
        let title = |d: &Option<crate::spec::PositionDef>| {
            d.as_ref()
                .map(|d| d.axis.title.join(" "))
                .filter(|t| !t.is_empty())
        };
        let table = unit.table()?;
        let n = table.num_rows();
        let mut text = match (title(value.0), title(dimension.0)) {
            (Some(v), Some(d)) => format!("{kind} of {v} by {d}, {n} {items}."),
            (Some(v), None) => format!("{kind} of {v}, {n} {items}."),
            _ => format!("{kind}, {n} {items}."),
        };
        // The extremes of the measured field, named by the dimension's value.
        let (Some(vf), Some(df)) = (value.1, dimension.1) else {
            return Ok(text);
        };
        let (values, labels) = (
            table.require(&vf.spec_path, &vf.field)?,
            table.require(&df.spec_path, &df.field)?,
        );
        let mut hi: Option<(f64, usize)> = None;
        let mut lo: Option<(f64, usize)> = None;
        for row in 0..n {
            let Some(v) = values.number(row).filter(|v| v.is_finite()) else {
                continue;
            };
            if hi.is_none_or(|(h, _)| v > h) {
                hi = Some((v, row));
            }
            if lo.is_none_or(|(l, _)| v < l) {
                lo = Some((v, row));
            }
        }
        let number = |v: f64| {
            crate::scale::NumberFormat::new(",~f").map_or_else(|_| v.to_string(), |f| f.format(v))
        };
        if let (Some((h, hr)), Some((l, lr))) = (hi, lo) {
            if hr != lr {
                text.push_str(&format!(
                    " Highest: {} ({}). Lowest: {} ({}).",
                    labels.value(hr).to_label(),
                    number(h),
                    labels.value(lr).to_label(),
                    number(l)
                ));
            }
        }
        Ok(text)
    }

    /// The rows the chart draws now, after its transforms, filters and parameters, as CSV
    /// (RFC 4180; the data behind "Get the data"). Every column of the plan's output; dates on
    /// temporal x/y channels as ISO 8601. A layered chart's layers follow one another, each
    /// with its own header line when its columns differ from the previous layer's.
    pub fn csv(&self) -> Result<String> {
        let mut out = String::new();
        let mut last_header: Option<Vec<String>> = None;
        for unit in &self.units {
            let table = unit.table()?;
            let dates: Vec<&str> = [(&unit.view.x, &unit.plan.x), (&unit.view.y, &unit.plan.y)]
                .into_iter()
                .filter_map(|(def, fields)| {
                    let def = def.as_ref()?;
                    let fields = fields.as_ref()?;
                    (def.ty == crate::spec::FieldType::Temporal).then_some(fields)
                })
                .flat_map(|f| std::iter::once(f.field.as_str()).chain(f.field2.as_deref()))
                .collect();
            let csv = crate::data::csv_out::to_csv(table, &dates);
            let header: Vec<String> = table.names().iter().map(|n| n.to_string()).collect();
            if last_header.as_ref() == Some(&header) {
                // Same columns: append the rows only.
                let rows = csv.split_once("\r\n").map_or("", |(_, rows)| rows);
                out.push_str(rows);
            } else {
                out.push_str(&csv);
            }
            last_header = Some(header);
        }
        Ok(out)
    }

    /// The rows every mark draws, in the mark-data format: one mark per unit, named as Vega
    /// names them (`marks`, or `layer_0_marks`, `layer_1_marks`, ...). Which rows are drawn
    /// does not depend on layout: the plan has already dropped the rows a mark cannot draw.
    pub fn mark_data(&self) -> Result<Vec<MarkData>> {
        self.units
            .iter()
            .map(|unit| {
                Ok(MarkData::from_table(
                    unit.table()?,
                    &unit.name,
                    unit.view.mark.vega_type(),
                    unit.plan.mark_fields(),
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;

    const SPEC: &str = r#"{"params": [{"name": "min", "value": 0},
            {"name": "a", "select": {"type": "interval", "fields": ["x"]}},
            {"name": "b", "select": {"type": "point", "fields": ["c"]}}],
        "data": {"values": [{"x": 1, "y": 5, "c": "u"}, {"x": 2, "y": 6, "c": "v"},
                            {"x": 3, "y": 7, "c": "u"}, {"x": 4, "y": 8, "c": "v"},
                            {"x": 5, "y": 9, "c": "u"}]},
        "transform": [{"calculate": "datum.x * 2", "as": "x2"}, {"filter": "datum.y >= min"},
                      {"filter": {"param": "a"}}, {"filter": {"param": "b"}}],
        "mark": "bar", "encoding": {"x": {"field": "c"},
                                    "y": {"aggregate": "sum", "field": "x2", "type": "quantitative"}}}"#;

    fn rows(c: &Chart) -> Vec<String> {
        let mut r: Vec<String> = c.mark_data().unwrap()[0]
            .rows
            .iter()
            .map(|r| format!("{r:?}"))
            .collect();
        r.sort();
        r
    }

    #[test]
    fn delimited_text_under_auto_is_typed_in_one_pass_equal_to_parse_then_type() {
        let text = "n,b,d,s\n1.5,true,2020-01-01,x\n,false,2020-02-01,\n-3,true,2020-03-01,y\n";
        let spec = |parse: &str, time_unit: &str| {
            format!(
                r#"{{"data": {{"values": {text:?}, "format": {{"type": "csv"{parse}}}}},
                  "mark": "point", "encoding": {{"x": {{"field": "d"{time_unit}}},
                  "y": {{"field": "n", "type": "quantitative"}}}}}}"#
            )
        };
        for (parse, time_unit, one_pass) in [
            ("", "", false),
            (r#", "parse": "auto""#, "", true),
            (r#", "parse": "auto""#, r#", "timeUnit": "month""#, false),
            (r#", "parse": {"n": "number"}"#, "", false),
            ("", r#", "timeUnit": "month""#, false),
        ] {
            let chart = Chart::from_spec(&spec(parse, time_unit)).unwrap();
            let unit = &chart.units[0];
            let fused = unit.parse_typed(text, "csv", "data.values").unwrap();
            assert_eq!(fused.is_some(), one_pass, "{parse} {time_unit}");
            let two_step = unit
                .typed(parse_text(text, "csv", "data.values").unwrap())
                .unwrap();
            let same = crate::data::parse::dsv::auto::tests::assert_same_table;
            if let Some(fused) = fused {
                same(&fused, &two_step, "one pass");
            }
            same(
                unit.source.as_ref().unwrap(),
                &two_step,
                "the chart's source",
            );
        }
    }

    #[test]
    fn incremental_reruns_equal_a_fresh_run_with_the_same_values() {
        let steps: [(&str, Json); 7] = [
            ("a", json!({"x": [2, 4]})),
            ("a", json!({"x": [1, 3]})),
            ("min", json!(7)),
            ("a", json!({"x": [3, 5]})),
            ("b", json!([{"c": "u"}])),
            ("a", json!(null)),
            ("min", json!(0)),
        ];
        let mut chart = Chart::from_spec(SPEC).unwrap();
        let mut values: Vec<(&str, Json)> = Vec::new();
        for (name, value) in steps {
            chart.set_param(name, value.clone()).unwrap();
            values.retain(|(n, _)| *n != name);
            values.push((name, value));
            let mut fresh = Chart::from_spec(SPEC).unwrap();
            for (n, v) in &values {
                fresh.set_param(n, v.clone()).unwrap();
            }
            assert_eq!(rows(&chart), rows(&fresh), "after {values:?}");
            // And equal to the whole plan run from the source in one go.
            let unit = &chart.units[0];
            let full = execute_with(
                &unit.plan,
                (**unit.source.as_ref().unwrap()).clone(),
                &chart.params,
            );
            let text = |t: &Table| {
                (0..t.num_rows())
                    .map(|r| {
                        t.names()
                            .iter()
                            .map(|n| format!("{:?}", t.column(n).unwrap().value(r)))
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(text(&full.unwrap()), text(unit.data.as_ref().unwrap()));
        }
        // The calculate before the first step that reads a parameter ran once, at load.
        assert_eq!(chart.units[0].start, 1);
    }
}
