// Intersection over union of two quadrilaterals ([[x, y] × 4]): the accuracy measure of the
// benchmark. Exact for convex quads (Sutherland–Hodgman clipping, shoelace areas); a
// self-intersecting (bow-tie) quad, which a corner picker can return, is replaced by its
// convex hull, which can only flatter it.

/** Signed area (shoelace); positive when the vertices turn counter-clockwise in y-up axes. */
export function signedArea(poly) {
  let s = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x0, y0] = poly[i];
    const [x1, y1] = poly[(i + 1) % poly.length];
    s += x0 * y1 - x1 * y0;
  }
  return s / 2;
}

/** Area of a simple polygon. */
export function area(poly) {
  return Math.abs(signedArea(poly));
}

const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Whether the open segments p1p2 and p3p4 cross each other. */
function segmentsCross(p1, p2, p3, p4) {
  const d1 = cross(p3, p4, p1);
  const d2 = cross(p3, p4, p2);
  const d3 = cross(p1, p2, p3);
  const d4 = cross(p1, p2, p4);
  return d1 * d2 < 0 && d3 * d4 < 0;
}

/** Whether a quad's outline crosses itself (a bow-tie). */
export function isSelfIntersecting(q) {
  return segmentsCross(q[0], q[1], q[2], q[3]) || segmentsCross(q[1], q[2], q[3], q[0]);
}

/** Whether a polygon is convex (all turns the same way; collinear points allowed). */
export function isConvex(poly) {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const c = cross(poly[i], poly[(i + 1) % poly.length], poly[(i + 2) % poly.length]);
    if (c !== 0) {
      if (sign !== 0 && Math.sign(c) !== sign) return false;
      sign = Math.sign(c);
    }
  }
  return true;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-up axes. */
export function convexHull(points) {
  const p = points.map((v) => [v[0], v[1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const lower = [];
  for (const v of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], v) <= 0) lower.pop();
    lower.push(v);
  }
  const upper = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const v = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], v) <= 0) upper.pop();
    upper.push(v);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** The part of `subject` (any simple polygon) inside the convex polygon `clip`. */
export function clipPolygon(subject, clip) {
  const orientation = Math.sign(signedArea(clip)) || 1;
  const inside = (a, b, p) => orientation * cross(a, b, p) >= 0;
  const intersect = (a, b, p, q) => {
    const d = (a[0] - b[0]) * (p[1] - q[1]) - (a[1] - b[1]) * (p[0] - q[0]);
    const t = ((a[0] - p[0]) * (p[1] - q[1]) - (a[1] - p[1]) * (p[0] - q[0])) / d;
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  };
  let out = subject;
  for (let i = 0; i < clip.length && out.length > 0; i++) {
    const a = clip[i];
    const b = clip[(i + 1) % clip.length];
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j];
      const prev = input[(j + input.length - 1) % input.length];
      const curIn = inside(a, b, cur);
      const prevIn = inside(a, b, prev);
      if (curIn) {
        if (!prevIn) out.push(intersect(prev, cur, a, b));
        out.push(cur);
      } else if (prevIn) {
        out.push(intersect(prev, cur, a, b));
      }
    }
  }
  return out;
}

/**
 * IoU of a found quad against a labelled one; 0 when nothing was found (`found` null or with
 * a missing corner). Both are [[x, y] × 4].
 */
export function quadIoU(found, label) {
  if (!found || found.length !== 4 || found.some((p) => !p || !Number.isFinite(p[0]) || !Number.isFinite(p[1]))) {
    return 0;
  }
  let a = isSelfIntersecting(found) ? convexHull(found) : found;
  let b = isSelfIntersecting(label) ? convexHull(label) : label;
  // Sutherland–Hodgman needs a convex clip window.
  if (!isConvex(b)) {
    if (isConvex(a)) [a, b] = [b, a];
    else b = convexHull(b);
  }
  const inter = area(clipPolygon(a, b));
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}
