import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import { RESULTS_URL_PATH } from './results-url.js';

export { RESULTS_URL_PATH };

/**
 * The static server behind `attnsim viz`. It listens on the loopback interface only and
 * answers only for the files the built page consists of: a request is looked up in the list of
 * those files, never joined onto a path, so `../` or an absolute path cannot reach anything
 * else. The sweep results named on the command line are served at one fixed URL.
 */

/** The one address the server binds: the page runs the simulator locally and needs no other host. */
export const LOOPBACK_HOST = '127.0.0.1';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface VizServerOptions {
  /** Folder of the built page (index.html and its assets). */
  pageDir: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** A sweep's JSONL results, re-read on every request so a re-run sweep shows on reload. */
  resultsFile?: string;
}

export interface VizServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Every file under `dir`, keyed by its URL path (`/assets/index-abc.js`). */
function listPageFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const full = join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(`/${relative(dir, full).split(sep).join('/')}`, full);
    }
  };
  walk(dir);
  return files;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(head ? undefined : body);
}

function notFound(res: ServerResponse, head: boolean): void {
  send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
}

export function startVizServer(options: VizServerOptions): Promise<VizServer> {
  if (!listPageFiles(options.pageDir).has('/index.html')) throw new Error(`no index.html in ${options.pageDir}`);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
    // A page elsewhere could point its own host name at 127.0.0.1 (DNS rebinding) and read
    // the results through the visitor's browser; answer only requests addressed to us by name.
    if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n', head);
    const path = (req.url ?? '').split('?')[0]!;
    // Only plain paths: no parent segments, no backslashes, no escapes that could spell either.
    if (!path.startsWith('/') || path.startsWith('//') || /\.\.|\\|%/.test(path)) return notFound(res, head);
    if (path === RESULTS_URL_PATH) {
      if (options.resultsFile === undefined) return notFound(res, head);
      let text: string;
      try {
        text = readFileSync(options.resultsFile, 'utf8');
      } catch (e) {
        return send(res, 500, 'text/plain; charset=utf-8', `cannot read ${options.resultsFile}: ${(e as Error).message}\n`, head);
      }
      return send(res, 200, 'text/plain; charset=utf-8', text, head);
    }
    // Listed per request (a handful of files), so a rebuilt page with new asset names is served.
    let file: string | undefined;
    try {
      file = listPageFiles(options.pageDir).get(path === '/' ? '/index.html' : path);
    } catch {
      file = undefined; // the page folder is being rebuilt
    }
    if (file === undefined) return notFound(res, head);
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      return notFound(res, head); // removed since start (a rebuild of the page): gone, not a crash
    }
    send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body, head);
  };

  const allowedHosts = new Set<string>();
  const server = createServer(handle);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, LOOPBACK_HOST, () => {
      const port = (server.address() as AddressInfo).port;
      for (const name of [LOOPBACK_HOST, 'localhost']) allowedHosts.add(`${name}:${port}`);
      resolve({
        url: `http://${LOOPBACK_HOST}:${port}/`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
