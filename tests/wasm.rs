//! Browser tests of the wasm binding, run in headless Chromium by `scripts/test-wasm.sh`
//! (`cargo test --target wasm32-unknown-unknown --test wasm`): the report's keys and types, the
//! same report as the core for generated frames, and a JS `Error` with a clear message for bad
//! input, after which the analyzer keeps working. (The end-to-end tests also compare the built
//! module's reports with the native CLI's, through the generated JS glue.)
#![cfg(target_arch = "wasm32")]

use doccheck::synth::Scene;
use doccheck::wasm::JsAnalyzer;
use doccheck::{Analyzer, Options};
use js_sys::{Array, Object, Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const W: usize = 640;
const H: usize = 360;

/// A card covering 70% of a 640×360 frame (448 px across, enough for `low_resolution`), with
/// one problem or none.
fn scene(kind: &str) -> Vec<u8> {
    let mut s = Scene::centred(W, H, 0.7, 4.0);
    match kind {
        "good" => {}
        "dark" => s.gain = 0.15,
        "glare" => s.glare = Some((0.6, 0.45, 0.12)),
        "blurry" => s.blur = 4,
        "thumb" => s.thumb = Some(2),
        "empty" => s.quad = None,
        other => panic!("no scene {other}"),
    }
    s.render()
}

/// The good scene's card moved 24 px to the right.
fn moved_card() -> Vec<u8> {
    let mut moved = Scene::centred(W, H, 0.7, 4.0);
    moved.quad = moved
        .quad
        .map(|q| q.map(|p| doccheck::geometry::Point::new(p.x + 24.0, p.y)));
    moved.render()
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("a readable property")
}

fn json(value: &JsValue) -> String {
    JSON::stringify(value)
        .expect("JSON")
        .as_string()
        .expect("a string")
}

/// The core's report as the binding would hand it to JS.
fn core_to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value.serialize(&serializer).expect("serializable")
}

/// The message of the JS `Error` a binding call failed with.
fn error_message(error: JsError) -> String {
    let value = JsValue::from(error);
    assert!(
        value.is_instance_of::<js_sys::Error>(),
        "not an Error: {value:?}"
    );
    get(&value, "message").as_string().expect("a message")
}

fn analyzer() -> JsAnalyzer {
    JsAnalyzer::new(JsValue::UNDEFINED).expect("default options")
}

/// A number as JS passes it.
fn n(v: u32) -> JsValue {
    JsValue::from_f64(f64::from(v))
}

/// The binding's calls with Rust bytes and sizes, passed as JS would pass them (a
/// `Uint8Array`, numbers).
trait FromRust {
    fn still(&mut self, rgba: &[u8], w: u32, h: u32) -> Result<JsValue, JsError>;
    fn video(&mut self, rgba: &[u8], w: u32, h: u32) -> Result<JsValue, JsError>;
    fn buffer(&mut self, w: u32, h: u32) -> Result<js_sys::Uint8Array, JsError>;
    fn input(&mut self, w: u32, h: u32) -> Result<JsValue, JsError>;
}

impl FromRust for JsAnalyzer {
    fn still(&mut self, rgba: &[u8], w: u32, h: u32) -> Result<JsValue, JsError> {
        self.analyze_still(&js_sys::Uint8Array::from(rgba), &n(w), &n(h))
    }
    fn video(&mut self, rgba: &[u8], w: u32, h: u32) -> Result<JsValue, JsError> {
        self.analyze(
            &js_sys::Uint8Array::from(rgba),
            &n(w),
            &n(h),
            &JsValue::UNDEFINED,
        )
    }
    fn buffer(&mut self, w: u32, h: u32) -> Result<js_sys::Uint8Array, JsError> {
        self.input_buffer(&n(w), &n(h))
    }
    fn input(&mut self, w: u32, h: u32) -> Result<JsValue, JsError> {
        self.analyze_input(
            &n(w),
            &n(h),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        )
    }
}

#[wasm_bindgen_test]
fn report_has_the_cli_keys_and_types() {
    let report = analyzer()
        .still(&scene("glare"), W as u32, H as u32)
        .expect("a report");
    let keys: Vec<String> = Object::keys(report.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    assert_eq!(keys, ["ready", "problems", "quad", "message", "metrics"]);
    assert_eq!(get(&report, "ready").as_bool(), Some(false));
    let problems = Array::from(&get(&report, "problems"));
    assert_eq!(problems.get(0).as_string().as_deref(), Some("glare"));
    let quad = Array::from(&get(&report, "quad"));
    assert_eq!(quad.length(), 4);
    for corner in quad.iter() {
        let corner = Array::from(&corner);
        assert_eq!(corner.length(), 2);
        assert!(corner
            .iter()
            .all(|v| v.as_f64().is_some_and(f64::is_finite)));
    }
    assert!(get(&report, "message")
        .as_string()
        .is_some_and(|m| !m.is_empty()));
    let metrics = get(&report, "metrics");
    let glare_box = Array::from(&get(&metrics, "glare_box"));
    assert_eq!(glare_box.length(), 4);
    let visible = Array::from(&get(&metrics, "corners_visible"));
    assert!(visible.iter().all(|v| v.as_bool() == Some(true)));
    let sharpness = get(&metrics, "sharpness").as_f64().expect("a sharpness");
    assert!((0.0..=1.0).contains(&sharpness));
    assert!(get(&metrics, "motion").is_null(), "a still has no motion");
    assert!(get(&metrics, "mean_luma")
        .as_f64()
        .is_some_and(|l| l > 0.0 && l < 255.0));

    let empty = analyzer()
        .still(&scene("empty"), W as u32, H as u32)
        .expect("a report");
    assert!(get(&empty, "quad").is_null());
    assert!(get(&get(&empty, "metrics"), "glare_box").is_null());
}

#[wasm_bindgen_test]
fn binding_reports_equal_the_core_reports() {
    for kind in ["good", "dark", "glare", "blurry", "thumb", "empty"] {
        let rgba = scene(kind);
        let from_js = analyzer()
            .still(&rgba, W as u32, H as u32)
            .expect("a report");
        let core = Analyzer::new(Options::default())
            .expect("default options")
            .analyze_still(&rgba, W as u32, H as u32)
            .expect("a report");
        assert_eq!(json(&from_js), json(&core_to_js(&core)), "scene {kind}");
        let code = get(&from_js, "problems");
        let expected = match kind {
            "good" => None,
            "dark" => Some("too_dark"),
            "glare" => Some("glare"),
            "blurry" => Some("blurry"),
            "thumb" => Some("corner_covered"),
            _ => Some("no_document"),
        };
        assert_eq!(
            Array::from(&code).get(0).as_string().as_deref(),
            expected,
            "scene {kind}"
        );
    }
}

#[wasm_bindgen_test]
fn video_frames_track_motion_like_the_core_and_reset_forgets_it() {
    let (first, second) = (scene("good"), moved_card());
    let mut js = analyzer();
    let mut core = Analyzer::new(Options::default()).expect("default options");
    for rgba in [&first, &second] {
        let a = js.video(rgba, W as u32, H as u32).expect("a report");
        let b = core.analyze(rgba, W as u32, H as u32).expect("a report");
        assert_eq!(json(&a), json(&core_to_js(&b)));
    }
    let again = js.video(&second, W as u32, H as u32).expect("a report");
    assert_eq!(get(&get(&again, "metrics"), "motion").as_f64(), Some(0.0));
    js.reset();
    let after_reset = js.video(&first, W as u32, H as u32).expect("a report");
    assert!(get(&get(&after_reset, "metrics"), "motion").is_null());
}

#[wasm_bindgen_test]
fn frame_times_give_the_cores_motion_and_bad_ones_are_refused_before_the_frame_is_used() {
    let (first, second) = (scene("good"), moved_card());
    let mut js = analyzer();
    let mut core = Analyzer::new(Options::default()).expect("default options");
    let (w, h) = (W as u32, H as u32);
    // analyze, then analyzeInput, each with its time, a fifth of a second apart.
    let a = js
        .analyze(
            &js_sys::Uint8Array::from(&first[..]),
            &n(w),
            &n(h),
            &n(1000),
        )
        .expect("a report");
    let b = core.analyze_at(&first, w, h, 1000.0).expect("a report");
    assert_eq!(json(&a), json(&core_to_js(&b)));
    js.buffer(w, h).expect("a buffer").copy_from(&second);
    let a = js
        .analyze_input(
            &n(w),
            &n(h),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
            &n(1200),
        )
        .expect("a report");
    let b = core.analyze_at(&second, w, h, 1200.0).expect("a report");
    assert_eq!(json(&a), json(&core_to_js(&b)));
    let mut u = analyzer();
    u.video(&first, w, h).expect("a report");
    let untimed = u.video(&second, w, h).expect("a report");
    let timed = get(&get(&a, "metrics"), "motion").as_f64().expect("motion");
    let per_frame = get(&get(&untimed, "metrics"), "motion")
        .as_f64()
        .expect("motion");
    assert!(
        timed > 0.0 && (timed * 6.0 - per_frame).abs() < 0.002,
        "{timed} {per_frame}"
    );
    // A time that is not a finite number: an Error, and the frame written is still there.
    js.buffer(w, h).expect("a buffer").copy_from(&first);
    for bad in [JsValue::from_f64(f64::NAN), "1200".into(), JsValue::TRUE] {
        let message = error_message(
            js.analyze_input(&n(w), &n(h), &JsValue::UNDEFINED, &JsValue::UNDEFINED, &bad)
                .unwrap_err(),
        );
        assert!(message.starts_with("timeMs must be a"), "{message}");
    }
    let back = js
        .analyze_input(
            &n(w),
            &n(h),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
            &n(1200 + 33),
        )
        .expect("the frame is still there");
    assert!(get(&get(&back, "metrics"), "motion").as_f64().is_some());
    let message = error_message(
        js.analyze(
            &js_sys::Uint8Array::from(&first[..]),
            &n(w),
            &n(h),
            &JsValue::from_f64(f64::INFINITY),
        )
        .unwrap_err(),
    );
    assert!(
        message.contains("finite number of milliseconds"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn input_buffer_gives_the_same_report_as_a_copied_frame() {
    let rgba = scene("glare");
    let mut js = analyzer();
    let view = js.buffer(W as u32, H as u32).expect("a buffer");
    assert_eq!(view.length() as usize, rgba.len());
    view.copy_from(&rgba);
    let direct = js.input(W as u32, H as u32).expect("a report");
    let copied = analyzer()
        .video(&rgba, W as u32, H as u32)
        .expect("a report");
    assert_eq!(json(&direct), json(&copied));
}

/// A frame stored blue first (WebKit's camera frames are BGRA), written as it is and named
/// by its `VideoFrame.format`, gives the report of the same frame in RGBA; other formats are
/// refused by name.
#[wasm_bindgen_test]
fn input_in_blue_first_order_gives_the_report_of_the_same_pixels() {
    let rgba = scene("glare");
    let expected = json(
        &analyzer()
            .video(&rgba, W as u32, H as u32)
            .expect("a report"),
    );
    let mut bgra = rgba.clone();
    for p in bgra.chunks_exact_mut(4) {
        p.swap(0, 2);
    }
    assert_ne!(bgra, rgba, "the scene has colour");
    for (bytes, format) in [
        (&bgra, "BGRA"),
        (&bgra, "BGRX"),
        (&rgba, "RGBA"),
        (&rgba, "RGBX"),
    ] {
        let mut js = analyzer();
        js.buffer(W as u32, H as u32).unwrap().copy_from(bytes);
        let report = js
            .analyze_input(
                &n(W as u32),
                &n(H as u32),
                &format.into(),
                &JsValue::UNDEFINED,
                &JsValue::UNDEFINED,
            )
            .expect("a report");
        assert_eq!(json(&report), expected, "{format}");
    }
    // Read as RGBA, the blue-first bytes give another report: the order matters.
    let mut js = analyzer();
    js.buffer(W as u32, H as u32).unwrap().copy_from(&bgra);
    assert_ne!(json(&js.input(W as u32, H as u32).unwrap()), expected);
    for (format, wanted) in [
        (JsValue::from("YUY2"), "not \"YUY2\""),
        (JsValue::from("rgba"), "not \"rgba\""),
        (JsValue::from_f64(1.0), "not a number"),
    ] {
        let mut js = analyzer();
        js.buffer(W as u32, H as u32).unwrap();
        let message = error_message(
            js.analyze_input(
                &n(W as u32),
                &n(H as u32),
                &format,
                &JsValue::UNDEFINED,
                &JsValue::UNDEFINED,
            )
            .unwrap_err(),
        );
        assert!(message.contains(wanted), "{message}");
    }
}

/// `rgba` as BT.709 video-range YUV 4:2:0 (NV12 or I420, tight planes), each chroma sample
/// the mean of its 2×2 block.
fn to_yuv(rgba: &[u8], w: usize, h: usize, nv12: bool) -> Vec<u8> {
    let (kr, kb) = (0.2126f32, 0.0722f32);
    let ycc = |i: usize| {
        let [r, g, b] = [0, 1, 2].map(|c| f32::from(rgba[i * 4 + c]) / 255.0);
        let y = kr * r + (1.0 - kr - kb) * g + kb * b;
        (
            y,
            (b - y) / (2.0 * (1.0 - kb)),
            (r - y) / (2.0 * (1.0 - kr)),
        )
    };
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut out: Vec<u8> = (0..w * h)
        .map(|i| (ycc(i).0 * 219.0 + 16.0).round() as u8)
        .collect();
    let (mut us, mut vs) = (Vec::new(), Vec::new());
    for cy in 0..ch {
        for cx in 0..cw {
            let block: Vec<usize> = [(0, 0), (1, 0), (0, 1), (1, 1)]
                .iter()
                .map(|&(dx, dy)| (2 * cx + dx, 2 * cy + dy))
                .filter(|&(x, y)| x < w && y < h)
                .map(|(x, y)| y * w + x)
                .collect();
            let mean = |f: &dyn Fn(usize) -> f32| {
                block.iter().map(|&i| f(i)).sum::<f32>() / block.len() as f32
            };
            us.push((mean(&|i| ycc(i).1) * 224.0 + 128.0).round() as u8);
            vs.push((mean(&|i| ycc(i).2) * 224.0 + 128.0).round() as u8);
        }
    }
    if nv12 {
        out.extend(us.iter().zip(&vs).flat_map(|(&u, &v)| [u, v]));
    } else {
        out.extend(us);
        out.extend(vs);
    }
    out
}

/// A camera frame in YUV 4:2:0 (NV12 on Apple devices, I420), written as it is and named with
/// its colour space, gives the report of the same picture in RGBA, up to the rounding of the
/// conversion; a wrong matrix is refused by name.
#[wasm_bindgen_test]
fn input_in_yuv_gives_the_report_of_the_same_picture() {
    for kind in ["good", "glare", "thumb", "empty"] {
        let rgba = scene(kind);
        let expected = analyzer()
            .video(&rgba, W as u32, H as u32)
            .expect("a report");
        for (format, nv12) in [("NV12", true), ("I420", false)] {
            let yuv = to_yuv(&rgba, W, H, nv12);
            let mut js = analyzer();
            js.buffer(W as u32, H as u32)
                .unwrap()
                .subarray(0, yuv.len() as u32)
                .copy_from(&yuv);
            let space = Object::new();
            Reflect::set(&space, &"matrix".into(), &"bt709".into()).unwrap();
            Reflect::set(&space, &"fullRange".into(), &JsValue::FALSE).unwrap();
            let report = js
                .analyze_input(
                    &n(W as u32),
                    &n(H as u32),
                    &format.into(),
                    &space,
                    &JsValue::UNDEFINED,
                )
                .expect("a report");
            let what = format!("{kind} in {format}");
            assert_eq!(
                json(&get(&report, "problems")),
                json(&get(&expected, "problems")),
                "{what}"
            );
            let corners = |r: &JsValue| -> Vec<f64> {
                serde_wasm_bindgen::from_value::<Option<Vec<[f64; 2]>>>(get(r, "quad"))
                    .unwrap()
                    .unwrap_or_default()
                    .concat()
            };
            let (got, want) = (corners(&report), corners(&expected));
            assert_eq!(got.len(), want.len(), "{what}");
            for (a, b) in got.iter().zip(&want) {
                assert!(
                    (a - b).abs() <= 1.5,
                    "{what}: corner {got:?} against {want:?}"
                );
            }
        }
    }
    let mut js = analyzer();
    js.buffer(W as u32, H as u32).unwrap();
    let space = Object::new();
    Reflect::set(&space, &"matrix".into(), &"rgb".into()).unwrap();
    let message = error_message(
        js.analyze_input(
            &n(W as u32),
            &n(H as u32),
            &"NV12".into(),
            &space,
            &JsValue::UNDEFINED,
        )
        .unwrap_err(),
    );
    assert!(message.contains("colorSpace.matrix must be"), "{message}");
    assert!(message.contains("not \"rgb\""), "{message}");
}

#[wasm_bindgen_test]
fn bad_sizes_throw_clear_errors_and_the_analyzer_keeps_working() {
    let good = scene("good");
    let mut js = analyzer();
    let (w, h) = (W as u32, H as u32);
    let cases: Vec<(String, &str)> = vec![
        (
            error_message(js.video(&good[4..], w, h).unwrap_err()),
            "pixel buffer has 921596 bytes but a 640×360 RGBA frame needs 921600",
        ),
        (
            error_message(js.video(&[], w, h).unwrap_err()),
            "was its ArrayBuffer transferred to another thread (detached)?",
        ),
        (
            error_message(js.still(&good, 0, h).unwrap_err()),
            "frame is empty: 0×360",
        ),
        (
            error_message(js.video(&good, w, 0).unwrap_err()),
            "frame is empty: 640×0",
        ),
        (
            error_message(js.video(&good, 100_000, 100_000).unwrap_err()),
            "frame is too large: 100000×100000",
        ),
        (
            error_message(js.buffer(100_000, 100_000).unwrap_err()),
            "frame is too large: 100000×100000",
        ),
        (
            error_message(js.buffer(0, 5).unwrap_err()),
            "frame is empty",
        ),
        (
            error_message({
                js.buffer(8, 8).expect("a buffer");
                js.input(w, h).unwrap_err()
            }),
            "analyzeInput(640, 360) after inputBuffer(8, 8): the sizes must be the same",
        ),
    ];
    for (message, expected) in cases {
        assert!(
            message.contains(expected),
            "`{message}` does not say `{expected}`"
        );
        let report = js.still(&good, w, h).expect("still usable");
        assert_eq!(get(&report, "ready").as_bool(), Some(true));
    }
}

#[wasm_bindgen_test]
fn bad_options_throw_clear_errors() {
    let options = |pairs: &[(&str, JsValue)]| {
        let o = Object::new();
        for (k, v) in pairs {
            Reflect::set(&o, &JsValue::from_str(k), v).expect("settable");
        }
        JsValue::from(o)
    };
    let cases = [
        (
            options(&[("min_sharpness", JsValue::from_f64(f64::NAN))]),
            "option `min_sharpness` is invalid",
        ),
        (
            options(&[("max_motion", JsValue::from_f64(-1.0))]),
            "option `max_motion` is invalid",
        ),
        (
            options(&[("work_size", JsValue::from_f64(5.0))]),
            "option `work_size` is invalid: 5 is not in 320–512",
        ),
        (
            options(&[("glare", JsValue::from_f64(0.1))]),
            "unknown option `glare`",
        ),
        (
            options(&[("min_sharpness", JsValue::from_str("high"))]),
            r#"invalid type: string "high", expected option `min_sharpness` to be a number"#,
        ),
        (
            options(&[("strictness", JsValue::from_str("lenient"))]),
            "strictness `lenient` is not one of relaxed, normal, strict",
        ),
        (JsValue::from_f64(3.0), "options must be an object"),
        (js_sys::Array::new().into(), "options must be an object"),
        // An unknown name is named as such, whatever its value.
        (
            options(&[("glare", Object::new().into())]),
            "unknown option `glare`",
        ),
    ];
    for (value, expected) in cases {
        let message = error_message(JsAnalyzer::new(value).err().expect("an error"));
        assert!(
            message.contains(expected),
            "`{message}` does not say `{expected}`"
        );
    }
    let ok = JsAnalyzer::new(options(&[
        ("strictness", JsValue::from_str("strict")),
        ("min_sharpness", JsValue::from_f64(0.3)),
    ]))
    .expect("valid options");
    let chosen = ok.options().expect("options");
    assert_eq!(get(&chosen, "min_sharpness").as_f64(), Some(0.3f32 as f64));
    assert_eq!(get(&chosen, "min_mean_luma").as_f64(), Some(75.0));
    // null and undefined count as not given.
    let unset = JsAnalyzer::new(options(&[
        ("strictness", JsValue::NULL),
        ("min_sharpness", JsValue::UNDEFINED),
    ]))
    .expect("valid options");
    let defaults = JsAnalyzer::new(JsValue::UNDEFINED).expect("defaults");
    assert_eq!(
        js_sys::JSON::stringify(&unset.options().expect("options")).ok(),
        js_sys::JSON::stringify(&defaults.options().expect("options")).ok()
    );
}

/// Sizes are whole numbers of pixels as given: nothing is rounded, wrapped or read from a
/// string into a size that happens to fit the buffer.
#[wasm_bindgen_test]
fn sizes_that_are_not_whole_numbers_are_refused() {
    let rgba = js_sys::Uint8Array::from(&scene("good")[..]);
    let mut js = analyzer();
    let w = n(W as u32);
    let cases = [
        (
            JsValue::from_f64(640.5),
            "width must be a whole number of pixels, not 640.5",
        ),
        (
            JsValue::from_f64(f64::NAN),
            "width must be a whole number of pixels, not NaN",
        ),
        (
            JsValue::from_f64(-640.0),
            "width must be a whole number of pixels, not -640",
        ),
        (
            JsValue::from_f64(4294967296.0 + 640.0),
            "is not a frame size",
        ),
        (
            JsValue::from_str("640"),
            "width must be a number of pixels, not a string",
        ),
        (
            JsValue::UNDEFINED,
            "width must be a number of pixels, not undefined",
        ),
        (
            JsValue::from_f64(f64::INFINITY),
            "width must be a whole number of pixels, not Infinity",
        ),
        (JsValue::NULL, "width must be a number of pixels, not null"),
    ];
    for (width, expected) in cases {
        let message = error_message(
            js.analyze(&rgba, &width, &n(H as u32), &JsValue::UNDEFINED)
                .unwrap_err(),
        );
        assert!(
            message.contains(expected),
            "`{message}` does not say `{expected}`"
        );
        let message = error_message(js.input_buffer(&w, &width).unwrap_err());
        assert!(
            message.contains(&expected.replace("width", "height")),
            "`{message}`"
        );
    }
    assert!(js
        .analyze(&rgba, &w, &n(H as u32), &JsValue::UNDEFINED)
        .is_ok());
}

/// Pixels must be bytes (`Uint8Array`, or `Uint8ClampedArray` as in `ImageData`); a buffer of
/// the wrong length is refused before it is copied, so a huge one cannot grow the module's
/// memory; a detached one is named as such.
#[wasm_bindgen_test]
fn pixels_are_checked_before_they_are_copied() {
    let good = scene("good");
    let (w, h) = (n(W as u32), n(H as u32));
    let mut js = analyzer();
    let clamped = js_sys::Uint8ClampedArray::new_with_length(good.len() as u32);
    clamped.copy_from(&good);
    let from_clamped = js.analyze_still(&clamped, &w, &h).expect("a report");
    assert_eq!(
        json(&from_clamped),
        json(&js.still(&good, W as u32, H as u32).unwrap())
    );

    let plain = Array::new();
    plain.push(&JsValue::from_f64(1.0));
    let cases = [
        (
            js_sys::ArrayBuffer::new(good.len() as u32).into(),
            "not ArrayBuffer",
        ),
        (plain.into(), "not Array"),
        (JsValue::from_str("pixels"), "not a string"),
        (JsValue::NULL, "must be a Uint8Array or Uint8ClampedArray"),
    ];
    for (value, expected) in cases {
        let message = error_message(js.analyze(&value, &w, &h, &JsValue::UNDEFINED).unwrap_err());
        assert!(
            message.contains(expected),
            "`{message}` does not say `{expected}`"
        );
    }

    let memory = || {
        wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let before = memory();
    let huge = js_sys::Uint8Array::new_with_length(256 << 20);
    let message = error_message(js.analyze(&huge, &w, &h, &JsValue::UNDEFINED).unwrap_err());
    assert!(
        message.contains("pixel buffer has 268435456 bytes"),
        "{message}"
    );
    assert_eq!(
        memory(),
        before,
        "the wrong buffer was copied into wasm memory"
    );

    // Detached: its ArrayBuffer transferred elsewhere.
    let bytes = js_sys::Uint8Array::from(&good[..]);
    let options = Object::new();
    let transfer = Array::of1(&bytes.buffer());
    Reflect::set(&options, &"transfer".into(), &transfer).unwrap();
    let clone: js_sys::Function = Reflect::get(&js_sys::global(), &"structuredClone".into())
        .unwrap()
        .unchecked_into();
    clone
        .call2(&JsValue::NULL, &bytes.buffer(), &options)
        .expect("transferred");
    let message = error_message(js.analyze(&bytes, &w, &h, &JsValue::UNDEFINED).unwrap_err());
    assert!(message.contains("detached"), "{message}");
    assert!(js.still(&good, W as u32, H as u32).is_ok());
}

/// Lookalikes of a byte array (a Proxy of one, an object given its prototype) are refused
/// with an error before anything of them is read: their `length` would throw inside the
/// module, leaving the Analyzer locked and, repeated, the whole module broken.
#[wasm_bindgen_test]
fn lookalike_byte_arrays_are_refused_and_break_nothing() {
    let good = scene("good");
    let (w, h) = (n(W as u32), n(H as u32));
    let make = |body: &str| -> JsValue {
        js_sys::Function::new_with_args("a", body)
            .call1(
                &JsValue::NULL,
                &js_sys::Uint8ClampedArray::new_with_length(good.len() as u32),
            )
            .expect("made")
    };
    let lookalikes = [
        make("return new Proxy(a, {})"),
        make("return Object.setPrototypeOf({}, Uint8Array.prototype)"),
        make("return { [Symbol.toStringTag]: 'Uint8Array', length: a.length }"),
    ];
    let mut js = analyzer();
    for round in 0..300 {
        for value in &lookalikes {
            let message =
                error_message(js.analyze(value, &w, &h, &JsValue::UNDEFINED).unwrap_err());
            assert!(
                message.contains("must be a Uint8Array or Uint8ClampedArray")
                    && message.contains("not a typed array"),
                "round {round}: {message}"
            );
        }
    }
    let expected = json(&analyzer().still(&good, W as u32, H as u32).unwrap());
    assert_eq!(
        json(&js.still(&good, W as u32, H as u32).unwrap()),
        expected
    );
}

/// Another Analyzer's `inputBuffer` is a view of the module's own memory, which the copy into
/// this Analyzer may grow (emptying the view): its bytes are read all the same.
#[wasm_bindgen_test]
fn another_analyzers_input_buffer_can_be_analysed() {
    let (w, h) = (1500u32, 1200u32);
    let mut state = 7u32;
    let bytes: Vec<u8> = (0..w * h * 4)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let expected = json(&analyzer().still(&bytes, w, h).unwrap());
    let mut owner = analyzer();
    let mut reader = analyzer();
    // The view is taken last: any allocation in this module before it is read would empty it.
    let view = owner.buffer(w, h).unwrap();
    view.copy_from(&bytes);
    let report = reader.analyze_still(&view, &n(w), &n(h)).expect("a report");
    assert_eq!(json(&report), expected);
}

/// `analyzeInput` analyses what `inputBuffer` was asked for, at that size, once.
#[wasm_bindgen_test]
fn analyze_input_needs_the_input_buffer_of_its_size() {
    let mut js = analyzer();
    let message = error_message(js.input(8, 8).unwrap_err());
    assert!(
        message.contains("call inputBuffer(width, height)"),
        "{message}"
    );
    js.buffer(100, 50).unwrap();
    let message = error_message(js.input(50, 100).unwrap_err());
    assert!(message.contains("the sizes must be the same"), "{message}");
    assert!(js.input(100, 50).is_ok());
    // A frame is analysed once: the second call would take the RGBA the first made of a
    // frame stored as BGRA or YUV for the stored bytes.
    let message = error_message(js.input(100, 50).unwrap_err());
    assert!(
        message.contains("call inputBuffer(width, height)"),
        "{message}"
    );
    // A format refused leaves the frame to be analysed with the right one.
    js.buffer(100, 50).unwrap();
    let refused = js.analyze_input(
        &n(100),
        &n(50),
        &"YUY2".into(),
        &JsValue::UNDEFINED,
        &JsValue::UNDEFINED,
    );
    assert!(refused.is_err());
    assert!(js.input(100, 50).is_ok());
}

/// Options whose reading throws (a getter, a revoked Proxy) give an error every time, and the
/// module keeps working: an exception let through wasm frames leaks their stack space, which
/// broke the module after about 650 such calls.
#[wasm_bindgen_test]
fn options_that_throw_when_read_never_break_the_module() {
    let throwing = Object::new();
    let descriptor = Object::new();
    Reflect::set(
        &descriptor,
        &"get".into(),
        &js_sys::Function::new_no_args("throw new Error('g')"),
    )
    .unwrap();
    Reflect::set(&descriptor, &"enumerable".into(), &JsValue::TRUE).unwrap();
    Object::define_property(&throwing, &"strictness".into(), &descriptor);
    let revocable = js_sys::Proxy::revocable(&Object::new(), &Object::new());
    let revoke: js_sys::Function = Reflect::get(&revocable, &"revoke".into())
        .unwrap()
        .unchecked_into();
    revoke.call0(&JsValue::NULL).unwrap();
    let revoked = Reflect::get(&revocable, &"proxy".into()).unwrap();
    let nested = Object::new();
    Reflect::set(&nested, &"strictness".into(), &throwing).unwrap();
    for _ in 0..1000 {
        for (value, expected) in [
            (JsValue::from(&throwing), "the options cannot be read: g"),
            (revoked.clone(), "the options cannot be read"),
            (JsValue::from(&nested), "the options cannot be read: g"),
        ] {
            let message = error_message(JsAnalyzer::new(value).err().expect("an error"));
            assert!(message.starts_with(expected), "{message}");
        }
    }
    let report = analyzer()
        .still(&scene("good"), W as u32, H as u32)
        .expect("still working");
    assert_eq!(get(&report, "ready").as_bool(), Some(true));
    // Messages are the error's own, without a doubled "Error: ".
    let message = error_message(
        JsAnalyzer::new(Object::new().into())
            .map(|_| ())
            .and_then(|()| {
                let o = Object::new();
                Reflect::set(&o, &"bogus".into(), &JsValue::TRUE).unwrap();
                JsAnalyzer::new(o.into()).map(|_| ())
            })
            .unwrap_err(),
    );
    assert_eq!(message, "unknown option `bogus`");
}
