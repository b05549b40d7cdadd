//! The input frame (RGBA bytes at full resolution) and the reduced working image the outline
//! finder and the region statistics run on.

use crate::FrameError;

/// Largest width or height accepted, pixels.
pub const MAX_SIDE: u32 = 20_000;
/// Largest pixel count accepted (a 100-megapixel still).
pub const MAX_PIXELS: u64 = 100_000_000;

/// A validated view of an RGBA frame.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// RGBA bytes, row-major, 4 per pixel.
    pub rgba: &'a [u8],
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
}

impl<'a> Frame<'a> {
    /// Checks the size and the buffer length.
    ///
    /// # Errors
    /// [`FrameError::EmptyFrame`], [`FrameError::TooLarge`] or [`FrameError::WrongLength`].
    pub fn new(rgba: &'a [u8], width: u32, height: u32) -> Result<Self, FrameError> {
        if width == 0 || height == 0 {
            return Err(FrameError::EmptyFrame { width, height });
        }
        let pixels = u64::from(width) * u64::from(height);
        if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
            return Err(FrameError::TooLarge { width, height });
        }
        let expected = pixels * 4;
        if rgba.len() as u64 != expected {
            return Err(FrameError::WrongLength {
                expected,
                actual: rgba.len() as u64,
                width,
                height,
            });
        }
        Ok(Frame {
            rgba,
            width: width as usize,
            height: height as usize,
        })
    }

    /// Luma (BT.601 weights, 0–255) of the pixel at `(x, y)`; coordinates are clamped into
    /// the frame.
    #[inline]
    #[must_use]
    pub fn luma_at(&self, x: isize, y: isize) -> u8 {
        let x = x.clamp(0, self.width as isize - 1) as usize;
        let y = y.clamp(0, self.height as isize - 1) as usize;
        let i = (y * self.width + x) * 4;
        luma(self.rgba[i], self.rgba[i + 1], self.rgba[i + 2])
    }

    /// Bilinearly interpolated RGB at a sub-pixel position (clamped into the frame).
    #[must_use]
    pub fn rgb_bilinear(&self, x: f32, y: f32) -> [f32; 3] {
        let xf = x.clamp(0.0, (self.width - 1) as f32);
        let yf = y.clamp(0.0, (self.height - 1) as f32);
        let x0 = xf.floor() as usize;
        let y0 = yf.floor() as usize;
        let x1 = (x0 + 1).min(self.width - 1);
        let y1 = (y0 + 1).min(self.height - 1);
        let (fx, fy) = (xf - x0 as f32, yf - y0 as f32);
        let px = |x: usize, y: usize, c: usize| f32::from(self.rgba[(y * self.width + x) * 4 + c]);
        let mut out = [0.0; 3];
        for (c, o) in out.iter_mut().enumerate() {
            let top = px(x0, y0, c) * (1.0 - fx) + px(x1, y0, c) * fx;
            let bottom = px(x0, y1, c) * (1.0 - fx) + px(x1, y1, c) * fx;
            *o = top * (1.0 - fy) + bottom * fy;
        }
        out
    }
}

/// `acc[i] += row[i]` over the whole row, in fixed-size blocks the compiler turns into
/// SIMD adds (SSE2, wasm simd128).
#[inline]
fn add_row(acc: &mut [u16], row: &[u8]) {
    let mut acc_blocks = acc.chunks_exact_mut(16);
    let mut row_blocks = row.chunks_exact(16);
    for (a, v) in (&mut acc_blocks).zip(&mut row_blocks) {
        let a: &mut [u16; 16] = a.try_into().expect("block of 16");
        let v: &[u8; 16] = v.try_into().expect("block of 16");
        for k in 0..16 {
            a[k] += u16::from(v[k]);
        }
    }
    for (a, &v) in acc_blocks
        .into_remainder()
        .iter_mut()
        .zip(row_blocks.remainder())
    {
        *a += u16::from(v);
    }
}

/// A divisor used for many divisions, as a fixed-point reciprocal: `n / d` rounded down by a
/// multiplication and a shift instead of a hardware division each time (the reduction's
/// per-pixel averages, the sharpness samples).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Divisor(u64);

impl Divisor {
    /// `d` ≥ 1 (0 is taken as 1).
    pub(crate) fn new(d: u64) -> Self {
        Divisor((1u64 << 48) / d.max(1) + 1)
    }

    /// `n / d` rounded down: exact when `n × d < 2^48`, and `n < 2^16 × d` keeps the product
    /// in 64 bits. Both hold for averages of up to 2^16 values of 0–255 (`n` at most
    /// 511 × count for the reduction's rounding, `d` = 2 × count; `d` ≤ 2 × 157² since an
    /// output pixel averages at most 157 × 157 frame pixels).
    pub(crate) fn divide(self, n: u64) -> u64 {
        (n * self.0) >> 48
    }
}

/// BT.601 luma from 8-bit RGB, 0–255.
#[inline]
#[must_use]
pub fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29 + 128) >> 8) as u8
}

/// The frame reduced by area averaging so that its long side is at most the working size.
/// Planes are reused between frames: no allocation once they have grown to size.
#[derive(Debug, Default, Clone)]
pub struct WorkImage {
    /// Width, pixels.
    pub width: usize,
    /// Height, pixels.
    pub height: usize,
    /// Full-resolution pixels per working pixel (≥ 1).
    pub scale: f32,
    /// Red, green, blue and luma planes, `width × height` each.
    pub r: Vec<u8>,
    /// Green plane.
    pub g: Vec<u8>,
    /// Blue plane.
    pub b: Vec<u8>,
    /// Luma plane (BT.601).
    pub luma: Vec<u8>,
    /// Column sums of one output row's source rows (at most 157 rows of 255: fits u16, since
    /// the working size is at least 128 and a side at most 20 000).
    acc: Vec<u16>,
    /// Per pixel count an output pixel can have, the divisor `2 × count` (rounding division
    /// by multiplication).
    recip: Vec<Divisor>,
    xs: Vec<usize>,
    /// Running totals of one output row's column sums, per lane: `totals[x]` sums columns
    /// `0..x` (a row of at most 157 × 20 000 values of 255 fits u32).
    totals: Vec<[u32; 4]>,
}

impl WorkImage {
    /// An image of this size with empty planes, for tests that push pixels themselves.
    #[cfg(test)]
    pub(crate) fn empty(width: usize, height: usize) -> Self {
        WorkImage {
            width,
            height,
            scale: 1.0,
            ..WorkImage::default()
        }
    }

    /// A grey image whose pixel (x, y) is `f(x, y)`, for tests.
    #[cfg(test)]
    pub(crate) fn grey(width: usize, height: usize, f: impl Fn(usize, usize) -> u8) -> Self {
        let mut img = WorkImage::empty(width, height);
        for y in 0..height {
            for x in 0..width {
                let v = f(x, y);
                img.push_rgb(v, v, v);
            }
        }
        img
    }

    /// Appends one pixel (and its luma), for tests that build images pixel by pixel.
    #[cfg(test)]
    pub(crate) fn push_rgb(&mut self, r: u8, g: u8, b: u8) {
        self.r.push(r);
        self.g.push(g);
        self.b.push(b);
        self.luma.push(luma(r, g, b));
    }

    /// Reduces `frame` so that its long side is at most `long_side` (never enlarges).
    pub fn fill(&mut self, frame: &Frame<'_>, long_side: usize) {
        let long = frame.width.max(frame.height);
        let factor = (long as f32 / long_side as f32).max(1.0);
        let w = ((frame.width as f32 / factor).round() as usize).clamp(1, frame.width);
        let h = ((frame.height as f32 / factor).round() as usize).clamp(1, frame.height);
        self.width = w;
        self.height = h;
        self.scale = frame.width as f32 / w as f32;
        let n = w * h;
        for plane in [&mut self.r, &mut self.g, &mut self.b, &mut self.luma] {
            plane.clear();
            plane.resize(n, 0);
        }
        // Column boundaries: output column i averages source columns xs[i]..xs[i+1].
        self.xs.clear();
        self.xs.extend((0..=w).map(|i| i * frame.width / w));
        // Sum the source rows of each output row first (a plain element-wise add that
        // vectorises), then the columns of each output pixel.
        self.acc.clear();
        self.acc.resize(frame.width * 4, 0);
        self.totals.clear();
        self.totals.resize(frame.width + 1, [0; 4]);
        // The divisor for every pixel count an output pixel can have.
        let most = frame.height.div_ceil(h) * frame.width.div_ceil(w);
        if self.recip.len() <= most {
            let known = self.recip.len();
            self.recip
                .extend((known..=most).map(|c| Divisor::new(2 * c as u64)));
        }
        let src_w = frame.width;
        for oy in 0..h {
            let y0 = oy * frame.height / h;
            let y1 = ((oy + 1) * frame.height / h).max(y0 + 1);
            let first = &frame.rgba[y0 * src_w * 4..(y0 + 1) * src_w * 4];
            for (a, &v) in self.acc.iter_mut().zip(first) {
                *a = u16::from(v);
            }
            for sy in y0 + 1..y1 {
                let row = &frame.rgba[sy * src_w * 4..(sy + 1) * src_w * 4];
                add_row(&mut self.acc, row);
            }
            // Running totals along the row (alpha too: the four lanes add as one vector), so
            // that each output column's sum is one difference, with no loop of varying length.
            let mut run = [0u32; 4];
            for (t, px) in self.totals[1..].iter_mut().zip(self.acc.chunks_exact(4)) {
                for (s, &v) in run.iter_mut().zip(px) {
                    *s += u32::from(v);
                }
                *t = run;
            }
            let rows = y1 - y0;
            let out = oy * w..(oy + 1) * w;
            let planes = (
                &mut self.r[out.clone()],
                &mut self.g[out.clone()],
                &mut self.b[out.clone()],
                &mut self.luma[out],
            );
            for (ox, cols) in self.xs.windows(2).enumerate() {
                let (x0, x1) = (cols[0], cols[1]);
                let (from, to) = (self.totals[x0], self.totals[x1]);
                // Divide by the pixel count with a fixed-point reciprocal (no division per
                // pixel).
                let count = rows * (x1 - x0);
                // (2s + count) / (2 count), rounded down: s / count rounded half up.
                let recip = self.recip[count];
                let div =
                    |k: usize| recip.divide(u64::from(to[k] - from[k]) * 2 + count as u64) as u8;
                let (r, g, b) = (div(0), div(1), div(2));
                planes.0[ox] = r;
                planes.1[ox] = g;
                planes.2[ox] = b;
                planes.3[ox] = luma(r, g, b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_sizes_precisely() {
        assert_eq!(
            Frame::new(&[], 0, 5).unwrap_err(),
            FrameError::EmptyFrame {
                width: 0,
                height: 5
            }
        );
        assert!(matches!(
            Frame::new(&[], 100_000, 100_000),
            Err(FrameError::TooLarge { .. })
        ));
        assert!(matches!(
            Frame::new(&[0; 15], 2, 2),
            Err(FrameError::WrongLength {
                expected: 16,
                actual: 15,
                ..
            })
        ));
        assert!(Frame::new(&[0; 16], 2, 2).is_ok());
    }

    #[test]
    fn divisions_are_the_plain_quotients() {
        // Averages of up to 300 lumas (the sharpness samples): every sum.
        for d in 1..=300u64 {
            let divisor = Divisor::new(d);
            for n in 0..=255 * d {
                assert_eq!(divisor.divide(n), n / d, "{n} / {d}");
            }
        }
        // The reduction's rounding, (2s + c) / 2c for c frame pixels, up to 157 × 157 of
        // them: the sums either side of every step of the quotient.
        for c in (1..=157 * 157u64).step_by(97).chain([157 * 157]) {
            let divisor = Divisor::new(2 * c);
            for q in 0..=255u64 {
                for n in [
                    2 * c * q,
                    (2 * c * q).saturating_sub(1),
                    2 * c * q + 2 * c - 1,
                ] {
                    let n = n.min(511 * c);
                    assert_eq!(divisor.divide(n), n / (2 * c), "{n} / {}", 2 * c);
                }
            }
        }
    }

    #[test]
    fn reduction_averages_blocks() {
        // 4×2 frame: left half black, right half white → 2×1 at long side 2.
        let mut rgba = Vec::new();
        for _ in 0..2 {
            for x in 0..4 {
                let v = if x < 2 { 0 } else { 255 };
                rgba.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let f = Frame::new(&rgba, 4, 2).unwrap();
        let mut w = WorkImage::default();
        w.fill(&f, 2);
        assert_eq!((w.width, w.height), (2, 1));
        assert_eq!(w.luma, vec![0, 255]);
        assert!((w.scale - 2.0).abs() < 1e-6);
    }

    proptest::proptest! {
        /// The reduction equals the plain area average of each output pixel's source block,
        /// rounded half up.
        #[test]
        fn reduction_matches_plain_area_average(
            w in 1usize..90,
            h in 1usize..90,
            long_side in 1usize..40,
            seed in 0u32..1000,
        ) {
            let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
            let rgba: Vec<u8> = (0..w * h * 4)
                .map(|_| (crate::xorshift(&mut state) >> 24) as u8)
                .collect();
            let f = Frame::new(&rgba, w as u32, h as u32).unwrap();
            let mut work = WorkImage::default();
            work.fill(&f, long_side);
            let (ow, oh) = (work.width, work.height);
            for oy in 0..oh {
                let y0 = oy * h / oh;
                let y1 = ((oy + 1) * h / oh).max(y0 + 1);
                for ox in 0..ow {
                    let (x0, x1) = (ox * w / ow, (ox + 1) * w / ow);
                    let count = ((y1 - y0) * (x1 - x0)) as u32;
                    let mean = |c: usize| {
                        let s: u32 = (y0..y1)
                            .flat_map(|y| (x0..x1).map(move |x| (y * w + x) * 4 + c))
                            .map(|i| u32::from(rgba[i]))
                            .sum();
                        ((2 * s + count) / (2 * count)) as u8
                    };
                    let i = oy * ow + ox;
                    let (r, g, b) = (mean(0), mean(1), mean(2));
                    proptest::prop_assert_eq!([work.r[i], work.g[i], work.b[i]], [r, g, b]);
                    proptest::prop_assert_eq!(work.luma[i], luma(r, g, b));
                }
            }
        }
    }
}
