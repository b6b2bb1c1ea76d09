import type { WritableDb } from '../../db/types.js';
import type { UploadRegistry } from '../../tasks/uploads.js';

/** What the handlers need to know about where they run. */
export interface HandlerContext {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
  /** Where UI uploads are kept (default: a new registry over `db`). */
  readonly uploads?: UploadRegistry;
}
