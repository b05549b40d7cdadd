// WebKit for the end-to-end tests: WebKitGTK's WebKitWebDriver (Debian's webkit2gtk-driver)
// under a virtual X display (xvfb-run), and a small W3C WebDriver client over plain fetch.
// Every request has a timeout: without a display, or when the browser cannot start, the driver
// never answers a new-session request, and a test must fail rather than hold up the run.

import {spawn} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {createServer} from 'node:net';
import {join} from 'node:path';

export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver';
const XVFB_RUN = '/usr/bin/xvfb-run';
// The keys W3C WebDriver gives element and shadow-root references under.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const SHADOW_ROOT = 'shadow-6066-11e4-a52e-4f735466cecf';
/** The longest a page load or an in-page script may take (the session's own timeouts). */
const PAGE_MS = 20000;
/** The longest any other request may take. */
const REQUEST_MS = 10000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One WebDriver request; throws on an error answer, and when no answer comes in `timeout` ms. */
async function request(url, method, body, timeout = REQUEST_MS) {
  let response;
  let answer;
  try {
    response = await fetch(url, {
      method,
      headers: {'content-type': 'application/json; charset=utf-8'},
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    answer = await response.json();
  } catch (e) {
    const why = e.name === 'TimeoutError' ? `no answer in ${timeout / 1000} s` : e.message;
    throw new Error(`WebDriver ${method} ${new URL(url).pathname}: ${why}`);
  }
  if (!response.ok) {
    throw new Error(`WebDriver ${method} ${new URL(url).pathname}: ${answer.value?.error}: ${answer.value?.message}`);
  }
  return answer.value;
}

/** A free TCP port of 127.0.0.1 (WebKitWebDriver takes a port, not 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const {port} = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** MiniBrowser, the browser libwebkit2gtk ships for automation, under the multiarch folder. */
function findMiniBrowser() {
  for (const arch of readdirSync('/usr/lib')) {
    const path = join('/usr/lib', arch, 'webkit2gtk-4.1', 'MiniBrowser');
    if (existsSync(path)) return path;
  }
  return null;
}

/** A WebDriver session: what the tests do with the browser. */
class Session {
  #url;

  constructor(url) {
    this.#url = url;
  }

  #call(method, path, body, timeout) {
    return request(`${this.#url}${path}`, method, body, timeout);
  }

  navigate(url) {
    return this.#call('POST', '/url', {url}, PAGE_MS + 5000);
  }

  /** Runs `fn(...args)` in the page; returns its result (JSON-like values only). */
  execute(fn, ...args) {
    return this.#call('POST', '/execute/sync', {script: `return (${fn}).apply(null, arguments);`, args});
  }

  /** Runs the async `fn(...args)` in the page; returns what it resolves to, throws what it rejects with. */
  async executeAsync(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((value) => done({value}), (e) => done({error: String(e?.stack ?? e)}));`;
    const {value, error} = await this.#call('POST', '/execute/async', {script, args}, PAGE_MS + 5000);
    if (error) throw new Error(`in the page: ${error}`);
    return value;
  }

  /** The first element of the page that matches a CSS selector, as a WebDriver element id. */
  async findElement(selector) {
    return (await this.#call('POST', '/element', {using: 'css selector', value: selector}))[ELEMENT];
  }

  /** An element's open shadow root, as a WebDriver shadow-root id. */
  async shadowRoot(element) {
    return (await this.#call('GET', `/element/${element}/shadow`))[SHADOW_ROOT];
  }

  async findInShadowRoot(root, selector) {
    return (await this.#call('POST', `/shadow/${root}/element`, {using: 'css selector', value: selector}))[ELEMENT];
  }

  /** Types `text` into an element; for `<input type="file">`, `text` is the path of a file to choose. */
  sendKeys(element, text) {
    return this.#call('POST', `/element/${element}/value`, {text});
  }

  quit() {
    return this.#call('DELETE', '', undefined, 5000);
  }
}

/**
 * Starts WebKitWebDriver on a free port under Xvfb and opens a session in MiniBrowser, with no
 * camera, or with `camera` WebKit's mock camera (a moving test pattern, camera access granted).
 * `stop()` ends the session and kills Xvfb, the driver and the browser (their process group);
 * it is also done when the test process exits, whatever happened before.
 * @param {{camera?: boolean}} [o]
 * @returns {Promise<{session: Session, stop: () => Promise<void>}>}
 */
export async function startWebKit({camera = false} = {}) {
  const browser = findMiniBrowser();
  const missing = [WEBKIT_DRIVER, XVFB_RUN].filter((path) => !existsSync(path));
  if (!browser) missing.push('/usr/lib/*/webkit2gtk-4.1/MiniBrowser');
  if (missing.length > 0) {
    throw new Error(`WebKit is not installed: no ${missing.join(', ')}. Run \`scripts/setup.sh browser\` ` +
      '(it installs the apt packages webkit2gtk-driver, xvfb and xauth)');
  }
  const port = await freePort();
  const child = spawn(XVFB_RUN, ['-a', '-s', '-screen 0 1280x1024x24', WEBKIT_DRIVER, `--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // a process group of its own, so that one signal reaches Xvfb, the driver and the browser
  });
  let output = '';
  const keep = (d) => (output = (output + d).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const killAtExit = () => kill('SIGKILL');
  process.on('exit', killAtExit);

  const driver = `http://127.0.0.1:${port}`;
  let session = null;
  const stop = async () => {
    await session?.quit().catch(() => {});
    kill('SIGTERM');
    await Promise.race([exited, sleep(5000)]);
    kill('SIGKILL');
    process.off('exit', killAtExit);
  };
  try {
    for (const deadline = Date.now() + 15000; ; await sleep(100)) {
      if (child.exitCode !== null) throw new Error(`xvfb-run exited with ${child.exitCode}`);
      if (await request(`${driver}/status`, 'GET', undefined, 1000).then((s) => s.ready, () => false)) break;
      if (Date.now() > deadline) throw new Error('WebKitWebDriver did not answer /status in 15 s');
    }
    const created = await request(`${driver}/session`, 'POST', {
      capabilities: {
        alwaysMatch: {
          // Without --automation MiniBrowser never lets the driver in, and the request never ends.
          'webkitgtk:browserOptions': {
            binary: browser,
            args: ['--automation', ...(camera ? ['--enable-media-stream=true', '--enable-mock-capture-devices=true'] : [])],
          },
        },
      },
    }, 20000);
    session = new Session(`${driver}/session/${created.sessionId}`);
    await request(`${driver}/session/${created.sessionId}/timeouts`, 'POST', {script: PAGE_MS, pageLoad: PAGE_MS, implicit: 0});
    return {session, stop};
  } catch (e) {
    await stop();
    throw new Error(`${e.message}\n${output}`);
  }
}
