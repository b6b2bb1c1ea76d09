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

describe('concurrency', () => {
  let dir: string;
  let dbPath: string;
  let server: ServerProcess;
  let evaluator: string;
  let item: number;

  beforeAll(async () => {
    dir = tempDir();
    dbPath = path.join(dir, 'shared.db');
    server = await startServe(dbPath);
    await value(server, 'demo:load', {});
    evaluator = (await value<{ id: string }>(server, 'evaluators:create', { displayName: 'Concurrent' })).id;
    item = (await value<{ items: { id: number }[] }>(server, 'review:queue', { evaluator })).items[0]!.id;
  });
  afterAll(() => server?.stop());

  it('the CLI imports into the database while the app records actions, and neither side fails', async () => {
    const file = path.join(dir, 'bulk.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 4000; i++) {
      lines.push(JSON.stringify({ id: `bulk-${i}`, kind: 'summary', output: `Output ${i}. `.repeat(40), critiques: [{ id: 'c1', text: `critique ${i}` }] }));
    }
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const review = (await value<{ review: { id: number } }>(server, 'review:begin', { evaluator, item })).review.id;

    const importing = runCli(['import', file, '--db', dbPath]);
    let done = false;
    void importing.then(() => (done = true));
    let seq = (await value<{ review: { events: unknown[] } }>(server, 'review:begin', { evaluator, item })).review.events.length;
    const failures: string[] = [];
    let recorded = 0;
    while (!done || recorded < 20) {
      const r = await api<{ seq: number }>(server, 'review:record', {
        evaluator,
        review,
        expectedSeq: seq,
        clientEventId: `concurrent-${recorded}-xxxxxxxx`,
        clientTime: Date.now(),
        event: { type: 'flaw-added', flaw: { id: `f${recorded}`, description: `found while importing ${recorded}` } },
      });
      if (r.ok) {
        seq = r.value.seq;
        recorded++;
      } else {
        failures.push(r.error.message);
        break;
      }
    }
    const result = await importing;
    expect(result.code, result.err).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ tasks: 4000 });
    expect(failures).toEqual([]);
    const info = await value<{ taskCount: number }>(server, 'app:info', {});
    expect(info.taskCount).toBe(4 + 4000);
  });

  it('two windows on one review: a stale window is refused and nothing interleaves silently', async () => {
    const view = await value<{ review: { id: number; events: { seq: number }[] } }>(server, 'review:begin', { evaluator, item });
    const review = view.review.id;
    const seq = view.review.events.at(-1)?.seq ?? 0;
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
    const after = await value<{ review: { events: { seq: number }[] } }>(server, 'review:begin', { evaluator, item });
    expect(after.review.events.at(-1)!.seq).toBe(seq + 1);
  });
});
