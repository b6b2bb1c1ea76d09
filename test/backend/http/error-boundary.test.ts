// The request error boundary. The real back end catches its own errors (dispatch turns them into
// envelopes), so an unexpected one is injected here: this file replaces dispatch with one that
// fails in each way a future bug could, and checks that each becomes a 500 with a JSON error and a
// log line, never an exit, an unhandled rejection or a hung client.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../../electron/backend/http/server.js';
import { tempDir } from '../../helpers/temp.js';

vi.mock('../../../electron/backend/api/dispatch.js', () => ({
  dispatch: (_handlers: unknown, name: string) => {
    switch (name) {
      case 'fail:throw':
        throw new Error('boom (thrown)');
      case 'fail:reject':
        return Promise.reject(new Error('boom (rejected)'));
      case 'fail:later':
        return new Promise((_r, reject) => setTimeout(() => reject(new TypeError('boom (later)')), 20));
      case 'fail:unserialisable':
        return Promise.resolve({ ok: true, value: { n: 1n } }); // JSON.stringify throws on a BigInt
      default:
        return Promise.resolve({ ok: true, value: { name } });
    }
  },
}));

function post(port: number, op: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: `/api/${op}`, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

describe('the error boundary around every request', () => {
  let server: RunningServer;
  const logged: string[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    server = await startServer({ handlers: {} as never, staticDir: tempDir(), log: (line) => logged.push(line) });
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    await server.close();
  });

  it.each(['fail:throw', 'fail:reject', 'fail:later', 'fail:unserialisable'])('%s: a 500 with a JSON error and one log line, and the server goes on', async (op) => {
    const before = logged.length;
    const r = await post(server.port, op);
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/^Unexpected error in the Assay server/) } });
    expect(logged.slice(before)).toEqual([expect.stringMatching(new RegExp(`^assay serve: unexpected error on POST "/api/${op}": .*(boom|BigInt)`, 's'))]);
    expect(await post(server.port, 'app:info')).toEqual({ status: 200, body: JSON.stringify({ ok: true, value: { name: 'app:info' } }) });
    expect(uncaught).toEqual([]);
  });

  it('a client that leaves before a failing answer costs nothing but the log line', async () => {
    const before = logged.length;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/fail:later', agent: false });
      req.on('error', () => resolve());
      req.end('{}', () => setTimeout(() => req.destroy(), 5));
      req.on('close', () => resolve());
    });
    await expect.poll(() => logged.length).toBe(before + 1);
    expect(await post(server.port, 'app:info')).toMatchObject({ status: 200 });
    expect(uncaught).toEqual([]);
  });
});
