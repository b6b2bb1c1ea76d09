import type { AnyDb } from '../../db/types.js';
import type { Handlers } from '../dispatch.js';
import { analysisHandlers, analysisReadHandlers } from './analysis.js';
import { appHandlers } from './app.js';
import { criticHandlers, criticReadHandlers } from './critic.js';
import type { HandlerContext } from './context.js';
import { reviewHandlers, reviewReadHandlers } from './review.js';
import { studyHandlers, studyReadHandlers } from './studies.js';
import { taskHandlers, taskReadHandlers } from './tasks.js';

export type { HandlerContext } from './context.js';

/**
 * The back end's implementation of the contract, over one database, every operation run where it
 * is called: one line per domain. The app and browser mode use {@link createBackend} (backend.ts),
 * which sends long operations to worker threads running these same handlers.
 */
export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...taskHandlers(ctx),
    ...reviewHandlers(ctx),
    ...studyHandlers(ctx),
    ...analysisHandlers(ctx),
    ...criticHandlers(ctx),
  };
}

/** Handlers that only read, over any connection (the read worker's is read-only). */
export function readHandlers(db: AnyDb): ReadHandlers {
  return {
    ...taskReadHandlers(db),
    ...reviewReadHandlers(db),
    ...studyReadHandlers(db),
    ...analysisReadHandlers(db),
    ...criticReadHandlers(db),
  };
}

/** The operations {@link readHandlers} implements. */
export type ReadHandlers = ReturnType<typeof taskReadHandlers> &
  ReturnType<typeof reviewReadHandlers> &
  ReturnType<typeof studyReadHandlers> &
  ReturnType<typeof analysisReadHandlers> &
  ReturnType<typeof criticReadHandlers>;
