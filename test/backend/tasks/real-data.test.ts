// Imports the real, converted data sets (never copied into the repository; see docs/task-format.md,
// "Real data") and builds code tasks from the raw QuixBugs and DebugBench files.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { importFile, importTasks } from '../../../electron/backend/tasks/import.js';
import { tempDb } from '../../helpers/db.js';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { tempDir } from '../../helpers/temp.js';
import { bugAnchor, debugBenchCases, quixBugsCases, type CodeCase } from '../../../electron/backend/tasks/recipes/code-datasets.js';

/** A case of the code data-set recipe as a single-file (task format v1) code task. */
function singleFileTask(c: CodeCase): Record<string, unknown> {
  const anchor = bugAnchor(c);
  const { path: _path, ...lines } = anchor ?? {};
  return {
    id: c.id,
    kind: 'code',
    title: c.title,
    language: c.language,
    context: { problem: c.problem },
    base: c.before,
    output: c.after,
    flaws: [{ id: 'bug', description: c.description, category: c.category, ...(anchor ? { anchor: lines } : {}) }],
  };
}
const quixBugsTasks = (dir: string) => quixBugsCases(dir).map(singleFileTask);
const debugBenchTasks = (dir: string) => debugBenchCases(dir).map(singleFileTask);

describeWithDatasets('real data', ['openai-critiques.jsonl', 'cliff.jsonl', 'raw/quixbugs', 'raw/debugbench'], (dataset) => {
  it('imports openai-critiques.jsonl: 961 tasks, 5,507 critiques, 217 flaws', () => {
    const { db } = tempDb();
    const report = importFile(db, dataset('openai-critiques.jsonl'));
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ tasks: 961, critiques: 5507, flaws: 217 });
    expect(db.prepare('SELECT count(*) AS n FROM critiques WHERE valid = 1').get()).toEqual({ n: 1776 });
  });

  it('imports cliff.jsonl: 600 tasks, 320 flaws, 319 anchored; export gives the input back', () => {
    const { db } = tempDb();
    const file = dataset('cliff.jsonl');
    const report = importFile(db, file);
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ tasks: 600, flaws: 320 });
    expect(db.prepare('SELECT count(*) AS n FROM flaws WHERE resolved_json IS NOT NULL').get()).toEqual({ n: 319 });
    // every resolved anchor points at the quoted text (the CLIFF spans are real model errors)
    const rows = db.prepare('SELECT t.output, f.anchor_json, f.resolved_json FROM flaws f JOIN tasks t ON t.id = f.task_id WHERE f.resolved_json IS NOT NULL').all() as { output: string; anchor_json: string; resolved_json: string }[];
    for (const r of rows) {
      const anchor = JSON.parse(r.anchor_json);
      const res = JSON.parse(r.resolved_json);
      if ('quote' in anchor) expect(r.output.slice(res.start16, res.end16)).toBe(anchor.quote);
      else expect(Array.from(r.output).slice(anchor.start, anchor.end).join('')).toBe(r.output.slice(res.start16, res.end16));
    }
    let out = '';
    exportTasks(db, (c) => (out += c));
    const input = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(out.trim().split('\n').map((l) => JSON.parse(l))).toEqual(input);
  });

  it('turns the 40 QuixBugs programs into code diff tasks with a line-anchored flaw each', () => {
    const tasks = quixBugsTasks(dataset('raw/quixbugs'));
    expect(tasks).toHaveLength(40);
    const { db } = tempDb();
    const report = importTasks(db, tasks, 'quixbugs');
    expect(report).toMatchObject({ tasks: 40, flaws: 40 });
    const sample = db.prepare("SELECT t.base, t.output, f.resolved_json FROM tasks t JOIN flaws f ON f.task_id = t.id WHERE t.id = 'quixbugs-gcd'").get() as { base: string; output: string; resolved_json: string };
    const r = JSON.parse(sample.resolved_json);
    expect(sample.output.slice(r.start16, r.end16)).toContain('gcd(a % b, b)'); // the buggy line
  });

  it('turns DebugBench single-bug items into code tasks with the bug explanation as the flaw', () => {
    const tasks = debugBenchTasks(dataset('raw/debugbench'));
    expect(tasks.length).toBe(114);
    const { db } = tempDb();
    const report = importTasks(db, tasks, 'debugbench');
    expect(report.tasks).toBe(114);
    expect(report.flaws).toBe(114);
  });

  it('writes the converted code tasks as a package that the CLI path imports too', () => {
    const file = path.join(tempDir(), 'quixbugs.jsonl');
    fs.writeFileSync(file, quixBugsTasks(dataset('raw/quixbugs')).map((t) => JSON.stringify(t)).join('\n'));
    expect(importFile(tempDb().db, file)).toMatchObject({ tasks: 40, errorCount: 0 });
  });
});
