import { z } from 'zod';
import { op } from './op.js';

const AnchorSchema = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  lines: z.tuple([z.number().int(), z.number().int()]),
  side: z.enum(['output', 'base']),
  /** The file, in a multi-file task: matching is per file, so the renderer's metrics need it. */
  path: z.string().optional(),
});
const ReportRefSchema = z.object({ kind: z.enum(['critique', 'added']), id: z.string().min(1).max(200) }).strict();

/** A study's rows for the metrics (shared/metrics/types.ts `StudyData`): the researcher's view. */
export const StudyDataSchema = z.object({
  study: z.string(),
  question: z.string().nullable().optional(),
  conditions: z.array(z.object({ name: z.string(), policy: z.string() })),
  tasks: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['summary', 'code']),
      title: z.string().nullable().optional(),
      critiques: z.array(
        z.object({
          id: z.string(),
          valid: z.boolean().nullable(),
          severity: z.string().nullable().optional(),
          category: z.string().nullable().optional(),
          text: z.string().optional(),
        }),
      ),
      flaws: z.array(
        z.object({
          id: z.string(),
          anchor: AnchorSchema.nullable(),
          severity: z.string().nullable(),
          category: z.string().nullable(),
          critiques: z.array(z.string()),
          description: z.string().optional(),
          quote: z.string().nullable().optional(),
        }),
      ),
    }),
  ),
  reviews: z.array(
    z.object({
      id: z.string(),
      task: z.string(),
      evaluator: z.string(),
      condition: z.string(),
      shown: z.array(z.string()),
      decisions: z.array(
        z.object({
          critique: z.string(),
          verdict: z.enum(['accept', 'reject']),
          reason: z.string().nullable().optional(),
          edited: z.boolean().optional(),
          /** The evaluator's own text of an edited critique. */
          editedText: z.string().optional(),
        }),
      ),
      added: z.array(
        z.object({
          id: z.string(),
          anchor: AnchorSchema.nullable(),
          description: z.string().optional(),
          severity: z.string().nullable().optional(),
          category: z.string().nullable().optional(),
          quote: z.string().nullable().optional(),
        }),
      ),
      rating: z.number().nullable(),
      activeSeconds: z.number().nullable(),
      position: z.number().int().nullable(),
      skipped: z.boolean(),
      submitted: z.boolean(),
      answer: z.boolean().nullable().optional(),
      confidence: z.number().min(50).max(100).nullable().optional(),
      endedBy: z.enum(['evaluator', 'time-limit']).optional(),
    }),
  ),
  adjudications: z.array(z.object({ review: z.string(), flaw: z.string(), report: ReportRefSchema, verdict: z.enum(['match', 'no-match']) })),
});

/** Operations of the analysis (researcher-facing: they return ground truth). */
export const analysisOps = {
  'analysis:data': op(
    "A study's rows for the metrics: conditions, tasks with critiques' labels and ground-truth flaws, finished reviews, adjudications.",
    z.object({ study: z.string().min(1).max(200) }).strict(),
    StudyDataSchema,
  ),
  'analysis:adjudicate': op(
    'Records a ruling on whether a report of a review is a ground-truth flaw (match, no-match, or clear to withdraw).',
    z
      .object({
        study: z.string().min(1).max(200),
        review: z.string().min(1).max(40),
        flaw: z.string().min(1).max(200),
        report: ReportRefSchema,
        verdict: z.enum(['match', 'no-match', 'clear']),
        note: z.string().max(2000).optional(),
      })
      .strict(),
    z.object({ seq: z.number().int().positive() }),
  ),
  'analysis:rule': op(
    'Records the rulings on one report of a review against several ground-truth flaws at once (one transaction: all or none).',
    z
      .object({
        study: z.string().min(1).max(200),
        review: z.string().min(1).max(40),
        report: ReportRefSchema,
        rulings: z
          .array(z.object({ flaw: z.string().min(1).max(200), verdict: z.enum(['match', 'no-match', 'clear']) }).strict())
          .min(1)
          .max(200),
      })
      .strict(),
    z.object({ seqs: z.array(z.number().int().positive()) }),
  ),
} as const;
