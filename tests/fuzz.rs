//! Fuzzing the entry points a stranger's bytes reach: `Analyzer::analyze`/`analyze_still`
//! with arbitrary dimensions, buffers and (valid) options, and `decode::decode_bytes` with
//! arbitrary and mutated JPEG and PNG files. Each case must answer (a report or a precise
//! error) without panicking, hanging or allocating beyond its bound.
//!
//! This is a deterministic mutation fuzzer rather than a coverage-guided one: cargo-fuzz needs
//! nightly features (see `docs/robustness.md`). The normal test run (`cargo test --release`)
//! runs a short, fixed-seed pass; `scripts/fuzz.sh` runs a long one. Environment:
//! - `DOCCHECK_FUZZ_CASES`: cases per target (default 200 frames, 1000 files);
//! - `DOCCHECK_FUZZ_SECONDS`: stop starting cases after this long, per target (default none);
//! - `DOCCHECK_FUZZ_SEED`: base seed (default 0, so that the normal run is repeatable);
//! - `DOCCHECK_FUZZ_FROM`: first case index (to replay one case: `FROM=i CASES=1`).
//!
//! Each target prints `fuzz <target>: cases run: N, crashes: K, ...`.

mod support;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use doccheck::decode::decode_bytes;
use doccheck::synth::{Background, Scene};
use doccheck::{Analyzer, FrameError, Options, MAX_PIXELS, MAX_SIDE};
use support::{check_report, expected_error, largest_allocation_during, SplitMix};

#[global_allocator]
static ALLOCATOR: support::TrackingAllocator = support::TrackingAllocator;

/// A case that makes no progress for this long is reported as a hang. Far above any case's
/// run time (the largest frames take well under a second): a hang detector, not a timing
/// assertion.
const STALL: Duration = Duration::from_secs(120);

/// Largest single allocation a decode may make: the decoder's own limit (one RGBA buffer at
/// the pixel limit and 64 MiB of working space).
const DECODE_ALLOCATION_BOUND: usize = (MAX_PIXELS * 4 + (64 << 20)) as usize;

/// Largest single allocation the engine may make for a frame of at most a few megabytes:
/// its working planes are a fraction of that.
const ENGINE_ALLOCATION_BOUND: usize = 64 << 20;

struct Settings {
    cases: Option<u64>,
    seconds: Option<f64>,
    seed: u64,
    from: u64,
}

fn settings() -> Settings {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let parse = |name: &str, v: String| -> u64 {
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number"))
    };
    Settings {
        cases: var("DOCCHECK_FUZZ_CASES").map(|v| parse("DOCCHECK_FUZZ_CASES", v)),
        seconds: var("DOCCHECK_FUZZ_SECONDS").map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("DOCCHECK_FUZZ_SECONDS={v:?} is not a number"))
        }),
        seed: var("DOCCHECK_FUZZ_SEED").map_or(0, |v| parse("DOCCHECK_FUZZ_SEED", v)),
        from: var("DOCCHECK_FUZZ_FROM").map_or(0, |v| parse("DOCCHECK_FUZZ_FROM", v)),
    }
}

/// What one case did wrong: panicked, or answered against the contract.
type Finding = String;

/// What one case did right: whether the input was accepted (a report, a decoded photo) or
/// refused with an error, the largest single allocation it made (bytes), and the input.
struct Answer {
    accepted: bool,
    largest: usize,
    input: String,
}

/// Runs `case` for each case index on a worker thread, watching it for hangs, catching
/// panics, and prints the summary line. Fails the test on any finding.
fn fuzz<S: Send + 'static>(
    target: &'static str,
    default_cases: u64,
    mut state: S,
    case: fn(&mut S, &mut SplitMix) -> Result<Answer, Finding>,
) {
    let s = settings();
    let progress = Arc::new(AtomicU64::new(0));
    let (done_tx, done_rx) = mpsc::channel();
    let worker_progress = Arc::clone(&progress);
    let started = Instant::now();
    std::thread::spawn(move || {
        let (mut findings, mut panics) = (Vec::new(), 0u64);
        let (mut run, mut accepted) = (0u64, 0u64);
        let mut largest = (0usize, String::new());
        let cases = s.cases.unwrap_or(default_cases);
        for index in s.from..s.from.saturating_add(cases) {
            if s.seconds
                .is_some_and(|limit| started.elapsed().as_secs_f64() >= limit)
            {
                break;
            }
            worker_progress.store(index, Ordering::SeqCst);
            // One generator per case, so that any case replays alone from its index.
            let mut rng = SplitMix(s.seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
            let outcome = catch_unwind(AssertUnwindSafe(|| case(&mut state, &mut rng)));
            run += 1;
            let finding = match outcome {
                Ok(Ok(answer)) => {
                    accepted += u64::from(answer.accepted);
                    if answer.largest > largest.0 {
                        largest = (answer.largest, answer.input);
                    }
                    None
                }
                Ok(Err(f)) => Some(f),
                Err(panic) => {
                    panics += 1;
                    Some(format!(
                        "panic: {}",
                        panic
                            .downcast_ref::<String>()
                            .map(String::as_str)
                            .or_else(|| panic.downcast_ref::<&str>().copied())
                            .unwrap_or("(no message)")
                    ))
                }
            };
            if let Some(f) = finding {
                findings.push(format!(
                    "case {index} (replay: DOCCHECK_FUZZ_SEED={} DOCCHECK_FUZZ_FROM={index} DOCCHECK_FUZZ_CASES=1): {f}",
                    s.seed
                ));
            }
        }
        let _ = done_tx.send((run, accepted, panics, largest, findings));
    });
    let mut last = (u64::MAX, Instant::now());
    let (run, accepted, panics, largest, findings) = loop {
        match done_rx.recv_timeout(Duration::from_secs(1)) {
            Ok(result) => break result,
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{target}: fuzz worker died"),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = progress.load(Ordering::SeqCst);
                if now != last.0 {
                    last = (now, Instant::now());
                } else if last.1.elapsed() > STALL {
                    panic!(
                        "fuzz {target}: case {now} made no progress for {STALL:?} (hang); replay: DOCCHECK_FUZZ_SEED={} DOCCHECK_FUZZ_FROM={now} DOCCHECK_FUZZ_CASES=1",
                        s.seed
                    );
                }
            }
        }
    };
    println!(
        "fuzz {target}: cases run: {run}, crashes: {panics}, contract violations: {}, hangs: 0 ({accepted} accepted, {} refused; largest allocation {:.1} MiB for {}; seed {}, {:.1} s)",
        findings.len() as u64 - panics,
        run - accepted - findings.len() as u64,
        largest.0 as f64 / f64::from(1 << 20),
        largest.1,
        s.seed,
        started.elapsed().as_secs_f64()
    );
    assert!(
        findings.is_empty(),
        "fuzz {target}: {} finding(s):\n{}",
        findings.len(),
        findings
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ---------------------------------------------------------------------------------------
// Frames

/// A claimed frame size: mostly plausible, sometimes thin, at the side limit, zero or absurd.
fn frame_size(rng: &mut SplitMix) -> (u32, u32) {
    let small = |rng: &mut SplitMix, n: u64| 1 + rng.below(n) as u32;
    match rng.below(20) {
        0..=7 => (small(rng, 96), small(rng, 96)),
        8..=11 => (96 + small(rng, 544), 96 + small(rng, 544)),
        12 => (small(rng, 3), small(rng, 4000)),
        13 => (small(rng, 4000), small(rng, 3)),
        14 => (MAX_SIDE - rng.below(2) as u32, small(rng, 3)),
        15 => (rng.below(3) as u32, rng.below(3) as u32),
        16 => (0, rng.next() as u32),
        17 => (rng.next() as u32, rng.next() as u32),
        18 => (MAX_SIDE + small(rng, 100), small(rng, 4)),
        _ => (
            10_001 + rng.below(10_000) as u32,
            10_001 + rng.below(10_000) as u32,
        ),
    }
}

/// Pixels for a `w × h` frame, and what they show: noise, flat, stripes, filled polygons, or
/// a generated card.
fn frame_pixels(rng: &mut SplitMix, w: usize, h: usize) -> (&'static str, Vec<u8>) {
    let n = w * h;
    let colour = |rng: &mut SplitMix| {
        let c = rng.next().to_le_bytes();
        [c[0], c[1], c[2], 255]
    };
    match rng.below(6) {
        0 => ("noise", (0..n * 4).map(|_| rng.next() as u8).collect()),
        1 => ("flat", colour(rng).repeat(n)),
        2 => {
            // Stripes or a checkerboard: many parallel straight edges for the line finder.
            let (a, b) = (colour(rng), colour(rng));
            let period = 1 + rng.below(12) as usize;
            let kind = rng.below(3);
            let mut v = Vec::with_capacity(n * 4);
            for y in 0..h {
                for x in 0..w {
                    let t = match kind {
                        0 => x / period,
                        1 => y / period,
                        _ => x / period + y / period,
                    };
                    v.extend_from_slice(if t % 2 == 0 { &a } else { &b });
                }
            }
            (
                ["vertical stripes", "horizontal stripes", "checkerboard"][kind as usize],
                v,
            )
        }
        3 if w >= 48 && h >= 48 && w <= 640 && h <= 640 => {
            let mut s = Scene::centred(w, h, 0.1 + rng.unit() * 1.2, rng.unit() * 360.0 - 180.0);
            s.background = match rng.below(5) {
                0 => Background::Plain(colour(rng)[..3].try_into().unwrap()),
                1 => Background::Wood,
                2 => Background::Texture,
                3 => Background::Tray {
                    floor: colour(rng)[..3].try_into().unwrap(),
                    tray: colour(rng)[..3].try_into().unwrap(),
                    rect: [0, 1, 2, 3]
                        .map(|k| (rng.unit() * 1.4 - 0.2) * if k % 2 == 0 { w } else { h } as f32),
                },
                _ => Background::Plain([52, 56, 60]),
            };
            s.gain = rng.unit() * 2.5;
            s.blur = rng.below(5) as usize;
            s.glare = (rng.below(3) == 0).then(|| (rng.unit(), rng.unit(), rng.unit() * 0.3));
            s.shadow = (rng.below(3) == 0).then(|| rng.unit());
            s.thumb = (rng.below(3) == 0).then(|| rng.below(4) as usize);
            s.grayscale = rng.below(4) == 0;
            s.seed = rng.next() as u32;
            if rng.below(8) == 0 {
                s.quad = None;
            }
            ("card scene", s.render())
        }
        _ => {
            // A few filled convex quadrilaterals (random corners, possibly outside).
            let mut v = colour(rng).repeat(n);
            for _ in 0..1 + rng.below(4) {
                let c = colour(rng);
                let (cx, cy) = (rng.unit() * w as f32, rng.unit() * h as f32);
                let r = rng.unit() * w.max(h) as f32;
                let a0 = rng.unit() * 6.3;
                let pts: Vec<(f32, f32)> = (0..4)
                    .map(|k| {
                        let a = a0 + k as f32 * 1.571 + (rng.unit() - 0.5) * 0.8;
                        (cx + r * a.cos(), cy + r * a.sin())
                    })
                    .collect();
                for y in 0..h {
                    for x in 0..w {
                        let (px, py) = (x as f32, y as f32);
                        let inside = (0..4).all(|k| {
                            let (ax, ay) = pts[k];
                            let (bx, by) = pts[(k + 1) % 4];
                            (bx - ax) * (py - ay) - (by - ay) * (px - ax) >= 0.0
                        });
                        if inside {
                            v[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&c);
                        }
                    }
                }
            }
            ("polygons", v)
        }
    }
}

/// Options with a few thresholds scaled at random; stays valid (invalid ones are
/// `properties.rs`'s business), so that every path of the verdict is reached.
fn fuzz_options(rng: &mut SplitMix) -> Options {
    let mut o = Options::default();
    if rng.below(4) != 0 {
        return o;
    }
    let fields: [&mut f32; 15] = [
        &mut o.min_area_fraction,
        &mut o.max_area_fraction,
        &mut o.min_document_px,
        &mut o.max_corner_angle_deviation_deg,
        &mut o.corner_outside_tolerance,
        &mut o.max_corner_gap,
        &mut o.max_corner_oddness,
        &mut o.min_mean_luma,
        &mut o.max_clipped_fraction,
        &mut o.max_mean_luma,
        &mut o.max_light_ratio,
        &mut o.min_glare_fraction,
        &mut o.min_sharpness,
        &mut o.min_colourfulness,
        &mut o.max_motion,
    ];
    let pick = rng.below(15) as usize;
    for (k, f) in fields.into_iter().enumerate() {
        if k == pick || rng.below(6) == 0 {
            *f *= rng.unit() * 3.0;
        }
    }
    o.work_size = 128 + rng.below(897) as u32;
    if o.validate().is_ok() {
        o
    } else {
        Options::default()
    }
}

/// One frame through a long-lived analyzer (so that the video path sees frames of changing
/// sizes and contents one after another, with or without their times) or through a fresh one
/// with fuzzed options.
/// The frames target's state: one analyzer for the whole run, and whether the engine's
/// allocations are held to [`ENGINE_ALLOCATION_BOUND`].
struct Frames {
    analyzer: Analyzer,
    bound_allocations: bool,
    /// The time of the last timed frame, milliseconds (it mostly moves forward).
    clock_ms: f64,
}

fn frame_case(state: &mut Frames, rng: &mut SplitMix) -> Result<Answer, Finding> {
    let (w, h) = frame_size(rng);
    let pixels = u64::from(w) * u64::from(h);
    let plausible = w > 0 && h > 0 && pixels <= 4_000_000;
    let (kind, mut rgba) = if plausible {
        frame_pixels(rng, w as usize, h as usize)
    } else {
        (
            "noise",
            (0..rng.below(4096)).map(|_| rng.next() as u8).collect(),
        )
    };
    if rng.below(8) == 0 {
        // Off by a little or by a lot.
        let len = match rng.below(3) {
            0 => rgba.len().saturating_sub(1 + rng.below(8) as usize),
            1 => rgba.len() + 1 + rng.below(8) as usize,
            _ => rng.below(1 << 16) as usize,
        };
        rgba.resize(len, 0x55);
    }
    let want = expected_error(w, h, rgba.len());
    let video = rng.below(2) == 0;
    let mut fresh;
    let a = if rng.below(5) == 0 {
        fresh = Analyzer::new(fuzz_options(rng)).map_err(|e| format!("valid options: {e}"))?;
        &mut fresh
    } else {
        &mut state.analyzer
    };
    // Video frames come with a time half the time: mostly moving forward, sometimes back,
    // far ahead, or not a number (refused before the frame is looked at).
    let time_ms = (video && rng.below(2) == 0).then(|| match rng.below(8) {
        0 => [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][rng.below(3) as usize],
        1 => -(rng.below(1 << 20) as f64),
        2 => 1e12 + rng.below(1 << 20) as f64,
        _ => {
            state.clock_ms += rng.below(200) as f64;
            state.clock_ms
        }
    });
    let (got, largest) = largest_allocation_during(|| match (video, time_ms) {
        (true, Some(t)) => a.analyze_at(&rgba, w, h, t),
        (true, None) => a.analyze(&rgba, w, h),
        (false, _) => a.analyze_still(&rgba, w, h),
    });
    let what = format!(
        "{w}×{h} {kind}, {} bytes, video {video}, time {time_ms:?}",
        rgba.len()
    );
    if let Some(t) = time_ms.filter(|t| !t.is_finite()) {
        return match got {
            Err(FrameError::InvalidFrameTime { value })
                if value.to_bits() == t.to_bits() && largest <= 4096 =>
            {
                Ok(Answer {
                    accepted: false,
                    largest,
                    input: what,
                })
            }
            got => Err(format!(
                "{what}: got {got:?} ({largest} bytes), want InvalidFrameTime"
            )),
        };
    }
    let accepted = got.is_ok();
    match (got, want) {
        (Ok(report), None) => check_report(&report, video).map_err(|e| format!("{what}: {e}"))?,
        (Err(e), Some(w)) if e == w => {
            if largest > 4096 {
                return Err(format!("{what}: allocated {largest} bytes to refuse it"));
            }
        }
        (got, want) => return Err(format!("{what}: got {got:?}, want {want:?}")),
    }
    if state.bound_allocations && largest > ENGINE_ALLOCATION_BOUND.max(rgba.len() * 2) {
        return Err(format!("{what}: one allocation of {largest} bytes"));
    }
    Ok(Answer {
        accepted,
        largest,
        input: what,
    })
}

/// No panic, no hang, the precise error for bad input (refused without allocating), and a
/// consistent report for good input.
#[test]
fn fuzz_frames_of_any_size_and_content() {
    let frames = Frames {
        analyzer: Analyzer::new(Options::default()).unwrap(),
        bound_allocations: false,
        clock_ms: 0.0,
    };
    fuzz("frames", 200, frames, frame_case);
}

/// The same cases, with the engine's largest single allocation held to 64 MiB for frames of
/// a megabyte or so.
// Striped and checkered frames (e.g. case 106: 323×541; case 298: 556×516) once made the
// outline finder collect millions of candidates (176 MiB in one allocation, 2 s a frame); the
// enumeration is now bounded (partners per line, quads scored, candidates kept).
#[test]
fn fuzz_frames_engine_allocations_stay_bounded() {
    let frames = Frames {
        analyzer: Analyzer::new(Options::default()).unwrap(),
        bound_allocations: true,
        clock_ms: 0.0,
    };
    fuzz("frames-bounded", 200, frames, frame_case);
}

// ---------------------------------------------------------------------------------------
// Decoding

fn jpeg(rgb: &[u8], w: u32, h: u32, colour: image::ExtendedColorType, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode(rgb, w, h, colour)
        .unwrap();
    out
}

fn png(img: image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Small valid files of the kinds cameras and scanners produce, to mutate.
fn corpus() -> Vec<Vec<u8>> {
    let scene = Scene::centred(64, 48, 0.6, 7.0).render();
    let rgb: Vec<u8> = scene
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let luma: Vec<u8> = scene.chunks_exact(4).map(|p| p[1]).collect();
    let rgba_img = image::RgbaImage::from_raw(64, 48, scene.clone()).unwrap();
    let dynamic = image::DynamicImage::ImageRgba8(rgba_img);
    let odd: Vec<u8> = (0..33 * 17 * 3).map(|i| (i * 37 % 256) as u8).collect();
    let camera = jpeg(&rgb, 64, 48, image::ExtendedColorType::Rgb8, 90);
    vec![
        camera.clone(),
        doccheck::decode::with_exif_orientation(&camera, 6),
        jpeg(&odd, 33, 17, image::ExtendedColorType::Rgb8, 60),
        jpeg(&luma, 64, 48, image::ExtendedColorType::L8, 80),
        png(dynamic.clone()),
        png(image::DynamicImage::ImageRgb8(dynamic.to_rgb8())),
        png(image::DynamicImage::ImageLuma8(dynamic.to_luma8())),
        png(image::DynamicImage::ImageRgba16(dynamic.to_rgba16())),
        png(image::DynamicImage::ImageLumaA8(dynamic.to_luma_alpha8())),
        webp(&dynamic),
        include_bytes!("fixtures/card-lossy-orientation6.webp").to_vec(),
    ]
}

/// A lossless WebP (the `image` crate writes no lossy ones; the corpus has a lossy file).
fn webp(img: &image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
    out.into_inner()
}

/// Recomputes every PNG chunk's CRC, so that a mutation reaches the decoder's handling of
/// the chunk's contents instead of stopping at the checksum.
fn fix_png_crcs(bytes: &mut [u8]) {
    let mut i = 8;
    while i + 12 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
        let Some(end) = (i + 8).checked_add(len).filter(|&e| e + 4 <= bytes.len()) else {
            return;
        };
        let crc = crc32fast::hash(&bytes[i + 4..end]);
        bytes[end..end + 4].copy_from_slice(&crc.to_be_bytes());
        i = end + 4;
    }
}

/// Values that sit on boundaries: sizes and lengths decoders must treat with care.
const INTERESTING: [u32; 14] = [
    0,
    1,
    2,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0xFFFF,
    10_000,
    20_001,
    30_000,
    0x7FFF_FFFF,
    0xFFFF_FFFF,
];

/// Rewrites the image size in the header (a JPEG's frame header, a PNG's IHDR): mostly
/// plausible sizes, sometimes past the limits, rarely just under the pixel limit (a costly
/// but legitimate decode).
fn patch_size(rng: &mut SplitMix, bytes: &mut [u8]) {
    let (w, h) = match rng.below(200) {
        0 => (10_000, 10_000),
        1..=50 => (rng.next() as u32, rng.next() as u32),
        _ => (1 + rng.below(2000) as u32, 1 + rng.below(2000) as u32),
    };
    if bytes.starts_with(b"\x89PNG") && bytes.len() >= 24 {
        bytes[16..20].copy_from_slice(&w.to_be_bytes());
        bytes[20..24].copy_from_slice(&h.to_be_bytes());
    } else if let Some(sof) = bytes.windows(2).position(|x| x == [0xFF, 0xC0]) {
        if sof + 9 <= bytes.len() {
            bytes[sof + 5..sof + 7].copy_from_slice(&(h as u16).to_be_bytes());
            bytes[sof + 7..sof + 9].copy_from_slice(&(w as u16).to_be_bytes());
        }
    }
}

/// Applies one to four mutations to `bytes`; `other` is another corpus file for splicing.
fn mutate(rng: &mut SplitMix, mut bytes: Vec<u8>, other: &[u8]) -> Vec<u8> {
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.below(bytes.len() as u64) as usize;
        match rng.below(10) {
            0 => bytes[at] ^= 1 << rng.below(8),
            9 => patch_size(rng, &mut bytes),
            1 => bytes[at] = INTERESTING[rng.below(6) as usize] as u8,
            2 => {
                let v = INTERESTING[rng.below(INTERESTING.len() as u64) as usize];
                let (two, four) = ((v as u16).to_be_bytes(), v.to_be_bytes());
                let field: &[u8] = if rng.below(2) == 0 { &two } else { &four };
                let end = (at + field.len()).min(bytes.len());
                bytes[at..end].copy_from_slice(&field[..end - at]);
            }
            3 => bytes.truncate(at),
            4 => {
                let end = (at + 1 + rng.below(64) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
            5 => {
                let junk: Vec<u8> = (0..1 + rng.below(32)).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, junk);
            }
            6 => {
                let end = (at + 1 + rng.below(128) as usize).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() as u64) as usize;
                bytes.splice(to..to, copy);
            }
            7 if !other.is_empty() => {
                let from = rng.below(other.len() as u64) as usize;
                bytes.truncate(at);
                bytes.extend_from_slice(&other[from..]);
            }
            _ => {
                let run = (1 + rng.below(16) as usize).min(bytes.len() - at);
                for b in &mut bytes[at..at + run] {
                    *b = rng.next() as u8;
                }
            }
        }
    }
    if bytes.starts_with(b"\x89PNG") && rng.below(2) == 0 {
        fix_png_crcs(&mut bytes);
    }
    bytes
}

/// One file: random bytes, or a mutated corpus file; decoded, and a decoded photo of sane
/// size analysed like the CLI does.
/// The valid files the decode target mutates.
struct Corpus(Vec<Vec<u8>>);

fn decode_case(corpus: &mut Corpus, rng: &mut SplitMix) -> Result<Answer, Finding> {
    let corpus = &corpus.0;
    let bytes = match rng.below(10) {
        0 => (0..rng.below(512)).map(|_| rng.next() as u8).collect(),
        1 => {
            // Random bytes behind a real signature: the decoder's header parsing gets them.
            let mut v = match rng.below(3) {
                0 => vec![0xFF, 0xD8, 0xFF],
                1 => b"\x89PNG\r\n\x1a\n".to_vec(),
                _ => {
                    // RIFF, a length (set to the file's below, half the time), WEBP, then a
                    // chunk's name.
                    let mut v = b"RIFF".to_vec();
                    v.extend_from_slice(&(rng.next() as u32).to_le_bytes());
                    v.extend_from_slice(b"WEBP");
                    v.extend_from_slice([&b"VP8 "[..], b"VP8L", b"VP8X"][rng.below(3) as usize]);
                    v
                }
            };
            v.extend((0..rng.below(512)).map(|_| rng.next() as u8));
            if v.starts_with(b"RIFF") && rng.below(2) == 0 {
                let len = (v.len() - 8) as u32;
                v[4..8].copy_from_slice(&len.to_le_bytes());
            }
            v
        }
        _ => {
            let a = rng.below(corpus.len() as u64) as usize;
            let b = rng.below(corpus.len() as u64) as usize;
            mutate(rng, corpus[a].clone(), &corpus[b])
        }
    };
    let (decoded, largest) = largest_allocation_during(|| decode_bytes(&bytes));
    if largest > DECODE_ALLOCATION_BOUND.max(bytes.len() * 2) {
        return Err(format!(
            "{} bytes: one allocation of {largest} bytes",
            bytes.len()
        ));
    }
    let input = format!("a {}-byte file", bytes.len());
    let Ok(photo) = decoded else {
        return Ok(Answer {
            accepted: false,
            largest,
            input,
        });
    };
    let (w, h) = (photo.width, photo.height);
    if w == 0 || h == 0 || u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE
    {
        return Err(format!("decoded a {w}×{h} photo, outside the limits"));
    }
    if photo.rgba.len() as u64 != u64::from(w) * u64::from(h) * 4 {
        return Err(format!("{w}×{h} photo with {} bytes", photo.rgba.len()));
    }
    if u64::from(w) * u64::from(h) <= 2_000_000 {
        let report = doccheck::analyze(&photo.rgba, w, h, &Options::default())
            .map_err(|e| format!("decoded {w}×{h} photo refused: {e}"))?;
        check_report(&report, false).map_err(|e| format!("decoded {w}×{h}: {e}"))?;
    }
    Ok(Answer {
        accepted: true,
        largest,
        input: format!("{input} decoded to {w}×{h}"),
    })
}

#[test]
fn fuzz_decoding_arbitrary_and_mutated_files() {
    fuzz("decode", 1000, Corpus(corpus()), decode_case);
}

/// The mutations start from valid files: check that they are. With
/// `DOCCHECK_FUZZ_WRITE_CORPUS=DIR`, also writes them there as the seed corpus of the
/// coverage-guided `decode` target in `fuzz/` (see `scripts/fuzz.sh`).
#[test]
fn corpus_files_decode_unmutated() {
    let out = std::env::var_os("DOCCHECK_FUZZ_WRITE_CORPUS").map(std::path::PathBuf::from);
    for (k, bytes) in corpus().iter().enumerate() {
        let photo = decode_bytes(bytes).unwrap_or_else(|e| panic!("corpus file {k}: {e}"));
        assert!(photo.width > 0 && photo.height > 0);
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).unwrap();
            let ext = if bytes.starts_with(b"\x89PNG") {
                "png"
            } else if bytes.starts_with(b"RIFF") {
                "webp"
            } else {
                "jpg"
            };
            std::fs::write(dir.join(format!("seed-{k}.{ext}")), bytes).unwrap();
        }
    }
}
