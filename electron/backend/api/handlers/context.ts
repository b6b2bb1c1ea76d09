import type { WritableDb } from '../../db/types.js';
import type { CriticJobs } from '../../critic/jobs.js';
import type { ApiKeys } from '../../critic/keys.js';
import type { SaveFile } from '../../studies/exports.js';
import type { UploadRegistry } from '../../tasks/uploads.js';

/** What the handlers need to know about where they run. */
export interface HandlerContext {
  readonly db: WritableDb;
  readonly dbPath: string;
  readonly host: 'desktop' | 'browser';
  /** The desktop app's save dialog (writes the file); absent in browser mode, where the page downloads instead. */
  readonly saveFile?: SaveFile;
  /** Where UI uploads are kept (default: a new registry over `db`). */
  readonly uploads?: UploadRegistry;
  /** Where critic keys come from: this process's environment and, in the desktop app, the keychain. */
  readonly keys?: ApiKeys;
  /** Where critic runs started here live (default: one registry per context). */
  readonly criticJobs?: CriticJobs;
}
