import { describe, expect, it } from 'vitest';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { buildReviewRecord, recordSettingsProblem, type ReviewRecord } from '../../../shared/review/record.js';
import { checkReviewEvent, initialReviewState, reduceReview, replayChecked, type ReviewRules, type ReviewState } from '../../../shared/review/state.js';
import { StudySettingsSchema, timeLimitEarlyMs, timeLimitSlackMs, type StudySettingsInput } from '../../../shared/study/settings.js';

const shown = new Set(['k1', 'k2', 'k3']);
const rulesOf = (s: StudySettingsInput, extra: Partial<ReviewRules> = {}): ReviewRules => ({ shownCritiques: shown, settings: StudySettingsSchema.parse(s), ...extra });

/** Applies events that must all pass `rules`; returns the state. */
function play(events: readonly ReviewEvent[], rules: ReviewRules, from: ReviewState = initialReviewState): ReviewState {
  let s = from;
  for (const e of events) {
    expect(checkReviewEvent(s, e, rules), JSON.stringify(e)).toBeNull();
    s = reduceReview(s, e);
  }
  return s;
}

const accept = (critique: string): ReviewEvent => ({ type: 'decision-recorded', critique, verdict: 'accept' });
const reject = (critique: string): ReviewEvent => ({ type: 'decision-recorded', critique, verdict: 'reject' });

describe('review rules under study settings', () => {
  it('defaults are the rules before settings: rating and reasons required, no question, free categories', () => {
    const rules = { shownCritiques: shown };
    expect(checkReviewEvent(initialReviewState, { type: 'submitted' }, rules)).toBe('Rate the output (1–7) before submitting.');
    expect(checkReviewEvent(initialReviewState, reject('k1'), rules)).toBe('A rejection needs a reason.');
    expect(checkReviewEvent(initialReviewState, { type: 'answer-set', answer: true }, rules)).toBe('This study asks no yes/no question.');
    expect(checkReviewEvent(initialReviewState, { type: 'flaw-added', flaw: { id: 'a1', description: 'x', category: 'anything at all' } }, rules)).toBeNull();
    expect(checkReviewEvent(initialReviewState, { type: 'time-expired', outcome: 'submitted' }, rules)).toBe('This study has no time limit that ends items.');
  });

  it('rating: optional submits without one; off refuses every rating event and submits without one', () => {
    expect(checkReviewEvent(initialReviewState, { type: 'submitted' }, rulesOf({ rating: 'optional' }))).toBeNull();
    expect(checkReviewEvent(initialReviewState, { type: 'rating-set', rating: 4 }, rulesOf({ rating: 'optional' }))).toBeNull();
    const off = rulesOf({ rating: 'off' });
    expect(checkReviewEvent(initialReviewState, { type: 'rating-set', rating: 4 }, off)).toBe('This study does not ask for a rating.');
    expect(checkReviewEvent(initialReviewState, { type: 'rating-set', rating: null }, off)).toBe('This study does not ask for a rating.');
    const done = play([accept('k1'), { type: 'submitted' }], off);
    expect(done.status).toBe('submitted');
  });

  it('reject reason optional: a rejection without a reason is accepted (with one too)', () => {
    const rules = rulesOf({ rejectReason: 'optional' });
    const s = play([reject('k1'), { type: 'decision-recorded', critique: 'k2', verdict: 'reject', reason: 'nitpick' }], rules);
    expect(s.content.decisions).toEqual({ k1: { verdict: 'reject' }, k2: { verdict: 'reject', reason: 'nitpick' } });
  });

  it('decide-all: submit is refused while a shown critique is undecided, naming how many; skip is not', () => {
    const rules = rulesOf({ decideAll: true, rating: 'optional' });
    const one = play([accept('k1')], rules);
    expect(checkReviewEvent(one, { type: 'submitted' }, rules)).toBe('Decide every critique before submitting: 2 of 3 are undecided.');
    const two = play([{ type: 'decision-recorded', critique: 'k2', verdict: 'reject', reason: 'other' }], rules, one);
    expect(checkReviewEvent(two, { type: 'submitted' }, rules)).toBe('Decide every critique before submitting: 1 of 3 is undecided.');
    expect(checkReviewEvent(two, { type: 'skipped', reason: 'Not my field' }, rules)).toBeNull();
    // clearing a decision makes it undecided again
    const cleared = play([accept('k3'), { type: 'decision-cleared', critique: 'k1' }], rules, two);
    expect(checkReviewEvent(cleared, { type: 'submitted' }, rules)).toMatch(/1 of 3 is undecided/);
    expect(checkReviewEvent(play([accept('k1')], rules, cleared), { type: 'submitted' }, rules)).toBeNull();
    // nothing shown (unassisted): nothing to decide
    expect(checkReviewEvent(initialReviewState, { type: 'submitted' }, { ...rules, shownCritiques: new Set() })).toBeNull();
  });

  it("categories: an added or edited flaw's category must be one of the study's; none is fine", () => {
    const rules = rulesOf({ categories: ['accuracy', 'tone'] });
    const flaw = (category?: string): ReviewEvent => ({ type: 'flaw-added', flaw: { id: 'a1', description: 'x', ...(category ? { category } : {}) } });
    expect(checkReviewEvent(initialReviewState, flaw('style'), rules)).toBe('Category "style" is not one of this study\'s categories: accuracy, tone.');
    expect(checkReviewEvent(initialReviewState, flaw(), rules)).toBeNull();
    const s = play([flaw('tone')], rules);
    expect(checkReviewEvent(s, { type: 'flaw-edited', flaw: { id: 'a1', description: 'x', category: 'Tone' } }, rules)).toMatch(/Category "Tone" is not one/);
  });

  it('the question: answer and confidence required before an evaluator submits, undoable, refused when not asked', () => {
    const rules = rulesOf({ question: 'Does the output contain a serious flaw?' });
    let s = play([{ type: 'rating-set', rating: 5 }], rules);
    expect(checkReviewEvent(s, { type: 'submitted' }, rules)).toBe('Answer the question before submitting: "Does the output contain a serious flaw?"');
    s = play([{ type: 'answer-set', answer: true }], rules, s);
    expect(checkReviewEvent(s, { type: 'submitted' }, rules)).toBe('Give your confidence in your answer (50–100%) before submitting.');
    s = play([{ type: 'confidence-set', confidence: 80 }, { type: 'undone' }], rules, s);
    expect(s.content.confidence).toBeNull();
    s = play([{ type: 'redone' }, { type: 'submitted' }], rules, s);
    expect(s.content).toMatchObject({ answer: true, confidence: 80 });
    expect(checkReviewEvent(initialReviewState, { type: 'confidence-set', confidence: 70 }, rulesOf({}))).toMatch(/asks no yes\/no question/);
  });

  describe('the time limit', () => {
    const started = Date.UTC(2026, 5, 1, 9);
    const deadline = started + 60_000;
    const submit = rulesOf({ timeLimitSeconds: 60, onTimeLimit: 'submit', decideAll: true, question: 'Flawed?' }, { deadline });
    const at = (now: number): ReviewRules => ({ ...submit, now });

    it('accepts ordinary actions until the deadline plus the slack for latency, then only the clock', () => {
      expect(checkReviewEvent(initialReviewState, accept('k1'), at(deadline + timeLimitSlackMs))).toBeNull();
      expect(checkReviewEvent(initialReviewState, accept('k1'), at(deadline + timeLimitSlackMs + 1))).toBe('Time is up for this item: its limit of 60 s ran out 6 s ago.');
      expect(checkReviewEvent(initialReviewState, { type: 'skipped', reason: 'late' }, at(deadline + 60_000))).toMatch(/^Time is up/);
      expect(checkReviewEvent(initialReviewState, { type: 'time-expired', outcome: 'submitted' }, at(deadline + 60_000))).toBeNull();
    });

    it("the clock's ending: not early (beyond timer jitter), only the study's outcome, exempt from the submit rules", () => {
      expect(checkReviewEvent(initialReviewState, { type: 'time-expired', outcome: 'submitted' }, at(deadline - timeLimitEarlyMs - 1))).toBe('The time limit has not run out yet (2 s left).');
      expect(checkReviewEvent(initialReviewState, { type: 'time-expired', outcome: 'submitted' }, at(deadline - timeLimitEarlyMs))).toBeNull();
      expect(checkReviewEvent(initialReviewState, { type: 'time-expired', outcome: 'skipped' }, at(deadline))).toBe("This study's time limit ends an item as submitted, not skipped.");
      // undecided critiques, no answer, no rating: the clock submits as it stands
      const s = play([accept('k1'), { type: 'time-expired', outcome: 'submitted' }], at(deadline));
      expect(s).toMatchObject({ status: 'submitted', endedBy: 'time-limit' });
      expect(checkReviewEvent(s, accept('k2'), at(deadline))).toBe('This review was submitted by the time limit; it can no longer change.');
    });

    it('skip: the clock skips with reason "time limit"; the record says how it ended', () => {
      const rules: ReviewRules = { ...rulesOf({ timeLimitSeconds: 60, onTimeLimit: 'skip', question: 'Flawed?' }), deadline, now: deadline };
      const events: ReviewEvent[] = [accept('k1'), { type: 'answer-set', answer: false }, { type: 'time-expired', outcome: 'skipped' }];
      const s = play(events, rules);
      expect(s).toMatchObject({ status: 'skipped', skipReason: 'time limit', endedBy: 'time-limit' });
      const record = buildReviewRecord({ task: 't', evaluator: 'e', study: 's', condition: 'c', startedAt: started, submittedAt: deadline, activeMs: 1000, shown: ['k1', 'k2', 'k3'] }, events);
      expect(record).toMatchObject({ skipped: { reason: 'time limit' }, rating: null, answer: null, confidence: null, ended_by: 'time-limit' });
    });

    it('replayChecked checks each event at its own server time', () => {
      const events: ReviewEvent[] = [accept('k1'), accept('k2')];
      const ok = replayChecked(events, submit, undefined, [started + 1000, deadline + 1000]);
      expect(ok.ok).toBe(true);
      const late = replayChecked(events, submit, undefined, [started + 1000, deadline + timeLimitSlackMs + 1]);
      expect(late).toMatchObject({ ok: false, index: 1, problem: expect.stringMatching(/^Time is up/) });
    });
  });
});

describe('review records: answer, confidence, ended_by', () => {
  const meta = { task: 't', evaluator: 'e', study: 's', condition: 'c', startedAt: Date.UTC(2026, 0, 1), submittedAt: Date.UTC(2026, 0, 1, 0, 5), activeMs: 1000, shown: ['k1'] };

  it('records always carry them: a submitted review its answer, a skipped one null, ended by the evaluator', () => {
    const events: ReviewEvent[] = [{ type: 'answer-set', answer: true }, { type: 'confidence-set', confidence: 65 }, { type: 'rating-set', rating: 2 }];
    expect(buildReviewRecord(meta, [...events, { type: 'submitted' }])).toMatchObject({ rating: 2, answer: true, confidence: 65, ended_by: 'evaluator' });
    expect(buildReviewRecord(meta, [...events, { type: 'skipped', reason: 'x' }])).toMatchObject({ rating: null, answer: null, confidence: null, ended_by: 'evaluator' });
    expect(buildReviewRecord(meta, [{ type: 'submitted' }])).toMatchObject({ rating: null, answer: null, confidence: null, ended_by: 'evaluator' });
  });

  const base: ReviewRecord = {
    task: 't',
    evaluator: 'e',
    study: 's',
    condition: 'c',
    started_at: '2026-01-01T00:00:00.000Z',
    submitted_at: '2026-01-01T00:05:00.000Z',
    active_seconds: 1,
    rating: 4,
    skipped: null,
    decisions: [
      { critique: 'c1', verdict: 'accept' },
      { critique: 'c2', verdict: 'reject', reason: 'nitpick' },
    ],
    added: [],
  };
  const times = { startedAt: Date.UTC(2026, 0, 1), submittedAt: Date.UTC(2026, 0, 1, 0, 5) };
  const problem = (r: Partial<ReviewRecord>, s: StudySettingsInput, shownIds = ['c1', 'c2'], t = times) =>
    recordSettingsProblem({ ...base, ...r }, StudySettingsSchema.parse(s), shownIds, t);

  it('a record that breaks its settings is named by field', () => {
    expect(problem({}, {})).toBeNull();
    expect(problem({ rating: null }, {})).toEqual({ field: 'rating', message: 'this study requires a rating (1–7) on every review an evaluator submits' });
    expect(problem({}, { rating: 'off' })).toEqual({ field: 'rating', message: 'this study asks for no rating (rating off), but the record has 4; use null' });
    expect(problem({ rating: null }, { rating: 'off' })).toBeNull();
    expect(problem({ decisions: [{ critique: 'c1', verdict: 'reject' }] }, {})).toEqual({ field: 'decisions.0.reason', message: 'this study requires a reason for every rejection' });
    expect(problem({ decisions: [{ critique: 'c1', verdict: 'reject' }] }, { rejectReason: 'optional' })).toBeNull();
    expect(problem({ decisions: [{ critique: 'c1', verdict: 'accept' }] }, { decideAll: true }, ['c1', 'c2', 'c3'])).toMatchObject({
      field: 'decisions',
      message: expect.stringContaining('2 of 3 shown critiques undecided (c2, c3)'),
    });
    expect(problem({ decisions: [], skipped: { reason: 'x' }, rating: null }, { decideAll: true })).toBeNull();
    expect(problem({ added: [{ id: 'a1', description: 'd', category: 'style' }] }, { categories: ['tone'] })).toEqual({
      field: 'added.0.category',
      message: '"style" is not one of this study\'s categories (tone)',
    });
    expect(problem({}, { question: 'Flawed?' })).toEqual({ field: 'answer', message: 'required: this study asks "Flawed?" (true = the output is flawed)' });
    expect(problem({ answer: false }, { question: 'Flawed?' })).toEqual({ field: 'confidence', message: 'required: the confidence in the answer, 50–100' });
    expect(problem({ answer: false, confidence: 50 }, { question: 'Flawed?' })).toBeNull();
    expect(problem({ answer: true }, {})).toEqual({ field: 'answer', message: 'this study asks no yes/no question; use null' });
    expect(problem({ ended_by: 'time-limit' }, {})).toEqual({ field: 'ended_by', message: '"time-limit", but this study has no time limit that ends items' });
    expect(problem({ ended_by: 'time-limit' }, { timeLimitSeconds: 600, onTimeLimit: 'advisory' })).toMatchObject({ field: 'ended_by' });
  });

  it('time limits: the clock ends no earlier than the limit, the evaluator no later than limit + slack', () => {
    const t = (seconds: number) => ({ startedAt: times.startedAt, submittedAt: times.startedAt + seconds * 1000 });
    const limit = { timeLimitSeconds: 60, onTimeLimit: 'submit' as const, question: 'Flawed?' };
    expect(problem({ ended_by: 'time-limit', rating: null }, limit, ['c1', 'c2'], t(60))).toBeNull();
    expect(problem({ ended_by: 'time-limit' }, limit, ['c1', 'c2'], t(30))).toEqual({ field: 'submitted_at', message: "ended by the time limit after 30.0 s, before the study's limit of 60 s ran out" });
    expect(problem({ answer: true, confidence: 90 }, limit, ['c1', 'c2'], t(65))).toBeNull();
    expect(problem({ answer: true, confidence: 90 }, limit, ['c1', 'c2'], t(66))).toMatchObject({ field: 'submitted_at', message: expect.stringContaining("past the study's time limit of 60 s") });
    expect(problem({ ended_by: 'time-limit', skipped: { reason: 'time limit' }, rating: null }, limit, ['c1', 'c2'], t(60))).toMatchObject({
      field: 'ended_by',
      message: "this study's time limit submits an item, but the record was skipped",
    });
    const skip = { ...limit, onTimeLimit: 'skip' as const };
    expect(problem({ ended_by: 'time-limit', skipped: { reason: 'late' }, rating: null }, skip, ['c1', 'c2'], t(60))).toMatchObject({ field: 'skipped.reason' });
    expect(problem({ ended_by: 'time-limit', skipped: { reason: 'time limit' }, rating: null }, skip, ['c1', 'c2'], t(60))).toBeNull();
    // an advisory limit (older studies) ends nothing and bounds nothing
    expect(problem({}, { timeLimitSeconds: 60, onTimeLimit: 'advisory' }, ['c1', 'c2'], t(600))).toBeNull();
  });
});
