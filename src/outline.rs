//! Finds the document's outline: the quadrilateral whose straight sides are best supported by
//! edge evidence, with the contrast and shape of a document.
//!
//! How: colour gradients on the reduced working image (so a light card on a light desk still
//! has an edge in chroma), thinned by non-maximum suppression; an orientation-constrained
//! Hough transform gives straight-line candidates; each line gets a prefix-summed profile of
//! its edge support so that any stretch of it is scored in O(1); pairs of roughly opposite
//! lines are combined into quadrilateral hypotheses scored by edge support, contrast across
//! the sides (for a hypothesis running out of the frame, contrast that keeps its sign along
//! each side, which stripes such as wood grain lack), whether the sides stop at the corners,
//! and closeness to known document aspect ratios (a square shape, more often a sticky note or a
//! tile than a document, ranks a little lower and needs twice the evidence to count at all).
//! When the winner is a plain surface with a document lying on it (a tray, a closed laptop, a
//! desk pad: an outline whose band around a closed inner outline is free of edges, where a
//! document's print would fill it), the inner outline is taken. When nothing is found on a
//! plain frame, a document too small for the working scale is looked for once more at twice
//! the size. The winner's sides are then re-fitted at full resolution to sub-pixel edge positions, and each corner's side evidence is followed
//! to the corner to tell a corner cut off by the frame from one hidden by a thumb.

use std::f32::consts::PI;

use crate::frame::{Frame, WorkImage};
use crate::geometry::{
    intersect_in_normal_form, is_convex, longest_side, order_corners_perm, quad_centre,
    signed_area, signed_distance_in_normal_form, Line, Order, Point,
};

/// Number of Hough angle bins over 180° (1° each).
const ANGLE_BINS: usize = 180;
/// Each edge pixel votes for angles within this many bins of its gradient direction.
const VOTE_SPREAD: isize = 2;
/// Lines kept from the Hough accumulator.
const MAX_LINES: usize = 120;
/// Lines kept beyond a full family of parallel ones (see `profiles`), at most …
const MAX_OUTERMOST: usize = 4;
/// … each with a run of at least this many working pixels.
const MIN_OUTERMOST_RUN: usize = 24;
/// The most lines a frame can keep.
const MOST_LINES: usize = MAX_LINES + MAX_OUTERMOST;
/// Hough peaks examined before keeping the [`MAX_LINES`] with the longest steady support.
const MAX_PEAKS: usize = 240;
/// Least final hypothesis score (supported working pixels, weighted) of a document.
const MIN_OUTLINE_SCORE: f32 = 40.0;
/// Largest angle (degrees) by which a corner of a hypothesis running out of the frame may be
/// off square (see [`too_skewed_past_frame`]). The devset's cut-off cards reach 28°; the
/// relaxed `tilted` threshold is 40°.
const MAX_SKEW_PAST_FRAME_DEG: f32 = 40.0;
/// Edge density of the band between a surface's outline and a document's inside it, as a share
/// of the document's own, under which the band counts as plain (see
/// [`OutlineFinder::document_on_surface`]).
const PLAIN_BAND: f32 = 0.25;
/// Outlines inside the best one, best first, whose contrast is looked at by
/// [`OutlineFinder::document_on_surface`]: a page of print holds hundreds of closed outlines
/// (columns, boxes, paragraphs), and a document on a surface is among its strongest.
const MAX_NESTED: usize = 8;
/// Median contrast across the sides (summed over R, G, B) at which a document stands out
/// clearly from what it lies on, whatever that lies on (see
/// [`OutlineFinder::document_on_surface`]).
const CLEAR_CONTRAST: f32 = 120.0;
/// Side ratio beyond which an outline must have [`CLEAR_CONTRAST`] to count: about twice the
/// longest known document's (ID-1, 1.586), which a card reaches only seen at over 60°.
const LONG_RATIO: f32 = 3.0;
/// Side ratio under which an outline counts as square (see [`aspect_factor`]).
const SQUARE_RATIO: f32 = 1.15;
/// [`aspect_factor`] of a square, among the hypotheses of a frame.
const SQUARE_RANK: f32 = 0.8;
/// Further factor on a square winner's score before [`MIN_OUTLINE_SCORE`]: with it a square
/// counts half as much as a document-shaped outline there.
const SQUARE_ACCEPT: f32 = 0.5 / SQUARE_RANK;
/// Marks the unseen side of a three-sided hypothesis.
const OPEN_SIDE: usize = usize::MAX;
/// Candidates that get the full (contrast, extension) scoring.
const MAX_FINALISTS: usize = 32;
/// Long weak strips (see `LONG_RATIO`) passed over before the finalists run out.
const MAX_PASSED_STRIPS: usize = 96;
/// Least share of the frame a two-sided hypothesis (a document crossing the whole frame,
/// see `band_candidates`) covers: a document longer than the frame is close, and even a
/// receipt's width is a good share of the frame (the realdata receipt covers 0.59), while
/// a browser's address bar across a screen photo covers 0.05.
const MIN_BAND_AREA: f32 = 0.2;
/// Seen-corner partners kept per line (the strongest ones): bounds the quad enumeration on
/// striped or checkered frames, where every line meets dozens of others.
const MAX_CORNER_PARTNERS: usize = 40;
/// Closed quads tried at most per frame; the enumeration starts from the strongest lines.
const MAX_QUAD_TESTS: usize = 250_000;
/// The candidate list is cut back to its best [`MAX_KEPT_CANDIDATES`] when it reaches this.
const CANDIDATE_HIGH_WATER: usize = 2048;
/// Least edge cover of every side of a three-sided hypothesis that competes with a closed one
/// through the same three lines.
const OPEN_COVER_OVER_CLOSED: f32 = 0.8;
/// Candidates kept when the list is cut back.
const MAX_KEPT_CANDIDATES: usize = 256;
/// Least Sobel magnitude (on 0–255 channels, Sobel gain 4) that counts as an edge, in a
/// frame of full contrast; dim, flat frames get down to half of it (see `gradients`).
const MIN_EDGE_MAGNITUDE: u16 = 24;
/// Hough votes (working pixels of supporting edge) a line needs.
const MIN_LINE_VOTES: u32 = 6;
/// Least run, in working pixels, of a side carrying on past its corner to the frame's edge for
/// [`Outline::sides_run_on`] to judge it, on one of the two sides at least: over a shorter run,
/// a rounded corner, noise and the frame's border cannot be told from a side that goes on.
const RUN_ON_MIN_PX: f32 = 6.0;
/// Share of that run with the side's edge (aligned, the same way round) for the side to carry on.
const RUN_ON_COVER: f32 = 0.85;
/// Steadiness (`|Σ d| / Σ |d|` of a side's colour differences) below which a side of a
/// hypothesis running out of the frame has its contrast scaled down in proportion. Over the
/// devset's open hypotheses that match the labelled card (126, IoU ≥ 0.85), the least
/// steadiness of their sides is 0.49 or more for 98%; the strips between wood-grain lines that
/// won img_0001, img_0111 and img_0138 measure 0.03–0.45.
const STEADY_SIDE: f32 = 0.5;
/// Offsets across a line (working pixels) at which its longest strict run is looked for:
/// on it, then, when the run found is under a quarter of its Hough votes, half a pixel either
/// side (a 1° × 1 px Hough cell may sit a fraction of a pixel off a long edge).
const RUN_OFFSETS: [f32; 3] = [0.0, -0.5, 0.5];
/// In a video, the hypothesis that keeps to the previous frame's outline wins over one that
/// scores up to this many times as much: near-ties between two outlines (a card and its photo
/// box, a page and the tray under it) flip with each frame's sensor noise, and every flip
/// reads as the document moving ("hold still") and changes the message. A document that
/// really moves leaves its old outline, which then holds nothing.
pub const PRIOR_HOLD: f32 = 1.25;
/// A hypothesis keeps to the prior outline when each of its corners lies within this share
/// of the prior's diagonal (at least [`PRIOR_MIN_PX`] working pixels) of a corner of it.
const PRIOR_TOLERANCE: f32 = 0.05;
/// See [`PRIOR_TOLERANCE`].
const PRIOR_MIN_PX: f32 = 3.0;

/// A closer look for a small document (see [`OutlineFinder::may_hold_small_document`]) is
/// taken on a working image this many times the usual size.
pub(crate) const CLOSER_LOOK: usize = 2;
/// Most lines in a working image plain enough for a closer look.
const SPARSE_LINES: usize = 40;
/// Longest side (usual working pixels) of an outline that a closer look may find (see
/// [`small_document`]).
pub(crate) const SMALL_SIDE: f32 = 48.0;

/// Whether outline `o`, found by a closer look (a working image `closer` times the usual size;
/// `usual_scale` frame pixels per usual working pixel) after the usual look found nothing, can
/// be a small document: wholly in the frame or crop looked at (a far document is); no side
/// longer than `most_side` usual working pixels; not square and near a known document's shape
/// (sticky notes and tiles are the small squares of a desk); and scored at least
/// [`MIN_OUTLINE_SCORE`] times `closer`, the same edge evidence in the frame's own pixels as
/// the usual look asks.
///
/// A closer look at the whole frame keeps to [`SMALL_SIDE`]: a larger outline has sides the
/// usual look resolves, and its finding nothing stands. A closer look around a point, a square
/// `2 × SMALL_SIDE` across, may keep what that square holds: the usual look may have resolved
/// the document's sides and still lost them to a texture's lines elsewhere (wood grain running
/// the way the sides do fills that direction's share of lines), while in the square they stand.
pub(crate) fn small_document(
    o: &Outline,
    width: f32,
    height: f32,
    usual_scale: f32,
    closer: f32,
    most_side: f32,
) -> bool {
    let q = &o.quad;
    let inside = q.iter().all(|p| p.in_image(width, height));
    inside
        && longest_side(q) <= most_side * usual_scale
        && side_ratio(q) >= SQUARE_RATIO
        && aspect_factor(q) >= 1.0
        && o.score >= MIN_OUTLINE_SCORE * closer
}

/// A found outline, in full-resolution pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// Corners TL, TR, BR, BL; they may lie outside the frame.
    pub quad: [Point; 4],
    /// Hypothesis score (unitless, larger is better).
    pub score: f32,
    /// Share of each side's visible length with edge support (0–1), sides TL→TR, TR→BR,
    /// BR→BL, BL→TL.
    pub side_support: [f32; 4],
    /// Median colour difference across the sides (sum over R, G, B, 0–765), least side.
    pub contrast: f32,
    /// Per corner: how far (as a share of the side's length, 0–1) the edge evidence stops
    /// short of the corner, the larger of the two sides that meet there. 0 for corners
    /// outside the frame.
    pub corner_gap: [f32; 4],
    /// Per corner: how unlike both the document and the background the very corner looks, as
    /// a multiple of the contrast across the sides nearby (0 for corners outside the frame).
    pub corner_oddness: [f32; 4],
    /// Per side (TL→TR, TR→BR, BR→BL, BL→TL): the document runs out of the frame beyond this
    /// side. Either both sides next to it carry on past its corners to the frame's edge, with
    /// the same edge all the way, and the side found is a line across the document (the top
    /// of an MRZ band, a coloured band, a fold); or the document crosses the whole frame, seen
    /// by its two long sides only, and this is one of its ends, placed just past the frame.
    /// False for the sides of a three-sided outline, whose fourth side is placed well past
    /// the frame.
    pub sides_run_on: [bool; 4],
}

#[derive(Debug, Clone, Copy)]
struct HoughLine {
    line: Line,
    /// Hough votes, then the longest steady run of support, working pixels.
    votes: u32,
    /// Parameter range (along the line's direction from its foot point) inside the image.
    t_min: f32,
    t_max: f32,
    /// Offset of this line's support prefix sums in `OutlineFinder::support`.
    offset: usize,
    /// Working pixels stepped along the line (`t_min` to `t_max`) in its profiles.
    steps: usize,
    /// The line's unit normal `(cos θ, sin θ)`, kept: quad scoring projects onto the line
    /// millions of times a frame.
    normal: (f32, f32),
}

impl HoughLine {
    fn point_at(&self, t: f32) -> Point {
        let (c, s) = self.normal;
        let (dx, dy) = (-s, c);
        Point::new(self.line.rho * c + t * dx, self.line.rho * s + t * dy)
    }

    fn param_of(&self, p: Point) -> f32 {
        let (dx, dy) = self.direction();
        p.x * dx + p.y * dy
    }

    /// Unit direction along the line (`Line::direction`, from the kept normal).
    fn direction(&self) -> (f32, f32) {
        let (c, s) = self.normal;
        (-s, c)
    }

    /// `Line::intersect`, from the kept normals.
    fn intersect(&self, other: &HoughLine) -> Option<Point> {
        intersect_in_normal_form((self.line.rho, self.normal), (other.line.rho, other.normal))
    }
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    lines: [usize; 4],
    quad: [Point; 4],
    score: f32,
    cover: [f32; 4],
}

/// Reusable state of the outline finder: all buffers live here so that a frame allocates
/// nothing once they have grown to size.
#[derive(Debug, Default)]
pub struct OutlineFinder {
    gx: Vec<i16>,
    gy: Vec<i16>,
    mag: Vec<u16>,
    edge: Vec<bool>,
    straight: Vec<bool>,
    smooth: [Vec<u16>; 3],
    tmp: Vec<u16>,
    dir: Vec<u8>,
    /// Pixel indices along a line and one pixel either side of it (see [`trace`]).
    paths: [Vec<u32>; 3],
    row_buf: Vec<i16>,
    acc: Vec<u16>,
    /// One row's straight edge pixels (columns) and their Hough angle bins, during the voting.
    voters: Vec<u32>,
    voter_bins: Vec<u8>,
    cos_t: Vec<f32>,
    sin_t: Vec<f32>,
    lines: Vec<HoughLine>,
    peaks: Vec<(u32, usize, usize)>,
    support: Vec<u16>,
    pairs: Vec<(usize, usize, f32)>,
    corners: Vec<Option<(Point, bool)>>,
    /// Per line: the lines roughly parallel to it and apart from it.
    parallel: Vec<LineSet>,
    /// Per line: the lines it makes a seen corner with (all of them; see `partners`).
    seen: Vec<LineSet>,
    /// Per line: the lines it crosses with a hidden corner.
    hidden: Vec<LineSet>,
    /// Per line: its [`MAX_CORNER_PARTNERS`] strongest seen-corner partners.
    partners: Vec<LineSet>,
    /// Per third line c, the side scores of each fourth line d between c and a, during the
    /// quad enumeration.
    side_d: Vec<SideMemo>,
    /// Per line and partner b (`line × n + b`), the way along the line away from b that its
    /// support leads and the distance to the image's border, during the three-sided
    /// hypotheses; per line, the partners looked at.
    away: Vec<Option<((f32, f32), f32)>>,
    away_known: Vec<LineSet>,
    candidates: Vec<Candidate>,
    /// Bit set over (middle line, lesser end line, greater end line): three consecutive sides
    /// of some closed candidate that scored, kept apart from the pruned candidate list.
    closed_triples: Vec<u64>,
    samples: Vec<(Point, f32)>,
    strengths: Vec<f32>,
    /// Working pixels: where a closer look may find a far document that the outline found
    /// (or a long weak strip passed over) only points at (see [`Self::weak_outline`]).
    weak_outline: Option<Point>,
    /// Per line, for the two-sided hypotheses: how it crosses the frame, if it does (see
    /// [`Self::band_candidates`]); kept between frames.
    crossing: Vec<Option<Crossing>>,
    /// Per line crossing the frame: whether its edge reaches each of the frame's edges it
    /// leaves through, by itself or by another line along the same edge (see
    /// [`Self::band_candidates`]); kept between frames.
    reached: Vec<[bool; 2]>,
}

/// A line crossing the frame, for the two-sided hypotheses: its supported length and cover,
/// the frame's edges it leaves through (0 left, 1 top, 2 right, 3 bottom), and whether its
/// edge reaches each of them.
type Crossing = (f32, f32, [usize; 2], [bool; 2]);

impl OutlineFinder {
    /// Finds the most document-like quadrilateral, or `None` when nothing in the frame looks
    /// like a document's outline. `prior` is the outline found in the previous frame of a
    /// video (full-resolution corners, any order): a hypothesis that keeps to it is preferred
    /// unless another scores [`PRIOR_HOLD`] times as much (see [`PRIOR_HOLD`]).
    pub fn find(
        &mut self,
        work: &WorkImage,
        frame: &Frame<'_>,
        prior: Option<&[Point; 4]>,
    ) -> Option<Outline> {
        self.weak_outline = None;
        if work.width < 8 || work.height < 8 {
            return None;
        }
        self.gradients(work);
        self.hough(work);
        self.profiles(work);
        let sx = frame.width as f32 / work.width as f32;
        let sy = frame.height as f32 / work.height as f32;
        let prior =
            prior.map(|q| q.map(|p| Point::new((p.x + 0.5) / sx - 0.5, (p.y + 0.5) / sy - 0.5)));
        let (best, contrast) = self.best_candidate(work, prior.as_ref())?;
        let mut outline = self.refine(work, frame, &best, contrast);
        match best.lines.iter().filter(|&&l| l == OPEN_SIDE).count() {
            0 => {
                // On the refined corners: the sides' directions from the working image's
                // Hough lines are only good to a degree, which over a run of 20 px is a pixel
                // off.
                let quad = outline
                    .quad
                    .map(|p| Point::new((p.x + 0.5) / sx - 0.5, (p.y + 0.5) / sy - 0.5));
                outline.sides_run_on = self.sides_running_on(work, &quad);
            }
            // A document crossing the frame (`band_candidates`): its ends are not seen, and
            // are placed just past two opposite edges of the frame, within the tolerance for
            // corners outside it; the document runs on beyond them.
            2 => {
                let (fw, fh) = (frame.width as f32, frame.height as f32);
                let beyond = |p: Point| [p.x < 0.0, p.y < 0.0, p.x > fw - 1.0, p.y > fh - 1.0];
                let q = outline.quad;
                outline.sides_run_on = [0, 1, 2, 3].map(|k| {
                    let (a, b) = (beyond(q[k]), beyond(q[(k + 1) % 4]));
                    (0..4).any(|e| a[e] && b[e])
                });
            }
            _ => {}
        }
        Some(outline)
    }

    /// After [`Self::find`] found nothing: whether the frame may still hold a document too
    /// small for the working scale to resolve its sides (at 384 px a card 80 px across in a
    /// 1280 px frame is 24 working px, and its print lies within a pixel of its sides). Such a
    /// document can only be told from its surround where that is plain: the working image
    /// holds few lines (at most [`SPARSE_LINES`]), and at least the two that make a corner (an
    /// empty desk has none, and is not looked at again). The test only reads what the usual
    /// look left behind.
    pub(crate) fn may_hold_small_document(&self) -> bool {
        (2..=SPARSE_LINES).contains(&self.lines.len())
    }

    /// After [`Self::find`] found an outline of weak contrast, the middle of its corners in
    /// the frame, in the frame's pixels (`scale` frame pixels per working pixel), when it is
    /// - three-sided (wood grain meeting a line or two; a document's side differs from what
    ///   lies around it on average, grain only point by point). Such an outline is often
    ///   made of a far card's side and the grain running on from its corners, while the
    ///   card's own closed outline, short and with a side the working scale barely resolves,
    ///   does not reach the finalists;
    /// - or closed and small (at most twice [`SMALL_SIDE`]): a far card on a surface much
    ///   like it, its sides placed loosely at the working scale;
    /// - or, nothing else being found, a long weak strip passed over (see `LONG_RATIO`).
    ///
    /// A closer look around here can find the card.
    pub(crate) fn weak_outline(&self, scale: f32) -> Option<Point> {
        self.weak_outline
            .map(|p| Point::new((p.x + 0.5) * scale - 0.5, (p.y + 0.5) * scale - 0.5))
    }

    /// After [`Self::find`] found nothing: the seen corner, in the frame's pixels
    /// (`scale` frame pixels per working pixel), of the two lines that make the strongest
    /// one (the longer steady run of the weaker line), where a small document, if any, most
    /// likely lies: a card far away on a woven surface shows three of its sides at the
    /// working scale, if not the fourth.
    pub(crate) fn strongest_corner(&self, scale: f32) -> Option<Point> {
        let n = self.lines.len();
        let mut best: Option<(u32, Point)> = None;
        for i in 0..n {
            for j in i + 1..n {
                // Out of the frame a corner counts as seen; here both lines must reach it.
                let Some((p, true)) = self.corners.get(i * n + j).copied().flatten() else {
                    continue;
                };
                if !(self.reaches(i, p) && self.reaches(j, p)) {
                    continue;
                }
                let strength = self.lines[i].votes.min(self.lines[j].votes);
                if best.is_none_or(|(s, _)| strength > s) {
                    best = Some((strength, p));
                }
            }
        }
        best.map(|(_, p)| Point::new((p.x + 0.5) * scale - 0.5, (p.y + 0.5) * scale - 0.5))
    }

    /// Sobel gradients on R, G and B; each pixel keeps the channel with the strongest one,
    /// then non-maximum suppression along the gradient leaves one-pixel-wide edges, and the
    /// edge pixels that continue straight are marked for the Hough transform.
    fn gradients(&mut self, work: &WorkImage) {
        let (w, h) = (work.width, work.height);
        let n = w * h;
        for v in [&mut self.gx, &mut self.gy] {
            v.clear();
            v.resize(n, 0);
        }
        self.mag.clear();
        self.mag.resize(n, 0);
        self.edge.clear();
        self.edge.resize(n, false);
        self.straight.clear();
        self.straight.resize(n, false);
        // Smooth first (binomial 1-4-6-4-1 each way ≈ Gaussian σ 1): fine periodic texture
        // such as a fabric weave aliases into stripes at this scale and would otherwise
        // outvote a document's sides; a document's border is a step and survives.
        for (c, plane) in [&work.r, &work.g, &work.b].into_iter().enumerate() {
            smooth_plane(plane, &mut self.smooth[c], &mut self.tmp, w, h);
        }
        // Sobel, one row at a time over whole-row slices so that the loops vectorise (SSE2,
        // wasm simd128): per channel, column sums give gx and row differences give gy; then
        // one pass keeps, per pixel, the channel with the strongest gradient. The choice is
        // made in registers (selects, not conditional stores), which keeps it vectorised.
        self.row_buf.clear();
        self.row_buf.resize(6 * w, 0);
        let n_in = w - 2;
        for y in 1..h - 1 {
            let (up, mid, down) = ((y - 1) * w, y * w, (y + 1) * w);
            let (colsums, rowdiffs) = self.row_buf.split_at_mut(3 * w);
            for ((plane, colsum), rowdiff) in self
                .smooth
                .iter()
                .zip(colsums.chunks_exact_mut(w))
                .zip(rowdiffs.chunks_exact_mut(w))
            {
                let (u, m, d) = (
                    &plane[up..up + w],
                    &plane[mid..mid + w],
                    &plane[down..down + w],
                );
                for x in 0..w {
                    colsum[x] = (u[x] + 2 * m[x] + d[x]) as i16;
                    rowdiff[x] = d[x] as i16 - u[x] as i16;
                }
            }
            let c: [&[i16]; 3] = [0, 1, 2].map(|k| &colsums[k * w..(k + 1) * w]);
            let r: [&[i16]; 3] = [0, 1, 2].map(|k| &rowdiffs[k * w..(k + 1) * w]);
            let inner = mid + 1..mid + w - 1;
            let out_gx = &mut self.gx[inner.clone()];
            let out_gy = &mut self.gy[inner.clone()];
            let out_mag = &mut self.mag[inner];
            for x in 0..n_in {
                let (mut gx, mut gy, mut mag) = sobel_at(c[0], r[0], x);
                for k in 1..3 {
                    let (kx, ky, km) = sobel_at(c[k], r[k], x);
                    let stronger = km > mag;
                    gx = if stronger { kx } else { gx };
                    gy = if stronger { ky } else { gy };
                    mag = if stronger { km } else { mag };
                }
                // Planes hold 16× values: back to 0–255 units.
                out_gx[x] = gx >> 4;
                out_gy[x] = gy >> 4;
                out_mag[x] = (mag >> 4).max(0) as u16;
            }
        }
        // A dim or flat frame (a dark room) has all its steps scaled down: lower the bar with
        // the frame's luma range, but not into the noise.
        let hist: [u32; 256] = histogram(work.luma.iter().map(|&l| usize::from(l)));
        let count = work.luma.len() as u32;
        let range = crate::lighting::percentile(&hist, count, 0.98)
            - crate::lighting::percentile(&hist, count, 0.02);
        let by_range = ((range / 200.0) * f32::from(MIN_EDGE_MAGNITUDE)).clamp(
            f32::from(MIN_EDGE_MAGNITUDE) / 2.0,
            f32::from(MIN_EDGE_MAGNITUDE),
        );
        // Noise and fine texture raise the typical gradient everywhere; an edge worth a line
        // has to stand above it.
        let mag_hist: [u32; 128] = histogram(self.mag.iter().map(|&m| usize::from(m.min(127))));
        let typical = crate::lighting::percentile(&mag_hist, n as u32, 0.5);
        let threshold = by_range.max(typical).min(40.0) as u16;
        // Non-maximum suppression along the gradient, direction quantised to 45°; the step
        // to the neighbours across the edge is kept per pixel for the straightness test.
        self.dir.clear();
        self.dir.resize(n, 0);
        let wi = w as isize;
        // Row by row over whole-row slices, every pixel, the neighbours of each direction read
        // at fixed offsets and the direction's pair picked by selects: the loop vectorises.
        for y in 1..h - 1 {
            let row = y * w;
            let up = &self.mag[row - w..row];
            let mid = &self.mag[row..row + w];
            let down = &self.mag[row + w..row + 2 * w];
            let (gx_row, gy_row) = (&self.gx[row..row + w], &self.gy[row..row + w]);
            let edge_row = &mut self.edge[row..row + w];
            let dir_row = &mut self.dir[row..row + w];
            for x in 1..w - 1 {
                let m = mid[x];
                let (gx, gy) = (i32::from(gx_row[x]), i32::from(gy_row[x]));
                let (ax, ay) = (gx.abs(), gy.abs());
                let across = ay * 5 <= ax * 2;
                let down_the_image = !across & (ax * 5 <= ay * 2);
                let falling = !across & !down_the_image & ((gx > 0) == (gy > 0));
                let rising = !across & !down_the_image & !falling;
                // Steps 1, w, w + 1 and w - 1 to the neighbours across the edge.
                let a = masked(across, mid[x - 1])
                    | masked(down_the_image, up[x])
                    | masked(falling, up[x - 1])
                    | masked(rising, up[x + 1]);
                let b = masked(across, mid[x + 1])
                    | masked(down_the_image, down[x])
                    | masked(falling, down[x + 1])
                    | masked(rising, down[x - 1]);
                let peak = (m >= a) & (m > b) | (m > a) & (m >= b);
                edge_row[x] = (m >= threshold) & peak;
                dir_row[x] =
                    u8::from(down_the_image) + 2 * u8::from(falling) + 3 * u8::from(rising);
            }
        }
        // Keep for voting only edge pixels that continue straight: a neighbour along the
        // edge (either way) is an edge pixel of nearly the same orientation. Noise and fine
        // texture have scattered orientations and drop out; straight sides stay.
        let cos_tol = 20.0_f32.to_radians().cos();
        for y in 2..h - 2 {
            for x in 2..w - 2 {
                let i = y * w + x;
                if !self.edge[i] {
                    continue;
                }
                // Along the edge: perpendicular to the quantised gradient.
                let along: [isize; 3] = match self.dir[i] {
                    0 => [wi, wi - 1, wi + 1],
                    1 => [1, wi + 1, 1 - wi],
                    2 => [wi - 1, -1, wi],
                    _ => [wi + 1, 1, wi],
                };
                let (gx, gy) = (f32::from(self.gx[i]), f32::from(self.gy[i]));
                let m2 = gx * gx + gy * gy;
                let tol2 = cos_tol * cos_tol;
                // Same orientation within the tolerance: cos² of the angle, from exact
                // components (the stored magnitude is an approximation).
                // Few branches: on texture each test is a coin toss.
                let agrees = |j: usize| {
                    let (hx, hy) = (f32::from(self.gx[j]), f32::from(self.gy[j]));
                    let dot = gx * hx + gy * hy;
                    self.edge[j] & (dot > 0.0) & (dot * dot >= tol2 * m2 * (hx * hx + hy * hy))
                };
                self.straight[i] = along.iter().any(|&d| {
                    agrees((i as isize + d) as usize) | agrees((i as isize - d) as usize)
                });
            }
        }
    }

    /// Orientation-constrained Hough transform: each edge pixel votes only for lines nearly
    /// perpendicular to its gradient, which keeps texture from piling up false peaks.
    fn hough(&mut self, work: &WorkImage) {
        let (w, h) = (work.width, work.height);
        if self.cos_t.len() != ANGLE_BINS {
            self.cos_t = (0..ANGLE_BINS)
                .map(|t| (t as f32 * PI / ANGLE_BINS as f32).cos())
                .collect();
            self.sin_t = (0..ANGLE_BINS)
                .map(|t| (t as f32 * PI / ANGLE_BINS as f32).sin())
                .collect();
        }
        let rho_off = w as isize + 1;
        let rho_bins = 2 * w + h + 3;
        self.acc.clear();
        self.acc.resize(ANGLE_BINS * rho_bins, 0);
        // Row by row, in three passes: the straight pixels' columns (written always, kept
        // when straight: no branch), their angle bins (a run of independent polynomials, no
        // branch between them), then the votes.
        self.voters.clear();
        self.voters.resize(w, 0);
        for y in 1..h - 1 {
            let row = &self.straight[y * w..(y + 1) * w];
            let mut count = 0;
            for (x, &on) in row.iter().enumerate().take(w - 1).skip(1) {
                self.voters[count] = x as u32;
                count += usize::from(on);
            }
            let voters = &self.voters[..count];
            let (gx, gy) = (&self.gx[y * w..(y + 1) * w], &self.gy[y * w..(y + 1) * w]);
            self.voter_bins.clear();
            self.voter_bins.extend(voters.iter().map(|&x| {
                let x = x as usize;
                angle_bin(gx[x], gy[x]) as u8
            }));
            for (&x, &centre) in voters.iter().zip(&self.voter_bins) {
                for d in -VOTE_SPREAD..=VOTE_SPREAD {
                    let t = (isize::from(centre) + d).rem_euclid(ANGLE_BINS as isize) as usize;
                    let rho = x as f32 * self.cos_t[t] + y as f32 * self.sin_t[t];
                    let r = (round_to_int(rho) + rho_off) as usize;
                    self.acc[t * rho_bins + r] = self.acc[t * rho_bins + r].saturating_add(1);
                }
            }
        }
        // Local maxima in a (±2°, ±2 px) window, strongest first, duplicates merged.
        self.peaks.clear();
        for t in 0..ANGLE_BINS {
            let row = &self.acc[t * rho_bins..(t + 1) * rho_bins];
            // Most cells have too few votes: blocks of them are passed over with one test.
            for block in (2..rho_bins - 2).step_by(16) {
                let cells = block..(block + 16).min(rho_bins - 2);
                if row[cells.clone()].iter().copied().max().unwrap_or(0) < MIN_LINE_VOTES as u16 {
                    continue;
                }
                for r in cells {
                    let v = u32::from(row[r]);
                    if v < MIN_LINE_VOTES {
                        continue;
                    }
                    let mut is_peak = true;
                    'window: for dt in -2isize..=2 {
                        let tt = t as isize + dt;
                        if tt < 0 || tt >= ANGLE_BINS as isize {
                            continue;
                        }
                        for dr in -2isize..=2 {
                            if dt == 0 && dr == 0 {
                                continue;
                            }
                            let u = u32::from(
                                self.acc[tt as usize * rho_bins + (r as isize + dr) as usize],
                            );
                            // Ties go to the earlier cell so a plateau yields one peak.
                            if u > v || (u == v && (dt, dr) < (0, 0)) {
                                is_peak = false;
                                break 'window;
                            }
                        }
                    }
                    if is_peak {
                        self.peaks.push((v, t, r));
                    }
                }
            }
        }
        self.peaks.sort_unstable_by_key(|p| std::cmp::Reverse(p.0));
        self.lines.clear();
        for &(votes, t, r) in &self.peaks {
            if self.lines.len() >= MAX_PEAKS {
                break;
            }
            let line = Line {
                theta: t as f32 * PI / ANGLE_BINS as f32,
                rho: r as f32 - rho_off as f32,
            };
            let duplicate = self
                .lines
                .iter()
                .any(|l| same_line(l.line, line, 3.0_f32.to_radians(), 3.0));
            if duplicate {
                continue;
            }
            let Some((t_min, t_max)) = clip_to_rect(line, 1.0, 1.0, (w - 2) as f32, (h - 2) as f32)
            else {
                continue;
            };
            self.lines.push(HoughLine {
                line,
                votes,
                t_min,
                t_max,
                offset: 0,
                steps: (t_max - t_min).floor().max(0.0) as usize + 1,
                normal: line.normal(),
            });
        }
    }

    /// Ranks the Hough lines by their longest stretch of steady, strictly straight support
    /// and keeps the best; then gives every kept line a prefix sum of "there is an edge
    /// pixel within 1 px whose gradient is perpendicular to the line" along it, one step per
    /// working pixel, so that any stretch of it is scored in O(1).
    fn profiles(&mut self, work: &WorkImage) {
        let (w, h) = (work.width, work.height);
        let cos_tol = 15.0_f32.to_radians().cos();
        let strict_tol = 10.0_f32.to_radians().cos();
        // Whether edge pixel `i`'s gradient is within the tolerance of the normal (c, s).
        let aligned = |gx: &[i16], gy: &[i16], i: usize, c: f32, s: f32, tol: f32| -> bool {
            let (gx, gy) = (f32::from(gx[i]), f32::from(gy[i]));
            let dot = gx * c + gy * s;
            dot * dot >= tol * tol * (gx * gx + gy * gy)
        };
        // The longest stretch with the pixel right on the line an edge (gaps of up to two
        // pixels bridged): a document's side is one such stretch, while texture, noise and
        // wavy wood grain pile up Hough votes scattered along a line or within a band.
        let mut paths = std::mem::take(&mut self.paths);
        for li in 0..self.lines.len() {
            let hl = self.lines[li];
            let (c, s) = hl.normal;
            let mut best = 0usize;
            for off in RUN_OFFSETS {
                // A line the Hough votes call long but whose path shows little (the path a
                // fraction of a pixel off the edge) is looked at half a pixel either side.
                if off != 0.0 && 4 * best >= hl.votes as usize {
                    break;
                }
                let path = &mut paths[0];
                trace(
                    path,
                    hl.point_at(hl.t_min),
                    hl.direction(),
                    off,
                    hl.steps,
                    w,
                    h,
                );
                best = best.max(longest_run(path, |i| {
                    self.edge[i] && aligned(&self.gx, &self.gy, i, c, s, strict_tol)
                }));
            }
            self.lines[li].votes = best as u32;
        }
        self.lines.sort_by_key(|l| std::cmp::Reverse(l.votes));
        // Keep the best, but no more than a share of them from any one direction, so that a
        // family of parallel texture lines cannot crowd out a small document's sides.
        let mut kept = 0;
        for li in 0..self.lines.len() {
            if kept >= MAX_LINES {
                break;
            }
            let theta = self.lines[li].line.theta;
            let same_direction = self.lines[..kept]
                .iter()
                .filter(|l| angle_between(l.line.theta, theta) < 6.0_f32.to_radians())
                .count();
            if same_direction >= MAX_LINES / 4 {
                continue;
            }
            self.lines.swap(kept, li);
            kept += 1;
        }
        // A family at its share may be a document's own lines (ruled paper, a form's rows)
        // with the document's side beyond them, shorter than they are: the strongest line
        // beyond either end of a full family is kept too.
        for _ in 0..MAX_OUTERMOST {
            match self.outermost(kept, w, h) {
                Some(li) => {
                    self.lines.swap(kept, li);
                    kept += 1;
                }
                None => break,
            }
        }
        self.lines.truncate(kept);
        // Support: an aligned edge pixel on the line or one pixel either side of it.
        self.support.clear();
        for li in 0..self.lines.len() {
            let hl = self.lines[li];
            let (c, s) = hl.normal;
            let p0 = hl.point_at(hl.t_min);
            for (path, off) in paths.iter_mut().zip([0.0, -1.0, 1.0]) {
                trace(path, p0, hl.direction(), off, hl.steps, w, h);
            }
            self.lines[li].offset = self.support.len();
            self.support.push(0);
            let mut run = 0u16;
            for k in 0..hl.steps {
                let on = paths.iter().any(|path| {
                    let i = path[k] as usize;
                    self.edge[i] && aligned(&self.gx, &self.gy, i, c, s, cos_tol)
                });
                run += u16::from(on);
                self.support.push(run);
            }
        }
        self.paths = paths;
    }

    /// The strongest line not kept (from `kept` on), with a run of at least
    /// [`MIN_OUTERMOST_RUN`], that lies beyond either end of a full family of kept lines
    /// parallel to it (within 6°).
    #[inline(never)]
    fn outermost(&self, kept: usize, w: usize, h: usize) -> Option<usize> {
        let centre = Point::new(0.5 * w as f32, 0.5 * h as f32);
        let mut best: Option<(u32, usize)> = None;
        for (li, hl) in self.lines.iter().enumerate().skip(kept) {
            if (hl.votes as usize) < MIN_OUTERMOST_RUN || best.is_some_and(|(v, _)| v >= hl.votes) {
                continue;
            }
            // Each line's place across the family, along this line's normal.
            let place = |l: &HoughLine| {
                let d = signed_distance_in_normal_form(l.line.rho, l.normal, centre);
                if l.normal.0 * hl.normal.0 + l.normal.1 * hl.normal.1 < 0.0 {
                    d
                } else {
                    -d
                }
            };
            let (mut n, mut lo, mut hi) = (0, f32::MAX, f32::MIN);
            for l in &self.lines[..kept] {
                if angle_between(l.line.theta, hl.line.theta) < 6.0_f32.to_radians() {
                    let at = place(l);
                    n += 1;
                    lo = lo.at_most(at);
                    hi = hi.at_least(at);
                }
            }
            let at = place(hl);
            if n >= MAX_LINES / 4 && (at < lo || at > hi) {
                best = Some((hl.votes, li));
            }
        }
        best.map(|(_, li)| li)
    }

    /// Supported working pixels on line `li` between parameters `a` and `b` (clipped to the
    /// image), and the visible length.
    fn support_between(&self, li: usize, a: f32, b: f32) -> (f32, f32) {
        let hl = &self.lines[li];
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let lo = lo.at_least(hl.t_min);
        let hi = hi.at_most(hl.t_max);
        if hi <= lo {
            return (0.0, 0.0);
        }
        let i0 = (round_to_int(lo - hl.t_min).max(0) as usize).min(hl.steps);
        let i1 = (round_to_int(hi - hl.t_min).max(0) as usize).min(hl.steps);
        let s = f32::from(self.support[hl.offset + i1]) - f32::from(self.support[hl.offset + i0]);
        (s.at_least(0.0), hi - lo)
    }

    /// Whether line `li` has edge evidence right next to `p` (a point on it) on one side:
    /// what a document's side shows at its corner. Rounded card corners are allowed for by
    /// starting the look a little away from the corner and asking for a third of the window.
    fn reaches(&self, li: usize, p: Point) -> bool {
        let t = self.lines[li].param_of(p);
        [(t + 2.0, t + 24.0), (t - 24.0, t - 2.0)]
            .into_iter()
            .any(|(a, b)| {
                let (s, vis) = self.support_between(li, a, b);
                vis >= 4.0 && s >= 0.35 * vis
            })
    }

    /// Scores the quadrilaterals made of two pairs of roughly opposite lines of which at least
    /// three corners are seen (a thumb may hide the fourth; a corner outside the frame counts
    /// as seen), and the three-sided ones whose fourth side lies beyond the frame; returns the
    /// best with the median contrast across its weakest side, or `None` when none is
    /// convincing.
    fn best_candidate(
        &mut self,
        work: &WorkImage,
        prior: Option<&[Point; 4]>,
    ) -> Option<(Candidate, f32)> {
        let (w, h) = (work.width as f32, work.height as f32);
        self.line_relations(w, h);
        self.closed_candidates(w, h);
        keep_best(&mut self.candidates, MAX_KEPT_CANDIDATES);
        self.open_candidates(w, h);
        self.band_candidates(work);
        if self.candidates.is_empty() {
            return None;
        }
        // Best first; the first MAX_FINALISTS, long weak strips aside, are the finalists; all
        // of them are looked through by `document_on_surface`.
        self.candidates.sort_unstable_by(best_first);
        // The best by score, a hypothesis that keeps to the prior counted PRIOR_HOLD times.
        let most_held = if prior.is_some() { PRIOR_HOLD } else { 1.0 };
        let mut best: Option<(f32, Candidate, f32)> = None;
        let mut weak = false;
        // A long weak strip passed over while it outranked every hypothesis left.
        let mut strip: Option<[Point; 4]> = None;
        // Long weak strips passed over do not take a finalist's place: on wood, the strips
        // between plank seams can outrank a far card's outline by dozens.
        let (mut finalists, mut strips) = (0, 0);
        for ci in 0..self.candidates.len() {
            if finalists == MAX_FINALISTS || strips == MAX_PASSED_STRIPS {
                break;
            }
            let mut c = self.candidates[ci];
            // Contrast and extension only ever lower a score, and the candidates come best
            // first: once one cannot beat the best so far, none after it can.
            if best
                .as_ref()
                .is_some_and(|(s, _, _)| c.score * most_held <= *s)
            {
                break;
            }
            if too_skewed_past_frame(&c.quad, w, h) {
                finalists += 1;
                continue;
            }
            let (median, steady) = self.side_contrasts(work, &c.quad);
            // A strip far longer than any known document is a receipt only when it stands
            // out as clearly as the two-sided hypotheses must. Between the seams of wooden
            // planks and in other grain such strips are everywhere, with weak contrast; one
            // may run on from a far card's side, as a weak three-sided outline may, so the
            // closer look is pointed at it when nothing else is found.
            if side_ratio(&c.quad) > LONG_RATIO && steady < CLEAR_CONTRAST {
                if best.is_none() && strip.is_none() {
                    strip = Some(c.quad);
                }
                strips += 1;
                continue;
            }
            finalists += 1;
            // A side assumed to run out of the frame is held to the steady contrast: wood
            // grain and other stripes differ from their neighbourhood point by point, but
            // not on average, as a document differs from what lies around it.
            let contrast = if c.lines.contains(&OPEN_SIDE) {
                steady
            } else {
                median
            };
            let extension = self.extension(&c);
            c.score *= (contrast / 40.0).clamp(0.1, 1.0) * (1.0 - 0.6 * extension);
            let held = prior.map_or(1.0, |p| hold(&c.quad, p));
            if best.as_ref().is_none_or(|(s, _, _)| c.score * held > *s) {
                best = Some((c.score * held, c, median));
                let open = c.lines.iter().filter(|&&l| l == OPEN_SIDE).count();
                weak = contrast < 40.0
                    && (open == 1 || open == 0 && longest_side(&c.quad) <= 2.0 * SMALL_SIDE);
            }
        }
        let found = 'found: {
            let Some((_, mut c, mut median)) = best else {
                break 'found None;
            };
            if let Some((n, n_median)) = self.document_on_surface(work, &c, median) {
                c = n;
                median = n_median;
                weak = false;
            }
            if weak {
                self.weak_outline = seen_centre(&c.quad, w, h);
            }
            // Below this, the best outline is a few weak or low-contrast edges that happen to
            // meet: no document (devset background-only frames stay below it, the smallest
            // too-far cards above).
            let square = !c.lines.contains(&OPEN_SIDE) && side_ratio(&c.quad) < SQUARE_RATIO;
            if c.score * if square { SQUARE_ACCEPT } else { 1.0 } < MIN_OUTLINE_SCORE {
                break 'found None;
            }
            Some((c, median))
        };
        // No document, and no weak outline to look closer at: a long weak strip passed over
        // while it outranked every hypothesis left points the closer look instead.
        if found.is_none() && self.weak_outline.is_none() {
            self.weak_outline = strip.and_then(|q| seen_centre(&q, w, h));
        }
        found
    }

    /// A document lying on a plain surface larger than itself (a tray, a book, a desk pad) is
    /// seen as two outlines, one inside the other, and the outer one, being longer, scores
    /// more. The outer is a surface rather than a document when the band between the two
    /// holds (next to) no edges, while a document's print would fill it: so when the best
    /// outline `c` (median side contrast `median`) holds a closed outline with all four
    /// corners in the frame, clear of its sides, that stands out from its surround clearly
    /// (as much as `c` does from its own, or by [`CLEAR_CONTRAST`]), and the band between them
    /// has under [`PLAIN_BAND`] of the inner outline's edge density, the inner one is the
    /// document. Returns it with its
    /// full score and its median contrast.
    fn document_on_surface(
        &self,
        work: &WorkImage,
        c: &Candidate,
        median: f32,
    ) -> Option<(Candidate, f32)> {
        let diag = c.quad[0]
            .distance(c.quad[2])
            .max(c.quad[1].distance(c.quad[3]));
        let margin = (0.03 * diag).max(4.0);
        let outer = Inset::new(&c.quad);
        let (ww, wh) = (work.width, work.height);
        let in_frame = |p: &Point| p.in_image(ww as f32, wh as f32);
        // The best-scoring closed outline inside `c`, all four corners in the frame, of the
        // strongest few, that stands out clearly.
        let (inner, n_median) = self
            .candidates
            .iter()
            .filter(|n| !n.lines.contains(&OPEN_SIDE) && n.quad.iter().all(in_frame))
            .filter(|n| n.quad.iter().all(|p| outer.depth(p.x, p.y) >= margin))
            .take(MAX_NESTED)
            .map(|n| (n, self.side_contrasts(work, &n.quad).0))
            .find(|&(_, m)| m >= median.min(CLEAR_CONTRAST))?;
        let inset = Inset::new(&inner.quad);
        // Edge pixels inside the inner outline, and in the band between the two, each side's
        // own border (3 px) left out; over the outer outline's bounding box in the image.
        let span = |v: [f32; 4], len: usize| {
            let lo = v
                .iter()
                .copied()
                .fold(f32::MAX, f32::min)
                .clamp(2.0, len as f32);
            let hi = v
                .iter()
                .copied()
                .fold(f32::MIN, f32::max)
                .min(len as f32 - 3.0);
            (lo as usize, hi.max(0.0) as usize)
        };
        let (x0, x1) = span(c.quad.map(|p| p.x), ww);
        let (y0, y1) = span(c.quad.map(|p| p.y), wh);
        let (mut band, mut band_edges, mut inside, mut inside_edges) = (0, 0, 0, 0);
        for y in y0..=y1 {
            let row = &self.edge[y * ww..(y + 1) * ww];
            let edges = |(a, b): (usize, usize)| row[a..b].iter().filter(|&&on| on).count();
            let yf = y as f32;
            // Per row, each region is one run of columns (the quads are convex).
            let core = inset.span(yf, 3.0, x0, x1);
            let within = outer.span(yf, 3.0, x0, x1);
            let near = inset.span(yf, -3.0, within.0, within.1.saturating_sub(1));
            inside += core.1 - core.0;
            inside_edges += edges(core);
            band += (within.1 - within.0) - (near.1 - near.0);
            band_edges += edges(within) - edges(near);
        }
        if band == 0 || inside == 0 {
            return None;
        }
        let band_density = band_edges as f32 / band as f32;
        let inside_density = inside_edges as f32 / inside as f32;
        if band_density >= PLAIN_BAND * inside_density {
            return None;
        }
        let mut n = *inner;
        n.score *= (n_median / 40.0).clamp(0.1, 1.0) * (1.0 - 0.6 * self.extension(&n));
        Some((n, n_median))
    }

    /// Tables of how the lines relate: where two lines cross and whether that corner is
    /// seen, which pairs are roughly parallel and apart, and per line the sets the quad
    /// enumeration combines.
    fn line_relations(&mut self, w: f32, h: f32) {
        let n = self.lines.len();
        let in_frame = |p: Point| p.in_image(w, h);
        // Corner table: where two lines cross and whether both reach the crossing.
        refill(&mut self.corners, n * n, MOST_LINES * MOST_LINES, None);
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (self.lines[i].line, self.lines[j].line);
                if angle_between(a.theta, b.theta) < 45.0_f32.to_radians() {
                    continue;
                }
                let Some(p) = self.lines[i].intersect(&self.lines[j]) else {
                    continue;
                };
                if p.x < -0.5 * w || p.x > 1.5 * w || p.y < -0.5 * h || p.y > 1.5 * h {
                    continue;
                }
                let seen = !in_frame(p) || (self.reaches(i, p) && self.reaches(j, p));
                self.corners[i * n + j] = Some((p, seen));
                self.corners[j * n + i] = Some((p, seen));
            }
        }
        self.pairs.clear();
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (self.lines[i].line, self.lines[j].line);
                if angle_between(a.theta, b.theta) > 30.0_f32.to_radians() {
                    continue;
                }
                let mid = self.lines[i].point_at(0.5 * (self.lines[i].t_min + self.lines[i].t_max));
                if signed_distance_in_normal_form(b.rho, self.lines[j].normal, mid).abs() < 6.0 {
                    continue;
                }
                self.pairs.push((i, j, mean_direction(a.theta, b.theta)));
            }
        }
        // Per line, as sets: the lines parallel to it and apart, and the lines it crosses
        // with a seen or a hidden corner.
        for sets in [
            &mut self.parallel,
            &mut self.seen,
            &mut self.hidden,
            &mut self.partners,
        ] {
            sets.clear();
            sets.resize(n, LineSet::default());
        }
        for &(i, j, _) in &self.pairs {
            self.parallel[i].insert(j);
            self.parallel[j].insert(i);
        }
        for i in 0..n {
            for j in 0..n {
                match self.corners[i * n + j] {
                    Some((_, true)) => self.seen[i].insert(j),
                    Some((_, false)) => self.hidden[i].insert(j),
                    None => {}
                }
            }
            // Lines are sorted strongest first: the first ones are the strongest partners.
            self.partners[i] = self.seen[i].first(MAX_CORNER_PARTNERS);
        }
    }

    /// Scores the closed hypotheses into the candidate list: quads a-b-c-d with seen corners
    /// (a,b), (b,c), (c,d), where corner (d,a) may be hidden. Each quad is met several times;
    /// only its canonical visit is made: the one from its least line with b < d when all four
    /// corners are seen, else the one from the end of the hidden corner with a < d.
    fn closed_candidates(&mut self, w: f32, h: f32) {
        let n = self.lines.len();
        self.candidates.clear();
        refill(
            &mut self.closed_triples,
            (n * n * n).div_ceil(64),
            (MOST_LINES * MOST_LINES * MOST_LINES).div_ceil(64),
            0,
        );
        // Grown only: a memo's scores count only where it says they are known.
        let mut side_d = std::mem::take(&mut self.side_d);
        if side_d.len() < n {
            side_d.resize_with(n, SideMemo::default);
        }
        let mut side_a = SideMemo::default();
        let mut tests = 0usize;
        // Once the list has been cut back to the best, the least score kept: a quad whose
        // support and cover alone score below it (the shape term is at most 1) can never be
        // among the best, as candidates are only added; it is not kept, and its shape term
        // is not worked out. With ties broken by the lines (`best_first`), the best kept are
        // the same as without this.
        let mut floor = f32::NEG_INFINITY;
        'enumerate: for a in 0..n {
            let past_a = LineSet::above(a);
            // Side d runs from its corner with c to its corner with a, whatever b is: scored
            // once per (a, c, d).
            side_d[..n].iter_mut().for_each(SideMemo::forget);
            for b in self.partners[a].iter() {
                // Side a runs from its corner with d to its corner with b, whatever c is: each
                // d's side a is scored once per (a, b), and a d whose side a fails is not
                // tried again.
                side_a.forget();
                // A line is never parallel to itself, so c ≠ a and d ≠ b.
                for c in self.partners[b].and(self.parallel[a]).iter() {
                    let closing = if a < b && a < c {
                        self.hidden[a].or(self.seen[a].and(LineSet::above(b)))
                    } else {
                        self.hidden[a]
                    };
                    let ds = self.partners[c]
                        .and(self.parallel[b])
                        .and(closing)
                        .and(past_a)
                        .without(side_a.failed)
                        .without(side_d[c].failed);
                    if ds.is_empty() {
                        continue;
                    }
                    let corner = |x: usize, y: usize| {
                        self.corners[x * n + y].map_or(Point::default(), |c| c.0)
                    };
                    // Side b runs between its corners with a and c, whatever d is: scored
                    // once here. When it fails, no quad through a, b, c can score.
                    let Some(side_b) = self.side_score(b, corner(a, b), corner(b, c)) else {
                        continue;
                    };
                    for d in ds.iter() {
                        tests += 1;
                        if tests > MAX_QUAD_TESTS {
                            break 'enumerate;
                        }
                        let quad = [corner(a, d), corner(a, b), corner(b, c), corner(c, d)];
                        let Some(sa) = side_a.score(d, || self.side_score(a, quad[0], quad[1]))
                        else {
                            continue;
                        };
                        let Some(sd) = side_d[c].score(d, || self.side_score(d, quad[3], quad[0]))
                        else {
                            continue;
                        };
                        let sides = [sa, side_b, sd];
                        let l = [a, b, c, d];
                        let Some((supported, cover)) = self.closed_support(l, quad, sides, w, h)
                        else {
                            continue;
                        };
                        // Every quad that scores marks its triples, kept or not.
                        for k in 0..4 {
                            let (x, y, z) = (l[k], l[(k + 1) % 4], l[(k + 2) % 4]);
                            let bit = triple_index(n, x, y, z);
                            self.closed_triples[bit / 64] |= 1 << (bit % 64);
                        }
                        let min_cover = cover.iter().copied().fold(1.0f32, f32::at_most);
                        let most = supported * min_cover.sqrt();
                        if most < floor {
                            continue;
                        }
                        self.candidates.push(Candidate {
                            lines: l,
                            quad,
                            score: most * aspect_factor(&quad),
                            cover,
                        });
                        if self.candidates.len() >= CANDIDATE_HIGH_WATER {
                            if let Some(least) =
                                keep_best(&mut self.candidates, MAX_KEPT_CANDIDATES)
                            {
                                floor = least;
                            }
                        }
                    }
                }
            }
        }
        self.side_d = side_d;
    }

    /// Supported length and cover per side of a closed hypothesis whose sides other than the
    /// third (from `quad[2]` to `quad[3]`) have already been scored by [`Self::side_score`]
    /// as `known`, in order; `None` when a side is too short, mostly outside the frame or
    /// poorly supported, or the quad is not convex or too small. Its score is the supported
    /// length × √(least cover) × [`aspect_factor`].
    fn closed_support(
        &self,
        sides: [usize; 4],
        quad: [Point; 4],
        known: [(f32, f32); 3],
        w: f32,
        h: f32,
    ) -> Option<(f32, [f32; 4])> {
        if !is_convex(&quad) || signed_area(&quad).abs() < 0.002 * w * h {
            return None;
        }
        let mut supported = 0.0;
        let mut cover = [0.0f32; 4];
        for k in 0..4 {
            let (s, c) = match k {
                0 | 1 => known[k],
                2 => self.side_score(sides[k], quad[k], quad[(k + 1) % 4])?,
                _ => known[2],
            };
            cover[k] = c;
            supported += s;
        }
        Some((supported, cover))
    }

    /// Supported length and cover (supported share of the visible length, at most 1) of
    /// line `li` as a quad's side from `p` to `q`; `None` when the side is too short, mostly
    /// outside the frame or poorly supported.
    fn side_score(&self, li: usize, p: Point, q: Point) -> Option<(f32, f32)> {
        let hl = &self.lines[li];
        let (s, vis) = self.support_between(li, hl.param_of(p), hl.param_of(q));
        let len = p.distance(q);
        if vis < 5.0 || vis < 0.3 * len {
            return None;
        }
        let cover = (s / vis).at_most(1.0);
        (cover >= 0.3).then_some((s, cover))
    }

    /// Three-sided hypotheses: a side with both its corners seen, and two roughly parallel
    /// sides leaving them that run out of the frame. The fourth side lies beyond the frame;
    /// it is placed parallel to the seen one at the distance a known document's aspect ratio
    /// gives, the least that puts it outside the frame.
    fn open_candidates(&mut self, w: f32, h: f32) {
        let n = self.lines.len();
        let closed = self.candidates.len();
        let triples = std::mem::take(&mut self.closed_triples);
        self.away_known.clear();
        self.away_known.resize(n, LineSet::default());
        refill(&mut self.away, n * n, MOST_LINES * MOST_LINES, None);
        let in_frame = |p: Point| p.in_image(w, h);
        for pi in 0..self.pairs.len() {
            let (a, c, ta) = self.pairs[pi];
            if self.candidates.len() - closed >= CANDIDATE_HIGH_WATER {
                break;
            }
            // b makes a seen corner with a and with c.
            for b in self.partners[a].and(self.seen[c]).iter() {
                if angle_between(self.lines[b].line.theta, ta) < 50.0_f32.to_radians() {
                    continue;
                }
                let (Some((p1, _)), Some((p2, _))) =
                    (self.corners[a * n + b], self.corners[b * n + c])
                else {
                    continue;
                };
                if !in_frame(p1) || !in_frame(p2) {
                    continue;
                }
                let base = p1.distance(p2);
                if base < 8.0 {
                    continue;
                }
                // Along a and c, away from b, towards where their support lies: the way and
                // the length to the image's border, found once per line and partner.
                let mut away = |li: usize, p: Point| -> Option<((f32, f32), f32)> {
                    if self.away_known[li].contains(b) {
                        return self.away[li * n + b];
                    }
                    self.away_known[li].insert(b);
                    let hl = &self.lines[li];
                    let t = hl.param_of(p);
                    let (fwd, _) = self.support_between(li, t, t + 30.0);
                    let (bwd, _) = self.support_between(li, t - 30.0, t);
                    let (dx, dy) = hl.direction();
                    let (sign, exit) = if fwd >= bwd {
                        (1.0, hl.t_max - t)
                    } else {
                        (-1.0, t - hl.t_min)
                    };
                    let (s, vis) = self.support_between(li, t, t + sign * exit);
                    let found =
                        (vis >= 5.0 && s >= 0.5 * vis).then_some(((dx * sign, dy * sign), exit));
                    self.away[li * n + b] = found;
                    found
                };
                let (Some((ua, ea)), Some((uc, ec))) = (away(a, p1), away(c, p2)) else {
                    continue;
                };
                // Both sides must head the same way, away from b.
                if ua.0 * uc.0 + ua.1 * uc.1 < 0.8 {
                    continue;
                }
                let reach = ea.at_least(ec) + 2.0;
                // A document longer than any known shape (a receipt) is taken to end just
                // past the frame's edge.
                let len = OPEN_EXTENTS
                    .iter()
                    .map(|r| r * base)
                    .find(|&l| l > reach)
                    .unwrap_or(reach + 1.0);
                let q3 = Point::new(p1.x + ua.0 * len, p1.y + ua.1 * len);
                let q2 = Point::new(p2.x + uc.0 * len, p2.y + uc.1 * len);
                let quad = [p1, p2, q2, q3];
                if !is_convex(&quad) || signed_area(&quad).abs() < 0.002 * w * h {
                    continue;
                }
                let mut supported = 0.0;
                let mut cover = [1.0f32; 4];
                for (k, li, from, dist) in [(0usize, b, p1, 0.0f32), (1, c, p2, ec), (3, a, p1, ea)]
                {
                    let hl = &self.lines[li];
                    let (s, vis) = if k == 0 {
                        self.support_between(li, hl.param_of(p1), hl.param_of(p2))
                    } else {
                        let t = hl.param_of(from);
                        let dir = if k == 1 { uc } else { ua };
                        let (dx, dy) = hl.direction();
                        let sign = if dir.0 * dx + dir.1 * dy >= 0.0 {
                            1.0
                        } else {
                            -1.0
                        };
                        self.support_between(li, t, t + sign * dist)
                    };
                    if vis < 5.0 {
                        cover[k] = 0.0;
                        continue;
                    }
                    cover[k] = (s / vis).at_most(1.0);
                    supported += s;
                }
                cover[2] = cover[1];
                if cover.iter().any(|&v| v < 0.5) {
                    continue;
                }
                // A closed outline through the same three sides (a fourth side seen inside the
                // frame, such as a card's MRZ band or a fold) explains the evidence better than
                // one assumed beyond it, unless both running sides keep their edge all the way
                // out of the frame: then the two compete on their scores.
                let bit = triple_index(n, a, b, c);
                let min_cover = cover.iter().copied().fold(1.0f32, f32::at_most);
                if triples[bit / 64] & (1 << (bit % 64)) != 0 && min_cover < OPEN_COVER_OVER_CLOSED
                {
                    continue;
                }
                self.candidates.push(Candidate {
                    lines: [b, c, OPEN_SIDE, a],
                    quad,
                    score: 0.85 * supported * min_cover.sqrt(),
                    cover,
                });
            }
        }
        self.closed_triples = triples;
    }

    /// Two-sided hypotheses: a document longer than the frame (a receipt) crosses it from one
    /// edge to the opposite one, and only its two long sides are seen. Both are roughly
    /// parallel lines (a pair of `line_relations`) that leave the frame through the same two
    /// opposite edges, each with edge support over at least half its way across, and each of
    /// those two frame edges reached by the support of one side at least (a document whose
    /// sides stop inside the frame makes a closed or three-sided hypothesis instead). The
    /// two sides across the ends lie just beyond the frame. With no corner seen, only a
    /// clear, steady contrast across both sides ([`CLEAR_CONTRAST`]) tells such a document
    /// from stripes (wood grain, weave and screens give two-sided look-alikes of contrast
    /// 11–75 on the devset and the glare photos, the receipt 396), and it covers at least
    /// [`MIN_BAND_AREA`] of the frame. Scored as the three-sided ones: the supported length
    /// × √(least cover) × 0.85 for what is assumed beyond the frame.
    fn band_candidates(&mut self, work: &WorkImage) {
        let (w, h) = (work.width as f32, work.height as f32);
        let mut crossing = std::mem::take(&mut self.crossing);
        // Which edge of the clipping rectangle (`clip_to_rect` in `hough`) a point lies on:
        // 0 left, 1 top, 2 right, 3 bottom.
        let border = |p: Point| -> usize {
            let gaps = [p.x - 1.0, p.y - 1.0, w - 2.0 - p.x, h - 2.0 - p.y];
            (0..4)
                .min_by(|&i, &j| gaps[i].abs().total_cmp(&gaps[j].abs()))
                .unwrap_or(0)
        };
        // A side's supported length and cover when its edge runs most of the way across,
        // the frame's edges it leaves through, and whether its edge reaches each of them.
        let across = |li: usize| -> Option<Crossing> {
            let hl = &self.lines[li];
            let (s, vis) = self.support_between(li, hl.t_min, hl.t_max);
            let cover = (s / vis.max(1.0)).min(1.0);
            let held = [(hl.t_min, hl.t_min + 24.0), (hl.t_max - 24.0, hl.t_max)].map(|(a, b)| {
                let (s, vis) = self.support_between(li, a, b);
                vis >= 5.0 && s >= 0.5 * vis
            });
            let ends = [border(hl.point_at(hl.t_min)), border(hl.point_at(hl.t_max))];
            (cover >= 0.5 && ends[0] % 2 == ends[1] % 2).then_some((s, cover, ends, held))
        };
        crossing.clear();
        crossing.extend((0..self.lines.len()).map(across));
        // Where a side's edge reaches the frame (its own ends' order): its line's, or that of
        // another line along the same edge (within 3° and 4 px of it at both of its ends). A
        // curled document's side bows, and two lines may each follow one end of it.
        let mut reached = std::mem::take(&mut self.reached);
        reached.clear();
        reached.extend((0..crossing.len()).map(|li| {
            let Some((_, _, own, mut held)) = crossing[li] else {
                return [false; 2];
            };
            let hl = &self.lines[li];
            for (lj, x) in crossing.iter().enumerate() {
                let Some((_, _, ends, h)) = *x else {
                    continue;
                };
                let other = &self.lines[lj];
                if lj == li
                    || ends[0] % 2 != own[0] % 2
                    || angle_between(other.line.theta, hl.line.theta) > 3.0_f32.to_radians()
                {
                    continue;
                }
                let near = [other.t_min, other.t_max].iter().all(|&t| {
                    signed_distance_in_normal_form(hl.line.rho, hl.normal, other.point_at(t)).abs()
                        <= 4.0
                });
                if !near {
                    continue;
                }
                let h = if ends[0] == own[0] { h } else { [h[1], h[0]] };
                held = [held[0] || h[0], held[1] || h[1]];
            }
            held
        }));
        for pi in 0..self.pairs.len() {
            let (a, c, _) = self.pairs[pi];
            let (Some((sa, ca, ea, _)), Some((sc, cc, ec, _))) = (crossing[a], crossing[c]) else {
                continue;
            };
            let (ha, hc) = (reached[a], reached[c]);
            if ea[0] % 2 != ec[0] % 2 {
                continue;
            }
            // Each of the two frame edges is reached by a side's edge: a side may bend away
            // from its straight line (a curled receipt), but where neither reaches a frame
            // edge the document ends inside the frame.
            let c_start_first = ec[0] == ea[0];
            let (hc0, hc1) = if c_start_first {
                (hc[0], hc[1])
            } else {
                (hc[1], hc[0])
            };
            if !(ha[0] || hc0) || !(ha[1] || hc1) {
                continue;
            }
            // Just past the frame: the clipping rectangle is a pixel inside it.
            let beyond = |li: usize, start: bool| {
                let hl = &self.lines[li];
                if start {
                    hl.point_at(hl.t_min - 3.0)
                } else {
                    hl.point_at(hl.t_max + 3.0)
                }
            };
            let quad = [
                beyond(a, true),
                beyond(a, false),
                beyond(c, !c_start_first),
                beyond(c, c_start_first),
            ];
            if !is_convex(&quad) || signed_area(&quad).abs() < MIN_BAND_AREA * w * h {
                continue;
            }
            // Both seen sides measured: a line hugging the frame's edge has no outside.
            let centre = quad_centre(&quad);
            let clear = [(a, 0), (c, 2)].into_iter().all(|(li, k)| {
                side_contrast(work, quad[k], quad[k + 1], self.lines[li].line, centre)
                    .is_some_and(|(_, steady)| steady >= CLEAR_CONTRAST)
            });
            if !clear {
                continue;
            }
            // Nowhere else in the frame another edge like these two, apart from both: past
            // a document's sides lies the desk, between them its face; stripes repeat.
            let apart = |e: usize, li: usize| {
                let (hl, he) = (&self.lines[li], &self.lines[e]);
                let d = [he.t_min, he.t_max].map(|t| {
                    signed_distance_in_normal_form(hl.line.rho, hl.normal, he.point_at(t))
                });
                d[0] * d[1] > 0.0 && d[0].abs().min(d[1].abs()) >= 6.0
            };
            let repeated = (0..self.lines.len()).any(|e| {
                let Some((_, _, ee, _)) = crossing[e] else {
                    return false;
                };
                if ee[0] % 2 != ea[0] % 2 || !apart(e, a) || !apart(e, c) {
                    return false;
                }
                let he = &self.lines[e];
                let (p, q) = (he.point_at(he.t_min), he.point_at(he.t_max));
                side_contrast(work, p, q, he.line, centre)
                    .is_some_and(|(_, steady)| steady >= CLEAR_CONTRAST)
            });
            if repeated {
                continue;
            }
            let least = ca.min(cc);
            self.candidates.push(Candidate {
                lines: [a, OPEN_SIDE, c, OPEN_SIDE],
                quad,
                score: 0.85 * (sa + sc) * least.sqrt(),
                cover: [ca, least, cc, least],
            });
        }
        self.crossing = crossing;
        self.reached = reached;
    }

    /// Least, over the four sides, of the median colour difference between points 3 px inside
    /// and 3 px outside the side (working image, sum over R, G, B); and the least of that
    /// median scaled down by the side's steadiness where it is under [`STEADY_SIDE`]
    /// (`median × min(1, steadiness / STEADY_SIDE)`). Steadiness is how much of the
    /// differences' size survives averaging them as colour vectors, `|Σ d| / Σ |d|`: 1 when
    /// inside and outside differ the same way all along the side, near 0 when the difference
    /// changes sign along it.
    fn side_contrasts(&self, work: &WorkImage, quad: &[Point; 4]) -> (f32, f32) {
        let centre = quad_centre(quad);
        let mut least = f32::MAX;
        let mut least_steady = f32::MAX;
        for k in 0..4 {
            let Some(line) = Line::through(quad[k], quad[(k + 1) % 4]) else {
                return (0.0, 0.0);
            };
            if let Some((median, steady)) =
                side_contrast(work, quad[k], quad[(k + 1) % 4], line, centre)
            {
                least = least.min(median);
                least_steady = least_steady.min(steady);
            }
        }
        if least == f32::MAX {
            (0.0, 0.0)
        } else {
            (least, least_steady)
        }
    }

    /// How much the sides' lines carry on past the corners (0–1): a document's edges stop at
    /// its corners, a table edge or a ruled line does not.
    fn extension(&self, c: &Candidate) -> f32 {
        let mut total = 0.0;
        let mut count = 0.0;
        for k in 0..4 {
            let li = c.lines[k];
            if li == OPEN_SIDE {
                continue;
            }
            let hl = &self.lines[li];
            let (p, q) = (c.quad[k], c.quad[(k + 1) % 4]);
            let (tp, tq) = (hl.param_of(p), hl.param_of(q));
            let len = (tq - tp).abs();
            let reach = (0.2 * len).clamp(4.0, 25.0);
            let dir = (tq - tp).signum();
            for (t0, t1) in [
                (tp - dir * (reach + 2.0), tp - dir * 2.0),
                (tq + dir * 2.0, tq + dir * (reach + 2.0)),
            ] {
                let (s, vis) = self.support_between(li, t0, t1);
                if vis >= 3.0 {
                    total += s / vis;
                    count += 1.0;
                }
            }
        }
        if count == 0.0 {
            0.0
        } else {
            total / count
        }
    }

    /// Re-fits each side at full resolution to the sub-pixel position of the strongest colour
    /// step across it, then measures how close to each corner the sides' evidence reaches.
    /// `contrast` is the working image's median contrast across `c`'s weakest side.
    fn refine(
        &mut self,
        work: &WorkImage,
        frame: &Frame<'_>,
        c: &Candidate,
        contrast: f32,
    ) -> Outline {
        let sx = frame.width as f32 / work.width as f32;
        let sy = frame.height as f32 / work.height as f32;
        let to_full = |p: Point| Point::new((p.x + 0.5) * sx - 0.5, (p.y + 0.5) * sy - 0.5);
        let coarse = c.quad.map(to_full);
        let radius = (1.5 * sx.max(sy) + 2.0).ceil();
        let mut lines = [None; 4];
        let mut strength = [0.0f32; 4];
        for (k, slot) in lines.iter_mut().enumerate() {
            let (p, q) = (coarse[k], coarse[(k + 1) % 4]);
            // The coarse line's angle is only good to a degree: fit the middle of the side
            // first, where that matters least, then the whole side close to that fit.
            let first = self.fit_side(frame, p, q, radius, (0.25, 0.75));
            let second = first.and_then(|(l, _)| {
                let (a, b) = (project(l, p), project(l, q));
                self.fit_side(
                    frame,
                    a,
                    b,
                    (0.4 * sx.max(sy)).max(3.0).ceil(),
                    (0.08, 0.92),
                )
            });
            if let Some((line, median)) = second.or(first) {
                // Keep the refined side only when it agrees with the coarse one.
                let moved = line
                    .signed_distance(p)
                    .abs()
                    .max(line.signed_distance(q).abs());
                if moved <= 2.0 * radius {
                    *slot = Some(line);
                    strength[k] = median;
                }
            }
        }
        let mut quad = coarse;
        let side = |k: usize| lines[k].or_else(|| Line::through(coarse[k], coarse[(k + 1) % 4]));
        for k in 0..4 {
            if let (Some(a), Some(b)) = (side((k + 3) % 4), side(k)) {
                if let Some(p) = a.intersect(b) {
                    if p.distance(coarse[k]) <= 3.0 * radius {
                        quad[k] = p;
                    }
                }
            }
        }
        let in_frame = |p: Point| p.in_image(frame.width as f32, frame.height as f32);
        let (mut corner_gap, mut corner_oddness) = self.corner_checks(frame, &quad, in_frame);
        // A page that curls or lifts bends its sides near the corners: there the straight fit
        // of the whole side runs off the paper, and its edge seems not to reach the corner
        // found from that fit. At such a corner, follow both sides' edges from their middles
        // to the corner and put the corner where their last stretches meet.
        let sides = quad;
        for k in 0..4 {
            let p = sides[k];
            if !in_frame(p) || corner_gap[k] < BENT_CORNER_GAP {
                continue;
            }
            let (before, after) = ((k + 3) % 4, k);
            let local = |finder: &mut Self, side: usize, other: Point| {
                lines[side]
                    .and_then(|l| finder.follow_to_corner(frame, l, p, other, strength[side]))
            };
            let a = local(self, before, sides[before]);
            let b = local(self, after, sides[(k + 1) % 4]);
            if a.is_none() && b.is_none() {
                continue;
            }
            let (Some(a), Some(b)) = (a.or(lines[before]), b.or(lines[after])) else {
                continue;
            };
            if let Some(c) = a.intersect(b) {
                let shorter = p
                    .distance(sides[before])
                    .min(p.distance(sides[(k + 1) % 4]));
                let moved = c.distance(p);
                if moved >= MIN_CORNER_BEND * shorter && moved <= MAX_CORNER_BEND * shorter {
                    quad[k] = c;
                }
            }
        }
        if quad != sides {
            (corner_gap, corner_oddness) = self.corner_checks(frame, &quad, in_frame);
        }
        // Reorder to TL, TR, BR, BL and carry the per-corner and per-side figures along.
        let perm = order_corners_perm(&quad);
        let side_of = |j: usize| {
            let (a, b) = (perm[j], perm[(j + 1) % 4]);
            if b == (a + 1) % 4 {
                a
            } else {
                b
            }
        };
        let side_support = [0, 1, 2, 3].map(|j| c.cover[side_of(j)]);
        let corner_gap = perm.map(|i| corner_gap[i]);
        let corner_oddness = perm.map(|i| corner_oddness[i]);
        let quad = perm.map(|i| quad[i]);
        Outline {
            quad,
            score: c.score,
            side_support,
            contrast,
            corner_gap,
            corner_oddness,
            sides_run_on: [false; 4],
        }
    }

    /// Per side of closed outline `quad` (working pixels, TL, TR, BR, BL): whether both sides
    /// next to it carry on past its corners to the frame's edge. A side carries on when, over
    /// its run from its corner to the frame's edge, on the side's own line within a pixel,
    /// [`RUN_ON_COVER`] of the run holds an edge pixel aligned with it (within 20°) and the
    /// same way round (its gradient's sign along the side's normal as over the side's last
    /// 12 px before the corner); and the longer of the two runs is at least
    /// [`RUN_ON_MIN_PX`]. A line across a document near the frame's edge and turned a little
    /// leaves one side little or no room to be seen carrying on (an MRZ band at the frame's
    /// edge): the other side, seen to carry on, then judges, as long as the first shows
    /// nothing against it. A document's sides stop at its corners; past a line across the
    /// document (an MRZ band's top, a coloured band), they go on as the document goes on. The
    /// sign keeps texture out: wood grain and weave along the line have edges both ways
    /// round.
    fn sides_running_on(&self, work: &WorkImage, quad: &[Point; 4]) -> [bool; 4] {
        let (w, h) = (work.width, work.height);
        let tol = 20.0_f32.to_radians().cos();
        // The gradient across unit normal (nx, ny) of an aligned edge pixel within a pixel of
        // (x, y), if there is one.
        let aligned = |x: f32, y: f32, (nx, ny): (f32, f32)| -> Option<f32> {
            [0.0f32, -1.0, 1.0].iter().find_map(|&o| {
                let (px, py) = ((x + nx * o).round(), (y + ny * o).round());
                if px < 0.0 || py < 0.0 || px >= w as f32 || py >= h as f32 {
                    return None;
                }
                let i = py as usize * w + px as usize;
                if !self.edge[i] {
                    return None;
                }
                gradient_along(self.gx[i], self.gy[i], (nx, ny), tol)
            })
        };
        // How the side from `from` to `corner` carries on past `corner`: `None` when it
        // does not; else the length of the run judged, working pixels.
        let carries_on = |corner: Point, from: Point| -> Option<u32> {
            let len = corner.distance(from);
            // (NaN fails this too: a walk from a NaN corner would never leave the frame.)
            if !(len >= 1.0 && corner.x.is_finite() && corner.y.is_finite()) {
                return None;
            }
            let (ux, uy) = ((corner.x - from.x) / len, (corner.y - from.y) / len);
            let normal = (-uy, ux);
            let sign: f32 = (2..=14)
                .map(|t| t as f32)
                .take_while(|&t| t < len)
                .filter_map(|t| aligned(corner.x - ux * t, corner.y - uy * t, normal))
                .map(f32::signum)
                .sum();
            if sign == 0.0 {
                return None;
            }
            let (mut run, mut held) = (0u32, 0u32);
            let mut t = 2.0f32;
            while t <= (w + h) as f32 {
                let (x, y) = (corner.x + ux * t, corner.y + uy * t);
                if x < 1.0 || y < 1.0 || x > (w - 2) as f32 || y > (h - 2) as f32 {
                    break;
                }
                run += 1;
                held += u32::from(aligned(x, y, normal).is_some_and(|a| a * sign > 0.0));
                t += 1.0;
            }
            (held as f32 >= RUN_ON_COVER * run as f32).then_some(run)
        };
        [0, 1, 2, 3].map(|k| {
            match (
                carries_on(quad[k], quad[(k + 3) % 4]),
                carries_on(quad[(k + 1) % 4], quad[(k + 2) % 4]),
            ) {
                (Some(a), Some(b)) => a.max(b) as f32 >= RUN_ON_MIN_PX,
                _ => false,
            }
        })
    }

    /// Per corner of `quad` inside the frame: how far its sides' edges are missing from it
    /// ([`Self::gap_from_corner`], the larger of the two sides) and how odd the corner
    /// itself looks ([`measure_corner_oddness`]); 0 for corners outside the frame.
    fn corner_checks(
        &self,
        frame: &Frame<'_>,
        quad: &[Point; 4],
        in_frame: impl Fn(Point) -> bool,
    ) -> ([f32; 4], [f32; 4]) {
        let mut corner_gap = [0.0f32; 4];
        let mut corner_oddness = [0.0f32; 4];
        for k in 0..4 {
            let p = quad[k];
            if !in_frame(p) {
                continue;
            }
            // Side k leaves corner k towards corner k+1; side k-1 arrives from corner k-1.
            let before = quad[(k + 3) % 4];
            let after = quad[(k + 1) % 4];
            let (g1, r1) = self.gap_from_corner(frame, p, after);
            let (g2, r2) = self.gap_from_corner(frame, p, before);
            corner_gap[k] = g1.max(g2);
            corner_oddness[k] = measure_corner_oddness(frame, quad, k, r1.max(r2));
        }
        (corner_gap, corner_oddness)
    }

    /// Fits a line to the strongest colour step across the segment `p → q` (full-resolution
    /// pixels), searching `radius` pixels either side. Returns the line and the median step
    /// strength of the points used.
    fn fit_side(
        &mut self,
        frame: &Frame<'_>,
        p: Point,
        q: Point,
        radius: f32,
        span: (f32, f32),
    ) -> Option<(Line, f32)> {
        let line = Line::through(p, q)?;
        let (nx, ny) = line.normal();
        let len = p.distance(q);
        let count = (len / 4.0).clamp(8.0, 64.0) as usize;
        let r = radius as isize;
        self.samples.clear();
        self.strengths.clear();
        let (fw, fh) = (frame.width as f32, frame.height as f32);
        for s in 0..count {
            let f = span.0 + (span.1 - span.0) * (s as f32 + 0.5) / count as f32;
            let m = Point::new(p.x + (q.x - p.x) * f, p.y + (q.y - p.y) * f);
            if m.x < 1.0 || m.y < 1.0 || m.x > fw - 2.0 || m.y > fh - 2.0 {
                continue;
            }
            if let Some((offset, strength)) = strongest_step(frame, m, nx, ny, r) {
                self.samples
                    .push((Point::new(m.x + nx * offset, m.y + ny * offset), strength));
                self.strengths.push(strength);
            }
        }
        if self.samples.len() < 4 {
            return None;
        }
        self.strengths.sort_unstable_by(f32::total_cmp);
        let median = self.strengths[self.strengths.len() / 2];
        self.samples.retain(|&(_, st)| st >= 0.4 * median);
        let mut fit = Line::fit(&self.samples)?;
        for _ in 0..2 {
            let mut res: Vec<f32> = self
                .samples
                .iter()
                .map(|&(pt, _)| fit.signed_distance(pt).abs())
                .collect();
            res.sort_unstable_by(f32::total_cmp);
            let cut = (2.5 * res[res.len() / 2]).max(1.0);
            self.samples
                .retain(|&(pt, _)| fit.signed_distance(pt).abs() <= cut);
            if self.samples.len() < 4 {
                break;
            }
            fit = Line::fit(&self.samples)?;
        }
        Some((fit, median))
    }

    /// Follows the edge of the side `line` (a fit of the whole side, through `corner` and
    /// `other`) from the side's middle towards `corner`, and fits a line to the stretch
    /// nearest the corner. Steps are 1% of the side; at each the edge is looked for within
    /// 6 pixels of where the steps so far lead, so a side that bends is followed while text
    /// or texture further off is not. The edge must keep at least 0.4 of the side's
    /// `median` step strength; where it stops (a thumb, glare), nothing is returned, and
    /// neither when the stretch turns more than [`MAX_BEND_DEG`] from the whole side.
    fn follow_to_corner(
        &mut self,
        frame: &Frame<'_>,
        line: Line,
        corner: Point,
        other: Point,
        median: f32,
    ) -> Option<Line> {
        const STEPS: usize = 45;
        const NEAR_CORNER: f32 = 0.3;
        let (nx, ny) = line.normal();
        self.samples.clear();
        // Offset of the edge from `line` at the last step (found or predicted), its change per
        // step, and the offset last found.
        let (mut last, mut slope, mut misses) = (0.0f32, 0.0f32, 0);
        let mut previous: Option<f32> = None;
        for s in 0..STEPS {
            // From f = 0.5 down to 0.06: past a card's rounded corner.
            let f = 0.5 - 0.01 * s as f32;
            let base = Point::new(
                corner.x + (other.x - corner.x) * f,
                corner.y + (other.y - corner.y) * f,
            );
            let predicted = last + slope;
            let m = Point::new(base.x + nx * predicted, base.y + ny * predicted);
            match strongest_step(frame, m, nx, ny, 6) {
                Some((off, strength)) if strength >= 0.4 * median => {
                    let offset = predicted + off;
                    if let Some(prev) = previous {
                        slope = offset - prev;
                    }
                    previous = Some(offset);
                    last = offset;
                    misses = 0;
                    if f <= NEAR_CORNER + 1e-3 {
                        self.samples.push((
                            Point::new(base.x + nx * offset, base.y + ny * offset),
                            strength,
                        ));
                    }
                }
                _ => {
                    misses += 1;
                    last = predicted;
                    if misses == 3 {
                        return None;
                    }
                }
            }
        }
        if self.samples.len() < 16 {
            return None;
        }
        let fit = Line::fit(&self.samples)?;
        (angle_between(fit.theta, line.theta) <= MAX_BEND_DEG.to_radians()).then_some(fit)
    }

    /// Walks from `corner` towards `other` along the side and returns how far (share of the
    /// side's length, 0–0.5) the side's edge is missing before it shows up steadily.
    ///
    /// The edge is "there" where the colours a few pixels either side of the line differ:
    /// under a thumb both sides are skin, so they do not. The bar is set by the same
    /// difference in the middle of the side, but kept low in absolute terms because a side's
    /// contrast can change along it (a card's coloured header). A stretch that is clipped
    /// white is glare, reported as such, not a covered corner. The gap is counted from where
    /// the side can first be looked at: a side that runs along the frame's border has the
    /// outside of the frame on one hand, and shows nothing either way there.
    fn gap_from_corner(&self, frame: &Frame<'_>, corner: Point, other: Point) -> (f32, f32) {
        let Some(line) = Line::through(corner, other) else {
            return (0.0, 0.0);
        };
        let (nx, ny) = line.normal();
        let len = corner.distance(other);
        let k = (0.01 * len).max(3.0);
        let (fw, fh) = (frame.width as f32, frame.height as f32);
        let at = |f: f32| {
            Point::new(
                corner.x + (other.x - corner.x) * f,
                corner.y + (other.y - corner.y) * f,
            )
        };
        let across = |m: Point| -> Option<(f32, bool)> {
            let (a, b) = (
                Point::new(m.x - nx * k, m.y - ny * k),
                Point::new(m.x + nx * k, m.y + ny * k),
            );
            if !a.in_image(fw, fh) || !b.in_image(fw, fh) {
                return None;
            }
            let (ca, cb) = (frame.rgb_bilinear(a.x, a.y), frame.rgb_bilinear(b.x, b.y));
            let diff = (ca[0] - cb[0]).abs() + (ca[1] - cb[1]).abs() + (ca[2] - cb[2]).abs();
            let clipped = ca.iter().chain(cb.iter()).filter(|&&v| v >= 245.0).count() >= 3;
            Some((diff, clipped))
        };
        let mut mids = [0f32; 11];
        let mut count = 0;
        for s in 0..11 {
            if let Some((d, _)) = across(at(0.35 + 0.03 * s as f32)) {
                mids[count] = d;
                count += 1;
            }
        }
        if count < 3 {
            return (0.0, 0.0);
        }
        mids[..count].sort_unstable_by(f32::total_cmp);
        let reference = mids[count / 2];
        // The contrast across the side near the corner, past any rounding.
        let mut near = [0f32; 6];
        let mut n_near = 0;
        for s in 0..6 {
            if let Some((d, _)) = across(at(0.06 + 0.02 * s as f32)) {
                near[n_near] = d;
                n_near += 1;
            }
        }
        let near_ref = if n_near == 0 {
            reference
        } else {
            near[..n_near].sort_unstable_by(f32::total_cmp);
            near[n_near / 2]
        };
        let bar = (0.35 * reference).min((0.05 * reference).max(MIN_CORNER_STEP));
        let (mut consecutive, mut clipped, mut missing) = (0, 0, 0);
        // Where the side can first be looked at: along the frame's border it cannot (one side
        // of the line is outside), and what cannot be seen is no evidence of a thumb.
        let mut first_seen = None;
        for s in 0..50 {
            let f = 0.01 * s as f32;
            let m = at(f);
            let Some((d, c)) = across(m) else {
                consecutive = 0;
                continue;
            };
            let first_seen = *first_seen.get_or_insert(f);
            // A faint but crisp step right on the line (a dark header on a dark desk) is the
            // edge too; a thumb is smooth there.
            let crisp = || {
                strongest_step(frame, m, nx, ny, 2)
                    .is_some_and(|(off, st)| off.abs() <= 1.0 && st >= 8.0)
            };
            if d >= bar || crisp() {
                consecutive += 1;
                if consecutive == 3 {
                    let gap = (f - 0.02 - first_seen).max(0.0);
                    // Mostly clipped where the edge is missing: glare, not a thumb.
                    return (
                        if 2 * clipped >= missing.max(1) {
                            0.0
                        } else {
                            gap
                        },
                        near_ref,
                    );
                }
            } else {
                consecutive = 0;
                missing += 1;
                clipped += usize::from(c);
            }
        }
        (
            if missing == 0 || 2 * clipped >= missing {
                0.0
            } else {
                0.5
            },
            near_ref,
        )
    }
}

/// How unlike both the document and the background the very corner of `quad` (corner `k`)
/// looks: the colour just inside the corner point is compared with the document's and the
/// background's colours a little way along both sides, and the smaller difference is
/// returned as a share of `reference` (the contrast across the sides near the corner). A
/// visible corner matches one of them; a thumb over the corner matches neither. Clipped
/// corners count as matching: glare is reported on its own.
fn measure_corner_oddness(frame: &Frame<'_>, quad: &[Point; 4], k: usize, reference: f32) -> f32 {
    let Some(h) = crate::region::Homography::square_to_quad(quad) else {
        return 0.0;
    };
    if reference < 1.0 {
        return 0.0;
    }
    let (cu, cv) = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)][k];
    let (du, dv): (f32, f32) = (
        if cu == 0.0 { 1.0 } else { -1.0 },
        if cv == 0.0 { 1.0 } else { -1.0 },
    );
    let sample = |a: f32, b: f32| -> Option<[f32; 3]> {
        let (x, y) = h.apply(cu + du * a, cv + dv * b);
        if x < 0.0 || y < 0.0 || x > (frame.width - 1) as f32 || y > (frame.height - 1) as f32 {
            return None;
        }
        Some(frame.rgb_bilinear(x, y))
    };
    let Some(corner) = sample(0.012, 0.012) else {
        return 0.0;
    };
    if corner.iter().all(|&v| v >= 240.0) {
        return 0.0;
    }
    let dist = |c: [f32; 3]| (0..3).map(|i| (c[i] - corner[i]).abs()).sum::<f32>();
    let mut least = f32::MAX;
    for (a, b) in [
        (-0.04, 0.2),
        (0.2, -0.04),
        (0.04, 0.2),
        (0.2, 0.04),
        (-0.04, 0.1),
        (0.1, -0.04),
    ] {
        if let Some(c) = sample(a, b) {
            least = least.min(dist(c));
        }
    }
    if least == f32::MAX {
        0.0
    } else {
        least / reference
    }
}

/// The median colour difference across the side from `p` to `q` (on `line`) of a quad whose
/// centre is `centre`, and that median scaled down by the side's steadiness (see
/// `OutlineFinder::side_contrasts`); `None` when fewer than 3 of its 16 samples have both
/// their points in the image.
fn side_contrast(
    work: &WorkImage,
    p: Point,
    q: Point,
    line: Line,
    centre: Point,
) -> Option<(f32, f32)> {
    let (w, h) = (work.width as isize, work.height as isize);
    let (mut nx, mut ny) = line.normal();
    // Point the normal outwards.
    if line.signed_distance(centre) > 0.0 {
        nx = -nx;
        ny = -ny;
    }
    let mut diffs = [0f32; 16];
    let mut count = 0;
    let (mut sum, mut size) = ([0f32; 3], 0f32);
    for s in 0..16 {
        let f = 0.1 + 0.8 * (s as f32 + 0.5) / 16.0;
        let m = Point::new(p.x + (q.x - p.x) * f, p.y + (q.y - p.y) * f);
        let inside = (
            (m.x - 3.0 * nx).round() as isize,
            (m.y - 3.0 * ny).round() as isize,
        );
        let outside = (
            (m.x + 3.0 * nx).round() as isize,
            (m.y + 3.0 * ny).round() as isize,
        );
        let in_frame = |(x, y): (isize, isize)| x >= 0 && y >= 0 && x < w && y < h;
        if !in_frame(inside) || !in_frame(outside) {
            continue;
        }
        let (i, o) = (
            (inside.1 * w + inside.0) as usize,
            (outside.1 * w + outside.0) as usize,
        );
        let d = [
            f32::from(work.r[i]) - f32::from(work.r[o]),
            f32::from(work.g[i]) - f32::from(work.g[o]),
            f32::from(work.b[i]) - f32::from(work.b[o]),
        ];
        for (a, v) in sum.iter_mut().zip(d) {
            *a += v;
        }
        size += (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        diffs[count] = d[0].abs() + d[1].abs() + d[2].abs();
        count += 1;
    }
    if count < 3 {
        return None;
    }
    let d = &mut diffs[..count];
    d.sort_unstable_by(f32::total_cmp);
    let median = d[count / 2];
    let steadiness = if size > 0.0 {
        (sum[0] * sum[0] + sum[1] * sum[1] + sum[2] * sum[2]).sqrt() / size
    } else {
        0.0
    };
    Some((median, median * (steadiness / STEADY_SIDE).min(1.0)))
}

/// The component of gradient `(gx, gy)` along unit normal `(c, s)` when the gradient lies
/// within the angle whose cosine is `cos` of that normal, either way round; `None` otherwise.
#[inline]
fn gradient_along(gx: i16, gy: i16, (c, s): (f32, f32), cos: f32) -> Option<f32> {
    let (gx, gy) = (f32::from(gx), f32::from(gy));
    let dot = gx * c + gy * s;
    (dot * dot >= cos * cos * (gx * gx + gy * gy)).then_some(dot)
}

/// The foot of the perpendicular from `p` on `l`.
/// Index of three consecutive sides `x`, `y`, `z` (of `n` lines) in the closed-triples set;
/// the same for `z`, `y`, `x`.
fn triple_index(n: usize, x: usize, y: usize, z: usize) -> usize {
    (y * n + x.min(z)) * n + x.max(z)
}

/// Colour step (sum over R, G, B, across ±1% of the side) that counts as the side's edge going
/// on towards a corner, unless 35% of the side's own contrast is less: a thumb's shading and
/// outline reach 15–20, a document's edge more.
const MIN_CORNER_STEP: f32 = 25.0;
/// Most a side's last stretch may turn from the side as a whole, degrees (a curled page).
const MAX_BEND_DEG: f32 = 8.0;
/// Most a corner may move, as a share of its shorter side, when put where the last stretches
/// of its sides meet.
const MAX_CORNER_BEND: f32 = 0.06;
/// Least such a move, as a share of the shorter side: less is the noise of fitting a short
/// stretch, and the fit of the whole side is the better estimate.
const MIN_CORNER_BEND: f32 = 0.01;
/// A corner whose sides' edges stop this far (share of the side) short of it is looked at
/// for a bend; the others keep the corner of the sides' straight fits.
const BENT_CORNER_GAP: f32 = 0.02;

/// A set of lines (indices below 128), iterated in ascending order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct LineSet(u128);

/// Side scores of one line against each other line (the one that closes the side), scored
/// once and remembered during the quad enumeration: which were scored, which failed, and
/// the scores (supported length and cover, as [`OutlineFinder::side_score`] gives them).
#[derive(Debug)]
struct SideMemo {
    known: LineSet,
    failed: LineSet,
    scores: [(f32, f32); 128],
}

impl Default for SideMemo {
    fn default() -> Self {
        SideMemo {
            known: LineSet::default(),
            failed: LineSet::default(),
            scores: [(0.0, 0.0); 128],
        }
    }
}

impl SideMemo {
    /// Forgets every score (they are kept, but no longer known).
    fn forget(&mut self) {
        self.known = LineSet::default();
        self.failed = LineSet::default();
    }

    /// The score against line `i`, from `score` the first time it is asked for; `None` when
    /// the side failed.
    fn score(
        &mut self,
        i: usize,
        score: impl FnOnce() -> Option<(f32, f32)>,
    ) -> Option<(f32, f32)> {
        if !self.known.contains(i) {
            self.known.insert(i);
            match score() {
                Some(v) => self.scores[i] = v,
                None => self.failed.insert(i),
            }
        }
        (!self.failed.contains(i)).then(|| self.scores[i])
    }
}

const _: () = assert!(MOST_LINES <= 128, "a LineSet holds 128 lines");

impl LineSet {
    /// The set of line `i` alone, put together from 64-bit halves: a shift of a `u128` by a
    /// variable amount is a library call in wasm, in the innermost loops of the quad search.
    fn bit(i: usize) -> u128 {
        let one = 1u64 << (i & 63);
        let (lo, hi) = if i < 64 { (one, 0) } else { (0, one) };
        (u128::from(hi) << 64) | u128::from(lo)
    }

    /// The lines after `i`.
    fn above(i: usize) -> Self {
        let b = Self::bit(i);
        LineSet(!(b | (b - 1)))
    }

    fn contains(self, i: usize) -> bool {
        self.0 & Self::bit(i) != 0
    }

    fn insert(&mut self, i: usize) {
        self.0 |= Self::bit(i);
    }

    fn and(self, other: Self) -> Self {
        LineSet(self.0 & other.0)
    }

    fn without(self, other: Self) -> Self {
        LineSet(self.0 & !other.0)
    }

    fn or(self, other: Self) -> Self {
        LineSet(self.0 | other.0)
    }

    fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The first `count` lines of the set.
    fn first(self, count: usize) -> Self {
        let mut out = LineSet::default();
        for i in self.iter().take(count) {
            out.insert(i);
        }
        out
    }

    fn iter(self) -> LineSetIter {
        LineSetIter(self.0)
    }
}

/// The lines of a [`LineSet`], ascending.
struct LineSetIter(u128);

impl Iterator for LineSetIter {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        (self.0 != 0).then(|| {
            let i = self.0.trailing_zeros() as usize;
            self.0 &= self.0 - 1;
            i
        })
    }
}

/// Cuts `candidates` back to its `keep` best (see [`best_first`]; in no particular order)
/// when it holds more; returns the least score kept then (the selection leaves it last).
fn keep_best(candidates: &mut Vec<Candidate>, keep: usize) -> Option<f32> {
    if candidates.len() <= keep {
        return None;
    }
    candidates.select_nth_unstable_by(keep - 1, best_first);
    candidates.truncate(keep);
    candidates.last().map(|c| c.score)
}

/// Whether `quad` runs out of the frame (`w` × `h`) and has a corner more than
/// [`MAX_SKEW_PAST_FRAME_DEG`] off square. The lines of wood grain, floorboards and tiles
/// cross the frame at any angle and close such shapes; a document seen so obliquely (some 60°
/// of tilt: its text squeezed to under half its width) cannot be read anyway, and one running
/// out of the frame has fewer of its own corners to show for it. Documents wholly in the
/// frame are not held to this: all four corners seen are evidence enough.
fn too_skewed_past_frame(quad: &[Point; 4], w: f32, h: f32) -> bool {
    let past = quad
        .iter()
        .any(|p| p.x < 0.0 || p.y < 0.0 || p.x > w - 1.0 || p.y > h - 1.0);
    // |cos| of a corner's angle above sin(limit) is a corner more than the limit off 90°.
    let most_cos = MAX_SKEW_PAST_FRAME_DEG.to_radians().sin();
    past && (0..4).any(|k| {
        let (p, a, b) = (quad[k], quad[(k + 3) % 4], quad[(k + 1) % 4]);
        let (ux, uy, vx, vy) = (a.x - p.x, a.y - p.y, b.x - p.x, b.y - p.y);
        let dot = ux * vx + uy * vy;
        dot * dot > most_cos * most_cos * (ux * ux + uy * uy) * (vx * vx + vy * vy)
    })
}

/// How much `quad` is preferred for keeping to `prior` (corners in any order): 1 when a
/// corner lies further than [`PRIOR_TOLERANCE`] from every corner of `prior`, else from 1 up
/// to [`PRIOR_HOLD`] as its furthest corner comes closer; so that among a family of nearby
/// lines (a page's edge and the print beside it) the one held last time keeps winning.
fn hold(quad: &[Point; 4], prior: &[Point; 4]) -> f32 {
    let diag = prior[0].distance(prior[2]).max(prior[1].distance(prior[3]));
    let tol = (PRIOR_TOLERANCE * diag).max(PRIOR_MIN_PX);
    let off = quad
        .iter()
        .map(|p| {
            prior
                .iter()
                .map(|q| p.distance(*q))
                .fold(f32::MAX, f32::min)
        })
        .fold(0.0f32, f32::max);
    if off > tol {
        1.0
    } else {
        1.0 + (PRIOR_HOLD - 1.0) * (1.0 - off / tol)
    }
}

/// Higher score first; equal scores by their lines, so that which of two equal candidates is
/// kept or wins never depends on the order they were found in. Not inlined: the two sorts
/// that use it would copy it into every place they compare (+2 KB of gzipped wasm).
#[inline(never)]
fn best_first(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.lines.cmp(&b.lines))
}

fn project(l: Line, p: Point) -> Point {
    let (c, s) = l.normal();
    let d = l.signed_distance(p);
    Point::new(p.x - d * c, p.y - d * s)
}

/// The middle of a quad's corners inside the `w` × `h` image, when at least two are.
fn seen_centre(q: &[Point; 4], w: f32, h: f32) -> Option<Point> {
    let seen = q.iter().filter(|p| p.in_image(w, h));
    let (n, sum) = seen.fold((0.0, Point::new(0.0, 0.0)), |(n, a), p| {
        (n + 1.0, Point::new(a.x + p.x, a.y + p.y))
    });
    (n >= 2.0).then(|| Point::new(sum.x / n, sum.y / n))
}

/// `v` emptied and filled with `len` copies of `value`; its buffer is made `most` long the
/// first time, the size the most lines give. The tables of line pairs and triples (n², n³)
/// would otherwise grow by doubling, each time a frame has more lines than any before, and
/// leave the old buffers as holes in the wasm memory.
fn refill<T: Clone>(v: &mut Vec<T>, len: usize, most: usize, value: T) {
    v.clear();
    v.reserve_exact(most.max(len));
    v.resize(len, value);
}

/// Offset along the normal (pixels, sub-pixel) and strength (sum over R, G, B of the step
/// between neighbouring samples) of the strongest colour step within `r` pixels of `m`.
fn strongest_step(frame: &Frame<'_>, m: Point, nx: f32, ny: f32, r: isize) -> Option<(f32, f32)> {
    let mut prev = frame.rgb_bilinear(m.x - nx * r as f32, m.y - ny * r as f32);
    let mut steps = [0f32; 64];
    let n = (2 * r) as usize;
    if n == 0 || n > steps.len() {
        return None;
    }
    for (k, step) in steps.iter_mut().enumerate().take(n) {
        let o = (k as isize - r + 1) as f32;
        let cur = frame.rgb_bilinear(m.x + nx * o, m.y + ny * o);
        *step = (cur[0] - prev[0]).abs() + (cur[1] - prev[1]).abs() + (cur[2] - prev[2]).abs();
        prev = cur;
    }
    let (best, &v) = steps[..n]
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))?;
    if v < 6.0 {
        return None;
    }
    // Parabola through the peak and its neighbours for a sub-pixel position.
    let mut delta = 0.0;
    if best > 0 && best + 1 < n {
        let (a, c) = (steps[best - 1], steps[best + 1]);
        let denom = a - 2.0 * v + c;
        if denom.abs() > 1e-6 {
            delta = (0.5 * (a - c) / denom).clamp(-0.5, 0.5);
        }
    }
    // Step k lies between samples at offsets k - r and k - r + 1.
    Some((best as f32 - r as f32 + 0.5 + delta, v))
}

/// Sobel gx, gy and the octagonal approximation of the magnitude (within 8%, no square
/// root) at column `x + 1` of a row, from its column sums and row differences.
#[inline(always)]
fn sobel_at(colsum: &[i16], rowdiff: &[i16], x: usize) -> (i16, i16, i16) {
    let gx = colsum[x + 2] - colsum[x];
    let gy = rowdiff[x] + 2 * rowdiff[x + 1] + rowdiff[x + 2];
    let (ax, ay) = (gx.abs(), gy.abs());
    (gx, gy, ax.max(ay) + ((ax.min(ay) >> 3) * 3))
}

/// A 1-4-6-4-1 binomial filter each way (edges repeated); the output holds 16× values
/// (0–4080).
fn smooth_plane(src: &[u8], out: &mut Vec<u16>, tmp: &mut Vec<u16>, w: usize, h: usize) {
    tmp.clear();
    tmp.resize(src.len(), 0);
    out.clear();
    out.resize(src.len(), 0);
    for (row, t) in src.chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        let at = |x: isize| u16::from(row[x.clamp(0, w as isize - 1) as usize]);
        let tap = |x: isize| at(x - 2) + 4 * at(x - 1) + 6 * at(x) + 4 * at(x + 1) + at(x + 2);
        if w < 5 {
            for (x, v) in t.iter_mut().enumerate() {
                *v = tap(x as isize);
            }
            continue;
        }
        for x in [0, 1, w - 2, w - 1] {
            t[x] = tap(x as isize);
        }
        // Five equal-length shifted views of the row: the loop vectorises.
        let n = w - 4;
        let (a, b, c, d, e) = (
            &row[..n],
            &row[1..=n],
            &row[2..n + 2],
            &row[3..n + 3],
            &row[4..],
        );
        for (x, o) in t[2..n + 2].iter_mut().enumerate() {
            let [a, b, c, d, e] = [a[x], b[x], c[x], d[x], e[x]].map(u16::from);
            *o = a + 4 * b + 6 * c + 4 * d + e;
        }
    }
    for y in 0..h {
        let r = |dy: isize| (y as isize + dy).clamp(0, h as isize - 1) as usize * w;
        let (a, b, c, d, e) = (r(-2), r(-1), r(0), r(1), r(2));
        let (ra, rb, rc, rd, re) = (
            &tmp[a..a + w],
            &tmp[b..b + w],
            &tmp[c..c + w],
            &tmp[d..d + w],
            &tmp[e..e + w],
        );
        // Each input is at most 4080, so the weighted sum (at most 65 280) fits u16.
        for (x, o) in out[c..c + w].iter_mut().enumerate() {
            *o = (ra[x] + 4 * rb[x] + 6 * rc[x] + 4 * rd[x] + re[x]) >> 4;
        }
    }
}

/// Counts of each value (all below `N`). Four histograms filled in turn and summed: a run of
/// equal values (a flat region) would otherwise make each count wait for the one before.
fn histogram<const N: usize>(values: impl Iterator<Item = usize>) -> [u32; N] {
    let mut parts = [[0u32; N]; 4];
    for (k, v) in values.enumerate() {
        parts[k & 3][v] += 1;
    }
    std::array::from_fn(|i| parts[0][i] + parts[1][i] + parts[2][i] + parts[3][i])
}

/// Smallest angle between two line normals, radians (0–π/2).
fn angle_between(a: f32, b: f32) -> f32 {
    let mut d = (a - b).abs();
    if d >= PI {
        d = d.rem_euclid(PI);
    }
    d.at_most(PI - d)
}

/// Fills `path` with the index of the working pixel nearest to `p0 + k·(dx, dy)`, moved by
/// `off` along the normal `(dy, -dx)`, for `k` in `0..steps`; 0 where that pixel is on or
/// outside the image's border (pixel 0 is never an edge pixel). One plain pass of arithmetic
/// that vectorises; the tests on the pixels come after.
fn trace(
    path: &mut Vec<u32>,
    p0: Point,
    (dx, dy): (f32, f32),
    off: f32,
    steps: usize,
    w: usize,
    h: usize,
) {
    let (c, s) = (dy, -dx);
    let (wi, hi) = (w as i32, h as i32);
    path.clear();
    path.resize(steps, 0);
    // k in i32: its conversion to f32 vectorises (same values below 2^24).
    for (i, k) in path.iter_mut().zip(0i32..) {
        let (x, y) = (p0.x + dx * k as f32, p0.y + dy * k as f32);
        let (x, y) = (round_to_i32(x + off * c), round_to_i32(y + off * s));
        let inside = x >= 1 && y >= 1 && x < wi - 1 && y < hi - 1;
        *i = if inside { (y * wi + x) as u32 } else { 0 };
    }
}

/// The longest stretch of `path` whose pixels pass `on`, gaps of up to two steps bridged.
fn longest_run(path: &[u32], on: impl Fn(usize) -> bool) -> usize {
    let (mut best, mut start, mut last_hit, mut in_run) = (0usize, 0usize, 0usize, false);
    for (k, &i) in path.iter().enumerate() {
        if on(i as usize) {
            if !in_run || k - last_hit > 3 {
                start = k;
                in_run = true;
            }
            last_hit = k;
            best = best.max(last_hit - start + 1);
        }
    }
    best
}

/// Nearest integer for the working image's coordinates (|v| < 16384), without a libm call;
/// in 32 bits, which vectorises.
#[inline]
fn round_to_i32(v: f32) -> i32 {
    (v + 16384.5) as i32 - 16384
}

/// `v` when `on`, else 0, as arithmetic (a mask), which vectorises.
#[inline]
fn masked(on: bool, v: u16) -> u16 {
    v & u16::from(on).wrapping_neg()
}

/// The Hough angle bin (0–180, where 180 is bin 0 again) of a gradient's direction modulo
/// 180°: the nearest whole degree. The angle comes from a polynomial for atan in f64 (error
/// 6e-9 rad) rather than a libm call (a software routine in wasm); for every gradient the
/// Sobel pass can give (components within ±4 × 255) the bin is the one `f32::atan2` gives,
/// but for a few ties within 0.003° of a half degree (a test checks them all).
fn angle_bin(gx: i16, gy: i16) -> isize {
    let (x, y) = (f64::from(gx), f64::from(gy));
    let (ax, ay) = (x.abs(), y.abs());
    let (lo, hi) = if ay > ax { (ax, ay) } else { (ay, ax) };
    let t = if hi > 0.0 { lo / hi } else { 0.0 };
    let t2 = t * t;
    // Least-maximum-error odd polynomial for atan on [0, 1] (error 6e-9 rad).
    const C: [f64; 9] = [
        0.999_999_886_390_516_3,
        -0.333_325_970_696_210_17,
        0.199_859_074_173_484_78,
        -0.141_612_337_012_528_23,
        0.104_989_624_136_219_94,
        -0.072_348_906_252_242_22,
        0.039_781_606_149_568_23,
        -0.014_401_589_960_933_256,
        0.002_456_782_230_594_402_3,
    ];
    let mut a = t * C.iter().rev().fold(0.0f64, |acc, &c| acc * t2 + c);
    if ay > ax {
        a = std::f64::consts::FRAC_PI_2 - a;
    }
    if x < 0.0 {
        a = std::f64::consts::PI - a;
    }
    // atan2's angle, to f32, then the same steps as from `f32::atan2`.
    let mut phi = if y < 0.0 { -a } else { a } as f32;
    if phi < 0.0 {
        phi += PI;
    }
    round_to_int(phi / PI * ANGLE_BINS as f32)
}

/// [`round_to_i32`] as an index offset.
#[inline]
fn round_to_int(v: f32) -> isize {
    round_to_i32(v) as isize
}

/// Mean of two line angles that are close modulo π.
fn mean_direction(a: f32, b: f32) -> f32 {
    let mut d = b - a;
    if d > PI / 2.0 {
        d -= PI;
    } else if d < -PI / 2.0 {
        d += PI;
    }
    // `rem_euclid(PI)` without its library call (fmod) in the usual ranges, with the same
    // results: the subtractions are exact there.
    let m = a + d / 2.0;
    if (0.0..PI).contains(&m) {
        m
    } else if m > -PI && m < 0.0 {
        m + PI
    } else if (PI..2.0 * PI).contains(&m) {
        m - PI
    } else {
        m.rem_euclid(PI)
    }
}

fn same_line(a: Line, b: Line, max_angle: f32, max_rho: f32) -> bool {
    let d = (a.theta - b.theta).abs();
    if d < max_angle {
        (a.rho - b.rho).abs() < max_rho
    } else if (PI - d) < max_angle {
        (a.rho + b.rho).abs() < max_rho
    } else {
        false
    }
}

/// Parameter range of `line` inside the rectangle `[x0, x1] × [y0, y1]` (Liang–Barsky), or
/// `None` when it misses it.
fn clip_to_rect(line: Line, x0: f32, y0: f32, x1: f32, y1: f32) -> Option<(f32, f32)> {
    let (c, s) = line.normal();
    let (dx, dy) = line.direction();
    let (px, py) = (line.rho * c, line.rho * s);
    let mut lo = f32::NEG_INFINITY;
    let mut hi = f32::INFINITY;
    for (p, d, min, max) in [(px, dx, x0, x1), (py, dy, y0, y1)] {
        if d.abs() < 1e-6 {
            if p < min || p > max {
                return None;
            }
        } else {
            let (a, b) = ((min - p) / d, (max - p) / d);
            lo = lo.max(a.min(b));
            hi = hi.min(a.max(b));
        }
    }
    (hi > lo).then_some((lo, hi))
}

/// The sides of a convex quad as lines with inward unit normals: how deep a point lies inside
/// it.
struct Inset([(f32, f32, f32); 4]);

impl Inset {
    fn new(q: &[Point; 4]) -> Self {
        let orient = signed_area(q).signum();
        Inset(std::array::from_fn(|k| {
            let (a, b) = (q[k], q[(k + 1) % 4]);
            let len = a.distance(b).max(1e-6);
            // Cross product of the side with a − p, per unit of the side's length.
            let (nx, ny) = (-(b.y - a.y) * orient / len, (b.x - a.x) * orient / len);
            (nx, ny, -(nx * a.x + ny * a.y))
        }))
    }

    /// The columns `a..b` of row `y`, within `lo..=hi`, at least `t` deep inside (`a == b`
    /// when none are).
    fn span(&self, y: f32, t: f32, lo: usize, hi: usize) -> (usize, usize) {
        let (mut a, mut b) = (lo as f32, hi as f32 + 1.0);
        for &(nx, ny, d) in &self.0 {
            // nx·x ≥ t − ny·y − d.
            let r = t - ny * y - d;
            if nx > 1e-6 {
                a = a.at_least((r / nx).ceil());
            } else if nx < -1e-6 {
                b = b.at_most((r / nx).floor() + 1.0);
            } else if r > 0.0 {
                return (lo, lo);
            }
        }
        if b <= a {
            return (lo, lo);
        }
        (a as usize, b as usize)
    }

    /// Least distance of (x, y) from the sides, positive inside, negative outside.
    fn depth(&self, x: f32, y: f32) -> f32 {
        self.0
            .iter()
            .map(|&(nx, ny, d)| nx * x + ny * y + d)
            .fold(f32::MAX, f32::at_most)
    }
}

/// The ratio (≥ 1) of the sums of `q`'s opposite sides.
fn side_ratio(q: &[Point; 4]) -> f32 {
    let horizontal = q[0].distance(q[1]) + q[2].distance(q[3]);
    let vertical = q[1].distance(q[2]) + q[3].distance(q[0]);
    (horizontal / vertical.max(1e-3)).max(vertical / horizontal.max(1e-3))
}

/// 1 for quads whose side ratio is near a known document's (ID-1, passport page, A4, US
/// letter), less for others; perspective is allowed for by the tolerance.
fn aspect_factor(q: &[Point; 4]) -> f32 {
    let ratio = side_ratio(q);
    if ratio > 8.0 {
        return 0.2;
    }
    // Squares are sticky notes, tiles and boxes far more often than documents: a square is
    // held to twice the evidence to count as a document at all (see [`SQUARE_ACCEPT`]), but
    // among the outlines of one frame the shape only breaks near-ties, since some pages and
    // clippings are square too.
    if ratio < SQUARE_RATIO {
        return SQUARE_RANK;
    }
    let dist = log_distance_to_known_shape(ratio);
    if dist < 0.12 {
        1.0
    } else {
        (1.0 - 0.8 * (dist - 0.12)).at_least(0.75)
    }
}

/// How far a three-sided hypothesis's sides run from its seen side, as multiples of that
/// side's length, ascending: an ID-1 card's and a passport page's side ratios (1.586, 1.42;
/// A4's is within 0.5% of the passport page's), with either their long or their short side
/// seen. The first that puts the fourth side beyond the frame is taken.
const OPEN_EXTENTS: [f32; 4] = [1.0 / 1.586, 1.0 / 1.42, 1.42, 1.586];

/// Side ratios of the known documents, ascending: US letter, A4, passport page, ID-1.
const KNOWN_RATIOS: [f32; 4] = [11.0 / 8.5, 297.0 / 210.0, 125.0 / 88.0, 85.60 / 53.98];

/// The least `|ln(ratio / known)|` over the known ratios. `ln(ratio / known)` falls as the
/// known ratio rises, so the least is at the last known ratio not above `ratio` or the next:
/// two logarithms, not four (a quad search scores thousands of quads a frame).
fn log_distance_to_known_shape(ratio: f32) -> f32 {
    let q = KNOWN_RATIOS.map(|k| ratio / k);
    match q.iter().rposition(|&v| v >= 1.0) {
        None => q[0].ln().abs(),
        Some(j) if j + 1 == q.len() => q[j].ln().abs(),
        Some(j) => q[j].ln().abs().at_most(q[j + 1].ln().abs()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_direction_is_the_mean_angle_modulo_pi() {
        // The library's remainder, as written before its usual ranges were worked out
        // without it.
        let reference = |a: f32, b: f32| {
            let mut d = b - a;
            if d > PI / 2.0 {
                d -= PI;
            } else if d < -PI / 2.0 {
                d += PI;
            }
            (a + d / 2.0).rem_euclid(PI)
        };
        let angles: Vec<f32> = (-400..=800).map(|k| k as f32 * 0.01).collect();
        for &a in &angles {
            for &b in angles.iter().step_by(7) {
                let m = mean_direction(a, b);
                assert_eq!(m.to_bits(), reference(a, b).to_bits(), "{a} {b}");
                assert!((0.0..=PI).contains(&m));
            }
        }
        assert!((mean_direction(0.1, PI - 0.1) - 0.0).abs() < 1e-6);
    }

    #[test]
    fn distance_to_known_shapes_is_the_least_of_all_four() {
        let mut ratio = 1.0f32;
        while ratio < 9.0 {
            let all = KNOWN_RATIOS
                .iter()
                .map(|k| (ratio / k).ln().abs())
                .fold(f32::MAX, f32::min);
            assert_eq!(
                log_distance_to_known_shape(ratio).to_bits(),
                all.to_bits(),
                "{ratio}"
            );
            ratio = f32::from_bits(ratio.to_bits() + 7);
        }
        for k in KNOWN_RATIOS {
            assert_eq!(log_distance_to_known_shape(k), 0.0);
        }
    }

    #[test]
    fn stripes_crossing_a_side_have_contrast_but_no_steady_contrast() {
        let finder = OutlineFinder::default();
        let square =
            [(16.0, 16.0), (47.0, 16.0), (47.0, 47.0), (16.0, 47.0)].map(|(x, y)| Point::new(x, y));
        let image = |colour: fn(usize, usize) -> u8| WorkImage::grey(64, 64, colour);
        // A light card on a dark desk: every side differs the same way all along.
        let card = image(|x, y| {
            if (16..=47).contains(&x) && (16..=47).contains(&y) {
                200
            } else {
                50
            }
        });
        let (median, steady) = finder.side_contrasts(&card, &square);
        assert_eq!(median, 450.0);
        assert_eq!(steady, median);
        // Stripes everywhere, bands 6 px across each side, 8 px long: 3 px inside and 3 px
        // outside a side always lie in different bands, lighter one way here, the other way
        // a band further on.
        let stripes = image(|x, y| if (x / 8 + y / 6) % 2 == 0 { 200 } else { 50 });
        let (median, steady) = finder.side_contrasts(&stripes, &square);
        assert_eq!(median, 450.0);
        assert!(steady < 0.3 * median, "{steady}");
    }

    /// Smoothing and Sobel written the plain way, pixel by pixel: (gx, gy, magnitude) of the
    /// channel with the strongest gradient (the first one on a tie), in 0–255 units.
    fn reference_gradients(work: &WorkImage) -> Vec<(i16, i16, u16)> {
        let (w, h) = (work.width as isize, work.height as isize);
        let at = |p: &[u8], x: isize, y: isize| {
            u32::from(p[(y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) as usize])
        };
        const TAPS: [u32; 5] = [1, 4, 6, 4, 1];
        let smooth = |p: &[u8], x: isize, y: isize| -> i32 {
            let mut s = 0;
            for (dy, ty) in (-2..=2).zip(TAPS) {
                let row: u32 = (-2..=2)
                    .zip(TAPS)
                    .map(|(dx, tx)| tx * at(p, x + dx, y + dy))
                    .sum();
                s += ty * row;
            }
            (s >> 4) as i32
        };
        let mut out = vec![(0, 0, 0); (w * h) as usize];
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let mut best: Option<(i32, i32, i32)> = None;
                for p in [&work.r, &work.g, &work.b] {
                    let v = |dx: isize, dy: isize| smooth(p, x + dx, y + dy);
                    let gx = v(1, -1) + 2 * v(1, 0) + v(1, 1) - v(-1, -1) - 2 * v(-1, 0) - v(-1, 1);
                    let gy = v(-1, 1) + 2 * v(0, 1) + v(1, 1) - v(-1, -1) - 2 * v(0, -1) - v(1, -1);
                    let (ax, ay) = (gx.abs(), gy.abs());
                    let mag = ax.max(ay) + (ax.min(ay) >> 3) * 3;
                    if best.is_none_or(|b| mag > b.2) {
                        best = Some((gx, gy, mag));
                    }
                }
                let (gx, gy, mag) = best.unwrap();
                out[(y * w + x) as usize] = ((gx >> 4) as i16, (gy >> 4) as i16, (mag >> 4) as u16);
            }
        }
        out
    }

    #[test]
    fn gradients_match_the_plain_reference() {
        // Coloured noise over a few steps in different channels, on odd sizes.
        for (w, h, seed) in [(37usize, 23usize, 1u32), (64, 48, 7), (9, 9, 3)] {
            let mut work = WorkImage::empty(w, h);
            let mut state = seed.wrapping_mul(2_654_435_761) | 1;
            for y in 0..h {
                for x in 0..w {
                    crate::xorshift(&mut state);
                    let noise = (state >> 27) as u8;
                    let r = if x > w / 3 { 200 } else { 30 } + noise;
                    let g = if y > h / 2 { 180 } else { 60 } + noise;
                    let b = if x + y > w { 220 } else { 10 } + (state >> 28) as u8;
                    work.push_rgb(r, g, b);
                }
            }
            let mut finder = OutlineFinder::default();
            finder.gradients(&work);
            let expected = reference_gradients(&work);
            for (i, &(gx, gy, mag)) in expected.iter().enumerate() {
                assert_eq!(
                    (finder.gx[i], finder.gy[i], finder.mag[i]),
                    (gx, gy, mag),
                    "{w}x{h} pixel ({}, {})",
                    i % w,
                    i / w
                );
            }
            // `trace` sends every step outside the image to pixel 0 and the profiles count
            // such steps as no support: no pixel of the outer ring may be an edge pixel.
            assert!(finder.edge.iter().any(|&e| e), "{w}x{h}: no edges at all");
            for (i, &e) in finder.edge.iter().enumerate() {
                let (x, y) = (i % w, i / w);
                if x == 0 || y == 0 || x == w - 1 || y == h - 1 {
                    assert!(!e, "{w}x{h}: border pixel ({x}, {y}) is an edge");
                }
            }
        }
    }

    #[test]
    fn line_sets_iterate_in_order_and_cut_as_asked() {
        let mut set = LineSet::default();
        for i in [127, 3, 64, 0, 63, 65] {
            set.insert(i);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 3, 63, 64, 65, 127]);
        assert_eq!(set.first(4).iter().collect::<Vec<_>>(), [0, 3, 63, 64]);
        for i in 0..128 {
            assert_eq!(
                set.contains(i),
                [0, 3, 63, 64, 65, 127].contains(&i),
                "contains {i}"
            );
            let above: Vec<usize> = LineSet::above(i).iter().collect();
            assert_eq!(above, (i + 1..128).collect::<Vec<_>>(), "above {i}");
            assert_eq!(
                set.and(LineSet::above(i)).iter().collect::<Vec<_>>(),
                set.iter().filter(|&j| j > i).collect::<Vec<_>>()
            );
        }
        let mut other = LineSet::default();
        other.insert(5);
        assert_eq!(set.or(other).iter().count(), 7);
        assert!(set.and(other).is_empty());
        assert!(!set.is_empty());
    }

    /// The closed hypotheses found the plain way: every canonical quad through the kept
    /// partners, each side scored afresh; (lines, score) sorted by score, best first.
    fn reference_closed(f: &OutlineFinder, w: f32, h: f32) -> Vec<([usize; 4], f32)> {
        let n = f.lines.len();
        let mut out = Vec::new();
        for a in 0..n {
            for b in f.partners[a].iter() {
                for c in f.partners[b].iter() {
                    for d in f.partners[c].iter() {
                        if c == a || d == b || !f.parallel[a].contains(c) {
                            continue;
                        }
                        if !f.parallel[b].contains(d) {
                            continue;
                        }
                        let Some((p_da, seen_da)) = f.corners[a * n + d] else {
                            continue;
                        };
                        let canonical = if seen_da {
                            a < b.min(c).min(d) && b < d
                        } else {
                            a < d
                        };
                        if !canonical {
                            continue;
                        }
                        let corner = |x: usize, y: usize| f.corners[x * n + y].expect("crossing").0;
                        let lines = [a, b, c, d];
                        let quad = [p_da, corner(a, b), corner(b, c), corner(c, d)];
                        let side = |k: usize| f.side_score(lines[k], quad[k], quad[(k + 1) % 4]);
                        let (Some(s0), Some(s1), Some(s3)) = (side(0), side(1), side(3)) else {
                            continue;
                        };
                        if let Some((supported, cover)) =
                            f.closed_support(lines, quad, [s0, s1, s3], w, h)
                        {
                            let min_cover = cover.iter().copied().fold(1.0f32, f32::min);
                            out.push((lines, supported * min_cover.sqrt() * aspect_factor(&quad)));
                        }
                    }
                }
            }
        }
        out.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        out
    }

    /// The outline found on a 300 × 400 frame whose pixel (x, y) has grey level `f`.
    fn outline_of(f: impl Fn(usize, usize) -> u8) -> Option<Outline> {
        let (fw, fh) = (300, 400);
        let rgba: Vec<u8> = (0..fw * fh)
            .flat_map(|i| {
                let v = f(i % fw, i / fw);
                [v, v, v, 255]
            })
            .collect();
        let frame = Frame::new(&rgba, fw as u32, fh as u32).expect("valid frame");
        let mut work = WorkImage::default();
        work.fill(&frame, 384);
        OutlineFinder::default().find(&work, &frame, None)
    }

    /// A finder that has found `work`'s lines, as [`OutlineFinder::find`] does first
    /// (gradients, Hough transform, line profiles).
    fn lines_found(work: &WorkImage) -> OutlineFinder {
        let mut f = OutlineFinder::default();
        f.gradients(work);
        f.hough(work);
        f.profiles(work);
        f
    }

    /// A light strip from the top of the frame to its bottom between `left(y)` and
    /// `right(y)`, with a few lines of print across it, on a dark desk, its sides drawn
    /// antialiased: the outline found, and the IoU of its quad with the one joining the
    /// strip's four ends.
    fn receipt_outline(
        left: impl Fn(usize) -> f32,
        right: impl Fn(usize) -> f32,
    ) -> (Outline, f32) {
        let outline = outline_of(|x, y| {
            let (x0, x1) = (x as f32, x as f32 + 1.0);
            let covered = (x1.min(right(y)) - x0.max(left(y))).clamp(0.0, 1.0);
            let paper = if y % 60 < 4 && (100..170).contains(&x) {
                60.0
            } else {
                210.0
            };
            (45.0 + covered * (paper - 45.0)).round() as u8
        })
        .expect("the strip is found");
        let strip = [
            Point::new(left(0), 0.0),
            Point::new(right(0), 0.0),
            Point::new(right(399), 399.0),
            Point::new(left(399), 399.0),
        ];
        let iou = crate::geometry::quad_iou(&outline.quad, &strip);
        (outline, iou)
    }

    #[test]
    fn a_receipt_crossing_the_frame_is_found_by_its_two_long_sides() {
        // The strip widens a little downwards.
        let (outline, iou) =
            receipt_outline(|y| 80.0 + 0.03 * y as f32, |y| 200.0 + 0.08 * y as f32);
        assert!(iou > 0.95, "{iou}: {:?}", outline.quad);
        // Its ends are not seen: it runs out of the frame past its top and bottom sides.
        assert_eq!(outline.sides_run_on, [true, false, true, false]);
    }

    #[test]
    fn a_curled_receipt_is_found_though_no_line_of_its_sides_reaches_both_ends() {
        // Curled: its left side bends in the middle, so that each of two lines follows it to
        // one end of the frame only, and its right side bows, so that its line follows the
        // middle and reaches neither end. No quadrilateral fits it exactly.
        let (outline, iou) = receipt_outline(
            |y| 80.0 + 0.015 * (y as f32 - 200.0).max(0.0),
            |y| 200.0 + 8.0 * ((y as f32 - 200.0) / 200.0).powi(4),
        );
        assert!(iou > 0.9, "{iou}: {:?}", outline.quad);
        assert_eq!(outline.sides_run_on, [true, false, true, false]);
    }

    #[test]
    fn regular_stripes_across_the_frame_are_not_a_document() {
        // Light and dark stripes from the top of the frame to its bottom, narrow ones (two
        // of them as wide as a receipt) and wide ones (one of them as wide).
        for width in [30, 80] {
            let outline = outline_of(|x, _| if (x / width) % 2 == 0 { 200 } else { 50 });
            if let Some(o) = outline {
                let spans_height = o.quad.iter().filter(|p| p.y < 0.0).count() == 2
                    && o.quad.iter().filter(|p| p.y > 399.0).count() == 2;
                assert!(!spans_height, "{width} px: {:?}", o.quad);
            }
        }
    }

    #[test]
    fn closed_hypotheses_match_the_plain_enumeration() {
        use crate::synth::{Background, Scene};
        let mut checked = 0;
        for (bg, share, degrees) in [
            (Background::Plain([52, 56, 60]), 0.5, 4.0),
            (Background::Wood, 0.6, -7.0),
            (Background::Texture, 0.45, 12.0),
        ] {
            let (fw, fh) = (640, 360);
            let mut scene = Scene::centred(fw, fh, share, degrees);
            scene.background = bg;
            let rgba = scene.render();
            let frame = Frame::new(&rgba, fw as u32, fh as u32).expect("valid frame");
            let mut work = WorkImage::default();
            work.fill(&frame, 384);
            let mut f = lines_found(&work);
            let (w, h) = (work.width as f32, work.height as f32);
            f.line_relations(w, h);
            f.closed_candidates(w, h);
            let expected = reference_closed(&f, w, h);
            // Below the high-water mark nothing was cut, so the lists must match in full.
            assert!(expected.len() < CANDIDATE_HIGH_WATER, "{}", expected.len());
            let mut found: Vec<([usize; 4], f32)> =
                f.candidates.iter().map(|c| (c.lines, c.score)).collect();
            found.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            assert_eq!(found, expected);
            checked += found.len();
        }
        assert!(checked > 30, "too few hypotheses to compare: {checked}");
    }

    #[test]
    fn keep_best_keeps_equal_scores_by_their_lines_and_gives_the_least_kept() {
        let candidate = |lines: [usize; 4], score: f32| Candidate {
            lines,
            quad: [Point::default(); 4],
            score,
            cover: [1.0; 4],
        };
        let all = [
            candidate([3, 4, 5, 6], 10.0),
            candidate([1, 2, 7, 8], 10.0),
            candidate([0, 9, 2, 5], 4.0),
            candidate([2, 3, 4, 5], 10.0),
        ];
        for first in 0..all.len() {
            let mut list: Vec<Candidate> =
                all.iter().cycle().skip(first).take(4).copied().collect();
            keep_best(&mut list, 2);
            list.sort_unstable_by(best_first);
            let kept: Vec<[usize; 4]> = list.iter().map(|c| c.lines).collect();
            assert_eq!(kept, [[1, 2, 7, 8], [2, 3, 4, 5]], "starting at {first}");
        }
        // The least score kept is returned, whatever the order; nothing when nothing is cut.
        let scores = [5.0, 9.0, 1.0, 7.0, 3.0, 8.0, 2.0, 6.0, 4.0];
        for first in 0..scores.len() {
            let mut list: Vec<Candidate> = (0..scores.len())
                .map(|k| candidate([k, 0, 0, 0], scores[(first + k) % scores.len()]))
                .collect();
            assert_eq!(keep_best(&mut list, 4), Some(6.0), "starting at {first}");
            assert_eq!(keep_best(&mut list, 4), None);
        }
    }

    /// On a grid of dark lines there are thousands of closed hypotheses, past the high-water
    /// mark: those kept in the end must still be the best of the plain enumeration, although
    /// quads scoring below the least kept one are left out as they are found.
    #[test]
    fn the_best_closed_hypotheses_are_kept_past_the_high_water_mark() {
        let (w, h) = (384usize, 216usize);
        let columns = [20, 41, 70, 93, 121, 150, 176, 207, 233, 262, 290, 318, 349];
        let rows = [14, 33, 55, 80, 101, 127, 150, 171, 197];
        let work = WorkImage::grey(w, h, |x, y| {
            let on = columns.iter().any(|&c| (c..c + 2).contains(&x))
                || rows.iter().any(|&r| (r..r + 2).contains(&y));
            if on {
                40
            } else {
                200
            }
        });
        let mut f = lines_found(&work);
        let (wf, hf) = (w as f32, h as f32);
        f.line_relations(wf, hf);
        f.closed_candidates(wf, hf);
        let mut expected = reference_closed(&f, wf, hf);
        assert!(
            expected.len() > 2 * CANDIDATE_HIGH_WATER,
            "too few hypotheses to pass the high-water mark: {}",
            expected.len()
        );
        expected.truncate(MAX_KEPT_CANDIDATES);
        keep_best(&mut f.candidates, MAX_KEPT_CANDIDATES);
        f.candidates.sort_unstable_by(best_first);
        let found: Vec<([usize; 4], f32)> =
            f.candidates.iter().map(|c| (c.lines, c.score)).collect();
        assert_eq!(found, expected);
    }

    /// A long straight edge gets a line with a long strict run wherever it lies between the
    /// Hough cells (the accumulator's strongest cell may sit a fraction of a pixel off it,
    /// and a path rounded from it then misses a nearly horizontal edge for long stretches).
    #[test]
    fn a_long_edge_keeps_its_run_between_hough_cells() {
        let (w, h) = (320usize, 180usize);
        let slope = 6.0_f32.to_radians().tan();
        let length = w as f32 / 6.0_f32.to_radians().cos();
        let mut shares = Vec::new();
        for tenth in 0..10 {
            let y0 = 40.0 + tenth as f32 / 10.0;
            // Dark above the edge, light below, each pixel's share of light by area (eight
            // sub-rows a pixel).
            let work = WorkImage::grey(w, h, |x, y| {
                let edge = y0 + slope * x as f32;
                let light = (0..8)
                    .filter(|k| y as f32 - 0.5 + (*k as f32 + 0.5) / 8.0 > edge)
                    .count() as f32
                    / 8.0;
                (60.0 + 140.0 * light).round() as u8
            });
            let f = lines_found(&work);
            // The edge's normal points down-left of vertical; its line through (0, y0).
            let normal = (-slope, 1.0f32);
            let len = normal.0.hypot(normal.1);
            let truth = Line {
                theta: normal.1.atan2(normal.0),
                rho: y0 / len,
            };
            let run = f
                .lines
                .iter()
                .filter(|l| same_line(l.line, truth, 1.5_f32.to_radians(), 1.5))
                .map(|l| l.votes)
                .max()
                .unwrap_or(0);
            shares.push(run as f32 / length);
        }
        // Where the edge crosses rows right between pixel centres, rounding still breaks it
        // into stretches (a quarter to a third of it); elsewhere it is one run.
        let whole = shares.iter().filter(|&&v| v >= 0.95).count();
        assert!(
            whole >= 8 && shares.iter().all(|&v| v >= 0.25),
            "runs as shares of the edge: {shares:?}"
        );
    }

    /// Ruled paper: more parallel lines inside the page than a family may keep, and the
    /// page's top side broken by a clip into runs shorter than theirs. The side is kept all
    /// the same, as the outermost line beyond the family.
    #[test]
    fn a_side_beyond_a_full_family_of_ruled_lines_is_kept() {
        let (w, h) = (320usize, 240usize);
        let (top, bottom, left, right) = (20, 230, 40, 280);
        let work = WorkImage::grey(w, h, |x, y| {
            let clip = (120..180).contains(&x) && (12..30).contains(&y);
            if clip || !(left..right).contains(&x) || !(top..bottom).contains(&y) {
                60
            } else if y >= 40 && (y - 40) % 5 == 0 && y < 220 && (left + 4..right - 4).contains(&x)
            {
                120
            } else {
                220
            }
        });
        let f = lines_found(&work);
        let ruled = f
            .lines
            .iter()
            .filter(|l| angle_between(l.line.theta, std::f32::consts::FRAC_PI_2) < 0.05)
            .count();
        assert!(
            ruled >= MAX_LINES / 4,
            "only {ruled} horizontal lines: the family is not full"
        );
        let side = Line {
            theta: std::f32::consts::FRAC_PI_2,
            rho: top as f32 - 0.5,
        };
        assert!(
            f.lines
                .iter()
                .any(|l| same_line(l.line, side, 1.5_f32.to_radians(), 2.0)),
            "the page's top side is not among the lines"
        );
    }

    #[test]
    fn traced_paths_match_plain_rounding() {
        let (w, h) = (97usize, 53usize);
        let mut state = 12_345u32;
        let mut next = || crate::xorshift(&mut state) as f32 / u32::MAX as f32;
        let mut path = Vec::new();
        for _ in 0..200 {
            let angle = next() * 2.0 * PI;
            let (dx, dy) = (angle.cos(), angle.sin());
            let p0 = Point::new(next() * 140.0 - 20.0, next() * 100.0 - 20.0);
            let off = [0.0, -1.0, 1.0][(next() * 2.99) as usize];
            let steps = (next() * 150.0) as usize;
            trace(&mut path, p0, (dx, dy), off, steps, w, h);
            assert_eq!(path.len(), steps);
            for (k, &i) in path.iter().enumerate() {
                let x = round_to_int(p0.x + dx * k as f32 + off * dy);
                let y = round_to_int(p0.y + dy * k as f32 - off * dx);
                let inside = x >= 1 && y >= 1 && x < w as isize - 1 && y < h as isize - 1;
                let expected = if inside {
                    y as usize * w + x as usize
                } else {
                    0
                };
                assert_eq!(
                    i as usize, expected,
                    "step {k} from {p0:?} along ({dx}, {dy})"
                );
            }
        }
    }

    #[test]
    fn angle_bins_are_the_nearest_degree_for_every_sobel_gradient() {
        // Against the f32 path the bins used to take (libm's atan2f, then rounding in f32):
        // the same bin, but where the angle lies within 0.003° of a half degree, a tie either
        // way (atan2f itself may be an ulp off there, and rounding at 16384.5 in f32 has
        // steps of 0.002°).
        let mut ties = 0;
        for gx in -1020i16..=1020 {
            for gy in -1020i16..=1020 {
                let mut phi = f32::from(gy).atan2(f32::from(gx));
                if phi < 0.0 {
                    phi += PI;
                }
                let libm = round_to_int(phi / PI * ANGLE_BINS as f32);
                let ours = angle_bin(gx, gy);
                if ours != libm {
                    let degrees = f64::from(gy)
                        .atan2(f64::from(gx))
                        .to_degrees()
                        .rem_euclid(180.0);
                    let from_half = (degrees - degrees.floor() - 0.5).abs();
                    assert!(
                        (ours - libm).abs() == 1 && from_half < 0.003,
                        "({gx}, {gy}): bin {ours}, atan2f gives {libm}, angle {degrees}°"
                    );
                    ties += 1;
                }
            }
        }
        assert!(ties < 100, "{ties} ties");
    }

    #[test]
    fn the_prior_outline_is_held_the_more_the_closer_a_hypothesis_keeps_to_it() {
        let prior = [
            Point::new(100.0, 100.0),
            Point::new(400.0, 100.0),
            Point::new(400.0, 300.0),
            Point::new(100.0, 300.0),
        ];
        // The same corners in another order: held fully.
        let turned = [prior[2], prior[3], prior[0], prior[1]];
        assert_eq!(hold(&turned, &prior), PRIOR_HOLD);
        // Tolerance: 5% of the diagonal (360.6 px), 18.0 px.
        let tol = PRIOR_TOLERANCE * prior[0].distance(prior[2]);
        let moved = |d: f32| prior.map(|p| Point::new(p.x + d, p.y));
        let half = hold(&moved(tol / 2.0), &prior);
        assert!(
            (half - (1.0 + (PRIOR_HOLD - 1.0) / 2.0)).abs() < 1e-4,
            "{half}"
        );
        assert_eq!(hold(&moved(tol + 0.1), &prior), 1.0);
        // One corner away is enough to let go.
        let mut one = prior;
        one[1].y += 2.0 * tol;
        assert_eq!(hold(&one, &prior), 1.0);
        // A tiny prior still allows a few pixels.
        let tiny = [
            Point::new(10.0, 10.0),
            Point::new(12.0, 10.0),
            Point::new(12.0, 11.0),
            Point::new(10.0, 11.0),
        ];
        assert!(hold(&tiny.map(|p| Point::new(p.x + 2.0, p.y)), &tiny) > 1.0);
    }

    #[test]
    fn only_shapes_running_out_of_the_frame_are_held_to_the_skew_limit() {
        // A parallelogram whose corners are `skew` degrees off square, its middle at (cx, cy).
        let shape = |skew: f32, cx: f32, cy: f32| {
            let (s, c) = skew.to_radians().sin_cos();
            let (side, down) = (100.0, 60.0);
            let (dx, dy) = (down * s, down * c);
            [
                Point::new(cx - side / 2.0 - dx / 2.0, cy - dy / 2.0),
                Point::new(cx + side / 2.0 - dx / 2.0, cy - dy / 2.0),
                Point::new(cx + side / 2.0 + dx / 2.0, cy + dy / 2.0),
                Point::new(cx - side / 2.0 + dx / 2.0, cy + dy / 2.0),
            ]
        };
        let (w, h) = (384.0, 216.0);
        for skew in [0.0, 20.0, 39.5] {
            assert!(
                !too_skewed_past_frame(&shape(skew, 20.0, 100.0), w, h),
                "{skew}"
            );
        }
        for skew in [40.5, 60.0] {
            assert!(
                too_skewed_past_frame(&shape(skew, 20.0, 100.0), w, h),
                "{skew}"
            );
            assert!(
                too_skewed_past_frame(&shape(-skew, 370.0, 100.0), w, h),
                "{skew}"
            );
            // Wholly in the frame: all four corners seen.
            assert!(
                !too_skewed_past_frame(&shape(skew, 190.0, 100.0), w, h),
                "{skew}"
            );
        }
    }

    /// A card's sides carry on past its bottom side only where the same edges go on, the same
    /// way round: below a band printed across a card running on (the card's paper still
    /// bright against the desk), not below a card whose surround turns over (a stripe of
    /// texture whose edges line up with the card's sides but face the other way), nor above an
    /// empty desk.
    #[test]
    fn sides_run_on_only_where_the_same_edges_go_on() {
        let (x0, x1, y0, y1) = (40usize, 120usize, 20usize, 70usize);
        let quad =
            [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(|(x, y)| Point::new(x as f32, y as f32));
        // What lies below the bottom side, inside the card's columns and outside them.
        for (name, below_inside, below_outside, want) in [
            ("a band across the card", 170u8, 50u8, true),
            ("a surround that turns over", 50, 200, false),
            ("an empty desk", 50, 50, false),
        ] {
            let work = WorkImage::grey(160, 100, |x, y| {
                let inside = (x0..x1).contains(&x);
                match (inside, y) {
                    (true, y) if (y0..y1).contains(&y) => 200,
                    (true, y) if y >= y1 => below_inside,
                    (false, y) if y >= y1 => below_outside,
                    _ => 50,
                }
            });
            let mut f = OutlineFinder::default();
            f.gradients(&work);
            let runs_on = f.sides_running_on(&work, &quad);
            assert_eq!(runs_on, [false, false, want, false], "{name}");
            // A corner that is not a number ends the walk at once rather than never.
            let mut bad = quad;
            bad[2].x = f32::NAN;
            assert!(!f.sides_running_on(&work, &bad)[2], "{name}");
        }
    }
}
