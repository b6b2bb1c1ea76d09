import type { TaskTexts } from '../anchors.js';
import type { TaskView } from '../contract/tasks.js';

/** The texts of a task as the review screen gets it (the contract's TaskView): what its anchors point into. */
export function viewTexts(task: Pick<TaskView, 'output' | 'base' | 'files'>): TaskTexts {
  return {
    output: task.output,
    base: task.base,
    files: task.files
      ? task.files.map((f) => ({
          path: f.path,
          output: f.output,
          ...(f.base !== null ? { base: f.base } : {}),
          ...(f.language !== null ? { language: f.language } : {}),
          ...(f.deleted ? { deleted: true } : {}),
          ...(f.renamedFrom !== null ? { renamed_from: f.renamedFrom } : {}),
        }))
      : null,
  };
}
