// Embedding as the README says: www/dist/ copied into a folder of another site, the element
// added by the README's lines under the strict CSP, a photo of the front taken from the camera.
// Also: every minified file carries a source map that gives back its source as written.

import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {startServer, launch, record, renderVideo, waitForEvents, tempPath} from './helpers.mjs';

const WWW = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www');
const DIST = join(WWW, 'dist');

let server;
let browser;
let log;

/** A site of its own: index.html and app.js, with www/dist copied to /doccheck/. */
function site() {
  const dir = tempPath('embed-site');
  mkdirSync(dir, {recursive: true});
  cpSync(DIST, join(dir, 'doccheck'), {recursive: true});
  writeFileSync(join(dir, 'index.html'), `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Onboarding</title>
<script type="module" src="/doccheck/doc-capture.js"></script>
<script type="module" src="/app.js"></script>
<link rel="stylesheet" href="/site.css">
</head>
<body>
<doc-capture sides="front back"></doc-capture>
</body>
</html>
`);
  writeFileSync(join(dir, 'site.css'), 'doc-capture { display: block; height: 640px; }\n');
  writeFileSync(join(dir, 'app.js'), `window.uploads = [];
document.querySelector('doc-capture').addEventListener('capture', (e) => window.uploads.push({side: e.detail.side, bytes: e.detail.blob.size, type: e.detail.blob.type}));
`);
  return dir;
}

before(async () => {
  server = await startServer({dir: site()});
  browser = await launch({video: renderVideo(['good'], {frames: 20, fps: 15})});
  log = await record(browser.context, browser.page);
  await browser.page.goto(`${server.origin}/`);
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('www/dist copied into a folder of another site: the README\'s lines take the front from the camera', async () => {
  await waitForEvents(browser.page, () => window.__events.some((e) => e.type === 'capture'));
  const uploads = await browser.page.evaluate(() => window.uploads);
  assert.equal(uploads[0]?.side, 'front', JSON.stringify(uploads));
  assert.equal(uploads[0].type, 'image/jpeg');
  assert.ok(uploads[0].bytes > 10000, JSON.stringify(uploads));
  const front = (await browser.page.evaluate(() => window.__events)).find((e) => e.type === 'capture');
  assert.ok(front.ready, `front photo not ready: ${front.problems}`);
  assert.deepEqual(log.violations, []);
  assert.deepEqual(log.pageErrors, []);
  // Everything came from the site's own folder, the engine included.
  const paths = log.requests.filter((r) => !/^(blob|data):/.test(r.url)).map((r) => new URL(r.url).pathname);
  assert.deepEqual(paths.filter((p) => !['/', '/app.js', '/site.css'].includes(p) && !p.startsWith('/doccheck/')), []);
  assert.ok(paths.some((p) => /^\/doccheck\/pkg(-simd)?\/doccheck_bg\.wasm$/.test(p)), paths.join(' '));
});

test('each minified file of www/dist has a source map that gives back its source as written', () => {
  const scripts = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const f = join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.js')) scripts.push(f);
    }
  };
  walk(DIST);
  assert.ok(scripts.length >= 7, scripts.join(' '));
  for (const file of scripts) {
    const name = relative(DIST, file);
    const code = readFileSync(file, 'utf8');
    const source = readFileSync(join(WWW, name), 'utf8');
    assert.ok(code.length < source.length, `${name} is not minified: ${code.length} of ${source.length} bytes`);
    assert.ok(code.endsWith(`//# sourceMappingURL=${name.split('/').pop()}.map`), `${name} names no map`);
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
    assert.equal(map.sources.length, 1, name);
    // The map's source path leads from the map's folder to the file in www/.
    assert.ok(existsSync(join(dirname(file), map.sources[0])), `${name}: ${map.sources[0]}`);
    assert.equal(map.sourcesContent[0], source, `${name}: the map holds another text`);
    assert.ok(map.mappings.length > 100, name);
  }
});
