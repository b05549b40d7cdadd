//! The document's region on the working image: the pixels inside its outline (row spans), and
//! where each lies in the document's own coordinates (0–1 across and down the document), so
//! that lighting and glare are judged on the document and not on the background.

use crate::geometry::Point;

/// A projective map from the unit square to a quadrilateral (and back).
#[derive(Debug, Clone, Copy)]
pub struct Homography {
    m: [f32; 9],
}

impl Homography {
    /// The map taking (0,0), (1,0), (1,1), (0,1) to the quad's corners in order
    /// (Heckbert's closed form); `None` for a degenerate quad.
    #[must_use]
    pub fn square_to_quad(q: &[Point; 4]) -> Option<Self> {
        let (x0, y0, x1, y1, x2, y2, x3, y3) = (
            q[0].x, q[0].y, q[1].x, q[1].y, q[2].x, q[2].y, q[3].x, q[3].y,
        );
        let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
        let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
        let det = dx1 * dy2 - dx2 * dy1;
        if det.abs() < 1e-9 {
            return None;
        }
        let g = (dx3 * dy2 - dx2 * dy3) / det;
        let h = (dx1 * dy3 - dx3 * dy1) / det;
        Some(Homography {
            m: [
                x1 - x0 + g * x1,
                x3 - x0 + h * x3,
                x0,
                y1 - y0 + g * y1,
                y3 - y0 + h * y3,
                y0,
                g,
                h,
                1.0,
            ],
        })
    }

    /// The inverse map; `None` when singular.
    #[must_use]
    pub fn inverse(&self) -> Option<Self> {
        let m = &self.m;
        let a = m[4] * m[8] - m[5] * m[7];
        let b = m[5] * m[6] - m[3] * m[8];
        let c = m[3] * m[7] - m[4] * m[6];
        let det = m[0] * a + m[1] * b + m[2] * c;
        if det.abs() < 1e-12 {
            return None;
        }
        let inv = [
            a,
            m[2] * m[7] - m[1] * m[8],
            m[1] * m[5] - m[2] * m[4],
            b,
            m[0] * m[8] - m[2] * m[6],
            m[2] * m[3] - m[0] * m[5],
            c,
            m[1] * m[6] - m[0] * m[7],
            m[0] * m[4] - m[1] * m[3],
        ];
        Some(Homography {
            m: inv.map(|v| v / det),
        })
    }

    /// Applies the map.
    #[must_use]
    pub fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let m = &self.m;
        let w = m[6] * x + m[7] * y + m[8];
        let w = if w.abs() < 1e-12 { 1e-12 } else { w };
        (
            (m[0] * x + m[1] * y + m[2]) / w,
            (m[3] * x + m[4] * y + m[5]) / w,
        )
    }
}

/// Cells across and down of the grid over the document that [`Region::cells`] indexes.
pub const DOCUMENT_GRID: (usize, usize) = (8, 6);

/// The document's pixels on an image of `width × height`: one span of columns per row.
#[derive(Debug, Default, Clone)]
pub struct Region {
    /// `(row, first column, one past the last column)`.
    pub spans: Vec<(usize, usize, usize)>,
    /// Number of pixels in all spans.
    pub pixels: usize,
    /// Image to document coordinates (0–1 across, 0–1 down), when the quad is not
    /// degenerate.
    pub to_document: Option<Homography>,
    /// For each pixel of the spans, in order, the cell of the [`DOCUMENT_GRID`] over the
    /// document it lies in (`row × 8 + column`; outside the document, the nearest cell).
    /// Empty when there is no `to_document`.
    pub cells: Vec<u8>,
}

impl Region {
    /// Fills the spans of a convex quad (clockwise, image coordinates of the target image)
    /// shrunk towards its centre by `inset` (share of its size, 0–0.5), clipped to the image,
    /// and each pixel's document cell.
    pub fn fill(&mut self, quad: &[Point; 4], width: usize, height: usize, inset: f32) {
        self.fill_spans(quad, width, height, inset);
        if let Some(to_document) = &self.to_document {
            let (gw, gh) = DOCUMENT_GRID;
            self.cells.resize(self.pixels, 0);
            let mut at = 0;
            // Row by row into a slice: no length check and store per pixel as with a push.
            for &(y, x0, x1) in &self.spans {
                let row = &mut self.cells[at..at + (x1 - x0)];
                at += x1 - x0;
                // x in u32: its conversion to f32 vectorises (the same values below 2^24).
                for (cell, x) in row.iter_mut().zip(x0 as u32..) {
                    let (u, v) = to_document.apply(x as f32, y as f32);
                    *cell = cell_of(u, v, gw, gh) as u8;
                }
            }
        }
    }

    /// [`Region::fill`] without the cells (left empty): the spans and the map only.
    pub fn fill_spans(&mut self, quad: &[Point; 4], width: usize, height: usize, inset: f32) {
        self.spans.clear();
        self.cells.clear();
        self.pixels = 0;
        let to_quad = Homography::square_to_quad(quad);
        self.to_document = to_quad.and_then(|h| h.inverse());
        let Some(h) = to_quad else {
            return;
        };
        // The inset quad, in document coordinates, mapped back to the image.
        let (a, b) = (inset, 1.0 - inset);
        let q = [(a, a), (b, a), (b, b), (a, b)].map(|(u, v)| {
            let (x, y) = h.apply(u, v);
            Point::new(x, y)
        });
        let y_min = q.iter().map(|p| p.y).fold(f32::MAX, f32::min).max(0.0);
        let y_max = q
            .iter()
            .map(|p| p.y)
            .fold(f32::MIN, f32::max)
            .min(height as f32 - 1.0);
        if y_min
            .partial_cmp(&y_max)
            .is_none_or(|o| o == std::cmp::Ordering::Greater)
        {
            return;
        }
        for y in y_min.ceil() as usize..=y_max.floor() as usize {
            let yc = y as f32;
            let (mut lo, mut hi) = (f32::MAX, f32::MIN);
            for k in 0..4 {
                let (p, r) = (q[k], q[(k + 1) % 4]);
                if (p.y <= yc && r.y >= yc) || (r.y <= yc && p.y >= yc) {
                    let x = if (r.y - p.y).abs() < 1e-6 {
                        lo = lo.min(p.x.min(r.x));
                        hi = hi.max(p.x.max(r.x));
                        continue;
                    } else {
                        p.x + (yc - p.y) * (r.x - p.x) / (r.y - p.y)
                    };
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
            if lo > hi {
                continue;
            }
            let x0 = lo.ceil().max(0.0) as usize;
            let x1 = (hi.floor() + 1.0).clamp(0.0, width as f32) as usize;
            if x1 > x0 {
                self.spans.push((y, x0, x1));
                self.pixels += x1 - x0;
            }
        }
    }

    /// The cell of a grid of `across × down` over the document for a cell of the
    /// [`DOCUMENT_GRID`], when `across` and `down` divide it: the same cell that the
    /// pixel's document coordinates give on the coarser grid.
    #[must_use]
    pub fn coarser_cell(cell: u8, across: usize, down: usize) -> usize {
        let (gw, gh) = DOCUMENT_GRID;
        let (cu, cv) = (usize::from(cell) % gw, usize::from(cell) / gw);
        (cv / (gh / down)) * across + cu / (gw / across)
    }

    /// The whole image as one region.
    pub fn fill_all(&mut self, width: usize, height: usize) {
        // The pixels' outer edges, so that a frame one pixel wide or high is covered too.
        let (w, h) = (width as f32 - 0.5, height as f32 - 0.5);
        let quad = [
            Point::new(-0.5, -0.5),
            Point::new(w, -0.5),
            Point::new(w, h),
            Point::new(-0.5, h),
        ];
        self.fill(&quad, width, height, 0.0);
    }
}

/// The cell (`row × across + column`) of a grid of `across × down` over the document that
/// document coordinates `(u, v)` fall in; outside the document, the nearest one.
/// In 32 bits, which is cheaper per pixel than `isize` (a float beyond their range
/// saturates and is clamped the same; NaN gives cell 0).
fn cell_of(u: f32, v: f32, across: usize, down: usize) -> usize {
    let cu = ((u * across as f32) as i32).clamp(0, across as i32 - 1);
    let cv = ((v * down as f32) as i32).clamp(0, down as i32 - 1);
    (cv * across as i32 + cu) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_image_is_every_pixel_even_one_wide_or_high() {
        let mut region = Region::default();
        for (w, h) in [(1, 1), (1, 7), (7, 1), (2, 2), (5, 3), (384, 216)] {
            region.fill_all(w, h);
            let mut seen = vec![0u8; w * h];
            for &(y, x0, x1) in &region.spans {
                for x in x0..x1 {
                    seen[y * w + x] += 1;
                }
            }
            assert!(seen.iter().all(|&c| c == 1), "{w}×{h}: {seen:?}");
        }
    }

    #[test]
    fn cells_are_those_of_truncating_then_clamping() {
        let plain = |u: f32, v: f32| {
            let cu = ((u * 8.0) as isize).clamp(0, 7) as usize;
            let cv = ((v * 6.0) as isize).clamp(0, 5) as usize;
            cv * 8 + cu
        };
        let mut values: Vec<f32> = (-300..=1300).map(|k| k as f32 / 1000.0).collect();
        let ordinary = values.len();
        values.extend([
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            f32::MIN,
            1e12,
            -1e12,
            0.125 - f32::EPSILON,
            0.875,
            1.0 - f32::EPSILON,
        ]);
        for &u in &values {
            for &v in values.iter().step_by(7).chain(&values[ordinary..]) {
                assert_eq!(cell_of(u, v, 8, 6), plain(u, v), "u {u} v {v}");
            }
        }
    }

    #[test]
    fn homography_maps_corners_and_inverts() {
        let q = [
            Point::new(10.0, 20.0),
            Point::new(110.0, 25.0),
            Point::new(100.0, 90.0),
            Point::new(15.0, 80.0),
        ];
        let h = Homography::square_to_quad(&q).unwrap();
        for (k, (u, v)) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
            .into_iter()
            .enumerate()
        {
            let (x, y) = h.apply(u, v);
            assert!((x - q[k].x).abs() < 1e-3 && (y - q[k].y).abs() < 1e-3);
        }
        let inv = h.inverse().unwrap();
        let (u, v) = inv.apply(q[2].x, q[2].y);
        assert!((u - 1.0).abs() < 1e-4 && (v - 1.0).abs() < 1e-4);
    }

    #[test]
    fn coarser_cells_are_the_cells_of_the_coarser_grid() {
        let mut state = 99u32;
        for _ in 0..100_000 {
            let state = crate::xorshift(&mut state);
            let u = (state & 0xffff) as f32 / 65536.0 * 1.6 - 0.3;
            let v = (state >> 16) as f32 / 65536.0 * 1.6 - 0.3;
            let fine = cell_of(u, v, 8, 6) as u8;
            for (across, down) in [(4, 3), (2, 2), (8, 6), (1, 1)] {
                assert_eq!(
                    Region::coarser_cell(fine, across, down),
                    cell_of(u, v, across, down),
                    "({u}, {v}) on {across}×{down}"
                );
            }
        }
        // Exactly on the lines between cells.
        for k in 0..=8 {
            let u = k as f32 / 8.0;
            assert_eq!(
                Region::coarser_cell(cell_of(u, 0.5, 8, 6) as u8, 4, 3),
                cell_of(u, 0.5, 4, 3)
            );
        }
    }

    #[test]
    fn spans_cover_a_rectangle() {
        let q = [
            Point::new(2.0, 2.0),
            Point::new(11.0, 2.0),
            Point::new(11.0, 6.0),
            Point::new(2.0, 6.0),
        ];
        let mut r = Region::default();
        r.fill(&q, 20, 20, 0.0);
        assert_eq!(r.spans.len(), 5);
        assert_eq!(r.pixels, 50);
        r.fill_all(7, 3);
        assert_eq!(r.pixels, 21);
    }
}
