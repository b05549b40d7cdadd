//! Glare on the document, in its two forms:
//! - specular highlights: connected blobs of colourless (channel spread ≤ 40) pixels brighter
//!   than anything the document's own paper reflects: clipped (luma ≥ 245), or at least 25
//!   luma above the document's own white (and ≥ 200) when that white is dimmer. Diffuse
//!   reflection from the same paper under the same light cannot exceed its white, so only a
//!   mirror-like reflection of the light source can; a document's own white print is neither
//!   brighter than its white nor clipped unless the whole photo is over-exposed, which
//!   `too_bright` covers;
//! - sheen (veiling glare off a laminate, a glossy page or a screen): a compact part of the
//!   document brighter than its own paper elsewhere whose dark print is washed out. On a grid
//!   over the document, a cell is sheen when its paper level (90th percentile) is well above
//!   the document's typical paper level *and* its ink level (10th percentile) is well above
//!   the typical ink level: blank paper keeps the paper level, a lit part of a shadowed
//!   document keeps its ink dark.
//!
//! The larger of the two (share of the document, 0–1) and its box are reported. When the
//! document found is too small to trust, or its outline runs off the frame, highlights are
//! also looked for over the whole frame ([`measure_glare_in_frame`]).

use std::ops::Range;

use crate::frame::WorkImage;
use crate::region::Region;

/// Luma at or above which a colourless pixel is a highlight whatever the document's white
/// (clipped).
const GLARE_LUMA: u8 = 245;
/// Largest channel spread (max − min, 0–255) of a glare pixel: highlights are colourless.
const GLARE_MAX_SPREAD: u8 = 40;
/// A highlight is at least this much (luma) brighter than the document's own white. Diffuse
/// paper does not rise above its white by more than JPEG noise and mild vignetting: on the
/// real documents without glare (`realdata` scanic, midv500) and the generated non-glare
/// frames no colourless blob over 0.03% of the document reaches 25 above it; the specular
/// cores on glossy pages and laminate in `realdata/glare-photos` reach 40 or more above it.
const HIGHLIGHT_RISE: f32 = 25.0;
/// … and at least this bright (luma): glare is near white, however dim the document. Keeps
/// a dark frame's merely grey patches from counting.
const HIGHLIGHT_MIN_LUMA: f32 = 200.0;

/// The glare found on a region.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Glare {
    /// Largest blob's share of the region's pixels, 0–1.
    pub fraction: f32,
    /// All glare pixels' share of the region, 0–1.
    pub total_fraction: f32,
    /// Largest blob's box on the working image: x0, y0, x1, y1 (x1, y1 exclusive).
    pub working_box: Option<[usize; 4]>,
}

/// Sheen on a region and the document's own white.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Sheen {
    /// Share of the document in the largest washed-out bright patch, 0–1 (grid cells).
    pub fraction: f32,
    /// That patch's box on the working image: x0, y0, x1, y1 (x1, y1 exclusive).
    pub working_box: Option<[usize; 4]>,
    /// The document's own white (luma 0–255): the 90th percentile over the grid cells of
    /// each cell's paper level (90th-percentile luma). The brightest tenth of the cells is
    /// left out because a highlight may cover it. `None` without a usable grid.
    pub paper_white: Option<f32>,
}

/// Reusable mask, flood-fill stack and cell histograms.
#[derive(Debug, Default)]
pub struct GlareScratch {
    mask: Vec<u8>,
    stack: Vec<usize>,
    cells: Vec<u32>,
}

/// Grid over the document for sheen (across × down).
const SHEEN_GRID: (usize, usize) = crate::region::DOCUMENT_GRID;
/// A sheen cell's paper level exceeds the document's typical one by this much (luma).
const SHEEN_PAPER_RISE: f32 = 35.0;
/// … is at least this bright (luma): glare is near white …
const SHEEN_MIN_PAPER: f32 = 190.0;
/// … and its ink level exceeds the typical ink level by this much (luma).
const SHEEN_INK_RISE: f32 = 70.0;

/// Finds washed-out bright patches (sheen) inside `region` and the document's own white.
pub fn measure_sheen(work: &WorkImage, region: &Region, scratch: &mut GlareScratch) -> Sheen {
    if region.to_document.is_none() {
        return Sheen::default();
    }
    let (gw, gh) = SHEEN_GRID;
    // 64-bin histograms (4 luma levels a bin) per cell, and each cell's pixel box.
    scratch.cells.clear();
    scratch.cells.resize(gw * gh * 64, 0);
    let mut boxes = [[usize::MAX, usize::MAX, 0usize, 0usize]; 48];
    let mut cells_of_pixels = region.cells.iter();
    for &(y, x0, x1) in &region.spans {
        for (x, &c) in (x0..x1).zip(&mut cells_of_pixels) {
            let c = usize::from(c);
            scratch.cells[c * 64 + usize::from(work.luma[y * work.width + x] >> 2)] += 1;
            let b = &mut boxes[c];
            *b = [b[0].min(x), b[1].min(y), b[2].max(x + 1), b[3].max(y + 1)];
        }
    }
    let mut paper = [0f32; 48];
    let mut ink = [0f32; 48];
    let mut valid = [false; 48];
    for c in 0..gw * gh {
        let hist = &scratch.cells[c * 64..(c + 1) * 64];
        let count: u32 = hist.iter().sum();
        if count >= 6 {
            valid[c] = true;
            paper[c] = 4.0 * crate::lighting::percentile(hist, count, 0.9);
            ink[c] = 4.0 * crate::lighting::percentile(hist, count, 0.1);
        }
    }
    // Quantile over the valid cells, sorted in a fixed buffer (no allocation per frame).
    let quantile = |vals: &[f32; 48], q: f32| {
        let mut v = [0f32; 48];
        let mut n = 0;
        for c in (0..gw * gh).filter(|&c| valid[c]) {
            v[n] = vals[c];
            n += 1;
        }
        v[..n].sort_unstable_by(f32::total_cmp);
        (n > 0).then(|| v[((q * n as f32) as usize).min(n - 1)])
    };
    let (Some(paper_typ), Some(ink_typ), Some(paper_white)) = (
        quantile(&paper, 0.5),
        quantile(&ink, 0.5),
        quantile(&paper, 0.9),
    ) else {
        return Sheen::default();
    };
    // Sheen cells marked 1, then the largest 4-connected group of them.
    let mut sheen = [0u8; 48];
    for c in 0..gw * gh {
        sheen[c] = u8::from(
            valid[c]
                && paper[c] >= SHEEN_MIN_PAPER
                && paper[c] >= paper_typ + SHEEN_PAPER_RISE
                && ink[c] >= ink_typ + SHEEN_INK_RISE,
        );
    }
    let mut best = (0usize, None);
    for start in 0..gw * gh {
        if sheen[start] != 1 {
            continue;
        }
        let (mut cells, mut bbox) = (0usize, [usize::MAX, usize::MAX, 0usize, 0usize]);
        flood_fill(&mut sheen[..gw * gh], gw, start, &mut scratch.stack, |c| {
            cells += 1;
            let b = boxes[c];
            bbox = [
                bbox[0].min(b[0]),
                bbox[1].min(b[1]),
                bbox[2].max(b[2]),
                bbox[3].max(b[3]),
            ];
        });
        if cells > best.0 {
            best = (cells, Some(bbox));
        }
    }
    let valid_cells = valid.iter().filter(|&&v| v).count().max(1);
    Sheen {
        fraction: best.0 as f32 / valid_cells as f32,
        working_box: best.1,
        paper_white: Some(paper_white),
    }
}

/// The luma at or above which a colourless pixel on a document whose own white is
/// `paper_white` is a highlight: 25 above that white, at least 200, and never above
/// clipping (245), so that a clipped blob always counts.
#[must_use]
pub fn highlight_luma(paper_white: Option<f32>) -> u8 {
    paper_white.map_or(GLARE_LUMA, |w| {
        (w + HIGHLIGHT_RISE).clamp(HIGHLIGHT_MIN_LUMA, f32::from(GLARE_LUMA)) as u8
    })
}

/// Finds highlight blobs inside `region` of the working image: colourless pixels at or above
/// `min_luma` (see [`highlight_luma`]).
pub fn measure_glare(
    work: &WorkImage,
    region: &Region,
    min_luma: u8,
    scratch: &mut GlareScratch,
) -> Glare {
    let w = work.width;
    scratch.mask.clear();
    scratch.mask.resize(w * work.height, 0);
    for &(y, x0, x1) in &region.spans {
        mark_highlights(work, y * w + x0..y * w + x1, min_luma, &mut scratch.mask);
    }
    let spans = region
        .spans
        .iter()
        .map(|&(y, x0, x1)| y * w + x0..y * w + x1);
    let (best, total) = largest_blob(scratch, w, spans, |_| true);
    if region.pixels == 0 || total == 0 {
        return Glare::default();
    }
    Glare {
        fraction: best.0 as f32 / region.pixels as f32,
        total_fraction: total as f32 / region.pixels as f32,
        working_box: Some(best.1),
    }
}

/// Finds highlight blobs anywhere on the working image that do not touch its border:
/// colourless pixels at or above `min_luma`; the fractions are shares of the whole image.
///
/// For when the outline found is too small to be the whole document, or runs off the frame: a
/// highlight washes out the document's edges and pattern, so the finder often settles on a
/// part of the document beside the highlight (a panel of a box or a page). A highlight on a
/// document held within the frame lies within the frame; a bright patch running off it (a
/// window, a lamp, a white desk) is left out.
pub fn measure_glare_in_frame(work: &WorkImage, min_luma: u8, scratch: &mut GlareScratch) -> Glare {
    let (w, h) = (work.width, work.height);
    let n = w * h;
    scratch.mask.clear();
    scratch.mask.resize(n, 0);
    mark_highlights(work, 0..n, min_luma, &mut scratch.mask);
    // A blob touching the border runs off the frame.
    let (best, total) = largest_blob(scratch, w, std::iter::once(0..n), |b| {
        b[0] > 0 && b[1] > 0 && b[2] < w && b[3] < h
    });
    if total == 0 {
        return Glare::default();
    }
    Glare {
        fraction: best.0 as f32 / n as f32,
        total_fraction: total as f32 / n as f32,
        working_box: Some(best.1),
    }
}

/// Walks the 4-connected blobs of marked pixels (1) in `scratch.mask`, an image `w` wide,
/// from the pixels of `spans` in order; a blob counts when `keep` accepts its box (x0, y0,
/// x1, y1). Returns the largest counted blob's area and box, and the counted blobs' total
/// area.
fn largest_blob(
    scratch: &mut GlareScratch,
    w: usize,
    spans: impl Iterator<Item = Range<usize>>,
    keep: impl Fn([usize; 4]) -> bool,
) -> ((usize, [usize; 4]), usize) {
    let (mut best, mut total) = ((0usize, [0usize; 4]), 0usize);
    // The next unvisited marked pixel of each span, found by a scan over the mask (most of
    // a span is unmarked); a blob's fill marks its pixels visited before the scan goes on.
    for span in spans {
        let mut from = span.start;
        while let Some(k) = scratch.mask[from..span.end].iter().position(|&m| m == 1) {
            let start = from + k;
            from = start + 1;
            let (x, y) = (start % w, start / w);
            let (mut area, mut bbox) = (0usize, [x, y, x + 1, y + 1]);
            flood_fill(&mut scratch.mask, w, start, &mut scratch.stack, |i| {
                area += 1;
                let (px, py) = (i % w, i / w);
                bbox = [
                    bbox[0].min(px),
                    bbox[1].min(py),
                    bbox[2].max(px + 1),
                    bbox[3].max(py + 1),
                ];
            });
            if !keep(bbox) {
                continue;
            }
            total += area;
            if area > best.0 {
                best = (area, bbox);
            }
        }
    }
    (best, total)
}

/// Marks 1 in `mask` the working pixels of `span` that are colourless and at least
/// `min_luma` bright, 0 the others. Over zipped slices, so that the loop vectorises in wasm
/// too (indexing four planes and the mask per pixel kept a bounds check on each).
fn mark_highlights(work: &WorkImage, span: Range<usize>, min_luma: u8, mask: &mut [u8]) {
    let pixels = work.r[span.clone()]
        .iter()
        .zip(&work.g[span.clone()])
        .zip(&work.b[span.clone()])
        .zip(&work.luma[span.clone()]);
    for (m, (((&r, &g), &b), &luma)) in mask[span].iter_mut().zip(pixels) {
        let spread = r.max(g).max(b) - r.min(g).min(b);
        *m = u8::from((luma >= min_luma) & (spread <= GLARE_MAX_SPREAD));
    }
}

/// Visits the 4-connected group of cells marked 1 in `mask` (a grid `w` cells wide) that holds
/// `start`, marking each 2 and handing it to `visit`; `stack` is reused scratch space.
fn flood_fill(
    mask: &mut [u8],
    w: usize,
    start: usize,
    stack: &mut Vec<usize>,
    mut visit: impl FnMut(usize),
) {
    let h = mask.len() / w;
    mask[start] = 2;
    stack.clear();
    stack.push(start);
    while let Some(i) = stack.pop() {
        visit(i);
        let (x, y) = (i % w, i / w);
        for (inside, j) in [
            (x > 0, i.wrapping_sub(1)),
            (x + 1 < w, i + 1),
            (y > 0, i.wrapping_sub(w)),
            (y + 1 < h, i + w),
        ] {
            if inside && mask[j] == 1 {
                mask[j] = 2;
                stack.push(j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_largest_white_blob_and_ignores_colour() {
        let (w, h) = (20, 10);
        let mut img = WorkImage::empty(w, h);
        for y in 0..h {
            for x in 0..w {
                let (r, g, b) = if (2..6).contains(&x) && (2..5).contains(&y) {
                    (255, 255, 255)
                } else if x > 12 {
                    (255, 250, 0) // bright yellow: not glare
                } else {
                    (120, 120, 120)
                };
                img.push_rgb(r, g, b);
            }
        }
        let mut region = Region::default();
        region.fill_all(w, h);
        let g = measure_glare(&img, &region, GLARE_LUMA, &mut GlareScratch::default());
        assert_eq!(g.working_box, Some([2, 2, 6, 5]));
        assert!((g.fraction - 12.0 / 200.0).abs() < 1e-6);
    }

    /// A `w × h` grey frame with a bright patch running off its right edge (a window) and,
    /// if given, a highlight inside it at `spot` (x0, y0, x1, y1).
    fn frame_with_window(w: usize, h: usize, spot: Option<[usize; 4]>) -> WorkImage {
        WorkImage::grey(w, h, |x, y| {
            let in_spot =
                spot.is_some_and(|s| (s[0]..s[2]).contains(&x) && (s[1]..s[3]).contains(&y));
            if in_spot || x >= 30 {
                250
            } else {
                120
            }
        })
    }

    #[test]
    fn frame_glare_counts_enclosed_highlights_only() {
        let mut scratch = GlareScratch::default();
        let img = frame_with_window(40, 30, Some([10, 12, 16, 17]));
        let g = measure_glare_in_frame(&img, GLARE_LUMA, &mut scratch);
        assert_eq!(g.working_box, Some([10, 12, 16, 17]));
        assert!((g.fraction - 30.0 / 1200.0).abs() < 1e-6);
        assert!((g.total_fraction - g.fraction).abs() < 1e-6);
        // The window alone, larger but running off the frame, is not a highlight.
        let img = frame_with_window(40, 30, None);
        let g = measure_glare_in_frame(&img, GLARE_LUMA, &mut scratch);
        assert_eq!(g, Glare::default());
        // Touching the window, the spot becomes part of it.
        let img = frame_with_window(40, 30, Some([20, 12, 30, 17]));
        let g = measure_glare_in_frame(&img, GLARE_LUMA, &mut scratch);
        assert_eq!(g, Glare::default());
    }

    /// A `w × h` grey document: paper at `paper` luma with a dark ink dot in every 4 × 4
    /// block, and neutral pixels at `spot` luma inside `spot_box` (x0, y0, x1, y1).
    fn document(w: usize, h: usize, paper: u8, spot: u8, spot_box: [usize; 4]) -> WorkImage {
        WorkImage::grey(w, h, |x, y| {
            let in_spot =
                (spot_box[0]..spot_box[2]).contains(&x) && (spot_box[1]..spot_box[3]).contains(&y);
            if in_spot {
                spot
            } else if x % 4 == 0 && y % 4 == 0 {
                40
            } else {
                paper
            }
        })
    }

    #[test]
    fn highlight_luma_is_above_the_documents_white_and_never_above_clipping() {
        assert_eq!(highlight_luma(None), GLARE_LUMA);
        assert_eq!(highlight_luma(Some(190.0)), 215);
        // A dim document: a highlight must still be near white.
        assert_eq!(highlight_luma(Some(120.0)), 200);
        // A bright document: a clipped blob always counts.
        assert_eq!(highlight_luma(Some(236.0)), GLARE_LUMA);
    }

    #[test]
    fn paper_white_ignores_a_highlight_on_few_cells() {
        let (w, h) = (96, 72);
        // The spot covers 2 of the 48 cells (12 × 12 pixels each).
        let img = document(w, h, 180, 250, [12, 12, 36, 24]);
        let mut region = Region::default();
        region.fill_all(w, h);
        let sheen = measure_sheen(&img, &region, &mut GlareScratch::default());
        let white = sheen.paper_white.expect("a grid");
        assert!((176.0..=180.0).contains(&white), "paper white {white}");
    }

    /// Glare over the whole of `img` at the level its own white sets, as the analyzer
    /// measures it.
    fn glare_above_own_white(img: &WorkImage) -> Glare {
        let mut region = Region::default();
        region.fill_all(img.width, img.height);
        let mut scratch = GlareScratch::default();
        let sheen = measure_sheen(img, &region, &mut scratch);
        measure_glare(
            img,
            &region,
            highlight_luma(sheen.paper_white),
            &mut scratch,
        )
    }

    #[test]
    fn an_unclipped_spot_brighter_than_the_paper_is_glare() {
        let (w, h) = (96, 72);
        let img = document(w, h, 180, 232, [40, 30, 52, 40]);
        let g = glare_above_own_white(&img);
        assert_eq!(g.working_box, Some([40, 30, 52, 40]));
        assert!((g.fraction - 120.0 / (96.0 * 72.0)).abs() < 1e-6);
        // Not clipped: the clipped criterion alone misses it.
        let mut region = Region::default();
        region.fill_all(w, h);
        let clipped = measure_glare(&img, &region, GLARE_LUMA, &mut GlareScratch::default());
        assert_eq!(clipped.fraction, 0.0);
    }

    #[test]
    fn white_print_at_the_papers_own_level_is_not_glare() {
        let (w, h) = (96, 72);
        // A patch of the paper's own white (no ink dots) on a bright page.
        let img = document(w, h, 215, 218, [40, 30, 52, 40]);
        let g = glare_above_own_white(&img);
        assert_eq!(g.fraction, 0.0);
        assert_eq!(g.working_box, None);
    }
}
