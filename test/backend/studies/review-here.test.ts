// The researcher's database as an evaluator's (issue #12): a study is reviewed either on this
// machine ("review here") or only from packs, never both, so that a review made in the
// researcher's database and one from the evaluator's pack can never collide.
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { captureCli } from '../../helpers/cli.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, getReviewView, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { studiesReviewedElsewhere } from '../../../electron/backend/reviews/visibility.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy, listStudies } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { tempDb } from '../../helpers/db.js';
import { loadStudyTasks } from './fixtures.js';

const t0 = Date.UTC(2026, 2, 3, 9);

function study(reviewHere: boolean | undefined): { db: WritableDb; path: string } {
  const { db, path } = tempDb();
  loadStudyTasks(db, 3);
  createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, ...(reviewHere === undefined ? {} : { reviewHere }) }, t0);
  return { db, path };
}

function finish(db: WritableDb, item: number, now: number, rating = 4): void {
  const review = beginReview(db, 'ann', item, now).review.id;
  let seq = 0;
  for (const event of [{ type: 'rating-set', rating }, { type: 'submitted' }] as ReviewEvent[]) {
    seq = recordEvent(db, { evaluator: 'ann', review, expectedSeq: seq, clientEventId: `h-${item}-${seq}-xxxx`, clientTime: now, event }, now + 1 + seq).seq;
  }
}

describe('a study reviewed from packs (the default)', () => {
  it('is in no queue of the researcher’s database; opening its items says where it is reviewed; the queue says why', async () => {
    const { db, path } = study(undefined);
    expect(getStudy(db, 'pilot').reviewHere).toBe(false);
    expect(listStudies(db)[0]!.reviewHere).toBe(false);
    const handlers = createHandlers({ db, dbPath: path, host: 'browser' });
    const queue = await dispatch(handlers, 'review:queue', { evaluator: 'ann' });
    expect(queue).toMatchObject({ ok: true, value: { items: [], elsewhere: [{ study: 'pilot', items: 3, finished: 0 }] } });
    const item = (db.prepare(`SELECT id FROM queue_items WHERE study = 'pilot' LIMIT 1`).get() as { id: number }).id;
    for (const op of ['review:view', 'review:begin'] as const) {
      const r = await dispatch(handlers, op, { evaluator: 'ann', item });
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('Study "pilot" is reviewed from packs, not on this machine') } });
    }
    // another profile is told nothing about ann's items
    await dispatch(handlers, 'evaluators:create', { displayName: 'Bea' });
    expect(await dispatch(handlers, 'review:view', { evaluator: 'bea', item })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(studiesReviewedElsewhere(db, 'bea')).toEqual([]);
  });

  it('flags a review made here before (a database from before the rule) as a collision when the pack’s results arrive', () => {
    const { db } = study(undefined);
    const pack = exportPack(db, 'pilot', 'ann', t0);
    // the old way round: the same item reviewed in the researcher's database (possible before migration 8)
    const item = db.prepare(`SELECT id, task_id FROM queue_items WHERE study = 'pilot' ORDER BY position LIMIT 1`).get() as { id: number; task_id: string };
    db.prepare(`UPDATE studies SET review_here = 1`).run();
    finish(db, item.id, t0 + 1000, 7);
    db.prepare(`UPDATE studies SET review_here = 0`).run();
    // recording more on it is refused now
    const local = db.prepare('SELECT id, last_seq FROM reviews').get() as { id: number; last_seq: number };
    expect(() =>
      recordEvent(db, { evaluator: 'ann', review: local.id, expectedSeq: local.last_seq, clientEventId: 'late-xxxxxx', clientTime: t0, event: { type: 'reopened' } }, t0 + 5000),
    ).toThrow('Study "pilot" is reviewed from packs, not on this machine');
    const { db: ev } = tempDb();
    importPack(ev, pack.content, 'ann.json', t0);
    const evItem = getQueue(ev, 'ann').find((q) => q.taskId === item.task_id)!.id;
    finish(ev, evItem, t0 + 10_000, 2);
    const [report] = importResults(db, [{ fileName: 'ann-results.json', content: exportResults(ev, {}, t0 + 20_000).content }], {}, t0 + 30_000);
    expect(report).toMatchObject({ status: 'merged', added: 0 });
    expect(report!.conflicts).toEqual([
      { task: item.task_id, evaluator: 'ann', message: 'this item was reviewed on this machine (in this database), not only from the pack: the two reviews collide; nothing was overwritten' },
    ]);
    expect(exportReviewRecords(db, { study: 'pilot' })).toMatchObject([{ rating: 7 }]);
  });
});

describe('a study reviewed on this machine (--review-here)', () => {
  it('is in its evaluators’ queues here; issues no packs; takes no results files', () => {
    const { db } = study(true);
    expect(getStudy(db, 'pilot').reviewHere).toBe(true);
    const items = getQueue(db, 'ann').filter((q) => q.study === 'pilot');
    expect(items).toHaveLength(3);
    expect(getReviewView(db, 'ann', items[0]!.id).item).toMatchObject({ position: 1, total: 3, label: expect.stringMatching(/^Set /) });
    expect(() => exportPack(db, 'pilot', 'ann', t0)).toThrow(/Study "pilot" is reviewed on this machine .* so it issues no packs/);
    // a results file that names this study (made for a study of the same id elsewhere, properly
    // hashed and signed): refused whole, saying why, before any pack is looked for
    const other = study(false);
    const { db: ev } = tempDb();
    const issued = exportPack(other.db, 'pilot', 'ann', t0);
    importPack(ev, issued.content, 'ann.json', t0);
    finish(ev, getQueue(ev, 'ann').find((q) => q.study === 'pilot')!.id, t0 + 1000);
    const file = JSON.parse(exportResults(ev, {}, t0 + 5000).content) as { study: { id: string }; hash: string; mac: string };
    const { hash: _hash, mac: _mac, ...body } = { ...file, study: { ...file.study, id: getStudy(db, 'pilot').id } };
    const content = JSON.stringify({ ...body, hash: fileHash(body), mac: resultsMac(issued.pack.pack.secret, body) });
    const [report] = importResults(db, [{ fileName: 'odd.json', content }], {}, t0 + 6000);
    expect(report).toMatchObject({
      status: 'refused',
      error: 'odd.json: study "pilot" is reviewed on this machine, not from packs: it issued no pack, so no results file belongs to it (its reviews are already in this database)',
    });
  });

  it('the CLI creates either kind and says how each is reviewed', async () => {
    const { db, path } = tempDb();
    loadStudyTasks(db, 2);
    db.close();
    const here = await captureCli(['study', 'create', '--name', 'lab', '--conditions', 'a:all', '--evaluators', 'ann', '--overlap', '1', '--seed', '1', '--review-here', '--researcher', 'Rosa Diaz', '--db', path]);
    expect(here).toMatchObject({ code: 0, out: expect.stringContaining('Reviewed on this machine') });
    const packs = await captureCli(['study', 'create', '--name', 'field', '--conditions', 'a:all', '--evaluators', 'bob', '--overlap', '1', '--seed', '1', '--db', path]);
    expect(packs).toMatchObject({ code: 0, out: expect.stringContaining('Reviewed from packs. Next: assay pack export --study field') });
    expect((await captureCli(['study', 'show', 'lab', '--db', path])).out).toContain('Reviewed: on this machine (no packs); results go to Rosa Diaz');
    expect((await captureCli(['study', 'show', 'field', '--db', path])).out).toContain('Reviewed: from packs\n');
    const refused = await captureCli(['pack', 'export', '--study', 'lab', '--evaluator', 'ann', '--out', `${path}.pack.json`, '--db', path]);
    expect(refused).toMatchObject({ code: 1, err: expect.stringContaining('Study "lab" is reviewed on this machine') });
  });
});
