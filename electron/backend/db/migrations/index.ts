import type { Migration } from '../migration.js';
import { migration0001 } from './0001-tasks.js';
import { migration0002 } from './0002-reviews.js';
import { migration0003 } from './0003-studies.js';
import { migration0004 } from './0004-adjudications.js';
import { migration0005 } from './0005-integrity.js';
import { migration0006 } from './0006-import-batches.js';
import { migration0007 } from './0007-study-checks.js';
import { migration0008 } from './0008-evaluator-day.js';
import { migration0009 } from './0009-study-settings.js';
import { migration0010 } from './0010-task-search.js';
import { migration0011 } from './0011-study-housekeeping.js';
import { migration0012 } from './0012-critics.js';
import { migration0013 } from './0013-task-files.js';

/** Every migration in order; the last one's version is the schema version this build writes. */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
];
