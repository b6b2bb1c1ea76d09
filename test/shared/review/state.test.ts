import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReviewEventSchema, type ReviewEvent } from '../../../shared/review/events.js';
import { checkReviewEvent, initialReviewState, nextFlawId, reduceReview, replayReview, type ReviewState } from '../../../shared/review/state.js';

const rules = { shownCritiques: new Set(['c1', 'c2', 'c3']) };

function apply(events: readonly ReviewEvent[]): ReviewState {
  let s = initialReviewState;
  for (const e of events) {
    const problem = checkReviewEvent(s, e, rules);
    if (problem) throw new Error(problem);
    s = reduceReview(s, e);
  }
  return s;
}

describe('review reducer', () => {
  it('records decisions, edits, flaws and the rating', () => {
    const s = apply([
      { type: 'decision-recorded', critique: 'c1', verdict: 'accept' },
      { type: 'decision-recorded', critique: 'c2', verdict: 'reject', reason: 'nitpick' },
      { type: 'decision-recorded', critique: 'c3', verdict: 'accept', editedText: 'Sharper text' },
      { type: 'flaw-added', flaw: { id: 'a1', description: 'Misses the date', anchor: { quote: 'x' }, severity: 'major' } },
      { type: 'flaw-edited', flaw: { id: 'a1', description: 'Misses the date of the vote', severity: 'minor' } },
      { type: 'rating-set', rating: 3 },
    ]);
    expect(s.content.decisions).toEqual({
      c1: { verdict: 'accept' },
      c2: { verdict: 'reject', reason: 'nitpick' },
      c3: { verdict: 'accept', editedText: 'Sharper text' },
    });
    expect(s.content.flaws).toEqual([{ id: 'a1', description: 'Misses the date of the vote', severity: 'minor' }]);
    expect(s.content.rating).toBe(3);
    expect(s.seq).toBe(6);
    expect(nextFlawId(s)).toBe('a2');
  });

  it('undoes and redoes several levels; a new edit clears the redo stack', () => {
    const edits: ReviewEvent[] = [
      { type: 'rating-set', rating: 2 },
      { type: 'rating-set', rating: 5 },
      { type: 'decision-recorded', critique: 'c1', verdict: 'accept' },
    ];
    expect(apply(edits).content.rating).toBe(5);
    const u2 = apply([...edits, { type: 'undone' }, { type: 'undone' }]);
    expect(u2.content).toEqual({ decisions: {}, flaws: [], rating: 2 });
    const r1 = reduceReview(u2, { type: 'redone' });
    expect(r1.content.rating).toBe(5);
    const edited = reduceReview(r1, { type: 'rating-set', rating: 7 });
    expect(edited.redo).toEqual([]);
    expect(checkReviewEvent(edited, { type: 'redone' }, rules)).toBe('Nothing to redo.');
    expect(checkReviewEvent(initialReviewState, { type: 'undone' }, rules)).toBe('Nothing to undo.');
  });

  it('never reuses a flaw id, even after undo', () => {
    const s = apply([
      { type: 'flaw-added', flaw: { id: 'a1', description: 'one' } },
      { type: 'undone' },
    ]);
    expect(s.content.flaws).toEqual([]);
    expect(nextFlawId(s)).toBe('a2');
  });

  it('refuses what the protocol forbids, with a message', () => {
    const s = initialReviewState;
    expect(checkReviewEvent(s, { type: 'decision-recorded', critique: 'zz', verdict: 'accept' }, rules)).toMatch(/No critique "zz"/);
    expect(checkReviewEvent(s, { type: 'decision-recorded', critique: 'c1', verdict: 'reject' }, rules)).toMatch(/needs a reason/);
    expect(checkReviewEvent(s, { type: 'flaw-deleted', id: 'a9' }, rules)).toMatch(/No flaw "a9"/);
    expect(checkReviewEvent(s, { type: 'submitted' }, rules)).toMatch(/Rate the output/);
    const done = apply([{ type: 'rating-set', rating: 4 }, { type: 'submitted' }]);
    expect(done.status).toBe('submitted');
    expect(checkReviewEvent(done, { type: 'rating-set', rating: 1 }, rules)).toMatch(/already submitted/);
  });

  it('reopens a finished review: editable again, the content as submitted, no undo across the reopen', () => {
    const done = apply([
      { type: 'rating-set', rating: 4 },
      { type: 'decision-recorded', critique: 'c1', verdict: 'accept' },
      { type: 'submitted' },
    ]);
    expect(checkReviewEvent(done, { type: 'undone' }, rules)).toBe('This review was already submitted; reopen it to change it.');
    const open = reduceReview(done, { type: 'reopened' });
    expect(open).toMatchObject({ status: 'open', reopened: 1, seq: 4, undo: [], redo: [] });
    expect(open.content).toEqual(done.content);
    expect(checkReviewEvent(open, { type: 'undone' }, rules)).toBe('Nothing to undo.');
    expect(checkReviewEvent(open, { type: 'reopened' }, rules)).toBe('This review is open already; there is nothing to reopen.');
    expect(checkReviewEvent(initialReviewState, { type: 'reopened' }, rules)).toMatch(/open already/);
    // a skipped review too: reopened, its skip reason is gone until it is skipped again
    const skipped = apply([{ type: 'skipped', reason: 'Not my field' }]);
    expect(reduceReview(skipped, { type: 'reopened' })).toMatchObject({ status: 'open', skipReason: null });
    // edits after the reopen undo back to the submitted content, never further
    const edited = apply([{ type: 'rating-set', rating: 4 }, { type: 'submitted' }, { type: 'reopened' }, { type: 'rating-set', rating: 2 }, { type: 'undone' }]);
    expect(edited.content.rating).toBe(4);
    expect(edited.undo).toEqual([]);
  });

  it('property: a log with reopens replays to the state of its last revision, and undo never crosses a submit or a reopen', () => {
    const finishing = fc.constantFrom<ReviewEvent>({ type: 'submitted' }, { type: 'skipped', reason: 'x' }, { type: 'reopened' });
    fc.assert(
      fc.property(fc.array(fc.oneof(editEvent, finishing, fc.constant<ReviewEvent>({ type: 'undone' }), fc.constant<ReviewEvent>({ type: 'rating-set', rating: 3 })), { maxLength: 40 }), (raw) => {
        let s = initialReviewState;
        let atBoundary = initialReviewState.content;
        let reopens = 0;
        for (const e of raw) {
          if (checkReviewEvent(s, e, rules)) continue;
          s = reduceReview(s, e);
          if (e.type === 'reopened') {
            reopens++;
            atBoundary = s.content;
          }
          // undoing everything possible lands on the content at the last reopen (or the start), never before
          if (s.status === 'open') {
            let u = s;
            while (!checkReviewEvent(u, { type: 'undone' }, rules)) u = reduceReview(u, { type: 'undone' });
            expect(u.content).toEqual(atBoundary);
          }
        }
        expect(s.reopened).toBe(reopens);
      }),
    );
  });

  it('is pure: reducing never changes the input state', () => {
    const s = apply([{ type: 'decision-recorded', critique: 'c1', verdict: 'accept' }]);
    const snapshot = JSON.stringify(s);
    reduceReview(s, { type: 'decision-recorded', critique: 'c1', verdict: 'reject', reason: 'other' });
    reduceReview(s, { type: 'undone' });
    expect(JSON.stringify(s)).toBe(snapshot);
  });

  it('property: undo after any edit restores the content before it; redo restores the edit', () => {
    fc.assert(
      fc.property(fc.array(editEvent, { maxLength: 25 }), editEvent, (prefix, last) => {
        const s = validPrefix(prefix);
        if (checkReviewEvent(s, last, rules)) return;
        const after = reduceReview(s, last);
        const undone = reduceReview(after, { type: 'undone' });
        expect(undone.content).toEqual(s.content);
        expect(reduceReview(undone, { type: 'redone' }).content).toEqual(after.content);
      }),
    );
  });

  it('property: replaying a log equals reducing it step by step, and every event survives a JSON round trip', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(editEvent, fc.constant<ReviewEvent>({ type: 'undone' }), fc.constant<ReviewEvent>({ type: 'redone' })), { maxLength: 30 }), (raw) => {
        const log: ReviewEvent[] = [];
        let s = initialReviewState;
        for (const e of raw) {
          if (checkReviewEvent(s, e, rules)) continue;
          s = reduceReview(s, e);
          log.push(ReviewEventSchema.parse(JSON.parse(JSON.stringify(e))));
        }
        expect(replayReview(log)).toEqual(s);
      }),
    );
  });
});

const editEvent: fc.Arbitrary<ReviewEvent> = fc.oneof(
  fc.record({ type: fc.constant('decision-recorded' as const), critique: fc.constantFrom('c1', 'c2', 'c3'), verdict: fc.constant('accept' as const) }),
  fc.record({
    type: fc.constant('decision-recorded' as const),
    critique: fc.constantFrom('c1', 'c2'),
    verdict: fc.constant('reject' as const),
    reason: fc.constantFrom('incorrect' as const, 'nitpick' as const, 'other' as const),
  }),
  fc.record({ type: fc.constant('decision-cleared' as const), critique: fc.constantFrom('c1', 'c2', 'c3') }),
  fc.record({ type: fc.constant('rating-set' as const), rating: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }) }),
  fc.record({ type: fc.constant('flaw-added' as const), flaw: fc.record({ id: fc.constantFrom('a1', 'a2', 'a3'), description: fc.constantFrom('x', 'y') }) }),
  fc.record({ type: fc.constant('flaw-deleted' as const), id: fc.constantFrom('a1', 'a2') }),
);

function validPrefix(events: readonly ReviewEvent[]): ReviewState {
  let s = initialReviewState;
  for (const e of events) if (!checkReviewEvent(s, e, rules)) s = reduceReview(s, e);
  return s;
}
