// analysis:rule: several rulings on one report in one transaction (the matching screen's "no match").
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { tempDb } from '../../helpers/db.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { seedAnalysisStudy, syntheticRecords, syntheticTasks } from './study-fixture.js';

describe('analysis:rule', () => {
  it('records every ruling on a report, or none of them: a bad flaw anywhere in the list writes nothing', async () => {
    const { db, path } = tempDb();
    seedAnalysisStudy(db, { name: 's', taskCount: 4, overlap: 3 });
    const h = createHandlers({ db, dbPath: path, host: 'browser' });
    const { data } = loadStudyData(db, 's');
    const review = data.reviews.find((r) => r.decisions.some((d) => d.verdict === 'accept'))!;
    const critique = review.decisions.find((d) => d.verdict === 'accept')!.critique;
    const report = { kind: 'critique' as const, id: critique };
    const before = dumpDatabase(db);
    const bad = await dispatch(h, 'analysis:rule', { study: 's', review: review.id, report, rulings: [{ flaw: 'f1', verdict: 'no-match' }, { flaw: 'f9', verdict: 'no-match' }] });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('has no ground-truth flaw "f9"') } });
    expect(dumpDatabase(db)).toBe(before);
    const ok = await dispatch(h, 'analysis:rule', { study: 's', review: review.id, report, rulings: [{ flaw: 'f1', verdict: 'no-match' }, { flaw: 'f2', verdict: 'no-match' }] });
    expect(ok).toMatchObject({ ok: true, value: { seqs: [1, 2] } });
    expect(loadStudyData(db, 's').data.adjudications).toEqual([
      { review: review.id, flaw: 'f1', report, verdict: 'no-match' },
      { review: review.id, flaw: 'f2', report, verdict: 'no-match' },
    ]);
    expect(await dispatch(h, 'analysis:rule', { study: 's', review: review.id, report: { kind: 'added', id: 'nope' }, rulings: [{ flaw: 'f1', verdict: 'match' }] })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('has no added flaw "nope"') },
    });
    expect(await dispatch(h, 'analysis:rule', { study: 's', review: review.id, report, rulings: [] })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('gives the matching screen an edited critique’s text (the evaluator’s words, not the model’s)', () => {
    const { db } = tempDb();
    const tasks = syntheticTasks(2);
    importTasks(db, tasks);
    createStudy(db, { name: 's', tasks: tasks.map((t) => t.id), conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 });
    const records = syntheticRecords('s', getStudy(db, 's').assignments)
      .split('\n')
      .map((l) => JSON.parse(l) as { decisions: { critique: string; verdict: string; edited_text?: string }[] });
    records[0]!.decisions = [{ critique: 'c1', verdict: 'accept', edited_text: 'My own words about the figure.' }];
    const [merged] = importResults(db, [{ fileName: 'r.jsonl', content: records.map((r) => JSON.stringify(r)).join('\n') }]);
    expect(merged!.status).toBe('merged');
    const decisions = loadStudyData(db, 's').data.reviews.flatMap((r) => r.decisions);
    expect(decisions).toContainEqual({ critique: 'c1', verdict: 'accept', reason: null, edited: true, editedText: 'My own words about the figure.' });
    expect(decisions.filter((d) => !d.edited).every((d) => d.editedText === undefined)).toBe(true);
  });
});
