import { anchorQuote, metricAnchor } from '../../../shared/metrics/from-task.js';
import { latestAdjudications, type AdjudicationEvent } from '../../../shared/metrics/matching.js';
import type { MetricAnchor, MetricCritique, MetricFlaw, MetricReview, MetricTask, StudyData } from '../../../shared/metrics/types.js';
import type { Anchor, TaskTexts } from '../../../shared/anchors.js';
import { rowTexts } from '../tasks/texts.js';
import type { AnyDb } from '../db/types.js';
import { finishedReviews } from '../reviews/records.js';
import { requireStudy, studyConditions } from '../studies/repository.js';
import { parseStoredSettings } from '../studies/settings.js';

interface TaskRow {
  id: string;
  kind: 'summary' | 'code';
  title: string | null;
  output: string;
  base: string | null;
  files_json: string | null;
}

interface CritiqueRow {
  task_id: string;
  id: string;
  text: string;
  valid: number | null;
  severity: string | null;
  category: string | null;
}

interface FlawRow {
  task_id: string;
  id: string;
  description: string;
  anchor_json: string | null;
  resolved_json: string | null;
  severity: string | null;
  category: string | null;
  critiques_json: string | null;
}

interface AdjudicationRow {
  id: number;
  review_id: number;
  flaw_id: string;
  report_kind: 'critique' | 'added';
  report_id: string;
  verdict: 'match' | 'no-match' | 'clear';
  note: string | null;
  created_at: number;
}

/** A stored adjudication event with its place in the log. */
export interface StoredAdjudicationEvent extends AdjudicationEvent {
  readonly seq: number;
  readonly note: string | null;
  readonly createdAt: number;
}

/** A study's rows for the metrics, plus the study's id. */
export interface LoadedStudy {
  readonly studyId: string;
  readonly data: StudyData;
}

function parseJson<T>(text: string | null, where: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${where}: stored JSON is not readable`);
  }
}

function resolvedAnchor(row: FlawRow, texts: TaskTexts): MetricAnchor | null {
  const resolved = parseJson<MetricAnchor>(row.resolved_json, `flaw ${row.task_id}/${row.id}`);
  if (resolved) return { start: resolved.start, end: resolved.end, lines: resolved.lines, side: resolved.side ?? 'output', ...(resolved.path !== undefined ? { path: resolved.path } : {}) };
  return metricAnchor(parseJson<Anchor>(row.anchor_json, `flaw ${row.task_id}/${row.id}`), texts);
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** The adjudication log of a study, oldest first. */
export function loadAdjudicationEvents(db: AnyDb, studyId: string): StoredAdjudicationEvent[] {
  const rows = db
    .prepare(
      `SELECT id, review_id, flaw_id, report_kind, report_id, verdict, note, created_at
         FROM adjudication_events WHERE study_id = $studyId ORDER BY id`,
    )
    .all({ studyId }) as AdjudicationRow[];
  return rows.map((r) => ({
    seq: r.id,
    review: String(r.review_id),
    flaw: r.flaw_id,
    report: { kind: r.report_kind, id: r.report_id },
    verdict: r.verdict,
    note: r.note,
    createdAt: r.created_at,
  }));
}

/**
 * Reads everything the metrics need about study `name`: its conditions, tasks (critiques with
 * `valid`, flaws with resolved anchors), its finished reviews (submitted or skipped; an open review
 * is not data yet) rebuilt from their event logs, and the adjudications in force.
 */
export function loadStudyData(db: AnyDb, name: string): LoadedStudy {
  const study = requireStudy(db, name);
  const conditions = studyConditions(db, study.id);
  const taskRows = db
    .prepare(
      `SELECT t.id, t.kind, t.title, t.output, t.base, t.files_json FROM tasks t
        WHERE t.id IN (SELECT task_id FROM study_tasks WHERE study_id = $id)
           OR t.id IN (SELECT task_id FROM queue_items WHERE study = $name)
        ORDER BY t.seq`,
    )
    .all({ id: study.id, name }) as TaskRow[];
  // One query per table for the whole study (not one per task or review): studies have thousands.
  const studyTaskIds = `SELECT task_id FROM study_tasks WHERE study_id = $id UNION SELECT task_id FROM queue_items WHERE study = $name`;
  const critiqueRows = groupBy(
    db
      .prepare(`SELECT task_id, id, text, valid, severity, category FROM critiques WHERE task_id IN (${studyTaskIds}) ORDER BY task_id, position`)
      .all({ id: study.id, name }) as CritiqueRow[],
    (r) => r.task_id,
  );
  const flawRows = groupBy(
    db
      .prepare(
        `SELECT task_id, id, description, anchor_json, resolved_json, severity, category, critiques_json FROM flaws
          WHERE task_id IN (${studyTaskIds}) ORDER BY task_id, position`,
      )
      .all({ id: study.id, name }) as FlawRow[],
    (r) => r.task_id,
  );
  const textsById = new Map(taskRows.map((t) => [t.id, rowTexts(t)]));
  const tasks: MetricTask[] = taskRows.map((t) => {
    const texts = textsById.get(t.id)!;
    const critiques: MetricCritique[] = (critiqueRows.get(t.id) ?? []).map((c) => ({
      id: c.id,
      valid: c.valid === null ? null : c.valid === 1,
      severity: c.severity,
      category: c.category,
      text: c.text,
    }));
    const flaws: MetricFlaw[] = (flawRows.get(t.id) ?? []).map((f) => {
      const anchor = resolvedAnchor(f, texts);
      return {
        id: f.id,
        anchor,
        severity: f.severity,
        category: f.category,
        critiques: parseJson<string[]>(f.critiques_json, `flaw ${f.task_id}/${f.id}`) ?? [],
        description: f.description,
        quote: anchorQuote(anchor, texts),
      };
    });
    return { id: t.id, kind: t.kind, title: t.title, critiques, flaws };
  });

  // The one record builder (reviews/records.ts): the metrics read exactly what the exports write.
  const reviews: MetricReview[] = finishedReviews(db, { study: name, order: 'id' }).map(({ record, ...r }) => {
    const texts = textsById.get(r.task)!;
    return {
      id: String(r.id),
      task: r.task,
      evaluator: r.evaluator,
      condition: r.condition,
      shown: [...r.shown],
      decisions: record.decisions.map((d) => ({
        critique: d.critique,
        verdict: d.verdict,
        reason: d.reason ?? null,
        edited: d.edited_text !== undefined,
        ...(d.edited_text !== undefined ? { editedText: d.edited_text } : {}),
      })),
      added: record.added.map((a) => {
        const anchor = metricAnchor(a.anchor, texts);
        return {
          id: a.id,
          anchor,
          description: a.description,
          severity: a.severity ?? null,
          category: a.category ?? null,
          quote: anchorQuote(anchor, texts),
        };
      }),
      rating: record.rating,
      activeSeconds: r.activeMs / 1000,
      position: r.position,
      skipped: r.status === 'skipped',
      submitted: true,
      answer: record.answer ?? null,
      confidence: record.confidence ?? null,
      endedBy: record.ended_by ?? 'evaluator',
    };
  });

  return {
    studyId: study.id,
    data: {
      study: name,
      question: parseStoredSettings(study.settings_json, `study "${name}"`).question,
      conditions,
      tasks,
      reviews,
      adjudications: latestAdjudications(loadAdjudicationEvents(db, study.id)),
    },
  };
}
