import type { TaskTexts } from '../../../shared/anchors.js';
import type { TaskFile } from '../../../shared/task-files.js';

/** The columns of a task row that hold its texts. */
export interface TaskTextColumns {
  readonly output: string;
  readonly base: string | null;
  /** Multi-file tasks (migration 13): the files as the importer wrote them; NULL otherwise. */
  readonly files_json?: string | null;
}

/** The files of a task row, or null for a single-file task. */
export function rowFiles(row: TaskTextColumns): TaskFile[] | null {
  return row.files_json ? (JSON.parse(row.files_json) as TaskFile[]) : null;
}

/** The texts of a task row that anchors point into: its output and base, or its files. */
export function rowTexts(row: TaskTextColumns): TaskTexts {
  return { output: row.output, base: row.base, files: rowFiles(row) };
}
