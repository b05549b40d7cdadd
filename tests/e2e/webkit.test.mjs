// WebKit, Safari's engine, as WebKitGTK's MiniBrowser driven through WebKitWebDriver under Xvfb
// (./webdriver.mjs): both wasm builds give the native CLI's report on the same pixels; the demo
// page starts with no error and no CSP violation and, there being no camera, offers the file
// picker; a photo chosen there comes back as a `capture` event with the CLI's outline; with
// WebKit's mock camera, live frames reach the engine by copyTo, not through a canvas.
// WebKitGTK is not iOS Safari: a mock camera, another media stack (docs/web.md).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {startServer, renderStill, nativeReport, tempPath, WWW} from './helpers.mjs';
import {startWebKit} from './webdriver.mjs';
import en from '../../www/i18n/en.js';

const BUILDS = ['pkg', 'pkg-simd'];
const KINDS = ['good', 'glare', 'blurry', 'empty'];
let server;
let webkit;

before(async () => {
  server = await startServer({dir: servedFolder()});
  webkit = await startWebKit();
});

after(async () => {
  await webkit?.stop();
  server?.stop();
});

/**
 * What the server serves: www/ through symbolic links (nothing test-only lands in www/), its
 * index.html loading record.js before anything else, and the generated scenes in scenes/.
 */
function servedFolder() {
  const dir = tempPath('webkit-www');
  mkdirSync(join(dir, 'scenes'), {recursive: true});
  for (const name of readdirSync(WWW)) {
    if (name !== 'index.html') symlinkSync(join(WWW, name), join(dir, name));
  }
  const page = readFileSync(join(WWW, 'index.html'), 'utf8');
  const recorded = page.replace('<head>', '<head>\n  <script src="record.js"></script>');
  assert.notEqual(recorded, page, 'www/index.html has no <head>');
  writeFileSync(join(dir, 'index.html'), recorded);
  writeFileSync(join(dir, 'record.js'), `(${recordPage})();\n`);
  for (const kind of KINDS) copyFileSync(renderStill(kind), join(dir, 'scenes', `${kind}.png`));
  return dir;
}

/**
 * Runs in the page, as a same-origin classic script (the CSP allows no inline one), before the
 * page's modules: WebKitWebDriver has no console or page-error events (no BiDi), so the page
 * records its own uncaught errors, unhandled rejections, CSP violations and the widget's events.
 */
function recordPage() {
  const log = (window.__log = {errors: [], rejections: [], violations: [], events: []});
  addEventListener('error', (e) => log.errors.push(`${e.message} at ${e.filename}:${e.lineno}`));
  addEventListener('unhandledrejection', (e) => log.rejections.push(String(e.reason?.stack ?? e.reason)));
  document.addEventListener('securitypolicyviolation', (e) => log.violations.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
  // The element's `error` may come before DOMContentLoaded: listen as soon as it is parsed.
  const observer = new MutationObserver(() => {
    const el = document.querySelector('doc-capture');
    if (!el) return;
    observer.disconnect();
    el.addEventListener('error', (e) => log.events.push({type: 'error', name: e.detail.name, recovered: e.detail.recovered}));
    el.addEventListener('capture', (e) => {
      const {side, source, width, height, report} = e.detail;
      log.events.push({type: 'capture', side, source, width, height, ready: report.ready, problems: report.problems, quad: report.quad});
    });
  });
  observer.observe(document, {childList: true, subtree: true});
}

/** Polls `fn` in the page until it returns something truthy; returns that. */
function waitInPage(fn, what, timeout = 10000) {
  return waitInPageOf(webkit, fn, what, timeout);
}

/** As `waitInPage`, in the page of another WebKit. */
async function waitInPageOf(browser, fn, what, timeout) {
  for (const deadline = Date.now() + timeout; ; await new Promise((r) => setTimeout(r, 100))) {
    const value = await browser.session.execute(fn);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
  }
}

/** The demo page, once the widget has found that there is no camera. */
async function openDemo() {
  await webkit.session.navigate(`${server.origin}/`);
  await waitInPage(() => document.querySelector('doc-capture')?.stats?.state === 'blocked', 'the no-camera state');
}

/**
 * Loads both builds into a page of the origin (any will do: the modules are imported under the
 * served CSP) unless it has them, keeping them in window.engines; returns whether each build's
 * module validates.
 */
async function loadEngines() {
  const loaded = await webkit.session.execute(() => Boolean(window.engines));
  if (!loaded) await webkit.session.navigate(`${server.origin}/i18n/en.js`);
  return webkit.session.executeAsync(async (builds) => {
    const out = {};
    for (const dir of builds) {
      const bytes = await (await fetch(`/dist/${dir}/doccheck_bg.wasm`)).arrayBuffer();
      out[dir] = WebAssembly.validate(bytes);
      if (window.engines?.[dir]) continue;
      const m = await import(`/dist/${dir}/doccheck.js`);
      await m.default({module_or_path: `/dist/${dir}/doccheck_bg.wasm`});
      (window.engines ??= {})[dir] = m;
    }
    return out;
  }, BUILDS);
}

test('both wasm builds load in WebKit', async (t) => {
  const loaded = await loadEngines();
  t.diagnostic(`WebAssembly SIMD (the pkg-simd build) validates: ${loaded['pkg-simd']}`);
  assert.deepEqual(loaded, {pkg: true, 'pkg-simd': true});
});

for (const kind of KINDS) {
  test(`WebKit gives the CLI's report on the same pixels: ${kind}`, async () => {
    const native = nativeReport(renderStill(kind));
    delete native.width;
    delete native.height;
    await loadEngines();
    const reports = await webkit.session.executeAsync(async (kind, builds) => {
      const png = await (await fetch(`/scenes/${kind}.png`)).blob();
      const bitmap = await createImageBitmap(png, {colorSpaceConversion: 'none'});
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext('2d', {willReadFrequently: true});
      g.drawImage(bitmap, 0, 0);
      const rgba = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const out = {};
      for (const dir of builds) {
        const analyzer = new window.engines[dir].Analyzer();
        out[dir] = analyzer.analyzeStill(rgba, bitmap.width, bitmap.height);
        // The zero-copy path: the same pixels written into the analyzer's own buffer.
        const fresh = new window.engines[dir].Analyzer();
        fresh.inputBuffer(bitmap.width, bitmap.height).set(rgba);
        const video = fresh.analyzeInput(bitmap.width, bitmap.height);
        out[`${dir}-input`] = {...video, metrics: {...video.metrics, motion: null}};
        analyzer.free();
        fresh.free();
      }
      return out;
    }, kind, BUILDS);
    assert.deepEqual(Object.keys(reports).sort(), ['pkg', 'pkg-input', 'pkg-simd', 'pkg-simd-input']);
    for (const [build, report] of Object.entries(reports)) {
      // The same numbers, written alike: each the shortest decimal of its f32 (0.3072).
      assert.deepEqual(report, native, `${build} differs from the native CLI on ${kind}`);
    }
  });
}

test('the demo page starts with no error or CSP violation and, with no camera, offers the file picker', async () => {
  await openDemo();
  const seen = await webkit.session.execute(() => {
    const root = document.querySelector('doc-capture').shadowRoot;
    const pick = root.querySelector('[data-action="pick"]');
    return {
      title: root.querySelector('.panel h2').textContent,
      text: root.querySelector('.panel-text').textContent,
      pickShown: pick !== null && pick.checkVisibility(),
      log: window.__log,
    };
  });
  assert.equal(seen.title, en.camera_missing_title);
  assert.equal(seen.text, en.camera_missing);
  assert.equal(seen.pickShown, true, 'no visible "Choose a photo" button');
  // WebKitGTK has getUserMedia but no camera, and says so with OverconstrainedError (Chromium:
  // NotFoundError); the widget takes either for a missing camera.
  assert.deepEqual(seen.log.events, [{type: 'error', name: 'OverconstrainedError', recovered: false}]);
  assert.deepEqual(seen.log.errors, []);
  assert.deepEqual(seen.log.rejections, []);
  assert.deepEqual(seen.log.violations, []);
});

test('a photo chosen in the file picker comes back as a capture with the CLI\'s outline', async () => {
  await openDemo();
  const png = renderStill('good');
  const native = nativeReport(png);
  assert.equal(native.ready, true);
  // The hidden <input type="file"> in the element's shadow root, as the picker would fill it.
  const root = await webkit.session.shadowRoot(await webkit.session.findElement('doc-capture'));
  await webkit.session.sendKeys(await webkit.session.findInShadowRoot(root, 'input[type="file"]'), png);
  const capture = await waitInPage(() => window.__log.events.find((e) => e.type === 'capture'), 'the capture event');
  assert.equal(capture.side, 'front');
  assert.equal(capture.source, 'file');
  assert.deepEqual([capture.width, capture.height], [native.width, native.height]);
  assert.equal(capture.ready, true);
  assert.deepEqual(capture.problems, []);
  capture.quad.forEach(([x, y], k) => {
    const [nx, ny] = native.quad[k];
    assert.ok(Math.hypot(x - nx, y - ny) <= 0.5, `corner ${k}: ${x},${y} vs ${nx},${ny}`);
  });
  const log = await webkit.session.execute(() => window.__log);
  assert.deepEqual([log.errors, log.rejections, log.violations], [[], [], []]);
});

test('live frames from a camera reach the engine by copyTo, not through a canvas', async (t) => {
  // WebKit's mock camera: its frames are VideoFrames stored as BGRA, which WebKit's copyTo
  // cannot convert to RGBA; the worker copies them as they are and names the order to the
  // engine (before, each was drawn on a canvas and read back, 7-30 ms a frame here).
  const camera = await startWebKit({camera: true});
  try {
    await camera.session.navigate(`${server.origin}/`);
    const stats = await waitInPageOf(camera, () => {
      const s = document.querySelector('doc-capture')?.stats;
      return s && s.analysedFrames >= 5 ? s : null;
    }, 'five analysed camera frames', 30000);
    t.diagnostic(`pixels: ${stats.pixels}, ${stats.analysedFrames} frames analysed, the last in ${stats.lastAnalysisMs} ms`);
    assert.equal(stats.state, 'live');
    assert.match(stats.pixels, /^copyTo/);
    const log = await camera.session.execute(() => window.__log);
    assert.deepEqual([log.errors, log.rejections, log.violations, log.events], [[], [], [], []]);
  } finally {
    await camera.stop();
  }
});
