// The main path, as a person on a phone lives it: the camera sees a dark card, then a card with
// glare, then a good card (a looping fake-camera video); the widget says so in that order, takes
// the front, waits for the card to be turned, takes the back, and the demo page shows both.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {startServer, launch, record, renderVideo, waitForEvents, phases, captureBytes, nativeReport,
  foreignRequests, tempPath} from './helpers.mjs';
import en from '../../www/i18n/en.js';

let server;
let browser;
let log;

before(async () => {
  server = await startServer();
  // 20 frames a phase at 15 fps: 1.3 s dark, 1.3 s glare, 1.3 s good, looping.
  browser = await launch({video: renderVideo(['dark', 'glare', 'good'], {frames: 20, fps: 15})});
  log = await record(browser.context, browser.page);
  await browser.page.goto(`${server.origin}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('feedback says too_dark, then glare, then ready, and the front is taken', async () => {
  const events = await waitForEvents(browser.page, () => window.__events.some((e) => e.type === 'capture'));
  const seen = phases(events.filter((e) => e.t <= events.find((c) => c.type === 'capture').t));
  // Wherever the looping video starts, the three phases follow in this order.
  const start = seen.indexOf('too_dark');
  assert.ok(start >= 0, `no too_dark phase in ${seen}`);
  assert.deepEqual(seen.slice(start, start + 3), ['too_dark', 'glare', 'ready'], `phases: ${seen.join(' > ')}`);
  const front = events.find((e) => e.type === 'capture');
  assert.equal(front.side, 'front');
  assert.equal(front.source, 'camera');
  assert.equal(front.mime, 'image/jpeg');
  assert.ok(front.ready, `front photo not ready: ${front.problems}`);
  assert.ok(front.size > 10_000 && front.size <= 10_000_000, `size ${front.size}`);
  assert.deepEqual([front.width, front.height], [960, 540]);
});

test('the captured JPEG passes the native engine too', async () => {
  const bytes = await captureBytes(browser.page, 0);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'not a JPEG');
  const file = tempPath('front.jpg');
  writeFileSync(file, bytes);
  const native = nativeReport(file);
  assert.equal(native.ready, true, `native report: ${JSON.stringify(native.problems)}`);
  assert.deepEqual([native.width, native.height], [960, 540]);
});

test('the back is taken after the card has changed, and is ready', async () => {
  const events = await waitForEvents(browser.page, () => window.__events.filter((e) => e.type === 'capture').length >= 2, 40000);
  const [front, back] = events.filter((e) => e.type === 'capture');
  assert.equal(back.side, 'back');
  assert.ok(back.ready);
  // Not the same picture twice: a frame that was not ready came between the two photos.
  const between = events.filter((e) => e.type === 'feedback' && e.t > front.t && e.t < back.t);
  assert.ok(between.some((e) => !e.ready), 'no change of picture between front and back');
  assert.ok(back.t - front.t >= 1500, `back taken ${back.t - front.t} ms after the front`);
  const file = tempPath('back.jpg');
  writeFileSync(file, await captureBytes(browser.page, 1));
  assert.equal(nativeReport(file).ready, true);
});

test('the widget is done and the page shows both photos with downloads', async () => {
  const page = browser.page;
  await page.waitForSelector('#results:not([hidden])');
  const photos = await page.$$eval('#photos .photo', (nodes) =>
    nodes.map((n) => ({
      side: n.dataset.side,
      img: n.querySelector('img').src,
      href: n.querySelector('a.download').href,
      name: n.querySelector('a.download').download,
      status: n.querySelector('.status').textContent,
    })),
  );
  assert.deepEqual(photos.map((p) => p.side), ['front', 'back']);
  for (const p of photos) {
    assert.match(p.img, /^blob:/);
    assert.equal(p.href, p.img);
    assert.match(p.name, /^id-(front|back)\.jpg$/);
    assert.match(p.status, /Passed every check/);
  }
  // Each photo's links are told apart by their names (a screen reader's list of links).
  for (const side of ['Front', 'Back']) {
    assert.equal(await page.getByRole('link', {name: new RegExp(`^Download \\(.*\\) — ${side}$`)}).count(), 1, side);
    assert.equal(await page.getByRole('button', {name: `Retake — ${side}`, exact: true}).count(), 1, side);
  }
  const stats = await page.evaluate(() => document.querySelector('doc-capture').stats);
  assert.equal(stats.state, 'done');
  assert.equal(stats.openFrames, 0, 'a VideoFrame was not closed');
  assert.ok(stats.analysedFrames > 30);
  // Chromium converts camera frames to RGBA in VideoFrame.copyTo, straight into wasm memory.
  assert.equal(stats.pixels, 'copyTo');
  // Done: the camera is released.
  const live = await page.evaluate(() => !!document.querySelector('doc-capture').shadowRoot.querySelector('video').srcObject);
  assert.equal(live, false);
  const message = await page.locator('doc-capture .panel h2').textContent();
  assert.equal(message, 'All photos taken');
});

test('retake from the keyboard: the side is dropped and taken again', async () => {
  const page = browser.page;
  const retake = page.locator('doc-capture .sides .retake').first();
  await retake.focus();
  await page.keyboard.press('Enter');
  await waitForEvents(page, () => window.__events.some((e) => e.type === 'retake' && e.side === 'front'));
  await page.waitForFunction(() => !document.querySelector('#photos .photo[data-side="front"]'));
  const focused = () => page.evaluate(() => document.querySelector('doc-capture').shadowRoot.activeElement?.className ?? null);
  // The pressed Retake button is gone: the keyboard focus goes to the shutter, not the page's top.
  assert.equal(await focused(), 'shutter');
  // The controls' names start with their visible words (a voice-control user says "Upload").
  await page.locator('doc-capture .controls').waitFor();
  assert.equal(await page.getByRole('button', {name: en.pick, exact: true}).count(), 1);
  assert.equal(await page.getByRole('button', {name: en.auto, exact: true}).count(), 1);
  const events = await waitForEvents(page, () => window.__events.filter((e) => e.type === 'capture').length >= 3, 40000);
  const third = events.filter((e) => e.type === 'capture')[2];
  assert.equal(third.side, 'front');
  assert.ok(third.ready);
  // The shutter was unavailable while the photo was taken, yet kept the focus (a disabled button
  // drops it), so the "All photos taken" panel that follows takes it: to its title, not to a
  // Retake button that a second Enter would press.
  assert.equal(await page.evaluate(() => document.querySelector('doc-capture').shadowRoot.activeElement?.textContent ?? null),
    en.done_title);
  await page.waitForSelector('#photos .photo[data-side="front"]');
});

test('nothing left the page: own files only, no CSP violation, no error', async () => {
  assert.deepEqual(foreignRequests(log, server.origin), []);
  // The engine itself was fetched (by the worker) and seen here.
  assert.ok(log.requests.some((r) => /\/dist\/pkg(-simd)?\/doccheck_bg\.wasm$/.test(r.url)), 'wasm request not seen');
  // The widget ran as a site deploys it, from www/dist/ (minified; the download the benchmark
  // counts): no script or wasm of it came from the sources beside it.
  const code = log.requests.map((r) => new URL(r.url).pathname).filter((p) => /\.(m?js|wasm)$/.test(p) && p !== '/demo.js');
  assert.ok(code.length >= 5, code.join(' '));
  assert.deepEqual(code.filter((p) => !p.startsWith('/dist/')), []);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.pageErrors, []);
  const leaks = log.console.filter((l) => /garbage collected without being closed|VideoFrame/i.test(l));
  assert.deepEqual(leaks, []);
  // Nothing written to storage.
  const stored = await browser.page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    idb: (await indexedDB.databases()).length,
    caches: (await caches.keys()).length,
  }));
  assert.deepEqual(stored, {local: 0, session: 0, idb: 0, caches: 0});
});
