//! Every threshold the verdict uses, in one place, with its unit and the data behind it.
//!
//! The defaults were set on `../shared/devset` (generated ID photos with one labelled problem
//! each) and `../shared/realdata` (real document photos), leaving a margin on both sides of the
//! labelled classes so that they carry over to photos that were not looked at; see the
//! README's accuracy section for the figures.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
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

impl StrictnessPerCheck {
    /// The same strictness for every family.
    #[must_use]
    pub fn uniform(s: Strictness) -> Self {
        StrictnessPerCheck {
            framing: s,
            exposure: s,
            glare: s,
            sharpness: s,
            colour: s,
        }
    }
}

/// Accepted values of [`Options::work_size`]. The outline finder's constants (run lengths,
/// offsets, vote counts in working pixels) are tuned at 384; `make eval` gives close figures
/// from 320 (faster) to 512, and far worse ones outside: at 1024 the devset's mean quad IoU
/// falls from 0.921 to 0.608 and 8 of the 20 clean frames are no longer ready.
pub const WORK_SIZES: std::ops::RangeInclusive<u32> = 320..=512;

/// Thresholds of every check. Build with [`Options::default`] or
/// [`Options::with_strictness`], then change single fields if needed.
///
/// Serialised, it is an object of every threshold by name. It is read (deserialised) as the
/// *options object* of the browser's `new Analyzer(options)` and the CLI's `--options`, with
/// any serde format (see [`Options::deserialize`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// `min_area_fraction`) or whose outline runs off the frame, the share of the frame in one
    /// highlight blob anywhere within it (not touching its border): on the three real glare
    /// photos whose outline settled on a part beside the highlight (`glare-photos/10`, `242`,
    /// and `281`, a panel of a box running off the frame) that blob covers 1.5%, 4.1% and
    /// 0.76% of the frame; on the devset frames without glare (over-exposed ones aside, where
    /// `too_bright` stands instead) and the real ones without (`scanic`, midv500) none exceeds
    /// 0.15%, whatever their outline.
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
    /// `moving` above this corner displacement between consecutive frames (the second-largest
    /// of the four, [`crate::geometry::quad_motion`]), as a share of the
    /// document's diagonal (0–1), per [`crate::MOTION_INTERVAL_MS`] when the frames' times
    /// are known and they are further apart ([`crate::Analyzer::analyze_at`]).
    pub max_motion: f32,
    /// Long side of the reduced image the outline finder works on, pixels
    /// ([`WORK_SIZES`]; the outline finder's constants are tuned at 384).
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
        Options::with_strictness(StrictnessPerCheck::uniform(s))
    }

    /// Every `f32` threshold by name, with its accepted range (inclusive).
    fn thresholds_mut(&mut self) -> [(&'static str, &mut f32, (f32, f32)); 16] {
        let Options {
            min_area_fraction,
            max_area_fraction,
            min_document_px,
            max_corner_angle_deviation_deg,
            corner_outside_tolerance,
            max_corner_gap,
            max_corner_oddness,
            min_mean_luma,
            max_clipped_fraction,
            max_mean_luma,
            max_light_ratio,
            min_glare_fraction,
            min_sheen_fraction,
            min_sharpness,
            min_colourfulness,
            max_motion,
            work_size: _,
        } = self;
        [
            ("min_area_fraction", min_area_fraction, (0.0, 1.0)),
            ("max_area_fraction", max_area_fraction, (0.0, 1.0)),
            ("min_document_px", min_document_px, (0.0, 100_000.0)),
            (
                "max_corner_angle_deviation_deg",
                max_corner_angle_deviation_deg,
                (0.0, 90.0),
            ),
            (
                "corner_outside_tolerance",
                corner_outside_tolerance,
                (0.0, 1.0),
            ),
            ("max_corner_gap", max_corner_gap, (0.0, 1.0)),
            ("max_corner_oddness", max_corner_oddness, (0.0, 100.0)),
            ("min_mean_luma", min_mean_luma, (0.0, 255.0)),
            ("max_clipped_fraction", max_clipped_fraction, (0.0, 1.0)),
            ("max_mean_luma", max_mean_luma, (0.0, 255.0)),
            ("max_light_ratio", max_light_ratio, (1.0, 1000.0)),
            ("min_glare_fraction", min_glare_fraction, (0.0, 1.0)),
            ("min_sheen_fraction", min_sheen_fraction, (0.0, 1.0)),
            ("min_sharpness", min_sharpness, (0.0, 1.0)),
            ("min_colourfulness", min_colourfulness, (0.0, 255.0)),
            ("max_motion", max_motion, (0.0, 10.0)),
        ]
    }

    /// Checks every field for NaN and for its range.
    ///
    /// # Errors
    /// [`FrameError::InvalidOption`] naming the first field that is out of range.
    pub fn validate(&self) -> Result<(), FrameError> {
        let mut copy = self.clone();
        for (name, v, (lo, hi)) in copy.thresholds_mut() {
            let v = *v;
            if !v.is_finite() || v < lo || v > hi {
                return Err(FrameError::InvalidOption {
                    name,
                    reason: format!("{v} is not a number in {lo}–{hi}"),
                });
            }
        }
        if !WORK_SIZES.contains(&self.work_size) {
            return Err(FrameError::InvalidOption {
                name: "work_size",
                reason: format!(
                    "{} is not in {}–{}",
                    self.work_size,
                    WORK_SIZES.start(),
                    WORK_SIZES.end()
                ),
            });
        }
        // Bounds of one figure from both sides: crossed, every document would fail one.
        for (name, lo, other, hi) in [
            (
                "min_area_fraction",
                self.min_area_fraction,
                "max_area_fraction",
                self.max_area_fraction,
            ),
            (
                "min_mean_luma",
                self.min_mean_luma,
                "max_mean_luma",
                self.max_mean_luma,
            ),
        ] {
            if lo >= hi {
                return Err(FrameError::InvalidOption {
                    name,
                    reason: format!("{lo} must be below {other} ({hi})"),
                });
            }
        }
        Ok(())
    }
}

/// Reads the options object: `strictness` (a name, or an object with one per family) picks
/// the thresholds first, whatever its place in the object, then each threshold given by name
/// replaces its own. A name that is not an option, or a value that is not a number, is an
/// error naming it; a value of `null` (or JS `undefined`) counts as not given. The values are
/// not range-checked here: [`Options::validate`] does that (and `Analyzer::new` calls it).
///
/// The browser binding reads it with serde-wasm-bindgen and the CLI's `--options` with
/// serde_json, so both take the same object the same way. What [`Options`] serialises to
/// reads back as the same options.
impl<'de> Deserialize<'de> for Options {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OptionsObject)
    }
}

/// The visitor of the options object.
struct OptionsObject;

impl<'de> Visitor<'de> for OptionsObject {
    type Value = Options;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the options as an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Options, A::Error> {
        let mut strictness = None;
        // Each threshold given, by its place in `thresholds_mut` (`None`: `work_size`).
        let mut given: Vec<(Option<usize>, f64)> = Vec::new();
        let mut names = Options::default();
        while let Some(name) = map.next_key::<String>()? {
            if name == "strictness" {
                strictness = map.next_value::<Option<StrictnessChoice>>()?;
                continue;
            }
            let place = names
                .thresholds_mut()
                .iter()
                .position(|(known, _, _)| *known == name);
            if place.is_none() && name != "work_size" {
                return Err(de::Error::custom(format!("unknown option `{name}`")));
            }
            if let Some(v) = map.next_value_seed(NumberFor(&name))? {
                given.push((place, v));
            }
        }
        let mut options = match strictness {
            None => Options::default(),
            Some(StrictnessChoice(per)) => Options::with_strictness(per),
        };
        for (place, v) in given {
            match place {
                Some(i) => *options.thresholds_mut()[i].1 = v as f32,
                None if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) => {
                    options.work_size = v as u32;
                }
                None => {
                    return Err(de::Error::custom(format!(
                        "option `work_size` is invalid: {} is not a whole number in {}–{}",
                        v as f32,
                        WORK_SIZES.start(),
                        WORK_SIZES.end()
                    )))
                }
            }
        }
        Ok(options)
    }
}

/// The strictness of that name.
fn strictness_named<E: de::Error>(name: &str) -> Result<Strictness, E> {
    match name {
        "relaxed" => Ok(Strictness::Relaxed),
        "normal" => Ok(Strictness::Normal),
        "strict" => Ok(Strictness::Strict),
        _ => Err(E::custom(format!(
            "strictness `{name}` is not one of relaxed, normal, strict"
        ))),
    }
}

/// A strictness as the options object gives it: one name for every family, or an object with
/// one per family (families left out stay `normal`).
struct StrictnessChoice(StrictnessPerCheck);

impl<'de> Deserialize<'de> for StrictnessChoice {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Choice;
        impl<'de> Visitor<'de> for Choice {
            type Value = StrictnessChoice;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a strictness (relaxed, normal or strict) or an object with one per family",
                )
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<StrictnessChoice, E> {
                strictness_named(s).map(|one| StrictnessChoice(StrictnessPerCheck::uniform(one)))
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<StrictnessChoice, A::Error> {
                let mut per = StrictnessPerCheck::default();
                while let Some(family) = map.next_key::<String>()? {
                    let slot = match family.as_str() {
                        "framing" => &mut per.framing,
                        "exposure" => &mut per.exposure,
                        "glare" => &mut per.glare,
                        "sharpness" => &mut per.sharpness,
                        "colour" => &mut per.colour,
                        _ => {
                            return Err(de::Error::custom(format!(
                                "strictness: unknown family `{family}`, not one of framing, \
                                 exposure, glare, sharpness, colour"
                            )))
                        }
                    };
                    // `null` (JS `undefined`) leaves the family as it is, as for any option.
                    let name = map
                        .next_value::<Option<String>>()
                        .map_err(|e| de::Error::custom(format!("strictness of `{family}`: {e}")))?;
                    if let Some(name) = name {
                        *slot = strictness_named(&name)?;
                    }
                }
                Ok(StrictnessChoice(per))
            }
        }
        deserializer.deserialize_any(Choice)
    }
}

/// Reads the value of the option it names: a number, or `None` for `null` (JS `undefined`
/// too). Anything else is an error that names the option and says what was given.
struct NumberFor<'a>(&'a str);

impl<'de> de::DeserializeSeed<'de> for NumberFor<'_> {
    type Value = Option<f64>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<f64>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for NumberFor<'_> {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "option `{}` to be a number", self.0)
    }
    fn visit_none<E>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<f64>, D::Error> {
        d.deserialize_f64(self)
    }
    fn visit_f64<E>(self, v: f64) -> Result<Option<f64>, E> {
        Ok(Some(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Option<f64>, E> {
        Ok(Some(v as f64))
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

    /// The options object, read as the CLI reads it (the browser reads it through the same
    /// `Deserialize`; tests/wasm.rs checks that path).
    #[cfg(not(target_arch = "wasm32"))]
    fn read(json: &str) -> Result<Options, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn options_object_sets_strictness_first_then_thresholds() {
        assert_eq!(read("{}").unwrap(), Options::default());
        // The strictness applies first wherever it stands; the threshold given wins.
        for json in [
            r#"{"min_sharpness": 0.3, "strictness": "strict"}"#,
            r#"{"strictness": "strict", "min_sharpness": 0.3}"#,
        ] {
            let o = read(json).unwrap();
            assert_eq!(o.min_sharpness, 0.3);
            assert_eq!(
                o.min_mean_luma,
                Options::uniform(Strictness::Strict).min_mean_luma
            );
        }
        let per = read(r#"{"strictness": {"glare": "relaxed"}, "work_size": 512}"#).unwrap();
        let mut expected = Options::with_strictness(StrictnessPerCheck {
            glare: Strictness::Relaxed,
            ..StrictnessPerCheck::default()
        });
        expected.work_size = 512;
        assert_eq!(per, expected);
        // null is "not given", for the strictness, a family's strictness and a threshold.
        assert_eq!(
            read(r#"{"strictness": null, "min_sharpness": null}"#).unwrap(),
            Options::default()
        );
        assert_eq!(
            read(r#"{"strictness": {"glare": null, "framing": "relaxed"}}"#).unwrap(),
            Options::with_strictness(StrictnessPerCheck {
                framing: Strictness::Relaxed,
                ..StrictnessPerCheck::default()
            })
        );
        // A family's strictness of the wrong type is named.
        let err = read(r#"{"strictness": {"glare": 1}}"#).unwrap_err();
        assert!(err.contains("strictness of `glare`"), "{err}");
        // What the options serialise to reads back as the same options.
        for s in [Strictness::Relaxed, Strictness::Normal, Strictness::Strict] {
            let o = Options::uniform(s);
            assert_eq!(read(&serde_json::to_string(&o).unwrap()).unwrap(), o);
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn options_object_mistakes_name_the_option() {
        for (json, fragment) in [
            (r#"{"min_sharpnes": 0.5}"#, "unknown option `min_sharpnes`"),
            // An unknown name is reported as such whatever its value.
            (r#"{"glare": {"a": [1]}}"#, "unknown option `glare`"),
            (
                r#"{"min_sharpness": "0.5"}"#,
                r#"invalid type: string "0.5", expected option `min_sharpness` to be a number"#,
            ),
            (
                r#"{"max_motion": [1]}"#,
                "sequence, expected option `max_motion`",
            ),
            (
                r#"{"max_motion": true}"#,
                "boolean `true`, expected option `max_motion`",
            ),
            (
                r#"{"work_size": 384.5}"#,
                "option `work_size` is invalid: 384.5 is not a whole number in 320–512",
            ),
            (r#"{"work_size": -1}"#, "option `work_size` is invalid"),
            (
                r#"{"strictness": "hard"}"#,
                "strictness `hard` is not one of relaxed, normal, strict",
            ),
            (
                r#"{"strictness": {"blur": "strict"}}"#,
                "strictness: unknown family `blur`",
            ),
            (
                r#"{"strictness": {"glare": "hard"}}"#,
                "strictness `hard` is not one of",
            ),
            (r#"{"strictness": 3}"#, "expected a strictness"),
            ("[1, 2]", "expected the options as an object"),
        ] {
            let err = read(json).expect_err(json);
            assert!(err.contains(fragment), "{json}: `{err}` lacks `{fragment}`");
        }
        // Values are read as given; their ranges are `validate`'s to check, and so are
        // bounds that cross.
        for (json, fragment) in [
            (r#"{"min_area_fraction": 2}"#, "min_area_fraction"),
            (
                r#"{"min_area_fraction": 0.5, "max_area_fraction": 0.4}"#,
                "min_area_fraction` is invalid: 0.5 must be below max_area_fraction (0.4)",
            ),
            (
                r#"{"min_mean_luma": 200, "max_mean_luma": 100}"#,
                "min_mean_luma` is invalid: 200 must be below max_mean_luma (100)",
            ),
        ] {
            let err = read(json).unwrap().validate().unwrap_err().to_string();
            assert!(err.contains(fragment), "{json}: `{err}` lacks `{fragment}`");
        }
        // Every strictness keeps them apart.
        for s in [Strictness::Relaxed, Strictness::Normal, Strictness::Strict] {
            assert!(Options::uniform(s).validate().is_ok());
        }
    }
}
