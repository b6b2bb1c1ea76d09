import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { checkedFigures, coverageSettings, runCoverage, simulateStudyFull, type CoverageSetting } from '../../../bench/sections/coverage.js';
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

  it('a short coverage run: the population intervals cover the known truth about 95% of the time', () => {
    const replicates = 80;
    const result = runCoverage(small, replicates, 7, ['population']).population;
    const figures = checkedFigures(small);
    expect(result.map((r) => r.key)).toEqual(figures.map((f) => f.key));
    let covered = 0;
    let defined = 0;
    for (const r of result) {
      expect(r.defined).toBe(replicates); // 6 evaluators, 30 reviews per arm: every interval exists
      covered += r.covered;
      defined += r.defined;
    }
    // 9 figures × 80 replicates (correlated): 0.95 expected; the long run (docs/metrics.md) pins it down
    expect(covered / defined).toBeGreaterThan(0.88);
    expect(covered / defined).toBeLessThan(0.995);
  });
});
