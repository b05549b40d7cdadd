//! The problem codes of the report, their priority and the one sentence shown to the person.
//!
//! Priority follows what the person has to fix first (as commercial capture SDKs do): get the
//! document into the frame and framed right, then fix the light, then hold steady, then what
//! only a different document or camera can fix.

use serde::{Serialize, Serializer};

/// A quality problem found in a frame. The string codes are a public contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Problem {
    /// `no_document`: no document outline in the frame.
    NoDocument,
    /// `corners_cut_off`: one or more corners lie outside the frame.
    CornersCutOff,
    /// `too_far`: the document is too small in the frame.
    TooFar,
    /// `too_close`: no margin is left around the document.
    TooClose,
    /// `corner_covered`: a corner is in the frame but hidden (a thumb). Judged only when the
    /// document is neither too far nor of too low a resolution to show its corners.
    CornerCovered,
    /// `tilted`: strong perspective foreshortens the document.
    Tilted,
    /// `too_dark`: the document is under-exposed.
    TooDark,
    /// `too_bright`: the document is over-exposed.
    TooBright,
    /// `glare`: a specular highlight on the document.
    Glare,
    /// `uneven_lighting`: a hard shadow or strong light gradient across the document.
    UnevenLighting,
    /// `blurry`: defocus or motion blur on the document.
    Blurry,
    /// `moving`: the document moved across recent frames.
    Moving,
    /// `low_resolution`: too few pixels across the document.
    LowResolution,
    /// `grayscale`: the document shows no colour (a black-and-white copy).
    Grayscale,
}

/// Puts the light first where it decides what else can be judged. `too_dark` goes before
/// every other problem: in a dark frame the document's edges sink into the sensor's noise, so
/// its outline, and every framing code drawn from it, cannot be trusted until the light is
/// fixed (of the devset's 20 under-exposed cards, 4 got a framing code their label lacks:
/// "Move closer" to a person whose card is at the right distance in a dim room). A frame-wide
/// `too_bright` goes before `no_document`: in a washed-out frame no outline can be seen. So
/// does `glare` (a highlight held within the frame, raised without a document only): it
/// washes out the document's edges, and the person is pointing the camera at the document.
/// Every other order is that of [`Problem::ALL`].
pub fn light_first(problems: &mut [Problem]) {
    let lead = match problems.first() {
        Some(Problem::NoDocument) => problems
            .iter()
            .position(|p| matches!(p, Problem::TooDark | Problem::TooBright | Problem::Glare)),
        _ => problems.iter().position(|p| *p == Problem::TooDark),
    };
    if let Some(k) = lead {
        problems[..=k].rotate_right(1);
    }
}

impl Problem {
    /// Every problem, most important first (see [`light_first`] for the exceptions).
    pub const ALL: [Problem; 14] = [
        Problem::NoDocument,
        Problem::CornersCutOff,
        Problem::TooFar,
        Problem::TooClose,
        Problem::CornerCovered,
        Problem::Tilted,
        Problem::TooDark,
        Problem::TooBright,
        Problem::Glare,
        Problem::UnevenLighting,
        Problem::Blurry,
        Problem::Moving,
        Problem::LowResolution,
        Problem::Grayscale,
    ];

    /// The problem's code in reports.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Problem::NoDocument => "no_document",
            Problem::CornersCutOff => "corners_cut_off",
            Problem::TooFar => "too_far",
            Problem::TooClose => "too_close",
            Problem::CornerCovered => "corner_covered",
            Problem::Tilted => "tilted",
            Problem::TooDark => "too_dark",
            Problem::TooBright => "too_bright",
            Problem::Glare => "glare",
            Problem::UnevenLighting => "uneven_lighting",
            Problem::Blurry => "blurry",
            Problem::Moving => "moving",
            Problem::LowResolution => "low_resolution",
            Problem::Grayscale => "grayscale",
        }
    }

    /// The problem with this code, if any.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Problem> {
        Problem::ALL.into_iter().find(|p| p.code() == code)
    }

    /// What the person should do, in English (the browser widget has its own catalogue of
    /// translations keyed by the code).
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Problem::NoDocument => "Point the camera at your document",
            Problem::CornersCutOff => "All four corners must be visible",
            Problem::TooFar => "Move closer",
            Problem::TooClose => "Move back a little",
            Problem::CornerCovered => "Keep your fingers off the corners",
            Problem::Tilted => "Hold the phone straight above the document",
            Problem::TooDark => "Too dark — find more light",
            Problem::TooBright => "Too bright — move out of direct light",
            Problem::Glare => "Glare on the card — tilt it slightly",
            Problem::UnevenLighting => "Uneven light — avoid shadows on the document",
            Problem::Blurry => "Blurry — hold steady and let the camera focus",
            Problem::Moving => "Hold still",
            Problem::LowResolution => "Move closer or use a better camera",
            Problem::Grayscale => "Use the original document in colour, not a copy",
        }
    }
}

/// The sentence shown when the frame is good.
pub const READY_MESSAGE: &str = "Looks good — hold still";

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_dark_goes_first_and_frame_wide_light_and_glare_before_no_document() {
        use Problem::*;
        let cases: [(&[Problem], &[Problem]); 9] = [
            (&[NoDocument, TooBright], &[TooBright, NoDocument]),
            (&[NoDocument, Glare], &[Glare, NoDocument]),
            (&[NoDocument, TooDark, Glare], &[TooDark, NoDocument, Glare]),
            (
                &[NoDocument, TooDark, Blurry],
                &[TooDark, NoDocument, Blurry],
            ),
            (&[NoDocument, Moving], &[NoDocument, Moving]),
            (&[CornersCutOff, TooBright], &[CornersCutOff, TooBright]),
            (
                &[TooFar, CornerCovered, TooDark, Blurry, LowResolution],
                &[TooDark, TooFar, CornerCovered, Blurry, LowResolution],
            ),
            (&[TooDark, TooBright, Glare], &[TooDark, TooBright, Glare]),
            (&[], &[]),
        ];
        for (given, want) in cases {
            let mut p = given.to_vec();
            light_first(&mut p);
            assert_eq!(p, want, "from {given:?}");
        }
    }

    #[test]
    fn codes_round_trip_and_priority_is_declaration_order() {
        for (i, p) in Problem::ALL.iter().enumerate() {
            assert_eq!(Problem::from_code(p.code()), Some(*p));
            if i > 0 {
                assert!(Problem::ALL[i - 1] < *p);
            }
        }
        assert_eq!(Problem::from_code("nope"), None);
    }
}
