import { linesOverlap, rangesOverlap } from '../anchors.js';
import type { Adjudication, MetricAnchor, MetricReview, MetricTask, ReportRef } from './types.js';

/** One (report, ground-truth flaw) pair of a review: an auto-match, an adjudication, or both. */
export interface FlawMatch {
  readonly flaw: string;
  readonly report: ReportRef;
  /** True when the rules match them (critique listed in the flaw, or overlapping anchors). */
  readonly auto: boolean;
  /** The researcher's ruling, if any; it always wins over `auto`. */
  readonly adjudication: 'match' | 'no-match' | null;
  /** Whether the pair counts: the adjudication when there is one, else `auto`. */
  readonly counted: boolean;
}

/** The matching of one review against its task's ground truth. */
export interface ReviewMatching {
  readonly review: string;
  readonly task: string;
  /** What the evaluator reported: accepted critiques, then added flaws. */
  readonly reports: readonly ReportRef[];
  readonly matches: readonly FlawMatch[];
  /** Distinct ground-truth flaws caught (ids, in the task's order). */
  readonly caught: readonly string[];
  /** Reports that count as a match for no ground-truth flaw. */
  readonly unmatched: readonly ReportRef[];
}

/** The key of a (review, flaw, report) triple. */
export function adjudicationKey(review: string, flaw: string, report: ReportRef): string {
  return JSON.stringify([review, flaw, report.kind, report.id]);
}

/** An adjudication event: a ruling, or `clear` to withdraw an earlier one. */
export interface AdjudicationEvent {
  readonly review: string;
  readonly flaw: string;
  readonly report: ReportRef;
  readonly verdict: 'match' | 'no-match' | 'clear';
}

/** Folds an append-only adjudication log (oldest first) into the rulings in force: the last wins. */
export function latestAdjudications(events: readonly AdjudicationEvent[]): Adjudication[] {
  const current = new Map<string, Adjudication>();
  for (const e of events) {
    const key = adjudicationKey(e.review, e.flaw, e.report);
    if (e.verdict === 'clear') current.delete(key);
    else current.set(key, { review: e.review, flaw: e.flaw, report: e.report, verdict: e.verdict });
  }
  return [...current.values()];
}

/** True when two anchors overlap by the rules for the task's kind (code: lines on the same side of the same file; text: code points). */
export function anchorsOverlap(kind: 'summary' | 'code', a: MetricAnchor, b: MetricAnchor): boolean {
  return kind === 'code' ? linesOverlap(a, b) : rangesOverlap(a, b);
}

/**
 * Matches one review's reports with the task's ground-truth flaws. A flaw is caught when the
 * evaluator accepted a critique listed in the flaw's `critiques`, or added a flaw whose anchor
 * overlaps the flaw's anchor — unless an adjudication of that pair says otherwise; an adjudication
 * can also create a match the rules did not find.
 */
export function matchReview(task: MetricTask, review: MetricReview, adjudications: readonly Adjudication[]): ReviewMatching {
  const reports: ReportRef[] = [];
  const seenCritique = new Set<string>();
  for (const d of review.decisions) {
    if (d.verdict === 'accept' && !seenCritique.has(d.critique)) {
      seenCritique.add(d.critique);
      reports.push({ kind: 'critique', id: d.critique });
    }
  }
  for (const a of review.added) reports.push({ kind: 'added', id: a.id });
  const addedById = new Map(review.added.map((a) => [a.id, a]));
  const reportKeys = new Set(reports.map((r) => `${r.kind}\u0000${r.id}`));
  const flawIds = new Set(task.flaws.map((f) => f.id));

  const rulings = new Map<string, 'match' | 'no-match'>();
  for (const adj of adjudications) {
    if (adj.review !== review.id || !flawIds.has(adj.flaw) || !reportKeys.has(`${adj.report.kind}\u0000${adj.report.id}`)) continue;
    rulings.set(adjudicationKey(review.id, adj.flaw, adj.report), adj.verdict);
  }

  const matches: FlawMatch[] = [];
  const countedReports = new Set<string>();
  const caught = new Set<string>();
  for (const flaw of task.flaws) {
    for (const report of reports) {
      let auto = false;
      if (report.kind === 'critique') auto = flaw.critiques.includes(report.id);
      else {
        const added = addedById.get(report.id);
        auto = !!(added?.anchor && flaw.anchor && anchorsOverlap(task.kind, added.anchor, flaw.anchor));
      }
      const adjudication = rulings.get(adjudicationKey(review.id, flaw.id, report)) ?? null;
      if (!auto && adjudication === null) continue;
      const counted = adjudication === null ? auto : adjudication === 'match';
      matches.push({ flaw: flaw.id, report, auto, adjudication, counted });
      if (counted) {
        caught.add(flaw.id);
        countedReports.add(`${report.kind}\u0000${report.id}`);
      }
    }
  }
  return {
    review: review.id,
    task: task.id,
    reports,
    matches,
    caught: task.flaws.filter((f) => caught.has(f.id)).map((f) => f.id),
    unmatched: reports.filter((r) => !countedReports.has(`${r.kind}\u0000${r.id}`)),
  };
}
