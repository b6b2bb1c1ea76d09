import { z } from 'zod';
import { SETTINGS_FEATURES } from './study/settings.js';

// `requires`: the features a reader must understand to read a file (or a task line) at all. A
// writer that uses a feature whose meaning an older reader would get wrong if it ignored it lists
// it; a reader refuses what lists a feature it does not know, naming the Assay version that does
// (docs/studies.md, "Compatibility rule"; docs/task-format.md, "Versions").

/** The feature of multi-file code tasks (task format 1.1: `files`, anchors with `path`). */
export const MULTI_FILE_FEATURE = 'multi-file';

/** The first Assay version that understands {@link MULTI_FILE_FEATURE}. */
export const MULTI_FILE_SINCE = '0.2.0';

/**
 * The feature of results files holding a review whose log has a `reopened` event (a submitted or
 * skipped review made editable again, then finished again): an older reader cannot replay it.
 */
export const REOPEN_FEATURE = 'reopen';

/**
 * The features (names in `requires`) this version of Assay understands: `multi-file`, `reopen`, and
 * the study settings an older reader would apply wrongly (`SETTINGS_FEATURES` in ./study/settings.ts).
 */
export const KNOWN_FEATURES: ReadonlySet<string> = new Set<string>([MULTI_FILE_FEATURE, REOPEN_FEATURE, ...SETTINGS_FEATURES]);

/** One entry of `requires`. */
export const RequirementSchema = z.object({
  /** A feature name, e.g. "multi-file". */
  feature: z.string().min(1),
  /** The first Assay version that understands it, for the refusal message ("needs Assay ≥ 0.3.0"). */
  assay: z.string().min(1),
});

/** `requires`: features a reader must understand to read the file at all. */
export const RequiresSchema = z.array(RequirementSchema);
/** A `requires` list. */
export type Requires = z.infer<typeof RequiresSchema>;

/** The `requires` entry of the multi-file feature. */
export const multiFileRequirement = (): { feature: string; assay: string } => ({ feature: MULTI_FILE_FEATURE, assay: MULTI_FILE_SINCE });

/** The first entry of `raw.requires` that a reader knowing `known` does not understand, if any. */
export function unknownRequirement(raw: unknown, known: ReadonlySet<string> = KNOWN_FEATURES): { feature: string; assay: string } | null {
  if (raw === null || typeof raw !== 'object') return null;
  const requires = (raw as { requires?: unknown }).requires;
  if (!Array.isArray(requires)) return null;
  for (const r of requires) {
    const feature = (r as { feature?: unknown } | null)?.feature;
    const assay = (r as { assay?: unknown } | null)?.assay;
    if (typeof feature === 'string' && !known.has(feature)) return { feature, assay: typeof assay === 'string' ? assay : '(unknown)' };
  }
  return null;
}
