import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/backend/db/open.js';
import { exportPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { importResults } from '../../electron/backend/studies/results.js';
import { importTasks } from '../../electron/backend/tasks/import.js';
import { assignStudy } from '../../shared/study/assign.js';
import type { BenchSection } from '../section.js';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const value = fn();
  return [value, performance.now() - t0];
}

/** Studies (#5): assignment of a large study, creating it in SQLite, a pack, merging records. */
export const studiesSection: BenchSection = {
  name: 'studies',
  async run() {
    const ids = (n: number, p: string): string[] => Array.from({ length: n }, (_, i) => `${p}${i}`);
    const assignMs = median(
      [1, 2, 3, 4, 5].map((seed) => time(() => assignStudy({ tasks: ids(10_000, 't'), evaluators: ids(12, 'e'), conditions: ids(4, 'c'), overlap: 3, seed }))[1]),
    );

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-studies-'));
    try {
      const db = openDatabase(path.join(dir, 'bench.db'));
      const T = 2_000;
      importTasks(
        db,
        Array.from({ length: T }, (_, i) => ({
          id: `t${i}`,
          kind: 'summary',
          output: `Summary ${i}. `.repeat(40),
          context: { document: `Document ${i}. `.repeat(400) },
          critiques: [0, 1, 2, 3].map((j) => ({ id: `c${j}`, text: `Critique ${j} of ${i}`, score: j / 4, valid: j !== 3 })),
          flaws: [{ id: 'f1', description: 'planted' }],
        })),
        'bench',
      );
      const evaluators = ids(12, 'e').map((id) => ({ id }));
      const conditions = [
        { name: 'unassisted', policy: 'none' },
        { name: 'assisted', policy: 'all' },
        { name: 'top2', policy: 'top-2' },
      ];
      const [study, createMs] = time(() => createStudy(db, { name: 'bench', conditions, evaluators, overlap: 3, seed: 1 }));
      const [pack, packMs] = time(() => exportPack(db, 'bench', 'e0'));
      const records = study.assignments.map((a) =>
        JSON.stringify({
          task: a.task,
          evaluator: a.evaluator,
          study: 'bench',
          condition: a.condition,
          started_at: '2026-01-01T10:00:00.000Z',
          submitted_at: '2026-01-01T10:05:00.000Z',
          active_seconds: 300,
          rating: 4,
          skipped: null,
          // top-2 by score shows c2 and c3 (scores 0.5, 0.75); all shows c0 … c3.
          decisions: a.condition === 'unassisted' ? [] : [{ critique: 'c3', verdict: 'accept' }],
          added: [],
        }),
      );
      const [[report], importMs] = time(() => importResults(db, [{ fileName: 'bench.jsonl', content: `${records.join('\n')}\n` }]));
      if (report?.added !== records.length) throw new Error(`studies bench: the records were not merged: ${report?.error ?? JSON.stringify(report)}`);
      db.close();
      return [
        { name: 'assign 10,000 tasks × overlap 3 (12 evaluators, 4 conditions)', value: assignMs, unit: 'ms' },
        { name: `create a study in SQLite (${T} tasks, ${study.assignments.length} assignments)`, value: createMs, unit: 'ms' },
        { name: `export a pack (${pack.pack.items.length} items, ${(pack.content.length / 2 ** 20).toFixed(1)} MB)`, value: packMs, unit: 'ms' },
        { name: 'merge review records (validated, events synthesised)', value: records.length / (importMs / 1000), unit: 'reviews/s' },
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
