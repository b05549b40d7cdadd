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
import net from 'node:net';
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

/** Starts serve.py with `args` and a fresh certificate cache; resolves with its output once it serves. */
async function serve(args) {
  const cache = mkdtempSync(join(tmpdir(), 'doccheck-serve-'));
  const child = spawn('python3', [join(REPO, 'scripts', 'serve.py'), '--port', '0', '--https-port', '0', '--quiet', ...args], {
    env: {...process.env, XDG_CACHE_HOME: cache},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const stop = () => {
    child.kill();
    rmSync(cache, {recursive: true, force: true});
  };
  try {
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
  } catch (e) {
    stop();
    throw e;
  }
  return {out, stop};
}

test('HTTP and HTTPS servers send the CSP and the right content types, list no folders, and one silent client holds up no other', async () => {
  // HTTPS on 127.0.0.1 only: reachable here, and said to be out of a phone's reach.
  const {out, stop} = await serve(['--https-host', '127.0.0.1']);
  try {
    const httpPort = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)[1];
    const [, httpsPort] = /over HTTPS: +https:\/\/127\.0\.0\.1:(\d+)\/ \(HTTPS listens on 127\.0\.0\.1 only: a phone cannot reach it\)/.exec(out) ?? [];
    assert.ok(httpsPort, out);
    assert.doesNotMatch(out, /on your phone/);
    assert.match(out, /on this computer: +http:\/\/localhost:\d+\//);

    for (const [path, type] of [['/', 'text/html'], ['/dist/doc-capture.js', 'text/javascript'], ['/dist/pkg/doccheck_bg.wasm', 'application/wasm'], ['/dist/doc-capture.js.map', 'application/json']]) {
      const plain = await fetch(`http://127.0.0.1:${httpPort}${path}`);
      assert.equal(plain.status, 200, path);
      assert.equal(plain.headers.get('content-security-policy'), CSP);
      assert.match(plain.headers.get('content-type'), new RegExp(`^${type}`));
      const secure = await get(`https://127.0.0.1:${httpsPort}${path}`);
      assert.equal(secure.status, 200, path);
      assert.equal(secure.headers['content-security-policy'], CSP);
      assert.match(secure.headers['content-type'], new RegExp(`^${type}`));
      if (path === '/') {
        assert.match(secure.cert.subjectaltname, /DNS:localhost/);
        assert.match(secure.cert.subjectaltname, /IP Address:127\.0\.0\.1/);
        // A server's certificate (Apple devices require serverAuth), not an authority.
        assert.ok(secure.cert.ext_key_usage?.includes('1.3.6.1.5.5.7.3.1'), JSON.stringify(secure.cert.ext_key_usage));
        assert.equal(secure.cert.ca, false);
      }
    }
    const missing = await fetch(`http://127.0.0.1:${httpPort}/nope.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-security-policy'), CSP);
    // No folder listings, as on a production site.
    assert.equal((await fetch(`http://127.0.0.1:${httpPort}/pkg/`)).status, 404);

    // A client that connects to HTTPS and says nothing (a phone gone mid-handshake) does not
    // hold up the next one.
    const silent = net.connect(Number(httpsPort), '127.0.0.1');
    await new Promise((resolve) => silent.on('connect', resolve));
    try {
      const started = Date.now();
      const secure = await get(`https://127.0.0.1:${httpsPort}/`);
      assert.equal(secure.status, 200);
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    } finally {
      silent.destroy();
    }
  } finally {
    stop();
  }
});

test('HTTPS on all addresses: the phone URL for the LAN address, in the certificate and a QR code', async () => {
  const {out, stop} = await serve([]);
  try {
    const phone = /on your phone: +https:\/\/([\d.]+):(\d+)\//.exec(out);
    if (!phone) {
      // A machine with no LAN says so instead of printing an address a phone cannot reach.
      assert.match(out, /over HTTPS: +https:\/\/127\.0\.0\.1:\d+\/ \(no LAN address found: a phone cannot reach it\)/);
      return;
    }
    const [, lanIp, httpsPort] = phone;
    assert.ok((out.match(/▀/g) ?? []).length > 200, 'no QR code printed');
    assert.match(out, /Android Chrome: Advanced > Proceed; iOS Safari: Show Details > visit this website/);
    const secure = await get(`https://127.0.0.1:${httpsPort}/`);
    assert.equal(secure.status, 200);
    assert.match(secure.cert.subjectaltname, new RegExp(`IP Address:${lanIp.replace(/\./g, '\\.')}`));
  } finally {
    stop();
  }
});
