import { z } from 'zod';

/** Severity of a critique or flaw. */
export const SeveritySchema = z.enum(['minor', 'major', 'critical']);
/** Severity of a critique or flaw. */
export type Severity = z.infer<typeof SeveritySchema>;

/** `{start, end}`: a half-open range of Unicode code points. */
export const RangeAnchorSchema = z
  .object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
  .strict()
  .refine((a) => a.start < a.end, { message: 'start must be less than end', path: ['end'] });
/** `{quote, prefix?, suffix?}`: W3C TextQuoteSelector semantics. */
export const QuoteAnchorSchema = z
  .object({ quote: z.string().min(1), prefix: z.string().optional(), suffix: z.string().optional() })
  .strict();
/** `{lines: [first, last], side?}`: 1-based inclusive lines. */
export const LinesAnchorSchema = z
  .object({
    lines: z
      .tuple([z.number().int().min(1), z.number().int().min(1)])
      .refine(([a, b]) => a <= b, { message: 'first line must not be after last line' }),
    side: z.enum(['output', 'base']).optional(),
  })
  .strict();

/** An anchor: exactly one of a code-point range, a quote, or a line range. */
export const AnchorSchema = z.union([RangeAnchorSchema, QuoteAnchorSchema, LinesAnchorSchema]);
/** An anchor as written in a task package. */
export type Anchor = z.infer<typeof AnchorSchema>;

/** Evidence for a critique: a place in `context.document`. */
export const EvidenceSchema = z.object({ anchor: AnchorSchema, note: z.string().optional() }).strict();

/** A model-written critique of the output. */
export const CritiqueSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    score: z.number().finite().optional(),
    model: z.string().optional(),
    evidence: z.array(EvidenceSchema).optional(),
    valid: z.boolean().optional(),
  })
  .passthrough();
/** A model-written critique as written in a task package. */
export type CritiqueInput = z.infer<typeof CritiqueSchema>;

/** A ground-truth flaw: never shown to evaluators. */
export const FlawSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().min(1),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    critiques: z.array(z.string()).optional(),
  })
  .passthrough();
/** A ground-truth flaw as written in a task package. */
export type FlawInput = z.infer<typeof FlawSchema>;

/** One section of a decomposition of a long source (Wu et al. 2021). */
export const SectionSchema = z
  .object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() })
  .passthrough();

/** What the evaluator sees beside the output. */
export const ContextSchema = z
  .object({
    document: z.string().optional(),
    query: z.string().optional(),
    problem: z.string().optional(),
    sections: z.array(SectionSchema).optional(),
  })
  .passthrough();

/** A task of task package format v1 (one JSON object per line). See docs/task-format.md. */
export const TaskSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['summary', 'code']),
    title: z.string().optional(),
    output: z.string(),
    context: ContextSchema.optional(),
    language: z.string().optional(),
    base: z.string().optional(),
    critiques: z.array(CritiqueSchema).optional(),
    flaws: z.array(FlawSchema).optional(),
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();
/** A task as written in a task package. */
export type TaskInput = z.infer<typeof TaskSchema>;
