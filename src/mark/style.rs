//! Per-row styles from the non-position channels other than colour: `size`, `shape`,
//! `opacity` and `fillOpacity`, already through their scales.
//!
//! Stage: marks (input). The chart resolves these scales once for all layers and hands each
//! mark one value per row; a mark reads only the ones it draws.

/// One value per row for each styling channel the view encodes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowStyles {
    /// Symbol areas (points) or font sizes (text).
    pub sizes: Option<Vec<Option<f64>>>,
    /// Vega shape names.
    pub shapes: Option<Vec<Option<String>>>,
    /// Opacities (multiplied into the colour's alpha).
    pub opacities: Option<Vec<Option<f64>>>,
}

impl RowStyles {
    /// The size of `row`, if the view encodes size.
    pub fn size(&self, row: usize) -> Option<f64> {
        self.sizes.as_ref()?.get(row).copied().flatten()
    }

    /// The shape of `row`, if the view encodes shape.
    pub fn shape(&self, row: usize) -> Option<&str> {
        self.shapes.as_ref()?.get(row)?.as_deref()
    }

    /// The opacity of `row`, if the view encodes opacity.
    pub fn opacity(&self, row: usize) -> Option<f64> {
        self.opacities.as_ref()?.get(row).copied().flatten()
    }
}
