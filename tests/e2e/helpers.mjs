// Shared pieces of the end-to-end tests: the demo server (scripts/serve.py, with its CSP),
// fake-camera videos rendered by the native CLI, Chromium with a camera fed from such a video,
// and recorders for the widget's events, network requests and CSP violations.

import {spawn, execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, existsSync, mkdirSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join, dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {chromium} from 'playwright-core';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW = join(REPO, 'www');
export const CLI = process.env.DOCCHECK_CLI ?? join(REPO, 'target', 'release', 'doccheck');
export const SHARED = process.env.DOCCHECK_SHARED ?? join(REPO, '..', 'shared');
export const ARTIFACTS = join(REPO, 'tests', 'e2e', 'artifacts');
/** Big enough for the card to pass `low_resolution` (528 px across), small enough to be quick. */
export const VIDEO = {width: 960, height: 540};

const scratch = mkdtempSync(join(tmpdir(), 'doccheck-e2e-'));
process.on('exit', () => rmSync(scratch, {recursive: true, force: true}));

export function tempPath(name) {
  return join(scratch, name);
}

/**
 * A Y4M video of generated scenes (see `doccheck scene`), written to a temp folder.
 * @param {string[]} kinds @param {{frames?: number, fps?: number, width?: number, height?: number}} [o]
 */
export function renderVideo(kinds, {frames = 20, fps = 15, width = VIDEO.width, height = VIDEO.height} = {}) {
  const out = tempPath(`${kinds.join('-')}-${frames}-${fps}-${width}x${height}.y4m`);
  if (!existsSync(out)) {
    execFileSync(CLI, ['scene', '--kinds', kinds.join(','), '--width', String(width), '--height', String(height),
      '--frames', String(frames), '--fps', String(fps), '--out', out]);
  }
  return out;
}

/** One generated scene as a PNG (lossless: the browser sees the CLI's exact pixels). */
export function renderStill(kind, {width = VIDEO.width, height = VIDEO.height} = {}) {
  const out = tempPath(`${kind}-${width}x${height}.png`);
  if (!existsSync(out)) execFileSync(CLI, ['scene', '--kinds', kind, '--width', String(width), '--height', String(height), '--out', out]);
  return out;
}

/** The native CLI's report on a file (`doccheck check`), minus the file name. */
export function nativeReport(file) {
  let text;
  try {
    text = execFileSync(CLI, ['check', file], {encoding: 'utf8'});
  } catch (e) {
    text = e.stdout;
  }
  const report = JSON.parse(text.trim().split('\n')[0]);
  delete report.file;
  return report;
}

/** Starts scripts/serve.py on a free port of 127.0.0.1 (HTTP only, with the CSP header), serving `dir`. */
export async function startServer({dir = WWW} = {}) {
  const child = spawn('python3', [join(REPO, 'scripts', 'serve.py'), '--dir', dir, '--port', '0', '--no-https', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const origin = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve.py did not start: ${out}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`serve.py exited with ${code}: ${out}`)));
  });
  return {origin, stop: () => child.kill()};
}

const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

/**
 * Chromium with a fake camera: `video` (a Y4M file) plays as the camera, permission granted.
 * `camera: 'deny'` refuses permission; `camera: 'none'` has no camera at all.
 * @param {{video?: string, camera?: 'fake' | 'deny' | 'none', viewport?: {width: number, height: number}, locale?: string, args?: string[]}} o
 */
export async function launch({video, camera = 'fake', viewport = {width: 390, height: 844}, locale = 'en-US', args = []} = {}) {
  const flags = [...BASE_ARGS, ...args];
  if (camera === 'fake') {
    flags.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream');
    if (video) flags.push(`--use-file-for-fake-video-capture=${video}`);
  } else if (camera === 'deny') {
    flags.push('--use-fake-device-for-media-stream', '--deny-permission-prompts');
  }
  const profile = mkdtempSync(join(tmpdir(), 'doccheck-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: flags,
    viewport,
    deviceScaleFactor: 1,
    locale,
    isMobile: false,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, {recursive: true, force: true});
  };
  return {context, page, close};
}

/**
 * Records what the page does that a test must check: every request (page and workers), CSP
 * violations, uncaught errors, and the widget's events (feedback, capture, retake, error).
 * @param {import('playwright-core').BrowserContext} context @param {import('playwright-core').Page} page
 */
export async function record(context, page) {
  const log = {requests: [], violations: [], pageErrors: [], console: []};
  context.on('request', (r) => log.requests.push({url: r.url(), method: r.method()}));
  page.on('console', (m) => {
    log.console.push(`${m.type()}: ${m.text()}`);
    if (/Content Security Policy|Refused to/i.test(m.text())) log.violations.push(m.text());
  });
  page.on('pageerror', (e) => log.pageErrors.push(String(e)));
  await page.exposeFunction('__cspViolation', (v) => log.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI}`),
    );
    const events = (window.__events = []);
    window.__captures = [];
    const attach = () => {
      const el = document.querySelector('doc-capture');
      if (!el || el.__recorded) return;
      el.__recorded = true;
      const t0 = performance.now();
      el.addEventListener('feedback', (e) => {
        const r = e.detail;
        events.push({type: 'feedback', t: performance.now() - t0, ready: r.ready, problems: r.problems});
      });
      el.addEventListener('capture', (e) => {
        window.__captures.push(e.detail);
        const {side, width, height, report, source, blob} = e.detail;
        events.push({type: 'capture', t: performance.now() - t0, side, width, height, source, size: blob.size,
          mime: blob.type, ready: report.ready, problems: report.problems, quad: report.quad});
      });
      el.addEventListener('retake', (e) => events.push({type: 'retake', side: e.detail.side}));
      el.addEventListener('error', (e) => events.push({type: 'error', ...e.detail}));
    };
    document.addEventListener('DOMContentLoaded', attach);
  });
  return log;
}

/** Waits until the recorded events satisfy `test` (evaluated in the page). */
export async function waitForEvents(page, test, timeout = 30000) {
  await page.waitForFunction(test, undefined, {timeout, polling: 100});
  return page.evaluate(() => window.__events);
}

/** The JPEG bytes of the `index`-th capture event. */
export async function captureBytes(page, index) {
  const b64 = await page.evaluate(async (i) => {
    const blob = window.__captures[i].blob;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
    return btoa(s);
  }, index);
  return Buffer.from(b64, 'base64');
}

/**
 * Every request went to the page's own origin, for a file that exists in www/ (or to blob:
 * and data: URLs the page made itself).
 */
export function foreignRequests(log, origin) {
  return log.requests.filter(({url, method}) => {
    if (url.startsWith('blob:') || url.startsWith('data:')) return false;
    if (!url.startsWith(`${origin}/`) || method !== 'GET') return true;
    const path = decodeURIComponent(new URL(url).pathname);
    const file = join(WWW, path.endsWith('/') ? `${path}index.html` : path);
    return !existsSync(file);
  });
}

export function artifact(name) {
  mkdirSync(ARTIFACTS, {recursive: true});
  return join(ARTIFACTS, name);
}

/** The distinct consecutive top codes of feedback events ('ready' when ready). */
export function phases(events) {
  const out = [];
  for (const e of events) {
    if (e.type !== 'feedback') continue;
    const code = e.ready ? 'ready' : e.problems[0];
    if (out[out.length - 1] !== code) out.push(code);
  }
  return out;
}
