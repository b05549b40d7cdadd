// Messages come from a catalogue per language: `lang="zh"` (the page's ?lang=zh) shows
// Simplified Chinese, and without it the widget follows the browser's language.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, record, renderVideo, foreignRequests} from './helpers.mjs';
import zh from '../../www/i18n/zh.js';
import en from '../../www/i18n/en.js';

let server;
let video;

before(async () => {
  server = await startServer();
  video = renderVideo(['glare'], {frames: 10, fps: 15});
});

after(() => server?.stop());

/** The widget's live message once it says `text`, and its controls' accessible names. */
async function ui(page, text) {
  const message = page.locator('doc-capture .message');
  await message.filter({hasText: text}).waitFor({timeout: 20000});
  return {
    message: await message.textContent(),
    shutter: await page.locator('doc-capture .shutter').getAttribute('aria-label'),
    pick: await page.locator('doc-capture .pick').textContent(),
    side: await page.locator('doc-capture .side').first().textContent(),
    live: await message.getAttribute('aria-live'),
  };
}

test('catalogues have the same keys, one message per problem code', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  for (const code of ['no_document', 'corners_cut_off', 'too_far', 'too_close', 'corner_covered', 'tilted', 'too_dark',
    'too_bright', 'glare', 'uneven_lighting', 'blurry', 'moving', 'low_resolution', 'grayscale', 'ready']) {
    assert.ok(en[code] && zh[code], code);
    assert.match(zh[code], /[\u4e00-\u9fff]/, `${code} is not in Chinese`);
  }
});

test('?lang=zh shows Chinese in the widget and on the page', async () => {
  const browser = await launch({video});
  try {
    const log = await record(browser.context, browser.page);
    await browser.page.goto(`${server.origin}/?lang=zh`);
    const shown = await ui(browser.page, zh.glare);
    assert.deepEqual(shown, {message: zh.glare, shutter: zh.shutter, pick: zh.pick, side: zh.side_front, live: 'polite'});
    assert.equal(await browser.page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal(await browser.page.locator('.privacy').textContent(), '照片只在本设备上检查，不会上传。');
    assert.deepEqual(log.violations, []);
    assert.deepEqual(foreignRequests(log, server.origin), []);
  } finally {
    await browser.close();
  }
});

test('without lang, a browser set to Chinese gets Chinese; ?lang=en overrides it', async () => {
  const browser = await launch({video, locale: 'zh-CN'});
  try {
    await browser.page.goto(`${server.origin}/`);
    assert.equal((await ui(browser.page, zh.glare)).message, zh.glare);
    await browser.page.goto(`${server.origin}/?lang=en`);
    assert.equal((await ui(browser.page, en.glare)).message, en.glare);
  } finally {
    await browser.close();
  }
});
