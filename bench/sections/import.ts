// The import benchmark (issue #3): 100k synthetic tasks (~2 KB output, 5 critiques, 1 anchored flaw
// each) through the real importer, against a bare better-sqlite3 loop inserting the same rows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../electron/backend/db/open.js';
import { importFile } from '../../electron/backend/tasks/import.js';
import { seededRng } from '../../shared/study/random.js';
import { runCli, type CliRun } from '../cli-process.js';
import type { BenchFigure, BenchSection } from '../section.js';

const TASKS = Number(process.env['ASSAY_BENCH_IMPORT_TASKS'] ?? 100_000);
/** Set to a size in GB (e.g. 1) to also import a package that large with the CLI and report its peak memory. */
const BIG_GB = Number(process.env['ASSAY_BENCH_IMPORT_GB'] ?? 0);

/** `assay import FILE --json --db DB`, measured from outside. */
function cliImport(file: string, db: string): Promise<CliRun> {
  return runCli(['import', file, '--json', '--db', db]);
}

const words = ['the', 'council', 'bridge', 'repair', 'voted', 'engineers', 'found', 'corrosion', 'supports', 'river', 'shuttle', 'grant', 'pounds', 'months', 'résumé', '世界', 'naïve', '🎉', 'data', 'model'];

/** A deterministic pseudo-random stream in [0, 1), so every run measures the same file. */
function rng(seed: number): () => number {
  const stream = seededRng(seed);
  return () => stream.next() / 4294967296;
}

/** One synthetic task: ~2 KB of output in sentences, 5 critiques (3 anchored), 1 anchored flaw. */
export function syntheticTask(i: number): Record<string, unknown> {
  const r = rng(i + 1);
  const sentences: string[] = [];
  let length = 0;
  for (let s = 0; length < 2000; s++) {
    const n = 8 + Math.floor(r() * 10);
    const ws: string[] = [];
    for (let k = 0; k < n; k++) ws.push(words[Math.floor(r() * words.length)]!);
    const sentence = `Sentence ${s} says ${ws.join(' ')}.`; // "Sentence N" makes every sentence unique
    sentences.push(sentence);
    length += sentence.length + 1;
  }
  const output = sentences.join(' ');
  const cps = Array.from(output).length;
  const critiques = Array.from({ length: 5 }, (_, c) => {
    const base = { id: `c${c + 1}`, text: `Critique ${c + 1} of task ${i}: sentence ${c} overstates what the source says.`, severity: (['minor', 'major', 'critical'] as const)[c % 3], score: Math.round(r() * 1000) / 1000, model: 'bench-critic' };
    if (c === 0) return { ...base, anchor: { quote: sentences[1]! } };
    if (c === 1) return { ...base, anchor: { start: 10, end: 40 } };
    if (c === 2) return { ...base, anchor: { lines: [1, 1] as [number, number] } };
    return base;
  });
  const start = Math.floor(r() * (cps - 50));
  return {
    id: `bench-${i}`,
    kind: 'summary',
    title: `Synthetic task ${i}`,
    context: { query: 'Summarise the article.' },
    output,
    critiques,
    flaws: [{ id: 'f1', description: 'A planted error.', anchor: { start, end: start + 20 }, severity: 'major', critiques: ['c1'] }],
    meta: { bench: true, n: i },
  };
}

/** Writes `count` synthetic tasks as a task package; returns its size in bytes. */
export function writePackage(file: string, count: number): number {
  const fd = fs.openSync(file, 'w');
  let pending: string[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(JSON.stringify(syntheticTask(i)), '\n');
    if (pending.length >= 2000) {
      fs.writeSync(fd, pending.join(''));
      pending = [];
    }
  }
  fs.writeSync(fd, pending.join(''));
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

/** Copies every row of the imported database into an empty one with a bare prepared-statement loop (only the inserts are timed). */
function rawInsert(fromPath: string, toPath: string): number {
  const to = openDatabase(toPath); // same schema and pragmas as the importer's database
  const from = new Database(fromPath, { readonly: true });
  const tables = ['tasks', 'critiques', 'flaws'] as const;
  let elapsed = 0;
  to.exec('BEGIN');
  for (const table of tables) {
    const columns = (from.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
    const insert = to.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `$${c}`).join(', ')})`);
    const selectRowid = from.prepare(`SELECT rowid AS r, ${columns.join(', ')} FROM ${table} WHERE rowid > $after ORDER BY rowid LIMIT 10000`);
    let after = 0;
    for (;;) {
      const batch = selectRowid.all({ after }) as ({ r: number } & Record<string, unknown>)[];
      if (batch.length === 0) break;
      after = batch[batch.length - 1]!.r;
      const rows = batch.map(({ r: _r, ...row }) => row);
      const t0 = process.hrtime.bigint();
      for (const row of rows) insert.run(row);
      elapsed += Number(process.hrtime.bigint() - t0) / 1e6;
    }
  }
  const t0 = process.hrtime.bigint();
  to.exec('COMMIT');
  elapsed += Number(process.hrtime.bigint() - t0) / 1e6;
  from.close();
  to.close();
  return elapsed;
}

/** `npm run bench -- import`. */
export const importSection: BenchSection = {
  name: 'import',
  async run(): Promise<readonly BenchFigure[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-bench-import-'));
    try {
      const file = path.join(dir, 'tasks.jsonl');
      const bytes = writePackage(file, TASKS);
      const importDb = path.join(dir, 'import.db');
      const db = openDatabase(importDb);
      const t0 = process.hrtime.bigint();
      const report = importFile(db, file);
      const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
      db.close();
      if (report.errorCount > 0) throw new Error(`bench import failed:\n${report.errors.slice(0, 5).join('\n')}`);
      if (report.tasks !== TASKS) throw new Error(`bench import wrote ${report.tasks} tasks, expected ${TASKS}`);
      const rawMs = rawInsert(importDb, path.join(dir, 'raw.db'));
      const ratio = rawMs / importMs;
      const cli = await cliImport(file, path.join(dir, 'cli.db'));
      const figures: BenchFigure[] = [];
      if (BIG_GB > 0) {
        const big = path.join(dir, 'big.jsonl');
        fs.rmSync(file);
        const bigBytes = writePackage(big, Math.round((TASKS * BIG_GB * 2 ** 30) / bytes));
        const run = await cliImport(big, path.join(dir, 'big.db'));
        const tasks = (JSON.parse(run.stdout) as { tasks: number }).tasks;
        figures.push(
          { name: `CLI import of a ${(bigBytes / 2 ** 30).toFixed(2)} GB package (${tasks} tasks)`, value: run.ms / 1000, unit: 's' },
          ...(run.peakBytes === null ? [] : [{ name: 'peak RSS of that import (whole process)', value: run.peakBytes / 2 ** 20, unit: 'MB', goal: '< 500 MB', pass: run.peakBytes < 500 * 2 ** 20 }]),
        );
      }
      return [
        { name: `package size (${TASKS} tasks)`, value: bytes / 2 ** 20, unit: 'MB' },
        { name: 'import time (real importer)', value: importMs / 1000, unit: 's' },
        { name: 'import throughput', value: TASKS / (importMs / 1000), unit: 'tasks/s' },
        { name: 'raw insert time (bare loop, same rows)', value: rawMs / 1000, unit: 's' },
        { name: 'ratio raw/import', value: ratio, unit: '×', goal: '≥ 0.5', pass: ratio >= 0.5 },
        { name: 'CLI import of the same package', value: cli.ms / 1000, unit: 's' },
        ...(cli.peakBytes === null ? [] : [{ name: 'peak RSS of the CLI import (whole process)', value: cli.peakBytes / 2 ** 20, unit: 'MB', goal: '< 500 MB', pass: cli.peakBytes < 500 * 2 ** 20 }]),
        ...figures,
      ];
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
