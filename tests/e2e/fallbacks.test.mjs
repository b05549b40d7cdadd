// The widget on browsers that lack the newer APIs (iOS Safari 15.4–16.3, older Android
// Chrome), imitated in Chromium by removing those APIs before any script runs: in the page
// (an init script) and in the analysis worker (its script, served with a line in front that
// deletes them). The main path must still work: too_dark → glare → ready, a captured JPEG the
// native engine finds ready, no CSP violation, no request leaving the page.
//
// - "no WebCodecs": no VideoFrame, requestVideoFrameCallback, ImageCapture or vibrate in the
//   page, no VideoFrame in the worker: ImageBitmap frames, animation frames, the stream's frame
//   as the photo.
// - "no OffscreenCanvas": as above, and the worker has no OffscreenCanvas and no SIMD (Safari
//   before 16.4): the page draws RGBA and encodes the JPEG, the baseline engine analyses.
// - "silent requestVideoFrameCallback": the method takes requests but never calls back
//   (WebKitGTK without compositing): the widget notices and polls animation frames.
// - "copyTo without format": the worker's copyTo cannot convert to RGBA (Safari): the camera's
//   YUV frames are copied as stored and converted by the engine.
//   (Constructed stylesheets stay: without them the widget needs style-src 'unsafe-inline',
//   which the test server's strict CSP refuses; see docs/web.md.)

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {writeFileSync} from 'node:fs';
import {startServer, launch, record, renderVideo, waitForEvents, phases, captureBytes, nativeReport,
  foreignRequests, tempPath} from './helpers.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(() => server?.stop());

/** Deletes `names` (dotted paths from the global object) before the page's own scripts run. */
function pageWithout(names) {
  return (list) => {
    for (const name of list) {
      const path = name.split('.');
      const key = path.pop();
      const owner = path.reduce((o, k) => o?.[k], globalThis);
      if (owner) delete owner[key];
      // Some live on a prototype further up (navigator.vibrate on Navigator.prototype).
      let proto = owner && Object.getPrototypeOf(owner);
      while (proto && key in proto) {
        delete proto[key];
        proto = Object.getPrototypeOf(proto);
      }
    }
    // Count what the widget does on this thread instead, to show the fallback ran.
    const calls = (window.__fallbackCalls = {getImageData: 0, toBlob: 0, animationFrames: 0});
    const count = (proto, method) => {
      const original = proto[method];
      proto[method] = function (...args) {
        calls[method === 'requestAnimationFrame' ? 'animationFrames' : method]++;
        return original.apply(this, args);
      };
    };
    count(CanvasRenderingContext2D.prototype, 'getImageData');
    count(HTMLCanvasElement.prototype, 'toBlob');
    count(window, 'requestAnimationFrame');
  };
}

/**
 * Runs the main path with APIs removed from the page (`page`) and from the worker (`worker`,
 * statements put in front of its script), and `pageChange` run in the page before its own
 * scripts, on a camera playing `frames` frames of each scene at 15 fps; `check` gets the page
 * for scenario-specific asserts.
 */
async function runWithout({page: pageNames, worker: workerPrelude, frames = 20}, check, pageChange = null) {
  const browser = await launch({video: renderVideo(['dark', 'glare', 'good'], {frames, fps: 15})});
  try {
    const {context, page} = browser;
    await context.route('**/doc-capture-worker.js', async (route) => {
      const response = await route.fetch();
      const body = `${workerPrelude}\n${await response.text()}`;
      await route.fulfill({response, body});
    });
    await page.addInitScript(pageWithout(pageNames), pageNames);
    if (pageChange) await page.addInitScript(pageChange);
    const log = await record(context, page);
    await page.goto(`${server.origin}/`);

    const gone = await page.evaluate(
      (names) => names.filter((n) => n.split('.').reduce((o, k) => o?.[k], globalThis) !== undefined),
      pageNames,
    );
    assert.deepEqual(gone, [], 'APIs not removed from the page');

    const events = await waitForEvents(page, () => window.__events.some((e) => e.type === 'capture'), 40000);
    const first = events.find((c) => c.type === 'capture');
    const seen = phases(events.filter((e) => e.t <= first.t));
    const start = seen.indexOf('too_dark');
    assert.ok(start >= 0, `no too_dark phase in ${seen}`);
    assert.deepEqual(seen.slice(start, start + 3), ['too_dark', 'glare', 'ready'], `phases: ${seen.join(' > ')}`);
    assert.equal(first.side, 'front');
    assert.equal(first.source, 'camera');
    assert.equal(first.mime, 'image/jpeg');
    assert.ok(first.ready, `front photo not ready: ${first.problems}`);
    assert.deepEqual([first.width, first.height], [960, 540]);

    const bytes = await captureBytes(page, 0);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'not a JPEG');
    const file = tempPath(`fallback-${Date.now()}.jpg`);
    writeFileSync(file, bytes);
    const native = nativeReport(file);
    assert.equal(native.ready, true, `native report: ${JSON.stringify(native.problems)}`);

    // A frame sent just before the photo may still be in the worker: wait for its report.
    await page.waitForFunction(() => document.querySelector('doc-capture').stats.openFrames === 0, undefined, {timeout: 5000, polling: 10})
      .catch(() => assert.fail('a frame was not closed'));
    const stats = await page.evaluate(() => document.querySelector('doc-capture').stats);
    assert.equal(events.filter((e) => e.type === 'error').length, 0, `errors: ${JSON.stringify(events.filter((e) => e.type === 'error'))}`);
    // Styled: the shutter has its size from the widget's sheet.
    const shutter = await page.locator('doc-capture .shutter').evaluate((b) => getComputedStyle(b).width);
    assert.equal(shutter, '80px', 'the widget is not styled');
    await check(page, stats);

    assert.deepEqual(foreignRequests(log, server.origin), []);
    assert.ok(log.requests.some((r) => /\/pkg(-simd)?\/doccheck_bg\.wasm$/.test(r.url)), 'wasm request not seen');
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.pageErrors, []);
  } finally {
    await browser.close();
  }
}

test('without VideoFrame, requestVideoFrameCallback, ImageCapture and vibrate', async () => {
  await runWithout(
    {
      page: ['VideoFrame', 'ImageCapture', 'navigator.vibrate', 'HTMLVideoElement.prototype.requestVideoFrameCallback',
        'HTMLVideoElement.prototype.cancelVideoFrameCallback'],
      worker: 'delete self.VideoFrame;',
    },
    async (page, stats) => {
      const calls = await page.evaluate(() => window.__fallbackCalls);
      assert.ok(calls.animationFrames > 10, `animation frames: ${calls.animationFrames}`);
      // The worker drew the ImageBitmaps and encoded the photo: nothing drawn or encoded here.
      assert.equal(calls.getImageData, 0);
      assert.equal(calls.toBlob, 0);
      assert.ok(stats.analysedFrames > 10);
      assert.equal(stats.pixels, 'canvas');
    },
  );
});

test('without OffscreenCanvas in the worker or WebAssembly SIMD either', async () => {
  await runWithout(
    {
      page: ['VideoFrame', 'ImageCapture', 'OffscreenCanvas', 'navigator.vibrate',
        'HTMLVideoElement.prototype.requestVideoFrameCallback', 'HTMLVideoElement.prototype.cancelVideoFrameCallback'],
      worker: 'delete self.VideoFrame; delete self.OffscreenCanvas; WebAssembly.validate = () => false;',
    },
    async (page, stats) => {
      const calls = await page.evaluate(() => window.__fallbackCalls);
      assert.ok(calls.animationFrames > 10, `animation frames: ${calls.animationFrames}`);
      // Every analysed frame was drawn here, and the photo encoded here.
      assert.ok(calls.getImageData >= stats.analysedFrames, `getImageData ${calls.getImageData} for ${stats.analysedFrames} frames`);
      assert.ok(calls.toBlob >= 1, 'the photo was not encoded on the page');
      assert.equal(stats.simd, false, 'the SIMD build was used');
      assert.equal(stats.pixels, 'page');
    },
  );
});

test('a requestVideoFrameCallback that never calls back (WebKitGTK without compositing): animation frames instead', async () => {
  // The method is there and takes requests, but no frame ever comes: the video plays, the
  // widget must notice and poll animation frames, and go on to the photo. Each scene plays
  // 4 s, so that the dark one is still there when the widget has noticed (2 s).
  await runWithout(
    {page: [], worker: '', frames: 60},
    async (page, stats) => {
      const calls = await page.evaluate(() => window.__fallbackCalls);
      assert.equal(await page.evaluate(() => window.__silentVideoCallbacks), true, 'the silent callback was not installed');
      assert.ok(calls.animationFrames > 10, `animation frames: ${calls.animationFrames}`);
      assert.ok(stats.analysedFrames > 10);
    },
    () => {
      window.__silentVideoCallbacks = true;
      let next = 1;
      HTMLVideoElement.prototype.requestVideoFrameCallback = () => next++;
      HTMLVideoElement.prototype.cancelVideoFrameCallback = () => {};
    },
  );
});

test('a VideoFrame.copyTo that cannot convert to RGBA (Safari): YUV frames copied as stored', async () => {
  // Safari's copyTo has no `format` option, and WebIDL skips what it does not know: imitated by
  // an allocationSize that never reads it. Chromium's camera frames are YUV 4:2:0: the worker
  // copies them as they are and the engine converts them, with no canvas.
  await runWithout(
    {
      page: [],
      worker: `{
        const size = VideoFrame.prototype.allocationSize;
        VideoFrame.prototype.allocationSize = function (o = {}) { return size.call(this, {rect: o.rect, layout: o.layout}); };
        const copy = VideoFrame.prototype.copyTo;
        VideoFrame.prototype.copyTo = function (d, o = {}) { return copy.call(this, d, {rect: o.rect, layout: o.layout}); };
      }`,
    },
    async (page, stats) => {
      assert.match(stats.pixels, /^copyTo (I420|NV12)$/);
      assert.ok(stats.analysedFrames > 10);
    },
  );
});
