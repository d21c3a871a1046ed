//! Crossfilter-style counting for linked views: rows keep a precomputed group code (their bin,
//! time unit or category), each filter keeps a row mask (64 rows per word), and one pass over
//! the rows that pass every mask counts them per code, with each group's first passing row
//! (groups come out in order of first appearance, as the general aggregate orders them).
//! No rows are copied and nothing is hashed per move.
//!
//! Stage: kernels. Pure; `chart::linked` drives it and its tests compare it with the general
//! plan path.

/// A row mask: bit `r % 64` of word `r / 64` is set when row `r` passes.
pub type Mask = Vec<u64>;

/// The mask of `rows` rows with the rows of `selected` set (rows past the end are ignored).
///
/// ```
/// use storychart::data::kernels::crossfilter::mask_of;
/// assert_eq!(mask_of(70, [0usize, 3, 69, 99]), vec![0b1001, 1 << 5]);
/// ```
pub fn mask_of(rows: usize, selected: impl IntoIterator<Item = usize>) -> Mask {
    let mut mask = vec![0u64; rows.div_ceil(64)];
    for r in selected {
        if r < rows {
            if let Some(w) = mask.get_mut(r / 64) {
                *w |= 1u64 << (r % 64);
            }
        }
    }
    mask
}

/// The mask of one `bool` per row.
///
/// ```
/// use storychart::data::kernels::crossfilter::mask_of_bools;
/// assert_eq!(mask_of_bools(&[true, false, true]), vec![0b101]);
/// ```
pub fn mask_of_bools(keep: &[bool]) -> Mask {
    keep.chunks(64)
        .map(|chunk| {
            chunk
                .iter()
                .enumerate()
                .fold(0u64, |w, (j, k)| w | (u64::from(*k) << j))
        })
        .collect()
}

/// One group's result: its code, its first passing row and how many rows pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupCount {
    /// The group code.
    pub code: u16,
    /// The first row (ascending) of the group that passes every mask.
    pub first_row: usize,
    /// How many rows of the group pass every mask.
    pub count: u64,
}

/// Counts, per code of `codes` (one per row, each `< groups`), the rows that pass every mask
/// of `masks` (`None`: every row passes), in order of each group's first passing row.
///
/// ```
/// use storychart::data::kernels::crossfilter::{count_codes, mask_of, GroupCount};
/// let codes = [1u16, 0, 1, 0, 1];
/// let m = mask_of(5, [1usize, 2, 4]);
/// let out = count_codes(&codes, 2, &[Some(&m), None]);
/// assert_eq!(out, vec![GroupCount { code: 0, first_row: 1, count: 1 },
///                      GroupCount { code: 1, first_row: 2, count: 2 }]);
/// ```
pub fn count_codes(codes: &[u16], groups: usize, masks: &[Option<&Mask>]) -> Vec<GroupCount> {
    let mut count = vec![0u64; groups];
    let mut first = vec![usize::MAX; groups];
    let mut order: Vec<u16> = Vec::new();
    let masks: Vec<&Mask> = masks.iter().flatten().copied().collect();
    for (w, chunk) in codes.chunks(64).enumerate() {
        let valid = if chunk.len() == 64 {
            u64::MAX
        } else {
            (1u64 << chunk.len()) - 1
        };
        let word = masks
            .iter()
            .fold(valid, |acc, m| acc & m.get(w).copied().unwrap_or(0));
        if word == u64::MAX {
            for (j, code) in chunk.iter().enumerate() {
                bump(&mut count, &mut first, &mut order, *code, w * 64 + j);
            }
            continue;
        }
        let mut bits = word;
        while bits != 0 {
            let j = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(code) = chunk.get(j) {
                bump(&mut count, &mut first, &mut order, *code, w * 64 + j);
            }
        }
    }
    order
        .into_iter()
        .map(|code| GroupCount {
            code,
            first_row: first.get(usize::from(code)).copied().unwrap_or(0),
            count: count.get(usize::from(code)).copied().unwrap_or(0),
        })
        .collect()
}

#[inline(always)]
fn bump(count: &mut [u64], first: &mut [usize], order: &mut Vec<u16>, code: u16, row: usize) {
    let c = usize::from(code);
    if let (Some(n), Some(f)) = (count.get_mut(c), first.get_mut(c)) {
        if *n == 0 {
            *f = row;
            order.push(code);
        }
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same counts by the obvious per-row loop.
    fn slow(codes: &[u16], groups: usize, keep: &[Vec<bool>]) -> Vec<GroupCount> {
        let mut out: Vec<GroupCount> = Vec::new();
        for (r, code) in codes.iter().enumerate() {
            if !keep.iter().all(|k| k[r]) {
                continue;
            }
            assert!(usize::from(*code) < groups);
            match out.iter_mut().find(|g| g.code == *code) {
                Some(g) => g.count += 1,
                None => out.push(GroupCount {
                    code: *code,
                    first_row: r,
                    count: 1,
                }),
            }
        }
        out
    }

    #[test]
    fn counts_equal_a_per_row_loop() {
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for rows in [0usize, 1, 63, 64, 65, 200, 1000] {
            let groups = 1 + (next() % 9) as usize;
            let codes: Vec<u16> = (0..rows).map(|_| (next() % groups as u64) as u16).collect();
            let keep: Vec<Vec<bool>> = (0..3)
                .map(|k| (0..rows).map(|_| k == 0 || next() % 4 != 0).collect())
                .collect();
            let masks: Vec<Mask> = keep.iter().map(|k| mask_of_bools(k)).collect();
            let refs: Vec<Option<&Mask>> = masks.iter().map(Some).chain([None]).collect();
            assert_eq!(
                count_codes(&codes, groups, &refs),
                slow(&codes, groups, &keep)
            );
            let sel: Vec<usize> = (0..rows).filter(|r| keep[1][*r]).collect();
            assert_eq!(mask_of(rows, sel), masks[1]);
        }
    }
}
