import { tidyTable, type Cell, type TidyTable } from '../../../shared/metrics/tidy.js';
import type { AnyDb } from '../db/types.js';
import { loadAdjudicationEvents, loadStudyData } from './feed.js';

/** The tables `assay export` writes from the analysis feed. */
export const analysisTables = ['decisions', 'flaws', 'matches', 'answers', 'events'] as const;
/** One of {@link analysisTables}. */
export type AnalysisTable = (typeof analysisTables)[number];

interface EventRow {
  review_id: number;
  seq: number;
  type: string;
  payload_json: string;
  client_time: number | null;
  server_time: number;
  task_id: string;
  evaluator_id: string;
  condition: string;
  position: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * The event table: every review event of the study's reviews (open ones too: it is the log), then
 * every adjudication event; one row each, `source` telling which log it came from.
 */
function eventsTable(db: AnyDb, study: string): TidyTable {
  const { studyId } = loadStudyData(db, study);
  const rows = db
    .prepare(
      `SELECT e.review_id, e.seq, e.type, e.payload_json, e.client_time, e.server_time,
              q.task_id, q.evaluator_id, q.condition, q.position
         FROM review_events e JOIN reviews r ON r.id = e.review_id JOIN queue_items q ON q.id = r.queue_item_id
        WHERE q.study = $study ORDER BY e.review_id, e.seq`,
    )
    .all({ study }) as EventRow[];
  const reviewInfo = new Map(rows.map((r) => [r.review_id, r]));
  const out: Cell[][] = rows.map((r) => [
    study,
    'review',
    String(r.review_id),
    r.task_id,
    r.evaluator_id,
    r.condition,
    r.position,
    r.seq,
    r.type,
    r.payload_json,
    iso(r.client_time),
    iso(r.server_time),
  ]);
  for (const e of loadAdjudicationEvents(db, studyId)) {
    const info = reviewInfo.get(Number(e.review));
    out.push([
      study,
      'adjudication',
      e.review,
      info?.task_id ?? null,
      info?.evaluator_id ?? null,
      info?.condition ?? null,
      info?.position ?? null,
      e.seq,
      'adjudicated',
      JSON.stringify({ flaw: e.flaw, report_kind: e.report.kind, report: e.report.id, verdict: e.verdict, ...(e.note ? { note: e.note } : {}) }),
      null,
      iso(e.createdAt),
    ]);
  }
  return {
    columns: ['study', 'source', 'review', 'task', 'evaluator', 'condition', 'position', 'seq', 'type', 'payload_json', 'client_time', 'server_time'],
    rows: out,
  };
}

/** One tidy table of a study. */
export function analysisTable(db: AnyDb, study: string, table: AnalysisTable): TidyTable {
  if (table === 'events') return eventsTable(db, study);
  return tidyTable(loadStudyData(db, study).data, table);
}
