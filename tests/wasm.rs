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

#[wasm_bindgen_test]
fn report_has_the_cli_keys_and_types() {
    let report = analyzer()
        .analyze_still(&scene("glare"), W as u32, H as u32)
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
        .analyze_still(&scene("empty"), W as u32, H as u32)
        .expect("a report");
    assert!(get(&empty, "quad").is_null());
    assert!(get(&get(&empty, "metrics"), "glare_box").is_null());
}

#[wasm_bindgen_test]
fn binding_reports_equal_the_core_reports() {
    for kind in ["good", "dark", "glare", "blurry", "thumb", "empty"] {
        let rgba = scene(kind);
        let from_js = analyzer()
            .analyze_still(&rgba, W as u32, H as u32)
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
    let first = scene("good");
    let mut moved = Scene::centred(W, H, 0.7, 4.0);
    moved.quad = moved
        .quad
        .map(|q| q.map(|p| doccheck::geometry::Point::new(p.x + 24.0, p.y)));
    let second = moved.render();
    let mut js = analyzer();
    let mut core = Analyzer::new(Options::default()).expect("default options");
    for rgba in [&first, &second] {
        let a = js.analyze(rgba, W as u32, H as u32).expect("a report");
        let b = core.analyze(rgba, W as u32, H as u32).expect("a report");
        assert_eq!(json(&a), json(&core_to_js(&b)));
    }
    let again = js.analyze(&second, W as u32, H as u32).expect("a report");
    assert_eq!(get(&get(&again, "metrics"), "motion").as_f64(), Some(0.0));
    js.reset();
    let after_reset = js.analyze(&first, W as u32, H as u32).expect("a report");
    assert!(get(&get(&after_reset, "metrics"), "motion").is_null());
}

#[wasm_bindgen_test]
fn input_buffer_gives_the_same_report_as_a_copied_frame() {
    let rgba = scene("glare");
    let mut js = analyzer();
    let view = js.input_buffer(W as u32, H as u32).expect("a buffer");
    assert_eq!(view.length() as usize, rgba.len());
    view.copy_from(&rgba);
    let direct = js.analyze_input(W as u32, H as u32).expect("a report");
    let copied = analyzer()
        .analyze(&rgba, W as u32, H as u32)
        .expect("a report");
    assert_eq!(json(&direct), json(&copied));
}

#[wasm_bindgen_test]
fn bad_sizes_throw_clear_errors_and_the_analyzer_keeps_working() {
    let good = scene("good");
    let mut js = analyzer();
    let (w, h) = (W as u32, H as u32);
    let cases: Vec<(String, &str)> = vec![
        (
            error_message(js.analyze(&good[4..], w, h).unwrap_err()),
            "pixel buffer has 921596 bytes but a 640×360 RGBA frame needs 921600",
        ),
        (
            error_message(js.analyze(&[], w, h).unwrap_err()),
            "was its ArrayBuffer transferred to another thread (detached)?",
        ),
        (
            error_message(js.analyze_still(&good, 0, h).unwrap_err()),
            "frame is empty: 0×360",
        ),
        (
            error_message(js.analyze(&good, w, 0).unwrap_err()),
            "frame is empty: 640×0",
        ),
        (
            error_message(js.analyze(&good, 100_000, 100_000).unwrap_err()),
            "frame is too large: 100000×100000",
        ),
        (
            error_message(js.input_buffer(100_000, 100_000).unwrap_err()),
            "frame is too large: 100000×100000",
        ),
        (
            error_message(js.input_buffer(0, 5).unwrap_err()),
            "frame is empty",
        ),
        (
            error_message({
                js.input_buffer(8, 8).expect("a buffer");
                js.analyze_input(w, h).unwrap_err()
            }),
            "pixel buffer has 256 bytes",
        ),
    ];
    for (message, expected) in cases {
        assert!(
            message.contains(expected),
            "`{message}` does not say `{expected}`"
        );
        let report = js.analyze_still(&good, w, h).expect("still usable");
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
