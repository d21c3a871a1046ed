//! The `storychart` command line: mark data and static SVG from a Vega-Lite spec.
//!
//! ```text
//! storychart data SPEC [--data-dir DIR] [--signal NAME=JSON]...
//! storychart render SPEC -o OUT.svg [--data-dir DIR] [--width W] [--signal NAME=JSON]...
//! ```
//!
//! `--signal` sets a parameter before the data is computed, as `--signal` of
//! `../shared/vega-lite/vega-marks.mjs` does with `view.signal(name, JSON.parse(value))`.
//!
//! Errors go to stderr as one line, with exit code 1; usage errors exit with 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use storychart::scale::LocaleName;
use storychart::scene::ThemeName;
use storychart::{marks_json, to_svg, Chart, Error, FixedMetrics, SceneOptions};

const USAGE: &str = "usage:
  storychart data SPEC [--data-dir DIR] [--signal NAME=JSON]...
      print the data of every mark as JSON
  storychart alt SPEC [--data-dir DIR]
      print a text alternative generated from the data (for <img alt> and social cards)
  storychart render SPEC -o OUT.svg [--data-dir DIR] [--width W] [--theme light|dark] [--locale en-US|de-DE|fr-FR|es-ES] [--signal NAME=JSON]...
      write the chart as SVG (W: container width for \"width\": \"container\")

--signal NAME=JSON (repeatable) sets the spec parameter NAME to the JSON value before the
data is computed, e.g. --signal minYear=1980 or --signal 'org=[{\"Origin\": \"Japan\"}]'.

Spec URLs such as data/cars.json resolve inside DIR, with the leading data/ dropped;
without --data-dir they resolve next to the spec file.";

struct Args {
    command: String,
    spec: PathBuf,
    data_dir: Option<PathBuf>,
    out: Option<PathBuf>,
    width: Option<f64>,
    theme: ThemeName,
    locale: LocaleName,
    signals: Vec<(String, serde_json::Value)>,
}

fn parse_args(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = argv.next().ok_or("missing command")?;
    if command == "--help" || command == "-h" {
        return Err(String::new());
    }
    if command != "data" && command != "render" && command != "alt" {
        return Err(format!("unknown command \"{command}\""));
    }
    let mut spec = None;
    let mut data_dir = None;
    let mut out = None;
    let mut width = None;
    let mut theme = ThemeName::Light;
    let mut locale = LocaleName::EnUs;
    let mut signals = Vec::new();
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--data-dir" => data_dir = Some(PathBuf::from(value("--data-dir")?)),
            "-o" | "--output" => out = Some(PathBuf::from(value("-o")?)),
            "--width" => {
                let w = value("--width")?;
                width = Some(
                    w.parse::<f64>()
                        .ok()
                        .filter(|w| w.is_finite() && *w > 0.0)
                        .ok_or(format!("--width: \"{w}\" is not a positive number"))?,
                );
            }
            "--locale" => {
                let tag = value("--locale")?;
                locale = LocaleName::parse(&tag).ok_or_else(|| {
                    format!("--locale: \"{tag}\" (use en-US, de-DE, fr-FR or es-ES)")
                })?;
            }
            "--theme" => {
                theme = match value("--theme")?.as_str() {
                    "light" => ThemeName::Light,
                    "dark" => ThemeName::Dark,
                    other => return Err(format!("--theme: \"{other}\" (use light or dark)")),
                };
            }
            "--signal" => signals.push(parse_signal(&value("--signal")?)?),
            flag if flag.starts_with("--signal=") => {
                signals.push(parse_signal(flag.trim_start_matches("--signal="))?);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option \"{flag}\"")),
            path if spec.is_none() => spec = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument \"{extra}\"")),
        }
    }
    let spec = spec.ok_or("missing SPEC")?;
    if command == "render" && out.is_none() {
        return Err("render needs -o OUT.svg".to_string());
    }
    Ok(Args {
        command,
        spec,
        data_dir,
        out,
        width,
        theme,
        locale,
        signals,
    })
}

/// `NAME=JSON`, split at the first `=`.
fn parse_signal(arg: &str) -> Result<(String, serde_json::Value), String> {
    let Some((name, json)) = arg.split_once('=').filter(|(n, _)| !n.is_empty()) else {
        return Err(format!(
            "bad --signal argument \"{arg}\" (expected NAME=JSON)"
        ));
    };
    let value = serde_json::from_str(json)
        .map_err(|e| format!("--signal value is not JSON: \"{arg}\" ({e})"))?;
    Ok((name.to_string(), value))
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::io(&path.display().to_string(), &e.to_string()))
}

/// Where a spec's data URL lives on disk.
fn data_path(url: &str, spec: &Path, data_dir: Option<&Path>) -> Result<PathBuf, Error> {
    if url.contains("://") {
        return Err(Error::io(
            url,
            "the CLI does not fetch URLs; download the file and pass --data-dir",
        ));
    }
    Ok(match data_dir {
        Some(dir) => dir.join(url.strip_prefix("data/").unwrap_or(url)),
        None => spec.parent().unwrap_or(Path::new(".")).join(url),
    })
}

fn run(args: &Args) -> Result<(), Error> {
    let text = read(&args.spec)?;
    let mut chart = Chart::from_spec(&text)?;
    for (name, value) in &args.signals {
        chart.set_param(name, value.clone())?;
    }
    if let Some((url, _)) = chart.pending_url() {
        let path = data_path(url, &args.spec, args.data_dir.as_deref())?;
        let data = read(&path)?;
        chart.load(&data)?;
    }
    match (args.command.as_str(), &args.out) {
        ("render", Some(out)) => {
            let options = SceneOptions {
                container_width: args.width,
                container_height: None,
                theme: args.theme,
                locale: args.locale,
            };
            let svg = to_svg(&chart.scene(&options, &FixedMetrics)?);
            std::fs::write(out, svg)
                .map_err(|e| Error::io(&out.display().to_string(), &e.to_string()))
        }
        ("alt", _) => write_stdout(&format!("{}\n", chart.alt_text()?)),
        _ => {
            let name = args.spec.file_name().and_then(|n| n.to_str());
            write_stdout(&marks_json(name, &chart.mark_data()?))
        }
    }
}

/// Writes `text` to stdout; a closed pipe (`storychart data ... | head`) ends it quietly.
fn write_stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io("stdout", &e.to_string()))
        }
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("storychart: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storychart: {e}");
            ExitCode::FAILURE
        }
    }
}
