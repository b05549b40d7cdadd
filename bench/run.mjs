#!/usr/bin/env node
// The browser benchmark's driver (`make bench` → scripts/bench.sh → here):
//  1. renders the generated scenes with the native CLI and lists the real photos;
//  2. serves the repository, the photos and the scenes on 127.0.0.1 (wasm as application/wasm);
//  3. runs bench/index.html in headless Chromium (playwright-core, system Chromium), which
//     times doccheck against jscanify/OpenCV.js on the same frames, A B A B, and measures IoU,
//     SIMD against baseline, and wasm memory over many frames;
//  4. measures the demo page live, fed by a 1920×1080 30 fps fake camera;
//  5. adds download sizes, the machine, the browser, and writes bench/results.json and
//     bench/RESULTS.md (and prints the table).
//
// Options: --rounds N (timed passes over the frames, default 3), --memory-frames N (10000),
// --live-seconds N (15), --no-live, --no-devset, --serve (only serve, print the URL),
// --live-only (print the live figures, write nothing), --render (rewrite RESULTS.md from
// results.json), --out-dir DIR (default bench), --cpu-slowdown N (with --live-only: the page's
// CPU slowed N times by Chromium's throttling, a cheap phone's). Env: DOCCHECK_SHARED (default ../shared), CHROMIUM.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(process.env.DOCCHECK_SHARED || path.join(ROOT, '..', 'shared'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CLI = path.join(ROOT, 'target', 'release', 'doccheck');
// Where the two engine builds are (pkg/ and pkg-simd/): www/, or another folder to compare builds.
const PKG_ROOT = path.resolve(process.env.DOCCHECK_PKG_ROOT || path.join(ROOT, 'www'));
const SIZES = [
  [1280, 720],
  [1920, 1080],
];
const SCENE_KINDS = ['good', 'dark', 'bright', 'glare', 'blurry', 'shadow', 'thumb', 'far', 'cut', 'grey', 'empty'];
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function parseArgs(argv) {
  const o = { rounds: 3, memoryFrames: 10000, liveSeconds: 15, live: true, devset: true, serve: false, outDir: 'bench' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return v;
    };
    if (a === '--rounds') o.rounds = Math.max(1, num());
    else if (a === '--memory-frames') o.memoryFrames = num();
    else if (a === '--live-seconds') o.liveSeconds = Math.max(1, num());
    else if (a === '--no-live') o.live = false;
    else if (a === '--no-devset') o.devset = false;
    else if (a === '--serve') o.serve = true;
    else if (a === '--live-only') o.liveOnly = true;
    else if (a === '--render') o.render = true;
    else if (a === '--out-dir') o.outDir = argv[++i];
    else if (a === '--cpu-slowdown') o.cpuSlowdown = Math.max(1, num());
    else throw new Error(`unknown option ${a} (see the top of bench/run.mjs)`);
  }
  return o;
}

const readJsonl = (file) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

/** Renders every scene kind at every size with the native CLI. */
function renderScenes(dir) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`cargo build --release\``);
  const scenes = {};
  for (const [w, h] of SIZES) {
    scenes[`${w}x${h}`] = SCENE_KINDS.map((kind) => {
      const file = `${kind}-${w}x${h}.png`;
      execFileSync(CLI, ['scene', '--kinds', kind, '--width', String(w), '--height', String(h), '--out', path.join(dir, file)]);
      return { name: `scene:${kind}`, url: `/scenes/${file}` };
    });
  }
  return scenes;
}

function buildManifest(sceneDir, opts) {
  const urlOf = (prefix, file) => `${prefix}/${file.split('/').map(encodeURIComponent).join('/')}`;
  const real = readJsonl(path.join(SHARED, 'realdata', 'labels.jsonl')).map((e) => ({
    name: e.file,
    url: urlOf('/realdata', e.file),
    width: e.width,
    height: e.height,
    quad: e.quad ?? null,
  }));
  const devLabels = path.join(SHARED, 'devset', 'labels.jsonl');
  const devset =
    opts.devset && fs.existsSync(devLabels)
      ? readJsonl(devLabels).map((e) => ({ name: e.file, url: urlOf('/devset', e.file), class: e.class, quad: e.quad ?? null }))
      : [];
  return {
    real,
    scenes: renderScenes(sceneDir),
    devset,
    config: {
      sizes: SIZES,
      rounds: opts.rounds,
      memoryFrames: opts.memoryFrames,
      memoryEvery: 1000,
      memorySize: SIZES[0],
      devset: opts.devset,
    },
  };
}

/** A static server on 127.0.0.1: the repository's www/, bench/ and node_modules/, the shared
 * photos, and the rendered scenes. The bench page is cross-origin isolated so that
 * performance.now() has its fine (5 µs) resolution; the demo page is served plainly. */
function serve(manifest, sceneDir) {
  return serveStatic({
    mounts: [
      ['/realdata/', path.join(SHARED, 'realdata')],
      ['/devset/', path.join(SHARED, 'devset')],
      ['/scenes/', sceneDir],
      ['/www/pkg/', path.join(PKG_ROOT, 'pkg')],
      ['/www/pkg-simd/', path.join(PKG_ROOT, 'pkg-simd')],
      ['/www/', path.join(ROOT, 'www')],
      ['/bench/', path.join(ROOT, 'bench')],
      ['/node_modules/', path.join(ROOT, 'node_modules')],
    ],
    routes: { '/bench/manifest.json': { type: 'application/json', body: JSON.stringify(manifest) } },
    rewrite: (p) => (p === '/' || p === '/bench' ? '/bench/index.html' : p.endsWith('/') ? p + 'index.html' : p),
    isolated: (p) => p.startsWith('/bench/'),
  });
}

async function launch(extraArgs = []) {
  const userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'doccheck-bench-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await fsp.rm(userDataDir, { recursive: true, force: true });
    },
  };
}

async function runPageBench(origin, opts) {
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    page.on('console', (m) => console.log(`  [page] ${m.text()}`));
    page.on('pageerror', (e) => console.error(`  [page error] ${e.message}`));
    await page.goto(`${origin}/bench/index.html`);
    await page.waitForFunction(() => typeof window.runBench === 'function', null, { timeout: 120000 });
    return await page.evaluate((cfg) => window.runBench(cfg), { rounds: opts.rounds, memoryFrames: opts.memoryFrames, devset: opts.devset });
  } finally {
    await close();
  }
}

/** Whether the demo page and its element's `stats` getter exist yet (another part of the
 * project builds them); the reason when not. */
function liveMissing() {
  if (!fs.existsSync(path.join(ROOT, 'www', 'index.html'))) return 'www/index.html does not exist yet';
  const js = fs.readdirSync(path.join(ROOT, 'www')).filter((f) => /\.m?js$/.test(f));
  const hasStats = js.some((f) => /\bget\s+stats\s*\(/.test(fs.readFileSync(path.join(ROOT, 'www', f), 'utf8')));
  return hasStats ? null : 'no `get stats()` in www/*.js yet (the <doc-capture> element exposes it)';
}

/** The demo page fed by a 1920×1080 30 fps fake camera: analysed frames per second from the
 * element's `stats`, and main-thread long tasks from a PerformanceObserver. */
async function measureLive(origin, tmp, seconds, cpuSlowdown = 1) {
  const y4m = path.join(tmp, 'live-1920x1080.y4m');
  execFileSync(CLI, ['scene', '--kinds', 'good', '--width', '1920', '--height', '1080', '--frames', '60', '--fps', '30', '--out', y4m]);
  const { context, close } = await launch([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4m}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
  try {
    await context.addInitScript(() => {
      // Live preview only: with auto-capture on, the widget takes the photo of a good frame
      // after half a second and stops analysing.
      new MutationObserver((_, observer) => {
        const el = document.querySelector('doc-capture');
        if (el) {
          el.setAttribute('auto-capture', 'off');
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      window.__benchLongTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__benchLongTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      // Frames the camera delivers to any <video> on the page (the ceiling for analysed fps).
      window.__benchVideoFrames = 0;
      const seen = new WeakSet();
      const watch = () => {
        const videos = [...document.querySelectorAll('video')];
        for (const el of document.querySelectorAll('*')) if (el.shadowRoot) videos.push(...el.shadowRoot.querySelectorAll('video'));
        for (const v of videos) {
          if (seen.has(v) || !v.requestVideoFrameCallback) continue;
          seen.add(v);
          const tick = () => {
            window.__benchVideoFrames++;
            v.requestVideoFrameCallback(tick);
          };
          v.requestVideoFrameCallback(tick);
        }
        setTimeout(watch, 500);
      };
      watch();
    });
    const page = await context.newPage();
    if (cpuSlowdown > 1) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    }
    const errors = [];
    const note = (text) => {
      const line = text.split('\n').slice(0, 2).join(' ').slice(0, 300);
      if (!errors.includes(line)) errors.push(line);
    };
    page.on('pageerror', (e) => note(e.message));
    page.on('console', (m) => m.type() === 'error' && note(m.text()));
    await page.goto(`${origin}/www/index.html`);
    const started = await page
      .waitForFunction(
        () => {
          const el = document.querySelector('doc-capture');
          return el && el.stats && el.stats.analysedFrames > 0;
        },
        null,
        { timeout: 60000 },
      )
      .then(() => true)
      .catch(() => false);
    if (!started) {
      const state = await page.evaluate(() => {
        const el = document.querySelector('doc-capture');
        return { element: !!el, stats: el ? el.stats ?? null : null };
      });
      return { measured: false, reason: `the demo page analysed no frame within 60 s (${JSON.stringify(state)}; errors: ${errors.join(' | ') || 'none'})` };
    }
    const snapshot = () =>
      page.evaluate(() => ({
        t: performance.now(),
        stats: { ...document.querySelector('doc-capture').stats },
        longTasks: window.__benchLongTasks.length,
        videoFrames: window.__benchVideoFrames,
      }));
    await page.waitForTimeout(3000); // warm-up
    const s0 = await snapshot();
    const memory = [{ t_s: 0, bytes: s0.stats.wasmMemoryBytes }];
    for (let i = 1; i <= seconds; i++) {
      await page.waitForTimeout(1000);
      const s = await snapshot();
      memory.push({ t_s: Math.round((s.t - s0.t) / 100) / 10, bytes: s.stats.wasmMemoryBytes });
    }
    const s1 = await snapshot();
    const longTasks = await page.evaluate(() => window.__benchLongTasks);
    const dt = (s1.t - s0.t) / 1000;
    const inWindow = longTasks.filter((l) => l.start >= s0.t && l.start <= s1.t);
    const maxOf = (list) => (list.length ? Math.round(Math.max(...list.map((l) => l.duration))) : 0);
    return {
      measured: true,
      camera: '1920x1080 30 fps fake camera (Y4M of the `good` scene)',
      seconds: Math.round(dt * 10) / 10,
      analysed_fps: Math.round(((s1.stats.analysedFrames - s0.stats.analysedFrames) / dt) * 10) / 10,
      element_fps: s1.stats.fps,
      camera_fps_seen_by_page: s1.videoFrames > s0.videoFrames ? Math.round(((s1.videoFrames - s0.videoFrames) / dt) * 10) / 10 : null,
      dropped_frames_in_window: s1.stats.droppedFrames - s0.stats.droppedFrames,
      last_analysis_ms: s1.stats.lastAnalysisMs,
      widget_state_at_end: s1.stats.state ?? null,
      widget_simd: s1.stats.simd ?? null,
      long_tasks_in_window: inWindow.length,
      longest_task_in_window_ms: maxOf(inWindow),
      long_tasks_since_load: longTasks.length,
      longest_task_since_load_ms: maxOf(longTasks),
      wasm_memory_bytes: memory,
      page_errors: errors,
    };
  } finally {
    await close();
  }
}

function sizeEntry(file) {
  // The wasm of the builds being timed (www/pkg* unless DOCCHECK_PKG_ROOT says otherwise; www/dist
  // holds a copy of the same bytes); every JS file as www/dist deploys it, minified.
  const pkg = file.match(/^www\/dist\/(pkg(?:-simd)?\/doccheck_bg\.wasm)$/);
  const body = fs.readFileSync(pkg ? path.join(PKG_ROOT, pkg[1]) : path.join(ROOT, file));
  return { file, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length };
}
const total = (files) => ({
  files,
  raw: files.reduce((a, f) => a + f.raw, 0),
  gzip: files.reduce((a, f) => a + f.gzip, 0),
});

/** Download sizes: doccheck's engine (either build) plus the widget's files as a site deploys
 * them (www/dist: minified by `make wasm`; the source maps beside them are fetched only by a
 * browser's developer tools, and not counted), and jscanify's browser file plus OpenCV.js as
 * the npm packages ship them. The demo page's own files (www/demo.*, index.html) are not
 * counted. */
function measureSizes() {
  const widget = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!['www/dist/pkg', 'www/dist/pkg-simd'].includes(rel)) walk(rel);
      } else if (/\.(m?js|css|json|svg)$/.test(e.name)) {
        widget.push(sizeEntry(rel));
      }
    }
  };
  walk('www/dist');
  const demo = fs.readdirSync(path.join(ROOT, 'www')).filter((f) => /^demo\./.test(f)).map((f) => sizeEntry(`www/${f}`));
  const engine = (dir) => [sizeEntry(`${dir}/doccheck_bg.wasm`), sizeEntry(`${dir}/doccheck.js`)];
  return {
    doccheck_baseline: total([...engine('www/dist/pkg'), ...widget]),
    doccheck_simd: total([...engine('www/dist/pkg-simd'), ...widget]),
    widget_files: widget.map((f) => f.file),
    demo_page_files_not_counted: demo,
    jscanify: total([sizeEntry('node_modules/jscanify/src/jscanify.js'), sizeEntry('node_modules/@techstark/opencv-js/dist/opencv.js')]),
  };
}

/** When the two engine builds were made, against the newest engine source: a build older than
 * the source, or two builds from different moments, explain differing reports. */
function engineBuilds() {
  const mtime = (f) => fs.statSync(f).mtimeMs;
  let newest = mtime(path.join(ROOT, 'Cargo.toml'));
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.rs')) newest = Math.max(newest, mtime(f));
    }
  };
  walk(path.join(ROOT, 'src'));
  const base = mtime(path.join(PKG_ROOT, 'pkg', 'doccheck_bg.wasm'));
  const simd = mtime(path.join(PKG_ROOT, 'pkg-simd', 'doccheck_bg.wasm'));
  const iso = (t) => new Date(t).toISOString();
  return {
    baseline_built: iso(base),
    simd_built: iso(simd),
    newest_source: iso(newest),
    older_than_source: Math.min(base, simd) < newest,
  };
}

function machine() {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  const cpu = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1]?.trim() ?? 'unknown';
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    /* reported as unknown */
  }
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  return {
    cpu,
    cores: os.cpus().length,
    os: `${os.type()} ${os.release()}`,
    chromium,
    node: process.version,
    jscanify: pkg('jscanify'),
    opencv_js: `@techstark/opencv-js ${pkg('@techstark/opencv-js')}`,
    engine_builds: path.relative(ROOT, PKG_ROOT) || '.',
  };
}

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
const ms = (s) => `${s.median_ms.toFixed(2)} / ${s.p90_ms.toFixed(2)}`;
const yes = (ok) => (ok ? '**met**' : '**not met**');

function renderMarkdown(r) {
  const L = [];
  const m = r.machine;
  L.push('# Benchmark results');
  L.push('');
  L.push(`Written by \`${r.command}\` on ${r.date}. Machine: ${m.cpu}, ${m.cores} cores, ${m.os}; ${m.chromium} (headless); ` +
    `jscanify ${m.jscanify} with ${m.opencv_js} (OpenCV ${r.browser.opencv_build}). doccheck build used: \`${r.browser.build_used}\` ` +
    `(WebAssembly SIMD ${r.browser.simd_supported ? 'supported' : 'not supported'}). Figures from one run on a shared, noisy machine: compare the ratios.`);
  L.push('');
  L.push('## Speed and accuracy on the same frames');
  L.push('');
  const s0 = r.browser.sizes[0];
  L.push(`${s0.frames.real} real photos (\`../shared/realdata\`, stretched to the frame size) and ${s0.frames.scenes} generated scenes, ` +
    `${r.browser.config.rounds} timed round${r.browser.config.rounds === 1 ? "" : "s"} after a warm-up, A B A B per frame. Times in ms per frame, median / p90. ` +
    'IoU: mean over the labelled photos (nothing found scores 0).');
  L.push('');
  L.push('| frame | doccheck full analysis | jscanify corner detection | jscanify ÷ doccheck (median) | mean IoU doccheck | mean IoU jscanify |');
  L.push('|---|---|---|---|---|---|');
  for (const s of r.browser.sizes) {
    L.push(`| ${s.width}×${s.height} | ${ms(s.doccheck)} | ${ms(s.jscanify)} | ${s.ratio_median.toFixed(1)}× | ${s.iou.doccheck.toFixed(3)} (n=${s.iou.n}) | ${s.iou.jscanify.toFixed(3)} |`);
  }
  if (r.browser.devset) {
    const d = r.browser.devset;
    L.push('');
    L.push(`Generated ID photos (\`../shared/devset\`, ${d.n} frames with a document, at their own sizes, not timed): mean IoU doccheck ${d.doccheck.toFixed(3)}, jscanify ${d.jscanify.toFixed(3)}.` +
      (d.no_document_frames ? ` On its ${d.no_document_frames} frames without a document, an outline was reported by doccheck on ${d.doccheck_found_something}, by jscanify on ${d.jscanify_found_something}.` : ''));
    L.push('');
    L.push('| devset class | n | doccheck IoU | jscanify IoU |');
    L.push('|---|---|---|---|');
    for (const [k, v] of Object.entries(d.per_class).sort()) {
      if (v.n) L.push(`| ${k} | ${v.n} | ${v.doccheck.toFixed(3)} | ${v.jscanify.toFixed(3)} |`);
      else L.push(`| ${k} | ${v.no_document_frames} | outline reported on ${v.doccheck_found_something} | on ${v.jscanify_found_something} |`);
    }
  }
  L.push('');
  L.push('IoU per labelled photo (1280×720 / 1920×1080):');
  L.push('');
  L.push('| photo | doccheck | jscanify |');
  L.push('|---|---|---|');
  const bySize = r.browser.sizes.map((s) => new Map(s.iou.per_photo.map((p) => [p.name, p])));
  for (const p of r.browser.sizes[0].iou.per_photo) {
    const cell = (k) => bySize.map((m) => m.get(p.name)?.[k]?.toFixed(2) ?? '–').join(' / ');
    L.push(`| \`${p.name}\` | ${cell('doccheck')} | ${cell('jscanify')} |`);
  }
  L.push('');
  for (const s of r.browser.sizes) {
    const slow = [...s.per_frame].sort((a, b) => b.doccheck_median_ms - a.doccheck_median_ms).slice(0, 5);
    L.push(`Slowest frames for doccheck at ${s.width}×${s.height} (median ms, doccheck / jscanify): ` +
      slow.map((f) => `\`${f.name}\` ${f.doccheck_median_ms.toFixed(1)} / ${f.jscanify_median_ms.toFixed(1)}`).join(', ') + '.');
    L.push('');
  }
  if (r.native) {
    L.push('Native (same engine, `doccheck bench`, generated frames, single thread): ' +
      r.native.map((n) => `${n.width}×${n.height} median ${n.median_ms.toFixed(2)} ms, p90 ${n.p90_ms.toFixed(2)} ms`).join('; ') + '.');
    L.push('');
  }
  L.push('## Download size (what a page fetches before analysing)');
  L.push('');
  L.push('| | raw | gzip -9 |');
  L.push('|---|---|---|');
  const z = r.sizes;
  L.push(`| doccheck, baseline build + widget | ${kb(z.doccheck_baseline.raw)} | ${kb(z.doccheck_baseline.gzip)} |`);
  L.push(`| doccheck, SIMD build + widget | ${kb(z.doccheck_simd.raw)} | ${kb(z.doccheck_simd.gzip)} |`);
  L.push(`| jscanify + OpenCV.js | ${mb(z.jscanify.raw)} | ${mb(z.jscanify.gzip)} |`);
  L.push('');
  L.push(`doccheck files: ${z.doccheck_simd.files.map((f) => `\`${f.file}\` ${kb(f.raw)} / ${kb(f.gzip)}`).join(', ')}` +
    ` (baseline: \`www/dist/pkg/doccheck_bg.wasm\` ${kb(z.doccheck_baseline.files[0].raw)} / ${kb(z.doccheck_baseline.files[0].gzip)}). ` +
    (z.demo_page_files_not_counted.length ? `Not counted (the demo page's own files): ${z.demo_page_files_not_counted.map((f) => `\`${f.file}\``).join(', ')}. ` : '') +
    `jscanify: ${z.jscanify.files.map((f) => `\`${f.file}\` ${kb(f.raw)} / ${kb(f.gzip)}`).join(', ')}. 1 KB = 1000 bytes.`);
  L.push('');
  L.push('## SIMD build against baseline');
  L.push('');
  if (r.engine_builds.older_than_source) {
    L.push(`Warning: the wasm builds (baseline ${r.engine_builds.baseline_built}, SIMD ${r.engine_builds.simd_built}) are older than the newest engine source (${r.engine_builds.newest_source}); differing reports may come from builds of different sources.`);
    L.push('');
  }
  L.push('| frame | baseline median / p90 | SIMD median / p90 | reports compared | reports differing |');
  L.push('|---|---|---|---|---|');
  for (const s of r.browser.sizes) {
    const v = s.simd_vs_baseline;
    L.push(`| ${s.width}×${s.height} | ${ms(v.baseline)} | ${ms(v.simd)} | ${v.compared} | ${v.mismatches} |`);
  }
  L.push('');
  L.push('## Memory');
  L.push('');
  const mem = r.browser.memory;
  if (mem) {
    L.push(`wasm linear memory (bytes) over ${mem.frames} analysed ${mem.size.replace('x', '×')} frames through one Analyzer, after a warm-up pass: ` +
      mem.series.map((s) => `${s.frames}: ${s.bytes}`).join(', ') +
      `. Growth after warm-up: ${mem.growth_after_warmup_bytes} bytes (${mem.flat ? 'flat' : 'not flat'}). ` +
      `Median ms per block of ${r.browser.config.memoryEvery}: ${mem.median_ms_per_block.join(', ')}.`);
  } else L.push('Not measured in this run.');
  L.push('');
  L.push('## Live demo page');
  L.push('');
  const lv = r.live;
  if (lv.measured) {
    L.push(`\`www/index.html\` with a ${lv.camera}, ${lv.seconds} s after a 3 s warm-up: **${lv.analysed_fps} analysed frames/s** ` +
      `(element's own figure ${lv.element_fps}; camera frames seen by the page ${lv.camera_fps_seen_by_page ?? 'n/a'}/s; ` +
      `${lv.dropped_frames_in_window} frames dropped), last analysis ${lv.last_analysis_ms} ms; ` +
      `**${lv.long_tasks_in_window} main-thread tasks > 50 ms** in that window (longest ${lv.longest_task_in_window_ms} ms); ` +
      `since page load ${lv.long_tasks_since_load} (longest ${lv.longest_task_since_load_ms} ms). wasm memory: ` +
      `${lv.wasm_memory_bytes[0].bytes} → ${lv.wasm_memory_bytes[lv.wasm_memory_bytes.length - 1].bytes} bytes.`);
  } else L.push(`Not measured: ${lv.reason}.`);
  L.push('');
  L.push('## Targets of issue #4 (this run)');
  L.push('');
  L.push('| target | measured | |');
  L.push('|---|---|---|');
  for (const t of r.targets) L.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'not measured' : yes(t.met)} |`);
  L.push('');
  if (r.run_seconds) {
    const ph = r.browser.phase_seconds;
    L.push(`Run time ${r.run_seconds} s` + (ph ? ` (in the page: ${Object.entries(ph).map(([k, v]) => `${k} ${v} s`).join(', ')})` : '') + '.');
    L.push('');
  }
  return L.join('\n');
}

function targets(r) {
  const [s720, s1080] = r.browser.sizes;
  const t = [];
  t.push({ target: '1280×720 full analysis median ≤ 4 ms', measured: `${s720.doccheck.median_ms.toFixed(2)} ms`, met: s720.doccheck.median_ms <= 4 });
  for (const s of [s720, s1080]) {
    t.push({ target: `≥ 10× faster than jscanify at ${s.width}×${s.height} (median)`, measured: `${s.ratio_median.toFixed(1)}×`, met: s.ratio_median >= 10 });
    t.push({ target: `mean IoU ≥ jscanify's at ${s.width}×${s.height} (real photos)`, measured: `${s.iou.doccheck.toFixed(3)} vs ${s.iou.jscanify.toFixed(3)}`, met: s.iou.doccheck >= s.iou.jscanify });
  }
  if (r.browser.devset) {
    const d = r.browser.devset;
    t.push({ target: "mean IoU ≥ jscanify's (devset ID photos)", measured: `${d.doccheck.toFixed(3)} vs ${d.jscanify.toFixed(3)}`, met: d.doccheck >= d.jscanify });
  }
  const gz = Math.max(r.sizes.doccheck_baseline.gzip, r.sizes.doccheck_simd.gzip);
  t.push({ target: 'wasm + JS of widget and engine ≤ 150 KB gzip', measured: kb(gz), met: gz <= 150000 });
  const mism = r.browser.sizes.reduce((a, s) => a + s.simd_vs_baseline.mismatches, 0);
  t.push({ target: 'SIMD and baseline builds give identical reports', measured: `${mism} differing`, met: mism === 0 });
  const mem = r.browser.memory;
  t.push({ target: 'wasm memory flat over 10,000 frames', measured: mem ? `+${mem.growth_after_warmup_bytes} bytes over ${mem.frames}` : 'n/a', met: mem ? mem.flat && mem.frames >= 10000 : null });
  const lv = r.live;
  t.push({ target: 'live analysed fps ≥ 25 (1920×1080 30 fps camera)', measured: lv.measured ? `${lv.analysed_fps}` : 'n/a', met: lv.measured ? lv.analysed_fps >= 25 : null });
  t.push({
    target: 'no main-thread task > 50 ms (live, after the 3 s warm-up)',
    measured: lv.measured
      ? `${lv.long_tasks_in_window} (longest ${lv.longest_task_in_window_ms} ms); since page load ${lv.long_tasks_since_load} (longest ${lv.longest_task_since_load_ms} ms)`
      : 'n/a',
    met: lv.measured ? lv.long_tasks_in_window === 0 : null,
  });
  return t;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.render) {
    const dir = path.resolve(ROOT, opts.outDir);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8'));
    results.targets = targets(results);
    fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'RESULTS.md'), renderMarkdown(results));
    console.log(`rewrote ${path.relative(ROOT, path.join(dir, 'RESULTS.md'))}`);
    return;
  }
  for (const f of ['pkg/doccheck_bg.wasm', 'pkg-simd/doccheck_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG_ROOT, f))) throw new Error(`${path.join(PKG_ROOT, f)} is missing: run \`make wasm\``);
  }
  if (!fs.existsSync(path.join(ROOT, 'www/dist/doc-capture.js'))) throw new Error('www/dist is missing: run `make wasm`');
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'doccheck-bench-'));
  try {
    console.log('rendering generated scenes…');
    const manifest = buildManifest(tmp, opts);
    const server = await serve(manifest, tmp);
    const origin = `http://127.0.0.1:${server.address().port}`;
    if (opts.serve) {
      console.log(`serving: open ${origin}/bench/index.html (the demo: ${origin}/www/index.html); Ctrl-C stops`);
      await new Promise(() => {});
    }
    if (opts.liveOnly) {
      const missing = liveMissing();
      console.log(JSON.stringify(missing ? { measured: false, reason: missing } : await measureLive(origin, tmp, opts.liveSeconds, opts.cpuSlowdown), null, 2));
      server.close();
      return;
    }
    const builds = engineBuilds();
    if (builds.older_than_source) {
      console.warn(`bench: warning: the wasm builds (${builds.baseline_built}, ${builds.simd_built}) are older than src/ (${builds.newest_source}): run \`make wasm\` (make bench does)`);
    }
    const started = Date.now();
    console.log(`benchmark page (${origin}/bench/index.html)…`);
    const browser = await runPageBench(origin, opts);
    let live;
    const missing = opts.live ? liveMissing() : 'skipped (--no-live)';
    if (missing) {
      live = { measured: false, reason: missing };
      console.log(`live: not measured: ${missing}`);
    } else {
      console.log(`live: demo page with a 1920×1080 30 fps fake camera for ${opts.liveSeconds} s…`);
      live = await measureLive(origin, tmp, opts.liveSeconds);
    }
    server.close();
    const nativeFile = path.join(ROOT, 'bench', 'native.json');
    const results = {
      date: new Date().toISOString(),
      command: process.env.MAKELEVEL ? 'make bench' : `scripts/bench.sh ${process.argv.slice(2).join(' ')}`.trim(),
      run_seconds: Math.round((Date.now() - started) / 1000),
      machine: machine(),
      engine_builds: engineBuilds(),
      browser,
      live,
      sizes: measureSizes(),
      native: fs.existsSync(nativeFile) ? JSON.parse(fs.readFileSync(nativeFile, 'utf8')).native ?? null : null,
      native_written: fs.existsSync(nativeFile) ? fs.statSync(nativeFile).mtime.toISOString() : null,
    };
    results.targets = targets(results);
    const outDir = path.resolve(ROOT, opts.outDir);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
    const md = renderMarkdown(results);
    fs.writeFileSync(path.join(outDir, 'RESULTS.md'), md);
    console.log('\n' + md);
    console.log(`wrote ${path.relative(ROOT, path.join(outDir, 'results.json'))} and ${path.relative(ROOT, path.join(outDir, 'RESULTS.md'))}`);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
