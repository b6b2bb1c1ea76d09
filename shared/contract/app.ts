import { z } from 'zod';
import { op } from './op.js';

/** Operations about the application itself. */
export const appOps = {
  'app:info': op(
    'Version, database location and counts; used on start-up.',
    z.object({}).strict(),
    z.object({
      version: z.string(),
      dbPath: z.string(),
      schemaVersion: z.number().int(),
      taskCount: z.number().int().nonnegative(),
      host: z.enum(['desktop', 'browser']),
    }),
  ),
  'demo:load': op(
    'Loads the built-in demo tasks (idempotent).',
    z.object({}).strict(),
    z.object({ tasks: z.number().int().nonnegative(), unchanged: z.number().int().nonnegative() }),
  ),
} as const;
