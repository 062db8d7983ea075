// The benchmark's static server: ONE server for our widget and for the national peer, with the
// SAME compression for both (brotli quality 11 / window 22 and gzip level 9, the settings of
// `cargo xtask dist`), negotiated with `Accept-Encoding` and answered with `Content-Encoding`.
//
// URL layout (ENC is `br`, `gzip` or `identity`: the best coding the page may get, so that one
// browser can measure brotli and gzip transfers separately):
//   /ENC/ours/            host page of <aiguillage-orientation>
//   /ENC/widget/…         target/dist/widget (the loader, hashed glue, wasm, CSS, data/default.bin)
//   /ENC/peer/            host page of <fr-mediation-numerique-orientation> (the package's README)
//   /ENC/floor/?files=…   fetches the listed files all at once (the floor of a link to results)
//   /ENC/peer/…           the installed npm package @gouvfr-anct/cartographie-nationale
//   /engine/              timing page of the engine's JS package (cross-origin isolated: 5 µs timers)
//   /engine/pkg/…         target/dist/engine-js/web
//   /engine/pkg-size/…    the same package in the widget's size profile (target/bench/engine-js-size)
//   /engine/data/…        target/bench/*.bin and target/dist/widget/data/default.bin
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { join, normalize, extname, sep } from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.bin', '.svg']);
const CODINGS = ['br', 'gzip', 'identity'];

export function brotli(bytes) {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

export function gzip(bytes) {
  return zlib.gzipSync(bytes, { level: 9 });
}

/** Every encoding of a file, computed once and kept (so no run pays for compression). */
class Store {
  #cache = new Map();

  get(path, { compress = true } = {}) {
    let entry = this.#cache.get(path);
    if (!entry) {
      const identity = readFileSync(path);
      entry = { identity };
      if (compress && COMPRESSIBLE.has(extname(path))) {
        entry.br = brotli(identity);
        entry.gzip = gzip(identity);
      }
      this.#cache.set(path, entry);
    }
    return entry;
  }
}

function inside(root, rest) {
  const path = normalize(join(root, decodeURIComponent(rest)));
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep) ? path : null;
}

/**
 * Starts the server on a free port of 127.0.0.1. `pages` maps a name (`ours`, `peer`, `engine`) to
 * the HTML of its host page; `roots` maps `widget`, `peer`, `engine`, `data` to folders.
 */
export async function startServer({ roots, pages, preload = [] }) {
  const store = new Store();
  for (const file of preload) store.get(file);
  const log = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const parts = url.pathname.split('/');
    const accepts = (request.headers['accept-encoding'] ?? '').split(',').map((a) => a.trim().split(';')[0]);
    const send = (status, body, headers = {}) => {
      response.writeHead(status, { 'cache-control': 'no-store', ...headers });
      response.end(body);
    };
    const notFound = () => send(404, 'Not found', { 'content-type': 'text/plain; charset=utf-8' });

    if (parts[1] === 'engine') {
      // Cross-origin isolation gives performance.now() a 5 µs resolution instead of 100 µs.
      const isolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
      if (parts.length === 3 && parts[2] === '') {
        return send(200, pages.engine, { 'content-type': TYPES['.html'], ...isolation });
      }
      const root = { pkg: roots.engine, 'pkg-size': roots.engineSize, data: roots.data }[parts[2]] ?? null;
      const path = root && inside(root, parts.slice(3).join('/'));
      if (!path || !existsSync(path) || statSync(path).isDirectory()) return notFound();
      // Local and uncompressed: these pages time the engine, not the network.
      const body = store.get(path, { compress: false }).identity;
      return send(200, body, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...isolation });
    }

    const ceiling = CODINGS.indexOf(parts[1]);
    if (ceiling < 0) return notFound();
    const mount = parts[2];
    const rest = parts.slice(3).join('/');
    let path;
    let html = null;
    if ((mount === 'ours' || mount === 'national' || mount === 'peer' || mount === 'floor') && rest === '') {
      html = pages[mount];
    } else if (mount === 'widget' || mount === 'peer') {
      path = inside(roots[mount], rest);
      if (!path || !existsSync(path) || statSync(path).isDirectory()) return notFound();
      // The build's own precompressed copies are never served as themselves.
      if (/\.(br|gz)$/.test(path)) return notFound();
    } else {
      return notFound();
    }
    const entry = html !== null ? { identity: Buffer.from(html), br: brotli(Buffer.from(html)), gzip: gzip(Buffer.from(html)) } : store.get(path);
    const coding = CODINGS.slice(ceiling).find((c) => c === 'identity' || (entry[c] && accepts.includes(c)));
    const headers = {
      'content-type': html !== null ? TYPES['.html'] : TYPES[extname(path)] ?? 'application/octet-stream',
      vary: 'Accept-Encoding',
    };
    if (coding !== 'identity') headers['content-encoding'] = coding;
    log.push({ path: url.pathname, coding, bytes: entry[coding].length });
    return send(200, entry[coding], headers);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { server, base: `http://127.0.0.1:${port}`, log, close: () => new Promise((r) => server.close(r)) };
}

/** The files of a folder, recursively (to preload the compressed copies). */
export function filesUnder(dir, keep = () => true) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}
