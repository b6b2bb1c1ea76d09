import fs from 'node:fs';
import { expect, it } from 'vitest';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { importFile } from '../../../electron/backend/tasks/import.js';
import type { StudySettingsInput } from '../../../shared/study/settings.js';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { tempDb } from '../../helpers/db.js';

// The Saunders et al. (2022) helpfulness labels are labels only: no rating, no reject reason. As one
// evaluator's accept/reject records (helpful → accept), they import into a study created with
// `--rating off --reject-reason optional`, and are refused, by line and field, by a study with the
// default settings.

describeWithDatasets('Saunders labels as review records under study settings', ['openai-critiques.jsonl'], (dataset) => {
  function labelRecords(settings: StudySettingsInput | undefined): { db: ReturnType<typeof tempDb>['db']; content: string } {
    const file = dataset('openai-critiques.jsonl');
    const { db } = tempDb();
    importFile(db, file);
    createStudy(db, { name: 'labels', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'labeler' }], overlap: 1, seed: 2022, ...(settings ? { settings } : {}) });
    const tasks = new Map(
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { id: string; critiques?: { id: string; valid?: boolean }[] })
        .map((t) => [t.id, t]),
    );
    const start = Date.UTC(2022, 5, 1, 9);
    const lines = getStudy(db, 'labels').assignments.map((a, i) =>
      JSON.stringify({
        task: a.task,
        evaluator: 'labeler',
        study: 'labels',
        condition: 'assisted',
        started_at: new Date(start + i * 60_000).toISOString(),
        submitted_at: new Date(start + i * 60_000 + 30_000).toISOString(),
        active_seconds: 30,
        rating: null,
        skipped: null,
        decisions: (tasks.get(a.task)!.critiques ?? []).map((c) => ({ critique: c.id, verdict: c.valid ? 'accept' : 'reject' })),
        added: [],
      }),
    );
    return { db, content: `${lines.join('\n')}\n` };
  }

  it('import with --rating off --reject-reason optional: 5,507 decisions, 1,776 accepted, every rating null', () => {
    const { db, content } = labelRecords({ rating: 'off', rejectReason: 'optional' });
    const [r] = importResults(db, [{ fileName: 'saunders-labels.jsonl', content }]);
    expect(r, r!.error ?? '').toMatchObject({ status: 'merged', added: 961, conflicts: [] });
    const records = exportReviewRecords(db, { study: 'labels' });
    const decisions = records.flatMap((x) => x.decisions);
    expect(decisions).toHaveLength(5507);
    expect(decisions.filter((d) => d.verdict === 'accept')).toHaveLength(1776);
    expect(decisions.filter((d) => d.reason !== undefined)).toHaveLength(0);
    expect(records.every((x) => x.rating === null && x.ended_by === 'evaluator' && x.answer === null)).toBe(true);
  }, 120_000);

  it('the same records are refused whole by a study with the default settings, naming line and field', () => {
    const { db, content } = labelRecords(undefined);
    const [r] = importResults(db, [{ fileName: 'saunders-labels.jsonl', content }]);
    expect(r!.status).toBe('refused');
    expect(r!.error).toBe('saunders-labels.jsonl:1: rating: this study requires a rating (1–7) on every review an evaluator submits');
    expect(db.prepare('SELECT count(*) AS n FROM reviews').get()).toEqual({ n: 0 });
  }, 120_000);
});
