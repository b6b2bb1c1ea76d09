import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { exportPack, importPack, parsePack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { tempDb } from '../../helpers/db.js';
import { loadStudyTasks } from './fixtures.js';
import { startReview } from '../../helpers/review.js';

/** A researcher database with a study, and one evaluator's finished results file. */
function setup(): { db: WritableDb; results: string; pack: string } {
  const { db } = tempDb();
  loadStudyTasks(db, 4);
  createStudy(db, { name: 's', conditions: [{ name: 'plain', policy: 'none' }, { name: 'help', policy: 'all' }], evaluators: [{ id: 'e1' }, { id: 'e2' }], overlap: 1, seed: 5 });
  const pack = exportPack(db, 's', 'e1').content;
  const { db: ev } = tempDb();
  importPack(ev, pack, 'p.json');
  let t = Date.UTC(2026, 0, 5, 9);
  for (const q of getQueue(ev, 'e1').filter((x) => x.study === 's')) {
    const view = startReview(ev, 'e1', q.id, (t += 1000));
    const events = [
      ...(view.critiques?.length ? [{ type: 'decision-recorded' as const, critique: view.critiques[0]!.id, verdict: 'accept' as const }] : []),
      { type: 'rating-set' as const, rating: 4 },
      { type: 'submitted' as const },
    ];
    events.forEach((event, i) => recordEvent(ev, { evaluator: 'e1', review: view.review!.id, expectedSeq: i, clientEventId: `id-${q.id}-${i}`, clientTime: t, event }, (t += 1000)));
  }
  return { db, results: exportResults(ev).content, pack };
}

const snapshot = (db: WritableDb): string =>
  JSON.stringify([db.prepare('SELECT * FROM reviews ORDER BY id').all(), db.prepare('SELECT * FROM review_events ORDER BY review_id, seq').all(), db.prepare('SELECT count(*) AS n FROM result_imports').get()]);

/** Replaces one character of `text`. */
const mutation = (length: number) => fc.record({ at: fc.integer({ min: 0, max: length - 1 }), ch: fc.string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' }) });

describe('tampering (property tests)', () => {
  it('a results file changed anywhere in its content is refused whole and leaves the database untouched', () => {
    const { db, results } = setup();
    const original = canonicalJson(JSON.parse(results));
    fc.assert(
      fc.property(mutation(results.length), ({ at, ch }) => {
        const changed = results.slice(0, at) + ch + results.slice(at + 1);
        let same = false;
        try {
          same = canonicalJson(JSON.parse(changed)) === original;
        } catch {
          // not JSON any more
        }
        fc.pre(!same); // whitespace-only edits are the same file
        const before = snapshot(db);
        const [report] = importResults(db, [{ fileName: 'x.json', content: changed }]);
        expect(report!.status, `${at}: ${JSON.stringify(ch)}`).toBe('refused');
        expect(report!.error).toMatch(/^x\.json/);
        expect(snapshot(db)).toBe(before);
      }),
      { numRuns: 300 },
    );
    // The untouched file still merges.
    expect(importResults(db, [{ fileName: 'x.json', content: results }])[0]).toMatchObject({ status: 'merged', added: 2 });
  });

  it('a pack changed anywhere in its content is refused', () => {
    const { pack } = setup();
    const original = canonicalJson(JSON.parse(pack));
    fc.assert(
      fc.property(mutation(pack.length), ({ at, ch }) => {
        const changed = pack.slice(0, at) + ch + pack.slice(at + 1);
        let same = false;
        try {
          same = canonicalJson(JSON.parse(changed)) === original;
        } catch {
          // not JSON any more
        }
        fc.pre(!same);
        expect(() => parsePack(changed, 'p.json')).toThrow(/^p\.json: /);
      }),
      { numRuns: 300 },
    );
  });
});

describe('review records made outside Assay (property test)', () => {
  it('are accepted exactly when every decision is on a critique the condition showed', () => {
    const { db } = tempDb();
    loadStudyTasks(db, 6);
    const conditions = [
      { name: 'none', policy: 'none' },
      { name: 'every', policy: 'all' },
      { name: 'best2', policy: 'top-2' },
      { name: 'clean', policy: 'valid-only' },
    ];
    createStudy(db, { name: 'ext', conditions, evaluators: [{ id: 'e1' }, { id: 'e2' }, { id: 'e3' }, { id: 'e4' }], overlap: 4, seed: 9 });
    const items = db.prepare(`SELECT evaluator_id AS evaluator, task_id AS task, condition FROM queue_items WHERE study = 'ext'`).all() as {
      evaluator: string;
      task: string;
      condition: string;
    }[];
    // Fixture critiques: c1 0.9, c2 0.5, c3 0.7, c4 0.1 and valid: false.
    const shownBy: Record<string, string[]> = { none: [], every: ['c1', 'c2', 'c3', 'c4'], best2: ['c1', 'c3'], clean: ['c1', 'c2', 'c3'] };
    let n = 0;
    fc.assert(
      fc.property(fc.constantFrom(...items), fc.uniqueArray(fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c9'), { maxLength: 5 }), (item, critiques) => {
        const record = {
          ...item,
          study: 'ext',
          started_at: '2026-02-01T09:00:00Z',
          submitted_at: '2026-02-01T09:03:00Z',
          active_seconds: 1 + n++ / 10, // a fresh record each run: never "unchanged" (and within the 3 minutes)
          rating: 4,
          skipped: null,
          decisions: critiques.map((critique) => ({ critique, verdict: 'accept' })),
          added: [],
        };
        const before = snapshot(db);
        const [r] = importResults(db, [{ fileName: 'ext.jsonl', content: JSON.stringify(record) }]);
        const allowed = critiques.every((c) => shownBy[item.condition]!.includes(c));
        if (allowed) expect(r!.status === 'merged' && (r!.added === 1 || r!.conflicts.length === 1), JSON.stringify(r)).toBe(true);
        else {
          expect(r!.status).toBe('refused');
          expect(r!.error).toMatch(/ext\.jsonl:1: decisions\.\d+\.critique: critique "c\d" was not shown in condition/);
          expect(snapshot(db)).toBe(before);
        }
      }),
      { numRuns: 200 },
    );
  });
});
