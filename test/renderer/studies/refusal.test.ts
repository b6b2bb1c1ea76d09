import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportPack, importPack } from '../../../electron/backend/studies/packs.js';
import { createStudy, getStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { fileHash, resultsMac } from '../../../electron/backend/studies/hash.js';
import { beginReview, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { refusalParts } from '../../../renderer/src/screens/studies/refusal.js';
import { loadStudyTasks } from '../../backend/studies/fixtures.js';
import { tempDb } from '../../helpers/db.js';

// The Studies screen's results import says where a refused file went wrong as "line 2, field rating:
// …" or "review 1 (task "t"), field record.rating: …". The refusals here are the back end's own,
// produced by importing files that break a study's settings, so that a change of their wording that
// the screen would no longer take apart fails here.

const t0 = Date.UTC(2026, 2, 2, 9);

function study(settings: Parameters<typeof createStudy>[1]['settings']) {
  const { db } = tempDb();
  loadStudyTasks(db, 2);
  createStudy(db, { name: 's', conditions: [{ name: 'assisted', policy: 'all' }], evaluators: [{ id: 'ann' }], overlap: 1, seed: 3, settings }, t0);
  return db;
}

describe('refusalParts: a results import refusal as place, field and message', () => {
  it('review records: the line and the field of each setting broken', () => {
    const db = study({ decideAll: true, categories: ['accuracy', 'tone'] });
    const [a, b] = getStudy(db, 's').assignments;
    const line = (task: string, changed: Record<string, unknown>) =>
      JSON.stringify({
        task,
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
        ...changed,
      });
    const refusal = (changed: Record<string, unknown>) => {
      const content = `${line(a!.task, {})}\n\n${line(b!.task, changed)}\n`;
      const [r] = importResults(db, [{ fileName: 'labels.jsonl', content }]);
      expect(r!.status).toBe('refused');
      return refusalParts(r!.error!, 'labels.jsonl');
    };
    expect(refusal({ rating: null })).toEqual({ place: 'line 3', field: 'rating', message: 'this study requires a rating (1–7) on every review an evaluator submits.' });
    expect(refusal({ decisions: [{ critique: 'c1', verdict: 'reject' }, ...['c2', 'c3', 'c4'].map((critique) => ({ critique, verdict: 'accept' }))] })).toEqual({
      place: 'line 3',
      field: 'decisions.0.reason',
      message: 'this study requires a reason for every rejection.',
    });
    expect(refusal({ added: [{ id: 'x', description: 'd', category: 'style' }] })).toEqual({
      place: 'line 3',
      field: 'added.0.category',
      message: '"style" is not one of this study\'s categories (accuracy, tone).',
    });
    expect(refusal({ decisions: [{ critique: 'c1', verdict: 'accept' }] })).toMatchObject({ place: 'line 3', field: 'decisions', message: expect.stringMatching(/^3 of 4 shown critiques undecided \(c2, c3, c4\)/) });
    // the file as a whole: no place, no field
    expect(refusalParts(importResults(db, [{ fileName: 'empty.jsonl', content: '\n' }])[0]!.error!, 'empty.jsonl')).toEqual({ place: null, field: null, message: 'no review records in the file.' });
  });

  it('results files: the review counted from 1 with its task, the record’s field, the log’s event', () => {
    const db = study({ rating: 'off', rejectReason: 'optional' });
    const { content, pack } = exportPack(db, 's', 'ann', t0 + 1000);
    const { db: ev } = tempDb();
    importPack(ev, content, 'ann.assay-pack.json', t0 + 2000);
    let at = t0 + 10_000;
    for (const q of getQueue(ev, 'ann').filter((x) => x.study === 's')) {
      const begun = beginReview(ev, 'ann', q.id, (at += 1000));
      let seq = begun.review.events.length;
      for (const event of [{ type: 'decision-recorded', critique: 'k1', verdict: 'accept' }, { type: 'submitted' }] as const) {
        at += 1000;
        seq = recordEvent(ev, { evaluator: 'ann', review: begun.review.id, expectedSeq: seq, clientEventId: `cid-${q.id}-${seq}-xxxx`, clientTime: at, event }, at).seq;
      }
    }
    const file = JSON.parse(exportResults(ev, {}, at + 1000).content) as Record<string, unknown> & { reviews: { record: Record<string, unknown>; events: unknown[] }[] };
    const resign = (): string => {
      const { hash: _h, mac: _m, ...rest } = file;
      return JSON.stringify({ ...rest, hash: fileHash(rest), mac: resultsMac(pack.pack.secret, rest) });
    };
    const second = file.reviews[1]!;
    const task = second.record['task'] as string;
    second.record = { ...second.record, rating: 6 };
    const [r] = importResults(db, [{ fileName: 'ann-results.json', content: resign() }], {}, at + 2000);
    expect(refusalParts(r!.error!, 'ann-results.json')).toEqual({
      place: `review 2 (task "${task}")`,
      field: 'record.rating',
      message: 'this study asks for no rating (rating off), but the record has 6; use null.',
    });
    // a rating slipped into the log: the event is named
    second.record = { ...second.record, rating: null };
    const events = second.events as { seq: number; client_time: number; server_time: number }[];
    const between = Math.round((events[0]!.server_time + events[1]!.server_time) / 2);
    second.events = [events[0]!, { seq: 2, type: 'rating-set', payload: { rating: 6 }, client_time: between, server_time: between }, ...events.slice(1).map((e, i) => ({ ...e, seq: 3 + i }))];
    const [r2] = importResults(db, [{ fileName: 'ann-results.json', content: resign() }], {}, at + 2000);
    expect(refusalParts(r2!.error!, 'ann-results.json')).toEqual({ place: `review 2 (task "${task}"), event 2 (rating-set)`, field: null, message: 'This study does not ask for a rating.' });
    // a refusal of the whole file
    const [r3] = importResults(db, [{ fileName: 'ann-results.json', content: JSON.stringify(file) }], {}, at + 2000); // changed, not signed again
    expect(refusalParts(r3!.error!, 'ann-results.json')).toEqual({ place: null, field: null, message: 'the content does not match its hash: the file was changed after export. Ask the evaluator to export it again.' });
  });

  it('property: only prefixes are taken apart; the message is always the end of the text', () => {
    fc.assert(
      fc.property(fc.constantFrom('f.jsonl', 'r.json', 'x'), fc.string({ maxLength: 80 }), (file, text) => {
        const error = `${file}:${text}`;
        const { message } = refusalParts(error, file);
        const bare = message.endsWith('.') && !error.trimEnd().endsWith('.') ? message.slice(0, -1) : message;
        expect(error.trimEnd().endsWith(bare)).toBe(true);
      }),
    );
  });
});
