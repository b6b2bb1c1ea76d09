import { assertNever } from '../result.js';
import { CALIBRATION_BINS, binOf } from './calibration.js';
import { countedReviews, matchStudy } from './compute.js';
import type { StudyData } from './types.js';

/** A cell of a tidy table. */
export type Cell = string | number | boolean | null;

/** A tidy table: fixed columns, one row per thing (ready for pandas or R). */
export interface TidyTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly Cell[])[];
}

/** The tables `assay export` can write from a study's rows (besides `reviews` and `events`). */
export type TidyKind = 'decisions' | 'flaws' | 'matches' | 'answers';

const REVIEW_COLUMNS = ['study', 'review', 'task', 'evaluator', 'condition', 'position'] as const;

/**
 * One row per shown critique per counted review: `decisions`; per ground-truth flaw per counted
 * review: `flaws` (caught or not, and by which reports); per (report, flaw) pair and per unmatched
 * report: `matches`; per counted review its answer to the study's yes/no question, the truth and
 * the confidence bin: `answers` (the rows the calibration figures are means of).
 */
export function tidyTable(data: StudyData, kind: TidyKind): TidyTable {
  const tasks = new Map(data.tasks.map((t) => [t.id, t]));
  const reviews = countedReviews(data.reviews);
  const lead = (r: (typeof reviews)[number]): Cell[] => [data.study, r.id, r.task, r.evaluator, r.condition, r.position];
  switch (kind) {
    case 'decisions': {
      const rows = reviews.flatMap((r) => {
        const task = tasks.get(r.task);
        const valid = new Map(task?.critiques.map((c) => [c.id, c.valid]) ?? []);
        const decided = new Map(r.decisions.map((d) => [d.critique, d]));
        return [...new Set(r.shown)].map((id): Cell[] => {
          const d = decided.get(id);
          return [...lead(r), id, valid.get(id) ?? null, d ? d.verdict : 'undecided', d?.reason ?? null, d ? !!d.edited : false];
        });
      });
      return { columns: [...REVIEW_COLUMNS, 'critique', 'valid', 'verdict', 'reason', 'edited'], rows };
    }
    case 'flaws': {
      const matchings = matchStudy(data);
      const rows = reviews.flatMap((r) => {
        const task = tasks.get(r.task);
        const m = matchings.get(r.id);
        return (task?.flaws ?? []).map((f): Cell[] => {
          const by = (m?.matches ?? []).filter((x) => x.flaw === f.id && x.counted).map((x) => `${x.report.kind}:${x.report.id}`);
          return [...lead(r), f.id, f.severity, f.category, by.length > 0, by.join(';') || null];
        });
      });
      return { columns: [...REVIEW_COLUMNS, 'flaw', 'severity', 'category', 'caught', 'caught_by'], rows };
    }
    case 'matches': {
      const matchings = matchStudy(data);
      const rows = reviews.flatMap((r) => {
        const m = matchings.get(r.id);
        if (!m) return [];
        const pairs = m.matches.map((x): Cell[] => [...lead(r), x.report.kind, x.report.id, x.flaw, x.auto, x.adjudication, x.counted]);
        const unmatched = m.unmatched
          .filter((u) => !m.matches.some((x) => x.report.kind === u.kind && x.report.id === u.id))
          .map((u): Cell[] => [...lead(r), u.kind, u.id, null, false, null, false]);
        return [...pairs, ...unmatched];
      });
      return { columns: [...REVIEW_COLUMNS, 'report_kind', 'report', 'flaw', 'auto', 'adjudication', 'counted'], rows };
    }
    case 'answers': {
      // flawed = the task has a ground-truth flaw (calibration.ts); correct and bin only when answered
      const rows = reviews.map((r): Cell[] => {
        const flawed = (tasks.get(r.task)?.flaws.length ?? 0) > 0;
        const answer = r.answer ?? null;
        const confidence = r.confidence ?? null;
        const answered = answer !== null && confidence !== null;
        return [...lead(r), answer, confidence, flawed, answered ? answer === flawed : null, answered ? CALIBRATION_BINS[binOf(confidence)]!.label : null];
      });
      return { columns: [...REVIEW_COLUMNS, 'answer', 'confidence', 'flawed', 'correct', 'bin'], rows };
    }
    default:
      return assertNever(kind, 'tidy table');
  }
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table as CSV (RFC 4180 quoting; empty cell = null; booleans as true/false). */
export function toCsv(table: TidyTable): string {
  return [table.columns.join(','), ...table.rows.map((r) => r.map(csvCell).join(','))].map((l) => `${l}\n`).join('');
}

/** A table as JSON Lines: one object per row, keyed by column. */
export function toJsonl(table: TidyTable): string {
  return table.rows.map((r) => `${JSON.stringify(Object.fromEntries(table.columns.map((c, i) => [c, r[i] ?? null])))}\n`).join('');
}
