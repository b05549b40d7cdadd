//! Glare on the document, in its two forms:
//! - specular highlights: connected blobs of clipped (luma ≥ 245), colourless (channel
//!   spread ≤ 40) pixels; a document's own white print is neither clipped nor a compact blob
//!   unless the whole photo is over-exposed, which `too_bright` covers;
//! - sheen (veiling glare off a laminate, a glossy page or a screen): a compact part of the
//!   document brighter than its own paper elsewhere whose dark print is washed out. On a grid
//!   over the document, a cell is sheen when its paper level (90th percentile) is well above
//!   the document's typical paper level *and* its ink level (10th percentile) is well above
//!   the typical ink level: blank paper keeps the paper level, a lit part of a shadowed
//!   document keeps its ink dark.
//!
//! The larger of the two (share of the document, 0–1) and its box are reported.

use crate::frame::WorkImage;
use crate::region::Region;

/// Luma at or above which a pixel may be glare.
const GLARE_LUMA: u8 = 245;
/// Largest channel spread (max − min, 0–255) of a glare pixel: highlights are colourless.
const GLARE_MAX_SPREAD: u8 = 40;

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

/// Reusable mask, flood-fill stack and cell histograms.
#[derive(Debug, Default)]
pub struct GlareScratch {
    mask: Vec<u8>,
    stack: Vec<usize>,
    cells: Vec<u32>,
}

/// Grid over the document for sheen (across × down).
const SHEEN_GRID: (usize, usize) = (8, 6);
/// A sheen cell's paper level exceeds the document's typical one by this much (luma).
const SHEEN_PAPER_RISE: f32 = 35.0;
/// … is at least this bright (luma): glare is near white …
const SHEEN_MIN_PAPER: f32 = 190.0;
/// … and its ink level exceeds the typical ink level by this much (luma).
const SHEEN_INK_RISE: f32 = 70.0;

/// Finds washed-out bright patches (sheen) inside `region`: their share of the document and
/// the box (working image, x0, y0, x1, y1 exclusive) of the largest connected group of cells.
pub fn measure_sheen(
    work: &WorkImage,
    region: &Region,
    scratch: &mut GlareScratch,
) -> (f32, Option<[usize; 4]>) {
    let Some(h) = &region.to_document else {
        return (0.0, None);
    };
    let (gw, gh) = SHEEN_GRID;
    // 64-bin histograms (4 luma levels a bin) per cell, and each cell's pixel box.
    scratch.cells.clear();
    scratch.cells.resize(gw * gh * 64, 0);
    let mut boxes = [[usize::MAX, usize::MAX, 0usize, 0usize]; 48];
    for &(y, x0, x1) in &region.spans {
        for x in x0..x1 {
            let (u, v) = h.apply(x as f32, y as f32);
            let cu = ((u * gw as f32) as isize).clamp(0, gw as isize - 1) as usize;
            let cv = ((v * gh as f32) as isize).clamp(0, gh as isize - 1) as usize;
            let c = cv * gw + cu;
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
    let median = |vals: &[f32; 48]| {
        let mut v: Vec<f32> = (0..gw * gh)
            .filter(|&c| valid[c])
            .map(|c| vals[c])
            .collect();
        v.sort_unstable_by(f32::total_cmp);
        v.get(v.len() / 2).copied()
    };
    let (Some(paper_typ), Some(ink_typ)) = (median(&paper), median(&ink)) else {
        return (0.0, None);
    };
    let mut sheen = [false; 48];
    for c in 0..gw * gh {
        sheen[c] = valid[c]
            && paper[c] >= SHEEN_MIN_PAPER
            && paper[c] >= paper_typ + SHEEN_PAPER_RISE
            && ink[c] >= ink_typ + SHEEN_INK_RISE;
    }
    // Largest 4-connected group of sheen cells.
    let mut seen = [false; 48];
    let mut best = (0usize, None);
    for start in 0..gw * gh {
        if !sheen[start] || seen[start] {
            continue;
        }
        let mut stack = vec![start];
        seen[start] = true;
        let (mut cells, mut bbox) = (0usize, [usize::MAX, usize::MAX, 0usize, 0usize]);
        while let Some(c) = stack.pop() {
            cells += 1;
            let b = boxes[c];
            bbox = [
                bbox[0].min(b[0]),
                bbox[1].min(b[1]),
                bbox[2].max(b[2]),
                bbox[3].max(b[3]),
            ];
            let (cx, cy) = (c % gw, c / gw);
            let mut push = |n: usize| {
                if sheen[n] && !seen[n] {
                    seen[n] = true;
                    stack.push(n);
                }
            };
            if cx > 0 {
                push(c - 1);
            }
            if cx + 1 < gw {
                push(c + 1);
            }
            if cy > 0 {
                push(c - gw);
            }
            if cy + 1 < gh {
                push(c + gw);
            }
        }
        if cells > best.0 {
            best = (cells, Some(bbox));
        }
    }
    let valid_cells = valid.iter().filter(|&&v| v).count().max(1);
    (best.0 as f32 / valid_cells as f32, best.1)
}

/// Finds glare blobs inside `region` of the working image.
pub fn measure_glare(work: &WorkImage, region: &Region, scratch: &mut GlareScratch) -> Glare {
    let w = work.width;
    scratch.mask.clear();
    scratch.mask.resize(w * work.height, 0);
    let mut total = 0usize;
    for &(y, x0, x1) in &region.spans {
        for x in x0..x1 {
            let i = y * w + x;
            let (r, g, b) = (work.r[i], work.g[i], work.b[i]);
            let spread = r.max(g).max(b) - r.min(g).min(b);
            if work.luma[i] >= GLARE_LUMA && spread <= GLARE_MAX_SPREAD {
                scratch.mask[i] = 1;
                total += 1;
            }
        }
    }
    if region.pixels == 0 || total == 0 {
        return Glare::default();
    }
    let mut best = (0usize, [0usize; 4]);
    for &(y, x0, x1) in &region.spans {
        for x in x0..x1 {
            let start = y * w + x;
            if scratch.mask[start] != 1 {
                continue;
            }
            scratch.mask[start] = 2;
            scratch.stack.clear();
            scratch.stack.push(start);
            let mut area = 0;
            let mut bbox = [x, y, x + 1, y + 1];
            while let Some(i) = scratch.stack.pop() {
                area += 1;
                let (px, py) = (i % w, i / w);
                bbox = [
                    bbox[0].min(px),
                    bbox[1].min(py),
                    bbox[2].max(px + 1),
                    bbox[3].max(py + 1),
                ];
                let mut visit = |j: usize| {
                    if scratch.mask[j] == 1 {
                        scratch.mask[j] = 2;
                        scratch.stack.push(j);
                    }
                };
                if px > 0 {
                    visit(i - 1);
                }
                if px + 1 < w {
                    visit(i + 1);
                }
                if py > 0 {
                    visit(i - w);
                }
                if py + 1 < work.height {
                    visit(i + w);
                }
            }
            if area > best.0 {
                best = (area, bbox);
            }
        }
    }
    Glare {
        fraction: best.0 as f32 / region.pixels as f32,
        total_fraction: total as f32 / region.pixels as f32,
        working_box: Some(best.1),
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
                img.r.push(r);
                img.g.push(g);
                img.b.push(b);
                img.luma.push(crate::frame::luma(r, g, b));
            }
        }
        let mut region = Region::default();
        region.fill_all(w, h);
        let g = measure_glare(&img, &region, &mut GlareScratch::default());
        assert_eq!(g.working_box, Some([2, 2, 6, 5]));
        assert!((g.fraction - 12.0 / 200.0).abs() < 1e-6);
    }
}
