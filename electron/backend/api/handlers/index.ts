import type { Handlers } from '../dispatch.js';
import { analysisHandlers } from './analysis.js';
import { appHandlers } from './app.js';
import type { HandlerContext } from './context.js';
import { reviewHandlers } from './review.js';
import { studyHandlers } from './studies.js';
import { taskHandlers } from './tasks.js';

export type { HandlerContext } from './context.js';

/** The back end's implementation of the contract, over one database: one line per domain. */
export function createHandlers(ctx: HandlerContext): Handlers {
  return {
    ...appHandlers(ctx),
    ...taskHandlers(ctx),
    ...reviewHandlers(ctx),
    ...studyHandlers(ctx),
    ...analysisHandlers(ctx),
  };
}
