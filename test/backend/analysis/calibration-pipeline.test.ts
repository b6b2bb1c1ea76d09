import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { getStudy } from '../../../electron/backend/studies/repository.js';
import type { StudyMetrics } from '../../../shared/metrics/compute.js';
import { cliOk } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';
import { CALIBRATION_QUESTION, calibrationRecords, calibrationTasks, syntheticConditions, syntheticEvaluators } from './study-fixture.js';

// The real path, through the CLI: task import → study create --question → review records with
// answers merged as results → assay metrics (JSON and text). The figures are recomputed here from
// the records file the obvious way, independently of the engine.

interface Row {
  readonly condition: string;
  readonly task: string;
  readonly answer: boolean;
  readonly confidence: number;
}

/** Accuracy, Brier, ECE, mean confidence of rows, the slow and obvious way. */
function byHand(rows: readonly Row[], flawed: ReadonlySet<string>) {
  const correct = rows.map((r) => (r.answer === flawed.has(r.task) ? 1 : 0));
  const p = rows.map((r) => r.confidence / 100);
  const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const pFlawed = rows.map((r, i) => (r.answer ? p[i]! : 1 - p[i]!));
  const brier = mean(rows.map((r, i) => (pFlawed[i]! - (flawed.has(r.task) ? 1 : 0)) ** 2));
  const bins = [50, 60, 70, 80, 90].map((lo) => rows.map((_r, i) => i).filter((i) => rows[i]!.confidence >= lo && (lo === 90 ? true : rows[i]!.confidence < lo + 10)));
  const ece = bins.reduce((s, b) => (b.length === 0 ? s : s + (b.length / rows.length) * Math.abs(mean(b.map((i) => p[i]!)) - mean(b.map((i) => correct[i]!)))), 0);
  return { accuracy: mean(correct), brier, ece, meanConfidence: mean(p), counts: bins.map((b) => b.length) };
}

describe('calibration through the real pipeline', () => {
  it('import → study create --question → results with answers → assay metrics gives the figures computed by hand, with intervals and differences', async () => {
    const { db: handle, path: dbPath } = tempDb();
    handle.close();
    const dir = tempDir();
    const tasks = calibrationTasks(30, 41, 'pipe');
    const taskFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(taskFile, tasks.map((t) => JSON.stringify(t)).join('\n'));
    await cliOk('import', taskFile, '--db', dbPath);
    await cliOk(
      'study', 'create', '--name', 'cal', '--conditions', syntheticConditions, '--evaluators', syntheticEvaluators.join(','),
      '--overlap', '6', '--seed', '3', '--question', CALIBRATION_QUESTION, '--db', dbPath,
    );
    const db = openDatabase(dbPath);
    const assignments = getStudy(db, 'cal').assignments;
    db.close();
    const flawed = new Set(tasks.filter((t) => t.flaws.length > 0).map((t) => t.id));
    expect(flawed.size).toBe(20); // 10 of 30 clean
    const content = calibrationRecords('cal', assignments, flawed, 5);
    const resultsFile = path.join(dir, 'results.jsonl');
    fs.writeFileSync(resultsFile, content);
    await cliOk('results', 'import', resultsFile, '--db', dbPath);

    const m = JSON.parse(await cliOk('metrics', '--study', 'cal', '--json', '--db', dbPath)) as StudyMetrics;
    expect(m.calibration.question).toBe(CALIBRATION_QUESTION);
    const rows = content.split('\n').map((l) => JSON.parse(l) as Row);
    for (const condition of ['unassisted', 'assisted', 'valid-only']) {
      const mine = rows.filter((r) => r.condition === condition);
      const expected = byHand(mine, flawed);
      const k = m.conditions[condition]!.calibration!;
      expect(k.answered).toBe(mine.length);
      expect(k.answered).toBe(60); // 30 tasks × 6 evaluators × … / 3 conditions
      expect(k.accuracy.value).toBeCloseTo(expected.accuracy, 12);
      expect(k.brier.value).toBeCloseTo(expected.brier, 12);
      expect(k.ece.value).toBeCloseTo(expected.ece, 12);
      expect(k.mean_confidence.value).toBeCloseTo(expected.meanConfidence, 12);
      expect(k.overconfidence.value).toBeCloseTo(expected.meanConfidence - expected.accuracy, 12);
      expect(k.reliability.map((b) => b.reviews)).toEqual(expected.counts);
      // 6 evaluators and 60 answered reviews: population intervals, around the estimate
      for (const f of [k.accuracy, k.brier, k.mean_confidence, k.overconfidence]) {
        expect(f.ci[0], f.reason ?? '').not.toBeNull();
        expect(f.ci[0]!).toBeLessThanOrEqual(f.value!);
        expect(f.ci[1]!).toBeGreaterThanOrEqual(f.value!);
        expect(f.basis).toMatchObject({ reviews: 60, evaluators: 6, resamples: null });
        expect(f.basis.df).toBeGreaterThan(0);
      }
    }
    // the simulated assisted evaluators are over-confident, and more so than the unassisted ones
    expect(m.conditions['assisted']!.calibration!.overconfidence.value!).toBeGreaterThan(m.conditions['unassisted']!.calibration!.overconfidence.value!);
    const d = m.uplift['assisted']!.calibration!;
    expect(d.overconfidence_diff.value).toBeCloseTo(
      m.conditions['assisted']!.calibration!.overconfidence.value! - m.conditions['unassisted']!.calibration!.overconfidence.value!,
      12,
    );
    expect(d.overconfidence_diff.ci[0]).not.toBeNull();
    expect(d.accuracy_diff.basis.reviews).toBe(120);

    const text = await cliOk('metrics', '--study', 'cal', '--db', dbPath);
    expect(text).toContain(`Calibration: answers to "${CALIBRATION_QUESTION}" (yes = flawed)`);
    expect(text).toMatch(/\n {2}accuracy {14}\d+\.\d% \[\d+\.\d%, \d+\.\d%\]\n/);
    expect(text).toMatch(/\n {2}Brier score {11}0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]\n/);
    expect(text).toContain('  over-confidence diff. ');

    // the answers table through the CLI: its mean correctness per condition is the accuracy
    const answers = (await cliOk('export', 'answers', '--study', 'cal', '--format', 'jsonl', '--db', dbPath))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { condition: string; correct: boolean | null; flawed: boolean });
    expect(answers).toHaveLength(180);
    for (const condition of ['unassisted', 'assisted', 'valid-only']) {
      const mine = answers.filter((a) => a.condition === condition);
      expect(mine.filter((a) => a.correct).length / mine.length).toBeCloseTo(m.conditions[condition]!.calibration!.accuracy.value!, 12);
    }

    // --ci tasks: the same point values, bootstrap intervals
    const t = JSON.parse(await cliOk('metrics', '--study', 'cal', '--json', '--ci', 'tasks', '--bootstrap', '200', '--db', dbPath)) as StudyMetrics;
    const tk = t.conditions['assisted']!.calibration!;
    expect(tk.brier.value).toBe(m.conditions['assisted']!.calibration!.brier.value);
    expect(tk.brier.basis.resamples).toBe(200);
    expect(tk.brier.ci[0]).not.toBeNull();
  });

  it('a study without a question has no calibration figures, and says why', async () => {
    const { db: handle, path: dbPath } = tempDb();
    handle.close();
    const dir = tempDir();
    const taskFile = path.join(dir, 'tasks.jsonl');
    fs.writeFileSync(taskFile, calibrationTasks(6, 41, 'plain').map((t) => JSON.stringify(t)).join('\n'));
    await cliOk('import', taskFile, '--db', dbPath);
    await cliOk('study', 'create', '--name', 'plain', '--conditions', 'unassisted:none,assisted:all', '--evaluators', 'ann,bob', '--overlap', '2', '--seed', '1', '--db', dbPath);
    const m = JSON.parse(await cliOk('metrics', '--study', 'plain', '--json', '--db', dbPath)) as StudyMetrics;
    expect(m.calibration).toMatchObject({ question: null, reason: 'this study asks no yes/no question (assay study create --question "…" turns it on)' });
    expect(Object.values(m.conditions).some((c) => 'calibration' in c)).toBe(false);
    expect(await cliOk('metrics', '--study', 'plain', '--db', dbPath)).toContain('Calibration: off (this study asks no yes/no question');
  });
});
