import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { tempDb } from '../../helpers/db.js';
import { syntheticTasks } from './study-fixture.js';
import { startReview } from '../../helpers/review.js';

describe('analysis of reviews made in the review workspace', () => {
  it('reads the state the event log ends in: edits, undo, added flaws, rating; open reviews are left out', () => {
    const { db } = tempDb();
    const [task] = syntheticTasks(1);
    importTasks(db, [task]);
    createStudy(db, { name: 'live', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }, { id: 'bob' }], overlap: 2, seed: 1, reviewHere: true });
    const play = (evaluator: string, events: ReviewEvent[], activeMs: number): void => {
      const item = getQueue(db, evaluator).find((q) => q.study === 'live')!;
      const t0 = Date.UTC(2026, 0, 1);
      const view = startReview(db, evaluator, item.id, t0);
      // the review screen names critiques by neutral id: k1, k2, k3 are c1, c2, c3 under policy all
      const neutral = (e: ReviewEvent): ReviewEvent => ('critique' in e ? { ...e, critique: e.critique.replace('c', 'k') } : e);
      events.forEach((event, i) =>
        recordEvent(
          db,
          { evaluator, review: view.review!.id, expectedSeq: i, clientEventId: `${evaluator}-${i}`, clientTime: t0 + 1_000 + i, activeMs, event: neutral(event) },
          t0 + 1_000 + i,
        ),
      );
    };
    play(
      'ann',
      [
        { type: 'decision-recorded', critique: 'c1', verdict: 'accept', editedText: 'The figure is wrong (5%).' },
        { type: 'decision-recorded', critique: 'c3', verdict: 'accept' },
        { type: 'undone' },
        { type: 'decision-recorded', critique: 'c2', verdict: 'reject', reason: 'nitpick' },
        { type: 'flaw-added', flaw: { id: 'own1', description: 'Unsupported claim', anchor: { quote: 'Critics said' }, severity: 'major' } },
        { type: 'rating-set', rating: 5 },
        { type: 'submitted' },
      ],
      90_000,
    );
    play('bob', [{ type: 'decision-recorded', critique: 'c1', verdict: 'accept' }], 10_000); // still open

    const { data } = loadStudyData(db, 'live');
    expect(data.reviews).toHaveLength(1);
    const [r] = data.reviews;
    expect(r).toMatchObject({ evaluator: 'ann', condition: 'assisted', rating: 5, skipped: false, shown: ['c1', 'c2', 'c3'] });
    // Active time as the review workspace stored it: ann claimed 90 s, but active time never exceeds
    // the wall time since the review started: the last of her 7 events came 1,006 ms after the start.
    const capped = 1_006;
    expect(db.prepare("SELECT active_ms FROM reviews WHERE status = 'submitted'").get()).toEqual({ active_ms: capped });
    expect(r!.activeSeconds).toBe(capped / 1000);
    expect(r!.decisions).toEqual([
      { critique: 'c1', verdict: 'accept', reason: null, edited: true, editedText: 'The figure is wrong (5%).' }, // the text the evaluator accepted, for the matching screen
      { critique: 'c2', verdict: 'reject', reason: 'nitpick', edited: false },
    ]);
    expect(r!.added[0]).toMatchObject({ id: 'own1', quote: 'Critics said', severity: 'major' });

    const m = computeMetrics(data, { bootstrap: 0 });
    const c = m.conditions['assisted']!;
    expect(c.fate).toEqual({ kept: 0, edited: 1, rejected: 1, rejected_by_reason: { nitpick: 1 }, undecided: 1, added: 1 });
    // c1 (accepted) catches f1; own1 overlaps "Critics said the plan was rushed." = f2
    expect(c.caught_per_review.value).toBe(2);
    expect(c.catch_rate.value).toBe(1);
    expect(c.reported_per_review.value).toBe(2);
    db.close();
  });
});
