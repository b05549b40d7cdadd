//! Generated scenes with known answers: a card drawn with a known outline, given one problem
//! at a time, must be found where it was drawn and get that problem's code.

mod support;

use doccheck::geometry::{convex_intersection, quad_iou, signed_area, Point};
use doccheck::region::Homography;
use doccheck::synth::{Background, Scene};
use doccheck::{Analyzer, Options, Problem, Report};
use support::check_report;

const DESK: Background = Background::Plain([52, 56, 60]);
/// A pale desk: the card's pale blue paper barely stands out from it.
const PALE_DESK: Background = Background::Plain([200, 204, 206]);

/// The default scene of these tests: a card over 55% of a 960×540 frame's width, turned by
/// 4°, on a dark desk (the CLI's `scene` subcommand draws the same).
fn base() -> Scene {
    Scene::centred(960, 540, 0.55, 4.0)
}

/// Analyses a still scene and checks the report's own consistency first.
fn report_of(scene: &Scene) -> Report {
    let report = Analyzer::new(Options::default())
        .unwrap()
        .analyze_still(&scene.render(), scene.width as u32, scene.height as u32)
        .unwrap();
    check_report(&report, false).unwrap();
    report
}

fn codes(report: &Report) -> Vec<&'static str> {
    report.problems.iter().map(|p| p.code()).collect()
}

/// Overlap of the found outline with the drawn one (0 when none was found).
fn iou_with_drawn(scene: &Scene, report: &Report) -> f32 {
    match (scene.quad, report.quad) {
        (Some(drawn), Some(found)) => quad_iou(&drawn, &found.map(|[x, y]| Point::new(x, y))),
        _ => 0.0,
    }
}

/// Overlap of the found and the drawn outline within the frame (0 when none was found).
fn in_frame_iou(scene: &Scene, report: &Report) -> f32 {
    let (w, h) = (scene.width as f32, scene.height as f32);
    let frame = [
        Point::new(0.0, 0.0),
        Point::new(w, 0.0),
        Point::new(w, h),
        Point::new(0.0, h),
    ];
    let (Some(drawn), Some(found)) = (scene.quad, report.quad) else {
        return 0.0;
    };
    let found = found.map(|[x, y]| Point::new(x, y));
    let a = convex_intersection(&drawn, &frame);
    let b = convex_intersection(&found, &frame);
    let inter = signed_area(&convex_intersection(&a, &b)).abs();
    let union = signed_area(&a).abs() + signed_area(&b).abs() - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// The scene moved by `(dx, dy)` pixels.
fn shifted(mut scene: Scene, dx: f32, dy: f32) -> Scene {
    scene.quad = scene
        .quad
        .map(|q| q.map(|p| Point::new(p.x + dx, p.y + dy)));
    scene
}

/// Whether every drawn corner lies inside the frame with `margin` pixels to spare, so that
/// a case meant to show the whole card really does.
fn fully_inside(scene: &Scene, margin: f32) -> bool {
    scene.quad.is_some_and(|q| {
        q.iter().all(|p| {
            p.x >= margin
                && p.y >= margin
                && p.x <= scene.width as f32 - margin
                && p.y <= scene.height as f32 - margin
        })
    })
}

/// Framings where the whole card is in view: (frame width, height, share of the width, turn
/// in degrees, background).
type Framing = (usize, usize, f32, f32, Background);

/// Whole cards in view at several sizes, turns and backgrounds.
const FOUND: [Framing; 13] = [
    (960, 540, 0.55, 4.0, DESK),
    (960, 540, 0.55, 0.0, DESK),
    (960, 540, 0.45, -20.0, DESK),
    (960, 540, 0.6, 12.0, DESK),
    (960, 540, 0.4, 35.0, DESK),
    (640, 360, 0.6, -6.0, DESK),
    (540, 960, 0.8, 3.0, DESK),
    (540, 960, 0.6, 80.0, DESK),
    (960, 540, 0.55, 4.0, Background::Wood),
    (960, 540, 0.5, -15.0, Background::Wood),
    (960, 540, 0.55, 4.0, Background::Texture),
    (960, 540, 0.45, 25.0, Background::Texture),
    (960, 540, 0.55, 4.0, PALE_DESK),
];

fn framing_scene((w, h, share, degrees, background): Framing) -> Scene {
    let mut s = Scene::centred(w, h, share, degrees);
    s.background = background;
    s
}

/// Found outlines that miss the drawn card by more than 10% IoU, or none found.
fn missed(framings: &[Framing]) -> Vec<String> {
    let mut misses = Vec::new();
    for &f in framings {
        let scene = framing_scene(f);
        assert!(
            fully_inside(&scene, 8.0),
            "test case leaves the frame: {f:?}"
        );
        let report = report_of(&scene);
        let iou = iou_with_drawn(&scene, &report);
        if iou < 0.9 {
            misses.push(format!("{f:?}: IoU {iou:.3}, {:?}", codes(&report)));
        }
    }
    misses
}

#[test]
fn card_is_found_where_it_was_drawn() {
    let misses = missed(&FOUND);
    assert!(misses.is_empty(), "cards missed:\n{}", misses.join("\n"));
}

/// A smaller frame on the coarse texture.
// (The engine of 85f7f37 put the top side on the boundary between the card's blue header and
// its pale body here, IoU 0.82.)
#[test]
fn card_on_texture_in_a_small_frame_is_found() {
    let misses = missed(&[(640, 360, 0.6, 8.0, Background::Texture)]);
    assert!(misses.is_empty(), "cards missed:\n{}", misses.join("\n"));
}

#[test]
fn well_framed_sharp_lit_card_is_ready() {
    for f in [FOUND[0], FOUND[3], FOUND[8], FOUND[10]] {
        let report = report_of(&framing_scene(f));
        assert!(report.ready, "{f:?}: {:?}", codes(&report));
    }
}

#[test]
fn darkened_card_is_too_dark() {
    for gain in [0.1, 0.15, 0.2] {
        let mut s = base();
        s.gain = gain;
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::TooDark),
            "gain {gain}: {:?} mean luma {}",
            codes(&report),
            report.metrics.mean_luma
        );
        // Dim, yet still there: the person is told about the light, not about the framing.
        assert!(report.quad.is_some(), "gain {gain}: card lost");
    }
}

/// A dim card also cut off (or far): the light comes first, as the framing figures of a dark
/// frame cannot be trusted, and both are said.
#[test]
fn a_dim_card_cut_off_or_far_leads_with_the_light() {
    let mut cut = shifted(Scene::centred(960, 540, 0.55, 4.0), 0.3 * 960.0, 0.0);
    let mut far = Scene::centred(960, 540, 0.2, 4.0);
    for (name, s, framing) in [
        ("cut off", &mut cut, Problem::CornersCutOff),
        ("far", &mut far, Problem::TooFar),
    ] {
        s.gain = 0.15;
        let report = report_of(s);
        assert_eq!(
            report.problems.first(),
            Some(&Problem::TooDark),
            "{name}: {:?}",
            codes(&report)
        );
        assert!(
            report.problems.contains(&framing),
            "{name}: {:?}",
            codes(&report)
        );
        assert_eq!(report.message, Problem::TooDark.message());
    }
}

#[test]
fn over_exposed_card_is_too_bright() {
    let mut s = base();
    s.gain = 2.2;
    let report = report_of(&s);
    assert!(
        report.problems.contains(&Problem::TooBright),
        "{:?}",
        codes(&report)
    );
}

#[test]
fn defocused_card_is_blurry() {
    for blur in [4, 6] {
        let mut s = base();
        s.blur = blur;
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::Blurry),
            "blur {blur}: {:?} sharpness {:?}",
            codes(&report),
            report.metrics.sharpness
        );
        assert!(iou_with_drawn(&s, &report) >= 0.9, "blur {blur}: card lost");
    }
}

#[test]
fn highlight_is_glare_and_glare_box_covers_it() {
    // (u, v, radius) in the card's own coordinates, as `Scene::glare` takes them.
    for (u, v, r) in [(0.6, 0.45, 0.12), (0.3, 0.6, 0.1), (0.75, 0.3, 0.15)] {
        let mut s = base();
        s.glare = Some((u, v, r));
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::Glare),
            "highlight at ({u}, {v}): {:?} glare {}",
            codes(&report),
            report.metrics.glare_fraction
        );
        let quad = s.quad.unwrap();
        let (cx, cy) = Homography::square_to_quad(&quad).unwrap().apply(u, v);
        let [x0, y0, x1, y1] = report.metrics.glare_box.expect("glare without a box");
        assert!(
            (x0..=x1).contains(&cx) && (y0..=y1).contains(&cy),
            "highlight centre ({cx:.0}, {cy:.0}) outside glare box {:?}",
            report.metrics.glare_box
        );
        // The highlight clips out to about 1.7 radii (420·exp(−d²/r²) above the paper's
        // headroom), so its box spans at most ~3.4 radii of the card's width: a box much
        // larger means the blob ran over the rest of the card.
        let card_w = quad[0].distance(quad[1]);
        let most = 4.0 * r * card_w;
        assert!(
            x1 - x0 <= most && y1 - y0 <= most,
            "glare box {:?} far larger than the highlight ({most:.0} px)",
            report.metrics.glare_box
        );
    }
}

/// Paints a clipped, colourless disc (a specular highlight) of radius `r` px centred at
/// (`cx`, `cy`) onto RGBA pixels `width` wide.
fn paint_highlight(rgba: &mut [u8], width: usize, cx: f32, cy: f32, r: f32) {
    for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
        let (x, y) = ((i % width) as f32 + 0.5, (i / width) as f32 + 0.5);
        if (x - cx).powi(2) + (y - cy).powi(2) <= r * r {
            px[..3].fill(255);
        }
    }
}

/// A highlight beside the outline found counts when that outline runs off the frame (it is
/// not known to be the whole document: the finder settles on the part beside a highlight,
/// which washes out the edges it needs, as on a box's panel), and not when the whole card is
/// in the frame (a white object beside a card is not glare on it).
#[test]
fn highlight_beside_an_outline_running_off_the_frame_is_glare() {
    for (dx, want_glare) in [(-330.0, true), (-120.0, false)] {
        let s = shifted(Scene::centred(960, 540, 0.5, 3.0), dx, 0.0);
        let q = s.quad.unwrap();
        assert_eq!(
            q.iter().any(|p| p.x < 0.0),
            want_glare,
            "shift {dx}: the card runs off the frame only in the first case"
        );
        let mut rgba = s.render();
        // On the desk right of the card, clear of it and of the frame's border: 1% of the
        // frame.
        let right = q.iter().map(|p| p.x).fold(f32::MIN, f32::max);
        let r = (0.01 * 960.0 * 540.0 / std::f32::consts::PI).sqrt();
        paint_highlight(&mut rgba, 960, right + 40.0 + r, 270.0, r);
        let report = Analyzer::new(Options::default())
            .unwrap()
            .analyze_still(&rgba, 960, 540)
            .unwrap();
        check_report(&report, false).unwrap();
        assert!(
            iou_with_drawn(&s, &report) >= 0.5 || want_glare,
            "shift {dx}: card lost: {report:?}"
        );
        assert_eq!(
            report.problems.contains(&Problem::Glare),
            want_glare,
            "shift {dx}: {:?} glare {} box {:?}",
            codes(&report),
            report.metrics.glare_fraction,
            report.metrics.glare_box
        );
    }
}

/// Which drawn corners (TL, TR, BR, BL) lie inside the frame, insisting that each is at
/// least 15 px from the border on either side so that the case is not a matter of tolerance.
fn drawn_corners_in_frame(scene: &Scene) -> [bool; 4] {
    let (w, h) = (scene.width as f32, scene.height as f32);
    scene.quad.unwrap().map(|p| {
        let inside = p.x.min(p.y).min(w - p.x).min(h - p.y);
        assert!(
            inside.abs() >= 15.0,
            "corner {p:?} too close to the border for this test"
        );
        inside > 0.0
    })
}

/// A card of the default size, turned by `degrees` and shifted partly out of the frame.
type CutOff = (&'static str, f32, f32, f32);

/// Cut-off cases whose answers are wrong: corners flagged wrongly, the problem missing, or
/// the outline off the card inside the frame.
fn cut_off_failures(cases: &[CutOff]) -> Vec<String> {
    let mut failures = Vec::new();
    for &(name, degrees, dx, dy) in cases {
        let s = shifted(Scene::centred(960, 540, 0.55, degrees), dx, dy);
        let want = drawn_corners_in_frame(&s);
        assert!(want.contains(&false), "{name}: nothing is cut off");
        let report = report_of(&s);
        // Where the card runs out of the frame the engine cannot see its end, so compare
        // the parts inside the frame.
        let iou = in_frame_iou(&s, &report);
        if !report.problems.contains(&Problem::CornersCutOff)
            || report.metrics.corners_in_frame != want
            || iou < 0.9
        {
            failures.push(format!(
                "{name}: want in frame {want:?}, got {:?}, {:?}, in-frame IoU {iou:.3}, quad {:?}",
                report.metrics.corners_in_frame,
                codes(&report),
                report.quad
            ));
        }
    }
    failures
}

/// Cards pushed partly out of the frame sideways or at one corner: the corners outside are
/// flagged, the ones inside are not, and the outline lies on the card.
#[test]
fn card_cut_off_by_the_frame_flags_the_corners_outside() {
    let (w, h) = (960.0, 540.0);
    let failures = cut_off_failures(&[
        ("right", 4.0, 0.3 * w, 0.0),
        ("left", 4.0, -0.3 * w, 0.0),
        ("bottom right only", 10.0, 0.0, 0.15 * h),
        ("top left only", 10.0, 0.0, -0.15 * h),
    ]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The same with the card's top or bottom cut off.
// (Until the three-sided hypothesis could compete with a closed one through the same sides,
// the outline closed on a band inside the card here: in-frame IoU 0.71–0.76.)
#[test]
fn card_cut_off_at_top_or_bottom_flags_the_corners_outside() {
    let h = 540.0;
    let failures = cut_off_failures(&[("down", 4.0, 0.0, 0.35 * h), ("up", 4.0, 0.0, -0.35 * h)]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Paints a dark band `thick` px wide across the card of `scene`, from its left side to its
/// right side, `from_bottom` of the way up from its bottom side (as an MRZ band's top or a
/// coloured band is printed).
fn paint_band_across(rgba: &mut [u8], scene: &Scene, from_bottom: f32, thick: f32) {
    let q = scene.quad.unwrap();
    let lerp =
        |a: Point, b: Point, t: f32| Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
    // On the left side (BL→TL) and the right side (BR→TR).
    let (a, b) = (lerp(q[3], q[0], from_bottom), lerp(q[2], q[1], from_bottom));
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
        let (x, y) = (
            (i % scene.width) as f32 + 0.5,
            (i / scene.width) as f32 + 0.5,
        );
        let t = ((x - a.x) * dx + (y - a.y) * dy) / len2;
        let dist = ((x - a.x) * dy - (y - a.y) * dx).abs() / len2.sqrt();
        if (0.0..=1.0).contains(&t) && dist <= thick / 2.0 {
            px[..3].copy_from_slice(&[150, 30, 40]);
        }
    }
}

/// The still report of `scene` (960×540) with a band painted across its card `from_bottom` of
/// the way up (see [`paint_band_across`]), checked against the report's invariants, and how
/// its framing came out, for messages.
fn with_band_across(scene: &Scene, from_bottom: f32) -> (Report, String) {
    let mut rgba = scene.render();
    paint_band_across(&mut rgba, scene, from_bottom, 4.0);
    let report = Analyzer::new(Options::default())
        .unwrap()
        .analyze_still(&rgba, 960, 540)
        .unwrap();
    check_report(&report, false).unwrap();
    let m = &report.metrics;
    let framing = format!(
        "{:?}, quad {:?}, in frame {:?}, sides run on {:?}",
        codes(&report),
        report.quad,
        m.corners_in_frame,
        m.sides_run_on
    );
    (report, framing)
}

/// A card running out of the bottom of the frame with a band printed across it just above the
/// frame's edge: the band's top is no side of the card, as both the card's sides carry on past
/// it to the frame's edge, so the card's bottom corners are out of the frame. A card whose
/// bottom side is just as near the frame's edge, on a desk where nothing carries its sides
/// on, is whole.
#[test]
fn a_band_across_a_card_running_out_of_the_frame_is_not_its_side() {
    for (dy, want_cut_off) in [(180.0, true), (60.0, false)] {
        let s = shifted(Scene::centred(960, 540, 0.55, 3.0), 0.0, dy);
        let q = s.quad.unwrap();
        let bottom = q[2].y.max(q[3].y);
        assert_eq!(
            bottom > 540.0,
            want_cut_off,
            "shift {dy}: bottom at {bottom}"
        );
        // 25–40 px above the frame's edge where the card runs out of it.
        let band = if want_cut_off {
            let height = q[3].y - q[0].y;
            (bottom - 508.0) / height
        } else {
            0.22
        };
        let (report, framing) = with_band_across(&s, band);
        assert_eq!(
            report.problems.contains(&Problem::CornersCutOff),
            want_cut_off,
            "shift {dy}: {framing}"
        );
        if want_cut_off {
            assert_eq!(
                report.metrics.corners_in_frame,
                [true, true, false, false],
                "shift {dy}"
            );
        } else {
            assert!(in_frame_iou(&s, &report) >= 0.9, "shift {dy}: {report:?}");
        }
    }
}

/// The same band printed so near the frame's edge, on a card turned by 3°, that past its lower
/// end the card's side has no room left to be seen carrying on (an MRZ band at the frame's
/// edge, as on the devset's `img_0021`): the side that can be seen carrying on past the other
/// end, with nothing against it on the first, is enough.
#[test]
fn a_band_at_the_frame_edge_leaving_one_side_no_room_is_not_the_cards_side() {
    for band_at in [537.0, 535.0, 533.0] {
        let s = shifted(Scene::centred(960, 540, 0.55, 3.0), 0.0, 180.0);
        let q = s.quad.unwrap();
        // The side whose bottom corner is lower, and the other.
        let (low, high) = if q[2].y > q[3].y { (2, 3) } else { (3, 2) };
        let top = |k: usize| if k == 2 { q[1] } else { q[0] };
        let t = (q[low].y - band_at) / (q[low].y - top(low).y);
        let other_at = q[high].y - t * (q[high].y - top(high).y);
        assert!(
            band_at - other_at >= 20.0,
            "band ends at {band_at} and {other_at}"
        );
        let (report, framing) = with_band_across(&s, t);
        assert!(
            report.problems.contains(&Problem::CornersCutOff),
            "band at {band_at}: {framing}"
        );
    }
}

#[test]
fn thumb_over_a_corner_is_corner_covered_at_that_corner() {
    for corner in 0..4 {
        let mut s = base();
        s.thumb = Some(corner);
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::CornerCovered),
            "thumb on corner {corner}: {:?} gaps {:?} oddness {:?}",
            codes(&report),
            report.metrics.corner_gap,
            report.metrics.corner_oddness
        );
        let mut visible = [true; 4];
        visible[corner] = false;
        assert_eq!(
            report.metrics.corners_visible, visible,
            "thumb on corner {corner}: {report:?}"
        );
    }
}

#[test]
fn side_along_the_frame_border_is_not_a_covered_corner() {
    // A page pushed against the frame's left border: near its bottom-left corner the left
    // side runs within a few pixels of the border, where nothing outside it can be seen.
    // That is no evidence of a thumb; all four corners are in the frame and visible.
    for (bottom_x, top_x) in [(1.0, 14.0), (2.0, 10.0)] {
        let quad = [
            Point::new(top_x, 50.0),
            Point::new(640.0, 40.0),
            Point::new(650.0, 500.0),
            Point::new(bottom_x, 510.0),
        ];
        let report = report_of(&Scene::card(960, 540, quad));
        assert!(
            iou_with_drawn(&Scene::card(960, 540, quad), &report) > 0.95,
            "left side from x = {bottom_x} to {top_x}: {report:?}"
        );
        assert_eq!(
            report.metrics.corners_visible,
            [true; 4],
            "left side from x = {bottom_x} to {top_x}: {:?} gaps {:?}",
            codes(&report),
            report.metrics.corner_gap
        );
    }
}

/// A sheet of paper whose outline is the polygon `outline`, with a few dark lines of print,
/// on a tan desk; edges anti-aliased by 4×4 supersampling.
fn paper_on_desk(width: usize, height: usize, outline: &[Point]) -> Vec<u8> {
    // Even-odd rule: a curled corner makes the outline concave.
    let inside = |x: f32, y: f32| {
        let mut odd = false;
        for k in 0..outline.len() {
            let (a, b) = (outline[k], outline[(k + 1) % outline.len()]);
            if (a.y > y) != (b.y > y) && x < a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y) {
                odd = !odd;
            }
        }
        odd
    };
    let mut rgba = Vec::with_capacity(width * height * 4);
    for y in 0..height {
        for x in 0..width {
            let mut covered = 0.0;
            for sy in 0..4 {
                for sx in 0..4 {
                    let (px, py) = (
                        x as f32 + (sx as f32 + 0.5) / 4.0,
                        y as f32 + (sy as f32 + 0.5) / 4.0,
                    );
                    covered += f32::from(u8::from(inside(px, py))) / 16.0;
                }
            }
            // Print: short dark bars well inside the sheet.
            let print = (y / 18) % 2 == 0
                && (x / 40) % 3 != 2
                && inside(x as f32 - 60.0, y as f32)
                && inside(x as f32 + 60.0, y as f32)
                && inside(x as f32, y as f32 - 60.0)
                && inside(x as f32, y as f32 + 60.0)
                && y % 18 < 6;
            let paper = if print {
                [40.0, 40.0, 45.0]
            } else {
                [236.0, 234.0, 228.0]
            };
            let desk = [196.0, 160.0, 112.0];
            for c in 0..3 {
                rgba.push((paper[c] * covered + desk[c] * (1.0 - covered)).round() as u8);
            }
            rgba.push(255);
        }
    }
    rgba
}

#[test]
fn corner_of_a_curled_page_is_where_its_edges_end() {
    // The right side of a page runs straight for 55% of its length, then the curled corner
    // lifts it outward by 4°: the straight fit of that side meets the bottom 19 px inside the
    // paper's real corner, where no edge reaches it (taken for a covered corner).
    let (tl, tr, bl) = (
        Point::new(300.0, 150.0),
        Point::new(900.0, 120.0),
        Point::new(330.0, 830.0),
    );
    let straight_br = Point::new(960.0, 800.0);
    let kink = Point::new(
        tr.x + 0.55 * (straight_br.x - tr.x),
        tr.y + 0.55 * (straight_br.y - tr.y),
    );
    let br = Point::new(982.0, 798.0);
    let rgba = paper_on_desk(1280, 960, &[tl, tr, kink, br, bl]);
    let report = Analyzer::new(Options::default())
        .unwrap()
        .analyze_still(&rgba, 1280, 960)
        .unwrap();
    check_report(&report, false).unwrap();
    let quad = report.quad.expect("a page");
    for (k, want) in [tl, tr, br, bl].into_iter().enumerate() {
        let got = Point::new(quad[k][0], quad[k][1]);
        assert!(
            got.distance(want) < 8.0,
            "corner {k} at {got:?}, drawn at {want:?}: {report:?}"
        );
    }
    assert_eq!(report.metrics.corners_visible, [true; 4], "{report:?}");
}

/// A card lying on a plain dark tray that runs out of the frame on a light floor (a document
/// on a closed laptop, a black tray, a desk pad): the tray's outline is far longer than the
/// card's, but the band between the two is plain where a document's print would fill it, so
/// the card is the document. Its portrait box, an outline inside the card, is not taken for a
/// document on a surface either: the card's print fills the band around it.
#[test]
fn card_on_a_plain_tray_larger_than_itself_is_the_document() {
    let failures: Vec<String> = [(0.0, 4.0), (0.0, -8.0), (-20.0, 15.0)]
        .into_iter()
        .filter_map(|(dy, degrees)| {
            let mut s = Scene::centred(1280, 720, 0.36, degrees);
            s.background = Background::Tray {
                floor: [186, 190, 192],
                tray: [58, 50, 46],
                rect: [-260.0, 90.0 + dy, 1110.0, 640.0 + dy],
            };
            let report = report_of(&s);
            let iou = iou_with_drawn(&s, &report);
            (iou < 0.9 || !report.ready).then(|| {
                format!(
                    "{degrees}°: IoU {iou:.3}, {:?}, quad {:?}",
                    codes(&report),
                    report.quad
                )
            })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hard_shadow_is_uneven_lighting() {
    for split in [0.3, 0.45, 0.6] {
        let mut s = base();
        s.shadow = Some(split);
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::UnevenLighting),
            "shadow to {split}: {:?} light ratio {}",
            codes(&report),
            report.metrics.light_ratio
        );
    }
}

#[test]
fn grey_copy_is_grayscale() {
    for background in [DESK, Background::Wood] {
        let mut s = base();
        s.grayscale = true;
        s.background = background;
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::Grayscale),
            "{background:?}: {:?} colourfulness {}",
            codes(&report),
            report.metrics.colourfulness
        );
    }
}

#[test]
fn small_distant_card_is_too_far() {
    for share in [0.12, 0.18] {
        let s = Scene::centred(960, 540, share, 4.0);
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::TooFar),
            "share {share}: {:?} area {}",
            codes(&report),
            report.metrics.area_fraction
        );
    }
}

/// A card so far away that the working image cannot resolve its sides (about 20 working
/// pixels across, its print within a pixel of its edges), on a plain desk: the closer look
/// finds it, and the person is asked to move closer rather than to show a document.
#[test]
fn card_too_small_for_the_working_scale_is_too_far() {
    let warm_desk = Background::Plain([150, 140, 120]);
    let failures: Vec<String> = [
        (0.055, 4.0, DESK),
        (0.06, -12.0, PALE_DESK),
        (0.055, 20.0, warm_desk),
    ]
    .into_iter()
    .filter_map(|(share, degrees, background)| {
        let mut s = Scene::centred(1280, 720, share, degrees);
        s.background = background;
        let report = report_of(&s);
        let iou = iou_with_drawn(&s, &report);
        (report.problems.first() != Some(&Problem::TooFar) || iou < 0.7).then(|| {
            format!(
                "share {share}, {degrees}°: {:?}, IoU {iou:.3}",
                codes(&report)
            )
        })
    })
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A thumb over a corner of a distant card: the person is asked to move closer; the corner is
/// not judged until the card is big enough to show it (its raw flags stay in the metrics).
#[test]
fn thumb_on_a_distant_card_says_too_far_not_corner_covered() {
    let mut raw_hidden = 0;
    for corner in 0..4 {
        let mut s = Scene::centred(960, 540, 0.15, 4.0);
        s.thumb = Some(corner);
        let report = report_of(&s);
        assert!(
            report.problems.contains(&Problem::TooFar)
                && !report.problems.contains(&Problem::CornerCovered),
            "thumb on corner {corner}: {:?}",
            codes(&report)
        );
        raw_hidden += usize::from(!report.metrics.corners_visible[corner]);
    }
    // The measurement itself still sees the thumb: only the verdict waits.
    assert!(raw_hidden >= 1, "thumb seen at {raw_hidden} of 4 corners");
}

/// A thumb over a corner of a dim, over-exposed or defocused card: the person is asked to fix
/// the light or the focus; the corner is judged once its edges can be seen (its raw flags
/// stay in the metrics). With the light and the focus fixed, the same thumb is reported.
#[test]
fn thumb_on_a_dim_bright_or_blurred_card_says_the_light_or_focus_first() {
    type Spoil = fn(&mut Scene);
    let spoils: [(&str, Problem, Spoil); 3] = [
        ("dim", Problem::TooDark, |s| s.gain = 0.15),
        ("bright", Problem::TooBright, |s| s.gain = 1.4),
        ("blurred", Problem::Blurry, |s| s.blur = 6),
    ];
    for (name, problem, spoil) in spoils {
        let mut raw_hidden = 0;
        for corner in 0..4 {
            let mut s = base();
            s.thumb = Some(corner);
            assert!(report_of(&s).problems.contains(&Problem::CornerCovered));
            spoil(&mut s);
            let report = report_of(&s);
            assert!(
                report.problems.contains(&problem)
                    && !report.problems.contains(&Problem::CornerCovered),
                "{name}, thumb on corner {corner}: {:?}",
                codes(&report)
            );
            raw_hidden += usize::from(!report.metrics.corners_visible[corner]);
        }
        // The measurement still sees the thumb on most corners: only the verdict waits.
        assert!(
            raw_hidden >= 2,
            "{name}: thumb seen at {raw_hidden} of 4 corners"
        );
    }
}

#[test]
fn strong_perspective_is_tilted() {
    // A card seen from low down: its far side much shorter than its near side, corner angles
    // about 40° off square.
    let quad = [
        Point::new(400.0, 120.0),
        Point::new(560.0, 120.0),
        Point::new(820.0, 440.0),
        Point::new(140.0, 440.0),
    ];
    let report = report_of(&Scene::card(960, 540, quad));
    assert!(
        report.problems.contains(&Problem::Tilted),
        "{:?} angle deviation {}",
        codes(&report),
        report.metrics.max_corner_angle_deviation_deg
    );
}

/// A highlight that washes out the document's edges leaves no outline to find: with no
/// document found, a clipped, colourless blob held within the frame is reported as glare, and
/// leads ("tilt it", not "point the camera at it"). A blob running off the frame (a window, a
/// lamp) is not glare, and a frame without one is only `no_document`.
#[test]
fn highlight_with_no_document_found_is_glare_first() {
    let mut s = base();
    s.quad = None;
    s.background = DESK;
    let (w, h) = (s.width, s.height);
    let r = (0.01 * w as f32 * h as f32 / std::f32::consts::PI).sqrt();
    for (cx, cy, want) in [
        (
            0.5 * w as f32,
            0.5 * h as f32,
            vec![Problem::Glare, Problem::NoDocument],
        ),
        (0.0, 0.5 * h as f32, vec![Problem::NoDocument]),
    ] {
        let mut rgba = s.render();
        paint_highlight(&mut rgba, w, cx, cy, r);
        let report = Analyzer::new(Options::default())
            .unwrap()
            .analyze_still(&rgba, w as u32, h as u32)
            .unwrap();
        check_report(&report, false).unwrap();
        assert_eq!(report.problems, want, "blob at ({cx}, {cy}): {report:?}");
        if want[0] == Problem::Glare {
            assert!(report.message.contains("Glare"), "{}", report.message);
            let b = report.metrics.glare_box.expect("a glare box");
            assert!(
                b[0] <= cx - 0.9 * r && b[2] >= cx + 0.9 * r && b[2] - b[0] <= 2.5 * r,
                "box {b:?} for a disc of radius {r:.0} at ({cx}, {cy})"
            );
        }
    }
}

fn assert_no_document_on(background: Background) {
    let mut s = base();
    s.quad = None;
    s.background = background;
    let report = report_of(&s);
    assert_eq!(report.problems, [Problem::NoDocument], "{report:?}");
}

#[test]
fn empty_desk_is_no_document() {
    for background in [DESK, PALE_DESK, Background::Texture] {
        assert_no_document_on(background);
    }
}

// Before the skew limit on hypotheses running out of the frame, a huge quad across the wood's
// stripes, skewed 46° and cut off at two corners, was taken for a document here.
#[test]
fn empty_wood_desk_is_no_document() {
    assert_no_document_on(Background::Wood);
}

/// Video: the same card still across frames (fresh sensor noise each frame) is not moving;
/// the card jumping by 4% of the frame's width between two frames is.
#[test]
fn card_moving_between_frames_is_moving_and_a_still_one_is_not() {
    let mut analyzer = Analyzer::new(Options::default()).unwrap();
    let mut frame = |s: &Scene| {
        let r = analyzer
            .analyze(&s.render(), s.width as u32, s.height as u32)
            .unwrap();
        check_report(&r, true).unwrap();
        r
    };
    let first = frame(&base());
    assert_eq!(
        first.metrics.motion, None,
        "first frame has nothing to compare with"
    );
    for seed in 2..5 {
        let mut s = base();
        s.seed = seed;
        let r = frame(&s);
        assert!(!r.problems.contains(&Problem::Moving), "still card: {r:?}");
        assert!(
            r.metrics.motion.is_some_and(|m| m < 0.01),
            "{:?}",
            r.metrics.motion
        );
    }
    let moved = frame(&shifted(base(), 0.04 * 960.0, 0.0));
    assert!(
        moved.problems.contains(&Problem::Moving),
        "moved card: {:?} motion {:?}",
        codes(&moved),
        moved.metrics.motion
    );
    // Once it stays put again, it is still again.
    let settled = frame(&shifted(base(), 0.04 * 960.0, 0.0));
    assert!(!settled.problems.contains(&Problem::Moving), "{settled:?}");
}

/// Video: a card too far away to be captured is not judged `moving` (its corners are placed to
/// within a few pixels, more than the share of its diagonal `moving` allows, and the person is
/// asked to move closer first), though its motion is measured; near enough, the same jump is.
#[test]
fn a_far_card_is_asked_to_come_closer_not_to_hold_still() {
    for (share, want_moving) in [(0.12, false), (0.5, true)] {
        let mut analyzer = Analyzer::new(Options::default()).unwrap();
        let card = Scene::centred(960, 540, share, 4.0);
        let step = 0.5 * share * 960.0;
        analyzer.analyze(&card.render(), 960, 540).unwrap();
        let moved = shifted(card, step, 0.0);
        let r = analyzer.analyze(&moved.render(), 960, 540).unwrap();
        check_report(&r, true).unwrap();
        assert!(
            r.metrics.motion.is_some_and(|m| m > 0.1),
            "share {share}: {:?}",
            r.metrics.motion
        );
        assert_eq!(
            r.problems.contains(&Problem::Moving),
            want_moving,
            "share {share}: {:?}",
            codes(&r)
        );
        assert_eq!(
            r.problems.contains(&Problem::TooFar),
            !want_moving,
            "share {share}: {:?}",
            codes(&r)
        );
    }
}

/// Video with frame times: the same jump of the card is `moving` between frames 1/30 s apart,
/// not between frames 1/5 s apart (the same distance at a sixth of the speed, a slow phone's
/// rate), and not compared at all across a pause of over a second or a clock going back.
#[test]
fn timed_frames_judge_the_cards_speed_not_its_step() {
    let step = 0.04 * 960.0;
    let motion_after = |dt_ms: f64| {
        let mut analyzer = Analyzer::new(Options::default()).unwrap();
        let mut at = |s: &Scene, t: f64| {
            let r = analyzer
                .analyze_at(&s.render(), s.width as u32, s.height as u32, t)
                .unwrap();
            check_report(&r, true).unwrap();
            r
        };
        at(&base(), 1000.0);
        at(&shifted(base(), step, 0.0), 1000.0 + dt_ms)
    };
    let fast = motion_after(1000.0 / 30.0);
    assert!(fast.problems.contains(&Problem::Moving), "{fast:?}");
    let slow = motion_after(200.0);
    assert!(!slow.problems.contains(&Problem::Moving), "{slow:?}");
    let (f, s) = (fast.metrics.motion.unwrap(), slow.metrics.motion.unwrap());
    assert!(
        (s * 6.0 - f).abs() <= 0.002,
        "1/5 s apart: a sixth of the motion 1/30 s apart: {s} against {f}"
    );
    // Closer than 1/30 s (a 60 fps camera): the step as it is, not scaled up.
    let close = motion_after(1000.0 / 60.0);
    assert_eq!(close.metrics.motion, fast.metrics.motion);
    for dt in [1500.0, 0.0, -40.0] {
        let r = motion_after(dt);
        assert_eq!(r.metrics.motion, None, "{dt} ms apart: {r:?}");
        assert!(
            !r.problems.contains(&Problem::Moving),
            "{dt} ms apart: {r:?}"
        );
    }
    // Untimed frames are taken to be 1/30 s apart.
    let mut analyzer = Analyzer::new(Options::default()).unwrap();
    let (a, b) = (base(), shifted(base(), step, 0.0));
    analyzer
        .analyze(&a.render(), a.width as u32, a.height as u32)
        .unwrap();
    let untimed = analyzer
        .analyze(&b.render(), b.width as u32, b.height as u32)
        .unwrap();
    assert_eq!(untimed.metrics.motion, fast.metrics.motion);
}

/// A frame time that is not a number is refused, and the previous frame is kept.
#[test]
fn a_frame_time_that_is_not_finite_is_refused_and_changes_nothing() {
    let mut analyzer = Analyzer::new(Options::default()).unwrap();
    let (a, b) = (base(), shifted(base(), 0.04 * 960.0, 0.0));
    let (w, h) = (a.width as u32, a.height as u32);
    analyzer.analyze_at(&a.render(), w, h, 0.0).unwrap();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = analyzer.analyze_at(&b.render(), w, h, bad).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("frame time is not a finite number of milliseconds"),
            "{e}"
        );
    }
    let r = analyzer
        .analyze_at(&b.render(), w, h, 1000.0 / 30.0)
        .unwrap();
    assert!(r.problems.contains(&Problem::Moving), "{r:?}");
}

/// Two like cards side by side on a desk: an outline each, scoring much the same. Held over
/// them, the camera's noise must not make the outline jump from one to the other and back
/// ("hold still" each time): the card taken first is kept.
#[test]
fn of_two_like_cards_the_video_keeps_to_the_one_it_took() {
    let card = |cx: f32, degrees: f32| {
        let mut s = Scene::centred(960, 540, 0.3, degrees);
        let q = s.quad.unwrap();
        let dx = cx - 480.0;
        s.quad = Some(q.map(|p| Point::new(p.x + dx, p.y)));
        s
    };
    let inside = |q: &[Point; 4], x: f32, y: f32| {
        (0..4).all(|k| {
            let (a, b) = (q[k], q[(k + 1) % 4]);
            (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x) >= 0.0
        })
    };
    let mut analyzer = Analyzer::new(Options::default()).unwrap();
    let mut taken = Vec::new();
    for seed in 1..=12 {
        let (mut left, mut right) = (card(250.0, 3.0), card(710.0, -3.0));
        left.seed = seed;
        right.seed = seed;
        let (l, r) = (left.render(), right.render());
        let rq = right.quad.unwrap();
        let mut rgba = l.clone();
        for (i, px) in rgba.chunks_exact_mut(4).enumerate() {
            let (x, y) = ((i % 960) as f32 + 0.5, (i / 960) as f32 + 0.5);
            if inside(&rq, x, y) {
                px.copy_from_slice(&r[4 * i..4 * i + 4]);
            }
        }
        let report = analyzer.analyze(&rgba, 960, 540).unwrap();
        check_report(&report, true).unwrap();
        let q = report.quad.expect("a card found");
        taken.push(if q[0][0] < 480.0 { 'L' } else { 'R' });
        assert!(!report.problems.contains(&Problem::Moving), "{report:?}");
    }
    assert!(taken.windows(2).all(|w| w[0] == w[1]), "{taken:?}");
}

/// A far card on a pale surface a shade darker than its own base: at the working scale its
/// outline is found loosely, of weak contrast; the closer look around it places it.
#[test]
fn a_far_card_on_a_surface_like_it_is_placed_closely() {
    let mut s = Scene::centred(1280, 720, 0.12, -6.0);
    s.background = Background::Plain([215, 222, 228]);
    let report = report_of(&s);
    assert!(iou_with_drawn(&s, &report) > 0.95, "{report:?}");
    assert_eq!(codes(&report), ["too_far", "low_resolution"]);
}

/// The same card nearer: the closer look around its weak outline finds only the portrait,
/// a strong rectangle of about a card's shape, which is no closer placing of the card.
#[test]
fn a_closer_look_does_not_take_a_cards_portrait_for_the_card() {
    for degrees in [-6.0, 4.0] {
        let mut s = Scene::centred(1280, 720, 0.21, degrees);
        s.background = Background::Plain([215, 222, 228]);
        let report = report_of(&s);
        assert!(iou_with_drawn(&s, &report) > 0.95, "{degrees}°: {report:?}");
    }
}
