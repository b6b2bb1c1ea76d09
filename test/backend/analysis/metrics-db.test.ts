import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordAdjudication } from '../../../electron/backend/analysis/adjudicate.js';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { captureCli } from '../../helpers/cli.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import type { StudyMetrics } from '../../../shared/metrics/compute.js';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const cli = (argv: string[]) => captureCli(argv);

// Four summary tasks written for this test: each has two critiques (one valid, one a decoy) and one
// planted flaw on "wrong", described by the valid critique.
const output = 'The report says the budget rose by a wrong amount in 2020.';
const tasks = ['t1', 't2', 't3', 't4'].map((id) => ({
  id,
  kind: 'summary',
  output,
  context: { document: 'The budget rose by 3% in 2020.', query: 'What happened to the budget?' },
  critiques: [
    { id: 'good', text: 'The amount is wrong: the document says 3%.', valid: true, score: 0.9 },
    { id: 'decoy', text: 'The year is wrong.', valid: false, score: 0.5 },
  ],
  flaws: [{ id: 'f1', description: 'Wrong amount', anchor: { quote: 'wrong amount' }, severity: 'major', category: 'accuracy', critiques: ['good'] }],
}));

interface Assignment {
  evaluator: string;
  task: string;
  condition: string;
  position: number;
}

/**
 * Review records for every assignment. Assisted reviews accept `good` and reject the decoy, except
 * ben's, who also accepts the decoy; unassisted reviews add a flaw over "wrong" on t1 and t2 only.
 */
function records(assignments: readonly Assignment[]): string {
  return assignments
    .map((a, i) => {
      const assisted = a.condition === 'assisted';
      const record = {
        task: a.task,
        evaluator: a.evaluator,
        study: 'pilot',
        condition: a.condition,
        started_at: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString(),
        submitted_at: new Date(Date.UTC(2026, 0, 1, 9, i) + (10 * (i + 1) + 30) * 1000).toISOString(), // active time fits in the review
        active_seconds: 10 * (i + 1),
        rating: assisted ? 3 : 5,
        skipped: null,
        decisions: assisted
          ? [
              { critique: 'good', verdict: 'accept' },
              a.evaluator === 'ben' ? { critique: 'decoy', verdict: 'accept' } : { critique: 'decoy', verdict: 'reject', reason: 'incorrect' },
            ]
          : [],
        added:
          !assisted && (a.task === 't1' || a.task === 't2')
            ? [{ id: 'own1', description: 'The amount is not supported', anchor: { quote: 'wrong' }, severity: 'major' }]
            : [],
      };
      return JSON.stringify(record);
    })
    .join('\n');
}

function setUp(): { db: WritableDb; dbPath: string; assignments: Assignment[] } {
  const dbPath = tempDbPath();
  const db = openDatabase(dbPath);
  importTasks(db, tasks);
  createStudy(db, {
    name: 'pilot',
    conditions: [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ],
    evaluators: [{ id: 'ana' }, { id: 'ben' }],
    overlap: 2,
    seed: 7,
  });
  const assignments = getStudy(db, 'pilot').assignments;
  const [report] = importResults(db, [{ fileName: 'records.jsonl', content: records(assignments) }]);
  expect(report!.status, report!.error ?? '').toBe('merged');
  expect(report!.added).toBe(8);
  return { db, dbPath, assignments };
}

describe('analysis over the database', () => {
  it('feeds finished reviews with decisions, resolved added anchors and queue positions', () => {
    const { db } = setUp();
    const { data } = loadStudyData(db, 'pilot');
    expect(data.conditions).toEqual([
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ]);
    expect(data.tasks.map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
    expect(data.tasks[0]!.flaws[0]).toMatchObject({ id: 'f1', critiques: ['good'], quote: 'wrong amount' });
    expect(data.reviews).toHaveLength(8);
    const own = data.reviews.find((r) => r.added.length > 0)!;
    expect(own.added[0]).toMatchObject({ id: 'own1', quote: 'wrong' });
    expect(own.added[0]!.anchor!.start).toBe(output.indexOf('wrong'));
    expect(data.reviews.every((r) => r.position !== null && r.position >= 1)).toBe(true);
  });

  it('`assay metrics --json` prints the issue’s shape with the figures of the records', async () => {
    const { dbPath, assignments } = setUp();
    const r = await cli(['metrics', '--study', 'pilot', '--json', '--bootstrap', '200', '--seed', '5', '--db', dbPath]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.out) as StudyMetrics;
    expect(Object.keys(m)).toEqual(expect.arrayContaining(['study', 'conditions', 'uplift', 'baseline']));
    expect(m.study).toBe('pilot');
    expect(m.baseline).toBe('unassisted');
    const as = m.conditions['assisted']!;
    const un = m.conditions['unassisted']!;
    for (const key of [
      'reviews',
      'reported_per_review',
      'caught_per_review',
      'catch_rate',
      'critique_accept_rate',
      'invalid_accept_rate',
      'valid_reject_rate',
      'added_per_review',
      'median_active_seconds',
      'agreement',
      'fate',
    ]) {
      expect(as).toHaveProperty(key);
    }
    expect(as.agreement).toHaveProperty('verdict_alpha');
    expect(as.agreement).toHaveProperty('rating_alpha');
    // every task is reviewed once per condition (overlap 2, two conditions)
    expect(as.reviews).toBe(4);
    expect(un.reviews).toBe(4);
    const benAssisted = assignments.filter((a) => a.condition === 'assisted' && a.evaluator === 'ben').length;
    expect(as.reported_per_review.value).toBeCloseTo((4 + benAssisted) / 4, 12);
    expect(as.caught_per_review.value).toBe(1);
    expect(as.catch_rate.value).toBe(1);
    expect(as.critique_accept_rate.value).toBeCloseTo((4 + benAssisted) / 8, 12);
    expect(as.invalid_accept_rate.value).toBeCloseTo(benAssisted / 4, 12);
    expect(as.valid_reject_rate.value).toBe(0);
    expect(un.caught_per_review.value).toBe(0.5);
    expect(un.critique_accept_rate.value).toBeNull();
    expect(m.uplift['assisted']!.caught.value).toBeCloseTo(1, 12);
    // two evaluators, four reviews per condition: no interval for evaluators in general, and why
    expect(m.ci_method).toBe('population:two-way-cluster-robust');
    expect(m.intervals.note).toMatch(/--bootstrap 200 was not used/);
    expect(m.uplift['assisted']!.caught).toMatchObject({ ci: [null, null], reason: expect.stringMatching(/only 4 reviews|2 evaluators/) });
    expect(m.uplift['assisted']!.caught_diff.value).toBeCloseTo(0.5, 12);
    expect(m.uplift['assisted']!.catch_rate_diff.value).toBeCloseTo(0.5, 12);
    expect(m.uplift['assisted']!.caught.basis).toMatchObject({ reviews: 8, evaluators: 2, tasks: 4, flaws: 8, flaws_auto_matchable: 8, flaws_adjudicated: 0 });
    const tasksCi = JSON.parse((await cli(['metrics', '--study', 'pilot', '--json', '--ci', 'tasks', '--bootstrap', '200', '--db', dbPath])).out) as StudyMetrics;
    expect(tasksCi.ci_method).toBe('tasks:percentile-bootstrap');
    expect(tasksCi.intervals.resamples).toBe(200);
    // per figure: the resamples in which it was defined (every one here; bootstrap.test.ts counts the others)
    expect(tasksCi.conditions['assisted']!.reported_per_review.basis).toMatchObject({ resamples: 200, df: null });
    expect(tasksCi.uplift['assisted']!.caught.reason).toMatch(/only 4 reviews: an interval needs at least 10/);
    expect(as.fate).toMatchObject({ kept: 4 + benAssisted, rejected: 4 - benAssisted, undecided: 0, edited: 0 });
    // rating alpha: ratings differ only between conditions, never within one → undefined (null)
    expect(as.agreement.rating_alpha.value).toBeNull();

    const text = await cli(['metrics', '--study', 'pilot', '--bootstrap', '50', '--db', dbPath]);
    expect(text.out).toMatch(/assisted \(all\): 4 reviews/);
    // each condition's basis line: reviews, evaluators, the flaws in them and how they can be matched
    expect(text.out).toContain('\nassisted (all): 4 reviews by 2 evaluators; 4 flaws in them, 4 auto-matchable, 0 adjudicated\n');
    expect(text.out).toContain('\nunassisted (none, baseline): 4 reviews by 2 evaluators; 4 flaws in them, 4 auto-matchable, 0 adjudicated\n');
    expect(text.out).toMatch(/uplift caught\s+100\.0% \(no interval: /);
    expect(text.out).toMatch(/95% CIs: population:two-way-cluster-robust/);
    const badCi = await cli(['metrics', '--study', 'pilot', '--ci', 'evaluators', '--db', dbPath]);
    expect(badCi.code).toBe(2);
    expect(badCi.err).toMatch(/--ci: expected population or tasks, not "evaluators"/);
  });

  it('refuses an unknown study, baseline or bad flags with clear messages', async () => {
    const { dbPath } = setUp();
    const unknown = await cli(['metrics', '--study', 'nope', '--db', dbPath]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No study "nope" in this database\. Studies: pilot\./);
    const base = await cli(['metrics', '--study', 'pilot', '--baseline', 'x', '--db', dbPath]);
    expect(base.code).toBe(1);
    expect(base.err).toMatch(/baseline: no condition "x" in study "pilot" \(conditions: unassisted, assisted\)/);
    const b = await cli(['metrics', '--study', 'pilot', '--bootstrap', 'many', '--db', dbPath]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/--bootstrap: expected a whole number ≥ 0/);
    const missing = await cli(['metrics', '--db', dbPath]);
    expect(missing.code).toBe(2);
  });

  it('adjudications overrule auto-matches, are validated, and show in the exports', async () => {
    const { db, dbPath } = setUp();
    const { data } = loadStudyData(db, 'pilot');
    const own = data.reviews.find((r) => r.added.length > 0)!;
    const withoutOwn = data.reviews.find((r) => r.condition === 'assisted')!;
    expect(() => recordAdjudication(db, { study: 'pilot', review: own.id, flaw: 'f9', report: { kind: 'added', id: 'own1' }, verdict: 'match' })).toThrow(
      /flaw: task "t\d" has no ground-truth flaw "f9"/,
    );
    expect(() =>
      recordAdjudication(db, { study: 'pilot', review: withoutOwn.id, flaw: 'f1', report: { kind: 'critique', id: 'nope' }, verdict: 'match' }),
    ).toThrow(/report: review \d+ has no accepted critique "nope"/);
    recordAdjudication(db, { study: 'pilot', review: own.id, flaw: 'f1', report: { kind: 'added', id: 'own1' }, verdict: 'no-match', note: 'too vague' });
    db.close();

    const m = JSON.parse((await cli(['metrics', '--study', 'pilot', '--json', '--bootstrap', '0', '--db', dbPath])).out) as StudyMetrics;
    expect(m.conditions['unassisted']!.caught_per_review.value).toBe(0.25);

    const dir = tempDir();
    const matchesFile = path.join(dir, 'matches.csv');
    const r = await cli(['export', 'matches', '--study', 'pilot', '--out', matchesFile, '--db', dbPath]);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(matchesFile, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('study,review,task,evaluator,condition,position,report_kind,report,flaw,auto,adjudication,counted');
    expect(lines).toContain(`pilot,${own.id},${own.task},${own.evaluator},unassisted,${own.position},added,own1,f1,true,no-match,false`);

    const decisions = (await cli(['export', 'decisions', '--study', 'pilot', '--format', 'jsonl', '--db', dbPath])).out.trim().split('\n');
    expect(decisions).toHaveLength(8); // 4 assisted reviews × 2 shown critiques
    expect(JSON.parse(decisions[0]!)).toMatchObject({ study: 'pilot', critique: 'good', valid: true, verdict: 'accept', edited: false });

    const flaws = (await cli(['export', 'flaws', '--study', 'pilot', '--db', dbPath])).out.trim().split('\n');
    expect(flaws[0]).toBe('study,review,task,evaluator,condition,position,flaw,severity,category,caught,caught_by');
    expect(flaws).toHaveLength(1 + 8);

    const events = (await cli(['export', 'events', '--study', 'pilot', '--format', 'jsonl', '--db', dbPath])).out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const adjudicated = events.filter((e) => e['source'] === 'adjudication');
    expect(adjudicated).toHaveLength(1);
    expect(JSON.parse(adjudicated[0]!['payload_json'] as string)).toEqual({ flaw: 'f1', report_kind: 'added', report: 'own1', verdict: 'no-match', note: 'too vague' });
    expect(events.filter((e) => e['source'] === 'review' && e['type'] === 'submitted')).toHaveLength(8);

    const bad = await cli(['export', 'matches', '--study', 'pilot', '--format', 'xml', '--db', dbPath]);
    expect(bad.code).toBe(2);
  });
});

describe('analysis API', () => {
  it('serves a study\u2019s rows and records adjudications through dispatch', async () => {
    const { db, dbPath } = setUp();
    const handlers = createHandlers({ db, dbPath, host: 'browser' });
    const data = await dispatch(handlers, 'analysis:data', { study: 'pilot' });
    expect(data.ok).toBe(true);
    const value = (data as { value: { reviews: { id: string; added: unknown[] }[] } }).value;
    expect(value.reviews).toHaveLength(8);
    const own = value.reviews.find((r) => r.added.length > 0)!;
    const ok = await dispatch(handlers, 'analysis:adjudicate', { study: 'pilot', review: own.id, flaw: 'f1', report: { kind: 'added', id: 'own1' }, verdict: 'no-match' });
    expect(ok).toMatchObject({ ok: true, value: { seq: 1 } });
    const after = (await dispatch(handlers, 'analysis:data', { study: 'pilot' })) as { value: { adjudications: unknown[] } };
    expect(after.value.adjudications).toEqual([{ review: own.id, flaw: 'f1', report: { kind: 'added', id: 'own1' }, verdict: 'no-match' }]);
    const cleared = await dispatch(handlers, 'analysis:adjudicate', { study: 'pilot', review: own.id, flaw: 'f1', report: { kind: 'added', id: 'own1' }, verdict: 'clear' });
    expect(cleared.ok).toBe(true);
    expect(((await dispatch(handlers, 'analysis:data', { study: 'pilot' })) as { value: { adjudications: unknown[] } }).value.adjudications).toEqual([]);
    expect(await dispatch(handlers, 'analysis:adjudicate', { study: 'pilot', review: own.id, flaw: 'f1', report: { kind: 'added', id: 'own1' }, verdict: 'perhaps' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await dispatch(handlers, 'analysis:data', { study: 'nope' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describeWithDatasets('openai-critiques through the database', ['openai-critiques.jsonl'], (dataset) => {
  it('with its `valid` labels as one evaluator’s accept/reject decisions, critique_accept_rate = 1776/5507', async () => {
    const dbPath = tempDbPath();
    const db = openDatabase(dbPath);
    const lines = fs
      .readFileSync(dataset('openai-critiques.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim());
    const parsed = lines.map((l) => JSON.parse(l) as { id: string; critiques?: { id: string; valid?: boolean }[] });
    importTasks(db, parsed);
    createStudy(db, { name: 'labels', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'labeler' }], overlap: 1, seed: 1 });
    const content = parsed
      .map((t) =>
        JSON.stringify({
          task: t.id,
          evaluator: 'labeler',
          study: 'labels',
          condition: 'assisted',
          started_at: '2026-01-01T00:00:00.000Z',
          submitted_at: '2026-01-01T00:01:00.000Z',
          active_seconds: 60,
          rating: 4,
          skipped: null,
          decisions: (t.critiques ?? []).map((c) => (c.valid ? { critique: c.id, verdict: 'accept' } : { critique: c.id, verdict: 'reject', reason: 'other' })),
          added: [],
        }),
      )
      .join('\n');
    const [report] = importResults(db, [{ fileName: 'labels.jsonl', content }]);
    expect(report!.status, report!.error ?? '').toBe('merged');
    db.close();
    const r = await cli(['metrics', '--study', 'labels', '--json', '--bootstrap', '100', '--db', dbPath]);
    expect(r.err).toBe('');
    const m = JSON.parse(r.out) as StudyMetrics;
    expect(m.conditions['assisted']!.reviews).toBe(961);
    expect(m.conditions['assisted']!.critique_accept_rate.value).toBe(1776 / 5507);
  }, 120_000);
});
