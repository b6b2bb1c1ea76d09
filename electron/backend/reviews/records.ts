import { eventFromRow, type ReviewEvent } from '../../../shared/review/events.js';
import { buildReviewRecord, type ReviewRecord } from '../../../shared/review/record.js';
import type { AnyDb } from '../db/types.js';

/** A logged event with its times, as stored. */
export interface StoredEvent {
  readonly seq: number;
  readonly event: ReviewEvent;
  readonly clientTime: number | null;
  readonly serverTime: number;
}

/** A submitted or skipped review with its queue item, its event log and its review record. */
export interface FinishedReview {
  readonly id: number;
  readonly itemId: number;
  readonly task: string;
  readonly evaluator: string;
  /** The study's name; '' for practice. */
  readonly study: string;
  readonly condition: string;
  readonly position: number;
  readonly status: 'submitted' | 'skipped';
  readonly startedAt: number;
  readonly submittedAt: number;
  readonly activeMs: number;
  /** Original ids of the critiques shown, in display order. */
  readonly shown: readonly string[];
  readonly events: readonly StoredEvent[];
  readonly record: ReviewRecord;
}

/** Which finished reviews to read. */
export interface FinishedFilter {
  readonly study?: string | undefined;
  readonly evaluator?: string | undefined;
  readonly itemId?: number | undefined;
  /** `submitted`: oldest submission first (exports); `position`: queue order; `id`: storage order. */
  readonly order?: 'submitted' | 'position' | 'id';
}

interface Row {
  id: number;
  queue_item_id: number;
  status: 'submitted' | 'skipped';
  shown_json: string;
  started_at: number;
  submitted_at: number | null;
  active_ms: number;
  task_id: string;
  evaluator_id: string;
  study: string;
  condition: string;
  position: number;
}

const orders = { submitted: 'r.submitted_at, r.id', position: 'q.study, q.evaluator_id, q.position, r.id', id: 'r.id' } as const;

/**
 * Every finished review that `filter` selects, with its event log and its record: the one place
 * where a stored review becomes a review record (exports, results files, merges, metrics). Two
 * queries in all, so it is fine for a study with thousands of reviews.
 */
export function finishedReviews(db: AnyDb, filter: FinishedFilter = {}): FinishedReview[] {
  const where = [`r.status IN ('submitted', 'skipped')`];
  if (filter.study !== undefined) where.push('q.study = $study');
  if (filter.evaluator !== undefined) where.push('q.evaluator_id = $evaluator');
  if (filter.itemId !== undefined) where.push('q.id = $item');
  const params = {
    ...(filter.study !== undefined ? { study: filter.study } : {}),
    ...(filter.evaluator !== undefined ? { evaluator: filter.evaluator } : {}),
    ...(filter.itemId !== undefined ? { item: filter.itemId } : {}),
  };
  const from = `FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE ${where.join(' AND ')}`;
  const rows = db
    .prepare(
      `SELECT r.id, r.queue_item_id, r.status, r.shown_json, r.started_at, r.submitted_at, r.active_ms,
              q.task_id, q.evaluator_id, q.study, q.condition, q.position
         ${from} ORDER BY ${orders[filter.order ?? 'submitted']}`,
    )
    .all(params) as Row[];
  if (rows.length === 0) return [];
  const events = new Map<number, StoredEvent[]>();
  const eventRows = db
    .prepare(
      `SELECT e.review_id, e.seq, e.type, e.payload_json, e.client_time, e.server_time
         FROM review_events e WHERE e.review_id IN (SELECT r.id ${from}) ORDER BY e.review_id, e.seq`,
    )
    .all(params) as { review_id: number; seq: number; type: string; payload_json: string; client_time: number | null; server_time: number }[];
  for (const e of eventRows) {
    let list = events.get(e.review_id);
    if (!list) events.set(e.review_id, (list = []));
    list.push({ seq: e.seq, event: eventFromRow(e.type, JSON.parse(e.payload_json)), clientTime: e.client_time, serverTime: e.server_time });
  }
  return rows.map((r) => {
    const shown = JSON.parse(r.shown_json) as string[];
    const log = events.get(r.id) ?? [];
    const submittedAt = r.submitted_at ?? r.started_at;
    const record = buildReviewRecord(
      { task: r.task_id, evaluator: r.evaluator_id, study: r.study, condition: r.condition, startedAt: r.started_at, submittedAt, activeMs: r.active_ms, shown },
      log.map((e) => e.event),
    );
    return {
      id: r.id,
      itemId: r.queue_item_id,
      task: r.task_id,
      evaluator: r.evaluator_id,
      study: r.study,
      condition: r.condition,
      position: r.position,
      status: r.status,
      startedAt: r.started_at,
      submittedAt,
      activeMs: r.active_ms,
      shown,
      events: log,
      record,
    };
  });
}
