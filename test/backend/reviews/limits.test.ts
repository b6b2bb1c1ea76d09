import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { createEvaluator, ensurePracticeQueue, getQueue, loadEvents, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { startReview } from '../../helpers/review.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { importPack, exportPack } from '../../../electron/backend/studies/packs.js';
import { maxEventsPerReview, maxFlawsPerReview } from '../../../shared/review/state.js';
import { tempDb } from '../../helpers/db.js';
import { loadStudyTasks } from '../studies/fixtures.js';

const flaw = (i: number) => ({ type: 'flaw-added' as const, flaw: { id: `a${i}`, description: `flaw number ${i}` } });

describe('the flaw cap on every path that brings events in', () => {
  it(`recording: an own flaw beyond ${maxFlawsPerReview} is refused with the limit named; the review can still be finished`, () => {
    const { db } = tempDb();
    loadDemo(db);
    const evaluator = createEvaluator(db, 'Capped').id;
    ensurePracticeQueue(db, evaluator);
    const review = startReview(db, evaluator, getQueue(db, evaluator)[0]!.id).review!.id;
    let seq = 0;
    const rec = (event: Parameters<typeof recordEvent>[1]['event']) =>
      (seq = recordEvent(db, { evaluator, review, expectedSeq: seq, clientEventId: `cap-${seq}-xxxxxxxx`, clientTime: Date.now(), event }).seq);
    for (let i = 1; i <= maxFlawsPerReview; i++) rec(flaw(i));
    expect(() => rec(flaw(maxFlawsPerReview + 1))).toThrow('A review can hold at most 1,000 flaws of your own; delete one before adding another.');
    expect(loadEvents(db, review)).toHaveLength(maxFlawsPerReview);
    rec({ type: 'rating-set', rating: 4 });
    rec({ type: 'submitted' });
    expect(seq).toBe(maxFlawsPerReview + 2);
  });

  it('review-record JSON Lines with too many added flaws are refused naming the file, line, event and limit; nothing is stored', () => {
    const db = studyDb();
    const a = getStudy(db, 'capped').assignments.find((x) => x.evaluator === 'eve')!;
    const line = {
      task: a.task,
      evaluator: 'eve',
      study: 'capped',
      condition: a.condition,
      started_at: '2026-01-05T10:00:00.000Z',
      submitted_at: '2026-01-05T10:04:00.000Z',
      active_seconds: 200,
      rating: 5,
      skipped: null,
      decisions: [],
      added: Array.from({ length: 32_000 }, (_, i) => ({ id: `x${i}`, description: `flaw ${i}` })),
    };
    const [r] = importResults(db, [{ fileName: 'many.jsonl', content: `${JSON.stringify(line)}\n` }]);
    expect(r).toMatchObject({ status: 'refused' });
    expect(r!.error).toBe(`many.jsonl:1: event ${maxFlawsPerReview + 1} (flaw-added): A review can hold at most 1,000 flaws of your own; delete one before adding another.`);
    expect(db.prepare('SELECT count(*) AS n FROM review_events').get()).toEqual({ n: 0 });
  });

  it('a results file (valid hash) with 32,000 added flaws is refused at the limit, naming the review', () => {
    const researcher = studyDb();
    const evaluatorDb = tempDb().db;
    importPack(evaluatorDb, exportPack(researcher, 'capped', 'eve').content, 'eve.assay-pack.json');
    const item = getQueue(evaluatorDb, 'eve').find((q) => q.study === 'capped')!;
    const view = startReview(evaluatorDb, 'eve', item.id);
    let seq = 0;
    for (const event of [flaw(1), { type: 'rating-set' as const, rating: 3 }, { type: 'submitted' as const }]) {
      seq = recordEvent(evaluatorDb, { evaluator: 'eve', review: view.review!.id, expectedSeq: seq, clientEventId: `r-${seq}-xxxxxxxx`, clientTime: Date.now(), event }).seq;
    }
    const file = exportResults(evaluatorDb).file;
    // The evaluator forges a log with 32,000 flaws, with plausible times, a valid hash and a valid
    // proof (she holds her pack's secret): only the cap can stop it.
    const review = file.reviews[0]!;
    const at = review.submitted_at_ms;
    const events = [
      ...Array.from({ length: 32_000 }, (_, i) => ({ seq: i + 1, type: 'flaw-added', payload: { flaw: { id: `a${i + 1}`, description: `flaw ${i}` } }, client_time: at, server_time: at })),
      { seq: 32_001, type: 'rating-set', payload: { rating: 3 }, client_time: at, server_time: at },
      { seq: 32_002, type: 'submitted', payload: {}, client_time: at, server_time: at },
    ];
    const { hash: _old, ...withMac } = { ...file, reviews: [{ ...review, events }] };
    const { mac: _mac, ...body } = withMac as typeof withMac & { mac?: string };
    const secret = (evaluatorDb.prepare(`SELECT secret FROM pack_issues WHERE role = 'imported'`).get() as { secret: string }).secret;
    const forged = { ...body, hash: fileHash(body), mac: resultsMac(secret, body) };
    const [r] = importResults(researcher, [{ fileName: 'forged.json', content: JSON.stringify(forged) }]);
    expect(r!.status).toBe('refused');
    expect(r!.error).toContain(`forged.json: reviews.0 (task "${review.record.task}"): event ${maxFlawsPerReview + 1} (flaw-added): A review can hold at most 1,000 flaws`);
    expect(researcher.prepare('SELECT count(*) AS n FROM review_events').get()).toEqual({ n: 0 });
  });

  it(`a results file (valid hash) with more than ${maxEventsPerReview.toLocaleString('en')} events is refused at the event limit, naming the review`, () => {
    const researcher = studyDb();
    const evaluatorDb = tempDb().db;
    importPack(evaluatorDb, exportPack(researcher, 'capped', 'eve').content, 'eve.assay-pack.json');
    const item = getQueue(evaluatorDb, 'eve').find((q) => q.study === 'capped')!;
    const view = startReview(evaluatorDb, 'eve', item.id);
    let seq = 0;
    for (const event of [flaw(1), { type: 'rating-set' as const, rating: 3 }, { type: 'submitted' as const }]) {
      seq = recordEvent(evaluatorDb, { evaluator: 'eve', review: view.review!.id, expectedSeq: seq, clientEventId: `r-${seq}-xxxxxxxx`, clientTime: Date.now(), event }).seq;
    }
    const file = exportResults(evaluatorDb).file;
    // The same forger, now within the flaw cap: one flaw's text edited over and over, past the cap on
    // events (each edit is a valid event on its own).
    const review = file.reviews[0]!;
    const at = review.submitted_at_ms;
    const events = [
      { seq: 1, type: 'flaw-added', payload: { flaw: { id: 'a1', description: 'flaw' } }, client_time: at, server_time: at },
      ...Array.from({ length: maxEventsPerReview + 5 }, (_, i) => ({ seq: i + 2, type: 'flaw-edited', payload: { flaw: { id: 'a1', description: `flaw, edit ${i}` } }, client_time: at, server_time: at })),
      { seq: maxEventsPerReview + 7, type: 'rating-set', payload: { rating: 3 }, client_time: at, server_time: at },
      { seq: maxEventsPerReview + 8, type: 'submitted', payload: {}, client_time: at, server_time: at },
    ];
    const { hash: _old, ...withMac } = { ...file, reviews: [{ ...review, events }] };
    const { mac: _mac, ...body } = withMac as typeof withMac & { mac?: string };
    const secret = (evaluatorDb.prepare(`SELECT secret FROM pack_issues WHERE role = 'imported'`).get() as { secret: string }).secret;
    const forged = { ...body, hash: fileHash(body), mac: resultsMac(secret, body) };
    const [r] = importResults(researcher, [{ fileName: 'forged.json', content: JSON.stringify(forged) }]);
    expect(r!.status).toBe('refused');
    expect(r!.error).toContain(`forged.json: reviews.0 (task "${review.record.task}"): event ${maxEventsPerReview + 1} (flaw-edited): This review has reached the limit of 20,000 actions per review`);
    expect(researcher.prepare('SELECT count(*) AS n FROM review_events').get()).toEqual({ n: 0 });
  });
});

function studyDb(): WritableDb {
  const { db } = tempDb();
  loadStudyTasks(db, 2);
  createStudy(db, { name: 'capped', conditions: [{ name: 'all', policy: 'all' }], evaluators: [{ id: 'eve' }], overlap: 1, seed: 1 }, 1_000);
  return db;
}
