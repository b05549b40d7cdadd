//! Exposure and evenness of the light on the document: mean luma (0–255), the share of
//! clipped (≥ 250) and of very dark (≤ 20) pixels, and the ratio between the brightest and the
//! darkest part of the document's paper, which a hard shadow or a strong light gradient
//! raises.

use crate::frame::WorkImage;
use crate::region::Region;

/// Luma at or above which a pixel counts as clipped.
pub const CLIP_LUMA: u8 = 250;
/// Cells of the grid over the document used for the light ratio (across × down).
const GRID: (usize, usize) = (4, 3);
const _: () = assert!(
    crate::region::DOCUMENT_GRID.0.is_multiple_of(GRID.0)
        && crate::region::DOCUMENT_GRID.1.is_multiple_of(GRID.1),
    "the light grid is read off the document grid"
);

/// Exposure figures of a region.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Exposure {
    /// Mean luma, 0–255.
    pub mean_luma: f32,
    /// Share of pixels with luma ≥ 250, 0–1.
    pub clipped_fraction: f32,
    /// Share of pixels with luma ≤ 20, 0–1.
    pub dark_fraction: f32,
    /// Brightest over darkest grid cell, comparing each cell's 90th-percentile luma (the
    /// paper, not the print); 1 for perfectly even light.
    pub light_ratio: f32,
}

/// Reusable histograms.
#[derive(Debug, Default)]
pub struct LightingScratch {
    cells: Vec<u32>,
}

/// Measures exposure and evenness over `region` of the working image.
pub fn measure_exposure(
    work: &WorkImage,
    region: &Region,
    scratch: &mut LightingScratch,
) -> Exposure {
    let cells = GRID.0 * GRID.1;
    scratch.cells.clear();
    scratch.cells.resize(cells * 256, 0);
    let (mut sum, mut clipped, mut dark, mut n) = (0u64, 0u32, 0u32, 0u32);
    let mut cells_of_pixels = region.cells.iter();
    for &(y, x0, x1) in &region.spans {
        for &l in &work.luma[y * work.width + x0..y * work.width + x1] {
            sum += u64::from(l);
            clipped += u32::from(l >= CLIP_LUMA);
            dark += u32::from(l <= 20);
            n += 1;
            if let Some(&cell) = cells_of_pixels.next() {
                let c = Region::coarser_cell(cell, GRID.0, GRID.1);
                scratch.cells[c * 256 + usize::from(l)] += 1;
            }
        }
    }
    if n == 0 {
        return Exposure {
            light_ratio: 1.0,
            ..Exposure::default()
        };
    }
    let (mut hi, mut lo) = (0.0f32, f32::MAX);
    for c in 0..cells {
        let hist = &scratch.cells[c * 256..(c + 1) * 256];
        let count: u32 = hist.iter().sum();
        if count < 8 {
            continue;
        }
        let p = percentile(hist, count, 0.9);
        hi = hi.max(p);
        lo = lo.min(p);
    }
    let light_ratio = if lo == f32::MAX {
        1.0
    } else {
        (hi + 4.0) / (lo + 4.0)
    };
    Exposure {
        mean_luma: sum as f32 / n as f32,
        clipped_fraction: clipped as f32 / n as f32,
        dark_fraction: dark as f32 / n as f32,
        light_ratio,
    }
}

/// The `q`-quantile (0–1) of a 256-bin histogram holding `count` values.
#[must_use]
pub fn percentile(hist: &[u32], count: u32, q: f32) -> f32 {
    let target = (q * count as f32).ceil().max(1.0) as u32;
    let mut run = 0;
    for (v, &c) in hist.iter().enumerate() {
        run += c;
        if run >= target {
            return v as f32;
        }
    }
    (hist.len() - 1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;

    #[test]
    fn even_light_has_ratio_one_and_shadow_raises_it() {
        let mut scratch = LightingScratch::default();
        let mut region = Region::default();
        region.fill_all(40, 30);
        let even = measure_exposure(&WorkImage::grey(40, 30, |_, _| 180), &region, &mut scratch);
        assert!((even.mean_luma - 180.0).abs() < 1e-3);
        assert!((even.light_ratio - 1.0).abs() < 1e-3);
        let shadow = measure_exposure(
            &WorkImage::grey(40, 30, |x, _| if x < 15 { 60 } else { 180 }),
            &region,
            &mut scratch,
        );
        assert!(shadow.light_ratio > 2.5, "{shadow:?}");
    }

    #[test]
    fn exposure_is_the_documents_and_not_the_backgrounds() {
        use crate::geometry::Point;
        // A light document over the middle of a nearly black desk.
        let (w, h) = (80, 60);
        let img = WorkImage::grey(w, h, |x, y| {
            if (20..60).contains(&x) && (15..45).contains(&y) {
                190
            } else {
                8
            }
        });
        let quad =
            [(20.0, 15.0), (59.0, 15.0), (59.0, 44.0), (20.0, 44.0)].map(|(x, y)| Point::new(x, y));
        let mut region = Region::default();
        region.fill(&quad, w, h, 0.0);
        let mut scratch = LightingScratch::default();
        let doc = measure_exposure(&img, &region, &mut scratch);
        assert_eq!(doc.mean_luma, 190.0, "{doc:?}");
        assert_eq!(doc.dark_fraction, 0.0);
        assert!((doc.light_ratio - 1.0).abs() < 1e-3, "{doc:?}");
        region.fill_all(w, h);
        let frame = measure_exposure(&img, &region, &mut scratch);
        assert!(
            frame.mean_luma < 80.0 && frame.dark_fraction > 0.7,
            "{frame:?}"
        );
    }

    #[test]
    fn print_is_not_shadow_but_a_gradient_is() {
        let mut region = Region::default();
        region.fill_all(96, 72);
        let mut scratch = LightingScratch::default();
        // Even paper with dark text lines: every fourth row, and three rows in four in a
        // dense block over the top-left cell (there, over six pixels in ten are ink).
        let printed = WorkImage::grey(96, 72, |x, y| {
            let ink_row = if x < 24 && y < 24 {
                y % 4 != 3
            } else {
                y % 4 == 0
            };
            if ink_row && x % 6 != 5 {
                30
            } else {
                200
            }
        });
        let e = measure_exposure(&printed, &region, &mut scratch);
        assert!((e.light_ratio - 1.0).abs() < 1e-3, "{e:?}");
        // Light falling off from 220 to 70 across the page.
        let falling = WorkImage::grey(96, 72, |x, _| (220 - x * 150 / 95) as u8);
        let e = measure_exposure(&falling, &region, &mut scratch);
        assert!(e.light_ratio > 2.0, "{e:?}");
        assert!(e.light_ratio > Options::default().max_light_ratio, "{e:?}");
    }

    #[test]
    fn an_empty_region_gives_even_light_and_nothing_else() {
        let img = WorkImage::grey(10, 10, |_, _| 120);
        let e = measure_exposure(&img, &Region::default(), &mut LightingScratch::default());
        assert_eq!(
            e,
            Exposure {
                light_ratio: 1.0,
                ..Exposure::default()
            }
        );
    }

    #[test]
    fn clipping_is_counted() {
        let mut scratch = LightingScratch::default();
        let mut region = Region::default();
        region.fill_all(10, 10);
        let e = measure_exposure(
            &WorkImage::grey(10, 10, |x, _| if x < 5 { 255 } else { 100 }),
            &region,
            &mut scratch,
        );
        assert!((e.clipped_fraction - 0.5).abs() < 1e-6);
    }
}
