import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importResults } from '../../../electron/backend/studies/results.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { StudyDataSchema } from '../../../shared/contract/analysis.js';
import { computeMetrics, matchStudy } from '../../../shared/metrics/compute.js';
import { reviewChangeRecord, reviewChangeStudyTask } from '../../fixtures/review-change.js';
import { tempDir } from '../../helpers/temp.js';

// The renderer's dashboard and matching screen compute from `analysis:data` as the contract lets it
// through. If the contract dropped a field the metrics read (an anchor's file), the screens would
// match a flaw on one file with a report on the same lines of another, while the CLI would not.
describe('analysis:data carries everything the metrics read', () => {
  it('a multi-file study matches and measures the same after the contract as before it (anchors keep their file)', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    // f2 (tests/test_invoice.py lines 1–2) and the evaluator's own1 are on the same lines of different files: they must not match
    const task = reviewChangeStudyTask;
    importTasks(db, [task]);
    createStudy(db, { name: 'pr', tasks: [task.id], conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 });
    const record = reviewChangeRecord([], [{ id: 'own1', description: 'Lines 1–2, but of another file', anchor: { path: 'billing/invoice.py', lines: [1, 2] } }]);
    const [report] = importResults(db, [{ fileName: 'r.jsonl', content: JSON.stringify(record) }]);
    expect(report?.status).toBe('merged');
    const data = loadStudyData(db, 'pr').data;
    const passed = StudyDataSchema.parse(JSON.parse(JSON.stringify(data)));
    expect(passed.reviews[0]!.added[0]!.anchor?.path).toBe('billing/invoice.py');
    expect(passed.tasks[0]!.flaws.find((f) => f.id === 'f2')!.anchor?.path).toBe('tests/test_invoice.py');
    const matched = (d: typeof data) => [...matchStudy(d).values()].map((m) => JSON.stringify(m));
    expect(matched(passed as typeof data)).toEqual(matched(data));
    const caught = (d: typeof data) => computeMetrics(d).conditions['assisted']!.caught_per_review.value;
    expect(caught(passed as typeof data)).toBe(caught(data));
    expect(caught(data)).toBe(0); // own1 is on invoice.py: it catches neither f1 (other lines) nor f2 (other file)
    db.close();
  });
});
