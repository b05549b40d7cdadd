// The benchmarks' static server (bench/run.mjs, bench/ab.mjs): folders mounted under URL
// prefixes on 127.0.0.1, nothing served from outside them.
import http from 'node:http';
import fsp from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.y4m': 'application/octet-stream',
};

/**
 * Starts the server on a free port; resolves to the `http.Server`.
 * - `mounts`: `[prefix, folder]` pairs, the first prefix that matches a path wins;
 * - `routes`: fixed answers by path, `{type, body}`;
 * - `rewrite(path)`: the path looked up for a requested one (such as a folder's index.html);
 * - `isolated(path)`: whether the answer to a requested path is cross-origin isolated, so
 *   that a page's performance.now() has its fine (5 µs) resolution.
 * @param {{mounts: [string, string][], routes?: Record<string, {type: string, body: string}>,
 *   rewrite?: (p: string) => string, isolated?: (p: string) => boolean}} o
 */
export function serveStatic({ mounts, routes = {}, rewrite = (p) => p, isolated = () => false }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const headers = { 'Cache-Control': 'no-store' };
    if (isolated(url.pathname)) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const route = routes[url.pathname];
    if (route) {
      res.writeHead(200, { ...headers, 'Content-Type': route.type });
      res.end(route.body);
      return;
    }
    const pathname = rewrite(decodeURIComponent(url.pathname));
    const mount = mounts.find(([prefix]) => pathname.startsWith(prefix));
    const file = mount && path.resolve(mount[1], '.' + pathname.slice(mount[0].length - 1));
    if (!mount || !file.startsWith(mount[1] + path.sep)) {
      res.writeHead(404, headers);
      res.end('not found');
      return;
    }
    try {
      const body = await fsp.readFile(file);
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers);
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
