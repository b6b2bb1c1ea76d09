import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { computeMetrics, upliftFromCounts } from '../../../shared/metrics/compute.js';
import { metricTaskFromInput } from '../../../shared/metrics/from-task.js';
import type { StudyPlan } from '../../../shared/metrics/plan.js';
import { seededRandom } from '../../../shared/metrics/prng.js';
import { outcomeReview, simulatedTasks, simulateOutcomes, solveLogit, type SimModel } from '../../../shared/metrics/simulate.js';
import { assignStudy } from '../../../shared/study/assign.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

// `assay study plan --tasks FILE --power P` through the command line, and its power figure checked
// against an independent computation (and, on the same simulated reviews, its interval against the
// engine's exactly): the same designs simulated with the coverage simulation's
// generator (simulate.ts: simulateOutcomes), turned into review records' metric reviews and run
// through the whole metrics engine (matching, computeMetrics, uplift.<c>.caught), instead of the
// plan's fast path (plan.ts's own draws and upliftFromCounts).

const FLAWS = 2;
const PLANNED = 40;

/** 40 tasks with 2 planted flaws each (`p-…`) and 30 without any (`x-…`), imported into a new database. */
function setUp(): { db: string; ids: string } {
  const db = tempDbPath();
  const handle = openDatabase(db);
  importTasks(handle, [...simulatedTasks(PLANNED, seededRandom(1), 'p', Array(PLANNED).fill(FLAWS)), ...simulatedTasks(30, seededRandom(2), 'x', Array(30).fill(0))]);
  handle.close();
  const ids = path.join(tempDir(), 'tasks.txt');
  fs.writeFileSync(ids, ['# the planted tasks only', ...Array.from({ length: PLANNED }, (_v, i) => `p-${String(i + 1).padStart(4, '0')}`), ''].join('\n'));
  return { db, ids };
}

const plan = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => captureCli(['study', 'plan', ...argv]);

/** The share of `replicates` simulated studies of a design whose uplift interval lies above 0, through the full metrics engine. */
function independentPower(design: { tasks: number; evaluators: number; overlap: number }, uplift: number, evaluatorSd: number, replicates: number, seed: number): number {
  const sigma = Math.hypot(evaluatorSd, 0.5);
  const intercept = solveLogit(0.27, sigma);
  const model: SimModel = {
    intercept,
    evaluatorSd,
    taskSd: 0.5,
    conditions: [
      { name: 'u', effect: 0, assisted: false, falseReport: 0.2 },
      { name: 'a', effect: solveLogit(0.27 * (1 + uplift), sigma) - intercept, assisted: true, falseReport: 0.3 },
    ],
  };
  const random = seededRandom(seed);
  let detected = 0;
  for (let r = 0; r < replicates; r++) {
    const tasks = simulatedTasks(design.tasks, random, 'i', Array(design.tasks).fill(FLAWS));
    const evaluators = Array.from({ length: design.evaluators }, (_v, i) => `e${i}`);
    const assignments = assignStudy({ tasks: tasks.map((t) => t.id), evaluators, conditions: ['u', 'a'], overlap: design.overlap, seed: seed + r });
    const outcomes = simulateOutcomes(model, assignments, new Map(tasks.map((t) => [t.id, FLAWS])), random);
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const m = computeMetrics({
      study: 'plan-check',
      conditions: [
        { name: 'u', policy: 'none' },
        { name: 'a', policy: 'all' },
      ],
      tasks: tasks.map(metricTaskFromInput),
      reviews: outcomes.map((o, i) => outcomeReview(o, byId.get(o.task)!, o.condition === 'a', `r${i}`)),
      adjudications: [],
    });
    const engine = m.uplift['a']!.caught;
    if (engine.ci[0] !== null && engine.ci[0] > 0) detected++;
    // the plan's fast path (upliftFromCounts) on the very same reviews gives the engine's figure exactly
    const taskIndex = new Map(tasks.map((t, i) => [t.id, i]));
    const fast = upliftFromCounts(
      {
        condition: Int32Array.from(outcomes, (o) => (o.condition === 'u' ? 0 : 1)),
        evaluator: Int32Array.from(outcomes, (o) => Number(o.evaluator.slice(1))),
        task: Int32Array.from(outcomes, (o) => taskIndex.get(o.task)!),
        caught: Float64Array.from(outcomes, (o) => o.caught.filter(Boolean).length),
        evaluators: design.evaluators,
        tasks: design.tasks,
      },
      1,
      0,
    );
    expect(fast.value).toBeCloseTo(engine.value!, 12);
    for (const k of [0, 1]) {
      if (engine.ci[k] === null) expect(fast.ci[k]).toBeNull();
      else expect(fast.ci[k]!).toBeCloseTo(engine.ci[k]!, 10);
    }
  }
  return detected / replicates;
}

describe('assay study plan --tasks FILE --power P', () => {
  it('plans over the tasks of the file only, with the power asked for; the text gives the same designs as --json', async () => {
    const { db, ids } = setUp();
    const args = ['--conditions', 'u:none,a:all', '--uplift', '1', '--tasks', ids, '--power', '0.9', '--db', db];
    const json = await plan(...args, '--json');
    expect(json.code, json.err).toBe(0);
    const p = JSON.parse(json.out) as StudyPlan;
    expect(p.assumptions).toMatchObject({ uplift: 1, power: 0.9, evaluatorSd: 0.8, taskSd: 0.5, baselineCatchRate: 0.27, replicates: 200 });
    // the file's 40 tasks (and 20, a half); the quarter (10) is below the 20 a design needs; never the 70 in the database
    expect([...new Set(p.designs.map((d) => d.tasks))]).toEqual([40, 20]);
    expect(p.designs.every((d) => d.overlap === 2 && d.replicates === 200)).toBe(true);
    // per task count, evaluators rise until the power is reached; the recommendation is the smallest such design
    for (const n of [40, 20]) {
      const ds = p.designs.filter((d) => d.tasks === n);
      expect(ds.slice(0, -1).every((d) => d.power < 0.9)).toBe(true);
      expect(ds.map((d) => d.evaluators)).toEqual([...ds.map((d) => d.evaluators)].sort((x, y) => x - y));
    }
    const reaching = p.designs.filter((d) => d.power >= 0.9);
    expect(p.recommended).toEqual([...reaching].sort((x, y) => x.evaluators - y.evaluators || x.tasks - y.tasks)[0] ?? null);

    const text = await plan(...args);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('Plan: detect a 100% uplift in caught flaws per review with 90% power (95% population interval above 0).');
    expect(text.out).toContain('Assumed: 27% of flaws caught unassisted, evaluator skill SD 0.8 and task difficulty SD 0.5 (logit scale); 200 simulated studies per design.');
    // the power is a Monte-Carlo estimate: 1.96·√(0.25/200) = 0.069
    expect(text.out).toContain('Each power is a share of 200 simulated studies: within about ±7 points (95%).');
    const rows = p.designs.map((d) => `${d.tasks}\t${d.evaluators}\t${d.overlap}\t${Math.round(d.power * 100)}%\t${d.median_ci_width === null ? '—' : `${Math.round(d.median_ci_width * 100)} points`}`);
    expect(text.out).toContain(['tasks\tevaluators\toverlap\tpower\tmedian 95% CI width', ...rows].join('\n'));
    const r = p.recommended!;
    expect(text.out).toContain(`Recommended: ${r.evaluators} evaluators over ${r.tasks} tasks (overlap 2): ${Math.round(r.power * 100)}% power, intervals typically ${Math.round(r.median_ci_width! * 100)} points wide.`);

    // a higher --power never recommends fewer evaluators; a lower one never more
    const low = JSON.parse((await plan(...args.map((x) => (x === '0.9' ? '0.5' : x)), '--json')).out) as StudyPlan;
    expect(low.assumptions.power).toBe(0.5);
    expect(low.recommended!.evaluators).toBeLessThanOrEqual(r.evaluators);
    expect(low.recommended!.power).toBeGreaterThanOrEqual(0.5);
  });

  it('the power of a design agrees with an independent simulation through the whole metrics engine', async () => {
    const { db, ids } = setUp();
    const uplift = 1;
    const p = JSON.parse((await plan('--conditions', 'u:none,a:all', '--uplift', String(uplift), '--tasks', ids, '--power', '0.9', '--evaluator-sd', '0.5', '--json', '--db', db)).out) as StudyPlan;
    // designs in the informative middle, where power is neither ~0 nor ~1
    const middle = p.designs.filter((d) => d.power > 0.15 && d.power < 0.95).slice(0, 3);
    expect(middle.length, JSON.stringify(p.designs)).toBeGreaterThanOrEqual(2);
    for (const d of middle) {
      const independent = independentPower(d, uplift, 0.5, 300, 11);
      // two Monte-Carlo estimates (200 and 300 studies): SE of the difference ≤ 0.046; allow 4 SE
      // (in development, 1,000 plan studies and 600 engine studies of 40 tasks × 3 evaluators gave
      // 0.497 and 0.525; 4 evaluators 0.636 and 0.613)
      const se = Math.sqrt((d.power * (1 - d.power)) / 200 + (independent * (1 - independent)) / 300);
      expect(Math.abs(d.power - independent), `${JSON.stringify(d)} vs ${independent}`).toBeLessThanOrEqual(4 * se);
    }
  });

  it('refuses a task listed twice, a task not in the database and a --power outside (0.05, 0.99), naming them', async () => {
    const { db, ids } = setUp();
    const base = ['--conditions', 'u:none,a:all', '--uplift', '1', '--db', db];
    const twice = path.join(tempDir(), 'twice.txt');
    fs.writeFileSync(twice, 'p-0001\np-0002\n{"id": "p-0001"}\n');
    const dup = await plan(...base, '--tasks', twice);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain(`${twice}:3: task "p-0001" is listed twice (first on line 1)`);
    const unknown = path.join(tempDir(), 'unknown.txt');
    fs.writeFileSync(unknown, 'p-0001\nnope\n');
    const missing = await plan(...base, '--tasks', unknown);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/not in this database: nope/);
    for (const power of ['1', '0', 'most', '0.995']) {
      const bad = await plan(...base, '--tasks', ids, '--power', power);
      expect(bad.code, power).toBe(2);
      expect(bad.err).toContain(`--power: expected a number from 0.05 to 0.99, not "${power}"`);
    }
    // only tasks without flaws: nothing to detect, and the plan says so
    const clean = path.join(tempDir(), 'clean.txt');
    fs.writeFileSync(clean, 'x-0001\nx-0002\n');
    const none = await plan(...base, '--tasks', clean);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no task has ground-truth flaws/);
  });
});
