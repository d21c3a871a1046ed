//! The current values of a chart's parameters: what filters and calculates read.
//!
//! Stage: plan (state the plan runs with). [`ParamState`] starts as Vega starts a view:
//! variable parameters at their `value`, `expr` parameters computed from the others, selections
//! empty unless the spec gives a `value`. [`ParamState::set`] changes one parameter as
//! `view.signal(name, value)` does before a run (an `expr` parameter is recomputed, so setting
//! it changes nothing). [`ParamState::env`] gives the values to the expression evaluator;
//! [`ParamState::filter_expr`] compiles `{"param": ...}` predicates.

use serde_json::Value as Json;

use super::selection::{ChannelField, Store};
use super::Step;
use crate::error::{Error, Result};
use crate::expr::Env;
use crate::spec::params::{eval_exprs, Param, ParamKind, SelectKind};
use crate::spec::transform::{Predicate, Transform};
use crate::spec::View;

/// The parameters of one chart and their current values.
#[derive(Clone, Debug, Default)]
pub struct ParamState {
    params: Vec<Param>,
    channels: Vec<ChannelField>,
    /// Variable parameters: their value. Selections: unused (`null`).
    values: Vec<Json>,
    /// Selections: their store. Variable parameters: empty.
    stores: Vec<Store>,
}

/// The channels of `view` that a selection's `encodings` can project onto.
pub fn view_channels(view: &View) -> Vec<ChannelField> {
    [&view.x, &view.y, &view.color]
        .into_iter()
        .flatten()
        .filter_map(|d| {
            Some(ChannelField {
                channel: d.channel.name().to_string(),
                field: d.field.clone()?,
                discrete: d.ty.is_discrete(),
            })
        })
        .collect()
}

impl ParamState {
    /// The initial state of `params`, selections projected onto `channels`.
    ///
    /// ```
    /// use serde_json::json;
    /// use storychart::plan::ParamState;
    /// use storychart::spec::params::parse_params;
    ///
    /// let p = parse_params(&json!([{"name": "a", "value": 2}, {"name": "b", "expr": "a * 10"}])).unwrap();
    /// let mut state = ParamState::new(&p, &[]).unwrap();
    /// assert_eq!(state.get("b"), Some(json!(20)));
    /// state.set("a", json!(5)).unwrap();
    /// assert_eq!(state.get("b"), Some(json!(50)));
    /// assert!(state.set("c", json!(1)).is_err());
    /// ```
    pub fn new(params: &[Param], channels: &[ChannelField]) -> Result<ParamState> {
        let mut state = ParamState {
            params: params.to_vec(),
            channels: channels.to_vec(),
            values: Vec::with_capacity(params.len()),
            stores: Vec::with_capacity(params.len()),
        };
        for p in params {
            let (value, store) = match &p.kind {
                ParamKind::Variable { .. } => {
                    (p.value.clone().unwrap_or(Json::Null), Store::default())
                }
                ParamKind::Selection(def) => {
                    let value = p.value.as_ref().unwrap_or(&Json::Null);
                    let place = format!("{}.value", p.path());
                    let store = Store::from_value(&place, &p.name, def, channels, value)?;
                    (Json::Null, store)
                }
            };
            state.values.push(value);
            state.stores.push(store);
        }
        state.recompute()?;
        Ok(state)
    }

    fn recompute(&mut self) -> Result<()> {
        let base = self.selection_env();
        eval_exprs(&self.params, &mut self.values, &base)
    }

    fn selection_env(&self) -> Env {
        let mut env = Env::new();
        for (p, store) in self.params.iter().zip(&self.stores) {
            if let Some(def) = p.selection() {
                env.set_json(&p.name, &store.resolved(def.kind));
            }
        }
        env
    }

    fn index(&self, name: &str) -> Result<usize> {
        self.params
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
                Error::unknown_param(name, &known)
            })
    }

    /// The parameters, in spec order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// Sets parameter `name`: a variable parameter to `value` (its dependent `expr` parameters
    /// follow), a selection to the tuples `value` describes (`null` clears it). Unknown names
    /// are an error listing the known ones.
    pub fn set(&mut self, name: &str, value: Json) -> Result<()> {
        let i = self.index(name)?;
        let Some(p) = self.params.get(i) else {
            return Err(Error::unknown_param(name, &[]));
        };
        match &p.kind {
            ParamKind::Variable { .. } => {
                if let Some(slot) = self.values.get_mut(i) {
                    *slot = value;
                }
            }
            ParamKind::Selection(def) => {
                let store = Store::from_value(&p.path(), name, def, &self.channels, &value)?;
                if let Some(slot) = self.stores.get_mut(i) {
                    *slot = store;
                }
            }
        }
        self.recompute()
    }

    /// The current value of parameter `name`: a variable's value, a point selection as
    /// `[{field: value}, ...]`, an interval as `{field: [min, max]}` (empty: `[]` or `{}`).
    pub fn get(&self, name: &str) -> Option<Json> {
        let i = self.index(name).ok()?;
        let p = self.params.get(i)?;
        match p.selection() {
            Some(def) => self.stores.get(i).map(|s| s.to_value(def.kind)),
            None => self.values.get(i).cloned(),
        }
    }

    /// Every parameter's value for the expression evaluator (selections as Vega's
    /// `vlSelectionResolve` gives them).
    pub fn env(&self) -> Env {
        let mut env = self.selection_env();
        for (p, v) in self.params.iter().zip(&self.values) {
            if p.selection().is_none() {
                env.set_json(&p.name, v);
            }
        }
        env
    }

    /// The expression text of the predicate `{"param": name, "empty": empty}` at `path`: the
    /// selection's test, or for a variable parameter its truthiness (`!!name`), as Vega-Lite
    /// compiles it.
    pub fn filter_expr(&self, path: &str, name: &str, empty: bool) -> Result<String> {
        let i = self.index(name).map_err(|_| {
            let known: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            Error::spec_shape(
                &format!("{path}.param"),
                &format!(
                    "no parameter named \"{name}\" (parameters: {})",
                    known.join(", ")
                ),
            )
        })?;
        match (
            self.params.get(i).and_then(Param::selection),
            self.stores.get(i),
        ) {
            (Some(_), Some(store)) => Ok(store.test_expr(empty)),
            _ => Ok(format!("!!{name}")),
        }
    }
}

/// The parameters `step` may read: a change to any other parameter leaves its output as it
/// was. Conservative: a step whose spec could hold an expression anywhere reads every
/// parameter in `all`.
pub fn step_params(step: &Step, all: &[Param]) -> Vec<String> {
    let every = || all.iter().map(|p| p.name.clone()).collect();
    let Step::Transform { transform, .. } = step else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match transform {
        Transform::Filter(p) => {
            if !predicate_params(p, &mut out) {
                return every();
            }
        }
        Transform::Calculate { expr, .. } => match crate::expr::parse(expr) {
            Ok(e) => out = e.params(),
            Err(_) => return every(),
        },
        Transform::Aggregate { .. }
        | Transform::JoinAggregate { .. }
        | Transform::Window { .. }
        | Transform::Fold { .. }
        | Transform::Stack { .. } => {}
        Transform::Bin { bin: json, .. } | Transform::TimeUnit { unit: json, .. } => {
            let text = json.to_string();
            if text.contains("\"param\"")
                || text.contains("\"expr\"")
                || text.contains("\"signal\"")
            {
                return every();
            }
        }
        #[allow(unreachable_patterns)]
        _ => return every(),
    }
    out
}

/// Runs `step` on `table` without copying it when it is a `{"param": ...}` filter whose
/// selection test runs directly on the columns: the kept rows, or `None` when the step must
/// run the usual way.
pub fn selection_filter(
    step: Option<&Step>,
    table: &crate::data::Table,
    params: &ParamState,
) -> Result<Option<crate::data::Table>> {
    let Some(Step::Transform {
        transform: Transform::Filter(Predicate::Param { param, empty }),
        ..
    }) = step
    else {
        return Ok(None);
    };
    match params.selection_rows(param, *empty, table) {
        Some(rows) => Ok(Some(crate::data::kernels::take_table(table, &rows)?)),
        None => Ok(None),
    }
}

/// Adds the parameters predicate `p` reads to `out`; false when it cannot tell.
fn predicate_params(p: &Predicate, out: &mut Vec<String>) -> bool {
    match p {
        Predicate::Expr(text) => match crate::expr::parse(text) {
            Ok(e) => {
                out.extend(e.params());
                true
            }
            Err(_) => false,
        },
        Predicate::Param { param, .. } => {
            out.push(param.clone());
            true
        }
        Predicate::Field { .. } => true,
        Predicate::And(list) | Predicate::Or(list) => list.iter().all(|q| predicate_params(q, out)),
        Predicate::Not(q) => predicate_params(q, out),
    }
}

impl ParamState {
    /// The names whose values may change when parameter `name` is set: itself and every
    /// `expr` parameter (they are recomputed from the others).
    pub fn affected_by(&self, name: &str) -> Vec<String> {
        self.params
            .iter()
            .filter(|p| p.name == name || matches!(p.kind, ParamKind::Variable { expr: Some(_) }))
            .map(|p| p.name.clone())
            .collect()
    }

    /// The interval selections bound to scales (`bind: "scales"`) and their current ranges,
    /// per field: `[(field, [lo, hi])]`. Empty while nothing is zoomed.
    pub fn scale_domains(&self) -> Vec<(String, [f64; 2])> {
        let mut out = Vec::new();
        for (p, store) in self.params.iter().zip(&self.stores) {
            let bound = p.bind.as_ref().and_then(Json::as_str) == Some("scales");
            if !bound || p.selection().map(|d| d.kind) != Some(SelectKind::Interval) {
                continue;
            }
            if let Json::Object(fields) = store.to_value(SelectKind::Interval) {
                for (field, range) in fields {
                    let lo = range.get(0).and_then(Json::as_f64);
                    let hi = range.get(1).and_then(Json::as_f64);
                    if let (Some(lo), Some(hi)) = (lo, hi) {
                        if lo.is_finite() && hi.is_finite() && lo != hi {
                            out.push((field, [lo.min(hi), lo.max(hi)]));
                        }
                    }
                }
            }
        }
        out
    }

    /// The rows of `table` the predicate `{"param": name, "empty": empty}` keeps, when
    /// `name` is a selection whose test can run directly on the columns (see
    /// [`Store::filter_rows`]); `None` when the expression must decide.
    pub fn selection_rows(
        &self,
        name: &str,
        empty: bool,
        table: &crate::data::Table,
    ) -> Option<Vec<usize>> {
        let i = self.index(name).ok()?;
        self.params.get(i)?.selection()?;
        self.stores.get(i)?.filter_rows(table, empty)
    }

    /// The one inclusive range `(field, lo, hi)` selection `name` holds, when its filter on
    /// `table` keeps exactly the rows with `lo <= field <= hi` (see [`Store::single_range`]).
    pub fn selection_range(
        &self,
        name: &str,
        table: &crate::data::Table,
    ) -> Option<(String, f64, f64)> {
        let i = self.index(name).ok()?;
        self.params.get(i)?.selection()?;
        self.stores.get(i)?.single_range(table)
    }

    /// The channels selections project onto (as given to [`ParamState::new`]).
    pub fn channels(&self) -> &[ChannelField] {
        &self.channels
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::spec::params::parse_params;

    fn state(params: Json) -> ParamState {
        let channels = vec![ChannelField {
            channel: "x".into(),
            field: "hp".into(),
            discrete: false,
        }];
        ParamState::new(&parse_params(&params).unwrap(), &channels).unwrap()
    }

    #[test]
    fn selections_start_empty_or_at_their_value() {
        let s = state(json!([
            {"name": "p", "select": "point"},
            {"name": "q", "select": {"type": "point", "fields": ["a"]}, "value": [{"a": 1}]},
            {"name": "brush", "select": "interval", "value": {"x": [1, 2]}}
        ]));
        assert_eq!(s.get("p"), Some(json!([])));
        assert_eq!(s.filter_expr("f", "p", true).unwrap(), "true");
        assert_eq!(s.filter_expr("f", "p", false).unwrap(), "false");
        assert_eq!(s.get("q"), Some(json!([{"a": 1}])));
        assert_eq!(s.get("brush"), Some(json!({"hp": [1, 2]})));
        assert_eq!(
            s.filter_expr("f", "brush", true).unwrap(),
            r#"((inrange(datum["hp"], [1,2])))"#
        );
        let e = s
            .filter_expr("transform[0].filter", "nope", true)
            .unwrap_err();
        assert_eq!(e.place(), "transform[0].filter.param");
    }

    #[test]
    fn setting_a_selection_replaces_its_tuples_and_null_clears_it() {
        let mut s = state(json!([{"name": "q", "select": {"type": "point", "fields": ["a"]}}]));
        s.set("q", json!({"a": "x"})).unwrap();
        assert_eq!(s.get("q"), Some(json!([{"a": "x"}])));
        s.set("q", Json::Null).unwrap();
        assert_eq!(s.get("q"), Some(json!([])));
        let e = s.set("q", json!([{"b": 1}])).unwrap_err();
        assert_eq!(e.place(), "params[0]");
    }

    #[test]
    fn steps_name_the_parameters_they_read() {
        use crate::spec::transform::parse_transform;
        let params = parse_params(&json!([
            {"name": "a", "value": 1}, {"name": "b", "value": 2},
            {"name": "s", "select": "point"}
        ]))
        .unwrap();
        let step = |t: Json| Step::Transform {
            index: 0,
            transform: parse_transform(0, &t).unwrap(),
        };
        let reads = |t: Json| step_params(&step(t), &params);
        assert_eq!(reads(json!({"filter": "datum.x > a"})), vec!["a"]);
        assert_eq!(
            reads(json!({"filter": {"and": [{"param": "s"}, "datum.y < b"]}})),
            vec!["s", "b"]
        );
        assert_eq!(
            reads(json!({"calculate": "datum.x * 2", "as": "y"})),
            Vec::<String>::new()
        );
        assert_eq!(
            reads(json!({"filter": {"field": "x", "gt": 3}})),
            Vec::<String>::new()
        );
        let s = state(
            json!([{"name": "a", "value": 1}, {"name": "c", "expr": "a * 2"}, {"name": "d", "value": 0}]),
        );
        assert_eq!(s.affected_by("a"), vec!["a", "c"]);
        assert_eq!(s.affected_by("d"), vec!["c", "d"]);
    }

    #[test]
    fn expr_params_are_recomputed_and_ignore_direct_sets() {
        let mut s = state(json!([{"name": "a", "value": 1}, {"name": "b", "expr": "a + 1"}]));
        s.set("b", json!(10)).unwrap();
        assert_eq!(s.get("b"), Some(json!(2)));
        assert_eq!(s.filter_expr("f", "a", true).unwrap(), "!!a");
        let e = s.set("zz", json!(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "params: no parameter named \"zz\" (parameters: a, b); use the \"name\" of one of the spec's \"params\""
        );
    }
}
