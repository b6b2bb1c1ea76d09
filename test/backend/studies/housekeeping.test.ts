// Housekeeping (issue #12): deleting tasks in no study, archiving and deleting studies, removing
// evaluator profiles — each refused, with the reason, when it would lose reviews or the record of
// what evaluators were shown.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { listProfiles, removeProfile } from '../../../electron/backend/reviews/profiles.js';
import { createEvaluator, ensureEvaluator, ensurePracticeQueue, getQueue } from '../../../electron/backend/reviews/repository.js';
import { archiveStudy, deleteStudy } from '../../../electron/backend/studies/housekeeping.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { closeStudy, createStudy, getStudy, listStudies } from '../../../electron/backend/studies/repository.js';
import { searchTasks } from '../../../electron/backend/tasks/browse.js';
import { deleteTasks } from '../../../electron/backend/tasks/delete.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { startReview } from '../../helpers/review.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';

const task = (id: string) => ({ id, kind: 'summary', output: `Output of ${id}.`, critiques: [{ id: 'c1', text: 'A critique.' }], flaws: [{ id: 'f1', description: 'd' }] });
const spec = (name: string, tasks: string[], evaluators = ['ann']) => ({ name, conditions: [{ name: 'a', policy: 'all' }], evaluators: evaluators.map((id) => ({ id })), overlap: 1, seed: 1, tasks });

function setup(): WritableDb {
  const { db } = tempDb();
  importTasks(db, ['s1', 's2', 'free-1', 'free-2', 'practised'].map(task));
  createStudy(db, spec('pilot', ['s1', 's2']));
  return db;
}

const allIds = (db: WritableDb): string[] => searchTasks(db, { limit: 500, sort: 'import' }).items.map((t) => t.id);

describe('deleting tasks', () => {
  it('deletes the tasks in no study, keeping (with the reason) those with reviews; their practice items go with them', () => {
    const db = setup();
    const pat = createEvaluator(db, 'Pat').id;
    ensurePracticeQueue(db, pat);
    startReview(db, pat, getQueue(db, pat).find((q) => q.taskId === 'practised')!.id);
    const dry = deleteTasks(db, { notInStudy: true, dryRun: true });
    expect(dry).toEqual({ deleted: 2, kept: [{ id: 'practised', reason: expect.stringMatching(/has 1 review \(practice included\), which would be lost/) }], keptCount: 1, dryRun: true });
    expect(allIds(db)).toHaveLength(5);
    const r = deleteTasks(db, { notInStudy: true });
    expect(r).toMatchObject({ deleted: 2, keptCount: 1, dryRun: false });
    expect(allIds(db)).toEqual(['s1', 's2', 'practised']);
    expect(getQueue(db, pat).map((q) => q.taskId)).toEqual(['practised']);
    expect(db.prepare(`SELECT count(*) AS n FROM critiques WHERE task_id LIKE 'free-%'`).get()).toEqual({ n: 0 });
    expect(searchTasks(db, { q: 'free' }).total).toBe(0); // gone from the index too
  });

  it('deletes named tasks all or nothing: one that may not go stops the whole request, naming why', () => {
    const db = setup();
    const before = dumpDatabase(db);
    const refused = deleteTasks(db, { ids: ['free-1', 's1'] });
    expect(refused).toEqual({ deleted: 0, kept: [{ id: 's1', reason: expect.stringMatching(/in study "pilot"/) }], keptCount: 1, dryRun: false });
    expect(dumpDatabase(db)).toEqual(before);
    expect(() => deleteTasks(db, { ids: ['free-1', 'ghost'] })).toThrow(/No task "ghost"/);
    expect(deleteTasks(db, { ids: ['free-1', 'free-1'] })).toMatchObject({ deleted: 1, keptCount: 0 });
    expect(allIds(db)).not.toContain('free-1');
  });

  it('keeps the tasks of an opened pack, in the evaluator’s database', () => {
    const { db: researcher } = tempDb();
    importTasks(researcher, [task('p1')]);
    createStudy(researcher, spec('pilot', ['p1']));
    const pack = exportPack(researcher, 'pilot', 'ann');
    const evaluator = openDatabase(path.join(tempDir(), 'ann.db'));
    importPack(evaluator, pack.content, pack.fileName);
    expect(deleteTasks(evaluator, { notInStudy: true })).toMatchObject({ deleted: 0, keptCount: 0 });
    expect(deleteTasks(evaluator, { ids: ['p1'] }).kept[0]!.reason).toMatch(/came with the pack of study "pilot"/);
  });

  it('goes through the API: tasks:delete takes ids or notInStudy, not both', async () => {
    const db = setup();
    const h = createHandlers({ db, dbPath: ':memory:', host: 'browser' });
    expect(await dispatch(h, 'tasks:delete', { ids: ['free-1'], notInStudy: true })).toMatchObject({ ok: false, error: { code: 'bad-request', message: /either ids or notInStudy/ } });
    expect(await dispatch(h, 'tasks:delete', {})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await dispatch(h, 'tasks:delete', { ids: ['free-2'] })).toMatchObject({ ok: true, value: { deleted: 1 } });
  });
});

describe('archiving and deleting studies', () => {
  it('deletes a study that never showed anything (its queue items with it; tasks and profiles stay)', () => {
    const db = setup();
    expect(getStudy(db, 'pilot').deletable).toEqual({ ok: true, reason: null });
    expect(deleteStudy(db, 'pilot')).toEqual({ name: 'pilot', queueItems: 2 });
    expect(listStudies(db, { archived: true })).toEqual([]);
    expect(allIds(db)).toHaveLength(5);
    expect(db.prepare(`SELECT id FROM evaluators`).all()).toEqual([{ id: 'ann' }]);
    expect(() => deleteStudy(db, 'pilot')).toThrow(/No study "pilot"/);
  });

  it('refuses to delete a study that issued a pack or holds reviews, saying what to do instead; the database is unchanged', () => {
    const db = setup();
    exportPack(db, 'pilot', 'ann');
    const before = dumpDatabase(db);
    expect(() => deleteStudy(db, 'pilot')).toThrow(/study "pilot" issued 1 pack \(their secrets and pins are the record of what each evaluator was shown.*Close it, then archive it/);
    expect(getStudy(db, 'pilot').deletable.ok).toBe(false);
    expect(dumpDatabase(db)).toEqual(before);

    createStudy(db, { ...spec('in-house', ['free-1'], ['bob']), reviewHere: true }); // reviewed in this database, not from packs
    const item = getQueue(db, 'bob').find((q) => q.study === 'in-house')!;
    startReview(db, 'bob', item.id);
    expect(() => deleteStudy(db, 'in-house')).toThrow(/holds 1 review/);
    // and the trigger holds for any other path
    expect(() => db.prepare(`DELETE FROM studies WHERE name = 'in-house'`).run()).toThrow(/cannot be deleted/);
  });

  it('archives only a closed study: hidden from the list, everything kept, and back again', () => {
    const db = setup();
    expect(() => archiveStudy(db, 'pilot', true)).toThrow(/is open: close it first/);
    closeStudy(db, 'pilot');
    const archived = archiveStudy(db, 'pilot', true, 1234);
    expect(archived.archivedAt).toBe(1234);
    expect(listStudies(db)).toEqual([]);
    expect(listStudies(db, { archived: true })).toMatchObject([{ name: 'pilot', archived: true }]);
    expect(archiveStudy(db, 'pilot', true, 9999).archivedAt).toBe(1234); // archiving twice keeps the first date
    expect(archiveStudy(db, 'pilot', false).archivedAt).toBeNull();
    expect(listStudies(db)).toMatchObject([{ name: 'pilot', archived: false }]);
  });
});

describe('removing evaluator profiles', () => {
  it('removes a profile without reviews that is in no study, with its unopened practice queue', () => {
    const db = setup();
    const oops = createEvaluator(db, 'Typo Profile').id;
    ensurePracticeQueue(db, oops);
    expect(listProfiles(db).find((p) => p.id === oops)).toMatchObject({ reviews: 0, studies: [], removable: { ok: true, reason: null } });
    expect(removeProfile(db, oops)).toEqual({ id: oops, queueItems: 5 }); // every task has a practice item (those of open studies are hidden when read)
    expect(listProfiles(db).map((p) => p.id)).toEqual(['ann']);
    expect(() => removeProfile(db, oops)).toThrow(/No evaluator profile "typo-profile"/);
  });

  it('refuses a study evaluator, a profile with reviews and one from a pack, with the reason; nothing changes', () => {
    const db = setup();
    const pat = createEvaluator(db, 'Pat').id;
    ensurePracticeQueue(db, pat);
    startReview(db, pat, getQueue(db, pat)[0]!.id);
    ensureEvaluator(db, 'lonely');
    const before = dumpDatabase(db);
    expect(() => removeProfile(db, 'ann')).toThrow(/"ann" is an evaluator of study "pilot"/);
    expect(() => removeProfile(db, pat)).toThrow(/"pat" has 1 review \(practice included\), which would be lost: the profile cannot be removed/);
    expect(dumpDatabase(db)).toEqual(before);
    expect(listProfiles(db).map((p) => [p.id, p.removable.ok])).toEqual([
      ['ann', false],
      ['pat', false],
      ['lonely', true],
    ]);
    const pack = exportPack(db, 'pilot', 'ann');
    const evaluator = openDatabase(path.join(tempDir(), 'ann.db'));
    importPack(evaluator, pack.content, pack.fileName);
    expect(() => removeProfile(evaluator, 'ann')).toThrow(/came with the pack of study "pilot"/);
  });
});
