import { assertNever } from '../result.js';
import type { OwnFlaw, RejectReason, ReviewEvent } from './events.js';

/** The evaluator's verdict on one critique. An accept with `editedText` is an accept-with-edit. */
export interface Decision {
  readonly verdict: 'accept' | 'reject';
  readonly reason?: RejectReason;
  readonly editedText?: string;
}

/** What undo and redo move between: the editable part of a review. */
export interface ReviewContent {
  readonly decisions: Readonly<Record<string, Decision>>;
  readonly flaws: readonly OwnFlaw[];
  readonly rating: number | null;
}

/** A review's whole state, a pure function of its events (see {@link replayReview}). */
export interface ReviewState {
  readonly content: ReviewContent;
  /** Earlier contents, most recent last. */
  readonly undo: readonly ReviewContent[];
  /** Undone contents, most recently undone last. */
  readonly redo: readonly ReviewContent[];
  readonly status: 'open' | 'submitted' | 'skipped';
  readonly skipReason: string | null;
  /** How many flaws were ever added: own-flaw ids are `a1`, `a2`, … and never reused. */
  readonly flawsAdded: number;
  /** How many times the review was reopened after being submitted or skipped. */
  readonly reopened: number;
  /** Number of events applied (the log's last seq). */
  readonly seq: number;
}

/** How many undo levels a review keeps. */
export const undoLimit = 200;

/** The state of a review without events. */
export const initialReviewState: ReviewState = {
  content: { decisions: {}, flaws: [], rating: null },
  undo: [],
  redo: [],
  status: 'open',
  skipReason: null,
  flawsAdded: 0,
  reopened: 0,
  seq: 0,
};

/** What the checks need to know about the review: the critiques the evaluator was shown. */
export interface ReviewRules {
  readonly shownCritiques: ReadonlySet<string>;
}

/**
 * Why `event` may not follow `state`, or null when it may. The back end refuses such an event
 * before it reaches the log, so a replayed log only holds events that passed this check.
 */
export function checkReviewEvent(state: ReviewState, event: ReviewEvent, rules: ReviewRules): string | null {
  if (event.type === 'reopened') return state.status === 'open' ? 'This review is open already; there is nothing to reopen.' : null;
  if (state.status !== 'open') return `This review was already ${state.status}; reopen it to change it.`;
  const { content } = state;
  switch (event.type) {
    case 'decision-recorded':
      if (!rules.shownCritiques.has(event.critique)) return `No critique "${event.critique}" is shown in this review.`;
      if (event.verdict === 'reject' && !event.reason) return 'A rejection needs a reason.';
      if (event.verdict === 'reject' && event.editedText !== undefined) return 'Only an accepted critique can carry edited text.';
      if (event.verdict === 'accept' && event.reason !== undefined) return 'An acceptance has no reject reason.';
      return null;
    case 'decision-cleared':
      return content.decisions[event.critique] ? null : `Critique "${event.critique}" has no decision to clear.`;
    case 'flaw-added':
      return content.flaws.some((f) => f.id === event.flaw.id) ? `A flaw with id "${event.flaw.id}" already exists.` : null;
    case 'flaw-edited':
      return content.flaws.some((f) => f.id === event.flaw.id) ? null : `No flaw "${event.flaw.id}" to edit.`;
    case 'flaw-deleted':
      return content.flaws.some((f) => f.id === event.id) ? null : `No flaw "${event.id}" to delete.`;
    case 'rating-set':
      return null;
    case 'undone':
      return state.undo.length > 0 ? null : 'Nothing to undo.';
    case 'redone':
      return state.redo.length > 0 ? null : 'Nothing to redo.';
    case 'submitted':
      return content.rating === null ? 'Rate the output (1–7) before submitting.' : null;
    case 'skipped':
      return null;
    default:
      return assertNever(event, 'review event');
  }
}

function edit(state: ReviewState, content: ReviewContent, extra: Partial<ReviewState> = {}): ReviewState {
  const undo = [...state.undo, state.content];
  return {
    ...state,
    ...extra,
    content,
    undo: undo.length > undoLimit ? undo.slice(undo.length - undoLimit) : undo,
    redo: [],
    seq: state.seq + 1,
  };
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** Applies one event. Pure: `state` is never modified. Assumes {@link checkReviewEvent} passed. */
export function reduceReview(state: ReviewState, event: ReviewEvent): ReviewState {
  const { content } = state;
  switch (event.type) {
    case 'decision-recorded': {
      const decision: Decision =
        event.verdict === 'reject'
          ? { verdict: 'reject', ...(event.reason ? { reason: event.reason } : {}) }
          : { verdict: 'accept', ...(event.editedText !== undefined ? { editedText: event.editedText } : {}) };
      return edit(state, { ...content, decisions: { ...content.decisions, [event.critique]: decision } });
    }
    case 'decision-cleared':
      return edit(state, { ...content, decisions: withoutKey(content.decisions, event.critique) });
    case 'flaw-added':
      return edit(state, { ...content, flaws: [...content.flaws, event.flaw] }, { flawsAdded: state.flawsAdded + 1 });
    case 'flaw-edited':
      return edit(state, { ...content, flaws: content.flaws.map((f) => (f.id === event.flaw.id ? event.flaw : f)) });
    case 'flaw-deleted':
      return edit(state, { ...content, flaws: content.flaws.filter((f) => f.id !== event.id) });
    case 'rating-set':
      return edit(state, { ...content, rating: event.rating });
    case 'undone': {
      const previous = state.undo[state.undo.length - 1];
      if (!previous) return { ...state, seq: state.seq + 1 };
      return { ...state, content: previous, undo: state.undo.slice(0, -1), redo: [...state.redo, content], seq: state.seq + 1 };
    }
    case 'redone': {
      const next = state.redo[state.redo.length - 1];
      if (!next) return { ...state, seq: state.seq + 1 };
      return { ...state, content: next, redo: state.redo.slice(0, -1), undo: [...state.undo, content], seq: state.seq + 1 };
    }
    case 'submitted':
      return { ...state, status: 'submitted', seq: state.seq + 1 };
    case 'skipped':
      return { ...state, status: 'skipped', skipReason: event.reason, seq: state.seq + 1 };
    case 'reopened':
      // Undo never crosses a reopen: the history starts again from what was submitted, so an
      // undo cannot bring back an edit the submitted revision had already replaced.
      return { ...state, status: 'open', skipReason: null, undo: [], redo: [], reopened: state.reopened + 1, seq: state.seq + 1 };
    default:
      return assertNever(event, 'review event');
  }
}

/** The state after a whole log: the one definition of what a review contains. */
export function replayReview(events: Iterable<ReviewEvent>, from: ReviewState = initialReviewState): ReviewState {
  let state = from;
  for (const event of events) state = reduceReview(state, event);
  return state;
}

/** The id for the next own flaw of this review. */
export function nextFlawId(state: ReviewState): string {
  let n = state.flawsAdded + 1;
  const taken = new Set([...state.content.flaws, ...state.redo.flatMap((c) => c.flaws)].map((f) => f.id));
  while (taken.has(`a${n}`)) n++;
  return `a${n}`;
}

/** The outcome of {@link replayChecked}. */
export type CheckedReplay =
  | { readonly ok: true; readonly state: ReviewState }
  | { readonly ok: false; readonly index: number; readonly event: ReviewEvent; readonly problem: string; readonly state: ReviewState };

/**
 * Replays a log from outside (a results file, a synthesised log), checking every event with
 * {@link checkReviewEvent} and `extra` before applying it; stops at the first refused one.
 */
export function replayChecked(events: readonly ReviewEvent[], rules: ReviewRules, extra?: (event: ReviewEvent) => string | null): CheckedReplay {
  let state = initialReviewState;
  for (const [index, event] of events.entries()) {
    const problem = checkReviewEvent(state, event, rules) ?? extra?.(event) ?? null;
    if (problem) return { ok: false, index, event, problem, state };
    state = reduceReview(state, event);
  }
  return { ok: true, state };
}
