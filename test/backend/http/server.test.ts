import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { startServer, type RunningServer } from '../../../electron/backend/http/server.js';
import { contentSecurityPolicy } from '../../../shared/csp.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';
import { captureCli } from '../../helpers/cli.js';
import { startServe } from '../../helpers/server.js';

/** A raw request, so that Host and Origin can be set freely (fetch forbids changing Host). */
function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; path: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

describe('browser-mode HTTP host', () => {
  let server: RunningServer;
  let staticDir: string;

  beforeAll(async () => {
    staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
    fs.mkdirSync(path.join(staticDir, 'assets'));
    fs.writeFileSync(path.join(staticDir, 'assets', 'a.js'), 'console.log(1)');
    const { db, path: dbPath } = tempDb();
    server = await startServer({ handlers: createHandlers({ db, dbPath, host: 'browser' }), staticDir, port: 0, limits: { bodyBytes: 1024 } });
  });
  afterAll(() => server.close());

  it('binds 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((server.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('serves the UI with the CSP and security headers', async () => {
    const r = await request(server.url, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await request(server.url, { path: '/assets/a.js' })).headers['content-type']).toMatch(/javascript/);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const port = new URL(server.url).port;
    const rebind = await request(server.url, { method: 'POST', path: '/api/app:info', headers: { Host: `evil.example:${port}` }, body: '{}' });
    expect(rebind.status).toBe(421);
    const cross = await request(server.url, { method: 'POST', path: '/api/app:info', headers: { Origin: 'http://evil.example' }, body: '{}' });
    expect(cross.status).toBe(403);
    const same = await request(server.url, { method: 'POST', path: '/api/app:info', headers: { Origin: `http://127.0.0.1:${port}` }, body: '{}' });
    expect(same.status).toBe(200);
    expect(JSON.parse(same.body)).toMatchObject({ ok: true, value: { host: 'browser' } });
  });

  it('answers API errors in the contract envelope', async () => {
    expect(JSON.parse((await request(server.url, { method: 'POST', path: '/api/app:info', body: '{not json' })).body)).toEqual({
      ok: false,
      error: { code: 'bad-request', message: 'Request body is not valid JSON' },
    });
    expect((await request(server.url, { method: 'GET', path: '/api/app:info' })).status).toBe(405);
    const big = await request(server.url, { method: 'POST', path: '/api/app:info', body: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'bad-request', message: /larger than the 1 KiB browser mode accepts/ } });
  });

  it('never serves files outside the build folder', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const r = await request(server.url, { path: p });
      expect([403, 404], p).toContain(r.status);
      expect(r.body).not.toMatch(/"name"/);
    }
  });
});

describe('assay serve --host', () => {
  it('warns when binding anything but the loopback default, and answers on that address', async () => {
    const s = await startServe(path.join(tempDir(), 'x.db'), ['--host', '127.0.0.2']);
    try {
      expect(s.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/$/);
      expect(s.output()).toMatch(/WARNING: serving on 127\.0\.0\.2: anyone who can reach this address/);
      const r = await fetch(`${s.url}api/app:info`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('says clearly, without a stack trace, when the port is taken or the address is not ours', async () => {
    const s = await startServe(path.join(tempDir(), 'z.db'));
    try {
      const port = new URL(s.url).port;
      const taken = await captureCli(['serve', '--db', path.join(tempDir(), 'w.db'), '--port', port]);
      expect(taken).toMatchObject({ code: 1, err: `assay serve: cannot serve on 127.0.0.1:${port}: port ${port} is in use (another assay serve?); choose another with --port, or --port 0 for any free one\n` });
      const foreign = await captureCli(['serve', '--db', path.join(tempDir(), 'v.db'), '--port', '0', '--host', '192.0.2.1']);
      expect(foreign.code).toBe(1);
      expect(foreign.err).toMatch(/^WARNING: [^\n]*\nassay serve: cannot serve on 192\.0\.2\.1:0: 192\.0\.2\.1 is not an address of this machine; check --host\n$/);
    } finally {
      await s.stop();
    }
  });

  it('does not warn on the default address', async () => {
    const s = await startServe(path.join(tempDir(), 'y.db'));
    await s.stop();
    expect(s.output()).not.toMatch(/WARNING/);
  });
});
