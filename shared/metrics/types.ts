import type { ResolvedAnchor } from '../anchors.js';

/** An anchor as the metrics need it: resolved against the output (or `base`), or a file of a multi-file task (`path`). */
export type MetricAnchor = Pick<ResolvedAnchor, 'start' | 'end' | 'lines' | 'side' | 'path'>;

/** A model critique of a task, with its ground-truth label. */
export interface MetricCritique {
  readonly id: string;
  /** `valid` from the task package; null when the package does not say. */
  readonly valid: boolean | null;
  readonly severity?: string | null;
  readonly category?: string | null;
  /** The critique's text, for the matching screen. */
  readonly text?: string;
}

/** A ground-truth flaw of a task. */
export interface MetricFlaw {
  readonly id: string;
  readonly anchor: MetricAnchor | null;
  readonly severity: string | null;
  readonly category: string | null;
  /** Ids of the critiques that describe this flaw (`flaws[].critiques`). */
  readonly critiques: readonly string[];
  /** For display: the flaw's description and the output text its anchor covers. */
  readonly description?: string;
  readonly quote?: string | null;
}

/** A task: its critiques and its ground-truth flaws. */
export interface MetricTask {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly title?: string | null;
  readonly critiques: readonly MetricCritique[];
  readonly flaws: readonly MetricFlaw[];
}

/** An evaluator's verdict on one shown critique. */
export interface MetricDecision {
  readonly critique: string;
  readonly verdict: 'accept' | 'reject';
  readonly reason?: string | null;
  /** True when the evaluator edited the critique's text (accepted-with-edit). */
  readonly edited?: boolean;
  /** The evaluator's text of an edited critique (what they accepted), for display. */
  readonly editedText?: string;
}

/** A flaw the evaluator added (one the model did not point out, or their own wording). */
export interface MetricAddedFlaw {
  readonly id: string;
  readonly anchor: MetricAnchor | null;
  readonly description?: string;
  readonly severity?: string | null;
  readonly category?: string | null;
  /** For display: the output text the anchor covers. */
  readonly quote?: string | null;
}

/** One review: a task seen by an evaluator under a condition. */
export interface MetricReview {
  /** Unique within the study. */
  readonly id: string;
  readonly task: string;
  readonly evaluator: string;
  readonly condition: string;
  /** Ids of the critiques the condition's policy showed (empty for `none`). */
  readonly shown: readonly string[];
  readonly decisions: readonly MetricDecision[];
  readonly added: readonly MetricAddedFlaw[];
  /** 1–7, or null when not rated. */
  readonly rating: number | null;
  readonly activeSeconds: number | null;
  /** 1-based position in the evaluator's queue; null when unknown. */
  readonly position: number | null;
  /** Skipped reviews are kept for the record but excluded from every figure. */
  readonly skipped: boolean;
  /** Submitted reviews count; drafts (false) are excluded. */
  readonly submitted: boolean;
  /** The answer to the study's yes/no question (true = the output is flawed); null or absent: none. */
  readonly answer?: boolean | null;
  /** The confidence in `answer`, 50–100; null or absent: none. */
  readonly confidence?: number | null;
  /** Who ended the review: the evaluator, or the study's time limit (absent: the evaluator). */
  readonly endedBy?: 'evaluator' | 'time-limit';
}

/** What an evaluator reported: an accepted critique, or a flaw they added. */
export interface ReportRef {
  readonly kind: 'critique' | 'added';
  readonly id: string;
}

/** A researcher's ruling on whether a report of a review is a ground-truth flaw. */
export interface Adjudication {
  readonly review: string;
  readonly flaw: string;
  readonly report: ReportRef;
  readonly verdict: 'match' | 'no-match';
}

/** A condition of a study: a name and its critique policy (`none`, `all`, `top-K`, `valid-only`). */
export interface MetricCondition {
  readonly name: string;
  readonly policy: string;
}

/** Everything the metrics are computed from: the rows the database feeds. */
export interface StudyData {
  readonly study: string;
  /** The study's yes/no question (yes = the output is flawed); null or absent: it asks none, and there are no calibration figures. */
  readonly question?: string | null;
  readonly conditions: readonly MetricCondition[];
  readonly tasks: readonly MetricTask[];
  readonly reviews: readonly MetricReview[];
  readonly adjudications: readonly Adjudication[];
}
