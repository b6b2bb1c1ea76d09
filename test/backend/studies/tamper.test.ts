import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { getQueue, recordEvent, startReview } from '../../../electron/backend/reviews/repository.js';
import { exportPack, importPack, parsePack } from '../../../electron/backend/studies/packs.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportResults, importResults } from '../../../electron/backend/studies/results.js';
import { canonicalJson } from '../../../shared/study/canonical.js';
import { tempDb } from '../../helpers/db.js';
import { loadStudyTasks } from './fixtures.js';

/** A researcher database with a study, and one evaluator's finished results file. */
function setup(): { db: WritableDb; results: string; pack: string } {
  const { db } = tempDb();
  loadStudyTasks(db, 4);
  createStudy(db, { name: 's', conditions: [{ name: 'plain', policy: 'none' }, { name: 'help', policy: 'all' }], evaluators: [{ id: 'e1' }, { id: 'e2' }], overlap: 1, seed: 5 });
  const pack = exportPack(db, 's', 'e1').content;
  const { db: ev } = tempDb();
  importPack(ev, pack, 'p.json');
  let t = 1_000;
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
