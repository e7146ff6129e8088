// `npm run example:web`: a static server for the web example, bound to 127.0.0.1 only. It serves the
// page (examples/web/), the compiled library (dist/), the prebuilt kernel library (build/) and the two
// packages the page imports by bare name (node_modules/{flatbuffers,wabt}); nothing else, no
// directory listings, no path outside those folders.
//
//   node dist/examples/web/serve.js [--port N]     (or PORT=N; default 8080; 0 picks a free port)
import { existsSync, statSync, createReadStream } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_PORT = 8080;
export const HOST = '127.0.0.1';

/** The repository root: the nearest folder above this file with a package.json (works from dist/ too). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('serve: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.tflite': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
};

/** URL prefix -> folder (relative to the repository root). The first matching prefix wins. */
const MOUNTS: Array<[string, string]> = [
  ['/examples/web/', 'examples/web'],
  ['/dist/', 'dist'],
  ['/build/', 'build'],
  ['/node_modules/flatbuffers/', 'node_modules/flatbuffers'],
  ['/node_modules/wabt/', 'node_modules/wabt'],
];

/** The file a request path maps to, or null (outside every mount, traversal, not a file). */
export function resolveRequest(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path.split('/').some((part) => part === '..' || part === '.')) return null;
  for (const [prefix, folder] of MOUNTS) {
    if (!path.startsWith(prefix)) continue;
    const base = resolve(root, folder);
    let file = resolve(base, '.' + path.slice(prefix.length - 1));
    if (file !== base && !file.startsWith(base + sep)) return null;
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    return existsSync(file) && statSync(file).isFile() ? file : null;
  }
  return null;
}

export interface StartedServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

export function startServer(options: { port?: number; root?: string } = {}): Promise<StartedServer> {
  const root = options.root ?? repoRoot();
  const server = createServer((req, res) => {
    const send = (status: number, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    const urlPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
    if (urlPath === '/' || urlPath === '/examples/web') return send(302, 'see /examples/web/\n', { Location: '/examples/web/' });
    const file = resolveRequest(root, urlPath);
    if (!file) return send(404, 'not found\n');
    const { size } = statSync(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_PORT);
      resolvePromise({
        server,
        port,
        url: `http://${HOST}:${port}/examples/web/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

function portFromArgs(argv: string[]): number {
  const i = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const text = i < 0 ? process.env.PORT : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: --port takes 0..65535, got "${text}"`);
    process.exit(2);
  }
  return port;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = repoRoot();
  if (!existsSync(join(root, 'dist', 'src', 'index.js'))) {
    console.error('serve: dist/ is missing; run `npm run build` first (npm run example:web does)');
    process.exit(1);
  }
  startServer({ port: portFromArgs(process.argv.slice(2)), root }).then(
    (s) => console.log(`tinyforge web example: ${s.url}  (127.0.0.1 only; Ctrl+C stops)`),
    (e: NodeJS.ErrnoException) => {
      console.error(`serve: cannot listen on ${HOST}: ${e.code ?? ''} ${e.message}`);
      process.exit(1);
    },
  );
}
