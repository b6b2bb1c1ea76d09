// Impossible results content is refused on every path that brings reviews in — results files (even
// when properly signed: the evaluator's own Assay may be wrong or modified), review-record JSON
// Lines and the review API — with the file, the review and the field in the error. And whatever
// Assay itself writes (`assay export reviews`, results files) its importer accepts.
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportReviewRecords } from '../../../electron/backend/reviews/export.js';
import { beginReview, getQueue, recordEvent, recordHeartbeat } from '../../../electron/backend/reviews/repository.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { ReviewEventSchema, type ReviewEvent } from '../../../shared/review/events.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';

const t0 = Date.UTC(2026, 5, 1, 9);
const now = t0 + 86_400_000; // "today" for the importer

type Json = Record<string, unknown>;

const tasks = [1, 2, 3, 4].map((i) => ({
  id: `t${i}`,
  kind: i === 4 ? 'code' : 'summary',
  output: i === 4 ? 'def f(x):\n    return x + 1\n\nprint(f(2))\n' : `The council closed the bridge ${i} for a year in spring. Critics said the plan was rushed.`,
  critiques: [
    { id: 'c1', text: `Wrong month ${i}.`, anchor: i === 4 ? { lines: [2, 2] } : { quote: 'spring' }, score: 0.9 },
    { id: 'c2', text: 'It closes for six months.', score: 0.5 },
    { id: 'c3', text: 'A decoy.', score: 0.1, valid: false },
  ],
}));

/** The researcher's database; `reviewHere`: the study is reviewed on it (else from packs). */
function researcher(reviewHere = false): WritableDb {
  const { db } = tempDb();
  importTasks(db, tasks);
  createStudy(
    db,
    {
      name: 'pilot',
      conditions: [
        { name: 'alone', policy: 'none' },
        { name: 'helped', policy: 'all' },
        { name: 'best', policy: 'top-1' },
      ],
      evaluators: [{ id: 'ann' }, { id: 'bob' }, { id: 'cyd' }],
      overlap: 3,
      seed: 5,
      reviewHere,
    },
    t0,
  );
  return db;
}

/** Ann's signed results file: every item reviewed (one decision where critiques are shown, a rating, submitted). */
function signedResults(db: WritableDb): { file: Json & { reviews: Json[] }; secret: string } {
  const pack = exportPack(db, 'pilot', 'ann', t0).content;
  const ev = openDatabase(path.join(tempDir(), 'ann.db'));
  importPack(ev, pack, 'ann.json', t0);
  let t = t0 + 60_000;
  for (const q of getQueue(ev, 'ann').filter((x) => x.study === 'pilot')) {
    const b = beginReview(ev, 'ann', q.id, (t += 1000));
    const events: ReviewEvent[] = [...(b.shown?.length ? [{ type: 'decision-recorded' as const, critique: 'k1', verdict: 'accept' as const }] : []), { type: 'rating-set', rating: 5 }, { type: 'submitted' }];
    events.forEach((event, i) => recordEvent(ev, { evaluator: 'ann', review: b.review.id, expectedSeq: i, clientEventId: `a-${q.id}-${i}`, clientTime: t, activeMs: 800 * (i + 1), event }, (t += 1000)));
  }
  return { file: JSON.parse(exportResults(ev, {}, t + 1000).content) as Json & { reviews: Json[] }, secret: (JSON.parse(pack) as { pack: { secret: string } }).pack.secret };
}

function resign(body: Json, secret: string): string {
  const { hash: _h, mac: _m, ...rest } = body;
  return JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(secret, rest) });
}

describe('impossible times in a signed results file', () => {
  it('are refused, naming the file, the review and the field; nothing is stored', () => {
    const db = researcher();
    const { file, secret } = signedResults(db);
    const r0 = file.reviews[0]! as Json & { events: Json[]; started_at_ms: number; submitted_at_ms: number };
    const task = (r0['record'] as { task: string }).task;
    const at = `hostile.json: reviews.0 (task "${task}")`;
    const events = (change: (e: Json[]) => Json[]): Json[] => change(r0.events.map((e) => ({ ...e })));
    const cases: [string, Json, string][] = [
      ['submitted in 1970, before a start in 2026', { submitted_at_ms: 0 }, `${at}: submitted_at_ms: 1970-01-01T00:00:00.000Z (0) is before 2020-01-01: no review is that old (a wrong clock, or not a time)`],
      ['year 0001', { started_at_ms: -62135596800000 }, `${at}: started_at_ms: 0001-01-01T00:00:00.000Z (-62135596800000) is before 2020-01-01: no review is that old (a wrong clock, or not a time)`],
      ['submitted before started', { submitted_at_ms: r0.started_at_ms - 1 }, `${at}: submitted_at_ms: ${new Date(r0.started_at_ms - 1).toISOString()} (${r0.started_at_ms - 1}) is before the review started`],
      ['in the future', { started_at_ms: Date.UTC(2100, 0, 1) }, `${at}: started_at_ms: 2100-01-01T00:00:00.000Z (4102444800000) is in the future`],
      [
        'active_ms 1e15 against a 76 ms wall time',
        { active_ms: 1e15, started_at_ms: r0.submitted_at_ms - 76 },
        `${at}: active_ms: 1000000000000000 ms of active time is more than the 76 ms from start to submission`,
      ],
      ['a negative server time', { events: events((e) => [{ ...e[0], server_time: -5 }, ...e.slice(1)]) }, `${at}: events.0.server_time: 1969-12-31T23:59:59.995Z (-5) is outside the review`],
      [
        'an event after the review ended',
        { events: events((e) => [...e.slice(0, -1), { ...e.at(-1), server_time: r0.submitted_at_ms + 60_000 }]) },
        `${at}: events.${r0.events.length - 1}.server_time: ${new Date(r0.submitted_at_ms + 60_000).toISOString()} (${r0.submitted_at_ms + 60_000}) is outside the review`,
      ],
      ['events going backwards', { events: events((e) => [{ ...e[0], server_time: e[1]!['server_time'] }, { ...e[1], server_time: e[0]!['server_time'] }, ...e.slice(2)]) }, `${at}: events.1.server_time:`],
      ['a client clock that is not a clock', { events: events((e) => [{ ...e[0], client_time: 1e15 }, ...e.slice(1)]) }, `${at}: events.0.client_time: +033658-09-27T01:46:40.000Z (1000000000000000) is not a plausible clock reading (2000–2200)`],
    ];
    const before = dumpDatabase(db);
    for (const [what, change, message] of cases) {
      const hostile = { ...file, reviews: [{ ...r0, ...change }, ...file.reviews.slice(1)] };
      const [r] = importResults(db, [{ fileName: 'hostile.json', content: resign(hostile, secret) }], {}, now);
      expect(r!.status, what).toBe('refused');
      expect(r!.error, what).toContain(message);
    }
    expect(dumpDatabase(db)).toBe(before);
    expect(importResults(db, [{ fileName: 'fine.json', content: JSON.stringify(file) }], {}, now)[0]).toMatchObject({ status: 'merged', added: 4 });
  });
});

describe('impossible times in review records (JSON Lines made outside Assay)', () => {
  it('are refused with the line and the field', () => {
    const db = researcher();
    const item = db.prepare(`SELECT task_id AS task, evaluator_id AS evaluator, condition FROM queue_items WHERE study = 'pilot' AND condition = 'alone' LIMIT 1`).get() as Json;
    const good = { ...item, study: 'pilot', started_at: '2026-06-01T09:00:00.000Z', submitted_at: '2026-06-01T09:00:00.076Z', active_seconds: 0.1, rating: 3, skipped: null, decisions: [], added: [] };
    const cases: [Json, string][] = [
      [{ submitted_at: '1970-01-01T00:00:00.000Z' }, 'x.jsonl:2: submitted_at: 1970-01-01T00:00:00.000Z (0) is before 2020-01-01'],
      [{ started_at: '0001-01-01T00:00:00Z' }, 'x.jsonl:2: started_at: 0001-01-01T00:00:00.000Z (-62135596800000) is before 2020-01-01'],
      [{ submitted_at: '2026-06-01T08:59:59.000Z' }, 'x.jsonl:2: submitted_at: 2026-06-01T08:59:59.000Z (1780304399000) is before the review started'],
      [{ active_seconds: 1e12 }, 'x.jsonl:2: active_seconds: 1000000000000 s of active time is more than the 76 ms from start to submission'],
      [{ active_seconds: 0.2 }, 'x.jsonl:2: active_seconds: 0.2 s of active time is more than the 76 ms'],
    ];
    const before = dumpDatabase(db);
    for (const [change, message] of cases) {
      const [r] = importResults(db, [{ fileName: 'x.jsonl', content: `\n${JSON.stringify({ ...good, ...change })}\n` }], {}, now);
      expect(r!.error).toContain(message);
    }
    expect(dumpDatabase(db)).toBe(before);
    // 0.1 s for 76 ms is the record's rounding (to 0.1 s), not a lie
    expect(importResults(db, [{ fileName: 'x.jsonl', content: JSON.stringify(good) }], {}, now)[0]).toMatchObject({ status: 'merged', added: 1 });
  });
});

describe('impossible times through the review API', () => {
  it('client times, active time and the server clock are checked at the contract and in the back end', async () => {
    const { db, path: file } = tempDb();
    importTasks(db, [tasks[0]!]);
    const handlers = createHandlers({ db, dbPath: file, host: 'browser' });
    await dispatch(handlers, 'evaluators:create', { displayName: 'Ana' });
    const queue = (await dispatch(handlers, 'review:queue', { evaluator: 'ana' })) as { ok: true; value: { items: { id: number }[] } };
    const item = queue.value.items[0]!.id;
    const begun = (await dispatch(handlers, 'review:begin', { evaluator: 'ana', item })) as { ok: true; value: { review: { id: number; startedAt: number } } };
    const review = begun.value.review.id;
    const send = (input: Json) => dispatch(handlers, 'review:record', { evaluator: 'ana', review, expectedSeq: 0, clientEventId: 'api-1-xxxxxx', clientTime: Date.now(), event: { type: 'rating-set', rating: 3 }, ...input });
    expect(await send({ clientTime: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^review:record: invalid input: clientTime: /) } });
    expect(await send({ clientTime: -62135596800000 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await send({ activeMs: 2 ** 60 })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/activeMs/) } });
    expect(await dispatch(handlers, 'review:heartbeat', { evaluator: 'ana', review, activeMs: 1e300 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    // active time never exceeds the wall time since the review started, whatever a client claims
    const { startedAt } = begun.value.review;
    expect(recordHeartbeat(db, 'ana', review, 1e15, startedAt + 76)).toBe(76);
    expect(recordEvent(db, { evaluator: 'ana', review, expectedSeq: 0, clientEventId: 'api-2-xxxxxx', clientTime: startedAt, activeMs: 1e15, event: { type: 'rating-set', rating: 3 } }, startedAt + 100).activeMs).toBe(100);
    // a machine whose clock says 1970 records nothing (its reviews could not be merged anywhere)
    expect(() => recordEvent(db, { evaluator: 'ana', review, expectedSeq: 1, clientEventId: 'api-3-xxxxxx', clientTime: startedAt, event: { type: 'submitted' } }, 1_000)).toThrow(
      /This computer's clock says 1970-01-01T00:00:01.000Z \(1000\), before 2020-01-01: set the correct date and time/,
    );
    // a clock stepped back during a review: server times never go backwards
    const r = recordEvent(db, { evaluator: 'ana', review, expectedSeq: 1, clientEventId: 'api-4-xxxxxx', clientTime: startedAt, event: { type: 'submitted' } }, startedAt + 50);
    expect(r.serverTime).toBe(startedAt + 100);
    expect(exportReviewRecords(db)[0]).toMatchObject({ active_seconds: 0.1 });
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips: what Assay writes, Assay reads.

const action = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('decide' as const), pick: fc.nat(), verdict: fc.constantFrom('accept', 'reject'), edit: fc.option(fc.string({ minLength: 1, maxLength: 12 })), reason: fc.constantFrom('incorrect', 'nitpick', 'unclear', 'duplicate', 'other') }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('clear' as const), pick: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('flaw' as const),
      description: fc.string({ minLength: 1, maxLength: 20 }),
      anchor: fc.constantFrom(undefined, { quote: 'spring' }, { lines: [1, 1] }, { start: 0, end: 3 }),
      severity: fc.constantFrom(undefined, 'minor', 'major', 'critical'),
      category: fc.constantFrom(undefined, 'accuracy', 'other'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('edit' as const), pick: fc.nat(), description: fc.string({ minLength: 1, maxLength: 20 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.constantFrom({ kind: 'undo' as const }, { kind: 'redo' as const }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('rate' as const), rating: fc.integer({ min: 1, max: 7 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('beat' as const), activeMs: fc.oneof(fc.nat(10_000_000), fc.constant(1e15)) }), weight: 2 },
);
interface Session {
  readonly actions: readonly { readonly action: { readonly kind: string } & Json; readonly gap: number; readonly skew: number; readonly activeMs: number }[];
  readonly end: 'submit' | 'skip';
}
const session: fc.Arbitrary<Session> = fc.record({
  actions: fc.array(fc.record({ action, gap: fc.integer({ min: 0, max: 600_000 }), skew: fc.integer({ min: -86_400_000, max: 86_400_000 }), activeMs: fc.nat(10_000_000) }), { maxLength: 12 }),
  end: fc.constantFrom('submit', 'skip'),
});

/** Plays one random session on a review through the back end, as the review screen would (events parsed by the contract's schema). */
function play(db: WritableDb, evaluator: string, item: number, s: Session, clock: { t: number }): void {
  const begun = beginReview(db, evaluator, item, (clock.t += 1000));
  const shown = begun.shown ?? [];
  let seq = begun.review.events.length;
  let flaws: string[] = [];
  let n = 0;
  const send = (event: unknown, gap: number, skew: number, activeMs: number): void => {
    const parsed = ReviewEventSchema.safeParse(event);
    if (!parsed.success) return; // the contract would refuse it
    clock.t += gap;
    try {
      seq = recordEvent(db, { evaluator, review: begun.review.id, expectedSeq: seq, clientEventId: `p-${item}-${++n}-xxxx`, clientTime: clock.t + skew, activeMs, event: parsed.data }, clock.t).seq;
      const e = parsed.data;
      if (e.type === 'flaw-added') flaws = [...flaws, e.flaw.id];
      if (e.type === 'flaw-deleted') flaws = flaws.filter((f) => f !== e.id);
    } catch {
      // a refused action (rules of the review): the review screen would have refused it too
    }
  };
  for (const { action: a, gap, skew, activeMs } of s.actions) {
    switch (a.kind) {
      case 'decide': {
        if (!shown.length) break;
        const critique = shown[(a['pick'] as number) % shown.length]!;
        const edit = a['edit'] as string | null;
        send(a['verdict'] === 'accept' ? { type: 'decision-recorded', critique, verdict: 'accept', ...(edit ? { editedText: edit } : {}) } : { type: 'decision-recorded', critique, verdict: 'reject', reason: a['reason'] }, gap, skew, activeMs);
        break;
      }
      case 'clear':
        if (shown.length) send({ type: 'decision-cleared', critique: shown[(a['pick'] as number) % shown.length] }, gap, skew, activeMs);
        break;
      case 'flaw':
        send({ type: 'flaw-added', flaw: { id: `a${item}-${n + 1}`, description: a['description'], ...(a['anchor'] ? { anchor: a['anchor'] } : {}), ...(a['severity'] ? { severity: a['severity'] } : {}), ...(a['category'] ? { category: a['category'] } : {}) } }, gap, skew, activeMs);
        break;
      case 'edit':
        if (flaws.length) send({ type: 'flaw-edited', flaw: { id: flaws[(a['pick'] as number) % flaws.length], description: a['description'] } }, gap, skew, activeMs);
        break;
      case 'delete':
        if (flaws.length) send({ type: 'flaw-deleted', id: flaws[(a['pick'] as number) % flaws.length] }, gap, skew, activeMs);
        break;
      case 'undo':
        send({ type: 'undone' }, gap, skew, activeMs);
        break;
      case 'redo':
        send({ type: 'redone' }, gap, skew, activeMs);
        break;
      case 'rate':
        send({ type: 'rating-set', rating: a['rating'] }, gap, skew, activeMs);
        break;
      case 'beat':
        clock.t += gap;
        recordHeartbeat(db, evaluator, begun.review.id, a['activeMs'] as number, clock.t);
        break;
    }
  }
  if (s.end === 'skip') send({ type: 'skipped', reason: 'Not my field' }, 1000, 0, 0);
  else {
    send({ type: 'rating-set', rating: 4 }, 1000, 0, 0);
    send({ type: 'submitted' }, 1000, 0, 0);
  }
}

describe('what Assay writes, Assay reads (property tests)', () => {
  it('every review record `assay export reviews` writes is accepted by the studies import, and reads back the same', () => {
    fc.assert(
      fc.property(fc.array(session, { minLength: 1, maxLength: 4 }), (sessions) => {
        const db = researcher(true);
        const clock = { t: t0 };
        const items = db.prepare(`SELECT id, evaluator_id FROM queue_items WHERE study = 'pilot' ORDER BY id`).all() as { id: number; evaluator_id: string }[];
        sessions.forEach((s, i) => play(db, items[i]!.evaluator_id, items[i]!.id, s, clock));
        const written = exportReviewRecords(db, { study: 'pilot' });
        expect(written).toHaveLength(sessions.length);
        const fresh = researcher();
        const text = written.map((r) => JSON.stringify(r)).join('\n');
        const [r] = importResults(fresh, [{ fileName: 'export.jsonl', content: text }], {}, clock.t + 1000);
        expect(r, JSON.stringify(r)).toMatchObject({ status: 'merged', added: sessions.length, conflicts: [] });
        expect(exportReviewRecords(fresh, { study: 'pilot' })).toEqual(written);
        expect(importResults(fresh, [{ fileName: 'export.jsonl', content: text }], {}, clock.t + 1000)[0]).toMatchObject({ added: 0, unchanged: sessions.length });
      }),
      { numRuns: 15 },
    );
  });

  it('every results file an evaluator’s Assay writes is merged by the researcher’s, and again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(session, { minLength: 1, maxLength: 4 }), (sessions) => {
        const db = researcher();
        const ev = openDatabase(path.join(tempDir(), 'ev.db'));
        importPack(ev, exportPack(db, 'pilot', 'bob', t0).content, 'bob.json', t0);
        const clock = { t: t0 + 10_000 };
        const items = getQueue(ev, 'bob').filter((q) => q.study === 'pilot');
        sessions.forEach((s, i) => play(ev, 'bob', items[i]!.id, s, clock));
        const results = exportResults(ev, {}, clock.t + 1000).content;
        const [r] = importResults(db, [{ fileName: 'bob.json', content: results }], {}, clock.t + 2000);
        expect(r, JSON.stringify(r)).toMatchObject({ status: 'merged', added: sessions.length, authenticated: true });
        expect(importResults(db, [{ fileName: 'bob.json', content: results }], {}, clock.t + 2000)[0]).toMatchObject({ added: 0, unchanged: sessions.length });
        ev.close();
      }),
      { numRuns: 12 },
    );
  });
});
