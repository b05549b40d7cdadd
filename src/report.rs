//! The quality report: a public contract read by the browser widget, the CLI and other tools.

use serde::{Serialize, Serializer};

use crate::verdict::Problem;

/// What the engine concluded about one frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// True when no problem was found.
    pub ready: bool,
    /// Problems found, most important first (see [`Problem::ALL`] for the order, and
    /// [`crate::verdict::light_first`] for its exceptions).
    pub problems: Vec<Problem>,
    /// The document's corners `[[x, y], …]` in image pixels: TL, TR, BR, BL, clockwise on
    /// screen; corners may lie outside the image when cut off. `None` when no document.
    #[serde(serialize_with = "decimal")]
    pub quad: Option<[[f32; 2]; 4]>,
    /// One short sentence for the person about the most important problem.
    pub message: String,
    /// The figures behind each decision.
    pub metrics: Metrics,
}

/// The raw figures behind each decision, each with its unit. Fractions are 0–1, luma 0–255,
/// lengths image pixels of the analysed frame.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Metrics {
    /// Whether a document outline was found.
    pub document_found: bool,
    /// Outline hypothesis score (unitless; 0 when none).
    #[serde(serialize_with = "decimal")]
    pub outline_score: f32,
    /// Colour difference across the outline's weakest side (sum of R, G, B steps, 0–765).
    #[serde(serialize_with = "decimal")]
    pub outline_contrast: f32,
    /// Share of each side's visible length with edge evidence (TL→TR, TR→BR, BR→BL, BL→TL).
    #[serde(serialize_with = "decimal")]
    pub side_support: [f32; 4],
    /// Share of the frame covered by the document (its in-frame part).
    #[serde(serialize_with = "decimal")]
    pub area_fraction: f32,
    /// Length of the document's longest side, pixels.
    #[serde(serialize_with = "decimal")]
    pub document_px: f32,
    /// Largest departure of a corner angle from 90°, degrees.
    #[serde(serialize_with = "decimal")]
    pub max_corner_angle_deviation_deg: f32,
    /// Per corner (TL, TR, BR, BL): inside the frame. False also for the corners of a side
    /// in `sides_run_on`: the document's corner lies beyond that side, out of the frame.
    pub corners_in_frame: [bool; 4],
    /// Per side (TL→TR, TR→BR, BR→BL, BL→TL): the document runs out of the frame beyond this
    /// side. Either both sides next to it carry on past its corners to the frame's edge, so
    /// that it is a line across the document (an MRZ band's top, a coloured band, a fold), or
    /// the document crosses the whole frame, seen by its two long sides only (a receipt), and
    /// this is one of its unseen ends, placed just past the frame.
    pub sides_run_on: [bool; 4],
    /// Per corner: inside the frame and reached by the document's edges (not covered).
    /// Measured on any document; `corner_covered` is judged from it only on one big enough
    /// to be captured, neither too dark nor too bright, and not blurry.
    pub corners_visible: [bool; 4],
    /// Per corner: how far the edges stop short of it, share of the side's length.
    #[serde(serialize_with = "decimal")]
    pub corner_gap: [f32; 4],
    /// Per corner: how unlike both the document and the background the very corner looks,
    /// as a multiple of the contrast across its sides (high when something covers it).
    #[serde(serialize_with = "decimal")]
    pub corner_oddness: [f32; 4],
    /// Mean luma of the document (of the whole frame when there is none).
    #[serde(serialize_with = "decimal")]
    pub mean_luma: f32,
    /// Share of the document's pixels with luma ≥ 250.
    #[serde(serialize_with = "decimal")]
    pub clipped_fraction: f32,
    /// Share of the document's pixels with luma ≤ 20.
    #[serde(serialize_with = "decimal")]
    pub dark_fraction: f32,
    /// Brightest over darkest part of the document's paper (1 = even light).
    #[serde(serialize_with = "decimal")]
    pub light_ratio: f32,
    /// Largest glare blob's share of the document (of the frame when the document found is
    /// too small to trust, `too_far`, or its outline runs off the frame: then highlights
    /// anywhere within the frame count).
    #[serde(serialize_with = "decimal")]
    pub glare_fraction: f32,
    /// Share of the document in the largest washed-out bright patch (sheen), grid cells.
    #[serde(serialize_with = "decimal")]
    pub sheen_fraction: f32,
    /// All glare pixels' share of the document (of the frame, as for `glare_fraction`).
    #[serde(serialize_with = "decimal")]
    pub glare_total_fraction: f32,
    /// Largest glare blob's box `[x0, y0, x1, y1]`, image pixels; `None` when no glare pixel.
    #[serde(serialize_with = "decimal")]
    pub glare_box: Option<[f32; 4]>,
    /// Sharpness of the document, 0 (smeared) – 1 (crisp); `None` when it has too few strong
    /// edges to judge.
    #[serde(serialize_with = "decimal")]
    pub sharpness: Option<f32>,
    /// Strong edges the sharpness was measured on.
    pub sharpness_edges: u32,
    /// Chroma spread of the document around its white balance, 0–255 (0 = black and white).
    #[serde(serialize_with = "decimal")]
    pub colourfulness: f32,
    /// Second-largest corner movement since the previous frame (see
    /// [`crate::geometry::quad_motion`]), share of the document's diagonal,
    /// per [`crate::MOTION_INTERVAL_MS`] when the frames' times are known and they are further
    /// apart; `None` for a still, a first frame, or frames too far apart in time to compare.
    /// Measured on any document, judged (`moving`) only on one big enough to be captured.
    #[serde(serialize_with = "decimal")]
    pub motion: Option<f32>,
}

/// Writes the numbers of a field as the shortest decimals that read back as the same `f32`
/// (0.3072, not the 0.30720001459121704 of the `f32` widened to a JSON or JS number), the
/// same in the CLI's JSON and in the browser's report objects.
fn decimal<T: Decimal + ?Sized, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    v.write(s)
}

/// A value holding `f32`s that [`decimal`] writes.
trait Decimal {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error>;
}

impl Decimal for f32 {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(shortest(*self))
    }
}

impl<T: Decimal, const N: usize> Decimal for [T; N] {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(N)?;
        for v in self {
            t.serialize_element(&Written(v))?;
        }
        t.end()
    }
}

impl<T: Decimal> Decimal for Option<T> {
    fn write<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => s.serialize_some(&Written(v)),
            None => s.serialize_none(),
        }
    }
}

/// A [`Decimal`] as a `Serialize` value, for the elements of an array or an option.
struct Written<'a, T>(&'a T);

impl<T: Decimal> Serialize for Written<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write(s)
    }
}

/// The `f64` nearest the shortest decimal (up to 9 significant digits, which every `f32`
/// needs at most) that rounds back to `v`; non-finite values, and those beyond 10^±13 (no
/// metric comes near), as they are. The report's figures are written so.
#[must_use]
pub fn shortest(v: f32) -> f64 {
    let wide = f64::from(v);
    if !(1e-13..1e13).contains(&wide.abs()) {
        return wide;
    }
    // 10^k for k in 0..=22, all exact in f64.
    let mut powers = [1f64; 23];
    for k in 1..23 {
        powers[k] = powers[k - 1] * 10.0;
    }
    // Decimals kept, from the fewest: negative ones round to tens, hundreds, ….
    for k in -13i32..=22 {
        let scale = powers[k.unsigned_abs() as usize];
        let candidate = if k >= 0 {
            (wide * scale).round() / scale
        } else {
            (wide / scale).round() * scale
        };
        if candidate as f32 == v {
            return candidate;
        }
    }
    wide
}

/// Rounds to `digits` decimals, so that reports stay short and stable.
#[must_use]
pub fn round(v: f32, digits: i32) -> f32 {
    let f = 10f32.powi(digits);
    (v * f).round() / f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number written reads back as the same `f32`, and is no longer than Rust's own
    /// shortest form of it (`f32`'s `Display`).
    #[test]
    fn numbers_are_written_as_their_shortest_decimals() {
        let mut state = 12_345u32;
        let mut values: Vec<f32> = (0..200_000)
            .map(|_| f32::from_bits(crate::xorshift(&mut state)))
            .filter(|v| v.is_finite() && (1e-12..1e12).contains(&v.abs()))
            .collect();
        values.extend((0..20_000).map(|i| round(i as f32 * 0.0137, 3)));
        values.extend([0.3072, 0.1, -0.7, 484.22, 1.0, 765.0, 1.0e-12, -0.0]);
        for v in values {
            let d = shortest(v);
            assert_eq!(d as f32, v, "{v}");
            let written: f64 = serde_json::to_string(&d).unwrap().parse().unwrap();
            let display: f64 = v.to_string().parse().unwrap();
            assert!(
                significant(written) <= significant(display),
                "{v}: {written} against {display}"
            );
        }
    }

    /// Significant digits of a number's shortest `f64` form.
    fn significant(v: f64) -> usize {
        let s = format!("{:e}", v.abs());
        s.split('e')
            .next()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .count()
    }
}
