import type { Migration } from '../migration.js';

/**
 * Multi-file code tasks (issue 14, task format 1.1): `tasks.files_json` holds a task's files
 * (`[{path, output, base?, language?, deleted?, renamed_from?}]`, the known fields only, in the
 * task's order); such a task has an empty `output` and no `base`. NULL for every other task.
 * Self-contained: one new column (numbered 13 at the merge: 9–12 belong to other branches).
 */
export const migration0013: Migration = {
  version: 13,
  name: 'task-files',
  up: `
    ALTER TABLE tasks ADD COLUMN files_json TEXT;
  `,
};
