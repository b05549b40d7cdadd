//! Subcommands of the `doccheck` binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use serde_json::{json, Value};

use doccheck::decode::read_photo;
use doccheck::synth::{Background, Scene};
use doccheck::{Analyzer, Options, Strictness};

#[derive(Parser)]
#[command(name = "doccheck", version, about = "Quality gate for photos of identity documents")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check photos (JPEG, PNG): one JSON report per line per file.
    Check {
        /// Photos to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Strictness of every check.
        #[arg(long, value_enum, default_value = "normal")]
        strictness: StrictnessArg,
    },
    /// Run over a labelled set (labels.jsonl) and print accuracy figures.
    Eval {
        /// The labels file; image paths in it are relative to its folder.
        labels: PathBuf,
        /// Also list every file with its expected and found problems.
        #[arg(long)]
        verbose: bool,
        /// Strictness of every check.
        #[arg(long, value_enum, default_value = "normal")]
        strictness: StrictnessArg,
    },
    /// Time the full analysis of generated 1280×720 and 1920×1080 frames (single thread).
    Bench {
        /// Timed frames per size.
        #[arg(long, default_value_t = 400)]
        frames: usize,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum StrictnessArg {
    Relaxed,
    Normal,
    Strict,
}

impl From<StrictnessArg> for Strictness {
    fn from(s: StrictnessArg) -> Self {
        match s {
            StrictnessArg::Relaxed => Strictness::Relaxed,
            StrictnessArg::Normal => Strictness::Normal,
            StrictnessArg::Strict => Strictness::Strict,
        }
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { files, strictness } => check(&files, Options::uniform(strictness.into())),
        Command::Eval {
            labels,
            verbose,
            strictness,
        } => match doccheck::eval::run(&labels, &Options::uniform(strictness.into())) {
            Ok(outcomes) => {
                print!("{}", doccheck::eval::summarize(&outcomes, verbose));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("doccheck eval: {e}");
                ExitCode::from(2)
            }
        },
        Command::Bench { frames, json } => bench(frames, json),
    }
}

fn check(files: &[PathBuf], options: Options) -> ExitCode {
    let mut analyzer = match Analyzer::new(options) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("doccheck: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in files {
        let name = path.display().to_string();
        let line = match read_photo(path) {
            Ok(photo) => match analyzer.analyze_still(&photo.rgba, photo.width, photo.height) {
                Ok(report) => {
                    let mut v = json!({"file": name, "width": photo.width, "height": photo.height});
                    if let (Value::Object(map), Ok(Value::Object(r))) = (&mut v, serde_json::to_value(&report)) {
                        map.extend(r);
                    }
                    v
                }
                Err(e) => {
                    failed = true;
                    json!({"file": name, "error": e.to_string()})
                }
            },
            Err(e) => {
                failed = true;
                json!({"file": name, "error": e.to_string()})
            }
        };
        if writeln!(out, "{line}").is_err() {
            return ExitCode::from(2);
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Generated frames of the kinds the engine meets: a card on a desk, on wood, on texture,
/// and an empty desk; alternating so that no single kind dominates the cache.
fn bench_frames(width: usize, height: usize) -> Vec<Vec<u8>> {
    let mut scenes = Vec::new();
    for (i, bg) in [Background::Plain([52, 56, 60]), Background::Wood, Background::Texture]
        .into_iter()
        .enumerate()
    {
        let mut s = Scene::centred(width, height, 0.55 + 0.1 * i as f32, -6.0 + 5.0 * i as f32);
        s.background = bg;
        s.seed = i as u32;
        scenes.push(s.render());
    }
    let mut empty = Scene::centred(width, height, 0.5, 0.0);
    empty.quad = None;
    scenes.push(empty.render());
    scenes
}

fn bench(frames: usize, json_path: Option<PathBuf>) -> ExitCode {
    let mut results = Vec::new();
    for (w, h) in [(1280usize, 720usize), (1920, 1080)] {
        let inputs = bench_frames(w, h);
        let mut analyzer = Analyzer::new(Options::default()).expect("default options are valid");
        for f in &inputs {
            let _ = analyzer.analyze(f, w as u32, h as u32);
        }
        let mut times = Vec::with_capacity(frames);
        for i in 0..frames {
            let f = &inputs[i % inputs.len()];
            let t = Instant::now();
            let r = analyzer.analyze(f, w as u32, h as u32);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(r.ok());
        }
        times.sort_unstable_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p90 = times[times.len() * 9 / 10];
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        println!("{w}x{h}: median {median:.2} ms  p90 {p90:.2} ms  mean {mean:.2} ms  ({frames} frames, single thread)");
        results.push(json!({"width": w, "height": h, "frames": frames, "median_ms": median, "p90_ms": p90, "mean_ms": mean}));
    }
    if let Some(p) = json_path {
        let v = json!({"native": results});
        if let Err(e) = std::fs::write(&p, serde_json::to_string_pretty(&v).unwrap_or_default()) {
            eprintln!("doccheck bench: cannot write {}: {e}", p.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
