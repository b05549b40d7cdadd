// The in-browser half of the benchmark (bench/run.mjs drives it; bench/index.html can also be
// opened by hand). Everything is timed here with performance.now(), on the same ImageData for
// both methods, alternating A B A B per frame after a warm-up pass:
//   A = doccheck's full analysis: `analyzer.analyze(imageData.data, w, h)` (every check);
//   B = jscanify's corner detection: `cv.matFromImageData(imageData)` (what `cv.imread(canvas)`
//       does after reading the canvas), `findPaperContour`, `getCornerPoints`, and freeing the
//       Mats — as in jscanify's README, minus any drawing.
import { quadIoU } from './iou.js';
import { decode, rasterize, stats } from './frames.js';

/** A tiny module that uses v128 (from wasm-feature-detect): valid only where SIMD is. */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

const out = document.getElementById('out');
function log(line) {
  console.log(line);
  if (out) out.textContent += line + '\n';
}
const pause = () => new Promise((r) => setTimeout(r, 0));

/** OpenCV.js is ready once its runtime has registered `cv.Mat` (4.5.x builds signal it only
 * through `onRuntimeInitialized`, and awaiting the emscripten Module thenable never ends). */
async function opencvReady(timeoutMs = 120000) {
  const t0 = performance.now();
  while (!(window.cv && typeof window.cv.Mat === 'function')) {
    if (performance.now() - t0 > timeoutMs) throw new Error('OpenCV.js did not initialise');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function loadBuild(dir) {
  const mod = await import(`/www/${dir}/doccheck.js`);
  const exports = await mod.default({ module_or_path: `/www/${dir}/doccheck_bg.wasm` });
  return { dir, Analyzer: mod.Analyzer, memory: exports.memory };
}

function detectJscanify(scanner, imageData) {
  const cv = window.cv;
  const img = cv.matFromImageData(imageData);
  const contour = scanner.findPaperContour(img);
  let corners = null;
  if (contour) {
    corners = scanner.getCornerPoints(contour);
    contour.delete();
  }
  img.delete();
  return corners;
}

/** jscanify's corners as a quad (TL, TR, BR, BL), or null when a corner is missing. */
function jscanifyQuad(c) {
  if (!c) return null;
  const q = [c.topLeftCorner, c.topRightCorner, c.bottomRightCorner, c.bottomLeftCorner];
  return q.every(Boolean) ? q.map((p) => [p.x, p.y]) : null;
}

const round3 = (v) => Math.round(v * 1000) / 1000;
const mean = (a) => (a.length ? a.reduce((x, y) => x + y, 0) / a.length : null);

/** Frames of one size: the real photos (stretched) and the generated scenes of that size. */
async function prepareFrames(manifest, w, h) {
  const frames = [];
  const orientationMismatches = [];
  for (const p of manifest.real) {
    const bmp = await decode(p.url);
    if (p.width && (bmp.width !== p.width || bmp.height !== p.height)) {
      orientationMismatches.push(`${p.name}: decoded ${bmp.width}×${bmp.height}, labelled ${p.width}×${p.height}`);
    }
    const sx = w / bmp.width;
    const sy = h / bmp.height;
    frames.push({
      name: p.name,
      kind: 'real',
      data: rasterize(bmp, w, h),
      label: p.quad ? p.quad.map(([x, y]) => [x * sx, y * sy]) : null,
    });
    bmp.close();
  }
  for (const s of manifest.scenes[`${w}x${h}`] || []) {
    const bmp = await decode(s.url);
    frames.push({ name: s.name, kind: 'scene', data: rasterize(bmp, w, h), label: null });
    bmp.close();
  }
  return { frames, orientationMismatches };
}

/**
 * A against B, alternating per frame, `rounds` passes after one warm-up pass. The frames are
 * unrelated photos: each is analysed as the first of its own video (`reset()` first, outside
 * the timing), so that no outline of the photo before is held in its place.
 */
function timeDocVsJscanify(frames, w, h, analyzer, scanner, rounds) {
  for (const f of frames) {
    analyzer.reset();
    analyzer.analyze(f.data.data, w, h);
    detectJscanify(scanner, f.data);
  }
  const ta = [];
  const tb = [];
  const perFrame = new Map(frames.map((f) => [f.name, { a: [], b: [] }]));
  const first = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const f of frames) {
      analyzer.reset();
      const t0 = performance.now();
      const report = analyzer.analyze(f.data.data, w, h);
      const t1 = performance.now();
      const corners = detectJscanify(scanner, f.data);
      const t2 = performance.now();
      ta.push(t1 - t0);
      tb.push(t2 - t1);
      perFrame.get(f.name).a.push(t1 - t0);
      perFrame.get(f.name).b.push(t2 - t1);
      if (round === 0) first.set(f.name, { report, corners });
    }
  }
  return { ta, tb, perFrame, first };
}

/** Baseline against SIMD build, alternating per frame; counts reports that differ. */
function timeBaselineVsSimd(frames, w, h, base, simd, rounds) {
  const a = new base.Analyzer();
  const b = new simd.Analyzer();
  let compared = 0;
  let mismatches = 0;
  const examples = [];
  const compare = (name, ra, rb) => {
    compared++;
    const ja = JSON.stringify(ra);
    const jb = JSON.stringify(rb);
    if (ja !== jb) {
      mismatches++;
      if (examples.length < 5) examples.push({ frame: name, baseline: ra, simd: rb });
    }
  };
  for (const f of frames) compare(f.name, a.analyze(f.data.data, w, h), b.analyze(f.data.data, w, h));
  const ta = [];
  const tb = [];
  for (let round = 0; round < rounds; round++) {
    for (const f of frames) {
      const t0 = performance.now();
      const ra = a.analyze(f.data.data, w, h);
      const t1 = performance.now();
      const rb = b.analyze(f.data.data, w, h);
      const t2 = performance.now();
      ta.push(t1 - t0);
      tb.push(t2 - t1);
      compare(f.name, ra, rb);
    }
  }
  a.free();
  b.free();
  return { baseline: stats(ta), simd: stats(tb), compared, mismatches, examples };
}

/** `count` analyses through one Analyzer after warm-up, sampling wasm linear memory. */
async function measureMemory(build, frames, w, h, count, every) {
  const analyzer = new build.Analyzer();
  const bytes = () => build.memory.buffer.byteLength;
  const before = bytes();
  for (const f of frames) analyzer.analyze(f.data.data, w, h);
  const series = [{ frames: 0, bytes: bytes() }];
  const blockMedians = [];
  let block = [];
  for (let i = 1; i <= count; i++) {
    const f = frames[i % frames.length];
    const t0 = performance.now();
    analyzer.analyze(f.data.data, w, h);
    block.push(performance.now() - t0);
    if (i % every === 0) {
      series.push({ frames: i, bytes: bytes() });
      blockMedians.push(stats(block).median_ms);
      block = [];
      log(`  memory: ${i} frames, ${bytes()} bytes`);
      await pause();
    }
  }
  analyzer.free();
  const afterWarmup = series[0].bytes;
  const last = series[series.length - 1].bytes;
  return {
    frames: count,
    size: `${w}x${h}`,
    bytes_before_warmup: before,
    series,
    growth_after_warmup_bytes: last - afterWarmup,
    flat: series.every((s) => s.bytes === afterWarmup),
    median_ms_per_block: blockMedians,
  };
}

/** IoU of both methods on the devset (ID cards at their own sizes, not timed). */
async function devsetAccuracy(manifest, build, scanner) {
  const analyzer = new build.Analyzer();
  const rows = [];
  for (const d of manifest.devset) {
    const bmp = await decode(d.url);
    const data = rasterize(bmp, bmp.width, bmp.height);
    bmp.close();
    const report = analyzer.analyzeStill(data.data, data.width, data.height);
    const jq = jscanifyQuad(detectJscanify(scanner, data));
    // Frames without a document have no IoU; what counts there is answering "none".
    rows.push({
      name: d.name,
      class: d.class,
      doccheck: d.quad ? round3(quadIoU(report.quad, d.quad)) : null,
      jscanify: d.quad ? round3(quadIoU(jq, d.quad)) : null,
      doccheck_found: report.quad !== null,
      jscanify_found: jq !== null,
    });
    if (rows.length % 50 === 0) {
      log(`  devset: ${rows.length}/${manifest.devset.length}`);
      await pause();
    }
  }
  analyzer.free();
  const classes = {};
  for (const r of rows) (classes[r.class] ||= []).push(r);
  const summary = (list) => {
    const withQuad = list.filter((r) => r.doccheck !== null);
    const without = list.filter((r) => r.doccheck === null);
    return {
      n: withQuad.length,
      doccheck: withQuad.length ? round3(mean(withQuad.map((r) => r.doccheck))) : null,
      jscanify: withQuad.length ? round3(mean(withQuad.map((r) => r.jscanify))) : null,
      ...(without.length
        ? {
            no_document_frames: without.length,
            doccheck_found_something: without.filter((r) => r.doccheck_found).length,
            jscanify_found_something: without.filter((r) => r.jscanify_found).length,
          }
        : {}),
    };
  };
  return {
    ...summary(rows),
    per_class: Object.fromEntries(Object.entries(classes).map(([k, v]) => [k, summary(v)])),
    per_photo: rows,
  };
}

/**
 * Runs the whole benchmark; `config` overrides the manifest's `rounds`, `memoryFrames`,
 * `devset` (false to skip).
 */
async function runBench(config = {}) {
  const manifest = await (await fetch('/bench/manifest.json')).json();
  const cfg = { rounds: 3, memoryFrames: 10000, memoryEvery: 1000, devset: true, ...manifest.config, ...config };
  const result = { config: cfg, user_agent: navigator.userAgent, cross_origin_isolated: self.crossOriginIsolated };

  const simdSupported = WebAssembly.validate(SIMD_PROBE);
  const base = await loadBuild('pkg');
  const simd = await loadBuild('pkg-simd');
  const used = simdSupported ? simd : base;
  result.simd_supported = simdSupported;
  result.build_used = `www/${used.dir}`;
  log(`WebAssembly SIMD supported: ${simdSupported}; doccheck build used: www/${used.dir}`);
  result.wasm_memory_after_init_bytes = used.memory.buffer.byteLength;

  await opencvReady();
  // eslint-disable-next-line new-cap
  const scanner = new window.jscanify();
  result.opencv_build = window.cv.getBuildInformation?.().match(/Version control:\s*(\S+)/)?.[1] ?? 'unknown';
  log(`OpenCV.js ${result.opencv_build} ready`);

  result.sizes = [];
  // Wall-clock seconds per phase, to see where a run's minutes go.
  result.phase_seconds = {};
  let phaseStart = performance.now();
  const phase = (name) => {
    const now = performance.now();
    result.phase_seconds[name] = Math.round((now - phaseStart) / 100) / 10;
    phaseStart = now;
  };
  for (const [w, h] of cfg.sizes) {
    log(`${w}×${h}: preparing frames`);
    const { frames, orientationMismatches } = await prepareFrames(manifest, w, h);
    phase(`${w}x${h} frames`);
    const analyzer = new used.Analyzer();
    log(`${w}×${h}: ${frames.length} frames, ${cfg.rounds} rounds, doccheck vs jscanify`);
    await pause();
    const t = timeDocVsJscanify(frames, w, h, analyzer, scanner, cfg.rounds);
    analyzer.free();
    phase(`${w}x${h} doccheck vs jscanify`);
    const doc = stats(t.ta);
    const jsc = stats(t.tb);
    log(`  doccheck median ${doc.median_ms} p90 ${doc.p90_ms} | jscanify median ${jsc.median_ms} p90 ${jsc.p90_ms} ms`);

    const perPhoto = [];
    for (const f of frames.filter((f) => f.label)) {
      const { report, corners } = t.first.get(f.name);
      perPhoto.push({
        name: f.name,
        doccheck: round3(quadIoU(report.quad, f.label)),
        jscanify: round3(quadIoU(jscanifyQuad(corners), f.label)),
        doccheck_quad: report.quad,
        jscanify_quad: jscanifyQuad(corners),
        label: f.label.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]),
      });
    }
    const perFrame = [...t.perFrame.entries()].map(([name, v]) => {
      const r = t.first.get(name).report;
      return {
        name,
        doccheck_median_ms: stats(v.a).median_ms,
        jscanify_median_ms: stats(v.b).median_ms,
        doccheck_problems: r.problems,
      };
    });
    log(`${w}×${h}: baseline vs SIMD build`);
    await pause();
    const sv = timeBaselineVsSimd(frames, w, h, base, simd, cfg.rounds);
    phase(`${w}x${h} baseline vs simd`);
    log(`  baseline median ${sv.baseline.median_ms} | simd median ${sv.simd.median_ms} ms | ${sv.mismatches} of ${sv.compared} reports differ`);

    const entry = {
      size: `${w}x${h}`,
      width: w,
      height: h,
      frames: { real: frames.filter((f) => f.kind === 'real').length, scenes: frames.filter((f) => f.kind === 'scene').length },
      doccheck: doc,
      jscanify: jsc,
      ratio_median: round3(jsc.median_ms / doc.median_ms),
      ratio_p90: round3(jsc.p90_ms / doc.p90_ms),
      iou: {
        n: perPhoto.length,
        doccheck: round3(mean(perPhoto.map((p) => p.doccheck))),
        jscanify: round3(mean(perPhoto.map((p) => p.jscanify))),
        per_photo: perPhoto,
      },
      simd_vs_baseline: sv,
      per_frame: perFrame,
      orientation_mismatches: orientationMismatches,
    };
    log(`  mean IoU over ${perPhoto.length} labelled photos: doccheck ${entry.iou.doccheck}, jscanify ${entry.iou.jscanify}`);
    if (w === cfg.memorySize[0] && h === cfg.memorySize[1] && cfg.memoryFrames > 0) {
      log(`${w}×${h}: wasm memory over ${cfg.memoryFrames} frames`);
      result.memory = await measureMemory(used, frames, w, h, cfg.memoryFrames, cfg.memoryEvery);
      phase('memory');
    }
    result.sizes.push(entry);
    await pause();
  }
  if (cfg.devset && manifest.devset.length) {
    log(`devset: IoU on ${manifest.devset.length} generated ID photos`);
    result.devset = await devsetAccuracy(manifest, used, scanner);
    phase('devset');
    log(`  mean IoU: doccheck ${result.devset.doccheck}, jscanify ${result.devset.jscanify}`);
  }
  result.wasm_memory_at_end_bytes = used.memory.buffer.byteLength;
  log('done');
  return result;
}

window.runBench = runBench;
document.getElementById('run')?.addEventListener('click', async (e) => {
  e.target.disabled = true;
  const r = await runBench();
  log(JSON.stringify(r, (k, v) => (k === 'per_photo' || k === 'per_frame' ? undefined : v), 2));
});
