#!/usr/bin/env node
// Two builds of the engine against each other in headless Chromium, for speed work:
//
//   node bench/ab.mjs DIR_A DIR_B [--rounds N] [--size WxH] [--webkit]
//
// DIR_A and DIR_B are wasm-bindgen outputs (doccheck.js + doccheck_bg.wasm), such as a copy of
// www/pkg-simd made before a change and www/pkg-simd after it. The frames are make bench's
// real photos (every photo of ../shared/realdata, EXIF honoured, stretched to the size,
// 1280×720 by default). After a warm-up pass, N rounds (default 5) analyse each frame with
// both, A first on every other frame and B first on the rest, each Analyzer reset first (as
// make bench times them). Prints
// the median and p90 ms per frame of each, B's median over A's, and on how many frames the
// two reports differ (a change meant to keep the reports must print 0).
//
// --webkit times in WebKitGTK's MiniBrowser instead (Safari's engine, JavaScriptCore; driven as
// the end-to-end tests drive it, tests/e2e/webdriver.mjs: WebKitWebDriver under Xvfb).
//
// It times only, and writes nothing; make bench gives the figures of record. Node's own V8
// is no stand-in for Chromium's here: binaryen's inlining of functions with one caller made
// the analysis 17-23% slower in Node 20 and made no difference in Chromium 156.
// Env: DOCCHECK_SHARED (default ../shared), CHROMIUM (default /usr/bin/chromium).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { stats } from './frames.js';
import { serveStatic } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(process.env.DOCCHECK_SHARED || path.join(ROOT, '..', 'shared'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function parseArgs(argv) {
  const o = { dirs: [], rounds: 5, width: 1280, height: 720, webkit: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--rounds') {
      o.rounds = Number(argv[++i]);
      if (!Number.isInteger(o.rounds) || o.rounds < 1) throw new Error('--rounds needs a whole number ≥ 1');
    } else if (a === '--size') {
      const m = /^(\d+)x(\d+)$/.exec(argv[++i] || '');
      if (!m) throw new Error('--size needs WxH, such as 1280x720');
      [o.width, o.height] = [Number(m[1]), Number(m[2])];
    } else if (a === '--webkit') {
      o.webkit = true;
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a}`);
    } else {
      o.dirs.push(path.resolve(a));
    }
  }
  if (o.dirs.length !== 2) throw new Error('usage: node bench/ab.mjs DIR_A DIR_B [--rounds N] [--size WxH] [--webkit]');
  for (const d of o.dirs) {
    for (const f of ['doccheck.js', 'doccheck_bg.wasm']) {
      if (!fs.existsSync(path.join(d, f))) throw new Error(`${d} has no ${f}`);
    }
  }
  return o;
}

/** Serves /a/ and /b/ (the two builds), /photos/ (../shared/realdata) and /bench/ (for
 *  frames.js), cross-origin isolated so that performance.now() has its finest resolution. */
function serve(dirs) {
  return serveStatic({
    mounts: [
      ['/a/', dirs[0]],
      ['/b/', dirs[1]],
      ['/photos/', path.join(SHARED, 'realdata')],
      ['/bench/', path.join(ROOT, 'bench')],
    ],
    routes: { '/': { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>doccheck A/B</title>' } },
    isolated: () => true,
  });
}

/** Runs in the page: loads the two builds, decodes and stretches the photos, and keeps them
 *  for `pageRound`. Returns the number of frames and whether performance.now() is fine-grained
 *  (cross-origin isolated). */
async function pageSetup({ photos, width, height }) {
  const load = async (dir) => {
    const m = await import(`/${dir}/doccheck.js`);
    await m.default({ module_or_path: `/${dir}/doccheck_bg.wasm` });
    return new m.Analyzer();
  };
  const [a, b] = [await load('a'), await load('b')];
  const { decode, rasterize } = await import('/bench/frames.js');
  const frames = [];
  for (const p of photos) {
    const bitmap = await decode('/photos/' + p.split('/').map(encodeURIComponent).join('/'));
    frames.push(rasterize(bitmap, width, height).data);
  }
  globalThis.abState = { a, b, frames, width, height, k: 0 };
  return { frames: frames.length, isolated: globalThis.crossOriginIsolated === true };
}

/** Runs in the page: one pass over the frames kept by `pageSetup`, each analysed by both
 *  builds in turn. Returns both builds' times and, when `compare`, on how many frames the
 *  reports differ. */
function pageRound(compare) {
  const st = globalThis.abState;
  const timed = (analyzer, f) => {
    analyzer.reset();
    const t0 = performance.now();
    const report = analyzer.analyze(f, st.width, st.height);
    return [performance.now() - t0, report];
  };
  const [ta, tb] = [[], []];
  let differing = 0;
  for (const f of st.frames) {
    // Which goes first alternates, so that neither gains from the other's reading the frame.
    const first = st.k++ % 2 === 0;
    const [da, ra] = first ? timed(st.a, f) : [];
    const [db, rb] = timed(st.b, f);
    const [dA, rA] = first ? [da, ra] : timed(st.a, f);
    ta.push(dA);
    tb.push(db);
    if (compare) differing += JSON.stringify(rA) === JSON.stringify(rb) ? 0 : 1;
  }
  return { ta, tb, differing };
}

/** Opens the page in the browser asked for; returns how to run a function in it, and how to
 *  close the browser. */
async function openBrowser(o, url) {
  if (o.webkit) {
    // WebKitGTK's MiniBrowser through WebKitWebDriver under Xvfb, as the end-to-end tests drive
    // it (Safari's engine; not iOS Safari itself).
    const { startWebKit } = await import('../tests/e2e/webdriver.mjs');
    const webkit = await startWebKit();
    await webkit.session.navigate(url);
    return {
      run: (fn, arg) => webkit.session.executeAsync(fn, arg),
      close: () => webkit.stop(),
    };
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage();
  await page.goto(url);
  return { run: (fn, arg) => page.evaluate(fn, arg), close: () => browser.close() };
}


async function main() {
  const o = parseArgs(process.argv.slice(2));
  const labels = path.join(SHARED, 'realdata', 'labels.jsonl');
  if (!fs.existsSync(labels)) throw new Error(`no photos: ${labels} is missing (set DOCCHECK_SHARED)`);
  const photos = fs
    .readFileSync(labels, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).file);
  const server = await serve(o.dirs);
  let browser;
  try {
    browser = await openBrowser(o, `http://127.0.0.1:${server.address().port}/`);
    const setup = await browser.run(pageSetup, { photos, width: o.width, height: o.height });
    // The warm-up pass compares the reports; the timed rounds follow, one call each (a
    // WebDriver script may run 20 s at most).
    const warm = await browser.run(pageRound, true);
    const [ta, tb] = [[], []];
    for (let r = 0; r < o.rounds; r++) {
      const round = await browser.run(pageRound, false);
      ta.push(...round.ta);
      tb.push(...round.tb);
    }
    const [sa, sb] = [stats(ta), stats(tb)];
    const name = o.webkit ? 'WebKitGTK (MiniBrowser)' : 'Chromium';
    console.log(`${setup.frames} photos at ${o.width}×${o.height}, ${o.rounds} rounds in ${name}, A and B on each frame in turn`);
    if (!setup.isolated) console.log('(the page is not cross-origin isolated: the clock may be coarse)');
    console.log(`A ${o.dirs[0]}: median ${sa.median_ms.toFixed(2)} ms, p90 ${sa.p90_ms.toFixed(2)} ms`);
    console.log(`B ${o.dirs[1]}: median ${sb.median_ms.toFixed(2)} ms, p90 ${sb.p90_ms.toFixed(2)} ms`);
    console.log(`B / A (medians): ${(sb.median_ms / sa.median_ms).toFixed(3)}; reports differing: ${warm.differing} of ${setup.frames}`);
  } finally {
    await browser?.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(`ab: ${e.message}`);
  process.exit(1);
});
