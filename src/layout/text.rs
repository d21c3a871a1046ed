//! Text measurement behind a trait, so layout is the same code natively and in the browser.
//!
//! Stage: layout. [`FixedMetrics`] approximates a sans-serif font from per-character width
//! classes; it is deterministic, which golden tests and the native SVG output rely on. In the
//! browser, `src/web/` implements [`TextMeasure`] with canvas `measureText` on the page's font.

/// Measures the width of a line of text.
pub trait TextMeasure {
    /// The width in pixels of `text` at `size` pixels, bold or regular.
    fn width(&self, text: &str, size: f64, bold: bool) -> f64;
}

/// Deterministic approximate metrics of a sans-serif font (Helvetica/Arial-like widths).
#[derive(Clone, Copy, Debug, Default)]
pub struct FixedMetrics;

impl TextMeasure for FixedMetrics {
    fn width(&self, text: &str, size: f64, bold: bool) -> f64 {
        let em: f64 = text.chars().map(char_width).sum();
        em * size * if bold { 1.06 } else { 1.0 }
    }
}

/// Advance width of a character in ems, in classes close to Arial's metrics.
fn char_width(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.24,
        ' ' | 'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 0.33,
        '0'..='9' | '$' | '_' => 0.556,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.86,
        'A'..='Z' => 0.68,
        c if c.is_ascii() => 0.52,
        _ => 0.6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_measures_wider_and_bold_is_wider() {
        let m = FixedMetrics;
        assert!(m.width("Women", 10.0, false) > m.width("men", 10.0, false));
        assert!(m.width("50", 10.0, true) > m.width("50", 10.0, false));
        assert_eq!(m.width("", 10.0, false), 0.0);
        assert!((m.width("10", 10.0, false) - 11.12).abs() < 1e-9);
    }
}
