//! Colourfulness of the document: how far its pixels' chroma spreads around the document's
//! own white balance (90th percentile of the chroma distance, 0–255 scale). A black-and-white
//! copy or print scores near 0 whatever the light's colour cast; genuine IDs carry colour.

use crate::frame::WorkImage;
use crate::lighting::percentile;
use crate::region::Region;

/// Reusable histograms.
#[derive(Debug, Default)]
pub struct ColourScratch {
    cb: Vec<u32>,
    cr: Vec<u32>,
    dist: Vec<u32>,
}

/// Colourfulness of `region` (0–255); pixels darker than luma 40 are skipped, their chroma is
/// mostly sensor noise.
pub fn measure_colourfulness(
    work: &WorkImage,
    region: &Region,
    scratch: &mut ColourScratch,
) -> f32 {
    for h in [&mut scratch.cb, &mut scratch.cr] {
        h.clear();
        h.resize(512, 0);
    }
    scratch.dist.clear();
    scratch.dist.resize(256, 0);
    let chroma = |i: usize| {
        let y = i32::from(work.luma[i]);
        (i32::from(work.b[i]) - y, i32::from(work.r[i]) - y)
    };
    let mut n = 0u32;
    for &(y, x0, x1) in &region.spans {
        for i in y * work.width + x0..y * work.width + x1 {
            if work.luma[i] < 40 {
                continue;
            }
            let (cb, cr) = chroma(i);
            scratch.cb[(cb + 256) as usize] += 1;
            scratch.cr[(cr + 256) as usize] += 1;
            n += 1;
        }
    }
    if n < 16 {
        return 0.0;
    }
    let mcb = percentile(&scratch.cb, n, 0.5) as i32 - 256;
    let mcr = percentile(&scratch.cr, n, 0.5) as i32 - 256;
    for &(y, x0, x1) in &region.spans {
        for i in y * work.width + x0..y * work.width + x1 {
            if work.luma[i] < 40 {
                continue;
            }
            let (cb, cr) = chroma(i);
            let d = ((cb - mcb).abs() + (cr - mcr).abs()).min(255);
            scratch.dist[d as usize] += 1;
        }
    }
    percentile(&scratch.dist, n, 0.9)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(pixels: &[(u8, u8, u8)], w: usize) -> WorkImage {
        let mut img = WorkImage::empty(w, pixels.len() / w);
        for &(r, g, b) in pixels {
            img.push_rgb(r, g, b);
        }
        img
    }

    #[test]
    fn grey_with_a_cast_is_colourless_and_a_card_is_not() {
        let grey: Vec<_> = (0..100)
            .map(|i| (100 + i as u8, 95 + i as u8, 90 + i as u8))
            .collect();
        let mut region = Region::default();
        region.fill_all(10, 10);
        let mut s = ColourScratch::default();
        assert!(measure_colourfulness(&image(&grey, 10), &region, &mut s) <= 2.0);
        let card: Vec<_> = (0..100)
            .map(|i| {
                if i % 3 == 0 {
                    (200, 60, 60)
                } else {
                    (180, 180, 180)
                }
            })
            .collect();
        assert!(measure_colourfulness(&image(&card, 10), &region, &mut s) > 20.0);
    }
}
