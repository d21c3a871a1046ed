//! Chart locales: the number conventions of d3-format and the names and formats of
//! d3-time-format for the four languages storychart ships (`en-US`, `de-DE`, `fr-FR`, `es-ES`).
//!
//! Stage: scales and guides. The tables are d3-format's and d3-time-format's `locale/*.json`
//! (checked against the npm packages); a [`LocaleName`] is `Copy`, so scene options carry it
//! cheaply and axes format their labels with it. Never panics.

use super::format::Locale;

/// One of the supported locales; `en-US` by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LocaleName {
    /// English (United States): `1,234.5`, `Jan 5`, `1/5/2020`.
    #[default]
    EnUs,
    /// German (Germany): `1.234,5`, `Mrz 5`, `05.01.2020`.
    DeDe,
    /// French (France): `1 234,5`, `janv. 5`, `05/01/2020`.
    FrFr,
    /// Spanish (Spain): `1.234,5`, `ene 5`, `05/01/2020`.
    EsEs,
}

impl LocaleName {
    /// Every supported locale.
    pub const ALL: [LocaleName; 4] = [
        LocaleName::EnUs,
        LocaleName::DeDe,
        LocaleName::FrFr,
        LocaleName::EsEs,
    ];

    /// The locale for a BCP 47 tag (`de-DE`, `de_de`, case-insensitive); `None` if unsupported.
    pub fn parse(tag: &str) -> Option<LocaleName> {
        let tag = tag.trim().replace('_', "-");
        LocaleName::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(&tag))
    }

    /// The BCP 47 tag (`en-US`, ...).
    pub fn tag(self) -> &'static str {
        match self {
            LocaleName::EnUs => "en-US",
            LocaleName::DeDe => "de-DE",
            LocaleName::FrFr => "fr-FR",
            LocaleName::EsEs => "es-ES",
        }
    }

    /// The d3-format number locale.
    pub fn number(self) -> Locale {
        match self {
            LocaleName::EnUs => Locale::en_us(),
            LocaleName::DeDe => Locale::de_de(),
            LocaleName::FrFr => Locale::fr_fr(),
            LocaleName::EsEs => Locale::es_es(),
        }
    }

    /// The d3-time-format locale.
    pub fn time(self) -> &'static TimeLocale {
        match self {
            LocaleName::EnUs => &EN_US,
            LocaleName::DeDe => &DE_DE,
            LocaleName::FrFr => &FR_FR,
            LocaleName::EsEs => &ES_ES,
        }
    }
}

/// d3-time-format's locale definition.
#[derive(Debug, PartialEq, Eq)]
pub struct TimeLocale {
    /// `%c`.
    pub date_time: &'static str,
    /// `%x`.
    pub date: &'static str,
    /// `%X`.
    pub time: &'static str,
    /// `%p`: AM and PM.
    pub periods: [&'static str; 2],
    /// `%A`, Sunday first.
    pub days: [&'static str; 7],
    /// `%a`.
    pub short_days: [&'static str; 7],
    /// `%B`.
    pub months: [&'static str; 12],
    /// `%b`.
    pub short_months: [&'static str; 12],
}

/// d3-time-format `locale/en-US.json` (d3's default).
pub static EN_US: TimeLocale = TimeLocale {
    date_time: "%x, %X",
    date: "%-m/%-d/%Y",
    time: "%-I:%M:%S %p",
    periods: ["AM", "PM"],
    // The English names JavaScript's dates use too (one copy in the WASM).
    days: crate::js::date::DAYS,
    short_days: crate::js::date::SHORT_DAYS,
    months: crate::js::date::MONTHS,
    short_months: crate::js::date::SHORT_MONTHS,
};

/// d3-time-format `locale/de-DE.json`.
pub static DE_DE: TimeLocale = TimeLocale {
    date_time: "%A, der %e. %B %Y, %X",
    date: "%d.%m.%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: [
        "Sonntag",
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
    ],
    short_days: ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    short_months: [
        "Jan", "Feb", "Mrz", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez",
    ],
};

/// d3-time-format `locale/fr-FR.json`.
pub static FR_FR: TimeLocale = TimeLocale {
    date_time: "%A %e %B %Y à %X",
    date: "%d/%m/%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: [
        "dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi",
    ],
    short_days: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    short_months: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
};

/// d3-time-format `locale/es-ES.json`.
pub static ES_ES: TimeLocale = TimeLocale {
    date_time: "%A, %e de %B de %Y, %X",
    date: "%d/%m/%Y",
    time: "%H:%M:%S",
    periods: ["AM", "PM"],
    days: [
        "domingo",
        "lunes",
        "martes",
        "miércoles",
        "jueves",
        "viernes",
        "sábado",
    ],
    short_days: ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    short_months: [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_unknown_tags_are_none() {
        for l in LocaleName::ALL {
            assert_eq!(LocaleName::parse(l.tag()), Some(l));
        }
        assert_eq!(LocaleName::parse("de_de"), Some(LocaleName::DeDe));
        assert_eq!(LocaleName::parse(" FR-fr "), Some(LocaleName::FrFr));
        assert_eq!(LocaleName::parse("pt-BR"), None);
        assert_eq!(LocaleName::parse(""), None);
        assert_eq!(LocaleName::default(), LocaleName::EnUs);
    }

    /// The tables equal d3-time-format's JSON files when node_modules is there.
    #[test]
    fn tables_match_d3_time_format_json() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("node_modules/d3-time-format/locale");
        if !dir.is_dir() {
            eprintln!("SKIPPED: {} is absent", dir.display());
            return;
        }
        for l in LocaleName::ALL {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", l.tag()))).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let t = l.time();
            let list = |k: &str| -> Vec<String> {
                json[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect()
            };
            assert_eq!(json["dateTime"], t.date_time, "{}", l.tag());
            assert_eq!(json["date"], t.date, "{}", l.tag());
            assert_eq!(json["time"], t.time, "{}", l.tag());
            assert_eq!(list("periods"), t.periods, "{}", l.tag());
            assert_eq!(list("days"), t.days, "{}", l.tag());
            assert_eq!(list("shortDays"), t.short_days, "{}", l.tag());
            assert_eq!(list("months"), t.months, "{}", l.tag());
            assert_eq!(list("shortMonths"), t.short_months, "{}", l.tag());
        }
    }

    /// The number locales equal d3-format's JSON files when node_modules is there.
    #[test]
    fn number_locales_match_d3_format_json() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/d3-format/locale");
        if !dir.is_dir() {
            eprintln!("SKIPPED: {} is absent", dir.display());
            return;
        }
        for l in LocaleName::ALL {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", l.tag()))).unwrap();
            let json: serde_json::Value = serde_json::from_str(&text).unwrap();
            let n = l.number();
            assert_eq!(json["decimal"], n.decimal.as_str(), "{}", l.tag());
            assert_eq!(json["thousands"], n.thousands.as_str(), "{}", l.tag());
            assert_eq!(json["currency"][0], n.currency.0.as_str(), "{}", l.tag());
            assert_eq!(json["currency"][1], n.currency.1.as_str(), "{}", l.tag());
            let percent = json["percent"].as_str().unwrap_or("%");
            assert_eq!(percent, n.percent, "{}", l.tag());
        }
    }

    /// The same linear axis, labelled in each locale; expected strings from d3-format 3 with
    /// `formatLocale(locale/<tag>.json)` in Node (the minus is U+2212).
    #[test]
    fn each_locale_labels_the_same_linear_axis_its_own_way() {
        use crate::scale::LinearScale;
        let scale = LinearScale::new([-2500.0, 12500.0], [0.0, 300.0]);
        let ticks = scale.ticks(5.0);
        let expected = [
            (
                LocaleName::EnUs,
                ["\u{2212}2,000", "0", "2,000", "10,000", "12,000"],
            ),
            (
                LocaleName::DeDe,
                ["\u{2212}2.000", "0", "2.000", "10.000", "12.000"],
            ),
            (
                LocaleName::FrFr,
                [
                    "\u{2212}2\u{a0}000",
                    "0",
                    "2\u{a0}000",
                    "10\u{a0}000",
                    "12\u{a0}000",
                ],
            ),
            (
                LocaleName::EsEs,
                ["\u{2212}2.000", "0", "2.000", "10.000", "12.000"],
            ),
        ];
        let mut seen = Vec::new();
        for (locale, want) in expected {
            let format = scale.tick_format_locale(5.0, None, &locale.number());
            let labels: Vec<String> = ticks.iter().map(|t| format.format(*t)).collect();
            assert_eq!(labels.len(), 8, "{}", locale.tag());
            let picked = [0, 1, 2, 6, 7].map(|i| labels[i].clone());
            assert_eq!(picked, want, "{}", locale.tag());
            seen.push(labels.join("|"));
        }
        // en-US and each euro locale differ; es-ES and de-DE share d3's separators.
        assert_ne!(seen[0], seen[1]);
        assert_ne!(seen[1], seen[2]);
        let pct: Vec<String> = LocaleName::ALL
            .iter()
            .map(|l| {
                crate::scale::NumberFormat::with_locale(".1%", &l.number())
                    .unwrap()
                    .format(0.125)
            })
            .collect();
        assert_eq!(pct, ["12.5%", "12,5%", "12,5\u{202f}%", "12,5%"]);
    }

    /// Date labels in each locale; expected strings from d3-time-format 4's
    /// `timeFormatLocale(locale/<tag>.json).utcFormat` in Node.
    #[test]
    fn each_locale_labels_the_same_dates_its_own_way() {
        use crate::expr::time_format::format_time_locale;
        // 2020-01-05, 2020-03-01, 2020-12-31T15:30Z.
        let days = [
            1_578_182_400_000.0,
            1_583_020_800_000.0,
            1_609_428_600_000.0,
        ];
        let expected = [
            (
                LocaleName::EnUs,
                ["Jan 05", "Mar 01", "Dec 31"],
                "12/31/2020, 3:30:00 PM",
                "Sunday January 1/5/2020",
            ),
            (
                LocaleName::DeDe,
                ["Jan 05", "Mrz 01", "Dez 31"],
                "Donnerstag, der 31. Dezember 2020, 15:30:00",
                "Sonntag Januar 05.01.2020",
            ),
            (
                LocaleName::FrFr,
                ["janv. 05", "mars 01", "déc. 31"],
                "jeudi 31 décembre 2020 à 15:30:00",
                "dimanche janvier 05/01/2020",
            ),
            (
                LocaleName::EsEs,
                ["ene 05", "mar 01", "dic 31"],
                "jueves, 31 de diciembre de 2020, 15:30:00",
                "domingo enero 05/01/2020",
            ),
        ];
        for (locale, short, c, long) in expected {
            let t = locale.time();
            let labels = days.map(|d| format_time_locale("%b %d", d, t));
            assert_eq!(labels, short, "{}", locale.tag());
            assert_eq!(format_time_locale("%c", days[2], t), c, "{}", locale.tag());
            assert_eq!(
                format_time_locale("%A %B %x", days[0], t),
                long,
                "{}",
                locale.tag()
            );
        }
        assert_eq!(
            format_time_locale("%X %p %a", days[2], &DE_DE),
            "15:30:00 PM Do"
        );
    }

    /// A chart's axes follow `SceneOptions::locale`: numbers on the x axis, month names on y.
    #[test]
    fn a_chart_axis_follows_the_scene_locale() {
        use crate::{Chart, FixedMetrics, SceneOptions};
        let spec = r#"{"data": {"values": [
            {"d": "2020-01-01", "v": 1500}, {"d": "2020-03-01", "v": 12000}]},
          "mark": "bar", "encoding": {
            "y": {"field": "d", "timeUnit": "month", "type": "ordinal"},
            "x": {"field": "v", "type": "quantitative"}}}"#;
        let chart = Chart::from_spec(spec).unwrap();
        let labels = |locale| {
            let options = SceneOptions {
                locale,
                ..SceneOptions::default()
            };
            let scene = chart.scene(&options, &FixedMetrics).unwrap();
            scene.texts().map(|t| t.text.clone()).collect::<Vec<_>>()
        };
        let en = labels(LocaleName::EnUs);
        let de = labels(LocaleName::DeDe);
        let fr = labels(LocaleName::FrFr);
        assert!(en.contains(&"12,000".to_string()), "{en:?}");
        assert!(de.contains(&"12.000".to_string()), "{de:?}");
        assert!(fr.contains(&"12\u{a0}000".to_string()), "{fr:?}");
        assert!(en.contains(&"Mar".to_string()), "{en:?}");
        assert!(de.contains(&"Mrz".to_string()), "{de:?}");
        assert!(fr.contains(&"mars".to_string()), "{fr:?}");
    }

    /// Tooltips follow the locale too: thousands and decimals, month names.
    #[test]
    fn tooltips_are_formatted_in_the_locale() {
        use crate::Chart;
        let spec = r#"{"data": {"values": [{"d": "2020-03-01", "v": 1234.5}]},
          "mark": "point", "encoding": {
            "x": {"field": "d", "type": "temporal"}, "y": {"field": "v", "type": "quantitative"},
            "tooltip": [{"field": "d", "type": "temporal"}, {"field": "v", "type": "quantitative"}]}}"#;
        let chart = Chart::from_spec(spec).unwrap();
        let values = |l| {
            chart
                .tooltip_in(0, 0, l)
                .unwrap()
                .into_iter()
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        };
        assert_eq!(values(LocaleName::EnUs), ["Mar 1, 2020", "1,234.5"]);
        assert_eq!(values(LocaleName::DeDe), ["Mrz 1, 2020", "1.234,5"]);
        assert_eq!(values(LocaleName::FrFr), ["mars 1, 2020", "1\u{a0}234,5"]);
        assert_eq!(
            chart.tooltip(0, 0).unwrap(),
            chart.tooltip_in(0, 0, LocaleName::EnUs).unwrap()
        );
    }
}
