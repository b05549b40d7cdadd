// "Hold still" judged on the card's speed, not on its step between analysed frames: the
// widget sends each camera frame with the time it was grabbed, and the worker hands that time
// to the engine, which takes the movement per 1/30 s when frames are further apart (a slow
// phone, frames dropped while the worker was busy).

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {startServer, launch, renderVideo, renderStill} from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch({video: renderVideo(['good'], {frames: 20, fps: 15})});
  // Every frame message the page sends a worker, as the worker receives it.
  await browser.context.addInitScript(() => {
    window.__frameTimes = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg && msg.type === 'frame') window.__frameTimes.push(msg.at);
      return post.call(this, msg, ...rest);
    };
  });
  await browser.page.goto(`${server.origin}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the widget sends every camera frame with the time it was grabbed', async () => {
  const {page} = browser;
  await page.waitForFunction(() => window.__frameTimes.length >= 8, undefined, {timeout: 30000});
  const times = await page.evaluate(() => window.__frameTimes.slice());
  for (const t of times) assert.ok(Number.isFinite(t) && t > 0, `frame time ${t} in ${times}`);
  for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `times go back: ${times}`);
  const now = await page.evaluate(() => performance.now());
  assert.ok(times.at(-1) <= now && now - times.at(-1) < 10000, `last ${times.at(-1)}, now ${now}`);
});

test('the worker gives the engine the frame time: the same step a fifth of a second apart is a sixth of the motion', async () => {
  const png = readFileSync(renderStill('good')).toString('base64');
  const motion = await browser.page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
    // The card as photographed, and moved 24 px to the right (the frame's edge filled grey).
    const pixels = (dx) => {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext('2d', {willReadFrequently: true});
      g.fillStyle = '#777';
      g.fillRect(0, 0, bitmap.width, bitmap.height);
      g.drawImage(bitmap, dx, 0);
      return {width: bitmap.width, height: bitmap.height, rgba: g.getImageData(0, 0, bitmap.width, bitmap.height).data};
    };
    const worker = new Worker('/dist/doc-capture-worker.js', {type: 'module'});
    const answers = [];
    let wake = () => {};
    worker.onmessage = (e) => {
      answers.push(e.data);
      wake();
    };
    const next = async (type) => {
      for (;;) {
        const i = answers.findIndex((a) => a.type === type || a.type === 'error' || a.type === 'crashed' || a.type === 'fatal');
        if (i >= 0) {
          const [a] = answers.splice(i, 1);
          if (a.type !== type) throw new Error(`${a.type}: ${a.message}`);
          return a;
        }
        await new Promise((resolve) => (wake = resolve));
      }
    };
    worker.postMessage({type: 'init', options: {}, seq: 1});
    await next('ready');
    let id = 0;
    const frame = async (dx, at) => {
      const f = pixels(dx);
      worker.postMessage({type: 'frame', id: ++id, frame: f, at}, [f.rgba.buffer]);
      return (await next('report')).report.metrics.motion;
    };
    const out = {};
    await frame(0, 1000);
    out.timed = await frame(24, 1200);
    worker.postMessage({type: 'reset'});
    await frame(0);
    out.untimed = await frame(24);
    worker.postMessage({type: 'reset'});
    await frame(0, 5000);
    out.afterPause = await frame(24, 7000);
    worker.terminate();
    return out;
  }, png);
  assert.ok(motion.untimed > 0.02, `untimed motion ${motion.untimed}`);
  assert.ok(Math.abs(motion.timed * 6 - motion.untimed) < 0.002, `timed ${motion.timed}, untimed ${motion.untimed}`);
  assert.equal(motion.afterPause, null, 'frames 2 s apart are not compared');
});
