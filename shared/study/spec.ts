import { z } from 'zod';
import { formatPolicy, parsePolicy } from '../policy.js';
import { StudySettingsInputSchema } from './settings.js';

/** A study, evaluator or condition identifier: letters, digits, `_`, `.` and `-`. */
export const IdentifierSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'use 1–64 letters, digits, "_", "." or "-", starting with a letter or digit');

/** A condition of a study: a name (never shown to evaluators) and a critique policy. */
export const ConditionSpecSchema = z
  .object({
    name: IdentifierSchema,
    policy: z.string().transform((text, ctx) => {
      try {
        return formatPolicy(parsePolicy(text));
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  })
  .strict();
/** A condition of a study. */
export type ConditionSpec = z.output<typeof ConditionSpecSchema>;

/** An evaluator of a study. */
export const EvaluatorSpecSchema = z.object({ id: IdentifierSchema, displayName: z.string().trim().min(1).max(200).optional() }).strict();
/** An evaluator of a study. */
export type EvaluatorSpec = z.output<typeof EvaluatorSpecSchema>;

/** Everything a researcher decides when creating a study. */
export const StudySpecSchema = z
  .object({
    name: IdentifierSchema,
    conditions: z.array(ConditionSpecSchema).min(1, 'a study needs at least one condition'),
    evaluators: z.array(EvaluatorSpecSchema).min(1, 'a study needs at least one evaluator'),
    overlap: z.number().int().min(1),
    seed: z.number().int().min(0).max(0xffff_ffff),
    /** Task ids in order; omitted: every task in the database, in import order. */
    tasks: z.array(z.string().min(1)).min(1).optional(),
    /** How evaluators review: rating, reasons, decide-all, instructions, categories, time limit, question (shared/study/settings.ts). Omitted: the defaults. */
    settings: StudySettingsInputSchema.optional(),
    /**
     * Where the study is reviewed: false (the default) only from packs, on the evaluators' own
     * machines; true only here, in this database's Review place (then no pack is issued). Never both,
     * so a review made here and one from a pack can never collide (docs/studies.md).
     */
    reviewHere: z.boolean().optional(),
    /** Whom evaluators send their results to (a name, an e-mail address): shown by their Assay. */
    researcher: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();
/** Everything a researcher decides when creating a study (as accepted from callers). */
export type StudySpecInput = z.input<typeof StudySpecSchema>;
/** A parsed study specification. */
export type StudySpec = z.output<typeof StudySpecSchema>;

/**
 * Parses the CLI's condition list `name:policy,name:policy` (e.g.
 * `unassisted:none,assisted:all,top3:top-3`). Throws an error naming the bad entry.
 */
export function parseConditionList(text: string): ConditionSpec[] {
  const entries = text.split(',').map((s) => s.trim());
  return entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`--conditions: entry ${i + 1} "${entry}": expected NAME:POLICY (e.g. assisted:all)`);
    const r = ConditionSpecSchema.safeParse({ name: entry.slice(0, colon).trim(), policy: entry.slice(colon + 1).trim() });
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`--conditions: entry ${i + 1} "${entry}": ${String(issue.path[0] ?? '')}: ${issue.message}`);
    }
    return r.data;
  });
}

/** Parses the CLI's evaluator list `a,b,c` or `a=Ann Lee,b=Bo`. Throws naming the bad entry. */
export function parseEvaluatorList(text: string): EvaluatorSpec[] {
  return text.split(',').map((raw, i) => {
    const entry = raw.trim();
    const eq = entry.indexOf('=');
    const id = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    const displayName = eq < 0 ? undefined : entry.slice(eq + 1).trim();
    const r = EvaluatorSpecSchema.safeParse(displayName === undefined ? { id } : { id, displayName });
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`--evaluators: entry ${i + 1} "${entry}": ${String(issue.path[0] ?? '')}: ${issue.message}`);
    }
    return r.data;
  });
}
