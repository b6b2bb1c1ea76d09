import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { createEvaluator, ensurePracticeQueue, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { tempDbPath } from '../../helpers/temp.js';
import { startReview } from '../../helpers/review.js';

describe('recordEvent with cached review state', () => {
  it('sees events another connection (another window, the CLI) appended meanwhile', () => {
    const file = tempDbPath();
    const a = openDatabase(file);
    loadDemo(a);
    const evaluator = createEvaluator(a, 'Cache').id;
    ensurePracticeQueue(a, evaluator);
    const item = getQueue(a, evaluator)[0]!.id;
    const review = startReview(a, evaluator, item).review!.id;
    const rec = (db: typeof a, expectedSeq: number, event: Parameters<typeof recordEvent>[1]['event']) =>
      recordEvent(db, { evaluator, review, expectedSeq, clientEventId: `cache-${expectedSeq}-xxxxxxxx`, clientTime: Date.now(), event });

    rec(a, 0, { type: 'rating-set', rating: 3 }); // a's cache now holds seq 1
    const b = openDatabase(file);
    rec(b, 1, { type: 'flaw-added', flaw: { id: 'f1', description: 'added in the other window' } });
    // a must replay: editing f1 is only valid if a knows f1 exists
    expect(rec(a, 2, { type: 'flaw-edited', flaw: { id: 'f1', description: 'edited here' } }).seq).toBe(3);
    // and the state a cached after its own write is right too: deleting f1 twice is refused
    expect(rec(a, 3, { type: 'flaw-deleted', id: 'f1' }).seq).toBe(4);
    expect(() => rec(a, 4, { type: 'flaw-deleted', id: 'f1' })).toThrow('No flaw "f1" to delete.');
    a.close();
    b.close();
  });
});
