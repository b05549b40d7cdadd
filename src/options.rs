//! Every threshold the verdict uses, in one place, with its unit and the data behind it.
//!
//! The defaults were set on `../shared/devset` (generated ID photos with one labelled problem
//! each) and `../shared/realdata` (real document photos), leaving a margin on both sides of the
//! labelled classes so that they carry over to photos that were not looked at; see the
//! README's accuracy section for the figures.

use serde::{Deserialize, Serialize};

use crate::FrameError;

/// How hard a check is on the photo: `Relaxed` lets more through, `Strict` asks for more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strictness {
    /// Fewer rejections: for poor cameras or when any photo beats none.
    Relaxed,
    /// The defaults.
    #[default]
    Normal,
    /// Closer to what the strictest issuers accept.
    Strict,
}

impl Strictness {
    /// Picks one of three values by strictness.
    #[must_use]
    pub fn pick(self, relaxed: f32, normal: f32, strict: f32) -> f32 {
        match self {
            Strictness::Relaxed => relaxed,
            Strictness::Normal => normal,
            Strictness::Strict => strict,
        }
    }
}

/// A strictness per family of checks; each sets the thresholds of its family in
/// [`Options::with_strictness`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrictnessPerCheck {
    /// `too_far`, `too_close`, `low_resolution`, `tilted`.
    pub framing: Strictness,
    /// `too_dark`, `too_bright`, `uneven_lighting`.
    pub exposure: Strictness,
    /// `glare`.
    pub glare: Strictness,
    /// `blurry` and `moving`.
    pub sharpness: Strictness,
    /// `grayscale`.
    pub colour: Strictness,
}

/// Thresholds of every check. Build with [`Options::default`] or
/// [`Options::with_strictness`], then change single fields if needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// `too_far` below this share of the frame covered by the document (0–1). Devset: too-far
    /// cards cover 0.5–2.5% of the frame, good ones 25–70%; a card at arm's length with a
    /// phone's main lens covers about 10%.
    pub min_area_fraction: f32,
    /// `too_close` above this share of the frame covered by the document (0–1): no margin is
    /// left for the autofocus and the edges.
    pub max_area_fraction: f32,
    /// `low_resolution` below this many pixels along the document's longer side. An ID-1 card
    /// 400 px wide has about 4.7 px/mm, so its 2 mm text is about 9 px tall, the least OCR
    /// and a reviewer can read reliably.
    pub min_document_px: f32,
    /// `tilted` when an interior corner angle is further than this from 90°, degrees.
    /// Devset good frames (tilt ≤ 20°) stay within 20°.
    pub max_corner_angle_deviation_deg: f32,
    /// `corners_cut_off` when a corner lies further than this outside the frame, as a
    /// share of the document's longer side (0–1).
    pub corner_outside_tolerance: f32,
    /// `corner_covered` when the document's edges stop short of an in-frame corner by more
    /// than this share of the side's length (0–1). Measured where the colours either side of
    /// the line differ: rounded ID-1 corners stop short by 0–4% (devset good frames ≤ 4%); a
    /// thumb over a corner by 7–30%.
    pub max_corner_gap: f32,
    /// `corner_covered` also when the very corner looks unlike both the document and the
    /// background nearby by more than this multiple of the contrast across its sides (a thumb
    /// whose tip just covers the corner; devset good corners stay below 0.7).
    pub max_corner_oddness: f32,
    /// `too_dark` below this mean luma of the document (0–255). Devset dark frames: ≤ 40.
    pub min_mean_luma: f32,
    /// `too_bright` above this share of the document's pixels clipped (luma ≥ 250, 0–1).
    /// Devset over-exposed frames: ≥ 35%; glare alone stays below 15%.
    pub max_clipped_fraction: f32,
    /// `too_bright` also when the document's mean luma is above this (0–255).
    pub max_mean_luma: f32,
    /// `uneven_lighting` above this ratio between the brightest and the darkest part of the
    /// document's paper (bright percentile per cell of a grid over the document). A hard
    /// shadow of factor 0.4 gives 2.5; vignetting in good frames about 1.3.
    pub max_light_ratio: f32,
    /// `glare` at or above this share of the document covered by one compact colourless
    /// highlight blob (clipped, or brighter than the document's own white, see `glare.rs`;
    /// 0–1). Devset glare cores cover 3–15%; on real photos of glossy documents
    /// (`realdata/glare-photos`) highlight cores cover 0.5–2%, while documents without glare
    /// have no highlight blob above 0.03%. 0.5% of an ID-1 card is a spot of about 5 mm, enough
    /// to hide a character. On a document found too small to trust (under
    /// `min_area_fraction`), the share of the frame in one highlight blob anywhere within it
    /// (not touching its border): on the two real glare photos whose outline settled on a part
    /// beside the highlight (`glare-photos/10`, `242`) that blob covers 1.5% and 4.1% of the
    /// frame; on the devset frames without glare (over-exposed ones aside, where `too_bright`
    /// stands instead) and the real ones without (`scanic`, midv500) none exceeds 0.14%.
    pub min_glare_fraction: f32,
    /// `glare` also at or above this share of the document (0–1, grid cells of 1/48) in one
    /// washed-out bright patch (sheen), up to half the document.
    pub min_sheen_fraction: f32,
    /// `blurry` below this sharpness score (0–1, see `sharpness.rs`). Devset: blurred
    /// frames (defocus σ ≥ 3 px or motion ≥ 15 px at 1280 px) score 0.10–0.54, sharp ones
    /// 0.52–1 (the lowest are dark, noisy frames).
    pub min_sharpness: f32,
    /// `grayscale` below this colourfulness of the document (spread of chroma around its
    /// white balance, 0–255 scale).
    pub min_colourfulness: f32,
    /// `moving` above this corner displacement between consecutive frames, as a share of the
    /// document's diagonal (0–1).
    pub max_motion: f32,
    /// Long side of the reduced image the outline finder works on, pixels (128–1024).
    pub work_size: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options::with_strictness(StrictnessPerCheck::default())
    }
}

impl Options {
    /// Thresholds for the given strictness per family of checks.
    #[must_use]
    pub fn with_strictness(s: StrictnessPerCheck) -> Self {
        Options {
            min_area_fraction: s.framing.pick(0.05, 0.08, 0.15),
            max_area_fraction: s.framing.pick(0.97, 0.92, 0.85),
            min_document_px: s.framing.pick(300.0, 400.0, 600.0),
            max_corner_angle_deviation_deg: s.framing.pick(40.0, 32.0, 24.0),
            corner_outside_tolerance: 0.01,
            max_corner_gap: 0.06,
            max_corner_oddness: 1.0,
            min_mean_luma: s.exposure.pick(45.0, 60.0, 75.0),
            max_clipped_fraction: s.exposure.pick(0.4, 0.25, 0.15),
            max_mean_luma: s.exposure.pick(235.0, 225.0, 215.0),
            max_light_ratio: s.exposure.pick(2.3, 1.85, 1.6),
            min_glare_fraction: s.glare.pick(0.02, 0.005, 0.003),
            min_sheen_fraction: s.glare.pick(0.06, 0.02, 0.02),
            min_sharpness: s.sharpness.pick(0.35, 0.47, 0.55),
            min_colourfulness: s.colour.pick(2.5, 4.0, 6.0),
            max_motion: s.sharpness.pick(0.04, 0.025, 0.015),
            work_size: 384,
        }
    }

    /// Same thresholds for every family.
    #[must_use]
    pub fn uniform(s: Strictness) -> Self {
        Options::with_strictness(StrictnessPerCheck {
            framing: s,
            exposure: s,
            glare: s,
            sharpness: s,
            colour: s,
        })
    }

    /// Checks every field for NaN and for its range.
    ///
    /// # Errors
    /// [`FrameError::InvalidOption`] naming the first field that is out of range.
    pub fn validate(&self) -> Result<(), FrameError> {
        let checks: [(&'static str, f32, f32, f32); 16] = [
            ("min_area_fraction", self.min_area_fraction, 0.0, 1.0),
            ("max_area_fraction", self.max_area_fraction, 0.0, 1.0),
            ("min_document_px", self.min_document_px, 0.0, 100_000.0),
            (
                "max_corner_angle_deviation_deg",
                self.max_corner_angle_deviation_deg,
                0.0,
                90.0,
            ),
            (
                "corner_outside_tolerance",
                self.corner_outside_tolerance,
                0.0,
                1.0,
            ),
            ("max_corner_gap", self.max_corner_gap, 0.0, 1.0),
            ("max_corner_oddness", self.max_corner_oddness, 0.0, 100.0),
            ("min_mean_luma", self.min_mean_luma, 0.0, 255.0),
            ("max_clipped_fraction", self.max_clipped_fraction, 0.0, 1.0),
            ("max_mean_luma", self.max_mean_luma, 0.0, 255.0),
            ("max_light_ratio", self.max_light_ratio, 1.0, 1000.0),
            ("min_glare_fraction", self.min_glare_fraction, 0.0, 1.0),
            ("min_sheen_fraction", self.min_sheen_fraction, 0.0, 1.0),
            ("min_sharpness", self.min_sharpness, 0.0, 1.0),
            ("min_colourfulness", self.min_colourfulness, 0.0, 255.0),
            ("max_motion", self.max_motion, 0.0, 10.0),
        ];
        for (name, v, lo, hi) in checks {
            if !v.is_finite() || v < lo || v > hi {
                return Err(FrameError::InvalidOption {
                    name,
                    reason: format!("{v} is not a number in {lo}–{hi}"),
                });
            }
        }
        if !(128..=1024).contains(&self.work_size) {
            return Err(FrameError::InvalidOption {
                name: "work_size",
                reason: format!("{} is not in 128–1024", self.work_size),
            });
        }
        if self.min_area_fraction >= self.max_area_fraction {
            return Err(FrameError::InvalidOption {
                name: "min_area_fraction",
                reason: "must be below max_area_fraction".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_ordered_by_strictness() {
        let r = Options::uniform(Strictness::Relaxed);
        let n = Options::default();
        let s = Options::uniform(Strictness::Strict);
        for o in [&r, &n, &s] {
            o.validate().unwrap();
        }
        assert!(r.min_sharpness < n.min_sharpness && n.min_sharpness < s.min_sharpness);
        assert!(r.min_mean_luma < n.min_mean_luma && n.min_mean_luma < s.min_mean_luma);
    }

    #[test]
    fn nan_and_out_of_range_are_rejected() {
        let o = Options {
            min_sharpness: f32::NAN,
            ..Options::default()
        };
        assert!(matches!(
            o.validate(),
            Err(FrameError::InvalidOption {
                name: "min_sharpness",
                ..
            })
        ));
        let o = Options {
            work_size: 5,
            ..Options::default()
        };
        assert!(o.validate().is_err());
    }
}
