import type { Evaluator, QueueEntry, ReviewView, ShownCritique, TextRange } from '../../../shared/contract/review.js';
import { resolveAnchor, resolveTaskAnchor, TaskTextIndexes, TextIndex, type AnchorResolution } from '../../../shared/anchors.js';
import { AppError } from '../../../shared/result.js';
import { eventFromRow, eventPayload, type ReviewEvent } from '../../../shared/review/events.js';
import { checkReviewEvent, reduceReview, replayReview, type ReviewState } from '../../../shared/review/state.js';
import { enforcesTimeLimit, itemDeadline, timeLimitSlackMs, type StudySettings } from '../../../shared/study/settings.js';
import { plausibleClientTime, serverClockProblem, showTime } from '../../../shared/review/times.js';
import { viewTexts } from '../../../shared/review/view-texts.js';
import type { Statement } from 'better-sqlite3';
import type { AnyDb, WritableDb } from '../db/types.js';
import { getTaskView } from '../tasks/repository.js';
import {
  ensurePin,
  eventForEvaluator,
  itemPin,
  itemStudyState,
  originalCritiqueId,
  pinnedRows,
  pinToken,
  queueOrderSql,
  renameEventCritique,
  requireOpenStudyItem,
  requireReviewedHere,
  requireVisibleItem,
  appendToPracticePin,
  reviewedFromPacks,
  shownCritique,
  shownTaskView,
  stateForEvaluator,
  visibleItemSql,
  type Pin,
  type QueueItemRow,
} from './visibility.js';
import { visibleTask } from '../tasks/staging.js';
import { studySettingsOf } from '../studies/settings.js';

interface EvaluatorRow {
  id: string;
  display_name: string;
  created_at: number;
}

/** Every local evaluator profile, oldest first. */
export function listEvaluators(db: AnyDb): Evaluator[] {
  const rows = db.prepare('SELECT id, display_name, created_at FROM evaluators ORDER BY created_at, id').all() as EvaluatorRow[];
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, createdAt: r.created_at }));
}

/** A readable id from a display name: lower-case ASCII words joined by hyphens. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return slug || 'evaluator';
}

/** Creates a profile; the id is the name's slug, with `-2`, `-3`… when taken. */
export function createEvaluator(db: WritableDb, displayName: string, now = Date.now()): Evaluator {
  const name = displayName.trim();
  if (!name) throw new AppError('invalid-input', 'displayName: enter a name');
  return db.transaction(() => {
    const base = slugify(name);
    const taken = db.prepare('SELECT 1 FROM evaluators WHERE id = $id');
    let id = base;
    for (let n = 2; taken.get({ id }); n++) id = `${base}-${n}`;
    db.prepare('INSERT INTO evaluators (id, display_name, created_at) VALUES ($id, $name, $now)').run({ id, name, now });
    return { id, displayName: name, createdAt: now };
  }).immediate();
}

/** Creates an evaluator with a given id if there is none (used by tests and by study imports). */
export function ensureEvaluator(db: WritableDb, id: string, displayName = id, now = Date.now()): void {
  db.prepare('INSERT OR IGNORE INTO evaluators (id, display_name, created_at) VALUES ($id, $name, $now)').run({ id, name: displayName, now });
}

function requireEvaluator(db: AnyDb, evaluator: string): void {
  if (!db.prepare('SELECT 1 FROM evaluators WHERE id = $id').get({ id: evaluator })) {
    throw new AppError('not-found', `No evaluator profile "${evaluator}". Choose or create a profile.`);
  }
}

/**
 * Puts every task not yet in the evaluator's practice queue into it (study '', condition
 * 'practice', label 'Practice', policy 'all'). Tasks imported later join on the next call. Cost:
 * proportional to the new tasks. Two kinds are new: tasks past the highest position, and tasks of
 * imports published since the last call — imports publish in any order (see tasks/staging.ts), so
 * a task can become visible after one with a higher seq.
 */
export function ensurePracticeQueue(db: WritableDb, evaluator: string, now = Date.now()): number {
  requireEvaluator(db, evaluator);
  const stmts = practiceStatements(db);
  return db
    .transaction(() => {
      const synced = (stmts.synced.get({ evaluator }) as { n: number } | undefined)?.n ?? 0;
      const latest = (stmts.latest.get() as { n: number }).n;
      const empty = stmts.any.get({ evaluator }) === undefined;
      let added = stmts.past.run({ evaluator, now }).changes;
      if (latest > synced && !empty) added += stmts.published.run({ evaluator, now, synced }).changes;
      if (latest !== synced) stmts.sync.run({ evaluator, latest });
      return added;
    })
    .immediate();
}

const practiceStatementCache = new WeakMap<AnyDb, Record<'synced' | 'latest' | 'any' | 'past' | 'published' | 'sync', Statement>>();

function practiceStatements(db: WritableDb): Record<'synced' | 'latest' | 'any' | 'past' | 'published' | 'sync', Statement> {
  let stmts = practiceStatementCache.get(db);
  if (!stmts) {
    const insert = `INSERT OR IGNORE INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position, created_at)
                    SELECT $evaluator, t.id, '', 'practice', 'Practice', 'all', t.seq, $now`;
    stmts = {
      synced: db.prepare('SELECT published_seq AS n FROM practice_sync WHERE evaluator_id = $evaluator'),
      latest: db.prepare('SELECT coalesce(max(published_seq), 0) AS n FROM import_batches'),
      any: db.prepare(`SELECT 1 FROM queue_items WHERE evaluator_id = $evaluator AND study = '' LIMIT 1`),
      past: db.prepare(
        `${insert}
           FROM tasks t INDEXED BY tasks_visible
          WHERE t.seq > (SELECT coalesce(max(position), 0) FROM queue_items WHERE evaluator_id = $evaluator AND study = '') AND ${visibleTask('t')}
          ORDER BY t.seq`,
      ),
      published: db.prepare(
        `${insert}
           FROM import_batches b JOIN tasks t INDEXED BY tasks_visible ON t.seq BETWEEN b.first_seq AND b.last_seq AND t.import_batch = b.id
          WHERE b.published_seq > $synced
          ORDER BY t.seq`,
      ),
      sync: db.prepare(
        `INSERT INTO practice_sync (evaluator_id, published_seq) VALUES ($evaluator, $latest)
         ON CONFLICT (evaluator_id) DO UPDATE SET published_seq = excluded.published_seq`,
      ),
    };
    practiceStatementCache.set(db, stmts);
  }
  return stmts;
}

interface QueueRow {
  id: number;
  task_id: string;
  title: string | null;
  kind: 'summary' | 'code';
  study: string;
  label: string;
  status: 'open' | 'submitted' | 'skipped' | null;
}

/** An evaluator's queue in working order. Only this evaluator's items; never condition names. */
export function getQueue(db: AnyDb, evaluator: string): QueueEntry[] {
  requireEvaluator(db, evaluator);
  const rows = db
    .prepare(
      `SELECT q.id, q.task_id, t.title, t.kind, q.study, q.label, r.status
         FROM queue_items q JOIN tasks t ON t.id = q.task_id LEFT JOIN reviews r ON r.queue_item_id = q.id
        WHERE q.evaluator_id = $evaluator AND ${visibleItemSql} ${queueOrderSql}`,
    )
    .all({ evaluator }) as QueueRow[];
  return rows.map((r) => ({ id: r.id, taskId: r.task_id, title: r.title, kind: r.kind, study: r.study, label: r.label, status: r.status ?? 'new' }));
}

interface ReviewRow {
  id: number;
  queue_item_id: number;
  status: 'open' | 'submitted' | 'skipped';
  shown_json: string;
  started_at: number;
  updated_at: number;
  submitted_at: number | null;
  active_ms: number;
  active_updated_at: number;
  last_seq: number;
}

function getReviewByItem(db: AnyDb, item: number): ReviewRow | undefined {
  return db.prepare('SELECT * FROM reviews WHERE queue_item_id = $item').get({ item }) as ReviewRow | undefined;
}

interface EventRow {
  seq: number;
  type: string;
  payload_json: string;
}

/** A review's events in order. */
export function loadEvents(db: AnyDb, review: number): { seq: number; event: ReviewEvent }[] {
  const rows = db.prepare('SELECT seq, type, payload_json FROM review_events WHERE review_id = $review ORDER BY seq').all({ review }) as EventRow[];
  return rows.map((r) => ({ seq: r.seq, event: eventFromRow(r.type, JSON.parse(r.payload_json)) }));
}

function toRange(r: AnchorResolution | null): TextRange | null {
  if (!r?.ok) return null;
  return { start16: r.value.start16, end16: r.value.end16, lines: [r.value.lines[0], r.value.lines[1]], side: r.value.side, path: r.value.path ?? null };
}

/**
 * Where an item stands in its own part of the queue: a study's items and the practice queue are
 * counted apart ("3 of 12" in the study, never "3 of 1,575" over practice tasks too).
 */
function itemPosition(db: AnyDb, evaluator: string, item: QueueItemRow): { position: number; total: number } {
  const ids = (
    db.prepare(`SELECT q.id FROM queue_items q WHERE q.evaluator_id = $evaluator AND q.study = $study AND ${visibleItemSql} ${queueOrderSql}`).all({ evaluator, study: item.study }) as {
      id: number;
    }[]
  ).map((r) => r.id);
  return { position: ids.indexOf(item.id) + 1, total: ids.length };
}

/** The critiques an item shows, as the review screen gets them: neutral ids, resolved anchors. */
function viewCritiques(rows: ReturnType<typeof pinnedRows>['critiques'], task: ReviewView['task']): ShownCritique[] {
  const texts = viewTexts(task);
  const indexes = new TaskTextIndexes(texts);
  const document = task.context?.document ?? null;
  const docIndex = document !== null ? new TextIndex(document) : null;
  return rows.map(({ neutralId, row }) => {
    const c = shownCritique(row);
    return {
      id: neutralId,
      text: c.text,
      anchor: c.anchor ?? null,
      range: c.anchor ? toRange(resolveTaskAnchor(c.anchor, texts, indexes)) : null,
      severity: c.severity ?? null,
      category: c.category ?? null,
      evidence: (c.evidence ?? []).map((e) => ({
        anchor: e.anchor,
        note: e.note ?? null,
        range: document !== null && docIndex ? toRange(resolveAnchor(e.anchor, document, { index: docIndex })) : null,
      })),
    };
  });
}

/** A review's logged state as its evaluator sees it (neutral critique ids), with its clock when a time limit ends it. */
function reviewState(db: AnyDb, review: ReviewRow, pin: Pin, settings: StudySettings, now: number): NonNullable<ReviewView['review']> {
  const deadline = itemDeadline(settings, review.started_at);
  return {
    id: review.id,
    status: review.status,
    startedAt: review.started_at,
    submittedAt: review.submitted_at,
    activeMs: review.active_ms,
    events: loadEvents(db, review.id).map((e) => ({ seq: e.seq, event: eventForEvaluator(pin, e.event) })),
    clock: deadline === null ? null : { deadline, remainingMs: Math.max(0, deadline - now) },
  };
}

/**
 * One queue item as its evaluator may see it. Reads only. Critique ids are the neutral k1…kn of
 * the item's pin (computed until the review starts, then stored), in events too.
 */
// SECURITY: the blinding boundary. Never add flaws, `valid`, `score`, `model`, original critique ids,
// the condition's name or other evaluators' reviews here; with policy `none` no critique leaves.
export function getReviewView(db: AnyDb, evaluator: string, itemId: number, now = Date.now()): ReviewView {
  requireEvaluator(db, evaluator);
  const item = requireVisibleItem(db, evaluator, itemId);
  const review = getReviewByItem(db, item.id);
  const pin = itemPin(db, item);
  // the task and critiques exactly as pinned (a stored pin is checked against the task first)
  const rows = pinnedRows(db, pin);
  const task = shownTaskView(rows.task);
  const { position, total } = itemPosition(db, evaluator, item);
  const settings = studySettingsOf(db, item.study);
  return {
    item: { id: item.id, label: item.label, study: item.study, position, total, pin: pinToken(pin), closed: itemStudyState(db, item) === 'closed' },
    task,
    critiques: pin.showsCritiques ? viewCritiques(rows.critiques, task) : null,
    review: review ? reviewState(db, review, pin, settings, now) : null,
    settings,
  };
}

/** Freezes a study's tasks from the moment it first shows anything (see tasks/guard.ts). */
export function freezeStudy(db: WritableDb, studyName: string, now: number): void {
  if (studyName !== '') db.prepare('UPDATE studies SET frozen_at = $now WHERE name = $name AND frozen_at IS NULL').run({ name: studyName, now });
}

function ensureReview(db: WritableDb, evaluator: string, itemId: number, now: number): { review: ReviewRow; item: QueueItemRow; pin: Pin } {
  requireEvaluator(db, evaluator);
  const item = requireVisibleItem(db, evaluator, itemId);
  const existing = getReviewByItem(db, item.id);
  if (existing) return { review: existing, item, pin: ensurePin(db, item, now) };
  requireOpenStudyItem(db, item);
  const clock = serverClockProblem(now);
  if (clock) throw new AppError('invalid-input', clock);
  freezeStudy(db, item.study, now);
  const pin = ensurePin(db, item, now);
  pinnedRows(db, pin); // what is pinned must still be what the task holds
  db.prepare(
    `INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_ms, active_updated_at, last_seq)
     VALUES ($item, 'open', $shown, $now, $now, 0, $now, 0)`,
  ).run({ item: item.id, shown: JSON.stringify(pin.critiques.map((c) => c.id)), now });
  return { review: getReviewByItem(db, item.id)!, item, pin };
}

/**
 * Starts the review of a queue item (idempotent; pins what it shows) and returns its logged state,
 * the neutral ids of the critiques it shows (null when the policy shows none) and the pin token,
 * which a client that already holds the (prefetched) view compares with the view's.
 */
export function beginReview(
  db: WritableDb,
  evaluator: string,
  itemId: number,
  now = Date.now(),
): { review: NonNullable<ReviewView['review']>; shown: string[] | null; pin: string } {
  return db.transaction(() => {
    const ensured = ensureReview(db, evaluator, itemId, now);
    const { pin } = ensured;
    const settings = studySettingsOf(db, ensured.item.study);
    // an item whose time ran out while its window was closed is ended by the clock now
    const review = endIfTimeRanOut(db, ensured.review, ensured.item, settings, now) ?? ensured.review;
    return {
      review: reviewState(db, review, pin, settings, now),
      shown: pin.showsCritiques ? pin.critiques.map((c) => c.neutralId) : null,
      pin: pinToken(pin),
    };
  }).immediate();
}

interface ReviewWithItem extends ReviewRow {
  evaluator_id: string;
  task_id: string;
  study: string;
  condition: string;
  label: string;
  policy: string;
}

function getOwnReview(db: AnyDb, evaluator: string, review: number): ReviewWithItem {
  const row = db
    .prepare(
      `SELECT r.*, q.evaluator_id, q.task_id, q.study, q.condition, q.label, q.policy FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id
        WHERE r.id = $review AND q.evaluator_id = $evaluator`,
    )
    .get({ review, evaluator }) as ReviewWithItem | undefined;
  if (!row) throw new AppError('not-found', `No review ${review} for "${evaluator}".`);
  return row;
}

function itemOfReview(r: ReviewWithItem): QueueItemRow {
  return { id: r.queue_item_id, evaluator_id: r.evaluator_id, task_id: r.task_id, study: r.study, condition: r.condition, label: r.label, policy: r.policy };
}

/**
 * Stored pins never change (triggers keep them so), except that a practice item's pin may grow
 * ("Ask the critic" appends): cached per database handle and item, a practice pin checked against
 * its length in the database (one indexed count) before it is reused.
 */
const pinCache = new WeakMap<AnyDb, Map<number, Pin>>();

function reviewPin(db: WritableDb, item: QueueItemRow, now: number): Pin {
  let cache = pinCache.get(db);
  if (!cache) pinCache.set(db, (cache = new Map()));
  const hit = cache.get(item.id);
  if (hit && (item.study !== '' || pinnedCount(db, item.id) === hit.critiques.length)) return hit;
  const pin = ensurePin(db, item, now); // a review from before pins gets its pin from its frozen list
  if (cache.size >= 256) cache.clear();
  cache.set(item.id, pin);
  return pin;
}

function pinnedCount(db: AnyDb, item: number): number {
  return (db.prepare('SELECT count(*) AS n FROM pinned_critiques WHERE queue_item_id = $item').get({ item }) as { n: number }).n;
}

/**
 * "Ask the critic", second half: in one transaction, stores the critic's sample (`store`, which
 * runs the task-change guard) and adds its critiques to this practice review — appended to the
 * item's pin (visibility.ts), to the review's shown list, and logged as a `critiques-added` event
 * so that decisions on them are valid. Refused for study reviews and finished reviews. Returns the
 * new critiques' neutral ids.
 */
export function addCritiquesToPracticeReview(
  db: WritableDb,
  evaluator: string,
  reviewId: number,
  store: () => { readonly ids: readonly string[] },
  now = Date.now(),
): { added: string[]; item: number } {
  const result = db.transaction(() => {
    const review = getOwnReview(db, evaluator, reviewId);
    const item = itemOfReview(review);
    requireVisibleItem(db, evaluator, item.id);
    if (item.study !== '') throw new AppError('conflict', 'The critic can be asked only in the practice queue: a study review shows exactly what it showed first.');
    if (review.status !== 'open') throw new AppError('conflict', `This review was already ${review.status}; it can no longer change.`);
    const clock = serverClockProblem(now);
    if (clock) throw new AppError('invalid-input', clock);
    now = Math.max(now, review.updated_at);
    ensurePin(db, item, now);
    const { ids } = store();
    if (ids.length === 0) return { added: [] as string[], item: item.id };
    const added = appendToPracticePin(db, item, ids);
    const shown = JSON.parse(review.shown_json) as string[];
    db.prepare('UPDATE reviews SET shown_json = $shown WHERE id = $review').run({ shown: JSON.stringify([...shown, ...ids]), review: review.id });
    const pin = ensurePin(db, item, now);
    const state = reviewStateAt(db, review.id, review.last_seq);
    const event: ReviewEvent = { type: 'critiques-added', critiques: [...ids] };
    const problem = checkReviewEvent(state, event, { shownCritiques: new Set(pin.critiques.map((c) => c.id)), backendAddsCritiques: true });
    if (problem) throw new AppError('conflict', problem);
    const seq = review.last_seq + 1;
    const stmts = recordStatements(db);
    const { type, payload } = eventPayload(event);
    stmts.insert.run({ review: review.id, seq, type, payload: JSON.stringify(payload), clientTime: null, now, cid: null });
    stmts.update.run({ seq, status: review.status, now, activeMs: review.active_ms, review: review.id, reopened: 0 });
    return { added, item: item.id };
  }).immediate();
  pinCache.get(db)?.delete(result.item);
  return result;
}

/** Slack allowed between client and server clocks when accepting active time. */
const activeSlackMs = 2_000;

/**
 * The active time to store: the client's running total, but never less than what is stored, never
 * more than the wall-clock time since the last update allows (a retried or forged call cannot
 * inflate it), and never more than the time since the review started (so a review's active time
 * is at most its wall time, which the studies import checks).
 */
export function nextActiveMs(stored: number, storedAt: number, sent: number | undefined, now: number, startedAt: number): number {
  if (sent === undefined) return stored;
  const ceiling = Math.min(stored + Math.max(0, now - storedAt) + activeSlackMs, Math.max(0, now - startedAt));
  return Math.max(stored, Math.min(sent, ceiling));
}

/** Input of {@link recordEvent}. */
export interface RecordInput {
  readonly evaluator: string;
  readonly review: number;
  readonly expectedSeq: number;
  readonly clientEventId: string;
  readonly clientTime: number;
  readonly activeMs?: number | undefined;
  readonly event: ReviewEvent;
}

/**
 * Appends one event in a transaction: seq = last + 1. A call whose clientEventId is already in the
 * log (a retry) returns the logged seq; a call whose expectedSeq is stale (another window wrote
 * first) is refused with `conflict`, so the client reloads instead of interleaving silently. The
 * event names critiques by the neutral ids of the review's pin; the log stores the original ids.
 * Server times never go backwards within a review (a clock stepped back records the last time).
 */
export function recordEvent(
  db: WritableDb,
  input: RecordInput,
  now = Date.now(),
): { seq: number; serverTime: number; status: 'open' | 'submitted' | 'skipped'; activeMs: number } {
  const stmts = recordStatements(db);
  let replayed: { review: number; seq: number; state: ReviewState } | undefined;
  let timeRanOut: { status: string; limit: number } | undefined;
  const result = db.transaction(() => {
    const review = getOwnReview(db, input.evaluator, input.review);
    const retried = stmts.retried.get({ review: review.id, cid: input.clientEventId }) as { seq: number; server_time: number } | undefined;
    if (retried) return { seq: retried.seq, serverTime: retried.server_time, status: review.status, activeMs: review.active_ms };
    const item = itemOfReview(review);
    requireOpenStudyItem(db, item, 'its reviews can no longer change');
    requireReviewedHere(db, item);
    const clock = serverClockProblem(now);
    if (clock) throw new AppError('invalid-input', clock);
    if (!plausibleClientTime(input.clientTime)) throw new AppError('invalid-input', `clientTime: ${showTime(input.clientTime)} is not a plausible clock reading (2000–2200)`);
    now = Math.max(now, review.updated_at);
    const settings = studySettingsOf(db, item.study);
    const deadline = itemDeadline(settings, review.started_at);
    if (deadline !== null && input.event.type === 'time-expired' && review.status !== 'open') {
      // The clock's ending is idempotent: the server may have ended the item first (a visit, the queue, an export).
      if (reviewStateAt(db, review.id, review.last_seq).endedBy === 'time-limit') {
        return { seq: review.last_seq, serverTime: review.updated_at, status: review.status, activeMs: review.active_ms };
      }
    }
    if (deadline !== null && input.event.type !== 'time-expired') {
      // SECURITY: the limit is the server's, not the window's: past it (and its slack) the clock ends the item.
      const ended = endIfTimeRanOut(db, review, item, settings, now);
      if (ended) {
        timeRanOut = { status: ended.status, limit: settings.timeLimitSeconds! };
        return { seq: ended.last_seq, serverTime: ended.updated_at, status: ended.status, activeMs: ended.active_ms };
      }
    }
    if (review.last_seq !== input.expectedSeq) {
      throw new AppError(
        'conflict',
        `This review changed in another window (at step ${review.last_seq}, this window expected ${input.expectedSeq}). The latest state was loaded; repeat your last action if it is missing.`,
      );
    }
    const pin = reviewPin(db, item, now);
    const state = reviewStateAt(db, review.id, review.last_seq);
    // SECURITY: blinding. The client names critiques by neutral id only, and the rules are checked
    // in those names too, so that no refusal can echo an original id.
    const problem = checkReviewEvent(stateForEvaluator(pin, state), input.event, {
      shownCritiques: new Set(pin.critiques.map((c) => c.neutralId)),
      settings,
      deadline,
      now,
    });
    if (problem) throw new AppError('invalid-input', problem);
    // the clock's ending is stamped when the time ran out (or at the last action, if that was later, within the slack)
    if (input.event.type === 'time-expired' && deadline !== null) now = Math.max(review.updated_at, Math.min(now, deadline));
    const event = renameEventCritique(input.event, (id) => originalCritiqueId(pin, id))!;
    if ((event.type === 'flaw-added' || event.type === 'flaw-edited') && event.flaw.anchor) {
      const task = getTaskView(db, review.task_id);
      // the same resolution as the importer's: a multi-file task's flaw names its file by `path`
      const r = resolveTaskAnchor(event.flaw.anchor, viewTexts(task));
      if (!r.ok) throw new AppError('invalid-input', `flaw.anchor.${r.error.path}: ${r.error.message}`);
    }
    const seq = review.last_seq + 1;
    const { type, payload } = eventPayload(event);
    stmts.insert.run({ review: review.id, seq, type, payload: JSON.stringify(payload), clientTime: input.clientTime, now, cid: input.clientEventId });
    const status =
      event.type === 'submitted' ? 'submitted' : event.type === 'skipped' ? 'skipped' : event.type === 'time-expired' ? event.outcome : event.type === 'reopened' ? 'open' : review.status;
    let activeMs = nextActiveMs(review.active_ms, review.active_updated_at, input.activeMs, now, review.started_at);
    if (deadline !== null) activeMs = Math.min(activeMs, Math.max(0, now - review.started_at));
    stmts.update.run({ seq, status, now, activeMs, review: review.id, reopened: event.type === 'reopened' ? 1 : 0 });
    replayed = { review: review.id, seq, state: reduceReview(state, event) };
    return { seq, serverTime: now, status, activeMs };
  }).immediate();
  // Only a committed event advances the cached state (a rolled-back seq may be reused).
  if (replayed) rememberReviewState(db, replayed.review, replayed.seq, replayed.state);
  if (timeRanOut) {
    throw new AppError(
      'conflict',
      `Time is up for this item (its limit is ${showLimit(timeRanOut.limit)}): it was ${timeRanOut.status === 'skipped' ? 'skipped' : 'submitted as it stood'} when the time ran out, so this action was not saved. Go on to the next item.`,
    );
  }
  return result;
}

function showLimit(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/**
 * Ends an open review whose time ran out (past its deadline and the slack for latency) with the
 * clock's event — stamped at the deadline, or at its last action if that came later — and returns
 * the updated row; undefined when it is not due (or not open, or its study is closed). Call inside
 * a write transaction.
 */
function endIfTimeRanOut(db: WritableDb, review: ReviewRow, item: QueueItemRow, settings: StudySettings, now: number): ReviewRow | undefined {
  const deadline = itemDeadline(settings, review.started_at);
  if (review.status !== 'open' || deadline === null || !enforcesTimeLimit(settings) || now <= deadline + timeLimitSlackMs) return undefined;
  if (itemStudyState(db, item) === 'closed') return undefined; // a closed study takes no events, the clock's included
  const outcome = settings.onTimeLimit === 'skip' ? 'skipped' : 'submitted';
  const at = Math.max(review.updated_at, deadline);
  const seq = review.last_seq + 1;
  const stmts = recordStatements(db);
  const { type, payload } = eventPayload({ type: 'time-expired', outcome });
  stmts.insert.run({ review: review.id, seq, type, payload: JSON.stringify(payload), clientTime: null, now: at, cid: null });
  const activeMs = Math.min(review.active_ms, Math.max(0, at - review.started_at));
  stmts.update.run({ seq, status: outcome, now: at, activeMs, review: review.id, reopened: 0 });
  return getReviewByItem(db, item.id)!;
}

/**
 * Ends every open review (of `evaluator`, or all) whose time ran out while no window said so, as
 * {@link recordEvent} would on the next action: before a queue is listed and before results are
 * exported, so that what the evaluator sees and sends says how those items ended. Cheap: it reads
 * only open reviews (an index holds them).
 */
export function endReviewsPastTheirTime(db: WritableDb, evaluator?: string, now = Date.now()): number {
  if (serverClockProblem(now) !== null) return 0;
  return db.transaction(() => {
    const rows = db
      .prepare(
        `SELECT r.*, q.evaluator_id, q.task_id, q.study, q.condition, q.label, q.policy
           FROM reviews r INDEXED BY reviews_open JOIN queue_items q ON q.id = r.queue_item_id
          WHERE r.status = 'open' AND q.study <> ''${evaluator !== undefined ? ' AND q.evaluator_id = $evaluator' : ''}`,
      )
      .all(evaluator !== undefined ? { evaluator } : {}) as ReviewWithItem[];
    let ended = 0;
    for (const r of rows) {
      if (endIfTimeRanOut(db, r, itemOfReview(r), studySettingsOf(db, r.study), Math.max(now, r.updated_at))) ended++;
    }
    return ended;
  }).immediate();
}

interface RecordStatements {
  readonly retried: Statement;
  readonly insert: Statement;
  readonly update: Statement;
}

const recordStatementCache = new WeakMap<AnyDb, RecordStatements>();

/** The statements of {@link recordEvent}, prepared once per database handle. */
function recordStatements(db: WritableDb): RecordStatements {
  let stmts = recordStatementCache.get(db);
  if (!stmts) {
    stmts = {
      retried: db.prepare('SELECT seq, server_time FROM review_events WHERE review_id = $review AND client_event_id = $cid'),
      insert: db.prepare(
        `INSERT INTO review_events (review_id, seq, type, payload_json, client_time, server_time, client_event_id)
         VALUES ($review, $seq, $type, $payload, $clientTime, $now, $cid)`,
      ),
      update: db.prepare(
        `UPDATE reviews SET last_seq = $seq, status = $status, updated_at = $now, active_ms = $activeMs, active_updated_at = $now,
                submitted_at = CASE WHEN $reopened = 1 THEN NULL WHEN $status = 'open' THEN submitted_at ELSE $now END
          WHERE id = $review`,
      ),
    };
    recordStatementCache.set(db, stmts);
  }
  return stmts;
}

/**
 * Replayed review states by review id, per database handle, each valid for one committed seq. A
 * long review would otherwise replay (and re-validate) its whole log on every action. Another
 * process writing the same review moves `last_seq` past the cached seq, which forces a replay.
 */
const reviewStateCache = new WeakMap<AnyDb, Map<number, { seq: number; state: ReviewState }>>();
const reviewStateCacheSize = 64;

function reviewStateAt(db: AnyDb, review: number, lastSeq: number): ReviewState {
  const hit = reviewStateCache.get(db)?.get(review);
  if (hit && hit.seq === lastSeq) return hit.state;
  const state = replayReview(loadEvents(db, review).map((e) => e.event));
  rememberReviewState(db, review, lastSeq, state);
  return state;
}

function rememberReviewState(db: AnyDb, review: number, seq: number, state: ReviewState): void {
  let cache = reviewStateCache.get(db);
  if (!cache) reviewStateCache.set(db, (cache = new Map()));
  cache.delete(review); // re-insert: Map order doubles as recency
  cache.set(review, { seq, state });
  if (cache.size > reviewStateCacheSize) cache.delete(cache.keys().next().value!);
}

/**
 * Saves a review's active time. A finished review, a review of a closed study, and a machine whose
 * clock is not plausible keep the time they had.
 */
export function recordHeartbeat(db: WritableDb, evaluator: string, reviewId: number, activeMs: number, now = Date.now()): number {
  return db.transaction(() => {
    const review = getOwnReview(db, evaluator, reviewId);
    if (review.status !== 'open' || serverClockProblem(now) !== null) return review.active_ms;
    if (reviewedFromPacks(db, itemOfReview(review))) return review.active_ms;
    if (itemStudyState(db, itemOfReview(review)) === 'closed') return review.active_ms;
    // past an enforced limit no more time counts: the clock's ending is stamped at the deadline
    const deadline = itemDeadline(studySettingsOf(db, review.study), review.started_at);
    if (deadline !== null && now > deadline) return review.active_ms;
    now = Math.max(now, review.active_updated_at);
    const next = nextActiveMs(review.active_ms, review.active_updated_at, activeMs, now, review.started_at);
    db.prepare('UPDATE reviews SET active_ms = $next, active_updated_at = $now WHERE id = $review').run({ next, now, review: review.id });
    return next;
  }).immediate();
}
