import { adjudicationKey, type FlawMatch, type ReviewMatching } from '../../../../shared/metrics/matching.js';
import type { Adjudication, MetricReview, MetricTask, ReportRef, StudyData } from '../../../../shared/metrics/types.js';

// The matching screen's model (issue #12), pure so that it is tested without a DOM: one item per
// report an evaluator made (an accepted critique or an added flaw), the researcher's progress through
// them, the filters, and what each key does to the rulings.

/** One report of one review, with how it stands against its task's ground-truth flaws. */
export interface ReportItem {
  /** `review:kind:id`: unique in the study. */
  readonly key: string;
  readonly task: MetricTask;
  readonly review: MetricReview;
  readonly report: ReportRef;
  /** This report's pairs with ground-truth flaws: automatic matches and rulings. */
  readonly matches: readonly FlawMatch[];
  /** True when the researcher has ruled on it (a ruling in force on any of its pairs). */
  readonly ruled: boolean;
  /** The flaws it counts for (after rulings). */
  readonly counted: readonly string[];
}

/** The study's reports in order: by task (the study's order), then review, then report. */
export function reportItems(data: StudyData, matchings: ReadonlyMap<string, ReviewMatching>): ReportItem[] {
  const byTask = new Map<string, MetricReview[]>();
  for (const r of data.reviews) {
    if (!matchings.has(r.id)) continue;
    const list = byTask.get(r.task) ?? [];
    list.push(r);
    byTask.set(r.task, list);
  }
  const items: ReportItem[] = [];
  for (const task of data.tasks) {
    for (const review of byTask.get(task.id) ?? []) {
      const m = matchings.get(review.id)!;
      for (const report of m.reports) {
        const matches = m.matches.filter((x) => x.report.kind === report.kind && x.report.id === report.id);
        items.push({
          key: `${review.id}:${report.kind}:${report.id}`,
          task,
          review,
          report,
          matches,
          ruled: matches.some((x) => x.adjudication !== null),
          counted: matches.filter((x) => x.counted).map((x) => x.flaw),
        });
      }
    }
  }
  return items;
}

/** Which reports the list shows. */
export interface ReportFilter {
  /** `unruled`: not yet ruled (and with a flaw to rule against); `unmatched`: counting for no flaw. */
  readonly show: 'all' | 'unruled' | 'unmatched';
  /** '' for every evaluator. */
  readonly evaluator: string;
  /** '' for every condition. */
  readonly condition: string;
}

/** The reports a filter keeps, in order. */
export function filterReports(items: readonly ReportItem[], f: ReportFilter): ReportItem[] {
  return items.filter(
    (i) =>
      (f.evaluator === '' || i.review.evaluator === f.evaluator) &&
      (f.condition === '' || i.review.condition === f.condition) &&
      (f.show === 'all' || (f.show === 'unruled' ? !i.ruled && i.task.flaws.length > 0 : i.counted.length === 0)),
  );
}

/**
 * How far the researcher is: reports ruled of those there are to rule (a report of a task without
 * ground-truth flaws has nothing to be matched with, so it is not counted).
 */
export function progressOf(items: readonly ReportItem[]): { ruled: number; total: number } {
  const rulable = items.filter((i) => i.task.flaws.length > 0);
  return { ruled: rulable.filter((i) => i.ruled).length, total: rulable.length };
}

/** How a report reads: its title, the evaluator's text (an edited critique's edit), the model's original if edited, its quote. */
export function reportText(item: Pick<ReportItem, 'task' | 'review' | 'report'>): { title: string; text: string; original: string | null; quote: string | null } {
  const { task, review, report } = item;
  if (report.kind === 'critique') {
    const c = task.critiques.find((x) => x.id === report.id);
    const d = review.decisions.find((x) => x.critique === report.id && x.verdict === 'accept');
    const edited = d?.editedText;
    return edited !== undefined
      ? { title: `Accepted critique ${report.id}, edited`, text: edited, original: c?.text ?? null, quote: null }
      : { title: `Accepted critique ${report.id}`, text: c?.text ?? '', original: null, quote: null };
  }
  const a = review.added.find((x) => x.id === report.id);
  return { title: `Added flaw ${report.id}`, text: a?.description ?? '', original: null, quote: a?.quote ?? null };
}

/** A ruling to record on one (flaw, report) pair. */
export interface PairRuling {
  readonly flaw: string;
  readonly verdict: 'match' | 'no-match' | 'clear';
}

/** What the researcher can do to a report. */
export type RulingAction = 'match' | 'no-match' | 'confirm' | 'clear';

/**
 * The rulings an action records on a report: `match` the chosen flaw; `no-match` every flaw of the
 * task not already ruled no-match (the report is none of them); `confirm` the automatic matches not
 * yet ruled; `clear` every ruling on it. Empty when there is nothing to change.
 */
export function rulingsFor(action: RulingAction, item: Pick<ReportItem, 'task' | 'matches'>, flaw: string | null): PairRuling[] {
  const pair = (id: string): FlawMatch | undefined => item.matches.find((m) => m.flaw === id);
  switch (action) {
    case 'match':
      return flaw && pair(flaw)?.adjudication !== 'match' ? [{ flaw, verdict: 'match' }] : [];
    case 'no-match':
      return item.task.flaws.filter((f) => pair(f.id)?.adjudication !== 'no-match').map((f) => ({ flaw: f.id, verdict: 'no-match' as const }));
    case 'confirm':
      return item.matches.filter((m) => m.auto && m.adjudication === null).map((m) => ({ flaw: m.flaw, verdict: 'match' as const }));
    case 'clear':
      return item.matches.filter((m) => m.adjudication !== null).map((m) => ({ flaw: m.flaw, verdict: 'clear' as const }));
  }
}

/** The rulings in force after recording `rulings` on one report: the latest ruling of a pair wins, `clear` withdraws it. */
export function applyRulings(adjudications: readonly Adjudication[], review: string, report: ReportRef, rulings: readonly PairRuling[]): Adjudication[] {
  const map = new Map(adjudications.map((a) => [adjudicationKey(a.review, a.flaw, a.report), a]));
  for (const r of rulings) {
    const key = adjudicationKey(review, r.flaw, report);
    if (r.verdict === 'clear') map.delete(key);
    else map.set(key, { review, flaw: r.flaw, report, verdict: r.verdict });
  }
  return [...map.values()];
}

/** The flaw to show first for a report: the first it counts for, else the first it matches automatically, else the task's first. */
export function defaultFlaw(item: Pick<ReportItem, 'task' | 'matches' | 'counted'>): string | null {
  return item.counted[0] ?? item.matches.find((m) => m.auto)?.flaw ?? item.task.flaws[0]?.id ?? null;
}

/** A key of the matching screen: the keys that do it, what the sheet says, and the action. */
export interface MatchingKey {
  readonly keys: readonly string[];
  /** How the sheet writes the keys. */
  readonly shown: string;
  readonly label: string;
  readonly action: RulingAction | 'next' | 'previous' | 'flaw' | 'unruled';
}

/** The one key table: it drives the handler, the key sheet on screen and the buttons' `aria-keyshortcuts`. */
export const matchingKeys: readonly MatchingKey[] = [
  { keys: ['j', 'ArrowDown'], shown: 'j ↓', label: 'next report', action: 'next' },
  { keys: ['k', 'ArrowUp'], shown: 'k ↑', label: 'previous report', action: 'previous' },
  { keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'], shown: '1–9', label: 'choose a ground-truth flaw', action: 'flaw' },
  { keys: ['m'], shown: 'm', label: 'match: the report is the chosen flaw', action: 'match' },
  { keys: ['n'], shown: 'n', label: 'no match: the report is none of the flaws', action: 'no-match' },
  { keys: ['a'], shown: 'a', label: 'accept the automatic matches', action: 'confirm' },
  { keys: ['c'], shown: 'c', label: 'clear your rulings on the report', action: 'clear' },
  { keys: ['u'], shown: 'u', label: 'show only reports not yet ruled (or all)', action: 'unruled' },
];

/** The table entry for a pressed key, or undefined. */
export function keyFor(key: string): MatchingKey | undefined {
  return matchingKeys.find((k) => k.keys.includes(key));
}

/** `aria-keyshortcuts` of an action, from the table. */
export function shortcutsOf(action: MatchingKey['action']): string {
  return matchingKeys.find((k) => k.action === action)?.keys.join(' ') ?? '';
}
