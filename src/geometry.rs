//! Plane geometry for document outlines: points, lines in normal form, quadrilaterals and
//! their areas, ordering and overlap (IoU). Coordinates are image pixels, x right, y down.

/// `f32::min` and `f32::max` as a comparison and a select, with the same results (NaN
/// included: a NaN operand gives the other one). In wasm these are library calls, since
/// wasm's own `min` and `max` propagate NaN; the quad search orders floats millions of times
/// a second.
pub(crate) trait Order {
    /// The smaller of `self` and `other`, as `f32::min`.
    fn at_most(self, other: Self) -> Self;
    /// The larger of `self` and `other`, as `f32::max`.
    fn at_least(self, other: Self) -> Self;
}

impl Order for f32 {
    #[inline]
    fn at_most(self, other: f32) -> f32 {
        if other < self || self.is_nan() {
            other
        } else {
            self
        }
    }

    #[inline]
    fn at_least(self, other: f32) -> f32 {
        if other > self || self.is_nan() {
            other
        } else {
            self
        }
    }
}

/// A point in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    /// Horizontal position, pixels from the left edge.
    pub x: f32,
    /// Vertical position, pixels from the top edge.
    pub y: f32,
}

impl Point {
    /// A point at `(x, y)`.
    #[must_use]
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    /// Whether the point lies on a `width × height` image: within the centres of its outer
    /// pixels, `0 ≤ x ≤ width − 1` and `0 ≤ y ≤ height − 1`.
    #[must_use]
    pub fn in_image(self, width: f32, height: f32) -> bool {
        self.x >= 0.0 && self.y >= 0.0 && self.x <= width - 1.0 && self.y <= height - 1.0
    }

    /// Euclidean distance to `other`, in pixels.
    #[must_use]
    pub fn distance(self, other: Point) -> f32 {
        // In f64, where the squares are exact: the libm call of `f32::hypot` costs more.
        let (dx, dy) = (f64::from(self.x - other.x), f64::from(self.y - other.y));
        (dx * dx + dy * dy).sqrt() as f32
    }

    /// This point scaled by `s` about the origin.
    #[must_use]
    pub fn scaled(self, s: f32) -> Point {
        Point::new(self.x * s, self.y * s)
    }
}

/// A straight line `x·cos θ + y·sin θ = ρ` (Hesse normal form).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Angle of the line's normal, radians.
    pub theta: f32,
    /// Signed distance of the line from the origin, pixels.
    pub rho: f32,
}

impl Line {
    /// Unit normal `(cos θ, sin θ)`.
    #[must_use]
    pub fn normal(self) -> (f32, f32) {
        (self.theta.cos(), self.theta.sin())
    }

    /// Unit direction along the line, the normal turned by +90°.
    #[must_use]
    pub fn direction(self) -> (f32, f32) {
        let (c, s) = self.normal();
        (-s, c)
    }

    /// Signed distance of `p` from the line, pixels.
    #[must_use]
    pub fn signed_distance(self, p: Point) -> f32 {
        signed_distance_in_normal_form(self.rho, self.normal(), p)
    }

    /// Where two lines cross, or `None` when they are (nearly) parallel.
    #[must_use]
    pub fn intersect(self, other: Line) -> Option<Point> {
        intersect_in_normal_form((self.rho, self.normal()), (other.rho, other.normal()))
    }

    /// The line through two distinct points; `None` when they coincide.
    #[must_use]
    pub fn through(a: Point, b: Point) -> Option<Line> {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy);
        if len < 1e-6 {
            return None;
        }
        let (nx, ny) = (-dy / len, dx / len);
        Some(Line {
            theta: ny.atan2(nx),
            rho: a.x * nx + a.y * ny,
        })
    }

    /// Total least-squares fit through weighted points; `None` for fewer than two points or
    /// points that all coincide.
    #[must_use]
    pub fn fit(points: &[(Point, f32)]) -> Option<Line> {
        let mut sw = 0.0f64;
        let (mut mx, mut my) = (0.0f64, 0.0f64);
        for &(p, w) in points {
            sw += f64::from(w);
            mx += f64::from(w) * f64::from(p.x);
            my += f64::from(w) * f64::from(p.y);
        }
        if points.len() < 2 || sw <= 0.0 {
            return None;
        }
        mx /= sw;
        my /= sw;
        let (mut sxx, mut syy, mut sxy) = (0.0f64, 0.0f64, 0.0f64);
        for &(p, w) in points {
            let (dx, dy) = (f64::from(p.x) - mx, f64::from(p.y) - my);
            let w = f64::from(w);
            sxx += w * dx * dx;
            syy += w * dy * dy;
            sxy += w * dx * dy;
        }
        if sxx + syy <= 1e-12 {
            return None;
        }
        // The normal is the eigenvector of the scatter matrix with the smaller eigenvalue.
        let angle = 0.5 * (2.0 * sxy).atan2(sxx - syy); // direction of largest spread
        let theta = angle + std::f64::consts::FRAC_PI_2;
        let rho = mx * theta.cos() + my * theta.sin();
        Some(Line {
            theta: theta as f32,
            rho: rho as f32,
        })
    }
}

/// Signed area of a polygon (positive when clockwise in image coordinates, y down).
#[must_use]
pub fn signed_area(poly: &[Point]) -> f32 {
    let n = poly.len();
    let mut s = 0.0f64;
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + 1) % n]);
        s += f64::from(a.x) * f64::from(b.y) - f64::from(b.x) * f64::from(a.y);
    }
    (s * 0.5) as f32
}

/// True when the quad is strictly convex (all turns the same way, no degenerate side).
#[must_use]
pub fn is_convex(q: &[Point; 4]) -> bool {
    let mut sign = 0.0f32;
    for i in 0..4 {
        let (a, b, c) = (q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
        let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
        if cross.abs() < 1e-3 {
            return false;
        }
        if sign == 0.0 {
            sign = cross.signum();
        } else if cross.signum() != sign {
            return false;
        }
    }
    true
}

/// Orders four corners as top-left, top-right, bottom-right, bottom-left: clockwise on screen,
/// starting with the corner with the smallest `x + y` (the top-left one for a document
/// rotated by less than 45°).
#[must_use]
pub fn order_corners(q: [Point; 4]) -> [Point; 4] {
    order_corners_perm(&q).map(|i| q[i])
}

/// The length of a quad's longest side.
#[must_use]
pub fn longest_side(q: &[Point; 4]) -> f32 {
    (0..4)
        .map(|k| q[k].distance(q[(k + 1) % 4]))
        .fold(0.0, f32::max)
}

/// The mean of a quad's four corners.
#[must_use]
pub fn quad_centre(q: &[Point; 4]) -> Point {
    Point::new(
        q.iter().map(|p| p.x).sum::<f32>() / 4.0,
        q.iter().map(|p| p.y).sum::<f32>() / 4.0,
    )
}

/// The permutation [`order_corners`] applies: entry `k` is the index in `q` of the `k`-th
/// ordered corner.
#[must_use]
pub fn order_corners_perm(q: &[Point; 4]) -> [usize; 4] {
    let Point { x: cx, y: cy } = quad_centre(q);
    let mut idx = [0usize, 1, 2, 3];
    // Sorting by angle around the centre (atan2 with y down) goes clockwise on screen. Four
    // items: an insertion sort (stable, as `sort_by`, without a general sort in the module).
    let angle = q.map(|p| (p.y - cy).atan2(p.x - cx));
    for i in 1..4 {
        let mut j = i;
        while j > 0 && angle[idx[j - 1]].total_cmp(&angle[idx[j]]).is_gt() {
            idx.swap(j - 1, j);
            j -= 1;
        }
    }
    let start = (0..4)
        .min_by(|&i, &j| (q[idx[i]].x + q[idx[i]].y).total_cmp(&(q[idx[j]].x + q[idx[j]].y)))
        .unwrap_or(0);
    [
        idx[start],
        idx[(start + 1) % 4],
        idx[(start + 2) % 4],
        idx[(start + 3) % 4],
    ]
}

/// Clips a convex polygon by the half-plane on the left of the directed edge `a → b`
/// (Sutherland–Hodgman), for clockwise polygons in image coordinates.
fn clip_half_plane(poly: &[Point], a: Point, b: Point) -> Vec<Point> {
    let inside = |p: Point| (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0.0;
    let mut out = Vec::with_capacity(poly.len() + 2);
    let n = poly.len();
    for i in 0..n {
        let (p, q) = (poly[i], poly[(i + 1) % n]);
        let (pin, qin) = (inside(p), inside(q));
        if pin {
            out.push(p);
        }
        if pin != qin {
            let d1 = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
            let d2 = (b.x - a.x) * (q.y - a.y) - (b.y - a.y) * (q.x - a.x);
            let t = d1 / (d1 - d2);
            out.push(Point::new(p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)));
        }
    }
    out
}

/// Intersection of two convex polygons (any orientation), as a clockwise polygon.
#[must_use]
pub fn convex_intersection(a: &[Point], b: &[Point]) -> Vec<Point> {
    let cw = |p: &[Point]| -> Vec<Point> {
        if signed_area(p) < 0.0 {
            p.iter().rev().copied().collect()
        } else {
            p.to_vec()
        }
    };
    let mut out = cw(a);
    let clip = cw(b);
    for i in 0..clip.len() {
        if out.is_empty() {
            break;
        }
        out = clip_half_plane(&out, clip[i], clip[(i + 1) % clip.len()]);
    }
    out
}

/// Intersection over union of two convex quads, 0–1.
#[must_use]
pub fn quad_iou(a: &[Point; 4], b: &[Point; 4]) -> f32 {
    let inter = signed_area(&convex_intersection(a, b)).abs();
    let union = signed_area(a).abs() + signed_area(b).abs() - inter;
    if union <= 0.0 {
        0.0
    } else {
        (inter / union).clamp(0.0, 1.0)
    }
}

/// The part of a convex quad inside the `width × height` image rectangle, as its area in
/// square pixels.
#[must_use]
pub fn area_in_frame(q: &[Point; 4], width: f32, height: f32) -> f32 {
    let frame = [
        Point::new(0.0, 0.0),
        Point::new(width, 0.0),
        Point::new(width, height),
        Point::new(0.0, height),
    ];
    signed_area(&convex_intersection(q, &frame)).abs()
}

/// Interior angle at corner `i` of a quad, degrees.
#[must_use]
pub fn corner_angle_deg(q: &[Point; 4], i: usize) -> f32 {
    let p = q[i];
    let a = q[(i + 3) % 4];
    let b = q[(i + 1) % 4];
    let (ux, uy) = (a.x - p.x, a.y - p.y);
    let (vx, vy) = (b.x - p.x, b.y - p.y);
    let dot = ux * vx + uy * vy;
    let n = (ux.hypot(uy) * vx.hypot(vy)).max(1e-9);
    (dot / n).clamp(-1.0, 1.0).acos().to_degrees()
}

/// How far a document moved between two outlines of it (corners in the same order), as a
/// share of its diagonal (the longer one of `quad`, at least 1 px): the *second* largest
/// corner displacement. A hand moving a card moves at least two of its corners (a shift, a
/// turn, a step closer, a tilt about one side or a turn about one corner), while one corner
/// moving alone is the corner's estimate changing (sensor noise on a small document, a thumb
/// or a highlight at that corner), not the card.
#[must_use]
pub fn quad_motion(quad: &[Point; 4], previous: &[Point; 4]) -> f32 {
    let diag = quad[0]
        .distance(quad[2])
        .max(quad[1].distance(quad[3]))
        .max(1.0);
    let mut moved = [0f32; 4];
    for (m, (p, q)) in moved.iter_mut().zip(quad.iter().zip(previous)) {
        *m = p.distance(*q);
    }
    moved.sort_unstable_by(f32::total_cmp);
    moved[2] / diag
}

/// Signed distance of `p` from the line `x·cos θ + y·sin θ = ρ` given as `ρ` and its unit
/// normal `(cos θ, sin θ)`, for callers that keep the normal rather than recompute it.
#[must_use]
pub fn signed_distance_in_normal_form(rho: f32, (c, s): (f32, f32), p: Point) -> f32 {
    p.x * c + p.y * s - rho
}

/// Where two lines given as `(ρ, (cos θ, sin θ))` cross, or `None` when they are (nearly)
/// parallel.
#[must_use]
pub fn intersect_in_normal_form(
    (rho1, (c1, s1)): (f32, (f32, f32)),
    (rho2, (c2, s2)): (f32, (f32, f32)),
) -> Option<Point> {
    let det = c1 * s2 - s1 * c2;
    if det.abs() < 1e-4 {
        return None;
    }
    let x = (rho1 * s2 - rho2 * s1) / det;
    let y = (c1 * rho2 - c2 * rho1) / det;
    Some(Point::new(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_corner_moving_alone_is_not_motion_two_are() {
        let q = rect(100.0, 100.0, 400.0, 300.0);
        let diag = q[0].distance(q[2]);
        let mut one = q;
        one[3].x -= 50.0;
        assert_eq!(quad_motion(&one, &q), 0.0);
        let mut two = one;
        two[0].y += 20.0;
        let two_diag = two[0].distance(two[2]).max(two[1].distance(two[3]));
        assert!((quad_motion(&two, &q) - 20.0 / two_diag).abs() < 1e-6);
        let shifted = q.map(|p| Point::new(p.x + 9.0, p.y + 12.0));
        assert!((quad_motion(&shifted, &q) - 15.0 / diag).abs() < 1e-6);
        // Turned about one corner: the other three move.
        let (c, s) = (5f32.to_radians().cos(), 5f32.to_radians().sin());
        let turned = q.map(|p| {
            let (dx, dy) = (p.x - 100.0, p.y - 100.0);
            Point::new(100.0 + c * dx - s * dy, 100.0 + s * dx + c * dy)
        });
        assert!(quad_motion(&turned, &q) > 0.05);
    }

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> [Point; 4] {
        [
            Point::new(x0, y0),
            Point::new(x1, y0),
            Point::new(x1, y1),
            Point::new(x0, y1),
        ]
    }

    #[test]
    fn order_gives_what_min_and_max_give() {
        let values = [
            f32::NAN,
            f32::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            f32::MIN_POSITIVE / 2.0,
            1.0,
            1.0 + f32::EPSILON,
            f32::MAX,
            f32::INFINITY,
        ];
        // The same value, or both NaN (the sign of a zero is not ordered by either).
        let same = |a: f32, b: f32| a == b || (a.is_nan() && b.is_nan());
        for a in values {
            for b in values {
                assert!(same(a.at_most(b), a.min(b)), "{a} at_most {b}");
                assert!(same(a.at_least(b), a.max(b)), "{a} at_least {b}");
            }
        }
    }

    #[test]
    fn iou_of_identical_and_disjoint_quads() {
        let a = rect(0.0, 0.0, 10.0, 10.0);
        assert!((quad_iou(&a, &a) - 1.0).abs() < 1e-6);
        assert_eq!(quad_iou(&a, &rect(20.0, 20.0, 30.0, 30.0)), 0.0);
    }

    #[test]
    fn iou_of_half_overlap_is_one_third() {
        let a = rect(0.0, 0.0, 10.0, 10.0);
        let b = rect(5.0, 0.0, 15.0, 10.0);
        assert!((quad_iou(&a, &b) - 1.0 / 3.0).abs() < 1e-5);
    }

    #[test]
    fn lines_intersect_where_expected() {
        let h = Line::through(Point::new(0.0, 5.0), Point::new(10.0, 5.0)).unwrap();
        let v = Line::through(Point::new(3.0, 0.0), Point::new(3.0, 10.0)).unwrap();
        let p = h.intersect(v).unwrap();
        assert!((p.x - 3.0).abs() < 1e-4 && (p.y - 5.0).abs() < 1e-4);
        assert!(h.intersect(h).is_none());
    }

    #[test]
    fn fit_recovers_a_line() {
        let pts: Vec<(Point, f32)> = (0..20)
            .map(|i| (Point::new(i as f32, 2.0 * i as f32 + 1.0), 1.0))
            .collect();
        let l = Line::fit(&pts).unwrap();
        for &(p, _) in &pts {
            assert!(l.signed_distance(p).abs() < 1e-3);
        }
    }

    #[test]
    fn corners_are_ordered_clockwise_from_top_left() {
        let q = [
            Point::new(10.0, 10.0),
            Point::new(0.0, 10.0),
            Point::new(10.0, 0.0),
            Point::new(0.0, 0.0),
        ];
        let o = order_corners(q);
        assert_eq!(o, rect(0.0, 0.0, 10.0, 10.0));
        assert!(signed_area(&o) > 0.0);
    }

    #[test]
    fn area_in_frame_clips() {
        let q = rect(-10.0, 0.0, 10.0, 10.0);
        assert!((area_in_frame(&q, 100.0, 100.0) - 100.0).abs() < 1e-3);
    }
}
