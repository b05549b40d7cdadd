// When the camera cannot be used (permission denied, no camera, a page without getUserMedia),
// the widget says why, fires `error`, and offers the file picker; a chosen photo is checked by
// the same engine, EXIF orientation honoured, and shown with its problems.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {execFileSync} from 'node:child_process';
import {startServer, launch, record, renderStill, nativeReport, captureBytes, foreignRequests, waitForEvents,
  tempPath, SHARED, CLI} from './helpers.mjs';
import en from '../../www/i18n/en.js';

// A real phone photo stored sideways with EXIF orientation 6 (3264×2448 on disk, 2448×3264 shown);
// without ../shared, a generated card stored the same way (960×540 shown, 540×960 on disk).
const REAL = join(SHARED, 'realdata', 'scanic', 'test7.JPG');
let ROTATED = REAL;
let SHOWN = [2448, 3264];
let server;

before(async () => {
  if (!existsSync(REAL)) {
    process.stderr.write(`SKIPPED the real photo: ${REAL} is absent (../shared beside the repository); using a generated one\n`);
    ROTATED = tempPath('good-exif6.jpg');
    execFileSync(CLI, ['scene', '--kinds', 'good', '--width', '960', '--height', '540', '--orientation', '6', '--out', ROTATED]);
    SHOWN = [960, 540];
  }
  server = await startServer();
});

after(() => server?.stop());

test('camera denied: a clear message, an error event, and the file picker path works on a real photo', async () => {
  const browser = await launch({camera: 'deny'});
  const {page} = browser;
  try {
    const log = await record(browser.context, page);
    await page.goto(`${server.origin}/`);
    await page.locator('doc-capture .panel h2').filter({hasText: en.camera_denied_title}).waitFor();
    assert.equal(await page.locator('doc-capture .panel-text').textContent(), en.camera_denied);
    // A screen reader hears why, not only what to do (the panel does not take the focus).
    assert.equal(await page.locator('doc-capture .message').textContent(), `${en.camera_denied_title} — ${en.camera_denied}`);
    let events = await page.evaluate(() => window.__events);
    assert.deepEqual(events.filter((e) => e.type === 'error').map((e) => [e.name, e.recovered]), [['NotAllowedError', false]]);

    // Front: a real photo that is fine, chosen from the device.
    const chooser = page.waitForEvent('filechooser');
    await page.locator('doc-capture [data-action="pick"]').click();
    const picker = await chooser;
    assert.equal(await picker.element().getAttribute('accept'), 'image/*');
    assert.equal(await picker.element().getAttribute('capture'), 'environment');
    await picker.setFiles(ROTATED);
    events = await waitForEvents(page, () => window.__events.some((e) => e.type === 'capture'));
    const front = events.find((e) => e.type === 'capture');
    const native = nativeReport(ROTATED);
    assert.equal(front.side, 'front');
    assert.equal(front.source, 'file');
    assert.deepEqual([front.width, front.height], SHOWN, 'EXIF orientation not applied');
    assert.deepEqual([native.width, native.height], SHOWN);
    assert.equal(front.ready, native.ready);
    assert.deepEqual(front.problems, native.problems);
    // Same outline as the native engine, within a few pixels (the two JPEG decoders differ slightly).
    front.quad.forEach(([x, y], k) => {
      const [nx, ny] = native.quad[k];
      assert.ok(Math.hypot(x - nx, y - ny) < 8, `corner ${k}: ${x},${y} vs ${nx},${ny}`);
    });
    // A JPEG within the limit is handed over as it is: the original bytes.
    assert.equal(front.size, statSync(ROTATED).size);
    assert.equal(front.mime, 'image/jpeg');

    // Back: a photo with glare is shown with its problem; the person may still use it.
    await page.locator('doc-capture .panel h2').filter({hasText: 'Back of the card'}).waitFor();
    // The live region says so too (a screen reader hears it; the panel is not announced).
    assert.equal(await page.locator('doc-capture .message').textContent(),
      `${en.captured.replace('{side}', en.side_front)} — ${en.side_title_back}`);
    // The keyboard's focus moved on with the panel, to its way forward: a button that is
    // replaced while focused would otherwise leave the person at the top of the page.
    assert.equal(await page.evaluate(() => document.querySelector('doc-capture').shadowRoot.activeElement?.dataset.action), 'pick');
    const chooser2 = page.waitForEvent('filechooser');
    await page.locator('doc-capture [data-action="pick"]').click();
    await (await chooser2).setFiles(renderStill('glare'));
    await page.locator('doc-capture .panel h2').filter({hasText: en.review_title}).waitFor();
    assert.deepEqual(await page.locator('doc-capture .panel-problems li').allTextContents(), [en.glare]);
    assert.equal(await page.locator('doc-capture .still').isVisible(), true);
    await page.locator('doc-capture .panel button', {hasText: en.use_anyway}).click();
    events = await waitForEvents(page, () => window.__events.filter((e) => e.type === 'capture').length === 2);
    const back = events.filter((e) => e.type === 'capture')[1];
    assert.equal(back.side, 'back');
    assert.equal(back.ready, false);
    assert.deepEqual(back.problems, ['glare']);
    // A PNG is re-encoded as JPEG, same pixels size; the engine still finds the glare in it.
    assert.equal(back.mime, 'image/jpeg');
    const file = tempPath('back-from-png.jpg');
    writeFileSync(file, await captureBytes(page, 1));
    assert.deepEqual(nativeReport(file).problems, ['glare']);

    // The page lists both, the back with its problem.
    await page.waitForSelector('#photos .photo[data-side="back"] .problems li');
    assert.equal(await page.locator('#photos .photo[data-side="back"] .problems li').textContent(), en.glare);
    assert.deepEqual(log.violations, []);
    assert.deepEqual(log.pageErrors, []);
    assert.deepEqual(foreignRequests(log, server.origin), []);
  } finally {
    await browser.close();
  }
});

test('no camera at all: NotFoundError, a clear message and the file picker', async () => {
  const browser = await launch({camera: 'none'});
  const {page} = browser;
  try {
    await record(browser.context, page);
    await page.goto(`${server.origin}/`);
    await page.locator('doc-capture .panel h2').filter({hasText: en.camera_missing_title}).waitFor();
    const events = await page.evaluate(() => window.__events.filter((e) => e.type === 'error'));
    assert.deepEqual(events.map((e) => e.name), ['NotFoundError']);
    assert.equal(await page.locator('doc-capture [data-action="pick"]').isVisible(), true);
    // Keyboard: the way forward is a focusable button with a visible focus ring.
    await page.locator('doc-capture [data-action="pick"]').focus();
    const outline = await page.locator('doc-capture [data-action="pick"]').evaluate((b) => getComputedStyle(b).outlineStyle);
    assert.equal(outline, 'solid');

    // A photo above Safari's largest canvas (16,777,216 px; today's phones take 24-200 MP) is
    // checked, and handed over as a JPEG, at the largest size within it: 5120x3600 (18.4 MP).
    const big = tempPath('good-5120x3600.jpg');
    if (!existsSync(big)) {
      execFileSync(CLI, ['scene', '--kinds', 'good', '--width', '5120', '--height', '3600', '--out', big]);
    }
    const chooser = page.waitForEvent('filechooser');
    await page.locator('doc-capture [data-action="pick"]').click();
    await (await chooser).setFiles(big);
    const all = await waitForEvents(page, () => window.__events.some((e) => e.type === 'capture'));
    const capture = all.find((e) => e.type === 'capture');
    const fit = Math.sqrt(16_777_216 / (5120 * 3600));
    assert.deepEqual([capture.width, capture.height], [Math.floor(5120 * fit), Math.floor(3600 * fit)]);
    assert.ok(capture.width * capture.height <= 16_777_216);
    assert.equal(capture.mime, 'image/jpeg');
    const handed = tempPath('big-handed-over.jpg');
    writeFileSync(handed, await captureBytes(page, 0));
    const native = nativeReport(handed);
    assert.deepEqual([native.width, native.height], [capture.width, capture.height]);
    // The same verdict as the full-size original, and its outline at the smaller scale.
    const original = nativeReport(big);
    assert.equal(capture.ready, true);
    assert.deepEqual(capture.problems, original.problems);
    capture.quad.forEach(([x, y], k) => {
      const [ox, oy] = original.quad[k];
      assert.ok(Math.hypot(x - ox * fit, y - oy * fit) < 8, `corner ${k}: ${x},${y} vs ${ox * fit},${oy * fit}`);
    });
  } finally {
    await browser.close();
  }
});

test('a page where getUserMedia does not exist (plain http on a LAN name): message and file picker', async () => {
  // doccheck.test resolves to 127.0.0.1 but, not being localhost, is not a secure context.
  const port = new URL(server.origin).port;
  const browser = await launch({args: ['--host-resolver-rules=MAP doccheck.test 127.0.0.1']});
  const {page} = browser;
  try {
    const log = await record(browser.context, page);
    await page.goto(`http://doccheck.test:${port}/`);
    assert.equal(await page.evaluate(() => window.isSecureContext), false);
    await page.locator('doc-capture .panel h2').filter({hasText: en.camera_unsupported_title}).waitFor();
    assert.equal(await page.locator('doc-capture .panel-text').textContent(), en.camera_insecure);
    const events = await page.evaluate(() => window.__events.filter((e) => e.type === 'error'));
    assert.deepEqual(events.map((e) => e.name), ['InsecureContextError']);
    // The engine still works there: a photo is checked.
    const chooser = page.waitForEvent('filechooser');
    await page.locator('doc-capture [data-action="pick"]').click();
    await (await chooser).setFiles(renderStill('good'));
    await waitForEvents(page, () => window.__events.some((e) => e.type === 'capture' && e.ready));
    assert.deepEqual(foreignRequests(log, `http://doccheck.test:${port}`), []);
  } finally {
    await browser.close();
  }
});
