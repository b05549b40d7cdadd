// Makes www/dist/: the widget as a site deploys it. The same plain ES modules as www/ (the
// widget, its worker, still.js, the catalogues and both engine builds, in the same layout),
// with comments and long names taken out by terser, each with a source map beside it that
// carries the original text. Nothing is bundled: each file is minified alone and the relative
// imports between them stay as written. The demo page loads the widget from here, so the
// end-to-end tests and the benchmark's download size are of what a site serves.
//
//   node scripts/build-dist.mjs        (run by scripts/build-wasm.sh, after www/pkg*)
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {minify} from 'terser';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WWW = path.join(ROOT, 'www');
const OUT = path.join(WWW, 'dist');

/** The widget's files, relative to www/; every module they import is among them. */
const MODULES = ['doc-capture.js', 'doc-capture-worker.js', 'still.js', 'i18n/en.js', 'i18n/zh.js', 'pkg/doccheck.js', 'pkg-simd/doccheck.js'];
/** Copied as they are (wasm-opt has already made them small). */
const COPIED = ['pkg/doccheck_bg.wasm', 'pkg-simd/doccheck_bg.wasm'];

/** Every language's catalogue must be in MODULES: the widget imports them by code. */
const catalogues = fs.readdirSync(path.join(WWW, 'i18n')).filter((f) => f.endsWith('.js')).map((f) => `i18n/${f}`);
const missing = catalogues.filter((f) => !MODULES.includes(f));
if (missing.length) throw new Error(`build-dist: add ${missing.join(', ')} to MODULES`);

// Made beside the output and moved into place, so that a server running meanwhile never finds
// the folder half written.
const fresh = `${OUT}.new`;
fs.rmSync(fresh, {recursive: true, force: true});
for (const file of MODULES) {
  const from = path.join(WWW, file);
  const to = path.join(fresh, file);
  fs.mkdirSync(path.dirname(to), {recursive: true});
  const name = path.basename(file);
  const result = await minify(
    {[path.relative(path.dirname(to), from)]: fs.readFileSync(from, 'utf8')},
    {
      module: true,
      ecma: 2020,
      compress: {passes: 2},
      // Nothing of the widget relies on a function's or class's own name.
      mangle: true,
      format: {comments: false},
      sourceMap: {filename: name, url: `${name}.map`, includeSources: true},
    },
  );
  fs.writeFileSync(to, result.code);
  fs.writeFileSync(`${to}.map`, result.map);
}
for (const file of COPIED) fs.copyFileSync(path.join(WWW, file), path.join(fresh, file));
fs.rmSync(`${OUT}.old`, {recursive: true, force: true});
if (fs.existsSync(OUT)) fs.renameSync(OUT, `${OUT}.old`);
fs.renameSync(fresh, OUT);
fs.rmSync(`${OUT}.old`, {recursive: true, force: true});

const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
for (const file of [...MODULES, ...COPIED]) {
  const before = fs.statSync(path.join(WWW, file)).size;
  console.log(`www/dist/${file}: ${kb(fs.statSync(path.join(OUT, file)).size)} (from ${kb(before)})`);
}
