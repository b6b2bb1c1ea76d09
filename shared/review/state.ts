import { assertNever } from '../result.js';
import { defaultStudySettings, enforcesTimeLimit, TIME_LIMIT_SKIP_REASON, timeLimitEarlyMs, timeLimitSlackMs, type StudySettings } from '../study/settings.js';
import type { OwnFlaw, RejectReason, ReviewEvent } from './events.js';
import { SortedMap } from './sorted-map.js';

/** The evaluator's verdict on one critique. An accept with `editedText` is an accept-with-edit. */
export interface Decision {
  readonly verdict: 'accept' | 'reject';
  readonly reason?: RejectReason;
  readonly editedText?: string;
}

/**
 * What undo and redo move between: the editable part of a review. `decisions` and `flaws` are
 * built from persistent maps the first time they are read (see {@link makeContent}), so that
 * applying an event never copies the whole review.
 */
export interface ReviewContent {
  readonly decisions: Readonly<Record<string, Decision>>;
  readonly flaws: readonly OwnFlaw[];
  readonly rating: number | null;
  /** The answer to the study's yes/no question (true = the output is flawed); null: not answered. */
  readonly answer: boolean | null;
  /** The confidence in that answer, 50–100; null: not given. */
  readonly confidence: number | null;
}

/**
 * A stack of earlier (undo) or undone (redo) contents: an immutable linked list, so pushing and
 * popping are O(1) and share the rest. `length` is how many entries can be popped.
 */
export interface ContentStack {
  readonly length: number;
  readonly node: StackNode | null;
}

/** One entry of a {@link ContentStack}. `depth` counts the nodes below it, itself included. */
export interface StackNode {
  readonly content: ReviewContent;
  readonly next: StackNode | null;
  readonly depth: number;
}

/** A review's whole state, a pure function of its events (see {@link replayReview}). */
export interface ReviewState {
  readonly content: ReviewContent;
  /** Earlier contents, the most recent on top. */
  readonly undo: ContentStack;
  /** Undone contents, the most recently undone on top. */
  readonly redo: ContentStack;
  readonly status: 'open' | 'submitted' | 'skipped';
  readonly skipReason: string | null;
  /** Who ended the review: the evaluator (submit or skip) or the study's time limit; null while open. */
  readonly endedBy: 'evaluator' | 'time-limit' | null;
  /** How many flaws were ever added: own-flaw ids are `a1`, `a2`, … and never reused. */
  readonly flawsAdded: number;
  /** How many times the review was reopened after being submitted or skipped. */
  readonly reopened: number;
  /** Number of events applied (the log's last seq). */
  readonly seq: number;
}

/** How many undo levels a review keeps. */
export const undoLimit = 200;

/**
 * The most own flaws one review may hold. Evaluators report a handful; the cap keeps a hostile or
 * broken client (or results file) from making every later read of the review slow.
 */
export const maxFlawsPerReview = 1_000;

/**
 * The most events one review's log may hold before it must be submitted or skipped (those two
 * stay possible, so a review can always be finished). Long sessions log a few hundred.
 */
export const maxEventsPerReview = 20_000;

/** A flaw with its place in the list: flaws keep the order in which they were first added. */
interface PlacedFlaw {
  readonly order: number;
  readonly flaw: OwnFlaw;
}

/** The persistent maps behind a {@link ReviewContent}. */
interface ContentParts {
  readonly decisions: SortedMap<Decision>;
  readonly flaws: SortedMap<PlacedFlaw>;
  readonly rating: number | null;
  readonly answer: boolean | null;
  readonly confidence: number | null;
}

const contentParts = new WeakMap<ReviewContent, ContentParts>();

/**
 * A content over persistent maps. Its `decisions` and `flaws` are own, enumerable getters that
 * build the plain record and array once, on first read, so that equality checks, JSON and the UI
 * see ordinary data while a replay that never reads them pays nothing for them.
 */
function makeContent(parts: ContentParts): ReviewContent {
  let decisions: Record<string, Decision> | undefined;
  let flaws: OwnFlaw[] | undefined;
  const content: ReviewContent = {
    get decisions() {
      return (decisions ??= Object.fromEntries(parts.decisions.entries()));
    },
    get flaws() {
      return (flaws ??= parts.flaws
        .entries()
        .map(([, placed]) => placed)
        .sort((a, b) => a.order - b.order)
        .map((p) => p.flaw));
    },
    rating: parts.rating,
    answer: parts.answer,
    confidence: parts.confidence,
  };
  contentParts.set(content, parts);
  return content;
}

/** The maps behind a content; a content built elsewhere (a plain object) is converted once. */
function partsOf(content: ReviewContent): ContentParts {
  let parts = contentParts.get(content);
  if (!parts) {
    parts = {
      decisions: SortedMap.of(Object.entries(content.decisions)),
      flaws: SortedMap.of(content.flaws.map((flaw, order) => [flaw.id, { order, flaw }] as const)),
      rating: content.rating,
      // contents built before the question existed have neither
      answer: content.answer ?? null,
      confidence: content.confidence ?? null,
    };
    contentParts.set(content, parts);
  }
  return parts;
}

/** The empty stack. */
export const emptyStack: ContentStack = { length: 0, node: null };

/**
 * Pushes `content`, keeping at most `limit` entries poppable. The list is rebuilt from its top
 * `limit` entries when it grows past twice the limit, so memory stays bounded and each push is
 * O(1) amortised.
 */
function push(stack: ContentStack, content: ReviewContent, limit = Number.POSITIVE_INFINITY): ContentStack {
  const length = Math.min(stack.length + 1, limit);
  let top: StackNode = { content, next: stack.node, depth: (stack.node?.depth ?? 0) + 1 };
  if (top.depth > 2 * limit) {
    const kept: ReviewContent[] = [];
    for (let n: StackNode | null = top; n && kept.length < length; n = n.next) kept.push(n.content);
    let rebuilt = null as StackNode | null;
    for (let i = kept.length - 1; i >= 0; i--) {
      const below: StackNode | null = rebuilt;
      rebuilt = { content: kept[i]!, next: below, depth: (below?.depth ?? 0) + 1 };
    }
    top = rebuilt!;
  }
  return { length, node: top };
}

function pop(stack: ContentStack): ContentStack {
  return stack.length <= 1 ? emptyStack : { length: stack.length - 1, node: stack.node!.next };
}

/** The contents of a stack from the top down (at most `length` of them). */
export function stackContents(stack: ContentStack): ReviewContent[] {
  const out: ReviewContent[] = [];
  for (let n = stack.node; n && out.length < stack.length; n = n.next) out.push(n.content);
  return out;
}

const emptyContent = makeContent({ decisions: SortedMap.empty(), flaws: SortedMap.empty(), rating: null, answer: null, confidence: null });

/** The state of a review without events. */
export const initialReviewState: ReviewState = {
  content: emptyContent,
  undo: emptyStack,
  redo: emptyStack,
  status: 'open',
  skipReason: null,
  endedBy: null,
  flawsAdded: 0,
  reopened: 0,
  seq: 0,
};

/**
 * What the checks need to know about the review: the critiques the evaluator was shown, the study's
 * settings and, where the clock is checked (the back end, the results import), the item's deadline
 * and the time the event is recorded at.
 */
export interface ReviewRules {
  readonly shownCritiques: ReadonlySet<string>;
  /**
   * True only where the back end itself records critiques that joined a practice review ("Ask the
   * critic"). Everywhere else — a client's call, a results file — `critiques-added` is refused: a
   * study review's shown list never changes.
   */
  readonly backendAddsCritiques?: boolean;
  /** The study's settings; absent: the defaults (practice items, and Assay before settings). */
  readonly settings?: StudySettings;
  /** When the item's time runs out (server ms, see `itemDeadline`); absent or null: no clock. */
  readonly deadline?: number | null;
  /** The server time of the event; absent: the clock is not checked (the client's own pre-check). */
  readonly now?: number;
}

/** How many shown critiques have no decision. O(shown · log n). */
export function undecidedCount(state: ReviewState, shown: ReadonlySet<string>): number {
  const decisions = partsOf(state.content).decisions;
  let n = 0;
  for (const id of shown) if (!decisions.has(id)) n++;
  return n;
}

const ended = (state: ReviewState): string =>
  state.endedBy === 'time-limit'
    ? `This review was ${state.status} by the time limit; it can no longer change.`
    : `This review was already ${state.status}; reopen it to change it.`;

function showSeconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * Why `event` may not follow `state`, or null when it may. The back end refuses such an event
 * before it reaches the log, so a replayed log only holds events that passed this check. O(log n),
 * but O(shown) for a submit under decide-all.
 */
export function checkReviewEvent(state: ReviewState, event: ReviewEvent, rules: ReviewRules): string | null {
  const settings = rules.settings ?? defaultStudySettings;
  const clock = rules.deadline != null && rules.now !== undefined ? { deadline: rules.deadline, now: rules.now } : null;
  if (event.type === 'reopened') {
    if (state.status === 'open') return 'This review is open already; there is nothing to reopen.';
    // A reopened review at the cap could only be submitted or skipped again: refuse it here, so
    // reopen and submit cannot alternate past the limit.
    if (state.seq >= maxEventsPerReview) {
      return `This review has reached the limit of ${maxEventsPerReview.toLocaleString('en')} actions per review; it cannot be reopened.`;
    }
    // SECURITY: a timed item reopened after its time ran out would get more time than the study
    // allows; within its time it may be reopened like any other.
    if (clock && clock.now > clock.deadline + timeLimitSlackMs) {
      return `Time is up for this item: its limit of ${showSeconds(settings.timeLimitSeconds! * 1000)} ran out ${showSeconds(clock.now - clock.deadline)} ago, so it cannot be reopened.`;
    }
    return null;
  }
  if (state.status !== 'open') return ended(state);
  if (event.type === 'time-expired') {
    if (!enforcesTimeLimit(settings)) return 'This study has no time limit that ends items.';
    const outcome = settings.onTimeLimit === 'skip' ? 'skipped' : 'submitted';
    if (event.outcome !== outcome) return `This study's time limit ends an item as ${outcome}, not ${event.outcome}.`;
    if (clock && clock.now < clock.deadline - timeLimitEarlyMs) return `The time limit has not run out yet (${showSeconds(clock.deadline - clock.now)} left).`;
    return null;
  }
  // SECURITY: after the limit (and its slack for latency) only the clock may end the item.
  if (clock && clock.now > clock.deadline + timeLimitSlackMs) {
    return `Time is up for this item: its limit of ${showSeconds(settings.timeLimitSeconds! * 1000)} ran out ${showSeconds(clock.now - clock.deadline)} ago.`;
  }
  if (state.seq >= maxEventsPerReview && event.type !== 'submitted' && event.type !== 'skipped') {
    return `This review has reached the limit of ${maxEventsPerReview.toLocaleString('en')} actions per review; submit or skip it.`;
  }
  const parts = partsOf(state.content);
  switch (event.type) {
    case 'decision-recorded':
      if (!rules.shownCritiques.has(event.critique)) return `No critique "${event.critique}" is shown in this review.`;
      if (event.verdict === 'reject' && !event.reason && settings.rejectReason === 'required') return 'A rejection needs a reason.';
      if (event.verdict === 'reject' && event.editedText !== undefined) return 'Only an accepted critique can carry edited text.';
      if (event.verdict === 'accept' && event.reason !== undefined) return 'An acceptance has no reject reason.';
      return null;
    case 'decision-cleared':
      return parts.decisions.has(event.critique) ? null : `Critique "${event.critique}" has no decision to clear.`;
    case 'flaw-added':
      if (parts.flaws.has(event.flaw.id)) return `A flaw with id "${event.flaw.id}" already exists.`;
      if (parts.flaws.size >= maxFlawsPerReview) {
        return `A review can hold at most ${maxFlawsPerReview.toLocaleString('en')} flaws of your own; delete one before adding another.`;
      }
      return categoryProblem(event.flaw.category, settings);
    case 'flaw-edited':
      return parts.flaws.has(event.flaw.id) ? categoryProblem(event.flaw.category, settings) : `No flaw "${event.flaw.id}" to edit.`;
    case 'flaw-deleted':
      return parts.flaws.has(event.id) ? null : `No flaw "${event.id}" to delete.`;
    case 'rating-set':
      return settings.rating === 'off' ? 'This study does not ask for a rating.' : null;
    case 'answer-set':
      return settings.question === null ? 'This study asks no yes/no question.' : null;
    case 'confidence-set':
      return settings.question === null ? 'This study asks no yes/no question, so there is no confidence to give.' : null;
    case 'undone':
      return state.undo.length > 0 ? null : 'Nothing to undo.';
    case 'redone':
      return state.redo.length > 0 ? null : 'Nothing to redo.';
    case 'submitted':
      return submitProblem(state, parts, rules, settings);
    case 'skipped':
      return null;
    case 'critiques-added':
      if (!rules.backendAddsCritiques) return 'Critiques join a review only when the critic is asked in the practice queue.';
      return event.critiques.every((c) => rules.shownCritiques.has(c)) ? null : 'An added critique must be shown in this review.';
    default:
      return assertNever(event, 'review event');
  }
}

/** Why an added or changed flaw's category is not allowed here, or null. */
function categoryProblem(category: string | undefined, settings: StudySettings): string | null {
  if (category === undefined || settings.categories === null || settings.categories.includes(category)) return null;
  return `Category "${category}" is not one of this study's categories: ${settings.categories.join(', ')}.`;
}

/** Why the evaluator may not submit yet (the clock's ending is exempt), or null. */
function submitProblem(state: ReviewState, parts: ContentParts, rules: ReviewRules, settings: StudySettings): string | null {
  if (settings.rating === 'required' && parts.rating === null) return 'Rate the output (1–7) before submitting.';
  if (settings.question !== null) {
    if (parts.answer === null) return `Answer the question before submitting: "${settings.question}"`;
    if (parts.confidence === null) return 'Give your confidence in your answer (50–100%) before submitting.';
  }
  if (settings.decideAll) {
    const undecided = undecidedCount(state, rules.shownCritiques);
    if (undecided > 0) {
      const total = rules.shownCritiques.size;
      return `Decide every critique before submitting: ${undecided} of ${total} ${undecided === 1 ? 'is' : 'are'} undecided.`;
    }
  }
  return null;
}

function edit(state: ReviewState, parts: ContentParts, extra: Partial<ReviewState> = {}): ReviewState {
  return {
    ...state,
    ...extra,
    content: makeContent(parts),
    undo: push(state.undo, state.content, undoLimit),
    redo: emptyStack,
    seq: state.seq + 1,
  };
}

/**
 * Applies one event in O(log n) (n: decisions and flaws in the review). Pure: `state` is never
 * modified. Assumes {@link checkReviewEvent} passed.
 */
export function reduceReview(state: ReviewState, event: ReviewEvent): ReviewState {
  const parts = partsOf(state.content);
  switch (event.type) {
    case 'decision-recorded': {
      const decision: Decision =
        event.verdict === 'reject'
          ? { verdict: 'reject', ...(event.reason ? { reason: event.reason } : {}) }
          : { verdict: 'accept', ...(event.editedText !== undefined ? { editedText: event.editedText } : {}) };
      return edit(state, { ...parts, decisions: parts.decisions.set(event.critique, decision) });
    }
    case 'decision-cleared':
      return edit(state, { ...parts, decisions: parts.decisions.delete(event.critique) });
    case 'flaw-added':
      return edit(state, { ...parts, flaws: parts.flaws.set(event.flaw.id, { order: state.flawsAdded, flaw: event.flaw }) }, { flawsAdded: state.flawsAdded + 1 });
    case 'flaw-edited': {
      const placed = parts.flaws.get(event.flaw.id);
      if (!placed) return edit(state, parts); // checkReviewEvent refuses this; keep replay total anyway
      return edit(state, { ...parts, flaws: parts.flaws.set(event.flaw.id, { order: placed.order, flaw: event.flaw }) });
    }
    case 'flaw-deleted':
      return edit(state, { ...parts, flaws: parts.flaws.delete(event.id) });
    case 'rating-set':
      return edit(state, { ...parts, rating: event.rating });
    case 'answer-set':
      return edit(state, { ...parts, answer: event.answer });
    case 'confidence-set':
      return edit(state, { ...parts, confidence: event.confidence });
    case 'undone': {
      const previous = state.undo.node?.content;
      if (state.undo.length === 0 || !previous) return { ...state, seq: state.seq + 1 };
      return { ...state, content: previous, undo: pop(state.undo), redo: push(state.redo, state.content), seq: state.seq + 1 };
    }
    case 'redone': {
      const next = state.redo.node?.content;
      if (state.redo.length === 0 || !next) return { ...state, seq: state.seq + 1 };
      return { ...state, content: next, redo: pop(state.redo), undo: push(state.undo, state.content, undoLimit), seq: state.seq + 1 };
    }
    case 'submitted':
      return { ...state, status: 'submitted', endedBy: 'evaluator', seq: state.seq + 1 };
    case 'skipped':
      return { ...state, status: 'skipped', skipReason: event.reason, endedBy: 'evaluator', seq: state.seq + 1 };
    case 'time-expired':
      return event.outcome === 'skipped'
        ? { ...state, status: 'skipped', skipReason: TIME_LIMIT_SKIP_REASON, endedBy: 'time-limit', seq: state.seq + 1 }
        : { ...state, status: 'submitted', endedBy: 'time-limit', seq: state.seq + 1 };
    case 'critiques-added':
      return { ...state, seq: state.seq + 1 }; // the shown list lives in the pin; nothing to undo
    case 'reopened':
      // Undo never crosses a reopen: the history starts again from what was submitted, so an
      // undo cannot bring back an edit the submitted revision had already replaced.
      return { ...state, status: 'open', skipReason: null, endedBy: null, undo: emptyStack, redo: emptyStack, reopened: state.reopened + 1, seq: state.seq + 1 };
    default:
      return assertNever(event, 'review event');
  }
}

/**
 * The state after a whole log: the one definition of what a review contains. O(n log n) in the
 * number of events: no event copies the review's decisions, flaws or undo history.
 */
export function replayReview(events: Iterable<ReviewEvent>, from: ReviewState = initialReviewState): ReviewState {
  let state = from;
  for (const event of events) state = reduceReview(state, event);
  return state;
}

/** The id for the next own flaw of this review. */
export function nextFlawId(state: ReviewState): string {
  const taken = [partsOf(state.content), ...stackContents(state.redo).map(partsOf)];
  let n = state.flawsAdded + 1;
  while (taken.some((p) => p.flaws.has(`a${n}`))) n++;
  return `a${n}`;
}

/** The outcome of {@link replayChecked}. */
export type CheckedReplay =
  | { readonly ok: true; readonly state: ReviewState }
  | { readonly ok: false; readonly index: number; readonly event: ReviewEvent; readonly problem: string; readonly state: ReviewState };

/**
 * Replays a log from outside (a results file, a synthesised log), checking every event with
 * {@link checkReviewEvent} and `extra` before applying it; stops at the first refused one.
 * `serverTimes[i]`, when given, is the time event i was recorded at (for the clock's rules).
 */
export function replayChecked(
  events: readonly ReviewEvent[],
  rules: ReviewRules,
  extra?: (event: ReviewEvent) => string | null,
  serverTimes?: readonly number[],
): CheckedReplay {
  let state = initialReviewState;
  for (const [index, event] of events.entries()) {
    const at = serverTimes?.[index];
    const problem = checkReviewEvent(state, event, at === undefined ? rules : { ...rules, now: at }) ?? extra?.(event) ?? null;
    if (problem) return { ok: false, index, event, problem, state };
    state = reduceReview(state, event);
  }
  return { ok: true, state };
}
