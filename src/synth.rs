//! Generated scenes with known answers: an ID-1-like card drawn with a known outline on a
//! background, optionally darkened, blurred, given a highlight or a shadow, covered by a
//! thumb, or turned grey. Used by the tests and the benchmark, natively and in the browser.

use crate::geometry::Point;
use crate::region::Homography;

/// What lies under the card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Background {
    /// A plain surface of this colour with slight noise.
    Plain([u8; 3]),
    /// Wood-like stripes.
    Wood,
    /// Coarse random texture.
    Texture,
    /// A plain surface of colour `floor` with a plain tray (a mat, a closed book) of colour
    /// `tray` on it, over the rectangle `[x0, y0, x1, y1]` in pixels (it may run out of the
    /// frame).
    Tray {
        floor: [u8; 3],
        tray: [u8; 3],
        rect: [f32; 4],
    },
}

/// A scene description; [`Scene::render`] turns it into RGBA pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// Frame width, pixels.
    pub width: usize,
    /// Frame height, pixels.
    pub height: usize,
    /// The card's corners TL, TR, BR, BL (where its straight edges meet); `None` for an
    /// empty scene.
    pub quad: Option<[Point; 4]>,
    /// The surface.
    pub background: Background,
    /// Light level: pixel values are multiplied by this.
    pub gain: f32,
    /// Extra box-blur radius, pixels (0 = only the optics' slight softness).
    pub blur: usize,
    /// A specular highlight: centre (document coordinates 0–1) and radius (share of the
    /// card's width).
    pub glare: Option<(f32, f32, f32)>,
    /// A hard shadow over the card's left part up to this share of its width.
    pub shadow: Option<f32>,
    /// A thumb over this corner (0 = TL … 3 = BL).
    pub thumb: Option<usize>,
    /// Draw the card without colour.
    pub grayscale: bool,
    /// Noise seed.
    pub seed: u32,
}

impl Scene {
    /// A well-lit, sharp card with corners `quad` on a dark desk.
    #[must_use]
    pub fn card(width: usize, height: usize, quad: [Point; 4]) -> Self {
        Scene {
            width,
            height,
            quad: Some(quad),
            background: Background::Plain([52, 56, 60]),
            gain: 1.0,
            blur: 0,
            glare: None,
            shadow: None,
            thumb: None,
            grayscale: false,
            seed: 1,
        }
    }

    /// A card centred in the frame covering about `share` of its width, turned by `degrees`.
    #[must_use]
    pub fn centred(width: usize, height: usize, share: f32, degrees: f32) -> Self {
        let cw = share * width as f32;
        let ch = cw / 1.586;
        let (cx, cy) = (width as f32 / 2.0, height as f32 / 2.0);
        let (s, c) = degrees.to_radians().sin_cos();
        let corner = |dx: f32, dy: f32| Point::new(cx + dx * c - dy * s, cy + dx * s + dy * c);
        let (hx, hy) = (cw / 2.0, ch / 2.0);
        Scene::card(
            width,
            height,
            [
                corner(-hx, -hy),
                corner(hx, -hy),
                corner(hx, hy),
                corner(-hx, hy),
            ],
        )
    }

    /// RGBA pixels of the scene.
    #[must_use]
    pub fn render(&self) -> Vec<u8> {
        let (w, h) = (self.width, self.height);
        let mut rgb = vec![0f32; w * h * 3];
        let to_doc = self
            .quad
            .and_then(|q| Homography::square_to_quad(&q))
            .and_then(|m| m.inverse());
        let card_w = self.quad.map_or(1.0, |q| q[0].distance(q[1]).max(1.0));
        for y in 0..h {
            for x in 0..w {
                // 2×2 samples per pixel: edges anti-aliased as a lens would, print still crisp.
                let mut c = [0.0f32; 3];
                for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                    let s = self.sample(x as f32 + ox, y as f32 + oy, to_doc.as_ref(), card_w);
                    for k in 0..3 {
                        c[k] += s[k] / 4.0;
                    }
                }
                let n = noise(x as u32, y as u32, self.seed) * 3.0;
                let i = (y * w + x) * 3;
                for k in 0..3 {
                    rgb[i + k] = (c[k] * self.gain + n).clamp(0.0, 255.0);
                }
            }
        }
        // Defocus: three box passes approximate a Gaussian.
        for _ in 0..3 {
            if self.blur > 0 {
                box_blur(&mut rgb, w, h, self.blur);
            }
        }
        let mut out = Vec::with_capacity(w * h * 4);
        for p in rgb.chunks_exact(3) {
            out.extend_from_slice(&[
                p[0].round() as u8,
                p[1].round() as u8,
                p[2].round() as u8,
                255,
            ]);
        }
        out
    }

    /// The scene's colour at one point (before gain and noise).
    fn sample(&self, x: f32, y: f32, to_doc: Option<&Homography>, card_w: f32) -> [f32; 3] {
        let mut c = self.background_at(x as usize, y as usize);
        let Some(m) = to_doc else {
            return c;
        };
        let (u, v) = m.apply(x, y);
        let on_card = inside_rounded(u, v);
        if on_card {
            c = card_at(u, v);
            if self.grayscale {
                let l = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
                c = [l, l, l];
            }
            if self.shadow.is_some_and(|split| u < split) {
                c = c.map(|v| v * 0.3);
            }
            if let Some((gu, gv, gr)) = self.glare {
                let (du, dv) = (u - gu, (v - gv) / 1.586);
                let add = 420.0 * (-(du * du + dv * dv) / (gr * gr)).exp();
                c = c.map(|v| v + add);
            }
        }
        if let (Some(k), Some(q)) = (self.thumb, self.quad) {
            let (corner, centre) = (q[k], q[(k + 2) % 4]);
            let (dx, dy) = (corner.x - centre.x, corner.y - centre.y);
            let d = dx.hypot(dy).max(1.0);
            // The thumb's tip sits over the corner; the thumb comes from outside the card.
            let r = 0.11 * card_w;
            let tip = Point::new(
                corner.x + dx / d * 0.02 * card_w,
                corner.y + dy / d * 0.02 * card_w,
            );
            let (px, py) = (
                x - (tip.x + dx / d * r * 0.6),
                y - (tip.y + dy / d * r * 0.6),
            );
            if px * px + py * py < r * r * 1.4 {
                c = [214.0, 160.0, 130.0];
            }
        }
        c
    }

    fn background_at(&self, x: usize, y: usize) -> [f32; 3] {
        match self.background {
            Background::Plain(c) => c.map(f32::from),
            Background::Wood => {
                let t = (y as f32 * 0.09 + (x as f32 * 0.013).sin() * 3.0).sin();
                [120.0 + 25.0 * t, 82.0 + 18.0 * t, 50.0 + 10.0 * t]
            }
            Background::Texture => {
                let v = noise(x as u32 / 6, y as u32 / 6, self.seed.wrapping_add(7));
                let g = 110.0 + 50.0 * v;
                [g, g * 0.95, g * 0.9]
            }
            Background::Tray { floor, tray, rect } => {
                let [x0, y0, x1, y1] = rect;
                let (x, y) = (x as f32, y as f32);
                let on_tray = x >= x0 && x < x1 && y >= y0 && y < y1;
                (if on_tray { tray } else { floor }).map(f32::from)
            }
        }
    }
}

/// Inside the unit square with ID-1 rounded corners (radius 3.18 mm of 85.60 × 53.98 mm).
fn inside_rounded(u: f32, v: f32) -> bool {
    if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
        return false;
    }
    let (ru, rv) = (3.18 / 85.60, 3.18 / 53.98);
    let cu = u.clamp(ru, 1.0 - ru);
    let cv = v.clamp(rv, 1.0 - rv);
    let (du, dv) = ((u - cu) / ru, (v - cv) / rv);
    du * du + dv * dv <= 1.0
}

/// The card's design at document coordinates: a pale blue base with a coloured header, a
/// portrait box and lines of dark "text".
fn card_at(u: f32, v: f32) -> [f32; 3] {
    if v < 0.18 {
        return [40.0, 70.0, 140.0];
    }
    if (0.05..0.30).contains(&u) && (0.28..0.88).contains(&v) {
        let face = ((u - 0.175) / 0.08).powi(2) + ((v - 0.5) / 0.14).powi(2) < 1.0;
        return if face {
            [190.0, 150.0, 120.0]
        } else {
            [150.0, 170.0, 185.0]
        };
    }
    if u > 0.36 && u < 0.95 && v > 0.28 && v < 0.9 {
        let row = ((v - 0.28) / 0.07).fract();
        let glyph = ((u * 90.0).sin() * (v * 37.0).cos()).abs() > 0.3;
        if row < 0.45 && glyph {
            return [30.0, 30.0, 45.0];
        }
    }
    [222.0, 230.0, 236.0]
}

/// Deterministic noise in −1–1.
fn noise(x: u32, y: u32, seed: u32) -> f32 {
    let mut h =
        x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    (h & 0xFFFF) as f32 / 32767.5 - 1.0
}

/// Separable box blur of an interleaved RGB float image.
fn box_blur(img: &mut [f32], w: usize, h: usize, r: usize) {
    let mut tmp = vec![0f32; img.len()];
    for pass in 0..2 {
        let (len, count, stride_a, stride_b) = if pass == 0 {
            (w, h, 3, w * 3)
        } else {
            (h, w, w * 3, 3)
        };
        let (src, dst): (&[f32], &mut [f32]) = if pass == 0 {
            (&*img, &mut tmp)
        } else {
            (&tmp, &mut *img)
        };
        for line in 0..count {
            for c in 0..3 {
                let at = |k: usize| line * stride_b + k * stride_a + c;
                for k in 0..len {
                    let lo = k.saturating_sub(r);
                    let hi = (k + r).min(len - 1);
                    let mut s = 0.0;
                    for j in lo..=hi {
                        s += src[at(j)];
                    }
                    dst[at(k)] = s / (hi - lo + 1) as f32;
                }
            }
        }
    }
}
