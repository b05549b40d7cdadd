//! Subcommands of the `doccheck` binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::builder::TypedValueParser as _;
use clap::{Parser, Subcommand};
use serde_json::error::Category;
use serde_json::{json, Value};

use doccheck::batch;
use doccheck::synth::{Background, Scene};
use doccheck::{Analyzer, Options, Strictness};

#[derive(Parser)]
#[command(
    name = "doccheck",
    version,
    about = "Quality gate for photos of identity documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check photos (JPEG, PNG, WebP): one JSON report per line per file.
    Check {
        /// Photos to check; `-` is one photo read from standard input (once).
        #[arg(required = true, value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from))]
        files: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Run over a labelled set (labels.jsonl) and print accuracy figures.
    Eval {
        /// The labels file; image paths in it are relative to its folder.
        labels: PathBuf,
        /// Also list every file with its expected and found problems.
        #[arg(long)]
        verbose: bool,
        /// Also analyse each photo as a video of a still scene of this many frames (2 to
        /// 1000), each with fresh noise, and print how often the reports change and `moving`
        /// is raised: what a person holding still over the document would see.
        #[arg(long, value_parser = clap::value_parser!(u32).range(2..=1000))]
        steady: Option<u32>,
        /// The noise of `--steady` (with it only): standard deviation in levels of 0–255 (0 to
        /// 50).
        #[arg(long, default_value_t = 2.0, value_parser = noise_level, requires = "steady")]
        noise: f32,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Render generated test scenes (a card with a known outline) to PNG or JPEG or to a Y4M video
    /// for Chromium's fake camera; several kinds in a row make a video that changes.
    Scene {
        /// Kinds in order: good, dark, bright, glare, blurry, shadow, thumb, far, cut, grey,
        /// empty. Each takes `--frames` frames of a video.
        #[arg(long, value_delimiter = ',', default_value = "good")]
        kinds: Vec<String>,
        /// Frame width, pixels.
        #[arg(long, default_value_t = 1280)]
        width: usize,
        /// Frame height, pixels.
        #[arg(long, default_value_t = 720)]
        height: usize,
        /// Frames per kind (Y4M only).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        frames: u32,
        /// Frames per second (Y4M only).
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=240))]
        fps: u32,
        /// Output file: `.png`, `.jpg` or `.jpeg` (first kind only) or `.y4m`.
        #[arg(long)]
        out: PathBuf,
        /// JPEG only: store the pixels as a camera would for this EXIF orientation (1, 3, 6
        /// or 8) and tag the file with it, so a viewer that honours EXIF shows the scene.
        #[arg(long, default_value_t = 1)]
        orientation: u16,
    },
    /// Time the full analysis of generated 1280×720 and 1920×1080 frames (single thread).
    Bench {
        /// Timed frames per size.
        #[arg(long, default_value_t = 400, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        frames: u32,
        /// Also write the figures as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// How `check` and `eval` run: the thresholds and the number of photos at once.
#[derive(clap::Args)]
struct RunArgs {
    /// Strictness of every check.
    #[arg(long, value_enum, default_value = "normal")]
    strictness: StrictnessArg,
    /// Options as the browser's `new Analyzer(options)` takes them, as JSON: inline (text
    /// starting with `{`) or the path of a file holding them. `strictness` is one
    /// strictness or one per family (`framing`, `exposure`, `glare`, `sharpness`,
    /// `colour`); any threshold can be set by its snake_case name.
    #[arg(long, conflicts_with = "strictness", value_name = "JSON|FILE")]
    options: Option<String>,
    /// Photos checked at once (1 to 256), each on its own thread (decoding a large photo takes far
    /// longer than checking it). The output and the figures do not depend on it. Each photo
    /// in flight holds its decoded pixels: for the largest one accepted (100 megapixels), a
    /// peak of about 450 MB, or 640 MB when it is stored sideways (EXIF orientation), and up
    /// to 790 MB for a 16-bit PNG.
    #[arg(short, long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
}

impl RunArgs {
    /// The options of `--options` when given, else those of `--strictness`.
    fn options(&self) -> Result<Options, String> {
        match self.options.as_deref() {
            None => Ok(Options::uniform(self.strictness.into())),
            Some(arg) if arg.trim_start().starts_with(['{', '[']) => options_from_json(arg),
            Some(path) => {
                let text = batch::read_text(Path::new(path), 1 << 20, "an options file")
                    .map_err(|e| format!("cannot read the options file {path}: {e}"))?;
                options_from_json(&text).map_err(|e| format!("{path}: {e}"))
            }
        }
    }

    fn jobs(&self) -> usize {
        usize::from(self.jobs)
    }
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
        Command::Check { files, .. }
            if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 =>
        {
            eprintln!("doccheck check: `-` (one photo from standard input) can be given only once");
            ExitCode::from(2)
        }
        Command::Check { files, run } => match run.options() {
            Ok(options) => check(&files, options, run.jobs()),
            Err(e) => {
                eprintln!("doccheck check: {e}");
                ExitCode::from(2)
            }
        },
        Command::Eval {
            labels,
            verbose,
            steady,
            noise,
            run,
        } => match run.options().and_then(|options| {
            let steady = steady.map(|frames| doccheck::eval::Steady {
                frames: frames as usize,
                noise,
            });
            doccheck::eval::run_with(&labels, &options, run.jobs(), steady)
        }) {
            Ok(outcomes) => {
                let summary = doccheck::eval::summarize(&outcomes, verbose);
                let mut out = std::io::stdout().lock();
                if let Err(e) = write!(out, "{summary}").and_then(|()| out.flush()) {
                    return output_failed("eval", &e);
                }
                // A photo that could not be read counts as a miss (left out of the false
                // raises); the run did not measure what it was asked to.
                if outcomes.iter().any(|o| o.report.is_err()) {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("doccheck eval: {e}");
                ExitCode::from(2)
            }
        },
        Command::Bench { frames, json } => bench(frames as usize, json),
        Command::Scene {
            kinds,
            width,
            height,
            frames,
            fps,
            out,
            orientation,
        } => match render_scenes(
            &kinds,
            (width, height),
            frames as usize,
            fps,
            &out,
            orientation,
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("doccheck scene: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// Options from a JSON object, read as the browser binding reads its options object (see
/// `Options`'s `Deserialize`), then range-checked: a mistake is an error naming the option.
fn options_from_json(text: &str) -> Result<Options, String> {
    // A file saved by an editor that writes a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options: Options = serde_json::from_str(text).map_err(|e| match e.classify() {
        Category::Syntax | Category::Eof => format!("the options are not valid JSON: {e}"),
        _ => e.to_string(),
    })?;
    options.validate().map_err(|e| e.to_string())?;
    Ok(options)
}

/// The exit status when standard output cannot be written (1): a closed pipe (`| head`) ends
/// the output quietly; anything else (a full disk) is said on standard error.
fn output_failed(command: &str, e: &std::io::Error) -> ExitCode {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        eprintln!("doccheck {command}: cannot write the output: {e}");
    }
    ExitCode::FAILURE
}

fn check(files: &[PathBuf], options: Options, jobs: usize) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = false;
    let mut write_error = None;
    let run = batch::in_order(
        files.len(),
        jobs,
        &options,
        |analyzer, i| check_one(analyzer, &files[i]),
        |(line, ok)| {
            failed |= !ok;
            // Standard output is line-buffered: the line is written (or fails) here.
            write_error = writeln!(out, "{line}").err();
            write_error.is_none()
        },
    );
    if let Err(e) = run {
        eprintln!("doccheck: {e}");
        ExitCode::from(2)
    } else if let Some(e) = write_error {
        output_failed("check", &e)
    } else if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// One file's JSON line, and whether it was checked (not an error line).
fn check_one(analyzer: &mut Analyzer, path: &Path) -> (Value, bool) {
    let name = path.display().to_string();
    match batch::check_file(analyzer, path) {
        Ok((width, height, report)) => {
            let mut v = json!({"file": name, "width": width, "height": height});
            if let (Value::Object(map), Ok(Value::Object(r))) =
                (&mut v, serde_json::to_value(&report))
            {
                map.extend(r);
            }
            (v, true)
        }
        Err(e) => (json!({"file": name, "error": e}), false),
    }
}

/// Generated frames of the kinds the engine meets: a card on a desk, on wood, on texture,
/// and an empty desk; alternating so that no single kind dominates the cache.
fn bench_frames(width: usize, height: usize) -> Vec<Vec<u8>> {
    let mut scenes = Vec::new();
    for (i, bg) in [
        Background::Plain([52, 56, 60]),
        Background::Wood,
        Background::Texture,
    ]
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
    // The figures' file is made first: a path that cannot be written is said before the run.
    let json_file = match json_path.map(|p| std::fs::File::create(&p).map(|f| (f, p))) {
        None => None,
        Some(Ok(file)) => Some(file),
        Some(Err(e)) => {
            eprintln!("doccheck bench: cannot write the --json file: {e}");
            return ExitCode::from(2);
        }
    };
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
        let line = format!("{w}x{h}: median {median:.2} ms  p90 {p90:.2} ms  mean {mean:.2} ms  ({frames} frames, single thread)");
        if let Err(e) = writeln!(std::io::stdout(), "{line}") {
            return output_failed("bench", &e);
        }
        results.push(json!({"width": w, "height": h, "frames": frames, "median_ms": median, "p90_ms": p90, "mean_ms": mean}));
    }
    if let Some((mut file, p)) = json_file {
        let v = json!({"native": results});
        if let Err(e) = file.write_all(
            serde_json::to_string_pretty(&v)
                .unwrap_or_default()
                .as_bytes(),
        ) {
            eprintln!("doccheck bench: cannot write {}: {e}", p.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// The scene of a named kind: a card covering 55% of the frame's width, turned by 4°, with
/// one problem (or none).
fn scene_of(kind: &str, width: usize, height: usize) -> Result<Scene, String> {
    let mut s = Scene::centred(width, height, 0.55, 4.0);
    match kind {
        "good" => {}
        "dark" => s.gain = 0.15,
        "bright" => s.gain = 2.2,
        "glare" => s.glare = Some((0.6, 0.45, 0.12)),
        "blurry" => s.blur = (width / 200).max(3),
        "shadow" => s.shadow = Some(0.45),
        "thumb" => s.thumb = Some(2),
        "far" => s = Scene::centred(width, height, 0.12, 4.0),
        "cut" => {
            s = Scene::centred(width, height, 0.55, 4.0);
            let dx = 0.3 * width as f32;
            s.quad = s
                .quad
                .map(|q| q.map(|p| doccheck::geometry::Point::new(p.x + dx, p.y)));
        }
        "grey" => s.grayscale = true,
        "empty" => s.quad = None,
        other => return Err(format!("unknown scene kind `{other}`")),
    }
    Ok(s)
}

/// `--noise`: a number of levels from 0 to 50.
fn noise_level(v: &str) -> Result<f32, String> {
    match v.parse::<f32>() {
        Ok(n) if (0.0..=50.0).contains(&n) => Ok(n),
        _ => Err(format!("{v} is not a noise level from 0 to 50")),
    }
}

fn render_scenes(
    kinds: &[String],
    (width, height): (usize, usize),
    frames: usize,
    fps: u32,
    out: &std::path::Path,
    orientation: u16,
) -> Result<(), String> {
    if !(16..=8192).contains(&width)
        || !(16..=8192).contains(&height)
        || width % 2 == 1
        || height % 2 == 1
    {
        return Err("width and height must be even, from 16 to 8192".into());
    }
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let scenes = kinds
        .iter()
        .map(|k| scene_of(k, width, height))
        .collect::<Result<Vec<_>, _>>()?;
    if orientation != 1 && ext != "jpg" && ext != "jpeg" {
        return Err("--orientation applies to JPEG output only".into());
    }
    if ext == "png" {
        let px = scenes.first().ok_or("no kind given")?.render();
        let img = image::RgbaImage::from_raw(width as u32, height as u32, px).ok_or("bad size")?;
        return img.save(out).map_err(|e| e.to_string());
    }
    if ext == "jpg" || ext == "jpeg" {
        let px = scenes.first().ok_or("no kind given")?.render();
        let img = image::RgbaImage::from_raw(width as u32, height as u32, px).ok_or("bad size")?;
        return write_jpeg(&img, orientation, out);
    }
    if ext != "y4m" {
        return Err("output must end in .png, .jpg or .y4m".into());
    }
    let file = std::fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e: std::io::Error| e.to_string();
    writeln!(w, "YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg").map_err(io)?;
    for scene in &scenes {
        let (y, u, v) = to_yuv420(&scene.render(), width, height);
        for _ in 0..frames {
            w.write_all(b"FRAME\n").map_err(io)?;
            w.write_all(&y).map_err(io)?;
            w.write_all(&u).map_err(io)?;
            w.write_all(&v).map_err(io)?;
        }
    }
    w.flush().map_err(io)
}

/// Writes `img` (as displayed) as a JPEG whose stored pixels are turned the way a camera held
/// in that orientation stores them, with an EXIF APP1 segment naming the orientation.
fn write_jpeg(
    img: &image::RgbaImage,
    orientation: u16,
    out: &std::path::Path,
) -> Result<(), String> {
    use image::imageops;
    // Stored = displayed turned back: orientation 6 means "rotate 90° clockwise to display".
    let stored = match orientation {
        1 => img.clone(),
        3 => imageops::rotate180(img),
        6 => imageops::rotate270(img),
        8 => imageops::rotate90(img),
        _ => {
            return Err(format!(
                "orientation {orientation} is not one of 1, 3, 6, 8"
            ))
        }
    };
    let rgb = image::DynamicImage::ImageRgba8(stored).into_rgb8();
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&rgb)
        .map_err(|e| e.to_string())?;
    let file = doccheck::decode::with_exif_orientation(&jpeg, orientation);
    std::fs::write(out, file).map_err(|e| format!("{}: {e}", out.display()))
}

/// RGBA to limited-range BT.601 Y′CbCr 4:2:0 planes (Chromium's fake camera maps luma 16–235
/// back to 0–255).
fn to_yuv420(rgba: &[u8], width: usize, height: usize) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let px = |x: usize, y: usize| {
        let i = (y * width + x) * 4;
        (
            f32::from(rgba[i]),
            f32::from(rgba[i + 1]),
            f32::from(rgba[i + 2]),
        )
    };
    let mut yp = Vec::with_capacity(width * height);
    for y in 0..height {
        for x in 0..width {
            let (r, g, b) = px(x, y);
            yp.push(
                (16.0 + 0.257 * r + 0.504 * g + 0.098 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
        }
    }
    let (cw, ch) = (width / 2, height / 2);
    let (mut up, mut vp) = (Vec::with_capacity(cw * ch), Vec::with_capacity(cw * ch));
    for y in 0..ch {
        for x in 0..cw {
            let (mut r, mut g, mut b) = (0.0, 0.0, 0.0);
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let p = px(2 * x + dx, 2 * y + dy);
                r += p.0 / 4.0;
                g += p.1 / 4.0;
                b += p.2 / 4.0;
            }
            up.push(
                (128.0 - 0.148 * r - 0.291 * g + 0.439 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
            vp.push(
                (128.0 + 0.439 * r - 0.368 * g - 0.071 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
        }
    }
    (yp, up, vp)
}
