import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runPrompts } from '../../../electron/backend/critic/prompts.js';
import { findCritic, removeCritic, type CriticConfig } from '../../../electron/backend/critic/repository.js';
import { runCritic, type RunOptions } from '../../../electron/backend/critic/run.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { beginReview, createEvaluator, ensurePracticeQueue, getQueue } from '../../../electron/backend/reviews/repository.js';
import { exportPack } from '../../../electron/backend/studies/packs.js';
import { checkDesign } from '../../../electron/backend/studies/check.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { startCriticServer, type CriticServer, type CriticServerOptions } from '../../helpers/critic-server.js';
import { tempDb } from '../../helpers/db.js';

const servers: CriticServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function serve(options: CriticServerOptions = {}): Promise<CriticServer> {
  const s = await startCriticServer(options);
  servers.push(s);
  return s;
}

function config(server: CriticServer, over: Partial<CriticConfig> = {}): CriticConfig {
  return { name: 'emu', model: 'emu-1', baseUrl: server.baseUrl, prompts: runPrompts(undefined), params: { temperature: 0.5, seed: 10, max_tokens: 512 }, key: { kind: 'none' }, ...over };
}

function run(db: WritableDb, server: CriticServer, over: Partial<RunOptions> = {}): ReturnType<typeof runCritic> {
  return runCritic(db, { critic: config(server), apiKey: null, samples: 2, concurrency: 4, tasks: { kind: 'all' }, maxRequests: null, dryRun: false, replace: false, backoffMs: 5, ...over });
}

function count(db: WritableDb, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

function demoDb(): { db: WritableDb; path: string } {
  const t = tempDb();
  loadDemo(t.db);
  return t;
}

describe('critic runs', () => {
  it('stores K samples per task with anchored critiques, provenance, and hallucinated anchors kept without an anchor', async () => {
    const { db } = demoDb();
    const s = await serve();
    const summary = await run(db, s);
    expect(summary).toMatchObject({ tasks: 4, planned: 8, done: 8, failedCount: 0, refusedCount: 0, requests: 8, stopped: null, structured: 'json_schema' });
    expect(summary.critiques).toBe(count(db, 'SELECT count(*) AS n FROM critiques WHERE generated = 1'));
    expect(summary.hallucinated).toBeGreaterThan(0);
    expect(summary.hallucinated).toBe(count(db, 'SELECT count(*) AS n FROM critiques WHERE generated = 1 AND hallucinated = 1'));
    expect(summary.tokens.prompt).toBeGreaterThan(0);
    // separate requests with seeds seed + sample
    expect(s.requests.map((r) => r.body['seed']).sort()).toEqual([10, 10, 10, 10, 11, 11, 11, 11]);
    // every hallucinated critique has no anchor and the quote it claimed; every anchor resolves in the output
    const rows = db.prepare('SELECT c.anchor_json, c.resolved_json, c.hallucinated, c.source_json, t.output FROM critiques c JOIN tasks t ON t.id = c.task_id WHERE c.generated = 1').all() as {
      anchor_json: string | null;
      resolved_json: string | null;
      hallucinated: number;
      source_json: string;
      output: string;
    }[];
    for (const r of rows) {
      const source = JSON.parse(r.source_json) as Record<string, unknown>;
      if (r.hallucinated) {
        expect(r.anchor_json).toBeNull();
        expect(typeof source['unverified_quote'] === 'string' || Array.isArray(source['unverified_lines'])).toBe(true);
      }
      if (r.resolved_json) {
        const { start16, end16 } = JSON.parse(r.resolved_json) as { start16: number; end16: number };
        expect(end16).toBeGreaterThan(start16);
        expect(end16).toBeLessThanOrEqual(r.output.length);
      }
      expect(source).toMatchObject({
        model: 'emu-1',
        critic: { name: 'emu', endpoint: new URL(s.baseUrl).host, prompt_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), params: { temperature: 0.5, max_tokens: 512 }, seed: expect.any(Number), sample: expect.any(Number), usage: expect.any(Object), created_at: expect.any(String), structured: 'json_schema' },
      });
    }
  });

  it('is resumable and idempotent: a (task, critic, sample) stored is never asked again; more samples ask only for the new ones', async () => {
    const { db } = demoDb();
    const s = await serve();
    await run(db, s);
    const before = count(db, 'SELECT count(*) AS n FROM critiques');
    const again = await run(db, s);
    expect(again).toMatchObject({ planned: 0, alreadyStored: 8, done: 0, requests: 0 });
    expect(count(db, 'SELECT count(*) AS n FROM critiques')).toBe(before);
    const more = await run(db, s, { samples: 3 });
    expect(more).toMatchObject({ planned: 4, alreadyStored: 8, done: 4 });
    expect(s.requests.slice(-4).map((r) => r.body['seed'])).toEqual([12, 12, 12, 12]);
  });

  it('keeps to the concurrency limit', async () => {
    const { db } = demoDb();
    const s = await serve({ latencyMs: 100 });
    await run(db, s, { samples: 4, concurrency: 3 });
    expect(s.maxInFlight()).toBe(3);
  });

  it('a malformed answer is asked again once, then recorded as a failure for that sample — never a crash; the rest of the run goes on', async () => {
    const { db } = demoDb();
    // requests 1 and 2 (the first sample and its second try) malformed; request 3 malformed then request 4 fine
    const s = await serve({ fault: (n) => (n <= 3 ? { kind: 'malformed' } : null) });
    const summary = await run(db, s, { concurrency: 1 });
    expect(summary).toMatchObject({ planned: 8, done: 7, failedCount: 1, requests: 10 });
    expect(summary.failed[0]).toMatchObject({ task: 'demo-footbridge', sample: 0, reason: expect.stringMatching(/^malformed answer \(asked twice\): the answer is not valid JSON/) });
    // the failure is not stored: the next run asks for it (and only it)
    const rerun = await run(db, s);
    expect(rerun).toMatchObject({ planned: 1, done: 1 });
  });

  it('a server that ignores the schema (prose around the JSON) still yields critiques; a wrong shape is a failure', async () => {
    const { db } = demoDb();
    const s = await serve({ ignoreSchema: true });
    expect(await run(db, s, { samples: 1 })).toMatchObject({ done: 4, failedCount: 0 });
    const t = await serve({ fault: () => ({ kind: 'wrong-shape' }) });
    const { db: db2 } = demoDb();
    const summary = await run(db2, t, { samples: 1 });
    expect(summary).toMatchObject({ done: 0, failedCount: 4 });
    expect(summary.failed[0]!.reason).toMatch(/does not follow the schema: critiques/);
  });

  it('429 and 500 are retried (honouring Retry-After); a key the endpoint refuses stops the run, and no error carries it', async () => {
    const { db } = demoDb();
    const s = await serve({ fault: (n) => (n === 1 ? { kind: 'status', status: 429, retryAfter: '0.2' } : n === 2 ? { kind: 'status', status: 500 } : null) });
    expect(await run(db, s, { samples: 1, concurrency: 1 })).toMatchObject({ done: 4, failedCount: 0, requests: 6 });
    const key = 'sk-live-ABCDEF0123456789xyz';
    const locked = await serve({ apiKey: 'the-right-one' });
    const { db: db2 } = demoDb();
    const summary = await run(db2, locked, { apiKey: key, concurrency: 1 });
    expect(summary.stopped).toMatchObject({ reason: 'fatal', message: expect.stringMatching(/refused the key \(HTTP 401\)/) });
    expect(summary.notAttempted).toBe(7);
    expect(JSON.stringify(summary)).not.toContain(key.slice(0, 10));
    expect(JSON.stringify(summary)).not.toContain(key.slice(-10));
  });

  it('--max-requests stops the run there (retries count); a dry run says how many requests and about how many tokens, and writes nothing', async () => {
    const { db, path } = demoDb();
    const s = await serve();
    const dry = await run(db, s, { dryRun: true, samples: 3 });
    expect(dry).toMatchObject({ dryRun: true, planned: 12, done: 0, requests: 0, estimate: { requests: 12, promptTokens: expect.any(Number) } });
    expect(dry.estimate!.promptTokens).toBeGreaterThan(12 * 100);
    expect(s.requests).toHaveLength(0);
    expect(findCritic(db, 'emu')).toBeUndefined();
    expect((await run(db, s, { dryRun: true, maxRequests: 5 })).estimate!.requests).toBe(5);
    const capped = await run(db, s, { maxRequests: 5, concurrency: 2 });
    expect(capped).toMatchObject({ requests: 5, done: 5, notAttempted: 3, stopped: { reason: 'max-requests' } });
    expect(s.requests).toHaveLength(5);
    expect(fs.existsSync(path)).toBe(true);
  });

  it("a critic's name is its identity: other settings are refused unless --replace, which regenerates; remove deletes its critiques", async () => {
    const { db } = demoDb();
    const s = await serve();
    await run(db, s, { samples: 1 });
    const n = count(db, "SELECT count(*) AS n FROM critiques WHERE critic = 'emu'");
    await expect(run(db, s, { critic: config(s, { model: 'emu-2' }) })).rejects.toThrow(/critic "emu" already exists with other settings \(model "emu-1" → "emu-2"\).*--replace/);
    await expect(run(db, s, { critic: config(s, { params: { temperature: 0.9, seed: 10, max_tokens: 512 } }) })).rejects.toThrow(/temperature 0.5 → 0.9/);
    // another base URL alone is the same critic (the endpoint moved)
    expect(await run(db, s, { critic: config(s, { baseUrl: s.baseUrl.replace('127.0.0.1', 'localhost') }), samples: 1 })).toMatchObject({ planned: 0 });
    const replaced = await run(db, s, { critic: config(s, { model: 'emu-2' }), replace: true, samples: 1 });
    expect(replaced).toMatchObject({ replaced: { critiques: n, samples: 4 }, done: 4 });
    expect(count(db, "SELECT count(*) AS n FROM critiques WHERE critic = 'emu' AND model = 'emu-1'")).toBe(0);
    expect(removeCritic(db, 'emu')).toEqual({ critiques: n, samples: 4 });
    expect(count(db, "SELECT count(*) AS n FROM critiques WHERE critic = 'emu'")).toBe(0);
    expect(count(db, 'SELECT count(*) AS n FROM critiques')).toBe(13); // the demo's own critiques stay
    expect(() => removeCritic(db, 'emu')).toThrow(/No critic "emu"/);
  });

  it('tasks a study has shown are refused (naming the study) and never changed; practice reviews do not stop it', async () => {
    const { db } = demoDb();
    createStudy(db, { name: 'pilot', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['demo-footbridge'] });
    exportPack(db, 'pilot', 'ann');
    const bob = createEvaluator(db, 'Bob');
    ensurePracticeQueue(db, bob.id);
    const practiced = getQueue(db, bob.id).find((q) => q.study === '' && q.taskId !== 'demo-footbridge')!;
    beginReview(db, bob.id, practiced.id);
    const dump = (): string => JSON.stringify(db.prepare("SELECT * FROM critiques WHERE task_id = 'demo-footbridge' ORDER BY position").all());
    const frozen = dump();
    const s = await serve();
    const summary = await run(db, s, { samples: 1 });
    expect(summary).toMatchObject({ refusedCount: 1, done: 3 });
    expect(summary.refused[0]!.reason).toMatch(/task "demo-footbridge" belongs to study "pilot" \(1 pack issued\).*no critique can be added/);
    expect(dump()).toBe(frozen);
    expect(s.requests).toHaveLength(3); // nothing asked for the frozen task
    expect(count(db, `SELECT count(*) AS n FROM critiques WHERE task_id = '${practiced.taskId}' AND generated = 1`)).toBeGreaterThan(0);
    // and its critiques can no longer be removed or regenerated
    expect(() => removeCritic(db, 'emu')).toThrow(/already shown/);
  });

  it('the key is never written: not to the database (WAL included), an export or a pack', async () => {
    const { db, path } = demoDb();
    const key = 'sk-never-stored-0123456789ABCDEF';
    const s = await serve({ apiKey: key });
    const summary = await run(db, s, { apiKey: key, critic: config(s, { key: { kind: 'env', name: 'MY_KEY' } }) });
    expect(summary.done).toBe(8);
    expect(s.requests[0]!.authorization).toBe(`Bearer ${key}`);
    let exported = '';
    exportTasks(db, (c) => (exported += c));
    createStudy(db, { name: 'st', conditions: [{ name: 'c', policy: 'critic=emu' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 });
    const pack = exportPack(db, 'st', 'ann').content;
    for (const [what, text] of [
      ['export', exported],
      ['pack', pack],
    ] as const) {
      expect(text, what).not.toContain(key);
      expect(text, what).not.toContain(key.slice(0, 12));
    }
    expect(exported).toContain('"critic":{"name":"emu"');
    expect(findCritic(db, 'emu')!.key).toEqual({ kind: 'env', name: 'MY_KEY' });
    for (const f of [path, `${path}-wal`]) if (fs.existsSync(f)) expect(fs.readFileSync(f).includes(Buffer.from(key.slice(0, 12))), f).toBe(false);
  });
});

describe('critic conditions in studies', () => {
  it('a study whose condition names a critic is refused unless the critic has a sample on every task of the study', async () => {
    const { db } = demoDb();
    const s = await serve();
    const spec = (policy: string, tasks?: string[]) => ({ name: `s${Math.random().toString(36).slice(2, 8)}`, conditions: [{ name: 'c', policy }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, ...(tasks ? { tasks } : {}) });
    expect(() => createStudy(db, spec('critic=ghost'))).toThrow(/conditions\.0\.policy: no critic "ghost" in this database/);
    await run(db, s, { samples: 1, tasks: { kind: 'ids', ids: ['demo-footbridge', 'demo-bakery'] } });
    expect(() => createStudy(db, spec('critic=emu+top-2'))).toThrow(/critic "emu" has no sample stored for 2 of the study's 4 task\(s\) \(first: demo-walking, demo-moving-average\)/);
    const ok = createStudy(db, spec('critic=emu+top-2', ['demo-footbridge', 'demo-bakery']));
    expect(ok.conditions).toEqual([{ name: 'c', policy: 'critic=emu+top-2' }]);
  });

  it('the study check sees what a critic condition will show (the pins’ selection), not an empty list', async () => {
    const { db } = demoDb();
    const s = await serve();
    const tasks = ['demo-footbridge', 'demo-bakery'];
    await run(db, s, { samples: 2, tasks: { kind: 'ids', ids: tasks } });
    const design = (policy: string) => ({ conditions: [{ name: 'none', policy: 'none' }, { name: 'c', policy }], evaluators: 4, overlap: 2 });
    for (const policy of ['critic=emu', 'critic=emu+top-1', 'critic=emu+lambda-0.5', 'critic=emu+sample-1']) {
      const check = checkDesign(db, design(policy), tasks);
      expect(check.hazards.filter((h) => h.condition === 'c' && h.code.startsWith('assisted-')), policy).toEqual([]);
    }
    // a point that leaves nothing on any task is still reported (top-K of an empty selection)
    const none = checkDesign(db, design('critic=emu+min-1'), tasks);
    expect(none.hazards.map((h) => h.code)).toContain('assisted-shows-nothing');
    // and the study is created without --force, its items showing the critic's critiques
    const study = createStudy(db, { name: 'crit', ...design('critic=emu+top-1'), evaluators: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], seed: 1, tasks, reviewHere: true });
    expect(study.conditions.map((c) => c.policy)).toEqual(['none', 'critic=emu+top-1']);
  });
});
