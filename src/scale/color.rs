//! Colour schemes and colour interpolation, as Vega and d3 compute them.
//!
//! Stage: scales. Every named scheme of vega-scale 8 (`palettes.js`): discrete palettes
//! (tableau10, category10, set1, ...) and continuous ones (blues, viridis, blueorange, ...),
//! stored as packed hex strings as vega-scale stores them (small in the WASM). A continuous
//! scheme is Vega's piecewise RGB interpolation of its colours; explicit colour ranges of
//! continuous scales interpolate in HCL, as Vega-Lite asks (`interpolate: "hcl"`), with d3-color's
//! Lab/HCL arithmetic. Vega-Lite's default categorical range (`"category"`) is `tableau10`; a
//! domain longer than a palette cycles through it, as d3's `scaleOrdinal` does.

use crate::scene::Color;

const fn hex(v: u32) -> Color {
    let [_, r, g, b] = v.to_be_bytes();
    Color::rgb(r, g, b)
}

/// Vega's `tableau10`, the default categorical scheme.
pub const TABLEAU10: [Color; 10] = [
    hex(0x4c78a8),
    hex(0xf58518),
    hex(0xe45756),
    hex(0x72b7b2),
    hex(0x54a24b),
    hex(0xeeca3b),
    hex(0xb279a2),
    hex(0xff9da6),
    hex(0x9d755d),
    hex(0xbab0ac),
];

/// Every named scheme: (lower-case name, continuous, packed `rrggbb` colours).
const SCHEMES: &[(&str, bool, &str)] = &[
    ("accent", false, "7fc97fbeaed4fdc086ffff99386cb0f0027fbf5b17666666"),
    ("category10", false, "1f77b4ff7f0e2ca02cd627289467bd8c564be377c27f7f7fbcbd2217becf"),
    ("category20", false, "1f77b4aec7e8ff7f0effbb782ca02c98df8ad62728ff98969467bdc5b0d58c564bc49c94e377c2f7b6d27f7f7fc7c7c7bcbd22dbdb8d17becf9edae5"),
    ("category20b", false, "393b795254a36b6ecf9c9ede6379398ca252b5cf6bcedb9c8c6d31bd9e39e7ba52e7cb94843c39ad494ad6616be7969c7b4173a55194ce6dbdde9ed6"),
    ("category20c", false, "3182bd6baed69ecae1c6dbefe6550dfd8d3cfdae6bfdd0a231a35474c476a1d99bc7e9c0756bb19e9ac8bcbddcdadaeb636363969696bdbdbdd9d9d9"),
    ("dark2", false, "1b9e77d95f027570b3e7298a66a61ee6ab02a6761d666666"),
    ("observable10", false, "4269d0efb118ff725c6cc5b03ca951ff8ab7a463f297bbf59c6b4e9498a0"),
    ("paired", false, "a6cee31f78b4b2df8a33a02cfb9a99e31a1cfdbf6fff7f00cab2d66a3d9affff99b15928"),
    ("pastel1", false, "fbb4aeb3cde3ccebc5decbe4fed9a6ffffcce5d8bdfddaecf2f2f2"),
    ("pastel2", false, "b3e2cdfdcdaccbd5e8f4cae4e6f5c9fff2aef1e2cccccccc"),
    ("set1", false, "e41a1c377eb84daf4a984ea3ff7f00ffff33a65628f781bf999999"),
    ("set2", false, "66c2a5fc8d628da0cbe78ac3a6d854ffd92fe5c494b3b3b3"),
    ("set3", false, "8dd3c7ffffb3bebadafb807280b1d3fdb462b3de69fccde5d9d9d9bc80bdccebc5ffed6f"),
    ("tableau10", false, "4c78a8f58518e4575672b7b254a24beeca3bb279a2ff9da69d755dbab0ac"),
    ("tableau20", false, "4c78a89ecae9f58518ffbf7954a24b88d27ab79a20f2cf5b43989483bcb6e45756ff9d9879706ebab0acd67195fcbfd2b279a2d6a5c99e765fd8b5a5"),
    ("blues", true, "cfe1f2bed8eca8cee58fc1de74b2d75ba3cf4592c63181bd206fb2125ca40a4a90"),
    ("greens", true, "d3eecdc0e6baabdda594d3917bc77d60ba6c46ab5e329a512089430e7735036429"),
    ("greys", true, "e2e2e2d4d4d4c4c4c4b1b1b19d9d9d8888887575756262624d4d4d3535351e1e1e"),
    ("oranges", true, "fdd8b3fdc998fdb87bfda55efc9244f87f2cf06b18e4580bd14904b93d029f3303"),
    ("purples", true, "e2e1efd4d4e8c4c5e0b4b3d6a3a0cc928ec3827cb97566ae684ea25c3696501f8c"),
    ("reds", true, "fdc9b4fcb49afc9e80fc8767fa7051f6573fec3f2fdc2a25c81b1db21218970b13"),
    ("bluegreen", true, "d5efedc1e8e0a7ddd18bd2be70c6a958ba9144ad77319c5d2089460e7736036429"),
    ("bluepurple", true, "ccddecbad0e4a8c2dd9ab0d4919cc98d85be8b6db28a55a6873c99822287730f71"),
    ("greenblue", true, "d3eecec5e8c3b1e1bb9bd8bb82cec269c2ca51b2cd3c9fc7288abd1675b10b60a1"),
    ("orangered", true, "fddcaffdcf9bfdc18afdad77fb9562f67d53ee6545e24932d32d1ebf130da70403"),
    ("purpleblue", true, "dbdaebc8cee4b1c3de97b7d87bacd15b9fc93a90c01e7fb70b70ab056199045281"),
    ("purplebluegreen", true, "dbd8eac8cee4b0c3de93b7d872acd1549fc83892bb1c88a3097f8702736b016353"),
    ("purplered", true, "dcc9e2d3b3d7ce9eccd186c0da6bb2e14da0e23189d91e6fc61159ab07498f023a"),
    ("redpurple", true, "fccfccfcbec0faa9b8f98faff571a5ec539ddb3695c41b8aa908808d0179700174"),
    ("yellowgreen", true, "e4f4acd1eca0b9e2949ed68880c97c62bb6e47aa5e3297502083440e723b036034"),
    ("yelloworangebrown", true, "feeaa1fedd84fecc63feb746fca031f68921eb7215db5e0bc54c05ab3d038f3204"),
    ("yelloworangered", true, "fee087fed16ffebd59fea849fd903efc7335f9522bee3423de1b20ca0b22af0225"),
    ("blueorange", true, "134b852f78b35da2cb9dcae1d2e5eff2f0ebfce0bafbbf74e8932fc5690d994a07"),
    ("brownbluegreen", true, "704108a0651ac79548e3c78af3e6c6eef1eac9e9e48ed1c74da79e187a72025147"),
    ("purplegreen", true, "5b1667834792a67fb6c9aed3e6d6e8eff0efd9efd5aedda971bb75368e490e5e29"),
    ("purpleorange", true, "4114696647968f83b7b9b4d6dadbebf3eeeafce0bafbbf74e8932fc5690d994a07"),
    ("redblue", true, "8c0d25bf363adf745ef4ae91fbdbc9f2efeed2e5ef9dcae15da2cb2f78b3134b85"),
    ("redgrey", true, "8c0d25bf363adf745ef4ae91fcdccbfaf4f1e2e2e2c0c0c0969696646464343434"),
    ("yellowgreenblue", true, "eff9bddbf1b4bde5b594d5b969c5be45b4c22c9ec02182b82163aa23479c1c3185"),
    ("redyellowblue", true, "a50026d4322cf16e43fcac64fedd90faf8c1dcf1ecabd6e875abd04a74b4313695"),
    ("redyellowgreen", true, "a50026d4322cf16e43fcac63fedd8df9f7aed7ee8ea4d86e64bc6122964f006837"),
    ("pinkyellowgreen", true, "8e0152c0267edd72adf0b3d6faddedf5f3efe1f2cab6de8780bb474f9125276419"),
    ("spectral", true, "9e0142d13c4bf0704afcac63fedd8dfbf8b0e0f3a1a9dda269bda94288b55e4fa2"),
    ("viridis", true, "440154470e61481a6c482575472f7d443a834144873d4e8a39568c35608d31688e2d708e2a788e27818e23888e21918d1f988b1fa08822a8842ab07f35b77943bf7154c56866cc5d7ad1518fd744a5db36bcdf27d2e21be9e51afde725"),
    ("magma", true, "0000040404130b0924150e3720114b2c11603b0f704a107957157e651a80721f817f24828c29819a2e80a8327db6377ac43c75d1426fde4968e95462f1605df76f5cfa7f5efc8f65fe9f6dfeaf78febf84fece91fddea0fcedaffcfdbf"),
    ("inferno", true, "0000040403130c0826170c3b240c4f330a5f420a68500d6c5d126e6b176e781c6d86216b932667a12b62ae305cbb3755c73e4cd24644dd513ae65c30ed6925f3771af8850ffb9506fca50afcb519fac62df6d645f2e661f3f484fcffa4"),
    ("plasma", true, "0d088723069033059742039d5002a25d01a66a00a87801a88405a7900da49c179ea72198b12a90ba3488c33d80cb4779d35171da5a69e16462e76e5bed7953f2834cf68f44fa9a3dfca636fdb32ffec029fcce25f9dc24f5ea27f0f921"),
    ("cividis", true, "00205100235800265d002961012b65042e670831690d346b11366c16396d1c3c6e213f6e26426e2c456e31476e374a6e3c4d6e42506e47536d4c566d51586e555b6e5a5e6e5e616e62646f66676f6a6a706e6d717270717573727976737c79747f7c75827f758682768985778c8877908b78938e789691789a94789e9778a19b78a59e77a9a177aea575b2a874b6ab73bbaf71c0b26fc5b66dc9b96acebd68d3c065d8c462ddc85fe2cb5ce7cf58ebd355f0d652f3da4ff7de4cfae249fce647"),
    ("rainbow", true, "6e40aa883eb1a43db3bf3cafd83fa4ee4395fe4b83ff576eff6659ff7847ff8c38f3a130e2b72fcfcc36bee044aff05b8ff4576ff65b52f6673af27828ea8d1ddfa319d0b81cbecb23abd82f96e03d82e14c6edb5a5dd0664dbf6e40aa"),
    ("sinebow", true, "ff4040fc582af47218e78d0bd5a703bfbf00a7d5038de70b72f41858fc2a40ff402afc5818f4720be78d03d5a700bfbf03a7d50b8de71872f42a58fc4040ff582afc7218f48d0be7a703d5bf00bfd503a7e70b8df41872fc2a58ff4040"),
    ("turbo", true, "23171b32204a3e2a71453493493eae4b49c54a53d7485ee44569ee4074f53c7ff8378af93295f72e9ff42ba9ef28b3e926bce125c5d925cdcf27d5c629dcbc2de3b232e9a738ee9d3ff39347f68950f9805afc7765fd6e70fe667cfd5e88fc5795fb51a1f84badf545b9f140c5ec3cd0e637dae034e4d931ecd12ef4c92bfac029ffb626ffad24ffa223ff9821ff8d1fff821dff771cfd6c1af76118f05616e84b14df4111d5380fcb2f0dc0260ab61f07ac1805a313029b0f00950c00910b00"),
    ("browns", true, "eedbbdecca96e9b97ae4a865dc9856d18954c7784cc0673fb85536ad44339f3632"),
    ("tealblues", true, "bce4d89dd3d181c3cb65b3c245a2b9368fae347da0306a932c5985"),
    ("teals", true, "bbdfdfa2d4d58ac9c975bcbb61b0af4da5a43799982b8b8c1e7f7f127273006667"),
    ("warmgreys", true, "dcd4d0cec5c1c0b8b4b3aaa7a59c9998908c8b827f7e7673726866665c5a59504e"),
    ("goldgreen", true, "f4d166d5ca60b6c35c98bb597cb25760a6564b9c533f8f4f33834a257740146c36"),
    ("goldorange", true, "f4d166f8be5cf8aa4cf5983bf3852aef701be2621fd65322c54923b142239e3a26"),
    ("goldred", true, "f4d166f6be59f9aa51fc964ef6834bee734ae56249db5247cf4244c43141b71d3e"),
    ("lightgreyred", true, "efe9e6e1dad7d5cbc8c8bdb9bbaea9cd967ddc7b43e15f19df4011dc000b"),
    ("lightgreyteal", true, "e4eaead6dcddc8ced2b7c2c7a6b4bc64b0bf22a6c32295c11f85be1876bc"),
    ("lightmulti", true, "e0f1f2c4e9d0b0de9fd0e181f6e072f6c053f3993ef77440ef4a3c"),
    ("lightorange", true, "f2e7daf7d5baf9c499fab184fa9c73f68967ef7860e8645bde515bd43d5b"),
    ("lighttealblue", true, "e3e9e0c0dccf9aceca7abfc859afc0389fb9328dad2f7ca0276b95255988"),
    ("darkblue", true, "3232322d46681a5c930074af008cbf05a7ce25c0dd38daed50f3faffffff"),
    ("darkgold", true, "3c3c3c584b37725e348c7631ae8b2bcfa424ecc31ef9de30fff184ffffff"),
    ("darkgreen", true, "3a3a3a215748006f4d048942489e4276b340a6c63dd2d836ffeb2cffffaa"),
    ("darkmulti", true, "3737371f5287197d8c29a86995ce3fffe800ffffff"),
    ("darkred", true, "3434347036339e3c38cc4037e75d1eec8620eeab29f0ce32ffeb2c"),
];

/// A named colour scheme.
#[derive(Clone, Debug, PartialEq)]
pub enum Scheme {
    /// A discrete palette, used colour by colour.
    Discrete(Vec<Color>),
    /// A continuous scheme, interpolated.
    Continuous(Interpolator),
}

fn unpack(packed: &str) -> Vec<Color> {
    packed
        .as_bytes()
        .chunks_exact(6)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .filter_map(|c| u32::from_str_radix(c, 16).ok())
        .map(hex)
        .collect()
}

/// Vega's scheme of that name (any case; `category` is Vega-Lite's default `tableau10`).
///
/// ```
/// use storychart::scale::color::{named, Scheme};
/// let Some(Scheme::Discrete(c)) = named("Category10") else { panic!() };
/// assert_eq!(c[1].to_css(), "#ff7f0e");
/// let Some(Scheme::Continuous(blues)) = named("blues") else { panic!() };
/// assert_eq!(blues.at(0.0).to_css(), "#cfe1f2");
/// ```
pub fn named(name: &str) -> Option<Scheme> {
    let lower = name.to_ascii_lowercase();
    let lower = if lower == "category" {
        "tableau10".to_string()
    } else {
        lower
    };
    let (_, continuous, packed) = SCHEMES.iter().find(|(n, _, _)| *n == lower)?;
    let colors = unpack(packed);
    Some(if *continuous {
        Scheme::Continuous(Interpolator::rgb(colors))
    } else {
        Scheme::Discrete(colors)
    })
}

/// A named categorical scheme (`tableau10`, `category10`, ...), if storychart has it.
pub fn scheme(name: &str) -> Option<Vec<Color>> {
    match named(name)? {
        Scheme::Discrete(c) => Some(c),
        Scheme::Continuous(_) => None,
    }
}

/// The colour of the `index`-th category in `palette`, cycling (black for an empty palette).
///
/// ```
/// use storychart::scale::color::{ordinal, TABLEAU10};
/// assert_eq!(ordinal(&TABLEAU10, 0).to_css(), "#4c78a8");
/// assert_eq!(ordinal(&TABLEAU10, 11).to_css(), "#f58518");
/// ```
pub fn ordinal(palette: &[Color], index: usize) -> Color {
    palette
        .get(index % palette.len().max(1))
        .copied()
        .unwrap_or(Color::BLACK)
}

/// How an [`Interpolator`] blends two neighbouring colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Space {
    /// d3's `interpolateRgb` (gamma 1).
    Rgb,
    /// d3's `interpolateHcl` (shortest hue path).
    Hcl,
}

/// d3-interpolate's `piecewise(interpolate, colors)`, optionally through part of its span
/// (vega-scale's `interpolateRange`).
#[derive(Clone, Debug, PartialEq)]
pub struct Interpolator {
    stops: Vec<Color>,
    space: Space,
    span: [f64; 2],
}

impl Interpolator {
    /// RGB interpolation through `stops` (Vega's continuous schemes).
    pub fn rgb(stops: Vec<Color>) -> Self {
        Interpolator {
            stops,
            space: Space::Rgb,
            span: [0.0, 1.0],
        }
    }

    /// HCL interpolation through `stops` (explicit colour ranges in Vega-Lite).
    pub fn hcl(stops: Vec<Color>) -> Self {
        Interpolator {
            stops,
            space: Space::Hcl,
            span: [0.0, 1.0],
        }
    }

    /// Uses only `[a, b]` of the interpolator's span (`scheme.extent`; `[1, 0]` reverses).
    pub fn within(self, extent: [f64; 2]) -> Self {
        let [s0, s1] = self.span;
        let at = |t: f64| s0 + t * (s1 - s0);
        Interpolator {
            span: [at(extent[0]), at(extent[1])],
            ..self
        }
    }

    /// The colour at `t` (0..1; values outside extrapolate, clamped to valid colours).
    pub fn at(&self, t: f64) -> Color {
        let t = self.span[0] + t * (self.span[1] - self.span[0]);
        let n = self.stops.len().saturating_sub(1);
        if n == 0 {
            return self.stops.first().copied().unwrap_or(Color::BLACK);
        }
        #[allow(clippy::cast_precision_loss)]
        let scaled = t * n as f64;
        let i = if scaled.is_nan() {
            0
        } else {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let f = scaled.floor().clamp(0.0, (n - 1) as f64) as usize;
            f
        };
        let (Some(a), Some(b)) = (self.stops.get(i), self.stops.get(i + 1)) else {
            return Color::BLACK;
        };
        #[allow(clippy::cast_precision_loss)]
        let local = scaled - i as f64;
        match self.space {
            Space::Rgb => mix_rgb(*a, *b, local),
            Space::Hcl => mix_hcl(*a, *b, local),
        }
    }

    /// vega-scale's `quantizeInterpolator`: `count` colours at `i / (count + 1)`.
    pub fn samples(&self, count: usize) -> Vec<Color> {
        #[allow(clippy::cast_precision_loss)]
        let n = (count + 1) as f64;
        #[allow(clippy::cast_precision_loss)]
        (1..=count).map(|i| self.at(i as f64 / n)).collect()
    }
}

/// d3-color's channel output: rounded and clamped to 0..=255.
fn channel(v: f64) -> u8 {
    if v.is_nan() {
        return 0;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let c = js_round(v).clamp(0.0, 255.0) as u8;
    c
}

/// JavaScript's `Math.round` (halves round up).
fn js_round(v: f64) -> f64 {
    (v + 0.5).floor()
}

fn mix_rgb(a: Color, b: Color, t: f64) -> Color {
    let lerp = |x: u8, y: u8| {
        let (x, y) = (f64::from(x), f64::from(y));
        channel(x + t * (y - x))
    };
    Color::rgb(lerp(a.r, b.r), lerp(a.g, b.g), lerp(a.b, b.b))
}

// d3-color's Lab constants (D50).
const XN: f64 = 0.96422;
const ZN: f64 = 0.82521;
const T0: f64 = 4.0 / 29.0;
const T1: f64 = 6.0 / 29.0;
const T2: f64 = 3.0 * T1 * T1;
const T3: f64 = T1 * T1 * T1;

fn rgb2lrgb(x: u8) -> f64 {
    let x = f64::from(x) / 255.0;
    if x <= 0.04045 {
        x / 12.92
    } else {
        ((x + 0.055) / 1.055).powf(2.4)
    }
}

fn xyz2lab(t: f64) -> f64 {
    if t > T3 {
        t.cbrt()
    } else {
        t / T2 + T0
    }
}

fn lab2xyz(t: f64) -> f64 {
    if t > T1 {
        t * t * t
    } else {
        T2 * (t - T0)
    }
}

fn lrgb2rgb(x: f64) -> f64 {
    255.0
        * if x <= 0.0031308 {
            12.92 * x
        } else {
            1.055 * x.powf(1.0 / 2.4) - 0.055
        }
}

/// d3's `hcl(color)`: hue (NaN when achromatic), chroma, luminance.
fn to_hcl(c: Color) -> [f64; 3] {
    let (r, g, b) = (rgb2lrgb(c.r), rgb2lrgb(c.g), rgb2lrgb(c.b));
    let y = xyz2lab(0.2225045 * r + 0.7168786 * g + 0.0606169 * b);
    let (x, z) = if c.r == c.g && c.g == c.b {
        (y, y)
    } else {
        (
            xyz2lab((0.4360747 * r + 0.3850649 * g + 0.1430804 * b) / XN),
            xyz2lab((0.0139322 * r + 0.0971045 * g + 0.7141733 * b) / ZN),
        )
    };
    let (l, a, bb) = (116.0 * y - 16.0, 500.0 * (x - y), 200.0 * (y - z));
    if a == 0.0 && bb == 0.0 {
        let c = if 0.0 < l && l < 100.0 { 0.0 } else { f64::NAN };
        return [f64::NAN, c, l];
    }
    let h = bb.atan2(a).to_degrees();
    [if h < 0.0 { h + 360.0 } else { h }, a.hypot(bb), l]
}

fn from_hcl([h, c, l]: [f64; 3]) -> Color {
    let (a, b) = if h.is_nan() {
        (0.0, 0.0)
    } else {
        let r = h.to_radians();
        (r.cos() * c, r.sin() * c)
    };
    let y = (l + 16.0) / 116.0;
    let x = XN * lab2xyz(y + a / 500.0);
    let z = ZN * lab2xyz(y - b / 200.0);
    let y = lab2xyz(y);
    Color::rgb(
        channel(lrgb2rgb(3.1338561 * x - 1.6168667 * y - 0.4906146 * z)),
        channel(lrgb2rgb(-0.9787684 * x + 1.9161415 * y + 0.0334540 * z)),
        channel(lrgb2rgb(0.0719453 * x - 0.2289914 * y + 1.4052427 * z)),
    )
}

/// d3's `nogamma(a, b)(t)`: linear, or constant when one end is NaN.
fn nogamma(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if d != 0.0 && !d.is_nan() {
        a + t * d
    } else if a.is_nan() {
        b
    } else {
        a
    }
}

fn mix_hcl(a: Color, b: Color, t: f64) -> Color {
    let [h0, c0, l0] = to_hcl(a);
    let [h1, c1, l1] = to_hcl(b);
    let d = h1 - h0;
    let h = if d != 0.0 && !d.is_nan() {
        let d = if !(-180.0..=180.0).contains(&d) {
            d - 360.0 * js_round(d / 360.0)
        } else {
            d
        };
        h0 + t * d
    } else if h0.is_nan() {
        h1
    } else {
        h0
    };
    from_hcl([h, nogamma(c0, c1, t), nogamma(l0, l1, t)])
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values: vega-scale 8 / d3-interpolate 3 under Node 20.
    #[test]
    fn continuous_schemes_interpolate_as_vega() {
        let Some(Scheme::Continuous(blues)) = named("blues") else {
            panic!("blues")
        };
        assert_eq!(blues.at(0.5).to_css(), "#5ba3cf");
        assert_eq!(blues.at(0.25).to_css(), "#9cc8e2");
        assert_eq!(blues.at(1.0).to_css(), "#0a4a90");
        let reversed = blues.clone().within([1.0, 0.0]);
        assert_eq!(reversed.at(0.0).to_css(), "#0a4a90");
        assert_eq!(
            blues
                .samples(3)
                .iter()
                .map(|c| c.to_css())
                .collect::<Vec<_>>(),
            vec!["#9cc8e2", "#5ba3cf", "#2978b8"]
        );
    }

    #[test]
    fn hcl_interpolation_matches_d3() {
        let i = Interpolator::hcl(vec![hex(0xff0000), hex(0x0000ff)]);
        assert_eq!(i.at(0.5).to_css(), "#f50086");
        let g = Interpolator::hcl(vec![hex(0xffffff), hex(0x000000)]);
        assert_eq!(g.at(0.5).to_css(), "#777777");
    }

    #[test]
    fn every_scheme_unpacks() {
        for (name, _, packed) in SCHEMES {
            assert_eq!(unpack(packed).len() * 6, packed.len(), "{name}");
            assert!(named(name).is_some());
        }
        assert_eq!(scheme("category").map(|c| c.len()), Some(10));
    }
}
