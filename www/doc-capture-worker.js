// The analysis side of <doc-capture>: a module Worker that owns the wasm engine. The main
// thread sends camera frames (VideoFrame or ImageBitmap, transferred) and photos (Blob); this
// worker turns each into RGBA, analyses it and answers with the report. It handles one job at
// a time, so the main thread's "drop frames while busy" sees an honest busy signal.
// Where a worker cannot draw (no OffscreenCanvas 2D: Safari before 16.4) the main thread sends
// RGBA instead ({width, height, rgba}, transferred) and encodes the photo itself; `ready` says
// which the worker can do.
//
// Messages in:  {type: 'init', options, seq}     → {type: 'ready', simd, canvas, videoFrame, wasmMemoryBytes, seq, refused}
//               {type: 'frame', id, frame, at}    → {type: 'report', id, report, pixels, ms, …}
//                 (`at`: when the frame was grabbed, performance.now() of the page, for `moving`)
//               {type: 'still', id, source, maxBytes} → {type: 'still', id, report, blob, …}
//               {type: 'options', options, seq}   → {type: 'options', seq} once in use
//               {type: 'reset'}
// Options the engine refuses leave the previous ones in use (the defaults at `init`, where
// `refused` then says why) and answer {type: 'error', seq, name, message}.
// Failures:     {type: 'error', id, name, message} for bad input (the engine stays usable),
//               {type: 'crashed', message} when wasm trapped; the worker then closes itself
//               and the widget starts a fresh one; {type: 'fatal', name, message} when the
//               engine cannot start at all.

import {checkPhoto, decodeImage, jpegWithin} from './still.js';

/** @typedef {{ready: boolean, problems: string[], quad: number[][] | null, message: string, metrics: Record<string, unknown>}} Report */

// A module with one SIMD instruction (i8x16.popcnt): it validates only where simd128 works.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253,
  15, 253, 98, 11,
]);

/** @type {{Analyzer: any, memory: WebAssembly.Memory, simd: boolean} | null} */
let engine = null;
/** @type {any} */
let analyzer = null;
/**
 * `VideoFrame.copyTo` straight into wasm memory: needs its `format` option (Chrome 127+), which
 * older engines ignore, copying YUV or BGRA. Checked on the first frame; off the first time it fails.
 * @type {boolean | null}
 */
let copyToWorks = typeof VideoFrame === 'function' ? null : false;
/** The layout of a frame of 4-byte pixels, rows back to back. */
const PACKED = (/** @type {number} */ w) => [{offset: 0, stride: w * 4}];
/**
 * Where copyTo cannot convert to RGBA (Safari, WebKit), a frame in a format the engine reads
 * (`analyzeInput`'s `format`: WebKitGTK's camera frames are BGRA, Apple cameras' NV12) is
 * copied as stored, in this layout of its planes. Off the first time that fails.
 * @type {Record<string, (w: number, h: number) => {offset: number, stride: number}[]>}
 */
const STORED_LAYOUTS = {
  RGBA: PACKED,
  RGBX: PACKED,
  BGRA: PACKED,
  BGRX: PACKED,
  NV12: (w, h) => [{offset: 0, stride: w}, {offset: w * h, stride: 2 * Math.ceil(w / 2)}],
  I420: (w, h) => {
    const [cw, ch] = [Math.ceil(w / 2), Math.ceil(h / 2)];
    return [{offset: 0, stride: w}, {offset: w * h, stride: cw}, {offset: w * h + cw * ch, stride: cw}];
  },
};
let storedCopyWorks = typeof VideoFrame === 'function';
/** @type {OffscreenCanvas | null} */
let canvas = null;
/** @type {OffscreenCanvasRenderingContext2D | null} */
let ctx = null;
let jobs = Promise.resolve();

self.addEventListener('message', (event) => {
  const msg = event.data;
  // One job at a time, in arrival order: wasm is single-threaded and so is the canvas.
  jobs = jobs.then(() => handle(msg)).catch((error) => fail(msg, error));
});

/** @param {any} msg */
async function handle(msg) {
  switch (msg.type) {
    case 'init': {
      await loadEngine();
      // Options the engine refuses must not stop it: it starts with the defaults instead.
      let refused = null;
      try {
        analyzer = new engine.Analyzer(msg.options ?? undefined);
      } catch (error) {
        if (isTrap(error)) throw error;
        refused = {name: error?.name ?? 'Error', message: String(error?.message ?? error)};
        analyzer = new engine.Analyzer();
      }
      post({type: 'ready', simd: engine.simd, canvas: canDraw(), videoFrame: typeof VideoFrame === 'function', wasmMemoryBytes: memoryBytes(), seq: msg.seq, refused});
      break;
    }
    case 'options': {
      // Build the new analyzer first: options it refuses leave the previous one in place.
      const next = new engine.Analyzer(msg.options ?? undefined);
      analyzer?.free();
      analyzer = next;
      post({type: 'options', seq: msg.seq});
      break;
    }
    case 'reset':
      analyzer?.reset();
      break;
    case 'frame':
      await analyseFrame(msg);
      break;
    case 'still':
      await analyseStill(msg);
      break;
    default:
      throw new Error(`unknown message type ${msg.type}`);
  }
}

async function loadEngine() {
  if (engine) return;
  const simd = WebAssembly.validate(SIMD_PROBE);
  if (simd) {
    try {
      engine = await instantiate('./pkg-simd/', true);
      return;
    } catch {
      // An engine that validates simd128 but cannot compile this build: the baseline one will do.
    }
  }
  engine = await instantiate('./pkg/', false);
}

/** @param {string} dir @param {boolean} simd */
async function instantiate(dir, simd) {
  const module = await import(new URL(`${dir}doccheck.js`, import.meta.url).href);
  const exports = await module.default({module_or_path: new URL(`${dir}doccheck_bg.wasm`, import.meta.url)});
  return {Analyzer: module.Analyzer, memory: exports.memory, simd};
}

/** A 2D OffscreenCanvas that can also encode (Safari 16.4+, Chrome 69+, Firefox 105+). */
function canDraw() {
  try {
    return typeof OffscreenCanvas === 'function' && 'convertToBlob' in OffscreenCanvas.prototype && !!new OffscreenCanvas(1, 1).getContext('2d');
  } catch {
    return false;
  }
}

/** @typedef {{width: number, height: number, rgba: Uint8ClampedArray}} Pixels RGBA drawn by the main thread */

/** @param {{id: number, frame: VideoFrame | ImageBitmap | Pixels, at?: number}} msg */
async function analyseFrame({id, frame, at: grabbed}) {
  const t0 = performance.now();
  // Only a finite time is one (the engine refuses others, and a refusal inside copyIn would
  // look like a copyTo that does not work).
  const at = Number.isFinite(grabbed) ? grabbed : undefined;
  let report;
  let width = 0;
  let height = 0;
  // How the pixels reached the engine: 'copyTo' (converted to RGBA), 'copyTo BGRA' (and the
  // like: copied as stored), 'canvas' (drawn), 'page' (RGBA drawn by the main thread).
  let pixels = 'rgba' in frame ? 'page' : 'canvas';
  try {
    ({width, height} = sizeOf(frame));
    if (copyToWorks === null && 'copyTo' in frame) copyToWorks = convertsInCopyTo(frame);
    const video = /** @type {VideoFrame} */ (frame);
    const direct = canCopyDirectly(frame);
    if (copyToWorks && direct) {
      report = await copyIn(video, width, height, {format: 'RGBA', colorSpace: 'srgb', layout: PACKED(width)}, at);
      if (report) pixels = 'copyTo';
      // Older engines cannot convert to RGBA in copyTo: use the canvas from now on.
      else copyToWorks = false;
    }
    if (!report && storedCopyWorks && direct && Object.hasOwn(STORED_LAYOUTS, video.format)) {
      const layout = STORED_LAYOUTS[video.format](width, height);
      report = await copyIn(video, width, height, {layout}, at, video.format, video.colorSpace);
      if (report) pixels = `copyTo ${video.format}`;
      else storedCopyWorks = false;
    }
    if (!report) report = analyzer.analyze(pixelsOf(frame, width, height), width, height, at);
  } finally {
    close(frame);
  }
  post({
    type: 'report',
    id,
    report,
    pixels,
    width,
    height,
    ms: performance.now() - t0,
    wasmMemoryBytes: memoryBytes(),
  });
}

/**
 * `frame` copied by copyTo with `options` straight into the analyzer's buffer and analysed as
 * `format` (see analyzeInput); null when that fails, short of a trap.
 * @param {VideoFrame} frame @param {number} width @param {number} height @param {object} options
 * @param {number | undefined} at @param {string} [format] @param {VideoColorSpace} [colorSpace]
 */
async function copyIn(frame, width, height, options, at, format, colorSpace) {
  try {
    const view = analyzer.inputBuffer(width, height);
    await frame.copyTo(view, options);
    return analyzer.analyzeInput(width, height, format, colorSpace, at);
  } catch (error) {
    if (isTrap(error)) throw error;
    return null;
  }
}

/**
 * Checks one photo: a Blob (takePhoto, a file) or a frame grabbed from the stream. Answers
 * with the report and a JPEG of at most `maxBytes`: the original bytes when they already are
 * such a JPEG, else the same pixels encoded (no crop, no filter). RGBA from the main thread
 * gets the report only (`blob: null`): that thread encodes.
 * @param {{id: number, source: Blob | VideoFrame | ImageBitmap | Pixels, maxBytes: number}} msg
 */
async function analyseStill({id, source, maxBytes}) {
  const t0 = performance.now();
  const frame = source instanceof Blob ? await decodeImage(source) : source;
  let {width, height} = sizeOf(frame);
  let report;
  let blob = null;
  try {
    const analyse = async (w, h) => analyzer.analyzeStill(pixelsOf(frame, w, h), w, h);
    if ('rgba' in frame) {
      // Drawn by the main thread, which also encodes.
      report = await analyse(width, height);
    } else {
      const original = source instanceof Blob ? source : null;
      ({report, blob, width, height} = await checkPhoto(original, width, height, maxBytes, analyse, encodeJpeg));
    }
  } finally {
    close(frame);
    releaseCanvas();
  }
  post({type: 'still', id, report, blob, width, height, ms: performance.now() - t0, wasmMemoryBytes: memoryBytes()});
}

/** @param {number} maxBytes @returns {Promise<Blob | null>} the canvas as a JPEG that fits */
function encodeJpeg(maxBytes) {
  return jpegWithin(maxBytes, (quality) => /** @type {OffscreenCanvas} */ (canvas).convertToBlob({type: 'image/jpeg', quality}));
}

/**
 * Whether this engine's `copyTo` reads the `format` option (WebIDL reads every member it
 * knows): one that does not would hand back YUV or BGRA bytes as if they were RGBA.
 * @param {VideoFrame} frame
 */
function convertsInCopyTo(frame) {
  let read = false;
  try {
    frame.allocationSize({
      get format() {
        read = true;
        return 'RGBA';
      },
    });
  } catch {
    return false;
  }
  return read;
}

/** @param {VideoFrame | ImageBitmap | Pixels} frame */
function close(frame) {
  /** @type {any} */ (frame).close?.();
}

/** @param {VideoFrame | ImageBitmap | Pixels} frame */
function sizeOf(frame) {
  if ('displayWidth' in frame) {
    // A camera frame may carry a rotation (phones): drawing applies it, so does the size.
    const turned = frame.rotation === 90 || frame.rotation === 270;
    return turned
      ? {width: frame.displayHeight, height: frame.displayWidth}
      : {width: frame.displayWidth, height: frame.displayHeight};
  }
  return {width: frame.width, height: frame.height};
}

/** copyTo gives the stored pixels: right only when there is nothing to rotate or scale. */
function canCopyDirectly(frame) {
  return (
    'copyTo' in frame &&
    !frame.rotation &&
    !frame.flip &&
    frame.visibleRect?.width === frame.displayWidth &&
    frame.visibleRect?.height === frame.displayHeight
  );
}

/** RGBA of `frame` drawn at `width × height` through a reused 2D canvas. */
function pixelsOf(frame, width, height) {
  if ('rgba' in frame) return frame.rgba;
  if (!canvas) {
    canvas = new OffscreenCanvas(width, height);
    ctx = canvas.getContext('2d', {willReadFrequently: true, alpha: false});
  }
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const c = /** @type {OffscreenCanvasRenderingContext2D} */ (ctx);
  c.drawImage(frame, 0, 0, width, height);
  return c.getImageData(0, 0, width, height).data;
}

/** A still can be 50 MB of canvas: give it back once the photo is encoded. */
function releaseCanvas() {
  if (canvas && canvas.width * canvas.height > 4_000_000) {
    canvas.width = 1;
    canvas.height = 1;
  }
}

function memoryBytes() {
  return engine ? engine.memory.buffer.byteLength : 0;
}

/** A wasm trap (a Rust panic aborts): the instance can no longer be trusted. */
function isTrap(error) {
  return error instanceof WebAssembly.RuntimeError;
}

/** @param {any} msg @param {any} error */
function fail(msg, error) {
  if (msg?.type === 'frame') msg.frame?.close?.();
  if (msg?.type === 'still') msg.source?.close?.();
  if (msg?.type === 'init') {
    // No engine (no WebAssembly, a missing file, a CSP without 'wasm-unsafe-eval'): retrying
    // cannot help.
    post({type: 'fatal', name: error?.name ?? 'Error', message: String(error?.message ?? error)});
    return;
  }
  if (isTrap(error) || !analyzer) {
    post({type: 'crashed', message: String(error?.message ?? error)});
    self.close();
    return;
  }
  post({type: 'error', id: msg?.id, seq: msg?.seq, name: error?.name ?? 'Error', message: String(error?.message ?? error)});
}

/** @param {Record<string, unknown>} msg */
function post(msg) {
  self.postMessage(msg);
}
