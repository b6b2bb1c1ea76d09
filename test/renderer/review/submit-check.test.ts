import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShownCritique } from '../../../shared/contract/review.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { checkReviewEvent, replayReview } from '../../../shared/review/state.js';
import { StudySettingsSchema, type StudySettingsInput } from '../../../shared/study/settings.js';
import { checkSubmit, confidenceSteps, stepConfidence, undecidedNumbers } from '../../../renderer/src/screens/review/settings.js';

// The workspace's check before a submit (renderer/src/screens/review/settings.ts) under the study's
// settings: what it refuses, what it asks, and that it never lets through what the back end refuses.

const critiques = ['k1', 'k2', 'k3', 'k4', 'k5'].map((id) => ({ id }) as ShownCritique);
const settings = (s: StudySettingsInput) => StudySettingsSchema.parse(s);
const decide = (id: string): ReviewEvent => ({ type: 'decision-recorded', critique: id, verdict: 'accept' });
const rated: ReviewEvent = { type: 'rating-set', rating: 5 };

describe('checkSubmit under the study settings', () => {
  it('rating: required refuses without one; optional and off do not ask', () => {
    const all = critiques.map((c) => decide(c.id));
    const state = replayReview(all);
    expect(checkSubmit(state, critiques, settings({}))).toMatchObject({ kind: 'refuse', missing: 'rating', message: 'Rate the output (1–7) before submitting.' });
    expect(checkSubmit(state, critiques, settings({ rating: 'optional' }))).toEqual({ kind: 'ok' });
    expect(checkSubmit(state, critiques, settings({ rating: 'off' }))).toEqual({ kind: 'ok' });
  });

  it('the question: an answer, then a confidence, are needed before submitting', () => {
    const s = settings({ rating: 'off', question: 'Is the output flawed?' });
    const base = critiques.map((c) => decide(c.id));
    expect(checkSubmit(replayReview(base), critiques, s)).toMatchObject({ kind: 'refuse', missing: 'answer', message: 'Answer the question before submitting: “Is the output flawed?”' });
    const answered = [...base, { type: 'answer-set', answer: false } as const];
    expect(checkSubmit(replayReview(answered), critiques, s)).toMatchObject({ kind: 'refuse', missing: 'confidence' });
    expect(checkSubmit(replayReview([...answered, { type: 'confidence-set', confidence: 80 }]), critiques, s)).toEqual({ kind: 'ok' });
  });

  it('decide-all: refused, naming the undecided critiques and the first one shown; without it: asked once', () => {
    const state = replayReview([rated, decide('k1'), decide('k3')]);
    expect(undecidedNumbers(state, critiques)).toEqual([2, 4, 5]);
    expect(checkSubmit(state, critiques, settings({ decideAll: true }))).toEqual({
      kind: 'refuse',
      missing: 'decisions',
      undecided: 3,
      message: 'This study asks you to accept or reject every critique before you submit: critiques 2, 4 and 5 are not decided yet. Showing critique 2.',
    });
    expect(checkSubmit(replayReview([rated, ...['k1', 'k2', 'k3', 'k4'].map(decide)]), critiques, settings({ decideAll: true }))).toMatchObject({
      message: 'This study asks you to accept or reject every critique before you submit: critique 5 is not decided yet. Showing critique 5.',
    });
    expect(checkSubmit(replayReview([rated]), critiques, settings({ decideAll: true }))).toMatchObject({
      message: expect.stringContaining('critiques 1, 2, 3 and 2 more are not decided yet. Showing critique 1.'),
    });
    expect(checkSubmit(state, critiques, settings({}))).toEqual({ kind: 'confirm', undecided: 3, message: '3 of 5 critiques are not decided yet. Submit anyway?' });
  });

  it('property: whatever it lets through (ok, or confirmed), the back end’s rules accept as a submit', () => {
    const settingsArb = fc.record({
      rating: fc.constantFrom('required', 'optional', 'off') as fc.Arbitrary<'required' | 'optional' | 'off'>,
      decideAll: fc.boolean(),
      question: fc.option(fc.constant('Flawed?'), { nil: null }),
    });
    const eventArb = fc.oneof(
      fc.constantFrom(...critiques.map((c) => decide(c.id))),
      fc.integer({ min: 1, max: 7 }).map((rating): ReviewEvent => ({ type: 'rating-set', rating })),
      fc.boolean().map((answer): ReviewEvent => ({ type: 'answer-set', answer })),
      fc.constantFrom(...confidenceSteps).map((confidence): ReviewEvent => ({ type: 'confidence-set', confidence })),
    );
    fc.assert(
      fc.property(settingsArb, fc.array(eventArb, { maxLength: 12 }), (input, events) => {
        const s = settings(input);
        const rules = { shownCritiques: new Set(critiques.map((c) => c.id)), settings: s };
        let state = replayReview([]);
        for (const e of events) if (checkReviewEvent(state, e, rules) === null) state = replayReview([e], state);
        const check = checkSubmit(state, critiques, s);
        const backEnd = checkReviewEvent(state, { type: 'submitted' }, rules);
        if (check.kind !== 'refuse') expect(backEnd).toBeNull();
        else expect(check.message).not.toBe('');
      }),
    );
  });
});

describe('confidence keys', () => {
  it('from none either key starts at 50 %; then steps of 10 within 50–100; a value between steps goes to the next one', () => {
    expect(stepConfidence(null, 1)).toBe(50);
    expect(stepConfidence(null, -1)).toBe(50);
    expect(stepConfidence(50, 1)).toBe(60);
    expect(stepConfidence(100, 1)).toBe(100);
    expect(stepConfidence(50, -1)).toBe(50);
    expect(stepConfidence(73, 1)).toBe(80);
    expect(stepConfidence(73, -1)).toBe(70);
  });
});
