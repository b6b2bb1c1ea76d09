import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import net from 'node:net';
import { defaultHttpLimits, startServer, type RunningServer } from '../../../electron/backend/http/server.js';
import { tempDb } from '../../helpers/db.js';
import { rawBody, rawRequest } from '../../helpers/raw-http.js';
import { startServe, type ServerProcess } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

// Each example of issue 10 ("the server must never exit because of a request"), and its siblings.

const KiB = 1024;

async function appInfo(port: number): Promise<unknown> {
  const r = await fetch(`http://127.0.0.1:${port}/api/app:info`, { method: 'POST', body: '{}' });
  return ((await r.json()) as { ok: boolean }).ok;
}

/** A POST whose body is written in pieces by `write`; resolves with the answer (or the socket error). */
function post(
  port: number,
  op: string,
  write: (req: http.ClientRequest) => void,
  headers: Record<string, string | number> = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/${op}`, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      res.on('error', (e) => resolve({ error: e.message }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
    write(req);
  });
}

/** Writes `total` bytes of `fill` in 64 KiB pieces, respecting back-pressure, then ends. */
async function writeAll(req: http.ClientRequest, prefix: string, fill: string, total: number, end = true): Promise<void> {
  let sent = 0;
  const piece = Buffer.from(fill.repeat(Math.ceil((64 * KiB) / fill.length)));
  if (!req.write(prefix)) await new Promise((r) => req.once('drain', r));
  sent += prefix.length;
  while (sent < total && !req.destroyed) {
    const ok = req.write(piece);
    sent += piece.length;
    if (!ok) await new Promise((r) => { req.once('drain', r); req.once('close', r); });
  }
  if (end && !req.destroyed) req.end();
}

describe('assay serve (the real command) survives the requests that used to stop it', () => {
  let serve: ServerProcess;
  let port: number;
  beforeAll(async () => {
    serve = await startServe(tempDbPath());
    port = Number(new URL(serve.url).port);
  });
  afterAll(() => serve.stop());

  const raw = (line: string): Promise<{ status: number | null; body: string }> =>
    rawRequest(port, `${line}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`).then((r) => ({ status: r.status, body: rawBody(r) }));

  it('GET /x%00.js (any web page can send it as an <img>, which carries no Origin) is a 404, not an exit', async () => {
    expect((await raw('GET /x%00.js HTTP/1.1')).status).toBe(404);
    expect((await raw('GET /assets/%00 HTTP/1.1')).status).toBe(404);
    expect(serve.child.exitCode).toBeNull();
    expect(await appInfo(port)).toBe(true);
  });

  it('POST /api/%E0 (a bad percent-encoding) is a 400 that says so, not an exit', async () => {
    const r = await raw('POST /api/%E0 HTTP/1.1');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/percent-encoding/) } });
    expect((await raw('POST /api/%C0%AE HTTP/1.1')).status).toBe(400);
    expect((await raw('GET /%E0.js HTTP/1.1')).status).toBe(400);
    expect(serve.child.exitCode).toBeNull();
    expect(await appInfo(port)).toBe(true);
    expect(serve.output()).not.toMatch(/URIError|ERR_INVALID_ARG_VALUE|unexpected error/);
  });
});

describe('browser-mode limits and their answers', () => {
  let server: RunningServer;
  let port: number;
  const logged: string[] = [];
  let dbPath: string;

  beforeAll(async () => {
    const staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    const db = tempDb();
    dbPath = db.path;
    server = await startServer({
      handlers: createHandlers({ db: db.db, dbPath, host: 'browser' }),
      staticDir,
      dbPath,
      limits: { bodyBytes: 64 * KiB, fileBodyBytes: 400 * KiB, inFlightBytes: 600 * KiB },
      log: (line) => logged.push(line),
    });
    port = server.port;
  });
  afterAll(() => server.close());

  it('answers a too-large body with 413 and a message naming the limit and the CLI command, which the client receives in full', async () => {
    // streamed (chunked, no length known up front): refused when the limit is crossed, then drained
    const chunked = await post(port, 'packs:import', (req) => void writeAll(req, '{"fileName":"big.json","content":"', 'x', 5 * 1024 * KiB));
    expect(chunked).toMatchObject({ status: 413 });
    const message = JSON.parse((chunked as { body: string }).body) as { ok: boolean; error: { code: string; message: string } };
    expect(message).toEqual({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('This pack is too large to send through browser mode (the limit is 400 KiB per request). Open it with the command line instead: ') } });
    expect(message.error.message).toContain(`assay pack import FILE --db ${JSON.stringify(dbPath)}`);

    // a declared length over the limit is refused before the body is read
    const declared = await rawRequest(port, `POST /api/results:import HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${10 * 1024 * KiB}\r\n\r\n`, {
      untilResponse: true,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(rawBody(declared)).error.message).toMatch(/^These results files are too large to send through browser mode in one request \(the limit is 400 KiB\)\. Import fewer at a time, or use the command line: assay results import FILE\.\.\. --db /);

    // other operations have the smaller limit, and say where large data goes
    const other = await post(port, 'review:record', (req) => void writeAll(req, '{"x":"', 'y', 200 * KiB));
    expect(other).toMatchObject({ status: 413, body: expect.stringMatching(/larger than the 64 KiB browser mode accepts.*assay import/) });
    expect(await appInfo(port)).toBe(true);
  });

  it('refuses deeply nested JSON while it arrives, before the body has ended or been parsed', async () => {
    let request!: http.ClientRequest;
    const answer = post(port, 'app:info', (req) => {
      request = req;
      req.write('['.repeat(32 * KiB)); // and never end it
    });
    const r = await answer;
    expect(r).toMatchObject({ status: 400 });
    expect(JSON.parse((r as { body: string }).body).error.message).toBe('Request body refused: JSON nested deeper than 64 levels (at byte 65)');
    request.destroy();
    expect(await appInfo(port)).toBe(true);
  });

  it('refuses a body with too many arrays and objects (a flat bomb), while it arrives', async () => {
    const { db, path: file } = tempDb();
    const small = await startServer({ handlers: createHandlers({ db, dbPath: file, host: 'browser' }), staticDir: tempDir(), limits: { jsonContainers: 1_000 } });
    try {
      const bomb = await post(small.port, 'app:info', (req) => req.write(`[${'[],'.repeat(5_000)}`)); // never ended
      expect(bomb).toMatchObject({ status: 400, body: expect.stringContaining('JSON with more than 1000 arrays and objects (at byte 2999)') });
      const fine = await post(small.port, 'app:info', (req) => req.end(`{"a":[${'"[]",'.repeat(5_000)}1]}`)); // brackets inside strings do not count
      expect(fine).toMatchObject({ status: 200, body: expect.stringContaining('invalid input') });
    } finally {
      await small.close();
    }
  });

  it('limits the memory of bodies in flight across requests (503 busy, Retry-After), and frees it when a client aborts', async () => {
    // Holds 350 KiB of the 600 KiB budget (declared up front) and sends nothing more for now.
    const holder = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/results:import', headers: { 'Content-Length': 350 * KiB }, agent: false });
    holder.on('error', () => undefined);
    holder.write('{');
    await new Promise((r) => setTimeout(r, 100)); // let the server see the request (no timing assertion depends on this)
    await expect
      .poll(async () => {
        const r = await rawRequest(port, `POST /api/results:import HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: ${300 * KiB}\r\n\r\n`, { untilResponse: true, timeoutMs: 3_000 });
        return r.status === 503 ? rawBody(r) + r.text.slice(0, r.text.indexOf('\r\n\r\n')) : `status ${r.status}`;
      })
      .toMatch(/"code":"busy".*Try again in a moment[\s\S]*Retry-After: 5/i);
    // a streamed body is counted as it arrives
    const streamed = await post(port, 'results:import', (req) => void writeAll(req, '{"files":[{"fileName":"a","content":"', 'z', 300 * KiB));
    expect(streamed).toMatchObject({ status: 503 });

    holder.destroy(); // an aborted upload: its share must come back
    await expect
      .poll(async () => {
        const body = JSON.stringify({ files: [{ fileName: 'r.jsonl', content: ' '.repeat(340 * KiB) }] });
        const r = await post(port, 'results:import', (req) => req.end(body));
        return 'status' in r ? r.status : r.error;
      })
      .toBe(200);
    expect(await appInfo(port)).toBe(true);
  });

  it('answers a body that is not UTF-8 with 400', async () => {
    const r = await post(port, 'app:info', (req) => req.end(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xae, 0x22, 0x7d])));
    expect(r).toMatchObject({ status: 400, body: expect.stringContaining('not valid UTF-8') });
  });

  it('cuts off clients that send their headers or body too slowly (slowloris), and keeps answering others', async () => {
    const { db, path: file } = tempDb();
    const strict = await startServer({
      handlers: createHandlers({ db, dbPath: file, host: 'browser' }),
      staticDir: tempDir(),
      limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 },
    });
    try {
      // (the defaults are 20 s and 120 s; the bound here only has to be far below the 60 s / 300 s of Node's own)
      const headersOnly = await rawRequest(strict.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${strict.port}\r\n`, { timeoutMs: 20_000 });
      expect(headersOnly.ended).toBe('closed');
      const bodyCut = await rawRequest(strict.port, `POST /api/app:info HTTP/1.1\r\nHost: 127.0.0.1:${strict.port}\r\nContent-Length: 100\r\n\r\n{"a":`, {
        timeoutMs: 20_000,
      });
      expect(bodyCut.ended).toBe('closed');
      expect(bodyCut.status).toBe(408);
      expect(await appInfo(strict.port)).toBe(true);
    } finally {
      await strict.close();
    }
  });

  it('closes connections beyond the limit on arrival, and serves again once they are gone', async () => {
    const { db, path: file } = tempDb();
    const few = await startServer({ handlers: createHandlers({ db, dbPath: file, host: 'browser' }), staticDir: tempDir(), limits: { maxConnections: 2 } });
    const idle = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(few.port, '127.0.0.1', () => resolve(s));
          }),
      ),
    );
    try {
      const third = await rawRequest(few.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${few.port}\r\n\r\n`, { timeoutMs: 10_000 });
      expect(third.status).toBeNull(); // closed (or reset) on arrival, without an answer
      expect(third.ended).not.toBe('timeout');
      for (const s of idle) s.destroy();
      await expect.poll(() => appInfo(few.port).catch(() => false)).toBe(true);
    } finally {
      for (const s of idle) s.destroy();
      await few.close();
    }
  });

  it('runs with the limits the README states', () => {
    expect(defaultHttpLimits).toEqual({
      bodyBytes: 8 * 1024 * KiB,
      fileBodyBytes: 32 * 1024 * KiB,
      inFlightBytes: 96 * 1024 * KiB,
      jsonDepth: 64,
      jsonContainers: 100_000,
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 120_000,
      maxConnections: 256,
    });
  });

  it('handles HEAD, query strings, absolute-form targets, odd Host headers and very long paths', async () => {
    const send = (text: string) => rawRequest(port, text, { timeoutMs: 5_000 });
    const h = `Host: 127.0.0.1:${port}\r\nConnection: close\r\n`;
    const head = await send(`HEAD / HTTP/1.1\r\n${h}\r\n`);
    expect(head.status).toBe(200);
    expect(rawBody(head)).toBe('');
    expect((await send(`HEAD /api/app:info HTTP/1.1\r\n${h}\r\n`)).status).toBe(405);
    expect((await send(`POST /api/app:info?x=%E0&y HTTP/1.1\r\n${h}Content-Length: 2\r\n\r\n{}`)).status).toBe(200);
    expect((await send(`POST /api/app%3Ainfo HTTP/1.1\r\n${h}Content-Length: 2\r\n\r\n{}`)).status).toBe(200);
    expect((await send(`GET http://127.0.0.1:${port}/index.html HTTP/1.1\r\n${h}\r\n`)).status).toBe(404);
    expect((await send(`OPTIONS * HTTP/1.1\r\n${h}\r\n`)).status).toBe(405);
    expect((await send(`GET / HTTP/1.1\r\nHost: LOCALHOST:${port}\r\nConnection: close\r\n\r\n`)).status).toBe(200);
    expect((await send(`GET / HTTP/1.0\r\n\r\n`)).status).toBe(421);
    expect((await send(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n`)).status).not.toBeNull();
    expect((await send(`GET /${'a'.repeat(10_000)}.js HTTP/1.1\r\n${h}\r\n`)).status).toBe(404);
    expect((await send(`GET /${'%2e%2e/'.repeat(2_000)}etc/passwd.js HTTP/1.1\r\n${h}\r\n`)).status).toBe(403);
    expect([400, 414, 431]).toContain((await send(`GET /${'a'.repeat(100_000)} HTTP/1.1\r\n${h}\r\n`)).status);
    expect((await send(`GET /\u0000 HTTP/1.1\r\n${h}\r\n`)).status).toBe(400);
    expect(await appInfo(port)).toBe(true);
    expect(logged).toEqual([]);
  });
});
