//! Sharpness of the document: how steep its own strong edges (text, photo, guilloche) are
//! compared with their height, at a scale set by the document's size.
//!
//! At each strong edge found along sampled rows (and, separately, columns) inside the
//! document, the steepest one-pixel step is compared with a quarter of the step across four
//! pixels: a crisp edge takes a large part of its rise in one pixel (ratio up to 4), a blurred
//! edge spreads it evenly (ratio 1). The ratio does not depend on the edge's contrast, so
//! print density and lighting cancel out. The document is first sampled so that its long
//! side spans about [`TARGET_DOC_PX`] pixels, which makes the score a property of the
//! document, not of the camera's resolution. Motion blur flattens edges across the motion
//! only, so the score is the lesser of the two directions. Score: `(ratio − 1) / 1.5`,
//! clamped to 0–1.
//!
//! Defocus strong enough to smear the print below the four-sample rise leaves few edges to
//! measure, and those left (the photo's border, a bold line) are not typical. So the edges are
//! also counted at a wider scale (a rise over 24 samples): a direction with structure at
//! the wide scale but no sharp edge scores 0 rather than "cannot judge", and so does a direction
//! with no edge at all while the other has plenty (everything smeared one way).

use crate::frame::{luma, Divisor, Frame};
use crate::geometry::Point;
use crate::region::Region;

/// Long side, in sampled pixels, the document is measured at.
pub const TARGET_DOC_PX: f32 = 640.0;
/// Least rise across four samples (luma levels) for an edge to be measured.
const MIN_RISE: i32 = 24;
/// Rows (and columns) sampled across the document.
const LINES: usize = 96;
/// Half-width, in samples, of the wide-scale edge detector.
const WIDE: usize = 12;
/// Marks the end of a column's stretch inside the region (samples are 0–255).
const BREAK: i32 = -1;
/// Edges (at either scale) needed to judge.
const MIN_EDGES: u32 = 12;

/// Sharpness figures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sharpness {
    /// The score, 0 (smeared) – 1 (crisp); `None` when the document has too few strong edges
    /// to judge.
    pub score: Option<f32>,
    /// Strong edges measured.
    pub edges: u32,
    /// Edges found at the wide scale.
    pub wide_edges: u32,
}

/// Reusable signal buffer.
#[derive(Debug, Default)]
pub struct SharpnessScratch {
    line: Vec<i32>,
    /// The vertical pass's samples, a fixed-size stretch per column.
    columns: Vec<i32>,
    /// Samples (and breaks) written per column.
    lengths: Vec<usize>,
    region: Region,
}

/// Measures the sharpness of the document with full-resolution outline `quad` in `frame`.
pub fn measure_sharpness(
    frame: &Frame<'_>,
    quad: &[Point; 4],
    scratch: &mut SharpnessScratch,
) -> Sharpness {
    let step = sampling_step(quad);
    // Stay clear of the document's border, where the background meets it.
    scratch
        .region
        .fill_spans(quad, frame.width, frame.height, 0.06);
    let spans = &scratch.region.spans;
    if spans.len() < 8 {
        return Sharpness::default();
    }
    let mut totals = [Totals::default(); 2];
    let rgba = frame.rgba;
    let luma_at = |x: usize, y: usize| {
        let i = (y * frame.width + x) * 4;
        i32::from(luma(rgba[i], rgba[i + 1], rgba[i + 2]))
    };
    // Averages of `step` lumas (sums are never negative).
    let divisor = Divisor::new(step as u64);
    let average = |s: i32| divisor.divide(u64::from(s.unsigned_abs())) as i32;
    // Horizontal pass: rows of the region, `step` pixels averaged per sample.
    let row_stride = (spans.len() / LINES).max(step);
    for &(y, x0, x1) in spans.iter().step_by(row_stride) {
        scratch.line.clear();
        let samples = (x1 - x0) / step;
        let row = &rgba[(y * frame.width + x0) * 4..(y * frame.width + x0 + samples * step) * 4];
        scratch.line.extend(row.chunks_exact(step * 4).map(|block| {
            let s: i32 = block
                .chunks_exact(4)
                .map(|p| i32::from(luma(p[0], p[1], p[2])))
                .sum();
            average(s)
        }));
        accumulate(&scratch.line, &mut totals[0]);
    }
    // Vertical pass: columns, each limited to the rows where the region covers it. The
    // frame is read row by row (all columns of a group of `step` rows at once, which keeps
    // the reads in cache); each column's samples go to its own stretch of `columns`, a
    // stretch the region leaves is closed with `BREAK`, and the stretches are measured
    // column by column at the end.
    let x_min = spans.iter().map(|s| s.1).min().unwrap_or(0);
    let x_max = spans.iter().map(|s| s.2).max().unwrap_or(0);
    let col_stride = ((x_max - x_min) / LINES).max(step).max(1);
    let n_cols = (x_max - x_min).div_ceil(col_stride);
    let capacity = 2 * (spans.len() / step) + 2;
    scratch.columns.clear();
    scratch.columns.resize(n_cols * capacity, 0);
    scratch.lengths.clear();
    scratch.lengths.resize(n_cols, 0);
    let mut i = 0;
    while i + step <= spans.len() {
        let group = &spans[i..i + step];
        let lo = group.iter().map(|s| s.1).max().unwrap_or(0);
        let hi = group.iter().map(|s| s.2).min().unwrap_or(0);
        for c in 0..n_cols {
            let x = x_min + c * col_stride;
            let len = &mut scratch.lengths[c];
            let column = &mut scratch.columns[c * capacity..(c + 1) * capacity];
            if lo <= x && x < hi {
                let s: i32 = group.iter().map(|&(y, _, _)| luma_at(x, y)).sum();
                column[*len] = average(s);
                *len += 1;
            } else if *len > 0 && column[*len - 1] != BREAK {
                column[*len] = BREAK;
                *len += 1;
            }
        }
        i += step;
    }
    for c in 0..n_cols {
        let column = &scratch.columns[c * capacity..c * capacity + scratch.lengths[c]];
        for stretch in column.split(|&v| v == BREAK) {
            accumulate(stretch, &mut totals[1]);
        }
    }
    combine(&totals)
}

/// Frame pixels averaged per sample, so that the document's long side spans about
/// [`TARGET_DOC_PX`] samples.
fn sampling_step(quad: &[Point; 4]) -> usize {
    let long = (0..4)
        .map(|k| quad[k].distance(quad[(k + 1) % 4]))
        .fold(0.0f32, f32::max);
    (long / TARGET_DOC_PX).round().max(1.0) as usize
}

/// The figures of both directions (rows, columns) together: the score of the blurrier one.
fn combine(totals: &[Totals; 2]) -> Sharpness {
    let score = match (totals[0].score(), totals[1].score()) {
        (Some(a), Some(b)) => Some(a.min(b)),
        // Plenty of structure one way and none the other: smeared that way (motion blur, or
        // defocus that has flattened the finer of the two).
        (Some(_), None) if totals[0].edges >= 4 * MIN_EDGES => Some(0.0),
        (None, Some(_)) if totals[1].edges >= 4 * MIN_EDGES => Some(0.0),
        (a, b) => a.or(b),
    };
    Sharpness {
        score,
        edges: totals[0].edges + totals[1].edges,
        wide_edges: totals[0].wide + totals[1].wide,
    }
}

/// Edge figures of one direction.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    /// Sum of the steepness ratios of the sharp-scale edges.
    ratio_sum: f64,
    /// Sharp-scale edges.
    edges: u32,
    /// Wide-scale edges.
    wide: u32,
}

impl Totals {
    /// The direction's score, 0–1, or `None` with too few edges at both scales.
    fn score(&self) -> Option<f32> {
        if self.edges < MIN_EDGES {
            return (self.wide >= MIN_EDGES).then_some(0.0);
        }
        let ratio = (self.ratio_sum / f64::from(self.edges)) as f32;
        Some(((ratio - 1.0) / 1.5).clamp(0.0, 1.0))
    }
}

/// Adds the steepness ratio of each strong edge of a 1-D signal to `total`, and counts the
/// edges at the wide scale. Only the position where a rise peaks is used, so each edge counts
/// once at each scale.
fn accumulate(s: &[i32], total: &mut Totals) {
    if s.len() >= 2 * WIDE + 3 {
        // A count without branches, which vectorises.
        let wide = |k: usize| (s[k + WIDE] - s[k - WIDE]).abs();
        total.wide += (WIDE + 1..s.len() - WIDE - 1)
            .map(|k| {
                let r = wide(k);
                u32::from((r >= MIN_RISE) & (r >= wide(k - 1)) & (r > wide(k + 1)))
            })
            .sum::<u32>();
    }
    if s.len() < 7 {
        return;
    }
    let rise = |k: usize| (s[k + 2] - s[k - 2]).abs();
    for k in 3..s.len() - 3 {
        let r = rise(k);
        // One branch, nearly always not taken: edges are few among the samples.
        if (r < MIN_RISE) | (r < rise(k - 1)) | (r <= rise(k + 1)) {
            continue;
        }
        let steepest = (k - 2..k + 2)
            .map(|j| (s[j + 1] - s[j]).abs())
            .max()
            .unwrap_or(0);
        total.ratio_sum += f64::from(steepest) * 4.0 / f64::from(r);
        total.edges += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Vertical and horizontal bars, optionally box-blurred by `blur` pixels.
    fn bars(w: usize, h: usize, blur: usize) -> Vec<u8> {
        let base = |x: usize, y: usize| -> i32 {
            if (x / 9 + y / 9).is_multiple_of(2) {
                40
            } else {
                210
            }
        };
        let mut out = Vec::with_capacity(w * h * 4);
        for y in 0..h {
            for x in 0..w {
                let (mut s, mut n) = (0, 0);
                for dy in 0..=2 * blur {
                    for dx in 0..=2 * blur {
                        let (xx, yy) = (
                            (x + dx).saturating_sub(blur).min(w - 1),
                            (y + dy).saturating_sub(blur).min(h - 1),
                        );
                        s += base(xx, yy);
                        n += 1;
                    }
                }
                let v = (s / n) as u8;
                out.extend_from_slice(&[v, v, v, 255]);
            }
        }
        out
    }

    fn full_quad(w: usize, h: usize) -> [Point; 4] {
        [
            Point::new(0.0, 0.0),
            Point::new(w as f32 - 1.0, 0.0),
            Point::new(w as f32 - 1.0, h as f32 - 1.0),
            Point::new(0.0, h as f32 - 1.0),
        ]
    }

    #[test]
    fn blur_lowers_the_score() {
        let (w, h) = (200, 120);
        let mut scratch = SharpnessScratch::default();
        let mut last = f32::MAX;
        for blur in [0, 1, 2, 4] {
            let px = bars(w, h, blur);
            let f = Frame::new(&px, w as u32, h as u32).unwrap();
            let s = measure_sharpness(&f, &full_quad(w, h), &mut scratch);
            let score = s.score.unwrap();
            // Once smeared, the score sits at its floor (0 ± a few hundredths of noise).
            assert!(score <= last + 0.05, "blur {blur}: {score} > {last}");
            last = score;
        }
        assert!(last < 0.2, "{last}");
    }

    #[test]
    fn flat_document_cannot_be_judged() {
        let px = vec![128u8; 50 * 40 * 4];
        let f = Frame::new(&px, 50, 40).unwrap();
        let s = measure_sharpness(&f, &full_quad(50, 40), &mut SharpnessScratch::default());
        assert_eq!(s.score, None);
    }

    /// The sampling written the plain way (pixel by pixel, column by column through the
    /// frame), for checking the cache-friendly one against; the edges' figures are combined
    /// by the same [`combine`].
    fn reference_sharpness(frame: &Frame<'_>, quad: &[Point; 4]) -> Sharpness {
        let step = sampling_step(quad);
        let mut region = Region::default();
        region.fill_spans(quad, frame.width, frame.height, 0.06);
        let spans = &region.spans;
        if spans.len() < 8 {
            return Sharpness::default();
        }
        let at = |x: usize, y: usize| i32::from(frame.luma_at(x as isize, y as isize));
        let mut totals = [Totals::default(); 2];
        let mut line = Vec::new();
        for &(y, x0, x1) in spans.iter().step_by((spans.len() / LINES).max(step)) {
            line.clear();
            let mut x = x0;
            while x + step <= x1 {
                line.push((x..x + step).map(|xx| at(xx, y)).sum::<i32>() / step as i32);
                x += step;
            }
            accumulate(&line, &mut totals[0]);
        }
        let x_min = spans.iter().map(|s| s.1).min().unwrap_or(0);
        let x_max = spans.iter().map(|s| s.2).max().unwrap_or(0);
        let col_stride = ((x_max - x_min) / LINES).max(step).max(1);
        let mut x = x_min;
        while x < x_max {
            line.clear();
            let mut i = 0;
            while i + step <= spans.len() {
                let group = &spans[i..i + step];
                if group.iter().all(|&(_, a, b)| a <= x && x < b) {
                    line.push(group.iter().map(|&(y, _, _)| at(x, y)).sum::<i32>() / step as i32);
                } else if !line.is_empty() {
                    accumulate(&line, &mut totals[1]);
                    line.clear();
                }
                i += step;
            }
            accumulate(&line, &mut totals[1]);
            x += col_stride;
        }
        combine(&totals)
    }

    #[test]
    fn matches_the_plain_reference() {
        let (w, h) = (1500, 700);
        let mut scratch = SharpnessScratch::default();
        for blur in [0, 3] {
            let px = bars(w, h, blur);
            let f = Frame::new(&px, w as u32, h as u32).unwrap();
            // Upright, turned, partly outside the frame, and large enough for step 2.
            let full = full_quad(w, h);
            let turned = [
                [
                    (300.0, 80.0),
                    (1200.0, 160.0),
                    (1130.0, 650.0),
                    (240.0, 560.0),
                ],
                [
                    (-200.0, -50.0),
                    (900.0, 40.0),
                    (860.0, 600.0),
                    (-260.0, 520.0),
                ],
                [(40.0, 20.0), (1460.0, 60.0), (1400.0, 690.0), (10.0, 640.0)],
                // Not convex: columns near its third corner leave the region and come back.
                [
                    (200.0, 40.0),
                    (1400.0, 60.0),
                    (700.0, 350.0),
                    (1380.0, 660.0),
                ],
            ]
            .map(|q| q.map(|(x, y)| Point::new(x, y)));
            for q in turned.iter().chain([&full]) {
                let got = measure_sharpness(&f, q, &mut scratch);
                assert_eq!(got, reference_sharpness(&f, q), "blur {blur}, quad {q:?}");
                assert!(got.edges > 0);
            }
        }
    }
}
