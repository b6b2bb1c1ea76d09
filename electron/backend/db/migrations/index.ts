import type { Migration } from '../migration.js';
import { migration0001 } from './0001-tasks.js';

/** Every migration in order; the last one's version is the schema version this build writes. */
export const migrations: readonly Migration[] = [migration0001];
