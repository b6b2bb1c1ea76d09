import type { WritableDb } from '../../db/types.js';
import type { CriticJobs } from '../../critic/jobs.js';
import type { ApiKeys } from '../../critic/keys.js';
import type { UploadRegistry } from '../../tasks/uploads.js';

/** What the handlers need to know about where they run. */
export interface HandlerContext {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
  /** Where UI uploads are kept (default: a new registry over `db`). */
  readonly uploads?: UploadRegistry;
  /** Where critic keys come from: this process's environment and, in the desktop app, the keychain. */
  readonly keys?: ApiKeys;
  /** Where critic runs started here live (default: one registry per context). */
  readonly criticJobs?: CriticJobs;
}
