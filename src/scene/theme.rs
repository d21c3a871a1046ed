//! Light and dark themes: the colours of everything that is not data.
//!
//! Stage: scene. Guides are laid out theme-agnostic; [`Theme::apply`] then colours the scene's
//! non-data items by their role (text, domain and tick lines, grid, background). Mark colours
//! are data and are never changed. A spec's own `background` wins over the theme's.

use super::{Color, Item, Role, Scene};

/// Which theme to draw with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ThemeName {
    /// Dark text on white (Vega's defaults).
    #[default]
    Light,
    /// Light text on a near-black background, for `prefers-color-scheme: dark`.
    Dark,
}

/// The colours of a theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    /// The chart background.
    pub background: Color,
    /// Labels and titles.
    pub text: Color,
    /// Axis domain lines and ticks.
    pub domain: Color,
    /// Grid lines.
    pub grid: Color,
}

impl Theme {
    /// The colours of `name`.
    pub fn of(name: ThemeName) -> Theme {
        match name {
            ThemeName::Light => Theme {
                background: Color::WHITE,
                text: Color::BLACK,
                domain: Color::rgb(0x88, 0x88, 0x88),
                grid: Color::rgb(0xdd, 0xdd, 0xdd),
            },
            ThemeName::Dark => Theme {
                background: Color::rgb(0x16, 0x16, 0x16),
                text: Color::rgb(0xe6, 0xe6, 0xe3),
                domain: Color::rgb(0x8a, 0x8a, 0x86),
                grid: Color::rgb(0x3a, 0x3a, 0x38),
            },
        }
    }

    /// Colours the non-data items of `scene`; keeps the background when the spec set one.
    pub fn apply(&self, scene: &mut Scene, spec_background: bool) {
        for item in &mut scene.items {
            match item {
                Item::Rect(r) if r.role == Role::Background && !spec_background => {
                    r.fill = self.background;
                }
                Item::Rect(r) if r.role == Role::View => {
                    if let Some((c, _)) = &mut r.stroke {
                        *c = self.grid;
                    }
                }
                Item::Rule(r) => match r.role {
                    Role::Grid => r.stroke = self.grid,
                    Role::Domain | Role::Tick => r.stroke = self.domain,
                    _ => {}
                },
                Item::Text(t) if !matches!(t.role, Role::Mark(_)) => t.fill = self.text,
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Chart, FixedMetrics, SceneOptions};

    #[test]
    fn dark_recolours_guides_but_not_marks() {
        let chart = Chart::from_spec(
            r#"{"data": {"values": [{"a": "A", "b": 3}]}, "mark": "bar",
                "encoding": {"x": {"field": "a"}, "y": {"field": "b", "type": "quantitative"}}}"#,
        )
        .unwrap();
        let light = chart
            .scene(&SceneOptions::default(), &FixedMetrics)
            .unwrap();
        let options = SceneOptions {
            theme: ThemeName::Dark,
            ..SceneOptions::default()
        };
        let dark = chart.scene(&options, &FixedMetrics).unwrap();
        let fill = |s: &Scene, role: Role| {
            s.items.iter().find_map(|i| match i {
                Item::Rect(r) if r.role == role => Some(r.fill),
                _ => None,
            })
        };
        assert_eq!(fill(&light, Role::Background), Some(Color::WHITE));
        assert_eq!(
            fill(&dark, Role::Background),
            Some(Theme::of(ThemeName::Dark).background)
        );
        assert_eq!(fill(&dark, Role::Mark(0)), fill(&light, Role::Mark(0)));
        // The plot outline (config.view.stroke) takes the grid colour of the theme.
        let outline = |s: &Scene| {
            s.items.iter().find_map(|i| match i {
                Item::Rect(r) if r.role == Role::View => r.stroke.map(|(c, _)| c),
                _ => None,
            })
        };
        assert_eq!(outline(&light), Color::parse("#ddd"));
        assert_eq!(outline(&dark), Some(Theme::of(ThemeName::Dark).grid));
        let label = dark.items.iter().find_map(|i| match i {
            Item::Text(t) if t.role == Role::Label => Some(t.fill),
            _ => None,
        });
        assert_eq!(label, Some(Theme::of(ThemeName::Dark).text));
    }
}
