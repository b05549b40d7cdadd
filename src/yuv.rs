//! YUV 4:2:0 frames (a camera's own format: NV12 on Apple devices, I420 elsewhere) turned into
//! the RGBA the engine reads, so that a browser that cannot convert a `VideoFrame` in
//! `copyTo` (Safari) can still hand its frames over with one copy instead of drawing each on a
//! canvas and reading it back.
//!
//! The planes are as `VideoFrame.copyTo` writes them with a tight layout: the luma plane
//! (`width × height`), then for NV12 one plane of interleaved U, V pairs (`2·cw × ch`), for
//! I420 a U plane and a V plane (`cw × ch` each), where `cw`, `ch` are the width and height
//! halved and rounded up. Each chroma sample covers a 2×2 block of pixels.

/// How the chroma samples are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Luma, then U and V interleaved in one plane.
    Nv12,
    /// Luma, then a U plane, then a V plane.
    I420,
}

/// The matrix that turns R′G′B′ into Y′CbCr, by its luma weights of red and blue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Matrix {
    /// ITU-R BT.601 (`VideoColorSpace` matrix `smpte170m` or `bt470bg`): standard definition
    /// video and JPEG.
    Bt601,
    /// ITU-R BT.709 (`bt709`): HD video, phone cameras.
    Bt709,
    /// ITU-R BT.2020 non-constant luminance (`bt2020-ncl`).
    Bt2020,
}

impl Matrix {
    /// (Kr, Kb).
    fn weights(self) -> (f32, f32) {
        match self {
            Matrix::Bt601 => (0.299, 0.114),
            Matrix::Bt709 => (0.2126, 0.0722),
            Matrix::Bt2020 => (0.2627, 0.0593),
        }
    }
}

/// Fixed-point bits of the conversion coefficients.
const SHIFT: u32 = 14;

/// Bytes of a `width × height` frame in either layout.
#[must_use]
pub fn frame_len(width: usize, height: usize) -> usize {
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    width * height + 2 * cw * ch
}

/// Converts the YUV 4:2:0 frame `src` (`frame_len(width, height)` bytes or more, in
/// `layout`) into RGBA in `out` (`width × height × 4` bytes; alpha 255). `full_range`: luma
/// and chroma span 0–255; else the video range (luma 16–235, chroma 16–240), which values
/// beyond it are clamped out of. `rows` is scratch space, reused between frames.
///
/// # Panics
/// When `src` or `out` is shorter than said.
#[allow(clippy::too_many_arguments)]
pub fn to_rgba(
    src: &[u8],
    width: usize,
    height: usize,
    layout: Layout,
    matrix: Matrix,
    full_range: bool,
    out: &mut [u8],
    rows: &mut Vec<i32>,
) {
    let (cw, ch) = (width.div_ceil(2), height.div_ceil(2));
    let (luma, chroma) = src[..frame_len(width, height)].split_at(width * height);
    let out = &mut out[..width * height * 4];
    let (kr, kb) = matrix.weights();
    let kg = 1.0 - kr - kb;
    // R = Y + cr·V, G = Y − gu·U − gv·V, B = Y + cb·U on normalised values; the video range
    // first stretches luma by 255/219 and chroma by 255/224.
    let (y_scale, c_scale, y_offset) = if full_range {
        (1.0, 1.0, 0)
    } else {
        (255.0 / 219.0, 255.0 / 224.0, 16)
    };
    let fixed = |v: f32| (v * (1 << SHIFT) as f32).round() as i32;
    let y_mul = fixed(y_scale);
    let r_v = fixed(2.0 * (1.0 - kr) * c_scale);
    let b_u = fixed(2.0 * (1.0 - kb) * c_scale);
    let g_u = fixed(2.0 * kb * (1.0 - kb) / kg * c_scale);
    let g_v = fixed(2.0 * kr * (1.0 - kr) / kg * c_scale);
    // Per pixel of a row pair, the chroma terms (each sample's twice), with the luma offset
    // and the rounding folded in: then each pixel is one multiply and three adds.
    let bias = (1 << (SHIFT - 1)) - y_offset * y_mul;
    rows.clear();
    rows.resize(3 * width, 0);
    let (red, rest) = rows.split_at_mut(width);
    let (green, blue) = rest.split_at_mut(width);
    for y in 0..height {
        if y % 2 == 0 {
            let cy = y / 2;
            for cx in 0..cw {
                let (u, v) = match layout {
                    Layout::Nv12 => (chroma[2 * (cy * cw + cx)], chroma[2 * (cy * cw + cx) + 1]),
                    Layout::I420 => (chroma[cy * cw + cx], chroma[cw * ch + cy * cw + cx]),
                };
                let (u, v) = (i32::from(u) - 128, i32::from(v) - 128);
                let terms = (r_v * v + bias, bias - g_u * u - g_v * v, b_u * u + bias);
                for x in 2 * cx..(2 * cx + 2).min(width) {
                    (red[x], green[x], blue[x]) = terms;
                }
            }
        }
        let row = &luma[y * width..(y + 1) * width];
        let out_row = &mut out[y * width * 4..(y + 1) * width * 4];
        let channel = |v: i32| (v >> SHIFT).clamp(0, 255) as u32;
        for ((((&l, px), &r), &g), &b) in row
            .iter()
            .zip(out_row.chunks_exact_mut(4))
            .zip(red.iter())
            .zip(green.iter())
            .zip(blue.iter())
        {
            let l = i32::from(l) * y_mul;
            let rgba = channel(l + r) | channel(l + g) << 8 | channel(l + b) << 16 | 0xff00_0000;
            px.copy_from_slice(&rgba.to_le_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RGBA encoded into YUV 4:2:0 the plain way (chroma averaged over each 2×2 block), for
    /// round trips.
    fn encode(rgba: &[u8], w: usize, h: usize, layout: Layout, m: Matrix, full: bool) -> Vec<u8> {
        let (kr, kb) = m.weights();
        let kg = 1.0 - kr - kb;
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let px = |x: usize, y: usize| {
            let i = (y * w + x) * 4;
            let (r, g, b) = (
                f32::from(rgba[i]) / 255.0,
                f32::from(rgba[i + 1]) / 255.0,
                f32::from(rgba[i + 2]) / 255.0,
            );
            let yy = kr * r + kg * g + kb * b;
            (
                yy,
                (b - yy) / (2.0 * (1.0 - kb)),
                (r - yy) / (2.0 * (1.0 - kr)),
            )
        };
        let (ys, yo, cs) = if full {
            (255.0, 0.0, 255.0)
        } else {
            (219.0, 16.0, 224.0)
        };
        let mut out = vec![0u8; frame_len(w, h)];
        for y in 0..h {
            for x in 0..w {
                out[y * w + x] = (px(x, y).0 * ys + yo).round() as u8;
            }
        }
        for cy in 0..ch {
            for cx in 0..cw {
                let (mut u, mut v, mut n) = (0.0, 0.0, 0.0);
                for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                    let (x, y) = (2 * cx + x, 2 * cy + y);
                    if x < w && y < h {
                        let (_, pu, pv) = px(x, y);
                        u += pu;
                        v += pv;
                        n += 1.0;
                    }
                }
                let q = |c: f32| (c / n * cs + 128.0).round().clamp(0.0, 255.0) as u8;
                let base = w * h;
                match layout {
                    Layout::Nv12 => {
                        out[base + 2 * (cy * cw + cx)] = q(u);
                        out[base + 2 * (cy * cw + cx) + 1] = q(v);
                    }
                    Layout::I420 => {
                        out[base + cy * cw + cx] = q(u);
                        out[base + cw * ch + cy * cw + cx] = q(v);
                    }
                }
            }
        }
        out
    }

    #[test]
    fn black_white_and_grey_are_exact_in_both_ranges() {
        for (full, black, white) in [(false, 16, 235), (true, 0, 255)] {
            for m in [Matrix::Bt601, Matrix::Bt709, Matrix::Bt2020] {
                // 2×1: one chroma sample, neutral.
                for (luma, want) in [(black, 0u8), (white, 255), ((black + white) / 2, 0)] {
                    let src = [luma, luma, 128, 128];
                    let mut out = [0u8; 8];
                    to_rgba(&src, 2, 1, Layout::Nv12, m, full, &mut out, &mut Vec::new());
                    if want == 0 && luma != black {
                        // Mid grey: equal channels.
                        assert!(out[0] == out[1] && out[1] == out[2], "{out:?}");
                    } else {
                        assert_eq!(
                            out,
                            [want, want, want, 255, want, want, want, 255],
                            "{m:?} {full}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn colours_survive_a_round_trip_in_every_layout_matrix_and_range() {
        // Flat 2×2 blocks of saturated and pale colours (odd sizes: the last row and column
        // have chroma blocks of their own), so chroma subsampling loses nothing.
        let (w, h) = (7, 5);
        let colours = [
            [230, 30, 40],
            [20, 160, 60],
            [30, 60, 200],
            [250, 240, 200],
            [90, 90, 90],
            [255, 255, 0],
        ];
        let mut rgba = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let c = colours[(y / 2 * 4 + x / 2) % colours.len()];
                rgba[(y * w + x) * 4..(y * w + x) * 4 + 4]
                    .copy_from_slice(&[c[0], c[1], c[2], 255]);
            }
        }
        for layout in [Layout::Nv12, Layout::I420] {
            for m in [Matrix::Bt601, Matrix::Bt709, Matrix::Bt2020] {
                for full in [false, true] {
                    let yuv = encode(&rgba, w, h, layout, m, full);
                    let mut back = vec![0u8; w * h * 4];
                    to_rgba(&yuv, w, h, layout, m, full, &mut back, &mut Vec::new());
                    for (i, (a, b)) in rgba.iter().zip(&back).enumerate() {
                        assert!(
                            (i32::from(*a) - i32::from(*b)).abs() <= 3,
                            "{layout:?} {m:?} full {full}: byte {i}: {a} became {b}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn values_beyond_the_video_range_are_clamped() {
        // All 255: red and blue far above 255; all 0: far below 0.
        for (v, want) in [(255u8, 255u8), (0, 0)] {
            let mut out = [1u8; 8];
            to_rgba(
                &[v; 4],
                2,
                1,
                Layout::Nv12,
                Matrix::Bt709,
                false,
                &mut out,
                &mut Vec::new(),
            );
            assert_eq!([out[0], out[2], out[3]], [want, want, 255], "{v}: {out:?}");
        }
    }
}
