import path from 'node:path';
import { AppError } from '../../shared/result.js';
import { packageRoot } from './paths.js';
import { formatErrors, importFile, type ImportSummary } from './tasks/import.js';
import type { WritableDb } from './db/types.js';

/** The demo task package shipped in assets/ (authored for Assay, not third-party data). */
export function demoPackagePath(): string {
  return path.join(packageRoot(), 'assets', 'demo', 'demo-tasks.jsonl');
}

/** Loads the demo tasks with the real importer; loading twice changes nothing. */
export function loadDemo(db: WritableDb): ImportSummary {
  const file = demoPackagePath();
  const report = importFile(db, file, { label: path.basename(file) });
  if (report.errorCount > 0) throw new AppError('internal', `The demo package is invalid:\n${formatErrors(report)}`);
  return { tasks: report.tasks, critiques: report.critiques, flaws: report.flaws, unchanged: report.unchanged };
}
