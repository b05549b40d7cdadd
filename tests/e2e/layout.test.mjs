// Phones of other shapes: held sideways (844×390 CSS px, a portrait camera shown whole), the
// shutter, Upload and Auto stay on screen in a column at the side, the message stays clear of
// them and of the guide, and a photo under review sits beside its panel; on a 320 px wide phone
// the demo page does not scroll sideways.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, renderVideo, renderStill} from './helpers.mjs';

let server;
let video;

before(async () => {
  server = await startServer();
  video = renderVideo(['far'], {frames: 8, fps: 15, width: 540, height: 960});
});

after(() => server?.stop());

/** Geometry of the widget's parts, in CSS px of the viewport. */
async function layout(page) {
  return page.evaluate(() => {
    const root = document.querySelector('doc-capture').shadowRoot;
    const box = (sel) => root.querySelector(sel).getBoundingClientRect().toJSON();
    // Rows of the overlay where the dashed guide is drawn (white pixels) and where the message is.
    const canvas = root.querySelector('.overlay');
    const g = canvas.getContext('2d', {willReadFrequently: true});
    const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    let guideBottom = -1;
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x += 2) {
        const i = 4 * (y * canvas.width + x);
        if (data[i + 3] > 100 && data[i] > 200 && data[i + 1] > 200 && data[i + 2] > 200) {
          guideBottom = y;
          break;
        }
      }
    }
    return {
      viewport: [innerWidth, innerHeight],
      scrollWidth: document.documentElement.scrollWidth,
      host: document.querySelector('doc-capture').getBoundingClientRect().toJSON(),
      stageTop: box('.stage').top,
      pick: box('.pick'),
      shutter: box('.shutter'),
      auto: box('.auto'),
      message: box('.message'),
      guideBottom: guideBottom < 0 ? null : box('.stage').top + guideBottom / scale,
    };
  });
}

/** The demo page on a phone of this size, once the widget shows a message. */
async function live(viewport) {
  const browser = await launch({video, viewport});
  await browser.page.goto(`${server.origin}/`);
  await browser.page.locator('doc-capture .message').filter({hasText: /\S/}).waitFor({timeout: 20000});
  await browser.page.waitForTimeout(400);
  return browser;
}

const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test('held sideways: the controls stay on screen, and the message clear of them and of the guide', async () => {
  const browser = await live({width: 844, height: 390});
  try {
    const {page} = browser;
    const l = await layout(page);
    for (const name of ['pick', 'shutter', 'auto']) {
      const r = l[name];
      assert.ok(r.top >= 0 && r.bottom <= l.viewport[1] && r.right <= l.viewport[0], `${name} off screen: ${JSON.stringify(r)} in ${l.viewport}`);
      assert.ok(r.top >= l.host.top && r.bottom <= l.host.bottom, `${name} outside the widget: ${JSON.stringify(r)}`);
      assert.ok(!overlaps(l.message, r), `the message covers ${name}: ${JSON.stringify(l.message)} ${JSON.stringify(r)}`);
    }
    assert.ok(l.message.width > 0 && l.message.bottom <= l.host.bottom, `message ${JSON.stringify(l.message)}`);
    assert.ok(l.guideBottom !== null, 'no guide drawn');
    assert.ok(l.guideBottom <= l.message.top, `the guide runs under the message: guide to ${l.guideBottom}, message from ${l.message.top}`);
    // A chosen photo with a problem (the card too far) goes to review: the photo beside the
    // panel, big enough to judge, and nothing over it.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('doc-capture .pick').click()]);
    await chooser.setFiles(renderStill('far'));
    await page.locator('doc-capture .panel').waitFor({state: 'visible', timeout: 20000});
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => {
      const root = document.querySelector('doc-capture').shadowRoot;
      const box = (sel) => root.querySelector(sel).getBoundingClientRect().toJSON();
      return {host: document.querySelector('doc-capture').getBoundingClientRect().toJSON(), still: box('.still'), panel: box('.panel'), bar: box('.bar')};
    });
    assert.ok(r.still.height >= 0.5 * r.host.height, `the photo under review is ${r.still.height} px high in ${r.host.height}`);
    assert.ok(!overlaps(r.still, r.panel), `the panel covers the photo: ${JSON.stringify(r.still)} ${JSON.stringify(r.panel)}`);
    assert.ok(!overlaps(r.bar, r.panel), `the sides bar runs under the panel: ${JSON.stringify(r.bar)} ${JSON.stringify(r.panel)}`);
    assert.ok(r.panel.top >= r.host.top && r.panel.bottom <= r.host.bottom + 1, `panel ${JSON.stringify(r.panel)}`);
  } finally {
    await browser.close();
  }
});

test('a 320 px wide phone: no sideways scroll, Upload labelled, and the message clear of the guide', async () => {
  const browser = await live({width: 320, height: 568});
  try {
    const {page} = browser;
    const l = await layout(page);
    assert.ok(l.scrollWidth <= 320, `the page is ${l.scrollWidth} px wide`);
    // Upload keeps its word on screen (a touch screen never shows a title).
    const label = await page.evaluate(() => {
      const r = document.querySelector('doc-capture').shadowRoot.querySelector('.pick .label').getBoundingClientRect();
      return {width: r.width, right: r.right};
    });
    assert.ok(label.width > 0 && label.right <= 320, `Upload's label: ${JSON.stringify(label)}`);
    assert.ok(l.guideBottom !== null && l.guideBottom <= l.message.top, `guide to ${l.guideBottom}, message from ${l.message.top}`);
  } finally {
    await browser.close();
  }
});
