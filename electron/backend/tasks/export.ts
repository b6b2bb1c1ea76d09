import type { AnyDb } from '../db/types.js';
import { visibleTask } from './staging.js';

/** Export formats of `assay export tasks`. */
export const exportFormats = ['jsonl'] as const;
/** An export format. */
export type ExportFormat = (typeof exportFormats)[number];

/**
 * Writes every task back as a task package (JSON Lines, import order), each line exactly the JSON
 * the task was imported from (`source_json`), so importing the export and exporting again gives the
 * same bytes. Streams: `write` receives chunks of about `chunkBytes`.
 */
export function exportTasks(db: AnyDb, write: (chunk: string) => void, options: { readonly chunkBytes?: number } = {}): { tasks: number } {
  const limit = options.chunkBytes ?? 1024 * 1024;
  let pending: string[] = [];
  let size = 0;
  let tasks = 0;
  for (const row of db.prepare(`SELECT t.source_json FROM tasks t WHERE ${visibleTask('t')} ORDER BY t.seq`).iterate() as Iterable<{ source_json: string }>) {
    pending.push(row.source_json, '\n');
    size += row.source_json.length + 1;
    tasks++;
    if (size >= limit) {
      write(pending.join(''));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) write(pending.join(''));
  return { tasks };
}
