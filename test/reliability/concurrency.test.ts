import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../shared/result.js';
import { repoRoot, startServe, type ServerProcess } from '../helpers/server.js';
import { tempDir } from '../helpers/temp.js';

async function api<T>(server: ServerProcess, name: string, input: unknown): Promise<ApiResult<T>> {
  const res = await fetch(`${server.url}api/${name}`, { method: 'POST', body: JSON.stringify(input) });
  return (await res.json()) as ApiResult<T>;
}

async function value<T>(server: ServerProcess, name: string, input: unknown): Promise<T> {
  const r = await api<T>(server, name, input);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}

function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** A task package of `n` tasks of about 1.5 KB each. */
function writePackage(file: string, prefix: string, n: number): void {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ id: `${prefix}-${i}`, kind: 'summary', output: `Output ${i}. `.repeat(100), critiques: [{ id: 'c1', text: `critique ${i}` }], flaws: [{ id: 'f1', description: 'planted' }] }));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('concurrency', () => {
  let dir: string;
  let dbPath: string;
  let server: ServerProcess;
  let evaluator: string;
  let review: number;
  let seq: number;

  beforeAll(async () => {
    dir = tempDir();
    dbPath = path.join(dir, 'shared.db');
    server = await startServe(dbPath);
    await value(server, 'demo:load', {});
    evaluator = (await value<{ id: string }>(server, 'evaluators:create', { displayName: 'Concurrent' })).id;
    const item = (await value<{ items: { id: number }[] }>(server, 'review:queue', { evaluator })).items[0]!.id;
    const begun = await value<{ review: { id: number; events: unknown[] } }>(server, 'review:begin', { evaluator, item });
    review = begun.review.id;
    seq = begun.review.events.length;
  });
  afterAll(() => server?.stop());

  /** Records one action as the UI does; resolves to its latency, or throws with the server's message. */
  async function record(tag: string, n: number): Promise<number> {
    const t = performance.now();
    const r = await api<{ seq: number }>(server, 'review:record', {
      evaluator,
      review,
      expectedSeq: seq,
      clientEventId: `${tag}-${n}-xxxxxxxx`,
      clientTime: Date.now(),
      event: { type: 'rating-set', rating: 1 + (n % 7) },
    });
    if (!r.ok) throw new Error(r.error.message);
    seq = r.value.seq;
    return performance.now() - t;
  }

  it('a big `assay import` in another process: every action is acknowledged quickly, and readers see the file whole or not at all', async () => {
    const file = path.join(dir, 'bulk.jsonl');
    const tasks = 15_000;
    writePackage(file, 'bulk', tasks);
    const before = (await value<{ taskCount: number }>(server, 'app:info', {})).taskCount;

    const started = performance.now();
    const importing = runCli(['import', file, '--json', '--db', dbPath]);
    let finished = 0;
    void importing.then(() => (finished = performance.now()));
    const latencies: number[] = [];
    const counts = new Set<number>();
    const failures: string[] = [];
    while (!finished) {
      try {
        latencies.push(await record('cli', latencies.length));
      } catch (err) {
        failures.push((err as Error).message);
        break;
      }
      counts.add((await value<{ taskCount: number }>(server, 'app:info', {})).taskCount);
    }
    const result = await importing;
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ tasks });
    expect(failures).toEqual([]); // never SQLITE_BUSY, never anything else
    // Readers saw the database before the file or after it, never a part of it.
    expect([...counts].every((c) => c === before || c === before + tasks), [...counts].join(', ')).toBe(true);
    expect((await value<{ taskCount: number }>(server, 'app:info', {})).taskCount).toBe(before + tasks);
    // Actions went on all along: none waited for the file (on a single-transaction import the
    // first one waits for all of it). Relative to the import's own duration, so machine speed does not matter.
    const importMs = finished - started;
    expect(latencies.length).toBeGreaterThan(20);
    expect(Math.max(...latencies)).toBeLessThan(importMs / 4);
  });

  it('browser mode answers other calls while tasks:importFinish imports a big upload', async () => {
    const file = path.join(dir, 'upload.jsonl');
    writePackage(file, 'upload', 10_000);
    const bytes = fs.readFileSync(file);
    const { uploadId, chunkBytes } = await value<{ uploadId: string; chunkBytes: number }>(server, 'tasks:importBegin', { name: 'upload.jsonl', size: bytes.length });
    for (let offset = 0; offset < bytes.length; offset += chunkBytes) {
      await value(server, 'tasks:importChunk', { uploadId, offset, data: bytes.subarray(offset, offset + chunkBytes).toString('base64') });
    }
    let finished = false;
    const finishing = value<{ status: string; tasks: number }>(server, 'tasks:importFinish', { uploadId }).finally(() => (finished = true));
    // Calls sent after the import started: several must be answered before it ends. (When the import
    // ran on the thread that answers requests, every one of them waited for the whole file.)
    const answeredBefore: string[] = [];
    let n = 0;
    while (!finished) {
      await record('upload', n);
      await value(server, 'app:info', {});
      await value(server, 'tasks:list', { offset: 0, limit: 10 });
      if (!finished) answeredBefore.push(`round ${n}`);
      n++;
    }
    expect(await finishing).toMatchObject({ status: 'imported', tasks: 10_000 });
    expect(answeredBefore.length).toBeGreaterThanOrEqual(3);
  });

  it('two windows on one review: a stale window is refused and nothing interleaves silently', async () => {
    const send = (tab: string) =>
      api<{ seq: number }>(server, 'review:record', {
        evaluator,
        review,
        expectedSeq: seq,
        clientEventId: `tab-${tab}-xxxxxxxx`,
        clientTime: Date.now(),
        event: { type: 'rating-set', rating: tab === 'a' ? 3 : 6 },
      });
    const [a, b] = await Promise.all([send('a'), send('b')]);
    const outcomes = [a, b].map((r) => (r.ok ? 'ok' : r.error.code)).sort();
    expect(outcomes).toEqual(['conflict', 'ok']);
    const item = (await value<{ items: { id: number }[] }>(server, 'review:queue', { evaluator })).items[0]!.id;
    const after = await value<{ review: { events: { seq: number }[] } }>(server, 'review:begin', { evaluator, item });
    expect(after.review.events.at(-1)!.seq).toBe(seq + 1);
  });
});
