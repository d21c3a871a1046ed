//! Colour schemes for ordinal colour scales: Vega's named categorical palettes.
//!
//! Stage: scales. Vega-Lite's default categorical range (`"category"`) is `tableau10`; a
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

/// d3's `category10`.
pub const CATEGORY10: [Color; 10] = [
    hex(0x1f77b4),
    hex(0xff7f0e),
    hex(0x2ca02c),
    hex(0xd62728),
    hex(0x9467bd),
    hex(0x8c564b),
    hex(0xe377c2),
    hex(0x7f7f7f),
    hex(0xbcbd22),
    hex(0x17becf),
];

/// A named categorical scheme (`tableau10`, `category10`), if storychart has it.
pub fn scheme(name: &str) -> Option<&'static [Color]> {
    match name {
        "tableau10" | "category" => Some(&TABLEAU10),
        "category10" => Some(&CATEGORY10),
        _ => None,
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
