//! JavaScript `Math` primitives that Vega's bin step search relies on: `Math.round`,
//! `Math.min`/`max` and V8's `Math.pow(10, k)` (not correctly rounded for some `k`, e.g.
//! `Math.pow(10, -5)` is `0.000009999999999999999`).
//!
//! Stage: kernels (bin internals). A copy of the same functions in `scale/jsnum.rs`, which is
//! private to the scale stage; both should move to one shared module (a later refactor).

/// `Math.round`: nearest integer, exact halves toward +∞, `-0` for inputs in `[-0.5, -0]`.
pub(crate) fn js_round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let floor = x.floor();
    let r = if x - floor >= 0.5 { floor + 1.0 } else { floor };
    if r == 0.0 && x < 0.0 {
        -0.0
    } else {
        r
    }
}

/// `Math.min(a, b)`: NaN if either is NaN; `-0` is less than `+0`.
pub(crate) fn js_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a < b || (a == b && a.is_sign_negative()) {
        a
    } else {
        b
    }
}

/// `Math.max(a, b)`: NaN if either is NaN; `+0` is greater than `-0`.
pub(crate) fn js_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a > b || (a == b && a.is_sign_positive()) {
        a
    } else {
        b
    }
}

/// Exponents `k` where V8's `Math.pow(10, k)` differs from the correctly rounded `1e{k}`,
/// with V8's result as bits (Node 20). Everywhere else V8 returns the correctly rounded value.
#[rustfmt::skip]
const V8_POW10_EXCEPTIONS: [(i32, u64); 69] = [
    (-307, 0x0031fa182c40c60e), (-306, 0x0066789e3750f790), (-303, 0x0105f1ca820511c4),
    (-278, 0x0636b0a8e8920000), (-268, 0x084a6a2b85062ab4), (-246, 0x0cdbf7b9d9cce00e),
    (-222, 0x11d72262f3133ed0), (-207, 0x14f48c22ca71a1be), (-166, 0x1d779657025b6234),
    (-163, 0x1e1708d0f84d3de8), (-148, 0x2134756ccb01abfc), (-145, 0x21d3faac3e3fa1f4),
    (-138, 0x2347d12a4670c122), (-128, 0x255bba08cf8c979c), (-122, 0x269a71368f0f3046),
    (-111, 0x28e33d4032c2c7f4), (-106, 0x29ed5b561574765c), (-104, 0x2a56ef5b40c2fc78),
    (-101, 0x2af665bf1d3e6a8c), (-88, 0x2da97683df2f268e), (-76, 0x3027288e1271f514),
    (-63, 0x32da53fc9631d10c), (-57, 0x34191bc08eac9a42), (-39, 0x37d5c72fb1552d84),
    (-32, 0x3949f623d5a8a732), (-29, 0x39e95a5efea6b348), (-24, 0x3af357c299a88ea8),
    (-23, 0x3b282db34012b252), (-21, 0x3b92e3b40a0e9b50), (-20, 0x3bc79ca10c924224),
    (-17, 0x3c670ef54646d496), (-5, 0x3ee4f8b588e368f0), (-4, 0x3f1a36e2eb1c432c),
    (26, 0x4554adf4b7320334), (29, 0x45f431e0fae6d722), (34, 0x46fed09bead87c04),
    (36, 0x476812f9cf7920e2), (39, 0x48078287f49c4a1e), (42, 0x48a6f578c4e0a060),
    (49, 0x4a1b5e7e08ca3a90), (58, 0x4bf97d4df19d6058), (61, 0x4c98e45e1df3b016),
    (70, 0x4e772ebad6ddc73c), (95, 0x53a7f85de8ad5c4e), (96, 0x53ddf67562d8b362),
    (111, 0x56fa9cbc59b83a3e), (126, 0x5a17a2ecc414a040), (136, 0x5c2b843422e3a84c),
    (142, 0x5d6a3de04895e46c), (165, 0x62315d847ad00088), (166, 0x6265b4e5998400aa),
    (169, 0x630532a837eae8a6), (187, 0x66c262dfeebbb0fa), (191, 0x679671b25aec1d88),
    (210, 0x6b88557f31326bbc), (215, 0x6c9290ba9a38c7d2), (218, 0x6d3221563a9b7322),
    (225, 0x6ea59ce797fb8180), (232, 0x7019c3bc80c85c7e), (242, 0x722dfe729b9ff152),
    (244, 0x72976ec98994f488), (260, 0x75ea03fde214caf0), (273, 0x789d9388b3aa30a6),
    (274, 0x78d27c35704a5e68), (275, 0x79071b42cc5cf602), (279, 0x79dc34c70a777a4c),
    (284, 0x7ae585041b2c477e), (290, 0x7c2485ce9e7a065e), (294, 0x7cf90d56b873f4c6),
];

/// V8's `Math.pow(10, p)` for an integer-valued (or non-finite) `p`, bit for bit.
pub(crate) fn js_pow10(p: f64) -> f64 {
    if p.is_nan() {
        return f64::NAN;
    }
    if p > 308.0 {
        return f64::INFINITY;
    }
    if p < -330.0 {
        return 0.0;
    }
    if p.fract() != 0.0 {
        return 10f64.powf(p);
    }
    // In range and integral, so the cast is exact.
    let k = p as i32;
    if let Ok(i) = V8_POW10_EXCEPTIONS.binary_search_by_key(&k, |&(e, _)| e) {
        if let Some(&(_, bits)) = V8_POW10_EXCEPTIONS.get(i) {
            return f64::from_bits(bits);
        }
    }
    if (0..=22).contains(&k) {
        // 10^k is exact for k <= 22, and so is every partial product.
        return (0..k).fold(1.0, |acc, _| acc * 10.0);
    }
    // Correctly rounded, like the literal `1e{k}`.
    let mut s = String::from("1e");
    s.push_str(&k.to_string());
    s.parse::<f64>().unwrap_or(f64::NAN)
}
