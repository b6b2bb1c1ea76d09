// Random requests at a live browser-mode server over real sockets: methods, paths (percent-
// encodings, NULs, overlong UTF-8, `..`, 10 kB paths), headers, bodies and framing, valid or not,
// complete or cut off, several at once. After each batch the server must still answer `app:info`,
// and the process must never have seen an uncaught exception or an unhandled rejection.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opNames } from '../../../shared/contract/index.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { startServer, type RunningServer } from '../../../electron/backend/http/server.js';
import { tempDb } from '../../helpers/db.js';
import { rawRequest, type RawResponse } from '../../helpers/raw-http.js';
import { tempDir } from '../../helpers/temp.js';

const KiB = 1024;

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly host: 'ours' | 'none' | string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  readonly framing: 'length' | 'chunked' | 'none' | 'lie';
  /** Bytes to send before dropping the connection (an aborted upload), or null for all. */
  readonly cutAt: number | null;
}

/** Rare picks: what breaks the request line or a header outright (the parser's 400s). */
function rarely<T>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: common, weight: 9 }, { arbitrary: rare, weight: 1 });
}

const segment = rarely(
  fc.oneof(
    fc.constantFrom(
      'api', 'app:info', 'tasks:list', 'assets', 'index.html', 'x.js', '..', '.', '', '%00', '%E0', '%C0%AE', '%C0%AE%C0%AE', '%2e%2e',
      '%2f', '%5c', '%', '%%', '%ZZ', '%FF', '%F0%9F%98%80', '%ED%A0%80', '?', '?a=%E0', '#x', ';', '~', '*', '%00.js', '..%2f..%2fpackage.json',
    ),
    fc.stringMatching(/^[A-Za-z0-9._~%:-]{0,12}$/),
    fc.constantFrom('a'.repeat(10_000), '%2e%2e/'.repeat(300), '%E0'.repeat(2_000), `${'a'.repeat(10_000)}.js`),
  ),
  fc.oneof(fc.constantFrom('\u0000', 'é', ' ', '\t', '\r\n'), fc.string({ maxLength: 12 })),
);

const pathArb = fc.oneof(
  fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
  fc.tuple(fc.constantFrom(...opNames, 'nope:x', '', '%E0', 'app%3Ainfo', '__proto__', 'constructor'), fc.array(segment, { maxLength: 2 })).map(
    ([op, rest]) => `/api/${op}${rest.length ? `/${rest.join('/')}` : ''}`,
  ),
  fc.constantFrom(...opNames, 'app:info', 'app:info').map((op) => `/api/${op}`),
  fc.constantFrom('*', 'http://127.0.0.1/index.html', '//x', ''),
);

const headerArb = rarely(
  fc.oneof(
    fc.tuple(fc.constant('Origin'), fc.constantFrom('null', 'http://evil.example', 'http://127.0.0.1', '', 'file://')),
    fc.tuple(fc.constant('Content-Type'), fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x', '\u00ff')),
    fc.tuple(fc.constant('Content-Length'), fc.constantFrom('-1', '99999999999999999999', 'abc', '0', '5', '1e3', ' 7')),
    fc.tuple(fc.constant('Transfer-Encoding'), fc.constantFrom('chunked', 'gzip', 'chunked, chunked', 'identity')),
    fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', 'nonsense')),
    fc.tuple(fc.constantFrom('Cookie', 'X-Long', 'Accept', 'Accept-Encoding', 'Range'), fc.constantFrom('a'.repeat(9_000), 'x', 'bytes=0-1', 'gzip')),
  ),
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 20 })),
);

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const bodyArb = fc.oneof(
  { arbitrary: fc.constantFrom(bytes('{}'), new Uint8Array()), weight: 4 },
  { arbitrary: fc.json({ maxDepth: 4 }).map(bytes), weight: 4 },
  fc.uint8Array({ maxLength: 300 }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => bytes('['.repeat(n))),
  fc.integer({ min: 1, max: 30_000 }).map((n) => bytes(`[${'[],'.repeat(n)}[]]`)),
  fc.integer({ min: 1, max: 300 }).map((k) => bytes(`{"fileName":"a.json","content":"${'x'.repeat(k * KiB)}"}`)),
  fc.constant(new Uint8Array([0x7b, 0x22, 0xc0, 0xae, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
);

const requestArb: fc.Arbitrary<FuzzRequest> = fc.record({
  method: rarely(
    fc.constantFrom('GET', 'GET', 'POST', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND'),
    fc.oneof(fc.stringMatching(/^[A-Z]{1,8}$/), fc.constantFrom('post', 'G T', 'TRACE', 'CONNECT')),
  ),
  path: pathArb,
  host: rarely(fc.constant('ours'), fc.oneof(fc.constant('none'), fc.constantFrom('evil.example', '127.0.0.1', 'LOCALHOST', ''), fc.string({ maxLength: 30 }))),
  headers: fc.array(headerArb, { maxLength: 2 }),
  body: bodyArb,
  framing: fc.constantFrom('length', 'length', 'length', 'chunked', 'none', 'lie'),
  cutAt: fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: fc.nat({ max: 4_000 }), weight: 1 }),
});

const plain: FuzzRequest = { method: 'GET', path: '/', host: 'ours', headers: [], body: new Uint8Array(), framing: 'length', cutAt: null };

/** The request's bytes on the wire. */
function encode(r: FuzzRequest, port: number): Buffer {
  const head: string[] = [`${r.method} ${r.path} HTTP/1.1`];
  if (r.host === 'ours') head.push(`Host: 127.0.0.1:${port}`);
  else if (r.host !== 'none') head.push(`Host: ${r.host}`);
  for (const [k, v] of r.headers) head.push(`${k}: ${v}`);
  head.push('Connection: close');
  let body = Buffer.from(r.body);
  if (r.framing === 'length') head.push(`Content-Length: ${body.length}`);
  if (r.framing === 'lie') head.push(`Content-Length: ${body.length + 10}`);
  if (r.framing === 'chunked') {
    head.push('Transfer-Encoding: chunked');
    body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  }
  const bytes = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  return r.cutAt === null ? bytes : bytes.subarray(0, r.cutAt);
}

describe('browser mode under random requests (fast-check, real sockets)', () => {
  let server: RunningServer;
  const logged: string[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    const { db, path } = tempDb();
    server = await startServer({
      handlers: createHandlers({ db, dbPath: path, host: 'browser' }),
      staticDir: tempDir(),
      dbPath: path,
      // small limits, so that random bodies cross them; short timeouts, so that cut-off requests end soon
      limits: { bodyBytes: 64 * KiB, fileBodyBytes: 200 * KiB, inFlightBytes: 400 * KiB, jsonContainers: 10_000, headersTimeoutMs: 1_000, requestTimeoutMs: 1_000 },
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await server.close();
  });

  it('still answers app:info after every batch, never throws an uncaught error and never answers 500', async () => {
    const statuses = new Map<number | null, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 8 }), async (batch) => {
        const answers: RawResponse[] = await Promise.all(
          batch.map((r) => rawRequest(server.port, encode(r, server.port), { timeoutMs: 8_000, closeAfterWrite: r.cutAt !== null })),
        );
        for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        const info = await fetch(`${server.url}api/app:info`, { method: 'POST', body: '{}' });
        expect(info.status).toBe(200);
        expect(((await info.json()) as { ok: boolean }).ok).toBe(true);
        expect(uncaught).toEqual([]);
        expect(logged).toEqual([]);
        expect(answers.filter((a) => a.status === 500 || a.ended === 'timeout').map((a) => a.text.slice(0, 300))).toEqual([]);
      }),
      {
        numRuns: 60,
        interruptAfterTimeLimit: 90_000,
        // one batch that surely crosses each kind of refusal, besides the random ones
        examples: [
          [
            [
              { ...plain, method: 'POST', path: '/api/review:record', body: bytes(`{"x":"${'x'.repeat(100 * KiB)}"}`) },
              { ...plain, method: 'POST', path: '/api/app:info', body: bytes('['.repeat(100)) },
              { ...plain, method: 'GET', path: '/x%00.js' },
              { ...plain, method: 'POST', path: '/api/%E0' },
              { ...plain, method: 'GET', path: '/api/app:info' },
              { ...plain, host: 'evil.example' },
              { ...plain, method: 'POST', path: '/api/app:info', body: bytes('{}') },
            ],
          ],
        ],
      },
    );
    // The batches did reach the interesting places: refusals of every kind and real answers.
    for (const status of [200, 400, 404, 405, 413, 421]) expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 180_000);
});
