import { beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords, reviewCsvRow } from '../../../electron/backend/reviews/export.js';
import {
  beginReview,
  createEvaluator,
  ensurePracticeQueue,
  getQueue,
  getReviewView,
  loadEvents,
  nextActiveMs,
  recordEvent,
  recordHeartbeat,
} from '../../../electron/backend/reviews/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { replayReview } from '../../../shared/review/state.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { tempDb } from '../../helpers/db.js';
import { startReview } from '../../helpers/review.js';

const tasks = [
  {
    id: 's1',
    kind: 'summary',
    title: 'Bridge',
    output: 'The bridge closes for a year.',
    context: { document: 'The bridge closes for six months of repairs.', query: 'Summarise.' },
    critiques: [
      { id: 'c1', text: 'Six months, not a year.', anchor: { quote: 'for a year' }, score: 0.9, valid: true, model: 'critic-x', evidence: [{ anchor: { quote: 'six months' } }] },
      { id: 'c2', text: 'Decoy critique.', score: 0.95, valid: false },
      { id: 'c3', text: 'Unscored.' },
    ],
    flaws: [{ id: 'f1', description: 'SECRET-GROUND-TRUTH duration wrong', anchor: { quote: 'for a year' } }],
  },
  { id: 'k1', kind: 'code', title: 'Code', language: 'python', base: 'a = 1\nb = 2\n', output: 'a = 1\nb = 3\nc = 4\n', critiques: [{ id: 'c1', text: 'b changed', anchor: { lines: [2, 2] } }] },
];

let db: WritableDb;
beforeEach(() => {
  db = tempDb().db;
  importTasks(db, tasks);
});

let n = 0;
function rec(review: number, expectedSeq: number, event: ReviewEvent, evaluator = 'ana', clientEventId = `cid-${++n}-xxxx`) {
  return recordEvent(db, { evaluator, review, expectedSeq, clientEventId, clientTime: Date.now(), event });
}

describe('queue', () => {
  it('creates a practice queue lazily, adds new tasks later, and keeps evaluators apart', () => {
    const ana = createEvaluator(db, 'Ana Ruiz');
    expect(ana.id).toBe('ana-ruiz');
    expect(createEvaluator(db, 'Ana Ruiz').id).toBe('ana-ruiz-2');
    expect(ensurePracticeQueue(db, 'ana-ruiz')).toBe(2);
    expect(ensurePracticeQueue(db, 'ana-ruiz')).toBe(0);
    importTasks(db, [{ id: 's2', kind: 'summary', output: 'later' }]);
    expect(ensurePracticeQueue(db, 'ana-ruiz')).toBe(1);
    const q = getQueue(db, 'ana-ruiz');
    expect(q.map((e) => [e.taskId, e.label, e.status])).toEqual([
      ['s1', 'Practice', 'new'],
      ['k1', 'Practice', 'new'],
      ['s2', 'Practice', 'new'],
    ]);
    expect(JSON.stringify(q)).not.toContain('practice"'); // the condition name is not in the queue
    expect(getQueue(db, 'ana-ruiz-2')).toEqual([]);
    expect(() => getReviewView(db, 'ana-ruiz-2', q[0]!.id)).toThrow(/No item/);
    expect(() => getQueue(db, 'nobody')).toThrow(/No evaluator profile "nobody"/);
  });
});

describe('blinding', () => {
  it('never returns flaws, valid, scores, model names or condition names; policy none sends no critiques', async () => {
    const handlers = createHandlers({ db, dbPath: ':memory:', host: 'browser' });
    await dispatch(handlers, 'evaluators:create', { displayName: 'Ana' });
    const queue = (await dispatch(handlers, 'review:queue', { evaluator: 'ana' })) as { ok: true; value: { items: { id: number }[] } };
    const item = queue.value.items[0]!.id;
    expect((await dispatch(handlers, 'review:begin', { evaluator: 'ana', item })).ok).toBe(true);
    const view = await dispatch(handlers, 'review:view', { evaluator: 'ana', item });
    expect(view.ok).toBe(true);
    const text = JSON.stringify(view);
    for (const secret of ['SECRET-GROUND-TRUTH', '"valid"', '"score"', 'critic-x', '0.95', 'practice"', '"flaws"']) expect(text).not.toContain(secret);
    expect(text).toContain('Decoy critique.'); // policy all: decoys are shown, unmarked

    db.prepare(`UPDATE queue_items SET policy = 'none', condition = 'unassisted-secret' WHERE id = $item`).run({ item: queue.value.items[1]!.id });
    const none = (await dispatch(handlers, 'review:view', { evaluator: 'ana', item: queue.value.items[1]!.id })) as { ok: true; value: { critiques: unknown } };
    expect(none.value.critiques).toBeNull();
    expect(JSON.stringify(none)).not.toContain('b changed');
    expect(JSON.stringify(none)).not.toContain('unassisted-secret');
  });

  it('applies top-K and valid-only, and freezes the shown critiques when the review starts', () => {
    createEvaluator(db, 'Ana');
    ensurePracticeQueue(db, 'ana');
    const item = getQueue(db, 'ana')[0]!.id;
    db.prepare(`UPDATE queue_items SET policy = 'valid-only' WHERE id = $item`).run({ item });
    const shown = (): string[][] => getReviewView(db, 'ana', item).critiques!.map((c) => [c.id, c.text]);
    expect(shown()).toEqual([
      ['k1', 'Six months, not a year.'],
      ['k2', 'Unscored.'],
    ]);
    db.prepare(`UPDATE queue_items SET policy = 'top-1' WHERE id = $item`).run({ item });
    expect(shown()).toEqual([['k1', 'Decoy critique.']]);
    startReview(db, 'ana', item);
    db.prepare(`UPDATE queue_items SET policy = 'all' WHERE id = $item`).run({ item });
    expect(shown()).toEqual([['k1', 'Decoy critique.']]);
  });

  it('resolves critique anchors in the output and evidence in the document (UTF-16 ranges)', () => {
    createEvaluator(db, 'Ana');
    ensurePracticeQueue(db, 'ana');
    const [s, k] = getQueue(db, 'ana');
    const c1 = getReviewView(db, 'ana', s!.id).critiques![0]!;
    expect(c1.range).toMatchObject({ start16: 18, end16: 28, side: 'output' });
    expect(c1.evidence[0]!.range).toMatchObject({ start16: 22, end16: 32 });
    expect(getReviewView(db, 'ana', k!.id).critiques![0]!.range).toMatchObject({ lines: [2, 2] });
  });
});

describe('event log', () => {
  function started(): { review: number; item: number } {
    createEvaluator(db, 'Ana');
    ensurePracticeQueue(db, 'ana');
    const item = getQueue(db, 'ana')[0]!.id;
    return { review: startReview(db, 'ana', item).review!.id, item };
  }

  it('appends in order; the state rebuilt from the stored log equals the state built live', () => {
    const { review, item } = started();
    // The evaluator names critiques by their neutral ids (k1 = c1, k2 = c2 here); the log stores the originals.
    const events: ReviewEvent[] = [
      { type: 'decision-recorded', critique: 'k1', verdict: 'accept' },
      { type: 'decision-recorded', critique: 'k2', verdict: 'reject', reason: 'incorrect' },
      { type: 'flaw-added', flaw: { id: 'a1', description: 'Year is wrong', anchor: { quote: 'a year' } } },
      { type: 'undone' },
      { type: 'redone' },
      { type: 'rating-set', rating: 2 },
    ];
    events.forEach((e, i) => expect(rec(review, i, e).seq).toBe(i + 1));
    const original = (e: ReviewEvent): ReviewEvent => ('critique' in e ? { ...e, critique: e.critique.replace('k', 'c') } : e);
    const live = replayReview(events.map(original));
    const stored = replayReview(loadEvents(db, review).map((e) => e.event));
    expect(stored).toEqual(live);
    const view = getReviewView(db, 'ana', item);
    expect(view.review!.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(view.review!.events.map((e) => e.event)).toEqual(events); // the view speaks neutral ids again
    expect(getQueue(db, 'ana')[0]!.status).toBe('open');
  });

  it('begin returns the log and the frozen critique ids without the task, and is idempotent', () => {
    const { review, item } = started();
    rec(review, 0, { type: 'rating-set', rating: 4 });
    const b = beginReview(db, 'ana', item);
    expect(b.review.id).toBe(review);
    expect(b.review.events.map((e) => e.event)).toEqual([{ type: 'rating-set', rating: 4 }]);
    expect(b.shown).toEqual(['k1', 'k2', 'k3']);
    expect(b.pin).toBe(getReviewView(db, 'ana', item).item.pin);
    expect(JSON.stringify(b)).not.toContain('The bridge closes');
    // A later begin (another day) returns the same review: same id, start time and log.
    const again = beginReview(db, 'ana', item, b.review.startedAt + 86_400_000);
    expect(again.review.id).toBe(review);
    expect(again.review.startedAt).toBe(b.review.startedAt);
    expect(again.review.events).toHaveLength(1);
  });

  it('answers a retried call from the log and refuses a stale expectedSeq (another window)', () => {
    const { review } = started();
    const first = rec(review, 0, { type: 'rating-set', rating: 3 }, 'ana', 'same-id-123');
    const again = rec(review, 0, { type: 'rating-set', rating: 3 }, 'ana', 'same-id-123');
    expect(again.seq).toBe(first.seq);
    expect(loadEvents(db, review)).toHaveLength(1);
    expect(() => rec(review, 0, { type: 'rating-set', rating: 4 })).toThrow(/changed in another window/);
    expect(loadEvents(db, review)).toHaveLength(1);
  });

  it('refuses invalid events without writing: unknown critique, bad anchor, submit without rating, other evaluator', () => {
    const { review } = started();
    expect(() => rec(review, 0, { type: 'decision-recorded', critique: 'zz', verdict: 'accept' })).toThrow(/No critique "zz"/);
    // an original id is not a name the evaluator knows: refused as well
    expect(() => rec(review, 0, { type: 'decision-recorded', critique: 'c1', verdict: 'accept' })).toThrow(/No critique "c1"/);
    expect(() => rec(review, 0, { type: 'flaw-added', flaw: { id: 'a1', description: 'x', anchor: { quote: 'not in output' } } })).toThrow(
      /flaw.anchor.quote: quote not found/,
    );
    expect(() => rec(review, 0, { type: 'submitted' })).toThrow(/Rate the output/);
    createEvaluator(db, 'Bob');
    expect(() => rec(review, 0, { type: 'rating-set', rating: 1 }, 'bob')).toThrow(/No review/);
    expect(loadEvents(db, review)).toHaveLength(0);
  });

  it('a submitted review is closed and exported as a record (JSON and CSV)', () => {
    const { review } = started();
    rec(review, 0, { type: 'decision-recorded', critique: 'k1', verdict: 'accept', editedText: 'Six months, not one year.' });
    rec(review, 1, { type: 'flaw-added', flaw: { id: 'a1', description: 'Says "closes", it, was voted', severity: 'minor' } });
    rec(review, 2, { type: 'rating-set', rating: 2 });
    rec(review, 3, { type: 'submitted' });
    expect(() => rec(review, 4, { type: 'rating-set', rating: 5 })).toThrow(/already submitted/);
    const [record, ...rest] = exportReviewRecords(db);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({
      task: 's1',
      evaluator: 'ana',
      study: '',
      condition: 'practice',
      rating: 2,
      skipped: null,
      decisions: [{ critique: 'c1', verdict: 'accept', edited_text: 'Six months, not one year.' }],
      added: [{ id: 'a1', description: 'Says "closes", it, was voted', severity: 'minor' }],
      shown: ['c1', 'c2', 'c3'],
    });
    expect(exportReviewRecords(db, { study: 'other' })).toEqual([]);
    expect(reviewCsvRow(record!)).toContain('"[{""id"":""a1""');
  });

  it('heartbeats store active time within the wall clock, and a finished review keeps its time', () => {
    const { review, item } = started();
    const t0 = getReviewView(db, 'ana', item).review!.startedAt;
    expect(recordHeartbeat(db, 'ana', review, 5_000, t0 + 10_000)).toBe(5_000);
    expect(recordHeartbeat(db, 'ana', review, 999_999, t0 + 11_000)).toBe(8_000); // 5 s + 1 s elapsed + 2 s slack
    expect(recordHeartbeat(db, 'ana', review, 1_000, t0 + 12_000)).toBe(8_000); // never goes back
    rec(review, 0, { type: 'skipped', reason: 'Not today' });
    // Finished: a later heartbeat (a tab left open) changes nothing, although the clock would allow it.
    expect(recordHeartbeat(db, 'ana', review, 50_000, t0 + 60_000)).toBe(8_000);
    expect(getReviewView(db, 'ana', item).review!.activeMs).toBe(8_000);
    expect(() => recordHeartbeat(db, 'bob', review, 1, t0)).toThrow(/No evaluator profile "bob"|No review/);
  });

  it('accepts active time only as far as the wall clock allows', () => {
    const t0 = Date.UTC(2026, 0, 1);
    expect(nextActiveMs(10_000, t0 + 1_000, 15_000, t0 + 60_000, t0)).toBe(15_000);
    expect(nextActiveMs(10_000, t0 + 55_000, 99_000, t0 + 60_000, t0)).toBe(17_000); // 5 s elapsed + 2 s slack
    expect(nextActiveMs(10_000, t0 + 1_000, 5_000, t0 + 60_000, t0)).toBe(10_000);
    expect(nextActiveMs(10_000, t0 + 1_000, undefined, t0 + 60_000, t0)).toBe(10_000);
    // never more than the time since the review started: the slack cannot add up past the wall time
    expect(nextActiveMs(0, t0, 99_000, t0 + 1_000, t0)).toBe(1_000);
    expect(nextActiveMs(1_000, t0 + 1_000, 99_000, t0 + 1_500, t0)).toBe(1_500);
  });
});
