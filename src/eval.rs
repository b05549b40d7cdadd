//! Accuracy over a labelled set (`labels.jsonl` as in `shared/realdata` and `shared/devset`):
//! quad IoU where a quad is labelled, recall of each labelled problem, the share of clean
//! frames judged ready, and how often each code is raised on frames whose label lacks it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use crate::geometry::{quad_iou, Point};
use crate::{Options, Problem, Report};

/// Codes that follow from a labelled problem and are therefore not counted as false raises
/// on frames with that label: `(label, code it implies)`.
///
/// - a too-far document has few pixels across it: `too_far → low_resolution`;
/// - a hidden corner region loses edge evidence that a cut-off one also lacks, and a thumb
///   near the frame's edge can push a corner's fitted position out:
///   `corner_covered ↔ corners_cut_off`;
/// - an under-exposed document loses contrast in its fine print, a shadowed one loses
///   light in part of it: `too_dark → blurry`, `uneven_lighting → too_dark`;
/// - a frame with one to two large glare blobs may clip enough of the document to count as
///   over-exposed: `glare → too_bright`;
/// - a frame washed out to white leaves a light document no edge against a light background
///   (both clip to 255): `too_bright → no_document` (the report then leads with the light,
///   see [`crate::verdict::light_first`]).
pub const IMPLIED: &[(&str, &str)] = &[
    ("too_far", "low_resolution"),
    ("corner_covered", "corners_cut_off"),
    ("corners_cut_off", "corner_covered"),
    ("too_dark", "blurry"),
    ("uneven_lighting", "too_dark"),
    ("glare", "too_bright"),
    ("too_bright", "no_document"),
];

/// One labelled photo and what the engine said of it.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// File name as in the labels.
    pub file: String,
    /// Labelled quad, if any.
    pub quad: Option<[Point; 4]>,
    /// Labelled problems; `None` when the label says nothing about problems.
    pub expected: Option<Vec<String>>,
    /// The report, or the error that stopped the analysis.
    pub report: Result<Report, String>,
    /// IoU of the found quad with the labelled one (0 when none found).
    pub iou: Option<f32>,
    /// How steady the reports are when the photo is analysed as a video (see [`Steady`]).
    pub steadiness: Option<Steadiness>,
}

/// How to measure steadiness: each photo analysed as a video of `frames` frames of a still
/// scene, each frame the photo with fresh sensor-like noise (about Gaussian, `noise` luma
/// levels of standard deviation per channel), as a camera held over a still document
/// delivers them. The engine should say the same of every frame, and never `moving`.
#[derive(Debug, Clone, Copy)]
pub struct Steady {
    /// Frames a photo.
    pub frames: usize,
    /// Standard deviation of the noise, levels (0–255 scale).
    pub noise: f32,
}

/// What the engine said over one photo's frames (see [`Steady`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Steadiness {
    /// Frames analysed.
    pub frames: usize,
    /// Frames on which `moving` was raised.
    pub moving: usize,
    /// Frames whose other problems are not those of the first frame.
    pub changed: usize,
}

/// Runs the engine on every labelled file (paths relative to the labels file's folder), on
/// up to `jobs` threads (see [`crate::batch::in_order`]); the outcomes keep the labels' order.
///
/// # Errors
/// A message when the labels file cannot be read, a line is not valid JSON or not a valid
/// label (see `parse_label`), or the options are invalid.
pub fn run(labels: &Path, options: &Options, jobs: usize) -> Result<Vec<Outcome>, String> {
    run_with(labels, options, jobs, None)
}

/// As [`run`], and with `steady`, each photo's steadiness too.
///
/// # Errors
/// As [`run`].
pub fn run_with(
    labels: &Path,
    options: &Options,
    jobs: usize,
    steady: Option<Steady>,
) -> Result<Vec<Outcome>, String> {
    let text = crate::batch::read_text(labels, MAX_LABELS_BYTES, "a labels file")
        .map_err(|e| format!("{}: {e}", labels.display()))?;
    // Below `.` when the labels lie in the working folder, so that no photo path is `-`
    // (standard input to `check_file`).
    let dir = Path::new(".").join(labels.parent().unwrap_or(Path::new("")));
    let mut labelled = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        // A byte-order mark (some editors write one) is not part of the first label.
        let line = if n == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", labels.display(), n + 1))?;
        labelled.push(parse_label(&v).map_err(|e| format!("{}:{}: {e}", labels.display(), n + 1))?);
    }
    // An empty or blank file is most likely the wrong one, or cut short: no figures at all
    // must not pass for figures.
    if labelled.is_empty() {
        return Err(format!("{}: no labels in it", labels.display()));
    }
    let mut reports = Vec::with_capacity(labelled.len());
    crate::batch::in_order(
        labelled.len(),
        jobs,
        options,
        |analyzer, i| {
            let (photo, report) =
                crate::batch::check_photo_file(analyzer, &dir.join(&labelled[i].0))?;
            let steadiness = steady.map(|st| steadiness(analyzer, &photo, st, i as u64));
            Ok((report, steadiness))
        },
        |report| {
            reports.push(report);
            true
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(labelled
        .into_iter()
        .zip(reports)
        .map(|((file, quad, expected), result)| {
            let (report, steadiness) = match result {
                Ok((r, st)) => (Ok(r), st),
                Err(e) => (Err(e), None),
            };
            let iou = quad.map(|q| match &report {
                Ok(Report { quad: Some(f), .. }) => quad_iou(&q, &f.map(|[x, y]| Point::new(x, y))),
                _ => 0.0,
            });
            Outcome {
                file,
                quad,
                expected,
                report,
                iou,
                steadiness,
            }
        })
        .collect())
}

/// Analyses `photo` as the video of a still scene (see [`Steady`]); the noise is the same for
/// the same `seed`, so that runs can be compared.
fn steadiness(
    analyzer: &mut crate::Analyzer,
    photo: &crate::decode::Photo,
    steady: Steady,
    seed: u64,
) -> Steadiness {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut frame = photo.rgba.clone();
    let mut out = Steadiness::default();
    let mut first: Option<Vec<Problem>> = None;
    analyzer.reset();
    for _ in 0..steady.frames {
        for (px, src) in frame.chunks_exact_mut(4).zip(photo.rgba.chunks_exact(4)) {
            for c in 0..3 {
                // The sum of four uniform numbers, centred: near Gaussian, variance 4/12.
                let r = next();
                let sum: u32 = (0..4).map(|k| ((r >> (16 * k)) & 0xFFFF) as u32).sum();
                let unit = (sum as f32 / 65535.0 - 2.0) * 3.0f32.sqrt();
                px[c] = (f32::from(src[c]) + unit * steady.noise)
                    .round()
                    .clamp(0.0, 255.0) as u8;
            }
        }
        let Ok(r) = analyzer.analyze(&frame, photo.width, photo.height) else {
            break;
        };
        out.frames += 1;
        out.moving += usize::from(r.problems.contains(&Problem::Moving));
        let others: Vec<Problem> = r
            .problems
            .into_iter()
            .filter(|p| *p != Problem::Moving)
            .collect();
        match &first {
            None => first = Some(others),
            Some(f) => out.changed += usize::from(*f != others),
        }
    }
    analyzer.reset();
    out
}

/// Most bytes a labels file may have (a million labels of 250 bytes): a path given by
/// mistake (a video, a device) is refused rather than read to its end.
const MAX_LABELS_BYTES: u64 = 256 << 20;

/// A label's photo path, quad and problems.
type Label = (String, Option<[Point; 4]>, Option<Vec<String>>);

/// One label's photo path, quad and problems. A field that is there but malformed is an error
/// (a figure quietly computed without it would mislead); `null` counts as not given, and other
/// fields (`width`, `class`, `note`, …) are not read.
fn parse_label(v: &Value) -> Result<Label, String> {
    let Value::Object(label) = v else {
        return Err("a label must be a JSON object".into());
    };
    let file = match label.get("file") {
        Some(Value::String(f)) if !f.is_empty() => f.clone(),
        _ => return Err("`file` must be the photo's path, a non-empty string".into()),
    };
    let quad = match label.get("quad") {
        None | Some(Value::Null) => None,
        Some(q) => {
            let q = parse_quad(q).ok_or("`quad` must be four [x, y] corners (numbers), or null")?;
            if !is_convex(&q) {
                return Err(
                    "`quad` must be a convex outline, its corners in order around it (this one is crossed, bent in or flat)"
                        .into(),
                );
            }
            Some(q)
        }
    };
    // `problems` (the devset) or `expect` (realdata), whichever is given; both would leave it
    // unclear which the figures should follow.
    let given = |k: &str| label.get(k).is_some_and(|p| !p.is_null());
    if given("problems") && given("expect") {
        return Err("give the problems as `problems` or as `expect`, not both".into());
    }
    let listed = ["problems", "expect"]
        .into_iter()
        .find_map(|k| label.get(k).filter(|p| !p.is_null()).map(|p| (k, p)));
    let expected = match listed {
        None => None,
        Some((key, Value::Array(codes))) => {
            let mut list: Vec<String> = Vec::with_capacity(codes.len());
            for c in codes {
                let code = c
                    .as_str()
                    .filter(|c| Problem::ALL.iter().any(|p| p.code() == *c))
                    .ok_or_else(|| {
                        let known: Vec<_> = Problem::ALL.iter().map(|p| p.code()).collect();
                        format!("`{key}`: {c} is not a problem code ({})", known.join(", "))
                    })?;
                if list.iter().any(|l| l == code) {
                    return Err(format!("`{key}`: `{code}` is listed twice"));
                }
                list.push(code.to_string());
            }
            Some(list)
        }
        Some((key, _)) => return Err(format!("`{key}` must be a list of problem codes, or null")),
    };
    Ok((file, quad, expected))
}

/// Whether the corners go round a convex outline with some area (either way round): a
/// crossed, dented or flat one has no meaningful IoU.
fn is_convex(q: &[Point; 4]) -> bool {
    let turns = (0..4).map(|k| {
        let (a, b, c) = (q[k], q[(k + 1) % 4], q[(k + 2) % 4]);
        (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x)
    });
    let (mut left, mut right) = (0, 0);
    for t in turns {
        left += usize::from(t > 0.0);
        right += usize::from(t < 0.0);
    }
    left == 4 || right == 4
}

fn parse_quad(v: &Value) -> Option<[Point; 4]> {
    let a = v.as_array()?;
    if a.len() != 4 {
        return None;
    }
    let mut q = [Point::default(); 4];
    for (k, p) in a.iter().enumerate() {
        // Exactly two numbers a corner, finite as the engine's own (f32) coordinates.
        let [x, y] = p.as_array()?.as_slice() else {
            return None;
        };
        let coordinate = |v: &Value| {
            let v = v.as_f64()? as f32;
            v.is_finite().then_some(v)
        };
        q[k] = Point::new(coordinate(x)?, coordinate(y)?);
    }
    Some(q)
}

/// The printed summary: IoU figures, per-class recall, clean frames ready, false raises.
#[must_use]
pub fn summarize(outcomes: &[Outcome], verbose: bool) -> String {
    let mut s = String::new();
    let errors: Vec<_> = outcomes.iter().filter(|o| o.report.is_err()).collect();
    let _ = writeln!(s, "frames: {}  (errors: {})", outcomes.len(), errors.len());
    for o in &errors {
        let _ = writeln!(
            s,
            "  error {}: {}",
            o.file,
            o.report.as_ref().err().map_or("", String::as_str)
        );
    }
    let mut ious: Vec<f32> = outcomes.iter().filter_map(|o| o.iou).collect();
    if !ious.is_empty() {
        let mean = ious.iter().sum::<f32>() / ious.len() as f32;
        ious.sort_unstable_by(f32::total_cmp);
        let median = if ious.len() % 2 == 1 {
            ious[ious.len() / 2]
        } else {
            0.5 * (ious[ious.len() / 2 - 1] + ious[ious.len() / 2])
        };
        let good = ious.iter().filter(|&&v| v >= 0.9).count() as f32 / ious.len() as f32;
        let _ = writeln!(
            s,
            "quad IoU over {} labelled quads: mean {mean:.4}  median {median:.4}  share >= 0.9: {:.1}%",
            ious.len(),
            100.0 * good
        );
    }
    // A photo that could not be read raised nothing and is not ready: a miss in its recall and
    // clean-frame figures, as its IoU is 0. It is left out of the false raises, where raising
    // nothing would count in the engine's favour.
    let labelled: Vec<_> = outcomes.iter().filter(|o| o.expected.is_some()).collect();
    if !labelled.is_empty() {
        let raised = |o: &Outcome, code: &str| {
            o.report
                .as_ref()
                .is_ok_and(|r| r.problems.iter().any(|p| p.code() == code))
        };
        let mut classes: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        let (mut clean, mut clean_ready) = (0u32, 0u32);
        for o in &labelled {
            let exp = o.expected.as_ref().map_or(&[][..], Vec::as_slice);
            if exp.is_empty() {
                clean += 1;
                clean_ready += u32::from(o.report.as_ref().is_ok_and(|r| r.ready));
            }
            for c in exp {
                let e = classes.entry(c.clone()).or_default();
                e.0 += 1;
                e.1 += u32::from(raised(o, c));
            }
        }
        let _ = writeln!(s, "recall per labelled problem:");
        for (c, (n, hit)) in &classes {
            let _ = writeln!(
                s,
                "  {c:<16} {hit:>4}/{n:<4} {:6.1}%",
                100.0 * *hit as f32 / *n as f32
            );
        }
        if clean > 0 {
            let _ = writeln!(
                s,
                "clean frames judged ready: {clean_ready}/{clean} {:.1}%",
                100.0 * clean_ready as f32 / clean as f32
            );
        }
        let _ = writeln!(
            s,
            "raised on frames whose label lacks it (all / not implied by the label):"
        );
        for p in Problem::ALL {
            let code = p.code();
            let lacking: Vec<_> = labelled
                .iter()
                .filter(|o| {
                    o.report.is_ok()
                        && !o
                            .expected
                            .as_ref()
                            .is_some_and(|e| e.iter().any(|c| c == code))
                })
                .collect();
            if lacking.is_empty() {
                continue;
            }
            let all = lacking.iter().filter(|o| raised(o, code)).count();
            let not_implied = lacking
                .iter()
                .filter(|o| {
                    let exp = o.expected.as_ref().map_or(&[][..], Vec::as_slice);
                    raised(o, code) && !exp.iter().any(|l| IMPLIED.contains(&(l.as_str(), code)))
                })
                .count();
            let _ = writeln!(
                s,
                "  {code:<16} {all:>4}/{:<4} {:5.1}%   {not_implied:>4} {:5.1}%",
                lacking.len(),
                100.0 * all as f32 / lacking.len() as f32,
                100.0 * not_implied as f32 / lacking.len() as f32
            );
        }
    }
    let steady: Vec<_> = outcomes
        .iter()
        .filter_map(|o| o.steadiness.map(|st| (o, st)))
        .collect();
    if !steady.is_empty() {
        let sum = |list: &[(&Outcome, Steadiness)]| {
            list.iter().fold((0, 0, 0, 0), |a, (_, st)| {
                (
                    a.0 + st.frames,
                    a.1 + st.moving,
                    a.2 + st.changed,
                    a.3 + usize::from(st.moving > 0),
                )
            })
        };
        let (frames, moving, changed, photos) = sum(&steady);
        let _ = writeln!(
            s,
            "steadiness, each photo analysed as a video of a still scene with fresh noise a frame:"
        );
        let _ = writeln!(
            s,
            "  moving raised on {moving}/{frames} frames ({photos} of {} photos); other problems changed from the first frame's on {changed}/{frames}",
            steady.len()
        );
        let ready: Vec<_> = steady
            .iter()
            .copied()
            .filter(|(o, _)| o.report.as_ref().is_ok_and(|r| r.ready))
            .collect();
        let (frames, moving, changed, photos) = sum(&ready);
        let _ = writeln!(
            s,
            "  of the {} photos ready as stills: moving on {moving}/{frames} frames ({photos} photos); other problems changed on {changed}/{frames}",
            ready.len()
        );
    }
    if verbose {
        let _ = writeln!(s, "per file:");
        for o in outcomes {
            let (problems, found) = match &o.report {
                Ok(r) => (
                    r.problems
                        .iter()
                        .map(|p| p.code())
                        .collect::<Vec<_>>()
                        .join(","),
                    r.quad.is_some(),
                ),
                Err(e) => (format!("error: {e}"), false),
            };
            let _ = writeln!(
                s,
                "  {:<28} expect [{}] got [{}] found {} iou {}{}",
                o.file,
                o.expected.as_ref().map_or("-".to_string(), |e| e.join(",")),
                problems,
                found,
                o.iou.map_or("-".to_string(), |v| format!("{v:.3}")),
                o.steadiness.map_or(String::new(), |st| format!(
                    " steady: moving {}/{} changed {}/{}",
                    st.moving, st.frames, st.changed, st.frames
                ))
            );
        }
    }
    s
}
