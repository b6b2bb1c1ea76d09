import { openDatabase } from '../../electron/backend/db/open.js';
import type { WritableDb } from '../../electron/backend/db/types.js';
import { tempDbPath } from './temp.js';

/** A migrated database in a real file in a temporary folder. */
export function tempDb(): { db: WritableDb; path: string } {
  const path = tempDbPath();
  return { db: openDatabase(path), path };
}
