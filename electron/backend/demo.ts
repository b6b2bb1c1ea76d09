import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './paths.js';
import { importTasks, type ImportSummary } from './tasks/import.js';
import type { WritableDb } from './db/types.js';

/** The demo task package shipped in assets/ (authored for Assay, not third-party data). */
export function demoPackagePath(): string {
  return path.join(packageRoot(), 'assets', 'demo', 'demo-tasks.jsonl');
}

/** Loads the demo tasks; loading twice changes nothing. */
export function loadDemo(db: WritableDb): ImportSummary {
  const file = demoPackagePath();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const tasks = lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  return importTasks(db, tasks, path.basename(file));
}
