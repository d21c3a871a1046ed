//! The data of every mark, as drawn: the format of `storychart data` and `markData()`.
//!
//! Stage: marks (read back). The JSON matches `shared/vega-lite/README.md`: per mark, its
//! Vega name and type, the sorted fields its encoding reads, and one row per scene item,
//! projected onto those fields; rows sorted by their JSON text (only the multiset matters).

use crate::data::Table;

/// The data of one mark.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkData {
    /// The Vega mark name (`marks`, `layer_0_marks`, ...).
    pub name: String,
    /// The Vega mark type (`rect`, `symbol`, ...).
    pub kind: String,
    /// The fields the mark reads, sorted.
    pub fields: Vec<String>,
    /// One JSON object per item, sorted by its text.
    pub rows: Vec<serde_json::Value>,
}

impl MarkData {
    /// The rows of `table` (every row is drawn: the plan has filtered invalid ones).
    pub fn from_table(table: &Table, name: &str, kind: &str, fields: Vec<String>) -> MarkData {
        let mut rows: Vec<(String, serde_json::Value)> = (0..table.num_rows())
            .map(|row| {
                let mut obj = serde_json::Map::new();
                for f in &fields {
                    let v = table
                        .column(f)
                        .map_or(serde_json::Value::Null, |c| c.value(row).to_json());
                    obj.insert(field_path(f), v);
                }
                let v = serde_json::Value::Object(obj);
                (v.to_string(), v)
            })
            .collect();
        crate::sorting::sort_by(&mut rows, |a, b| a.0.cmp(&b.0));
        let mut fields: Vec<String> = fields.iter().map(|f| field_path(f)).collect();
        crate::sorting::sort(&mut fields);
        MarkData {
            name: name.to_string(),
            kind: kind.to_string(),
            fields,
            rows: rows.into_iter().map(|(_, v)| v).collect(),
        }
    }

    /// This mark as one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "type": self.kind,
            "fields": self.fields,
            "rows": self.rows,
        })
    }
}

/// A column name in Vega's field-path syntax, as the oracle names fields: `.`, `[`, `]`,
/// quotes and `\\` inside a name are escaped with a backslash (`a.b` is `a\\.b`).
pub fn field_path(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == crate::plan::ARG_PATH_SEPARATOR {
            out.push('.');
            continue;
        }
        if matches!(c, '.' | '[' | ']' | '\'' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// JSON text of a string or a list of strings (serializing these cannot fail).
fn json_text<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The mark-data document: `{"spec": NAME, "marks": [...]}` (`spec` is null when unnamed),
/// written one mark per block and one row per line, as the oracle files are.
pub fn marks_json(spec_name: Option<&str>, marks: &[MarkData]) -> String {
    let spec = json_text(&spec_name);
    let mut out = format!("{{\"spec\": {spec}, \"marks\": [");
    for (i, m) in marks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "\n {{\"name\": {}, \"type\": {}, \"fields\": {}, \"rows\": [",
            json_text(&m.name),
            json_text(&m.kind),
            json_text(&m.fields)
        ));
        for (j, r) in m.rows.iter().enumerate() {
            out.push_str(if j > 0 { ",\n  " } else { "\n  " });
            out.push_str(&r.to_string());
        }
        out.push_str("\n ]}");
    }
    out.push_str("\n]}\n");
    out
}
