import type { WritableDb } from './types.js';

/** A numbered schema change. Never edit a shipped migration: add the next one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration transaction, or a function for changes SQL alone can't express. */
  readonly up: string | ((db: WritableDb) => void);
}
