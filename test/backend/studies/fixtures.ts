import type { WritableDb } from '../../../electron/backend/db/types.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';

/** Words that must never reach an evaluator's pack: flaws, decoy markers, meta, model names. */
export const secrets = {
  flaw: 'PLANTED-FLAW-DESCRIPTION',
  meta: 'META-SECRET-VALUE',
  model: 'critic-model-SECRET',
  extraContext: 'EXTRA-CONTEXT-SECRET',
  extraCritiqueField: 'EXTRA-CRITIQUE-FIELD-SECRET',
} as const;

/** `n` summary tasks, each with four critiques: scores 0.9/0.5/0.7/0.1, the last a decoy (valid: false). */
export function studyTasks(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `task-${i + 1}`,
    kind: 'summary',
    title: `Task ${i + 1}`,
    output: `The council approved the footbridge closure ${i + 1}. It reopens in spring.`,
    context: { document: `Full report number ${i + 1}. The closure was approved in March.`, query: 'What happened?', secret_note: secrets.extraContext },
    critiques: [
      { id: 'c1', text: `Wrong month in task ${i + 1}`, anchor: { quote: 'spring' }, score: 0.9, valid: true, model: secrets.model, severity: 'major' },
      { id: 'c2', text: 'Missing the vote count', score: 0.5, valid: true, model: secrets.model, hidden_field: secrets.extraCritiqueField },
      { id: 'c3', text: 'Name of the council omitted', score: 0.7, model: secrets.model },
      { id: 'c4', text: 'Decoy: claims a wrong date', score: 0.1, valid: false, model: secrets.model },
    ],
    flaws: [{ id: 'f1', description: `${secrets.flaw} ${i + 1}`, anchor: { quote: 'spring' }, severity: 'major' }],
    meta: { source: secrets.meta },
  }));
}

/** Imports {@link studyTasks} into `db`. */
export function loadStudyTasks(db: WritableDb, n: number): void {
  importTasks(db, studyTasks(n), 'fixture.jsonl');
}
