// A phone held upright (390×844 CSS px, a portrait camera) over a card with glare: the widget
// shows the outline, the glare and one readable message. Saves the screenshot as a test
// artifact (tests/e2e/artifacts/phone-glare.png) and checks what a person would look for.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, record, renderVideo, artifact} from './helpers.mjs';
import en from '../../www/i18n/en.js';

let server;
let browser;

before(async () => {
  server = await startServer();
  // Portrait, as phones deliver it; the card is 55% of the width (422 px, enough resolution).
  browser = await launch({video: renderVideo(['glare'], {frames: 8, fps: 15, width: 768, height: 1364})});
  await record(browser.context, browser.page);
  await browser.page.emulateMedia({reducedMotion: 'reduce'});
  await browser.page.goto(`${server.origin}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('phone screenshot: outline, glare box and a readable message', async () => {
  const page = browser.page;
  await page.locator('doc-capture .message').filter({hasText: en.glare}).waitFor({timeout: 20000});
  await page.waitForTimeout(400);
  await page.screenshot({path: artifact('phone-glare.png')});

  const layout = await page.evaluate(() => {
    const root = document.querySelector('doc-capture').shadowRoot;
    const box = (sel) => root.querySelector(sel).getBoundingClientRect().toJSON();
    const message = root.querySelector('.message');
    const style = getComputedStyle(message);
    const video = root.querySelector('video');
    // What the overlay drew: amber outline pixels and yellow glare pixels.
    const canvas = root.querySelector('.overlay');
    const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let amber = 0;
    let glare = 0;
    for (let i = 0; i < px.length; i += 4) {
      const [r, g, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
      if (a > 200 && Math.abs(r - 245) < 12 && Math.abs(g - 158) < 14 && b < 40) amber++;
      if (a > 200 && r > 240 && g > 210 && b > 50 && b < 110) glare++;
    }
    return {
      message: box('.message'), shutter: box('.shutter'), pick: box('.pick'), auto: box('.auto'),
      fontSize: parseFloat(style.fontSize), fontWeight: Number(style.fontWeight), colour: style.color,
      background: style.backgroundColor, fit: video.dataset.fit, amber, glare,
      viewport: {width: innerWidth, height: innerHeight},
    };
  });
  // Full-bleed for a portrait camera on a portrait phone.
  assert.equal(layout.fit, 'cover');
  // The message is large, bold, white on near-black, inside the screen and above the controls.
  assert.ok(layout.fontSize >= 18 && layout.fontWeight >= 600, `message font ${layout.fontSize}px ${layout.fontWeight}`);
  assert.equal(layout.colour, 'rgb(255, 255, 255)');
  assert.match(layout.background, /^rgba\(10, 10, 10, 0\.8/);
  assert.ok(layout.message.left >= 0 && layout.message.right <= layout.viewport.width);
  assert.ok(layout.message.bottom <= layout.shutter.top, 'the message overlaps the shutter');
  // Touch targets of at least 44 px.
  for (const name of ['shutter', 'pick', 'auto']) assert.ok(layout[name].height >= 44, `${name} is ${layout[name].height}px tall`);
  assert.ok(layout.amber > 300, `outline not drawn (${layout.amber} px)`);
  assert.ok(layout.glare > 100, `glare box not drawn (${layout.glare} px)`);
});
