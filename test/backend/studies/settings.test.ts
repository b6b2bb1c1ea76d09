import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, endReviewsPastTheirTime, getQueue, getReviewView, recordEvent, recordHeartbeat } from '../../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack, listImportedPacks } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { loadStudyData } from '../../../electron/backend/analysis/feed.js';
import type { ReviewEvent } from '../../../shared/review/events.js';
import { recordSettingsProblem, ReviewRecordSchema } from '../../../shared/review/record.js';
import type { StudySettingsInput } from '../../../shared/study/settings.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';
import { loadStudyTasks } from './fixtures.js';

// Study settings end to end, as the back end enforces them: created with the study, carried by the
// pack, enforced in the evaluator's database as they review, and again in the researcher's results
// import (results files and review-record JSON Lines), with refusals naming file, review and field.

type Json = Record<string, unknown>;
const t0 = Date.UTC(2026, 2, 2, 9);

/** A researcher's database with `tasks` tasks and study "s" (one condition showing every critique, one evaluator). */
function researcher(settings: StudySettingsInput, tasks = 3): WritableDb {
  const { db } = tempDb();
  loadStudyTasks(db, tasks);
  createStudy(db, { name: 's', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 3, settings }, t0);
  return db;
}

/** The evaluator's database with ann's pack of study "s" opened; returns it, its file and the pack's secret. */
function evaluator(db: WritableDb): { ev: WritableDb; evPath: string; secret: string } {
  const { content, pack } = exportPack(db, 's', 'ann', t0 + 1000);
  const { db: ev, path: evPath } = tempDb();
  importPack(ev, content, 'ann.assay-pack.json', t0 + 2000);
  return { ev, evPath, secret: pack.pack.secret };
}

/** A tiny evaluator session: opens an item at `at`, then records events one by one. */
function session(ev: WritableDb, item: number, at: number) {
  const begun = beginReview(ev, 'ann', item, at);
  let seq = begun.review.events.length;
  let n = 0;
  return {
    review: begun.review,
    shown: begun.shown ?? [],
    send(event: ReviewEvent, when: number) {
      const r = recordEvent(ev, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `cid-${item}-${++n}-xxxx`, clientTime: when, event }, when);
      seq = r.seq;
      return r;
    },
  };
}

const studyItems = (ev: WritableDb) => getQueue(ev, 'ann').filter((q) => q.study === 's');

function resign(body: Json, secret: string): string {
  const { hash: _h, mac: _m, ...rest } = body;
  return JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(secret, rest) });
}

describe('study settings: create, show, pack, open', () => {
  const all: StudySettingsInput = {
    rating: 'off',
    rejectReason: 'optional',
    decideAll: true,
    instructions: '# Protocol\n\nRead the **source** first.',
    categories: ['accuracy', 'tone'],
    timeLimitSeconds: 300,
    onTimeLimit: 'skip',
    question: 'Does the output contain a serious flaw?',
  };

  it('are stored with the study, returned by studies:get, carried by the pack with requires, and kept by the evaluator’s database', async () => {
    const db = researcher(all);
    const expected = { ...all };
    expect(getStudy(db, 's').settings).toEqual(expected);
    const viaApi = await dispatch(createHandlers({ db, dbPath: '', host: 'browser' }), 'studies:get', { name: 's' });
    expect(viaApi).toMatchObject({ ok: true, value: { settings: expected, timeLimitSeconds: 300 } });
    const { pack } = exportPack(db, 's', 'ann', t0 + 1000);
    expect(pack.settings).toEqual({
      rating: 'off',
      reject_reason: 'optional',
      decide_all: true,
      instructions: all.instructions,
      categories: ['accuracy', 'tone'],
      time_limit_seconds: 300,
      on_time_limit: 'skip',
      question: all.question,
    });
    expect(pack.requires.map((r) => r.feature)).toEqual(['rating-off', 'decide-all', 'instructions', 'categories', 'time-limit', 'question']);
    const { ev } = evaluator(db);
    expect(listImportedPacks(ev)[0]!.settings).toEqual(expected);
    const item = studyItems(ev)[0]!;
    expect(getReviewView(ev, 'ann', item.id).settings).toEqual(expected);
    // a study reviewed in the researcher's own database says the same; practice items follow the defaults
    createStudy(db, { name: 'here', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 3, settings: all, reviewHere: true }, t0);
    const own = getQueue(db, 'ann').find((q) => q.study === 'here')!;
    expect(getReviewView(db, 'ann', own.id).settings).toEqual(expected);
  });

  it('a study that sets nothing writes the pack of before: settings {}, requires []', () => {
    const db = researcher({});
    const { pack } = exportPack(db, 's', 'ann', t0 + 1000);
    expect(pack.settings).toEqual({});
    expect(pack.requires).toEqual([]);
  });
});

describe('rating off, reject reason optional (labels-only data)', () => {
  it('refuses a rating as the evaluator works; the results merge with "rating": null and reasonless rejections', () => {
    const db = researcher({ rating: 'off', rejectReason: 'optional' });
    const { ev } = evaluator(db);
    let at = t0 + 10_000;
    for (const item of studyItems(ev)) {
      const s = session(ev, item.id, (at += 1000));
      expect(() => s.send({ type: 'rating-set', rating: 5 }, (at += 1000))).toThrow('This study does not ask for a rating.');
      s.send({ type: 'decision-recorded', critique: 'k1', verdict: 'accept' }, (at += 1000));
      s.send({ type: 'decision-recorded', critique: 'k2', verdict: 'reject' }, (at += 1000));
      expect(s.send({ type: 'submitted' }, (at += 1000)).status).toBe('submitted');
    }
    const results = exportResults(ev, {}, at + 1000);
    const [r] = importResults(db, [{ fileName: 'ann-results.json', content: results.content }], {}, at + 2000);
    expect(r).toMatchObject({ status: 'merged', added: 3 });
    const records = exportReviewRecords(db, { study: 's' });
    expect(records.map((x) => [x.rating, x.decisions, x.ended_by, x.answer, x.confidence])).toEqual(
      Array(3).fill([null, [{ critique: 'c1', verdict: 'accept' }, { critique: 'c2', verdict: 'reject' }], 'evaluator', null, null]),
    );
  });

  it('the researcher’s import refuses records that break the settings, naming file, line or review, and field', () => {
    const db = researcher({ rating: 'off', rejectReason: 'optional' });
    const a = getStudy(db, 's').assignments[0]!;
    const line = {
      task: a.task,
      evaluator: 'ann',
      study: 's',
      condition: 'assisted',
      started_at: '2026-03-02T10:00:00.000Z',
      submitted_at: '2026-03-02T10:01:00.000Z',
      active_seconds: 30,
      rating: null,
      skipped: null,
      decisions: [{ critique: 'c1', verdict: 'reject' }],
      added: [],
    };
    const ok = importResults(db, [{ fileName: 'labels.jsonl', content: `${JSON.stringify(line)}\n` }]);
    expect(ok[0]).toMatchObject({ status: 'merged', added: 1 });
    const db2 = researcher({ rating: 'off', rejectReason: 'optional' });
    const [rated] = importResults(db2, [{ fileName: 'labels.jsonl', content: `${JSON.stringify({ ...line, rating: 4 })}\n` }]);
    expect(rated!.error).toBe('labels.jsonl:1: rating: this study asks for no rating (rating off), but the record has 4; use null');
    // the same record under the default settings: a rating and a reason are required
    const db3 = researcher({});
    const [strict] = importResults(db3, [{ fileName: 'labels.jsonl', content: `${JSON.stringify(line)}\n` }]);
    expect(strict!.error).toBe('labels.jsonl:1: rating: this study requires a rating (1–7) on every review an evaluator submits');
    const [reason] = importResults(db3, [{ fileName: 'labels.jsonl', content: `${JSON.stringify({ ...line, rating: 4 })}\n` }]);
    expect(reason!.error).toBe('labels.jsonl:1: decisions.0.reason: this study requires a reason for every rejection');
    expect(db3.prepare('SELECT count(*) AS n FROM reviews').get()).toEqual({ n: 0 });
  });

  it('a results file whose log rates under rating off is refused even when properly signed', () => {
    const db = researcher({ rating: 'off', rejectReason: 'optional' });
    const { ev, secret } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const s = session(ev, item.id, t0 + 10_000);
    s.send({ type: 'decision-recorded', critique: 'k1', verdict: 'accept' }, t0 + 11_000);
    s.send({ type: 'submitted' }, t0 + 12_000);
    const file = JSON.parse(exportResults(ev, {}, t0 + 13_000).content) as Json & { reviews: (Json & { record: Json; events: Json[] })[] };
    const review = file.reviews[0]!;
    review.record = { ...review.record, rating: 6 };
    const [r] = importResults(db, [{ fileName: 'forged.json', content: resign(file, secret) }], {}, t0 + 14_000);
    expect(r!.error).toBe(`forged.json: reviews.0 (task "${item.taskId}"): record: rating: this study asks for no rating (rating off), but the record has 6; use null`);
    // a rating event slipped into the log (record left as it was) is refused at that event
    review.record = { ...review.record, rating: null };
    review.events = [
      review.events[0]!,
      { seq: 2, type: 'rating-set', payload: { rating: 6 }, client_time: t0 + 11_500, server_time: t0 + 11_500 },
      { ...review.events[1]!, seq: 3 },
    ];
    const [r2] = importResults(db, [{ fileName: 'forged.json', content: resign(file, secret) }], {}, t0 + 14_000);
    expect(r2!.error).toBe(`forged.json: reviews.0 (task "${item.taskId}"): event 2 (rating-set): This study does not ask for a rating.`);
  });
});

describe('decide-all, categories and the question', () => {
  const settings: StudySettingsInput = { decideAll: true, categories: ['accuracy', 'tone'], question: 'Does the output contain a serious flaw?' };

  it('are enforced as the evaluator works, and the records carry answer and confidence into exports and the metrics feed', async () => {
    const db = researcher(settings, 1);
    const { ev } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const s = session(ev, item.id, t0 + 10_000);
    expect(s.shown).toEqual(['k1', 'k2', 'k3', 'k4']);
    let at = t0 + 10_000;
    s.send({ type: 'rating-set', rating: 3 }, (at += 1000));
    s.send({ type: 'decision-recorded', critique: 'k1', verdict: 'accept' }, (at += 1000));
    expect(() => s.send({ type: 'flaw-added', flaw: { id: 'a1', description: 'Wrong month', category: 'style' } }, (at += 1000))).toThrow(
      'Category "style" is not one of this study\'s categories: accuracy, tone.',
    );
    s.send({ type: 'flaw-added', flaw: { id: 'a1', description: 'Wrong month', category: 'accuracy' } }, (at += 1000));
    expect(() => s.send({ type: 'submitted' }, (at += 1000))).toThrow('Answer the question before submitting: "Does the output contain a serious flaw?"');
    s.send({ type: 'answer-set', answer: true }, (at += 1000));
    // the contract refuses a confidence outside 50–100 before any handler runs
    const api = await dispatch(createHandlers({ db: ev, dbPath: '', host: 'browser' }), 'review:record', {
      evaluator: 'ann',
      review: s.review.id,
      expectedSeq: 4,
      clientEventId: 'cid-bad-confidence',
      clientTime: at,
      event: { type: 'confidence-set', confidence: 40 },
    });
    expect(api).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('event.confidence') } });
    s.send({ type: 'confidence-set', confidence: 85 }, (at += 1000));
    expect(() => s.send({ type: 'submitted' }, (at += 1000))).toThrow('Decide every critique before submitting: 3 of 4 are undecided.');
    for (const k of ['k2', 'k3', 'k4']) s.send({ type: 'decision-recorded', critique: k, verdict: 'reject', reason: 'nitpick' }, (at += 1000));
    s.send({ type: 'submitted' }, (at += 1000));
    const [r] = importResults(db, [{ fileName: 'ann.json', content: exportResults(ev, {}, at + 1000).content }], {}, at + 2000);
    expect(r).toMatchObject({ status: 'merged', added: 1 });
    expect(JSON.parse(exportResults(ev, {}, at + 1000).content).requires).toEqual([{ feature: 'question', assay: '0.2.0' }]);
    const [record] = exportReviewRecords(db, { study: 's' });
    expect(record).toMatchObject({ rating: 3, answer: true, confidence: 85, ended_by: 'evaluator', added: [{ category: 'accuracy' }] });
    const [fed] = loadStudyData(db, 's').data.reviews;
    expect(fed).toMatchObject({ answer: true, confidence: 85, endedBy: 'evaluator' });
  });

  it('review records without the answer, with undecided critiques, or with another category are refused by field', () => {
    const db = researcher(settings, 1);
    const a = getStudy(db, 's').assignments[0]!;
    const line = {
      task: a.task,
      evaluator: 'ann',
      study: 's',
      condition: 'assisted',
      started_at: '2026-03-02T10:00:00.000Z',
      submitted_at: '2026-03-02T10:01:00.000Z',
      active_seconds: 30,
      rating: 4,
      skipped: null,
      decisions: ['c1', 'c2', 'c3', 'c4'].map((critique) => ({ critique, verdict: 'accept' })),
      added: [],
      answer: false,
      confidence: 70,
    };
    const refusal = (changed: Json) => importResults(db, [{ fileName: 'r.jsonl', content: `${JSON.stringify({ ...line, ...changed })}\n` }])[0]!.error;
    expect(refusal({ answer: undefined })).toBe('r.jsonl:1: answer: required: this study asks "Does the output contain a serious flaw?" (true = the output is flawed)');
    expect(refusal({ confidence: null })).toBe('r.jsonl:1: confidence: required: the confidence in the answer, 50–100');
    expect(refusal({ confidence: 101 })).toMatch(/^r\.jsonl:1: confidence: /);
    expect(refusal({ decisions: [{ critique: 'c1', verdict: 'accept' }] })).toMatch(/^r\.jsonl:1: decisions: 3 of 4 shown critiques undecided \(c2, c3, c4\)/);
    expect(refusal({ added: [{ id: 'x', description: 'd', category: 'style' }] })).toBe('r.jsonl:1: added.0.category: "style" is not one of this study\'s categories (accuracy, tone)');
    expect(refusal({ skipped: { reason: 'No time' }, rating: null })).toBe('r.jsonl:1: answer: a skipped review answers nothing; use null');
    expect(db.prepare('SELECT count(*) AS n FROM reviews').get()).toEqual({ n: 0 });
    expect(importResults(db, [{ fileName: 'r.jsonl', content: `${JSON.stringify(line)}\n` }])[0]).toMatchObject({ status: 'merged', added: 1 });
    expect(exportReviewRecords(db, { study: 's' })[0]).toMatchObject({ answer: false, confidence: 70, ended_by: 'evaluator' });
  });
});

describe('the time limit', () => {
  it('submit: actions pass until the limit (plus slack); the clock submits as it stands; later actions are refused; the record says how it ended', () => {
    const db = researcher({ timeLimitSeconds: 60, onTimeLimit: 'submit', decideAll: true }, 1);
    const { ev } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const start = t0 + 10_000;
    const s = session(ev, item.id, start);
    expect(s.review.clock).toEqual({ deadline: start + 60_000, remainingMs: 60_000 });
    expect(getReviewView(ev, 'ann', item.id, start + 45_000).review!.clock).toEqual({ deadline: start + 60_000, remainingMs: 15_000 });
    s.send({ type: 'decision-recorded', critique: 'k1', verdict: 'accept' }, start + 30_000);
    expect(() => s.send({ type: 'time-expired', outcome: 'submitted' }, start + 50_000)).toThrow('The time limit has not run out yet (10 s left).');
    s.send({ type: 'decision-recorded', critique: 'k2', verdict: 'accept' }, start + 62_000); // in flight at zero: within the slack
    const ended = s.send({ type: 'time-expired', outcome: 'submitted' }, start + 63_000);
    expect(ended).toMatchObject({ status: 'submitted', serverTime: start + 62_000 }); // stamped at the last action (after the deadline)
    const [r] = importResults(db, [{ fileName: 'ann.json', content: exportResults(ev, {}, start + 70_000).content }], {}, start + 80_000);
    expect(r).toMatchObject({ status: 'merged', added: 1 });
    const [record] = exportReviewRecords(db, { study: 's' });
    // no rating, two of four critiques undecided: the clock's submit is exempt from those rules
    expect(record).toMatchObject({ rating: null, skipped: null, ended_by: 'time-limit', decisions: [{ critique: 'c1' }, { critique: 'c2' }] });
  });

  it('past the limit and the slack an ordinary action is not saved: the server ends the item itself and says so', () => {
    const db = researcher({ timeLimitSeconds: 60, onTimeLimit: 'skip' }, 1);
    const { ev } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const start = t0 + 10_000;
    const s = session(ev, item.id, start);
    s.send({ type: 'rating-set', rating: 4 }, start + 10_000);
    expect(() => s.send({ type: 'submitted' }, start + 70_000)).toThrow(
      'Time is up for this item (its limit is 1 min): it was skipped when the time ran out, so this action was not saved. Go on to the next item.',
    );
    const view = getReviewView(ev, 'ann', item.id, start + 71_000);
    expect(view.review).toMatchObject({ status: 'skipped', submittedAt: start + 60_000 });
    expect(view.review!.events.at(-1)).toEqual({ seq: 2, event: { type: 'time-expired', outcome: 'skipped' } });
    // the window's own time-expired, arriving after the server's, is answered as done (idempotent)
    expect(s.send({ type: 'time-expired', outcome: 'skipped' }, start + 72_000)).toMatchObject({ seq: 2, status: 'skipped' });
    const [r] = importResults(db, [{ fileName: 'ann.json', content: exportResults(ev, {}, start + 80_000).content }], {}, start + 90_000);
    expect(r).toMatchObject({ status: 'merged', added: 1 });
    expect(exportReviewRecords(db, { study: 's' })[0]).toMatchObject({ skipped: { reason: 'time limit' }, rating: null, ended_by: 'time-limit' });
  });

  it('an item whose window closed before its time ran out is ended by the clock on the next visit, queue listing or export, stamped at the deadline', () => {
    const db = researcher({ timeLimitSeconds: 60 }, 3);
    const { ev } = evaluator(db);
    const [first, second, third] = studyItems(ev);
    const start = t0 + 10_000;
    session(ev, first!.id, start);
    session(ev, second!.id, start);
    session(ev, third!.id, start);
    // heartbeats after the deadline add no active time (the review ends at the deadline)
    expect(recordHeartbeat(ev, 'ann', getReviewView(ev, 'ann', first!.id, start).review!.id, 59_000, start + 59_500)).toBe(59_000);
    expect(recordHeartbeat(ev, 'ann', getReviewView(ev, 'ann', first!.id, start).review!.id, 90_000, start + 90_000)).toBe(59_000);
    // a visit: begin ends it
    expect(beginReview(ev, 'ann', first!.id, start + 3_600_000).review).toMatchObject({ status: 'submitted', submittedAt: start + 60_000, clock: { remainingMs: 0 } });
    // the queue listing ends the others (through the API, as the Review place lists it)
    const handlers = createHandlers({ db: ev, dbPath: '', host: 'browser' });
    expect(endReviewsPastTheirTime(ev, 'ann', start + 30_000)).toBe(0); // not yet
    return dispatch(handlers, 'review:queue', { evaluator: 'ann' }).then((answer) => {
      const q = answer as { ok: true; value: { items: { study: string; status: string }[] } };
      expect(q.value.items.filter((i) => i.study === 's').map((i) => i.status)).toEqual(['submitted', 'submitted', 'submitted']);
      const file = JSON.parse(exportResults(ev, {}, Date.now()).content) as { reviews: { submitted_at_ms: number; active_ms: number }[]; requires: unknown };
      expect(file.reviews.map((r) => r.submitted_at_ms)).toEqual([start + 60_000, start + 60_000, start + 60_000]);
      expect(file.reviews[0]!.active_ms).toBe(59_000);
      expect(file.requires).toEqual([{ feature: 'time-limit', assay: '0.2.0' }]);
      const [r] = importResults(db, [{ fileName: 'ann.json', content: exportResults(ev).content }]);
      expect(r).toMatchObject({ status: 'merged', added: 3 });
    });
  });

  it('assay results export ends the items whose time ran out first, so they go out ended by the clock', async () => {
    const db = researcher({ timeLimitSeconds: 60, onTimeLimit: 'skip' }, 2);
    const { ev, evPath } = evaluator(db);
    for (const item of studyItems(ev)) session(ev, item.id, t0 + 10_000);
    ev.close();
    const out = path.join(tempDir(), 'ann-results.json');
    const r = await captureCli(['results', 'export', '--out', out, '--db', evPath]);
    expect(r.code, r.err).toBe(0);
    const file = JSON.parse(fs.readFileSync(out, 'utf8')) as { reviews: { record: Json }[] };
    expect(file.reviews.map((x) => [x.record['skipped'], x.record['ended_by']])).toEqual([
      [{ reason: 'time limit' }, 'time-limit'],
      [{ reason: 'time limit' }, 'time-limit'],
    ]);
    expect(importResults(db, [{ fileName: 'ann-results.json', content: fs.readFileSync(out, 'utf8') }])[0]).toMatchObject({ status: 'merged', added: 2 });
  });

  it('the import refuses logs that break the limit, a clock ending without a limit, and records past their time', () => {
    const db = researcher({ timeLimitSeconds: 60 }, 1);
    const { ev, secret } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const start = t0 + 10_000;
    const s = session(ev, item.id, start);
    s.send({ type: 'rating-set', rating: 4 }, start + 10_000);
    s.send({ type: 'submitted' }, start + 20_000);
    const file = JSON.parse(exportResults(ev, {}, start + 30_000).content) as Json & { reviews: (Json & { events: Json[] })[] };
    const where = `late.json: reviews.0 (task "${item.taskId}")`;
    // an evaluator's submit two minutes in (times consistent, properly signed): past the limit
    const late = structuredClone(file);
    late.reviews[0]!.events = late.reviews[0]!.events.map((e, i) => (i === 1 ? { ...e, server_time: start + 120_000 } : e));
    late.reviews[0]!['submitted_at_ms'] = start + 120_000;
    late.reviews[0]!['record'] = { ...(late.reviews[0]!['record'] as Json), submitted_at: new Date(start + 120_000).toISOString() };
    expect(importResults(db, [{ fileName: 'late.json', content: resign(late, secret) }], {}, start + 200_000)[0]!.error).toBe(
      `${where}: record: submitted_at: 120.0 s after the start, past the study's time limit of 60 s (the clock ends an item then: ended_by "time-limit")`,
    );
    // the clock ending after 20 s
    const early = structuredClone(file);
    early.reviews[0]!.events[1] = { ...early.reviews[0]!.events[1]!, type: 'time-expired', payload: { outcome: 'submitted' } };
    early.reviews[0]!['record'] = { ...(early.reviews[0]!['record'] as Json), ended_by: 'time-limit' };
    expect(importResults(db, [{ fileName: 'late.json', content: resign(early, secret) }], {}, start + 200_000)[0]!.error).toBe(
      `${where}: record: submitted_at: ended by the time limit after 20.0 s, before the study's limit of 60 s ran out`,
    );
    // review records: a clock ending in a study without a limit
    const db2 = researcher({}, 1);
    const a = getStudy(db2, 's').assignments[0]!;
    const rec = { task: a.task, evaluator: 'ann', study: 's', condition: 'assisted', started_at: '2026-03-02T10:00:00.000Z', submitted_at: '2026-03-02T10:01:00.000Z', active_seconds: 30, rating: null, skipped: null, decisions: [], added: [], ended_by: 'time-limit' };
    expect(importResults(db2, [{ fileName: 'r.jsonl', content: JSON.stringify(rec) }])[0]!.error).toBe('r.jsonl:1: ended_by: "time-limit", but this study has no time limit that ends items');
  });
});

describe('older files', () => {
  it('records without answer, confidence and ended_by (older Assay) merge as null, null, "evaluator"', () => {
    const db = researcher({}, 1);
    const a = getStudy(db, 's').assignments[0]!;
    const rec = { task: a.task, evaluator: 'ann', study: 's', condition: 'assisted', started_at: '2026-03-02T10:00:00.000Z', submitted_at: '2026-03-02T10:01:00.000Z', active_seconds: 30, rating: 3, skipped: null, decisions: [], added: [] };
    expect(importResults(db, [{ fileName: 'old.jsonl', content: JSON.stringify(rec) }])[0]).toMatchObject({ status: 'merged', added: 1 });
    expect(exportReviewRecords(db)[0]).toMatchObject({ answer: null, confidence: null, ended_by: 'evaluator' });
  });

  it('a results file written before the new record fields (its records lack them) still merges', () => {
    const db = researcher({}, 1);
    const { ev, secret } = evaluator(db);
    const item = studyItems(ev)[0]!;
    const s = session(ev, item.id, t0 + 10_000);
    s.send({ type: 'rating-set', rating: 2 }, t0 + 11_000);
    s.send({ type: 'submitted' }, t0 + 12_000);
    const file = JSON.parse(exportResults(ev, {}, t0 + 13_000).content) as Json & { reviews: (Json & { record: Json })[] };
    const { answer: _a, confidence: _c, ended_by: _e, ...older } = file.reviews[0]!.record;
    file.reviews[0]!.record = older;
    expect(importResults(db, [{ fileName: 'older.json', content: resign(file, secret) }], {}, t0 + 14_000)[0]).toMatchObject({ status: 'merged', added: 1 });
  });
});

describe('property: any settings and any record', () => {
  it('a review-record line is merged exactly when it keeps its study’s settings, else refused naming its line and field, storing nothing', () => {
    const { db } = tempDb();
    loadStudyTasks(db, 1);
    let n = 0;
    const settingsArb = fc.record(
      {
        rating: fc.constantFrom('required', 'optional', 'off'),
        rejectReason: fc.constantFrom('required', 'optional'),
        decideAll: fc.boolean(),
        categories: fc.option(fc.constant(['accuracy', 'tone'])),
        timeLimitSeconds: fc.option(fc.constantFrom(30, 60)),
        onTimeLimit: fc.constantFrom('submit', 'skip'),
        question: fc.option(fc.constant('Flawed?')),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<StudySettingsInput>;
    const recordArb = fc.record({
      rating: fc.option(fc.integer({ min: 1, max: 7 })),
      skipped: fc.option(fc.constantFrom('No time', 'time limit')),
      decisions: fc.subarray(['c1', 'c2', 'c3', 'c4']).chain((ids) =>
        fc.tuple(...ids.map((critique) => fc.record({ critique: fc.constant(critique), verdict: fc.constantFrom('accept', 'reject'), reason: fc.option(fc.constant('nitpick'), { nil: undefined }) }))),
      ),
      category: fc.option(fc.constantFrom('accuracy', 'style'), { nil: undefined }),
      answer: fc.option(fc.boolean(), { nil: undefined }),
      confidence: fc.option(fc.integer({ min: 50, max: 100 }), { nil: undefined }),
      endedBy: fc.option(fc.constantFrom('evaluator', 'time-limit'), { nil: undefined }),
      seconds: fc.constantFrom(20, 30, 60, 66, 120),
    });
    fc.assert(
      fc.property(settingsArb, recordArb, (settings, rec) => {
        const name = `p${++n}`;
        createStudy(db, { name, conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 1, settings });
        const start = Date.UTC(2026, 2, 2, 10);
        const line = {
          task: 'task-1',
          evaluator: 'ann',
          study: name,
          condition: 'assisted',
          started_at: new Date(start).toISOString(),
          submitted_at: new Date(start + rec.seconds * 1000).toISOString(),
          active_seconds: 10,
          rating: rec.skipped ? null : rec.rating,
          skipped: rec.skipped ? { reason: rec.skipped } : null,
          decisions: rec.decisions.map((d) => (d.reason === undefined || d.verdict === 'accept' ? { critique: d.critique, verdict: d.verdict } : d)),
          added: rec.category ? [{ id: 'x1', description: 'd', category: rec.category }] : [],
          ...(rec.answer !== undefined ? { answer: rec.skipped ? null : rec.answer } : {}),
          ...(rec.confidence !== undefined ? { confidence: rec.skipped ? null : rec.confidence } : {}),
          ...(rec.endedBy !== undefined ? { ended_by: rec.endedBy } : {}),
        };
        const before = (db.prepare('SELECT count(*) AS n FROM reviews').get() as { n: number }).n;
        const expected = recordSettingsProblem(
          ReviewRecordSchema.parse(line),
          getStudy(db, name).settings,
          ['c1', 'c2', 'c3', 'c4'],
          { startedAt: start, submittedAt: start + rec.seconds * 1000 },
        );
        const [r] = importResults(db, [{ fileName: 'p.jsonl', content: JSON.stringify(line) }]);
        const after = (db.prepare('SELECT count(*) AS n FROM reviews').get() as { n: number }).n;
        if (expected) {
          expect(r!.error).toBe(`p.jsonl:1: ${expected.field}: ${expected.message}`);
          expect(after).toBe(before);
        } else if (r!.status === 'merged') {
          expect(after).toBe(before + 1);
          const stored = exportReviewRecords(db, { study: name })[0]!;
          expect([stored.ended_by, stored.rating, stored.answer ?? null]).toEqual([rec.endedBy ?? 'evaluator', line.rating, line.answer ?? null]);
        } else {
          throw new Error(`a record that keeps its settings was refused: ${r!.error}`);
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe('property: what the evaluator’s Assay records under any settings, the researcher’s import accepts', () => {
  it('random actions at random times (refusals ignored, as the UI shows them), then export and merge: always merged, record for record', () => {
    const action = fc.oneof(
      fc.record({ type: fc.constant('decision-recorded'), critique: fc.constantFrom('k1', 'k2', 'k3', 'k4'), verdict: fc.constantFrom('accept', 'reject'), reason: fc.option(fc.constant('other'), { nil: undefined }) }),
      fc.record({ type: fc.constant('rating-set'), rating: fc.integer({ min: 1, max: 7 }) }),
      fc.record({ type: fc.constant('answer-set'), answer: fc.boolean() }),
      fc.record({ type: fc.constant('confidence-set'), confidence: fc.integer({ min: 50, max: 100 }) }),
      fc.record({ type: fc.constant('flaw-added'), flaw: fc.record({ id: fc.constantFrom('a1', 'a2'), description: fc.constant('d'), category: fc.constantFrom('accuracy', 'style') }) }),
      fc.constant({ type: 'undone' }),
      fc.constant({ type: 'submitted' }),
      fc.constant({ type: 'skipped', reason: 'Not my field' }),
      fc.constantFrom({ type: 'time-expired', outcome: 'submitted' }, { type: 'time-expired', outcome: 'skipped' }),
    );
    const settingsArb = fc.record(
      {
        rating: fc.constantFrom('required', 'optional', 'off'),
        rejectReason: fc.constantFrom('required', 'optional'),
        decideAll: fc.boolean(),
        categories: fc.option(fc.constant(['accuracy'])),
        timeLimitSeconds: fc.option(fc.constant(60)),
        onTimeLimit: fc.constantFrom('submit', 'skip'),
        question: fc.option(fc.constant('Flawed?')),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<StudySettingsInput>;
    fc.assert(
      fc.property(settingsArb, fc.array(fc.tuple(action, fc.integer({ min: 0, max: 40_000 })), { maxLength: 25 }), (settings, steps) => {
        const db = researcher(settings, 1);
        const { ev } = evaluator(db);
        const item = studyItems(ev)[0]!;
        const start = t0 + 10_000;
        const s = session(ev, item.id, start);
        let at = start;
        for (const [event, gap] of steps) {
          at += gap;
          try {
            s.send(event as ReviewEvent, at);
          } catch {
            // refused (the rules, the clock): the UI would show the message
          }
        }
        const records = () => exportReviewRecords(ev, { study: 's' });
        const ended = records().length;
        const [r] = importResults(db, [{ fileName: 'ann.json', content: exportResults(ev, {}, Date.now()).content }]);
        expect(r!.error).toBeNull();
        expect(r!.added).toBe(ended);
        ev.close();
        db.close();
      }),
      { numRuns: 60 },
    );
  }, 180_000);
});
