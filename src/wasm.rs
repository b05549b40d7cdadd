//! The browser binding: the only module that knows about wasm. A stateful `Analyzer` that
//! lives in a Web Worker; reports become plain JS objects with the same keys as the CLI's,
//! and bad input becomes a JS `Error` with a message, never a trap.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

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
    /// reaches the engine with one copy (e.g. `VideoFrame.copyTo`) and no allocation; also
    /// where `analyze` copies the pixels it is given.
    input: Vec<u8>,
    /// The size last given to `inputBuffer`, which `analyzeInput` must repeat.
    input_size: Option<(u32, u32)>,
    /// The scratch space of converting a YUV frame into RGBA in `input`.
    yuv: crate::yuv::Scratch,
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
            input_size: None,
            yuv: crate::yuv::Scratch::default(),
        })
    }

    /// Analyses the next video frame (`rgba`: `Uint8Array` or `Uint8ClampedArray` of
    /// `width × height × 4` bytes, such as `ImageData.data`); compares with the previous
    /// frame for `moving`. `timeMs`, when given, is when the frame was taken, in milliseconds
    /// (`performance.now()`, or a `VideoFrame`'s `timestamp / 1000`): the movement is then
    /// taken per 1/30 s when frames are further apart (a slow phone, dropped frames), and
    /// frames more than a second apart are not compared. Without it, frames are taken to be
    /// 1/30 s apart.
    ///
    /// # Errors
    /// A size that is not a whole number of pixels, pixels that are not such an array or not
    /// of that length, a `timeMs` that is not a finite number (all checked before anything is
    /// copied), and the engine's frame errors.
    pub fn analyze(
        &mut self,
        rgba: &JsValue,
        width: &JsValue,
        height: &JsValue,
        #[wasm_bindgen(js_name = timeMs)] time_ms: &JsValue,
    ) -> Result<JsValue, JsError> {
        let time_ms = frame_time(time_ms)?;
        let (width, height) = self.take_frame(rgba, width, height)?;
        self.report(width, height, Some(time_ms))
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
    pub fn input_buffer(
        &mut self,
        width: &JsValue,
        height: &JsValue,
    ) -> Result<Uint8Array, JsError> {
        let (width, height) = frame_size(width, height)?;
        let len = frame_len(width, height)?;
        self.input.resize(len, 0);
        self.input_size = Some((width, height));
        // SAFETY: the view aliases `self.input`, which nothing touches until the next call
        // into this analyzer; the contract above tells JS not to keep the view past that.
        Ok(unsafe { Uint8Array::view(&self.input) })
    }

    /// Analyses the video frame written into `inputBuffer(width, height)`, as `analyze` does
    /// (`timeMs` as there).
    /// `format` names how its bytes are laid out, as `VideoFrame.format` does, so that a
    /// frame that `copyTo` cannot convert to RGBA (WebKit's, Safari's) can be copied as it is
    /// (`copyTo(view, {layout})`, no `format` option) instead of drawn on a canvas:
    /// - `"RGBA"` (the default when `undefined` or `null`) or `"RGBX"`;
    /// - `"BGRA"` or `"BGRX"`, turned into RGBA in place;
    /// - `"NV12"` or `"I420"`, YUV 4:2:0 with tightly packed planes (see [`crate::yuv`]),
    ///   converted with `colorSpace` (a `VideoColorSpace` or `{matrix, fullRange}`): matrix
    ///   `"bt709"`, `"smpte170m"`, `"bt470bg"` or `"bt2020-ncl"`, BT.709 when not given for a
    ///   frame 720 or more pixels high and BT.601 below; the video range unless `fullRange`.
    ///
    /// # Errors
    /// When `width` and `height` are not the size last given to `inputBuffer`, no frame has
    /// been asked for since the last `analyze`, `analyzeStill` or `analyzeInput` (a frame
    /// written once is analysed once: a second call would read pixels the first turned into
    /// RGBA as if they were still as stored), `format` or the matrix is not one of those, or
    /// `timeMs` is not a finite number (the frame then stays to be analysed).
    #[wasm_bindgen(js_name = analyzeInput)]
    pub fn analyze_input(
        &mut self,
        width: &JsValue,
        height: &JsValue,
        format: &JsValue,
        color_space: &JsValue,
        #[wasm_bindgen(js_name = timeMs)] time_ms: &JsValue,
    ) -> Result<JsValue, JsError> {
        let (width, height) = frame_size(width, height)?;
        let stored = stored_format(format, color_space, height)?;
        let time_ms = frame_time(time_ms)?;
        match self.input_size {
            None => {
                return Err(JsError::new(
                    "no frame to analyse: call inputBuffer(width, height) and write the frame first",
                ))
            }
            Some((w, h)) if (w, h) != (width, height) => {
                return Err(JsError::new(&format!(
                    "analyzeInput({width}, {height}) after inputBuffer({w}, {h}): the sizes must be the same"
                )))
            }
            Some(_) => {}
        }
        self.input_size = None;
        match stored {
            Stored::Rgba => {}
            Stored::Bgra => swap_red_blue(&mut self.input),
            Stored::Yuv(layout, matrix, full_range) => crate::yuv::to_rgba_in_place(
                &mut self.input,
                width as usize,
                height as usize,
                layout,
                matrix,
                full_range,
                &mut self.yuv,
            ),
        }
        self.report(width, height, Some(time_ms))
    }

    /// Analyses a single photo (no comparison with earlier frames).
    ///
    /// # Errors
    /// As `analyze`.
    #[wasm_bindgen(js_name = analyzeStill)]
    pub fn analyze_still(
        &mut self,
        rgba: &JsValue,
        width: &JsValue,
        height: &JsValue,
    ) -> Result<JsValue, JsError> {
        let (width, height) = self.take_frame(rgba, width, height)?;
        self.report(width, height, None)
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

impl JsAnalyzer {
    /// The report on the frame in `input`: a video frame (`Some`, with its time if known;
    /// compared with the previous one for `moving`) or a still (`None`).
    fn report(
        &mut self,
        width: u32,
        height: u32,
        video: Option<Option<f64>>,
    ) -> Result<JsValue, JsError> {
        let report = match video {
            Some(Some(t)) => self.inner.analyze_at(&self.input, width, height, t),
            Some(None) => self.inner.analyze(&self.input, width, height),
            None => self.inner.analyze_still(&self.input, width, height),
        }
        .map_err(frame_error)?;
        to_js(&report)
    }

    /// Copies a frame's pixels into `input`, after checking its size, what the pixels are and
    /// their length: a wrong buffer of any size is refused without being copied. The copy
    /// replaces whatever `inputBuffer` was asked for. Returns the size.
    fn take_frame(
        &mut self,
        rgba: &JsValue,
        width: &JsValue,
        height: &JsValue,
    ) -> Result<(u32, u32), JsError> {
        let (width, height) = frame_size(width, height)?;
        self.input_size = None;
        let len = frame_len(width, height)?;
        let pixels = byte_view(rgba)?;
        let given = pixels.length();
        if given as usize != len {
            return Err(frame_error(FrameError::WrongLength {
                actual: u64::from(given),
                expected: len as u64,
                width,
                height,
            }));
        }
        // A view of this module's own memory (such as another Analyzer's `inputBuffer`) is
        // emptied if the memory grows below: its bytes are copied out first.
        let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
        let pixels = if JsValue::from(pixels.buffer()) == memory.buffer() {
            pixels.slice(0, given)
        } else {
            pixels
        };
        if self.input.len() != len {
            self.input.clear();
            self.input.resize(len, 0);
        }
        pixels.copy_to(&mut self.input);
        Ok((width, height))
    }
}

/// How the bytes of a frame written through `inputBuffer` are laid out: for YUV, with the
/// matrix and whether the range is full.
enum Stored {
    Rgba,
    Bgra,
    Yuv(crate::yuv::Layout, crate::yuv::Matrix, bool),
}

/// `analyzeInput`'s `format` (a `VideoFrame.format` the engine can read), and for YUV its
/// `colorSpace`, read before anything is converted.
fn stored_format(format: &JsValue, color_space: &JsValue, height: u32) -> Result<Stored, JsError> {
    if format.is_null() || format.is_undefined() {
        return Ok(Stored::Rgba);
    }
    let yuv = |layout| {
        let (matrix, full_range) = yuv_colour(color_space, height)?;
        Ok(Stored::Yuv(layout, matrix, full_range))
    };
    match format.as_string().as_deref() {
        Some("RGBA" | "RGBX") => Ok(Stored::Rgba),
        Some("BGRA" | "BGRX") => Ok(Stored::Bgra),
        Some("NV12") => yuv(crate::yuv::Layout::Nv12),
        Some("I420") => yuv(crate::yuv::Layout::I420),
        Some(other) => Err(JsError::new(&format!(
            "format must be \"RGBA\", \"RGBX\", \"BGRA\", \"BGRX\", \"NV12\" or \"I420\", not \"{other}\""
        ))),
        None => {
            Err(JsError::new(&format!(
                "format must be a string such as \"RGBA\", not {}",
                kind_of(format)
            )))
        }
    }
}

/// The matrix and range of a YUV frame from its `colorSpace` (see `analyzeInput`).
fn yuv_colour(color_space: &JsValue, height: u32) -> Result<(crate::yuv::Matrix, bool), JsError> {
    use crate::yuv::Matrix;
    let field = |name: &str| -> Result<JsValue, JsError> {
        if color_space.is_object() {
            Reflect::get(color_space, &name.into()).map_err(|e| {
                JsError::new(&format!(
                    "colorSpace.{name} cannot be read: {}",
                    message_of(&e)
                ))
            })
        } else {
            Ok(JsValue::UNDEFINED)
        }
    };
    let matrix = field("matrix")?;
    let matrix = match matrix.as_string().as_deref() {
        _ if matrix.is_null() || matrix.is_undefined() => {
            if height >= 720 {
                Matrix::Bt709
            } else {
                Matrix::Bt601
            }
        }
        Some("bt709") => Matrix::Bt709,
        Some("smpte170m" | "bt470bg") => Matrix::Bt601,
        Some("bt2020-ncl") => Matrix::Bt2020,
        _ => {
            return Err(JsError::new(&format!(
                "colorSpace.matrix must be \"bt709\", \"smpte170m\", \"bt470bg\" or \"bt2020-ncl\" for a YUV frame, not {}",
                js_sys::JSON::stringify(&matrix)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_else(|| "that".into())
            )))
        }
    };
    Ok((matrix, field("fullRange")?.is_truthy()))
}

/// BGRA (or BGRX) pixels turned into RGBA in place.
fn swap_red_blue(pixels: &mut [u8]) {
    for p in pixels.chunks_exact_mut(4) {
        p.swap(0, 2);
    }
}

/// Width and height from JS (see [`pixels_across`]).
fn frame_size(width: &JsValue, height: &JsValue) -> Result<(u32, u32), JsError> {
    Ok((
        pixels_across(width, "width")?,
        pixels_across(height, "height")?,
    ))
}

/// What `typeof` says of a JS value, for messages about values of the wrong kind.
#[wasm_bindgen]
extern "C" {
    /// `ArrayBuffer.isView`: true only for a genuine typed array or DataView (not a Proxy of
    /// one, nor an object given a typed array's prototype), from any realm.
    #[wasm_bindgen(js_namespace = ArrayBuffer, js_name = isView)]
    fn is_view(v: &JsValue) -> bool;
    /// `Object.prototype.toString.call(v)`: `"[object Uint8Array]"` for a typed array of
    /// any realm, read from its internal slots.
    #[wasm_bindgen(js_namespace = ["Object", "prototype", "toString"], js_name = call)]
    fn object_tag(v: &JsValue) -> String;
}

/// The pixels given to `analyze` as bytes: a genuine `Uint8Array` or `Uint8ClampedArray`
/// (from this page or another of the same origin, such as an iframe's `ImageData.data`).
/// Anything else, including lookalikes whose `length` would throw, is refused with an error
/// before it is touched.
fn byte_view(rgba: &JsValue) -> Result<Uint8Array, JsError> {
    let view = is_view(rgba);
    let tag = if view {
        object_tag(rgba)
    } else {
        String::new()
    };
    if tag == "[object Uint8Array]" || tag == "[object Uint8ClampedArray]" {
        return Ok(rgba.clone().unchecked_into());
    }
    let what = if view {
        let name = tag.strip_prefix("[object ").unwrap_or(&tag);
        name.strip_suffix(']').unwrap_or(name).to_string()
    } else if rgba.is_object() {
        let name = Reflect::get(rgba, &"constructor".into())
            .ok()
            .and_then(|c| Reflect::get(&c, &"name".into()).ok())
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "object".into());
        format!("{name} (not a typed array)")
    } else {
        kind_of(rgba)
    };
    Err(JsError::new(&format!(
        "the pixels must be a Uint8Array or Uint8ClampedArray (such as ImageData.data), not {what}"
    )))
}

/// What kind of value `v` is, for a message: "undefined", "null", "a string", "an object", …
fn kind_of(v: &JsValue) -> String {
    if v.is_null() {
        return "null".into();
    }
    let kind = v.js_typeof().as_string().unwrap_or_default();
    match kind.as_str() {
        "undefined" => kind,
        "object" => "an object".into(),
        _ => format!("a {kind}"),
    }
}

/// A number as JS writes it (`Infinity`, not Rust's `inf`).
fn js_number(n: f64) -> String {
    if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        n.to_string()
    }
}

/// A video frame's time from JS: `undefined` or `null` (not given), or a finite number of
/// milliseconds.
fn frame_time(v: &JsValue) -> Result<Option<f64>, JsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(t) if t.is_finite() => Ok(Some(t)),
        Some(t) => Err(JsError::new(&format!(
            "timeMs must be a finite number of milliseconds (such as performance.now()), not {}",
            js_number(t)
        ))),
        None => Err(JsError::new(&format!(
            "timeMs must be a number of milliseconds (such as performance.now()), not {}",
            kind_of(v)
        ))),
    }
}

/// A frame's width or height from JS: a whole, non-negative number (not a string, not 3.5,
/// not NaN), so that nothing is rounded or wrapped into a size that happens to fit.
fn pixels_across(v: &JsValue, name: &str) -> Result<u32, JsError> {
    let Some(n) = v.as_f64() else {
        return Err(JsError::new(&format!(
            "{name} must be a number of pixels, not {}",
            kind_of(v)
        )));
    };
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
        return Err(JsError::new(&format!(
            "{name} must be a whole number of pixels, not {}",
            js_number(n)
        )));
    }
    if n > f64::from(u32::MAX) {
        return Err(JsError::new(&format!(
            "{name} {n} is not a frame size (at most {} pixels a side)",
            crate::MAX_SIDE
        )));
    }
    Ok(n as u32)
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
    if !value.is_object() || value.is_instance_of::<Array>() {
        return Err(JsError::new("options must be an object"));
    }
    let plain = plain_copy(&value, 0)
        .map_err(|e| JsError::new(&format!("the options cannot be read: {}", message_of(&e))))?;
    serde_wasm_bindgen::from_value(plain).map_err(|e| JsError::new(&message_of(&e.into())))
}

/// A copy of `value` made of plain objects, read only through calls that hand a JS exception
/// (a throwing getter, a revoked `Proxy`) back as an error. The reader then meets nothing that
/// can throw: an exception thrown through wasm frames skips their epilogues, leaking their
/// stack space, and a few hundred such calls break the module for every analyzer in the
/// page. Own enumerable string keys are copied (what `Object.entries` gives), a `Map`'s
/// entries too; arrays become empty arrays (the reader refuses them whatever they hold), and
/// objects nested deeper than options go (`strictness` → family) become empty objects.
fn plain_copy(value: &JsValue, depth: u32) -> Result<JsValue, JsValue> {
    if !value.is_object() {
        return Ok(value.clone());
    }
    if value.is_instance_of::<Array>() {
        return Ok(Array::new().into());
    }
    if depth > 2 {
        return Ok(Object::new().into());
    }
    let source: JsValue = if value.is_instance_of::<js_sys::Map>() {
        Object::from_entries(value)?.into()
    } else {
        value.clone()
    };
    let entries = Array::new();
    for key in Reflect::own_keys(&source)?.iter() {
        if !key.is_string() {
            continue;
        }
        let described =
            Reflect::get_own_property_descriptor(source.unchecked_ref::<Object>(), &key)?;
        if described.is_undefined() || !Reflect::get(&described, &"enumerable".into())?.is_truthy()
        {
            continue;
        }
        let v = Reflect::get(&source, &key)?;
        entries.push(&Array::of2(&key, &plain_copy(&v, depth + 1)?));
    }
    Ok(Object::from_entries(&entries)?.into())
}

/// The message of a JS error value (`Error.message`, not `"Error: …"`), or its text.
fn message_of(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an exception that is not an Error".into())
}
