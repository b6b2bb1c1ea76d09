// The critic benchmark (issue #13): 1,000 tasks critiqued by `assay critique` (the built CLI, as a
// user runs it) against the loopback emulator answering each request after a fixed 200 ms, at
// concurrency 16. The ideal is 1,000 × 0.2 s / 16 = 12.5 s; the goal is ideal/actual ≥ 0.8. Also
// the peak resident memory of the CLI process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { startCriticServer } from '../../test/helpers/critic-server.js';
import { runCli } from '../cli-process.js';
import type { BenchFigure, BenchSection } from '../section.js';

const TASKS = Number(process.env['ASSAY_BENCH_CRITIC_TASKS'] ?? 1000);
const LATENCY_MS = 200;
const CONCURRENCY = 16;

/** A summary task of about 1 KB with one anchored flaw. */
function task(i: number): Record<string, unknown> {
  const sentences = Array.from({ length: 8 }, (_, s) => `Sentence ${s} of report ${i} says the bridge reopened after ${(i + s) % 12} months of repairs.`);
  return { id: `critic-bench-${i}`, kind: 'summary', output: sentences.join(' '), context: { document: `Report ${i}: the bridge reopened after six months.` }, flaws: [{ id: 'f1', description: 'Wrong duration', anchor: { quote: sentences[0]! } }] };
}

export const criticSection: BenchSection = {
  name: 'critic',
  async run(): Promise<readonly BenchFigure[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-critic-'));
    const server = await startCriticServer({ latencyMs: LATENCY_MS });
    try {
      const dbPath = path.join(dir, 'critic.db');
      const db = openDatabase(dbPath);
      importTasks(db, Array.from({ length: TASKS }, (_, i) => task(i)), 'bench.jsonl');
      db.close();
      const run = await runCli(
        ['critique', '--db', dbPath, '--base-url', server.baseUrl, '--model', 'bench', '--all', '--concurrency', String(CONCURRENCY), '--json'],
        { ...process.env, ASSAY_DB: '' },
      );
      const wallMs = run.ms;
      const peak = run.peakBytes;
      const stdout = run.stdout;
      const summary = JSON.parse(stdout) as { done: number; requests: number; elapsedMs: number };
      if (summary.done !== TASKS) throw new Error(`assay critique stored ${summary.done} of ${TASKS} samples`);
      const idealMs = (TASKS * LATENCY_MS) / CONCURRENCY;
      const ratio = idealMs / wallMs;
      const runRatio = idealMs / summary.elapsedMs;
      return [
        { name: `${TASKS} tasks at ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}: wall time of the whole CLI process (start-up included)`, value: wallMs / 1000, unit: 's' },
        { name: 'ideal (tasks × latency / concurrency)', value: idealMs / 1000, unit: 's' },
        { name: 'ratio ideal / actual (whole process)', value: ratio, unit: '×', goal: '≥ 0.8', pass: ratio >= 0.8 },
        { name: 'ratio ideal / actual (the run alone, as the summary times it)', value: runRatio, unit: '×' },
        ...(peak === null ? [] : [{ name: 'peak RSS of the CLI process', value: peak / 2 ** 20, unit: 'MB' }]),
      ];
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
