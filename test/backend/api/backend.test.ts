import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createBackend, offloaded, type Backend } from '../../../electron/backend/api/backend.js';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { openDatabase, openReadonly } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { beginReview, getQueue } from '../../../electron/backend/reviews/repository.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { defaultWorkerScript, WorkerPool } from '../../../electron/backend/worker/pool.js';
import { opNames, type OpInput, type OpName } from '../../../shared/contract/index.js';
import { tempDb } from '../../helpers/db.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const backends: Backend[] = [];
afterAll(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});

function backend(db: WritableDb, dbPath: string, extra: { nativeBinding?: string } = {}): Backend {
  const b = createBackend({ db, dbPath, host: 'browser', ...extra });
  backends.push(b);
  return b;
}

/** A handle that counts every use of the connection by the code running on this thread. */
function counted(db: WritableDb): { db: WritableDb; uses: () => number } {
  let uses = 0;
  const proxy = new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        uses++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: proxy, uses: () => uses };
}

/** A valid input for every long operation (valid for the contract; the back end may still refuse it). */
const samples: { readonly [K in OpName]?: OpInput<K> } = {
  'tasks:importBegin': { name: 'x.jsonl', size: 10 },
  'tasks:importChunk': { uploadId: '00000000-0000-4000-8000-000000000000', offset: 0, data: '' },
  'tasks:importFinish': { uploadId: '00000000-0000-4000-8000-000000000000' },
  'tasks:importCancel': { uploadId: '00000000-0000-4000-8000-000000000000' },
  'demo:load': {},
  'studies:create': { name: 'sample', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'eva' }], overlap: 1, seed: 1 },
  'packs:export': { study: 'sample', evaluator: 'eva' },
  'packs:import': { fileName: 'p.json', content: '{}' },
  'results:import': { files: [{ fileName: 'r.jsonl', content: '{}' }] },
  'analysis:data': { study: 'sample' },
  'studies:list': {},
  'studies:get': { name: 'sample' },
  'studies:check': { conditions: [{ name: 'a', policy: 'none' }], evaluators: 3, overlap: 1 },
  'studies:plan': { conditions: [{ name: 'a', policy: 'none' }, { name: 'b', policy: 'all' }], uplift: 0.5 },
  'results:export': {},
  'review:queue': { evaluator: 'nobody' },
  'critics:list': {},
  'critics:sweep': { name: 'nobody' },
  'critics:remove': { name: 'nobody' },
  'critics:estimate': { name: 'sample', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' },
  'critics:status': { job: 'critic-none' },
  'critics:cancel': { job: 'critic-none' },
  'tasks:search': { q: 'demo' },
  'tasks:facets': {},
  'tasks:detail': { id: 'demo-footbridge' },
  'tasks:delete': { notInStudy: true, dryRun: true },
  'profiles:list': {},
  'analysis:rule': { study: 'sample', review: '1', report: { kind: 'added', id: 'x' }, rulings: [{ flaw: 'f1', verdict: 'match' }] },
};

describe('the back end (createBackend): long operations on worker threads', () => {
  it('runs every long operation on a worker: the connection of the thread that answers the UI is never used', async () => {
    const { db, path: file } = tempDb();
    const main = counted(db);
    const b = backend(main.db, file);
    for (const name of Object.keys(samples) as OpName[]) {
      // these two write a little here first (the practice queue; items whose time ran out), then read on a worker
      if (name === 'review:queue' || name === 'results:export') continue;
      const before = main.uses();
      const r = await dispatch(b.handlers, name, samples[name]);
      // it ran (a refusal from the handler, not from the input schema)…
      if (!r.ok) expect(r.error.message, name).not.toMatch(/invalid input/);
      // …and not here
      expect(main.uses() - before, name).toBe(0);
    }
    expect((await dispatch(b.handlers, 'app:info', {})) as { value: { taskCount: number } }).toMatchObject({ value: { taskCount: 4 } }); // demo:load, from the worker
    expect(main.uses()).toBeGreaterThan(0);
    expect(Object.keys(samples).sort()).toEqual(opNames.filter((n) => n in offloaded).sort());
  });

  it('review:queue: the practice queue is brought up to date here, and listed by the read worker with the studies reviewed elsewhere', async () => {
    const { db, path: file } = tempDb();
    loadDemo(db);
    const b = backend(db, file);
    const ana = (await dispatch(b.handlers, 'evaluators:create', { displayName: 'Ana' })) as { ok: true; value: { id: string } };
    const q = (await dispatch(b.handlers, 'review:queue', { evaluator: ana.value.id })) as { ok: true; value: { items: unknown[] } };
    expect(q.value.items).toHaveLength(4);
    // A study reviewed from packs (the default) takes its tasks out of practice; the read worker
    // says where its items are reviewed instead (`elsewhere`, for the Review place's note).
    const created = await dispatch(b.handlers, 'studies:create', { name: 'packed', conditions: [{ name: 'u', policy: 'none' }], evaluators: [{ id: ana.value.id }], overlap: 1, seed: 1 });
    expect(created.ok).toBe(true);
    expect(await dispatch(b.handlers, 'review:queue', { evaluator: ana.value.id })).toEqual({ ok: true, value: { items: [], elsewhere: [{ study: 'packed', items: 4, finished: 0 }] } });
    expect(await dispatch(b.handlers, 'review:queue', { evaluator: 'nobody' })).toMatchObject({ ok: false, error: { code: 'not-found', message: 'No evaluator profile "nobody". Choose or create a profile.' } });
  });

  it('review:queue and results:export first end the items whose time ran out (here), then read on the worker', async () => {
    const { db: researcherDb } = tempDb();
    importTasks(researcherDb, [{ id: 't1', kind: 'summary', output: 'x', critiques: [{ id: 'c1', text: 'y' }] }]);
    createStudy(researcherDb, { name: 'timed', conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'eva' }], overlap: 1, seed: 1, settings: { timeLimitSeconds: 60 } });
    const { content } = exportPack(researcherDb, 'timed', 'eva');
    const { db, path: file } = tempDb();
    importPack(db, content, 'eva.json');
    const item = getQueue(db, 'eva').find((q) => q.study === 'timed')!;
    beginReview(db, 'eva', item.id, Date.now() - 120_000); // opened two minutes ago, window closed since
    const b = backend(db, file);
    const exported = (await dispatch(b.handlers, 'results:export', {})) as { ok: true; value: { content: string; reviews: number } };
    expect(exported.value.reviews).toBe(1);
    expect(JSON.parse(exported.value.content).reviews[0].record).toMatchObject({ ended_by: 'time-limit', skipped: null });
    const q = (await dispatch(b.handlers, 'review:queue', { evaluator: 'eva' })) as { ok: true; value: { items: { study: string; status: string }[] } };
    expect(q.value.items.filter((i) => i.study === 'timed').map((i) => i.status)).toEqual(['submitted']);
  });

  it('answers other calls while a long operation runs on a worker (ordering, not timing)', async () => {
    const { db, path: file } = tempDb();
    const b = backend(db, file);
    // A package big enough that importing it takes a while on any machine.
    const pkg = Array.from({ length: 6000 }, (_, i) => JSON.stringify({ id: `t-${i}`, kind: 'summary', output: `Output ${i}. `.repeat(60), critiques: [{ id: 'c1', text: 'x' }] })).join('\n');
    const bytes = Buffer.from(`${pkg}\n`);
    const begun = (await dispatch(b.handlers, 'tasks:importBegin', { name: 'big.jsonl', size: bytes.length })) as { ok: true; value: { uploadId: string; chunkBytes: number } };
    const { uploadId, chunkBytes } = begun.value;
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      await dispatch(b.handlers, 'tasks:importChunk', { uploadId, offset, data: bytes.subarray(offset, offset + chunkBytes).toString('base64') });
    }
    const order: string[] = [];
    const finishing = dispatch(b.handlers, 'tasks:importFinish', { uploadId }).then((r) => {
      order.push('import finished');
      return r;
    });
    for (let i = 0; i < 3; i++) {
      await dispatch(b.handlers, 'app:info', {});
      await dispatch(b.handlers, 'evaluators:create', { displayName: `During ${i}` });
      order.push(`call ${i}`);
    }
    expect(await finishing).toMatchObject({ ok: true, value: { status: 'imported', tasks: 6000 } });
    expect(order).toEqual(['call 0', 'call 1', 'call 2', 'import finished']);
  });

  it('waits for a busy database without blocking this thread, and no caller sees SQLITE_BUSY', async () => {
    const file = tempDbPath();
    const db = openDatabase(file, { busyTimeoutMs: 0 });
    loadDemo(db);
    const b = backend(db, file);
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock…
    const order: string[] = [];
    const writing = dispatch(b.handlers, 'evaluators:create', { displayName: 'Patient' }).then((r) => {
      order.push('write answered');
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    const read = await dispatch(b.handlers, 'app:info', {}); // …meanwhile reads are answered
    order.push('read answered');
    setTimeout(() => other.exec('COMMIT'), 100); // …and the lock is released a little later
    expect(read.ok).toBe(true);
    expect(await writing).toMatchObject({ ok: true, value: { id: 'patient' } });
    expect(order).toEqual(['read answered', 'write answered']);
  });

  it('removes what a killed import left behind when it starts', async () => {
    const { db, path: file } = tempDb();
    loadDemo(db);
    // The rows an import had staged when its process died (pid of a process that has exited).
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(dead.stdout.trim());
    db.prepare(`INSERT INTO import_batches (id, source, state, owner_host, owner_pid, started_at, heartbeat_at, first_seq, last_seq) VALUES (7, 'killed.jsonl', 'staging', $host, $pid, $now, $now, 100, 101)`).run({ host: os.hostname(), pid, now: Date.now() });
    for (const seq of [100, 101]) {
      db.prepare(`INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at, import_batch) VALUES ($id, $seq, 'summary', 'x', '{}', 'h', 0, 7)`).run({ id: `staged-${seq}`, seq });
      db.prepare(`INSERT INTO critiques (task_id, id, position, text) VALUES ($id, 'c1', 0, 'x')`).run({ id: `staged-${seq}` });
    }
    const b = backend(db, file);
    expect(await dispatch(b.handlers, 'app:info', {})).toMatchObject({ ok: true, value: { taskCount: 4 } }); // invisible meanwhile
    // (the batch row goes last, once its rows are deleted)
    await vi.waitFor(() => expect(db.prepare(`SELECT id, state FROM import_batches`).all()).toEqual([{ id: 1, state: 'published' }]), { timeout: 30_000 });
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 4 });
    expect(db.prepare(`SELECT count(*) AS n FROM critiques WHERE task_id LIKE 'staged-%'`).get()).toEqual({ n: 0 });
  });

  it('gives up on a lock held past the retry window with the database message, not a raw SQLite error', async () => {
    const file = tempDbPath();
    const db = openDatabase(file, { busyTimeoutMs: 0 });
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    const r = await dispatch(createBackend({ db, dbPath: file, host: 'browser', inline: true, busyRetryMs: 30 }).handlers, 'evaluators:create', { displayName: 'X' }, { dbPath: file });
    other.exec('ROLLBACK');
    expect(r).toMatchObject({ ok: false, error: { code: 'database', message: expect.stringContaining('is busy: another program holds a lock on it for too long') } });
  });
});

describe('worker threads and the SQLite addon', () => {
  const addon = path.join(path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');

  it('load the addon the back end is given (the desktop app passes its Electron build)', async () => {
    const copy = path.join(tempDir(), 'better_sqlite3.node');
    fs.copyFileSync(addon, copy);
    const { db, path: file } = tempDb();
    const good = backend(db, file, { nativeBinding: copy });
    expect(await dispatch(good.handlers, 'demo:load', {})).toMatchObject({ ok: true, value: { tasks: 4 } });
    expect(await dispatch(good.handlers, 'studies:list', {})).toEqual({ ok: true, value: [] });

    const missing = path.join(tempDir(), 'electron-abi', 'better_sqlite3.node');
    const bad = backend(db, file, { nativeBinding: missing });
    const write = await dispatch(bad.handlers, 'demo:load', {});
    const read = await dispatch(bad.handlers, 'studies:list', {});
    // The workers really tried that file: their error names it.
    expect(write).toMatchObject({ ok: false, error: { code: 'database', message: expect.stringContaining(missing) } });
    expect(read).toMatchObject({ ok: false, error: { code: 'database', message: expect.stringContaining(missing) } });
    expect(await dispatch(bad.handlers, 'app:info', {})).toMatchObject({ ok: true }); // the main thread is unaffected
  });

  it('the built worker bundles run beside the bundles that start them: dist/db-worker.mjs (CLI) and dist/electron/db-worker.cjs (desktop)', async () => {
    const dist = path.join(repoRoot, 'dist');
    expect(defaultWorkerScript(pathToFileURL(path.join(dist, 'cli.mjs')).href)).toEqual({ file: path.join(dist, 'db-worker.mjs') });
    expect(defaultWorkerScript(pathToFileURL(path.join(dist, 'electron', 'main.cjs')).href)).toEqual({ file: path.join(dist, 'electron', 'db-worker.cjs') });
    const { db, path: file } = tempDb();
    loadDemo(db);
    for (const script of [path.join(dist, 'db-worker.mjs'), path.join(dist, 'electron', 'db-worker.cjs')]) {
      const pool = new WorkerPool({ dbPath: file, host: 'desktop', script: { file: script } });
      expect(await pool.run('read', 'studies:list', {})).toEqual([]);
      expect(await pool.run('write', 'imports:cleanup', {})).toEqual([]);
      await pool.close();
    }
  });

  it('a worker that dies fails its job with a clear error, and the next job starts a new one', async () => {
    const pool = new WorkerPool({ dbPath: tempDbPath(), host: 'browser', script: { code: 'process.exit(3)' } });
    await expect(pool.run('write', 'demo:load', {})).rejects.toThrow('The background write worker stopped unexpectedly (it exited with code 3); try again.');
    await expect(pool.run('write', 'demo:load', {})).rejects.toThrow(/exited with code 3/);
    await pool.close();
  });

  it('the read worker cannot write: its connection is opened read-only by SQLite', () => {
    const { db, path: file } = tempDb();
    loadDemo(db);
    const ro = openReadonly(file);
    expect((ro.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n).toBe(4);
    expect(() => ro.prepare(`INSERT INTO evaluators (id, display_name, created_at) VALUES ('x', 'x', 1)`).run()).toThrow(/readonly/);
    ro.close();
  });
});
