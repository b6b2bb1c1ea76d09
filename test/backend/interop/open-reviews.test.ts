// An open review — started and never submitted, or submitted, reopened and not submitted again — is
// not data yet (docs/metrics.md "Which reviews count"; the training card: "open reviews are never
// exported"). These tests review a study in its own database the way the review screen does
// (review:begin, then logged events), leave reviews open in both ways with text that appears nowhere
// else, and read every export and the metrics through the command line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { readParquetWithDuckDb } from '../../helpers/duckdb.js';
import { startReview } from '../../helpers/review.js';
import { tempDir } from '../../helpers/temp.js';

const OPEN = { edit: 'OPEN-EDIT-SECRET', added: 'OPEN-ADDED-SECRET' };
const REOPENED = { edit: 'REOPENED-EDIT-SECRET', added: 'REOPENED-ADDED-SECRET', first: 'FIRST-SUBMISSION-SECRET' };

/** Four summary tasks, each with a valid anchored critique, an unanchored one and a decoy. */
function tasks(): Record<string, unknown>[] {
  return Array.from({ length: 4 }, (_v, i) => ({
    id: `t${i + 1}`,
    kind: 'summary',
    output: `Report ${i + 1}: the council closed the bridge for a year.`,
    context: { document: `Source ${i + 1}: the bridge closes for six months.`, query: 'What happened?' },
    critiques: [
      { id: 'good', text: 'Six months, not a year.', anchor: { quote: 'for a year' }, valid: true },
      { id: 'vague', text: 'Too vague.', valid: true },
      { id: 'decoy', text: 'The council did not meet.', anchor: { quote: 'council' }, valid: false },
    ],
    flaws: [{ id: 'f1', description: 'The duration is wrong.', anchor: { quote: 'for a year' }, critiques: ['good'] }],
  }));
}

/**
 * Ann and Bo review all four tasks here (one assisted condition, overlap 2). Per evaluator: item 1
 * submitted; item 2 started and left open with an edit and an added flaw; item 3 submitted (with
 * text that only that first submission has), then reopened, changed and left open; item 4 never
 * opened. So 2 reviews are submitted, 4 are open.
 */
function setUp(): { dbPath: string; db: WritableDb } {
  const { db, path: dbPath } = tempDb();
  importTasks(db, tasks());
  createStudy(db, { name: 'open', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }, { id: 'bo' }], overlap: 2, seed: 3, reviewHere: true });
  let t = Date.UTC(2026, 2, 2, 9);
  for (const evaluator of ['ann', 'bo']) {
    const items = getQueue(db, evaluator)
      .filter((q) => q.study === 'open')
      .map((q) => q.id);
    expect(items).toHaveLength(4);
    /** Begins item `item` as the review screen does and logs `events` (critiques named by their text, as the evaluator sees them). */
    const act = (item: number, events: (ids: Record<string, string>) => ReviewEvent[]): void => {
      const view = startReview(db, evaluator, item, (t += 1000));
      const ids = Object.fromEntries(view.critiques!.map((c) => [c.text, c.id]));
      let seq = view.review!.events.length;
      for (const event of events(ids)) {
        seq = recordEvent(db, { evaluator, review: view.review!.id, expectedSeq: seq, clientEventId: `${evaluator}-${item}-${seq}-xxxx`, clientTime: t, activeMs: 1000, event }, (t += 1000)).seq;
      }
    };
    const decideAll = (ids: Record<string, string>, edit?: string): ReviewEvent[] => [
      { type: 'decision-recorded', critique: ids['Six months, not a year.']!, verdict: 'accept', ...(edit ? { editedText: edit } : {}) },
      { type: 'decision-recorded', critique: ids['Too vague.']!, verdict: 'reject', reason: 'nitpick' },
      { type: 'decision-recorded', critique: ids['The council did not meet.']!, verdict: 'reject', reason: 'incorrect' },
      { type: 'rating-set', rating: 3 },
    ];
    const [submitted, open, reopened] = items;
    act(submitted!, (ids) => [...decideAll(ids), { type: 'submitted' }]);
    act(open!, (ids) => [...decideAll(ids, OPEN.edit), { type: 'flaw-added', flaw: { id: 'o1', description: OPEN.added, anchor: { quote: 'bridge' } } }]);
    act(reopened!, (ids) => [...decideAll(ids, REOPENED.first), { type: 'submitted' }]);
    act(reopened!, (ids) => [
      { type: 'reopened' },
      { type: 'decision-recorded', critique: ids['Six months, not a year.']!, verdict: 'accept', editedText: REOPENED.edit },
      { type: 'decision-recorded', critique: ids['The council did not meet.']!, verdict: 'accept' },
      { type: 'flaw-added', flaw: { id: 'r1', description: REOPENED.added, anchor: { quote: 'Report' } } },
    ]);
  }
  const status = db.prepare(`SELECT r.status, count(*) AS n FROM reviews r GROUP BY r.status ORDER BY r.status`).all();
  expect(status).toEqual([
    { status: 'open', n: 4 },
    { status: 'submitted', n: 2 },
  ]);
  return { dbPath, db };
}

/** The (task, evaluator) pairs of the submitted reviews. */
function submittedPairs(db: WritableDb): string[] {
  return (
    db
      .prepare(`SELECT q.task_id AS task, q.evaluator_id AS evaluator FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE r.status = 'submitted'`)
      .all() as { task: string; evaluator: string }[]
  )
    .map((r) => `${r.task}/${r.evaluator}`)
    .sort();
}

function readJsonl(file: string): Record<string, unknown>[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const secrets = [...Object.values(OPEN), ...Object.values(REOPENED)];

function expectNoOpenText(text: string, where: string): void {
  for (const s of secrets) expect(text, `${where} holds "${s}"`).not.toContain(s);
}

describe('open reviews are not data', () => {
  it('assay export training (every kind, JSON Lines and Parquet): rows of submitted reviews only; a started or reopened-and-unsubmitted review adds nothing', async () => {
    const { dbPath, db } = setUp();
    const submitted = submittedPairs(db);
    expect(submitted).toHaveLength(2);
    db.close();
    for (const kind of ['critique-labels', 'preference', 'critique-sft']) {
      const out = path.join(tempDir(), 'ds');
      const r = await captureCli(['export', 'training', '--study', 'open', '--kind', kind, '--out', out, '--db', dbPath]);
      expect(r.code, r.err).toBe(0);
      const rows = readJsonl(path.join(out, 'data.jsonl'));
      expectNoOpenText(fs.readFileSync(path.join(out, 'data.jsonl'), 'utf8'), `${kind} data.jsonl`);
      expect([...new Set(rows.map((x) => `${String(x['task'])}/${String(x['evaluator'])}`))].sort(), kind).toEqual(submitted);
      // per submitted review: 3 shown critiques; 1 accepted × 2 rejected pairs; one corrected list
      expect(rows, kind).toHaveLength({ 'critique-labels': 3, preference: 2, 'critique-sft': 1 }[kind]! * submitted.length);
      const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
      expect(card).toContain('Reviews: 2 submitted (used), 0 skipped (not used); open reviews are never exported.');
    }
    // Parquet, read back by DuckDB: the same rows
    for (const kind of ['critique-labels', 'critique-sft']) {
      const out = path.join(tempDir(), 'pq');
      const r = await captureCli(['export', 'training', '--study', 'open', '--kind', kind, '--format', 'parquet', '--out', out, '--db', dbPath]);
      expect(r.code, r.err).toBe(0);
      const rows = await readParquetWithDuckDb(path.join(out, 'data.parquet'));
      expect(rows, kind).toHaveLength((kind === 'critique-sft' ? 1 : 3) * submitted.length);
      expectNoOpenText(JSON.stringify(rows), `${kind} parquet`);
      expect([...new Set(rows.map((x) => `${String(x['task'])}/${String(x['evaluator'])}`))].sort(), kind).toEqual(submitted);
    }
  });

  it('every other export and the metrics leave them out too (review records, tidy tables, Label Studio, Prodigy, W3C, SARIF)', async () => {
    const { dbPath, db } = setUp();
    const submitted = submittedPairs(db);
    db.close();
    const run = async (...argv: string[]): Promise<string> => {
      const r = await captureCli([...argv, '--db', dbPath]);
      expect(r.code, `${argv.join(' ')}: ${r.err}`).toBe(0);
      return r.out;
    };
    const records = (await run('export', 'reviews', '--study', 'open'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { task: string; evaluator: string });
    expect(records.map((x) => `${x.task}/${x.evaluator}`).sort()).toEqual(submitted);
    for (const table of ['decisions', 'flaws', 'matches', 'answers']) {
      const text = await run('export', table, '--study', 'open', '--format', 'jsonl');
      expectNoOpenText(text, table);
      const pairs = new Set(readJsonlText(text).map((x) => `${String(x['task'])}/${String(x['evaluator'])}`));
      for (const p of pairs) expect(submitted, `${table} has a row of ${p}`).toContain(p);
    }
    for (const format of ['labelstudio', 'prodigy', 'w3c', 'sarif']) {
      const file = path.join(tempDir(), `open.${format}`);
      await run('export', format, '--study', 'open', '--out', file);
      expectNoOpenText(fs.readFileSync(file, 'utf8'), format);
    }
    // Prodigy: answers (lines with an annotator) only of submitted reviews: 3 shown critiques each
    const prodigyFile = path.join(tempDir(), 'p.jsonl');
    await run('export', 'prodigy', '--study', 'open', '--out', prodigyFile);
    const answered = readJsonl(prodigyFile).filter((x) => x['_annotator_id'] !== undefined);
    expect(answered).toHaveLength(3 * submitted.length);
    for (const x of answered) expect(submitted).toContain(`${String((x['meta'] as Record<string, unknown>)['task'])}/${String(x['_annotator_id'])}`);
    const metrics = JSON.parse(await run('metrics', '--study', 'open', '--json')) as { conditions: { assisted: { reviews: number } } };
    expect(metrics.conditions.assisted.reviews).toBe(2);
  });
});

function readJsonlText(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
