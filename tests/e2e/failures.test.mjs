// What goes wrong during a session, each as Chromium can produce it: constraints the camera
// cannot meet, the camera track ending, the tab going hidden, the analysis worker crashing or
// dying silently. Each gives the person a message and a way forward, and fires `error`.
// (A camera busy in another app — NotReadableError — cannot be produced with Chromium's fake
// device; it takes the same path as a denied camera, with its own message.)

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, record, renderVideo, foreignRequests} from './helpers.mjs';
import en from '../../www/i18n/en.js';

let server;
let browser;
let log;

before(async () => {
  server = await startServer();
  browser = await launch({video: renderVideo(['glare'], {frames: 10, fps: 15})});
  log = await record(browser.context, browser.page);
  await browser.page.goto(`${server.origin}/`);
  // The demo defines the element after setting its attributes, possibly after `load`.
  await browser.page.evaluate(() => customElements.whenDefined('doc-capture'));
});

after(async () => {
  await browser?.close();
  server?.stop();
});

const stats = () => browser.page.evaluate(() => document.querySelector('doc-capture').stats);
const errors = () => browser.page.evaluate(() => window.__events.filter((e) => e.type === 'error'));

/** Resolves once the widget has analysed `n` more frames (the feedback is live). */
async function analyses(n = 5, timeout = 15000) {
  const start = (await stats()).analysedFrames;
  await browser.page.waitForFunction(
    ([s, k]) => document.querySelector('doc-capture').stats.analysedFrames >= s + k,
    [start, n],
    {timeout, polling: 100},
  );
}

test('constraints the camera cannot meet: retried with looser ones, and the session goes on', async () => {
  const page = browser.page;
  await analyses();
  // An embedder asks for an impossible resolution: replace the widget with such a one.
  await page.evaluate(() => {
    const old = document.querySelector('doc-capture');
    const widget = document.createElement('doc-capture');
    widget.videoConstraints = {width: {exact: 5000}};
    widget.addEventListener('error', (e) => window.__events.push({type: 'error', ...e.detail}));
    widget.addEventListener('feedback', (e) => window.__events.push({type: 'feedback', ready: e.detail.ready, problems: e.detail.problems}));
    old.replaceWith(widget);
  });
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'error' && e.name === 'OverconstrainedError'));
  const [error] = (await errors()).filter((e) => e.name === 'OverconstrainedError');
  assert.equal(error.recovered, true);
  await analyses();
  const settings = await page.evaluate(() =>
    document.querySelector('doc-capture').shadowRoot.querySelector('video').srcObject.getVideoTracks()[0].getSettings(),
  );
  assert.equal(settings.width, 960);
  await page.locator('doc-capture .message').filter({hasText: en.glare}).waitFor();
});

test('the tab goes hidden: analysis pauses, the camera is kept, and it resumes when visible', async () => {
  const page = browser.page;
  // Headless Chromium never hides a page, so the test sets the Page Visibility state itself
  // (a real hidden tab also stops requestVideoFrameCallback, which is not simulated here).
  const setVisibility = (state) =>
    page.evaluate((s) => {
      Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => s});
      Object.defineProperty(document, 'hidden', {configurable: true, get: () => s === 'hidden'});
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  await analyses();
  await setVisibility('hidden');
  await page.waitForTimeout(300);
  const before = await stats();
  await page.waitForTimeout(1500);
  const during = await stats();
  assert.equal(during.paused, true);
  assert.equal(during.analysedFrames, before.analysedFrames, 'frames were analysed while hidden');
  const track = await page.evaluate(
    () => document.querySelector('doc-capture').shadowRoot.querySelector('video').srcObject?.getVideoTracks()[0].readyState,
  );
  assert.equal(track, 'live', 'the camera was released while hidden');
  await setVisibility('visible');
  await analyses();
  assert.equal((await stats()).paused, false);
  // Not an error: nothing to tell the person.
  assert.deepEqual((await errors()).filter((e) => e.name !== 'OverconstrainedError'), []);
});

test('the worker crashes: a fresh one starts, `error` says so, and the feedback goes on', async () => {
  const page = browser.page;
  await analyses();
  const worker = browser.page.workers().find((w) => w.url().endsWith('/doc-capture-worker.js'));
  assert.ok(worker, 'analysis worker not found');
  // An uncaught exception inside the real worker.
  await worker.evaluate(() => setTimeout(() => {
    throw new Error('simulated crash');
  }));
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'error' && e.name === 'WorkerError'));
  const crash = (await errors()).find((e) => e.name === 'WorkerError');
  assert.equal(crash.recovered, true);
  assert.match(crash.message, /simulated crash/);
  await analyses();
  const s = await stats();
  assert.equal(s.workerRestarts, 1);
  assert.equal(s.state, 'live');
});

test('the worker dies silently: the watchdog notices, restarts it, and the feedback goes on', async () => {
  const page = browser.page;
  await analyses();
  const worker = browser.page.workers().find((w) => w.url().endsWith('/doc-capture-worker.js'));
  await worker.evaluate(() => self.close());
  await page.waitForFunction(() => document.querySelector('doc-capture').stats.workerRestarts >= 2, undefined, {timeout: 15000});
  await analyses();
  const restarts = (await errors()).filter((e) => e.name === 'WorkerError');
  assert.equal(restarts.length, 2);
  assert.match(restarts[1].message, /no answer/);
});

test('the camera track ends mid-session: a message, `error`, and restarting the camera works', async () => {
  const page = browser.page;
  await analyses();
  // Stop the real camera track, as the system does when another app takes the camera.
  await page.evaluate(() =>
    document.querySelector('doc-capture').shadowRoot.querySelector('video').srcObject.getVideoTracks()[0].stop(),
  );
  await page.locator('doc-capture .panel h2').filter({hasText: en.camera_stopped_title}).waitFor();
  const ended = (await errors()).find((e) => e.name === 'TrackEndedError');
  assert.ok(ended, 'no error event for the ended track');
  assert.equal(ended.recovered, false);
  assert.equal(await page.locator('doc-capture [data-action="pick"]').isVisible(), true);
  await page.locator('doc-capture .panel button', {hasText: en.restart_camera}).click();
  await analyses();
  assert.equal((await stats()).state, 'live');
  assert.equal(await page.locator('doc-capture .panel').isHidden(), true);
});

test('through all of it: own files only, no CSP violation, no uncaught page error', async () => {
  assert.deepEqual(foreignRequests(log, server.origin), []);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.pageErrors, []);
  assert.equal((await stats()).openFrames <= 1, true);
});
