// Every input that takes a file recognises a pack, a results file, review records and a task
// package by content, and a file given to the wrong one says where it belongs (issue #12; the one
// function is shared/file-kind.ts). Here: the back end's inputs — the CLI, the upload API, the pack
// and results operations — on real files and a real database.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../electron/backend/api/handlers/index.js';
import { beginReview, getQueue, recordEvent } from '../../electron/backend/reviews/repository.js';
import { exportReviewRecords } from '../../electron/backend/reviews/export.js';
import { exportPack, importPack } from '../../electron/backend/studies/packs.js';
import { createStudy } from '../../electron/backend/studies/repository.js';
import { exportResults } from '../../electron/backend/studies/results.js';
import { captureCli } from '../helpers/cli.js';
import { tempDb } from '../helpers/db.js';
import { dumpDatabase } from '../helpers/dump.js';
import { tempDir } from '../helpers/temp.js';
import { loadStudyTasks, studyTasks } from './studies/fixtures.js';

const t0 = Date.UTC(2026, 2, 4, 9);

/** One of each: a task package, a pack, a results file and review records, as files in a folder. */
function files(): { dir: string; tasks: string; pack: string; results: string; records: string } {
  const dir = tempDir();
  const { db } = tempDb();
  loadStudyTasks(db, 2);
  createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 }, t0);
  const pack = exportPack(db, 'pilot', 'ann', t0).content;
  const { db: ev } = tempDb();
  importPack(ev, pack, 'ann.json', t0);
  const item = getQueue(ev, 'ann').find((q) => q.study === 'pilot')!.id;
  const review = beginReview(ev, 'ann', item, t0 + 1000).review.id;
  recordEvent(ev, { evaluator: 'ann', review, expectedSeq: 0, clientEventId: 'r-000001', clientTime: t0, event: { type: 'rating-set', rating: 4 } }, t0 + 2000);
  recordEvent(ev, { evaluator: 'ann', review, expectedSeq: 1, clientEventId: 'r-000002', clientTime: t0, event: { type: 'submitted' } }, t0 + 3000);
  const out = {
    dir,
    tasks: path.join(dir, 'tasks.jsonl'),
    pack: path.join(dir, 'ann.assay-pack.json'),
    results: path.join(dir, 'ann-results.json'),
    records: path.join(dir, 'records.jsonl'),
  };
  fs.writeFileSync(out.tasks, `${studyTasks(2).map((t) => JSON.stringify(t)).join('\n')}\n`);
  fs.writeFileSync(out.pack, pack);
  fs.writeFileSync(out.results, exportResults(ev, {}, t0 + 5000).content);
  fs.writeFileSync(out.records, `${exportReviewRecords(ev).map((r) => JSON.stringify(r)).join('\n')}\n`);
  return out;
}

describe('a file given to the wrong input says where it belongs, and changes nothing', () => {
  it('the CLI: assay import, assay pack import, assay results import', async () => {
    const f = files();
    const { db, path: dbPath } = tempDb();
    const before = dumpDatabase(db);
    db.close();
    const run = (...argv: string[]): ReturnType<typeof captureCli> => captureCli([...argv, '--db', dbPath]);

    for (const [file, what, where] of [
      [f.pack, 'an Assay pack', '"Open a pack from your researcher"'],
      [f.results, 'an Assay results file', 'Studies → "Import results…" (assay results import FILE)'],
      [f.records, 'review records', 'Studies → "Import results…"'],
    ] as const) {
      const r = await run('import', file);
      expect(r.code, r.err).toBe(1);
      // one error, on the file's first line: no schema error per line
      expect(r.err).toContain(`${file}:1: (file): this file is ${what}`);
      expect(r.err).toContain(`not a task package: use ${where}`);
      expect(r.err.match(/:\d+: /g)).toHaveLength(1);
    }
    const asPack = await run('pack', 'import', f.tasks);
    expect(asPack).toMatchObject({ code: 1, err: expect.stringContaining('tasks.jsonl is a task package (tasks for a researcher to study), not a pack: use Tasks → "Import task package…" (assay import FILE).') });
    const resultsAsPack = await run('pack', 'import', f.results);
    expect(resultsAsPack.err).toContain('ann-results.json is an Assay results file');
    const asResults = await run('results', 'import', f.tasks);
    expect(asResults).toMatchObject({ code: 1, err: expect.stringContaining('tasks.jsonl is a task package (tasks for a researcher to study), not a results file: use Tasks → "Import task package…"') });
    const packAsResults = await run('results', 'import', f.pack);
    expect(packAsResults.err).toContain('ann.assay-pack.json is an Assay pack');
    const reopened = (await import('../../electron/backend/db/open.js')).openDatabase(dbPath);
    expect(dumpDatabase(reopened)).toBe(before);
    reopened.close();
  });

  it('the app’s API: an upload to the task import (in chunks of any size), Open pack and Import results', async () => {
    const f = files();
    const { db, path: dbPath } = tempDb();
    const handlers = createHandlers({ db, dbPath, host: 'browser' });
    const before = dumpDatabase(db);
    const bytes = fs.readFileSync(f.pack);
    for (const chunk of [5, 64 * 1024, bytes.length]) {
      const begun = await dispatch(handlers, 'tasks:importBegin', { name: 'ann.assay-pack.json', size: bytes.length, replace: false });
      const { uploadId } = (begun as { value: { uploadId: string } }).value;
      let last: unknown;
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        last = await dispatch(handlers, 'tasks:importChunk', { uploadId, offset, data: bytes.subarray(offset, offset + chunk).toString('base64') });
      }
      expect(last).toMatchObject({ ok: true, value: { errorCount: 1 } });
      const finished = await dispatch(handlers, 'tasks:importFinish', { uploadId });
      expect(finished).toMatchObject({ ok: true, value: { status: 'rejected', errorCount: 1, errors: [expect.stringContaining('ann.assay-pack.json:1: (file): this file is an Assay pack')] } });
    }
    const asPack = await dispatch(handlers, 'packs:import', { fileName: 'ann-results.json', content: fs.readFileSync(f.results, 'utf8') });
    expect(asPack).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/^ann-results\.json is an Assay results file .*not a pack: use Studies → "Import results…"/) } });
    const asResults = await dispatch(handlers, 'results:import', { files: [{ fileName: 'tasks.jsonl', content: fs.readFileSync(f.tasks, 'utf8') }] });
    expect(asResults).toMatchObject({ ok: true, value: [{ status: 'refused', error: expect.stringContaining('tasks.jsonl is a task package') }] });
    expect(dumpDatabase(db)).toBe(before);
  });
});
