// The widget's life in a page that does more than show it: an engine that cannot start, options
// an embedder gets wrong, the element moved or re-added, a photo chosen while the camera is still
// starting. Each must leave the widget in a state the person can get out of, with no camera left
// running for nothing and no photo kept in memory after it is gone.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, record, renderVideo, renderStill, tempPath} from './helpers.mjs';
import {copyFileSync, writeFileSync} from 'node:fs';
import en from '../../www/i18n/en.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch({video: renderVideo(['good'], {frames: 10, fps: 15})});
  await record(browser.context, browser.page);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

/**
 * Opens the demo page and replaces its widget with a fresh one (`attrs`, `options` set before it
 * is connected), recording its events in `window.__w`.
 */
/** A 100 kB text file named like a photo, which no browser can decode. */
function notAPhoto(name) {
  const path = tempPath(name);
  writeFileSync(path, 'this is not a photo\n'.repeat(5000));
  return path;
}

async function fresh(page, attrs = {}, options = undefined) {
  await page.goto(`${server.origin}/`);
  await page.evaluate(() => customElements.whenDefined('doc-capture'));
  await page.evaluate(
    ([attrs, options]) => {
      window.__w = [];
      const old = document.querySelector('doc-capture');
      const widget = document.createElement('doc-capture');
      for (const [k, v] of Object.entries(attrs)) widget.setAttribute(k, v);
      if (options !== undefined) widget.options = options;
      for (const type of ['error', 'capture', 'retake']) {
        widget.addEventListener(type, (e) =>
          window.__w.push({type, t: performance.now(), ...(type === 'capture' ? {side: e.detail.side} : e.detail)}),
        );
      }
      old.replaceWith(widget);
      window.__el = widget;
    },
    [attrs, options],
  );
}

const stats = (page) => page.evaluate(() => window.__el.stats);
const events = (page) => page.evaluate(() => window.__w);
const cameraTrack = (page) =>
  page.evaluate(() => window.__el.shadowRoot.querySelector('video').srcObject?.getVideoTracks()[0]?.readyState ?? 'none');
const panelTitle = (page) =>
  page.evaluate(() => {
    const panel = window.__el.shadowRoot.querySelector('.panel');
    return panel.hidden ? null : panel.querySelector('h2').textContent;
  });
/** Whether a blob: URL of a photo still resolves (a revoked one no longer loads; the demo's CSP allows blob: images, not fetches). */
const alive = (page, url) =>
  page.evaluate(async (u) => {
    const img = new Image();
    img.src = u;
    try {
      await img.decode();
      return true;
    } catch {
      return false;
    }
  }, url);

/** Runs `fn` on a fresh page of the shared browser, and closes the page afterwards. */
async function onNewPage(fn) {
  const page = await browser.context.newPage();
  try {
    await fn(page);
  } finally {
    await page.close();
  }
}

/**
 * Makes the analysis of each photo (a `still` message to the worker) start later, as on a slow
 * phone: by the next of `window.__stillDelays` the test sets, else by `ms`.
 */
function slowStills(page, ms = 0) {
  return page.addInitScript((fallback) => {
    window.__stillDelays = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg?.type !== 'still') return post.call(this, msg, ...rest);
      setTimeout(() => post.call(this, msg, ...rest), window.__stillDelays.shift() ?? fallback);
    };
  }, ms);
}

async function analyses(page, n = 5, timeout = 15000) {
  const start = (await stats(page)).analysedFrames;
  await page.waitForFunction(([s, k]) => window.__el.stats.analysedFrames >= s + k, [start, n], {timeout, polling: 100});
}

test('the engine cannot start: its own message, no camera left on, and restart() tries the engine again', () =>
  onNewPage(async (page) => {
    // The engine's files cannot be fetched (a deployment that forgot them, or a CSP without
    // 'wasm-unsafe-eval': the same path, a fatal message from the worker).
    await page.route('**/doccheck_bg.wasm', (route) => route.abort());
    await fresh(page, {sides: 'front'});
    await page.waitForFunction(() => window.__el.stats.state === 'blocked', undefined, {timeout: 20000});
    assert.equal(await panelTitle(page), en.engine_failed_title);
    // The camera may have been granted meanwhile: it must not stay on for nothing.
    await page.waitForTimeout(1500);
    assert.equal(await cameraTrack(page), 'none');
    assert.equal((await stats(page)).state, 'blocked');
    const [error] = (await events(page)).filter((e) => e.type === 'error');
    assert.equal(error.recovered, false);

    // The files are back: restart() gives the engine a fresh start, and the session goes on.
    await page.unroute('**/doccheck_bg.wasm');
    await page.evaluate(() => window.__el.restart());
    await analyses(page);
    assert.equal(await cameraTrack(page), 'live');
    assert.equal(await panelTitle(page), null);
  }),
);

test('options the engine refuses, at start or later: an error event, the engine keeps going on the options in use', () =>
  onNewPage(async (page) => {
    // A strictness attribute that is not one: the engine starts with the defaults.
    await fresh(page, {sides: 'front', strictness: 'lenient'});
    await analyses(page);
    let errors = (await events(page)).filter((e) => e.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].recovered, true);
    assert.match(errors[0].message, /strictness `lenient`/);

    // Good options, then bad ones: the getter gives back the ones in use.
    await page.evaluate(() => window.__el.removeAttribute('strictness'));
    await page.evaluate(() => (window.__el.options = {min_sharpness: 0.2}));
    await page.evaluate(() => (window.__el.options = {min_sharpness: -5}));
    await page.waitForFunction(() => window.__w.filter((e) => e.type === 'error').length === 2);
    errors = (await events(page)).filter((e) => e.type === 'error');
    assert.match(errors[1].message, /min_sharpness/);
    assert.equal(errors[1].recovered, true);
    await page.waitForFunction(() => window.__el.options?.min_sharpness === 0.2);
    // Changing the strictness sends the options in use again: no new error.
    await page.evaluate(() => window.__el.setAttribute('strictness', 'strict'));
    await analyses(page);
    assert.equal((await events(page)).filter((e) => e.type === 'error').length, 2);
    assert.equal((await stats(page)).state, 'live');

    // Options the worker cannot be sent (a function): refused by the setter, not kept, and
    // nothing later trips over them.
    const refused = await page.evaluate(() => {
      try {
        window.__el.options = {strictness: 'strict', onReady() {}};
        return null;
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(refused, 'DataCloneError');
    assert.deepEqual(await page.evaluate(() => window.__el.options), {min_sharpness: 0.2});
    await page.evaluate(() => window.__el.setAttribute('strictness', 'relaxed'));
    await page.evaluate(() => {
      const host = window.__el.parentNode;
      window.__el.remove();
      host.append(window.__el);
    });
    await analyses(page);
    assert.equal((await stats(page)).state, 'live');
    assert.equal((await events(page)).filter((e) => e.type === 'error').length, 2);

    // Bad options given before the element is connected do not stop it either.
    await fresh(page, {sides: 'front'}, {min_sharpness: 7});
    await analyses(page);
    errors = (await events(page)).filter((e) => e.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(await page.evaluate(() => window.__el.options), undefined);
  }),
);

test('a strictness attribute that is not one: reported once, left out, and options set later are used', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front', 'auto-capture': 'off', strictness: 'bogus'});
    await analyses(page);
    const errors = async () => (await events(page)).filter((e) => e.type === 'error');
    assert.deepEqual((await errors()).map((e) => [e.message, e.recovered]), [['strictness `bogus` is not one of relaxed, normal, strict', true]]);
    // Options set later are not refused because of the attribute: no error, the getter keeps them.
    await page.evaluate(() => (window.__el.options = {min_sharpness: 0.2}));
    await analyses(page);
    assert.equal((await errors()).length, 1);
    assert.deepEqual(await page.evaluate(() => window.__el.options), {min_sharpness: 0.2});
    // Another bad value is reported in turn; a good one is used, with the options.
    await page.evaluate(() => window.__el.setAttribute('strictness', 'hard'));
    await page.evaluate(() => window.__el.setAttribute('strictness', 'strict'));
    await page.evaluate(() => (window.__el.options = {min_sharpness: 0.3}));
    await analyses(page);
    assert.deepEqual((await errors()).map((e) => e.message.split(' ')[1]), ['`bogus`', '`hard`']);
    assert.deepEqual(await page.evaluate(() => window.__el.options), {min_sharpness: 0.3});
    assert.equal((await stats(page)).state, 'live');
  }),
);

test('max-bytes below 10 kB is honoured: a photo within it, or none and the message saying so', () =>
  onNewPage(async (page) => {
    const good = renderStill('good');
    const blobs = () =>
      page.evaluate(() => {
        window.__sizes = [];
        window.__el.addEventListener('capture', (e) => window.__sizes.push([e.detail.blob.size, e.detail.blob.type]));
      });
    // 5,000 bytes: the photo is scaled down until it fits, and checked at that size.
    await fresh(page, {sides: 'front', 'auto-capture': 'off', 'max-bytes': '5000'});
    await blobs();
    await analyses(page);
    await page.setInputFiles('doc-capture >> input.file', good);
    await page.waitForFunction(() => window.__el.stats.state === 'review', undefined, {timeout: 20000});
    assert.deepEqual(await page.locator('doc-capture .panel-problems li').allTextContents(), [en.low_resolution]);
    await page.locator('doc-capture .panel button', {hasText: en.use_anyway}).click();
    await page.waitForFunction(() => window.__sizes.length === 1);
    const [[size, type]] = await page.evaluate(() => window.__sizes);
    assert.equal(type, 'image/jpeg');
    assert.ok(size <= 5000, `a ${size}-byte photo for max-bytes="5000"`);

    // 300 bytes: no JPEG is that small; the person is told, and the camera goes on.
    await fresh(page, {sides: 'front', 'auto-capture': 'off', 'max-bytes': '300'});
    await blobs();
    await analyses(page);
    await page.setInputFiles('doc-capture >> input.file', good);
    await page.waitForFunction((text) => window.__el.shadowRoot.querySelector('.message').textContent === text, en.photo_too_large,
      {timeout: 20000});
    await analyses(page);
    assert.equal((await stats(page)).state, 'live');
    assert.deepEqual(await page.evaluate(() => window.__sizes), []);
  }),
);

test('a PNG photo named .jpg is handed over as a JPEG, not as its own bytes', () =>
  onNewPage(async (page) => {
    const named = tempPath('a-png-named.jpg');
    copyFileSync(renderStill('good'), named);
    await fresh(page, {sides: 'front', 'auto-capture': 'off'});
    await page.evaluate(() => {
      window.__heads = [];
      window.__el.addEventListener('capture', async (e) => {
        const head = new Uint8Array(await e.detail.blob.slice(0, 4).arrayBuffer());
        window.__heads.push({type: e.detail.blob.type, head: [...head]});
      });
    });
    await analyses(page);
    await page.setInputFiles('doc-capture >> input.file', named);
    await page.waitForFunction(() => window.__heads.length === 1, undefined, {timeout: 20000});
    const [{type, head}] = await page.evaluate(() => window.__heads);
    assert.equal(type, 'image/jpeg');
    assert.deepEqual(head.slice(0, 3), [0xff, 0xd8, 0xff], `bytes ${head} handed over as a JPEG`);
  }),
);

test('moved in the page: after every photo it stays done with no camera; in review its photo is dropped; thumbnails come back', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front', 'auto-capture': 'off'});
    await analyses(page);
    await page.evaluate(() => window.__el.capture());
    await page.waitForFunction(() => window.__el.stats.state === 'done', undefined, {timeout: 20000});
    const thumb = () => page.evaluate(() => window.__el.shadowRoot.querySelector('.thumb')?.src);
    const before = await thumb();
    assert.ok(await alive(page, before));

    // An app moves the widget (a re-render, a modal): removed and added again.
    await page.evaluate(() => {
      const host = window.__el.parentNode;
      window.__el.remove();
      host.append(window.__el);
    });
    await page.waitForTimeout(2000);
    assert.equal((await stats(page)).state, 'done');
    assert.equal(await cameraTrack(page), 'none');
    assert.equal(await panelTitle(page), en.done_title);
    const after = await thumb();
    assert.notEqual(after, before);
    assert.ok(await alive(page, after), 'the thumbnail shown is not there');
    assert.ok(!(await alive(page, before)), 'the old thumbnail URL was kept');
  }),
);

test('a photo under review: going back to the camera or choosing another releases it', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front', 'auto-capture': 'off'});
    await analyses(page);
    const far = renderStill('far');
    const still = () => page.evaluate(() => window.__el.shadowRoot.querySelector('.still').src);
    const review = async () => {
      await page.setInputFiles('doc-capture >> input.file', far);
      await page.waitForFunction(() => window.__el.stats.state === 'review', undefined, {timeout: 20000});
      return still();
    };
    const first = await review();
    assert.ok(await alive(page, first));
    const second = await review();
    assert.notEqual(second, first);
    assert.ok(!(await alive(page, first)), 'the first review photo was kept');
    // From the keyboard: the hidden panel hands the focus to the shutter, not to the page's top.
    await page.locator('doc-capture .panel button', {hasText: en.back_to_camera}).focus();
    await page.keyboard.press('Enter');
    await analyses(page);
    assert.equal(await page.evaluate(() => window.__el.shadowRoot.activeElement?.className ?? null), 'shutter');
    assert.ok(!(await alive(page, second)), 'the review photo was kept after going back to the camera');
  }),
);

test('a photo under review used anyway, the camera on and the back still to take: the panel goes, the camera is live', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front back', 'auto-capture': 'off'});
    await analyses(page);
    await page.setInputFiles('doc-capture >> input.file', renderStill('far'));
    await page.waitForFunction(() => window.__el.stats.state === 'review', undefined, {timeout: 20000});
    await page.locator('doc-capture .panel button', {hasText: en.use_anyway}).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__el.stats.state === 'live');
    assert.equal(await page.evaluate(() => window.__el.shadowRoot.querySelector('.panel').hidden), true, 'the review panel stayed over the camera');
    // The keyboard's focus is not lost with the panel's button.
    assert.equal(await page.evaluate(() => window.__el.shadowRoot.activeElement?.className ?? null), 'shutter');
    await analyses(page);
  }),
);

test('a file chosen while the camera starts, and unreadable: back to the live camera, not stuck', () =>
  onNewPage(async (page) => {
    // The camera takes a moment to start (a permission prompt), and checking the photo takes
    // longer (a big photo on a slow phone): the camera comes on during the check.
    await page.addInitScript(() => {
      const get = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (c) => new Promise((r) => setTimeout(r, 300)).then(() => get(c));
    });
    await slowStills(page, 2000);
    await fresh(page, {sides: 'front'});
    assert.equal((await stats(page)).state, 'starting');
    const junk = notAPhoto('not-a-photo.jpg');
    await page.setInputFiles('doc-capture >> input.file', junk);
    // The camera is on, but the photo being checked keeps the screen.
    await page.waitForTimeout(1000);
    assert.equal(await cameraTrack(page), 'live');
    assert.equal((await stats(page)).state, 'checking');
    // The check fails: the person is told, and the live camera takes over.
    await page.waitForFunction((text) => window.__el.shadowRoot.querySelector('.message').textContent === text, en.file_unreadable);
    await analyses(page, 5, 20000);
    assert.equal((await stats(page)).state, 'live');
    assert.equal(await page.evaluate(() => window.__el.shadowRoot.querySelector('.shutter')?.getAttribute('aria-disabled') ?? null), 'false');
  }),
);

test('another photo chosen from a review, and unreadable: the review stays, with the error, not over the live camera', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front back', 'auto-capture': 'off'});
    await analyses(page);
    await page.setInputFiles('doc-capture >> input.file', renderStill('far'));
    await page.waitForFunction(() => window.__el.stats.state === 'review', undefined, {timeout: 20000});
    const junk = notAPhoto('not-a-photo-either.jpg');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.locator('doc-capture .panel button', {hasText: en.choose_another}).click(),
    ]);
    await chooser.setFiles(junk);
    await page.waitForFunction((text) => window.__el.shadowRoot.querySelector('.message').textContent === text, en.file_unreadable);
    // Long enough for the live guidance to have taken the message over, were the camera live.
    await page.waitForTimeout(1500);
    const ui = await page.evaluate(() => {
      const root = window.__el.shadowRoot;
      return {
        state: window.__el.stats.state,
        message: root.querySelector('.message').textContent,
        panel: !root.querySelector('.panel').hidden,
        still: !root.querySelector('.still').hidden,
        buttons: [...root.querySelectorAll('.panel button')].map((b) => b.textContent),
      };
    });
    assert.deepEqual(ui, {
      state: 'review',
      message: en.file_unreadable,
      panel: true,
      still: true,
      buttons: [en.choose_another, en.use_anyway, en.back_to_camera],
    });
    // Back to the camera from there: live, the review gone.
    await page.locator('doc-capture .panel button', {hasText: en.back_to_camera}).click();
    await page.waitForFunction(() => window.__el.stats.state === 'live');
    assert.equal(await page.evaluate(() => window.__el.shadowRoot.querySelector('.still').hidden), true);
    await analyses(page);
  }),
);

test('removed while the tab is hidden, added back once it is shown: analysis resumes', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front'});
    await analyses(page);
    await page.evaluate(() => {
      const state = (v) => Object.defineProperty(document, 'visibilityState', {get: () => v, configurable: true});
      state('hidden');
      document.dispatchEvent(new Event('visibilitychange'));
      const host = window.__el.parentNode;
      window.__el.remove();
      state('visible');
      host.append(window.__el);
    });
    await analyses(page);
    assert.equal((await stats(page)).paused, false);
  }),
);

test('restart() while a photo is being taken: that photo is dropped, the next one is kept', () =>
  onNewPage(async (page) => {
    // Checking each still takes as long as the test says (a slow phone).
    await slowStills(page);
    await fresh(page, {sides: 'front back', 'auto-capture': 'off'});
    await analyses(page);
    // The first photo takes 2 s; 0.3 s in, the person starts over and takes another, which
    // takes 4 s. The first one's result arrives while the second is being taken.
    await page.evaluate(() => {
      window.__stillDelays = [2000];
      window.__el.capture();
    });
    await page.waitForTimeout(300);
    const second = await page.evaluate(() => {
      window.__el.restart();
      window.__stillDelays = [4000, 4000];
      window.__el.capture();
      return performance.now();
    });
    await page.waitForFunction(() => window.__w.some((e) => e.type === 'capture'), undefined, {timeout: 20000});
    await page.waitForTimeout(1000);
    const captures = (await events(page)).filter((e) => e.type === 'capture');
    assert.equal(captures.length, 1, JSON.stringify(captures));
    assert.equal(captures[0].side, 'front');
    assert.ok(captures[0].t - second >= 3500, `the photo kept came ${Math.round(captures[0].t - second)} ms after the second capture began: the first one`);
  }),
);

test('a browser that plays the camera only after a tap (iOS in Low Power Mode): a button starts it', () =>
  onNewPage(async (page) => {
    // Autoplay refused: no autoplay attribute takes effect, and play() works only once the
    // person has tapped, as Safari does when it will not start media on its own. (A tap, not
    // Chromium's user activation, which Playwright's evaluate grants.)
    await page.addInitScript(() => {
      let tapped = false;
      document.addEventListener('click', () => (tapped = true), true);
      const setAttribute = Element.prototype.setAttribute;
      Element.prototype.setAttribute = function (name, value) {
        if (this instanceof HTMLMediaElement && name === 'autoplay') return undefined;
        return setAttribute.call(this, name, value);
      };
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function () {
        if (!tapped) return Promise.reject(new DOMException('playback needs a tap', 'NotAllowedError'));
        return play.call(this);
      };
    });
    await fresh(page, {sides: 'front'});
    await page.waitForFunction(
      (title) => {
        const panel = window.__el.shadowRoot.querySelector('.panel');
        return !panel.hidden && panel.querySelector('h2').textContent === title;
      },
      en.tap_title,
      {timeout: 20000},
    );
    assert.equal((await stats(page)).analysedFrames, 0);
    await page.locator('doc-capture [data-action="play"]').click();
    await analyses(page);
    assert.equal(await panelTitle(page), null);
  }),
);

test('time spent hidden does not count against the worker: no restart while hidden, one after if it is really gone', () =>
  onNewPage(async (page) => {
    await fresh(page, {sides: 'front', 'auto-capture': 'off'});
    await analyses(page);
    const state = (v) =>
      page.evaluate((value) => {
        Object.defineProperty(document, 'visibilityState', {get: () => value, configurable: true});
        document.dispatchEvent(new Event('visibilitychange'));
      }, v);
    // The worker goes quiet with a frame in flight, and the page is hidden (as iOS suspends a
    // page in the background: its timers come due while it sleeps).
    const worker = page.workers().find((w) => w.url().endsWith('/doc-capture-worker.js'));
    await worker.evaluate(() => self.close());
    await page.waitForTimeout(300);
    await state('hidden');
    await page.waitForTimeout(7000);
    assert.equal((await stats(page)).workerRestarts, 0, 'restarted while hidden');
    // Shown again: a worker that is really gone is still noticed, and the session goes on.
    await state('visible');
    await page.waitForFunction(() => window.__el.stats.workerRestarts >= 1, undefined, {timeout: 15000});
    await analyses(page);
  }),
);
