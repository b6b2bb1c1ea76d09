// The critic benchmark (issue #13): 1,000 tasks critiqued by `assay critique` (the built CLI, as a
// user runs it) against the loopback emulator answering each request after a fixed 200 ms, at
// concurrency 16. The ideal is 1,000 × 0.2 s / 16 = 12.5 s; the goal is ideal/actual ≥ 0.8. Also
// the peak resident memory of the CLI process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { startCriticServer } from '../../test/helpers/critic-server.js';
import type { BenchFigure, BenchSection } from '../section.js';

const TASKS = Number(process.env['ASSAY_BENCH_CRITIC_TASKS'] ?? 1000);
const LATENCY_MS = 200;
const CONCURRENCY = 16;
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'assay.mjs');

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
      const started = Date.now();
      const child = spawn(process.execPath, [bin, 'critique', '--db', dbPath, '--base-url', server.baseUrl, '--model', 'bench', '--all', '--concurrency', String(CONCURRENCY), '--json'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ASSAY_DB: '' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      let peak: number | null = null;
      const poll = setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
        } catch {
          // not Linux, or the process just ended
        }
      }, 25);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearInterval(poll);
      const wallMs = Date.now() - started;
      if (code !== 0) throw new Error(`assay critique exited with ${code}: ${stderr.slice(0, 2000)}`);
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
