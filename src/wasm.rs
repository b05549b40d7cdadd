//! The browser binding: the only module that knows about wasm. A stateful `Analyzer` that
//! lives in a Web Worker; reports become plain JS objects with the same keys as the CLI's,
//! and bad input becomes a JS `Error` with a message, never a trap.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{FrameError, Options};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Analyses camera frames and photos of identity documents.
#[wasm_bindgen(js_name = Analyzer)]
pub struct JsAnalyzer {
    inner: crate::Analyzer,
    /// The frame JS writes through `inputBuffer`, kept between frames so that a camera frame
    /// reaches the engine with one copy (e.g. `VideoFrame.copyTo`) and no allocation.
    input: Vec<u8>,
}

#[wasm_bindgen(js_class = Analyzer)]
impl JsAnalyzer {
    /// `new Analyzer(options?)`: `options` may hold `strictness` (`"relaxed"`, `"normal"`,
    /// `"strict"`, or an object with one of those per family: `framing`, `exposure`,
    /// `glare`, `sharpness`, `colour`) and any threshold of the Rust `Options` by its
    /// snake_case name; `null` or `undefined` values count as not given.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<JsAnalyzer, JsError> {
        let options = options_from_js(options)?;
        let inner = crate::Analyzer::new(options).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(JsAnalyzer {
            inner,
            input: Vec::new(),
        })
    }

    /// Analyses the next video frame (`rgba`: `Uint8Array` or `Uint8ClampedArray` of
    /// `width × height × 4` bytes); compares with the previous frame for `moving`.
    pub fn analyze(&mut self, rgba: &[u8], width: u32, height: u32) -> Result<JsValue, JsError> {
        let report = self
            .inner
            .analyze(rgba, width, height)
            .map_err(frame_error)?;
        to_js(&report)
    }

    /// `inputBuffer(width, height)`: a `Uint8Array` view of the analyzer's own frame buffer,
    /// sized for a `width × height` RGBA frame, to write a frame into without a further copy
    /// (`await videoFrame.copyTo(view, {format: "RGBA"})`); then call `analyzeInput` with the
    /// same size. The view lives in wasm memory, which any later call may grow (detaching the
    /// view): fetch a fresh view for every frame and call nothing else before `analyzeInput`.
    ///
    /// # Errors
    /// Zero or absurd dimensions, checked before anything is allocated.
    #[wasm_bindgen(js_name = inputBuffer)]
    pub fn input_buffer(&mut self, width: u32, height: u32) -> Result<js_sys::Uint8Array, JsError> {
        let len = frame_len(width, height)?;
        self.input.resize(len, 0);
        // SAFETY: the view aliases `self.input`, which nothing touches until the next call
        // into this analyzer; the contract above tells JS not to keep the view past that.
        Ok(unsafe { js_sys::Uint8Array::view(&self.input) })
    }

    /// Analyses the video frame written into `inputBuffer(width, height)`, as `analyze` does.
    ///
    /// # Errors
    /// When `width × height` is not the size last given to `inputBuffer`.
    #[wasm_bindgen(js_name = analyzeInput)]
    pub fn analyze_input(&mut self, width: u32, height: u32) -> Result<JsValue, JsError> {
        let report = self
            .inner
            .analyze(&self.input, width, height)
            .map_err(frame_error)?;
        to_js(&report)
    }

    /// Analyses a single photo (no comparison with earlier frames).
    #[wasm_bindgen(js_name = analyzeStill)]
    pub fn analyze_still(
        &mut self,
        rgba: &[u8],
        width: u32,
        height: u32,
    ) -> Result<JsValue, JsError> {
        let report = self
            .inner
            .analyze_still(rgba, width, height)
            .map_err(frame_error)?;
        to_js(&report)
    }

    /// Forgets the previous frame (a new capture starts).
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// The options in force, as a plain object.
    pub fn options(&self) -> Result<JsValue, JsError> {
        to_js(self.inner.options())
    }
}

/// A frame error as a JS `Error`; an empty buffer for a valid size is almost always an
/// `ArrayBuffer` that was transferred to another thread, so the message says so.
fn frame_error(e: FrameError) -> JsError {
    match e {
        FrameError::WrongLength { actual: 0, .. } => JsError::new(&format!(
            "{e}; the buffer is empty: was its ArrayBuffer transferred to another thread (detached)?"
        )),
        e => JsError::new(&e.to_string()),
    }
}

/// Bytes of a `width × height` RGBA frame, or the engine's error for zero or absurd sizes.
fn frame_len(width: u32, height: u32) -> Result<usize, JsError> {
    match crate::Frame::new(&[], width, height) {
        Err(FrameError::WrongLength { expected, .. }) => usize::try_from(expected)
            .map_err(|_| frame_error(FrameError::TooLarge { width, height })),
        Err(e) => Err(frame_error(e)),
        Ok(_) => Ok(0),
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::new()
        .serialize_maps_as_objects(true)
        .serialize_missing_as_null(true);
    value
        .serialize(&serializer)
        .map_err(|e| JsError::new(&format!("cannot build the report: {e}")))
}

/// Options from a JS value: `undefined`/`null` for the defaults, else the options object
/// (read as `Options`'s `Deserialize` reads it; `Analyzer::new` range-checks it).
fn options_from_js(value: JsValue) -> Result<Options, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Options::default());
    }
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(JsError::new("options must be an object"));
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&e.to_string()))
}
