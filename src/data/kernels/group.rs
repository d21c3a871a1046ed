//! Group-by: assigns every row a dense group id from the values of one or more key columns.
//!
//! Stage: kernels. Groups are numbered in order of first appearance (as Vega's aggregate
//! emits them). Null is a key value of its own. A single dictionary-encoded key groups through
//! a dense array over its codes; other keys hash their values.

use std::collections::HashMap;

use crate::data::{Column, Value};

/// The result of a group-by.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// The group id of every row.
    pub row_group: Vec<u32>,
    /// The first row of every group, in group order.
    pub first_row: Vec<usize>,
}

impl Groups {
    /// Number of groups.
    pub fn len(&self) -> usize {
        self.first_row.len()
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.first_row.is_empty()
    }

    /// One group holding all `rows` rows (a group-by on no keys). An empty table has one
    /// (empty) group only if `rows > 0`, as Vega's aggregate emits nothing for no rows.
    pub fn single(rows: usize) -> Self {
        Self {
            row_group: vec![0; rows],
            first_row: if rows > 0 { vec![0] } else { Vec::new() },
        }
    }
}

/// Groups `rows` rows by the values of `keys` (all of length `rows`).
///
/// ```
/// use storychart::data::{kernels::group_by, parse::parse_json};
/// let t = parse_json(r#"[{"k": "a"}, {"k": "b"}, {"k": "a"}]"#, "inline").unwrap();
/// let g = group_by(&[t.column("k").unwrap()], t.num_rows());
/// assert_eq!(g.row_group, vec![0, 1, 0]);
/// assert_eq!(g.first_row, vec![0, 1]);
/// ```
pub fn group_by(keys: &[&Column], rows: usize) -> Groups {
    match keys {
        [] => Groups::single(rows),
        [Column::Str(col)] => group_dictionary(col, rows),
        [Column::Number(col)] => group_numbers(col, rows),
        _ => group_hashed(keys, rows),
    }
}

fn group_dictionary(col: &crate::data::StrColumn, rows: usize) -> Groups {
    // Slot 0 is null; slot code+1 is the dictionary entry.
    let mut slot_group: Vec<u32> = vec![u32::MAX; col.dict.len() + 1];
    let mut groups = Groups::default();
    groups.row_group.reserve(rows);
    for row in 0..rows {
        let slot = match col.codes.get(row) {
            Some(code) if col.valid.get(row) => code as usize + 1,
            _ => 0,
        };
        let id = match slot_group.get_mut(slot) {
            Some(g) if *g != u32::MAX => *g,
            Some(g) => {
                *g = new_group(&mut groups, row);
                *g
            }
            None => new_group(&mut groups, row),
        };
        groups.row_group.push(id);
    }
    groups
}

/// One number key: a hash map from the value's bits (`-0` as `0`) to the group, with null
/// (an invalid row) a group of its own; no key vector per row. Consecutive equal values (a
/// sorted or binned column) skip the lookup.
fn group_numbers(col: &crate::data::NumberColumn, rows: usize) -> Groups {
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut null_group = u32::MAX;
    let mut groups = Groups::default();
    groups.row_group.reserve(rows);
    let mut last: Option<(u64, u32)> = None;
    for row in 0..rows {
        let id = match col.get(row) {
            None => {
                if null_group == u32::MAX {
                    null_group = new_group(&mut groups, row);
                }
                null_group
            }
            Some(v) => {
                let bits = if v == 0.0 { 0 } else { v.to_bits() };
                match last {
                    Some((b, id)) if b == bits => id,
                    _ => {
                        let id = match index.get(&bits) {
                            Some(id) => *id,
                            None => {
                                let id = new_group(&mut groups, row);
                                index.insert(bits, id);
                                id
                            }
                        };
                        last = Some((bits, id));
                        id
                    }
                }
            }
        };
        groups.row_group.push(id);
    }
    groups
}

fn new_group(groups: &mut Groups, row: usize) -> u32 {
    let id = u32::try_from(groups.first_row.len()).unwrap_or(u32::MAX);
    groups.first_row.push(row);
    id
}

/// A hashable key atom: numbers by their canonical bits, strings by text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Atom {
    Null,
    Bool(bool),
    Num(u64),
    Str(String),
}

fn atom(col: &Column, row: usize) -> Atom {
    match col.value(row) {
        Value::Null => Atom::Null,
        Value::Bool(b) => Atom::Bool(b),
        // -0 and 0 are one key, as in JavaScript.
        Value::Number(n) => Atom::Num(if n == 0.0 { 0 } else { n.to_bits() }),
        Value::Str(s) => Atom::Str(s),
    }
}

fn group_hashed(keys: &[&Column], rows: usize) -> Groups {
    let mut index: HashMap<Vec<Atom>, u32> = HashMap::new();
    let mut groups = Groups::default();
    groups.row_group.reserve(rows);
    for row in 0..rows {
        let key: Vec<Atom> = keys.iter().map(|c| atom(c, row)).collect();
        let id = match index.get(&key) {
            Some(id) => *id,
            None => {
                let id = new_group(&mut groups, row);
                index.insert(key, id);
                id
            }
        };
        groups.row_group.push(id);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::parse_json;

    #[test]
    fn nulls_form_their_own_group_and_order_is_first_appearance() {
        let t = parse_json(
            r#"[{"k": "b", "n": 1}, {"k": null, "n": 2}, {"k": "a", "n": 1}, {"k": "b", "n": 2}]"#,
            "t",
        )
        .unwrap();
        let g = group_by(&[t.column("k").unwrap()], 4);
        assert_eq!(g.row_group, vec![0, 1, 2, 0]);
        let g2 = group_by(&[t.column("k").unwrap(), t.column("n").unwrap()], 4);
        assert_eq!(g2.row_group, vec![0, 1, 2, 3]);
        assert_eq!(g2.first_row, vec![0, 1, 2, 3]);
    }

    #[test]
    fn one_number_key_equals_the_hashed_path() {
        use crate::data::kernels::test_util::{random_table, Rng};
        let mut rng = Rng(5);
        for _ in 0..200 {
            let t = random_table(&mut rng, 30);
            let n = t.column("n").unwrap();
            let other = t.column("b").unwrap();
            // Two keys take the hashed path; a constant second key groups as the first alone.
            let mut ones = crate::data::NumberColumn::default();
            for _ in 0..t.num_rows() {
                ones.push(Some(1.0));
            }
            let ones = Column::Number(ones);
            let fast = group_by(&[n], t.num_rows());
            assert_eq!(fast, group_hashed(&[n, &ones], t.num_rows()));
            assert!(matches!(n, Column::Number(_)) && matches!(other, Column::Bool { .. }));
        }
    }

    #[test]
    fn no_keys_is_one_group_unless_empty() {
        assert_eq!(group_by(&[], 3).len(), 1);
        assert!(group_by(&[], 0).is_empty());
    }

    #[test]
    fn short_key_columns_do_not_panic() {
        let t = parse_json(r#"[{"k": "a"}]"#, "t").unwrap();
        let g = group_by(&[t.column("k").unwrap()], 3);
        assert_eq!(g.row_group, vec![0, 1, 1]);
    }
}
