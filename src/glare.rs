//! Specular glare on the document: connected blobs of clipped (luma ≥ 245), colourless
//! (channel spread ≤ 40) pixels. The largest blob's share of the document (0–1) and its
//! bounding box are reported; a document's own white print is neither clipped nor a compact
//! blob unless the whole photo is over-exposed, which `too_bright` covers.

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

/// Reusable mask and flood-fill stack.
#[derive(Debug, Default)]
pub struct GlareScratch {
    mask: Vec<u8>,
    stack: Vec<usize>,
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
