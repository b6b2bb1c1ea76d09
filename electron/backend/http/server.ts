import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { dispatch, type Handlers } from '../api/dispatch.js';
import type { ApiResult } from '../../../shared/result.js';
import { contentSecurityPolicy } from '../../../shared/csp.js';

/** Options of the browser-mode host. */
export interface ServeOptions {
  readonly handlers: Handlers;
  /** Folder with the built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** The database file, named in error messages. */
  readonly dbPath?: string;
  /** Largest request body accepted, in bytes. */
  readonly maxBodyBytes?: number;
}

/** A running browser-mode host. */
export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function sendJson(res: http.ServerResponse, status: number, body: ApiResult<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...securityHeaders });
  res.end(text);
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The names this server answers to. A request naming another host is refused, which defeats DNS
 * rebinding: a hostile page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 */
function allowedHosts(bindHost: string, port: number): Set<string> {
  const names = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  names.add(`${hostForUrl(bindHost)}:${port}`);
  return names;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function serveStatic(staticDir: string, urlPath: string, res: http.ServerResponse): void {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (rel === '/' || !path.extname(rel)) rel = '/index.html';
  const file = path.resolve(staticDir, `.${rel}`);
  // SECURITY: never serve outside the build folder.
  if (!file.startsWith(path.resolve(staticDir) + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  fs.readFile(file, (err, data) => {
    if (err) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders }).end('Not found');
      return;
    }
    const immutable = rel.startsWith('/assets/');
    res.writeHead(200, {
      'Content-Type': mimeTypes[path.extname(file)] ?? 'application/octet-stream',
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...securityHeaders,
    });
    res.end(data);
  });
}

/** Starts browser mode: the built UI and the contract's API (`POST /api/<operation>`) on one port. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? 64 * 1024 * 1024;
  let hosts = new Set<string>();
  const server = http.createServer((req, res) => {
    // SECURITY: reject other Host and Origin headers (DNS rebinding, cross-site requests).
    const host = req.headers.host ?? '';
    if (!hosts.has(host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request: unknown Host');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Cross-origin request refused');
      return;
    }
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      if (req.method !== 'POST') {
        sendJson(res, 405, { ok: false, error: { code: 'bad-request', message: 'Use POST for API calls' } });
        return;
      }
      const name = decodeURIComponent(url.slice('/api/'.length).split('?')[0]!);
      readBody(req, limit)
        .then(async (body) => {
          let input: unknown;
          try {
            input = body === '' ? {} : JSON.parse(body);
          } catch {
            sendJson(res, 400, { ok: false, error: { code: 'bad-request', message: 'Request body is not valid JSON' } });
            return;
          }
          const result = await dispatch(options.handlers, name, input, { dbPath: options.dbPath });
          sendJson(res, 200, result);
        })
        .catch((err: Error) => sendJson(res, 413, { ok: false, error: { code: 'bad-request', message: err.message } }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    serveStatic(options.staticDir, url, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(bindHost, port);
  return {
    url: `http://${bindHost === 'localhost' ? '127.0.0.1' : hostForUrl(bindHost)}:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
