import type { StudySettingsInput } from '../../../shared/study/settings.js';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { tempDir } from '../../helpers/temp.js';

/** A decision of a review record. */
export type Decision = { critique: string; verdict: 'accept' | 'reject'; reason?: string; edited_text?: string };

/** What one evaluator did on one task. */
export interface ReviewPlan {
  readonly decisions?: readonly Decision[];
  readonly added?: readonly Record<string, unknown>[];
  readonly rating?: number | null;
  readonly skipped?: string;
}

/**
 * Creates study `name` over `tasks` (ids) with the given conditions and evaluators, then merges one
 * review record per assignment that `plan` returns a plan for (through the review-record path of
 * `assay results import`, as a researcher would). Returns the assignments.
 */
export function studyWithReviews(
  db: WritableDb,
  options: {
    name: string;
    tasks?: readonly string[];
    conditions?: readonly { name: string; policy: string }[];
    evaluators: readonly string[];
    overlap?: number;
    seed?: number;
    settings?: StudySettingsInput;
  },
  plan: (a: { task: string; evaluator: string; condition: string; position: number }) => ReviewPlan | null,
): { task: string; evaluator: string; condition: string; position: number }[] {
  createStudy(db, {
    name: options.name,
    conditions: [...(options.conditions ?? [{ name: 'assisted', policy: 'all' }])],
    evaluators: options.evaluators.map((id) => ({ id })),
    overlap: options.overlap ?? 1,
    seed: options.seed ?? 1,
    ...(options.tasks ? { tasks: [...options.tasks] } : {}),
    ...(options.settings ? { settings: options.settings } : {}),
  });
  const assignments = getStudy(db, options.name).assignments;
  const lines: string[] = [];
  assignments.forEach((a, i) => {
    const p = plan(a);
    if (!p) return;
    const start = Date.UTC(2026, 0, 5, 9, 0, i);
    lines.push(
      JSON.stringify({
        task: a.task,
        evaluator: a.evaluator,
        study: options.name,
        condition: a.condition,
        started_at: new Date(start).toISOString(),
        submitted_at: new Date(start + 90_000).toISOString(),
        active_seconds: 60,
        rating: p.skipped ? null : p.rating === undefined ? 4 : p.rating,
        skipped: p.skipped ? { reason: p.skipped } : null,
        decisions: p.decisions ?? [],
        added: p.added ?? [],
      }),
    );
  });
  if (lines.length > 0) {
    const [report] = importResults(db, [{ fileName: 'records.jsonl', content: lines.join('\n') }]);
    expect(report!.status, report!.error ?? '').toBe('merged');
  }
  return assignments;
}

/** Writes `content` to a new file called `name` in a fresh temporary folder. */
export function writeTemp(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}
