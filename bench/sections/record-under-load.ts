// `review:record` while a 100,000-task import runs (issue #10): the same action through browser
// mode's HTTP API, idle and while (a) `assay import` runs in another process on the same database
// and (b) the UI's own import path (tasks:importFinish of an uploaded package) runs in the server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../electron/backend/db/open.js';
import { loadDemo } from '../../electron/backend/demo.js';
import { beginReview, createEvaluator, ensurePracticeQueue, getQueue } from '../../electron/backend/reviews/repository.js';
import { startServe, type ServerProcess } from '../../test/helpers/server.js';
import type { BenchFigure, BenchSection } from '../section.js';
import { percentile } from '../stats.js';
import { writePackage } from './import.js';

const TASKS = Number(process.env['ASSAY_BENCH_LOAD_TASKS'] ?? 100_000);
const IDLE_SAMPLES = 400;
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'assay.mjs');

/** A database with the demo tasks and one started review; returns what `review:record` needs. */
function prepare(file: string): { evaluator: string; review: number } {
  const db = openDatabase(file);
  loadDemo(db);
  const evaluator = createEvaluator(db, 'Bench').id;
  ensurePracticeQueue(db, evaluator);
  const review = beginReview(db, evaluator, getQueue(db, evaluator)[0]!.id).review.id;
  db.close();
  return { evaluator, review };
}

async function call<T>(server: ServerProcess, name: string, input: unknown): Promise<T> {
  const res = await fetch(`${server.url}api/${name}`, { method: 'POST', body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

/** Records actions one after another, as fast as they are acknowledged, until `until()`; returns latencies. */
async function recordWhile(server: ServerProcess, target: { evaluator: string; review: number; seq: number }, until: () => boolean, min = 0): Promise<number[]> {
  const times: number[] = [];
  while (!until() || times.length < min) {
    const t = performance.now();
    const r = await call<{ seq: number }>(server, 'review:record', {
      evaluator: target.evaluator,
      review: target.review,
      expectedSeq: target.seq,
      clientEventId: `load-${target.seq}-xxxxxxxx`,
      clientTime: Date.now(),
      event: { type: 'rating-set', rating: 1 + (target.seq % 7) },
    });
    times.push(performance.now() - t);
    target.seq = r.seq;
  }
  return times;
}

function summary(label: string, times: readonly number[], idleP99: number): BenchFigure[] {
  const p99 = percentile(times, 0.99);
  const ratio = p99 / idleP99;
  return [
    { name: `${label}: review:record p50`, value: percentile(times, 0.5), unit: 'ms' },
    { name: `${label}: review:record p99`, value: p99, unit: 'ms', goal: '≤ 50 ms', pass: p99 <= 50 },
    { name: `${label}: p99 / idle p99`, value: ratio, unit: '×', goal: '≤ 10×', pass: ratio <= 10 },
    { name: `${label}: actions recorded (none failed)`, value: times.length, unit: '' },
  ];
}

/** `npm run bench -- record`. */
export const recordUnderLoadSection: BenchSection = {
  name: 'record under import',
  async run() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-load-'));
    try {
      const pkg = path.join(dir, 'tasks.jsonl');
      writePackage(pkg, TASKS);

      // (a) idle, then while `assay import` runs in another process on the same file
      const cliDb = path.join(dir, 'cli.db');
      const target = { ...prepare(cliDb), seq: 0 };
      const server = await startServe(cliDb);
      let idle: number[];
      let underCli: number[];
      let cliMs: number;
      try {
        await recordWhile(server, target, () => true, 50); // warm up
        idle = await recordWhile(server, target, () => true, IDLE_SAMPLES);
        const started = performance.now();
        const child = spawn(process.execPath, [bin, 'import', pkg, '--db', cliDb], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        let exited: number | null | undefined;
        child.once('exit', (code) => (exited = code));
        underCli = await recordWhile(server, target, () => exited !== undefined);
        cliMs = performance.now() - started;
        if (exited !== 0) throw new Error(`assay import exited with ${exited}: ${stderr.slice(0, 2000)}`);
        const info = await call<{ taskCount: number }>(server, 'app:info', {});
        if (info.taskCount !== TASKS + 4) throw new Error(`expected ${TASKS + 4} tasks after the import, found ${info.taskCount}`);
      } finally {
        await server.stop();
      }

      // (b) while the UI's import (an uploaded package, tasks:importFinish) runs in the same server
      const uiDb = path.join(dir, 'ui.db');
      const uiTarget = { ...prepare(uiDb), seq: 0 };
      const ui = await startServe(uiDb);
      let underUi: number[];
      let uiMs: number;
      try {
        await recordWhile(ui, uiTarget, () => true, 50);
        const size = fs.statSync(pkg).size;
        const { uploadId, chunkBytes } = await call<{ uploadId: string; chunkBytes: number }>(ui, 'tasks:importBegin', { name: 'tasks.jsonl', size });
        const fd = fs.openSync(pkg, 'r');
        const buffer = Buffer.alloc(chunkBytes);
        for (let offset = 0; offset < size; ) {
          const n = fs.readSync(fd, buffer, 0, chunkBytes, offset);
          await call(ui, 'tasks:importChunk', { uploadId, offset, data: buffer.subarray(0, n).toString('base64') });
          offset += n;
        }
        fs.closeSync(fd);
        let done = false;
        const started = performance.now();
        const finishing = call<{ status: string; tasks: number }>(ui, 'tasks:importFinish', { uploadId }).finally(() => (done = true));
        underUi = await recordWhile(ui, uiTarget, () => done);
        uiMs = performance.now() - started;
        const result = await finishing;
        if (result.status !== 'imported' || result.tasks !== TASKS) throw new Error(`UI import: ${JSON.stringify(result).slice(0, 500)}`);
      } finally {
        await ui.stop();
      }

      const idleP99 = percentile(idle, 0.99);
      return [
        { name: 'idle: review:record p50', value: percentile(idle, 0.5), unit: 'ms' },
        { name: 'idle: review:record p99', value: idleP99, unit: 'ms' },
        { name: `CLI import of ${TASKS} tasks in another process`, value: cliMs / 1000, unit: 's' },
        ...summary('during the CLI import', underCli, idleP99),
        { name: `UI import (tasks:importFinish) of ${TASKS} tasks`, value: uiMs / 1000, unit: 's' },
        ...summary('during the UI import', underUi, idleP99),
        // The figures depend on what else the machine runs: say how busy it was.
        { name: 'machine load average (1 min) at the end', value: os.loadavg()[0]!, unit: '' },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
