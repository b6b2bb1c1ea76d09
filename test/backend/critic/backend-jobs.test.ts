import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createBackend, type Backend } from '../../../electron/backend/api/backend.js';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import type { OpInput, OpName, OpOutput } from '../../../shared/contract/index.js';
import { startCriticServer, type CriticServer, type CriticServerOptions } from '../../helpers/critic-server.js';
import { tempDb } from '../../helpers/db.js';

// The UI's path: contract operations, the run on the back end's `jobs` worker thread, polled.

const backends: Backend[] = [];
const servers: CriticServer[] = [];
afterAll(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const KEY = 'sk-ui-run-0123456789abcdef';

async function setup(options: CriticServerOptions = {}): Promise<{ call: <K extends OpName>(n: K, i: OpInput<K>) => Promise<OpOutput<K>>; raw: (n: OpName, i: unknown) => Promise<unknown>; server: CriticServer }> {
  const { db, path } = tempDb();
  loadDemo(db);
  const server = await startCriticServer({ apiKey: KEY, ...options });
  servers.push(server);
  const b = createBackend({ db, dbPath: path, host: 'browser', keys: { env: { ASSAY_CRITIC_KEY: KEY, AWS_SECRET_ACCESS_KEY: 'aws-secret-value-123' } } });
  backends.push(b);
  const raw = (n: OpName, i: unknown): Promise<unknown> => dispatch(b.handlers, n, i);
  const call = async <K extends OpName>(n: K, i: OpInput<K>): Promise<OpOutput<K>> => {
    const r = await dispatch(b.handlers, n, i);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as OpOutput<K>;
  };
  return { call, raw, server };
}

async function finished(call: Awaited<ReturnType<typeof setup>>['call'], job: string): Promise<OpOutput<'critics:status'>> {
  for (let i = 0; i < 600; i++) {
    const s = await call('critics:status', { job });
    if (s.summary || s.error) return s;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run did not finish');
}

describe('critic runs from the UI (contract operations, jobs worker)', () => {
  it('estimates, starts, reports progress and a summary; the run is listed, swept and its provenance shown — the key nowhere', async () => {
    const { call, server } = await setup();
    const input = { name: 'ui', baseUrl: server.baseUrl, model: 'emu', samples: 2, concurrency: 2, key: { kind: 'env' as const, name: 'ASSAY_CRITIC_KEY' } };
    const estimate = await call('critics:estimate', input);
    expect(estimate).toMatchObject({ dryRun: true, planned: 8, estimate: { requests: 8 } });
    expect(server.requests).toHaveLength(0);
    const { job } = await call('critics:start', input);
    const status = await finished(call, job);
    expect(status.error).toBeNull();
    expect(status.progress).toMatchObject({ state: 'done', planned: 8, done: 8 });
    expect(status.summary).toMatchObject({ done: 8, failedCount: 0 });
    expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
    const list = await call('critics:list', {});
    expect(list.items).toEqual([expect.objectContaining({ name: 'ui', model: 'emu', key: { kind: 'env', name: 'ASSAY_CRITIC_KEY' }, tasks: 4, samples: 8 })]);
    const sweep = await call('critics:sweep', { name: 'ui' });
    expect(sweep.rows[0]).toMatchObject({ point: 'all', tasks: 4 });
    const provenance = await call('critics:ofTask', { id: 'demo-footbridge' });
    expect(provenance.items.length).toBeGreaterThan(0);
    expect(provenance.items[0]).toMatchObject({ critic: 'ui', generated: true, details: { critic: { name: 'ui', prompt_sha256: expect.any(String) } } });
    expect(JSON.stringify([status, list, sweep, provenance])).not.toContain(KEY.slice(0, 10));
  });

  it('SECURITY: the UI may name only ASSAY_CRITIC_… variables (no other secret of the process can be sent), and no keychain in browser mode', async () => {
    const { raw, server } = await setup();
    const r = (await raw('critics:start', { name: 'x', baseUrl: server.baseUrl, model: 'm', key: { kind: 'env', name: 'AWS_SECRET_ACCESS_KEY' } })) as { ok: boolean; error: { message: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/AWS_SECRET_ACCESS_KEY cannot be used from the UI.*ASSAY_CRITIC_/) } });
    expect(r.error.message).not.toContain('aws-secret-value');
    expect(await raw('critics:start', { name: 'x', baseUrl: server.baseUrl, model: 'm', key: { kind: 'env', name: 'ASSAY_CRITIC_UNSET' } })).toMatchObject({ ok: false, error: { message: /ASSAY_CRITIC_UNSET is not set/ } });
    expect(await raw('critics:start', { name: 'x', baseUrl: server.baseUrl, model: 'm', key: { kind: 'keychain' } })).toMatchObject({ ok: false, error: { message: /only available in the desktop app/ } });
    expect(await raw('critics:saveKey', { baseUrl: server.baseUrl, key: 'sk-x' })).toMatchObject({ ok: false, error: { message: /only available in the desktop app/ } });
    expect(await raw('critics:start', { name: 'x', baseUrl: 'http://u:pw@127.0.0.1/v1', model: 'm' })).toMatchObject({ ok: false, error: { message: /baseUrl: must not hold a user name or password/ } });
    expect(server.requests).toHaveLength(0);
  });

  it('cancel stops the run: stored samples stay, nothing more is asked', async () => {
    const { call, server } = await setup({ latencyMs: 300 });
    const { job } = await call('critics:start', { name: 'slow', baseUrl: server.baseUrl, model: 'm', samples: 8, concurrency: 2, key: { kind: 'env', name: 'ASSAY_CRITIC_KEY' } });
    for (let i = 0; i < 200 && (await call('critics:status', { job })).progress.done < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await call('critics:cancel', { job })).toEqual({ cancelled: true });
    const status = await finished(call, job);
    expect(status.progress.state).toBe('cancelled');
    expect(status.summary).toMatchObject({ stopped: { reason: 'cancelled' } });
    const asked = server.requests.length;
    expect(status.summary!.done).toBeGreaterThanOrEqual(2);
    expect(status.summary!.done + status.summary!.notAttempted + status.summary!.failedCount).toBe(32);
    await new Promise((r) => setTimeout(r, 700));
    expect(server.requests.length).toBeLessThanOrEqual(asked + 2); // at most those in flight at the cancel
    expect((await call('critics:list', {})).items[0]!.samples).toBe(status.summary!.done);
    expect(await call('critics:cancel', { job })).toEqual({ cancelled: false });
  });
});
