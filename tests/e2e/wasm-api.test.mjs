// The wasm module's JS API as an embedder calls it (www/dist/pkg*/doccheck.js, both builds as deployed): the
// same report as the native CLI for the same pixels, and bad input → a JS Error with a clear
// message, after which the same Analyzer keeps working.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {startServer, launch, record, renderStill, nativeReport, foreignRequests} from './helpers.mjs';

let server;
let browser;
let log;
const BUILDS = ['pkg', 'pkg-simd'];

before(async () => {
  server = await startServer();
  browser = await launch({camera: 'none'});
  log = await record(browser.context, browser.page);
  // Any page of the origin will do: the module is imported below, under the served CSP.
  await browser.page.goto(`${server.origin}/i18n/en.js`);
  await browser.page.evaluate(async (builds) => {
    window.engines = {};
    for (const dir of builds) {
      const m = await import(`/dist/${dir}/doccheck.js`);
      await m.default({module_or_path: `/dist/${dir}/doccheck_bg.wasm`});
      window.engines[dir] = m;
    }
    window.rgbaOf = async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}), {colorSpaceConversion: 'none'});
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext('2d', {willReadFrequently: true});
      g.drawImage(bitmap, 0, 0);
      return {rgba: g.getImageData(0, 0, bitmap.width, bitmap.height).data, width: bitmap.width, height: bitmap.height};
    };
  }, BUILDS);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

for (const kind of ['good', 'dark', 'glare', 'blurry', 'thumb', 'cut', 'empty']) {
  test(`a fresh Analyzer gives the CLI's report on the same pixels: ${kind}`, async () => {
    const png = renderStill(kind);
    const native = nativeReport(png);
    delete native.width;
    delete native.height;
    const reports = await browser.page.evaluate(
      async ({b64, builds}) => {
        const {rgba, width, height} = await window.rgbaOf(b64);
        const out = {};
        for (const dir of builds) {
          const analyzer = new window.engines[dir].Analyzer();
          out[dir] = analyzer.analyzeStill(rgba, width, height);
          // The zero-copy path: the same pixels written into the analyzer's own buffer.
          const fresh = new window.engines[dir].Analyzer();
          fresh.inputBuffer(width, height).set(rgba);
          const video = fresh.analyzeInput(width, height);
          out[`${dir}-input`] = {...video, metrics: {...video.metrics, motion: null}};
          analyzer.free();
          fresh.free();
        }
        return out;
      },
      {b64: readFileSync(png).toString('base64'), builds: BUILDS},
    );
    for (const [build, report] of Object.entries(reports)) {
      // The same numbers, written alike: each the shortest decimal of its f32 (0.3072).
      assert.deepEqual(report, native, `${build} differs from the native CLI on ${kind}`);
    }
  });
}

test('report keys and types', async () => {
  const report = await browser.page.evaluate(async (b64) => {
    const {rgba, width, height} = await window.rgbaOf(b64);
    return new window.engines.pkg.Analyzer().analyze(rgba, width, height);
  }, readFileSync(renderStill('glare')).toString('base64'));
  assert.deepEqual(Object.keys(report).sort(), ['message', 'metrics', 'problems', 'quad', 'ready']);
  assert.equal(typeof report.ready, 'boolean');
  assert.ok(report.problems.every((p) => typeof p === 'string'));
  assert.equal(report.quad.length, 4);
  assert.ok(report.quad.every((p) => p.length === 2 && p.every(Number.isFinite)));
  assert.equal(typeof report.message, 'string');
  const m = report.metrics;
  assert.equal(m.glare_box.length, 4);
  assert.equal(m.corners_visible.length, 4);
  assert.ok(m.corners_in_frame.every((v) => typeof v === 'boolean'));
  assert.ok(m.sides_run_on.length === 4 && m.sides_run_on.every((v) => typeof v === 'boolean'));
  assert.ok(typeof m.sharpness === 'number' && m.sharpness >= 0 && m.sharpness <= 1);
  assert.equal(m.motion, null, 'the first frame has no motion');
  assert.ok(m.mean_luma > 0 && m.mean_luma < 255);
});

test('bad input throws a clear Error and the same Analyzer keeps working', async () => {
  const outcome = await browser.page.evaluate(async (b64) => {
    const {Analyzer} = window.engines.pkg;
    const {rgba, width, height} = await window.rgbaOf(b64);
    const analyzer = new Analyzer();
    const cases = {
      wrongLength: () => analyzer.analyze(rgba.subarray(4), width, height),
      zeroWidth: () => analyzer.analyze(new Uint8Array(0), 0, height),
      zeroHeight: () => analyzer.analyzeStill(new Uint8Array(0), width, 0),
      absurd: () => analyzer.analyze(new Uint8Array(16), 100000, 100000),
      negative: () => analyzer.analyze(new Uint8Array(16), -1, 4),
      nan: () => analyzer.analyze(new Uint8Array(16), NaN, 4),
      detached: () => {
        const copy = rgba.slice();
        structuredClone(copy.buffer, {transfer: [copy.buffer]});
        return analyzer.analyze(copy, width, height);
      },
      notBytes: () => analyzer.analyze(null, width, height),
      lookalike: () => analyzer.analyze(new Proxy(rgba, {}), width, height),
      inputAbsurd: () => analyzer.inputBuffer(100000, 100000),
      inputZero: () => analyzer.inputBuffer(0, 10),
      inputWrongSize: () => {
        analyzer.inputBuffer(8, 8);
        return analyzer.analyzeInput(width, height);
      },
      optionNaN: () => new Analyzer({min_sharpness: NaN}),
      optionRange: () => new Analyzer({min_area_fraction: 2}),
      optionUnknown: () => new Analyzer({min_sharpnes: 0.3}),
      optionType: () => new Analyzer({work_size: 'big'}),
      strictness: () => new Analyzer({strictness: 'lenient'}),
      strictnessFamily: () => new Analyzer({strictness: {glare: 'extreme'}}),
      optionsNotObject: () => new Analyzer(42),
    };
    const out = {};
    for (const [name, run] of Object.entries(cases)) {
      try {
        run();
        out[name] = {threw: false};
      } catch (e) {
        out[name] = {threw: true, isError: e instanceof Error, message: String(e.message)};
      }
      // After every failure the analyzer still analyses a good frame.
      out[name].after = analyzer.analyzeStill(rgba, width, height).ready;
    }
    const relaxed = new Analyzer({strictness: 'relaxed', min_sharpness: 0.2}).options();
    out.valid = {minSharpness: relaxed.min_sharpness, minLuma: relaxed.min_mean_luma};
    return out;
  }, readFileSync(renderStill('good')).toString('base64'));

  const expect = {
    wrongLength: /pixel buffer has \d+ bytes but a 960×540 RGBA frame needs 2073600/,
    zeroWidth: /frame is empty: 0×540/,
    zeroHeight: /frame is empty: 960×0/,
    absurd: /frame is too large: 100000×100000/,
    negative: /width must be a whole number of pixels, not -1/,
    nan: /width must be a whole number of pixels, not NaN/,
    // Chromium's glue refuses to copy from a detached buffer (older engines see 0 bytes, which
    // the binding reports as a transferred buffer).
    detached: /detached|transferred/,
    notBytes: /the pixels must be a Uint8Array or Uint8ClampedArray/,
    lookalike: /must be a Uint8Array or Uint8ClampedArray \(such as ImageData\.data\), not Uint8ClampedArray \(not a typed array\)/,
    inputAbsurd: /frame is too large: 100000×100000/,
    inputZero: /frame is empty/,
    inputWrongSize: /analyzeInput\(960, 540\) after inputBuffer\(8, 8\): the sizes must be the same/,
    optionNaN: /option `min_sharpness` is invalid/,
    optionRange: /option `min_area_fraction` is invalid: 2 is not a number in 0–1/,
    optionUnknown: /unknown option `min_sharpnes`/,
    optionType: /invalid type: string "big", expected option `work_size` to be a number/,
    strictness: /strictness `lenient` is not one of relaxed, normal, strict/,
    strictnessFamily: /strictness/,
    optionsNotObject: /options must be an object/,
  };
  for (const [name, pattern] of Object.entries(expect)) {
    const r = outcome[name];
    assert.ok(r.threw, `${name} did not throw`);
    assert.ok(r.isError, `${name} threw something other than an Error`);
    assert.match(r.message, pattern, name);
    assert.equal(r.after, true, `the analyzer stopped working after ${name}`);
  }
  assert.deepEqual(outcome.valid, {minSharpness: Math.fround(0.2), minLuma: 45});
});

test("pixels from a same-origin iframe's realm give the report of the same pixels here", async () => {
  const reports = await browser.page.evaluate(async ({b64, builds}) => {
    const {rgba, width, height} = await window.rgbaOf(b64);
    const frame = document.createElement('iframe');
    document.documentElement.appendChild(frame);
    const foreign = new frame.contentWindow.Uint8ClampedArray(rgba);
    const out = {};
    for (const dir of builds) {
      const analyzer = new window.engines[dir].Analyzer();
      out[dir] = {
        foreignIsLocal: foreign instanceof Uint8ClampedArray,
        here: JSON.stringify(analyzer.analyzeStill(rgba, width, height)),
        there: JSON.stringify(analyzer.analyzeStill(foreign, width, height)),
      };
    }
    frame.remove();
    return out;
  }, {b64: readFileSync(renderStill('good')).toString('base64'), builds: BUILDS});
  for (const dir of BUILDS) {
    assert.equal(reports[dir].foreignIsLocal, false, 'the array is not of this realm');
    assert.equal(reports[dir].there, reports[dir].here, dir);
  }
});

test('the module loads under the strict CSP and fetches only its own files', () => {
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(foreignRequests(log, server.origin), []);
});
