import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/backend/cli/main.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { createEvaluator, ensurePracticeQueue, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { ReviewRecordSchema } from '../../../shared/review/record.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';
import { startReview } from '../../helpers/review.js';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

function seeded(): string {
  const file = tempDbPath();
  const db = openDatabase(file);
  importTasks(db, [
    { id: 't1', kind: 'summary', output: 'One, two.', critiques: [{ id: 'c1', text: 'Count is off' }] },
    { id: 't2', kind: 'summary', output: 'Three.' },
    { id: 't3', kind: 'summary', output: 'Never reviewed.' },
  ]);
  createEvaluator(db, 'Ana');
  ensurePracticeQueue(db, 'ana');
  const [i1, i2, i3] = getQueue(db, 'ana');
  let cid = 0;
  const rec = (review: number, seq: number, event: Parameters<typeof recordEvent>[1]['event']) =>
    recordEvent(db, { evaluator: 'ana', review, expectedSeq: seq, clientEventId: `client-${++cid}`, clientTime: Date.now(), event });
  const r1 = startReview(db, 'ana', i1!.id).review!.id;
  rec(r1, 0, { type: 'decision-recorded', critique: 'k1', verdict: 'reject', reason: 'nitpick' }); // k1: the neutral id of c1
  rec(r1, 1, { type: 'flaw-added', flaw: { id: 'a1', description: 'Says two', anchor: { quote: 'two' }, severity: 'minor' } });
  rec(r1, 2, { type: 'rating-set', rating: 5 });
  rec(r1, 3, { type: 'submitted' });
  const r2 = startReview(db, 'ana', i2!.id).review!.id;
  rec(r2, 0, { type: 'skipped', reason: 'Not my field' });
  startReview(db, 'ana', i3!.id); // open: no record
  db.close();
  return file;
}

describe('assay export reviews', () => {
  it('writes one valid record per submitted or skipped review as JSON Lines', async () => {
    const db = seeded();
    const r = await run(['export', 'reviews', '--db', db]);
    expect(r.code).toBe(0);
    const records = r.out.trim().split('\n').map((l) => ReviewRecordSchema.parse(JSON.parse(l)));
    expect(records.map((x) => [x.task, x.rating, x.skipped])).toEqual([
      ['t1', 5, null],
      ['t2', null, { reason: 'Not my field' }],
    ]);
    expect(records[0]!.decisions).toEqual([{ critique: 'c1', verdict: 'reject', reason: 'nitpick' }]);
    expect(records[0]!.added).toEqual([{ id: 'a1', description: 'Says two', anchor: { quote: 'two' }, severity: 'minor' }]);
    expect(records[0]!.active_seconds).toBe(0); // no heartbeat and no active time sent with the events
  });

  it('writes CSV to a file, filters by study, and refuses an unknown format', async () => {
    const db = seeded();
    const out = path.join(tempDir(), 'reviews.csv');
    const r = await run(['export', 'reviews', '--db', db, '--format', 'csv', '--out', out]);
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('task,evaluator,study,condition,started_at,submitted_at,active_seconds,rating,skipped_reason,accepted,rejected,edited,added,decisions_json,added_json,answer,confidence,ended_by,reopened');
    expect(lines).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.endsWith(',0'))).toBe(true); // never reopened
    expect(lines[2]).toContain('Not my field');
    expect((await run(['export', 'reviews', '--db', db, '--study', 'nope'])).out).toBe('');
    const bad = await run(['export', 'reviews', '--db', db, '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown format "xml"/);
  });
});
