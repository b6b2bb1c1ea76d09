// Nothing is silently changed once a study has shown a task: a task of a study with issued packs
// cannot be replaced (every path that could), and results must match exactly what the pack showed —
// so no merge can ever move a decision to another critique.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, getReviewView, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { taskChangeRefusal } from '../../../electron/backend/tasks/guard.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { captureCli } from '../../helpers/cli.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDir } from '../../helpers/temp.js';

const t0 = Date.UTC(2026, 3, 1, 9);

const task = {
  id: 'bridge',
  kind: 'summary',
  output: 'The council closed the bridge for a year in spring.',
  critiques: [
    { id: 'c-month', text: 'Wrong month: it was March.', anchor: { quote: 'spring' } },
    { id: 'c-length', text: 'It closes for six months, not a year.', anchor: { quote: 'a year' } },
    { id: 'c-decoy', text: 'The council did not vote.', valid: false },
  ],
};
/** The same task with its critiques reordered: same ids and texts. */
const reordered = { ...task, critiques: [task.critiques[1], task.critiques[0], task.critiques[2]] };

/** The researcher's database with study "pilot"; `reviewHere`: reviewed on it (else from packs). */
function setup(reviewHere = false): { dir: string; rdb: string; db: WritableDb } {
  const dir = tempDir();
  const rdb = path.join(dir, 'researcher.db');
  const db = openDatabase(rdb);
  importTasks(db, [task, { id: 'other', kind: 'summary', output: 'Another output.' }], 'tasks.jsonl');
  createStudy(db, { name: 'pilot', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, tasks: ['bridge'], reviewHere }, t0);
  return { dir, rdb, db };
}

/** Ann opens her pack in her own database, accepts the critique shown as k1 and rejects k2. */
function annReviews(pack: string): { ev: WritableDb; results: string } {
  const ev = openDatabase(path.join(tempDir(), 'ann.db'));
  importPack(ev, pack, 'ann.assay-pack.json', t0);
  const item = getQueue(ev, 'ann').find((q) => q.study === 'pilot')!.id;
  const review = beginReview(ev, 'ann', item, t0 + 1000).review.id;
  const events = [
    { type: 'decision-recorded', critique: 'k1', verdict: 'accept' },
    { type: 'decision-recorded', critique: 'k2', verdict: 'reject', reason: 'incorrect' },
    { type: 'rating-set', rating: 4 },
    { type: 'submitted' },
  ] as const;
  events.forEach((event, i) =>
    recordEvent(ev, { evaluator: 'ann', review, expectedSeq: i, clientEventId: `ann-${i}-xxxxxx`, clientTime: t0 + 2000 * (i + 1), activeMs: 1500 * (i + 1), event }, t0 + 2000 * (i + 1)),
  );
  return { ev, results: exportResults(ev, {}, t0 + 60_000).content };
}

describe('a task of a study with issued packs cannot change', () => {
  it('assay import --replace of its critiques reordered (same ids, same texts) is refused, naming the study and the task', async () => {
    const { dir, rdb, db } = setup();
    exportPack(db, 'pilot', 'ann', t0);
    const before = dumpDatabase(db);
    const file = path.join(dir, 'reordered.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(reordered)}\n`);
    const r = await captureCli(['import', file, '--replace', '--db', rdb]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}:1: id: task "bridge" belongs to study "pilot" (1 pack issued), which has started: its tasks cannot be replaced or changed`);
    expect(dumpDatabase(db)).toBe(before);
    // the same refusal through the UI's upload (Replace changed tasks), and the one guard says why
    const handlers = createHandlers({ db, dbPath: rdb, host: 'browser' });
    const bytes = Buffer.from(`${JSON.stringify(reordered)}\n`);
    const begun = (await dispatch(handlers, 'tasks:importBegin', { name: 'reordered.jsonl', size: bytes.length, replace: true })) as { ok: true; value: { uploadId: string } };
    await dispatch(handlers, 'tasks:importChunk', { uploadId: begun.value.uploadId, offset: 0, data: bytes.toString('base64') });
    const finished = await dispatch(handlers, 'tasks:importFinish', { uploadId: begun.value.uploadId });
    expect(finished).toMatchObject({ ok: true, value: { status: 'rejected', errors: [expect.stringContaining('task "bridge" belongs to study "pilot"')] } });
    expect(taskChangeRefusal(db, 'bridge')).toMatch(/^task "bridge" belongs to study "pilot"/);
    expect(dumpDatabase(db)).toBe(before);
    // a task outside the study may still be replaced; so may a study's task before anything was shown
    expect(taskChangeRefusal(db, 'other')).toBeNull();
    const fresh = setup();
    expect(taskChangeRefusal(fresh.db, 'bridge')).toBeNull();
    importTasks(fresh.db, [reordered], 'r.jsonl', { replace: true });
  });

  it('no other path changes it either: the database refuses updates behind Assay’s back', () => {
    const { db } = setup();
    exportPack(db, 'pilot', 'ann', t0);
    expect(() => db.prepare(`UPDATE critiques SET position = 2 - position WHERE task_id = 'bridge'`).run()).toThrow(/task "bridge" is frozen/);
    expect(() => db.prepare(`UPDATE tasks SET output = 'x' WHERE id = 'bridge'`).run()).toThrow(/task "bridge" is frozen/);
    expect(() => db.prepare(`DELETE FROM flaws WHERE task_id = 'bridge'`).run()).not.toThrow(); // no rows: nothing to refuse
    expect(() => db.prepare(`INSERT INTO flaws (task_id, id, position, description) VALUES ('bridge', 'f', 0, 'late truth')`).run()).toThrow(/frozen/);
  });

  it('in the evaluator’s database too: the tasks of an opened pack are frozen', async () => {
    const { db } = setup();
    const pack = exportPack(db, 'pilot', 'ann', t0).content;
    const evPath = path.join(tempDir(), 'ann.db');
    const ev = openDatabase(evPath);
    importPack(ev, pack, 'ann.json', t0);
    ev.close();
    const file = path.join(tempDir(), 'k.jsonl');
    const packTask = JSON.parse(pack).items[0].task;
    fs.writeFileSync(file, `${JSON.stringify({ ...packTask, critiques: [packTask.critiques[1], packTask.critiques[0], packTask.critiques[2]] })}\n`);
    const r = await captureCli(['import', file, '--replace', '--db', evPath]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('task "bridge" was already shown to an evaluator in study "pilot" (from an opened pack)');
  });
});

describe('results must match what the pack showed', () => {
  it('the round trip credits each decision to the critique the evaluator saw', () => {
    const { db } = setup();
    const { results } = annReviews(exportPack(db, 'pilot', 'ann', t0).content);
    expect(importResults(db, [{ fileName: 'ann.json', content: results }], {}, t0 + 120_000)[0]).toMatchObject({ status: 'merged', added: 1, authenticated: true, formatVersion: 2 });
    expect(exportReviewRecords(db)[0]!.decisions).toEqual([
      { critique: 'c-month', verdict: 'accept' },
      { critique: 'c-length', verdict: 'reject', reason: 'incorrect' },
    ]);
  });

  it('a task changed behind Assay’s back (triggers dropped) makes the merge refuse, not misattribute', () => {
    const { db } = setup();
    const { results } = annReviews(exportPack(db, 'pilot', 'ann', t0).content);
    db.exec('DROP TRIGGER critiques_frozen_update');
    db.prepare(`UPDATE critiques SET position = CASE id WHEN 'c-month' THEN 1 WHEN 'c-length' THEN 0 ELSE 2 END WHERE task_id = 'bridge'`).run();
    db.prepare(`UPDATE critiques SET text = 'Edited after the pack was issued.' WHERE task_id = 'bridge' AND id = 'c-month'`).run();
    const before = dumpDatabase(db);
    const [r] = importResults(db, [{ fileName: 'ann.json', content: results }], {}, t0 + 120_000);
    expect(r).toMatchObject({ status: 'refused', added: 0 });
    expect(r!.error).toBe('ann.json: reviews.0 (task "bridge"): Critique "c-month" of task "bridge" changed after it was shown as k1 (item 1).');
    expect(dumpDatabase(db)).toBe(before);
  });

  it('a results file whose review saw other critiques (or another order) is refused, even when properly signed', () => {
    const { db } = setup();
    const { results } = annReviews(exportPack(db, 'pilot', 'ann', t0).content);
    const file = JSON.parse(results) as { pack: { issue: string }; reviews: { seen: { critiques: string[] }; shown: string[] }[] } & Record<string, unknown>;
    const { secret } = db.prepare(`SELECT secret FROM pack_issues WHERE issue = $issue`).get({ issue: file.pack.issue }) as { secret: string };
    const sign = (body: Record<string, unknown>): string => {
      const { hash: _h, mac: _m, ...rest } = body;
      return JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(secret, rest) });
    };
    const [c0, c1, c2] = file.reviews[0]!.seen.critiques;
    const swapped = { ...file, reviews: [{ ...file.reviews[0]!, seen: { ...file.reviews[0]!.seen, critiques: [c1, c0, c2] } }] };
    const [a] = importResults(db, [{ fileName: 'swapped.json', content: sign(swapped) }], {}, t0 + 120_000);
    expect(a!.error).toBe(
      'swapped.json: reviews.0 (task "bridge"): seen.critiques.0: the critique shown as k1 is not the one pinned for this item (its content differs): its decision would be credited to another critique',
    );
    const fewer = { ...file, reviews: [{ ...file.reviews[0]!, shown: ['k1', 'k2'] }] };
    const [b] = importResults(db, [{ fileName: 'fewer.json', content: sign(fewer) }], {}, t0 + 120_000);
    expect(b!.error).toBe('fewer.json: reviews.0 (task "bridge"): shown: the critiques shown (k1, k2) are not those this item was issued with (k1, k2, k3)');
    expect(exportReviewRecords(db)).toEqual([]);
  });

  it('a review made directly in the researcher’s database pins what it showed as well', () => {
    const { db } = setup(true);
    const item = getQueue(db, 'ann').find((q) => q.study === 'pilot')!.id;
    beginReview(db, 'ann', item, t0);
    expect(db.prepare('SELECT neutral_id, critique_id FROM pinned_critiques WHERE queue_item_id = $item ORDER BY position').all({ item })).toEqual([
      { neutral_id: 'k1', critique_id: 'c-month' },
      { neutral_id: 'k2', critique_id: 'c-length' },
      { neutral_id: 'k3', critique_id: 'c-decoy' },
    ]);
    expect(taskChangeRefusal(db, 'bridge')).toMatch(/belongs to study "pilot" \(reviews started\)/);
    expect(getReviewView(db, 'ann', item).critiques!.map((c) => c.id)).toEqual(['k1', 'k2', 'k3']);
  });
});
