// scripts/serve.py as `make serve` runs it: HTTP on localhost, HTTPS with a self-signed
// certificate for the LAN address it prints (with a QR code), the CSP and the right types on
// every response. Here HTTPS listens on 127.0.0.1 only and is reached there.

import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import https from 'node:https';
import {REPO} from './helpers.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'";

/** GET over HTTPS, accepting the self-signed certificate; returns status, headers and certificate. */
function get(url) {
  return new Promise((resolve, reject) => {
    https
      .get(url, {rejectUnauthorized: false}, (res) => {
        const cert = res.socket.getPeerCertificate();
        res.resume();
        res.on('end', () => resolve({status: res.statusCode, headers: res.headers, cert}));
      })
      .on('error', reject);
  });
}

test('HTTP and HTTPS servers send the CSP and the right content types; the LAN URL comes with a QR code', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'doccheck-serve-'));
  const child = spawn('python3', [join(REPO, 'scripts', 'serve.py'), '--port', '0', '--https-port', '0', '--https-host', '127.0.0.1', '--quiet'], {
    env: {...process.env, XDG_CACHE_HOME: cache},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 30000);
      const check = setInterval(() => {
        if (/Ctrl-C to stop/.test(out)) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 50);
    });
    const httpPort = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)[1];
    const [, lanIp, httpsPort] = /on your phone: +https:\/\/([\d.]+):(\d+)\//.exec(out);
    assert.match(out, /on this computer: +http:\/\/localhost:\d+\//);
    assert.ok((out.match(/▀/g) ?? []).length > 200, 'no QR code printed');

    for (const [path, type] of [['/', 'text/html'], ['/doc-capture.js', 'text/javascript'], ['/pkg/doccheck_bg.wasm', 'application/wasm']]) {
      const plain = await fetch(`http://127.0.0.1:${httpPort}${path}`);
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers.get('content-security-policy'), CSP);
      assert.match(plain.headers.get('content-type'), new RegExp(`^${type}`));
      const secure = await get(`https://127.0.0.1:${httpsPort}${path}`);
      assert.equal(secure.status, 200, path);
      assert.equal(secure.headers['content-security-policy'], CSP);
      assert.match(secure.headers['content-type'], new RegExp(`^${type}`));
      if (path === '/') {
        // The certificate names the LAN address the phone will use.
        assert.match(secure.cert.subjectaltname, new RegExp(`IP Address:${lanIp.replace(/\./g, '\\.')}`));
        assert.match(secure.cert.subjectaltname, /DNS:localhost/);
      }
    }
    const missing = await fetch(`http://127.0.0.1:${httpPort}/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), CSP);
  } finally {
    child.kill();
    rmSync(cache, {recursive: true, force: true});
  }
});
