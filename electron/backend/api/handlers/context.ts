import type { WritableDb } from '../../db/types.js';

/** What the handlers need to know about where they run. */
export interface HandlerContext {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
}
