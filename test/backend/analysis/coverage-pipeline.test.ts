import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { checkedFigures, coverageSettings, runCoverage, simulateStudyFull, type CoverageResult, type CoverageSetting } from '../../../bench/sections/coverage.js';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { seededRandom } from '../../../shared/metrics/prng.js';
import { outcomeRecord } from '../../../shared/metrics/simulate.js';
import { tempDb } from '../../helpers/db.js';

// The coverage simulation (npm run bench -- coverage) computes its figures in process. This test
// replays simulated studies through the real path — task import → study create → review records
// merged as results → the database feed → metrics — and checks that both give the same numbers,
// then runs a short coverage check on the in-process path.

const small: CoverageSetting = { ...coverageSettings[1]!, name: 'short', tasks: 30 };

describe('coverage simulation through the real pipeline', () => {
  it('import → study create → results import → metrics gives exactly the in-process figures, for seeded replicates', () => {
    const random = seededRandom(42);
    for (let replicate = 0; replicate < 3; replicate++) {
      const sim = simulateStudyFull(small, random, 100 + replicate);
      const { db } = tempDb();
      importTasks(db, sim.packages);
      createStudy(db, {
        name: 'coverage',
        tasks: sim.packages.map((t) => t.id),
        conditions: small.conditions.map((name, i) => ({ name, policy: i === 0 ? 'none' : 'all' })),
        evaluators: sim.evaluators.map((id) => ({ id })),
        overlap: small.overlap,
        seed: 100 + replicate,
      });
      const byId = new Map(sim.packages.map((t) => [t.id, t]));
      const records = sim.outcomes.map((o, i) => JSON.stringify(outcomeRecord(o, byId.get(o.task)!, 'coverage', sim.assisted.get(o.condition)!, i))).join('\n');
      const [report] = importResults(db, [{ fileName: 'simulated.jsonl', content: records }]);
      expect(report!.status, report!.error ?? '').toBe('merged');
      expect(report!.added).toBe(sim.outcomes.length);
      const real = computeMetrics(loadStudyData(db, 'coverage').data);
      const inProcess = computeMetrics(sim.data);
      expect(real.conditions).toEqual(inProcess.conditions);
      expect(real.uplift).toEqual(inProcess.uplift);
      expect(real.breakdowns.by_evaluator).toEqual(inProcess.breakdowns.by_evaluator);
      // the simulation has something to find: planted flaws caught in both conditions
      expect(real.conditions['assisted']!.caught_per_review.value).toBeGreaterThan(0);
      expect(real.uplift['assisted']!.caught.ci[0]).not.toBeNull();
      db.close();
    }
  });

  it('a short coverage run: the population intervals cover the known truth about 95% of the time, the task bootstrap does not', () => {
    // σ = 0.8 (evaluators' skill varies), 6 evaluators: the setting where intervals for these
    // evaluators fail. 80 seeded replicates × 5 per-condition figures and 4 comparisons; the long
    // run (npm run bench -- coverage, docs/metrics.md) pins coverage down to ±0.005.
    const replicates = 80;
    const result = runCoverage(small, replicates, 7, ['population', 'tasks'], 200);
    const figures = checkedFigures(small);
    const perCondition = [0, 1, 2, 3, 4];
    const comparisons = [5, 6, 7, 8];
    expect(figures.map((f) => f.key).slice(5)).toEqual(['uplift caught', 'uplift reported', 'caught_diff', 'catch_rate_diff']);
    const share = (rows: readonly CoverageResult[], which: readonly number[]): number => {
      let covered = 0;
      let defined = 0;
      for (const i of which) {
        covered += rows[i]!.covered;
        defined += rows[i]!.defined;
      }
      return covered / defined;
    };
    for (const r of result.population) expect(r.defined).toBe(replicates); // 6 evaluators, 30 reviews per arm: every interval exists
    expect(result.population.map((r) => r.key)).toEqual(figures.map((f) => f.key));
    // the population intervals: about 0.95 for both kinds of figure
    expect(share(result.population, perCondition)).toBeGreaterThan(0.9);
    expect(share(result.population, perCondition)).toBeLessThan(0.99);
    expect(share(result.population, comparisons)).toBeGreaterThan(0.9);
    expect(share(result.population, comparisons)).toBeLessThan(0.99);
    // the same check fails for intervals that treat the evaluators as fixed (what the population
    // method replaced): a regression to them would fail the lines above
    expect(share(result.tasks, perCondition)).toBeLessThan(0.9);
  });
});
