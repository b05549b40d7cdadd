// Soak test: FRAMES camera frames (default 10,000) through the widget's worker from Chromium's
// fake camera, with auto-capture off so the session never ends. Prints the figures and fails
// when wasm memory grows after warm-up, when a VideoFrame is left open, or when the feedback
// is no longer live at the end. Run through scripts/soak.sh.

import {startServer, launch, record, renderVideo} from '../e2e/helpers.mjs';

const FRAMES = Number(process.env.FRAMES ?? 10000);
const WARM_UP = Math.min(500, FRAMES / 10);
const FPS = 60;

const server = await startServer();
// Five kinds of picture, 8 frames each at 60 fps: the engine sees every path (no document,
// glare, dark, blur, ready) and the motion between them, over and over.
const video = renderVideo(['good', 'glare', 'dark', 'blurry', 'empty'], {frames: 8, fps: FPS});
const browser = await launch({video});
const log = await record(browser.context, browser.page);
const page = browser.page;
const cdp = await browser.context.newCDPSession(page);
await cdp.send('Performance.enable');
const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;

await page.goto(`${server.origin}/?auto=off`);
await page.evaluate(() => customElements.whenDefined('doc-capture'));
const stats = () => page.evaluate(() => document.querySelector('doc-capture').stats);
const t0 = Date.now();
let warm = null;
let last = null;
const mb = (n) => (n / 1048576).toFixed(1);
console.log('   s   frames  dropped    fps  analysis ms  wasm MB  main heap MB  open frames');
for (;;) {
  await page.waitForTimeout(5000);
  const s = await stats();
  const h = await heap();
  if (!warm && s.analysedFrames >= WARM_UP) warm = {...s, heap: h};
  console.log(`${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} ${String(s.analysedFrames).padStart(8)} ${String(s.droppedFrames).padStart(8)}` +
    ` ${String(s.fps).padStart(6)} ${String(s.lastAnalysisMs).padStart(12)} ${mb(s.wasmMemoryBytes).padStart(8)} ${mb(h).padStart(13)} ${String(s.openFrames).padStart(12)}`);
  if (last && s.analysedFrames === last.analysedFrames) throw new Error('the feedback stopped');
  last = s;
  if (s.analysedFrames >= FRAMES) break;
}
// Still live at the end: new reports keep coming, and the message follows them.
const feedbackBefore = await page.evaluate(() => window.__events.length);
await page.waitForTimeout(1000);
const feedbackAfter = await page.evaluate(() => window.__events.length);
await cdp.send('HeapProfiler.collectGarbage');
const end = {...(await stats()), heap: await heap()};
const seconds = (Date.now() - t0) / 1000;
const problems = [];
if (end.wasmMemoryBytes > warm.wasmMemoryBytes) problems.push(`wasm memory grew from ${warm.wasmMemoryBytes} to ${end.wasmMemoryBytes} bytes after warm-up`);
if (end.openFrames > 1) problems.push(`${end.openFrames} VideoFrames left open`);
if (feedbackAfter <= feedbackBefore) problems.push('no feedback in the last second');
const leaks = log.console.filter((l) => /garbage collected without being closed/i.test(l));
if (leaks.length) problems.push(`Chromium reports frames not closed: ${leaks[0]}`);
if (log.pageErrors.length) problems.push(`page errors: ${log.pageErrors.join('; ')}`);
if (end.workerRestarts) problems.push(`${end.workerRestarts} worker restarts`);

console.log(`\n${end.analysedFrames} frames analysed in ${seconds.toFixed(0)} s (${(end.analysedFrames / seconds).toFixed(1)} per second, ` +
  `${end.droppedFrames} dropped while the worker was busy), engine ${end.simd ? 'simd128' : 'baseline'}`);
console.log(`wasm memory: ${mb(warm.wasmMemoryBytes)} MB after ${warm.analysedFrames} frames (warm-up), ${mb(end.wasmMemoryBytes)} MB at the end`);
console.log(`main-thread JS heap: ${mb(warm.heap)} MB after warm-up, ${mb(end.heap)} MB at the end (after GC)`);
console.log(`frames sent to the worker and not yet closed at the end: ${end.openFrames}; feedback events in the last second: ${feedbackAfter - feedbackBefore}`);
await browser.close();
server.stop();
if (problems.length) {
  console.log(`\nSOAK FAILED:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('\nsoak passed');
