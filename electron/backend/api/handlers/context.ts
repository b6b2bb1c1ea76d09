import type { WritableDb } from '../../db/types.js';
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
}
