import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { dispatch, type Handlers } from '../api/dispatch.js';
import type { ApiError, ApiResult } from '../../../shared/result.js';
import { contentSecurityPolicy } from '../../../shared/csp.js';
import { JsonShapeScanner, MAX_JSON_DEPTH } from '../../../shared/json-shape.js';

const MiB = 1024 * 1024;

/** What browser mode accepts from one request, and from all of them at once. */
export interface HttpLimits {
  /** Largest API request body, in bytes (a 1 MiB upload chunk is ~1.4 MB as base64 JSON). */
  readonly bodyBytes: number;
  /** Largest body of an operation that carries a whole file ({@link fileOperations}). */
  readonly fileBodyBytes: number;
  /** Request bodies held at once over all requests, each from its first byte until its response ends. */
  readonly inFlightBytes: number;
  /** Deepest JSON nesting in a request body. */
  readonly jsonDepth: number;
  /** Most arrays and objects in a request body (files travel inside it as strings). */
  readonly jsonContainers: number;
  /** Time allowed to receive a request's headers. */
  readonly headersTimeoutMs: number;
  /** Time allowed to receive a whole request, body included (not the time to answer it). */
  readonly requestTimeoutMs: number;
  /** Open connections at once; more are closed on arrival. */
  readonly maxConnections: number;
}

/** The limits `assay serve` runs with. */
export const defaultHttpLimits: HttpLimits = {
  bodyBytes: 8 * MiB,
  fileBodyBytes: 32 * MiB,
  inFlightBytes: 96 * MiB,
  jsonDepth: MAX_JSON_DEPTH,
  jsonContainers: 100_000,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  maxConnections: 256,
};

/**
 * Operations whose body is a whole file, and what to say when it is too large: the CLI takes a file
 * of any size. The file travels as one JSON string, so a bigger limit costs no more JSON structure.
 */
export const fileOperations: Readonly<Record<string, (limit: string, db: string) => string>> = {
  'packs:import': (limit, db) => `This pack is too large to send through browser mode (the limit is ${limit} per request). Open it with the command line instead: assay pack import FILE${db}`,
  'results:import': (limit, db) =>
    `These results files are too large to send through browser mode in one request (the limit is ${limit}). Import fewer at a time, or use the command line: assay results import FILE...${db}`,
};

/** Options of the browser-mode host. */
export interface ServeOptions {
  readonly handlers: Handlers;
  /** Folder with the built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** The database file, named in error messages. */
  readonly dbPath?: string;
  /** Overrides of {@link defaultHttpLimits}. */
  readonly limits?: Partial<HttpLimits>;
  /** Where unexpected errors are logged, one line each (default: stderr). */
  readonly log?: (line: string) => void;
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

function mib(bytes: number): string {
  return bytes < MiB ? `${Math.round(bytes / 1024)} KiB` : `${Number((bytes / MiB).toFixed(1))} MiB`;
}

/** Writes a JSON answer unless an answer has already begun (then there is nothing left to say). */
function sendJson(res: http.ServerResponse, status: number, body: ApiResult<unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...securityHeaders,
    ...headers,
  });
  res.end(text);
}

function sendError(res: http.ServerResponse, status: number, error: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, status, { ok: false, error }, headers);
}

function sendText(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...securityHeaders,
    ...headers,
  });
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
  names.add(`${hostForUrl(bindHost)}:${port}`.toLowerCase());
  return names;
}

/** The path of a request target, without query or fragment. */
function targetPath(url: string): string {
  const end = url.search(/[?#]/);
  return end < 0 ? url : url.slice(0, end);
}

/** A share of the memory budget for request bodies, held until its response ends. */
class Reservation {
  private held = 0;
  constructor(private readonly budget: { used: number; readonly limit: number }) {}

  /** Takes `bytes` more; false (and nothing taken) when the budget would be exceeded. */
  take(bytes: number): boolean {
    if (this.budget.used + bytes > this.budget.limit) return false;
    this.budget.used += bytes;
    this.held += bytes;
    return true;
  }

  release(): void {
    this.budget.used -= this.held;
    this.held = 0;
  }
}

interface BodyContext {
  readonly limits: HttpLimits;
  readonly budget: { used: number; readonly limit: number };
  readonly dbPath: string | undefined;
}

function tooLargeMessage(op: string, limit: number, dbPath: string | undefined): string {
  const db = dbPath ? ` --db ${JSON.stringify(dbPath)}` : '';
  const file = fileOperations[op];
  if (file) return file(mib(limit), db);
  if (op === 'tasks:importChunk') return `Upload chunks are limited to ${mib(limit)}; send smaller chunks, or import the package with the command line: assay import FILE${db}`;
  return `The request to ${op} is larger than the ${mib(limit)} browser mode accepts. Large data goes in with the command line: assay import, assay pack import or assay results import${db}`;
}

/**
 * Reads an API request body within the limits: size (413), the memory of all bodies in flight
 * (503) and JSON nesting (400), checked while the bytes arrive so that nothing large is built
 * first. A refused request is answered and the rest of its body is read and dropped, so the client
 * receives the answer rather than a connection reset. Resolves to null when the request was
 * answered here or the client went away.
 */
// SECURITY: every byte of an API request body passes through here.
function readBody(req: http.IncomingMessage, res: http.ServerResponse, op: string, ctx: BodyContext): Promise<string | null> {
  const limit = fileOperations[op] ? ctx.limits.fileBodyBytes : ctx.limits.bodyBytes;
  const reservation = new Reservation(ctx.budget);
  res.once('close', () => reservation.release());
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const scanner = new JsonShapeScanner({ maxDepth: ctx.limits.jsonDepth, maxContainers: ctx.limits.jsonContainers });
    const settle = (value: string | null): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      resolve(value);
    };
    const refuse = (status: number, error: ApiError, headers: Record<string, string> = {}): void => {
      chunks = [];
      settle(null);
      req.resume(); // drain: read and drop the rest, so the answer is not lost in a reset
      sendError(res, status, error, headers);
    };
    const tooLarge = (): void => refuse(413, { code: 'bad-request', message: tooLargeMessage(op, limit, ctx.dbPath) });
    const busy = (): void =>
      refuse(
        503,
        { code: 'busy', message: `The server is busy receiving other large requests (${mib(ctx.limits.inFlightBytes)} at once at most). Try again in a moment.` },
        { 'Retry-After': '5' },
      );
    // A declared length is checked and reserved before a byte is read.
    const declared = Number(req.headers['content-length'] ?? NaN);
    const prepaid = Number.isSafeInteger(declared) && declared >= 0 ? declared : 0;
    const onData = (chunk: Buffer): void => {
      const before = size;
      size += chunk.length;
      if (size > limit) return tooLarge();
      if (size > prepaid && !reservation.take(size - Math.max(before, prepaid))) return busy();
      const problem = scanner.push(chunk);
      if (problem) return refuse(400, { code: 'bad-request', message: `Request body refused: ${problem.message} (at byte ${problem.offset + 1})` });
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const bytes = Buffer.concat(chunks);
      chunks = [];
      try {
        settle(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        sendError(res, 400, { code: 'bad-request', message: 'Request body is not valid UTF-8' });
        settle(null);
      }
    };
    const onGone = (): void => settle(null); // the client went away: there is nobody to answer
    if (prepaid > limit) return tooLarge();
    if (prepaid > 0 && !reservation.take(prepaid)) return busy();
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onGone);
    res.once('close', onGone);
  });
}

async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, rawName: string, options: ServeOptions, ctx: BodyContext): Promise<void> {
  if (req.method !== 'POST') {
    sendError(res, 405, { code: 'bad-request', message: 'Use POST for API calls' }, { Allow: 'POST' });
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    sendError(res, 400, { code: 'bad-request', message: 'Malformed operation name in the URL (bad percent-encoding)' });
    return;
  }
  const body = await readBody(req, res, name, ctx);
  if (body === null) return;
  let input: unknown;
  try {
    input = body === '' ? {} : JSON.parse(body);
  } catch {
    sendError(res, 400, { code: 'bad-request', message: 'Request body is not valid JSON' });
    return;
  }
  const result = await dispatch(options.handlers, name, input, { dbPath: options.dbPath });
  sendJson(res, 200, result);
}

async function serveStatic(staticDir: string, target: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(target);
  } catch {
    sendText(res, 400, 'Bad request: malformed percent-encoding');
    return;
  }
  // SECURITY: a NUL byte makes every fs call throw; such a path names no file of ours.
  if (rel.includes('\0') || !rel.startsWith('/')) {
    sendText(res, 404, 'Not found');
    return;
  }
  if (rel === '/' || !path.extname(rel)) rel = '/index.html';
  const root = path.resolve(staticDir);
  const file = path.resolve(root, `.${rel}`);
  // SECURITY: never serve outside the build folder.
  if (!file.startsWith(root + path.sep)) {
    sendText(res, 403, 'Forbidden');
    return;
  }
  let data: Buffer;
  try {
    data = await fs.promises.readFile(file);
  } catch {
    sendText(res, 404, 'Not found');
    return;
  }
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, {
    'Content-Type': mimeTypes[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(data.length),
    'Cache-Control': rel.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...securityHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : data);
}

/** Starts browser mode: the built UI and the contract's API (`POST /api/<operation>`) on one port. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const bindHost = options.host ?? '127.0.0.1';
  const limits: HttpLimits = { ...defaultHttpLimits, ...options.limits };
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const ctx: BodyContext = { limits, budget: { used: 0, limit: limits.inFlightBytes }, dbPath: options.dbPath };
  let hosts = new Set<string>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // SECURITY: reject other Host and Origin headers (DNS rebinding, cross-site requests).
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      sendText(res, 421, 'Misdirected request: unknown Host');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
      sendText(res, 403, 'Cross-origin request refused');
      return;
    }
    const target = targetPath(req.url ?? '/');
    if (target.startsWith('/api/')) {
      await handleApi(req, res, target.slice('/api/'.length), options, ctx);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    await serveStatic(options.staticDir, target, req, res);
  }

  /** The last line of the error boundary: log, answer 500 if still possible, never exit. */
  function unexpected(req: http.IncomingMessage, res: http.ServerResponse, err: unknown): void {
    const what = `${String(req.method).slice(0, 20)} ${JSON.stringify(String(req.url).slice(0, 200))}`;
    log(`assay serve: unexpected error on ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    try {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, { code: 'internal', message: 'Unexpected error in the Assay server (logged where it runs). Nothing was changed by this request unless it says otherwise.' });
    } catch {
      res.destroy();
    }
  }

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    // SECURITY: the error boundary: every request is handled inside it, whatever it sends.
    (req, res) => {
      res.on('error', (err) => log(`assay serve: response error: ${err.message}`));
      req.on('error', () => undefined); // aborted uploads: readBody stops at the response's 'close'
      try {
        handle(req, res).catch((err: unknown) => unexpected(req, res, err));
      } catch (err) {
        unexpected(req, res, err);
      }
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // accept() failures (EMFILE …) are emitted here; without a listener they would end the process
  server.on('error', (err) => log(`assay serve: server error: ${err.message}`));
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
