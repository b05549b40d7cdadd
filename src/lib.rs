//! doccheck: an on-device quality gate for photos of identity documents.
//!
//! Given one camera frame (RGBA bytes, width, height), [`Analyzer::analyze`] finds the
//! document's outline and returns a [`Report`]: whether the photo is good enough to submit,
//! and if not, which [`Problem`]s the person must fix, most important first, with the figures
//! behind each decision. The core is plain Rust over byte slices; the same entry point serves
//! the native CLI, the tests and the browser (through the `wasm` module).
//!
//! ```
//! let (w, h) = (64, 48);
//! let rgba = vec![120u8; w * h * 4];
//! let report = doccheck::analyze(&rgba, w as u32, h as u32, &doccheck::Options::default()).unwrap();
//! assert!(!report.ready);
//! assert_eq!(report.problems[0].code(), "no_document");
//! ```

#[cfg(not(target_arch = "wasm32"))]
pub mod batch;
pub mod colour;
#[cfg(not(target_arch = "wasm32"))]
pub mod decode;
mod error;
#[cfg(not(target_arch = "wasm32"))]
pub mod eval;
pub mod frame;
pub mod geometry;
pub mod glare;
pub mod lighting;
mod options;
pub mod outline;
pub mod region;
mod report;
pub mod sharpness;
pub mod synth;
pub mod verdict;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod yuv;

pub use error::FrameError;
pub use frame::{Frame, MAX_PIXELS, MAX_SIDE};
pub use options::{Options, Strictness, StrictnessPerCheck, WORK_SIZES};
pub use report::{Metrics, Report};
pub use verdict::Problem;

/// The next value of a xorshift32 generator: deterministic noise for the unit tests.
#[cfg(test)]
pub(crate) fn xorshift(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

use colour::{measure_colourfulness, ColourScratch};
use frame::WorkImage;
use geometry::{
    area_in_frame, corner_angle_deg, longest_side, quad_centre, quad_iou, quad_motion, Point,
};
use glare::{highlight_luma, measure_glare, measure_glare_in_frame, measure_sheen, GlareScratch};
use lighting::{measure_exposure, LightingScratch};
use outline::{Outline, OutlineFinder};
use region::Region;
use report::round;
use sharpness::{measure_sharpness, SharpnessScratch};

/// Analyses frames with fixed options. Keeps its buffers between frames (no allocation per
/// frame once warm) and the previous frame's outline, for the `moving` check on video.
#[derive(Debug)]
pub struct Analyzer {
    options: Options,
    work: WorkImage,
    /// The frame at [`outline::CLOSER_LOOK`] times the working size, made only for a closer
    /// look for a small document.
    closer: WorkImage,
    /// A part of the frame, RGBA, for a closer look at it (see
    /// [`Analyzer::closer_look_around`]).
    crop: Vec<u8>,
    finder: OutlineFinder,
    region: Region,
    lighting: LightingScratch,
    glare: GlareScratch,
    colour: ColourScratch,
    sharpness: SharpnessScratch,
    previous: Option<Previous>,
}

/// The last video frame's outline, for the `moving` check.
#[derive(Debug, Clone, Copy)]
struct Previous {
    width: usize,
    height: usize,
    quad: [Point; 4],
    /// When it was taken, milliseconds, if the caller said.
    time_ms: Option<f64>,
    /// Whether the closer look found it (a small document).
    closer: bool,
}

/// What a frame is: a still, or the next frame of a video taken at a known time or not.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Still,
    Video(Option<f64>),
}

/// Frame interval the `moving` threshold is set for (30 frames a second), milliseconds.
/// Frames further apart than this are compared as if they were this far apart: a hand moving
/// at a steady speed moves a card further between frames analysed 8 times a second (a cheap
/// phone) than between frames analysed 30 times a second, and it is the speed that blurs a
/// photo and that "hold still" is about. Closer frames (a 60 fps camera) are not scaled up,
/// which would magnify the outline's own jitter from frame to frame.
pub const MOTION_INTERVAL_MS: f64 = 1000.0 / 30.0;

/// Frames further apart than this (milliseconds) are not compared for `moving`: the camera
/// was paused, or the page hidden, in between.
pub const MAX_MOTION_GAP_MS: f64 = 1000.0;

/// Analyses one still frame with a fresh [`Analyzer`].
///
/// # Errors
/// [`FrameError`] when the frame's size or buffer is invalid, or the options are.
pub fn analyze(
    rgba: &[u8],
    width: u32,
    height: u32,
    options: &Options,
) -> Result<Report, FrameError> {
    Analyzer::new(options.clone())?.analyze_still(rgba, width, height)
}

impl Analyzer {
    /// An analyzer with these options.
    ///
    /// # Errors
    /// [`FrameError::InvalidOption`] when an option is NaN or out of range.
    pub fn new(options: Options) -> Result<Self, FrameError> {
        options.validate()?;
        Ok(Analyzer {
            options,
            work: WorkImage::default(),
            closer: WorkImage::default(),
            crop: Vec::new(),
            finder: OutlineFinder::default(),
            region: Region::default(),
            lighting: LightingScratch::default(),
            glare: GlareScratch::default(),
            colour: ColourScratch::default(),
            sharpness: SharpnessScratch::default(),
            previous: None,
        })
    }

    /// The options in force.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Forgets the previous frame (start of a new capture).
    pub fn reset(&mut self) {
        self.previous = None;
    }

    /// Analyses the next frame of a video: like [`Analyzer::analyze_still`], and also
    /// compares the outline with the previous frame's for the `moving` check. The frames are
    /// taken to be [`MOTION_INTERVAL_MS`] apart; [`Analyzer::analyze_at`] is for frames whose
    /// times are known.
    ///
    /// # Errors
    /// [`FrameError`] when the frame's size or buffer is invalid; the analyzer stays usable.
    pub fn analyze(&mut self, rgba: &[u8], width: u32, height: u32) -> Result<Report, FrameError> {
        self.run(rgba, width, height, Kind::Video(None))
    }

    /// Analyses the next frame of a video taken at `time_ms` (milliseconds on any clock that
    /// does not go back, such as `performance.now()` or a `VideoFrame`'s timestamp / 1000),
    /// as [`Analyzer::analyze`] does, with the movement since the previous frame taken per
    /// [`MOTION_INTERVAL_MS`] when the frames are further apart than that. Frames more than
    /// [`MAX_MOTION_GAP_MS`] apart, or whose time does not move forward, are not compared
    /// (`motion` is `None`, as for a first frame).
    ///
    /// # Errors
    /// [`FrameError::InvalidFrameTime`] when `time_ms` is NaN or infinite, and as
    /// [`Analyzer::analyze`]; the previous frame is kept for the next call then.
    pub fn analyze_at(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        time_ms: f64,
    ) -> Result<Report, FrameError> {
        if !time_ms.is_finite() {
            return Err(FrameError::InvalidFrameTime { value: time_ms });
        }
        self.run(rgba, width, height, Kind::Video(Some(time_ms)))
    }

    /// Analyses a single photo; keeps no state between calls.
    ///
    /// # Errors
    /// [`FrameError`] when the frame's size or buffer is invalid; the analyzer stays usable.
    pub fn analyze_still(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
    ) -> Result<Report, FrameError> {
        self.run(rgba, width, height, Kind::Still)
    }

    /// The frame reduced again at [`outline::CLOSER_LOOK`] times the working size and
    /// searched once more, for a document too small for the working scale; what is found is
    /// kept only if it can be such a small document ([`outline::small_document`]).
    fn closer_look(&mut self, frame: &Frame<'_>, prior: Option<&[Point; 4]>) -> Option<Outline> {
        let size = outline::CLOSER_LOOK * self.options.work_size as usize;
        self.closer.fill(frame, size);
        if self.closer.width <= self.work.width {
            return None;
        }
        let closer = self.closer.width as f32 / self.work.width as f32;
        let (fw, fh, scale) = (frame.width as f32, frame.height as f32, self.work.scale);
        self.finder
            .find(&self.closer, frame, prior)
            .filter(|c| outline::small_document(c, fw, fh, scale, closer, outline::SMALL_SIDE))
    }

    /// A closer look, as magnified as [`Self::closer_look`], at the part of the frame around
    /// `centre` (frame pixels) that a small document with a corner there can cover: a square
    /// reaching [`outline::SMALL_SIDE`] usual working pixels either way. Where a texture that
    /// the closer look resolves (woven fabric, wood grain) fills the whole frame, its lines
    /// outvote a far card's short sides there, while in this square they are cut short.
    /// `centre` is where the usual look saw the most of a small document: its strongest
    /// corner when it found nothing, the side of a three-sided outline of weak steady
    /// contrast that it settled on, or in a video the last frame's small document. What is
    /// found is kept only if it can be such a small document ([`outline::small_document`],
    /// wholly in the square, its sides up to the square's width).
    fn closer_look_around(
        &mut self,
        frame: &Frame<'_>,
        centre: Point,
        prior: Option<&[Point; 4]>,
    ) -> Option<Outline> {
        let scale = self.work.scale;
        let half = (outline::SMALL_SIDE * scale).ceil() as usize;
        let (cw, ch) = ((2 * half).min(frame.width), (2 * half).min(frame.height));
        let place = |c: f32, size: usize, side: usize| {
            (c.max(0.0) as usize)
                .saturating_sub(size / 2)
                .min(side - size)
        };
        let (x0, y0) = (
            place(centre.x, cw, frame.width),
            place(centre.y, ch, frame.height),
        );
        self.crop.clear();
        for y in y0..y0 + ch {
            let row = (y * frame.width + x0) * 4;
            self.crop.extend_from_slice(&frame.rgba[row..row + cw * 4]);
        }
        let crop = Frame::new(&self.crop, cw as u32, ch as u32).ok()?;
        // As magnified as the closer look at the whole frame: the same edges, the same votes
        // for the document's sides, but the texture elsewhere cannot crowd them out.
        let long = outline::CLOSER_LOOK as f32 * cw.max(ch) as f32 / scale;
        self.closer.fill(&crop, long.round() as usize);
        let closer = scale / self.closer.scale;
        let offset = Point::new(x0 as f32, y0 as f32);
        let prior = prior.map(|q| q.map(|p| Point::new(p.x - offset.x, p.y - offset.y)));
        let mut found = self
            .finder
            .find(&self.closer, &crop, prior.as_ref())
            .filter(|c| {
                let most_side = 2.0 * outline::SMALL_SIDE;
                outline::small_document(c, cw as f32, ch as f32, scale, closer, most_side)
            })?;
        found.quad = found
            .quad
            .map(|p| Point::new(p.x + offset.x, p.y + offset.y));
        Some(found)
    }

    fn run(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
        kind: Kind,
    ) -> Result<Report, FrameError> {
        let frame = Frame::new(rgba, width, height)?;
        let video = matches!(kind, Kind::Video(_));
        self.work.fill(&frame, self.options.work_size as usize);
        // In a video, the last frame's outline when that frame can be compared with this one,
        // and how its movement since then is scaled.
        let comparable = match (kind, self.previous) {
            (Kind::Video(time_ms), Some(p))
                if (p.width, p.height) == (frame.width, frame.height) =>
            {
                match (time_ms, p.time_ms) {
                    // Per MOTION_INTERVAL_MS when both times are known and further apart.
                    (Some(t), Some(pt)) => {
                        let dt = t - pt;
                        (dt > 0.0 && dt <= MAX_MOTION_GAP_MS)
                            .then(|| (p.quad, (MOTION_INTERVAL_MS / dt).min(1.0) as f32))
                    }
                    _ => Some((p.quad, 1.0)),
                }
            }
            _ => None,
        };
        let prior = comparable.map(|(quad, _)| quad);
        // In a video, where the closer look found the last frame's (small) document, it looks
        // first: the same look keeps to the same outline (the usual look may settle on
        // another one on some noisy frames), and a card held still far away is not looked for
        // twice a frame. Once the card comes closer, the closer look's outline is no longer
        // small, and the usual look takes over.
        let closer_first = comparable.is_some() && self.previous.is_some_and(|p| p.closer);
        let mut outline = None;
        let mut by_closer_look = false;
        if closer_first {
            outline = self.closer_look(&frame, prior.as_ref());
            // Where a texture crowds the closer look at the whole frame, the last frame's
            // document was found by a look around it: look again around it.
            if let (None, Some(q)) = (&outline, &prior) {
                outline = self.closer_look_around(&frame, quad_centre(q), prior.as_ref());
            }
            by_closer_look = outline.is_some();
        }
        if outline.is_none() {
            outline = self.finder.find(&self.work, &frame, prior.as_ref());
            // Nothing found on a plain surface: a document too small for the working scale
            // (a card held far away) is looked for once more, closer.
            if outline.is_none() && !closer_first && self.finder.may_hold_small_document() {
                let corner = self.finder.strongest_corner(self.work.scale);
                outline = self.closer_look(&frame, prior.as_ref());
                if let (None, Some(corner)) = (&outline, corner) {
                    outline = self.closer_look_around(&frame, corner, prior.as_ref());
                }
                by_closer_look = outline.is_some();
            } else if !closer_first {
                // A three-sided outline of weak steady contrast, or (nothing else found) a long
                // weak strip: wood grain running on from a far card's side, it may be, while the
                // card's own outline did not reach the usual look's finalists. Or a small closed
                // outline of weak contrast: a far card on a surface much like it, placed
                // loosely at the working scale (see `OutlineFinder::best_candidate`).
                if let Some(centre) = self.finder.weak_outline(self.work.scale) {
                    if let Some(small) = self.closer_look_around(&frame, centre, prior.as_ref()) {
                        // A closed outline is only placed more closely: what the closer look
                        // finds must be most of it, not a part (the photo on a card).
                        let (fw, fh) = (frame.width as f32, frame.height as f32);
                        let keeps_to = |o: &Outline| {
                            !o.quad.iter().all(|p| p.in_image(fw, fh))
                                || quad_iou(&o.quad, &small.quad) >= 0.5
                        };
                        if outline.as_ref().is_none_or(keeps_to) {
                            outline = Some(small);
                            by_closer_look = true;
                        }
                    }
                }
            }
        }
        let o = &self.options;
        let mut m = Metrics::default();
        let mut problems = Vec::new();
        let (fw, fh) = (frame.width as f32, frame.height as f32);

        let Some(outline) = outline else {
            if video {
                self.previous = None;
            }
            self.region.fill_all(self.work.width, self.work.height);
            let e = measure_exposure(&self.work, &self.region, &mut self.lighting);
            m.mean_luma = round(e.mean_luma, 2);
            m.clipped_fraction = round(e.clipped_fraction, 4);
            m.dark_fraction = round(e.dark_fraction, 4);
            m.light_ratio = round(e.light_ratio, 3);
            problems.push(Problem::NoDocument);
            // A frame washed out to white, or mostly black (a dim room, a covered lens), hides
            // any document: say why, too. A dark desk in fair light is neither: its mean luma
            // may be low, but little of it is near black.
            if e.clipped_fraction > 2.0 * o.max_clipped_fraction.max(0.25)
                && e.mean_luma > o.max_mean_luma
            {
                problems.push(Problem::TooBright);
            }
            if e.dark_fraction > 0.5 && e.mean_luma < o.min_mean_luma {
                problems.push(Problem::TooDark);
            }
            // A highlight washes out the edges the finder needs: a frame with a clipped,
            // colourless blob held within it, and no document found, most likely shows the
            // document under that glare. Say so (`verdict::light_first` puts it first), unless
            // the whole frame is washed out.
            let g = measure_glare_in_frame(&self.work, highlight_luma(None), &mut self.glare);
            m.glare_fraction = round(g.fraction, 4);
            m.glare_total_fraction = round(g.total_fraction, 4);
            m.glare_box = g.working_box.map(|b| frame_box(b, &self.work, &frame));
            if g.fraction >= o.min_glare_fraction && !problems.contains(&Problem::TooBright) {
                problems.push(Problem::Glare);
            }
            return Ok(finish(problems, None, m));
        };
        let q = outline.quad;
        m.document_found = true;
        m.outline_score = round(outline.score, 2);
        m.outline_contrast = round(outline.contrast, 1);
        m.side_support = outline.side_support.map(|v| round(v, 3));
        m.corner_gap = outline.corner_gap.map(|v| round(v, 3));
        m.corner_oddness = outline.corner_oddness.map(|v| round(v, 3));

        // Framing.
        let long = longest_side(&q);
        let tol = o.corner_outside_tolerance * long;
        let mut in_frame =
            q.map(|p| p.x >= -tol && p.y >= -tol && p.x <= fw - 1.0 + tol && p.y <= fh - 1.0 + tol);
        // Past a side that the document's sides run on beyond, to the frame's edge, the
        // document's corners lie out of the frame, whichever line was found across it.
        for (k, &runs_on) in outline.sides_run_on.iter().enumerate() {
            if runs_on {
                in_frame[k] = false;
                in_frame[(k + 1) % 4] = false;
            }
        }
        m.corners_in_frame = in_frame;
        m.sides_run_on = outline.sides_run_on;
        for (k, &inside) in in_frame.iter().enumerate() {
            m.corners_visible[k] = inside
                && outline.corner_gap[k] <= o.max_corner_gap
                && outline.corner_oddness[k] <= o.max_corner_oddness;
        }
        m.area_fraction = round(area_in_frame(&q, fw, fh) / (fw * fh), 4);
        m.document_px = round(long, 1);
        m.max_corner_angle_deviation_deg = round(
            (0..4)
                .map(|k| (corner_angle_deg(&q, k) - 90.0).abs())
                .fold(0.0f32, f32::max),
            2,
        );
        let cut_off = in_frame.iter().any(|&v| !v);
        if cut_off {
            problems.push(Problem::CornersCutOff);
        }
        // A corner is judged hidden, and the document moving, only on a document big enough
        // to show its corners: on a distant or low-resolution card the sides' last few pixels
        // are noise, its corners are placed to within a few pixels (more than the share of
        // its diagonal `moving` allows), and the person is asked to move closer first. (A
        // corner is judged hidden further down, once the light and the focus are known.)
        let judge_corners = m.area_fraction >= o.min_area_fraction && long >= o.min_document_px;
        let corner_hidden = (0..4).any(|k| in_frame[k] && !m.corners_visible[k]);
        if m.area_fraction < o.min_area_fraction {
            problems.push(Problem::TooFar);
        }
        if m.area_fraction > o.max_area_fraction {
            problems.push(Problem::TooClose);
        }
        if m.document_px < o.min_document_px {
            problems.push(Problem::LowResolution);
        }
        if m.max_corner_angle_deviation_deg > o.max_corner_angle_deviation_deg {
            problems.push(Problem::Tilted);
        }

        // Light, glare and colour on the working image, inside the outline.
        let (sx, sy) = (self.work.width as f32 / fw, self.work.height as f32 / fh);
        let wq = q.map(|p| Point::new((p.x + 0.5) * sx - 0.5, (p.y + 0.5) * sy - 0.5));
        self.region
            .fill(&wq, self.work.width, self.work.height, 0.03);
        let e = measure_exposure(&self.work, &self.region, &mut self.lighting);
        m.mean_luma = round(e.mean_luma, 2);
        m.clipped_fraction = round(e.clipped_fraction, 4);
        m.dark_fraction = round(e.dark_fraction, 4);
        m.light_ratio = round(e.light_ratio, 3);
        let too_dark = e.mean_luma < o.min_mean_luma;
        let too_bright =
            e.clipped_fraction > o.max_clipped_fraction || e.mean_luma > o.max_mean_luma;
        if too_dark {
            problems.push(Problem::TooDark);
        }
        if too_bright {
            problems.push(Problem::TooBright);
        }
        let uneven = !too_dark && !too_bright && e.light_ratio > o.max_light_ratio;
        if uneven {
            problems.push(Problem::UnevenLighting);
        }
        // The document's own white (from the sheen grid) sets how bright a highlight must be.
        let sheen = measure_sheen(&self.work, &self.region, &mut self.glare);
        let min_luma = highlight_luma(sheen.paper_white);
        let mut g = measure_glare(&self.work, &self.region, min_luma, &mut self.glare);
        // A document found this small is as likely a part of it beside a highlight (which
        // washes out the edges the finder needs) as a far document: look over the frame. The
        // person is asked to move closer first either way. So is an outline running off the
        // frame: the part of a large document (a box, a page) the finder settled on is not
        // known to be all of it, and the person is asked to reframe first either way.
        if m.area_fraction < o.min_area_fraction || cut_off {
            let f = measure_glare_in_frame(&self.work, min_luma, &mut self.glare);
            if f.fraction > g.fraction {
                g = f;
            }
        }
        m.sheen_fraction = round(sheen.fraction, 4);
        m.glare_fraction = round(g.fraction, 4);
        m.glare_total_fraction = round(g.total_fraction, 4);
        // Report the box of whichever form of glare is the larger.
        let glare_box = if sheen.fraction >= o.min_sheen_fraction && sheen.fraction > g.fraction {
            sheen.working_box
        } else {
            g.working_box
        };
        m.glare_box = glare_box.map(|b| frame_box(b, &self.work, &frame));
        // Under a hard shadow the lit part looks like sheen against the shadowed rest: there
        // only the clipped form counts.
        let sheen_glare =
            !uneven && sheen.fraction >= o.min_sheen_fraction && sheen.fraction <= 0.5;
        if !too_bright && (g.fraction >= o.min_glare_fraction || sheen_glare) {
            problems.push(Problem::Glare);
        }
        m.colourfulness = round(
            measure_colourfulness(&self.work, &self.region, &mut self.colour),
            2,
        );
        if !too_dark && m.colourfulness < o.min_colourfulness {
            problems.push(Problem::Grayscale);
        }

        // Sharpness at full resolution.
        let s = measure_sharpness(&frame, &q, &mut self.sharpness);
        m.sharpness = s.score.map(|v| round(v, 4));
        m.sharpness_edges = s.edges;
        let blurry = s.score.is_some_and(|v| v < o.min_sharpness);
        if blurry {
            problems.push(Problem::Blurry);
        }
        // Nor on a document too dark, too bright or blurred: its edges sink into the sensor's
        // noise, clip into a light background or spread, and a side's last pixels before its
        // corner go first (on the devset's variants, 10 of 192 such frames had a corner judged
        // hidden that was not, against 0 of 63 clean ones). The person is asked to fix the
        // light or the focus first, and the corners are judged then.
        if judge_corners && corner_hidden && !too_dark && !too_bright && !blurry {
            problems.push(Problem::CornerCovered);
        }

        // Motion between consecutive video frames.
        if let Kind::Video(time_ms) = kind {
            if let Some((pq, scale)) = comparable {
                let moved = quad_motion(&q, &pq) * scale;
                m.motion = Some(round(moved, 4));
                if judge_corners && moved > o.max_motion {
                    problems.push(Problem::Moving);
                }
            }
            self.previous = Some(Previous {
                width: frame.width,
                height: frame.height,
                quad: q,
                time_ms,
                closer: by_closer_look,
            });
        }
        let quad = q.map(|p| [round(p.x, 1), round(p.y, 1)]);
        Ok(finish(problems, Some(quad), m))
    }
}

/// A box on the working image (x0, y0, x1, y1, the ends exclusive) in the frame's pixels,
/// rounded to 0.1 px.
fn frame_box(b: [usize; 4], work: &WorkImage, frame: &Frame<'_>) -> [f32; 4] {
    let (fw, fh) = (frame.width as f32, frame.height as f32);
    let (sx, sy) = (work.width as f32 / fw, work.height as f32 / fh);
    [
        round(b[0] as f32 / sx, 1),
        round(b[1] as f32 / sy, 1),
        round((b[2] as f32 / sx).min(fw), 1),
        round((b[3] as f32 / sy).min(fh), 1),
    ]
}

fn finish(mut problems: Vec<Problem>, quad: Option<[[f32; 2]; 4]>, metrics: Metrics) -> Report {
    problems.sort_unstable();
    problems.dedup();
    verdict::light_first(&mut problems);
    let message = problems
        .first()
        .map_or(verdict::READY_MESSAGE, |p| p.message())
        .to_string();
    Report {
        ready: problems.is_empty(),
        problems,
        quad,
        message,
        metrics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use synth::{Background, Scene};

    /// In a video, the analyzer remembers whether the closer look found the last frame's
    /// outline (it then looks first), and forgets it once the usual look finds the document.
    #[test]
    fn a_video_remembers_which_look_found_its_last_outline() {
        let scene = |share: f32| {
            let mut s = Scene::centred(1280, 720, share, 4.0);
            s.background = Background::Plain([52, 56, 60]);
            s.render()
        };
        let (far, near) = (scene(0.055), scene(0.4));
        let mut a = Analyzer::new(Options::default()).unwrap();
        for _ in 0..3 {
            let r = a.analyze(&far, 1280, 720).unwrap();
            assert_eq!(r.problems.first(), Some(&Problem::TooFar), "{r:?}");
            assert!(a.previous.is_some_and(|p| p.closer));
        }
        // Ready but for the jump from far to near.
        let r = a.analyze(&near, 1280, 720).unwrap();
        assert_eq!(r.problems, [Problem::Moving], "{r:?}");
        assert!(a.previous.is_some_and(|p| !p.closer));
        // Back far away: found by the closer look again.
        let r = a.analyze(&far, 1280, 720).unwrap();
        assert_eq!(r.problems.first(), Some(&Problem::TooFar), "{r:?}");
        assert!(a.previous.is_some_and(|p| p.closer));
        // A still leaves the video's state as it was.
        a.analyze_still(&near, 1280, 720).unwrap();
        assert!(a.previous.is_some_and(|p| p.closer));
    }
}
