// What an evaluator may see on the researcher's own database: practice queues never hold the tasks
// of an open study (for any profile, new ones included), study views speak neutral critique ids,
// and a closed study takes no new work.
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { runCli } from '../../../electron/backend/cli/main.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, createEvaluator, ensurePracticeQueue, getQueue, getReviewView, recordEvent, recordHeartbeat } from '../../../electron/backend/reviews/repository.js';
import { exportPack } from '../../../electron/backend/studies/packs.js';
import { closeStudy, createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { tempDb } from '../../helpers/db.js';

const t0 = Date.UTC(2026, 2, 1, 9);

function researcher(): { db: WritableDb; path: string } {
  const { db, path } = tempDb();
  importTasks(db, [
    {
      id: 'study-task',
      kind: 'summary',
      output: 'The council closed the bridge for a year.',
      critiques: [
        { id: 'real-1', text: 'VISIBLE: six months, not a year.', score: 0.9 },
        { id: 'decoy-1', text: 'DECOY: says the council never met.', score: 0.2, valid: false },
      ],
    },
    { id: 'free-task', kind: 'summary', output: 'Nothing to see.', critiques: [{ id: 'p1', text: 'PRACTICE critique.' }] },
  ]);
  createStudy(db, { name: 'pilot', conditions: [{ name: 'unassisted', policy: 'none' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 3, tasks: ['study-task'], reviewHere: true });
  return { db, path };
}

describe('practice queues on the researcher’s database', () => {
  it('a new profile’s practice queue never holds a task of an open study (decoys and all)', async () => {
    const { db, path } = researcher();
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const created = await dispatch(handlers, 'evaluators:create', { displayName: 'Curious Colleague' });
    expect(created.ok).toBe(true);
    const queue = await dispatch(handlers, 'review:queue', { evaluator: 'curious-colleague' });
    expect(queue).toMatchObject({ ok: true, value: { items: [{ taskId: 'free-task', label: 'Practice' }] } });
    const text = JSON.stringify(queue);
    expect(text).not.toContain('study-task');
    // nor by guessing item ids: every item of the database is tried
    const ids = (db.prepare('SELECT id FROM queue_items').all() as { id: number }[]).map((r) => r.id);
    for (const item of ids) {
      const view = await dispatch(handlers, 'review:view', { evaluator: 'curious-colleague', item });
      expect(JSON.stringify(view)).not.toMatch(/VISIBLE|DECOY/);
    }
    // the study's own (unassisted) evaluator sees the task only as her study item, without critiques
    ensurePracticeQueue(db, 'ann');
    const ann = getQueue(db, 'ann');
    expect(ann.map((q) => [q.taskId, q.study])).toEqual([
      ['study-task', 'pilot'],
      ['free-task', ''],
    ]);
    expect(getReviewView(db, 'ann', ann[0]!.id).critiques).toBeNull();
  });

  it('once the study is closed its tasks may be practised (except by its own evaluators)', () => {
    const { db } = researcher();
    createEvaluator(db, 'Bea');
    ensurePracticeQueue(db, 'bea');
    expect(getQueue(db, 'bea').map((q) => q.taskId)).toEqual(['free-task']);
    closeStudy(db, 'pilot', t0);
    expect(getQueue(db, 'bea').map((q) => q.taskId)).toEqual(['study-task', 'free-task']);
    ensurePracticeQueue(db, 'ann');
    expect(getQueue(db, 'ann').map((q) => [q.taskId, q.study])).toEqual([
      ['study-task', 'pilot'],
      ['free-task', ''],
    ]);
  });
});

describe('neutral critique ids in every evaluator view', () => {
  it('a study item reviewed on the researcher’s database shows k1…kn, and its log still holds the original ids', () => {
    const { db } = tempDb();
    importTasks(db, [
      {
        id: 't',
        kind: 'summary',
        output: 'Output.',
        critiques: [
          { id: 'decoy-keep-out', text: 'A decoy.', valid: false },
          { id: 'real-critique', text: 'A real one.' },
        ],
      },
    ]);
    createStudy(db, { name: 's', conditions: [{ name: 'all', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, reviewHere: true });
    const item = getQueue(db, 'ann')[0]!.id;
    const view = getReviewView(db, 'ann', item);
    expect(view.critiques!.map((c) => [c.id, c.text])).toEqual([
      ['k1', 'A decoy.'],
      ['k2', 'A real one.'],
    ]);
    const begun = beginReview(db, 'ann', item, t0);
    expect(begun.shown).toEqual(['k1', 'k2']);
    const rec = (seq: number, event: Parameters<typeof recordEvent>[1]['event']) =>
      recordEvent(db, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `c-${seq}-xxxxxx`, clientTime: t0, event }, t0 + 1000 * (seq + 1));
    rec(0, { type: 'decision-recorded', critique: 'k1', verdict: 'reject', reason: 'incorrect' });
    rec(1, { type: 'rating-set', rating: 3 });
    rec(2, { type: 'submitted' });
    const after = JSON.stringify([getReviewView(db, 'ann', item), beginReview(db, 'ann', item, t0 + 9000), getQueue(db, 'ann')]);
    expect(after).not.toMatch(/decoy-keep-out|real-critique/);
    // exports and the metrics read the original ids
    expect(exportReviewRecords(db)[0]).toMatchObject({ decisions: [{ critique: 'decoy-keep-out', verdict: 'reject', reason: 'incorrect' }], shown: ['decoy-keep-out', 'real-critique'] });
  });
});

describe('closing a study', () => {
  it('refuses new reviews, events, results and packs; keeps open reviews out of the figures; never reopens', async () => {
    const { db, path } = tempDb();
    importTasks(db, [1, 2, 3].map((i) => ({ id: `t${i}`, kind: 'summary', output: `Output ${i}.`, critiques: [{ id: 'c1', text: 'A critique.' }] })));
    createStudy(db, { name: 'pilot', conditions: [{ name: 'all', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, reviewHere: true });
    const [q1, q2, q3] = getQueue(db, 'ann');
    const done = beginReview(db, 'ann', q1!.id, t0).review.id;
    recordEvent(db, { evaluator: 'ann', review: done, expectedSeq: 0, clientEventId: 'r1-xxxxxxxx', clientTime: t0, event: { type: 'rating-set', rating: 4 } }, t0 + 1000);
    recordEvent(db, { evaluator: 'ann', review: done, expectedSeq: 1, clientEventId: 'r2-xxxxxxxx', clientTime: t0, event: { type: 'submitted' } }, t0 + 2000);
    const open = beginReview(db, 'ann', q2!.id, t0 + 3000).review.id;
    const record = { ...exportReviewRecords(db)[0]!, task: 't3' };

    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const closed = await dispatch(handlers, 'studies:close', { name: 'pilot' });
    expect(closed).toMatchObject({ ok: true, value: { state: 'closed' } });
    expect(getStudy(db, 'pilot').closedAt).toEqual(expect.any(Number));

    expect(() => beginReview(db, 'ann', q3!.id, t0 + 4000)).toThrow('Study "pilot" is closed: it takes no new reviews.');
    expect(() =>
      recordEvent(db, { evaluator: 'ann', review: open, expectedSeq: 0, clientEventId: 'r3-xxxxxxxx', clientTime: t0, event: { type: 'rating-set', rating: 2 } }, t0 + 5000),
    ).toThrow('Study "pilot" is closed: its reviews can no longer change.');
    expect(recordHeartbeat(db, 'ann', open, 1_000, t0 + 6000)).toBe(0);
    expect(() => exportPack(db, 'pilot', 'ann', t0)).toThrow('Study "pilot" is closed: no more packs can be exported.');
    const [merged] = importResults(db, [{ fileName: 'late.jsonl', content: JSON.stringify(record) }], {}, t0 + 7000);
    expect(merged).toMatchObject({ status: 'refused', error: 'late.jsonl:1: study: "pilot" is closed: no more results can be merged into it' });
    // the finished review is data; the open one stays out; nothing else changed
    expect(exportReviewRecords(db, { study: 'pilot' })).toHaveLength(1);
    // a closed study is never reopened, not even behind Assay's back
    expect(() => db.prepare(`UPDATE studies SET state = 'open'`).run()).toThrow(/a closed study cannot be reopened/);
    expect(() => db.prepare(`INSERT INTO reviews (queue_item_id, shown_json, started_at, updated_at, active_updated_at) VALUES ($q, '[]', 1, 1, 1)`).run({ q: q3!.id })).toThrow(
      /closed: no new reviews/,
    );
    // closing again is a no-op
    expect(closeStudy(db, 'pilot').closedAt).toBe(getStudy(db, 'pilot').closedAt);
  });

  it('assay study close NAME closes it and says what that means; list and show print the state', async () => {
    const { db, path } = tempDb();
    importTasks(db, [{ id: 't1', kind: 'summary', output: 'x', critiques: [{ id: 'c1', text: 'A critique' }] }]);
    createStudy(db, { name: 'pilot', conditions: [{ name: 'all', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 });
    db.close();
    const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      let out = '';
      let err = '';
      const code = await runCli([...argv, '--db', path], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
      return { code, out, err };
    };
    expect((await run('study', 'list')).out).toMatch(/^pilot +open +0\/1 /m);
    const closed = await run('study', 'close', 'pilot');
    expect(closed.code).toBe(0);
    expect(closed.out).toMatch(/^Study "pilot" is closed \(\d{4}-.*\): 0\/1 reviews finished\. It takes no new reviews, results or packs\.\n$/);
    expect((await run('study', 'list')).out).toMatch(/^pilot +closed +0\/1 /m);
    expect((await run('study', 'show', 'pilot')).out).toMatch(/^Study pilot — closed since \d{4}-/);
    expect(await run('study', 'close', 'nope')).toMatchObject({ code: 1, err: expect.stringContaining('No study "nope"') });
    expect((await run('study', 'close')).code).toBe(2);
    expect((await run('pack', 'export', '--study', 'pilot', '--evaluator', 'ann', '--out', `${path}.pack.json`)).err).toContain('Study "pilot" is closed');
  });
});
