import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ReviewEventSchema, type ReviewEvent } from '../../../shared/review/events.js';
import { SortedMap } from '../../../shared/review/sorted-map.js';
import {
  checkReviewEvent,
  emptyStack,
  initialReviewState,
  maxEventsPerReview,
  maxFlawsPerReview,
  nextFlawId,
  reduceReview,
  replayChecked,
  replayReview,
  stackContents,
  undoLimit,
  type ReviewState,
} from '../../../shared/review/state.js';
import { defaultStudySettings, timeLimitSlackMs } from '../../../shared/study/settings.js';
import { bigLog } from '../../fixtures/review-log.js';

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
    expect(u2.content).toEqual({ decisions: {}, flaws: [], rating: 2, answer: null, confidence: null });
    const r1 = reduceReview(u2, { type: 'redone' });
    expect(r1.content.rating).toBe(5);
    const edited = reduceReview(r1, { type: 'rating-set', rating: 7 });
    expect(edited.redo.length).toBe(0);
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
    expect(open).toMatchObject({ status: 'open', reopened: 1, seq: 4, undo: emptyStack, redo: emptyStack });
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
    expect(edited.undo).toEqual(emptyStack);
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

describe('replay cost and limits', () => {
  it('replays in O(n log n): every event makes at most two O(log n) map operations and none that walks a whole map', () => {
    // The old reducer copied every flaw and decision on every event: 32,000 flaws took 38 s to merge.
    // Counted, not timed (a timed ratio flaked on a busy CI machine); `npm run bench` ("review
    // replay") times the growth. Every whole-map walk (entries, of) and every O(log n) operation
    // (set, delete, get, has) goes through these spies; the maps stay balanced (depth test below).
    const { events } = bigLog(4_000);
    const logN = ['set', 'delete', 'get', 'has'] as const;
    const spies = logN.map((m) => vi.spyOn(SortedMap.prototype, m));
    const walks = [vi.spyOn(SortedMap.prototype, 'entries'), vi.spyOn(SortedMap, 'of')];
    try {
      const state = replayReview(events);
      expect(state.seq).toBe(4_000);
      const operations = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
      expect(operations).toBeGreaterThan(events.length / 2); // the spies do see the replay's work
      expect(operations).toBeLessThanOrEqual(2 * events.length);
      for (const w of walks) expect(w).not.toHaveBeenCalled();
      // reading the result walks each map once
      void state.content.flaws;
      void state.content.decisions;
      expect(walks[0]!.mock.calls.length).toBe(2);
    } finally {
      for (const s of [...spies, ...walks]) s.mockRestore();
    }
  });

  it('the same log replays to the same content as the quadratic definition did', () => {
    const { events } = bigLog(600);
    const s = replayReview(events);
    // A straightforward model: arrays and records copied on every event.
    let flaws: { id: string; description: string }[] = [];
    let decisions: Record<string, unknown> = {};
    const undo: { flaws: typeof flaws; decisions: typeof decisions }[] = [];
    const redo: typeof undo = [];
    for (const e of events) {
      const before = { flaws, decisions };
      if (e.type === 'undone') {
        redo.push(before);
        ({ flaws, decisions } = undo.pop()!);
        continue;
      }
      if (e.type === 'redone') {
        undo.push(before);
        ({ flaws, decisions } = redo.pop()!);
        continue;
      }
      undo.push(before);
      redo.length = 0;
      if (e.type === 'flaw-added') flaws = [...flaws, e.flaw];
      else if (e.type === 'flaw-edited') flaws = flaws.map((f) => (f.id === e.flaw.id ? e.flaw : f));
      else if (e.type === 'flaw-deleted') flaws = flaws.filter((f) => f.id !== e.id);
      else if (e.type === 'decision-recorded') decisions = { ...decisions, [e.critique]: { verdict: e.verdict } };
    }
    expect(s.content.flaws).toEqual(flaws);
    expect(s.content.decisions).toEqual(decisions);
  });

  it(`refuses an own flaw beyond ${maxFlawsPerReview} with a message naming the limit`, () => {
    const events: ReviewEvent[] = Array.from({ length: maxFlawsPerReview }, (_, i) => ({ type: 'flaw-added', flaw: { id: `a${i + 1}`, description: 'x' } }));
    const full = replayReview(events);
    const more: ReviewEvent = { type: 'flaw-added', flaw: { id: nextFlawId(full), description: 'one too many' } };
    expect(checkReviewEvent(full, more, rules)).toBe('A review can hold at most 1,000 flaws of your own; delete one before adding another.');
    const fewer = reduceReview(full, { type: 'flaw-deleted', id: 'a7' });
    expect(checkReviewEvent(fewer, more, rules)).toBeNull();
    const checked = replayChecked([...events, more], rules);
    expect(checked).toMatchObject({ ok: false, index: maxFlawsPerReview, problem: expect.stringMatching(/at most 1,000 flaws/) });
  });

  it(`stops a review at ${maxEventsPerReview} events, except for submitting or skipping it`, () => {
    const at = { ...replayReview([{ type: 'rating-set', rating: 4 }]), seq: maxEventsPerReview };
    expect(checkReviewEvent(at, { type: 'rating-set', rating: 5 }, rules)).toBe('This review has reached the limit of 20,000 actions per review; submit or skip it.');
    expect(checkReviewEvent(at, { type: 'submitted' }, rules)).toBeNull();
    expect(checkReviewEvent(at, { type: 'skipped', reason: 'too long' }, rules)).toBeNull();
    // a review finished at the limit cannot be reopened: reopen and submit cannot alternate past it
    const finished = reduceReview(at, { type: 'submitted' });
    expect(checkReviewEvent(finished, { type: 'reopened' }, rules)).toBe('This review has reached the limit of 20,000 actions per review; it cannot be reopened.');
    const below = { ...replayReview([{ type: 'rating-set', rating: 4 }, { type: 'submitted' }]), seq: maxEventsPerReview - 1 };
    expect(checkReviewEvent(below, { type: 'reopened' }, rules)).toBeNull();
  });

  it(`keeps exactly ${undoLimit} undo levels, and memory for at most twice that many`, () => {
    const events: ReviewEvent[] = Array.from({ length: undoLimit + 250 }, (_, i) => ({ type: 'rating-set', rating: 1 + (i % 7) }));
    let s = replayReview(events);
    expect(s.undo.length).toBe(undoLimit);
    expect(s.undo.node!.depth).toBeLessThanOrEqual(2 * undoLimit);
    for (let i = 0; i < undoLimit; i++) s = reduceReview(s, { type: 'undone' });
    expect(checkReviewEvent(s, { type: 'undone' }, rules)).toBe('Nothing to undo.');
    expect(s.content.rating).toBe(1 + (249 % 7)); // the content after the 250th of 450 edits
    expect(s.redo.length).toBe(undoLimit);
    expect(stackContents(s.redo)).toHaveLength(undoLimit);
  });
});

describe('SortedMap (the persistent map behind a review)', () => {
  it('property: behaves like a Map under any updates, keeps old versions intact and stays balanced', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.string({ maxLength: 3 }), value: fc.integer() }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.string({ maxLength: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        let map = SortedMap.empty<number>();
        const model = new Map<string, number>();
        const versions: { map: SortedMap<number>; entries: [string, number][] }[] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            map = map.set(o.key, o.value);
            model.set(o.key, o.value);
          } else {
            map = map.delete(o.key);
            model.delete(o.key);
          }
          const entries = [...model.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
          versions.push({ map, entries });
          expect(map.size).toBe(model.size);
          expect(map.depth).toBeLessThanOrEqual(Math.ceil(1.45 * Math.log2(model.size + 2)));
        }
        for (const v of versions) expect(v.map.entries()).toEqual(v.entries);
        for (const [k, value] of model) expect(map.get(k)).toBe(value);
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

describe('reopen under a time limit', () => {
  const timed = { ...defaultStudySettings, timeLimitSeconds: 60, onTimeLimit: 'submit' as const };
  const submitted = reduceReview(reduceReview(initialReviewState, { type: 'rating-set', rating: 4 }), { type: 'submitted' });
  const deadline = 1_000_000;

  it('may reopen a submitted item while its time runs, but not after it ran out (and its slack)', () => {
    const within = { ...rules, settings: timed, deadline, now: deadline - 10_000 };
    expect(checkReviewEvent(submitted, { type: 'reopened' }, within)).toBeNull();
    const after = { ...rules, settings: timed, deadline, now: deadline + timeLimitSlackMs + 1 };
    expect(checkReviewEvent(submitted, { type: 'reopened' }, after)).toMatch(/Time is up for this item.*cannot be reopened/);
    // without a clock (no time limit, or the client's own pre-check) reopen is allowed
    expect(checkReviewEvent(submitted, { type: 'reopened' }, rules)).toBeNull();
  });

  it('an item the clock ended reopens to an open review whose ending is forgotten', () => {
    const ended = reduceReview(initialReviewState, { type: 'time-expired', outcome: 'submitted' });
    expect(ended.endedBy).toBe('time-limit');
    const again = reduceReview(ended, { type: 'reopened' });
    expect(again).toMatchObject({ status: 'open', endedBy: null, reopened: 1 });
  });
});
