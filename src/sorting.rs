//! One shared sorting routine for every element type (a WASM size measure).
//!
//! Each `slice::sort_by` call site instantiates the standard library's driftsort (or ipnsort)
//! for its own element and closure types: a few KB of WASM each. `sort_by` here sorts a
//! permutation of `usize` indices with a `dyn` comparator, so the library sort exists once,
//! and then moves the elements into place with swaps (a small generic loop). It is stable, as
//! `slice::sort_by` is, so results are identical.

use std::cmp::Ordering;

/// Sorts `v` stably by `cmp` (same order as `slice::sort_by`).
pub(crate) fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let perm = {
        let items: &[T] = v;
        permutation(
            items.len(),
            &mut |a, b| match (items.get(a), items.get(b)) {
                (Some(x), Some(y)) => cmp(x, y),
                _ => Ordering::Equal,
            },
        )
    };
    apply(v, &perm);
}

/// Sorts `v` stably by the key `f` (same order as `slice::sort_by_key`).
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably in ascending order (same order as `slice::sort`).
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The stable sorting permutation of `0..n`: position `i` of the result is the index of the
/// element that belongs at `i`.
#[inline(never)]
fn permutation(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|a, b| cmp(*a, *b));
    idx
}

/// Moves `v[perm[i]]` to position `i` for every `i`, following each cycle of the permutation
/// once with swaps.
fn apply<T>(v: &mut [T], perm: &[usize]) {
    let mut done = vec![false; v.len()];
    for start in 0..v.len() {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut cur = start;
        loop {
            if let Some(d) = done.get_mut(cur) {
                *d = true;
            }
            let next = perm.get(cur).copied().unwrap_or(start);
            if next == start || next >= v.len() {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::unnecessary_sort_by)] // comparing against std's `sort_by` itself
    fn matches_std_stable_sort_on_many_inputs() {
        // Pseudo-random keys with many ties, so stability is visible in the payload.
        let mut seed = 12345u64;
        for n in [0usize, 1, 2, 3, 7, 20, 21, 100, 1000] {
            let items: Vec<(u64, usize)> = (0..n)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 33) % 7, i)
                })
                .collect();
            let mut ours = items.clone();
            sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
            let mut std = items.clone();
            std.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, std, "n = {n}");
            let mut ours = items.clone();
            sort_by_key(&mut ours, |a| std::cmp::Reverse(a.0));
            let mut std = items.clone();
            std.sort_by_key(|a| std::cmp::Reverse(a.0));
            assert_eq!(ours, std, "n = {n}");
            let mut ours = items.clone();
            sort(&mut ours);
            let mut std = items;
            std.sort();
            assert_eq!(ours, std, "n = {n}");
        }
    }

    #[test]
    fn moves_non_copy_values() {
        let mut v: Vec<String> = ["d", "b", "a", "c", "b"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort(&mut v);
        assert_eq!(v, ["a", "b", "b", "c", "d"]);
    }
}
