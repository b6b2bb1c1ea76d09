import { z } from 'zod';

/**
 * A resolved place in a text: UTF-16 offsets (what the DOM and Monaco use) and 1-based lines, on a
 * side of a diff and — in a multi-file task — in the file `path` (null otherwise).
 */
export const TextRangeSchema = z.object({
  start16: z.number().int().nonnegative(),
  end16: z.number().int().nonnegative(),
  lines: z.tuple([z.number().int().min(1), z.number().int().min(1)]),
  side: z.enum(['output', 'base']),
  path: z.string().nullable(),
});
/** A resolved place in a text. */
export type TextRange = z.infer<typeof TextRangeSchema>;
