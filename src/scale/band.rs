//! Scale stage: band and point scales for discrete domains (bars, dots on a category axis).
//!
//! A port of d3-scale 4's `scaleBand` / `scalePoint` with `round = false`, working on indices:
//! the caller maps its domain values to `0..n`. Positions, step and bandwidth are computed with
//! d3's arithmetic, so they match Vega/d3 to the bit; a descending range (`[r1, r0]` with
//! `r1 > r0`) reverses the bands as d3 does.
//!
//! Guarantees: never panics; out-of-range indices give `None`; NaN parameters propagate as NaN
//! like d3's `Math.min`/`Math.max` do.

use crate::js::num::{js_max, js_min};

/// A band (or point) scale over `n` indices.
#[derive(Clone, Debug, PartialEq)]
pub struct BandScale {
    n: usize,
    range: [f64; 2],
    padding_inner: f64,
    padding_outer: f64,
    align: f64,
    point: bool,
}

/// Start of the first band, step and bandwidth: d3's `rescale`.
struct Layout {
    start: f64,
    step: f64,
    bandwidth: f64,
    reverse: bool,
}

impl BandScale {
    /// A band scale of `n` bands over `range`, with paddingInner 0, paddingOuter 0, align 0.5.
    ///
    /// ```
    /// use storychart::scale::BandScale;
    /// // Vega-Lite's bar defaults: paddingInner 0.1, paddingOuter 0.05.
    /// let x = BandScale::new(9, [0.0, 180.0]).padding_inner(0.1).padding_outer(0.05);
    /// assert_eq!(x.position(0), Some(1.0));
    /// assert_eq!(x.position(8), Some(161.0));
    /// assert_eq!((x.bandwidth(), x.step(), x.len()), (18.0, 20.0, 9));
    /// ```
    pub fn new(n: usize, range: [f64; 2]) -> Self {
        BandScale {
            n,
            range,
            padding_inner: 0.0,
            padding_outer: 0.0,
            align: 0.5,
            point: false,
        }
    }

    /// A point scale (d3's `scalePoint`): a band scale with paddingInner 1 and bandwidth 0.
    /// Its [`padding`](BandScale::padding) is the outer padding.
    ///
    /// ```
    /// use storychart::scale::BandScale;
    /// let x = BandScale::point(3, [0.0, 100.0]).padding(0.5);
    /// assert_eq!(x.position(0), Some(16.666666666666664)); // d3 gives the same float
    /// assert_eq!(x.position(1), Some(50.0));
    /// assert_eq!(x.bandwidth(), 0.0);
    /// ```
    pub fn point(n: usize, range: [f64; 2]) -> Self {
        BandScale {
            padding_inner: 1.0,
            point: true,
            ..BandScale::new(n, range)
        }
    }

    /// d3's `paddingInner(p)`: the fraction of each step left empty between bands, capped at 1.
    /// A point scale has no inner padding to set, so this leaves it unchanged.
    pub fn padding_inner(self, p: f64) -> Self {
        if self.point {
            return self;
        }
        BandScale {
            padding_inner: js_min(1.0, p),
            ..self
        }
    }

    /// d3's `paddingOuter(p)`: space before the first and after the last band, in steps.
    pub fn padding_outer(self, p: f64) -> Self {
        BandScale {
            padding_outer: p,
            ..self
        }
    }

    /// d3's `padding(p)`: sets both inner and outer padding (for a point scale, outer only).
    pub fn padding(self, p: f64) -> Self {
        if self.point {
            return self.padding_outer(p);
        }
        BandScale {
            padding_outer: p,
            padding_inner: js_min(1.0, p),
            ..self
        }
    }

    /// d3's `align(a)`: where the outer space goes, 0 (all after) to 1 (all before), clamped.
    pub fn align(self, a: f64) -> Self {
        BandScale {
            align: js_max(0.0, js_min(1.0, a)),
            ..self
        }
    }

    fn layout(&self) -> Layout {
        let [r0, r1] = self.range;
        let reverse = r1 < r0;
        let (mut start, stop) = if reverse { (r1, r0) } else { (r0, r1) };
        let n = self.n as f64;
        let pi = self.padding_inner;
        let step = (stop - start) / js_max(1.0, n - pi + self.padding_outer * 2.0);
        start += (stop - start - step * (n - pi)) * self.align;
        Layout {
            start,
            step,
            bandwidth: step * (1.0 - pi),
            reverse,
        }
    }

    /// Start of band `index` (the point itself for a point scale), or `None` past the end.
    ///
    /// ```
    /// use storychart::scale::BandScale;
    /// let x = BandScale::new(2, [100.0, 0.0]);
    /// assert_eq!(x.position(0), Some(50.0));
    /// assert_eq!(x.position(1), Some(0.0));
    /// assert_eq!(x.position(2), None);
    /// ```
    pub fn position(&self, index: usize) -> Option<f64> {
        if index >= self.n {
            return None;
        }
        let l = self.layout();
        let slot = if l.reverse { self.n - 1 - index } else { index };
        Some(l.start + l.step * slot as f64)
    }

    /// Width of each band (0 for a point scale).
    pub fn bandwidth(&self) -> f64 {
        self.layout().bandwidth
    }

    /// Distance between the starts of adjacent bands.
    pub fn step(&self) -> f64 {
        self.layout().step
    }

    /// Number of bands.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no bands.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The band whose closed interval `[position, position + bandwidth]` contains `px`
    /// (the lowest-positioned one where two touch), or `None` in the padding. For a point
    /// scale only the exact point positions hit.
    ///
    /// ```
    /// use storychart::scale::BandScale;
    /// let x = BandScale::new(2, [0.0, 100.0]).padding(0.2);
    /// assert_eq!(x.invert_index(20.0), Some(0));
    /// assert_eq!(x.invert_index(50.0), None);
    /// assert_eq!(x.invert_index(f64::NAN), None);
    /// ```
    pub fn invert_index(&self, px: f64) -> Option<usize> {
        if self.n == 0 || px.is_nan() {
            return None;
        }
        let l = self.layout();
        let last = self.n - 1;
        let guess = ((px - l.start) / l.step).floor();
        // NaN or out-of-range guesses clamp into 0..=last; `as` saturates.
        let guess = if guess.is_nan() {
            0
        } else {
            (guess.max(0.0) as usize).min(last)
        };
        let candidates = [
            guess.saturating_sub(1),
            guess,
            guess.saturating_add(1).min(last),
        ];
        let slot = candidates.into_iter().find(|&slot| {
            let p = l.start + l.step * slot as f64;
            p <= px && px <= p + l.bandwidth
        })?;
        Some(if l.reverse { last - slot } else { slot })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(scale: &BandScale, expected: &[f64], bandwidth: f64, step: f64) {
        let got: Vec<f64> = (0..scale.len()).filter_map(|i| scale.position(i)).collect();
        assert_eq!(got, expected, "{scale:?}");
        assert_eq!(scale.bandwidth(), bandwidth, "{scale:?}");
        assert_eq!(scale.step(), step, "{scale:?}");
        assert_eq!(scale.position(scale.len()), None);
    }

    // Expected values: d3-scale 4.0.3 scaleBand / scalePoint under Node 20 (bit-exact).
    #[test]
    fn band_matches_d3() {
        #[rustfmt::skip]
        let cases: &[(BandScale, &[f64], f64, f64)] = &[
        (BandScale::new(9, [0.0, 180.0]).padding_inner(0.1).padding_outer(0.05), &[1.0, 21.0, 41.0, 61.0, 81.0, 101.0, 121.0, 141.0, 161.0], 18.0, 20.0),
        (BandScale::new(3, [0.0, 100.0]), &[0.0, 33.333333333333336, 66.66666666666667], 33.333333333333336, 33.333333333333336),
        (BandScale::new(3, [100.0, 0.0]).padding(0.2), &[68.75, 37.5, 6.25], 25.000000000000004, 31.250000000000004),
        (BandScale::new(4, [10.0, 330.0]).padding(0.3).align(0.0), &[10.0, 84.4186046511628, 158.8372093023256, 233.25581395348837], 52.093023255813954, 74.4186046511628),
        (BandScale::new(4, [10.0, 330.0]).padding_outer(0.5).align(1.0), &[74.0, 138.0, 202.0, 266.0], 64.0, 64.0),
        (BandScale::new(5, [0.0, 7.0]).padding_inner(2.0), &[0.0, 1.75, 3.5, 5.25, 7.0], 0.0, 1.75),
        (BandScale::new(1, [0.0, 100.0]).padding_inner(1.0), &[50.0], 0.0, 100.0),
        (BandScale::new(0, [0.0, 100.0]), &[], 100.0, 100.0),
        (BandScale::new(3, [0.0, 100.0]).align(-5.0), &[0.0, 33.333333333333336, 66.66666666666667], 33.333333333333336, 33.333333333333336),
        (BandScale::point(3, [0.0, 100.0]), &[0.0, 50.0, 100.0], 0.0, 50.0),
        (BandScale::point(3, [0.0, 100.0]).padding(0.5), &[16.666666666666664, 50.0, 83.33333333333334], 0.0, 33.333333333333336),
        (BandScale::point(1, [0.0, 100.0]).padding(0.25), &[50.0], 0.0, 100.0),
        (BandScale::point(4, [400.0, 0.0]).padding(1.0).align(0.2), &[272.0, 192.0, 112.0, 32.0], 0.0, 80.0),
        (BandScale::point(7, [0.0, 600.0]).padding_outer(0.5), &[42.85714285714289, 128.5714285714286, 214.2857142857143, 300.0, 385.7142857142857, 471.42857142857144, 557.1428571428571], 0.0, 85.71428571428571),
        ];
        for (scale, positions, bandwidth, step) in cases {
            check(scale, positions, *bandwidth, *step);
        }
    }

    #[test]
    fn invert_index_hits_bands() {
        // Vega-Lite's bar defaults: bands [1, 19], [21, 39], ..., [161, 179].
        let x = BandScale::new(9, [0.0, 180.0])
            .padding_inner(0.1)
            .padding_outer(0.05);
        assert_eq!(x.invert_index(0.5), None);
        assert_eq!(x.invert_index(1.0), Some(0));
        assert_eq!(x.invert_index(19.0), Some(0));
        assert_eq!(x.invert_index(20.0), None);
        assert_eq!(x.invert_index(100.0), None);
        assert_eq!(x.invert_index(90.0), Some(4));
        assert_eq!(x.invert_index(179.0), Some(8));
        assert_eq!(x.invert_index(179.5), None);
        assert_eq!(x.invert_index(-1e300), None);
        assert_eq!(x.invert_index(f64::INFINITY), None);
        // Reversed range: index 0 is on the right.
        let r = BandScale::new(3, [100.0, 0.0]);
        assert_eq!(r.invert_index(90.0), Some(0));
        assert_eq!(r.invert_index(10.0), Some(2));
        // No padding: touching bands, the lower position wins.
        assert_eq!(BandScale::new(2, [0.0, 100.0]).invert_index(50.0), Some(0));
        // Point scale: only exact positions.
        let p = BandScale::point(3, [0.0, 100.0]);
        assert_eq!(p.invert_index(50.0), Some(1));
        assert_eq!(p.invert_index(49.0), None);
        // Degenerate scales.
        assert_eq!(BandScale::new(0, [0.0, 100.0]).invert_index(5.0), None);
        assert_eq!(BandScale::new(3, [5.0, 5.0]).invert_index(5.0), Some(0));
        assert_eq!(BandScale::new(3, [0.0, f64::NAN]).invert_index(5.0), None);
    }

    #[test]
    fn builders_follow_d3() {
        assert!(BandScale::new(0, [0.0, 1.0]).is_empty());
        assert!(BandScale::new(3, [0.0, f64::NAN])
            .position(0)
            .is_some_and(f64::is_nan));
        // A point scale has no inner padding: padding_inner is ignored, padding is outer.
        assert_eq!(
            BandScale::point(3, [0.0, 100.0]).padding_inner(0.2),
            BandScale::point(3, [0.0, 100.0])
        );
        assert_eq!(
            BandScale::new(usize::MAX, [0.0, 1.0])
                .position(usize::MAX - 1)
                .map(|p| p > 0.0),
            Some(true)
        );
    }
}
