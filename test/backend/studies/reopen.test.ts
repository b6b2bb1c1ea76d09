// Reopening a finished review (issue #12): an event in its log, the final state in records and
// metrics, results files that say they need a reader who knows reopening, and the merge rule —
// a log that extends the stored one is a newer revision, anything else stays a conflict.
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords, reviewCsvRow } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, getReviewView, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { exportState, saveResults } from '../../../electron/backend/studies/exports.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack, listImportedPacks } from '../../../electron/backend/studies/packs.js';
import { closeStudy, createStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { REOPEN_REQUIREMENT, unknownRequirement } from '../../../shared/study/formats.js';
import { tempDb } from '../../helpers/db.js';
import { loadStudyTasks } from './fixtures.js';

const t0 = Date.UTC(2026, 2, 2, 9);

interface World {
  readonly db: WritableDb;
  readonly ev: WritableDb;
  readonly items: readonly number[];
  readonly secret: string;
  /** The evaluator's clock: every call moves it on. */
  readonly clock: { t: number };
  /** Records events on a review in the evaluator's database, as the review screen does. */
  act(item: number, ...events: ReviewEvent[]): void;
}

/** A researcher's study reviewed from packs; Ann has opened her pack (2 items, all critiques shown). */
function world(): World {
  const { db } = tempDb();
  loadStudyTasks(db, 2);
  createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1 }, t0);
  const pack = exportPack(db, 'pilot', 'ann', t0).content;
  const { db: ev } = tempDb();
  importPack(ev, pack, 'ann.assay-pack.json', t0);
  const items = getQueue(ev, 'ann')
    .filter((q) => q.study === 'pilot')
    .map((q) => q.id);
  const clock = { t: t0 + 60_000 };
  const act = (item: number, ...events: ReviewEvent[]): void => {
    const begun = beginReview(ev, 'ann', item, (clock.t += 1000));
    let seq = begun.review.events.length;
    for (const event of events) {
      seq = recordEvent(ev, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `c-${item}-${seq}-xxxx`, clientTime: clock.t, activeMs: 1000, event }, (clock.t += 1000)).seq;
    }
  };
  return { db, ev, items, clock, act, secret: (JSON.parse(pack) as { pack: { secret: string } }).pack.secret };
}

const accept: ReviewEvent = { type: 'decision-recorded', critique: 'k1', verdict: 'accept' };
const reject: ReviewEvent = { type: 'decision-recorded', critique: 'k1', verdict: 'reject', reason: 'incorrect' };

describe('reopening a review', () => {
  it('makes a submitted review editable again; the record is the final revision and says it was reopened', () => {
    const w = world();
    const [item] = w.items;
    w.act(item!, accept, { type: 'rating-set', rating: 5 }, { type: 'submitted' });
    expect(getReviewView(w.ev, 'ann', item!).review!.status).toBe('submitted');
    w.act(item!, { type: 'reopened' });
    const reopened = getReviewView(w.ev, 'ann', item!).review!;
    expect(reopened.status).toBe('open');
    expect(reopened.submittedAt).toBeNull();
    expect(reopened.events.map((e) => e.event.type)).toEqual(['decision-recorded', 'rating-set', 'submitted', 'reopened']);
    // open again: not in the records (nor in a results file) until it is finished again
    expect(exportReviewRecords(w.ev)).toEqual([]);
    expect(exportResults(w.ev, {}, w.clock.t + 1).reviews).toBe(0);
    // undo does not reach back past the reopen (the decision before the submit stays)
    expect(() => w.act(item!, { type: 'undone' })).toThrow('Nothing to undo.');
    w.act(item!, reject, { type: 'rating-set', rating: 2 }, { type: 'submitted' });
    const [record] = exportReviewRecords(w.ev);
    // (the evaluator's database knows the pack's critique ids only)
    expect(record).toMatchObject({ rating: 2, decisions: [{ critique: 'k1', verdict: 'reject', reason: 'incorrect' }], reopened: 1 });
    // a review never reopened has no `reopened` field at all (records of earlier versions read the same)
    w.act(w.items[1]!, { type: 'rating-set', rating: 4 }, { type: 'submitted' });
    expect(exportReviewRecords(w.ev).find((r) => r.task !== record!.task)).not.toHaveProperty('reopened');
    // the CSV's last column counts the reopens
    expect(exportReviewRecords(w.ev).map((r) => reviewCsvRow(r).split(',').at(-1))).toEqual(expect.arrayContaining(['1', '0']));
  });

  it('refuses a reopen of an open review, and any change to a finished review without one', () => {
    const w = world();
    const [item] = w.items;
    expect(() => w.act(item!, { type: 'reopened' })).toThrow('This review is open already; there is nothing to reopen.');
    w.act(item!, { type: 'skipped', reason: 'Not my field' });
    expect(() => w.act(item!, { type: 'rating-set', rating: 3 })).toThrow('This review was already skipped; reopen it to change it.');
    w.act(item!, { type: 'reopened' }, { type: 'rating-set', rating: 3 }, { type: 'submitted' });
    expect(exportReviewRecords(w.ev)[0]).toMatchObject({ skipped: null, rating: 3, reopened: 1 });
  });

  it('is refused once the study is closed, by the back end and by the database', () => {
    const { db } = tempDb();
    loadStudyTasks(db, 1);
    createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, reviewHere: true }, t0);
    const item = getQueue(db, 'ann').find((q) => q.study === 'pilot')!.id;
    const review = beginReview(db, 'ann', item, t0 + 1000).review.id;
    let seq = 0;
    for (const event of [{ type: 'rating-set', rating: 4 }, { type: 'submitted' }] as ReviewEvent[]) {
      seq = recordEvent(db, { evaluator: 'ann', review, expectedSeq: seq, clientEventId: `x-${seq}-xxxxxx`, clientTime: t0, event }, t0 + 2000 + seq).seq;
    }
    closeStudy(db, 'pilot', t0 + 5000);
    expect(() => recordEvent(db, { evaluator: 'ann', review, expectedSeq: seq, clientEventId: 'reopen-xxxx', clientTime: t0, event: { type: 'reopened' } }, t0 + 6000)).toThrow(
      'Study "pilot" is closed: its reviews can no longer change.',
    );
    // behind Assay's back: the event and the status change are both refused by triggers
    expect(() =>
      db.prepare(`INSERT INTO review_events (review_id, seq, type, payload_json, server_time) VALUES ($review, 3, 'reopened', '{}', 1)`).run({ review }),
    ).toThrow(/closed: it can no longer change/);
    expect(() => db.prepare(`UPDATE reviews SET status = 'open' WHERE id = $review`).run({ review })).toThrow(/a finished review cannot be reopened/);
    expect(exportReviewRecords(db)).toMatchObject([{ rating: 4 }]);
  });
});

describe('results of reopened reviews', () => {
  it('are marked as needing an Assay that knows reopening; a file without a reopened review needs nothing', () => {
    const w = world();
    w.act(w.items[0]!, { type: 'rating-set', rating: 5 }, { type: 'submitted' });
    expect(JSON.parse(exportResults(w.ev, {}, w.clock.t + 1).content)).toMatchObject({ requires: [] });
    w.act(w.items[0]!, { type: 'reopened' }, { type: 'submitted' });
    const file = JSON.parse(exportResults(w.ev, {}, w.clock.t + 1).content) as { requires: unknown[] };
    expect(file.requires).toEqual([REOPEN_REQUIREMENT]);
    // this Assay knows the feature; a reader that does not is told which version reads the file
    expect(unknownRequirement(file)).toBeNull();
    expect(unknownRequirement({ requires: [{ feature: 'reopen-v9', assay: '9.0.0' }] })).toEqual({ feature: 'reopen-v9', assay: '9.0.0' });
  });

  it('merge as a newer revision when the log extends the one merged before; the metrics read the final state', () => {
    const w = world();
    const [item] = w.items;
    w.act(item!, accept, { type: 'rating-set', rating: 6 }, { type: 'submitted' });
    const first = exportResults(w.ev, {}, w.clock.t + 1).content;
    expect(importResults(w.db, [{ fileName: 'first.json', content: first }], {}, w.clock.t + 2)[0]).toMatchObject({ status: 'merged', added: 1, revised: 0 });
    w.act(item!, { type: 'reopened' }, reject, { type: 'rating-set', rating: 2 }, { type: 'submitted' });
    const second = exportResults(w.ev, {}, w.clock.t + 1).content;
    const [report] = importResults(w.db, [{ fileName: 'second.json', content: second }], {}, w.clock.t + 2);
    expect(report).toMatchObject({ status: 'merged', added: 0, unchanged: 0, revised: 1, conflicts: [] });
    const [record] = exportReviewRecords(w.db, { study: 'pilot' });
    expect(record).toMatchObject({ rating: 2, decisions: [{ critique: 'c1', verdict: 'reject', reason: 'incorrect' }], reopened: 1 });
    // the whole log is kept, the reopen visible in it; provenance names the revision
    const logged = w.db.prepare(`SELECT type FROM review_events ORDER BY seq`).all() as { type: string }[];
    expect(logged.map((e) => e.type)).toEqual(['decision-recorded', 'rating-set', 'submitted', 'reopened', 'decision-recorded', 'rating-set', 'submitted']);
    expect(w.db.prepare('SELECT from_seq, to_seq FROM review_revisions').all()).toEqual([{ from_seq: 4, to_seq: 7 }]);
    expect(w.db.prepare('SELECT added, revised FROM result_imports ORDER BY id').all()).toEqual([
      { added: 1, revised: 0 },
      { added: 0, revised: 1 },
    ]);
    const { data } = loadStudyData(w.db, 'pilot');
    expect(data.reviews.map((r) => r.rating)).toEqual([2]);
    // importing either file again changes nothing: the older one is an earlier revision
    expect(importResults(w.db, [{ fileName: 'second.json', content: second }], {}, w.clock.t + 3)[0]).toMatchObject({ revised: 0, unchanged: 1, conflicts: [] });
    expect(importResults(w.db, [{ fileName: 'first.json', content: first }], {}, w.clock.t + 3)[0]).toMatchObject({ revised: 0, unchanged: 1, conflicts: [] });
    expect(exportReviewRecords(w.db, { study: 'pilot' })).toEqual([record]);
  });

  it('merge in any order: the newer file first, then the older one, gives the same end state', () => {
    const w = world();
    const [item] = w.items;
    w.act(item!, accept, { type: 'rating-set', rating: 6 }, { type: 'submitted' });
    const first = exportResults(w.ev, {}, w.clock.t + 1).content;
    w.act(item!, { type: 'reopened' }, { type: 'rating-set', rating: 3 }, { type: 'submitted' });
    const second = exportResults(w.ev, {}, w.clock.t + 1).content;
    expect(importResults(w.db, [{ fileName: 'second.json', content: second }], {}, w.clock.t + 2)[0]).toMatchObject({ added: 1 });
    expect(importResults(w.db, [{ fileName: 'first.json', content: first }], {}, w.clock.t + 2)[0]).toMatchObject({ unchanged: 1, conflicts: [] });
    expect(exportReviewRecords(w.db, { study: 'pilot' })).toMatchObject([{ rating: 3, reopened: 1 }]);
  });

  it('a log that diverges from the one merged (not the same events, then more) stays a conflict; nothing is overwritten', () => {
    const w = world();
    const [item] = w.items;
    w.act(item!, accept, { type: 'rating-set', rating: 6 }, { type: 'submitted' });
    const merged = exportResults(w.ev, {}, w.clock.t + 1);
    importResults(w.db, [{ fileName: 'first.json', content: merged.content }], {}, w.clock.t + 2);
    const before = exportReviewRecords(w.db, { study: 'pilot' });
    // The same pack opened a second time in another database, reviewed differently, reopened and finished.
    const { db: other } = tempDb();
    importPack(other, exportPack(w.db, 'pilot', 'ann', t0 + 10).content, 'ann-again.json', t0);
    const otherItem = getQueue(other, 'ann').find((q) => q.study === 'pilot' && q.taskId === getQueue(w.ev, 'ann').find((x) => x.id === item)!.taskId)!.id;
    const begun = beginReview(other, 'ann', otherItem, w.clock.t + 10);
    let seq = 0;
    for (const event of [reject, { type: 'rating-set', rating: 1 }, { type: 'submitted' }, { type: 'reopened' }, { type: 'submitted' }] as ReviewEvent[]) {
      seq = recordEvent(other, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `o-${seq}-xxxxxx`, clientTime: w.clock.t, event }, w.clock.t + 20 + seq).seq;
    }
    const [report] = importResults(w.db, [{ fileName: 'diverged.json', content: exportResults(other, {}, w.clock.t + 100).content }], {}, w.clock.t + 200);
    expect(report).toMatchObject({ status: 'merged', added: 0, revised: 0, unchanged: 0 });
    expect(report!.conflicts).toEqual([expect.objectContaining({ message: expect.stringContaining('neither log extends the other') })]);
    expect(exportReviewRecords(w.db, { study: 'pilot' })).toEqual(before);
  });

  it('a revision is checked like any review: a changed later event is refused whole, with the file, review and event', () => {
    const w = world();
    const [item] = w.items;
    w.act(item!, { type: 'rating-set', rating: 6 }, { type: 'submitted' });
    importResults(w.db, [{ fileName: 'first.json', content: exportResults(w.ev, {}, w.clock.t + 1).content }], {}, w.clock.t + 2);
    w.act(item!, { type: 'reopened' }, { type: 'submitted' });
    const file = JSON.parse(exportResults(w.ev, {}, w.clock.t + 1).content) as { reviews: { events: { type: string; payload: unknown }[] }[]; hash: string; mac: string };
    // a forged log: the reopen dropped, so a finished review would take another event (and the proof re-made with the secret)
    file.reviews[0]!.events.splice(2, 1);
    file.reviews[0]!.events.forEach((e, i) => Object.assign(e, { seq: i + 1 }));
    const { hash: _h, mac: _m, ...body } = file;
    const forged = JSON.stringify({ ...body, hash: fileHash(body), mac: resultsMac(w.secret, body) });
    const [report] = importResults(w.db, [{ fileName: 'forged.json', content: forged }], {}, w.clock.t + 2);
    expect(report!.status).toBe('refused');
    expect(report!.error).toMatch(/^forged\.json: reviews\.0 \(task "task-\d"\): event 3 \(submitted\): This review was already submitted; reopen it to change it\.$/);
  });
});

describe('which results were exported', () => {
  it('counts finished reviews no export holds at their current step; a reopen and a new submit make it unexported again', async () => {
    const w = world();
    const pack = listImportedPacks(w.ev)[0]!;
    const state = (): ReturnType<typeof exportState> => exportState(w.ev, pack);
    expect(state()).toEqual({ unexported: 0, lastExport: null });
    w.act(w.items[0]!, { type: 'rating-set', rating: 5 }, { type: 'submitted' });
    w.act(w.items[1]!, { type: 'skipped', reason: 'Not my field' });
    expect(state().unexported).toBe(2);

    // browser mode: the content comes back for the page to download, and the export is recorded
    const browser = await saveResults(w.ev, {}, undefined, w.clock.t + 1);
    expect(browser).toMatchObject({ savedTo: null, cancelled: false, reviews: 2, study: 'pilot', evaluator: 'ann', researcher: null });
    expect(JSON.parse(browser.content!)).toMatchObject({ format: 'assay-results' });
    expect(state()).toMatchObject({ unexported: 0, lastExport: { fileName: browser.fileName, savedTo: null, reviews: 2 } });

    w.act(w.items[0]!, { type: 'reopened' });
    expect(state().unexported).toBe(0); // the skipped one is exported; the reopened one is open, not finished
    w.act(w.items[0]!, { type: 'submitted' });
    expect(state().unexported).toBe(1); // finished again: this revision is in no export yet

    // the desktop app: a save dialog; cancelled records nothing, saved records where
    const cancelled = await saveResults(w.ev, {}, async () => undefined, w.clock.t + 2);
    expect(cancelled).toMatchObject({ cancelled: true, savedTo: null, content: null });
    expect(state().unexported).toBe(1);
    let written = '';
    const saved = await saveResults(
      w.ev,
      {},
      async (title, name, content) => {
        expect(title).toBe('Export results of pilot');
        written = content;
        return `/home/ann/${name}`;
      },
      w.clock.t + 3,
    );
    expect(saved).toMatchObject({ cancelled: false, content: null, savedTo: `/home/ann/${saved.fileName}` });
    expect(JSON.parse(written)).toMatchObject({ requires: [REOPEN_REQUIREMENT] });
    expect(state()).toMatchObject({ unexported: 0, lastExport: { savedTo: `/home/ann/${saved.fileName}` } });
    expect(listImportedPacks(w.ev)[0]).toMatchObject({ unexported: 0, finished: 2, items: 2 });
  });

  it('names the researcher the pack names, when the study says whom results go to', () => {
    const { db } = tempDb();
    loadStudyTasks(db, 1);
    createStudy(db, { name: 'pilot', conditions: [{ name: 'helped', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, researcher: 'Dr. Rosa Diaz <rosa@lab.example>' }, t0);
    const pack = exportPack(db, 'pilot', 'ann', t0);
    expect(pack.pack.study).toEqual({ id: expect.any(String), name: 'pilot', researcher: 'Dr. Rosa Diaz <rosa@lab.example>' });
    const { db: ev } = tempDb();
    importPack(ev, pack.content, 'ann.json', t0);
    expect(listImportedPacks(ev)[0]!.researcher).toBe('Dr. Rosa Diaz <rosa@lab.example>');
  });
});
