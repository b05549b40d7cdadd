// Messages come from a catalogue per language: `lang="zh"` (the page's ?lang=zh) shows
// Simplified Chinese, and without it the widget follows the browser's language.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {startServer, launch, record, renderVideo, renderStill, foreignRequests} from './helpers.mjs';
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

test('lang changed on a shown widget: the last change wins, and the panel, its problems and the live message follow', async () => {
  const browser = await launch({camera: 'none'});
  const {page} = browser;
  /** The panel's title, text, problems and buttons, the live message and the Auto button: what `lang` must change. */
  const shown = () =>
    page.evaluate(() => {
      const root = document.querySelector('doc-capture').shadowRoot;
      const texts = (selector) => [...root.querySelectorAll(selector)].map((n) => n.textContent);
      return {title: root.querySelector('.panel h2').textContent, text: root.querySelector('.panel-text').textContent,
        problems: texts('.panel-problems li'), buttons: texts('.panel-actions button'),
        message: root.querySelector('.message').textContent, auto: root.querySelector('.auto').textContent};
    });
  /** Sets `lang` to each of `codes` in one go, then waits until every catalogue asked for has loaded, and a little more. */
  const setLang = (...codes) =>
    page.evaluate(async (codes) => {
      const widget = document.querySelector('doc-capture');
      for (const code of codes) widget.setAttribute('lang', code);
      await Promise.all(codes.map((code) => import(`./i18n/${code}.js`)));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }, codes);
  const pick = async (file) => {
    const chooser = page.waitForEvent('filechooser');
    await page.locator('doc-capture [data-action="pick"], doc-capture .panel .primary').first().click();
    await (await chooser).setFiles(file);
  };
  try {
    await page.goto(`${server.origin}/`);
    await page.locator('doc-capture .panel h2').filter({hasText: en.camera_missing_title}).waitFor();
    // Chinese, then English at once: English is bundled and comes first; Chinese must not win.
    await setLang('zh', 'en');
    assert.equal((await shown()).auto, en.auto);
    // A keyboard user on "Choose a photo" stays on it.
    await page.locator('doc-capture [data-action="pick"]').focus();
    await setLang('zh');
    assert.deepEqual(await shown(), {title: zh.camera_missing_title, text: zh.camera_missing, problems: [],
      buttons: [zh.try_again, zh.pick_long], message: `${zh.camera_missing_title} — ${zh.camera_missing}`, auto: zh.auto});
    assert.equal(await page.evaluate(() => document.querySelector('doc-capture').shadowRoot.activeElement?.textContent), zh.pick_long);
    // Again with Chinese loaded already.
    await setLang('en', 'zh', 'en');
    assert.equal((await shown()).title, en.camera_missing_title);

    // A photo with problems: the review panel and its list of problems.
    await pick(renderStill('glare'));
    await page.locator('doc-capture .panel h2').filter({hasText: en.review_title}).waitFor();
    await setLang('zh');
    assert.deepEqual(await shown(), {title: zh.review_title, text: '', problems: [zh.glare],
      buttons: [zh.choose_another, zh.use_anyway], message: zh.glare, auto: zh.auto});

    // The front is taken: the panel asks for the back, the live message says so, in either language.
    await pick(renderStill('good'));
    await page.locator('doc-capture .panel h2').filter({hasText: zh.side_title_back}).waitFor();
    await setLang('en');
    const front = en.captured.replace('{side}', en.side_front);
    assert.deepEqual(await shown(), {title: en.side_title_back, text: front, problems: [], buttons: [en.pick_long],
      message: `${front} — ${en.side_title_back}`, auto: en.auto});
  } finally {
    await browser.close();
  }
});
