import fs from 'node:fs';
import { expect, it } from 'vitest';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { importFile } from '../../../electron/backend/tasks/import.js';
import type { StudyMetrics } from '../../../shared/metrics/compute.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { describeWithDatasets } from '../../helpers/datasets.js';

// The README's design ("Studies") on the project's real data (Saunders et al. 2022 critiques): none
// of its 217 ground-truth flaws has an anchor or a critique link, no critique has a score, and
// 3 conditions with overlap 2 never review a task twice under one condition. It must say so, and
// never print a silent 0% catch rate.
describeWithDatasets("the README's design on the Saunders data", ['openai-critiques.jsonl'], (dataset) => {
  const file = dataset('openai-critiques.jsonl');
  it('warns at creation and in the metrics; catch figures are null with the reason, never 0%', async () => {
    const { db, path: dbPath } = tempDb();
    importFile(db, file);
    const study = createStudy(db, {
      name: 'pilot',
      conditions: [
        { name: 'unassisted', policy: 'none' },
        { name: 'assisted', policy: 'all' },
        { name: 'top3', policy: 'top-3' },
      ],
      evaluators: [{ id: 'ann', displayName: 'Ann Lee' }, { id: 'bob', displayName: 'Bo Brown' }, { id: 'cyd' }],
      overlap: 2,
      seed: 7,
    });
    const hazards = study.check!.check.hazards;
    const byCode = (code: string) => hazards.filter((h) => h.code === code);
    expect(byCode('flaws-hand-only').map((h) => [h.condition, h.count])).toEqual([
      ['unassisted', 217],
      ['assisted', 217],
      ['top3', 217],
    ]);
    expect(byCode('agreement-impossible')).toHaveLength(1);
    expect(byCode('top-k-unscored')[0]!.count).toBe(726); // tasks with > 3 critiques, none scored
    expect(byCode('too-small')[0]!.count).toBeLessThan(50); // % power to detect a 50% uplift
    expect(study.check!.forced).toBe(false);

    // Review records for the unassisted and assisted items: assisted evaluators accept the critiques
    // labelled helpful; some unassisted ones add a flaw of their own (no anchor).
    const { assignments } = getStudy(db, 'pilot');
    const critiques = new Map(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id: string; critiques: { id: string; valid?: boolean }[] })
        .map((t) => [t.id, t.critiques]),
    );
    const records = assignments
      .filter((a) => a.condition !== 'top3')
      .map((a, i) =>
        JSON.stringify({
          task: a.task,
          evaluator: a.evaluator,
          study: 'pilot',
          condition: a.condition,
          started_at: '2026-02-01T09:00:00Z',
          submitted_at: '2026-02-01T09:05:00Z',
          active_seconds: 60 + (i % 200),
          rating: 1 + (i % 7),
          skipped: null,
          decisions: a.condition === 'assisted' ? critiques.get(a.task)!.map((c) => (c.valid ? { critique: c.id, verdict: 'accept' } : { critique: c.id, verdict: 'reject', reason: 'other' })) : [],
          added: a.condition === 'unassisted' && i % 3 === 0 ? [{ id: 'own1', description: 'The answer misses the point.' }] : [],
        }),
      )
      .join('\n');
    const [report] = importResults(db, [{ fileName: 'records.jsonl', content: records }]);
    expect(report!.status, report!.error ?? '').toBe('merged');
    db.close();

    const r = await captureCli(['metrics', '--study', 'pilot', '--json', '--db', dbPath]);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(r.out) as StudyMetrics;
    for (const name of ['unassisted', 'assisted']) {
      const c = m.conditions[name]!;
      expect(c.reviews).toBeGreaterThan(600);
      for (const f of [c.caught_per_review, c.catch_rate]) {
        expect(f.value).toBeNull(); // not 0
        expect(f.reason).toMatch(/can be matched automatically \(no anchor, and no shown critique describes it\) and none is adjudicated/);
        expect(f.basis).toMatchObject({ flaws_auto_matchable: 0, flaws_adjudicated: 0 });
        expect(f.basis.flaws).toBeGreaterThan(0);
      }
      expect(c.agreement.verdict_alpha.value).toBeNull();
      expect(c.agreement.verdict_alpha.reason).toMatch(/shown to two evaluators/);
    }
    expect(m.uplift['assisted']!.caught).toMatchObject({ value: null, reason: expect.stringMatching(/can be matched automatically/) });
    expect(m.uplift['assisted']!.reported.value).not.toBeNull();
    expect(m.warnings.map((w) => [w.code, w.condition])).toEqual(
      expect.arrayContaining([
        ['flaws-unmatchable', 'unassisted'],
        ['flaws-unmatchable', 'assisted'],
      ]),
    );
    const text = (await captureCli(['metrics', '--study', 'pilot', '--db', dbPath])).out;
    expect(text).toMatch(/Warning: unassisted: none of the \d+ ground-truth flaws in its reviews can be matched automatically/);
    expect(text).toMatch(/catch rate {12}— \(none of the/);
    expect(text).not.toMatch(/catch rate\s+0\.0%/);
    const check = await captureCli(['study', 'check', 'pilot', '--db', dbPath]);
    expect(check.out).toMatch(/\[flaws-hand-only\] unassisted: 217 of 217 ground-truth flaws/);
  }, 60_000);
});
