import { describe, expect, it } from 'vitest';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { buildReviewRecord, ReviewRecordSchema } from '../../../shared/review/record.js';

const meta = {
  task: 't1',
  evaluator: 'ana',
  study: '',
  condition: 'practice',
  startedAt: Date.UTC(2026, 0, 2, 9, 0, 0),
  submittedAt: Date.UTC(2026, 0, 2, 9, 5, 30),
  activeMs: 123_456,
  shown: ['c1', 'c2', 'c3'],
};

describe('buildReviewRecord', () => {
  it('builds the public record: decisions for decided critiques only, added flaws, rating, times', () => {
    const events: ReviewEvent[] = [
      { type: 'decision-recorded', critique: 'c2', verdict: 'reject', reason: 'incorrect' },
      { type: 'decision-recorded', critique: 'c1', verdict: 'accept', editedText: 'Better' },
      { type: 'flaw-added', flaw: { id: 'a1', description: 'Wrong year', anchor: { lines: [3, 4], side: 'base' }, severity: 'major', category: 'correctness' } },
      { type: 'flaw-added', flaw: { id: 'a2', description: 'Gone' } },
      { type: 'undone' },
      { type: 'rating-set', rating: 6 },
      { type: 'submitted' },
    ];
    const r = buildReviewRecord(meta, events);
    expect(ReviewRecordSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      task: 't1',
      evaluator: 'ana',
      started_at: '2026-01-02T09:00:00.000Z',
      submitted_at: '2026-01-02T09:05:30.000Z',
      active_seconds: 123.5,
      rating: 6,
      skipped: null,
      decisions: [
        { critique: 'c1', verdict: 'accept', edited_text: 'Better' },
        { critique: 'c2', verdict: 'reject', reason: 'incorrect' },
      ],
      added: [{ id: 'a1', description: 'Wrong year', anchor: { lines: [3, 4], side: 'base' }, severity: 'major', category: 'correctness' }],
    });
    expect(r.decisions.some((d) => d.critique === 'c3')).toBe(false);
  });

  it('a skipped review has a null rating and the reason', () => {
    const r = buildReviewRecord(meta, [{ type: 'rating-set', rating: 2 }, { type: 'skipped', reason: 'Cannot judge this topic' }]);
    expect(r.rating).toBeNull();
    expect(r.skipped).toEqual({ reason: 'Cannot judge this topic' });
  });

  it('refuses an open review', () => {
    expect(() => buildReviewRecord(meta, [{ type: 'rating-set', rating: 2 }])).toThrow(/still open/);
  });
});
